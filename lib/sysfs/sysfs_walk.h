/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The group walk's internals, shared by walk.c (groups, threads)
 * and member.c (one member device). Library-internal.
 */
#ifndef HOSTGEOM_LIB_SYSFS_WALK_H
#define HOSTGEOM_LIB_SYSFS_WALK_H

#include <stddef.h>

#include <hostgeom/err.h>
#include <hostgeom/sysfs.h>

#define HG_GROUPS_DIR "kernel/iommu_groups"

/* Where the walk is, for messages. */
struct hg_walk {
	const char *root;
	int groups_fd;
	struct hg_err *err;
	const char *group;	/* the group directory's name */
};

/* "ROOT/kernel/iommu_groups/N[/devices/DEV][/FILE]: WHAT" into the walk's err. */
int hg_walk_error(const struct hg_walk *w, int code, const char *dev,
		  const char *file, const char *what);

/*
 * Member @d->name of the group's devices/ directory @devs_fd: its driver,
 * PCI identity and vfio cdev.
 */
int hg_walk_read_device(const struct hg_walk *w, int devs_fd,
			struct hg_device *d);

#endif
