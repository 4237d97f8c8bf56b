// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability as VFIO sees it: a group may be used when no member is
 * driven by a kernel driver that does its own DMA and at least one member
 * is vfio-bound.
 */
#include <stdio.h>
#include <string.h>

#include <hostgeom/vfio_policy.h>

bool hg_driver_is_vfio(const char *driver)
{
	size_t len = strlen(driver);

	return !strncmp(driver, "vfio-", 5) ||
	       (len > 9 && !strcmp(driver + len - 9, "_vfio_pci"));
}

/*
 * Drivers that leave DMA ownership to VFIO (driver_managed_dma in the
 * kernel): vfio-pci and its variant drivers, the other vfio bus drivers,
 * pci-stub and the PCIe port driver. Any other bound driver makes the group
 * "not viable"; an unbound device does not.
 */
bool hg_driver_lets_vfio_own(const char *driver)
{
	static const char *const allowed[] = {
		"pci-stub", "pcieport", "fsl-pci",
	};
	size_t i;

	if (!driver[0] || hg_driver_is_vfio(driver))
		return true;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(driver, allowed[i]))
			return true;
	return false;
}

static bool selected(const struct hg_device *d, enum hg_member_filter filter)
{
	if (filter == HG_MEMBERS_IN_THE_WAY)
		return !hg_driver_lets_vfio_own(d->driver);
	return !hg_driver_is_vfio(d->driver);
}

size_t hg_group_members(const struct hg_group *group,
			enum hg_member_filter filter, char *buf, size_t len)
{
	bool drivers = filter == HG_MEMBERS_IN_THE_WAY;
	size_t i, count = 0, used = 0;
	int w;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < group->n_members; i++) {
		const struct hg_device *d = &group->members[i];

		if (!selected(d, filter))
			continue;
		if (used < len) {
			w = snprintf(buf + used, len - used, "%s%s%s%s%s",
				     !count ? "" : drivers ? ", " : ",",
				     d->name, drivers ? " (" : "",
				     drivers ? d->driver : "",
				     drivers ? ")" : "");
			used += w > 0 ? (size_t)w : 0;
		}
		count++;
	}
	return count;
}

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
	char listed[256];
	size_t blockers;

	blockers = hg_group_members(group, HG_MEMBERS_IN_THE_WAY, listed,
				    sizeof(listed));
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
