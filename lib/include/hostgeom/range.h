/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of IOVA ranges. Every range is inclusive at both ends ([start, end])
 * because the kernel's interfaces are: it is the only way to say "up to
 * 2^64 - 1" without overflow.
 */
#ifndef HOSTGEOM_RANGE_H
#define HOSTGEOM_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hg_range {
	uint64_t start;
	uint64_t end;		/* inclusive */
};

struct hg_ranges {
	struct hg_range *v;
	size_t n;
	size_t cap;
};

#define HG_RANGES_INIT { NULL, 0, 0 }

/* Appends [start, end]; -EINVAL when start > end, -ENOMEM. */
int hg_ranges_add(struct hg_ranges *set, uint64_t start, uint64_t end);
void hg_ranges_free(struct hg_ranges *set);
void hg_ranges_reset(struct hg_ranges *set);
int hg_ranges_copy(struct hg_ranges *dst, const struct hg_ranges *src);

/* Sorts by start and merges overlapping and adjacent ranges. */
void hg_ranges_normalize(struct hg_ranges *set);

/*
 * Set operations: @out is replaced (it may be one of the inputs) and is left
 * as it was when they fail (-ENOMEM, or -EINVAL for lo > hi).
 *
 * @out = [lo, hi] minus @set (@set need not be normalized), normalized.
 */
int hg_ranges_complement(const struct hg_ranges *set, uint64_t lo,
			 uint64_t hi, struct hg_ranges *out);
/* @out = @a ∩ @b, normalized. */
int hg_ranges_intersect(const struct hg_ranges *a, const struct hg_ranges *b,
			struct hg_ranges *out);
/* @out = @a minus @b, normalized. */
int hg_ranges_subtract(const struct hg_ranges *a, const struct hg_ranges *b,
		       struct hg_ranges *out);
/* Equal as sets (both are normalized on copies; false when out of memory). */
bool hg_ranges_equal(const struct hg_ranges *a, const struct hg_ranges *b);
bool hg_ranges_contains(const struct hg_ranges *set, uint64_t addr);

/* 2^bits - 1, saturating at UINT64_MAX for bits >= 64. */
uint64_t hg_mask_bits(unsigned int bits);
/*
 * Bits needed to address @end: 39 for 0x7fffffffff, 64 for UINT64_MAX,
 * 0 for 0, so that hg_mask_bits(hg_bits_for(x)) >= x always holds.
 */
unsigned int hg_bits_for(uint64_t end);

#endif
