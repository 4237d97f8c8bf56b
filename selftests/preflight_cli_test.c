// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom preflight as a user runs it: the exit status (0 fits, 1 a
 * conflict, 2 could not decide), the JSON document, the host side read
 * from a synthetic sysfs tree (a 39-bit VT-d), and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "fake_sysfs.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define MSI_RESV "0x00000000fee00000 0x00000000feefffff msi\n"
#define VTD39_CAP "c00260202"	/* MGAW 39 */

FIXTURE(pf) {
	struct fake_sysfs *fs;
	struct cli_result res;
	char file[64];
};

FIXTURE_SETUP(pf)
{
	struct fake_dev gpu = { .name = "0000:01:00.0", .group = 3, .pci = true,
				.vendor = 0x10de, .device = 0x1eb8,
				.class_code = 0x030200, .driver = "vfio-pci" };

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 3, "DMA", MSI_RESV));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &gpu));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs,
			"devices/virtual/iommu/dmar0/intel-iommu/cap", "%s\n", VTD39_CAP));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs,
			"devices/virtual/iommu/dmar0/intel-iommu/ecap", "f00f5e\n"));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "class/iommu/dmar0",
					"devices/virtual/iommu/dmar0"));
	ASSERT_EQ(0, fake_sysfs_symlink(self->fs, "bus/pci/devices/0000:01:00.0/iommu",
					"devices/virtual/iommu/dmar0"));
	snprintf(self->file, sizeof(self->file), "/tmp/hg-pf-%d.txt", getpid());
}

FIXTURE_TEARDOWN(pf)
{
	unlink(self->file);
	fake_sysfs_destroy(self->fs);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The host side from sysfs: the group's regions within the VT-d width. */
TEST_F(pf, sysfs_host_conflict_json)
{
	const char *argv[] = {
		"--sysfs-root", fake_sysfs_root(self->fs), "preflight", "-j",
		"--host-cpu-phys-bits", "46", "--host-cpu-vendor", "intel", "--",
		"qemu-system-x86_64", "-M", "q35,accel=kvm", "-cpu", "host",
		"-m", "8G", "-device", "vfio-pci,host=01:00.0", NULL,
	};
	json_object *doc, *c;

	EXPECT_EQ(1, cli_run(&self->res, argv)) TH_LOG("%s", self->res.err);
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc) TH_LOG("%s", self->res.out);
	EXPECT_STREQ("conflict",
		     json_object_get_string(json_get(doc, "verdict")));
	EXPECT_STREQ("preflight",
		     json_object_get_string(json_get(doc, "command")));
	c = json_object_array_get_idx(json_get(doc, "devices"), 0);
	EXPECT_STREQ("sysfs", json_object_get_string(json_get(c, "source")));
	EXPECT_EQ(39, json_object_get_int(json_get(c, "aw_bits")));
	EXPECT_EQ(3, json_object_get_int(json_get(c, "group")));
	c = json_object_array_get_idx(json_get(doc, "conflicts"), 0);
	EXPECT_STREQ("degrading",
		     json_object_get_string(json_get(c, "severity")));
	EXPECT_STREQ("bars64", json_object_get_string(json_get(c, "kind")));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_get(c, "fix.qemu")),
			       "host-phys-bits-limit=39"));
	json_object_put(doc);
}

TEST_F(pf, fits_exits_0)
{
	const char *argv[] = {
		"--sysfs-root", fake_sysfs_root(self->fs), "preflight",
		"--machine", "q35", "--memory", "2G", "--device", "01:00.0",
		NULL,
	};

	EXPECT_EQ(0, cli_run(&self->res, argv)) TH_LOG("%s%s",
						       self->res.out,
						       self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out, "fits: every range maps"));
}

/* The plain options override the command line's. */
TEST_F(pf, plain_options_override)
{
	const char *bad[] = {
		"preflight", "--host-aw-bits", "39", "--", "-M", "q35",
		"-cpu", "max,phys-bits=46", "-m", "8G", NULL,
	};
	const char *fixed[] = {
		"preflight", "--host-aw-bits", "39", "--phys-bits", "39", "--",
		"-M", "q35", "-cpu", "max,phys-bits=46", "-m", "8G", NULL,
	};

	EXPECT_EQ(1, cli_run(&self->res, bad));
	EXPECT_EQ(0, cli_run(&self->res, fixed)) TH_LOG("%s", self->res.out);
}

TEST_F(pf, command_line_from_a_file)
{
	const char *argv[] = {
		"preflight", "--host-aw-bits", "39", "--qemu-file", self->file,
		NULL,
	};

	write_file(self->file,
		   "qemu-system-x86_64 \\\n  -machine q35 -m 512M,slots=1,maxmem=1T \\\n"
		   "  -cpu 'max,phys-bits=42' \\\n"
		   "  -object memory-backend-ram,id=m1,size=128M \\\n"
		   "  -device pc-dimm,id=d1,memdev=m1 -device vfio-pci,host=01:00.0\n");
	EXPECT_EQ(1, cli_run(&self->res, argv)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out, "fatal: d1 "));
	EXPECT_NE(NULL, strstr(self->res.out, "maxmem=507G"));
}

/* More words than the splitter once took (1,024): none is dropped. */
TEST_F(pf, command_file_of_many_words)
{
	const char *argv[] = {
		"preflight", "--host-aw-bits", "39", "--qemu-file", self->file,
		NULL,
	};
	FILE *f = fopen(self->file, "w");
	int i;

	ASSERT_NE(NULL, f);
	fputs("qemu-system-x86_64 -M q35 -m 1G", f);
	for (i = 0; i < 1500; i++)
		fputs(" -S", f);
	fputs(" -m 3G -device vfio-pci,host=01:00.0\n", f);
	ASSERT_EQ(0, fclose(f));
	EXPECT_NE(2, cli_run(&self->res, argv)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out, "RAM 0xc0000000"))
		TH_LOG("%s", self->res.out);
}

/* A 17th --device is refused, not dropped. */
TEST_F(pf, too_many_devices_refused)
{
	const char *argv[40] = { "preflight", "--host-aw-bits", "39" };
	char bdf[17][16];
	int i, n = 3;

	for (i = 0; i < 17; i++) {
		snprintf(bdf[i], sizeof(bdf[i]), "01:%02x.0", i);
		argv[n++] = "-d";
		argv[n++] = bdf[i];
	}
	argv[n] = NULL;
	EXPECT_EQ(2, cli_run(&self->res, argv)) TH_LOG("%s", self->res.out);
	EXPECT_NE(NULL, strstr(self->res.err, "--device 01:10.0: more than 16 devices"))
		TH_LOG("%s", self->res.err);
	/* and 16 are taken */
	argv[n - 2] = NULL;
	EXPECT_EQ(0, cli_run(&self->res, argv)) TH_LOG("%s", self->res.err);
}

/* The host CPU from the cpuinfo under --proc-root, not the real one. */
TEST_F(pf, host_cpu_from_proc_root)
{
	char dir[] = "/tmp/hg-pf-proc-XXXXXX", path[64];
	const char *argv[] = {
		"preflight", "--proc-root", dir, "--host-aw-bits", "39", "--",
		"-M", "q35,accel=kvm", "-cpu", "host", "-m", "2G", "-device",
		"vfio-pci,host=01:00.0", NULL,
	};

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cpuinfo", dir);
	write_file(path, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
			 "address sizes\t: 43 bits physical, 48 bits virtual\n");
	cli_run(&self->res, argv);
	unlink(path);
	rmdir(dir);
	EXPECT_NE(NULL, strstr(self->res.out, "CPU host (amd, 43 phys-bits)"))
		TH_LOG("%s%s", self->res.out, self->res.err);
}

/* --libvirt-version picks the libvirt form of the fix. */
TEST_F(pf, libvirt_version_given)
{
	const char *argv[] = {
		"preflight", "--libvirt-version", "12.1.0", "--host-aw-bits",
		"39", "--", "-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device",
		"virtio-iommu-pci,aw-bits=64", NULL,
	};
	const char *bad[] = {
		"preflight", "--libvirt-version", "twelve", "--host-aw-bits",
		"39", NULL,
	};

	EXPECT_EQ(1, cli_run(&self->res, argv)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out,
			       "(libvirt): <iommu model='virtio'><driver aw_bits='39'/></iommu>\n"))
		TH_LOG("%s", self->res.out);
	EXPECT_EQ(2, cli_run(&self->res, bad));
	EXPECT_NE(NULL, strstr(self->res.err, "'twelve'"));
}

/*
 * The guest's QEMU: 7.2 has no virtio-iommu aw-bits, so its virtio-iommu
 * spans 64 bits and the fix is intel-iommu in its place; said as a
 * version, read from the binary (the recorded 7.2), or refused.
 */
TEST_F(pf, qemu_version_of_the_guest)
{
	const char *given[] = {
		"preflight", "--qemu-version", "7.2", "--host-aw-bits", "39",
		"--", "-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device", "virtio-iommu-pci",
		NULL,
	};
	const char *binary[] = {
		"preflight", "--host-aw-bits", "39", "--",
		"selftests/fake_qemu", "-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device", "virtio-iommu-pci",
		NULL,
	};
	const char *no_table[] = {
		"preflight", "--qemu-version", "9.2", "--viommu", "virtio",
		"--host-aw-bits", "39", NULL,
	};
	const char *not_qemu[] = {
		"preflight", "--qemu", "true", "--viommu", "virtio",
		"--host-aw-bits", "39", NULL,
	};

	EXPECT_EQ(1, cli_run(&self->res, given)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out,
			       "(QEMU): -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,aw-bits=39 in place of virtio-iommu-pci"))
		TH_LOG("%s", self->res.out);
	EXPECT_NE(NULL, strstr(self->res.out, "aperture         0x0000000000000000-0xffffffffffffffff"));
	EXPECT_EQ(2, cli_run(&self->res, no_table));
	EXPECT_NE(NULL, strstr(self->res.err, "no table for QEMU 9.2"));
	EXPECT_EQ(2, cli_run(&self->res, not_qemu));
	EXPECT_NE(NULL, strstr(self->res.err, "'true' is not QEMU"));

	if (access("selftests/test_data/qemu/7.2", R_OK))
		SKIP(return, "no selftests/test_data here (an installed collection)");
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/7.2", 1);
	EXPECT_EQ(1, cli_run(&self->res, binary)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out,
			       "QEMU 7.2: virtio-iommu-pci has no aw-bits before QEMU 9.0"))
		TH_LOG("%s", self->res.out);
}

/*
 * The guest's QEMU in JSON, as "hostgeom qemu" names it: a version given
 * (no binary, properties from the table), a binary read (the recorded
 * 7.2); null where no virtio-iommu asks for it.
 */
TEST_F(pf, the_guests_qemu_in_json)
{
	const char *given[] = {
		"preflight", "-j", "--qemu-version", "7.2", "--viommu",
		"virtio", "--host-aw-bits", "39", NULL,
	};
	const char *binary[] = {
		"preflight", "-j", "--qemu", "selftests/fake_qemu", "--viommu",
		"virtio", "--host-aw-bits", "39", NULL,
	};
	const char *intel[] = {
		"preflight", "-j", "--qemu-version", "7.2", "--viommu",
		"intel", "--host-aw-bits", "39", NULL,
	};
	json_object *doc, *guest, *q;

	EXPECT_NE(2, cli_run(&self->res, given)) TH_LOG("%s", self->res.err);
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc) TH_LOG("%s", self->res.out);
	EXPECT_STREQ("7.2", json_object_get_string(json_get(doc, "guest.qemu.version")));
	EXPECT_STREQ("table", json_object_get_string(json_get(doc, "guest.qemu.properties_from")));
	EXPECT_FALSE(json_object_get_boolean(json_get(doc, "guest.qemu.virtio_aw_bits")));
	guest = json_get(doc, "guest.qemu");
	EXPECT_TRUE(json_object_object_get_ex(guest, "binary", &q));
	EXPECT_EQ(NULL, q);
	json_object_put(doc);

	EXPECT_NE(2, cli_run(&self->res, intel)) TH_LOG("%s", self->res.err);
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc) TH_LOG("%s", self->res.out);
	EXPECT_TRUE(json_object_object_get_ex(json_get(doc, "guest"), "qemu", &q));
	EXPECT_EQ(NULL, q);
	json_object_put(doc);

	if (access("selftests/test_data/qemu/7.2", R_OK))
		SKIP(return, "no selftests/test_data here (an installed collection)");
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/7.2", 1);
	EXPECT_NE(2, cli_run(&self->res, binary)) TH_LOG("%s", self->res.err);
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc) TH_LOG("%s", self->res.out);
	EXPECT_STREQ("selftests/fake_qemu",
		     json_object_get_string(json_get(doc, "guest.qemu.binary")));
	EXPECT_STREQ("binary", json_object_get_string(json_get(doc, "guest.qemu.properties_from")));
	EXPECT_EQ(0, strncmp("7.2.", json_object_get_string(json_get(doc, "guest.qemu.version")), 4));
	json_object_put(doc);
}

/* A libvirt domain with a virtio-iommu whose QEMU is @emulator. */
static void write_domain(const char *path, const char *emulator)
{
	char xml[1024];

	snprintf(xml, sizeof(xml),
		 "<domain type='kvm'><memory unit='GiB'>2</memory>"
		 "<os><type machine='q35'>hvm</type></os><devices>"
		 "<emulator>%s</emulator>"
		 "<hostdev mode='subsystem' type='pci'><source><address "
		 "domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
		 "</source></hostdev><iommu model='virtio'/></devices></domain>",
		 emulator);
	write_file(path, xml);
}

/*
 * A libvirt domain's <emulator> is the guest's QEMU: its version and
 * properties are read from it as from --qemu (the recorded 7.2, and the
 * real 7.2 of the cache when it is there); one that is not QEMU is
 * refused, one not installed here is said in a note.
 */
TEST_F(pf, libvirt_emulator_is_the_guests_qemu)
{
	const char *xml[] = {
		"preflight", "--host-aw-bits", "39", "--libvirt-version",
		"11.3.0", "--xml", self->file, NULL,
	};
	const char *note = "QEMU 7.2: virtio-iommu-pci has no aw-bits before QEMU 9.0";
	const char *cache = getenv("HOSTGEOM_CACHE");
	char real72[512];

	write_domain(self->file, "true");
	EXPECT_EQ(2, cli_run(&self->res, xml));
	EXPECT_NE(NULL, strstr(self->res.err, "'true' is not QEMU"))
		TH_LOG("%s", self->res.err);
	write_domain(self->file, "/nonexistent/qemu-system-x86_64");
	EXPECT_NE(2, cli_run(&self->res, xml)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out,
			       "<emulator> /nonexistent/qemu-system-x86_64 is not installed here"))
		TH_LOG("%s", self->res.out);

	if (access("selftests/test_data/qemu/7.2", R_OK))
		SKIP(return, "no selftests/test_data here (an installed collection)");
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/7.2", 1);
	write_domain(self->file, "selftests/fake_qemu");
	EXPECT_NE(2, cli_run(&self->res, xml)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out, note)) TH_LOG("%s", self->res.out);
	EXPECT_NE(NULL, strstr(self->res.out,
			       "aperture         0x0000000000000000-0xffffffffffffffff"))
		TH_LOG("%s", self->res.out);
	setenv("FAKE_QEMU_DATA", "selftests/test_data/qemu/10.0", 1);
	EXPECT_NE(2, cli_run(&self->res, xml)) TH_LOG("%s", self->res.err);
	EXPECT_EQ(NULL, strstr(self->res.out, note)) TH_LOG("%s", self->res.out);

	/* the real 7.2 wrapper: QEMU starts per -device help, slow in a VM */
	snprintf(real72, sizeof(real72), "%s/qemu/7.2/bin/qemu-system-x86_64",
		 cache ? cache : "/var/cache/hostgeom");
	if (getenv("HOSTGEOM_IN_VM") || access(real72, X_OK))
		SKIP(return, "QEMU 7.2 is not in the cache (%s; scripts/qemu-version fetch 7.2), or in a test VM",
		     real72);
	write_domain(self->file, real72);
	EXPECT_NE(2, cli_run(&self->res, xml)) TH_LOG("%s", self->res.err);
	EXPECT_NE(NULL, strstr(self->res.out, note)) TH_LOG("%s", self->res.out);
}

TEST_F(pf, undecided_exits_2)
{
	const char *machine[] = {
		"preflight", "--host-aw-bits", "39", "--", "-M", "microvm", NULL,
	};
	const char *no_device[] = { "preflight", "--memory", "2G", NULL };
	const char *no_iommu[] = {
		"--sysfs-root", fake_sysfs_root(self->fs), "preflight",
		"--device", "0000:07:00.0", NULL,
	};

	EXPECT_EQ(2, cli_run(&self->res, machine));
	EXPECT_NE(NULL, strstr(self->res.out, "could not decide: machine type 'microvm'"));
	EXPECT_EQ(2, cli_run(&self->res, no_device));
	EXPECT_NE(NULL, strstr(self->res.out, "no assigned device"));
	EXPECT_EQ(2, cli_run(&self->res, no_iommu));
	EXPECT_NE(NULL, strstr(self->res.out, "--host-aw-bits"));
}

TEST_F(pf, bad_input_exits_2_with_the_reason)
{
	const char *size[] = {
		"preflight", "--host-aw-bits", "39", "--", "-m", "lots", NULL,
	};
	const char *xml[] = {
		"preflight", "--host-aw-bits", "39", "--xml", self->file, NULL,
	};
	const char *missing[] = {
		"preflight", "--xml", "/nonexistent/vm.xml", NULL,
	};
	const char *opt[] = { "preflight", "--frobnicate", NULL };

	EXPECT_EQ(2, cli_run(&self->res, size));
	EXPECT_NE(NULL, strstr(self->res.err, "'lots'"));
	write_file(self->file, "<domain><memory>1</memory>");
	EXPECT_EQ(2, cli_run(&self->res, xml));
	EXPECT_NE(NULL, strstr(self->res.err, "does not parse"));
	EXPECT_EQ(2, cli_run(&self->res, missing));
	EXPECT_NE(NULL, strstr(self->res.err, "/nonexistent/vm.xml"));
	EXPECT_EQ(2, cli_run(&self->res, opt));
}

/* A host address: one check, whether from -device, -d or the XML. */
TEST_F(pf, host_addresses_checked_alike)
{
	const char *device[] = {
		"preflight", "--host-aw-bits", "39", "--", "-machine", "q35",
		"-device", "vfio-pci,host=0000:01:ff.0", NULL,
	};
	const char *dash_d[] = {
		"preflight", "--host-aw-bits", "39", "-d", "01:00.9", "--",
		"-machine", "q35", NULL,
	};
	const char *vmd[] = {
		"preflight", "--host-aw-bits", "39", "--", "-machine", "q35",
		"-device", "vfio-pci,host=10000:01:00.0", NULL,
	};
	const char *xml[] = {
		"preflight", "--host-aw-bits", "39", "--xml", self->file, NULL,
	};

	EXPECT_EQ(2, cli_run(&self->res, device));
	EXPECT_NE(NULL, strstr(self->res.err, "'0000:01:ff.0' is not a PCI address"))
		TH_LOG("%s", self->res.err);
	EXPECT_EQ(2, cli_run(&self->res, dash_d));
	EXPECT_NE(NULL, strstr(self->res.err, "'01:00.9' is not a PCI address"))
		TH_LOG("%s", self->res.err);
	/* a VMD domain (5 digits) is an address in both syntaxes */
	EXPECT_NE(2, cli_run(&self->res, vmd)) TH_LOG("%s", self->res.err);
	write_file(self->file,
		   "<domain type='kvm'><memory unit='GiB'>4</memory>"
		   "<os><type machine='q35'>hvm</type></os><devices>"
		   "<hostdev mode='subsystem' type='pci'><source><address "
		   "domain='0x10000' bus='0x01' slot='0x00' function='0x0'/>"
		   "</source></hostdev></devices></domain>");
	EXPECT_NE(2, cli_run(&self->res, xml)) TH_LOG("%s", self->res.err);
}

TEST_F(pf, help_exits_0)
{
	const char *argv[] = { "preflight", "--help", NULL };

	EXPECT_EQ(0, cli_run(&self->res, argv));
	EXPECT_NE(NULL, strstr(self->res.out, "--xml FILE"));
}

TEST_HARNESS_MAIN
