// SPDX-License-Identifier: GPL-2.0
/*
 * Range arithmetic: the edges (0, 2^64-1, empty, everything, adjacency) by
 * hand, then every operation against a bitmap model over a 64-address
 * universe placed at 0 and at the top of the address space.
 */
#include <errno.h>
#include <stdint.h>

#include <hostgeom/range.h>

#include "kselftest_harness.h"

#define MAX UINT64_MAX

/* Builds a set from {start, last} pairs. */
static int set_of(struct hg_ranges *set, const uint64_t *pairs, size_t n)
{
	size_t i;
	int ret = 0;

	hg_ranges_reset(set);
	for (i = 0; !ret && i < n; i++)
		ret = hg_ranges_add(set, pairs[2 * i], pairs[2 * i + 1]);
	return ret;
}

/* True when @set is exactly the listed ranges, in order. */
static bool is(const struct hg_ranges *set, const uint64_t *pairs, size_t n)
{
	size_t i;

	if (set->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (set->v[i].start != pairs[2 * i] ||
		    set->v[i].end != pairs[2 * i + 1])
			return false;
	return true;
}

#define SET(set, ...) ({						\
	const uint64_t _p[] = { __VA_ARGS__ };				\
	set_of(set, _p, sizeof(_p) / sizeof(_p[0]) / 2);		\
})
#define IS(set, ...) ({							\
	const uint64_t _p[] = { __VA_ARGS__ };				\
	is(set, _p, sizeof(_p) / sizeof(_p[0]) / 2);			\
})
#define IS_EMPTY(set) ((set)->n == 0)

FIXTURE(sets) {
	struct hg_ranges a, b, out;
};

FIXTURE_SETUP(sets)
{
	self->a = (struct hg_ranges)HG_RANGES_INIT;
	self->b = (struct hg_ranges)HG_RANGES_INIT;
	self->out = (struct hg_ranges)HG_RANGES_INIT;
}

FIXTURE_TEARDOWN(sets)
{
	hg_ranges_free(&self->a);
	hg_ranges_free(&self->b);
	hg_ranges_free(&self->out);
}

TEST_F(sets, add_rejects_inverted_and_grows)
{
	size_t i;

	ASSERT_EQ(-EINVAL, hg_ranges_add(&self->a, 2, 1));
	ASSERT_EQ(0U, self->a.n);
	ASSERT_EQ(0, hg_ranges_add(&self->a, MAX, MAX));
	ASSERT_EQ(0, hg_ranges_add(&self->a, 0, 0));
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, hg_ranges_add(&self->a, 10 * i + 5, 10 * i + 6));
	ASSERT_EQ(1002U, self->a.n);
	ASSERT_EQ(MAX, self->a.v[0].start);
	ASSERT_EQ(9995U, self->a.v[1001].start);
	hg_ranges_reset(&self->a);
	ASSERT_EQ(0U, self->a.n);
}

TEST_F(sets, normalize_merges_overlap_and_adjacency)
{
	ASSERT_EQ(0, SET(&self->a, 20, 29, 0, 9, 10, 19, 40, 49, 45, 46, 31, 39));
	hg_ranges_normalize(&self->a);
	/* 29 and 31 leave 30 out: not adjacent. */
	ASSERT_TRUE(IS(&self->a, 0, 29, 31, 49));

	ASSERT_EQ(0, SET(&self->a, 5, 5, 5, 5, 4, 4, 6, 6));
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS(&self->a, 4, 6));

	ASSERT_EQ(0, SET(&self->a, 100, 200, 0, MAX));
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS(&self->a, 0, MAX));

	hg_ranges_reset(&self->a);
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS_EMPTY(&self->a));
}

TEST_F(sets, normalize_at_top_of_address_space)
{
	/* last + 1 wraps to 0 here: must not merge [0,0] into the top. */
	ASSERT_EQ(0, SET(&self->a, MAX, MAX, 0, 0, MAX - 1, MAX - 1));
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS(&self->a, 0, 0, MAX - 1, MAX));

	ASSERT_EQ(0, SET(&self->a, MAX - 10, MAX, MAX, MAX, MAX - 20, MAX - 11));
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS(&self->a, MAX - 20, MAX));

	ASSERT_EQ(0, SET(&self->a, MAX, MAX, MAX - 2, MAX - 2));
	hg_ranges_normalize(&self->a);
	ASSERT_TRUE(IS(&self->a, MAX - 2, MAX - 2, MAX, MAX));
}

TEST_F(sets, complement_edges)
{
	/* Empty set: the whole window. */
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, MAX, &self->out));
	ASSERT_TRUE(IS(&self->out, 0, MAX));

	/* Everything: nothing left, in pieces too. */
	ASSERT_EQ(0, SET(&self->a, 0, 99, 100, MAX));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, MAX, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));

	ASSERT_EQ(0, SET(&self->a, 0, 0));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, MAX, &self->out));
	ASSERT_TRUE(IS(&self->out, 1, MAX));

	ASSERT_EQ(0, SET(&self->a, MAX, MAX));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, MAX, &self->out));
	ASSERT_TRUE(IS(&self->out, 0, MAX - 1));

	ASSERT_EQ(0, SET(&self->a, MAX, MAX, 0, 0));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, MAX, &self->out));
	ASSERT_TRUE(IS(&self->out, 1, MAX - 1));

	/* One-address window, in and out of the set. */
	ASSERT_EQ(0, hg_ranges_complement(&self->a, MAX, MAX, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 7, 7, &self->out));
	ASSERT_TRUE(IS(&self->out, 7, 7));

	/* Ranges outside the window do not matter; a window inside one is empty. */
	ASSERT_EQ(0, SET(&self->a, 0, 9, 100, 200, 500, 600));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 50, 300, &self->out));
	ASSERT_TRUE(IS(&self->out, 50, 99, 201, 300));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 120, 150, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));

	ASSERT_EQ(-EINVAL, hg_ranges_complement(&self->a, 2, 1, &self->out));
}

TEST_F(sets, complement_of_msi_window_below_39_bits)
{
	/* The type1 ranges of a VT-d aw-bits=39 guest with the MSI window out. */
	ASSERT_EQ(0, SET(&self->a, 0xfee00000, 0xfeefffff));
	ASSERT_EQ(0, hg_ranges_complement(&self->a, 0, hg_mask_bits(39),
					  &self->out));
	ASSERT_TRUE(IS(&self->out, 0, 0xfedfffff, 0xfef00000, 0x7fffffffff));
}

TEST_F(sets, operations_may_write_over_an_input)
{
	ASSERT_EQ(0, SET(&self->a, 0, 99));
	ASSERT_EQ(0, SET(&self->b, 50, 149));
	ASSERT_EQ(0, hg_ranges_intersect(&self->a, &self->b, &self->a));
	ASSERT_TRUE(IS(&self->a, 50, 99));
	ASSERT_EQ(0, hg_ranges_subtract(&self->b, &self->a, &self->b));
	ASSERT_TRUE(IS(&self->b, 100, 149));
	ASSERT_EQ(0, hg_ranges_complement(&self->b, 0, MAX, &self->b));
	ASSERT_TRUE(IS(&self->b, 0, 99, 150, MAX));
	ASSERT_EQ(0, hg_ranges_copy(&self->b, &self->b));
	ASSERT_TRUE(IS(&self->b, 0, 99, 150, MAX));
}

TEST_F(sets, intersect_and_subtract_edges)
{
	ASSERT_EQ(0, SET(&self->a, 0, MAX));
	ASSERT_EQ(0, SET(&self->b, MAX, MAX, 0, 0));
	ASSERT_EQ(0, hg_ranges_intersect(&self->a, &self->b, &self->out));
	ASSERT_TRUE(IS(&self->out, 0, 0, MAX, MAX));
	ASSERT_EQ(0, hg_ranges_subtract(&self->a, &self->b, &self->out));
	ASSERT_TRUE(IS(&self->out, 1, MAX - 1));
	ASSERT_EQ(0, hg_ranges_subtract(&self->b, &self->a, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));

	/* Touching but not overlapping: empty intersection. */
	ASSERT_EQ(0, SET(&self->a, 0, 9));
	ASSERT_EQ(0, SET(&self->b, 10, 19));
	ASSERT_EQ(0, hg_ranges_intersect(&self->a, &self->b, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));

	/* Empty operands. */
	hg_ranges_reset(&self->b);
	ASSERT_EQ(0, hg_ranges_intersect(&self->a, &self->b, &self->out));
	ASSERT_TRUE(IS_EMPTY(&self->out));
	ASSERT_EQ(0, hg_ranges_subtract(&self->a, &self->b, &self->out));
	ASSERT_TRUE(IS(&self->out, 0, 9));
}

TEST_F(sets, equal_and_contains)
{
	ASSERT_EQ(0, SET(&self->a, 10, 19, 0, 9, MAX, MAX));
	ASSERT_EQ(0, SET(&self->b, 0, 19, MAX, MAX));
	ASSERT_TRUE(hg_ranges_equal(&self->a, &self->b));
	/* equal() must not have normalized its inputs in place. */
	ASSERT_EQ(3U, self->a.n);
	ASSERT_EQ(0, SET(&self->b, 0, 19, MAX - 1, MAX));
	ASSERT_FALSE(hg_ranges_equal(&self->a, &self->b));
	hg_ranges_reset(&self->b);
	ASSERT_FALSE(hg_ranges_equal(&self->a, &self->b));
	hg_ranges_reset(&self->a);
	ASSERT_TRUE(hg_ranges_equal(&self->a, &self->b));

	ASSERT_FALSE(hg_ranges_contains(&self->a, 0));
	ASSERT_EQ(0, SET(&self->a, 0, 0, MAX, MAX, 5, 7));
	ASSERT_TRUE(hg_ranges_contains(&self->a, 0));
	ASSERT_TRUE(hg_ranges_contains(&self->a, MAX));
	ASSERT_TRUE(hg_ranges_contains(&self->a, 7));
	ASSERT_FALSE(hg_ranges_contains(&self->a, 8));
	ASSERT_FALSE(hg_ranges_contains(&self->a, MAX - 1));
}

TEST(mask_bits)
{
	ASSERT_EQ(0U, hg_mask_bits(0));
	ASSERT_EQ(1U, hg_mask_bits(1));
	ASSERT_EQ(0xffffffffULL, hg_mask_bits(32));
	ASSERT_EQ(0x7fffffffffULL, hg_mask_bits(39));
	ASSERT_EQ(0xffffffffffffULL, hg_mask_bits(48));
	ASSERT_EQ(0x7fffffffffffffffULL, hg_mask_bits(63));
	ASSERT_EQ(MAX, hg_mask_bits(64));
	ASSERT_EQ(MAX, hg_mask_bits(65));
	ASSERT_EQ(MAX, hg_mask_bits(~0U));
}

TEST(bits_for)
{
	unsigned int b;

	ASSERT_EQ(0U, hg_bits_for(0));
	ASSERT_EQ(1U, hg_bits_for(1));
	ASSERT_EQ(2U, hg_bits_for(2));
	ASSERT_EQ(32U, hg_bits_for(0xfedfffff));
	ASSERT_EQ(39U, hg_bits_for(0x7fffffffffULL));
	ASSERT_EQ(40U, hg_bits_for(0x8000000000ULL));
	ASSERT_EQ(64U, hg_bits_for(MAX));
	ASSERT_EQ(64U, hg_bits_for(1ULL << 63));
	/* The inverse of hg_mask_bits at every width, and one past it. */
	for (b = 1; b <= 64; b++) {
		ASSERT_EQ(b, hg_bits_for(hg_mask_bits(b)));
		ASSERT_EQ(b, hg_bits_for(1ULL << (b - 1)));
	}
}

/* --- randomized cross-check against a bitmap model ------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64: reproducible from the seed logged on failure. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random set of up to 6 ranges inside [base, base + 63], and its bitmap. */
static uint64_t random_set(struct hg_ranges *set, uint64_t base)
{
	unsigned int i, n = rng() % 7, lo, hi;
	uint64_t bits = 0;

	hg_ranges_reset(set);
	for (i = 0; i < n; i++) {
		lo = rng() % 64;
		hi = lo + rng() % (64 - lo) % 12;
		hg_ranges_add(set, base + lo, base + hi);
		bits |= hg_mask_bits(hi - lo + 1) << lo;
	}
	return bits;
}

static uint64_t bits_of(const struct hg_ranges *set, uint64_t base)
{
	uint64_t bits = 0;
	size_t i;

	for (i = 0; i < set->n; i++)
		bits |= hg_mask_bits(set->v[i].end - set->v[i].start + 1)
			<< (set->v[i].start - base);
	return bits;
}

/* Sorted, no two ranges touching or overlapping: the only form per set. */
static bool canonical(const struct hg_ranges *set)
{
	size_t i;

	for (i = 1; i < set->n; i++)
		if (set->v[i - 1].end == MAX ||
		    set->v[i].start <= set->v[i - 1].end + 1)
			return false;
	return true;
}

FIXTURE(model) {
	struct hg_ranges a, b, out;
};

FIXTURE_VARIANT(model) {
	uint64_t base;
};

FIXTURE_VARIANT_ADD(model, at_zero) { .base = 0 };
FIXTURE_VARIANT_ADD(model, at_top) { .base = MAX - 63 };

FIXTURE_SETUP(model)
{
	self->a = (struct hg_ranges)HG_RANGES_INIT;
	self->b = (struct hg_ranges)HG_RANGES_INIT;
	self->out = (struct hg_ranges)HG_RANGES_INIT;
	rng_state = 0x9e3779b97f4a7c15ULL;
}

FIXTURE_TEARDOWN(model)
{
	hg_ranges_free(&self->a);
	hg_ranges_free(&self->b);
	hg_ranges_free(&self->out);
}

TEST_F(model, cross_check)
{
	uint64_t base = variant->base, a, b, window;
	unsigned int round, lo, hi, k;

	for (round = 0; round < 20000; round++) {
		uint64_t seed = rng_state;

		a = random_set(&self->a, base);
		b = random_set(&self->b, base);

		ASSERT_EQ(0, hg_ranges_copy(&self->out, &self->a));
		hg_ranges_normalize(&self->out);
		ASSERT_TRUE(canonical(&self->out)) TH_LOG("seed %#llx", (unsigned long long)seed);
		ASSERT_EQ(a, bits_of(&self->out, base))
			TH_LOG("seed %#llx", (unsigned long long)seed);

		lo = rng() % 64;
		hi = lo + rng() % (64 - lo);
		window = hg_mask_bits(hi - lo + 1) << lo;
		ASSERT_EQ(0, hg_ranges_complement(&self->a, base + lo,
						  base + hi, &self->out));
		ASSERT_TRUE(canonical(&self->out));
		ASSERT_EQ(~a & window, bits_of(&self->out, base))
			TH_LOG("seed %#llx window %u-%u", (unsigned long long)seed, lo, hi);

		ASSERT_EQ(0, hg_ranges_intersect(&self->a, &self->b, &self->out));
		ASSERT_TRUE(canonical(&self->out));
		ASSERT_EQ(a & b, bits_of(&self->out, base));

		ASSERT_EQ(0, hg_ranges_subtract(&self->a, &self->b, &self->out));
		ASSERT_TRUE(canonical(&self->out));
		ASSERT_EQ(a & ~b, bits_of(&self->out, base));

		ASSERT_EQ(a == b, hg_ranges_equal(&self->a, &self->b));

		k = rng() % 64;
		ASSERT_EQ(!!(a & (1ULL << k)),
			  hg_ranges_contains(&self->a, base + k));
	}
}

TEST_HARNESS_MAIN
