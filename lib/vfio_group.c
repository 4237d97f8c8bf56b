// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability as VFIO sees it: a group may be used when no member is
 * driven by a kernel driver that does its own DMA (sysfs.c knows which
 * drivers leave DMA to VFIO) and at least one member is vfio-bound.
 */
#include <stdarg.h>
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

/* Appends as snprintf would: @used counts past a full buffer. */
static size_t __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(used < len ? buf + used : NULL,
		      used < len ? len - used : 0, fmt, ap);
	va_end(ap);
	return used + (w > 0 ? (size_t)w : 0);
}

size_t hg_group_vfio_why(const struct hg_group *group, char *why, size_t len)
{
	size_t i, blockers = 0, used = 0;
	const struct hg_device *d;

	if (len)
		why[0] = '\0';
	for (i = 0; i < group->n_members; i++) {
		d = &group->members[i];
		if (hg_driver_lets_vfio_own(d->driver))
			continue;
		/* "A (drv), B (drv)": every one, however many */
		used = append(why, len, used, "%s%s (%s)",
			      blockers++ ? ", " : "", d->name, d->driver);
	}
	if (blockers)
		return append(why, len, used, " %s bound to %s",
			      blockers > 1 ? "are" : "is",
			      blockers > 1 ? "kernel drivers" : "a kernel driver");
	if (!hg_group_vfio_members(group, NULL, 0))
		return append(why, len, 0, "no member is bound to vfio-pci");
	return 0;
}

bool hg_group_vfio_ready(const struct hg_group *group, char *why, size_t len)
{
	return !hg_group_vfio_why(group, why, len);
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
