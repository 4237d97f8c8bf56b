// SPDX-License-Identifier: GPL-2.0
/*
 * Does a guest region fit a device's host IOMMU? The decision alone, below
 * both the check (which words each conflict) and the fix search (which
 * asks it again for each value it tries). A fix search works on one
 * scratch copy of the guest and one scratch layout, made once per check:
 * each try changes one setting in place, derives the layout into the
 * scratch and puts the setting back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

bool pf_region_conflict(const struct hg_pf_guest *g,
			const struct hg_pf_layout *l, size_t ri, size_t di,
			const struct hg_pf_host *h, struct pf_conflict_of *c)
{
	const struct hg_pf_region *r = &l->regions[ri];

	memset(c, 0, sizeof(*c));
	c->severity = HG_PF_FATAL;
	if (r->kind == HG_PF_APERTURE) {
		/* its width matters: holes below are the guest's to avoid */
		if (!h->usable.n ||
		    r->range.end <= h->usable.v[h->usable.n - 1].end)
			return false;
		c->outside.start = h->usable.v[h->usable.n - 1].end + 1;
		c->outside.end = r->range.end;
		if (g->viommu == HG_PF_VIOMMU_INTEL)
			return true;
		if (di >= g->n_devices)
			return false;
		c->bus = hg_pf_shared_bus(g, &g->devices[di]);
		/* singleton: the reserved regions do their job */
		c->severity = HG_PF_HAZARD;
		return c->bus != NULL;
	}
	if (!hg_pf_outside(&r->range, &h->usable, &c->outside))
		return false;
	if (r->kind == HG_PF_BARS64)
		c->severity = HG_PF_DEGRADING;
	return true;
}

int pf_fit_init(struct pf_fit *f, const struct hg_pf_guest *g,
		const struct hg_pf_host *hosts, size_t n_hosts,
		const struct hg_pf_layout *orig)
{
	memset(f, 0, sizeof(*f));
	f->guest = malloc(sizeof(*f->guest));
	f->layout = malloc(sizeof(*f->layout));
	if (!f->guest || !f->layout) {
		pf_fit_free(f);
		return -ENOMEM;
	}
	*f->guest = *g;
	f->hosts = hosts;
	f->n_hosts = n_hosts;
	f->orig = orig;
	return 0;
}

void pf_fit_free(struct pf_fit *f)
{
	free(f->guest);
	free(f->layout);
	f->guest = NULL;
	f->layout = NULL;
}

static bool conflicts(const struct pf_fit *f, size_t ri)
{
	struct pf_conflict_of c;
	size_t d;

	for (d = 0; d < f->n_hosts; d++)
		if (pf_region_conflict(f->guest, f->layout, ri, d,
				       &f->hosts[d], &c))
			return true;
	return false;
}

/* The region of @l named and kinded like @r, or -1. */
static long find_region(const struct hg_pf_layout *l,
			const struct hg_pf_region *r)
{
	size_t i;

	for (i = 0; i < l->n_regions; i++)
		if (l->regions[i].kind == r->kind &&
		    !strcmp(l->regions[i].name, r->name))
			return (long)i;
	return -1;
}

/* Did the region named like @r fit every host in the guest as given? */
static bool fitted_before(const struct pf_fit *f, const struct hg_pf_region *r)
{
	long i = find_region(f->orig, r);
	struct pf_conflict_of c;
	size_t d;

	if (i < 0)
		return true;
	for (d = 0; d < f->n_hosts; d++)
		if (pf_region_conflict(f->guest, f->orig, i, d, &f->hosts[d],
				       &c))
			return false;
	return true;
}

static bool fits(struct pf_fit *f, const struct hg_pf_region *r,
		 bool no_worse)
{
	const struct hg_pf_layout *l = f->layout;
	size_t i;

	if (hg_pf_layout(f->guest, f->layout, NULL) || l->refused[0])
		return false;
	for (i = 0; i < l->n_regions; i++) {
		const struct hg_pf_region *o = &l->regions[i];
		bool target = o->kind == r->kind && !strcmp(o->name, r->name);

		/* and no memory may be left (or put) beyond the host */
		if (!target && (o->kind == HG_PF_BARS64 ||
				o->kind == HG_PF_APERTURE))
			continue;
		if (!conflicts(f, i))
			continue;
		if (target || !no_worse || fitted_before(f, o))
			return false;
	}
	return true;
}

bool pf_fits(struct pf_fit *f, const struct hg_pf_region *r)
{
	return fits(f, r, false);
}

bool pf_fits_no_worse(struct pf_fit *f, const struct hg_pf_region *r)
{
	return fits(f, r, true);
}
