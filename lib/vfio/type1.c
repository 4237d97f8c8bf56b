// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO type1: put groups into a fresh container, select the type1v2 IOMMU
 * backend and ask VFIO_IOMMU_GET_INFO what the container can map. Every
 * failure the kernel can give here has a usual cause; the messages say it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <hostgeom/vfio_policy.h>
#include <hostgeom/vfio_type1.h>

#include "internal.h"

/*
 * The answer grows only when the ranges change between two calls (a device
 * attached elsewhere meanwhile); a few retries cover that, more means
 * something is wrong. The size cap keeps a broken answer from making us
 * allocate without bound: 1 MiB is tens of thousands of ranges.
 */
#define GET_INFO_TRIES	4
#define GET_INFO_MAX	(1u << 20)

struct type1 {
	const struct hg_ctx *ctx;
	int container;
	int *groups;		/* fds, -1 when not open */
	bool *attached;		/* VFIO_GROUP_SET_CONTAINER succeeded */
	size_t n;
};

static int open_container(struct type1 *t, struct hg_err *err)
{
	char path[4096];
	int ret;

	t->container = hg_vfio_open(t->ctx, path, sizeof(path), "vfio/vfio");
	if (t->container == -ENOENT)
		return hg_err_set(err, -ENOENT,
				  "no %s: the vfio module is not loaded; modprobe vfio-pci",
				  path);
	if (t->container < 0)
		return hg_vfio_open_error(path, t->container, err);
	ret = hg_ctx_ioctl(t->ctx, t->container, VFIO_GET_API_VERSION, NULL);
	if (ret < 0)
		return hg_err_set(err, -errno, "VFIO_GET_API_VERSION on %s: %s",
				  path, strerror(errno));
	if (ret != VFIO_API_VERSION)
		return hg_err_set(err, -EPROTO,
				  "%s speaks VFIO API version %d, hostgeom knows version %d",
				  path, ret, VFIO_API_VERSION);
	ret = hg_ctx_ioctl(t->ctx, t->container, VFIO_CHECK_EXTENSION,
			   (void *)(unsigned long)VFIO_TYPE1v2_IOMMU);
	if (ret <= 0)
		return hg_err_set(err, -ENODEV,
				  "VFIO offers no type1v2 IOMMU backend: modprobe vfio_iommu_type1, and check that the host IOMMU is on (intel_iommu=on or amd_iommu=on)");
	return 0;
}

static int group_not_viable(const struct type1 *t, unsigned int id,
			    struct hg_err *err)
{
	char why[400];

	hg_group_not_ready_why(t->ctx, NULL, id, why, sizeof(why));
	if (!why[0])
		return hg_err_set(err, -EPERM,
				  "group %u is not viable: a member is bound to a kernel driver (sysfs did not say which); bind every member of the group to vfio-pci",
				  id);
	return hg_err_set(err, -EPERM,
			  "group %u is not viable: %s; bind every member of the group to vfio-pci (or unbind it)",
			  id, why);
}

static int busy(unsigned int id, struct hg_err *err)
{
	return hg_err_set(err, -EBUSY,
			  "group %u is in use by another process (QEMU?); stop it or query another group",
			  id);
}

static int add_group(struct type1 *t, size_t i, unsigned int id,
		     struct hg_err *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[4096];

	t->groups[i] = hg_vfio_open(t->ctx, path, sizeof(path), "vfio/%u", id);
	if (t->groups[i] == -ENOENT)
		return hg_err_set(err, -ENOENT,
				  "no %s: group %u does not exist or has no device bound to vfio-pci",
				  path, id);
	if (t->groups[i] == -EBUSY)
		return busy(id, err);
	if (t->groups[i] < 0)
		return hg_vfio_open_error(path, t->groups[i], err);
	if (hg_ctx_ioctl(t->ctx, t->groups[i], VFIO_GROUP_GET_STATUS,
			 &status))
		return hg_err_set(err, -errno,
				  "VFIO_GROUP_GET_STATUS on %s: %s", path,
				  strerror(errno));
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return group_not_viable(t, id, err);
	if (hg_ctx_ioctl(t->ctx, t->groups[i], VFIO_GROUP_SET_CONTAINER,
			 &t->container)) {
		if (errno == EBUSY)
			return busy(id, err);
		return hg_err_set(err, -errno,
				  "VFIO_GROUP_SET_CONTAINER for group %u: %s",
				  id, strerror(errno));
	}
	t->attached[i] = true;
	return 0;
}

static int set_iommu(struct type1 *t, struct hg_err *err)
{
	if (!hg_ctx_ioctl(t->ctx, t->container, VFIO_SET_IOMMU,
			  (void *)(unsigned long)VFIO_TYPE1v2_IOMMU))
		return 0;
	if (errno == EPERM)
		return hg_err_set(err, -EPERM,
				  "VFIO_SET_IOMMU refused (EPERM): the host IOMMU offers no interrupt remapping (MSI isolation), so an assigned device could forge interrupts; to accept that risk set vfio_iommu_type1.allow_unsafe_interrupts=1 (kernel command line or modprobe option; writable at run time in /sys/module/vfio_iommu_type1/parameters/)");
	return hg_err_set(err, -errno, "VFIO_SET_IOMMU(type1v2): %s",
			  strerror(errno));
}

static int get_info(struct type1 *t, struct hg_type1_info *out,
		    struct hg_err *err)
{
	struct vfio_iommu_type1_info *info = NULL, *grown;
	size_t size = sizeof(*info);
	int tries, ret;

	for (tries = 1;; tries++) {
		grown = realloc(info, size);
		if (!grown) {
			free(info);
			return hg_err_set(err, -ENOMEM, "out of memory");
		}
		info = grown;
		memset(info, 0, size);
		info->argsz = size;
		if (hg_ctx_ioctl(t->ctx, t->container, VFIO_IOMMU_GET_INFO,
				 info)) {
			ret = hg_err_set(err, -errno,
					 "VFIO_IOMMU_GET_INFO: %s",
					 strerror(errno));
			break;
		}
		if (info->argsz <= size) {
			ret = hg_type1_parse_info(info, size, out, err);
			break;
		}
		if (tries == GET_INFO_TRIES || info->argsz > GET_INFO_MAX) {
			ret = hg_err_set(err, -EPROTO,
					 "VFIO_IOMMU_GET_INFO still asks for a larger buffer (%u bytes) after %d calls; the ranges keep changing or the kernel answers wrongly",
					 info->argsz, tries);
			break;
		}
		size = info->argsz;
	}
	free(info);
	return ret;
}

/* Unset the container, close the group, close the container: in order. */
static void type1_close(struct type1 *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->attached[i])
			hg_ctx_ioctl(t->ctx, t->groups[i],
				     VFIO_GROUP_UNSET_CONTAINER, NULL);
		if (t->groups[i] >= 0)
			close(t->groups[i]);
	}
	if (t->container >= 0)
		close(t->container);
	free(t->groups);
	free(t->attached);
}

int hg_type1_query(const struct hg_ctx *ctx, const unsigned int *ids,
		   size_t n_ids, struct hg_type1_info *out, struct hg_err *err)
{
	struct type1 t = { .ctx = ctx, .container = -1, .n = n_ids };
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!n_ids)
		return hg_err_set(err, -EINVAL, "no VFIO group to query");
	t.groups = malloc(n_ids * sizeof(*t.groups));
	t.attached = calloc(n_ids, sizeof(*t.attached));
	if (!t.groups || !t.attached) {
		t.n = 0;
		type1_close(&t);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	for (i = 0; i < n_ids; i++)
		t.groups[i] = -1;
	ret = open_container(&t, err);
	for (i = 0; !ret && i < n_ids; i++)
		ret = add_group(&t, i, ids[i], err);
	if (!ret)
		ret = set_iommu(&t, err);
	if (!ret)
		ret = get_info(&t, out, err);
	type1_close(&t);
	return ret;
}
