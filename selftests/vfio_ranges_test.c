// SPDX-License-Identifier: GPL-2.0
/*
 * The real thing: asks this machine's VFIO type1 and iommufd for the IOVA
 * ranges of a group of vfio-pci devices, and checks what they say against
 * each other, against sysfs, and against what the caller knows to be true.
 * Meant for the test VMs (the host has no IOMMU); skips cleanly anywhere
 * without a vfio-pci device. Needs root.
 *
 * Environment:
 *   HOSTGEOM_TEST_GROUP      the group (number or device name) to use;
 *                            default: the first one hostgeom would pick
 *   HOSTGEOM_EXPECT_RANGES   e.g. "0x0-0xfedfffff,0xfef00000-0x7fffffffff"
 *   HOSTGEOM_EXPECT_PGSIZES  type1's bitmap, e.g. 0x40201000
 *   HOSTGEOM_EXPECT_AW       the address width, e.g. 39
 *   HOSTGEOM_EXPECT_HW_INFO  iommufd's IOMMU_GET_HW_INFO: the unit's type
 *                            and registers, e.g. "amd:efr=0x29d3,efr2=0x0",
 *                            "smmuv3:idr0=0xd44101a,idr5=0x74" or "vtd"
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>

#include <hostgeom/geometry.h>
#include <hostgeom/ranges_query.h>

#include "kselftest_harness.h"
#include "host_devices.h"

FIXTURE(vfio_ranges) {
	struct hg_geom_query q;
	const struct hg_group_geom *g;
	const struct hg_ranges *ranges;	/* the variant's backend's */
	const struct hg_ranges *other;	/* the other backend's, or NULL */
	char other_why[512];
	uint64_t align;
};

FIXTURE_VARIANT(vfio_ranges) {
	unsigned int backend;
};

FIXTURE_VARIANT_ADD(vfio_ranges, type1) {
	.backend = HG_BACKEND_TYPE1,
};

FIXTURE_VARIANT_ADD(vfio_ranges, iommufd) {
	.backend = HG_BACKEND_IOMMUFD,
};

/* Both backends are asked in every variant, so that they can be compared. */
FIXTURE_SETUP(vfio_ranges)
{
	char *arg = getenv("HOSTGEOM_TEST_GROUP");
	enum hg_status mine, theirs;
	const struct hg_err *why, *other_why;
	struct hg_err err = { 0 };
	const struct hg_group_geom *g;
	bool type1 = variant->backend == HG_BACKEND_TYPE1;
	int ret;

	ret = hg_geom_query(NULL, arg ? &arg : NULL, arg ? 1 : 0,
			    HG_BACKEND_ALL, &self->q, &err);
	if (ret == -ENOENT && !arg)
		SKIP(return, "%s", err.msg);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s", err.msg);
	}
	if (!self->q.n_groups) {
		hg_geom_query_free(&self->q);
		SKIP(return, "no vfio-pci device: no group has a vfio-pci member and no member bound to another driver");
	}
	g = self->g = &self->q.groups[0];
	mine = type1 ? g->type1_status : g->iommufd_status;
	theirs = type1 ? g->iommufd_status : g->type1_status;
	why = type1 ? &g->type1_err : &g->iommufd_err;
	other_why = type1 ? &g->iommufd_err : &g->type1_err;
	if (mine == HG_STATUS_UNAVAILABLE ||
	    (mine == HG_STATUS_FAILED && why->code == -EACCES)) {
		char reason[512];

		snprintf(reason, sizeof(reason), "%s", why->msg);
		hg_geom_query_free(&self->q);
		SKIP(return, "group %s: %s", arg ? arg : "", reason);
	}
	ASSERT_EQ(HG_STATUS_OK, mine) {
		TH_LOG("group %u: %s", g->group->id, why->msg);
	}
	if (type1) {
		ASSERT_TRUE(g->type1.have_iova_ranges);
		self->ranges = &g->type1.iova;
		self->align = hg_min_pgsize(g->type1.pgsizes);
	} else {
		self->ranges = &g->iommufd.iova;
		self->align = g->iommufd.iova_alignment;
	}
	if (theirs == HG_STATUS_OK && (type1 || g->type1.have_iova_ranges))
		self->other = type1 ? &g->iommufd.iova : &g->type1.iova;
	else
		snprintf(self->other_why, sizeof(self->other_why), "%s",
			 theirs == HG_STATUS_OK ? "type1 gave no IOVA ranges"
						: other_why->msg);
}

FIXTURE_TEARDOWN(vfio_ranges)
{
	hg_geom_query_free(&self->q);
}

/* "A-B,C-D" (inclusive ends, any base strtoull takes) into @out. */
static int parse_ranges(const char *text, struct hg_ranges *out)
{
	unsigned long long start, last;
	const char *p = text;
	char *end;

	while (*p) {
		errno = 0;
		start = strtoull(p, &end, 0);
		if (errno || end == p || *end != '-')
			return -EINVAL;
		p = end + 1;
		last = strtoull(p, &end, 0);
		if (errno || end == p || (*end && *end != ','))
			return -EINVAL;
		if (hg_ranges_add(out, start, last))
			return -EINVAL;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static void log_ranges(struct __test_metadata *_metadata, const char *what,
		       const struct hg_ranges *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		TH_LOG("%s [0x%llx, 0x%llx]", what,
		       (unsigned long long)set->v[i].start,
		       (unsigned long long)set->v[i].end);
}

TEST_F(vfio_ranges, not_empty)
{
	EXPECT_LT(0, self->ranges->n);
}

TEST_F(vfio_ranges, sorted_and_disjoint)
{
	const struct hg_range *v = self->ranges->v;
	size_t i;

	for (i = 0; i < self->ranges->n; i++) {
		EXPECT_LE(v[i].start, v[i].end);
		if (!i)
			continue;
		EXPECT_LT(v[i - 1].end, v[i].start) {
			log_ranges(_metadata, "got", self->ranges);
		}
	}
}

TEST_F(vfio_ranges, aligned_to_min_page)
{
	const struct hg_range *v = self->ranges->v;
	uint64_t a = self->align;
	size_t i;

	ASSERT_NE(0, a);
	ASSERT_EQ(0, a & (a - 1));	/* a power of two */
	for (i = 0; i < self->ranges->n; i++) {
		EXPECT_EQ(0, v[i].start & (a - 1));
		if (v[i].end == UINT64_MAX)
			continue;
		EXPECT_EQ(0, (v[i].end + 1) & (a - 1));
	}
}

/* [0, 2^aw - 1] minus the group's reserved regions, as sysfs lists them. */
TEST_F(vfio_ranges, match_sysfs)
{
	struct hg_ranges usable = HG_RANGES_INIT;
	const struct hg_group *group = self->g->group;

	ASSERT_EQ(0, hg_usable_from_resv(group->resv, group->n_resv,
					 hg_aw_bits_of(self->ranges), &usable));
	EXPECT_TRUE(hg_ranges_equal(&usable, self->ranges)) {
		log_ranges(_metadata, "sysfs", &usable);
		log_ranges(_metadata, "backend", self->ranges);
	}
	hg_ranges_free(&usable);
}

TEST_F(vfio_ranges, backends_agree)
{
	if (!self->other)
		SKIP(return, "other backend: %s", self->other_why);
	EXPECT_TRUE(hg_ranges_equal(self->ranges, self->other)) {
		log_ranges(_metadata, "this", self->ranges);
		log_ranges(_metadata, "other", self->other);
	}
}

TEST_F(vfio_ranges, match_expected)
{
	const char *text = getenv("HOSTGEOM_EXPECT_RANGES");
	struct hg_ranges want = HG_RANGES_INIT;

	if (!text)
		SKIP(return, "HOSTGEOM_EXPECT_RANGES not set");
	ASSERT_EQ(0, parse_ranges(text, &want)) {
		TH_LOG("HOSTGEOM_EXPECT_RANGES='%s' is not A-B,C-D,...", text);
	}
	EXPECT_TRUE(hg_ranges_equal(&want, self->ranges)) {
		log_ranges(_metadata, "want", &want);
		log_ranges(_metadata, "got", self->ranges);
	}
	hg_ranges_free(&want);
}

/* type1 reports the bitmap; iommufd its smallest size as alignment. */
TEST_F(vfio_ranges, match_expected_pgsizes)
{
	const char *text = getenv("HOSTGEOM_EXPECT_PGSIZES");
	uint64_t want;
	char *end;

	if (!text)
		SKIP(return, "HOSTGEOM_EXPECT_PGSIZES not set");
	want = strtoull(text, &end, 0);
	ASSERT_EQ('\0', *end);
	if (variant->backend == HG_BACKEND_TYPE1) {
		EXPECT_EQ(want, self->g->type1.pgsizes);
	} else {
		EXPECT_EQ(hg_min_pgsize(want), self->align);
	}
}

TEST_F(vfio_ranges, match_expected_aw_bits)
{
	const char *text = getenv("HOSTGEOM_EXPECT_AW");

	if (!text)
		SKIP(return, "HOSTGEOM_EXPECT_AW not set");
	EXPECT_EQ(strtoul(text, NULL, 10), hg_aw_bits_of(self->ranges));
}

/* The register NAME of @info, for HOSTGEOM_EXPECT_HW_INFO; -1 unknown. */
static int hw_register(const struct hg_iommufd_info *info, const char *name,
		       uint64_t *value)
{
	unsigned int n;

	if (info->hw_type == HG_HW_INFO_TYPE_AMD) {
		if (!strcmp(name, "efr"))
			*value = info->amd.efr;
		else if (!strcmp(name, "efr2"))
			*value = info->amd.efr2;
		else
			return -1;
		return 0;
	}
	if (info->hw_type == HG_HW_INFO_TYPE_ARM_SMMUV3 &&
	    sscanf(name, "idr%u", &n) == 1 && n < 6) {
		*value = info->smmuv3.idr[n];
		return 0;
	}
	return -1;
}

/* The unit iommufd describes is the one the row's QEMU emulates. */
TEST_F(vfio_ranges, match_expected_hw_info)
{
	static const struct { const char *name; uint32_t type; } types[] = {
		{ "vtd", IOMMU_HW_INFO_TYPE_INTEL_VTD },
		{ "smmuv3", HG_HW_INFO_TYPE_ARM_SMMUV3 },
		{ "amd", HG_HW_INFO_TYPE_AMD },
	};
	const char *text = getenv("HOSTGEOM_EXPECT_HW_INFO");
	const struct hg_iommufd_info *info = &self->g->iommufd;
	char spec[256], *regs, *item, *save;
	uint64_t want, got;
	size_t i;

	if (!text)
		SKIP(return, "HOSTGEOM_EXPECT_HW_INFO not set");
	if (variant->backend != HG_BACKEND_IOMMUFD)
		SKIP(return, "IOMMU_GET_HW_INFO is iommufd's");
	snprintf(spec, sizeof(spec), "%s", text);
	regs = strchr(spec, ':');
	if (regs)
		*regs++ = '\0';
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(spec, types[i].name))
			break;
	ASSERT_LT(i, sizeof(types) / sizeof(types[0])) {
		TH_LOG("HOSTGEOM_EXPECT_HW_INFO='%s': the type is vtd, smmuv3 or amd", text);
	}
	ASSERT_TRUE(info->have_hw_info) {
		TH_LOG("iommufd gave no IOMMU_GET_HW_INFO; %s expected", spec);
	}
	ASSERT_EQ(types[i].type, info->hw_type);
	for (item = regs ? strtok_r(regs, ",", &save) : NULL; item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		ASSERT_NE(NULL, eq) {
			TH_LOG("HOSTGEOM_EXPECT_HW_INFO='%s': %s is not REGISTER=VALUE", text, item);
		}
		*eq = '\0';
		want = strtoull(eq + 1, NULL, 0);
		ASSERT_EQ(0, hw_register(info, item, &got)) {
			TH_LOG("HOSTGEOM_EXPECT_HW_INFO='%s': no register %s in a %s report", text, item, spec);
		}
		EXPECT_EQ(want, got) {
			TH_LOG("%s: 0x%" PRIx64 ", expected 0x%" PRIx64, item, got, want);
		}
	}
}

/* Everything was closed: asking again works and gives the same answer. */
TEST_F(vfio_ranges, repeatable)
{
	struct hg_geom_query again;
	struct hg_err err = { 0 };
	char arg[16];
	char *args[] = { arg };
	const struct hg_group_geom *g;

	snprintf(arg, sizeof(arg), "%u", self->g->group->id);
	ASSERT_EQ(0, hg_geom_query(NULL, args, 1, variant->backend, &again,
				   &err));
	g = &again.groups[0];
	if (variant->backend == HG_BACKEND_TYPE1) {
		EXPECT_EQ(HG_STATUS_OK, g->type1_status) {
			TH_LOG("%s", g->type1_err.msg);
		}
		EXPECT_TRUE(hg_ranges_equal(self->ranges, &g->type1.iova));
	} else {
		EXPECT_EQ(HG_STATUS_OK, g->iommufd_status) {
			TH_LOG("%s", g->iommufd_err.msg);
		}
		EXPECT_TRUE(hg_ranges_equal(self->ranges, &g->iommufd.iova));
	}
	hg_geom_query_free(&again);
}

HOST_DEVICES_MAIN("vfio-pci", false)
