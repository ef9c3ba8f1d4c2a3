/* leadq — small text helpers shared by every layer (no I/O, no locale). */
#ifndef LEADQ_TEXT_H
#define LEADQ_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes into out (at most size bytes with the NUL) a search key of the
 * UTF-8 text: lower case, Latin accents folded to ASCII ("José Núñez" ->
 * "jose nunez", "Zürich" -> "zurich", "ß" -> "ss"), other code points kept
 * as they are.  Invalid UTF-8 bytes are dropped.  Returns the length. */
size_t lq_fold(const char *text, char *out, size_t size);

/* True if needle (already folded) occurs in haystack (already folded). */
bool lq_fold_contains(const char *folded_haystack, const char *folded_needle);

/* True if s is valid UTF-8 (no overlongs, no surrogates). */
bool lq_utf8_valid(const char *s, size_t len);

/* Copies at most size-1 bytes of src into dst without cutting a UTF-8
 * sequence, always NUL-terminated.  Returns the bytes copied. */
size_t lq_strlcpy_utf8(char *dst, const char *src, size_t size);

#endif
