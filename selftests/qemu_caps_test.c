// SPDX-License-Identifier: GPL-2.0
/*
 * Which QEMU, and what its vIOMMU devices take (qemu_caps.h): on the
 * answers of the real QEMU 7.2 (Debian 12) and 10.0 (bookworm-backports)
 * binaries, recorded in selftests/test_data/qemu/ and replayed by
 * selftests/fake_qemu. The options derived per version: qemu_test.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/qemu_caps.h>

#include "kselftest_harness.h"

#define DATA "selftests/test_data/qemu/"
#define FAKE "selftests/fake_qemu"

/* Replays the recorded binary @version; false when the data is not here. */
static bool fake(const char *version)
{
	char dir[PATH_MAX];

	if (access(FAKE, X_OK))
		return false;
	snprintf(dir, sizeof(dir), DATA "%s", version);
	return !setenv("FAKE_QEMU_DATA", dir, 1) && !access(dir, R_OK);
}

TEST(version_line)
{
	struct hg_qemu_caps c = { 0 };

	ASSERT_EQ(0, hg_qemu_caps_parse_version(
		"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n", &c));
	EXPECT_EQ(7, c.major);
	EXPECT_EQ(2, c.minor);
	EXPECT_EQ(22, c.micro);
	ASSERT_EQ(0, hg_qemu_caps_parse_version("QEMU emulator version 10.0.2\n", &c));
	EXPECT_EQ(10, c.major);
	EXPECT_EQ(-EINVAL, hg_qemu_caps_parse_version("true (GNU coreutils) 9.1\n", &c));
	EXPECT_EQ(-EINVAL, hg_qemu_caps_parse_version("QEMU emulator version x\n", &c));
	EXPECT_EQ(-EINVAL, hg_qemu_caps_parse_version("QEMU emulator version 7.2.22x\n", &c));
}

TEST(device_help)
{
	struct hg_qemu_caps c = { 0 };

	hg_qemu_caps_parse_device(&c, "virtio-iommu-pci",
		"virtio-iommu-pci options:\n  acpi-index=<uint32>    -  (default: 0)\n"
		"  aw-bits=<uint8>        -  (default: 64)\n  boot-bypass=<bool>\n");
	EXPECT_TRUE(c.virtio_iommu);
	EXPECT_TRUE(c.virtio_aw_bits);
	EXPECT_FALSE(c.virtio_granule);
	/* a property whose name only begins like it, or a value that names it */
	hg_qemu_caps_parse_device(&c, "virtio-iommu-pci",
		"virtio-iommu-pci options:\n  aw-bits-max=<uint8>\n  x=<str> - aw-bits=1\n");
	EXPECT_FALSE(c.virtio_aw_bits);
	/* no such device: QEMU prints nothing */
	hg_qemu_caps_parse_device(&c, "intel-iommu", "");
	EXPECT_FALSE(c.intel_iommu);
	hg_qemu_caps_parse_device(&c, "vfio-pci", NULL);
	EXPECT_FALSE(c.vfio_pci);
}

/* The recorded binaries, asked as the command asks them. */
TEST(probe_recorded)
{
	struct hg_qemu_caps c;
	struct hg_err err = { 0 };

	if (!fake("7.2"))
		SKIP(return, "no " DATA " here (an installed collection)");
	ASSERT_EQ(0, hg_qemu_caps_probe(FAKE, &c, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(7, c.major);
	EXPECT_EQ(2, c.minor);
	EXPECT_STREQ("binary", c.source);
	EXPECT_TRUE(c.virtio_iommu);
	EXPECT_FALSE(c.virtio_aw_bits);
	EXPECT_FALSE(c.virtio_granule);
	EXPECT_TRUE(c.intel_aw_bits);
	EXPECT_TRUE(c.vfio_pci);

	ASSERT_TRUE(fake("10.0"));
	ASSERT_EQ(0, hg_qemu_caps_probe(FAKE, &c, &err));
	EXPECT_EQ(10, c.major);
	EXPECT_TRUE(c.virtio_aw_bits);
	EXPECT_TRUE(c.virtio_granule);
	EXPECT_TRUE(c.intel_aw_bits);

	ASSERT_TRUE(fake("10.0-aarch64"));
	ASSERT_EQ(0, hg_qemu_caps_probe(FAKE, &c, &err));
	EXPECT_TRUE(c.virtio_aw_bits);
	EXPECT_FALSE(c.intel_iommu);
}

TEST(probe_refuses)
{
	char dir[] = "/tmp/hostgeom-qemu-XXXXXX", path[PATH_MAX];
	struct hg_qemu_caps c;
	struct hg_err err = { 0 };
	FILE *f;

	/* not QEMU */
	EXPECT_EQ(-EINVAL, hg_qemu_caps_probe("true", &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "'true' is not QEMU")) {
		TH_LOG("%s", err.msg);
	}
	hg_err_clear(&err);
	EXPECT_EQ(-ENOENT, hg_qemu_caps_probe("/nonexistent/qemu", &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "/nonexistent/qemu"));

	/* a QEMU without vfio-pci: only --version and virtio-iommu-pci */
	if (!fake("7.2"))
		SKIP(return, "no " DATA " here (an installed collection)");
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("QEMU emulator version 8.0.0\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/virtio-iommu-pci", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("virtio-iommu-pci options:\n  boot-bypass=<bool>\n", f);
	fclose(f);
	setenv("FAKE_QEMU_DATA", dir, 1);
	hg_err_clear(&err);
	EXPECT_EQ(-EINVAL, hg_qemu_caps_probe(FAKE, &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "QEMU 8.0.0 '" FAKE "' has no vfio-pci")) {
		TH_LOG("%s", err.msg);
	}
	snprintf(path, sizeof(path), "%s/virtio-iommu-pci", dir);
	unlink(path);
	hg_err_clear(&err);
	EXPECT_EQ(-EINVAL, hg_qemu_caps_probe(FAKE, &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "has no virtio-iommu-pci and no vfio-pci")) {
		TH_LOG("%s", err.msg);
	}
	snprintf(path, sizeof(path), "%s/version", dir);
	unlink(path);
	rmdir(dir);
}

TEST(version_table)
{
	struct hg_qemu_caps c;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, hg_qemu_caps_from_version("7.2", &c, &err));
	EXPECT_FALSE(c.virtio_aw_bits);
	EXPECT_TRUE(c.intel_aw_bits);
	EXPECT_STREQ("table", c.source);
	ASSERT_EQ(0, hg_qemu_caps_from_version("10.0.2", &c, &err));
	EXPECT_TRUE(c.virtio_aw_bits);
	EXPECT_TRUE(c.virtio_granule);
	/* no table: never assumed, the binary has to be asked */
	EXPECT_EQ(-ENOENT, hg_qemu_caps_from_version("9.2", &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "no table for QEMU 9.2")) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_NE(NULL, strstr(err.msg, "--qemu BINARY"));
	EXPECT_EQ(-EINVAL, hg_qemu_caps_from_version("7", &c, &err));
	EXPECT_EQ(-EINVAL, hg_qemu_caps_from_version("7.2.1.1", &c, &err));
	EXPECT_EQ(-EINVAL, hg_qemu_caps_from_version("seven", &c, &err));
}

TEST_HARNESS_MAIN
