/* leadq client — key names and the keymap built from LQ_ACTION_LIST. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ui/keymap.h"

static const struct {
	const char *name;
	const char *keys;
	unsigned flags;
	const char *help;
} actions[] = {
	[LQ_ACTION_NONE] = { "none", "", 0, "" },
#define X(id, name, keys, flags, handler, help) [LQ_ACTION_##id] = { name, keys, flags, help },
	LQ_ACTION_LIST(X)
#undef X
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", LQ_KEY_ENTER },
	{ "Esc", LQ_KEY_ESC },
	{ "Tab", LQ_KEY_TAB },
	{ "Space", ' ' },
	{ "lt", '<' },
	{ "Up", LQ_KEY_FN | KEY_UP },
	{ "Down", LQ_KEY_FN | KEY_DOWN },
	{ "Left", LQ_KEY_FN | KEY_LEFT },
	{ "Right", LQ_KEY_FN | KEY_RIGHT },
	{ "PgUp", LQ_KEY_FN | KEY_PPAGE },
	{ "PgDn", LQ_KEY_FN | KEY_NPAGE },
	{ "Home", LQ_KEY_FN | KEY_HOME },
	{ "End", LQ_KEY_FN | KEY_END },
	{ "Backspace", LQ_KEY_FN | KEY_BACKSPACE },
	{ "Del", LQ_KEY_FN | KEY_DC },
	{ "Ins", LQ_KEY_FN | KEY_IC },
	{ "BackTab", LQ_KEY_FN | KEY_BTAB },
};

const char *lq_action_name(enum lq_action a)
{
	return (unsigned)a < LQ_ACTION_COUNT ? actions[a].name : "";
}

const char *lq_action_help(enum lq_action a)
{
	return (unsigned)a < LQ_ACTION_COUNT ? actions[a].help : "";
}

unsigned lq_action_flags(enum lq_action a)
{
	return (unsigned)a < LQ_ACTION_COUNT ? actions[a].flags : 0;
}

int lq_action_parse(const char *name)
{
	for (int a = 0; a < LQ_ACTION_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return a;
	return -1;
}

/* Decodes one UTF-8 character; returns its length or 0 when invalid. */
static size_t utf8_decode(const char *s, int *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	int c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return u[0] ? 1 : 0;
	}
	if ((u[0] & 0xe0) == 0xc0) {
		len = 2;
		c = u[0] & 0x1f;
	} else if ((u[0] & 0xf0) == 0xe0) {
		len = 3;
		c = u[0] & 0x0f;
	} else if ((u[0] & 0xf8) == 0xf0) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool lq_key_parse(const char *name, int *key)
{
	size_t len = strlen(name);
	int cp;

	if (len == 0)
		return false;
	if (name[0] != '<' || len == 1) {
		size_t n = utf8_decode(name, &cp);

		if (n == 0 || n != len || cp < 0x20 || cp == 0x7f)
			return false;
		*key = cp;
		return true;
	}
	if (name[len - 1] != '>' || len < 3)
		return false;
	char inner[32];
	if (len - 2 >= sizeof inner)
		return false;
	memcpy(inner, name + 1, len - 2);
	inner[len - 2] = '\0';
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcasecmp(inner, key_names[i].name) == 0) {
			*key = key_names[i].key;
			return true;
		}
	}
	if ((inner[0] == 'C' || inner[0] == 'c') && inner[1] == '-' && inner[2] && !inner[3]) {
		char c = inner[2];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z')
			return false;
		*key = LQ_KEY_CTRL(c);
		return true;
	}
	if ((inner[0] == 'F' || inner[0] == 'f') && inner[1] >= '1' && inner[1] <= '9') {
		int n = inner[1] - '0';

		if (inner[2] >= '0' && inner[2] <= '9' && !inner[3])
			n = n * 10 + (inner[2] - '0');
		else if (inner[2])
			return false;
		if (n < 1 || n > 12)
			return false;
		*key = LQ_KEY_FN | KEY_F(n);
		return true;
	}
	return false;
}

const char *lq_key_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key && key != '<') {
			snprintf(buf, size, "<%s>", key_names[i].name);
			return buf;
		}
	}
	if (key == '<') {
		snprintf(buf, size, "<");
		return buf;
	}
	if (key & LQ_KEY_FN) {
		int k = key & ~LQ_KEY_FN;

		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, size, "<F%d>", k - KEY_F0);
		else
			snprintf(buf, size, "<%s>", keyname(k) ? keyname(k) : "?");
		return buf;
	}
	if (key >= 1 && key <= 26) {
		snprintf(buf, size, "<C-%c>", 'a' + key - 1);
		return buf;
	}
	/* One code point as UTF-8. */
	char u[5] = {0};
	if (key < 0x80) {
		u[0] = (char)key;
	} else if (key < 0x800) {
		u[0] = (char)(0xc0 | (key >> 6));
		u[1] = (char)(0x80 | (key & 0x3f));
	} else if (key < 0x10000) {
		u[0] = (char)(0xe0 | (key >> 12));
		u[1] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[2] = (char)(0x80 | (key & 0x3f));
	} else {
		u[0] = (char)(0xf0 | (key >> 18));
		u[1] = (char)(0x80 | ((key >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[3] = (char)(0x80 | (key & 0x3f));
	}
	snprintf(buf, size, "%s", u);
	return buf;
}

int lq_key_normalize(int key)
{
	if (key == '\r' || key == (LQ_KEY_FN | KEY_ENTER))
		return LQ_KEY_ENTER;
	if (key == 127 || key == 8)
		return LQ_KEY_FN | KEY_BACKSPACE;
	return key;
}

bool lq_keymap_bind(struct lq_keymap *km, int key, enum lq_action action)
{
	for (int i = 0; i < km->count; i++) {
		if (km->map[i].key == key) {
			km->map[i].action = action;
			return true;
		}
	}
	if (km->count >= LQ_KEYMAP_MAX)
		return false;
	km->map[km->count].key = key;
	km->map[km->count].action = action;
	km->count++;
	return true;
}

void lq_keymap_default(struct lq_keymap *km)
{
	km->count = 0;
	for (int a = 1; a < LQ_ACTION_COUNT; a++) {
		const char *p = actions[a].keys;

		while (*p) {
			char name[32];
			size_t n = strcspn(p, " ");
			int key;

			if (n > 0 && n < sizeof name) {
				memcpy(name, p, n);
				name[n] = '\0';
				if (lq_key_parse(name, &key))
					lq_keymap_bind(km, key, (enum lq_action)a);
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
}

bool lq_keymap_bind_text(struct lq_keymap *km, const char *key, const char *action,
			 const char *file, int line, char *err, size_t errsize)
{
	int k, a;

	if (!file)
		file = "config";
	if (!lq_key_parse(key, &k)) {
		snprintf(err, errsize, _("%s:%d: unknown key '%s'"), file, line, key);
		return false;
	}
	a = lq_action_parse(action);
	if (a < 0) {
		snprintf(err, errsize, _("%s:%d: unknown action '%s'"), file, line, action);
		return false;
	}
	if (!lq_keymap_bind(km, k, (enum lq_action)a)) {
		snprintf(err, errsize, _("%s:%d: too many bindings"), file, line);
		return false;
	}
	return true;
}

enum lq_action lq_keymap_lookup(const struct lq_keymap *km, int key)
{
	for (int i = 0; i < km->count; i++)
		if (km->map[i].key == key)
			return km->map[i].action;
	return LQ_ACTION_NONE;
}

size_t lq_keymap_keys(const struct lq_keymap *km, enum lq_action action, char *buf,
		      size_t size)
{
	size_t len = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i < km->count; i++) {
		char name[32];
		int n;

		if (km->map[i].action != action)
			continue;
		lq_key_name(km->map[i].key, name, sizeof name);
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
		if (n < 0 || (size_t)n >= size - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	return len;
}
