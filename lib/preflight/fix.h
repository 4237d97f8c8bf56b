/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the preflight: checking one region again, and finding fixes. */
#ifndef HOSTGEOM_PREFLIGHT_FIX_H
#define HOSTGEOM_PREFLIGHT_FIX_H

#include <stdbool.h>

#include <hostgeom/preflight.h>

/* First part of @r outside @usable; false when @usable covers it. */
bool hg_pf_outside(const struct hg_range *r, const struct hg_ranges *usable,
		   struct hg_range *out);
/* The guest bus that makes @dev share its IOMMU group, or NULL. */
const struct hg_pf_bus *hg_pf_shared_bus(const struct hg_pf_guest *g,
					 const struct hg_pf_device *dev);
/*
 * The layout of @g again: does the region named like @r fit every host,
 * with RAM still fitting and QEMU still starting?
 */
bool hg_pf_region_fits(const struct hg_pf_guest *g,
		       const struct hg_pf_region *r,
		       const struct hg_pf_host *hosts, size_t n_hosts);
/* Fills @c->fix (and @c->alt) with the smallest change that resolves it. */
void hg_pf_find_fix(const struct hg_pf_guest *g,
		    const struct hg_pf_host *hosts, size_t n_hosts,
		    const struct hg_pf_layout *l, struct hg_pf_conflict *c);

#endif
