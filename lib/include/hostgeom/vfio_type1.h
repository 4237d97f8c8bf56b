/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFIO type1: what VFIO_IOMMU_GET_INFO says a container of one or more
 * groups can map (lib/vfio/type1.c), and its capability chain parsed
 * (lib/vfio/caps.c).
 */
#ifndef HOSTGEOM_VFIO_TYPE1_H
#define HOSTGEOM_VFIO_TYPE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/range.h>

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

#endif
