/* leadq — UUIDs (RFC 9562 version 4), text form only.
 *
 * The core does no I/O, so the caller supplies the 16 random bytes
 * (lq_os_random() in the programs, fixed bytes in tests). */
#ifndef LEADQ_UUID_H
#define LEADQ_UUID_H

#include <stdbool.h>
#include <stdint.h>

#define LQ_UUID_STRLEN 36
#define LQ_UUID_SIZE (LQ_UUID_STRLEN + 1)

/* Sets the version and variant bits on bytes and writes the lower-case
 * 8-4-4-4-12 form.  Returns out. */
char *lq_uuid_format(const uint8_t bytes[16], char out[LQ_UUID_SIZE]);

/* True if text is a UUID in 8-4-4-4-12 form (either case, any version). */
bool lq_uuid_valid(const char *text);

#endif
