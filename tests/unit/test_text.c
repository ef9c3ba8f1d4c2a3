/* Unit tests: src/core/text.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/text.h"

static void assert_fold(const char *in, const char *want)
{
	char out[128];
	size_t n = lq_fold(in, out, sizeof out);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_fold_names(void **state)
{
	(void)state;
	assert_fold("José Núñez", "jose nunez");
	assert_fold("São Paulo", "sao paulo");
	assert_fold("Zürich", "zurich");
	assert_fold("Łódź", "lodz");
	assert_fold("Straße", "strasse");
	assert_fold("ÆØÅ", "aeoa");
	assert_fold("æøå", "aeoa");
	assert_fold("", "");
	assert_fold("ACME GmbH & Co. KG", "acme gmbh & co. kg");
}

static void test_fold_brief_letters(void **state)
{
	(void)state;
	assert_fold("áàâäãåāăą", "aaaaaaaaa");
	assert_fold("ÁÀÂÄÃÅĀĂĄ", "aaaaaaaaa");
	assert_fold("çćčÇĆČ", "cccccc");
	assert_fold("ñńňÑŃŇ", "nnnnnn");
	assert_fold("œŒ", "oeoe");
	assert_fold("łŁşŞšŠžŽ", "llsssszz");
	assert_fold("ÉÈÊËéèêëěę", "eeeeeeeeee");
	assert_fold("ÍÌÎÏíìîïıİ", "iiiiiiiiii");
	assert_fold("ÓÒÔÖÕőŐ", "ooooooo");
	assert_fold("ÚÙÛÜůűŰ", "uuuuuuu");
	assert_fold("ÝýÿŸ", "yyyy");
	assert_fold("ĞğĐđÐðÞþ", "ggddddthth");
	assert_fold("Țară Ștefan", "tara stefan");
}

static void test_fold_keeps_other_code_points(void **state)
{
	(void)state;
	assert_fold("2×3÷1", "2×3÷1");
	assert_fold("Москва", "Москва");       /* outside the Latin ranges: as is */
	assert_fold("東京 Tokyo", "東京 tokyo");
	assert_fold("€ 5 😀", "€ 5 😀");
}

static void test_fold_drops_invalid(void **state)
{
	(void)state;
	assert_fold("a\xff" "b", "ab");
	assert_fold("\xc3" "X", "x");                /* truncated sequence */
	assert_fold("\xc3\xa9\x80" "e", "ee");       /* stray continuation */
	assert_fold("\xc0\xaf" "z", "z");            /* overlong '/' */
	assert_fold("\xed\xa0\x80" "Q", "q");        /* surrogate U+D800 */
	assert_fold("\xf4\x90\x80\x80!", "!");       /* above U+10FFFF */
	assert_fold("Jos\xc3", "jos");               /* truncated at the end */
}

static void test_fold_truncation(void **state)
{
	char out[8];
	char big[4];

	(void)state;
	memset(out, 'X', sizeof out);
	/* "zürich" needs 7 bytes with the NUL; size 4 gives "zur". */
	assert_int_equal(lq_fold("Zürich", out, 4), 3);
	assert_string_equal(out, "zur");
	assert_int_equal(out[4], 'X');              /* nothing written past size */

	/* An expansion is not cut: "straße" at size 6 gives "stra", not "stras". */
	assert_int_equal(lq_fold("Straße", out, 6), 4);
	assert_string_equal(out, "stra");
	assert_int_equal(lq_fold("Straße", out, 7), 6);
	assert_string_equal(out, "strass");

	/* A kept multi-byte character is never cut either. */
	memset(big, 'X', sizeof big);
	assert_int_equal(lq_fold("a€", big, 4), 1);   /* € is 3 bytes */
	assert_string_equal(big, "a");
	assert_int_equal(lq_fold("€", out, 4), 3);
	assert_string_equal(out, "€");

	assert_int_equal(lq_fold("abc", out, 1), 0);
	assert_string_equal(out, "");
	memset(out, 'X', sizeof out);
	assert_int_equal(lq_fold("abc", out, 0), 0);
	assert_int_equal(out[0], 'X');
	assert_int_equal(lq_fold(NULL, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(lq_fold("abc", NULL, 10), 0);
}

static void test_fold_contains(void **state)
{
	char hay[64], needle[32];

	(void)state;
	lq_fold("José Núñez · Société Générale · São Paulo", hay, sizeof hay);
	lq_fold("NUÑEZ", needle, sizeof needle);
	assert_true(lq_fold_contains(hay, needle));
	lq_fold("generale", needle, sizeof needle);
	assert_true(lq_fold_contains(hay, needle));
	assert_false(lq_fold_contains(hay, "zurich"));
	assert_true(lq_fold_contains(hay, ""));
	assert_true(lq_fold_contains(hay, NULL));
	assert_false(lq_fold_contains(NULL, "x"));
	assert_true(lq_fold_contains("", ""));
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(lq_utf8_valid("", 0));
	assert_true(lq_utf8_valid(NULL, 0));
	assert_false(lq_utf8_valid(NULL, 1));
	assert_true(lq_utf8_valid("José Núñez", strlen("José Núñez")));
	assert_true(lq_utf8_valid("\xf0\x9f\x98\x80", 4));          /* U+1F600 */
	assert_true(lq_utf8_valid("\xf4\x8f\xbf\xbf", 4));          /* U+10FFFF */
	assert_true(lq_utf8_valid("\xed\x9f\xbf", 3));              /* U+D7FF */
	assert_true(lq_utf8_valid("\xee\x80\x80", 3));              /* U+E000 */
	assert_true(lq_utf8_valid("a\0b", 3));                      /* NUL is a code point */
	assert_false(lq_utf8_valid("\xc0\x80", 2));                 /* overlong NUL */
	assert_false(lq_utf8_valid("\xc1\xbf", 2));                 /* overlong */
	assert_false(lq_utf8_valid("\xe0\x80\xaf", 3));             /* overlong 3-byte */
	assert_false(lq_utf8_valid("\xe0\x9f\xbf", 3));             /* overlong 3-byte */
	assert_false(lq_utf8_valid("\xf0\x80\x80\xaf", 4));         /* overlong 4-byte */
	assert_false(lq_utf8_valid("\xf0\x8f\xbf\xbf", 4));         /* overlong 4-byte */
	assert_false(lq_utf8_valid("\xed\xa0\x80", 3));             /* U+D800 */
	assert_false(lq_utf8_valid("\xed\xbf\xbf", 3));             /* U+DFFF */
	assert_false(lq_utf8_valid("\xf4\x90\x80\x80", 4));         /* U+110000 */
	assert_false(lq_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(lq_utf8_valid("\xff", 1));
	assert_false(lq_utf8_valid("\x80", 1));                     /* lone continuation */
	assert_false(lq_utf8_valid("\xc3", 1));                     /* truncated */
	assert_false(lq_utf8_valid("\xc3\xa9", 1));                 /* len cuts it */
	assert_false(lq_utf8_valid("\xe2\x82", 2));
	assert_false(lq_utf8_valid("\xc3" "a", 2));                 /* bad continuation */
}

static void test_strlcpy_utf8(void **state)
{
	char dst[8];

	(void)state;
	assert_int_equal(lq_strlcpy_utf8(dst, "abc", sizeof dst), 3);
	assert_string_equal(dst, "abc");
	assert_int_equal(lq_strlcpy_utf8(dst, "abcdefghij", sizeof dst), 7);
	assert_string_equal(dst, "abcdefg");
	/* "Zürich": Z(1) ü(2) r i c h; size 3 would cut ü: copy "Z" only. */
	assert_int_equal(lq_strlcpy_utf8(dst, "Zürich", 3), 1);
	assert_string_equal(dst, "Z");
	assert_int_equal(lq_strlcpy_utf8(dst, "Zürich", 4), 3);
	assert_string_equal(dst, "Zü");
	/* 4-byte sequence cut at every position. */
	assert_int_equal(lq_strlcpy_utf8(dst, "a😀", 3), 1);
	assert_int_equal(lq_strlcpy_utf8(dst, "a😀", 4), 1);
	assert_int_equal(lq_strlcpy_utf8(dst, "a😀", 5), 1);
	assert_string_equal(dst, "a");
	assert_int_equal(lq_strlcpy_utf8(dst, "a😀", 6), 5);
	assert_string_equal(dst, "a😀");
	assert_int_equal(lq_strlcpy_utf8(dst, "€", 3), 0);
	assert_string_equal(dst, "");
	assert_int_equal(lq_strlcpy_utf8(dst, "abc", 1), 0);
	assert_string_equal(dst, "");
	dst[0] = 'X';
	assert_int_equal(lq_strlcpy_utf8(dst, "abc", 0), 0);
	assert_int_equal(dst[0], 'X');
	assert_int_equal(lq_strlcpy_utf8(dst, NULL, sizeof dst), 0);
	assert_string_equal(dst, "");
}

/* Any bytes in, at any size: the output is valid UTF-8, NUL-terminated
 * within size, its length is the return value, and nothing past size is
 * written. */
static void test_fold_random_bytes(void **state)
{
	static const unsigned char pool[] = {
		'A', 'z', ' ', 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0x9f, 0xc5, 0x81, 0xe2, 0x82, 0xac,
		0xed, 0xa0, 0xf0, 0x9f, 0x98, 0xf4, 0x90, 0xff, 0xdf,
	};
	uint32_t x = 12345;
	int round;

	(void)state;
	for (round = 0; round < 5000; round++) {
		char in[24], out[40];
		size_t len, size, n, i;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		len = x % (sizeof in);
		for (i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[i] = (char)pool[x % sizeof pool];
		}
		in[len] = '\0';
		size = 1 + x % 32;
		memset(out, 'X', sizeof out);
		n = lq_fold(in, out, size);
		assert_true(n < size);
		assert_int_equal(strlen(out), n);
		assert_true(lq_utf8_valid(out, n));
		for (i = size; i < sizeof out; i++)
			assert_int_equal(out[i], 'X');
		n = lq_strlcpy_utf8(out, in, size);
		assert_true(n < size);
		assert_int_equal(strlen(out), n);
		assert_memory_equal(out, in, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_names),
		cmocka_unit_test(test_fold_brief_letters),
		cmocka_unit_test(test_fold_keeps_other_code_points),
		cmocka_unit_test(test_fold_drops_invalid),
		cmocka_unit_test(test_fold_truncation),
		cmocka_unit_test(test_fold_random_bytes),
		cmocka_unit_test(test_fold_contains),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_strlcpy_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
