/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Geometry: what a device can really map, derived from the sources the
 * kernel offers, and the comparison between them.
 */
#ifndef HOSTGEOM_GEOMETRY_H
#define HOSTGEOM_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>
#include <hostgeom/range.h>
#include <hostgeom/sysfs.h>

/*
 * The usable ranges sysfs implies: [0, 2^aw_bits - 1] minus every reserved
 * region except direct-relaxable ones (VFIO type1 and iommufd skip those;
 * a type hostgeom does not know counts as reserved). @usable is replaced.
 * -EINVAL for @aw_bits 0 or above 64, -ENOMEM.
 */
int hg_usable_from_resv(const struct hg_resv *resv, size_t n,
			unsigned int aw_bits, struct hg_ranges *usable);

/* Address width implied by usable ranges: bits of the highest end, or 0. */
unsigned int hg_aw_bits_of(const struct hg_ranges *usable);

/* Smallest page size in a pgsizes bitmap, 0 when empty. */
uint64_t hg_min_pgsize(uint64_t pgsizes);

struct hg_diff {
	struct hg_range range;
	bool in_a;		/* usable per source A only (else B only) */
};

/*
 * Differences between two usable-range sets, as ranges usable in one and
 * not the other, sorted by start, in a malloc'd array (free()). @n is 0 and
 * *@out NULL when they agree.
 */
int hg_ranges_diff(const struct hg_ranges *a, const struct hg_ranges *b,
		   struct hg_diff **out, size_t *n);

#endif
