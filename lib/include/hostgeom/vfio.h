/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO type1: what VFIO_IOMMU_GET_INFO says a container of one or more
 * groups can map.
 */
#ifndef HOSTGEOM_VFIO_H
#define HOSTGEOM_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/range.h>
#include <hostgeom/sysfs.h>

struct hg_type1_info {
	uint64_t pgsizes;		/* iova_pgsizes bitmap */
	bool have_iova_ranges;		/* VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE */
	struct hg_ranges iova;		/* inclusive, as the kernel reported */
	bool have_dma_avail;		/* VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL */
	uint32_t dma_avail;
	bool have_migration;		/* VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION */
	uint32_t mig_flags;
	uint64_t mig_pgsize_bitmap;
	uint64_t mig_max_dirty_bitmap_size;
};

void hg_type1_info_free(struct hg_type1_info *info);

/*
 * Walks the capability chain of a VFIO_IOMMU_GET_INFO answer of @len bytes
 * (the struct vfio_iommu_type1_info and what follows). Fails with -EPROTO
 * and a message on offsets that loop, point backwards into the fixed part
 * or outside @len, or capabilities that do not fit.
 */
int hg_type1_parse_info(const void *buf, size_t len, struct hg_type1_info *out,
			struct hg_err *err);

/*
 * Opens a type1 container holding groups @ids, asks VFIO_IOMMU_GET_INFO
 * (growing the buffer as the kernel asks, a bounded number of times) and
 * closes everything again. Errors name the cause: no /dev/vfio/vfio (module
 * not loaded), group not viable (lists members not bound to vfio-pci),
 * EBUSY (group in use), EPERM on VFIO_SET_IOMMU (no interrupt remapping:
 * allow_unsafe_interrupts), not root.
 */
int hg_type1_query(const struct hg_ctx *ctx, const unsigned int *ids,
		   size_t n_ids, struct hg_type1_info *out, struct hg_err *err);

/*
 * Opens DEV/<@fmt ...> read-write (DEV: the context's /dev). Returns the
 * fd, or -errno with @path (@len bytes) naming the node; callers give the
 * errors they know a cause for their own message and the others to
 * hg_vfio_open_error() ("run as root" for EACCES).
 */
int hg_vfio_open(const struct hg_ctx *ctx, char *path, size_t len,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int hg_vfio_open_error(const char *path, int code, struct hg_err *err);

/*
 * Whether VFIO would accept the group: at least one member bound to a vfio
 * driver and every other member driverless or bound to a driver that
 * leaves DMA to VFIO (pcieport, pci-stub). When not, @why (if given) names
 * the members in the way, or says that no member is vfio-bound.
 */
bool hg_group_vfio_ready(const struct hg_group *group, char *why,
			 size_t len);
/*
 * The same, sized: writes @why as snprintf would and returns the length
 * the whole reason needs (every member in the way), 0 when VFIO would
 * accept the group.
 */
size_t hg_group_vfio_why(const struct hg_group *group, char *why, size_t len);

/* The vfio-bound members of @group (the devices iommufd attaches). */
size_t hg_group_vfio_members(const struct hg_group *group,
			     const char **names, size_t max);

#endif
