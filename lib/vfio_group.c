// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability as VFIO sees it: a group may be used when no member is
 * driven by a kernel driver that does its own DMA (sysfs.c knows which
 * drivers leave DMA to VFIO) and at least one member is vfio-bound.
 */
#include <stdio.h>
#include <string.h>

#include <hostgeom/vfio.h>

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

/* "A (drv), B (drv)": the members @names lists, with their drivers. */
static void with_drivers(const struct hg_group *group, char *names,
			 char *buf, size_t len)
{
	const struct hg_device *dev;
	size_t i, used = 0;
	char *name, *save;

	buf[0] = '\0';
	for (name = strtok_r(names, ",", &save); name && used < len;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0, dev = NULL; i < group->n_members; i++)
			if (!strcmp(group->members[i].name, name))
				dev = &group->members[i];
		used += snprintf(buf + used, len - used, "%s%s (%s)",
				 used ? ", " : "", name,
				 dev && dev->driver[0] ? dev->driver : "?");
	}
}

bool hg_group_vfio_ready(const struct hg_group *group, char *why, size_t len)
{
	char names[200], listed[256];
	size_t blockers;

	blockers = hg_group_non_vfio_members(group, names, sizeof(names));
	if (blockers) {
		if (why) {
			with_drivers(group, names, listed, sizeof(listed));
			snprintf(why, len, "%s %s bound to %s", listed,
				 blockers > 1 ? "are" : "is",
				 blockers > 1 ? "kernel drivers"
					      : "a kernel driver");
		}
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
