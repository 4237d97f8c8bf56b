/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU hardware unit behind a device, as sysfs shows it
 * (/sys/class/iommu/NAME), and the address width it supports: a geometry
 * source that needs neither root nor a device bound to vfio-pci.
 */
#ifndef HOSTGEOM_IOMMU_UNIT_H
#define HOSTGEOM_IOMMU_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>

/* "dmar0", "ivhd0", ... for @dev (a sysfs device name); -ENOENT if none. */
int hg_iommu_unit_of(const struct hg_ctx *ctx, const char *dev, char *unit,
		     size_t len, struct hg_err *err);

/*
 * Address width and page sizes of an Intel VT-d unit from its cap
 * register: the smaller of MGAW and the widest supported AGAW, as the
 * intel-iommu driver sizes a DMA domain. -EOPNOTSUPP for other vendors,
 * whose sysfs does not say it.
 */
int hg_iommu_unit_width(const struct hg_ctx *ctx, const char *unit,
			unsigned int *aw_bits, uint64_t *pgsizes,
			struct hg_err *err);

#endif
