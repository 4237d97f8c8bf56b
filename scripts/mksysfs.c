// SPDX-License-Identifier: GPL-2.0
/*
 * mksysfs DEVICES [PER_GROUP]: builds a synthetic sysfs tree of DEVICES PCI
 * devices in IOMMU groups of PER_GROUP (default 4) under $TMPDIR and prints
 * its root; the caller removes it. Each group is a root port, a device on
 * vfio-pci with its cdev, an NVMe controller and an unbound device, with
 * the MSI window and, in every fourth group, a direct and a reserved
 * region. Built by scripts/bench.d/groups with selftests/fake_sysfs.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_sysfs.h"

static const struct fake_dev kinds[] = {
	{ .pci = true, .vendor = 0x8086, .device = 0x7ab8,
	  .class_code = 0x060400, .driver = "pcieport" },
	{ .pci = true, .vendor = 0x1b36, .device = 0x0010,
	  .class_code = 0x010802, .driver = "vfio-pci" },
	{ .pci = true, .vendor = 0x144d, .device = 0xa808,
	  .class_code = 0x010802, .driver = "nvme" },
	{ .pci = true, .vendor = 0x1234, .device = 0x11e8,
	  .class_code = 0x00ff00 },
};

static const char *group_resv(unsigned int group)
{
	if (group % 4)
		return "0x00000000fee00000 0x00000000feefffff msi\n";
	return "0x00000000000a0000 0x00000000000bffff direct\n"
	       "0x00000000fee00000 0x00000000feefffff msi\n"
	       "0x0000008000000000 0xffffffffffffffff reserved\n";
}

int main(int argc, char **argv)
{
	unsigned long devices, per_group = 4, i;
	struct fake_sysfs *fs;
	char name[16], cdev[24];
	int ret = 0;

	if (argc < 2 || argc > 3 || !(devices = strtoul(argv[1], NULL, 10)) ||
	    (argc == 3 && !(per_group = strtoul(argv[2], NULL, 10))) ||
	    devices > 65536 * 256) {
		fprintf(stderr, "Usage: mksysfs DEVICES [PER_GROUP]\n");
		return 2;
	}
	fs = fake_sysfs_create();
	if (!fs) {
		perror("mksysfs: creating the tree");
		return 2;
	}
	for (i = 0; !ret && i < devices; i++) {
		struct fake_dev d = kinds[i % per_group % 4];
		unsigned int group = i / per_group;

		snprintf(name, sizeof(name), "%04lx:%02lx:%02lx.%lx",
			 i >> 16, (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
		d.name = name;
		d.group = group;
		if (d.driver && !strcmp(d.driver, "vfio-pci")) {
			snprintf(cdev, sizeof(cdev), "vfio%u", group);
			d.vfio_cdev = cdev;
		}
		if (i % per_group == 0)
			ret = fake_sysfs_add_group(fs, group, "DMA-FQ",
						   group_resv(group));
		if (!ret)
			ret = fake_sysfs_add_dev(fs, &d);
	}
	if (ret) {
		fprintf(stderr, "mksysfs: %s: %s\n", fake_sysfs_root(fs),
			strerror(-ret));
		fake_sysfs_destroy(fs);
		return 2;
	}
	/* The tree stays for the caller; exit frees the rest. */
	puts(fake_sysfs_root(fs));
	return 0;
}
