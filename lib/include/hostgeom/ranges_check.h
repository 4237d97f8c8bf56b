/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing the backends' answers with what sysfs implies
 * (lib/vfio/ranges_check.c): the logic behind "hostgeom check".
 */
#ifndef HOSTGEOM_RANGES_CHECK_H
#define HOSTGEOM_RANGES_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/err.h>
#include <hostgeom/geometry.h>
#include <hostgeom/range.h>
#include <hostgeom/ranges_query.h>

enum hg_source {
	HG_SRC_SYSFS,
	HG_SRC_TYPE1,
	HG_SRC_IOMMUFD,
	HG_SRC_COUNT,
};

/* "sysfs", "type1", "iommufd" */
const char *hg_source_name(enum hg_source src);

struct hg_compare {
	enum hg_source a, b;
	struct hg_diff *diffs;		/* usable in one and not the other */
	size_t n_diffs;
};

struct hg_group_check {
	unsigned int id;
	unsigned int aw_bits;		/* width for the sysfs set, 0: unknown */
	const char *aw_source;		/* "type1", "iommufd", "vt-d" or NULL */
	bool have[HG_SRC_COUNT];
	enum hg_status status[HG_SRC_COUNT];	/* OK exactly when have */
	struct hg_ranges usable[HG_SRC_COUNT];
	char why_not[HG_SRC_COUNT][512];	/* when !have */
	struct hg_compare cmp[HG_SRC_COUNT];	/* every pair that exists */
	size_t n_cmp;
	/*
	 * Members iommufd did not attach (not vfio-bound): their reserved
	 * regions are in the group's sysfs file and type1's answer, but
	 * iommufd excludes only those of attached devices.
	 */
	char unattached[256];
	/*
	 * The IOMMU's own report (iommufd's IOMMU_GET_HW_INFO) against the
	 * backends: no range above 2^hw_bits - 1, type1's page sizes among
	 * those its tables have. hw_disagrees names the first mismatch.
	 */
	bool hw_checked;
	unsigned int hw_bits;
	uint64_t hw_pgsizes;
	char hw_disagrees[256];
};

/*
 * The sysfs-implied usable set of @geom's group (the complement of its
 * non-relaxable reserved regions within [0, 2^aw - 1], aw taken from
 * type1's or iommufd's highest range, else the VT-d MGAW) against type1
 * and iommufd, pairwise.
 */
int hg_group_check(const struct hg_group_geom *geom,
		   struct hg_group_check *out, struct hg_err *err);
void hg_group_check_free(struct hg_group_check *check);
/* At least two sources existed, so something was compared. */
bool hg_group_checked(const struct hg_group_check *check);
bool hg_group_agrees(const struct hg_group_check *check);

#endif
