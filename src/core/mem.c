#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leadq/mem.h"

/* Negative: allocations never fail.  See lq_mem_fail_after(). */
static long allocations_left = -1;

static int may_allocate(void)
{
	if (allocations_left < 0)
		return 1;
	if (allocations_left == 0)
		return 0;
	allocations_left--;
	return 1;
}

void lq_mem_fail_after(long n)
{
	allocations_left = n;
}

void *lq_malloc(size_t size)
{
	return may_allocate() ? malloc(size ? size : 1) : NULL;
}

void *lq_calloc(size_t n, size_t size)
{
	return may_allocate() ? calloc(n ? n : 1, size ? size : 1) : NULL;
}

void *lq_realloc(void *p, size_t size)
{
	return may_allocate() ? realloc(p, size ? size : 1) : NULL;
}

char *lq_strndup(const char *s, size_t n)
{
	size_t len;
	char *copy;

	if (!s)
		return NULL;
	len = strnlen(s, n);
	copy = lq_malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *lq_strdup(const char *s)
{
	return s ? lq_strndup(s, strlen(s)) : NULL;
}

void lq_free(void *p)
{
	free(p);
}
