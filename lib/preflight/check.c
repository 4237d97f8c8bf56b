// SPDX-License-Identifier: GPL-2.0
/*
 * Every guest range VFIO maps against every assigned device's host usable
 * ranges. RAM and device memory outside them are fatal (QEMU's DMA map
 * fails, the device or QEMU with it); the 64-bit BAR window is degrading
 * (QEMU maps BARs only for peer-to-peer). A vIOMMU wider than the host:
 * intel-iommu refuses the device; virtio-iommu passes the host limit on as
 * reserved regions, which the guest ignores when the device joins a group
 * another device set up first (its root port, a bridge).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/preflight.h>

#include "internal.h"

const char *hg_pf_severity_name(enum hg_pf_severity sev)
{
	switch (sev) {
	case HG_PF_FATAL:
		return "fatal";
	case HG_PF_DEGRADING:
		return "degrading";
	case HG_PF_HAZARD:
		return "hazard";
	}
	return "?";
}

static int add_conflict(struct hg_pf_report *rep, enum hg_pf_severity sev,
			size_t region, size_t device,
			const struct hg_range *outside, const char *why)
{
	struct hg_pf_conflict *c;

	if (rep->n_conflicts >= HG_PF_CONFLICTS_MAX) {
		rep->n_unlisted++;	/* said, not dropped silently */
		return 0;
	}
	c = &rep->conflicts[rep->n_conflicts++];
	memset(c, 0, sizeof(*c));
	c->severity = sev;
	c->region = region;
	c->device = device;
	c->outside = *outside;
	snprintf(c->why, sizeof(c->why), "%s", why);
	return 1;
}

static void aperture_conflict(const struct hg_pf_guest *g,
			      struct hg_pf_report *rep, size_t ri, size_t di,
			      const struct hg_pf_host *h,
			      const struct pf_conflict_of *c)
{
	char why[HG_PF_NOTE_LEN];

	if (g->viommu == HG_PF_VIOMMU_INTEL)
		snprintf(why, sizeof(why),
			 "intel-iommu aw-bits=%u is wider than the host IOMMU of %s (%u bits): QEMU refuses the device",
			 rep->layout.aperture_bits, h->device, h->aw_bits);
	else
		snprintf(why, sizeof(why),
			 "virtio-iommu aw-bits=%u is wider than the host IOMMU of %s (%u bits) and the device shares its guest group with %s '%s': the guest keeps using IOVAs the host cannot map",
			 rep->layout.aperture_bits, h->device, h->aw_bits,
			 c->bus->driver, c->bus->id);
	add_conflict(rep, c->severity, ri, di, &c->outside, why);
}

static const char *consequence(enum hg_pf_kind kind)
{
	switch (kind) {
	case HG_PF_HOTPLUG:
		return "memory hot-added there cannot be mapped (the hot-add fails)";
	case HG_PF_BARS64:
		return "QEMU cannot map these BARs, so peer-to-peer DMA to them fails";
	default:
		return "QEMU's DMA map of guest RAM fails and the guest does not start";
	}
}

static void region_conflict(const struct hg_pf_guest *g,
			    struct hg_pf_report *rep, size_t ri, size_t di,
			    const struct hg_pf_host *h)
{
	const struct hg_pf_region *r = &rep->layout.regions[ri];
	struct pf_conflict_of c;
	char why[HG_PF_NOTE_LEN];

	if (!pf_region_conflict(g, &rep->layout, ri, di, h, &c))
		return;
	if (r->kind == HG_PF_APERTURE)
		return aperture_conflict(g, rep, ri, di, h, &c);
	snprintf(why, sizeof(why),
		 "%s 0x%llx-0x%llx reaches 0x%llx, beyond what the host IOMMU of %s maps (%u bits): %s",
		 r->name, (unsigned long long)r->range.start,
		 (unsigned long long)r->range.end,
		 (unsigned long long)c.outside.start, h->device, h->aw_bits,
		 consequence(r->kind));
	add_conflict(rep, c.severity, ri, di, &c.outside, why);
}

int hg_pf_check(const struct hg_pf_guest *g, const struct hg_pf_host *hosts,
		size_t n_hosts, struct hg_pf_report *rep, struct hg_err *err)
{
	struct pf_fit fit;
	size_t r, d;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = hg_pf_layout(g, &rep->layout, err);
	if (ret)
		return ret;
	for (r = 0; r < rep->layout.n_regions; r++)
		for (d = 0; d < n_hosts; d++)
			region_conflict(g, rep, r, d, &hosts[d]);
	if (rep->n_conflicts && pf_fit_init(&fit, g, hosts, n_hosts,
					    &rep->layout))
		return hg_err_set(err, -ENOMEM, "out of memory");
	for (r = 0; r < rep->n_conflicts; r++)
		hg_pf_find_fix(&fit, &rep->conflicts[r]);
	if (rep->n_conflicts)
		pf_fit_free(&fit);
	rep->fits = !rep->n_conflicts && !rep->n_unlisted &&
		    !rep->layout.refused[0];
	return 0;
}
