/* leadq — leadqd: a growing text buffer: request bodies (http.c), answers
 * and mail written by hand (api.c, mail.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "server/server.h"

void srv_text_add(struct srv_text *t, const char *s, size_t n)
{
	if (t->nomem)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *grown;

		while (cap < t->len + n + 1)
			cap *= 2;
		grown = realloc(t->p, cap);
		if (!grown) {
			t->nomem = true;
			return;
		}
		t->p = grown;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

void srv_text_lit(struct srv_text *t, const char *s)
{
	srv_text_add(t, s, strlen(s));
}
