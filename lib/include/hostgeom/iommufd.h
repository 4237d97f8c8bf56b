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
#include <hostgeom/range.h>

/* Intel VT-d capability fields that matter for geometry (VT-d spec 11.4.2). */
struct hg_vtd_caps {
	uint64_t cap_reg, ecap_reg;
	unsigned int mgaw;		/* maximum guest address width, bits */
	unsigned int sagaw;		/* supported AGAW bitmap (bit1=39, bit2=48, bit3=57) */
	unsigned int max_sagaw_bits;	/* widest address width in sagaw */
	uint64_t sl_pgsizes;		/* 4K plus 2M/1G from SLLPS */
	unsigned int nd;		/* number of domains, log2 */
	bool caching_mode;
	bool pasid, nested, pass_through, interrupt_remapping;
};

void hg_vtd_decode(uint64_t cap_reg, uint64_t ecap_reg, struct hg_vtd_caps *out);

struct hg_iommufd_info {
	struct hg_ranges iova;		/* inclusive */
	uint64_t iova_alignment;	/* out_iova_alignment */
	bool have_hw_info;
	uint32_t hw_type;		/* enum iommu_hw_info_type */
	uint64_t hw_caps;		/* out_capabilities: IOMMU_HW_CAP_* */
	unsigned int max_pasid_log2;	/* 0: no PASID */
	struct hg_vtd_caps vtd;		/* when hw_type is Intel VT-d */
};

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
