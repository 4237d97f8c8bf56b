/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether PCI devices a user named may be taken from their drivers on a
 * real host: they exist, are PCI, are not what keeps the machine running
 * (the boot disk's controller, the only network device), share their
 * IOMMU group with nothing else in use, and no process holds them.
 */
#ifndef HOSTGEOM_HOST_SAFETY_H
#define HOSTGEOM_HOST_SAFETY_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>

/* Room for the longest PCI address, an 8-digit domain's, and its NUL. */
#define HG_HOST_BDF_LEN 17

/*
 * Parses a PCI address, [DDDD:]BB:DD.F in either case, into @out (at
 * least HG_HOST_BDF_LEN bytes) in the sysfs form (DDDD:BB:DD.F, lower
 * case); -EINVAL when @name is not one. The domain has 4 to 8 hex digits
 * as hg_bdf_valid() takes them (VMD's have 5), the device 00 to 1f.
 */
int hg_host_parse_bdf(const char *name, char *out, size_t len);

/*
 * Checks the @n devices @names as a set, in this order, and returns at
 * the first problem, named in @err:
 *   -EINVAL   not a PCI address (a network interface or a disk is named
 *             as what it is)
 *   -ENOENT   no such PCI device
 *   -EPERM    the controller (or a bridge above it) of the disk holding
 *             /, or the device of every network interface: only when
 *             @force is false
 *   -EBUSY    a process holds its VFIO group or device file
 *   -ENODEV   it has no IOMMU group (no IOMMU, or none covers it)
 *   -EXDEV    its group has members that were not named and are bound to
 *             a driver other than VFIO's, the kit's stub or a bridge's
 * @proc is the procfs root (NULL: /proc), read for the mounts and the
 * open files; sysfs is @ctx's.
 */
int hg_host_check_devices(const struct hg_ctx *ctx, const char *proc,
			  const char *const *names, size_t n, bool force,
			  struct hg_err *err);

#endif
