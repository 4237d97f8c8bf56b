/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which groups to ask, asking VFIO type1 and iommufd about each, and
 * comparing their answers with what sysfs implies: the logic behind
 * "hostgeom ranges" and "hostgeom check".
 */
#ifndef HOSTGEOM_QUERY_H
#define HOSTGEOM_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/geometry.h>
#include <hostgeom/iommufd.h>
#include <hostgeom/range.h>
#include <hostgeom/sysfs.h>
#include <hostgeom/vfio.h>

enum {
	HG_BACKEND_TYPE1 = 1 << 0,
	HG_BACKEND_IOMMUFD = 1 << 1,
	HG_BACKEND_ALL = HG_BACKEND_TYPE1 | HG_BACKEND_IOMMUFD,
};

/* "type1", "iommufd" or "all" into a HG_BACKEND_* mask; -EINVAL else. */
int hg_backend_parse(const char *name, unsigned int *mask,
		     struct hg_err *err);

enum hg_status {
	HG_STATUS_NOT_ASKED,	/* backend not requested */
	HG_STATUS_OK,
	HG_STATUS_UNAVAILABLE,	/* this kernel lacks it: not a failure */
	HG_STATUS_FAILED,
};

/* "not-asked", "ok", "unavailable", "failed" */
const char *hg_status_name(enum hg_status status);

struct hg_group_geom {
	const struct hg_group *group;	/* points into hg_geom_query.topo */
	enum hg_status type1_status;
	struct hg_err type1_err;	/* why, unless OK or NOT_ASKED */
	struct hg_type1_info type1;
	enum hg_status iommufd_status;
	struct hg_err iommufd_err;
	struct hg_iommufd_info iommufd;
};

struct hg_group_skip {
	unsigned int id;
	char *reason;		/* whole, however many members it names */
};

struct hg_geom_query {
	struct hg_topology topo;
	struct hg_group_geom *groups;	/* in the order asked, or by id */
	size_t n_groups;
	struct hg_group_skip *skipped;	/* only when no group was named */
	size_t n_skipped;
};

/* The group @arg names: a group number, or a device in it (short BDF ok). */
int hg_resolve_group(const struct hg_topology *topo, const char *arg,
		     const struct hg_group **group, struct hg_err *err);

/*
 * Reads the topology and asks @backends about each group named in @args
 * (group numbers or device names, duplicates folded), or, without @args,
 * about every group hg_group_vfio_ready() accepts (the others land in
 * skipped with the reason). A backend's failure is recorded in the group,
 * not returned: the return value is for unusable arguments and sysfs
 * errors only.
 */
int hg_geom_query(const struct hg_ctx *ctx, char *const *args, size_t n_args,
		  unsigned int backends, struct hg_geom_query *out,
		  struct hg_err *err);
void hg_geom_query_free(struct hg_geom_query *query);
/* Groups for which at least one backend answered. */
size_t hg_geom_answered(const struct hg_geom_query *query);

/*
 * "4K 2M 1G" for a page-size bitmap; a run of more than four consecutive
 * sizes is written "4K-256G", or "4K+" when it goes up to 2^63
 * (virtio-iommu's 0xfffffffffffff000).
 * "none" for 0. Returns what snprintf would.
 */
int hg_pgsizes_human(uint64_t pgsizes, char *buf, size_t len);

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
