/* leadq client — theme and width-aware UTF-8 printing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/draw.h"

static attr_t attrs[LQ_C_COUNT];
static bool use_color;

bool lq_theme_init(bool want_color)
{
	use_color = want_color && has_colors();
	if (use_color) {
		short bg = -1;

		start_color();
		if (use_default_colors() != OK)
			bg = COLOR_BLACK;
		init_pair(1, COLOR_WHITE, COLOR_BLUE);     /* header, status */
		init_pair(2, COLOR_CYAN, bg);              /* titles */
		init_pair(3, COLOR_GREEN, bg);             /* on track */
		init_pair(4, COLOR_YELLOW, bg);            /* at risk */
		init_pair(5, COLOR_RED, bg);               /* breached, errors */
		init_pair(6, COLOR_BLACK, COLOR_CYAN);     /* selection */
		init_pair(7, COLOR_BLACK, COLOR_WHITE);    /* pop-ups */
		init_pair(8, COLOR_MAGENTA, bg);           /* marks */
		attrs[LQ_C_NORMAL] = A_NORMAL;
		attrs[LQ_C_HEADER] = COLOR_PAIR(1) | A_BOLD;
		attrs[LQ_C_TITLE] = COLOR_PAIR(2) | A_BOLD;
		attrs[LQ_C_SELECT] = COLOR_PAIR(6);
		attrs[LQ_C_ON_TRACK] = COLOR_PAIR(3);
		attrs[LQ_C_AT_RISK] = COLOR_PAIR(4) | A_BOLD;
		attrs[LQ_C_BREACHED] = COLOR_PAIR(5) | A_BOLD;
		attrs[LQ_C_STATUS] = COLOR_PAIR(1);
		attrs[LQ_C_ERROR] = COLOR_PAIR(5) | A_BOLD;
		attrs[LQ_C_POPUP] = COLOR_PAIR(7);
		attrs[LQ_C_DIM] = A_DIM;
		attrs[LQ_C_MARK] = COLOR_PAIR(8) | A_BOLD;
	} else {
		/* Monochrome: the state marks ("!", "!!") carry the meaning, bold
		 * stresses breaches, reverse shows bars. */
		attrs[LQ_C_NORMAL] = A_NORMAL;
		attrs[LQ_C_HEADER] = A_REVERSE | A_BOLD;
		attrs[LQ_C_TITLE] = A_BOLD | A_UNDERLINE;
		attrs[LQ_C_SELECT] = A_REVERSE;
		attrs[LQ_C_ON_TRACK] = A_NORMAL;
		attrs[LQ_C_AT_RISK] = A_NORMAL;
		attrs[LQ_C_BREACHED] = A_BOLD;
		attrs[LQ_C_STATUS] = A_REVERSE;
		attrs[LQ_C_ERROR] = A_BOLD;
		attrs[LQ_C_POPUP] = A_REVERSE;
		attrs[LQ_C_DIM] = A_NORMAL;
		attrs[LQ_C_MARK] = A_BOLD;
	}
	return use_color;
}

attr_t lq_attr(enum lq_color c)
{
	return (unsigned)c < LQ_C_COUNT ? attrs[c] : A_NORMAL;
}

bool lq_theme_has_color(void)
{
	return use_color;
}

/* Decodes the next character of s; sets *wc ('?' for an invalid or
 * unprintable one) and *w its width; returns the bytes used (0 at the end). */
static size_t next_char(const char *s, mbstate_t *st, wchar_t *wc, int *w)
{
	size_t n;

	if (!*s)
		return 0;
	n = mbrtowc(wc, s, MB_CUR_MAX, st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(st, 0, sizeof *st);
		*wc = L'?';
		*w = 1;
		return 1;
	}
	*w = wcwidth(*wc);
	if (*w < 0 || *wc == L'\t' || *wc == L'\n') {
		*wc = *wc == L'\t' || *wc == L'\n' ? L' ' : L'?';
		*w = 1;
	}
	return n;
}

int lq_text_width(const char *utf8)
{
	mbstate_t st;
	wchar_t wc;
	int w, total = 0;
	size_t n;

	if (!utf8)
		return 0;
	memset(&st, 0, sizeof st);
	for (;;) {
		n = next_char(utf8, &st, &wc, &w);
		if (n == 0)
			break;
		total += w;
		utf8 += n;
	}
	return total;
}

#define LINE_MAX_WCHARS 512

/* Fills buf with the characters of text that fit in width columns (with an
 * ellipsis when cut); returns the count and sets *used. */
static int fit(const char *text, int width, wchar_t *buf, int cap, int *used)
{
	mbstate_t st;
	wchar_t wc;
	int w, cols = 0, count = 0;
	size_t n;
	const char *p = text ? text : "";
	bool cut = false;

	memset(&st, 0, sizeof st);
	*used = 0;
	if (width <= 0)
		return 0;
	for (;;) {
		n = next_char(p, &st, &wc, &w);
		if (n == 0)
			break;
		if (cols + w > width || count >= cap - 2) {
			cut = true;
			break;
		}
		buf[count++] = wc;
		cols += w;
		p += n;
	}
	if (cut) {
		/* Make room for the ellipsis (one column). */
		while (count > 0 && cols + 1 > width) {
			count--;
			cols -= wcwidth(buf[count]) > 0 ? wcwidth(buf[count]) : (buf[count] == L'?' ? 1 : 0);
		}
		buf[count++] = L'\x2026';
		cols += 1;
	}
	buf[count] = L'\0';
	*used = cols;
	return count;
}

static int clip_width(int x, int width)
{
	if (x < 0 || x >= COLS)
		return 0;
	return width > COLS - x ? COLS - x : width;
}

int lq_draw_str(int y, int x, int width, const char *utf8, attr_t attr)
{
	wchar_t buf[LINE_MAX_WCHARS];
	int used, count;

	width = clip_width(x, width);
	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	count = fit(utf8, width, buf, LINE_MAX_WCHARS, &used);
	attrset(attr);
	if (count > 0)
		mvaddnwstr(y, x, buf, count);
	attrset(A_NORMAL);
	return used;
}

void lq_draw_fill(int y, int x, int width, attr_t attr)
{
	width = clip_width(x, width);
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	attrset(attr);
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

int lq_draw_text(int y, int x, int width, const char *utf8, attr_t attr, enum lq_align align)
{
	wchar_t buf[LINE_MAX_WCHARS];
	int used, count;

	width = clip_width(x, width);
	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	count = fit(utf8, width, buf, LINE_MAX_WCHARS, &used);
	lq_draw_fill(y, x, width, attr);
	attrset(attr);
	if (count > 0)
		mvaddnwstr(y, align == LQ_ALIGN_RIGHT ? x + width - used : x, buf, count);
	attrset(A_NORMAL);
	return width;
}
