// SPDX-License-Identifier: GPL-2.0
/* Geometry derived from reserved regions, and comparisons of range sets. */
#include <errno.h>
#include <stdlib.h>

#include <hostgeom/geometry.h>

int hg_usable_from_resv(const struct hg_resv *resv, size_t n,
			unsigned int aw_bits, struct hg_ranges *usable)
{
	struct hg_ranges holes = HG_RANGES_INIT;
	size_t i;
	int ret = 0;

	if (!aw_bits || aw_bits > 64)
		return -EINVAL;
	for (i = 0; !ret && i < n; i++) {
		/* VFIO type1 and iommufd both let these be mapped over. */
		if (resv[i].type == HG_RESV_DIRECT_RELAXABLE)
			continue;
		ret = hg_ranges_add(&holes, resv[i].start, resv[i].end);
	}
	if (!ret)
		ret = hg_ranges_complement(&holes, 0, hg_mask_bits(aw_bits),
					   usable);
	hg_ranges_free(&holes);
	return ret;
}

unsigned int hg_aw_bits_of(const struct hg_ranges *usable)
{
	uint64_t top = 0;
	size_t i;

	if (!usable->n)
		return 0;
	for (i = 0; i < usable->n; i++)
		if (usable->v[i].end > top)
			top = usable->v[i].end;
	return hg_bits_for(top);
}

uint64_t hg_min_pgsize(uint64_t pgsizes)
{
	return pgsizes & -pgsizes;
}

/* Appends every range of @set to @v as usable in A (@in_a) or in B only. */
static void add_diffs(struct hg_diff *v, size_t *n,
		      const struct hg_ranges *set, bool in_a)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		v[*n].range = set->v[i];
		v[*n].in_a = in_a;
		(*n)++;
	}
}

static int cmp_diff(const void *a, const void *b)
{
	uint64_t x = ((const struct hg_diff *)a)->range.start;
	uint64_t y = ((const struct hg_diff *)b)->range.start;

	return x < y ? -1 : x > y;
}

int hg_ranges_diff(const struct hg_ranges *a, const struct hg_ranges *b,
		   struct hg_diff **out, size_t *n)
{
	struct hg_ranges a_only = HG_RANGES_INIT, b_only = HG_RANGES_INIT;
	struct hg_diff *v = NULL;
	size_t count = 0;
	int ret;

	*out = NULL;
	*n = 0;
	ret = hg_ranges_subtract(a, b, &a_only);
	if (!ret)
		ret = hg_ranges_subtract(b, a, &b_only);
	if (!ret && a_only.n + b_only.n) {
		v = malloc((a_only.n + b_only.n) * sizeof(*v));
		if (!v)
			ret = -ENOMEM;
	}
	if (!ret && v) {
		add_diffs(v, &count, &a_only, true);
		add_diffs(v, &count, &b_only, false);
		/* The two sets are disjoint: start alone orders them. */
		qsort(v, count, sizeof(*v), cmp_diff);
	}
	hg_ranges_free(&a_only);
	hg_ranges_free(&b_only);
	if (ret)
		return ret;
	*out = v;
	*n = count;
	return 0;
}
