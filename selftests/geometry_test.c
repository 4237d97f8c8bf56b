// SPDX-License-Identifier: GPL-2.0
/* Geometry from reserved regions, address widths, page sizes, diffs. */
#include <errno.h>
#include <stdlib.h>

#include <hostgeom/geometry.h>

#include "kselftest_harness.h"

#define MAX UINT64_MAX
#define MSI_LO 0xfee00000ULL
#define MSI_HI 0xfeefffffULL

static bool is_range(const struct hg_range *r, uint64_t start, uint64_t last)
{
	return r->start == start && r->end == last;
}

FIXTURE(usable) {
	struct hg_ranges set;
};

FIXTURE_SETUP(usable)
{
	self->set = (struct hg_ranges)HG_RANGES_INIT;
}

FIXTURE_TEARDOWN(usable)
{
	hg_ranges_free(&self->set);
}

TEST_F(usable, msi_window_at_39_bits)
{
	/* What type1 reports in a VT-d aw-bits=39 guest (measured in a kit VM, Documentation/vm.md). */
	const struct hg_resv resv[] = {
		{ MSI_LO, MSI_HI, HG_RESV_MSI },
	};

	ASSERT_EQ(0, hg_usable_from_resv(resv, 1, 39, &self->set));
	ASSERT_EQ(2, self->set.n);
	ASSERT_TRUE(is_range(&self->set.v[0], 0, 0xfedfffff));
	ASSERT_TRUE(is_range(&self->set.v[1], 0xfef00000, 0x7fffffffff));
	ASSERT_EQ(39, hg_aw_bits_of(&self->set));
}

TEST_F(usable, relaxable_skipped_others_removed)
{
	const struct hg_resv resv[] = {
		{ 0x1000, 0x1fff, HG_RESV_DIRECT_RELAXABLE },
		{ 0x3000, 0x3fff, HG_RESV_DIRECT },
		{ 0x5000, 0x5fff, HG_RESV_RESERVED },
		{ 0x7000, 0x7fff, HG_RESV_UNKNOWN },
		{ MSI_LO, MSI_HI, HG_RESV_MSI },
	};

	ASSERT_EQ(0, hg_usable_from_resv(resv, 5, 32, &self->set));
	ASSERT_EQ(5, self->set.n);
	ASSERT_TRUE(is_range(&self->set.v[0], 0, 0x2fff));
	ASSERT_TRUE(is_range(&self->set.v[1], 0x4000, 0x4fff));
	ASSERT_TRUE(is_range(&self->set.v[2], 0x6000, 0x6fff));
	ASSERT_TRUE(is_range(&self->set.v[3], 0x8000, MSI_LO - 1));
	ASSERT_TRUE(is_range(&self->set.v[4], MSI_HI + 1, 0xffffffff));
	ASSERT_EQ(32, hg_aw_bits_of(&self->set));
}

TEST_F(usable, widths_and_the_top)
{
	/* virtio-iommu's inverted host ranges: everything above 39 bits. */
	const struct hg_resv top[] = {
		{ 0x8000000000ULL, MAX, HG_RESV_RESERVED },
	};
	const struct hg_resv all[] = {
		{ 0, MAX, HG_RESV_RESERVED },
	};

	ASSERT_EQ(0, hg_usable_from_resv(top, 1, 64, &self->set));
	ASSERT_EQ(1, self->set.n);
	ASSERT_TRUE(is_range(&self->set.v[0], 0, 0x7fffffffff));
	ASSERT_EQ(39, hg_aw_bits_of(&self->set));

	/* Regions above the width do not matter; none at all: everything. */
	ASSERT_EQ(0, hg_usable_from_resv(top, 1, 39, &self->set));
	ASSERT_TRUE(is_range(&self->set.v[0], 0, 0x7fffffffff));
	ASSERT_EQ(0, hg_usable_from_resv(NULL, 0, 64, &self->set));
	ASSERT_EQ(1, self->set.n);
	ASSERT_TRUE(is_range(&self->set.v[0], 0, MAX));
	ASSERT_EQ(64, hg_aw_bits_of(&self->set));
	ASSERT_EQ(0, hg_usable_from_resv(NULL, 0, 1, &self->set));
	ASSERT_TRUE(is_range(&self->set.v[0], 0, 1));

	/* Everything reserved: nothing usable, width 0. */
	ASSERT_EQ(0, hg_usable_from_resv(all, 1, 48, &self->set));
	ASSERT_EQ(0, self->set.n);
	ASSERT_EQ(0, hg_aw_bits_of(&self->set));

	ASSERT_EQ(-EINVAL, hg_usable_from_resv(top, 1, 0, &self->set));
	ASSERT_EQ(-EINVAL, hg_usable_from_resv(top, 1, 65, &self->set));
}

TEST(aw_bits_of_unsorted)
{
	struct hg_range v[] = { { 0xfef00000, 0xffffffffff }, { 0, 0x1000 } };
	struct hg_ranges set = { v, 2, 2 };

	ASSERT_EQ(40, hg_aw_bits_of(&set));
	v[1].end = MAX;
	ASSERT_EQ(64, hg_aw_bits_of(&set));
}

TEST(min_pgsize)
{
	ASSERT_EQ(0, hg_min_pgsize(0));
	ASSERT_EQ(0x1000, hg_min_pgsize(0x40201000));
	ASSERT_EQ(0x1000, hg_min_pgsize(0xfffffffffffff000ULL));
	ASSERT_EQ(1ULL << 63, hg_min_pgsize(1ULL << 63));
	ASSERT_EQ(1, hg_min_pgsize(MAX));
	ASSERT_EQ(0x10000, hg_min_pgsize(0x20010000));
}

FIXTURE(diff) {
	struct hg_ranges a, b;
	struct hg_diff *d;
	size_t n;
};

FIXTURE_SETUP(diff)
{
	self->a = (struct hg_ranges)HG_RANGES_INIT;
	self->b = (struct hg_ranges)HG_RANGES_INIT;
	self->d = NULL;
}

FIXTURE_TEARDOWN(diff)
{
	hg_ranges_free(&self->a);
	hg_ranges_free(&self->b);
	free(self->d);
}

TEST_F(diff, agree_in_different_shapes)
{
	ASSERT_EQ(0, hg_ranges_add(&self->a, 0, 0xfff));
	ASSERT_EQ(0, hg_ranges_add(&self->a, 0x1000, MAX));
	ASSERT_EQ(0, hg_ranges_add(&self->b, 0, MAX));
	ASSERT_EQ(0, hg_ranges_diff(&self->a, &self->b, &self->d, &self->n));
	ASSERT_EQ(0, self->n);
	ASSERT_EQ(NULL, self->d);
	hg_ranges_reset(&self->a);
	hg_ranges_reset(&self->b);
	ASSERT_EQ(0, hg_ranges_diff(&self->a, &self->b, &self->d, &self->n));
	ASSERT_EQ(0, self->n);
}

TEST_F(diff, sorted_by_start_and_sided)
{
	/* type1 against sysfs: sysfs forgot the MSI window, type1 stops at 39 bits. */
	ASSERT_EQ(0, hg_ranges_add(&self->a, 0xfef00000, 0x7fffffffff));
	ASSERT_EQ(0, hg_ranges_add(&self->a, 0, 0xfedfffff));
	ASSERT_EQ(0, hg_ranges_add(&self->b, 0, MAX));
	ASSERT_EQ(0, hg_ranges_diff(&self->a, &self->b, &self->d, &self->n));
	ASSERT_EQ(2, self->n);
	ASSERT_TRUE(is_range(&self->d[0].range, MSI_LO, MSI_HI));
	ASSERT_FALSE(self->d[0].in_a);
	ASSERT_TRUE(is_range(&self->d[1].range, 0x8000000000ULL, MAX));
	ASSERT_FALSE(self->d[1].in_a);
	free(self->d);
	self->d = NULL;

	/* Both sides, interleaved. */
	hg_ranges_reset(&self->b);
	ASSERT_EQ(0, hg_ranges_add(&self->b, 0x1000, 0xfeefffff));
	ASSERT_EQ(0, hg_ranges_diff(&self->a, &self->b, &self->d, &self->n));
	ASSERT_EQ(3, self->n);
	ASSERT_TRUE(is_range(&self->d[0].range, 0, 0xfff));
	ASSERT_TRUE(self->d[0].in_a);
	ASSERT_TRUE(is_range(&self->d[1].range, MSI_LO, MSI_HI));
	ASSERT_FALSE(self->d[1].in_a);
	ASSERT_TRUE(is_range(&self->d[2].range, 0xfef00000, 0x7fffffffff));
	ASSERT_TRUE(self->d[2].in_a);
}

TEST_HARNESS_MAIN
