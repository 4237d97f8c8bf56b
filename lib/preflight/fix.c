// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest fix for a conflict: change one setting, derive the layout
 * again and keep the first change (in the order below, least intrusive
 * first) under which the region fits every device, RAM still fits and
 * QEMU still starts. Each fix is written in QEMU, libvirt and, where the
 * setting exists there, cloud-hypervisor terms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/qemu_libvirt.h>

#include "internal.h"

/* A fix search for one region: the fit's scratch and the region. */
struct try_ctx {
	struct pf_fit *f;
	const struct hg_pf_region *r;
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

static bool fix_phys_bits(const struct try_ctx *t, unsigned int bits,
			  struct hg_pf_fix *f)
{
	struct hg_pf_guest *g = t->f->guest;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN];
	bool host = hg_pf_cpu_host_phys_bits(g), fits;
	unsigned int *set = host ? &g->host_phys_bits_limit : &g->phys_bits;
	unsigned int was = *set;

	*set = bits;
	fits = pf_fits(t->f, t->r);
	*set = was;
	if (!fits)
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

/*
 * Largest @lo..@hi (in GiB) for which @set(scratch, v) fits; 0 when none.
 * Fitting need not be monotonic (a dimm pinned with addr= must stay inside
 * device memory, so a smaller maxmem can be refused where a larger one
 * fits): every value is tried, from the top, within what the narrowest
 * host (and QEMU's 52 phys-bits) can reach. The scratch guest's RAM and
 * maxmem are put back afterwards.
 */
static uint64_t largest_fitting(const struct try_ctx *t, uint64_t lo,
				uint64_t hi,
				void (*set)(struct hg_pf_guest *, uint64_t))
{
	struct hg_pf_guest *n = t->f->guest;
	uint64_t ram = n->ram, maxmem = n->maxmem, v, best = 0;
	unsigned int bits = narrowest(t->f->hosts, t->f->n_hosts);

	if (bits > 52)
		bits = 52;
	if (bits > 30 && hi > 1ULL << (bits - 30))
		hi = 1ULL << (bits - 30);
	for (v = hi; v >= lo && v && !best; v--) {
		set(n, v * HG_GIB);
		if (pf_fits(t->f, t->r))
			best = v;
		n->ram = ram;
		n->maxmem = maxmem;
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

static bool fix_maxmem(const struct try_ctx *t, struct hg_pf_fix *f)
{
	const struct hg_pf_guest *g = t->f->guest;
	uint64_t need = (g->ram + dimm_total(g) + HG_GIB - 1) / HG_GIB;
	uint64_t best;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN], ch[HG_PF_FIX_LEN];

	if (!g->maxmem)
		return false;
	best = largest_fitting(t, need, g->maxmem / HG_GIB - 1, set_maxmem);
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

static bool fix_ram(const struct try_ctx *t, struct hg_pf_fix *f)
{
	const struct hg_pf_guest *g = t->f->guest;
	uint64_t best = largest_fitting(t, 1, g->ram / HG_GIB, set_ram);
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

static bool fix_hole64(const struct try_ctx *t, struct hg_pf_fix *f)
{
	const struct hg_pf_layout *l = t->f->orig;
	struct hg_pf_guest *g = t->f->guest;
	uint64_t size = l->hole64_end - l->hole64_start, best = 0;
	uint64_t was = g->hole64_size;
	char qemu[HG_PF_FIX_LEN], virt[HG_PF_FIX_LEN];
	bool pc = g->machine == HG_PF_PC;

	for (size /= 2; size >= HG_GIB && !best; size /= 2) {
		set_hole64(g, size);
		if (pf_fits(t->f, t->r))
			best = size;
	}
	g->hole64_size = was;
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

static bool fix_dimm_addr(const struct try_ctx *t, struct hg_pf_fix *f)
{
	struct hg_pf_guest *g = t->f->guest;
	char qemu[HG_PF_FIX_LEN];
	bool fits;
	size_t i;

	for (i = 0; i < g->n_dimms; i++)
		if (!strcmp(g->dimms[i].id, t->r->name))
			break;
	if (i == g->n_dimms || !g->dimms[i].has_addr)
		return false;
	/* the hotplug region around it may stay beyond: its own conflict */
	g->dimms[i].has_addr = false;
	fits = pf_fits_no_worse(t->f, t->r);
	g->dimms[i].has_addr = true;
	if (!fits)
		return false;
	snprintf(qemu, sizeof(qemu),
		 "-device pc-dimm,id=%s,memdev=%s without addr= (QEMU places it at the start of device memory)",
		 g->dimms[i].id, g->dimms[i].memdev);
	set_fix(f, qemu,
		"<memory model='dimm'> without <address type='dimm' base=.../>",
		"");
	return true;
}

/*
 * A vIOMMU width fix: @qemu, the libvirt element @xml (malloc'd, freed
 * here; NULL: none) and cloud-hypervisor's width, @ch_bits (0: none).
 */
static void set_width_fix(struct hg_pf_fix *f, const char *qemu, char *xml,
			  unsigned int ch_bits)
{
	char virt[HG_PF_FIX_LEN], ch[HG_PF_FIX_LEN] = "";

	snprintf(virt, sizeof(virt), "%s", xml ? xml : "");
	free(xml);
	if (ch_bits)
		snprintf(ch, sizeof(ch), "--platform iommu_address_width=%u",
			 ch_bits);
	set_fix(f, qemu, virt, ch);
}

/*
 * A QEMU whose virtio-iommu-pci has no aw-bits (before 9.0) cannot narrow
 * it: on q35, intel-iommu with the widest aw-bits the host maps, in its
 * place, when the guest then fits.
 */
static bool fix_virtio_by_intel(const struct try_ctx *t,
				unsigned int host_bits, struct hg_pf_fix *f)
{
	struct hg_pf_guest *g = t->f->guest;
	unsigned int bits = host_bits >= 48 ? 48 : host_bits >= 39 ? 39 : 0;
	unsigned int was = g->aw_bits;
	char qemu[HG_PF_FIX_LEN];
	bool fits;

	if (!bits || g->machine != HG_PF_Q35 || !g->qemu->intel_aw_bits)
		return false;
	g->viommu = HG_PF_VIOMMU_INTEL;
	g->aw_bits = bits;
	fits = pf_fits(t->f, t->r);
	g->viommu = HG_PF_VIOMMU_VIRTIO;
	g->aw_bits = was;
	if (!fits)
		return false;
	snprintf(qemu, sizeof(qemu),
		 "-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,aw-bits=%u in place of virtio-iommu-pci (QEMU %u.%u's has no aw-bits; QEMU 9.0 and later take virtio-iommu-pci,aw-bits=%u)",
		 bits, g->qemu->major, g->qemu->minor, host_bits);
	set_width_fix(f, qemu, hg_libvirt_intel_aw_bits(g->libvirt_version,
							 bits), host_bits);
	return true;
}

static bool fix_aw_bits(const struct try_ctx *t, unsigned int host_bits,
			struct hg_pf_fix *f)
{
	struct hg_pf_guest *g = t->f->guest;
	unsigned int bits = host_bits, was = g->aw_bits;
	char qemu[HG_PF_FIX_LEN];
	bool fits;

	if (g->viommu == HG_PF_VIOMMU_VIRTIO && g->qemu &&
	    !g->qemu->virtio_aw_bits)
		return fix_virtio_by_intel(t, host_bits, f);
	if (g->viommu == HG_PF_VIOMMU_INTEL)
		bits = host_bits >= 48 ? 48 : host_bits >= 39 ? 39 : 0;
	if (!bits)
		return false;
	g->aw_bits = bits;
	fits = pf_fits(t->f, t->r);
	g->aw_bits = was;
	if (!fits)
		return false;
	if (g->viommu == HG_PF_VIOMMU_INTEL) {
		snprintf(qemu, sizeof(qemu), "-device intel-iommu,aw-bits=%u",
			 bits);
		set_width_fix(f, qemu,
			      hg_libvirt_intel_aw_bits(g->libvirt_version, bits),
			      0);
	} else {
		snprintf(qemu, sizeof(qemu),
			 "-device virtio-iommu-pci,aw-bits=%u", bits);
		set_width_fix(f, qemu,
			      hg_libvirt_virtio_aw_bits(g->libvirt_version,
							bits), bits);
	}
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

static bool fix_ram_region(const struct try_ctx *t, struct hg_pf_fix *f)
{
	/* RAM moved to 1 TiB (AMD): a smaller hole64 or maxmem avoids it */
	if (t->f->orig->above_4g_start > (1ULL << 32) &&
	    (fix_maxmem(t, f) || fix_hole64(t, f)))
		return true;
	return fix_ram(t, f);
}

void hg_pf_find_fix(struct pf_fit *fit, struct hg_pf_conflict *c)
{
	struct try_ctx t = { fit, &fit->orig->regions[c->region] };
	unsigned int bits = narrowest(fit->hosts, fit->n_hosts);
	bool found = false;

	switch (t.r->kind) {
	case HG_PF_RAM_LOW:
	case HG_PF_RAM_HIGH:
		found = fix_ram_region(&t, &c->fix);
		break;
	case HG_PF_HOTPLUG:
	case HG_PF_DIMM:
		found = fix_dimm_addr(&t, &c->fix) || fix_maxmem(&t, &c->fix);
		break;
	case HG_PF_BARS64:
		found = fix_phys_bits(&t, bits, &c->fix) ||
			fix_hole64(&t, &c->fix);
		break;
	case HG_PF_APERTURE:
		found = fix_aw_bits(&t, bits, &c->fix);
		if (c->severity == HG_PF_HAZARD)
			fix_singleton(fit->guest, c, &c->alt);
		break;
	}
	if (!found)
		snprintf(c->fix.qemu, sizeof(c->fix.qemu),
			 "no single setting resolves it: lower the memory size, maxmem or phys-bits together");
}
