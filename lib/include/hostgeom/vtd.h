/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-d capability and extended capability registers (lib/base/vtd.c), as
 * IOMMU_GET_HW_INFO returns them and sysfs prints them.
 */
#ifndef HOSTGEOM_VTD_H
#define HOSTGEOM_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include <hostgeom/err.h>

/* Intel VT-d capability fields that matter for geometry (VT-d spec 11.4.2). */
struct hg_vtd_caps {
	uint64_t cap_reg, ecap_reg;
	unsigned int mgaw;		/* max guest address width, bits */
	unsigned int sagaw;		/* supported AGAWs: bit 1 39, 2 48, 3 57 */
	unsigned int max_sagaw_bits;	/* widest address width in sagaw */
	uint64_t sl_pgsizes;		/* 4K plus 2M/1G from SLLPS */
	unsigned int nd;		/* number of domains, log2 */
	bool caching_mode;
	bool pasid, nested, pass_through, interrupt_remapping;
};

void hg_vtd_decode(uint64_t cap_reg, uint64_t ecap_reg,
		   struct hg_vtd_caps *out);

/*
 * A register as sysfs prints it (intel-iommu/cap, ecap: "%llx\n"): 1 to
 * 16 hex digits and an optional newline, nothing else; -EINVAL otherwise.
 */
int hg_vtd_parse_reg(const char *text, uint64_t *value);

/*
 * Whether @caps can describe a unit the intel-iommu driver uses: SAGAW
 * names a page-table depth (30, 39, 48 or 57 bits) and MGAW is at least
 * the narrowest of them. -EINVAL with a message naming @what otherwise.
 */
int hg_vtd_check(const struct hg_vtd_caps *caps, const char *what,
		 struct hg_err *err);

#endif
