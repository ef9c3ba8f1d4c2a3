/* libFuzzer target: POST /events bodies (lq_events_from_text). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leadq/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_event_in *v = NULL;
	size_t n = 0, i;
	char err[256];

	if (lq_events_from_text((const char *)data, size, &v, &n, err, sizeof err)) {
		/* touch what was decoded: the sanitizers check every byte */
		for (i = 0; i < n; i++) {
			size_t len = strlen(v[i].act.actor) + strlen(v[i].act.id);

			if (v[i].act.subject)
				len += strlen(v[i].act.subject);
			if (v[i].act.detail)
				len += strlen(v[i].act.detail);
			if (v[i].act.campaign)
				len += strlen(v[i].act.campaign);
			if (!v[i].external_id && !v[i].email)
				__builtin_trap();   /* the contract: one of them */
			(void)len;
		}
		lq_events_free(&v, n);
	} else if (v || n || !memchr(err, '\0', sizeof err)) {
		__builtin_trap();   /* a refusal leaves nothing behind */
	}
	return 0;
}
