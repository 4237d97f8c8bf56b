// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom qemu's libvirt XML follows the libvirt that reads it: the one
 * given with --libvirt-version, else the one installed (stand-ins for
 * virtqemud, libvirtd and virsh in a PATH of the test's own), else the
 * override form, which every libvirt from 8.3.0 on takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "fake_sysfs.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define VTD39_CAP "c00260202"
#define OVERRIDE_AW "<qemu:property name='aw-bits' type='unsigned' value='39'/>"
#define NATIVE_AW "<driver aw_bits='39'>"
#define COMMANDLINE "<qemu:arg value='{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}'/>"

FIXTURE(libvirt) {
	struct fake_sysfs *fs;
	struct cli_result res;
	char bin[4096];
	char *path;
};

FIXTURE_SETUP(libvirt)
{
	struct fake_dev edu = { .name = "0000:01:00.0", .group = 3, .pci = true,
				.vendor = 0x1234, .device = 0x11e8,
				.class_code = 0x00ff00, .driver = "vfio-pci" };

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 3, "DMA",
		"0x00000000fee00000 0x00000000feefffff msi\n"));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &edu));
	ASSERT_EQ(0, fake_sysfs_add_vtd_unit(self->fs, VTD39_CAP,
					     "0000:01:00.0"));
	/* PATH: only the stand-ins, so that no real libvirt answers */
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "bin/.keep", "\n"));
	snprintf(self->bin, sizeof(self->bin), "%s/bin",
		 fake_sysfs_root(self->fs));
	self->path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", self->bin, 1);
}

FIXTURE_TEARDOWN(libvirt)
{
	if (self->path)
		setenv("PATH", self->path, 1);
	free(self->path);
	fake_sysfs_destroy(self->fs);
}

/* A program @name in the test's PATH that prints @out for --version. */
static int stand_in(struct fake_sysfs *fs, const char *bin, const char *name,
		    const char *out)
{
	char path[4200], rel[64];

	snprintf(rel, sizeof(rel), "bin/%s", name);
	if (fake_sysfs_printf(fs, rel, "#!/bin/sh\n%s\n", out))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", bin, name);
	return chmod(path, 0755);
}

static int run_qemu(FIXTURE_DATA(libvirt) *self, const char *version)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", version ? "--libvirt-version" : NULL,
			       version, NULL };

	return cli_run(&self->res, argv);
}

TEST_F(libvirt, given_version_picks_the_form)
{
	ASSERT_EQ(0, run_qemu(self, "11.3.0"));
	EXPECT_NE(NULL, strstr(self->res.out, OVERRIDE_AW));
	EXPECT_EQ(NULL, strstr(self->res.out, NATIVE_AW));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt 11.3.0 (given): <iommu model='virtio'/> and a <qemu:override>"));

	ASSERT_EQ(0, run_qemu(self, "12.1"));
	EXPECT_NE(NULL, strstr(self->res.out, NATIVE_AW));
	EXPECT_NE(NULL, strstr(self->res.out, "<granule size='4' unit='KiB'/>"));
	EXPECT_EQ(NULL, strstr(self->res.out, "qemu:"));

	/* the last release without the native form */
	ASSERT_EQ(0, run_qemu(self, "12.0.99"));
	EXPECT_NE(NULL, strstr(self->res.out, OVERRIDE_AW));

	ASSERT_EQ(0, run_qemu(self, "8.2.0"));
	EXPECT_NE(NULL, strstr(self->res.out, COMMANDLINE));
	EXPECT_EQ(NULL, strstr(self->res.out, "<iommu model='virtio'"));
	ASSERT_EQ(0, run_qemu(self, "8.3.0"));
	EXPECT_NE(NULL, strstr(self->res.out, OVERRIDE_AW));
}

TEST_F(libvirt, bad_version_exits_2_and_prints_nothing)
{
	static const char *const bad[] = {
		"11", "11.x", "11.3.", "11.3.0.1", "11.3.0-2~bpo12+1", "",
		"1000.0.0", "-11.3",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		EXPECT_EQ(2, run_qemu(self, bad[i])) {
			TH_LOG("'%s' accepted", bad[i]);
		}
		EXPECT_NE(NULL, strstr(self->res.err, "is not MAJOR.MINOR[.MICRO]"));
		EXPECT_STREQ("", self->res.out);
	}
}

TEST_F(libvirt, installed_daemon_first_then_virsh)
{
	ASSERT_EQ(0, stand_in(self->fs, self->bin, "virsh", "echo 9.0.0"));
	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt 9.0.0 (virsh): "));
	EXPECT_NE(NULL, strstr(self->res.out, OVERRIDE_AW));

	ASSERT_EQ(0, stand_in(self->fs, self->bin, "libvirtd",
			      "echo 'libvirtd (libvirt) 12.1.0'"));
	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt 12.1.0 (libvirtd): "));
	EXPECT_NE(NULL, strstr(self->res.out, NATIVE_AW));

	/* a daemon that fails or says no version is passed over */
	ASSERT_EQ(0, stand_in(self->fs, self->bin, "virtqemud", "exit 1"));
	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "(libvirtd): "));
	ASSERT_EQ(0, stand_in(self->fs, self->bin, "virtqemud",
			      "echo 'virtqemud (libvirt) 8.0.0'"));
	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt 8.0.0 (virtqemud): a <qemu:commandline>"));
	EXPECT_NE(NULL, strstr(self->res.out, COMMANDLINE));

	/* the option wins over what is installed */
	ASSERT_EQ(0, run_qemu(self, "11.3.0"));
	EXPECT_NE(NULL, strstr(self->res.out, "(given)"));
}

TEST_F(libvirt, none_installed_gives_the_override)
{
	ASSERT_EQ(0, stand_in(self->fs, self->bin, "virsh", "echo garbage"));
	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt unknown (not found): "));
	EXPECT_NE(NULL, strstr(self->res.out, OVERRIDE_AW));
}

TEST_F(libvirt, intel_xml_in_text_and_json)
{
	const char *argv[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", "-j", NULL };
	const char *virt[] = { "--sysfs-root", fake_sysfs_root(self->fs),
			       "qemu", "-s", "sysfs", "-m", "virt", NULL };
	const char *xml;
	json_object *doc;

	ASSERT_EQ(0, run_qemu(self, NULL));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt, intel-iommu\n<domain>\n"));
	ASSERT_EQ(0, cli_run(&self->res, argv));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	xml = json_object_get_string(json_get(doc, "intel_iommu.libvirt"));
	ASSERT_NE(NULL, xml);
	EXPECT_NE(NULL, strstr(xml, "<driver intremap='on' caching_mode='on' aw_bits='39'/>"));
	EXPECT_NE(NULL, strstr(xml, "<ioapic driver='qemu'/>"));
	xml = json_object_get_string(json_get(doc, "libvirt"));
	EXPECT_NE(NULL, strstr(xml, OVERRIDE_AW));
	json_object_put(doc);

	ASSERT_EQ(0, cli_run(&self->res, virt));
	EXPECT_EQ(NULL, strstr(self->res.out, "# libvirt, intel-iommu"));
	EXPECT_NE(NULL, strstr(self->res.out, "# libvirt, virtio-iommu"));
}

TEST_HARNESS_MAIN
