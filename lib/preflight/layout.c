// SPDX-License-Identifier: GPL-2.0
/*
 * The guest-physical layout QEMU 10 gives an x86 pc/q35 guest, following
 * hw/i386/pc.c, pc_piix.c and pc_q35.c (machine types 7.1 and newer):
 *
 * - RAM split: pc keeps up to 3.5 GiB below 4 GiB, but only 3 GiB once
 *   RAM reaches 3.5 GiB (gigabyte alignment); q35 keeps 2.75 GiB
 *   (0xb0000000), or 2 GiB once RAM reaches 2.75 GiB. max-ram-below-4g
 *   lowers either. The rest starts at 4 GiB.
 * - AMD vCPUs: when the highest address in use (end of the 64-bit PCI
 *   hole) reaches the HyperTransport range at 0xfd00000000, RAM above
 *   4 GiB moves to 1 TiB.
 * - Device memory (maxmem > -m): from the end of RAM above 4 GiB rounded
 *   up to 1 GiB, (maxmem - ram) + 1 GiB per slot long.
 * - QEMU's pci-hole64: from the end of device memory (else of RAM),
 *   rounded up to 1 GiB, pci-hole64-size long (q35 32 GiB, pc 2 GiB).
 *   QEMU refuses to start when that end does not fit phys-bits.
 *
 * The firmware, not QEMU, places 64-bit BARs: see bars_seabios() and
 * bars_ovmf().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/preflight.h>

#define AMD_HT_START	0xfd00000000ULL
#define AMD_HT_END	0x10000000000ULL	/* exclusive */
#define AMD_ABOVE_1T	(1ULL << 40)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

const char *hg_pf_kind_name(enum hg_pf_kind kind)
{
	static const char *const names[] = {
		[HG_PF_RAM_LOW] = "ram-below-4g",
		[HG_PF_RAM_HIGH] = "ram-above-4g",
		[HG_PF_HOTPLUG] = "hotplug",
		[HG_PF_DIMM] = "dimm",
		[HG_PF_BARS64] = "bars64",
		[HG_PF_APERTURE] = "aperture",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static void ram_split(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	uint64_t lowmem, limit = g->max_ram_below_4g;

	if (g->machine == HG_PF_PC) {
		lowmem = limit ? limit : 0xe0000000ULL;
		if (g->ram >= lowmem && lowmem > 0xc0000000ULL)
			lowmem = 0xc0000000ULL;
	} else {
		lowmem = g->ram >= 0xb0000000ULL ? 0x80000000ULL
						  : 0xb0000000ULL;
		if (limit && lowmem > limit)
			lowmem = limit;
	}
	l->below_4g = g->ram >= lowmem ? lowmem : g->ram;
	l->above_4g = g->ram - l->below_4g;
}

static uint64_t hole64_size(const struct hg_pf_guest *g)
{
	if (g->hole64_size)
		return g->hole64_size;
	return g->machine == HG_PF_PC ? 1ULL << 31 : 1ULL << 35;
}

/* Device memory, QEMU's hole64 and the highest used address. */
static void place_high(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	uint64_t end = l->above_4g_start + l->above_4g;

	l->devmem_base = l->devmem_size = 0;
	if (g->maxmem > g->ram) {
		l->devmem_base = align_up(end, HG_GIB);
		l->devmem_size = g->maxmem - g->ram +
				 (uint64_t)g->slots * HG_GIB;
		end = l->devmem_base + l->devmem_size;
	}
	l->hole64_start = align_up(end, HG_GIB);
	l->hole64_end = align_up(l->hole64_start + hole64_size(g), HG_GIB);
	l->max_used = l->hole64_start + hole64_size(g) - 1;
}

static void add_last(struct hg_pf_layout *l, enum hg_pf_kind kind,
		     const char *name, uint64_t start, uint64_t last)
{
	struct hg_pf_region *r;

	if (l->n_regions >= HG_PF_REGIONS_MAX)
		return;
	r = &l->regions[l->n_regions++];
	r->kind = kind;
	snprintf(r->name, sizeof(r->name), "%s",
		 name ? name : hg_pf_kind_name(kind));
	r->range.start = start;
	r->range.end = last;
}

static void add_region(struct hg_pf_layout *l, enum hg_pf_kind kind,
		       const char *name, uint64_t start, uint64_t size)
{
	if (size)
		add_last(l, kind, name, start, start + size - 1);
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* SeaBIOS's e820 check: RAM above 4 GiB and the AMD HT reservation. */
static bool e820_used(const struct hg_pf_guest *g,
		      const struct hg_pf_layout *l, uint64_t base,
		      uint64_t size)
{
	uint64_t ram = l->above_4g_start;

	if (l->above_4g &&
	    overlaps(base, base + size, ram, ram + l->above_4g))
		return true;
	return hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD &&
	       l->phys_bits >= 40 &&
	       overlaps(base, base + size, AMD_HT_START, AMD_HT_END);
}

/*
 * Both firmwares distrust QEMU's historical default of 40 phys-bits: 41
 * or more is taken, 40 only from an AMD CPU, 36 and 39 only from Intel.
 */
static bool phys_bits_trusted(const struct hg_pf_guest *g, unsigned int bits)
{
	if (bits >= 41)
		return true;
	if (hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD)
		return bits == 40;
	return bits == 36 || bits == 39;
}

static uint64_t reserved_memory_end(const struct hg_pf_layout *l)
{
	if (!l->devmem_size)
		return 0;
	return align_up(l->devmem_base + l->devmem_size, HG_GIB);
}

/*
 * SeaBIOS 1.16.3 (src/fw/pciinit.c, src/fw/paravirt.c): when it trusts
 * the CPU's phys-bits and there is RAM above 4 GiB, it puts every 64-bit
 * BAR above 4 GiB, in a window aligned to 1/8 of the address space
 * (phys-bits, at most 46) and pushed to its top; one e820 conflict moves
 * it down by its size. Otherwise 64-bit BARs stay below 4 GiB while they
 * fit there. The BARs are assumed to need 1 GiB (what one device with
 * small BARs rounds up to).
 */
static void bars_seabios(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	unsigned int bits = l->phys_bits > 46 ? 46 : l->phys_bits;
	uint64_t top = 1ULL << bits, size = HG_GIB, base;

	l->bars_high = phys_bits_trusted(g, l->phys_bits) && bits >= 36 &&
		       l->above_4g;
	if (!l->bars_high)
		return;
	size = align_up(size, top >> 3);
	base = reserved_memory_end(l);
	if (base < (1ULL << 32) + l->above_4g)
		base = (1ULL << 32) + l->above_4g;
	base = align_up(base, HG_GIB);
	if (base < top - size)
		base = top - size;
	if (e820_used(g, l, base, size))
		base -= size;
	l->bars_base = base;
	l->bars_size = HG_GIB;
}

/*
 * OVMF (OvmfPkg/Library/PlatformInitLib): a classic 32 GiB window
 * naturally aligned above RAM and device memory; but when the CPU's
 * phys-bits look trustworthy (41 or more; 40 on AMD; 36 or 39 on Intel)
 * it uses the top 1/8 of the address space, phys-bits capped at 46 (no
 * 5-level paging) and at 40 without 1 GiB pages (qemu64, kvm64).
 */
static void bars_ovmf(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	unsigned int bits = l->phys_bits;
	uint64_t first, base, size = 32 * HG_GIB, space;
	bool valid;

	first = l->above_4g_start + l->above_4g;
	if (reserved_memory_end(l) > first)
		first = reserved_memory_end(l);
	base = align_up(align_up(first, HG_GIB), size);
	valid = phys_bits_trusted(g, bits);
	if (bits > 46)
		bits = 46;
	if (bits > 40 && (!strcmp(g->cpu_model, "qemu64") ||
			  !strcmp(g->cpu_model, "kvm64")))
		bits = 40;
	space = 1ULL << (bits - 3);
	if (valid && size < space && base + space < (1ULL << bits)) {
		size = space;
		base = (1ULL << bits) - space;
		if (e820_used(g, l, base, size))
			base = AMD_HT_START - size;
	}
	l->bars_high = true;
	l->bars_base = base;
	l->bars_size = size;
}

static unsigned int aperture_bits(const struct hg_pf_guest *g)
{
	if (g->aw_bits)
		return g->aw_bits;
	if (g->viommu == HG_PF_VIOMMU_INTEL)
		return 39;
	/*
	 * virtio-iommu: 64 by itself, 39 as q35 sets it from QEMU 9.0 on;
	 * machine types 8.2 and older keep 64 (QEMU's hw_compat_8_2), and
	 * before 9.0 the device has no aw-bits: its input range is 64 bits.
	 */
	if (g->qemu && !g->qemu->virtio_aw_bits)
		return 64;
	if (g->machine != HG_PF_Q35)
		return 64;
	if (g->version_major && (g->version_major < 8 ||
				 (g->version_major == 8 && g->version_minor <= 2)))
		return 64;
	return 39;
}

static int check_refusal(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	uint64_t max = l->phys_bits >= 64 ? UINT64_MAX
					  : (1ULL << l->phys_bits) - 1;
	size_t i;

	if (l->max_used > max)
		snprintf(l->refused, sizeof(l->refused),
			 "QEMU refuses to start: the 64-bit PCI hole ends at 0x%llx, above what phys-bits=%u addresses (0x%llx)",
			 (unsigned long long)l->max_used, l->phys_bits,
			 (unsigned long long)max);
	for (i = 0; i < g->n_dimms && !l->refused[0]; i++) {
		const struct hg_pf_dimm *d = &g->dimms[i];

		if (d->has_addr && (d->addr < l->devmem_base ||
				    d->addr + d->size > l->devmem_base + l->devmem_size))
			snprintf(l->refused, sizeof(l->refused),
				 "QEMU refuses to start: dimm '%s' at 0x%llx lies outside the device-memory region 0x%llx-0x%llx",
				 d->id, (unsigned long long)d->addr,
				 (unsigned long long)l->devmem_base,
				 (unsigned long long)(l->devmem_base + l->devmem_size - 1));
	}
	return 0;
}

/* Dimms without addr= go first-fit from the region's start, 1 GiB apart. */
static void place_dimms(const struct hg_pf_guest *g, struct hg_pf_layout *l)
{
	uint64_t next = l->devmem_base;
	size_t i, j;

	for (i = 0; i < g->n_dimms; i++) {
		const struct hg_pf_dimm *d = &g->dimms[i];
		uint64_t at = d->has_addr ? d->addr : next;

		for (j = 0; !d->has_addr && j < g->n_dimms; j++) {
			const struct hg_pf_dimm *o = &g->dimms[j];

			if (o->has_addr && overlaps(at, at + d->size, o->addr,
						    o->addr + o->size)) {
				at = align_up(o->addr + o->size, HG_GIB);
				j = (size_t)-1;
			}
		}
		if (!d->has_addr)
			next = align_up(at + d->size, HG_GIB);
		add_region(l, HG_PF_DIMM, d->id[0] ? d->id : "dimm", at,
			   d->size);
	}
}

int hg_pf_layout(const struct hg_pf_guest *g, struct hg_pf_layout *l,
		 struct hg_err *err)
{
	memset(l, 0, sizeof(*l));
	if (g->undecided[0])
		return hg_err_set(err, -EINVAL, "%s", g->undecided);
	if (g->machine == HG_PF_MACHINE_UNSET)
		return hg_err_set(err, -EINVAL, "no machine type");
	l->phys_bits = hg_pf_cpu_phys_bits(g);
	if (l->phys_bits < 32 || l->phys_bits > 52)
		return hg_err_set(err, -EINVAL,
				  "the guest CPU's phys-bits (%u) are unknown or out of range 32..52",
				  l->phys_bits);
	if (g->maxmem && g->maxmem < g->ram)
		return hg_err_set(err, -EINVAL,
				  "maxmem (%llu MiB) is below the RAM size (%llu MiB)",
				  (unsigned long long)(g->maxmem >> 20),
				  (unsigned long long)(g->ram >> 20));
	ram_split(g, l);
	l->above_4g_start = 1ULL << 32;
	place_high(g, l);
	if (hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD &&
	    l->max_used >= AMD_HT_START) {
		l->above_4g_start = AMD_ABOVE_1T;
		place_high(g, l);
	}
	check_refusal(g, l);
	add_region(l, HG_PF_RAM_LOW, NULL, 0, l->below_4g);
	add_region(l, HG_PF_RAM_HIGH, NULL, l->above_4g_start, l->above_4g);
	add_region(l, HG_PF_HOTPLUG, NULL, l->devmem_base, l->devmem_size);
	place_dimms(g, l);
	if (g->firmware == HG_PF_OVMF)
		bars_ovmf(g, l);
	else
		bars_seabios(g, l);
	if (l->bars_high)
		add_region(l, HG_PF_BARS64, NULL, l->bars_base, l->bars_size);
	if (g->viommu != HG_PF_VIOMMU_NONE) {
		l->aperture_bits = aperture_bits(g);
		add_last(l, HG_PF_APERTURE, NULL, 0,
			 hg_mask_bits(l->aperture_bits));
	}
	return 0;
}
