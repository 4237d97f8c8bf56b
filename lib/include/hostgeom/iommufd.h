/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd: the IOVA ranges of an IOAS with devices attached, and the
 * vendor's hardware information.
 */
#ifndef HOSTGEOM_IOMMUFD_H
#define HOSTGEOM_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>
#include <hostgeom/hw_info.h>
#include <hostgeom/range.h>
#include <hostgeom/vtd.h>

struct hg_iommufd_info {
	struct hg_ranges iova;		/* inclusive */
	uint64_t iova_alignment;	/* out_iova_alignment */
	bool have_hw_info;
	uint32_t hw_type;		/* enum iommu_hw_info_type */
	uint64_t hw_caps;		/* out_capabilities: IOMMU_HW_CAP_* */
	unsigned int max_pasid_log2;	/* 0: no PASID */
	struct hg_vtd_caps vtd;		/* when hw_type is Intel VT-d */
	struct hg_smmuv3_caps smmuv3;	/* when ARM SMMUv3 */
	struct hg_amd_caps amd;		/* when AMD */
};

/*
 * The widest DMA address the unit's report allows (VT-d MGAW, SMMUv3
 * stage-1 VAX, AMD the wider of its host and guest tables: an upper
 * bound, the kernel may take less), 0 when it gives none; and the page
 * sizes its tables can use (SMMUv3's granules), 0 when it does not say.
 */
unsigned int hg_iommufd_hw_bits(const struct hg_iommufd_info *info);
uint64_t hg_iommufd_hw_pgsizes(const struct hg_iommufd_info *info);

void hg_iommufd_info_free(struct hg_iommufd_info *info);

/*
 * Whether this kernel has iommufd and the VFIO cdev: -ENODEV with a message
 * when /dev/iommu is missing (reported as "unavailable", not an error of
 * the whole run, by callers).
 */
int hg_iommufd_available(const struct hg_ctx *ctx, struct hg_err *err);

/*
 * Binds the vfio cdevs of @bdfs (PCI devices bound to vfio-pci) to a new
 * iommufd, attaches them to one IOAS, reads IOMMU_IOAS_IOVA_RANGES
 * (retrying when the count grows between calls) and IOMMU_GET_HW_INFO of
 * the first device, then closes everything. -ENODEV (no /dev/iommu) and
 * -EOPNOTSUPP (no VFIO device cdevs) mean this kernel cannot do it at
 * all; other errors are failures.
 */
int hg_iommufd_query(const struct hg_ctx *ctx, const char *const *bdfs,
		     size_t n_bdfs, struct hg_iommufd_info *out,
		     struct hg_err *err);

#endif
