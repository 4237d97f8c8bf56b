/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the preflight, below the check and the fix search: whether a
 * region fits a host, and the scratch a fix search tries values in.
 */
#ifndef HOSTGEOM_PREFLIGHT_FIT_H
#define HOSTGEOM_PREFLIGHT_FIT_H

#include <stdbool.h>

#include <hostgeom/preflight.h>

/* First part of @r outside @usable; false when @usable covers it. */
bool hg_pf_outside(const struct hg_range *r, const struct hg_ranges *usable,
		   struct hg_range *out);
/* The guest bus that makes @dev share its IOMMU group, or NULL. */
const struct hg_pf_bus *hg_pf_shared_bus(const struct hg_pf_guest *g,
					 const struct hg_pf_device *dev);

/* How region @ri conflicts with a host, when it does. */
struct pf_conflict_of {
	enum hg_pf_severity severity;
	struct hg_range outside;	/* first part the host cannot map */
	const struct hg_pf_bus *bus;	/* a hazard: the shared guest bus */
};

/* Does region @ri of @l (the layout of @g) conflict with @h (device @di)? */
bool pf_region_conflict(const struct hg_pf_guest *g,
			const struct hg_pf_layout *l, size_t ri, size_t di,
			const struct hg_pf_host *h, struct pf_conflict_of *c);

/*
 * A fix search's scratch: @guest is a copy of the guest that a try
 * changes one setting of (and restores), @layout the layout of each try.
 */
struct pf_fit {
	struct hg_pf_guest *guest;
	struct hg_pf_layout *layout;
	const struct hg_pf_host *hosts;
	size_t n_hosts;
	const struct hg_pf_layout *orig;	/* the guest's as given */
};

/* -ENOMEM, or 0 with the scratch allocated (pf_fit_free). */
int pf_fit_init(struct pf_fit *f, const struct hg_pf_guest *g,
		const struct hg_pf_host *hosts, size_t n_hosts,
		const struct hg_pf_layout *orig);
void pf_fit_free(struct pf_fit *f);
/*
 * The layout of @f->guest: does the region named like @r fit every host,
 * with every memory region (RAM, hotplug, dimms) fitting too and QEMU
 * still starting?
 */
bool pf_fits(struct pf_fit *f, const struct hg_pf_region *r);
/* The same, but other memory regions need only fit where they did. */
bool pf_fits_no_worse(struct pf_fit *f, const struct hg_pf_region *r);

#endif
