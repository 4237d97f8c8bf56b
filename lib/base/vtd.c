// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VT-d capability and extended capability registers, as
 * IOMMU_GET_HW_INFO returns them: the fields that bound what a device
 * behind this IOMMU can map. Bit positions follow the VT-d specification
 * (section 11.4.2 and 11.4.3).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <hostgeom/vtd.h>

#include "internal.h"

/* SAGAW bits 0-3: 2- to 5-level tables; bit 4 is reserved. */
#define SAGAW_KNOWN	0xfu
#define NARROWEST_WIDTH	30

static uint64_t bits(uint64_t reg, unsigned int hi, unsigned int lo)
{
	return (reg >> lo) & ((UINT64_C(1) << (hi - lo + 1)) - 1);
}

/* AGAW n means 30 + 9n address bits (2 + n page-table levels). */
static unsigned int agaw_width(unsigned int agaw)
{
	unsigned int width = 30 + 9 * agaw;

	return width > 64 ? 64 : width;
}

void hg_vtd_decode(uint64_t cap_reg, uint64_t ecap_reg,
		   struct hg_vtd_caps *out)
{
	unsigned int agaw;
	uint64_t sllps;

	memset(out, 0, sizeof(*out));
	out->cap_reg = cap_reg;
	out->ecap_reg = ecap_reg;
	out->mgaw = bits(cap_reg, 21, 16) + 1;
	out->sagaw = bits(cap_reg, 12, 8);
	for (agaw = 0; agaw < 5; agaw++)
		if (out->sagaw & (1u << agaw))
			out->max_sagaw_bits = agaw_width(agaw);
	/* SLLPS bit 0: 2M pages, bit 1: 1G pages; 4K is always there. */
	sllps = bits(cap_reg, 37, 34);
	out->sl_pgsizes = UINT64_C(1) << 12;
	if (sllps & 1)
		out->sl_pgsizes |= UINT64_C(1) << 21;
	if (sllps & 2)
		out->sl_pgsizes |= UINT64_C(1) << 30;
	/* ND n means 2^(4 + 2n) domain ids. */
	out->nd = 4 + 2 * bits(cap_reg, 2, 0);
	out->caching_mode = bits(cap_reg, 7, 7);
	out->interrupt_remapping = bits(ecap_reg, 3, 3);
	out->pass_through = bits(ecap_reg, 6, 6);
	out->nested = bits(ecap_reg, 26, 26);
	out->pasid = bits(ecap_reg, 40, 40);
}

int hg_vtd_parse_reg(const char *text, uint64_t *value)
{
	size_t len = strlen(text);

	if (len && text[len - 1] == '\n')
		len--;
	return hg_hex_parse(text, len, UINT64_MAX, value) ? 0 : -EINVAL;
}

int hg_vtd_check(const struct hg_vtd_caps *caps, const char *what,
		 struct hg_err *err)
{
	if (!(caps->sagaw & SAGAW_KNOWN))
		return hg_err_set_kind(err, HG_ERR_NOT_SYSFS, -EINVAL,
				       "%s: 0x%" PRIx64 " is no VT-d capability register: its SAGAW field (bits 12:8) names no page-table depth the hardware supports",
				       what, caps->cap_reg);
	if (caps->mgaw < NARROWEST_WIDTH)
		return hg_err_set_kind(err, HG_ERR_NOT_SYSFS, -EINVAL,
				       "%s: 0x%" PRIx64 " is no VT-d capability register: its MGAW field (bits 21:16) says %u address bits, fewer than the narrowest page table (%u)",
				       what, caps->cap_reg, caps->mgaw,
				       NARROWEST_WIDTH);
	return 0;
}
