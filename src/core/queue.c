/* leadq — the queue's order ("who next", DESIGN §4), other sorts, filters. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leadq/mem.h"
#include "leadq/queue.h"
#include "leadq/text.h"

static const char *const sort_wire[] = {
#define X(id, wire, label) wire,
	LQ_SORT_LIST(X)
#undef X
};
static const char *const sort_label[] = {
#define X(id, wire, label) label,
	LQ_SORT_LIST(X)
#undef X
};

const char *lq_sort_wire(enum lq_sort s)
{
	return (int)s >= 0 && s < LQ_SORT_COUNT ? sort_wire[s] : NULL;
}

const char *lq_sort_label(enum lq_sort s)
{
	return (int)s >= 0 && s < LQ_SORT_COUNT ? sort_label[s] : NULL;
}

int lq_sort_parse(const char *wire)
{
	int i;

	if (!wire)
		return -1;
	for (i = 0; i < LQ_SORT_COUNT; i++) {
		if (strcmp(sort_wire[i], wire) == 0)
			return i;
	}
	return -1;
}

/* ---- filters ----------------------------------------------------------- */

void lq_filter_init(struct lq_filter *f)
{
	memset(f, 0, sizeof *f);
}

unsigned lq_filter_open_mask(void)
{
	return (1u << LQ_STATUS_NEW) | (1u << LQ_STATUS_WORKING);
}

bool lq_lead_breached(const struct lq_lead *l, lq_time now)
{
	if (!l || !lq_status_is_open(l->status))
		return false;
	if (l->first_touch_at == LQ_TIME_NONE)
		return l->sla_first_due != LQ_TIME_NONE && now >= l->sla_first_due;
	return l->sla_cadence_due != LQ_TIME_NONE && now >= l->sla_cadence_due;
}

static bool same_text(const char *want, const char *have)
{
	return strcmp(want, have ? have : "") == 0;
}

bool lq_filter_match(const struct lq_filter *f, const struct lq_queue_item *it, lq_time now)
{
	const struct lq_lead *l = it->lead;

	if (!l)
		return false;
	if (!f)
		return true;
	if (f->status_mask && !(f->status_mask & (1u << l->status)))
		return false;
	if (f->source && f->source[0] && !same_text(f->source, l->source))
		return false;
	if (f->owner_id && !same_text(f->owner_id, l->owner_id))
		return false;
	if (f->team_id && !same_text(f->team_id, l->team_id))
		return false;
	if (f->breached_only && !lq_lead_breached(l, now))
		return false;
	if (f->text && f->text[0] && !lq_fold_contains(it->folded, f->text))
		return false;
	/* Last: the caller's test may cost business-time arithmetic. */
	if (f->at_risk_only && (!f->at_risk || !f->at_risk(f->at_risk_ctx, l, now)))
		return false;
	return true;
}

size_t lq_queue_filter(const struct lq_queue_item *in, size_t n, const struct lq_filter *f,
		       lq_time now, struct lq_queue_item *out)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		if (lq_filter_match(f, &in[i], now))
			out[count++] = in[i];
	}
	return count;
}

/* ---- a team's load ------------------------------------------------------ */

/* The next thing due on an open lead that is not breached. */
static lq_time next_due(const struct lq_lead *l)
{
	lq_time due = l->first_touch_at == LQ_TIME_NONE && l->sla_first_due != LQ_TIME_NONE ?
		l->sla_first_due : l->next_touch_due;

	if (l->next_appt_at != LQ_TIME_NONE && (due == LQ_TIME_NONE || l->next_appt_at < due))
		due = l->next_appt_at;
	return due;
}

void lq_queue_load(const struct lq_queue_item *items, size_t n, lq_time now, lq_time day_end,
		   struct lq_rep_load *loads, size_t nloads)
{
	size_t i, j;

	for (j = 0; j < nloads; j++) {
		loads[j].open = loads[j].due_today = loads[j].breached = 0;
		loads[j].last_touch = LQ_TIME_NONE;
	}
	for (i = 0; i < n; i++) {
		const struct lq_lead *l = items[i].lead;
		struct lq_rep_load *r = NULL;
		lq_time due;

		if (!l)
			continue;
		for (j = 0; j < nloads && !r; j++)
			if (loads[j].owner_id && same_text(loads[j].owner_id, l->owner_id))
				r = &loads[j];
		if (!r)
			continue;
		if (l->last_touch_at != LQ_TIME_NONE &&
		    (r->last_touch == LQ_TIME_NONE || l->last_touch_at > r->last_touch))
			r->last_touch = l->last_touch_at;
		if (!lq_status_is_open(l->status))
			continue;
		r->open++;
		if (lq_lead_breached(l, now)) {
			r->breached++;
			continue;
		}
		due = next_due(l);
		if (due != LQ_TIME_NONE && due < day_end)
			r->due_today++;
	}
}

/* ---- sorting ----------------------------------------------------------- */

static void item_group(struct lq_queue_item *it, lq_time now)
{
	const struct lq_lead *l = it->lead;
	bool open = lq_status_is_open(l->status);
	bool due_now;

	if (l->next_appt_at == LQ_TIME_NONE)
		due_now = false;
	else if (now > INT64_MAX - LQ_QUEUE_DUE_WINDOW)
		due_now = true;
	else
		due_now = l->next_appt_at <= now + LQ_QUEUE_DUE_WINDOW;

	if (due_now) {
		it->group = LQ_GROUP_DUE_NOW;
		it->key = l->next_appt_at;
	} else if (open && l->first_touch_at == LQ_TIME_NONE && l->sla_first_due != LQ_TIME_NONE) {
		it->group = LQ_GROUP_FIRST_CONTACT;
		it->key = l->sla_first_due;
	} else if (open && l->next_touch_due != LQ_TIME_NONE) {
		it->group = LQ_GROUP_CADENCE;
		it->key = l->next_touch_due;
	} else {
		it->group = LQ_GROUP_OTHER;
		it->key = l->mql_at;
	}
}

/* Everything a comparison needs, as unsigned integers compared in turn
 * (k0, text, group, key, score, mql, id), so the comparator touches one
 * record, no lead, and strcmp only on ties:
 *   k0  the sort's own key: 0 (priority), score (score), mql_at (age), or
 *       the first 8 bytes of the text (company, source; text breaks ties). */
struct sort_rec {
	uint64_t k0, key, score, mql;
	const char *text;       /* company or source, NULL when none */
	const char *id;
	size_t idx;             /* position in the caller's array */
	int group;
};

#define KEY_LAST UINT64_MAX

/* Times in signed order as unsigned, exactly: real times (LQ_TIME_NONE is
 * INT64_MIN, so they start at INT64_MIN + 1) map to 0..UINT64_MAX - 1 and
 * an unknown time sorts last. */
static uint64_t time_key(lq_time t)
{
	return t == LQ_TIME_NONE ? KEY_LAST : ((uint64_t)t ^ ((uint64_t)1 << 63)) - 1;
}

/* Higher scores first. */
static uint64_t score_key(int score)
{
	return (uint64_t)((int64_t)INT32_MAX - (int64_t)score);
}

/* Big-endian first 8 bytes, halved so that no text reaches KEY_LAST (no
 * text sorts after "none"); equal prefixes fall back to strcmp. */
static uint64_t text_key(const char *t)
{
	uint64_t k = 0;
	int i;

	if (!t)
		return KEY_LAST;
	for (i = 0; i < 8; i++) {
		k <<= 8;
		if (*t)
			k |= (unsigned char)*t++;
	}
	return k >> 1;
}

static const char *rec_text(const struct lq_queue_item *it, enum lq_sort sort)
{
	const char *t = NULL;

	if (sort == LQ_SORT_COMPANY)
		t = it->folded_company;
	else if (sort == LQ_SORT_SOURCE)
		t = it->lead->source;
	return t && t[0] ? t : NULL;    /* no company / no source: at the end */
}

static void fill_rec(struct sort_rec *r, const struct lq_queue_item *it, enum lq_sort sort,
		     size_t idx)
{
	const struct lq_lead *l = it->lead;

	r->group = it->group;
	r->key = time_key(it->key);
	r->score = score_key(l->score);
	r->mql = time_key(l->mql_at);
	r->text = rec_text(it, sort);
	switch (sort) {
	case LQ_SORT_SCORE:
		r->k0 = r->score;
		break;
	case LQ_SORT_AGE:
		r->k0 = r->mql;
		break;
	case LQ_SORT_COMPANY:
	case LQ_SORT_SOURCE:
		r->k0 = text_key(r->text);
		break;
	case LQ_SORT_PRIORITY:
	default:
		r->k0 = 0;
		break;
	}
	r->id = l->id;
	r->idx = idx;
}

static inline int rec_cmp(const struct sort_rec *a, const struct sort_rec *b)
{
	if (a->k0 != b->k0)
		return a->k0 < b->k0 ? -1 : 1;
	if (a->text && b->text && a->text != b->text) {
		int c = strcmp(a->text, b->text);

		if (c)
			return c;
	}
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (a->mql != b->mql)
		return a->mql < b->mql ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* The usual case, half the size: every key of PRIORITY, SCORE and AGE packed
 * exactly into two words (group 2 bits, group key 42, score 20, mql_at 44),
 * when the values fit: times within +-69,000 years of 1970 and scores
 * within +-524,287.  Anything else takes struct sort_rec. */
struct fast_rec {
	uint64_t hi, lo;
	const char *id;
	size_t idx;
};

#define FAST_KEY_LIM ((int64_t)1 << 41)
#define FAST_MQL_LIM ((int64_t)1 << 43)
#define FAST_SCORE_LIM ((int64_t)1 << 19)

static bool fill_fast(struct fast_rec *r, const struct lq_queue_item *it, enum lq_sort sort,
		      size_t idx)
{
	const struct lq_lead *l = it->lead;
	uint64_t g = (uint64_t)(it->group & 3), k, m, sc;

	if (it->key == LQ_TIME_NONE)
		k = ((uint64_t)1 << 42) - 1;
	else if (it->key < -FAST_KEY_LIM || it->key >= FAST_KEY_LIM - 1)
		return false;
	else
		k = (uint64_t)(it->key + FAST_KEY_LIM);
	if (l->mql_at == LQ_TIME_NONE)
		m = ((uint64_t)1 << 44) - 1;
	else if (l->mql_at < -FAST_MQL_LIM || l->mql_at >= FAST_MQL_LIM - 1)
		return false;
	else
		m = (uint64_t)(l->mql_at + FAST_MQL_LIM);
	if (l->score < -FAST_SCORE_LIM || l->score >= FAST_SCORE_LIM)
		return false;
	sc = (uint64_t)(FAST_SCORE_LIM - 1 - l->score);   /* higher first */

	switch (sort) {
	case LQ_SORT_SCORE:
		r->hi = sc << 44 | g << 42 | k;
		r->lo = m;
		break;
	case LQ_SORT_AGE:
		r->hi = m;
		r->lo = g << 62 | k << 20 | sc;
		break;
	case LQ_SORT_PRIORITY:
		r->hi = g << 62 | k;
		r->lo = sc << 44 | m;
		break;
	default:
		return false;           /* text sorts need struct sort_rec */
	}
	r->id = l->id;
	r->idx = idx;
	return true;
}

static inline int fast_cmp(const struct fast_rec *a, const struct fast_rec *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Merge sort (stable, n log n at worst) with the comparison inlined: about
 * twice as quick as qsort() and its callback.  tmp holds n/2 records. */
#define DEFINE_MERGE_SORT(name, type, cmp)                                      \
static void name(type *a, type *tmp, size_t n)                                 \
{                                                                               \
	size_t half, i, j, k;                                                   \
                                                                                \
	if (n <= 12) {                                                          \
		for (i = 1; i < n; i++) {                                       \
			type x = a[i];                                          \
                                                                                \
			for (j = i; j > 0 && cmp(&x, &a[j - 1]) < 0; j--)       \
				a[j] = a[j - 1];                                \
			a[j] = x;                                               \
		}                                                               \
		return;                                                         \
	}                                                                       \
	half = n / 2;                                                           \
	name(a, tmp, half);                                                     \
	name(a + half, tmp, n - half);                                          \
	if (cmp(&a[half - 1], &a[half]) <= 0)                                   \
		return;         /* already in order */                          \
	memcpy(tmp, a, half * sizeof *a);                                       \
	i = 0;                                                                  \
	j = half;                                                               \
	k = 0;                                                                  \
	while (i < half && j < n) {                                             \
		if (cmp(&a[j], &tmp[i]) < 0)                                    \
			a[k++] = a[j++];                                        \
		else                                                            \
			a[k++] = tmp[i++];                                      \
	}                                                                       \
	while (i < half)                                                        \
		a[k++] = tmp[i++];                                              \
}

DEFINE_MERGE_SORT(merge_sort, struct sort_rec, rec_cmp)
DEFINE_MERGE_SORT(merge_sort_fast, struct fast_rec, fast_cmp)

static int cmp_items(const struct lq_queue_item *x, const struct lq_queue_item *y,
		     enum lq_sort sort)
{
	struct sort_rec a, b;

	fill_rec(&a, x, sort, 0);
	fill_rec(&b, y, sort, 0);
	return rec_cmp(&a, &b);
}

static void sift_down(struct lq_queue_item *items, size_t root, size_t n, enum lq_sort sort)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct lq_queue_item tmp;

		if (child >= n)
			return;
		if (child + 1 < n && cmp_items(&items[child], &items[child + 1], sort) < 0)
			child++;
		if (cmp_items(&items[root], &items[child], sort) >= 0)
			return;
		tmp = items[root];
		items[root] = items[child];
		items[child] = tmp;
		root = child;
	}
}

/* Without memory for the records: an in-place heap sort with the same
 * comparison.  The order is total, so the result equals the fast path's. */
static void heap_sort(struct lq_queue_item *items, size_t n, enum lq_sort sort)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(items, i, n, sort);
	for (i = n - 1; i > 0; i--) {
		struct lq_queue_item tmp = items[0];

		items[0] = items[i];
		items[i] = tmp;
		sift_down(items, 0, i, sort);
	}
}

/* The leads are scattered in memory: ask for the lines a sort reads a few
 * items ahead, so the misses overlap. */
static void prefetch_lead(const struct lq_lead *l)
{
#if defined(__GNUC__)
	const char *p = (const char *)l;

	__builtin_prefetch(p);
	__builtin_prefetch(p + offsetof(struct lq_lead, score));
	__builtin_prefetch(p + offsetof(struct lq_lead, status));
	__builtin_prefetch(p + offsetof(struct lq_lead, next_appt_at));
#else
	(void)l;
#endif
}

/* items[i] = old items[idx of record i], in place, one cycle at a time;
 * idx_at(recs, i) is a size_t inside record i (stride bytes apart). */
static void apply_order(struct lq_queue_item *items, size_t n, void *recs, size_t stride,
			size_t idx_offset)
{
	unsigned char *base = recs;
	size_t i;

#define IDX(r) (*(size_t *)(void *)(base + (r) * stride + idx_offset))
	for (i = 0; i < n; i++) {
		struct lq_queue_item first;
		size_t j = i;

		if (IDX(i) == i)
			continue;
		first = items[i];
		for (;;) {
			size_t from = IDX(j);

			IDX(j) = j;     /* done */
			if (from == i) {
				items[j] = first;
				break;
			}
			items[j] = items[from];
			j = from;
		}
	}
#undef IDX
}

#define PREFETCH_AHEAD 8

void lq_queue_sort(struct lq_queue_item *items, size_t n, enum lq_sort sort, lq_time now)
{
	struct sort_rec *recs;
	struct fast_rec *fast;
	bool packed;
	size_t i;

	if (!items || n == 0)
		return;
	if ((int)sort < 0 || sort >= LQ_SORT_COUNT)
		sort = LQ_SORT_PRIORITY;
	/* n records and n/2 more as the merge space, in one block that fits
	 * either kind of record. */
	recs = n > 1 ? lq_malloc((n + n / 2 + 1) * sizeof *recs) : NULL;
	if (!recs) {
		for (i = 0; i < n; i++)
			item_group(&items[i], now);
		if (n > 1)
			heap_sort(items, n, sort);
		return;
	}
	fast = (struct fast_rec *)(void *)recs;

	/* One pass over the leads: group, key and the packed record. */
	packed = sort == LQ_SORT_PRIORITY || sort == LQ_SORT_SCORE || sort == LQ_SORT_AGE;
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			prefetch_lead(items[i + PREFETCH_AHEAD].lead);
		item_group(&items[i], now);
		if (packed)
			packed = fill_fast(&fast[i], &items[i], sort, i);
	}
	if (packed) {
		merge_sort_fast(fast, fast + n, n);
		apply_order(items, n, fast, sizeof *fast, offsetof(struct fast_rec, idx));
	} else {
		for (i = 0; i < n; i++) {
			if (i + PREFETCH_AHEAD < n)
				prefetch_lead(items[i + PREFETCH_AHEAD].lead);
			fill_rec(&recs[i], &items[i], sort, i);
		}
		merge_sort(recs, recs + n, n);
		apply_order(items, n, recs, sizeof *recs, offsetof(struct sort_rec, idx));
	}
	lq_free(recs);
}
