// SPDX-License-Identifier: GPL-2.0
/*
 * hg_iommufd_query() against a fake iommufd: the EMSGSIZE protocol of
 * IOMMU_IOAS_IOVA_RANGES (and a kernel that breaks it), binding and
 * attaching every device before reading, the hardware information, the
 * failures and their messages, and the clean-up order on every path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include <hostgeom/iommufd.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"
#include "kselftest_harness.h"

static const char *const pair[] = { "0000:03:01.0", "0000:03:02.0" };

FIXTURE(iommufd) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	int fds;
};

/*
 * The default VM preset, plus a NIC on its own driver (group 5) and a
 * vfio-pci device without a vfio-dev directory (group 8).
 */
FIXTURE_SETUP(iommufd)
{
	const struct fake_dev nic = {
		.name = "0000:00:1f.0", .group = 5, .pci = true,
		.vendor = 0x8086, .device = 0x10d3, .class_code = 0x020000,
		.driver = "e1000e",
	};
	const struct fake_dev old = {
		.name = "0000:00:05.0", .group = 8, .pci = true,
		.vendor = 0x1234, .device = 0x11e8, .class_code = 0xff0000,
		.driver = "vfio-pci",
	};

	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_default_machine(self->fs));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &nic));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &old));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
	self->fds = fake_open_fds();
}

FIXTURE_TEARDOWN(iommufd)
{
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

static void expect_fails(struct __test_metadata *_metadata,
			 const struct hg_ctx *ctx, const char *const *bdfs,
			 size_t n, int code, const char *words)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	EXPECT_EQ(code, hg_iommufd_query(ctx, bdfs, n, &info, &err));
	EXPECT_NE(NULL, strstr(err.msg, words)) {
		TH_LOG("message: %s", err.msg);
	}
	EXPECT_EQ(0, info.iova.n);
	EXPECT_EQ(NULL, info.iova.v);
}

TEST_F(iommufd, two_devices_one_ioas)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 2, &info, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0, info.iova.v[0].start);
	EXPECT_EQ(0xfedfffff, info.iova.v[0].end);
	EXPECT_EQ(0xfef00000, info.iova.v[1].start);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].end);
	EXPECT_EQ(0x1000, info.iova_alignment);
	ASSERT_TRUE(info.have_hw_info);
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_INTEL_VTD, info.hw_type);
	EXPECT_EQ(39, info.vtd.mgaw);
	EXPECT_EQ(FAKE_VTD39_CAP, info.vtd.cap_reg);
	/* Zero-sized probe, then the real read. */
	EXPECT_EQ(2, fake_kernel.iova_ranges_calls);
	/* Both attached before the ranges are read. */
	EXPECT_LT(fake_log_find("vfio/devices/vfio1 ATTACH"),
		  fake_log_find("vfio/devices/vfio2 BIND"));
	EXPECT_LT(fake_log_find("vfio/devices/vfio2 ATTACH"),
		  fake_log_find("iommu IOVA_RANGES"));
	EXPECT_EQ(0, fake_log_find("iommu IOAS_ALLOC"));
	EXPECT_EQ(fake_kernel.n_log - 1, fake_log_find("iommu DESTROY"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
	hg_iommufd_info_free(&info);
}

/* The count grew between the probe and the read: ask again. */
TEST_F(iommufd, emsgsize_loop)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	fake_kernel.ranges[1].end = 0x7ffffeffffULL;
	fake_kernel.ranges[2].start = 0x7fffff0000ULL;
	fake_kernel.ranges[2].end = 0x7fffffffffULL;
	fake_kernel.range_counts[0] = 2;
	fake_kernel.range_counts[1] = 3;
	fake_kernel.range_counts[2] = 3;
	fake_kernel.n_range_counts = 3;
	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 1, &info, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(3, fake_kernel.iova_ranges_calls);
	ASSERT_EQ(3, info.iova.n);
	EXPECT_EQ(0x7fffff0000ULL, info.iova.v[2].start);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
	hg_iommufd_info_free(&info);
}

TEST_F(iommufd, count_grows_forever)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_ANSWERS; i++) {
		fake_kernel.ranges[i].start = i * 0x10000;
		fake_kernel.ranges[i].end = i * 0x10000 + 0xfff;
		fake_kernel.range_counts[i] = i + 1;
	}
	fake_kernel.n_range_counts = FAKE_MAX_ANSWERS;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPROTO, "keep changing");
	EXPECT_LT(fake_kernel.iova_ranges_calls, FAKE_MAX_ANSWERS);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* An absurd count is refused before anything is allocated for it. */
TEST_F(iommufd, count_absurd)
{
	fake_kernel.range_counts[0] = UINT32_MAX;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPROTO,
		     "room for 4294967295 ranges");
	EXPECT_EQ(1, fake_kernel.iova_ranges_calls);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* Success, yet more ranges than there was room for: not to be trusted. */
TEST_F(iommufd, more_ranges_than_fit)
{
	fake_kernel.ranges_lie = true;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPROTO,
		     "room for 0");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, zero_ranges)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	fake_kernel.range_counts[0] = 0;
	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 2, &info, &err));
	EXPECT_EQ(0, info.iova.n);
	EXPECT_EQ(1, fake_kernel.iova_ranges_calls);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
	hg_iommufd_info_free(&info);
}

TEST_F(iommufd, range_to_top_of_u64)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	fake_kernel.ranges[1].end = UINT64_MAX;
	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 2, &info, &err));
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(UINT64_MAX, info.iova.v[1].end);
	hg_iommufd_info_free(&info);
}

TEST_F(iommufd, range_backwards)
{
	fake_kernel.ranges[1].start = 0x2000;
	fake_kernel.ranges[1].end = 0x1fff;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPROTO, "after its last");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, no_dev_iommu)
{
	char path[4096];
	struct hg_err err = { 0 };

	snprintf(path, sizeof(path), "%s/iommu", fake_kernel.dev_root);
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(-ENODEV, hg_iommufd_available(&self->ctx, &err));
	EXPECT_NE(NULL, strstr(err.msg, "CONFIG_IOMMUFD"));
	expect_fails(_metadata, &self->ctx, pair, 2, -ENODEV,
		     "no iommufd");
	EXPECT_EQ(0, fake_kernel.n_log);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, available)
{
	struct hg_err err = { 0 };

	EXPECT_EQ(0, hg_iommufd_available(&self->ctx, &err));
	EXPECT_EQ(0, fake_kernel.n_log);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, not_bound_to_vfio)
{
	const char *const nic[] = { "0000:00:1f.0" };

	expect_fails(_metadata, &self->ctx, nic, 1, -EINVAL,
		     "bound to e1000e, not to a vfio driver");
	EXPECT_EQ(1, fake_log_count("iommu DESTROY"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, no_such_device)
{
	const char *const ghost[] = { "0000:09:00.0" };

	expect_fails(_metadata, &self->ctx, ghost, 1, -ENOENT,
		     "no PCI device 0000:09:00.0");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* vfio-pci without a vfio-dev directory: a kernel before device cdevs. */
TEST_F(iommufd, no_vfio_dev_dir)
{
	const char *const old[] = { "0000:00:05.0" };

	expect_fails(_metadata, &self->ctx, old, 1, -EOPNOTSUPP,
		     "predates VFIO device cdevs");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* sysfs has the cdev, /dev does not: CONFIG_VFIO_DEVICE_CDEV is off. */
TEST_F(iommufd, no_cdev_node)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/vfio/devices/vfio2",
		 fake_kernel.dev_root);
	ASSERT_EQ(0, unlink(path));
	expect_fails(_metadata, &self->ctx, pair, 2, -EOPNOTSUPP,
		     "CONFIG_VFIO_DEVICE_CDEV");
	/* The first device was bound already: closed before DESTROY. */
	EXPECT_EQ(1, fake_log_count("vfio/devices/vfio1 ATTACH"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, bind_ebusy)
{
	fake_kernel.bind_errno = EBUSY;
	expect_fails(_metadata, &self->ctx, pair, 2, -EBUSY,
		     "in use by another process (QEMU?)");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* EPERM: no MSI isolation when the group is clean ... */
TEST_F(iommufd, bind_eperm_msi)
{
	fake_kernel.bind_errno = EPERM;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPERM,
		     "iommufd.allow_unsafe_interrupts=1");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* ... a member with a kernel driver when sysfs shows one. */
TEST_F(iommufd, bind_eperm_kernel_driver)
{
	const struct fake_dev nic = {
		.name = "0000:03:03.0", .parent = "0000:02:00.0", .group = 7,
		.pci = true, .vendor = 0x8086, .device = 0x10d3,
		.class_code = 0x020000, .driver = "e1000e",
	};

	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &nic));
	fake_kernel.bind_errno = EPERM;
	expect_fails(_metadata, &self->ctx, pair, 2, -EPERM,
		     "0000:03:03.0 (e1000e) is bound to a kernel driver");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(iommufd, attach_fails)
{
	fake_kernel.attach_errno = EINVAL;
	expect_fails(_metadata, &self->ctx, pair, 2, -EINVAL,
		     "VFIO_DEVICE_ATTACH_IOMMUFD_PT of 0000:03:01.0");
	EXPECT_EQ(-1, fake_log_find("iommu IOVA_RANGES"));
	EXPECT_EQ(1, fake_log_count("iommu DESTROY"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* No vendor data is no failure: the ranges still count. */
TEST_F(iommufd, hw_info_unsupported)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	fake_kernel.hw_info_errno = EOPNOTSUPP;
	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 2, &info, &err));
	EXPECT_FALSE(info.have_hw_info);
	EXPECT_EQ(0, info.vtd.mgaw);
	EXPECT_EQ(2, info.iova.n);
	EXPECT_EQ(0, err.code);
	hg_iommufd_info_free(&info);
}

TEST_F(iommufd, hw_info_not_vtd)
{
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };

	fake_kernel.hw_type = IOMMU_HW_INFO_TYPE_NONE;
	ASSERT_EQ(0, hg_iommufd_query(&self->ctx, pair, 2, &info, &err));
	EXPECT_TRUE(info.have_hw_info);
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_NONE, info.hw_type);
	EXPECT_EQ(0, info.vtd.mgaw);
	hg_iommufd_info_free(&info);
}

TEST_F(iommufd, no_devices)
{
	expect_fails(_metadata, &self->ctx, NULL, 0, -EINVAL, "no device");
	EXPECT_EQ(0, fake_kernel.n_log);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_HARNESS_MAIN
