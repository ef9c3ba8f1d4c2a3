/* leadq client — LEADQ_SCRIPT: keys from a file instead of the terminal, and
 * the screen's text saved on request (tig's TIG_SCRIPT).  The format is in
 * share/doc/testing.md. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "ui/screen.h"

/* Line-drawing characters are stored as ACS codes; write what they show. */
static wchar_t acs_char(wchar_t wc)
{
	switch (wc) {
	case L'q': return L'\x2500';
	case L'x': return L'\x2502';
	case L'l': return L'\x250c';
	case L'k': return L'\x2510';
	case L'm': return L'\x2514';
	case L'j': return L'\x2518';
	default: return wc;
	}
}

int lq_screen_save(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (int y = 0; y < LINES; y++) {
		char line[4096];
		size_t len = 0, keep = 0;
		mbstate_t st;

		memset(&st, 0, sizeof st);
		for (int x = 0; x < COLS;) {
			cchar_t cell;
			wchar_t wcs[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;
			int w;

			if (mvin_wch(y, x, &cell) == ERR)
				break;
			wcs[0] = L' ';
			wcs[1] = L'\0';
			getcchar(&cell, wcs, &attrs, &pair, NULL);
			if (!wcs[0])
				wcs[0] = L' ';
			if (attrs & A_ALTCHARSET)
				wcs[0] = acs_char(wcs[0]);
			w = wcwidth(wcs[0]);
			for (int i = 0; wcs[i] && len + MB_LEN_MAX < sizeof line; i++) {
				size_t n = wcrtomb(line + len, wcs[i], &st);

				if (n != (size_t)-1)
					len += n;
			}
			if (wcs[0] != L' ')
				keep = len;
			x += w > 0 ? w : 1;
		}
		line[keep] = '\0';
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0)
		return -1;
	return 0;
}

/* Feeds the keys of one script line; returns 1 when a key quit, -1 on a bad
 * token (named in err), 0 otherwise. */
static int feed_keys(struct lq_app *app, const char *p, char *err, size_t errsize)
{
	while (*p) {
		int key;

		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '<' && strchr(p, '>')) {
			const char *end = strchr(p, '>');
			char name[40];
			size_t n = (size_t)(end - p) + 1;

			if (n < sizeof name) {
				memcpy(name, p, n);
				name[n] = '\0';
			}
			if (n >= sizeof name || !lq_key_parse(name, &key)) {
				snprintf(err, errsize, _("unknown key %.*s"), (int)(n < 30 ? n : 30), p);
				return -1;
			}
			p = end + 1;
		} else {
			wchar_t wc;
			mbstate_t st;
			size_t n;

			memset(&st, 0, sizeof st);
			n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
			if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
				snprintf(err, errsize, "%s", _("invalid UTF-8 in the script"));
				return -1;
			}
			key = (int)wc;
			p += n;
		}
		if (lq_app_dispatch(app, key) & LQ_H_QUIT)
			return 1;
		lq_app_draw(app);
	}
	return 0;
}

static void set_err(char **err, const char *path, int line, const char *what)
{
	if (err)
		*err = lq_os_asprintf("%s:%d: %s", path, line, what);
}

int lq_script_run(struct lq_app *app, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	char buf[4096], msg[256];
	int lineno = 0, rc = 0;

	if (!f) {
		if (err)
			*err = lq_os_asprintf("%s: %s", path, strerror(errno));
		return 1;
	}
	lq_app_draw(app);
	while (fgets(buf, sizeof buf, f)) {
		size_t len = strlen(buf);

		lineno++;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		if (buf[0] == ':') {
			char *arg = strchr(buf, ' ');

			if (arg)
				*arg++ = '\0';
			if (strcmp(buf, ":save-display") == 0 && arg && *arg) {
				lq_app_draw(app);
				if (lq_screen_save(arg) != 0) {
					snprintf(msg, sizeof msg, "%s: %s", arg, strerror(errno));
					set_err(err, path, lineno, msg);
					rc = 1;
					break;
				}
			} else if (strcmp(buf, ":type") == 0) {
				if (lq_popup_type(app, arg ? arg : "") != 0) {
					set_err(err, path, lineno, _(":type needs an open prompt"));
					rc = 1;
					break;
				}
				lq_app_draw(app);
			} else if (strcmp(buf, ":tick") == 0) {
				app->last_tick = 0;
				lq_app_tick(app);
				lq_app_draw(app);
			} else if (strcmp(buf, ":resize") == 0 && arg) {
				int cols, lines;

				if (sscanf(arg, "%dx%d", &cols, &lines) != 2 || cols < 10 || lines < 3) {
					set_err(err, path, lineno, _(":resize needs COLSxLINES"));
					rc = 1;
					break;
				}
				resizeterm(lines, cols);
				lq_app_dispatch(app, LQ_KEY_FN | KEY_RESIZE);
				lq_app_draw(app);
			} else {
				snprintf(msg, sizeof msg, _("unknown script command %s"), buf);
				set_err(err, path, lineno, msg);
				rc = 2;
				break;
			}
			continue;
		}
		rc = feed_keys(app, buf, msg, sizeof msg);
		if (rc < 0) {
			set_err(err, path, lineno, msg);
			rc = 2;
			break;
		}
		if (rc == 1) {
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
