/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM SMMUv3 and AMD IOMMU registers as IOMMU_GET_HW_INFO returns them
 * (lib/base/hw_info.c; VT-d's are in vtd.h): the fields that bound what a
 * device behind the unit can map. A field whose value is a reserved
 * encoding is kept raw and marked, never given a meaning.
 */
#ifndef HOSTGEOM_HW_INFO_H
#define HOSTGEOM_HW_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include <hostgeom/err.h>

/*
 * struct iommu_hw_info_arm_smmuv3 (type 2, Linux 6.13) and
 * struct iommu_hw_info_amd (type 4), laid out as the kernel's UAPI has
 * them; spelt here because the UAPI headers the kit builds against (6.12)
 * predate them.
 */
#define HG_HW_INFO_TYPE_ARM_SMMUV3	2
#define HG_HW_INFO_TYPE_AMD		4

struct hg_hw_info_smmuv3 {
	uint32_t flags;
	uint32_t reserved;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};

struct hg_hw_info_amd {
	uint64_t efr;
	uint64_t efr2;
};

/* Fields with a reserved encoding (bits of ->reserved). */
enum {
	HG_SMMU_RSV_ST_LEVEL	= 1u << 0,	/* IDR0 bits 28:27 */
	HG_SMMU_RSV_STALL	= 1u << 1,	/* IDR0 bits 25:24 */
	HG_SMMU_RSV_TTENDIAN	= 1u << 2,	/* IDR0 bits 22:21 */
	HG_SMMU_RSV_TTF		= 1u << 3,	/* IDR0 bits 3:2 */
	HG_SMMU_RSV_BBML	= 1u << 4,	/* IDR3 bits 12:11 */
	HG_SMMU_RSV_VAX		= 1u << 5,	/* IDR5 bits 11:10 */
	HG_SMMU_RSV_GRAN	= 1u << 6,	/* IDR5: no granule at all */
	HG_SMMU_RSV_OAS		= 1u << 7,	/* IDR5 bits 2:0 == 7 */
};

struct hg_smmuv3_caps {
	uint32_t idr[6], iidr, aidr;
	unsigned int reserved;		/* HG_SMMU_RSV_* */
	bool s1p, s2p;			/* stage 1, stage 2 translation */
	unsigned int st_level;		/* raw: 0 linear, 1 two-level */
	unsigned int stall_model;	/* raw */
	unsigned int ttendian;		/* raw */
	unsigned int ttf;		/* raw: 1 AArch32, 2 AArch64, 3 both */
	bool cd2l, asid16, vmid16, cohacc, ats, pri, msi, hyp;
	unsigned int sid_bits, ssid_bits;	/* IDR1 SIDSIZE, SSIDSIZE */
	bool ril;
	unsigned int bbml;		/* raw */
	unsigned int oas_raw, oas_bits;	/* output address size; 0: reserved */
	unsigned int vax_raw, va_bits;	/* stage-1 input size: 48 or 52 */
	bool gran4k, gran16k, gran64k, ds;
	uint64_t pgsizes;		/* every page size the granules give */
};

void hg_smmuv3_decode(const struct hg_hw_info_smmuv3 *info,
		      struct hg_smmuv3_caps *out);

enum {
	HG_AMD_RSV_HATS		= 1u << 0,	/* EFR bits 11:10 == 3 */
	HG_AMD_RSV_GATS		= 1u << 1,	/* EFR bits 13:12 > 1 */
};

struct hg_amd_caps {
	uint64_t efr, efr2;
	unsigned int reserved;		/* HG_AMD_RSV_* */
	unsigned int hats_raw, host_levels, host_va_bits;
	unsigned int gats_raw, guest_levels, guest_va_bits;
	unsigned int glx;		/* raw: guest CR3 table levels */
	unsigned int pasmax_raw, pasid_bits;	/* pasid_bits with GT only */
	bool ppr, gt, ga, giosup, ephsup;
};

void hg_amd_decode(uint64_t efr, uint64_t efr2, struct hg_amd_caps *out);

/*
 * An upper bound on the input address width of a DMA domain of this unit
 * (0 when a reserved encoding hides it): SMMUv3 IDR5.VAX's 48 or 52 bits
 * for stage 1 (the kernel may take less: its own VA size), the OAS for a
 * stage-2-only unit; AMD the wider of the host and guest page tables
 * (the firmware's IVinfo may lower the host one).
 */
unsigned int hg_smmuv3_dma_bits(const struct hg_smmuv3_caps *caps);
unsigned int hg_amd_dma_bits(const struct hg_amd_caps *caps);

#endif
