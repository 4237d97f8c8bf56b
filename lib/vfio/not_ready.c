// SPDX-License-Identifier: GPL-2.0
/*
 * Why the kernel refused a group, as sysfs tells it: a fresh walk of the
 * groups and the policy's reading of the one refused. Above both sysfs's
 * walk and the policy, for the messages of type1 and iommufd.
 */
#include <hostgeom/sysfs.h>
#include <hostgeom/vfio_policy.h>

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
