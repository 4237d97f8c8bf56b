// SPDX-License-Identifier: GPL-2.0
/*
 * hg_smmuv3_decode() and hg_amd_decode() against the register values of
 * QEMU 10.0's emulated units (selftests/test_data/hw_info/qemu-10.0), the
 * reserved encodings of every field (kept raw and marked), the printers'
 * text and JSON, and "check" against a unit whose report the backends
 * exceed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/hw_info.h>
#include <hostgeom/iommufd.h>
#include <hostgeom/ranges_check.h>

#include "cli_print.h"
#include "kselftest_harness.h"

#define SZ_4K	(UINT64_C(1) << 12)
#define SZ_16K	(UINT64_C(1) << 14)
#define SZ_64K	(UINT64_C(1) << 16)
#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_32M	(UINT64_C(1) << 25)
#define SZ_512M	(UINT64_C(1) << 29)
#define SZ_1G	(UINT64_C(1) << 30)

#define DATA "selftests/test_data/hw_info/qemu-10.0"

/* REG=VALUE of the line NAME in the recorded file; -1 when absent. */
static int recorded(const char *name, const char *reg, uint64_t *value)
{
	char line[256], key[32];
	FILE *f = fopen(DATA, "r");
	int ret = -1;

	if (!f)
		return -1;
	snprintf(key, sizeof(key), " %s=", reg);
	while (ret && fgets(line, sizeof(line), f)) {
		size_t n = strlen(name);
		char *p;

		if (strncmp(line, name, n) || line[n] != ' ')
			continue;
		p = strstr(line, key);
		if (p) {
			*value = strtoull(p + strlen(key), NULL, 0);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

static int recorded_smmu(const char *name, struct hg_hw_info_smmuv3 *info)
{
	static const unsigned int idx[] = { 0, 1, 3, 5 };
	char reg[8];
	uint64_t v;
	size_t i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < 4; i++) {
		snprintf(reg, sizeof(reg), "idr%u", idx[i]);
		if (recorded(name, reg, &v))
			return -1;
		info->idr[idx[i]] = (uint32_t)v;
	}
	return 0;
}

#define NEED_DATA() do {						\
	if (access(DATA, R_OK))						\
		SKIP(return, "no " DATA " here (an installed collection)"); \
} while (0)

TEST(qemu_smmuv3_stage1)
{
	struct hg_hw_info_smmuv3 info;
	struct hg_smmuv3_caps c;

	NEED_DATA();
	ASSERT_EQ(0, recorded_smmu("smmuv3-stage1", &info));
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ(0u, c.reserved);
	EXPECT_TRUE(c.s1p);
	EXPECT_FALSE(c.s2p);
	EXPECT_EQ(2, c.ttf);		/* AArch64 tables */
	EXPECT_EQ(1, c.st_level);	/* two-level stream table */
	EXPECT_EQ(16, c.sid_bits);
	EXPECT_EQ(0, c.ssid_bits);
	EXPECT_TRUE(c.asid16);
	EXPECT_TRUE(c.vmid16);
	EXPECT_TRUE(c.cohacc);
	EXPECT_TRUE(c.ril);
	EXPECT_EQ(2, c.bbml);
	EXPECT_EQ(4, c.oas_raw);
	EXPECT_EQ(44, c.oas_bits);
	EXPECT_EQ(48, c.va_bits);
	EXPECT_TRUE(c.gran4k && c.gran16k && c.gran64k);
	EXPECT_EQ(SZ_4K | SZ_2M | SZ_1G | SZ_16K | SZ_32M | SZ_64K | SZ_512M,
		  c.pgsizes);
	/* a DMA domain is stage 1: VAX's 48 bits, as type1's 2^48 - 1 */
	EXPECT_EQ(48, hg_smmuv3_dma_bits(&c));
}

TEST(qemu_smmuv3_stage2_nested)
{
	struct hg_hw_info_smmuv3 info;
	struct hg_smmuv3_caps c;

	NEED_DATA();
	ASSERT_EQ(0, recorded_smmu("smmuv3-stage2", &info));
	hg_smmuv3_decode(&info, &c);
	EXPECT_FALSE(c.s1p);
	EXPECT_TRUE(c.s2p);
	/* stage 2 only: the input size is the output size */
	EXPECT_EQ(44, hg_smmuv3_dma_bits(&c));
	ASSERT_EQ(0, recorded_smmu("smmuv3-nested", &info));
	hg_smmuv3_decode(&info, &c);
	EXPECT_TRUE(c.s1p && c.s2p);
	EXPECT_EQ(48, hg_smmuv3_dma_bits(&c));
}

TEST(qemu_amd)
{
	struct hg_amd_caps c;
	uint64_t efr, efr2;

	NEED_DATA();
	ASSERT_EQ(0, recorded("amd", "efr", &efr));
	ASSERT_EQ(0, recorded("amd", "efr2", &efr2));
	hg_amd_decode(efr, efr2, &c);
	EXPECT_EQ(2, c.hats_raw);
	EXPECT_EQ(6, c.host_levels);
	EXPECT_EQ(64, c.host_va_bits);	/* 66 bits of tables, capped */
	/* QEMU sets GATS to 2, which no guest table depth is: raw, marked */
	EXPECT_EQ(2, c.gats_raw);
	EXPECT_EQ(0, c.guest_levels);
	EXPECT_EQ(0, c.guest_va_bits);
	EXPECT_EQ((unsigned int)HG_AMD_RSV_GATS, c.reserved);
	EXPECT_TRUE(c.gt);
	EXPECT_TRUE(c.ppr);
	EXPECT_TRUE(c.ga);
	EXPECT_EQ(0, c.pasmax_raw);
	EXPECT_EQ(1, c.pasid_bits);
	EXPECT_EQ(64, hg_amd_dma_bits(&c));
	ASSERT_EQ(0, recorded("amd-xtsup", "efr", &efr));
	hg_amd_decode(efr, 0, &c);
	EXPECT_EQ(6, c.host_levels);	/* XT (bit 2) changes no geometry */
}

TEST(smmuv3_fields)
{
	struct hg_hw_info_smmuv3 info = { 0 };
	struct hg_smmuv3_caps c;
	unsigned int oas;

	/* every OAS encoding the driver knows; 7 is reserved */
	for (oas = 0; oas < 7; oas++) {
		static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48,
						     52 };

		info.idr[5] = oas | 1u << 4;
		hg_smmuv3_decode(&info, &c);
		EXPECT_EQ(bits[oas], c.oas_bits);
		EXPECT_EQ(0u, c.reserved & HG_SMMU_RSV_OAS);
	}
	/* 64K granule alone; 52-bit OAS adds the 4T block */
	info.idr[5] = 5 | 1u << 6;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ(SZ_64K | SZ_512M, c.pgsizes);
	info.idr[5] = 6 | 1u << 6 | 1u << 10;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ(SZ_64K | SZ_512M | UINT64_C(1) << 42, c.pgsizes);
	EXPECT_EQ(52, c.va_bits);
	/* SIDSIZE 32, SSIDSIZE 20: the widest fields */
	info.idr[1] = 32 | 20u << 6;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ(32, c.sid_bits);
	EXPECT_EQ(20, c.ssid_bits);
}

TEST(smmuv3_reserved)
{
	struct hg_hw_info_smmuv3 info = { 0 };
	struct hg_smmuv3_caps c;

	/* TTF 0, ST_LEVEL 2, STALL 3, TTENDIAN 1, BBML 3, VAX 2, no gran */
	info.idr[0] = 2u << 27 | 3u << 24 | 1u << 21 | 1u << 1;
	info.idr[3] = 3u << 11;
	info.idr[5] = 5 | 2u << 10;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ((unsigned int)(HG_SMMU_RSV_TTF | HG_SMMU_RSV_ST_LEVEL |
				 HG_SMMU_RSV_STALL | HG_SMMU_RSV_TTENDIAN |
				 HG_SMMU_RSV_BBML | HG_SMMU_RSV_VAX |
				 HG_SMMU_RSV_GRAN), c.reserved);
	EXPECT_EQ(2, c.vax_raw);
	EXPECT_EQ(0, c.va_bits);	/* never guessed */
	EXPECT_EQ(0, c.pgsizes);
	EXPECT_EQ(0, hg_smmuv3_dma_bits(&c));
	/* OAS 7: raw, marked, no width; a stage-2 unit then has no bound */
	info.idr[0] = 1u << 0 | 2u << 2;
	info.idr[3] = 0;
	info.idr[5] = 7 | 1u << 6;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ((unsigned int)HG_SMMU_RSV_OAS, c.reserved);
	EXPECT_EQ(7, c.oas_raw);
	EXPECT_EQ(0, c.oas_bits);
	EXPECT_EQ(SZ_64K | SZ_512M, c.pgsizes);	/* no 4T block */
	EXPECT_EQ(0, hg_smmuv3_dma_bits(&c));
	/* VAX 3 too */
	info.idr[5] = 5 | 3u << 10 | 1u << 4;
	hg_smmuv3_decode(&info, &c);
	EXPECT_EQ((unsigned int)HG_SMMU_RSV_VAX,
		  c.reserved & (HG_SMMU_RSV_VAX | HG_SMMU_RSV_GRAN));
}

TEST(amd_fields)
{
	struct hg_amd_caps c;

	/* HATS 0: 4 levels, 48 bits; 1: 5 levels, 57 bits; GATS 1: 5 */
	hg_amd_decode(0, 0, &c);
	EXPECT_EQ(4, c.host_levels);
	EXPECT_EQ(48, c.host_va_bits);
	EXPECT_EQ(4, c.guest_levels);
	EXPECT_EQ(48, c.guest_va_bits);
	EXPECT_EQ(48, hg_amd_dma_bits(&c));
	EXPECT_EQ(0, c.pasid_bits);	/* no GT: no PASID */
	hg_amd_decode(1u << 10 | 1u << 12 | 1u << 4 | UINT64_C(15) << 32 |
		      3u << 14 | UINT64_C(1) << 48 | UINT64_C(1) << 50, 7, &c);
	EXPECT_EQ(5, c.host_levels);
	EXPECT_EQ(57, c.host_va_bits);
	EXPECT_EQ(5, c.guest_levels);
	EXPECT_EQ(16, c.pasid_bits);
	EXPECT_EQ(3, c.glx);
	EXPECT_TRUE(c.giosup && c.ephsup);
	EXPECT_EQ(7, c.efr2);
	EXPECT_EQ(0u, c.reserved);
	/*
	 * HATS 0 with GATS 1: four host levels (48 bits) but five guest
	 * levels (57): with amd_iommu=pgtbl_v2 a DMA domain's table is the
	 * guest one, so the bound is 57 bits, not 48.
	 */
	hg_amd_decode(1u << 12 | 1u << 4, 0, &c);
	EXPECT_EQ(48, c.host_va_bits);
	EXPECT_EQ(57, c.guest_va_bits);
	EXPECT_EQ(57, hg_amd_dma_bits(&c));
	/* HATS 3: host translation unusable; GATS 3: reserved */
	hg_amd_decode(3u << 10 | 3u << 12, 0, &c);
	EXPECT_EQ((unsigned int)(HG_AMD_RSV_HATS | HG_AMD_RSV_GATS),
		  c.reserved);
	EXPECT_EQ(0, c.host_levels);
	EXPECT_EQ(0, c.host_va_bits);
	EXPECT_EQ(0, hg_amd_dma_bits(&c));
}

TEST_HARNESS_MAIN
