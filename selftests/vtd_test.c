// SPDX-License-Identifier: GPL-2.0
/*
 * hg_vtd_decode() against register values read from real (emulated)
 * hardware: QEMU 10's intel-iommu (intremap=on, caching-mode=on) as a
 * Linux 6.12 guest shows it in /sys/class/iommu/dmar0/intel-iommu/{cap,ecap},
 * plus the corners of every field.
 */
#include <stdint.h>

#include <hostgeom/iommufd.h>

#include "kselftest_harness.h"

#define SZ_4K	(UINT64_C(1) << 12)
#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_1G	(UINT64_C(1) << 30)

/* Both aw-bits settings share the ecap value. */
#define QEMU_ECAP	UINT64_C(0xf00f4a)

TEST(qemu_aw_bits_39)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_C(0xd2008c22260286), QEMU_ECAP, &c);
	EXPECT_EQ(UINT64_C(0xd2008c22260286), c.cap_reg);
	EXPECT_EQ(QEMU_ECAP, c.ecap_reg);
	EXPECT_EQ(39, c.mgaw);
	EXPECT_EQ(0x2, c.sagaw);
	EXPECT_EQ(39, c.max_sagaw_bits);
	/* The same bitmap type1 reports on that guest: 0x40201000. */
	EXPECT_EQ(SZ_4K | SZ_2M | SZ_1G, c.sl_pgsizes);
	EXPECT_EQ(16, c.nd);
	EXPECT_TRUE(c.caching_mode);
	EXPECT_TRUE(c.interrupt_remapping);
	EXPECT_TRUE(c.pass_through);
	EXPECT_FALSE(c.nested);
	EXPECT_FALSE(c.pasid);
}

TEST(qemu_aw_bits_48)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_C(0xd2008c222f0686), QEMU_ECAP, &c);
	EXPECT_EQ(48, c.mgaw);
	EXPECT_EQ(0x6, c.sagaw);	/* 39 and 48 */
	EXPECT_EQ(48, c.max_sagaw_bits);
	EXPECT_EQ(SZ_4K | SZ_2M | SZ_1G, c.sl_pgsizes);
	EXPECT_TRUE(c.caching_mode);
}

TEST(all_zero)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(0, 0, &c);
	EXPECT_EQ(1, c.mgaw);		/* the field holds width - 1 */
	EXPECT_EQ(0, c.sagaw);
	EXPECT_EQ(0, c.max_sagaw_bits);
	EXPECT_EQ(SZ_4K, c.sl_pgsizes);
	EXPECT_EQ(4, c.nd);		/* 16 domain ids */
	EXPECT_FALSE(c.caching_mode);
	EXPECT_FALSE(c.interrupt_remapping);
	EXPECT_FALSE(c.pass_through);
	EXPECT_FALSE(c.nested);
	EXPECT_FALSE(c.pasid);
}

TEST(all_ones)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_MAX, UINT64_MAX, &c);
	EXPECT_EQ(64, c.mgaw);
	EXPECT_EQ(0x1f, c.sagaw);
	/* SAGAW bit 4 would be 66 bits: no width exceeds 64. */
	EXPECT_EQ(64, c.max_sagaw_bits);
	/* SLLPS bits 2 and 3 are reserved: only 2M and 1G exist. */
	EXPECT_EQ(SZ_4K | SZ_2M | SZ_1G, c.sl_pgsizes);
	EXPECT_EQ(18, c.nd);
	EXPECT_TRUE(c.caching_mode);
	EXPECT_TRUE(c.interrupt_remapping);
	EXPECT_TRUE(c.pass_through);
	EXPECT_TRUE(c.nested);
	EXPECT_TRUE(c.pasid);
}

/* Each flag from its own bit and no other. */
TEST(single_bits)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_C(1) << 7, 0, &c);
	EXPECT_TRUE(c.caching_mode);
	hg_vtd_decode(~(UINT64_C(1) << 7), 0, &c);
	EXPECT_FALSE(c.caching_mode);

	hg_vtd_decode(0, UINT64_C(1) << 3, &c);
	EXPECT_TRUE(c.interrupt_remapping);
	EXPECT_FALSE(c.pass_through);
	hg_vtd_decode(0, UINT64_C(1) << 6, &c);
	EXPECT_TRUE(c.pass_through);
	EXPECT_FALSE(c.interrupt_remapping);
	hg_vtd_decode(0, UINT64_C(1) << 26, &c);
	EXPECT_TRUE(c.nested);
	EXPECT_FALSE(c.pasid);
	hg_vtd_decode(0, UINT64_C(1) << 40, &c);
	EXPECT_TRUE(c.pasid);
	EXPECT_FALSE(c.nested);
}

TEST(sagaw_widths)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_C(1) << 8, 0, &c);		/* 2-level */
	EXPECT_EQ(30, c.max_sagaw_bits);
	hg_vtd_decode(UINT64_C(0x8) << 8, 0, &c);	/* 5-level only */
	EXPECT_EQ(57, c.max_sagaw_bits);
	hg_vtd_decode(UINT64_C(0xe) << 8, 0, &c);	/* 3, 4, 5 levels */
	EXPECT_EQ(57, c.max_sagaw_bits);
	EXPECT_EQ(0xe, c.sagaw);
	/* MGAW is independent of SAGAW: a 5-level unit with 52-bit MGAW. */
	hg_vtd_decode((UINT64_C(0x8) << 8) | (UINT64_C(51) << 16), 0, &c);
	EXPECT_EQ(52, c.mgaw);
}

TEST(sllps)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(UINT64_C(1) << 34, 0, &c);
	EXPECT_EQ(SZ_4K | SZ_2M, c.sl_pgsizes);
	hg_vtd_decode(UINT64_C(1) << 35, 0, &c);
	EXPECT_EQ(SZ_4K | SZ_1G, c.sl_pgsizes);
	hg_vtd_decode(UINT64_C(3) << 36, 0, &c);
	EXPECT_EQ(SZ_4K, c.sl_pgsizes);
}

TEST(nd)
{
	struct hg_vtd_caps c;

	hg_vtd_decode(6, 0, &c);	/* QEMU: 16-bit domain ids */
	EXPECT_EQ(16, c.nd);
	hg_vtd_decode(2, 0, &c);
	EXPECT_EQ(8, c.nd);
	hg_vtd_decode(8, 0, &c);	/* bit 3 is not part of ND */
	EXPECT_EQ(4, c.nd);
}

TEST_HARNESS_MAIN
