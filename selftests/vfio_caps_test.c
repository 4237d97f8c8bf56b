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

#include <hostgeom/vfio_type1.h>

#include "fake_vfio.h"
#include "kselftest_harness.h"

TEST(one_iova_cap)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct fake_answer a;

	fake_answer_init(&a, 0x40201000);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	EXPECT_EQ(0x40201000, info.pgsizes);
	ASSERT_TRUE(info.have_iova_ranges);
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0, info.iova.v[0].start);
	EXPECT_EQ(0xfedfffff, info.iova.v[0].end);
	EXPECT_EQ(0xfef00000, info.iova.v[1].start);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].end);
	EXPECT_FALSE(info.have_dma_avail);
	EXPECT_FALSE(info.have_migration);
	hg_type1_info_free(&info);
}

/* The kernel's order: migration, DMA available, then IOVA ranges. */
TEST(every_cap)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct fake_answer a;

	fake_answer_init(&a, 0x40201000);
	fake_answer_migration(&a);
	fake_answer_dma_avail(&a, 65535);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	ASSERT_TRUE(info.have_migration);
	EXPECT_EQ(0x1000, info.mig_pgsize_bitmap);
	EXPECT_EQ(0x8000000, info.mig_max_dirty_bitmap_size);
	ASSERT_TRUE(info.have_dma_avail);
	EXPECT_EQ(65535, info.dma_avail);
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].end);
	hg_type1_info_free(&info);
}

TEST(unknown_cap_skipped)
{
	struct vfio_info_cap_header odd = { .id = 99, .version = 7 };
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_cap(&a, &odd, sizeof(odd));
	fake_answer_dma_avail(&a, 12);
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
	struct fake_answer a;

	fake_answer_init(&a, 0xfffffffffffff000ULL);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
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
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 0, NULL, 0);
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
	struct fake_answer a;

	fake_answer_init(&a, 0xfffffffffffff000ULL);
	fake_answer_iova(&a, 2, r, 2);
	ASSERT_EQ(0, hg_type1_parse_info(a.b, a.len, &info, &err));
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(UINT64_MAX, info.iova.v[1].end);
	hg_type1_info_free(&info);
}

/* The buffer need not be 8-byte aligned (UBSan would catch a cast). */
TEST(unaligned_buffer)
{
	static unsigned char raw[sizeof(((struct fake_answer *)0)->b) + 1];
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_dma_avail(&a, 3);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
	memcpy(raw + 1, a.b, a.len);
	ASSERT_EQ(0, hg_type1_parse_info(raw + 1, a.len, &info, &err));
	EXPECT_EQ(3, info.dma_avail);
	EXPECT_EQ(2, info.iova.n);
	hg_type1_info_free(&info);
}

/* Every failure: -EPROTO, a message, and nothing left allocated. */
static void expect_broken(struct __test_metadata *_metadata,
			  const struct fake_answer *a, size_t len, const char *word)
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
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	expect_broken(_metadata, &a, sizeof(struct vfio_iommu_type1_info) - 1,
		      "shorter");
	expect_broken(_metadata, &a, 0, "shorter");
}

TEST(next_loops_to_itself)
{
	struct fake_answer a;
	size_t off;

	fake_answer_init(&a, 0x1000);
	off = fake_answer_dma_avail(&a, 1);
	fake_answer_link(&a, off, off);
	expect_broken(_metadata, &a, a.len, "loop");
}

TEST(next_loops_to_earlier_cap)
{
	struct fake_answer a;
	size_t first;

	fake_answer_init(&a, 0x1000);
	first = fake_answer_dma_avail(&a, 1);
	fake_answer_migration(&a);
	fake_answer_link(&a, a.last, first);
	expect_broken(_metadata, &a, a.len, "loop");
}

/* A next that lands inside the previous header makes no progress. */
TEST(next_inside_previous_header)
{
	struct fake_answer a;
	size_t off;

	fake_answer_init(&a, 0x1000);
	off = fake_answer_dma_avail(&a, 1);
	fake_answer_link(&a, off, off + 4);
	expect_broken(_metadata, &a, a.len, "loop");
}

TEST(next_into_fixed_part)
{
	struct fake_answer a;
	size_t off;

	fake_answer_init(&a, 0x1000);
	off = fake_answer_dma_avail(&a, 1);
	fake_answer_link(&a, off, 8);
	expect_broken(_metadata, &a, a.len, "fixed part");
	fake_answer_link(&a, 0, 4);
	expect_broken(_metadata, &a, a.len, "fixed part");
}

TEST(offset_out_of_bounds)
{
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_dma_avail(&a, 1);
	fake_answer_link(&a, a.last, a.len + 64);
	expect_broken(_metadata, &a, a.len, "outside");
	fake_answer_link(&a, a.last, UINT32_MAX);
	expect_broken(_metadata, &a, a.len, "outside");
	fake_answer_link(&a, a.last, 0);
	fake_answer_link(&a, 0, a.len);	/* exactly at the end: no header there */
	expect_broken(_metadata, &a, a.len, "outside");
}

TEST(truncated_cap_header)
{
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_dma_avail(&a, 1);
	/* The header's last 4 bytes (next) lie past the end. */
	expect_broken(_metadata, &a, a.last + 4, "outside");
}

TEST(truncated_known_cap)
{
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_migration(&a);
	expect_broken(_metadata, &a, a.len - 1, "needs");
	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 0, NULL, 0);
	expect_broken(_metadata, &a, a.len - 4, "needs");
}

TEST(nr_iovas_overflows)
{
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, UINT32_MAX, fake_vtd39, 2);
	expect_broken(_metadata, &a, a.len, "claims");
	/* One more than fits: the kernel's count must match its bytes. */
	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 3, fake_vtd39, 2);
	expect_broken(_metadata, &a, a.len, "claims");
}

TEST(range_start_after_end)
{
	static const struct vfio_iova_range r[] = {
		{ 0, 0xfff },
		{ 0x2000, 0x1fff },
	};
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 2, r, 2);
	expect_broken(_metadata, &a, a.len, "after its end");
}

TEST(two_iova_caps)
{
	struct fake_answer a;

	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
	fake_answer_iova(&a, 1, fake_vtd39, 1);
	expect_broken(_metadata, &a, a.len, "second");
}

TEST_HARNESS_MAIN
