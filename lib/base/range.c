// SPDX-License-Identifier: GPL-2.0
/*
 * Sets of inclusive IOVA ranges. Every operation that produces a set builds
 * it in a local and moves it into @out at the end, so @out may be one of
 * the inputs and is left untouched on failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/range.h>

static int grow(struct hg_ranges *set, size_t want)
{
	struct hg_range *v;
	size_t cap;

	if (want <= set->cap)
		return 0;
	cap = set->cap ? set->cap * 2 : 8;
	while (cap < want)
		cap *= 2;
	v = realloc(set->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	set->v = v;
	set->cap = cap;
	return 0;
}

int hg_ranges_add(struct hg_ranges *set, uint64_t start, uint64_t end)
{
	int ret;

	if (start > end)
		return -EINVAL;
	ret = grow(set, set->n + 1);
	if (ret)
		return ret;
	set->v[set->n].start = start;
	set->v[set->n].end = end;
	set->n++;
	return 0;
}

void hg_ranges_free(struct hg_ranges *set)
{
	free(set->v);
	set->v = NULL;
	set->n = 0;
	set->cap = 0;
}

void hg_ranges_reset(struct hg_ranges *set)
{
	set->n = 0;
}

/* Replaces @dst's contents by @src's, taking its storage. */
static void move_into(struct hg_ranges *dst, struct hg_ranges *src)
{
	hg_ranges_free(dst);
	*dst = *src;
	*src = (struct hg_ranges)HG_RANGES_INIT;
}

/* Moves @res into @out when @ret is 0, else drops it; returns @ret. */
static int finish(struct hg_ranges *out, struct hg_ranges *res, int ret)
{
	if (ret)
		hg_ranges_free(res);
	else
		move_into(out, res);
	return ret;
}

int hg_ranges_copy(struct hg_ranges *dst, const struct hg_ranges *src)
{
	struct hg_ranges tmp = HG_RANGES_INIT;

	if (dst == src)
		return 0;
	if (grow(&tmp, src->n))
		return -ENOMEM;
	if (src->n)
		memcpy(tmp.v, src->v, src->n * sizeof(*src->v));
	tmp.n = src->n;
	move_into(dst, &tmp);
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct hg_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

void hg_ranges_normalize(struct hg_ranges *set)
{
	size_t i, out = 0;

	if (set->n < 2)
		return;
	qsort(set->v, set->n, sizeof(*set->v), cmp_range);
	for (i = 1; i < set->n; i++) {
		struct hg_range *prev = &set->v[out];
		const struct hg_range *cur = &set->v[i];

		/* Adjacent counts as touching; end + 1 would wrap at 2^64-1. */
		if (prev->end == UINT64_MAX || cur->start <= prev->end + 1) {
			if (cur->end > prev->end)
				prev->end = cur->end;
			continue;
		}
		set->v[++out] = *cur;
	}
	set->n = out + 1;
}

/* A sorted, merged copy of @src in @dst (which starts empty). */
static int normalized_copy(struct hg_ranges *dst, const struct hg_ranges *src)
{
	int ret = hg_ranges_copy(dst, src);

	if (!ret)
		hg_ranges_normalize(dst);
	return ret;
}

int hg_ranges_complement(const struct hg_ranges *set, uint64_t lo,
			 uint64_t hi, struct hg_ranges *out)
{
	struct hg_ranges sorted = HG_RANGES_INIT, res = HG_RANGES_INIT;
	uint64_t cursor = lo;
	bool covered = false;
	size_t i;
	int ret;

	if (lo > hi)
		return -EINVAL;
	ret = normalized_copy(&sorted, set);
	for (i = 0; !ret && i < sorted.n; i++) {
		const struct hg_range *r = &sorted.v[i];

		if (r->end < cursor)
			continue;
		if (r->start > hi)
			break;
		if (r->start > cursor)
			ret = hg_ranges_add(&res, cursor, r->start - 1);
		if (r->end >= hi) {
			covered = true;
			break;
		}
		/* r->end < hi here, so r->end + 1 cannot wrap. */
		cursor = r->end + 1;
	}
	if (!ret && !covered)
		ret = hg_ranges_add(&res, cursor, hi);
	hg_ranges_free(&sorted);
	return finish(out, &res, ret);
}

int hg_ranges_intersect(const struct hg_ranges *a, const struct hg_ranges *b,
			struct hg_ranges *out)
{
	struct hg_ranges x = HG_RANGES_INIT, y = HG_RANGES_INIT;
	struct hg_ranges res = HG_RANGES_INIT;
	size_t i = 0, j = 0;
	int ret;

	ret = normalized_copy(&x, a);
	if (!ret)
		ret = normalized_copy(&y, b);
	while (!ret && i < x.n && j < y.n) {
		uint64_t start = x.v[i].start > y.v[j].start ?
				 x.v[i].start : y.v[j].start;
		uint64_t end = x.v[i].end < y.v[j].end ?
			       x.v[i].end : y.v[j].end;

		if (start <= end)
			ret = hg_ranges_add(&res, start, end);
		/* Drop whichever ends first: it cannot meet anything later. */
		if (x.v[i].end < y.v[j].end)
			i++;
		else
			j++;
	}
	hg_ranges_free(&x);
	hg_ranges_free(&y);
	return finish(out, &res, ret);
}

int hg_ranges_subtract(const struct hg_ranges *a, const struct hg_ranges *b,
		       struct hg_ranges *out)
{
	struct hg_ranges not_b = HG_RANGES_INIT;
	int ret;

	ret = hg_ranges_complement(b, 0, UINT64_MAX, &not_b);
	if (!ret)
		ret = hg_ranges_intersect(a, &not_b, out);
	hg_ranges_free(&not_b);
	return ret;
}

bool hg_ranges_equal(const struct hg_ranges *a, const struct hg_ranges *b)
{
	struct hg_ranges x = HG_RANGES_INIT, y = HG_RANGES_INIT;
	bool equal = false;

	if (!normalized_copy(&x, a) && !normalized_copy(&y, b))
		equal = x.n == y.n &&
			(!x.n || !memcmp(x.v, y.v, x.n * sizeof(*x.v)));
	hg_ranges_free(&x);
	hg_ranges_free(&y);
	return equal;
}

bool hg_ranges_contains(const struct hg_ranges *set, uint64_t addr)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].start <= addr && addr <= set->v[i].end)
			return true;
	return false;
}

uint64_t hg_mask_bits(unsigned int bits)
{
	if (bits >= 64)
		return UINT64_MAX;
	return (UINT64_C(1) << bits) - 1;
}

unsigned int hg_bits_for(uint64_t end)
{
	if (!end)
		return 0;
	return 64 - __builtin_clzll(end);
}
