// SPDX-License-Identifier: GPL-2.0
/*
 * Which named devices host mode refuses (hg_host_check_devices()), on a
 * synthetic sysfs and procfs: a small server with a SATA boot disk behind
 * 00:1f.2, one NIC at 00:03.0 (eth0), an LPC bridge and SMBus controller
 * sharing group 3, a free NIC at 02:00.0 in group 5 behind a root port,
 * and a VM holding group 7's device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_safety.h"

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define SATA "0000:00:1f.2"
#define DISK "devices/pci0000:00/" SATA "/ata1/host0/target0:0:0/0:0:0:0/block/sda"

FIXTURE(host) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	char proc[2048];
	struct hg_err err;
};

static int add(struct fake_sysfs *fs, const char *name, const char *parent,
	       int group, uint32_t cls, const char *driver)
{
	struct fake_dev d = { .name = name, .parent = parent, .group = group,
			      .pci = true, .vendor = 0x8086, .device = 0x1234,
			      .class_code = cls, .driver = driver };

	return fake_sysfs_add_dev(fs, &d);
}

/* Process @pid (named @comm) holding @file open as its fd 5. */
static int holder(struct fake_sysfs *fs, const char *root, int pid,
		  const char *comm, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "proc/%d/comm", pid);
	if (fake_sysfs_printf(fs, path, "%s\n", comm))
		return -1;
	snprintf(path, sizeof(path), "proc/%d/fd", pid);
	if (fake_sysfs_mkdir(fs, path))
		return -1;
	snprintf(path, sizeof(path), "%s/proc/%d/fd/5", root, pid);
	return symlink(file, path);
}

/* / on @majmin, its source @src. */
static int mount_root(struct fake_sysfs *fs, const char *majmin,
		      const char *src)
{
	return fake_sysfs_printf(fs, "proc/self/mountinfo",
				 "22 1 0:21 / /proc rw - proc proc rw\n"
				 "27 1 %s / / rw,relatime - ext4 %s rw\n",
				 majmin, src);
}

FIXTURE_SETUP(host)
{
	const char *root;

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	root = fake_sysfs_root(self->fs);
	self->ctx.sysfs = root;
	self->ctx.dev = "/dev";
	snprintf(self->proc, sizeof(self->proc), "%s/proc", root);
	ASSERT_EQ(0, add(self->fs, SATA, NULL, 3, 0x010601, "ahci"));
	ASSERT_EQ(0, add(self->fs, "0000:00:1f.0", NULL, 3, 0x060100, "lpc_ich"));
	ASSERT_EQ(0, add(self->fs, "0000:00:1f.3", NULL, 3, 0x0c0500, "i801_smbus"));
	ASSERT_EQ(0, add(self->fs, "0000:00:1f.4", NULL, 3, 0x0c0500, NULL));
	ASSERT_EQ(0, add(self->fs, "0000:00:03.0", NULL, 4, 0x020000, "e1000e"));
	ASSERT_EQ(0, add(self->fs, "0000:00:1c.0", NULL, 5, 0x060400, "pcieport"));
	ASSERT_EQ(0, add(self->fs, "0000:02:00.0", "0000:00:1c.0", 5, 0x020000, "igb"));
	ASSERT_EQ(0, add(self->fs, "0000:06:00.0", NULL, 7, 0x030000, "vfio-pci"));
	ASSERT_EQ(0, add(self->fs, "0000:08:00.0", NULL, -1, 0x020000, "igb"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, DISK));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "dev/block/8:0", DISK));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/block/sda", DISK));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/net/eth0/device",
					"devices/pci0000:00/0000:00:03.0"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "class/net/lo"));
	ASSERT_EQ(0, mount_root(self->fs, "8:0", "/dev/sda"));
	ASSERT_EQ(0, holder(self->fs, root, 4242, "qemu-system-x86", "/dev/vfio/7"));
}

FIXTURE_TEARDOWN(host)
{
	fake_sysfs_destroy(self->fs);
}

static int check(FIXTURE_DATA(host) *self, const char *a, const char *b,
		 bool force)
{
	const char *names[] = { a, b };

	hg_err_clear(&self->err);
	return hg_host_check_devices(&self->ctx, self->proc, names,
				     b ? 2 : 1, force, &self->err);
}

#define EXPECT_MSG(needle)					\
	EXPECT_NE(NULL, strstr(self->err.msg, needle)) {		\
		TH_LOG("message: %s", self->err.msg);			\
	}

TEST_F(host, parses_short_and_long_addresses)
{
	char bdf[HG_HOST_BDF_LEN];

	ASSERT_EQ(0, hg_host_parse_bdf("02:00.0", bdf, sizeof(bdf)));
	EXPECT_STREQ("0000:02:00.0", bdf);
	ASSERT_EQ(0, hg_host_parse_bdf("0000:00:1F.3", bdf, sizeof(bdf)));
	EXPECT_STREQ("0000:00:1f.3", bdf);
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("00:1f.8", bdf, sizeof(bdf)));
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("00:20.0", bdf, sizeof(bdf)));
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("0:00:1f.3", bdf, sizeof(bdf)));
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("00:1f.3 ", bdf, sizeof(bdf)));
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("", bdf, sizeof(bdf)));
}

/* VMD puts the devices behind it in domains of five hex digits (bdf.h). */
TEST_F(host, parses_domains_of_five_to_eight_digits)
{
	static const char *const good[][2] = {
		{ "10000:E1:00.0", "10000:e1:00.0" },
		{ "1234abcd:00:1f.7", "1234abcd:00:1f.7" },
	};
	char bdf[HG_HOST_BDF_LEN];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ASSERT_EQ(0, hg_host_parse_bdf(good[i][0], bdf, sizeof(bdf)));
		EXPECT_STREQ(good[i][1], bdf);
	}
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("123456789:00:1f.7", bdf,
					     sizeof(bdf)));
	EXPECT_EQ(-EINVAL, hg_host_parse_bdf("10000:e1:20.0", bdf, sizeof(bdf)));
}

TEST_F(host, a_device_in_a_five_digit_domain_passes)
{
	ASSERT_EQ(0, add(self->fs, "10000:e1:00.0", NULL, 9, 0x010802,
			 "vfio-pci"));
	EXPECT_EQ(0, check(self, "10000:e1:00.0", NULL, false)) {
		TH_LOG("%s", self->err.msg);
	}
}

TEST_F(host, a_free_device_alone_behind_its_bridge_passes)
{
	EXPECT_EQ(0, check(self, "02:00.0", NULL, false)) {
		TH_LOG("%s", self->err.msg);
	}
}

TEST_F(host, a_network_interface_is_named_as_such)
{
	EXPECT_EQ(-EINVAL, check(self, "eth0", NULL, false));
	EXPECT_MSG("'eth0' is a network interface");
}

TEST_F(host, a_disk_is_named_as_such)
{
	EXPECT_EQ(-EINVAL, check(self, "sda", NULL, false));
	EXPECT_MSG("'sda' is a block device");
}

TEST_F(host, other_names_are_not_pci)
{
	EXPECT_EQ(-EINVAL, check(self, "02:00.0", "usb1", false));
	EXPECT_MSG("'usb1' is not a PCI address");
}

TEST_F(host, a_missing_device_is_named)
{
	EXPECT_EQ(-ENOENT, check(self, "0000:09:00.0", NULL, false));
	EXPECT_MSG("no PCI device 0000:09:00.0");
}

TEST_F(host, the_boot_disk_controller_is_refused_unless_forced)
{
	EXPECT_EQ(-EPERM, check(self, SATA, NULL, false));
	EXPECT_MSG("sda, the disk holding /");
	/* Forced, the group's other members still stand in the way. */
	EXPECT_EQ(-EXDEV, check(self, SATA, NULL, true));
}

TEST_F(host, a_bridge_above_the_boot_disk_is_refused)
{
	ASSERT_EQ(0, mount_root(self->fs, "8:16", "/dev/sdb"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "devices/pci0000:00/0000:00:1c.0/0000:02:00.0/host1/block/sdb"));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "dev/block/8:16",
					"devices/pci0000:00/0000:00:1c.0/0000:02:00.0/host1/block/sdb"));
	EXPECT_EQ(-EPERM, check(self, "00:1c.0", NULL, false));
	EXPECT_MSG("0000:00:1c.0 is on the path to sdb");
}

/* Intel VMD puts the boot NVMe in domain 10000, whose names end in
 * another domain's: 0000:e0:06.0 is not 10000:e0:06.0. */
TEST_F(host, a_device_in_another_domain_is_not_the_boot_disk)
{
	const char *vmd = "devices/pci10000:e0/10000:e0:06.0/nvme/nvme0/nvme0n1";

	ASSERT_EQ(0, add(self->fs, "0000:e0:06.0", NULL, 9, 0x020000, "ixgbe"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, vmd));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "dev/block/259:0", vmd));
	ASSERT_EQ(0, mount_root(self->fs, "259:0", "/dev/nvme0n1"));
	EXPECT_EQ(0, check(self, "0000:e0:06.0", NULL, false)) {
		TH_LOG("%s", self->err.msg);
	}
}

/* Root on dm-0 over sda; btrfs-style anonymous number, found by source. */
TEST_F(host, the_disk_under_a_mapper_device_is_found)
{
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "devices/virtual/block/dm-0/slaves"));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "devices/virtual/block/dm-0/slaves/sda", DISK));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/block/dm-0", "devices/virtual/block/dm-0"));
	ASSERT_EQ(0, mount_root(self->fs, "0:35", "/dev/dm-0"));
	EXPECT_EQ(-EPERM, check(self, SATA, NULL, false));
	EXPECT_MSG("sda, the disk holding /");
}

TEST_F(host, a_root_not_on_a_disk_refuses_nothing_for_it)
{
	ASSERT_EQ(0, mount_root(self->fs, "0:24", "hostroot"));
	EXPECT_EQ(-EXDEV, check(self, SATA, NULL, false));
}

TEST_F(host, the_only_network_device_is_refused_unless_forced)
{
	EXPECT_EQ(-EPERM, check(self, "00:03.0", NULL, false));
	EXPECT_MSG("carries eth0, the only network interface");
	EXPECT_EQ(0, check(self, "00:03.0", NULL, true));
}

TEST_F(host, a_network_device_with_another_left_is_fine)
{
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/net/eth1/device",
					"devices/pci0000:00/0000:00:1c.0/0000:02:00.0"));
	EXPECT_EQ(0, check(self, "00:03.0", NULL, false)) {
		TH_LOG("%s", self->err.msg);
	}
	EXPECT_EQ(-EPERM, check(self, "00:03.0", "02:00.0", false));
	EXPECT_MSG("every network interface");
}

TEST_F(host, a_device_a_vm_holds_is_busy)
{
	EXPECT_EQ(-EBUSY, check(self, "06:00.0", NULL, false));
	EXPECT_MSG("process 4242 (qemu-system-x86) holds /dev/vfio/7");
}

TEST_F(host, a_device_whose_cdev_is_held_is_busy)
{
	char link[4096 + 16];

	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "devices/pci0000:00/0000:00:03.0/vfio-dev/vfio2"));
	ASSERT_EQ(0, holder(self->fs, fake_sysfs_root(self->fs), 77, "cloud-hv",
			    "/dev/vfio/devices/vfio2"));
	EXPECT_EQ(-EBUSY, check(self, "00:03.0", NULL, true));
	EXPECT_MSG("process 77 (cloud-hv) holds /dev/vfio/devices/vfio2");
	snprintf(link, sizeof(link), "%s/77/fd/5", self->proc);
	ASSERT_EQ(0, unlink(link));
	EXPECT_EQ(0, check(self, "00:03.0", NULL, true));
}

TEST_F(host, a_device_without_a_group_cannot_be_used)
{
	EXPECT_EQ(-ENODEV, check(self, "08:00.0", NULL, false));
	EXPECT_MSG("0000:08:00.0 has no IOMMU group");
}

TEST_F(host, group_members_not_named_are_named)
{
	EXPECT_EQ(-EXDEV, check(self, "00:1f.3", NULL, false));
	EXPECT_MSG("shares IOMMU group 3");
	EXPECT_MSG("0000:00:1f.0 (lpc_ich)");
	EXPECT_MSG("0000:00:1f.2 (ahci)");
	EXPECT_EQ(NULL, strstr(self->err.msg, "0000:00:1f.3 ("));
	EXPECT_EQ(NULL, strstr(self->err.msg, "0000:00:1f.4"));	/* unbound */
}

TEST_F(host, naming_every_member_in_use_passes)
{
	const char *names[] = { "00:1f.3", "00:1f.0", SATA };

	ASSERT_EQ(0, mount_root(self->fs, "0:24", "hostroot"));
	EXPECT_EQ(-EXDEV, check(self, "00:1f.3", "00:1f.0", false));
	EXPECT_MSG("0000:00:1f.2 (ahci)");
	EXPECT_EQ(NULL, strstr(self->err.msg, "lpc_ich"));
	EXPECT_EQ(0, hg_host_check_devices(&self->ctx, self->proc, names, 3,
					   false, &self->err)) {
		TH_LOG("%s", self->err.msg);
	}
}

TEST_HARNESS_MAIN
