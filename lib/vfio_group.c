// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability as VFIO sees it: a group may be used when no member is
 * driven by a kernel driver that does its own DMA (sysfs.c knows which
 * drivers leave DMA to VFIO) and at least one member is vfio-bound.
 */
#include <stdio.h>

#include <hostgeom/vfio.h>

#include "internal.h"

size_t hg_group_vfio_members(const struct hg_group *group,
			     const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < group->n_members; i++)
		if (hg_driver_is_vfio(group->members[i].driver)) {
			if (n < max)
				names[n] = group->members[i].name;
			n++;
		}
	return n;
}

bool hg_group_vfio_ready(const struct hg_group *group, char *why, size_t len)
{
	size_t i, blockers = 0, used = 0;
	char listed[256] = "";

	for (i = 0; i < group->n_members; i++) {
		const struct hg_device *d = &group->members[i];
		int w;

		if (hg_driver_lets_vfio_own(d->driver))
			continue;
		if (used < sizeof(listed)) {
			/* "A (drv), B (drv)" */
			w = snprintf(listed + used, sizeof(listed) - used,
				     "%s%s (%s)", blockers ? ", " : "",
				     d->name, d->driver);
			used += w > 0 ? (size_t)w : 0;
		}
		blockers++;
	}
	if (blockers) {
		if (why)
			snprintf(why, len, "%s %s bound to %s", listed,
				 blockers > 1 ? "are" : "is",
				 blockers > 1 ? "kernel drivers"
					      : "a kernel driver");
		return false;
	}
	if (!hg_group_vfio_members(group, NULL, 0)) {
		if (why)
			snprintf(why, len, "no member is bound to vfio-pci");
		return false;
	}
	if (why && len)
		why[0] = '\0';
	return true;
}

void hg_group_not_ready_why(const struct hg_ctx *ctx, const char *bdf,
			    unsigned int id, char *why, size_t len)
{
	struct hg_topology topo = { 0 };
	const struct hg_group *group;
	struct hg_err serr = { 0 };

	if (len)
		why[0] = '\0';
	if (hg_sysfs_read_topology(ctx, &topo, &serr))
		return;
	group = bdf ? hg_topology_find_device(&topo, bdf, NULL)
		    : hg_topology_group(&topo, id);
	/* A ready group: it changed since the kernel refused. */
	if (group && hg_group_vfio_ready(group, why, len) && len)
		why[0] = '\0';
	hg_topology_free(&topo);
}
