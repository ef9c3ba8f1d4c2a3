/* leadq client — drawing helpers: the theme (colours or a monochrome
 * fallback) and width-aware UTF-8 printing, so that "José Núñez", "São Paulo"
 * and "中文" names never shift a column. */
#ifndef LEADQ_UI_DRAW_H
#define LEADQ_UI_DRAW_H

#include <stdbool.h>
#include <curses.h>

enum lq_color {
	LQ_C_NORMAL = 0,
	LQ_C_HEADER,      /* the top line */
	LQ_C_TITLE,       /* column titles, section titles */
	LQ_C_SELECT,      /* the selection bar */
	LQ_C_ON_TRACK,
	LQ_C_AT_RISK,
	LQ_C_BREACHED,
	LQ_C_STATUS,      /* the status bar */
	LQ_C_ERROR,
	LQ_C_POPUP,
	LQ_C_DIM,
	LQ_C_MARK,
	LQ_C_COUNT
};

/* Sets up colour pairs when colour is wanted and the terminal has them;
 * otherwise monochrome attributes (bold, reverse, underline).  Returns whether
 * colours are used. */
bool lq_theme_init(bool want_color);
attr_t lq_attr(enum lq_color c);
bool lq_theme_has_color(void);

/* Display width of UTF-8 text (wcwidth per character; invalid bytes and
 * unprintable characters count as one column, drawn as '?'). */
int lq_text_width(const char *utf8);

enum lq_align { LQ_ALIGN_LEFT, LQ_ALIGN_RIGHT };

/* Draws text at y,x in exactly `width` columns (clipped at the screen's
 * edge): truncated with "…" when too wide, padded with spaces otherwise.
 * Returns the columns written. */
int lq_draw_text(int y, int x, int width, const char *utf8, attr_t attr, enum lq_align align);
/* Draws text from x without padding, at most width columns; returns columns. */
int lq_draw_str(int y, int x, int width, const char *utf8, attr_t attr);
/* Fills width columns at y,x with spaces in attr. */
void lq_draw_fill(int y, int x, int width, attr_t attr);

#endif
