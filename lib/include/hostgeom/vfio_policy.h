/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which drivers leave a device to VFIO, and so whether VFIO takes a group
 * (lib/sysfs/policy.c): the rules of the kernel's driver_managed_dma and
 * vfio_group_viable().
 */
#ifndef HOSTGEOM_VFIO_POLICY_H
#define HOSTGEOM_VFIO_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/ctx.h>
#include <hostgeom/sysfs.h>

/*
 * Drivers whose devices get a vfio cdev: vfio-pci, the other vfio bus
 * drivers and variant drivers (mlx5_vfio_pci).
 */
bool hg_driver_is_vfio(const char *driver);

/*
 * Whether @driver leaves DMA ownership to VFIO (unbound, vfio-*, pci-stub,
 * pcieport, fsl-pci); any other bound driver makes a group not viable.
 */
bool hg_driver_lets_vfio_own(const char *driver);

enum hg_member_filter {
	/* bound to a driver that keeps VFIO out: "A (drv), B (drv)" */
	HG_MEMBERS_IN_THE_WAY,
	/* not on a vfio driver, so iommufd attaches none of them: "A,B" */
	HG_MEMBERS_NOT_VFIO,
};

/*
 * The members of @group that @filter selects, written into @buf in the
 * form given above; returns how many there are. A list too long for @len
 * keeps whole names only: the first ones, and for HG_MEMBERS_IN_THE_WAY
 * " and N more".
 */
size_t hg_group_members(const struct hg_group *group,
			enum hg_member_filter filter, char *buf, size_t len);

/*
 * Whether VFIO would accept the group: at least one member bound to a vfio
 * driver and every other member driverless or bound to a driver that
 * leaves DMA to VFIO (pcieport, pci-stub). When not, @why (if given) names
 * the members in the way, or says that no member is vfio-bound.
 */
bool hg_group_vfio_ready(const struct hg_group *group, char *why,
			 size_t len);
/*
 * The same, sized: writes @why as snprintf would and returns the length
 * the whole reason needs (every member in the way), 0 when VFIO would
 * accept the group.
 */
size_t hg_group_vfio_why(const struct hg_group *group, char *why, size_t len);

/* The vfio-bound members of @group (the devices iommufd attaches). */
size_t hg_group_vfio_members(const struct hg_group *group,
			     const char **names, size_t max);

/*
 * Why sysfs says a group is not usable by VFIO, into @why ("" when sysfs
 * cannot be read, the group is not found or it looks ready): for the
 * message after the kernel refused it. The group is the one of device
 * @bdf, or group @id when @bdf is NULL. It walks sysfs again
 * (lib/vfio/not_ready.c, above the walk and the rules).
 */
void hg_group_not_ready_why(const struct hg_ctx *ctx, const char *bdf,
			    unsigned int id, char *why, size_t len);

#endif
