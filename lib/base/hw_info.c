// SPDX-License-Identifier: GPL-2.0
/*
 * ARM SMMUv3 ID registers and the AMD IOMMU extended feature registers,
 * as IOMMU_GET_HW_INFO returns them. Field positions as the SMMUv3
 * architecture (IDR0-IDR5) and the AMD I/O virtualization specification
 * (MMIO offset 0x30, EFR) define them; the meanings of the values are
 * those the Linux drivers (arm-smmu-v3, amd) act on. A value no driver
 * gives a meaning to is kept raw and its field marked reserved.
 */
#include <string.h>

#include <hostgeom/hw_info.h>

static unsigned int field(uint64_t reg, unsigned int hi, unsigned int lo)
{
	return (unsigned int)((reg >> lo) & ((UINT64_C(1) << (hi - lo + 1)) - 1));
}

/*
 * IDR5.OAS: 0 to 6 are 32, 36, 40, 42, 44, 48, 52 bits. 7 has no meaning
 * in the driver (7.3's arm-smmu-v3.c calls it unknown and truncates to 48
 * bits): reserved.
 */
static const unsigned int oas_bits[7] = { 32, 36, 40, 42, 44, 48, 52 };

void hg_smmuv3_decode(const struct hg_hw_info_smmuv3 *info,
		      struct hg_smmuv3_caps *out)
{
	uint32_t idr0 = info->idr[0], idr1 = info->idr[1];
	uint32_t idr3 = info->idr[3], idr5 = info->idr[5];

	memset(out, 0, sizeof(*out));
	memcpy(out->idr, info->idr, sizeof(out->idr));
	out->iidr = info->iidr;
	out->aidr = info->aidr;

	out->s2p = field(idr0, 0, 0);
	out->s1p = field(idr0, 1, 1);
	out->ttf = field(idr0, 3, 2);		/* 0 is reserved */
	if (!out->ttf)
		out->reserved |= HG_SMMU_RSV_TTF;
	out->cohacc = field(idr0, 4, 4);
	out->hyp = field(idr0, 9, 9);
	out->ats = field(idr0, 10, 10);
	out->asid16 = field(idr0, 12, 12);
	out->msi = field(idr0, 13, 13);
	out->pri = field(idr0, 16, 16);
	out->vmid16 = field(idr0, 18, 18);
	out->cd2l = field(idr0, 19, 19);
	out->ttendian = field(idr0, 22, 21);	/* 1 is reserved */
	if (out->ttendian == 1)
		out->reserved |= HG_SMMU_RSV_TTENDIAN;
	out->stall_model = field(idr0, 25, 24);	/* 3 is reserved */
	if (out->stall_model == 3)
		out->reserved |= HG_SMMU_RSV_STALL;
	out->st_level = field(idr0, 28, 27);	/* 2 and 3 are reserved */
	if (out->st_level > 1)
		out->reserved |= HG_SMMU_RSV_ST_LEVEL;

	out->sid_bits = field(idr1, 5, 0);
	out->ssid_bits = field(idr1, 10, 6);

	out->ril = field(idr3, 10, 10);
	out->bbml = field(idr3, 12, 11);	/* 3 is reserved */
	if (out->bbml == 3)
		out->reserved |= HG_SMMU_RSV_BBML;

	out->oas_raw = field(idr5, 2, 0);
	if (out->oas_raw < 7)
		out->oas_bits = oas_bits[out->oas_raw];
	else
		out->reserved |= HG_SMMU_RSV_OAS;
	out->gran4k = field(idr5, 4, 4);
	out->gran16k = field(idr5, 5, 5);
	out->gran64k = field(idr5, 6, 6);
	out->ds = field(idr5, 7, 7);
	out->vax_raw = field(idr5, 11, 10);	/* 0: 48 bits, 1: 52 bits */
	if (out->vax_raw < 2)
		out->va_bits = out->vax_raw ? 52 : 48;
	else
		out->reserved |= HG_SMMU_RSV_VAX;
	/* Each granule's page and the block sizes of its tables. */
	if (out->gran4k)
		out->pgsizes |= UINT64_C(1) << 12 | UINT64_C(1) << 21 |
				UINT64_C(1) << 30;
	if (out->gran16k)
		out->pgsizes |= UINT64_C(1) << 14 | UINT64_C(1) << 25;
	if (out->gran64k) {
		out->pgsizes |= UINT64_C(1) << 16 | UINT64_C(1) << 29;
		if (out->oas_bits >= 52)
			out->pgsizes |= UINT64_C(1) << 42;
	}
	if (!out->pgsizes)
		out->reserved |= HG_SMMU_RSV_GRAN;
}

unsigned int hg_smmuv3_dma_bits(const struct hg_smmuv3_caps *caps)
{
	/*
	 * A DMA domain is a stage-1 table when stage 1 exists: at most VAX's
	 * 48 or 52 bits (the driver takes the smaller of that and the CPU's
	 * VA_BITS, which the register does not tell).
	 */
	if (caps->s1p)
		return caps->va_bits;
	/* A stage-2-only unit: its input size is its output size. */
	return caps->s2p ? caps->oas_bits : 0;
}

void hg_amd_decode(uint64_t efr, uint64_t efr2, struct hg_amd_caps *out)
{
	memset(out, 0, sizeof(*out));
	out->efr = efr;
	out->efr2 = efr2;
	out->ppr = field(efr, 1, 1);
	out->gt = field(efr, 4, 4);
	out->ga = field(efr, 7, 7);
	/* HATS: 4 + HATS host page-table levels; 3 is reserved. */
	out->hats_raw = field(efr, 11, 10);
	if (out->hats_raw == 3) {
		out->reserved |= HG_AMD_RSV_HATS;
	} else {
		out->host_levels = 4 + out->hats_raw;
		/* 9 bits a level above the 4 KiB page, at most 64 */
		out->host_va_bits = 12 + 9 * out->host_levels;
		if (out->host_va_bits > 64)
			out->host_va_bits = 64;
	}
	/* GATS: 0 four guest levels, 1 five; 2 and 3 are reserved. */
	out->gats_raw = field(efr, 13, 12);
	if (out->gats_raw > 1)
		out->reserved |= HG_AMD_RSV_GATS;
	else
		out->guest_levels = 4 + out->gats_raw;
	/* An x86-64 table: 48 bits in four levels, 57 in five */
	if (out->guest_levels)
		out->guest_va_bits = 12 + 9 * out->guest_levels;
	out->glx = field(efr, 15, 14);
	out->pasmax_raw = field(efr, 36, 32);
	if (out->gt)
		out->pasid_bits = out->pasmax_raw + 1;
	out->giosup = field(efr, 48, 48);
	out->ephsup = field(efr, 50, 50);
}

unsigned int hg_amd_dma_bits(const struct hg_amd_caps *caps)
{
	/*
	 * A DMA domain uses the host (v1) table, or with amd_iommu=pgtbl_v2
	 * the guest (v2) one, which EFR does not tell: the wider of the two
	 * bounds it. A reserved HATS leaves it unknown. 7.3's driver builds
	 * five guest levels only for GATS 1, four for any other value: a
	 * reserved GATS's table is at most 48 bits, within the host's.
	 */
	if (caps->reserved & HG_AMD_RSV_HATS)
		return 0;
	return caps->host_va_bits > caps->guest_va_bits ?
	       caps->host_va_bits : caps->guest_va_bits;
}
