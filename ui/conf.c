/* leadq client — the configuration file (format in ui/conf.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/i18n.h"
#include "leadq/lead.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "ui/conf.h"

void lq_config_defaults(struct lq_config *c)
{
	memset(c, 0, sizeof(*c));
	c->undo_window_s = 5;
	c->color = LQ_COLOR_AUTO;
	c->bell = true;
	c->escdelay_ms = 25;
}

void lq_config_free(struct lq_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->server);
	for (int i = 0; i < 3; i++)
		free(c->reasons[i]);
	free(c->checklist);
	free(c->bindings);
	lq_config_defaults(c);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trims blanks at both ends, in place. */
static char *trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Cuts a comment: '#' at the start or after a blank. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '#' && (p == s || is_blank(p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static bool parse_int(const char *v, int min, int max, int *out)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return false;
	*out = (int)n;
	return true;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool reason_code_ok(const char *code, size_t len)
{
	if (len == 0 || len >= LQ_REASON_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = code[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

/* "a, b ,c" -> "a,b,c" (malloc'd), or NULL with the bad code in bad. */
static char *normalize_reasons(const char *v, char *bad, size_t badsize, bool *nomem)
{
	size_t cap = strlen(v) + 1;
	char *out = malloc(cap);
	size_t len = 0;
	int count = 0;

	*nomem = false;
	if (!out) {
		*nomem = true;
		return NULL;
	}
	const char *p = v;
	for (;;) {
		while (is_blank(*p))
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && is_blank(end[-1]))
			end--;
		size_t n = (size_t)(end - start);
		if (!reason_code_ok(start, n) || ++count > LQ_REASON_MAX) {
			size_t shown = n < badsize - 1 ? n : badsize - 1;
			lq_strlcpy_utf8(bad, start, shown + 1);
			free(out);
			return NULL;
		}
		if (len > 0)
			out[len++] = ',';
		memcpy(out + len, start, n);
		len += n;
		out[len] = '\0';
		if (*p != ',')
			break;
		p++;
	}
	return out;
}

/* "a? | b ?|c" -> "a?|b ?|c" (malloc'd); NULL with the reason in why. */
static char *normalize_checklist(const char *v, char *why, size_t whysize)
{
	char *out = malloc(strlen(v) + 1);
	size_t len = 0;
	int count = 0;
	const char *p = v;

	if (!out) {
		snprintf(why, whysize, "%s", _("out of memory"));
		return NULL;
	}
	for (;;) {
		while (is_blank(*p))
			p++;
		const char *start = p;
		while (*p && *p != '|')
			p++;
		const char *end = p;
		while (end > start && is_blank(end[-1]))
			end--;
		size_t n = (size_t)(end - start);
		if (n == 0) {
			snprintf(why, whysize, "%s", _("checklist: an empty question (questions are separated by '|')"));
			free(out);
			return NULL;
		}
		if (n > LQ_CONFIG_QUESTION_MAX) {
			snprintf(why, whysize, _("checklist: a question is longer than %d bytes"),
				 LQ_CONFIG_QUESTION_MAX);
			free(out);
			return NULL;
		}
		if (++count > LQ_CONFIG_CHECKLIST_MAX) {
			snprintf(why, whysize, _("checklist: at most %d questions"),
				 LQ_CONFIG_CHECKLIST_MAX);
			free(out);
			return NULL;
		}
		if (len > 0)
			out[len++] = '|';
		memcpy(out + len, start, n);
		len += n;
		out[len] = '\0';
		if (*p != '|')
			break;
		p++;
	}
	return out;
}

static int add_binding(struct lq_config *c, const char *key, const char *action, int line)
{
	struct lq_binding *b = realloc(c->bindings, (c->nbindings + 1) * sizeof(*b));
	if (!b)
		return -1;
	c->bindings = b;
	b = &c->bindings[c->nbindings++];
	memset(b, 0, sizeof(*b));
	memcpy(b->key, key, strlen(key) + 1);
	memcpy(b->action, action, strlen(action) + 1);
	b->line = line;
	return 0;
}

static int replace_str(char **field, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* One line without its comment, trimmed and non-empty.  Returns 0 or -1
 * with the reason (no file/line prefix) in why. */
static int parse_line(struct lq_config *c, char *s, int line, char *why, size_t whysize)
{
	static const char *const reason_keys[3] = {
		"reasons.recycle", "reasons.junk", "reasons.unreachable",
	};

	if (strncmp(s, "bind", 4) == 0 && is_blank(s[4])) {
		char *key = trim(s + 4);
		char *sp = key;
		while (*sp && !is_blank(*sp))
			sp++;
		char *action = trim(sp);
		*sp = '\0';
		if (*key == '\0' || *action == '\0') {
			snprintf(why, whysize, "%s", _("bind needs a key and an action: bind KEY ACTION"));
			return -1;
		}
		for (char *p = action; *p; p++) {
			if (is_blank(*p)) {
				snprintf(why, whysize, _("bind: unexpected text after the action '%s'"), action);
				return -1;
			}
		}
		if (strlen(key) >= sizeof(c->bindings[0].key)) {
			snprintf(why, whysize, "%s", _("bind: key name too long"));
			return -1;
		}
		if (strlen(action) >= sizeof(c->bindings[0].action)) {
			snprintf(why, whysize, "%s", _("bind: action name too long"));
			return -1;
		}
		if (add_binding(c, key, action, line) != 0) {
			snprintf(why, whysize, "%s", _("out of memory"));
			return -1;
		}
		return 0;
	}

	char *eq = strchr(s, '=');
	if (!eq) {
		char *sp = s;
		while (*sp && !is_blank(*sp))
			sp++;
		*sp = '\0';
		snprintf(why, whysize, _("expected KEY = VALUE or bind KEY ACTION, not '%s'"), s);
		return -1;
	}
	*eq = '\0';
	char *key = trim(s);
	char *value = trim(eq + 1);

	if (*key == '\0') {
		snprintf(why, whysize, "%s", _("a name is missing before '='"));
		return -1;
	}
	if (*value == '\0') {
		snprintf(why, whysize, _("%s: a value is missing"), key);
		return -1;
	}

	if (strcmp(key, "server") == 0) {
		for (char *p = value; *p; p++) {
			if (is_blank(*p)) {
				snprintf(why, whysize, _("%s: blanks are not allowed in a server address"), key);
				return -1;
			}
		}
		if (replace_str(&c->server, value) != 0) {
			snprintf(why, whysize, "%s", _("out of memory"));
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "undo-window") == 0) {
		if (!parse_int(value, 0, LQ_CONFIG_UNDO_MAX, &c->undo_window_s)) {
			snprintf(why, whysize, _("%s: expected seconds from 0 to %d, not '%s'"), key,
				 LQ_CONFIG_UNDO_MAX, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "escdelay") == 0) {
		if (!parse_int(value, 0, LQ_CONFIG_ESCDELAY_MAX, &c->escdelay_ms)) {
			snprintf(why, whysize, _("%s: expected milliseconds from 0 to %d, not '%s'"), key,
				 LQ_CONFIG_ESCDELAY_MAX, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "sync-batch") == 0) {
		if (!parse_int(value, 1, LQ_CONFIG_SYNC_BATCH_MAX, &c->sync_batch)) {
			snprintf(why, whysize, _("%s: expected a number of ops from 1 to %d, not '%s'"),
				 key, LQ_CONFIG_SYNC_BATCH_MAX, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "color") == 0) {
		bool on;
		if (strcmp(value, "auto") == 0)
			c->color = LQ_COLOR_AUTO;
		else if (parse_bool(value, &on))
			c->color = on ? LQ_COLOR_ON : LQ_COLOR_OFF;
		else {
			snprintf(why, whysize, _("%s: expected auto, on or off, not '%s'"), key, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "bell") == 0 || strcmp(key, "flash") == 0) {
		if (!parse_bool(value, strcmp(key, "bell") == 0 ? &c->bell : &c->flash)) {
			snprintf(why, whysize, _("%s: expected on or off, not '%s'"), key, value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "checklist") == 0) {
		char *list = normalize_checklist(value, why, whysize);

		if (!list)
			return -1;
		free(c->checklist);
		c->checklist = list;
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		if (strcmp(key, reason_keys[i]) != 0)
			continue;
		char bad[64];
		bool nomem;
		char *csv = normalize_reasons(value, bad, sizeof(bad), &nomem);
		if (!csv) {
			if (nomem)
				snprintf(why, whysize, "%s", _("out of memory"));
			else
				snprintf(why, whysize,
					 _("%s: bad reason code '%s' (codes are a-z, 0-9 and _, up to 31, at most %d)"),
					 key, bad, LQ_REASON_MAX);
			return -1;
		}
		free(c->reasons[i]);
		c->reasons[i] = csv;
		return 0;
	}
	snprintf(why, whysize, _("unknown setting '%s'"), key);
	return -1;
}

int lq_config_load(struct lq_config *c, const char *path, char *err, size_t errsize)
{
	char *xdg_path = NULL;
	bool explicit_path = path != NULL;

	lq_config_defaults(c);
	if (err && errsize)
		err[0] = '\0';
	if (!path) {
		char *dir = lq_os_xdg_dir("config");
		if (!dir)
			return 0;   /* no home: nothing to read */
		xdg_path = lq_os_asprintf("%s/config", dir);
		free(dir);
		if (!xdg_path) {
			snprintf(err, errsize, "%s", _("out of memory"));
			return -1;
		}
		path = xdg_path;
	}

	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		free(xdg_path);
		if (e == ENOENT && !explicit_path)
			return 0;
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		return -1;
	}
	c->path = strdup(path);
	free(xdg_path);
	if (!c->path) {
		fclose(f);
		snprintf(err, errsize, "%s", _("out of memory"));
		return -1;
	}

	char *buf = NULL;
	size_t bufsize = 0;
	ssize_t got;
	int line = 0;
	int rc = 0;
	char why[512];

	for (;;) {
		errno = 0;
		got = getline(&buf, &bufsize, f);
		if (got < 0)
			break;
		line++;
		if (memchr(buf, '\0', (size_t)got) || !lq_utf8_valid(buf, (size_t)got)) {
			snprintf(err, errsize, "%s:%d: %s", c->path, line,
				 _("not valid UTF-8 text"));
			rc = -1;
			break;
		}
		char *s = buf;
		if (line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
		    (unsigned char)s[2] == 0xBF)
			s += 3;   /* a byte order mark */
		cut_comment(s);
		s = trim(s);
		if (*s == '\0')
			continue;
		if (parse_line(c, s, line, why, sizeof(why)) != 0) {
			snprintf(err, errsize, "%s:%d: %s", c->path, line, why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errsize, "%s: %s", c->path, strerror(errno ? errno : EIO));
		rc = -1;
	}
	free(buf);
	fclose(f);
	if (rc != 0)
		lq_config_free(c);
	return rc;
}
