// SPDX-License-Identifier: GPL-2.0
/*
 * hg_group_check() with synthetic backend answers: where the address width
 * comes from, which reserved regions sysfs's set leaves out, every pair
 * compared and every difference attributed to the right side; plus the
 * page-size names and the JSON form.
 */
#include <errno.h>
#include <string.h>

#include <hostgeom/ranges_check.h>
#include <hostgeom/ranges_query.h>

#include "cli_print.h"
#include "fake_vfio.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define TOP39	UINT64_C(0x7fffffffff)

/* The text @call (a printer) prints; the caller frees it. */
#define CLI_PRINT_TEXT(call) ({			\
	struct cli_capture c_;				\
	cli_capture_start(&c_, false);			\
	call;						\
	cli_capture_text(&c_);				\
})

static const struct hg_resv msi = { 0xfee00000, 0xfeefffff, HG_RESV_MSI };

FIXTURE(check) {
	struct hg_device members[3];
	struct hg_resv resv[4];
	struct hg_group group;
	struct hg_group_geom geom;
	struct hg_group_check out;
	struct hg_err err;
};

/* A VT-d aw-bits=39 guest: both backends give the measured ranges. */
FIXTURE_SETUP(check)
{
	size_t i;

	memset(self, 0, sizeof(*self));
	strcpy(self->members[0].name, "0000:01:00.0");
	strcpy(self->members[0].driver, "vfio-pci");
	self->group.id = 6;
	self->group.members = self->members;
	self->group.n_members = 1;
	self->resv[0] = msi;
	self->group.resv = self->resv;
	self->group.n_resv = 1;
	self->geom.group = &self->group;
	self->geom.type1_status = HG_STATUS_OK;
	self->geom.type1.have_iova_ranges = true;
	self->geom.type1.pgsizes = FAKE_VTD39_PGSIZES;
	self->geom.iommufd_status = HG_STATUS_OK;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, hg_ranges_add(&self->geom.type1.iova,
					   fake_vtd39[i].start,
					   fake_vtd39[i].end));
		ASSERT_EQ(0, hg_ranges_add(&self->geom.iommufd.iova,
					   fake_vtd39[i].start,
					   fake_vtd39[i].end));
	}
}

FIXTURE_TEARDOWN(check)
{
	hg_group_check_free(&self->out);
	hg_type1_info_free(&self->geom.type1);
	hg_iommufd_info_free(&self->geom.iommufd);
}

static void set_ranges(struct hg_ranges *set, const struct hg_range *r,
		       size_t n)
{
	size_t i;

	hg_ranges_reset(set);
	for (i = 0; i < n; i++)
		hg_ranges_add(set, r[i].start, r[i].end);
}

static const struct hg_compare *find_cmp(const struct hg_group_check *c,
					 enum hg_source a, enum hg_source b)
{
	size_t i;

	for (i = 0; i < c->n_cmp; i++)
		if (c->cmp[i].a == a && c->cmp[i].b == b)
			return &c->cmp[i];
	return NULL;
}

TEST_F(check, all_agree)
{
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(6, self->out.id);
	EXPECT_EQ(39, self->out.aw_bits);
	EXPECT_STREQ("type1", self->out.aw_source);
	EXPECT_EQ(3, self->out.n_cmp);
	EXPECT_TRUE(hg_group_checked(&self->out));
	EXPECT_TRUE(hg_group_agrees(&self->out));
	ASSERT_EQ(2, self->out.usable[HG_SRC_SYSFS].n);
	EXPECT_EQ(0xfedfffff, self->out.usable[HG_SRC_SYSFS].v[0].end);
	EXPECT_EQ(0xfef00000, self->out.usable[HG_SRC_SYSFS].v[1].start);
	EXPECT_EQ(TOP39, self->out.usable[HG_SRC_SYSFS].v[1].end);
	EXPECT_EQ(HG_STATUS_OK, self->out.status[HG_SRC_SYSFS]);
	EXPECT_STREQ("", self->out.unattached);
}

/* type1 forgot the MSI window: both comparisons with it say where. */
TEST_F(check, type1_maps_msi_window)
{
	static const struct hg_range whole[] = { { 0, TOP39 } };
	const struct hg_compare *c;

	set_ranges(&self->geom.type1.iova, whole, 1);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_FALSE(hg_group_agrees(&self->out));
	c = find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_TYPE1);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->n_diffs);
	EXPECT_EQ(0xfee00000, c->diffs[0].range.start);
	EXPECT_EQ(0xfeefffff, c->diffs[0].range.end);
	EXPECT_FALSE(c->diffs[0].in_a);		/* usable per type1 only */
	c = find_cmp(&self->out, HG_SRC_TYPE1, HG_SRC_IOMMUFD);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->n_diffs);
	EXPECT_TRUE(c->diffs[0].in_a);
	c = find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_IOMMUFD);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, c->n_diffs);
}

/* Differences on both sides, sorted by address. */
TEST_F(check, differences_both_ways)
{
	static const struct hg_range odd[] = {
		{ 0x1000, 0xfedfffff },			/* page 0 missing */
		{ 0xfef00000, TOP39 + 0x1000000 },	/* and too wide */
	};
	const struct hg_compare *c;

	set_ranges(&self->geom.iommufd.iova, odd, 2);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	c = find_cmp(&self->out, HG_SRC_TYPE1, HG_SRC_IOMMUFD);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(2, c->n_diffs);
	EXPECT_EQ(0, c->diffs[0].range.start);
	EXPECT_EQ(0xfff, c->diffs[0].range.end);
	EXPECT_TRUE(c->diffs[0].in_a);
	EXPECT_EQ(TOP39 + 1, c->diffs[1].range.start);
	EXPECT_EQ(TOP39 + 0x1000000, c->diffs[1].range.end);
	EXPECT_FALSE(c->diffs[1].in_a);
}

/* Both backends map over direct-relaxable regions; sysfs must too. */
TEST_F(check, direct_relaxable_is_usable)
{
	self->resv[0] = (struct hg_resv){ 0, 0xffffff,
					  HG_RESV_DIRECT_RELAXABLE };
	self->resv[1] = msi;
	self->group.n_resv = 2;
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_TRUE(hg_group_agrees(&self->out));
	EXPECT_EQ(0, self->out.usable[HG_SRC_SYSFS].v[0].start);
}

/* A direct (RMRR) region the backends ignored shows as a difference. */
TEST_F(check, direct_region_not_excluded)
{
	const struct hg_compare *c;

	self->resv[0] = (struct hg_resv){ 0xe0000, 0xfffff, HG_RESV_DIRECT };
	self->resv[1] = msi;
	self->group.n_resv = 2;
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_FALSE(hg_group_agrees(&self->out));
	c = find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_TYPE1);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->n_diffs);
	EXPECT_EQ(0xe0000, c->diffs[0].range.start);
	EXPECT_EQ(0xfffff, c->diffs[0].range.end);
	EXPECT_FALSE(c->diffs[0].in_a);
}

TEST_F(check, iommufd_unavailable)
{
	self->geom.iommufd_status = HG_STATUS_UNAVAILABLE;
	hg_err_set(&self->geom.iommufd_err, -ENODEV, "no /dev/iommu");
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(1, self->out.n_cmp);
	EXPECT_NE(NULL, find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_TYPE1));
	EXPECT_FALSE(self->out.have[HG_SRC_IOMMUFD]);
	EXPECT_EQ(HG_STATUS_UNAVAILABLE, self->out.status[HG_SRC_IOMMUFD]);
	EXPECT_STREQ("no /dev/iommu", self->out.why_not[HG_SRC_IOMMUFD]);
	EXPECT_TRUE(hg_group_checked(&self->out));
}

TEST_F(check, nothing_to_compare)
{
	self->geom.type1_status = HG_STATUS_FAILED;
	hg_err_set(&self->geom.type1_err, -EBUSY, "group 6 is in use");
	self->geom.iommufd_status = HG_STATUS_NOT_ASKED;
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(0, self->out.aw_bits);
	EXPECT_EQ(NULL, self->out.aw_source);
	EXPECT_FALSE(self->out.have[HG_SRC_SYSFS]);
	EXPECT_NE(NULL, strstr(self->out.why_not[HG_SRC_SYSFS],
			       "no address width"));
	EXPECT_STREQ("group 6 is in use", self->out.why_not[HG_SRC_TYPE1]);
	EXPECT_STREQ("not asked", self->out.why_not[HG_SRC_IOMMUFD]);
	EXPECT_EQ(0, self->out.n_cmp);
	EXPECT_FALSE(hg_group_checked(&self->out));
}

TEST_F(check, width_from_iommufd)
{
	static const struct hg_range wide[] = {
		{ 0, 0xfedfffff }, { 0xfef00000, 0xffffffffffffULL },
	};

	self->geom.type1_status = HG_STATUS_FAILED;
	set_ranges(&self->geom.iommufd.iova, wide, 2);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(48, self->out.aw_bits);
	EXPECT_STREQ("iommufd", self->out.aw_source);
	EXPECT_TRUE(hg_group_agrees(&self->out));
}

/* No ranges at all from iommufd: the width comes from VT-d's MGAW. */
TEST_F(check, width_from_vtd)
{
	const struct hg_compare *c;

	self->geom.type1_status = HG_STATUS_FAILED;
	hg_ranges_reset(&self->geom.iommufd.iova);
	self->geom.iommufd.have_hw_info = true;
	hg_vtd_decode(FAKE_VTD39_CAP, FAKE_VTD39_ECAP, &self->geom.iommufd.vtd);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(39, self->out.aw_bits);
	EXPECT_STREQ("vt-d", self->out.aw_source);
	c = find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_IOMMUFD);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(2, c->n_diffs);
	EXPECT_TRUE(c->diffs[0].in_a);
}

TEST_F(check, type1_without_range_cap)
{
	self->geom.type1.have_iova_ranges = false;
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_FALSE(self->out.have[HG_SRC_TYPE1]);
	EXPECT_NE(NULL, strstr(self->out.why_not[HG_SRC_TYPE1], "5.4"));
	EXPECT_STREQ("iommufd", self->out.aw_source);
	EXPECT_EQ(1, self->out.n_cmp);
}

/* virtio-iommu aw-bits=64 style: usable up to 2^64 - 1. */
TEST_F(check, up_to_top_of_u64)
{
	static const struct hg_range top[] = {
		{ 0, 0xfedfffff }, { 0xfef00000, UINT64_MAX },
	};

	set_ranges(&self->geom.type1.iova, top, 2);
	set_ranges(&self->geom.iommufd.iova, top, 2);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(64, self->out.aw_bits);
	EXPECT_TRUE(hg_group_agrees(&self->out));
	EXPECT_EQ(UINT64_MAX, self->out.usable[HG_SRC_SYSFS].v[1].end);
}

/*
 * A driverless bridge in the group has a reserved region: type1 (the
 * group's regions) excludes it, iommufd (attached devices only) does not.
 */
TEST_F(check, unattached_member)
{
	static const struct hg_range holed[] = {
		{ 0, 0xfffffff }, { 0x20000000, 0xfedfffff },
		{ 0xfef00000, TOP39 },
	};
	const struct hg_compare *c;

	strcpy(self->members[1].name, "0000:02:00.0");
	strcpy(self->members[2].name, "0000:03:01.0");
	strcpy(self->members[2].driver, "vfio-pci");
	self->group.n_members = 3;
	self->resv[1] = (struct hg_resv){ 0x10000000, 0x1fffffff,
					  HG_RESV_RESERVED };
	self->group.n_resv = 2;
	set_ranges(&self->geom.type1.iova, holed, 3);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_STREQ("0000:02:00.0", self->out.unattached);
	EXPECT_FALSE(hg_group_agrees(&self->out));
	c = find_cmp(&self->out, HG_SRC_SYSFS, HG_SRC_TYPE1);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, c->n_diffs);
	c = find_cmp(&self->out, HG_SRC_TYPE1, HG_SRC_IOMMUFD);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->n_diffs);
	EXPECT_EQ(0x10000000, c->diffs[0].range.start);
	EXPECT_FALSE(c->diffs[0].in_a);
}

TEST(pgsizes_human)
{
	char buf[128];

	EXPECT_EQ(4, hg_pgsizes_human(0, buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
	hg_pgsizes_human(0x40201000, buf, sizeof(buf));
	EXPECT_STREQ("4K 2M 1G", buf);
	hg_pgsizes_human(0xfffffffffffff000ULL, buf, sizeof(buf));
	EXPECT_STREQ("4K+", buf);
	hg_pgsizes_human(UINT64_C(1) << 63, buf, sizeof(buf));
	EXPECT_STREQ("8E", buf);
	hg_pgsizes_human(1, buf, sizeof(buf));
	EXPECT_STREQ("1", buf);
	/* Four sizes up to 2^63 are listed, five are a run. */
	hg_pgsizes_human(UINT64_C(0xf) << 60, buf, sizeof(buf));
	EXPECT_STREQ("1E 2E 4E 8E", buf);
	hg_pgsizes_human(UINT64_C(0x1f) << 59, buf, sizeof(buf));
	EXPECT_STREQ("512P+", buf);
	hg_pgsizes_human(0x11000, buf, sizeof(buf));
	EXPECT_STREQ("4K 64K", buf);
	/* AMD-Vi under QEMU: every size but 512G, up to 2P */
	hg_pgsizes_human(0xfff7ffffff000ULL, buf, sizeof(buf));
	EXPECT_STREQ("4K-256G 1T-2P", buf);
	hg_pgsizes_human(0x1f000, buf, sizeof(buf));
	EXPECT_STREQ("4K-64K", buf);
	hg_pgsizes_human(0xf000, buf, sizeof(buf));
	EXPECT_STREQ("4K 8K 16K 32K", buf);
	/* A run that stops short of 2^63 names its end. */
	hg_pgsizes_human(0x7ffffffffffff000ULL, buf, sizeof(buf));
	EXPECT_STREQ("4K-4E", buf);
	/* Too small a buffer: cut, terminated, full length returned. */
	EXPECT_EQ(8, hg_pgsizes_human(0x40201000, buf, 4));
	EXPECT_STREQ("4K ", buf);
}

TEST(backend_parse)
{
	struct hg_err err = { 0 };
	unsigned int mask = 0;

	EXPECT_EQ(0, hg_backend_parse("type1", &mask, &err));
	EXPECT_EQ(HG_BACKEND_TYPE1, mask);
	EXPECT_EQ(0, hg_backend_parse("iommufd", &mask, &err));
	EXPECT_EQ(HG_BACKEND_IOMMUFD, mask);
	EXPECT_EQ(0, hg_backend_parse("all", &mask, &err));
	EXPECT_EQ(HG_BACKEND_ALL, mask);
	EXPECT_EQ(-EINVAL, hg_backend_parse("Type1", &mask, &err));
	EXPECT_NE(NULL, strstr(err.msg, "type1, iommufd or all"));
	EXPECT_EQ(-EINVAL, hg_backend_parse("", &mask, &err));
}

TEST_F(check, json_form)
{
	static const struct hg_range whole[] = { { 0, TOP39 } };
	json_object *obj, *cmp, *diff;
	uint64_t v;

	self->geom.iommufd_status = HG_STATUS_UNAVAILABLE;
	hg_err_set(&self->geom.iommufd_err, -ENODEV, "no /dev/iommu");
	set_ranges(&self->geom.type1.iova, whole, 1);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	obj = CLI_PRINT_JSON(check_print_group(&self->out, &self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(6, json_object_get_int(json_get(obj, "group")));
	EXPECT_FALSE(json_object_get_boolean(json_get(obj, "agree")));
	EXPECT_TRUE(json_object_get_boolean(json_get(obj, "checked")));
	EXPECT_EQ(39, json_object_get_int(json_get(obj, "aw_bits")));
	EXPECT_STREQ("type1", json_object_get_string(json_get(obj, "aw_source")));
	EXPECT_STREQ("unavailable", json_object_get_string(
			     json_get(obj, "sources.iommufd.status")));
	EXPECT_STREQ("no /dev/iommu", json_object_get_string(
			     json_get(obj, "sources.iommufd.reason")));
	EXPECT_EQ(NULL, json_get(obj, "sources.iommufd.ranges"));
	EXPECT_EQ(2, json_object_array_length(
			     json_get(obj, "sources.sysfs.ranges")));
	cmp = json_object_array_get_idx(json_get(obj, "comparisons"), 0);
	ASSERT_NE(NULL, cmp);
	EXPECT_STREQ("sysfs", json_object_get_string(json_get(cmp, "a")));
	EXPECT_STREQ("type1", json_object_get_string(json_get(cmp, "b")));
	diff = json_object_array_get_idx(json_get(cmp, "differences"), 0);
	ASSERT_NE(NULL, diff);
	EXPECT_EQ(0, json_get_hex(json_get(diff, "start"), &v));
	EXPECT_EQ(0xfee00000, v);
	EXPECT_EQ(0, json_get_hex(json_get(diff, "end"), &v));
	EXPECT_EQ(0xfeefffff, v);
	EXPECT_STREQ("type1", json_object_get_string(json_get(diff, "usable_in")));
	json_object_put(obj);
}

TEST_F(check, json_geom_group)
{
	json_object *obj;
	uint64_t v;

	self->geom.iommufd.have_hw_info = true;
	self->geom.iommufd.hw_type = 1;
	hg_vtd_decode(FAKE_VTD39_CAP, FAKE_VTD39_ECAP, &self->geom.iommufd.vtd);
	obj = CLI_PRINT_JSON(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(0, json_get_hex(json_get(obj, "type1.pgsizes"), &v));
	EXPECT_EQ(FAKE_VTD39_PGSIZES, v);
	EXPECT_STREQ("4K 2M 1G", json_object_get_string(
			     json_get(obj, "type1.pgsizes_human")));
	EXPECT_EQ(39, json_object_get_int(json_get(obj, "type1.aw_bits")));
	EXPECT_TRUE(json_object_object_get_ex(json_get(obj, "type1"), "dma_avail",
					      NULL));
	EXPECT_EQ(NULL, json_get(obj, "type1.dma_avail"));	/* null: none */
	EXPECT_STREQ("intel-vtd", json_object_get_string(
			     json_get(obj, "iommufd.hw_info.type")));
	EXPECT_EQ(39, json_object_get_int(json_get(obj, "iommufd.hw_info.vtd.mgaw")));
	EXPECT_TRUE(json_object_get_boolean(
			    json_get(obj, "iommufd.hw_info.vtd.caching_mode")));
	EXPECT_STREQ("0000:01:00.0", json_object_get_string(
			     json_object_array_get_idx(json_get(obj, "members"), 0)));
	json_object_put(obj);
}

/*
 * An SMMUv3 as QEMU 10 presents it (test_data/hw_info/qemu-10.0, stage 1):
 * 48 input bits, granules 4K, 16K and 64K, as a 4K arm64 guest's type1
 * reports [0, 0x7ffffff], [0x8100000, 2^48 - 1] and 0x40201000.
 */
static void smmuv3_host(struct hg_group_geom *geom)
{
	static const struct hg_range r[] = {
		{ 0, 0x7ffffff }, { 0x8100000, (UINT64_C(1) << 48) - 1 },
	};
	struct hg_hw_info_smmuv3 info = {
		.idr = { 0xd44101a, 0x2730010, 0, 0x1404, 0, 0x74 },
	};

	set_ranges(&geom->type1.iova, r, 2);
	set_ranges(&geom->iommufd.iova, r, 2);
	geom->type1.pgsizes = 0x40201000;
	geom->iommufd.have_hw_info = true;
	geom->iommufd.hw_type = HG_HW_INFO_TYPE_ARM_SMMUV3;
	hg_smmuv3_decode(&info, &geom->iommufd.smmuv3);
}

TEST_F(check, smmuv3_hw_info_agrees)
{
	self->resv[0] = (struct hg_resv){ 0x8000000, 0x80fffff, HG_RESV_MSI };
	smmuv3_host(&self->geom);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_TRUE(self->out.hw_checked);
	EXPECT_EQ(48, self->out.hw_bits);
	EXPECT_STREQ("", self->out.hw_disagrees);
	EXPECT_TRUE(hg_group_agrees(&self->out));
}

TEST_F(check, smmuv3_hw_info_range_above)
{
	static const struct hg_range wide[] = {
		{ 0, 0x7ffffff }, { 0x8100000, (UINT64_C(1) << 52) - 1 },
	};

	self->resv[0] = (struct hg_resv){ 0x8000000, 0x80fffff, HG_RESV_MSI };
	smmuv3_host(&self->geom);
	set_ranges(&self->geom.type1.iova, wide, 2);
	set_ranges(&self->geom.iommufd.iova, wide, 2);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_NE(NULL, strstr(self->out.hw_disagrees,
			       "type1 maps up to 0xfffffffffffff, above the 48 address bits"));
	EXPECT_FALSE(hg_group_agrees(&self->out));
}

TEST_F(check, smmuv3_hw_info_pgsizes)
{
	struct hg_hw_info_smmuv3 info = { .idr = { 0xd44101a, 0, 0, 0, 0,
						   0x45 } };	/* 64K only */
	json_object *obj;

	self->resv[0] = (struct hg_resv){ 0x8000000, 0x80fffff, HG_RESV_MSI };
	smmuv3_host(&self->geom);
	hg_smmuv3_decode(&info, &self->geom.iommufd.smmuv3);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_NE(NULL, strstr(self->out.hw_disagrees,
			       "type1 page sizes 0x40201000 include 0x40201000"));
	EXPECT_FALSE(hg_group_agrees(&self->out));
	obj = CLI_PRINT_JSON(check_print_group(&self->out, &self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_FALSE(json_object_get_boolean(json_get(obj, "hw_info.agree")));
	EXPECT_EQ(48, json_object_get_int(json_get(obj, "hw_info.aw_bits")));
	EXPECT_FALSE(json_object_get_boolean(json_get(obj, "agree")));
	json_object_put(obj);
}

TEST_F(check, amd_hw_info_bound)
{
	/* a v2 table's range on PASID 0: 2^56 - 1 (7.3's amd iommu.c) */
	static const struct hg_range wide56[] = {
		{ 0, (UINT64_C(1) << 56) - 1 },
	};

	/* HATS 0: four levels, 48 bits; the VT-d-like ranges fit */
	self->geom.iommufd.have_hw_info = true;
	self->geom.iommufd.hw_type = HG_HW_INFO_TYPE_AMD;
	hg_amd_decode(0, 0, &self->geom.iommufd.amd);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(48, self->out.hw_bits);
	EXPECT_EQ(0, self->out.hw_pgsizes);	/* AMD's are not checked */
	EXPECT_TRUE(hg_group_agrees(&self->out));
	/*
	 * HATS 0, GATS 1: with amd_iommu=pgtbl_v2 the guest table's 57 bits
	 * are the bound; a range above 48 bits is no disagreement
	 */
	hg_group_check_free(&self->out);
	set_ranges(&self->geom.type1.iova, wide56, 1);
	set_ranges(&self->geom.iommufd.iova, wide56, 1);
	hg_amd_decode(1u << 12 | 1u << 4, 0, &self->geom.iommufd.amd);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(57, self->out.hw_bits);
	EXPECT_STREQ("", self->out.hw_disagrees);
	/* GATS 0: four guest levels too; 56 bits are above the bound */
	hg_group_check_free(&self->out);
	hg_amd_decode(1u << 4, 0, &self->geom.iommufd.amd);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_EQ(48, self->out.hw_bits);
	EXPECT_NE(NULL, strstr(self->out.hw_disagrees,
			       "above the 48 address bits"));
	/* HATS 3 (reserved): no width to check against */
	hg_group_check_free(&self->out);
	hg_amd_decode(3u << 10, 0, &self->geom.iommufd.amd);
	ASSERT_EQ(0, hg_group_check(&self->geom, &self->out, &self->err));
	EXPECT_FALSE(self->out.hw_checked);
}

TEST_F(check, json_smmuv3_amd)
{
	struct hg_hw_info_smmuv3 info = { .idr = { 0x1a, 0, 0, 0, 0,
						   0x74 | 2u << 10 } };
	json_object *obj, *rsv;
	char *text;

	smmuv3_host(&self->geom);
	obj = CLI_PRINT_JSON(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("arm-smmuv3", json_object_get_string(
			     json_get(obj, "iommufd.hw_info.type")));
	EXPECT_EQ(44, json_object_get_int(
			  json_get(obj, "iommufd.hw_info.smmuv3.oas_bits")));
	EXPECT_EQ(48, json_object_get_int(
			  json_get(obj, "iommufd.hw_info.smmuv3.va_bits")));
	EXPECT_STREQ("aarch64", json_object_get_string(
			     json_get(obj, "iommufd.hw_info.smmuv3.ttf")));
	EXPECT_EQ(16, json_object_get_int(
			  json_get(obj, "iommufd.hw_info.smmuv3.sid_bits")));
	EXPECT_STREQ("4K 16K 64K 2M 32M 512M 1G", json_object_get_string(
			     json_get(obj, "iommufd.hw_info.smmuv3.pgsizes_human")));
	EXPECT_EQ(NULL, json_get(obj, "iommufd.hw_info.vtd"));
	json_object_put(obj);

	/* VAX 2 is reserved: va_bits null, the raw value kept, marked */
	hg_smmuv3_decode(&info, &self->geom.iommufd.smmuv3);
	obj = CLI_PRINT_JSON(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(NULL, json_get(obj, "iommufd.hw_info.smmuv3.va_bits"));
	EXPECT_EQ(2, json_object_get_int(
			 json_get(obj, "iommufd.hw_info.smmuv3.va_bits_raw")));
	rsv = json_get(obj, "iommufd.hw_info.smmuv3.reserved");
	ASSERT_EQ(1, json_object_array_length(rsv));
	EXPECT_STREQ("vax", json_object_get_string(
			     json_object_array_get_idx(rsv, 0)));
	json_object_put(obj);
	text = CLI_PRINT_TEXT(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, " vax raw 2 (reserved)"));
	free(text);

	/* OAS 7 is reserved: oas_bits null, the raw value kept, marked */
	info.idr[5] = 0x77;
	hg_smmuv3_decode(&info, &self->geom.iommufd.smmuv3);
	obj = CLI_PRINT_JSON(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_EQ(NULL, json_get(obj, "iommufd.hw_info.smmuv3.oas_bits"));
	EXPECT_EQ(7, json_object_get_int(
			 json_get(obj, "iommufd.hw_info.smmuv3.oas_raw")));
	rsv = json_get(obj, "iommufd.hw_info.smmuv3.reserved");
	ASSERT_EQ(1, json_object_array_length(rsv));
	EXPECT_STREQ("oas", json_object_get_string(
			     json_object_array_get_idx(rsv, 0)));
	json_object_put(obj);
	text = CLI_PRINT_TEXT(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "\toas raw 7 (reserved) va 48 bits"));
	free(text);

	/* QEMU's AMD: GATS 2 is reserved, HATS 2 six levels */
	self->geom.iommufd.hw_type = HG_HW_INFO_TYPE_AMD;
	hg_amd_decode(0x29d3, 0, &self->geom.iommufd.amd);
	obj = CLI_PRINT_JSON(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("amd", json_object_get_string(
			     json_get(obj, "iommufd.hw_info.type")));
	EXPECT_EQ(6, json_object_get_int(
			 json_get(obj, "iommufd.hw_info.amd.host_levels")));
	EXPECT_EQ(NULL, json_get(obj, "iommufd.hw_info.amd.guest_levels"));
	EXPECT_EQ(NULL, json_get(obj, "iommufd.hw_info.amd.guest_va_bits"));
	EXPECT_EQ(2, json_object_get_int(
			 json_get(obj, "iommufd.hw_info.amd.guest_levels_raw")));
	rsv = json_get(obj, "iommufd.hw_info.amd.reserved");
	ASSERT_EQ(1, json_object_array_length(rsv));
	EXPECT_STREQ("gats", json_object_get_string(
			     json_object_array_get_idx(rsv, 0)));
	json_object_put(obj);
	text = CLI_PRINT_TEXT(ranges_print_group(&self->geom));
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "amd efr 0x29d3 efr2 0x0 host-levels 6 (64 bits) gats raw 2 (reserved)"));
	free(text);
}

TEST_HARNESS_MAIN
