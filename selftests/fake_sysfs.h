/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic sysfs trees for tests: IOMMU groups and the devices in them,
 * laid out as the kernel lays them out, in a fresh mkdtemp directory under
 * $TMPDIR, else /dev/shm, else /tmp.
 *
 *   ROOT/kernel/iommu_groups/N/{type,reserved_regions,devices/NAME}
 *   ROOT/devices/pciDDDD:BB/NAME/              a PCI device at the top
 *   ROOT/devices/.../PARENT/NAME/              one below a bridge
 *   ROOT/devices/platform/NAME/                a non-PCI device
 *   ROOT/bus/pci/devices/NAME                  -> the device directory
 *
 * A device directory holds uevent (DRIVER=, and PCI_CLASS=, PCI_ID=,
 * PCI_SLOT_NAME= for PCI), vendor, device, class (PCI), the symlinks
 * subsystem, driver and iommu_group, and vfio-dev/vfioN/ when it has a
 * cdev. Every symlink is relative, as in sysfs. Paths given to the
 * functions below are relative to ROOT. All return 0 or a negative errno.
 */
#ifndef HOSTGEOM_FAKE_SYSFS_H
#define HOSTGEOM_FAKE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fake_sysfs;

struct fake_dev {
	const char *name;	/* "0000:00:01.0", or a non-PCI name */
	const char *parent;	/* an added device it sits below, NULL: top */
	int group;		/* IOMMU group id, -1: in no group */
	bool pci;		/* vendor, device, class; subsystem is pci */
	uint16_t vendor, device;
	uint32_t class_code;
	const char *driver;	/* bound driver, NULL: unbound */
	const char *vfio_cdev;	/* "vfio0" makes vfio-dev/vfio0/, NULL: none */
	bool no_uevent;		/* attribute files only, like hand-made trees */
};

/* An empty tree (no kernel/iommu_groups yet); NULL with errno on failure. */
struct fake_sysfs *fake_sysfs_create(void);
/* Removes the tree and frees @fs (NULL is fine). */
void fake_sysfs_destroy(struct fake_sysfs *fs);
const char *fake_sysfs_root(const struct fake_sysfs *fs);

/*
 * Group @id: @type is the type file's line (NULL: no type file), @resv the
 * reserved_regions body as is (NULL: no such file).
 */
int fake_sysfs_add_group(struct fake_sysfs *fs, unsigned int id,
			 const char *type, const char *resv);
/* A device, linked into its group's devices/ (made when missing). */
int fake_sysfs_add_dev(struct fake_sysfs *fs, const struct fake_dev *dev);
/* The directory of added device @name, relative to the root; NULL if none. */
const char *fake_sysfs_dev_path(const struct fake_sysfs *fs, const char *name);

/* Files, directories and links anywhere, parents made as needed. */
int fake_sysfs_write(struct fake_sysfs *fs, const char *path,
		     const void *data, size_t len);
/* Attribute file @attr of added device @name (-ENOENT: no such device). */
int fake_sysfs_dev_write(struct fake_sysfs *fs, const char *name,
			 const char *attr, const void *data, size_t len);
int fake_sysfs_printf(struct fake_sysfs *fs, const char *path,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fake_sysfs_mkdir(struct fake_sysfs *fs, const char *path);
/* @target is relative to the root too; the link is written relative. */
int fake_sysfs_symlink(struct fake_sysfs *fs, const char *path,
		       const char *target);
/*
 * A VT-d unit dmar0 with register @cap (as the kernel prints it) and
 * ecap f00f5e, class/iommu/dmar0, and device @bdf's iommu link to it.
 */
int fake_sysfs_add_vtd_unit(struct fake_sysfs *fs, const char *cap,
			    const char *bdf);

/*
 * An arm64 virt host as the arm64 rows' guests show it (devicetree boot,
 * ACS off): group 0 = root port 0000:00:02.0 (pcieport) + edu
 * 0000:01:00.0 (vfio-pci, vfio0), group 1 = 0000:00:03.0 + 0000:02:00.0
 * (vfio1); each group's MSI window (SMMUv3: the software MSI window
 * 0x8000000-0x80fffff; virtio-iommu: the ITS doorbell 0x8090000-0x809ffff)
 * and the IOMMU unit in class/iommu with each device's iommu link. The
 * page size is the kernel's, which sysfs does not show: type1's page
 * sizes say it (fake_vfio_arm64_machine).
 */
enum fake_arm64_iommu { FAKE_ARM64_SMMUV3, FAKE_ARM64_VIRTIO };
int fake_sysfs_add_arm64_host(struct fake_sysfs *fs, enum fake_arm64_iommu kind);

/* What fake_sysfs_replace() puts where a file was. */
enum fake_hostile {
	FAKE_LINK_DEV_ZERO,	/* a symlink to /dev/zero: never ends */
	FAKE_FIFO,		/* a named pipe: a read blocks forever */
	FAKE_DIRECTORY,		/* a directory */
};

/* Replaces @path (made when missing) by a hostile @kind of file. */
int fake_sysfs_replace(struct fake_sysfs *fs, const char *path,
		       enum fake_hostile kind);

/*
 * Plain-path helpers, for other fake trees too. mkdir -p of @root/@path's
 * directory part (@with_last: of @root/@path itself; @root must exist).
 */
int fake_make_dirs(const char *root, const char *path, bool with_last);
/* rm -r of @dir, symlinks not followed; 0, or -1 with errno. */
int fake_remove_tree(const char *dir);

#endif
