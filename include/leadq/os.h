/* leadq — the few things the programs ask of the operating system, in one
 * place so the core stays pure: the clock, randomness, the tz database, XDG
 * folders. */
#ifndef LEADQ_OS_H
#define LEADQ_OS_H

#include <stddef.h>
#include <sys/types.h>

#include "leadq/time.h"
#include "leadq/tz.h"
#include "leadq/uuid.h"

/* The wall clock; LEADQ_NOW=RFC3339 in the environment freezes it (tests). */
lq_time lq_os_now(void);
/* Cryptographic random bytes (libsodium). */
void lq_os_random(void *buf, size_t len);
/* A fresh random UUID (version 4), for what people name by a prefix of its
 * id: leads, users, teams ("leadq show 3f2a1b2c"). */
char *lq_os_uuid(char out[LQ_UUID_SIZE]);
/* A fresh time-ordered UUID (version 7), for records made in bulk and
 * never typed: ops, activities.  Their inserts append to each index
 * (leadq/uuid.h); its first 8 digits are the same for a minute, so it
 * makes a poor prefix. */
char *lq_os_uuid_ordered(char out[LQ_UUID_SIZE]);

/* Reads a zone from $TZDIR or /usr/share/zoneinfo; "UTC" always works.
 * Returns NULL and a malloc'd one-line reason in *err. */
struct lq_tz *lq_os_tz_load(const char *name, char **err);

/* $XDG_CONFIG_HOME/leadq or ~/.config/leadq (kind "config"), $XDG_DATA_HOME/leadq
 * or ~/.local/share/leadq (kind "data"); malloc'd, NULL when no home. */
char *lq_os_xdg_dir(const char *kind);
/* mkdir -p with mode for the created folders; 0 or -1 with errno. */
int lq_os_mkdir_p(const char *path, mode_t mode);
/* malloc'd printf; NULL when out of memory. */
char *lq_os_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
