// SPDX-License-Identifier: GPL-2.0
/* The fake VFIO/iommufd kernel of fake_vfio.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"

struct fake_kernel fake_kernel;

const struct vfio_iova_range fake_vtd39[2] = {
	{ 0, 0xfedfffff },
	{ 0xfef00000, 0x7fffffffffULL },
};

void fake_answer_init(struct fake_answer *a, uint64_t pgsizes)
{
	struct vfio_iommu_type1_info info = {
		.argsz = sizeof(info),
		.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
		.iova_pgsizes = pgsizes,
	};

	memset(a, 0, sizeof(*a));
	memcpy(a->b, &info, sizeof(info));
	a->len = sizeof(info);
}

void fake_answer_link(struct fake_answer *a, size_t at, uint32_t next)
{
	if (at)
		memcpy(a->b + at + offsetof(struct vfio_info_cap_header, next),
		       &next, sizeof(next));
	else
		memcpy(a->b + offsetof(struct vfio_iommu_type1_info,
				       cap_offset), &next, sizeof(next));
}

size_t fake_answer_cap(struct fake_answer *a, const void *cap, size_t size)
{
	size_t off = a->len;

	memcpy(a->b + off, cap, size);
	a->len += size;
	fake_answer_link(a, a->last, off);
	a->last = off;
	return off;
}

size_t fake_answer_iova(struct fake_answer *a, uint32_t nr,
			const struct vfio_iova_range *r, size_t n_given)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
			    .version = 1 },
		.nr_iovas = nr,
	};
	size_t off = fake_answer_cap(a, &cap, sizeof(cap));

	if (n_given)
		memcpy(a->b + a->len, r, n_given * sizeof(*r));
	a->len += n_given * sizeof(*r);
	return off;
}

size_t fake_answer_dma_avail(struct fake_answer *a, uint32_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
			    .version = 1 },
		.avail = avail,
	};

	return fake_answer_cap(a, &cap, sizeof(cap));
}

size_t fake_answer_migration(struct fake_answer *a)
{
	struct vfio_iommu_type1_info_cap_migration cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION,
			    .version = 1 },
		.pgsize_bitmap = 0x1000,
		.max_dirty_bitmap_size = 0x8000000,
	};

	return fake_answer_cap(a, &cap, sizeof(cap));
}

const char *fake_vfio_setup(void)
{
	char tmpl[] = "/tmp/hostgeom-fakedev.XXXXXX";

	memset(&fake_kernel, 0, sizeof(fake_kernel));
	if (!mkdtemp(tmpl))
		return NULL;
	snprintf(fake_kernel.dev_root, sizeof(fake_kernel.dev_root), "%s",
		 tmpl);
	fake_kernel.has_type1v2 = 1;
	fake_kernel.ioas_id = 5;
	fake_kernel.iova_alignment = 0x1000;
	return fake_kernel.dev_root;
}

void fake_vfio_teardown(void)
{
	if (fake_kernel.dev_root[0])
		fake_remove_tree(fake_kernel.dev_root);
	fake_kernel.dev_root[0] = '\0';
}

int fake_vfio_node(const char *path)
{
	char full[PATH_MAX];
	int fd, ret;

	ret = fake_make_dirs(fake_kernel.dev_root, path, false);
	if (ret)
		return ret;
	snprintf(full, sizeof(full), "%s/%s", fake_kernel.dev_root, path);
	fd = open(full, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The node @fd was opened from, relative to the fake /dev; "" if none. */
static void node_of(int fd, char *buf, size_t len)
{
	char link[64], target[PATH_MAX];
	size_t root = strlen(fake_kernel.dev_root);
	ssize_t n;

	buf[0] = '\0';
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	if (!strncmp(target, fake_kernel.dev_root, root) && target[root] == '/')
		snprintf(buf, len, "%s", target + root + 1);
}

/* Whether any fd of ours is open on a node starting with @prefix. */
static bool node_open(const char *prefix)
{
	char node[48];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		node_of(atoi(de->d_name), node, sizeof(node));
		found = !strncmp(node, prefix, strlen(prefix));
	}
	closedir(dir);
	return found;
}

int fake_open_fds(void)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

static void log_call(const char *node, const char *what)
{
	if (fake_kernel.n_log < FAKE_LOG_MAX)
		snprintf(fake_kernel.log[fake_kernel.n_log++],
			 sizeof(fake_kernel.log[0]), "%s %s", node, what);
}

static void violation(const char *what)
{
	if (!fake_kernel.violation[0])
		snprintf(fake_kernel.violation, sizeof(fake_kernel.violation),
			 "%s", what);
}

int fake_log_find(const char *entry)
{
	size_t i;

	for (i = 0; i < fake_kernel.n_log; i++)
		if (!strcmp(fake_kernel.log[i], entry))
			return i;
	return -1;
}

size_t fake_log_count(const char *entry)
{
	size_t i, n = 0;

	for (i = 0; i < fake_kernel.n_log; i++)
		n += !strcmp(fake_kernel.log[i], entry);
	return n;
}

static int fail(int e)
{
	errno = e;
	return -1;
}

static int get_info(struct vfio_iommu_type1_info *info)
{
	size_t i = fake_kernel.get_info_calls++;
	const struct fake_answer *a;
	uint32_t argsz = info->argsz;

	if (fake_kernel.get_info_errno)
		return fail(fake_kernel.get_info_errno);
	if (!fake_kernel.n_answers)
		return fail(EINVAL);
	if (i >= fake_kernel.n_answers)
		i = fake_kernel.n_answers - 1;
	a = &fake_kernel.answers[i];
	if (fake_kernel.claim_argsz) {
		memcpy(info, a->b, sizeof(*info));
		info->argsz = fake_kernel.claim_argsz;
		info->cap_offset = 0;
		return 0;
	}
	if (argsz < a->len) {
		/* As the kernel does: the fixed part, and the size needed. */
		memcpy(info, a->b, sizeof(*info));
		info->argsz = a->len;
		info->cap_offset = 0;
		return 0;
	}
	memcpy(info, a->b, a->len);
	info->argsz = argsz;
	return 0;
}

static int container_ioctl(unsigned long request, void *arg)
{
	switch (request) {
	case VFIO_GET_API_VERSION:
		log_call("vfio/vfio", "GET_API_VERSION");
		return fake_kernel.api_version;
	case VFIO_CHECK_EXTENSION:
		log_call("vfio/vfio", "CHECK_EXTENSION");
		return (unsigned long)arg == VFIO_TYPE1v2_IOMMU ?
		       fake_kernel.has_type1v2 : 0;
	case VFIO_SET_IOMMU:
		log_call("vfio/vfio", "SET_IOMMU");
		if ((unsigned long)arg != VFIO_TYPE1v2_IOMMU)
			return fail(EINVAL);
		return fake_kernel.set_iommu_errno ?
		       fail(fake_kernel.set_iommu_errno) : 0;
	case VFIO_IOMMU_GET_INFO:
		log_call("vfio/vfio", "GET_INFO");
		return get_info(arg);
	}
	return fail(ENOTTY);
}

static int group_ioctl(const char *node, unsigned long request, void *arg)
{
	struct vfio_group_status *status = arg;
	char other[48];

	switch (request) {
	case VFIO_GROUP_GET_STATUS:
		log_call(node, "GET_STATUS");
		if (status->argsz < sizeof(*status))
			return fail(EINVAL);
		status->flags = fake_kernel.not_viable ? 0 :
				VFIO_GROUP_FLAGS_VIABLE;
		return 0;
	case VFIO_GROUP_SET_CONTAINER:
		log_call(node, "SET_CONTAINER");
		node_of(*(int *)arg, other, sizeof(other));
		if (strcmp(other, "vfio/vfio"))
			return fail(EBADF);
		return fake_kernel.set_container_errno ?
		       fail(fake_kernel.set_container_errno) : 0;
	case VFIO_GROUP_UNSET_CONTAINER:
		log_call(node, "UNSET_CONTAINER");
		if (!node_open("vfio/vfio"))
			violation("container closed before the group left it");
		return 0;
	}
	return fail(ENOTTY);
}

static int iova_ranges(struct iommu_ioas_iova_ranges *cmd)
{
	size_t i = fake_kernel.iova_ranges_calls++;
	struct iommu_iova_range *out = (void *)(uintptr_t)cmd->allowed_iovas;
	uint32_t count, given = cmd->num_iovas, k;

	if (cmd->ioas_id != fake_kernel.ioas_id)
		return fail(ENOENT);
	if (i >= fake_kernel.n_range_counts)
		i = fake_kernel.n_range_counts - 1;
	count = fake_kernel.n_range_counts ? fake_kernel.range_counts[i] : 0;
	for (k = 0; k < count && k < given && k < FAKE_MAX_RANGES; k++) {
		out[k].start = fake_kernel.ranges[k].start;
		out[k].last = fake_kernel.ranges[k].end;
	}
	cmd->num_iovas = count;
	cmd->out_iova_alignment = fake_kernel.iova_alignment;
	return count > given && !fake_kernel.ranges_lie ? fail(EMSGSIZE) : 0;
}

static int hw_info(struct iommu_hw_info *hw)
{
	struct iommu_hw_info_vtd vtd = {
		.cap_reg = fake_kernel.cap_reg,
		.ecap_reg = fake_kernel.ecap_reg,
	};
	const void *data = &vtd;
	size_t len = fake_kernel.hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD ?
		     sizeof(vtd) : 0;

	if (fake_kernel.hw_type == HG_HW_INFO_TYPE_ARM_SMMUV3) {
		data = &fake_kernel.smmuv3;
		len = sizeof(fake_kernel.smmuv3);
	} else if (fake_kernel.hw_type == HG_HW_INFO_TYPE_AMD) {
		data = &fake_kernel.amd;
		len = sizeof(fake_kernel.amd);
	}

	if (fake_kernel.hw_info_errno)
		return fail(fake_kernel.hw_info_errno);
	if (hw->dev_id < 100)
		return fail(ENOENT);
	memset((void *)(uintptr_t)hw->data_uptr, 0, hw->data_len);
	memcpy((void *)(uintptr_t)hw->data_uptr, data,
	       len < hw->data_len ? len : hw->data_len);
	hw->data_len = len;
	hw->out_data_type = fake_kernel.hw_type;
	hw->out_capabilities = 0;
	return 0;
}

static int iommufd_ioctl(unsigned long request, void *arg)
{
	struct iommu_ioas_alloc *alloc = arg;
	struct iommu_destroy *destroy = arg;

	switch (request) {
	case IOMMU_IOAS_ALLOC:
		log_call("iommu", "IOAS_ALLOC");
		alloc->out_ioas_id = fake_kernel.ioas_id;
		return 0;
	case IOMMU_IOAS_IOVA_RANGES:
		log_call("iommu", "IOVA_RANGES");
		return iova_ranges(arg);
	case IOMMU_GET_HW_INFO:
		log_call("iommu", "GET_HW_INFO");
		return hw_info(arg);
	case IOMMU_DESTROY:
		log_call("iommu", "DESTROY");
		if (node_open("vfio/devices/"))
			violation("IOAS destroyed while a device is still open");
		return destroy->id == fake_kernel.ioas_id ? 0 : fail(ENOENT);
	}
	return fail(ENOTTY);
}

static int device_ioctl(const char *node, unsigned long request, void *arg)
{
	struct vfio_device_attach_iommufd_pt *attach = arg;
	struct vfio_device_bind_iommufd *bind = arg;
	char other[48];

	switch (request) {
	case VFIO_DEVICE_BIND_IOMMUFD:
		log_call(node, "BIND");
		node_of(bind->iommufd, other, sizeof(other));
		if (strcmp(other, "iommu"))
			return fail(EBADF);
		if (fake_kernel.bind_errno)
			return fail(fake_kernel.bind_errno);
		bind->out_devid = 100 + atoi(node + strlen("vfio/devices/vfio"));
		return 0;
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		log_call(node, "ATTACH");
		if (attach->pt_id != fake_kernel.ioas_id)
			return fail(ENOENT);
		return fake_kernel.attach_errno ?
		       fail(fake_kernel.attach_errno) : 0;
	}
	return fail(ENOTTY);
}

int fake_ioctl(int fd, unsigned long request, void *arg)
{
	char node[48];

	node_of(fd, node, sizeof(node));
	if (!strcmp(node, "vfio/vfio"))
		return container_ioctl(request, arg);
	if (!strcmp(node, "iommu"))
		return iommufd_ioctl(request, arg);
	if (!strncmp(node, "vfio/devices/", 13))
		return device_ioctl(node, request, arg);
	if (!strncmp(node, "vfio/", 5))
		return group_ioctl(node, request, arg);
	return fail(ENOTTY);
}

void fake_vfio_ctx(struct hg_ctx *ctx, const char *sysfs_root)
{
	ctx->sysfs = sysfs_root;
	ctx->dev = fake_kernel.dev_root;
	ctx->ioctl = fake_ioctl;
}

/* Both backends answer the two ranges @r, type1 with page sizes @pgsizes. */
static void answer_ranges(uint64_t pgsizes, const struct vfio_iova_range r[2])
{
	struct fake_answer *a = &fake_kernel.answers[0];
	size_t i;

	fake_answer_init(a, pgsizes);
	fake_answer_dma_avail(a, 65535);
	fake_answer_iova(a, 2, r, 2);
	fake_kernel.n_answers = 1;
	for (i = 0; i < 2; i++) {
		fake_kernel.ranges[i].start = r[i].start;
		fake_kernel.ranges[i].end = r[i].end;
	}
	fake_kernel.range_counts[0] = 2;
	fake_kernel.n_range_counts = 1;
}

int fake_vfio_default_machine(struct fake_sysfs *fs)
{
	static const struct fake_dev devs[] = {
		{ .name = "0000:01:00.0", .group = 6, .pci = true,
		  .vendor = 0x1234, .device = 0x11e8, .class_code = 0xff0000,
		  .driver = "vfio-pci", .vfio_cdev = "vfio0" },
		{ .name = "0000:02:00.0", .group = 7, .pci = true,
		  .vendor = 0x1b36, .device = 0x000e, .class_code = 0x060400 },
		{ .name = "0000:03:01.0", .parent = "0000:02:00.0",
		  .group = 7, .pci = true, .vendor = 0x1234, .device = 0x11e8,
		  .class_code = 0xff0000, .driver = "vfio-pci",
		  .vfio_cdev = "vfio1" },
		{ .name = "0000:03:02.0", .parent = "0000:02:00.0",
		  .group = 7, .pci = true, .vendor = 0x1234, .device = 0x11e8,
		  .class_code = 0xff0000, .driver = "vfio-pci",
		  .vfio_cdev = "vfio2" },
	};
	static const char *const nodes[] = {
		"vfio/vfio", "vfio/6", "vfio/7", "iommu", "vfio/devices/vfio0",
		"vfio/devices/vfio1", "vfio/devices/vfio2",
	};
	static const char msi[] = "0x00000000fee00000 0x00000000feefffff msi\n";
	size_t i;
	int ret;

	ret = fake_sysfs_add_group(fs, 6, "DMA", msi) ?:
	      fake_sysfs_add_group(fs, 7, "DMA", msi);
	for (i = 0; !ret && i < sizeof(devs) / sizeof(devs[0]); i++)
		ret = fake_sysfs_add_dev(fs, &devs[i]);
	for (i = 0; !ret && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		ret = fake_vfio_node(nodes[i]);
	answer_ranges(FAKE_VTD39_PGSIZES, fake_vtd39);
	fake_kernel.hw_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	fake_kernel.cap_reg = FAKE_VTD39_CAP;
	fake_kernel.ecap_reg = FAKE_VTD39_ECAP;
	return ret;
}

int fake_vfio_arm64_machine(struct fake_sysfs *fs, enum fake_arm64_iommu kind,
			    uint64_t pgsizes)
{
	static const char *const nodes[] = {
		"vfio/vfio", "vfio/0", "vfio/1", "iommu", "vfio/devices/vfio0",
		"vfio/devices/vfio1",
	};
	const uint64_t top = (UINT64_C(1) << 48) - 1;
	struct vfio_iova_range r[2] = {
		{ 0, 0x7ffffff }, { 0x8100000, top },
	};
	size_t i;
	int ret;

	if (kind == FAKE_ARM64_VIRTIO) {
		r[0].end = 0x808ffff;
		r[1].start = 0x80a0000;
	}
	ret = fake_sysfs_add_arm64_host(fs, kind);
	for (i = 0; !ret && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		ret = fake_vfio_node(nodes[i]);
	answer_ranges(pgsizes, r);
	fake_kernel.iova_alignment = pgsizes & -pgsizes;
	fake_kernel.hw_type = IOMMU_HW_INFO_TYPE_NONE;
	if (kind == FAKE_ARM64_SMMUV3) {
		fake_kernel.hw_type = HG_HW_INFO_TYPE_ARM_SMMUV3;
		fake_kernel.smmuv3 = (struct hg_hw_info_smmuv3){
			.idr = { 0xd44101a, 0x2730010, 0, 0x1404, 0, 0x74 },
		};
	}
	return ret;
}

const char *fake_vfio_leaks(int fds_before)
{
	static char why[64];

	if (fake_kernel.violation[0])
		return fake_kernel.violation;
	if (fake_open_fds() != fds_before) {
		snprintf(why, sizeof(why), "%d fds open, %d before",
			 fake_open_fds(), fds_before);
		return why;
	}
	return "";
}
