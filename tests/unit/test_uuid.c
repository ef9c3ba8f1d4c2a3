/* Unit tests: src/core/uuid.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/uuid.h"

static void test_format_sets_version_and_variant(void **state)
{
	uint8_t ff[16], zero[16];
	char out[LQ_UUID_SIZE];

	(void)state;
	memset(ff, 0xff, sizeof ff);
	memset(zero, 0, sizeof zero);
	assert_ptr_equal(lq_uuid_format(ff, out), out);
	assert_string_equal(out, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	lq_uuid_format(zero, out);
	assert_string_equal(out, "00000000-0000-4000-8000-000000000000");
	assert_int_equal(strlen(out), LQ_UUID_STRLEN);
	assert_true(lq_uuid_valid(out));
}

static void test_format_known_bytes(void **state)
{
	const uint8_t b[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21 };
	uint8_t copy[16];
	char out[LQ_UUID_SIZE];

	(void)state;
	memcpy(copy, b, 16);
	lq_uuid_format(b, out);
	assert_string_equal(out, "12345678-9abc-4ef0-8fed-cba987654321");
	assert_memory_equal(b, copy, 16);   /* input left alone */
}

static void test_v7_time_first(void **state)
{
	uint8_t ff[16];
	char early[LQ_UUID_SIZE], late[LQ_UUID_SIZE];

	(void)state;
	memset(ff, 0xff, sizeof ff);
	/* 2026-01-05T09:00:00.123Z = 0x019b8d627afb ms; bytes 0..5 are ignored. */
	lq_uuid_v7_format(UINT64_C(1767603600123), ff, early);
	assert_string_equal(early, "019b8d62-7afb-7fff-bfff-ffffffffffff");
	memset(ff, 0, sizeof ff);
	lq_uuid_v7_format(UINT64_C(1767603600124), ff, late);
	assert_string_equal(late, "019b8d62-7afc-7000-8000-000000000000");
	/* Time-ordered: a later millisecond sorts after, whatever the random part. */
	assert_true(strcmp(early, late) < 0);
	assert_true(lq_uuid_valid(late));
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(lq_uuid_valid("12345678-9abc-4ef0-8fed-cba987654321"));
	assert_true(lq_uuid_valid("12345678-9ABC-1EF0-CFED-CBA987654321")); /* any case, version */
	assert_false(lq_uuid_valid(NULL));
	assert_false(lq_uuid_valid(""));
	assert_false(lq_uuid_valid("12345678-9abc-4ef0-8fed-cba98765432"));   /* short */
	assert_false(lq_uuid_valid("12345678-9abc-4ef0-8fed-cba9876543210")); /* long */
	assert_false(lq_uuid_valid("12345678-9abc-4ef0-8fed-cba98765432g"));  /* not hex */
	assert_false(lq_uuid_valid("123456789-abc-4ef0-8fed-cba987654321"));  /* dash moved */
	assert_false(lq_uuid_valid("12345678_9abc-4ef0-8fed-cba987654321"));
	assert_false(lq_uuid_valid("{2345678-9abc-4ef0-8fed-cba987654321"));
	assert_false(lq_uuid_valid("123456789abc4ef08fedcba987654321"));     /* no dashes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_sets_version_and_variant),
		cmocka_unit_test(test_format_known_bytes),
		cmocka_unit_test(test_v7_time_first),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
