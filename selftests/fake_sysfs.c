// SPDX-License-Identifier: GPL-2.0
/* Synthetic sysfs trees for tests; see fake_sysfs.h for the layout. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_sysfs.h"

struct fake_entry {
	char *name;
	char *path;		/* device directory, relative to the root */
};

struct fake_sysfs {
	char root[PATH_MAX];
	struct fake_entry *devs;
	size_t n_devs, cap_devs;
};

/*
 * $TMPDIR, else /dev/shm: a tmpfs, in memory like sysfs and many times
 * faster to fill than a disk file system; else /tmp.
 */
static const char *tree_parent(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp && *tmp)
		return tmp;
	if (!access("/dev/shm", W_OK | X_OK))
		return "/dev/shm";
	return "/tmp";
}

struct fake_sysfs *fake_sysfs_create(void)
{
	struct fake_sysfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	snprintf(fs->root, sizeof(fs->root), "%s/hostgeom-sysfs.XXXXXX",
		 tree_parent());
	if (!mkdtemp(fs->root)) {
		free(fs);
		return NULL;
	}
	return fs;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

int fake_remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fake_sysfs_destroy(struct fake_sysfs *fs)
{
	size_t i;

	if (!fs)
		return;
	fake_remove_tree(fs->root);
	for (i = 0; i < fs->n_devs; i++) {
		free(fs->devs[i].name);
		free(fs->devs[i].path);
	}
	free(fs->devs);
	free(fs);
}

const char *fake_sysfs_root(const struct fake_sysfs *fs)
{
	return fs->root;
}

/* snprintf into a PATH_MAX buffer; -ENAMETOOLONG when it does not fit. */
static int __attribute__((format(printf, 2, 3)))
pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int full_path(const struct fake_sysfs *fs, const char *path,
		     char *out)
{
	return pathf(out, "%s/%s", fs->root, path);
}

int fake_make_dirs(const char *root, const char *path, bool with_last)
{
	char full[PATH_MAX], *p;
	size_t root_len = strlen(root);
	int ret = pathf(full, "%s/%s", root, path);

	if (ret)
		return ret;
	for (p = full + root_len + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(full, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (with_last && mkdir(full, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* fake_make_dirs() below the tree's root. */
static int make_dirs(const struct fake_sysfs *fs, const char *path,
		     bool with_last)
{
	return fake_make_dirs(fs->root, path, with_last);
}

int fake_sysfs_mkdir(struct fake_sysfs *fs, const char *path)
{
	return make_dirs(fs, path, true);
}

int fake_sysfs_write(struct fake_sysfs *fs, const char *path,
		     const void *data, size_t len)
{
	char full[PATH_MAX];
	int fd, ret;
	ssize_t w;

	ret = make_dirs(fs, path, false);
	if (!ret)
		ret = full_path(fs, path, full);
	if (ret)
		return ret;
	fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	w = write(fd, data, len);
	ret = w < 0 ? -errno : (size_t)w != len ? -EIO : 0;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int fake_sysfs_dev_write(struct fake_sysfs *fs, const char *name,
			 const char *attr, const void *data, size_t len)
{
	const char *dir = fake_sysfs_dev_path(fs, name);
	char path[PATH_MAX];
	int ret;

	if (!dir)
		return -ENOENT;
	ret = pathf(path, "%s/%s", dir, attr);
	return ret ? ret : fake_sysfs_write(fs, path, data, len);
}

int fake_sysfs_printf(struct fake_sysfs *fs, const char *path,
		      const char *fmt, ...)
{
	va_list ap;
	char *text;
	int len, ret;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -ENOMEM;
	ret = fake_sysfs_write(fs, path, text, len);
	free(text);
	return ret;
}

int fake_sysfs_symlink(struct fake_sysfs *fs, const char *path,
		       const char *target)
{
	char full[PATH_MAX], rel[PATH_MAX];
	size_t used = 0;
	const char *p;
	int ret;

	ret = make_dirs(fs, path, false);
	if (!ret)
		ret = full_path(fs, path, full);
	if (ret)
		return ret;
	/* One "../" per directory between the root and the link. */
	for (p = path; (p = strchr(p, '/')); p++) {
		if (used + 3 >= sizeof(rel))
			return -ENAMETOOLONG;
		memcpy(rel + used, "../", 3);
		used += 3;
	}
	if (used + strlen(target) >= sizeof(rel))
		return -ENAMETOOLONG;
	strcpy(rel + used, target);
	return symlink(rel, full) ? -errno : 0;
}

int fake_sysfs_add_group(struct fake_sysfs *fs, unsigned int id,
			 const char *type, const char *resv)
{
	char path[PATH_MAX];
	int ret;

	ret = pathf(path, "kernel/iommu_groups/%u/devices", id) ?:
	      fake_sysfs_mkdir(fs, path);
	if (!ret && type)
		ret = pathf(path, "kernel/iommu_groups/%u/type", id) ?:
		      fake_sysfs_printf(fs, path, "%s\n", type);
	if (!ret && resv)
		ret = pathf(path, "kernel/iommu_groups/%u/reserved_regions",
			    id) ?:
		      fake_sysfs_write(fs, path, resv, strlen(resv));
	return ret;
}

int fake_sysfs_replace(struct fake_sysfs *fs, const char *path,
		       enum fake_hostile kind)
{
	char full[PATH_MAX];
	int ret;

	ret = pathf(full, "%s/%s", fs->root, path);
	if (!ret)
		ret = fake_make_dirs(fs->root, path, false);
	if (ret)
		return ret;
	if (unlink(full) && errno != ENOENT)
		return -errno;
	switch (kind) {
	case FAKE_LINK_DEV_ZERO:
		ret = symlink("/dev/zero", full);
		break;
	case FAKE_FIFO:
		ret = mkfifo(full, 0644);
		break;
	case FAKE_DIRECTORY:
		ret = mkdir(full, 0755);
		break;
	}
	return ret ? -errno : 0;
}

const char *fake_sysfs_dev_path(const struct fake_sysfs *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n_devs; i++)
		if (!strcmp(fs->devs[i].name, name))
			return fs->devs[i].path;
	return NULL;
}

static int remember(struct fake_sysfs *fs, const char *name, const char *path)
{
	struct fake_entry *v;

	if (fs->n_devs == fs->cap_devs) {
		size_t cap = fs->cap_devs ? fs->cap_devs * 2 : 16;

		v = realloc(fs->devs, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fs->devs = v;
		fs->cap_devs = cap;
	}
	v = &fs->devs[fs->n_devs];
	v->name = strdup(name);
	v->path = strdup(path);
	if (!v->name || !v->path) {
		free(v->name);
		free(v->path);
		return -ENOMEM;
	}
	fs->n_devs++;
	return 0;
}

/* Where @dev's directory goes, relative to the root. */
static int dev_dir(const struct fake_sysfs *fs, const struct fake_dev *dev,
		   char *out)
{
	const char *parent;

	if (dev->parent) {
		parent = fake_sysfs_dev_path(fs, dev->parent);
		if (!parent)
			return -ENOENT;
		return pathf(out, "%s/%s", parent, dev->name);
	}
	/* "DDDD:BB:dd.f" sits below host bridge "pciDDDD:BB". */
	if (dev->pci && strlen(dev->name) == 12)
		return pathf(out, "devices/pci%.7s/%s", dev->name, dev->name);
	return pathf(out, "devices/%s/%s", dev->pci ? "pci0000:00" : "platform",
		     dev->name);
}

/* Writes attribute @attr, "@fmt" of @value, of the device in @dir. */
static int dev_attr(struct fake_sysfs *fs, const char *dir, const char *attr,
		    const char *fmt, unsigned int value)
{
	char path[PATH_MAX], text[32];

	snprintf(text, sizeof(text), fmt, value);
	return pathf(path, "%s/%s", dir, attr) ?:
	       fake_sysfs_write(fs, path, text, strlen(text));
}

static int dev_link(struct fake_sysfs *fs, const char *dir, const char *link,
		    const char *target)
{
	char path[PATH_MAX];

	return pathf(path, "%s/%s", dir, link) ?:
	       fake_sysfs_symlink(fs, path, target);
}

/* What the kernel's uevent file shows: the driver, then the bus's keys. */
static int dev_uevent(struct fake_sysfs *fs, const char *dir,
		      const struct fake_dev *dev)
{
	char path[PATH_MAX], drv[80] = "", pci[160] = "";

	if (dev->driver)
		snprintf(drv, sizeof(drv), "DRIVER=%s\n", dev->driver);
	if (dev->pci)
		snprintf(pci, sizeof(pci),
			 "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n",
			 dev->class_code, dev->vendor, dev->device, dev->name);
	return pathf(path, "%s/uevent", dir) ?:
	       fake_sysfs_printf(fs, path, "%s%s", drv, pci);
}

int fake_sysfs_add_dev(struct fake_sysfs *fs, const struct fake_dev *dev)
{
	const char *bus = dev->pci ? "pci" : "platform";
	char dir[PATH_MAX], path[PATH_MAX];
	int ret;

	ret = dev_dir(fs, dev, dir) ?: fake_sysfs_mkdir(fs, dir);
	if (!ret && !dev->no_uevent)
		ret = dev_uevent(fs, dir, dev);
	if (!ret && dev->pci)
		ret = dev_attr(fs, dir, "vendor", "0x%04x\n", dev->vendor) ?:
		      dev_attr(fs, dir, "device", "0x%04x\n", dev->device) ?:
		      dev_attr(fs, dir, "class", "0x%06x\n", dev->class_code);
	if (!ret)
		ret = pathf(path, "bus/%s", bus) ?:
		      dev_link(fs, dir, "subsystem", path) ?:
		      pathf(path, "bus/%s/devices/%s", bus, dev->name) ?:
		      fake_sysfs_symlink(fs, path, dir);
	if (!ret && dev->driver)
		ret = pathf(path, "bus/%s/drivers/%s", bus, dev->driver) ?:
		      fake_sysfs_mkdir(fs, path) ?:
		      dev_link(fs, dir, "driver", path);
	if (!ret && dev->vfio_cdev)
		ret = pathf(path, "%s/vfio-dev/%s", dir, dev->vfio_cdev) ?:
		      fake_sysfs_mkdir(fs, path);
	if (!ret && dev->group >= 0)
		ret = pathf(path, "kernel/iommu_groups/%d", dev->group) ?:
		      dev_link(fs, dir, "iommu_group", path) ?:
		      pathf(path, "kernel/iommu_groups/%d/devices/%s",
			    dev->group, dev->name) ?:
		      fake_sysfs_symlink(fs, path, dir);
	return ret ?: remember(fs, dev->name, dir);
}

int fake_sysfs_add_vtd_unit(struct fake_sysfs *fs, const char *cap,
			    const char *bdf)
{
#define VTD_UNIT "devices/virtual/iommu/dmar0"
	char link[128];

	snprintf(link, sizeof(link), "bus/pci/devices/%s/iommu", bdf);
	return fake_sysfs_printf(fs, VTD_UNIT "/intel-iommu/cap", "%s\n", cap) ||
	       fake_sysfs_printf(fs, VTD_UNIT "/intel-iommu/ecap", "f00f5e\n") ||
	       fake_sysfs_symlink(fs, "class/iommu/dmar0", VTD_UNIT) ||
	       fake_sysfs_symlink(fs, link, VTD_UNIT) ? -1 : 0;
#undef VTD_UNIT
}

int fake_sysfs_add_arm64_host(struct fake_sysfs *fs, enum fake_arm64_iommu kind)
{
	static const struct fake_dev devs[] = {
		{ .name = "0000:00:02.0", .group = 0, .pci = true,
		  .vendor = 0x1b36, .device = 0x000c, .class_code = 0x060400,
		  .driver = "pcieport" },
		{ .name = "0000:01:00.0", .parent = "0000:00:02.0", .group = 0,
		  .pci = true, .vendor = 0x1234, .device = 0x11e8,
		  .class_code = 0xff0000, .driver = "vfio-pci",
		  .vfio_cdev = "vfio0" },
		{ .name = "0000:00:03.0", .group = 1, .pci = true,
		  .vendor = 0x1b36, .device = 0x000c, .class_code = 0x060400,
		  .driver = "pcieport" },
		{ .name = "0000:02:00.0", .parent = "0000:00:03.0", .group = 1,
		  .pci = true, .vendor = 0x1234, .device = 0x11e8,
		  .class_code = 0xff0000, .driver = "vfio-pci",
		  .vfio_cdev = "vfio1" },
	};
	const bool smmu = kind == FAKE_ARM64_SMMUV3;
	const char *msi = smmu ? "0x0000000008000000 0x00000000080fffff msi\n" :
				 "0x0000000008090000 0x000000000809ffff msi\n";
	/*
	 * The SMMU is a platform device; virtio-iommu a virtio device on
	 * PCI, its unit named after the PCI function (as the arm64 rows'
	 * guests show them).
	 */
	const char *unit = smmu ?
		"devices/platform/9050000.smmuv3/iommu/smmu3.0x0000000009050000" :
		"devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/iommu/0000:00:01.0";
	char link[128];
	size_t i;
	int ret;

	ret = fake_sysfs_add_group(fs, 0, "DMA", msi) ?:
	      fake_sysfs_add_group(fs, 1, "DMA", msi) ?:
	      fake_sysfs_mkdir(fs, unit) ?:
	      fake_sysfs_symlink(fs, smmu ? "class/iommu/smmu3.0x0000000009050000" :
					    "class/iommu/0000:00:01.0", unit);
	for (i = 0; !ret && i < sizeof(devs) / sizeof(devs[0]); i++) {
		ret = fake_sysfs_add_dev(fs, &devs[i]);
		snprintf(link, sizeof(link), "bus/pci/devices/%s/iommu",
			 devs[i].name);
		ret = ret ?: fake_sysfs_symlink(fs, link, unit);
	}
	return ret;
}
