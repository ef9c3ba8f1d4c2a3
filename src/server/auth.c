/* leadq — leadqd's secrets: argon2id passwords, random tokens kept only as
 * SHA-256, and the in-memory login rate limit. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "leadq/os.h"
#include "server/server.h"

_Static_assert(SRV_PWHASH_SIZE >= crypto_pwhash_STRBYTES, "SRV_PWHASH_SIZE too small");

bool srv_crypto_init(void)
{
	return sodium_init() >= 0;
}

bool srv_password_hash(const char *password, char out[SRV_PWHASH_SIZE])
{
	return crypto_pwhash_str_alg(out, password, strlen(password),
				     crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_MEMLIMIT_INTERACTIVE,
				     crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool srv_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void srv_sha256_hex(const void *data, size_t len, char out[SRV_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, SRV_HASH_HEX, h, sizeof h);
}

void srv_token_new(char out[SRV_TOKEN_SIZE])
{
	unsigned char raw[32];

	lq_os_random(raw, sizeof raw);
	sodium_bin2base64(out, SRV_TOKEN_SIZE, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

/* --- rate limit: a fixed window per key, from its first failure ------------ */

void srv_rate_init(struct srv_rate *r)
{
	memset(r->slot, 0, sizeof r->slot);
	pthread_mutex_init(&r->lock, NULL);
}

void srv_rate_destroy(struct srv_rate *r)
{
	pthread_mutex_destroy(&r->lock);
}

/* The key's slot, or (make) the first free or expired one, or the oldest. */
static struct srv_rate_slot *find(struct srv_rate *r, const char *key, lq_time now, bool make)
{
	struct srv_rate_slot *victim = NULL;
	int i;

	for (i = 0; i < SRV_RATE_SLOTS; i++) {
		struct srv_rate_slot *s = &r->slot[i];

		if (s->count && now - s->first >= SRV_RATE_WINDOW)
			s->count = 0;
		if (s->count && strcmp(s->key, key) == 0)
			return s;
		if (!victim || (victim->count && (!s->count || s->first < victim->first)))
			victim = s;
	}
	if (!make)
		return NULL;
	snprintf(victim->key, sizeof victim->key, "%s", key);
	victim->count = 0;
	victim->first = now;
	return victim;
}

lq_time srv_rate_wait(struct srv_rate *r, const char *key, int max, lq_time now)
{
	struct srv_rate_slot *s;
	lq_time wait = 0;

	pthread_mutex_lock(&r->lock);
	s = find(r, key, now, false);
	if (s && s->count >= max)
		wait = s->first + SRV_RATE_WINDOW - now;
	pthread_mutex_unlock(&r->lock);
	return wait > 0 ? wait : 0;
}

void srv_rate_fail(struct srv_rate *r, const char *key, lq_time now)
{
	struct srv_rate_slot *s;

	pthread_mutex_lock(&r->lock);
	s = find(r, key, now, true);
	s->count++;
	pthread_mutex_unlock(&r->lock);
}

void srv_rate_reset(struct srv_rate *r, const char *key)
{
	struct srv_rate_slot *s;

	pthread_mutex_lock(&r->lock);
	s = find(r, key, 0, false);
	if (s)
		s->count = 0;
	pthread_mutex_unlock(&r->lock);
}
