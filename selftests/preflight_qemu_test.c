// SPDX-License-Identifier: GPL-2.0
/*
 * The preflight's memory model against QEMU itself: for each planned guest
 * the model's RAM split, device-memory region, dimm addresses and
 * pci-hole64 must equal what a paused QEMU reports over QMP, and a
 * layout the model says QEMU refuses must be refused. Skips when
 * qemu-system-x86_64 is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/preflight.h>

#include "kselftest_harness.h"

#define G HG_GIB

FIXTURE(model) {
	struct hg_pf_guest g;
};

FIXTURE_VARIANT(model) {
	const char *machine;
	uint64_t ram, maxmem;
	unsigned int slots, phys_bits;
	uint64_t hole64, below_4g_limit, dimm, dimm_addr;
	bool intel;
	bool refused;
};

/* Across the 4 GiB split of each machine type. */
FIXTURE_VARIANT_ADD(model, q35_1g) { .machine = "q35", .ram = 1 * G };
FIXTURE_VARIANT_ADD(model, q35_2750m) {
	.machine = "q35", .ram = 0xb0000000ULL - (1ULL << 20),
};
FIXTURE_VARIANT_ADD(model, q35_2750m_split) {
	.machine = "q35", .ram = 0xb0000000ULL,
};
FIXTURE_VARIANT_ADD(model, q35_6g) { .machine = "q35", .ram = 6 * G };
FIXTURE_VARIANT_ADD(model, pc_3g) { .machine = "pc", .ram = 3 * G };
FIXTURE_VARIANT_ADD(model, pc_3584m) {
	.machine = "pc", .ram = 0xe0000000ULL - (1ULL << 20),
};
FIXTURE_VARIANT_ADD(model, pc_3584m_split) {
	.machine = "pc", .ram = 0xe0000000ULL,
};
FIXTURE_VARIANT_ADD(model, pc_8g) { .machine = "pc", .ram = 8 * G };
FIXTURE_VARIANT_ADD(model, q35_below_4g_limit) {
	.machine = "q35", .ram = 4 * G, .below_4g_limit = 1 * G,
};
/* Device memory: maxmem and slots, with and without a dimm. */
FIXTURE_VARIANT_ADD(model, pc_hotplug) {
	.machine = "pc", .ram = 5 * G, .maxmem = 20 * G, .slots = 2,
};
FIXTURE_VARIANT_ADD(model, q35_hotplug_dimm) {
	.machine = "q35", .ram = 2 * G, .maxmem = 64 * G, .slots = 4,
	.dimm = 1 * G, .phys_bits = 42,
};
FIXTURE_VARIANT_ADD(model, q35_dimm_addr) {
	.machine = "q35", .ram = 1 * G, .maxmem = 200 * G, .slots = 2,
	.dimm = 128ULL << 20, .dimm_addr = 0x2000000000ULL, .phys_bits = 42,
};
/* A large maxmem: AMD vCPUs move RAM above 4 GiB to 1 TiB, Intel not. */
FIXTURE_VARIANT_ADD(model, q35_amd_1t) {
	.machine = "q35", .ram = 512ULL << 20, .maxmem = 1024 * G,
	.slots = 1, .dimm = 128ULL << 20, .phys_bits = 42,
};
FIXTURE_VARIANT_ADD(model, q35_intel_1t) {
	.machine = "q35", .ram = 512ULL << 20, .maxmem = 1024 * G,
	.slots = 1, .dimm = 128ULL << 20, .phys_bits = 42, .intel = true,
};
/* pci-hole64-size, and phys-bits too small for the hole: refused. */
FIXTURE_VARIANT_ADD(model, q35_hole64_1t) {
	.machine = "q35", .ram = 6 * G, .hole64 = 1024 * G, .phys_bits = 41,
	.intel = true,
};
FIXTURE_VARIANT_ADD(model, pc_hole64_4g) {
	.machine = "pc", .ram = 6 * G, .hole64 = 4 * G,
};
FIXTURE_VARIANT_ADD(model, q35_refused) {
	.machine = "q35", .ram = 5 * G, .maxmem = 2048 * G, .slots = 2,
	.refused = true,
};
FIXTURE_VARIANT_ADD(model, q35_versioned) {
	.machine = "pc-q35-9.2", .ram = 3 * G,
};

FIXTURE_SETUP(model)
{
	struct hg_pf_guest *g = &self->g;

	hg_pf_guest_init(g);
	ASSERT_EQ(0, hg_pf_set_machine(g, variant->machine));
	g->ram = variant->ram;
	g->maxmem = variant->maxmem;
	g->slots = variant->slots;
	g->phys_bits = variant->phys_bits;
	g->hole64_size = variant->hole64;
	g->max_ram_below_4g = variant->below_4g_limit;
	g->vendor = variant->intel ? HG_PF_VENDOR_INTEL : HG_PF_VENDOR_AMD;
	g->vendor_set = true;
	if (variant->dimm) {
		g->dimms[0].size = variant->dimm;
		g->dimms[0].addr = variant->dimm_addr;
		g->dimms[0].has_addr = variant->dimm_addr != 0;
		snprintf(g->dimms[0].id, sizeof(g->dimms[0].id), "d0");
		g->n_dimms = 1;
	}
}

FIXTURE_TEARDOWN(model)
{
}

static bool have_qemu(void)
{
	return !system("command -v qemu-system-x86_64 >/dev/null 2>&1");
}

TEST_F(model, matches_paused_qemu)
{
	struct hg_pf_layout l;
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	size_t i;

	/* QEMU inside a TCG test guest takes half a minute per start */
	if (getenv("HOSTGEOM_IN_VM"))
		SKIP(return, "in a test VM: the model is checked against QEMU on the host (make check)");
	if (!have_qemu())
		SKIP(return, "qemu-system-x86_64 not installed (scripts/setup installs QEMU 10)");
	ASSERT_EQ(0, hg_pf_layout(&self->g, &l, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, hg_pf_probe_qemu(&self->g, "qemu-system-x86_64", &p,
				      &err)) TH_LOG("%s", err.msg);
	if (variant->refused) {
		EXPECT_NE(0, l.refused[0]);
		EXPECT_NE(0, p.refused[0]) TH_LOG("QEMU started");
		TH_LOG("model: %s; QEMU: %s", l.refused, p.refused);
		return;
	}
	ASSERT_EQ(0, p.refused[0]) TH_LOG("QEMU: %s", p.refused);
	EXPECT_EQ(0, l.refused[0]) TH_LOG("model: %s", l.refused);
	EXPECT_EQ(p.below_4g, l.below_4g);
	EXPECT_EQ(p.above_4g, l.above_4g);
	EXPECT_EQ(p.devmem_base, l.devmem_base);
	EXPECT_EQ(p.devmem_size, l.devmem_size);
	EXPECT_EQ(p.hole64_start, l.hole64_start);
	EXPECT_EQ(p.hole64_end, l.hole64_end);
	ASSERT_EQ(self->g.n_dimms, p.n_dimms);
	for (i = 0; i < l.n_regions; i++)
		if (l.regions[i].kind == HG_PF_DIMM)
			EXPECT_EQ(p.dimm_addr[0], l.regions[i].range.start);
}

TEST_HARNESS_MAIN
