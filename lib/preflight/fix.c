// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest fix for a conflict: change one setting, derive the layout
 * again and keep the first change (in the order below, least intrusive
 * first) under which the region fits every device, RAM still fits and
 * QEMU still starts. Each fix is written in QEMU, libvirt and, where the
 * setting exists there, cloud-hypervisor terms.
 */
#include <stdio.h>
#include <string.h>

#include "fix.h"

typedef bool (*fits_fn)(const struct hg_pf_guest *g, uint64_t value,
			const void *ctx);

struct try_ctx {
	const struct hg_pf_region *r;
	const struct hg_pf_host *hosts;
	size_t n_hosts;
};

static unsigned int narrowest(const struct hg_pf_host *hosts, size_t n)
{
	unsigned int bits = 64;
	size_t i;

	for (i = 0; i < n; i++)
		if (hosts[i].aw_bits && hosts[i].aw_bits < bits)
			bits = hosts[i].aw_bits;
	return bits;
}

static void set_fix(struct hg_pf_fix *f, const char *qemu,
		    const char *libvirt, const char *ch)
{
	snprintf(f->qemu, sizeof(f->qemu), "%s", qemu);
	snprintf(f->libvirt, sizeof(f->libvirt), "%s", libvirt);
	snprintf(f->cloud_hypervisor, sizeof(f->cloud_hypervisor), "%s", ch);
}

static bool fix_phys_bits(const struct hg_pf_guest *g, const struct try_ctx *t,
			  unsigned int bits, struct hg_pf_fix *f)
{
	struct hg_pf_guest n = *g;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN];
	bool host = hg_pf_cpu_host_phys_bits(g);

	if (host)
		n.host_phys_bits_limit = bits;
	else
		n.phys_bits = bits;
	if (!hg_pf_region_fits(&n, t->r, t->hosts, t->n_hosts))
		return false;
	if (host) {
		snprintf(qemu, sizeof(qemu),
			 "-cpu %s,host-phys-bits=on,host-phys-bits-limit=%u",
			 g->cpu_model, bits);
		snprintf(virt, sizeof(virt),
			 "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='%u'/></cpu>",
			 bits);
	} else {
		snprintf(qemu, sizeof(qemu), "-cpu %s,phys-bits=%u",
			 g->cpu_model, bits);
		snprintf(virt, sizeof(virt),
			 "<cpu><maxphysaddr mode='emulate' bits='%u'/></cpu>",
			 bits);
	}
	snprintf(f->cloud_hypervisor, sizeof(f->cloud_hypervisor),
		 "--cpus max_phys_bits=%u", bits);
	snprintf(f->qemu, sizeof(f->qemu), "%s", qemu);
	snprintf(f->libvirt, sizeof(f->libvirt), "%s", virt);
	return true;
}

/* Largest @lo..@hi (in GiB) for which @set(copy, v) fits; 0 when none. */
static uint64_t largest_fitting(const struct hg_pf_guest *g,
				const struct try_ctx *t, uint64_t lo,
				uint64_t hi,
				void (*set)(struct hg_pf_guest *, uint64_t))
{
	struct hg_pf_guest n = *g;
	uint64_t best = 0;

	while (lo <= hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		n = *g;
		set(&n, mid * HG_GIB);
		if (hg_pf_region_fits(&n, t->r, t->hosts, t->n_hosts)) {
			best = mid;
			lo = mid + 1;
		} else if (!mid) {
			break;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

static void set_maxmem(struct hg_pf_guest *g, uint64_t v)
{
	g->maxmem = v;
}

static void set_ram(struct hg_pf_guest *g, uint64_t v)
{
	g->ram = v;
	if (g->maxmem && g->maxmem < v)
		g->maxmem = v;
}

static void set_hole64(struct hg_pf_guest *g, uint64_t v)
{
	g->hole64_size = v;
}

static uint64_t dimm_total(const struct hg_pf_guest *g)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < g->n_dimms; i++)
		sum += g->dimms[i].size;
	return sum;
}

static bool fix_maxmem(const struct hg_pf_guest *g, const struct try_ctx *t,
		       struct hg_pf_fix *f)
{
	uint64_t need = (g->ram + dimm_total(g) + HG_GIB - 1) / HG_GIB;
	uint64_t best;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN], ch[HG_PF_FIX_LEN];

	if (!g->maxmem)
		return false;
	best = largest_fitting(g, t, need, g->maxmem / HG_GIB - 1, set_maxmem);
	if (!best)
		return false;
	snprintf(qemu, sizeof(qemu), "-m %lluM,slots=%u,maxmem=%lluG",
		 (unsigned long long)(g->ram >> 20), g->slots,
		 (unsigned long long)best);
	snprintf(virt, sizeof(virt),
		 "<maxMemory slots='%u' unit='GiB'>%llu</maxMemory>", g->slots,
		 (unsigned long long)best);
	snprintf(ch, sizeof(ch), "--memory size=%lluM,hotplug_size=%lluM",
		 (unsigned long long)(g->ram >> 20),
		 (unsigned long long)((best * HG_GIB - g->ram) >> 20));
	set_fix(f, qemu, virt, ch);
	return true;
}

static bool fix_ram(const struct hg_pf_guest *g, const struct try_ctx *t,
		    struct hg_pf_fix *f)
{
	uint64_t best = largest_fitting(g, t, 1, g->ram / HG_GIB, set_ram);
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN], ch[HG_PF_FIX_LEN];

	if (!best || best * HG_GIB >= g->ram)
		return false;
	snprintf(qemu, sizeof(qemu), "-m %lluG", (unsigned long long)best);
	snprintf(virt, sizeof(virt), "<memory unit='GiB'>%llu</memory>",
		 (unsigned long long)best);
	snprintf(ch, sizeof(ch), "--memory size=%lluG",
		 (unsigned long long)best);
	set_fix(f, qemu, virt, ch);
	return true;
}

static bool fix_hole64(const struct hg_pf_guest *g, const struct try_ctx *t,
		       const struct hg_pf_layout *l, struct hg_pf_fix *f)
{
	uint64_t size = l->hole64_end - l->hole64_start, best = 0;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN];
	struct hg_pf_guest n;
	bool pc = g->machine == HG_PF_PC;

	for (size /= 2; size >= HG_GIB && !best; size /= 2) {
		n = *g;
		set_hole64(&n, size);
		if (hg_pf_region_fits(&n, t->r, t->hosts, t->n_hosts))
			best = size;
	}
	if (!best)
		return false;
	snprintf(qemu, sizeof(qemu), "-global %s.pci-hole64-size=%lluG",
		 pc ? "i440FX-pcihost" : "q35-pcihost",
		 (unsigned long long)(best / HG_GIB));
	snprintf(virt, sizeof(virt),
		 "<controller type='pci' model='%s'><pcihole64 unit='GiB'>%llu</pcihole64></controller>",
		 pc ? "pci-root" : "pcie-root",
		 (unsigned long long)(best / HG_GIB));
	set_fix(f, qemu, virt, "");
	return true;
}

static bool fix_dimm_addr(const struct hg_pf_guest *g,
			  const struct try_ctx *t, struct hg_pf_fix *f)
{
	struct hg_pf_guest n = *g;
	char qemu[HG_PF_FIX_LEN];
	size_t i;

	for (i = 0; i < n.n_dimms; i++)
		if (!strcmp(n.dimms[i].id, t->r->name))
			break;
	if (i == n.n_dimms || !n.dimms[i].has_addr)
		return false;
	n.dimms[i].has_addr = false;
	if (!hg_pf_region_fits(&n, t->r, t->hosts, t->n_hosts))
		return false;
	snprintf(qemu, sizeof(qemu),
		 "-device pc-dimm,id=%s,memdev=%s without addr= (QEMU places it at the start of device memory)",
		 g->dimms[i].id, g->dimms[i].memdev);
	set_fix(f, qemu,
		"<memory model='dimm'> without <address type='dimm' base=.../>",
		"");
	return true;
}

static bool fix_aw_bits(const struct hg_pf_guest *g, const struct try_ctx *t,
			unsigned int host_bits, struct hg_pf_fix *f)
{
	struct hg_pf_guest n = *g;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN], ch[HG_PF_FIX_LEN];
	unsigned int bits = host_bits;

	if (g->viommu == HG_PF_VIOMMU_INTEL)
		bits = host_bits >= 48 ? 48 : host_bits >= 39 ? 39 : 0;
	if (!bits)
		return false;
	n.aw_bits = bits;
	if (!hg_pf_region_fits(&n, t->r, t->hosts, t->n_hosts))
		return false;
	if (g->viommu == HG_PF_VIOMMU_INTEL) {
		snprintf(qemu, sizeof(qemu), "-device intel-iommu,aw-bits=%u",
			 bits);
		snprintf(virt, sizeof(virt),
			 "<iommu model='intel'><driver aw_bits='%u'/></iommu>",
			 bits);
		ch[0] = '\0';
	} else {
		snprintf(qemu, sizeof(qemu),
			 "-device virtio-iommu-pci,aw-bits=%u", bits);
		snprintf(virt, sizeof(virt),
			 "<iommu model='virtio'/> and <qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='aw-bits' type='unsigned' value='%u'/></qemu:frontend></qemu:device></qemu:override>",
			 bits);
		snprintf(ch, sizeof(ch), "--platform iommu_address_width=%u",
			 bits);
	}
	set_fix(f, qemu, virt, ch);
	return true;
}

static void fix_singleton(const struct hg_pf_guest *g,
			  const struct hg_pf_conflict *c, struct hg_pf_fix *f)
{
	const struct hg_pf_device *d = &g->devices[c->device];
	char qemu[HG_PF_FIX_LEN], id[40];
	size_t i;

	/* a QEMU id takes no ':' */
	snprintf(id, sizeof(id), "rp-%s", d->host);
	for (i = 0; id[i]; i++)
		if (id[i] == ':' || id[i] == '.')
			id[i] = '-';
	snprintf(qemu, sizeof(qemu),
		 "-device pcie-root-port,id=%s,chassis=N (ACS on: no disable-acs=on) and -device vfio-pci,host=%s,bus=%s",
		 id, d->host, id);
	set_fix(f, qemu,
		"a <controller type='pci' model='pcie-root-port'/> of the device's own for its <hostdev> (not behind a pcie-to-pci-bridge)",
		"");
}

static bool fix_ram_region(const struct hg_pf_guest *g,
			   const struct try_ctx *t,
			   const struct hg_pf_layout *l, struct hg_pf_fix *f)
{
	/* RAM moved to 1 TiB (AMD): a smaller hole64 or maxmem avoids it */
	if (l->above_4g_start > (1ULL << 32) &&
	    (fix_maxmem(g, t, f) || fix_hole64(g, t, l, f)))
		return true;
	return fix_ram(g, t, f);
}

void hg_pf_find_fix(const struct hg_pf_guest *g,
		    const struct hg_pf_host *hosts, size_t n_hosts,
		    const struct hg_pf_layout *l, struct hg_pf_conflict *c)
{
	struct try_ctx t = { &l->regions[c->region], hosts, n_hosts };
	unsigned int bits = narrowest(hosts, n_hosts);
	bool found = false;

	switch (t.r->kind) {
	case HG_PF_RAM_LOW:
	case HG_PF_RAM_HIGH:
		found = fix_ram_region(g, &t, l, &c->fix);
		break;
	case HG_PF_HOTPLUG:
	case HG_PF_DIMM:
		found = fix_dimm_addr(g, &t, &c->fix) ||
			fix_maxmem(g, &t, &c->fix);
		break;
	case HG_PF_BARS64:
		found = fix_phys_bits(g, &t, bits, &c->fix) ||
			fix_hole64(g, &t, l, &c->fix);
		break;
	case HG_PF_APERTURE:
		found = fix_aw_bits(g, &t, bits, &c->fix);
		if (c->severity == HG_PF_HAZARD)
			fix_singleton(g, c, &c->alt);
		break;
	}
	if (!found)
		snprintf(c->fix.qemu, sizeof(c->fix.qemu),
			 "no single setting resolves it: lower the memory size, maxmem or phys-bits together");
}
