/* libFuzzer target: the codec's text readers (leadq/codec.h), each given
 * the whole input: lq_lead_from_text, lq_activity_from_text,
 * lq_appt_from_text. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leadq/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct lq_lead lead;
	struct lq_activity act;
	struct lq_appt appt;
	char err[256];

	memset(&lead, 0, sizeof lead);
	if (lq_lead_from_text(text, size, &lead, err, sizeof err))
		lq_lead_clear(&lead);
	else if (lead.name || lead.email || lead.external_id)
		__builtin_trap();   /* "left cleared on error" */

	memset(&act, 0, sizeof act);
	if (lq_activity_from_text(text, size, &act, err, sizeof err))
		lq_activity_clear(&act);
	else if (act.subject || act.detail || act.actor)
		__builtin_trap();

	memset(&appt, 0, sizeof appt);
	(void)lq_appt_from_text(text, size, &appt, err, sizeof err);
	lq_appt_clear(&appt);   /* init'ed either way */
	return 0;
}
