// SPDX-License-Identifier: GPL-2.0
/*
 * The printed libvirt XML, given to the real libvirt: each form merged
 * into a minimal domain must pass the installed schema (virt-xml-validate)
 * and turn, in a private libvirtd (domxml-to-native), into a QEMU -device
 * with the derived aw-bits and granule. The native form is checked to be
 * refused by a libvirt older than 12.1.0: if such a libvirt takes it, the
 * version boundary is wrong. Skips when libvirt is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <hostgeom/geometry.h>
#include <hostgeom/libvirt_version.h>
#include <hostgeom/qemu.h>
#include <hostgeom/qemu_libvirt.h>

#include "cli_run.h"
#include "fake_sysfs.h"
#include "json_get.h"
#include "kselftest_harness.h"
#include "libvirt_env.h"
#include "prog_run.h"

#define OUT_MAX 65536
/* no firmware is read by domxml-to-native, only named */
#define AARCH64_LOADER "<loader readonly='yes' type='pflash'>/usr/share/AAVMF/AAVMF_CODE.fd</loader>"

/* one daemon for every test, owned by the harness' parent process */
static struct libvirt_env libvirt;
static pid_t libvirt_owner;

static void __attribute__((constructor)) libvirt_up(void)
{
	libvirt_owner = getpid();
	/* libvirtd under TCG is slow to start and answer (Documentation/
	 * bench.md); the XML does not depend on the kernel, and make check
	 * runs this on the host. */
	if (getenv("HOSTGEOM_IN_VM")) {
		snprintf(libvirt.why, sizeof(libvirt.why),
			 "in a test VM: libvirt accepts the XML on the host (make check)");
		return;
	}
	libvirt_env_start(&libvirt);
}

static void __attribute__((destructor)) libvirt_down(void)
{
	if (getpid() == libvirt_owner)
		libvirt_env_stop(&libvirt);
}

FIXTURE(accept) {
	struct hg_qemu_input in;
	struct hg_qemu_opts opts;
	struct hg_resv msi;
	unsigned long installed;
	char *xml;		/* the fragment under test */
	char file[256];		/* the domain made of it */
	char out[OUT_MAX];
};

FIXTURE_VARIANT(accept) {
	enum hg_machine machine;
	unsigned int host_bits;
	uint64_t pgsizes;
	bool intel;			/* the intel-iommu element */
	unsigned long version;		/* 0: the installed libvirt's */
	const char *driver;		/* the QEMU device it must become */
	unsigned int aw_bits;
	const char *granule;		/* NULL: not checked (intel) */
};

FIXTURE_VARIANT_ADD(accept, q35_39_installed) {
	.machine = HG_MACHINE_Q35, .host_bits = 39, .pgsizes = 0x40201000,
	.driver = "virtio-iommu", .aw_bits = 39, .granule = "4k",
};

FIXTURE_VARIANT_ADD(accept, q35_48_override_8_3) {
	.machine = HG_MACHINE_Q35, .host_bits = 48, .pgsizes = 0x40201000,
	.version = HG_LIBVIRT_VERSION(8, 3, 0),
	.driver = "virtio-iommu", .aw_bits = 48, .granule = "4k",
};

FIXTURE_VARIANT_ADD(accept, q35_39_commandline_8_2) {
	.machine = HG_MACHINE_Q35, .host_bits = 39, .pgsizes = 0x1000,
	.version = HG_LIBVIRT_VERSION(8, 2, 0),
	.driver = "virtio-iommu-pci", .aw_bits = 39, .granule = "4k",
};

FIXTURE_VARIANT_ADD(accept, q35_39_native_12_1) {
	.machine = HG_MACHINE_Q35, .host_bits = 39, .pgsizes = 0x40201000,
	.version = HG_LIBVIRT_VIRTIO_NATIVE,
	.driver = "virtio-iommu", .aw_bits = 39, .granule = "4k",
};

FIXTURE_VARIANT_ADD(accept, virt_48_64k_installed) {
	.machine = HG_MACHINE_VIRT, .host_bits = 48, .pgsizes = 0x20010000,
	.driver = "virtio-iommu", .aw_bits = 48, .granule = "64k",
};

FIXTURE_VARIANT_ADD(accept, virt_42_host_granule_installed) {
	.machine = HG_MACHINE_VIRT, .host_bits = 42, .pgsizes = 0x200000,
	.driver = "virtio-iommu", .aw_bits = 42, .granule = "host",
};

FIXTURE_VARIANT_ADD(accept, intel_39_installed) {
	.machine = HG_MACHINE_Q35, .host_bits = 39, .pgsizes = 0x40201000,
	.intel = true, .driver = "intel-iommu", .aw_bits = 39,
};

FIXTURE_VARIANT_ADD(accept, intel_48_installed) {
	.machine = HG_MACHINE_Q35, .host_bits = 48, .pgsizes = 0x40201000,
	.intel = true, .driver = "intel-iommu", .aw_bits = 48,
};

/*
 * The fragment's <domain> with type='qemu' and what a domain needs besides
 * (name, memory, os) into @path. On aarch64 libvirt wants UEFI for ACPI.
 */
static int write_domain(const char *path, const char *fragment,
			enum hg_machine machine)
{
	const char *gt = strchr(fragment, '>');
	bool arm = machine == HG_MACHINE_VIRT;
	FILE *f;
	int ret;

	if (strncmp(fragment, "<domain", 7) || !gt)
		return -1;
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "<domain type='qemu'%.*s>\n"
		   "  <name>hostgeom-accept</name>\n"
		   "  <memory unit='MiB'>256</memory>\n"
		   "  <os>\n"
		   "    <type arch='%s' machine='%s'>hvm</type>\n"
		   "    %s\n"
		   "  </os>%s\n",
		(int)(gt - fragment - 7), fragment + 7,
		arm ? "aarch64" : "x86_64", arm ? "virt" : "q35",
		arm ? AARCH64_LOADER : "", gt + 1);
	ret = ferror(f) ? -1 : 0;
	return fclose(f) || ret ? -1 : 0;
}

FIXTURE_SETUP(accept)
{
	struct hg_err err = { 0 };
	const char *from;

	memset(&self->in, 0, sizeof(self->in));
	self->xml = NULL;
	if (!libvirt.pid)
		SKIP(return, "%s", libvirt.why);
	ASSERT_EQ(0, hg_libvirt_installed_version(&self->installed, &from,
						  &err)) {
		TH_LOG("%s", err.msg);
	}
	self->msi = (struct hg_resv){ 0xfee00000, 0xfeefffff, HG_RESV_MSI };
	self->in.machine = variant->machine;
	self->in.pgsizes = variant->pgsizes;
	self->in.resv = &self->msi;
	self->in.n_resv = 1;
	self->in.libvirt_version = variant->version ? variant->version :
				   self->installed;
	hg_usable_from_resv(&self->msi, 1, variant->host_bits, &self->in.usable);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &err));
	self->xml = variant->intel ? hg_qemu_libvirt_intel_xml(&self->opts) :
				     hg_qemu_libvirt_xml(&self->opts);
	ASSERT_NE(NULL, self->xml);
	snprintf(self->file, sizeof(self->file), "%s/%s.xml", libvirt.dir,
		 variant->driver);
	ASSERT_EQ(0, write_domain(self->file, self->xml, variant->machine));
}

FIXTURE_TEARDOWN(accept)
{
	free(self->xml);
	hg_qemu_opts_free(&self->opts);
	hg_ranges_free(&self->in.usable);
}

/* Whether this libvirt is expected to refuse the variant's XML. */
static bool too_new_for(const FIXTURE_VARIANT(accept) *variant,
			unsigned long installed)
{
	return hg_libvirt_form_for(variant->version) == HG_LIBVIRT_NATIVE &&
	       !variant->intel && installed < HG_LIBVIRT_VIRTIO_NATIVE;
}

TEST_F(accept, schema)
{
	char *argv[] = { "virt-xml-validate", self->file, "domain", NULL };
	int status = prog_run(argv, self->out, sizeof(self->out));

	if (too_new_for(variant, self->installed)) {
		EXPECT_NE(0, status) {
			TH_LOG("this libvirt's schema takes the 12.1.0 form:\n%s",
			       self->xml);
		}
		return;
	}
	EXPECT_EQ(0, status) {
		TH_LOG("%s\n%s", self->out, self->xml);
	}
}

/* The -device '{"driver":"@driver"...}' of @argv, parsed; NULL if none. */
static json_object *device_of(const char *argv, const char *driver)
{
	char needle[64];
	const char *start, *end;
	json_object *dev;
	char *text;

	snprintf(needle, sizeof(needle), "'{\"driver\":\"%s\"", driver);
	start = strstr(argv, needle);
	if (!start)
		return NULL;
	start++;
	end = strstr(start, "}'");
	if (!end)
		return NULL;
	text = strndup(start, (size_t)(end - start + 1));
	dev = text ? json_tokener_parse(text) : NULL;
	free(text);
	return dev;
}

static const char *member_string(json_object *obj, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(obj, key, &v) ?
	       json_object_get_string(v) : NULL;
}

TEST_F(accept, qemu_argv)
{
	char *argv[] = { "virsh", "-c", libvirt.uri, "domxml-to-native",
			 "qemu-argv", self->file, NULL };
	int status = prog_run(argv, self->out, sizeof(self->out));
	json_object *dev;

	if (too_new_for(variant, self->installed)) {
		EXPECT_NE(0, status);
		EXPECT_NE(NULL, strstr(self->out, "doesn't support additional attributes")) {
			TH_LOG("libvirt said: %s", self->out);
		}
		return;
	}
	ASSERT_EQ(0, status) {
		TH_LOG("%s\n%s", self->out, self->xml);
	}
	dev = device_of(self->out, variant->driver);
	ASSERT_NE(NULL, dev) {
		TH_LOG("no %s -device in: %s", variant->driver, self->out);
	}
	EXPECT_STREQ(variant->driver, member_string(dev, "driver"));
	EXPECT_EQ(variant->aw_bits, (unsigned int)json_object_get_int(
			json_object_object_get(dev, "aw-bits")));
	if (variant->granule)
		EXPECT_STREQ(variant->granule, member_string(dev, "granule"));
	if (variant->intel) {
		EXPECT_STREQ("on", member_string(dev, "intremap"));
		EXPECT_TRUE(json_object_get_boolean(
			json_object_object_get(dev, "caching-mode")));
		EXPECT_NE(NULL, strstr(self->out, "kernel_irqchip=split"));
	}
	json_object_put(dev);
}

/* A q35 VT-d host of 39 bits with the MSI window, as cli_qemu_test's. */
static struct fake_sysfs *vtd39_tree(void)
{
	struct fake_dev edu = { .name = "0000:01:00.0", .group = 3, .pci = true,
				.vendor = 0x1234, .device = 0x11e8,
				.class_code = 0x00ff00, .driver = "vfio-pci" };
	struct fake_sysfs *fs = fake_sysfs_create();

	if (!fs || fake_sysfs_add_group(fs, 3, "DMA",
			"0x00000000fee00000 0x00000000feefffff msi\n") ||
	    fake_sysfs_add_dev(fs, &edu) ||
	    fake_sysfs_add_vtd_unit(fs, "c00260202", "0000:01:00.0")) {
		fake_sysfs_destroy(fs);
		return NULL;
	}
	return fs;
}

/*
 * @xml merged into a domain, through domxml-to-native: the aw-bits of its
 * @driver -device, or -1 with libvirt's words in @out.
 */
static int native_aw_bits(const char *xml, const char *driver, char *out,
			  size_t len)
{
	char file[256];
	char *argv[] = { "virsh", "-c", libvirt.uri, "domxml-to-native",
			 "qemu-argv", file, NULL };
	json_object *dev;
	int aw;

	snprintf(file, sizeof(file), "%s/printed-%s.xml", libvirt.dir, driver);
	if (!xml || write_domain(file, xml, HG_MACHINE_Q35) ||
	    prog_run(argv, out, len))
		return -1;
	dev = device_of(out, driver);
	if (!dev)
		return -1;
	aw = json_object_get_int(json_object_object_get(dev, "aw-bits"));
	json_object_put(dev);
	return aw;
}

/*
 * What hostgeom itself prints, for the libvirt it finds installed: both
 * libvirt elements of its JSON output go through domxml-to-native.
 */
TEST(printed_by_hostgeom)
{
	const char *argv[] = { "--sysfs-root", NULL, "-j", "qemu", "-s",
			       "sysfs", NULL };
	static struct cli_result res;
	static char out[OUT_MAX];
	struct fake_sysfs *fs;
	const char *virtio, *intel;
	json_object *doc;

	if (!libvirt.pid)
		SKIP(return, "%s", libvirt.why);
	fs = vtd39_tree();
	ASSERT_NE(NULL, fs);
	argv[1] = fake_sysfs_root(fs);
	EXPECT_EQ(0, cli_run(&res, argv)) {
		TH_LOG("%s", res.err);
	}
	fake_sysfs_destroy(fs);
	doc = json_tokener_parse(res.out);
	ASSERT_NE(NULL, doc);
	virtio = json_object_get_string(json_get(doc, "libvirt"));
	intel = json_object_get_string(json_get(doc, "intel_iommu.libvirt"));
	EXPECT_EQ(39, native_aw_bits(virtio, "virtio-iommu", out, sizeof(out))) {
		TH_LOG("%s\n%s", out, virtio);
	}
	EXPECT_EQ(39, native_aw_bits(intel, "intel-iommu", out, sizeof(out))) {
		TH_LOG("%s\n%s", out, intel);
	}
	json_object_put(doc);
}

TEST_HARNESS_MAIN
