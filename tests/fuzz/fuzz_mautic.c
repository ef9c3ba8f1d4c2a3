/* libFuzzer target: Mautic's webhook bodies (lq_mautic_from_text) and the
 * check of their signature (lq_hmac_verify_base64). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0, i;
	char err[256], hex[LQ_HMAC_HEX_SIZE];
	char *sig;

	if (lq_mautic_from_text((const char *)data, size, &v, &n, &skipped, err, sizeof err)) {
		for (i = 0; i < n; i++)
			if (!v[i].lead.external_id || v[i].lead.id[0] ||
			    !memchr(v[i].channel, '\0', sizeof v[i].channel))
				__builtin_trap();
		lq_mautic_free(&v, n);
	} else if (v || n || skipped) {
		__builtin_trap();
	}

	/* The input as the header's text too (up to its first NUL). */
	sig = malloc(size + 1);
	if (!sig)
		return 0;
	memcpy(sig, data, size);
	sig[size] = '\0';
	(void)lq_hmac_verify_base64("fuzz-secret", data, size, sig);
	(void)lq_hmac_verify_base64(sig, sig, strlen(sig), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
	lq_hmac_sha256_hex(sig, data, size, hex);
	if (strlen(hex) != LQ_HMAC_HEX_SIZE - 1)
		__builtin_trap();
	free(sig);
	return 0;
}
