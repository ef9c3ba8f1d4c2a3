/* leadq — UUID text form (RFC 9562 versions 4 and 7). */
#include "config.h"

#include <stddef.h>

#include "leadq/uuid.h"

static char *format_version(const uint8_t bytes[16], unsigned version, char out[LQ_UUID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t pos = 0;
	int i;

	for (i = 0; i < 16; i++)
		b[i] = bytes[i];
	b[6] = (uint8_t)((b[6] & 0x0f) | (version << 4));
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);  /* variant 10xx */

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[pos++] = '-';
		out[pos++] = hex[b[i] >> 4];
		out[pos++] = hex[b[i] & 0x0f];
	}
	out[pos] = '\0';
	return out;
}

char *lq_uuid_format(const uint8_t bytes[16], char out[LQ_UUID_SIZE])
{
	return format_version(bytes, 4, out);
}

char *lq_uuid_v7_format(uint64_t unix_ms, const uint8_t bytes[16], char out[LQ_UUID_SIZE])
{
	uint8_t b[16];
	int i;

	/* 48 bits of big-endian milliseconds, then the random bits. */
	for (i = 0; i < 6; i++)
		b[i] = (uint8_t)(unix_ms >> (8 * (5 - i)));
	for (i = 6; i < 16; i++)
		b[i] = bytes[i];
	return format_version(b, 7, out);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool lq_uuid_valid(const char *text)
{
	int i;

	if (!text)
		return false;
	for (i = 0; i < LQ_UUID_STRLEN; i++) {
		bool dash = (i == 8 || i == 13 || i == 18 || i == 23);

		if (text[i] == '\0')
			return false;
		if (dash ? text[i] != '-' : !is_hex(text[i]))
			return false;
	}
	return text[LQ_UUID_STRLEN] == '\0';
}
