// SPDX-License-Identifier: GPL-2.0
/*
 * hg_vtd_decode() against register values read from real (emulated)
 * hardware: QEMU 10's intel-iommu (intremap=on, caching-mode=on) as a
 * Linux 6.12 guest shows it in /sys/class/iommu/dmar0/intel-iommu/{cap,ecap},
 * plus the corners of every field; and hg_iommu_unit_width() against the
 * cap and ecap files of synthetic trees, bad ones refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/iommu_unit.h>
#include <hostgeom/iommufd.h>

#include "fake_sysfs.h"
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

#define CAP_FILE "devices/virtual/iommu/dmar0/intel-iommu/cap"
#define ECAP_FILE "devices/virtual/iommu/dmar0/intel-iommu/ecap"

FIXTURE(unit) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_err err;
	unsigned int aw;
	uint64_t pgsizes;
};

FIXTURE_SETUP(unit)
{
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(self->fs) };
	hg_err_clear(&self->err);
	/* The kernel's form: "%llx\n", no 0x. */
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, CAP_FILE, "d2008c22260286\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, ECAP_FILE, "f00f4a\n"));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/iommu/dmar0",
					"devices/virtual/iommu/dmar0"));
}

FIXTURE_TEARDOWN(unit)
{
	fake_sysfs_destroy(self->fs);
}

static int width(FIXTURE_DATA(unit) *self)
{
	hg_err_clear(&self->err);
	self->aw = 0;
	return hg_iommu_unit_width(&self->ctx, "dmar0", &self->aw,
				   &self->pgsizes, &self->err);
}

TEST_F(unit, kernel_form_read)
{
	ASSERT_EQ(0, width(self)) {
		TH_LOG("%s", self->err.msg);
	}
	EXPECT_EQ(39, self->aw);
	EXPECT_EQ(SZ_4K | SZ_2M | SZ_1G, self->pgsizes);
}

/* What no VT-d unit writes: each refused, the file named, nothing set. */
TEST_F(unit, bad_cap_refused)
{
	static const char *const bad[] = {
		"0\n",			/* no address width at all */
		"-1\n",			/* a sign */
		" 12\n",		/* a blank before */
		"12 \n",		/* a blank after */
		"\n",			/* empty */
		"",
		"0x\n",			/* a prefix without digits */
		"10000000000000000\n",	/* 17 digits */
		"d2008c22260286\nd2\n",	/* a second line */
		"d2008c2226g286\n",	/* not hex */
		"d2008c22000086\n",	/* MGAW 1, SAGAW 39: no width */
		"d2008c22260086\n",	/* SAGAW 0 */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, fake_sysfs_printf(self->fs, CAP_FILE, "%s",
					       bad[i]));
		EXPECT_EQ(-EINVAL, width(self)) {
			TH_LOG("cap \"%s\" accepted: aw %u", bad[i], self->aw);
		}
		EXPECT_NE(NULL, strstr(self->err.msg, "intel-iommu/cap")) {
			TH_LOG("cap \"%s\": %s", bad[i], self->err.msg);
		}
		EXPECT_EQ(0, self->aw);
		EXPECT_EQ(HG_ERR_NOT_SYSFS, self->err.kind);
	}
}

TEST_F(unit, bad_ecap_refused)
{
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, ECAP_FILE, "-1\n"));
	EXPECT_EQ(-EINVAL, width(self));
	EXPECT_NE(NULL, strstr(self->err.msg, "intel-iommu/ecap")) {
		TH_LOG("%s", self->err.msg);
	}
}

/* A pipe or a link to /dev/zero as cap: refused at once, not read. */
TEST_F_TIMEOUT(unit, hostile_cap_refused, 10)
{
	ASSERT_EQ(0, fake_sysfs_replace(self->fs, CAP_FILE, FAKE_FIFO));
	EXPECT_GT(0, width(self));
	EXPECT_NE(NULL, strstr(self->err.msg, "not a regular file")) {
		TH_LOG("%s", self->err.msg);
	}
	ASSERT_EQ(0, fake_sysfs_replace(self->fs, CAP_FILE,
					FAKE_LINK_DEV_ZERO));
	EXPECT_GT(0, width(self));
	EXPECT_NE(NULL, strstr(self->err.msg, "symbolic link")) {
		TH_LOG("%s", self->err.msg);
	}
}

TEST_F(unit, not_vt_d)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fake_sysfs_root(self->fs),
		 CAP_FILE);
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(-EOPNOTSUPP, width(self));
}

TEST_HARNESS_MAIN
