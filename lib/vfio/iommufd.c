// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd: bind the VFIO device cdevs of a group to a new iommufd, attach
 * them all to one IOAS, and read what the IOAS can map. The ranges depend
 * on what is attached (each device's reserved regions and its domain's
 * aperture), so they are read only after every device is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include <hostgeom/iommufd.h>
#include <hostgeom/vfio_policy.h>

#include "sysfs/internal.h"
#include "internal.h"

/* As for type1: the count only grows when something else attaches. */
#define IOVA_RANGES_TRIES	4
#define IOVA_RANGES_MAX		(1u << 16)

struct iommufd {
	const struct hg_ctx *ctx;
	int fd;
	uint32_t ioas;
	bool have_ioas;
	int *devs;		/* cdev fds, -1 when not open */
	uint32_t first_devid;
	size_t n;
};

void hg_iommufd_info_free(struct hg_iommufd_info *info)
{
	hg_ranges_free(&info->iova);
	memset(info, 0, sizeof(*info));
}

static int open_iommufd(const struct hg_ctx *ctx, struct hg_err *err)
{
	char path[PATH_MAX];
	int fd;

	fd = hg_vfio_open(ctx, path, sizeof(path), "iommu");
	if (fd == -ENOENT)
		return hg_err_set(err, -ENODEV,
				  "no %s: this kernel has no iommufd (CONFIG_IOMMUFD) or the module is not loaded (modprobe iommufd)",
				  path);
	if (fd < 0)
		return hg_vfio_open_error(path, fd, err);
	return fd;
}

int hg_iommufd_available(const struct hg_ctx *ctx, struct hg_err *err)
{
	int fd = open_iommufd(ctx, err);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* The driver a PCI device is bound to, "" when none. */
static void pci_driver(const struct hg_ctx *ctx, const char *bdf, char *buf,
		       size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver",
		 hg_ctx_sysfs(ctx), bdf);
	buf[0] = '\0';
	/* A longer name is cut, not overflowed. */
	hg_read_link_base(AT_FDCWD, path, buf, len);
}

/* The cdev name ("vfio3") under SYSFS/bus/pci/devices/BDF/vfio-dev. */
static int find_cdev(const struct hg_ctx *ctx, const char *bdf, char *name,
		     size_t len, struct hg_err *err)
{
	char path[PATH_MAX], driver[64];
	int ret;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s",
		 hg_ctx_sysfs(ctx), bdf);
	ret = hg_vfio_cdev_find(AT_FDCWD, path, name, len);
	/* Names from sysfs are short; a longer one is cut. */
	if (!ret || ret == -ENAMETOOLONG)
		return 0;
	if (ret == -ENODATA)
		return hg_err_set(err, -EPROTO,
				  "%s has an empty vfio-dev directory", bdf);
	if (ret != -ENOENT && ret != -ENOTDIR)
		return hg_err_set(err, ret, "%s/vfio-dev: %s", path,
				  strerror(-ret));
	if (access(path, F_OK))
		return hg_err_set(err, -ENOENT, "no PCI device %s", bdf);
	pci_driver(ctx, bdf, driver, sizeof(driver));
	if (!hg_driver_is_vfio(driver))
		return hg_err_set(err, -EINVAL,
				  "%s is bound to %s, not to a vfio driver; bind it to vfio-pci",
				  bdf, driver[0] ? driver : "no driver");
	return hg_err_set(err, -EOPNOTSUPP,
			  "%s is bound to %s but has no vfio-dev directory: this kernel predates VFIO device cdevs",
			  bdf, driver);
}

/*
 * EPERM from VFIO_DEVICE_BIND_IOMMUFD has two causes: a group member
 * driven by a kernel driver (sysfs shows it), or no MSI isolation.
 */
static int bind_refused(const struct hg_ctx *ctx, const char *bdf,
			struct hg_err *err)
{
	char why[400];

	hg_group_not_ready_why(ctx, bdf, 0, why, sizeof(why));
	if (why[0])
		return hg_err_set(err, -EPERM,
				  "VFIO_DEVICE_BIND_IOMMUFD on %s refused (EPERM): %s; bind every member of the group to vfio-pci",
				  bdf, why);
	return hg_err_set(err, -EPERM,
			  "VFIO_DEVICE_BIND_IOMMUFD on %s refused (EPERM): the host IOMMU offers no interrupt remapping (MSI isolation), so the device could forge interrupts; to accept that risk set iommufd.allow_unsafe_interrupts=1 (kernel command line or modprobe option; writable at run time in /sys/module/iommufd/parameters/)",
			  bdf);
}

static int bind_device(struct iommufd *f, size_t i, const char *bdf,
		       struct hg_err *err)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach), .pt_id = f->ioas,
	};
	char cdev[32], path[PATH_MAX];
	int ret;

	ret = find_cdev(f->ctx, bdf, cdev, sizeof(cdev), err);
	if (ret)
		return ret;
	f->devs[i] = hg_vfio_open(f->ctx, path, sizeof(path),
				  "vfio/devices/%s", cdev);
	if (f->devs[i] == -EBUSY)
		return hg_err_set(err, -EBUSY,
				  "%s (%s) is in use by another process (QEMU?)",
				  bdf, path);
	if (f->devs[i] == -ENOENT)
		return hg_err_set(err, -EOPNOTSUPP,
				  "no %s: this kernel lacks CONFIG_VFIO_DEVICE_CDEV (or devtmpfs did not make the node)",
				  path);
	if (f->devs[i] < 0)
		return hg_vfio_open_error(path, f->devs[i], err);
	bind.iommufd = f->fd;
	if (hg_ctx_ioctl(f->ctx, f->devs[i], VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		if (errno == EBUSY)
			return hg_err_set(err, -EBUSY,
					  "VFIO_DEVICE_BIND_IOMMUFD on %s: busy; its group is in use by another process (QEMU?)",
					  bdf);
		if (errno == EPERM)
			return bind_refused(f->ctx, bdf, err);
		return hg_err_set(err, -errno,
				  "VFIO_DEVICE_BIND_IOMMUFD on %s: %s", bdf,
				  strerror(errno));
	}
	if (i == 0)
		f->first_devid = bind.out_devid;
	if (hg_ctx_ioctl(f->ctx, f->devs[i], VFIO_DEVICE_ATTACH_IOMMUFD_PT,
			 &attach))
		return hg_err_set(err, -errno,
				  "VFIO_DEVICE_ATTACH_IOMMUFD_PT of %s to IOAS %u: %s",
				  bdf, f->ioas, strerror(errno));
	return 0;
}

static int read_ranges(struct iommufd *f, struct hg_iommufd_info *out,
		       struct hg_err *err)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = f->ioas,
	};
	struct iommu_iova_range *v = NULL;
	uint32_t room = 0, i;
	int tries, ret = 0;

	for (tries = 1;; tries++) {
		cmd.num_iovas = room;
		cmd.allowed_iovas = (uintptr_t)v;
		if (!hg_ctx_ioctl(f->ctx, f->fd, IOMMU_IOAS_IOVA_RANGES, &cmd))
			break;
		if (errno != EMSGSIZE) {
			ret = hg_err_set(err, -errno,
					 "IOMMU_IOAS_IOVA_RANGES: %s",
					 strerror(errno));
			goto out;
		}
		if (tries == IOVA_RANGES_TRIES ||
		    cmd.num_iovas > IOVA_RANGES_MAX || cmd.num_iovas <= room) {
			ret = hg_err_set(err, -EPROTO,
					 "IOMMU_IOAS_IOVA_RANGES still asks for room for %u ranges (had %u) after %d calls; the ranges keep changing or the kernel answers wrongly",
					 cmd.num_iovas, room, tries);
			goto out;
		}
		room = cmd.num_iovas;
		/* Zeroed: valgrind cannot see this ioctl write the array. */
		free(v);
		v = calloc(room, sizeof(*v));
		if (!v) {
			ret = hg_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
	}
	if (cmd.num_iovas > room) {
		ret = hg_err_set(err, -EPROTO,
				 "IOMMU_IOAS_IOVA_RANGES succeeded with %u ranges but there was room for %u",
				 cmd.num_iovas, room);
		goto out;
	}
	for (i = 0; i < cmd.num_iovas; i++) {
		if (v[i].start > v[i].last) {
			ret = hg_err_set(err, -EPROTO,
					 "IOMMU_IOAS_IOVA_RANGES: range %u starts at 0x%llx after its last 0x%llx",
					 i, (unsigned long long)v[i].start,
					 (unsigned long long)v[i].last);
			goto out;
		}
		ret = hg_ranges_add(&out->iova, v[i].start, v[i].last);
		if (ret) {
			ret = hg_err_set(err, ret, "out of memory");
			goto out;
		}
	}
	out->iova_alignment = cmd.out_iova_alignment;
out:
	free(v);
	return ret;
}

/* Vendor data is a bonus: a kernel or IOMMU without it is no error. */
static void read_hw_info(struct iommufd *f, struct hg_iommufd_info *out)
{
	union {
		struct iommu_hw_info_vtd vtd;
		struct hg_hw_info_smmuv3 smmuv3;
		struct hg_hw_info_amd amd;
	} data = { 0 };
	struct iommu_hw_info hw = {
		.size = sizeof(hw),
		.dev_id = f->first_devid,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};

	if (hg_ctx_ioctl(f->ctx, f->fd, IOMMU_GET_HW_INFO, &hw))
		return;
	out->have_hw_info = true;
	out->hw_type = hw.out_data_type;
	out->hw_caps = hw.out_capabilities;
	out->max_pasid_log2 = hw.out_max_pasid_log2;
	switch (hw.out_data_type) {
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		hg_vtd_decode(data.vtd.cap_reg, data.vtd.ecap_reg, &out->vtd);
		break;
	case HG_HW_INFO_TYPE_ARM_SMMUV3:
		hg_smmuv3_decode(&data.smmuv3, &out->smmuv3);
		break;
	case HG_HW_INFO_TYPE_AMD:
		hg_amd_decode(data.amd.efr, data.amd.efr2, &out->amd);
		break;
	}
}

unsigned int hg_iommufd_hw_bits(const struct hg_iommufd_info *info)
{
	if (!info->have_hw_info)
		return 0;
	switch (info->hw_type) {
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		return info->vtd.mgaw;
	case HG_HW_INFO_TYPE_ARM_SMMUV3:
		return hg_smmuv3_dma_bits(&info->smmuv3);
	case HG_HW_INFO_TYPE_AMD:
		return hg_amd_dma_bits(&info->amd);
	}
	return 0;
}

uint64_t hg_iommufd_hw_pgsizes(const struct hg_iommufd_info *info)
{
	if (!info->have_hw_info)
		return 0;
	/* VT-d's depend on the table format the driver picked: not said */
	if (info->hw_type == HG_HW_INFO_TYPE_ARM_SMMUV3)
		return info->smmuv3.pgsizes;
	return 0;
}

/* Device fds first (that detaches them), then the IOAS, then iommufd. */
static void iommufd_close(struct iommufd *f)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->devs[i] >= 0)
			close(f->devs[i]);
	if (f->have_ioas) {
		destroy.id = f->ioas;
		hg_ctx_ioctl(f->ctx, f->fd, IOMMU_DESTROY, &destroy);
	}
	if (f->fd >= 0)
		close(f->fd);
	free(f->devs);
}

int hg_iommufd_query(const struct hg_ctx *ctx, const char *const *bdfs,
		     size_t n_bdfs, struct hg_iommufd_info *out,
		     struct hg_err *err)
{
	struct iommufd f = { .ctx = ctx, .n = n_bdfs };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!n_bdfs)
		return hg_err_set(err, -EINVAL, "no device to query");
	f.devs = malloc(n_bdfs * sizeof(*f.devs));
	if (!f.devs)
		return hg_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < n_bdfs; i++)
		f.devs[i] = -1;
	f.fd = open_iommufd(ctx, err);
	if (f.fd < 0) {
		ret = f.fd;
		goto out;
	}
	if (hg_ctx_ioctl(ctx, f.fd, IOMMU_IOAS_ALLOC, &alloc)) {
		ret = hg_err_set(err, -errno, "IOMMU_IOAS_ALLOC: %s",
				 strerror(errno));
		goto out;
	}
	f.ioas = alloc.out_ioas_id;
	f.have_ioas = true;
	for (i = 0, ret = 0; !ret && i < n_bdfs; i++)
		ret = bind_device(&f, i, bdfs[i], err);
	if (!ret)
		ret = read_ranges(&f, out, err);
	if (!ret)
		read_hw_info(&f, out);
out:
	iommufd_close(&f);
	if (ret)
		hg_iommufd_info_free(out);
	return ret;
}
