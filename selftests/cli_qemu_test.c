// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom qemu and hostgeom explain, run as a user runs them, against
 * synthetic sysfs trees: a q35-like VT-d host (39 bits, MSI window) and a
 * device behind a root port without ACS.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "fake_sysfs.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define MSI_RESV "0x00000000fee00000 0x00000000feefffff msi\n"
/* QEMU intel-iommu aw-bits=39: MGAW 39, SAGAW 39-bit, 2M and 1G pages */
#define VTD39_CAP "c00260202"

FIXTURE(vtd_host) {
	struct fake_sysfs *fs;
	struct cli_result res;
};

FIXTURE_SETUP(vtd_host)
{
	struct fake_dev edu = { .name = "0000:01:00.0", .group = 3, .pci = true,
				.vendor = 0x1234, .device = 0x11e8,
				.class_code = 0x00ff00, .driver = "vfio-pci" };

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 3, "DMA", MSI_RESV));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &edu));
	ASSERT_EQ(0, fake_sysfs_add_vtd_unit(self->fs, VTD39_CAP,
					     "0000:01:00.0"));
}

FIXTURE_TEARDOWN(vtd_host)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(vtd_host, sysfs_source_text)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "--source", "sysfs",
			       "--libvirt-version", "12.1.0", NULL };

	ASSERT_EQ(0, cli_run(&self->res, argv)) {
		TH_LOG("stderr: %s", self->res.err);
	}
	EXPECT_NE(NULL, strstr(self->res.out,
		"-device '{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}'\n"));
	EXPECT_NE(NULL, strstr(self->res.out,
		"-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,aw-bits=39\n"));
	EXPECT_NE(NULL, strstr(self->res.out,
		"# host (sysfs): usable 0x0-0xfedfffff 0xfef00000-0x7fffffffff"));
	EXPECT_NE(NULL, strstr(self->res.out, "<driver aw_bits='39'>"));
}

TEST_F(vtd_host, sysfs_source_json_q35_and_virt)
{
	const char *q35[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			      "qemu", "-s", "sysfs", "-j", "3", NULL };
	const char *virt[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", "-j", "-m", "virt", NULL };
	json_object *doc, *v, *r;

	ASSERT_EQ(0, cli_run(&self->res, q35));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(39, json_object_get_int(json_get(doc, "virtio_iommu.aw_bits")));
	EXPECT_EQ(39, json_object_get_int(json_get(doc, "intel_iommu.aw_bits")));
	v = json_get(doc, "virtio_iommu.holes");
	ASSERT_EQ(1, json_object_array_length(v));
	r = json_object_array_get_idx(v, 0);
	EXPECT_STREQ("0xfee00000", json_object_get_string(json_get(r, "start")));
	EXPECT_STREQ("0xfeefffff", json_object_get_string(json_get(r, "end")));
	EXPECT_STREQ("msi", json_object_get_string(json_get(r, "type")));
	EXPECT_STREQ("0x40201000", json_object_get_string(json_get(doc, "host.pgsizes")));
	json_object_put(doc);

	ASSERT_EQ(0, cli_run(&self->res, virt));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("virt", json_object_get_string(json_get(doc, "machine")));
	EXPECT_EQ(NULL, strstr(json_object_get_string(json_get(doc, "virtio_iommu.device")),
			       "reserved-regions"));
	EXPECT_EQ(1, json_object_array_length(json_get(doc, "virtio_iommu.holes")));
	EXPECT_EQ(NULL, json_get(doc, "intel_iommu.aw_bits"));
	json_object_put(doc);
}

TEST_F(vtd_host, bad_input_exits_2_naming_the_fix)
{
	const char *machine[] = { "qemu", "--machine", "pc", NULL };
	const char *group[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				"qemu", "-s", "sysfs", "42", NULL };
	const char *vfio[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "--dev-root", fake_sysfs_root(self->fs), "qemu", NULL };

	EXPECT_EQ(2, cli_run(&self->res, machine));
	EXPECT_NE(NULL, strstr(self->res.err, "use q35 or virt"));
	EXPECT_EQ(2, cli_run(&self->res, group));
	EXPECT_NE(NULL, strstr(self->res.err, "no IOMMU group 42"));
	/* no /dev/vfio under that root: VFIO cannot answer */
	EXPECT_EQ(2, cli_run(&self->res, vfio));
	EXPECT_NE(NULL, strstr(self->res.err, "--source sysfs"));
	EXPECT_STREQ("", self->res.out);
}

TEST_F(vtd_host, non_intel_unit_is_explained)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", NULL };
	char cap[600];

	/* an IOMMU unit without intel-iommu/cap, as AMD's and others' */
	snprintf(cap, sizeof(cap), "%s/devices/virtual/iommu/dmar0/intel-iommu/cap",
		 fake_sysfs_root(self->fs));
	ASSERT_EQ(0, unlink(cap));
	EXPECT_EQ(2, cli_run(&self->res, argv));
	EXPECT_NE(NULL, strstr(self->res.err, "dmar0 is not Intel VT-d"));
	EXPECT_STREQ("", self->res.out);
}

/*
 * Per QEMU version: 7.2 (Debian 12's own) has no virtio-iommu aw-bits, so
 * on this 39-bit host no virtio line, the intel-iommu one instead; said
 * as a version or read from the binary (the recorded 7.2, replayed).
 */
TEST_F(vtd_host, qemu72_by_version_and_binary)
{
	const char *given[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				"qemu", "-s", "sysfs", "--qemu-version", "7.2",
				"--libvirt-version", "12.1.0", NULL };
	const char *binary[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				 "qemu", "-s", "sysfs", "-j", "--qemu",
				 "selftests/fake_qemu", NULL };
	json_object *doc;

	ASSERT_EQ(0, cli_run(&self->res, given)) {
		TH_LOG("stderr: %s", self->res.err);
	}
	EXPECT_EQ(NULL, strstr(self->res.out, "virtio-iommu-pci\""));
	EXPECT_EQ(NULL, strstr(self->res.out, "aw_bits='39'>"));
	EXPECT_NE(NULL, strstr(self->res.out,
		"-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,aw-bits=39\n"));
	EXPECT_NE(NULL, strstr(self->res.out,
		"# no virtio-iommu: QEMU 7.2's has no aw-bits or granule (QEMU 9.0 on)"));

	if (access("selftests/test_data/qemu/7.2", R_OK))
		SKIP(return, "no selftests/test_data here (an installed collection)");
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/7.2", 1);
	ASSERT_EQ(0, cli_run(&self->res, binary)) {
		TH_LOG("stderr: %s", self->res.err);
	}
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("7.2.22", json_object_get_string(json_get(doc, "qemu.version")));
	EXPECT_STREQ("selftests/fake_qemu", json_object_get_string(json_get(doc, "qemu.binary")));
	EXPECT_STREQ("binary", json_object_get_string(json_get(doc, "qemu.properties_from")));
	EXPECT_FALSE(json_object_get_boolean(json_get(doc, "qemu.virtio_aw_bits")));
	EXPECT_TRUE(json_object_object_get_ex(doc, "virtio_iommu", NULL));
	EXPECT_EQ(NULL, json_get(doc, "virtio_iommu"));
	EXPECT_EQ(NULL, json_get(doc, "libvirt"));
	EXPECT_EQ(39, json_object_get_int(json_get(doc, "intel_iommu.aw_bits")));
	json_object_put(doc);
}

/* 10.0's binary: aw-bits and granule, as the kit always printed them */
TEST_F(vtd_host, qemu10_binary)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", "--qemu",
			       "selftests/fake_qemu", NULL };

	if (access("selftests/test_data/qemu/10.0", R_OK))
		SKIP(return, "no selftests/test_data here (an installed collection)");
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/10.0", 1);
	ASSERT_EQ(0, cli_run(&self->res, argv)) {
		TH_LOG("stderr: %s", self->res.err);
	}
	EXPECT_NE(NULL, strstr(self->res.out,
		"-device '{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}'\n"));
	EXPECT_NE(NULL, strstr(self->res.out,
		"# QEMU 10.0.2 (selftests/fake_qemu): properties from its -device NAME,help\n"));
}

/* What is not QEMU, not known or both: refused, naming it. */
TEST_F(vtd_host, qemu_refusals)
{
	const char *not_qemu[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				   "qemu", "-s", "sysfs", "--qemu", "true", NULL };
	const char *missing[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				  "qemu", "-s", "sysfs", "--qemu",
				  "/nonexistent/qemu-system-x86_64", NULL };
	const char *no_table[] = { "qemu", "--qemu-version", "9.2", NULL };
	const char *both[] = { "qemu", "--qemu", "true", "--qemu-version",
			       "7.2", NULL };

	EXPECT_EQ(2, cli_run(&self->res, not_qemu));
	EXPECT_NE(NULL, strstr(self->res.err, "'true' is not QEMU")) {
		TH_LOG("stderr: %s", self->res.err);
	}
	EXPECT_STREQ("", self->res.out);
	EXPECT_EQ(2, cli_run(&self->res, missing));
	EXPECT_NE(NULL, strstr(self->res.err, "/nonexistent/qemu-system-x86_64"));
	EXPECT_EQ(2, cli_run(&self->res, no_table));
	EXPECT_NE(NULL, strstr(self->res.err, "no table for QEMU 9.2"));
	EXPECT_EQ(2, cli_run(&self->res, both));
	EXPECT_NE(NULL, strstr(self->res.err, "drop one of them"));
}

/* A PCIe function config space: @type in the PCIe capability, ACS or not. */
static void config(unsigned char *b, int type, bool bridge, bool acs)
{
	memset(b, 0, 4096);
	b[0x06] = 0x10;
	b[0x0e] = bridge;
	b[0x34] = 0x40;
	b[0x40] = 0x10;
	b[0x42] = 0x2 | type << 4;
	if (acs) {
		b[0x100] = 0x0d;
		b[0x102] = 0x01;
		b[0x104] = 0x1f;	/* capable: SV TB RR CR UF */
		b[0x106] = 0x1d;	/* enabled: SV RR CR UF */
	}
}

FIXTURE(explain) {
	struct fake_sysfs *fs;
	struct cli_result res;
};

FIXTURE_SETUP(explain)
{
	struct fake_dev rp = { .name = "0000:00:1c.0", .group = 4, .pci = true,
			       .driver = "pcieport" };
	struct fake_dev ep = { .name = "0000:01:00.0", .parent = "0000:00:1c.0",
			       .group = 4, .pci = true, .driver = "vfio-pci" };
	unsigned char b[4096];

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 4, "DMA", ""));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &rp));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &ep));
	config(b, 0x4, true, false);		/* root port, disable-acs=on */
	ASSERT_EQ(0, fake_sysfs_dev_write(self->fs, rp.name, "config", b, sizeof(b)));
	config(b, 0x0, false, false);		/* endpoint */
	ASSERT_EQ(0, fake_sysfs_dev_write(self->fs, ep.name, "config", b, sizeof(b)));
}

FIXTURE_TEARDOWN(explain)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(explain, shared_group_names_the_port_without_acs)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "explain", "01:00.0", NULL };

	EXPECT_EQ(1, cli_run(&self->res, argv)) {
		TH_LOG("stderr: %s", self->res.err);
	}
	EXPECT_NE(NULL, strstr(self->res.out,
			       "0000:01:00.0 shares group 4 with 0000:00:1c.0\n"));
	EXPECT_NE(NULL, strstr(self->res.out, "why: 0000:00:1c.0: no ACS isolation"));
}

TEST_F(explain, json_verdict)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "explain", "--json", "0000:01:00.0", NULL };
	json_object *doc, *path;

	EXPECT_EQ(1, cli_run(&self->res, argv));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("no-acs", json_object_get_string(json_get(doc, "verdict.reason")));
	EXPECT_STREQ("0000:00:1c.0", json_object_get_string(json_get(doc, "verdict.at")));
	EXPECT_TRUE(json_object_get_boolean(json_get(doc, "verdict.shared")));
	EXPECT_EQ(4, json_object_get_int(json_get(doc, "group")));
	path = json_get(doc, "path");
	ASSERT_EQ(2, json_object_array_length(path));
	EXPECT_STREQ("root port", json_object_get_string(
		json_get(json_object_array_get_idx(path, 0), "role")));
	json_object_put(doc);
}

TEST_F(explain, acs_on_the_port_isolates)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "explain", "0000:01:00.0", NULL };
	unsigned char b[4096];

	config(b, 0x4, true, true);
	ASSERT_EQ(0, fake_sysfs_dev_write(self->fs, "0000:00:1c.0", "config",
					  b, sizeof(b)));
	cli_run(&self->res, argv);
	EXPECT_NE(NULL, strstr(self->res.out, "ACS capable: SV TB RR CR UF; enabled: SV RR CR UF"));
	EXPECT_NE(NULL, strstr(self->res.out, "why: 0000:01:00.0: isolated"));
}

TEST_F(explain, usage_errors)
{
	const char *none[] = { "explain", NULL };
	const char *missing[] = { "--sysfs-root", fake_sysfs_root(self->fs),
				  "explain", "0000:07:00.0", NULL };

	EXPECT_EQ(2, cli_run(&self->res, none));
	EXPECT_NE(NULL, strstr(self->res.err, "exactly one device"));
	EXPECT_EQ(2, cli_run(&self->res, missing));
	EXPECT_NE(NULL, strstr(self->res.err, "no PCI device 0000:07:00.0"));
}

TEST_HARNESS_MAIN
