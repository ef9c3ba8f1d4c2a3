/* leadq — UUIDs (RFC 9562 versions 4 and 7), text form only.
 *
 * The core does no I/O, so the caller supplies the random bytes
 * (lq_os_random() in the programs, fixed bytes in tests) and the time.
 *
 * Records made in bulk (ops, activities) get version 7 ids: their first 48
 * bits are the time in milliseconds, so rows made together sit together in
 * every index keyed by id.  Random version 4 keys scatter a batch of 100 ops
 * over ~1,000 B-tree pages on the server, one write each; time-ordered keys
 * append to the right edge (share/doc/design-notes.md, "Performance").
 * Leads, users and teams keep version 4: people name a lead by the first
 * digits of its id, which in version 7 are the same for a minute. */
#ifndef LEADQ_UUID_H
#define LEADQ_UUID_H

#include <stdbool.h>
#include <stdint.h>

#define LQ_UUID_STRLEN 36
#define LQ_UUID_SIZE (LQ_UUID_STRLEN + 1)

/* Sets the version and variant bits on bytes and writes the lower-case
 * 8-4-4-4-12 form.  Returns out. */
char *lq_uuid_format(const uint8_t bytes[16], char out[LQ_UUID_SIZE]);

/* Version 7: unix_ms in the first 48 bits, bytes[6..15] as the random
 * part (bytes[0..5] are ignored), version and variant bits set. */
char *lq_uuid_v7_format(uint64_t unix_ms, const uint8_t bytes[16], char out[LQ_UUID_SIZE]);

/* True if text is a UUID in 8-4-4-4-12 form (either case, any version). */
bool lq_uuid_valid(const char *text);

#endif
