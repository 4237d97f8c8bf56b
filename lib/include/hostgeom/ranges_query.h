/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which groups to ask, and asking VFIO type1 and iommufd about each
 * (lib/vfio/ranges_query.c): the logic behind "hostgeom ranges".
 */
#ifndef HOSTGEOM_RANGES_QUERY_H
#define HOSTGEOM_RANGES_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/iommufd.h>
#include <hostgeom/sysfs.h>
#include <hostgeom/vfio_type1.h>

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

#endif
