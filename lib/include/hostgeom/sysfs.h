/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU groups as sysfs shows them: /sys/kernel/iommu_groups/N/{type,
 * reserved_regions,devices/} (lib/sysfs/walk.c, lib/sysfs/member.c). The
 * root is a parameter so that tests can point the reader at a synthetic
 * tree.
 */
#ifndef HOSTGEOM_SYSFS_H
#define HOSTGEOM_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/resv.h>

struct hg_device {
	char name[64];		/* sysfs name: a PCI BDF "0000:00:01.0" or other */
	bool is_pci;
	uint16_t vendor, device;	/* PCI only */
	uint32_t class_code;		/* PCI only, 24 bits */
	char driver[64];	/* bound driver, "" when none */
	char vfio_cdev[32];	/* "vfio0" when the iommufd cdev exists, else "" */
};

struct hg_group {
	unsigned int id;
	char type[24];		/* blocked|identity|unmanaged|DMA|DMA-FQ|unknown,
				 * other names verbatim, "" without a type file */
	struct hg_device *members;
	size_t n_members;
	struct hg_resv *resv;
	size_t n_resv;
};

struct hg_topology {
	struct hg_group *groups;	/* sorted by id */
	size_t n_groups;
};

/*
 * Reads every group under SYSFS/kernel/iommu_groups. A machine without an
 * IOMMU has no such directory: that is 0 groups, not an error. Malformed
 * files fail with -EINVAL and a message naming the file and line; so do
 * names (group types, devices, drivers, cdevs) with bytes other than
 * printable ASCII. A symlink or anything but a regular file where sysfs
 * has an attribute fails at once (-ELOOP, -EMEDIUMTYPE), never blocking,
 * and so does a file larger than sysfs writes (-EFBIG). The error's kind
 * is HG_ERR_NOT_SYSFS for all of these.
 * Directory entries that are not canonical decimal numbers are not groups.
 * A device's driver and PCI identity come from its uevent file, or, when
 * there is none (hand-made trees), from its driver link and its vendor,
 * device and class files (the subsystem link, where there is one, must be
 * pci). Large hosts are read by several threads; the result, and the error
 * (the first bad group by id), are those of a sequential read.
 */
int hg_sysfs_read_topology(const struct hg_ctx *ctx, struct hg_topology *out,
			   struct hg_err *err);
/* True when SYSFS/kernel/iommu_groups exists. */
bool hg_sysfs_has_iommu(const struct hg_ctx *ctx);
/* True when SYSFS/kernel/iommu_groups exists. */
bool hg_sysfs_has_iommu(const struct hg_ctx *ctx);
void hg_topology_free(struct hg_topology *topo);

const struct hg_group *hg_topology_group(const struct hg_topology *topo,
					 unsigned int id);
/* The group that holds device @name (a BDF, "00:01.0" short form accepted). */
const struct hg_group *hg_topology_find_device(const struct hg_topology *topo,
					       const char *name,
					       const struct hg_device **dev);

#endif
