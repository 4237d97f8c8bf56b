// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of each assigned device: the IOVA ranges its IOMMU can
 * map, from VFIO (type1, iommufd) when the device is bound to vfio-pci,
 * else from sysfs (the group's reserved regions within the IOMMU unit's
 * width), or from a width the user gives.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/geometry.h>
#include <hostgeom/preflight.h>
#include <hostgeom/qemu.h>
#include <hostgeom/ranges_query.h>

#define MSI_LOW		0xfee00000ULL
#define MSI_LAST	0xfeefffffULL

static void set_group(struct hg_pf_host *host, const struct hg_group *group)
{
	host->group = group->id;
	host->have_group = true;
	host->group_shared = group->n_members > 1;
}

static int take(struct hg_pf_host *host, const struct hg_ranges *usable,
		const char *source, struct hg_err *err)
{
	if (hg_ranges_copy(&host->usable, usable))
		return hg_err_set(err, -ENOMEM, "out of memory");
	hg_ranges_normalize(&host->usable);
	host->aw_bits = hg_aw_bits_of(&host->usable);
	snprintf(host->source, sizeof(host->source), "%s", source);
	return 0;
}

int hg_pf_host_from_sysfs(const struct hg_ctx *ctx,
			  const struct hg_topology *topo, const char *device,
			  struct hg_pf_host *host, struct hg_err *err)
{
	struct hg_qemu_input in = { 0 };
	const struct hg_group *group;
	int ret;

	memset(host, 0, sizeof(*host));
	snprintf(host->device, sizeof(host->device), "%s", device);
	group = hg_topology_find_device(topo, device, NULL);
	if (!group)
		return hg_err_set(err, -ENOENT,
				  "host device %s is in no IOMMU group: is the IOMMU on (intel_iommu=on / amd_iommu=on) and the address right?",
				  device);
	set_group(host, group);
	ret = hg_qemu_input_from_sysfs(ctx, topo, &group->id, 1, &in, err);
	if (!ret)
		ret = take(host, &in.usable, "sysfs", err);
	hg_qemu_input_free(&in);
	return ret;
}

int hg_pf_host_from_vfio(const struct hg_ctx *ctx, const char *device,
			 struct hg_pf_host *host, struct hg_err *err)
{
	char *args[] = { (char *)device };
	struct hg_geom_query q = { 0 };
	struct hg_qemu_input in = { 0 };
	int ret;

	memset(host, 0, sizeof(*host));
	snprintf(host->device, sizeof(host->device), "%s", device);
	ret = hg_geom_query(ctx, args, 1, HG_BACKEND_ALL, &q, err);
	if (!ret && q.n_groups)
		set_group(host, q.groups[0].group);
	if (!ret)
		ret = hg_qemu_input_from_query(&q, &in, err);
	if (!ret)
		ret = take(host, &in.usable, in.source, err);
	hg_qemu_input_free(&in);
	hg_geom_query_free(&q);
	return ret;
}

int hg_pf_host_from_width(struct hg_pf_host *host, const char *device,
			  unsigned int aw_bits, struct hg_err *err)
{
	int ret;

	memset(host, 0, sizeof(*host));
	if (aw_bits < 32 || aw_bits > 64)
		return hg_err_set(err, -EINVAL,
				  "host address width %u is out of range 32..64",
				  aw_bits);
	snprintf(host->device, sizeof(host->device), "%s", device ? device : "");
	snprintf(host->source, sizeof(host->source), "given");
	ret = hg_ranges_add(&host->usable, 0, MSI_LOW - 1);
	if (!ret)
		ret = hg_ranges_add(&host->usable, MSI_LAST + 1,
				    hg_mask_bits(aw_bits));
	if (ret)
		return hg_err_set(err, ret, "out of memory");
	host->aw_bits = aw_bits;
	return 0;
}

void hg_pf_host_free(struct hg_pf_host *host)
{
	hg_ranges_free(&host->usable);
}
