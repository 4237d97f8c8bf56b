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

#include "fix.h"

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

/* First part of @r that @usable does not cover; false when all of it is. */
bool hg_pf_outside(const struct hg_range *r, const struct hg_ranges *usable,
		   struct hg_range *out)
{
	struct hg_ranges one = HG_RANGES_INIT, rest = HG_RANGES_INIT;
	bool found = false;

	if (hg_ranges_add(&one, r->start, r->end) ||
	    hg_ranges_subtract(&one, usable, &rest)) {
		/* out of memory: say "outside" rather than "fits" */
		*out = *r;
		hg_ranges_free(&one);
		return true;
	}
	if (rest.n) {
		*out = rest.v[0];
		found = true;
	}
	hg_ranges_free(&one);
	hg_ranges_free(&rest);
	return found;
}

/* The guest bus that makes @dev share its group, or NULL. */
const struct hg_pf_bus *hg_pf_shared_bus(const struct hg_pf_guest *g,
					 const struct hg_pf_device *dev)
{
	size_t i;

	for (i = 0; dev->bus[0] && i < g->n_buses; i++) {
		const struct hg_pf_bus *b = &g->buses[i];

		if (strcmp(b->id, dev->bus))
			continue;
		if (!strcmp(b->driver, "pcie-root-port"))
			return b->disable_acs ? b : NULL;
		return b;	/* a PCI(e)-to-PCI bridge: never isolates */
	}
	return NULL;
}

static int add_conflict(struct hg_pf_report *rep, enum hg_pf_severity sev,
			size_t region, size_t device,
			const struct hg_range *outside, const char *why)
{
	struct hg_pf_conflict *c;

	if (rep->n_conflicts >= HG_PF_CONFLICTS_MAX)
		return 0;
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
			      const struct hg_range *out)
{
	const struct hg_pf_bus *bus;
	char why[HG_PF_NOTE_LEN];

	if (g->viommu == HG_PF_VIOMMU_INTEL) {
		snprintf(why, sizeof(why),
			 "intel-iommu aw-bits=%u is wider than the host IOMMU of %s (%u bits): QEMU refuses the device",
			 rep->layout.aperture_bits, h->device, h->aw_bits);
		add_conflict(rep, HG_PF_FATAL, ri, di, out, why);
		return;
	}
	if (di >= g->n_devices)
		return;
	bus = hg_pf_shared_bus(g, &g->devices[di]);
	if (!bus)
		return;	/* singleton: the reserved regions do their job */
	snprintf(why, sizeof(why),
		 "virtio-iommu aw-bits=%u is wider than the host IOMMU of %s (%u bits) and the device shares its guest group with %s '%s': the guest keeps using IOVAs the host cannot map",
		 rep->layout.aperture_bits, h->device, h->aw_bits,
		 bus->driver, bus->id);
	add_conflict(rep, HG_PF_HAZARD, ri, di, out, why);
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
	enum hg_pf_severity sev = HG_PF_FATAL;
	struct hg_range out;
	char why[HG_PF_NOTE_LEN];

	if (r->kind == HG_PF_APERTURE) {
		/* its width matters: holes below are the guest's to avoid */
		if (!h->usable.n ||
		    r->range.end <= h->usable.v[h->usable.n - 1].end)
			return;
		out.start = h->usable.v[h->usable.n - 1].end + 1;
		out.end = r->range.end;
		return aperture_conflict(g, rep, ri, di, h, &out);
	}
	if (!hg_pf_outside(&r->range, &h->usable, &out))
		return;
	if (r->kind == HG_PF_BARS64)
		sev = HG_PF_DEGRADING;
	snprintf(why, sizeof(why),
		 "%s 0x%llx-0x%llx reaches 0x%llx, beyond what the host IOMMU of %s maps (%u bits): %s",
		 r->name, (unsigned long long)r->range.start,
		 (unsigned long long)r->range.end,
		 (unsigned long long)out.start, h->device, h->aw_bits,
		 consequence(r->kind));
	add_conflict(rep, sev, ri, di, &out, why);
}

bool hg_pf_region_fits(const struct hg_pf_guest *g,
		       const struct hg_pf_region *r,
		       const struct hg_pf_host *hosts, size_t n_hosts)
{
	struct hg_pf_report rep;
	size_t i;

	memset(&rep, 0, sizeof(rep));
	if (hg_pf_layout(g, &rep.layout, NULL) || rep.layout.refused[0])
		return false;
	for (i = 0; i < rep.layout.n_regions; i++) {
		const struct hg_pf_region *o = &rep.layout.regions[i];
		size_t d;

		if (o->kind != r->kind || strcmp(o->name, r->name))
			continue;
		for (d = 0; d < n_hosts; d++)
			region_conflict(g, &rep, i, d, &hosts[d]);
	}
	/* and no memory may be left (or put) beyond the host */
	for (i = 0; i < rep.layout.n_regions; i++) {
		enum hg_pf_kind k = rep.layout.regions[i].kind;
		size_t d;

		if (k == HG_PF_BARS64 || k == HG_PF_APERTURE)
			continue;
		for (d = 0; d < n_hosts; d++)
			region_conflict(g, &rep, i, d, &hosts[d]);
	}
	return !rep.n_conflicts;
}

int hg_pf_check(const struct hg_pf_guest *g, const struct hg_pf_host *hosts,
		size_t n_hosts, struct hg_pf_report *rep, struct hg_err *err)
{
	size_t r, d;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = hg_pf_layout(g, &rep->layout, err);
	if (ret)
		return ret;
	for (r = 0; r < rep->layout.n_regions; r++)
		for (d = 0; d < n_hosts; d++)
			region_conflict(g, rep, r, d, &hosts[d]);
	for (r = 0; r < rep->n_conflicts; r++)
		hg_pf_find_fix(g, hosts, n_hosts, &rep->layout,
			       &rep->conflicts[r]);
	rep->fits = !rep->n_conflicts && !rep->layout.refused[0];
	return 0;
}
