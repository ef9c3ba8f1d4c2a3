/* leadq — allocation, in one place so that tests can make it fail.
 *
 * Library code (core, proto, store) allocates only through these.  A test
 * calls lq_mem_fail_after(n): the next n allocations succeed and every one
 * after fails, which walks each out-of-memory path.  Not for threads: the
 * counter is process-wide and meant for single-threaded unit tests. */
#ifndef LEADQ_MEM_H
#define LEADQ_MEM_H

#include <stddef.h>

void *lq_malloc(size_t size);
void *lq_calloc(size_t n, size_t size);
void *lq_realloc(void *p, size_t size);
char *lq_strdup(const char *s);          /* NULL in, NULL out */
char *lq_strndup(const char *s, size_t n);
void lq_free(void *p);

/* n >= 0: n more allocations succeed, then all fail; n < 0: none fail. */
void lq_mem_fail_after(long n);

#endif
