// SPDX-License-Identifier: GPL-2.0
/*
 * hg_type1_parse_info() against crafted VFIO_IOMMU_GET_INFO answers: the
 * layouts the kernel produces, and the broken ones it must never be
 * trusted not to (loops, offsets outside the buffer, counts that overflow).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/vfio.h>

#include <hostgeom/vfio.h>

#include "kselftest_harness.h"

/* An answer under construction; caps are linked in the order added. */
struct answer {
	unsigned char b[1024];
	size_t len;
	size_t last;		/* offset of the last cap, 0: none yet */
};

static void answer_init(struct answer *a, uint64_t pgsizes)
{
	struct vfio_iommu_type1_info info = {
		.argsz = sizeof(info),
		.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
		.iova_pgsizes = pgsizes,
	};

	memset(a, 0, sizeof(*a));
	memcpy(a->b, &info, sizeof(info));
	a->len = sizeof(info);
}

/* Sets the "next" of the cap at @at (or cap_offset when @at is 0). */
static void link_to(struct answer *a, size_t at, uint32_t next)
{
	if (at)
		memcpy(a->b + at + offsetof(struct vfio_info_cap_header, next),
		       &next, sizeof(next));
	else
		memcpy(a->b + offsetof(struct vfio_iommu_type1_info,
				       cap_offset), &next, sizeof(next));
}

static size_t cap_add(struct answer *a, const void *cap, size_t size)
{
	size_t off = a->len;

	memcpy(a->b + off, cap, size);
	a->len += size;
	link_to(a, a->last, off);
	a->last = off;
	return off;
}

static size_t iova_cap(struct answer *a, uint32_t nr,
		       const struct vfio_iova_range *r, size_t n_given)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
			    .version = 1 },
		.nr_iovas = nr,
	};
	size_t off = cap_add(a, &cap, sizeof(cap));

	memcpy(a->b + a->len, r, n_given * sizeof(*r));
	a->len += n_given * sizeof(*r);
	return off;
}

static size_t avail_cap(struct answer *a, uint32_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
			    .version = 1 },
		.avail = avail,
	};

	return cap_add(a, &cap, sizeof(cap));
}

static size_t mig_cap(struct answer *a)
{
	struct vfio_iommu_type1_info_cap_migration cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION,
			    .version = 1 },
		.flags = 0,
		.pgsize_bitmap = 0x1000,
		.max_dirty_bitmap_size = 0x8000000,
	};

	return cap_add(a, &cap, sizeof(cap));
}

/* What a VT-d guest with aw-bits=39 answers (DESIGN.md, measured). */
static const struct vfio_iova_range vtd39[] = {
	{ 0, 0xfedfffff },
	{ 0xfef00000, 0x7fffffffffULL },
};

TEST(one_iova_cap)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0x40201000);
	iova_cap(&a, 2, vtd39, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	EXPECT_EQ(0x40201000, info.pgsizes);
	ASSERT_TRUE(info.have_iova_ranges);
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0, info.iova.v[0].start);
	EXPECT_EQ(0xfedfffff, info.iova.v[0].last);
	EXPECT_EQ(0xfef00000, info.iova.v[1].start);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].last);
	EXPECT_FALSE(info.have_dma_avail);
	EXPECT_FALSE(info.have_migration);
	hg_type1_info_free(&info);
}

/* The kernel's order: migration, DMA available, then IOVA ranges. */
TEST(every_cap)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0x40201000);
	mig_cap(&a);
	avail_cap(&a, 65535);
	iova_cap(&a, 2, vtd39, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	ASSERT_TRUE(info.have_migration);
	EXPECT_EQ(0x1000, info.mig_pgsize_bitmap);
	EXPECT_EQ(0x8000000, info.mig_max_dirty_bitmap_size);
	ASSERT_TRUE(info.have_dma_avail);
	EXPECT_EQ(65535, info.dma_avail);
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].last);
	hg_type1_info_free(&info);
}

TEST(unknown_cap_skipped)
{
	struct vfio_info_cap_header odd = { .id = 99, .version = 7 };
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0x1000);
	cap_add(&a, &odd, sizeof(odd));
	avail_cap(&a, 12);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	EXPECT_TRUE(info.have_dma_avail);
	EXPECT_EQ(12, info.dma_avail);
	EXPECT_FALSE(info.have_iova_ranges);
	hg_type1_info_free(&info);
}

/* Without the CAPS flag cap_offset means nothing, even if it is set. */
TEST(no_caps_flag)
{
	struct vfio_iommu_type1_info raw;
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0xfffffffffffff000ULL);
	iova_cap(&a, 2, vtd39, 2);
	memcpy(&raw, a.b, sizeof(raw));
	raw.flags = VFIO_IOMMU_INFO_PGSIZES;
	memcpy(a.b, &raw, sizeof(raw));
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	EXPECT_EQ(0xfffffffffffff000ULL, info.pgsizes);
	EXPECT_FALSE(info.have_iova_ranges);
	EXPECT_EQ(0, info.iova.n);
	hg_type1_info_free(&info);
}

TEST(zero_ranges)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0x1000);
	iova_cap(&a, 0, NULL, 0);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	EXPECT_TRUE(info.have_iova_ranges);
	EXPECT_EQ(0, info.iova.n);
	hg_type1_info_free(&info);
}

TEST(range_to_top_of_u64)
{
	static const struct vfio_iova_range r[] = {
		{ 0, 0xfedfffff },
		{ 0xfef00000, UINT64_MAX },
	};
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0xfffffffffffff000ULL);
	iova_cap(&a, 2, r, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(UINT64_MAX, info.iova.v[1].last);
	hg_type1_info_free(&info);
}

/* The buffer need not be 8-byte aligned (UBSan would catch a cast). */
TEST(unaligned_buffer)
{
	static unsigned char raw[1032];
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct answer a;

	answer_init(&a, 0x1000);
	avail_cap(&a, 3);
	iova_cap(&a, 2, vtd39, 2);
	memcpy(raw + 1, a.b, a.len);
	ASSERT_EQ(0, hg_type1_parse_info(raw + 1, a.len, &info, &err));
	EXPECT_EQ(3, info.dma_avail);
	EXPECT_EQ(2, info.iova.n);
	hg_type1_info_free(&info);
}

/* Every failure: -EPROTO, a message, and nothing left allocated. */
static void expect_broken(struct __test_metadata *_metadata,
			  const struct answer *a, size_t len, const char *word)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };

	EXPECT_EQ(-EPROTO, hg_type1_parse_info(a->b, len, &info, &err));
	EXPECT_EQ(-EPROTO, err.code);
	EXPECT_NE(NULL, strstr(err.msg, word)) {
		TH_LOG("message: %s", err.msg);
	}
	EXPECT_EQ(0, info.iova.n);
	EXPECT_EQ(NULL, info.iova.v);
	EXPECT_FALSE(info.have_iova_ranges);
}

TEST(shorter_than_fixed_part)
{
	struct answer a;

	answer_init(&a, 0x1000);
	expect_broken(_metadata, &a, sizeof(struct vfio_iommu_type1_info) - 1,
		      "shorter");
	expect_broken(_metadata, &a, 0, "shorter");
}

TEST(next_loops_to_itself)
{
	struct answer a;
	size_t off;

	answer_init(&a, 0x1000);
	off = avail_cap(&a, 1);
	link_to(&a, off, off);
	expect_broken(_metadata, &a, a.len, "loop");
}

TEST(next_loops_to_earlier_cap)
{
	struct answer a;
	size_t first;

	answer_init(&a, 0x1000);
	first = avail_cap(&a, 1);
	mig_cap(&a);
	link_to(&a, a.last, first);
	expect_broken(_metadata, &a, a.len, "loop");
}

/* A next that lands inside the previous header makes no progress. */
TEST(next_inside_previous_header)
{
	struct answer a;
	size_t off;

	answer_init(&a, 0x1000);
	off = avail_cap(&a, 1);
	link_to(&a, off, off + 4);
	expect_broken(_metadata, &a, a.len, "loop");
}

TEST(next_into_fixed_part)
{
	struct answer a;
	size_t off;

	answer_init(&a, 0x1000);
	off = avail_cap(&a, 1);
	link_to(&a, off, 8);
	expect_broken(_metadata, &a, a.len, "fixed part");
	link_to(&a, 0, 4);
	expect_broken(_metadata, &a, a.len, "fixed part");
}

TEST(offset_out_of_bounds)
{
	struct answer a;

	answer_init(&a, 0x1000);
	avail_cap(&a, 1);
	link_to(&a, a.last, a.len + 64);
	expect_broken(_metadata, &a, a.len, "outside");
	link_to(&a, a.last, UINT32_MAX);
	expect_broken(_metadata, &a, a.len, "outside");
	link_to(&a, a.last, 0);
	link_to(&a, 0, a.len);	/* exactly at the end: no header there */
	expect_broken(_metadata, &a, a.len, "outside");
}

TEST(truncated_cap_header)
{
	struct answer a;

	answer_init(&a, 0x1000);
	avail_cap(&a, 1);
	/* The header's last 4 bytes (next) lie past the end. */
	expect_broken(_metadata, &a, a.last + 4, "outside");
}

TEST(truncated_known_cap)
{
	struct answer a;

	answer_init(&a, 0x1000);
	mig_cap(&a);
	expect_broken(_metadata, &a, a.len - 1, "needs");
	answer_init(&a, 0x1000);
	iova_cap(&a, 0, NULL, 0);
	expect_broken(_metadata, &a, a.len - 4, "needs");
}

TEST(nr_iovas_overflows)
{
	struct answer a;

	answer_init(&a, 0x1000);
	iova_cap(&a, UINT32_MAX, vtd39, 2);
	expect_broken(_metadata, &a, a.len, "claims");
	/* One more than fits: the kernel's count must match its bytes. */
	answer_init(&a, 0x1000);
	iova_cap(&a, 3, vtd39, 2);
	expect_broken(_metadata, &a, a.len, "claims");
}

TEST(range_start_after_end)
{
	static const struct vfio_iova_range r[] = {
		{ 0, 0xfff },
		{ 0x2000, 0x1fff },
	};
	struct answer a;

	answer_init(&a, 0x1000);
	iova_cap(&a, 2, r, 2);
	expect_broken(_metadata, &a, a.len, "after its end");
}

TEST(two_iova_caps)
{
	struct answer a;

	answer_init(&a, 0x1000);
	iova_cap(&a, 2, vtd39, 2);
	iova_cap(&a, 1, vtd39, 1);
	expect_broken(_metadata, &a, a.len, "second");
}

TEST_HARNESS_MAIN
