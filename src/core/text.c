/* leadq — text helpers: search-key folding and UTF-8 checks (no locale). */
#include "config.h"

#include <string.h>

#include "leadq/text.h"

/* ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin
 * Extended-A), one entry per code point; "" keeps the code point as it is
 * (U+00D7 multiplication sign, U+00F7 division sign). */
static const char latin_fold[0x180 - 0xC0][3] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Length of the valid UTF-8 sequence at s (at most avail bytes), storing its
 * code point; 0 when the bytes there are not a valid sequence (overlong,
 * surrogate, above U+10FFFF, truncated or a stray continuation byte). */
static size_t utf8_decode(const unsigned char *s, size_t avail, unsigned *cp)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t len, i;
	unsigned v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;          /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F;          /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;          /* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F;          /* nothing past U+10FFFF */
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (i = 1; i < len; i++) {
		unsigned b = s[i];

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return len;
}

size_t lq_fold(const char *text, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0, room;

	if (!out || size == 0)
		return 0;
	if (!text) {
		out[0] = '\0';
		return 0;
	}
	room = size - 1;
	/* No strlen(): a NUL ends the text, and as a continuation byte it
	 * also ends (invalidates) any sequence it cuts. */
	while (*s && pos < room) {
		unsigned c = *s;
		unsigned cp;
		size_t n, rlen;
		const char *rep;

		/* The common case: a run of ASCII, one byte in, one byte out. */
		if (c < 0x80) {
			do {
				out[pos++] = (char)(c - 'A' < 26u ? c + ('a' - 'A') : c);
				c = *++s;
			} while (c && c < 0x80 && pos < room);
			continue;
		}
		n = utf8_decode(s, 4, &cp);
		if (n == 0) {
			s++;                /* drop the invalid byte, resync on the next */
			continue;
		}
		rep = NULL;
		if (cp >= 0xC0 && cp < 0x180 && latin_fold[cp - 0xC0][0])
			rep = latin_fold[cp - 0xC0];
		else if (cp == 0x218 || cp == 0x219)    /* Romanian S/s with comma below */
			rep = "s";
		else if (cp == 0x21A || cp == 0x21B)    /* Romanian T/t with comma below */
			rep = "t";
		if (rep) {
			rlen = rep[1] ? 2 : 1;
		} else {
			rep = (const char *)s;
			rlen = n;
		}
		/* Whole characters only: never cut a sequence or an expansion. */
		if (rlen > room - pos)
			break;
		memcpy(out + pos, rep, rlen);
		pos += rlen;
		s += n;
	}
	out[pos] = '\0';
	return pos;
}

bool lq_fold_contains(const char *folded_haystack, const char *folded_needle)
{
	if (!folded_needle || !folded_needle[0])
		return true;
	if (!folded_haystack)
		return false;
	return strstr(folded_haystack, folded_needle) != NULL;
}

bool lq_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		unsigned cp;
		size_t n;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t lq_strlcpy_utf8(char *dst, const char *src, size_t size)
{
	size_t len, n, back;

	if (!dst || size == 0)
		return 0;
	if (!src) {
		dst[0] = '\0';
		return 0;
	}
	len = strlen(src);
	n = len < size - 1 ? len : size - 1;
	if (n < len) {
		/* The cut falls inside a sequence when the next byte continues
		 * one: step back to that sequence's lead byte (3 bytes at most). */
		back = 0;
		while (n > 0 && back < 3 && ((unsigned char)src[n] & 0xC0) == 0x80) {
			n--;
			back++;
		}
		if (back > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n += back;      /* stray continuation bytes, not one sequence: keep the cut */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}
