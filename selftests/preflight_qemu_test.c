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
	bool host_phys_bits;	/* =on, under TCG: QEMU ignores it */
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
/* host-phys-bits=on under TCG: phys-bits stay 40, the 1 TiB is refused. */
FIXTURE_VARIANT_ADD(model, q35_tcg_host_phys_bits) {
	.machine = "q35", .ram = 2 * G, .maxmem = 1024 * G, .slots = 1,
	.host_phys_bits = true, .intel = true, .refused = true,
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
	g->host_phys_bits = g->host_phys_bits_set = variant->host_phys_bits;
	g->host_cpu_phys_bits = 46;	/* the model would take these */
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

/*
 * Every fix preflight prints for these guests, applied and started:
 * QEMU must start paused with it, agree with the model's layout, and the
 * region it was printed for must fit then.
 */
#define MAX_WORDS 40

FIXTURE(fix) {
};

FIXTURE_VARIANT(fix) {
	const char *argv[MAX_WORDS];
	unsigned int host_bits;
};

FIXTURE_VARIANT_ADD(fix, bars_phys_bits) {
	.argv = { "-M", "q35,max-ram-below-4g=1G", "-cpu", "max,phys-bits=46",
		  "-m", "1536M", "-device", "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};
FIXTURE_VARIANT_ADD(fix, tcg_host_phys_bits) {
	.argv = { "-M", "q35,max-ram-below-4g=1G", "-cpu",
		  "max,host-phys-bits=on,phys-bits=46", "-m", "1536M",
		  "-device", "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};
FIXTURE_VARIANT_ADD(fix, dimm_maxmem) {
	.argv = { "-M", "q35", "-cpu", "max,phys-bits=42", "-m",
		  "512M,slots=1,maxmem=1T", "-object",
		  "memory-backend-ram,id=m1,size=128M", "-device",
		  "pc-dimm,id=d1,memdev=m1", "-device", "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};
FIXTURE_VARIANT_ADD(fix, pinned_dimm_maxmem) {
	.argv = { "-M", "q35", "-cpu", "max,phys-bits=42,vendor=GenuineIntel",
		  "-m", "1G,slots=2,maxmem=1T", "-object",
		  "memory-backend-ram,id=m1,size=1G", "-device",
		  "pc-dimm,id=d1,memdev=m1,addr=0x6000000000", "-device",
		  "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};
FIXTURE_VARIANT_ADD(fix, pinned_dimm_beyond) {
	.argv = { "-M", "q35", "-cpu", "max,phys-bits=42,vendor=GenuineIntel",
		  "-m", "1G,slots=2,maxmem=1T", "-object",
		  "memory-backend-ram,id=m1,size=1G", "-device",
		  "pc-dimm,id=d1,memdev=m1,addr=0x9000000000", "-device",
		  "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};
FIXTURE_VARIANT_ADD(fix, intel_iommu_aw_bits) {
	.argv = { "-M", "q35", "-m", "2G", "-device", "intel-iommu,aw-bits=48",
		  "-device", "vfio-pci,host=01:00.0" },
	.host_bits = 39,
};

FIXTURE_SETUP(fix)
{
}

FIXTURE_TEARDOWN(fix)
{
}

static struct hg_pf_guest planned, fixed;
static struct hg_pf_report rep, again;

static int guest_of(const char *const *argv, const char *extra,
		    struct hg_pf_guest *g)
{
	char *words[MAX_WORDS + 8], buf[HG_PF_FIX_LEN], *save = NULL, *w;
	struct hg_err err = { 0 };
	size_t n = 0;

	while (argv[n] && n < MAX_WORDS) {
		words[n] = (char *)argv[n];
		n++;
	}
	snprintf(buf, sizeof(buf), "%s", extra ? extra : "");
	for (w = strtok_r(buf, " ", &save); w && n < MAX_WORDS + 7;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	hg_pf_guest_init(g);
	g->host_cpu_phys_bits = 46;
	if (hg_pf_from_qemu_argv(g, words, n, &err)) {
		fprintf(stderr, "# %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int check(const struct hg_pf_guest *g, unsigned int bits,
		 struct hg_pf_report *out)
{
	struct hg_pf_host host;
	struct hg_err err = { 0 };
	int ret;

	if (hg_pf_host_from_width(&host, "0000:01:00.0", bits, &err))
		return -1;
	ret = hg_pf_check(g, &host, 1, out, &err);
	hg_pf_host_free(&host);
	return ret;
}

/* @fix applied to the planned guest: its QEMU words, or addr= dropped. */
static int apply(const char *const *argv, const char *fix,
		 struct hg_pf_guest *g)
{
	const char *id = strstr(fix, "pc-dimm,id=");
	size_t i;

	if (!strstr(fix, " without addr="))
		return guest_of(argv, fix, g);
	if (!id || guest_of(argv, NULL, g))
		return -1;
	id += strlen("pc-dimm,id=");
	for (i = 0; i < g->n_dimms; i++)
		if (!strncmp(g->dimms[i].id, id, strlen(g->dimms[i].id)) &&
		    id[strlen(g->dimms[i].id)] == ',')
			g->dimms[i].has_addr = false;
	return 0;
}

static bool region_conflicts(const struct hg_pf_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_conflicts; i++)
		if (!strcmp(r->layout.regions[r->conflicts[i].region].name,
			    name))
			return true;
	return false;
}

TEST_F(fix, printed_fixes_start_qemu)
{
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	size_t i, applied = 0;

	if (getenv("HOSTGEOM_IN_VM"))
		SKIP(return, "in a test VM: the fixes are checked against QEMU on the host (make check)");
	if (!have_qemu())
		SKIP(return, "qemu-system-x86_64 not installed (scripts/setup installs QEMU 10)");
	ASSERT_EQ(0, guest_of(variant->argv, NULL, &planned));
	ASSERT_EQ(0, check(&planned, variant->host_bits, &rep));
	ASSERT_LT(0, rep.n_conflicts);
	for (i = 0; i < rep.n_conflicts; i++) {
		const struct hg_pf_conflict *c = &rep.conflicts[i];
		const char *region = rep.layout.regions[c->region].name;

		if (!strncmp(c->fix.qemu, "no single setting", 17))
			continue;
		TH_LOG("%s: %s", region, c->fix.qemu);
		ASSERT_EQ(0, apply(variant->argv, c->fix.qemu, &fixed));
		ASSERT_EQ(0, check(&fixed, variant->host_bits, &again));
		EXPECT_EQ(0, again.layout.refused[0])
			TH_LOG("%s", again.layout.refused);
		EXPECT_FALSE(region_conflicts(&again, region));
		ASSERT_EQ(0, hg_pf_probe_qemu(&fixed, "qemu-system-x86_64", &p,
					      &err)) TH_LOG("%s", err.msg);
		EXPECT_EQ(0, p.refused[0]) TH_LOG("QEMU: %s", p.refused);
		EXPECT_EQ(p.below_4g, again.layout.below_4g);
		EXPECT_EQ(p.above_4g, again.layout.above_4g);
		EXPECT_EQ(p.devmem_base, again.layout.devmem_base);
		EXPECT_EQ(p.devmem_size, again.layout.devmem_size);
		EXPECT_EQ(p.hole64_start, again.layout.hole64_start);
		EXPECT_EQ(p.hole64_end, again.layout.hole64_end);
		EXPECT_EQ(fixed.n_dimms, p.n_dimms);
		applied++;
	}
	EXPECT_LT(0, applied);
}

TEST_HARNESS_MAIN
