// SPDX-License-Identifier: GPL-2.0
/*
 * The QEMU option emitters: derived values and the exact strings, for the
 * host geometries the kit meets (VT-d 39/48 bits, 64-bit, narrow hosts,
 * 64k pages) on q35 and virt, and per QEMU version (qemu_caps.h).
 */
#include <stdlib.h>
#include <string.h>

#include <hostgeom/qemu.h>
#include <hostgeom/qemu_caps.h>
#include <hostgeom/qemu_libvirt.h>

#include "kselftest_harness.h"

#define MSI_START 0xfee00000ull
#define MSI_LAST 0xfeefffffull

FIXTURE(qemu) {
	struct hg_qemu_input in;
	struct hg_qemu_opts opts;
	struct hg_resv resv[2];
	struct hg_err err;
};

FIXTURE_SETUP(qemu)
{
	memset(self, 0, sizeof(*self));
	self->resv[0] = (struct hg_resv){ MSI_START, MSI_LAST, HG_RESV_MSI };
	self->resv[1] = (struct hg_resv){ 0x100000000ull, 0x1000fffffull,
					  HG_RESV_RESERVED };
	self->in.resv = self->resv;
	self->in.n_resv = 2;
	self->in.source = "type1";
	self->in.pgsizes = 0x40201000;
}

FIXTURE_TEARDOWN(qemu)
{
	hg_qemu_opts_free(&self->opts);
	hg_ranges_free(&self->in.usable);
}

/* [0, 2^bits-1] with the x86 MSI window cut out, as VT-d hosts report it */
static void vtd_host(struct hg_qemu_input *in, unsigned int bits)
{
	hg_ranges_add(&in->usable, 0, MSI_START - 1);
	hg_ranges_add(&in->usable, MSI_LAST + 1, hg_mask_bits(bits));
}

static bool has_note(const struct hg_qemu_opts *opts, const char *needle)
{
	size_t i;

	for (i = 0; i < opts->n_notes; i++)
		if (strstr(opts->notes[i], needle))
			return true;
	return false;
}

TEST_F(qemu, vtd39_q35)
{
	char *s;

	vtd_host(&self->in, 39);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(39, self->opts.aw_bits);
	EXPECT_STREQ("4k", self->opts.granule);
	EXPECT_EQ(39, self->opts.intel_aw_bits);
	ASSERT_EQ(1, self->opts.reserved.n);
	EXPECT_EQ(MSI_START, self->opts.reserved.v[0].start);
	EXPECT_EQ(MSI_LAST, self->opts.reserved.v[0].end);
	EXPECT_EQ(1, self->opts.reserved_type[0]);	/* MSI */
	EXPECT_TRUE(has_note(&self->opts, "reserved-regions not set: QEMU 10 on q35"));

	s = hg_qemu_virtio_device_json(&self->opts);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}", s);
	free(s);
	s = hg_qemu_intel_device(&self->opts);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("intel-iommu,intremap=on,caching-mode=on,aw-bits=39", s);
	free(s);
	s = hg_qemu_libvirt_xml(&self->opts);
	ASSERT_NE(NULL, s);
	/* no libvirt version known: the override, 8.3.0 and later */
	EXPECT_STREQ("<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
		     "  <features>\n    <acpi/>\n  </features>\n"
		     "  <devices>\n    <iommu model='virtio'/>\n  </devices>\n"
		     "  <qemu:override>\n"
		     "    <qemu:device alias='iommu0'>\n"
		     "      <qemu:frontend>\n"
		     "        <qemu:property name='aw-bits' type='unsigned' value='39'/>\n"
		     "        <qemu:property name='granule' type='string' value='4k'/>\n"
		     "      </qemu:frontend>\n"
		     "    </qemu:device>\n"
		     "  </qemu:override>\n"
		     "</domain>", s);
	EXPECT_TRUE(has_note(&self->opts, "libvirt unknown (not found): <iommu model='virtio'/> and a <qemu:override>"));
	free(s);
}

TEST_F(qemu, vtd48_virt_types_holes_but_never_sets_them)
{
	char *s;

	vtd_host(&self->in, 48);
	/* a second hole, not MSI: type 0 */
	hg_ranges_reset(&self->in.usable);
	hg_ranges_add(&self->in.usable, 0, MSI_START - 1);
	hg_ranges_add(&self->in.usable, MSI_LAST + 1, 0xffffffffull);
	hg_ranges_add(&self->in.usable, 0x100100000ull, 0xffffffffffffull);
	self->in.machine = HG_MACHINE_VIRT;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(48, self->opts.aw_bits);
	EXPECT_EQ(48, self->opts.intel_aw_bits);
	ASSERT_EQ(2, self->opts.reserved.n);
	EXPECT_EQ(MSI_START, self->opts.reserved.v[0].start);
	EXPECT_EQ(1, self->opts.reserved_type[0]);
	EXPECT_EQ(0x100000000ull, self->opts.reserved.v[1].start);
	EXPECT_EQ(0x1000fffffull, self->opts.reserved.v[1].end);
	EXPECT_EQ(0, self->opts.reserved_type[1]);
	EXPECT_TRUE(has_note(&self->opts, "on virt sets them itself"));
	EXPECT_TRUE(has_note(&self->opts, "on aarch64 needs UEFI firmware"));
	s = hg_qemu_virtio_device_json(&self->opts);
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":48,\"granule\":\"4k\"}", s);
	free(s);
}

TEST_F(qemu, full_64bit_space_has_no_holes)
{
	char *s;

	hg_ranges_add(&self->in.usable, 0, UINT64_MAX);
	self->in.machine = HG_MACHINE_VIRT;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(64, self->opts.aw_bits);
	EXPECT_EQ(48, self->opts.intel_aw_bits);
	EXPECT_EQ(0, self->opts.reserved.n);
	s = hg_qemu_virtio_device_json(&self->opts);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":64,\"granule\":\"4k\"}", s);
	free(s);
}

TEST_F(qemu, narrow_host_has_no_intel_width)
{
	char *s;

	hg_ranges_add(&self->in.usable, 0, hg_mask_bits(36));
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(36, self->opts.aw_bits);
	EXPECT_EQ(0, self->opts.intel_aw_bits);
	EXPECT_EQ(NULL, hg_qemu_intel_device(&self->opts));
	EXPECT_TRUE(has_note(&self->opts, "use virtio-iommu"));
	s = hg_qemu_virtio_device_json(&self->opts);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":36,\"granule\":\"4k\"}", s);
	free(s);
}

TEST_F(qemu, below_32_bits_clamps_to_qemu_minimum)
{
	hg_ranges_add(&self->in.usable, 0, 0xfffffff);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(32, self->opts.aw_bits);
	EXPECT_TRUE(has_note(&self->opts, "accepts 32..64"));
}

TEST_F(qemu, granule_64k_warns_on_q35)
{
	char *s;

	vtd_host(&self->in, 48);
	self->in.pgsizes = 0x20010000;	/* 64K and 512M: an arm64 64K host */
	self->in.libvirt_version = HG_LIBVIRT_VIRTIO_NATIVE;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_STREQ("64k", self->opts.granule);
	EXPECT_TRUE(has_note(&self->opts, "warning: an x86 guest uses 4k pages"));
	s = hg_qemu_libvirt_xml(&self->opts);
	EXPECT_NE(NULL, strstr(s, "<granule size='64' unit='KiB'/>"));
	free(s);
}

TEST_F(qemu, odd_pgsize_uses_host_granule)
{
	char *s;

	vtd_host(&self->in, 39);
	self->in.pgsizes = 0x200000;
	self->in.libvirt_version = HG_LIBVIRT_VIRTIO_NATIVE;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_STREQ("host", self->opts.granule);
	s = hg_qemu_libvirt_xml(&self->opts);
	EXPECT_NE(NULL, strstr(s, "<granule mode='host'/>"));
	free(s);
}

TEST_F(qemu, unknown_pgsizes_default_to_4k)
{
	vtd_host(&self->in, 39);
	self->in.pgsizes = 0;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_STREQ("4k", self->opts.granule);
	EXPECT_TRUE(has_note(&self->opts, "page sizes are unknown"));
}

TEST_F(qemu, empty_geometry_is_an_error)
{
	EXPECT_GT(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "no usable IOVA range"));
}

/* QEMU 7.2 on a 39-bit host: no virtio line (it would be 64 bits wide),
 * intel-iommu 39 instead. */
TEST_F(qemu, qemu72_vtd39)
{
	struct hg_qemu_caps caps;
	char *s;

	ASSERT_EQ(0, hg_qemu_caps_from_version("7.2", &caps, &self->err));
	self->in.qemu = &caps;
	vtd_host(&self->in, 39);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(HG_VIRTIO_NONE, self->opts.virtio);
	EXPECT_EQ(NULL, hg_qemu_virtio_device_json(&self->opts));
	s = hg_qemu_intel_device(&self->opts);
	EXPECT_STREQ("intel-iommu,intremap=on,caching-mode=on,aw-bits=39", s);
	free(s);
	EXPECT_TRUE(has_note(&self->opts, "use the intel-iommu line, or QEMU 9.0 or later"));
	EXPECT_TRUE(has_note(&self->opts, "QEMU 7.2 (given): properties from the kit's table"));
	/* 7.2 conveys no host hole to its guest (the seed series: 9.1) */
	EXPECT_TRUE(has_note(&self->opts, "QEMU 7.2 on q35 sets them itself and refuses a user list; it conveys none of the 1 host hole(s) below 2^39"));
	EXPECT_FALSE(has_note(&self->opts, "QEMU 10 on q35"));
}

/* 8.2 to 9.0 convey a cold-plugged device's host holes only; 9.1 on all. */
TEST_F(qemu, host_holes_conveyed_per_version)
{
	struct hg_qemu_caps caps = { .major = 9, .minor = 0, .source = "binary",
		.virtio_iommu = true, .virtio_aw_bits = true,
		.virtio_granule = true, .intel_iommu = true,
		.intel_aw_bits = true, .vfio_pci = true };

	self->in.qemu = &caps;
	vtd_host(&self->in, 39);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_TRUE(has_note(&self->opts, "of a cold-plugged device only, a hot-plugged one's after the guest's probe (QEMU 9.1 on: before)"));
	hg_qemu_opts_free(&self->opts);
	caps.minor = 1;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_TRUE(has_note(&self->opts, "it conveys the 1 host hole(s) below 2^39 per assigned device"));
}

/* QEMU 7.2 on a 64-bit host with 4k pages: its fixed defaults fit, so the
 * bare device; on virt the target's page is not known to be 4k: none. */
TEST_F(qemu, qemu72_host64)
{
	struct hg_qemu_caps caps;
	char *s;

	ASSERT_EQ(0, hg_qemu_caps_from_version("7.2", &caps, &self->err));
	self->in.qemu = &caps;
	hg_ranges_add(&self->in.usable, 0, UINT64_MAX);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(HG_VIRTIO_BARE, self->opts.virtio);
	s = hg_qemu_virtio_device_json(&self->opts);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\"}", s);
	free(s);
	hg_qemu_opts_free(&self->opts);
	self->in.machine = HG_MACHINE_VIRT;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(HG_VIRTIO_NONE, self->opts.virtio);
	EXPECT_TRUE(has_note(&self->opts, "use QEMU 9.0 or later"));
}

/* QEMU 10.0, and no QEMU found: aw-bits and granule, as always printed */
TEST_F(qemu, qemu10_and_not_found)
{
	struct hg_qemu_caps caps;
	char *s;

	ASSERT_EQ(0, hg_qemu_caps_from_version("10.0", &caps, &self->err));
	self->in.qemu = &caps;
	vtd_host(&self->in, 39);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(HG_VIRTIO_PROPS, self->opts.virtio);
	s = hg_qemu_virtio_device_json(&self->opts);
	EXPECT_STREQ("{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}", s);
	free(s);
	hg_qemu_opts_free(&self->opts);
	self->in.qemu = NULL;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(HG_VIRTIO_PROPS, self->opts.virtio);
	EXPECT_TRUE(has_note(&self->opts, "QEMU not found"));
}

/*
 * An arm64 host with 64 KiB pages behind SMMUv3 (48 bits, the software
 * MSI window, type1's 64K and 512M): granule 64k on virt, the emulated
 * SMMUv3 named as no choice for VFIO; on q35 neither.
 */
TEST_F(qemu, arm64_smmuv3_64k_virt)
{
	self->resv[0] = (struct hg_resv){ 0x8000000, 0x80fffff, HG_RESV_MSI };
	self->in.n_resv = 1;
	self->in.pgsizes = 0x20010000;
	self->in.machine = HG_MACHINE_VIRT;
	hg_ranges_add(&self->in.usable, 0, 0x7ffffff);
	hg_ranges_add(&self->in.usable, 0x8100000, hg_mask_bits(48));
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_EQ(48, self->opts.aw_bits);
	EXPECT_STREQ("64k", self->opts.granule);
	ASSERT_EQ(1, self->opts.reserved.n);
	EXPECT_EQ(0x8000000, self->opts.reserved.v[0].start);
	/* no QEMU known: the fact as of 10.0, unchecked for this one */
	EXPECT_TRUE(has_note(&self->opts, "arm-smmuv3 (-machine virt,iommu=smmuv3): as of QEMU 10.0 no vIOMMU for an assigned device (no MAP notifier: it refuses a vfio-pci device behind it), not checked for the QEMU to run"));
	EXPECT_FALSE(has_note(&self->opts, "is no vIOMMU"));
	EXPECT_FALSE(has_note(&self->opts, "warning: an x86 guest"));
	/* measured nested (scripts/granule): a 4k guest refuses 64k */
	EXPECT_TRUE(has_note(&self->opts, "warning: the guest needs pages of at least 64k"));
	hg_qemu_opts_free(&self->opts);
	self->in.machine = HG_MACHINE_Q35;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_FALSE(has_note(&self->opts, "arm-smmuv3"));
	EXPECT_TRUE(has_note(&self->opts, "warning: an x86 guest uses 4k pages; granule 64k"));
	EXPECT_FALSE(has_note(&self->opts, "the guest needs pages of at least"));
}

/*
 * The arm-smmuv3 note follows the QEMU: 10.0, whose source the fact was
 * read in, gets it plain; 7.2 gets it as of 10.0, unchecked for 7.2.
 */
TEST_F(qemu, arm64_smmuv3_note_by_version)
{
	struct hg_qemu_caps caps;

	self->resv[0] = (struct hg_resv){ 0x8000000, 0x80fffff, HG_RESV_MSI };
	self->in.n_resv = 1;
	self->in.machine = HG_MACHINE_VIRT;
	hg_ranges_add(&self->in.usable, 0, 0x7ffffff);
	hg_ranges_add(&self->in.usable, 0x8100000, hg_mask_bits(48));
	ASSERT_EQ(0, hg_qemu_caps_from_version("10.0", &caps, &self->err));
	self->in.qemu = &caps;
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_TRUE(has_note(&self->opts, "arm-smmuv3 (-machine virt,iommu=smmuv3) is no vIOMMU for an assigned device: QEMU 10.0's emulated SMMUv3"));
	EXPECT_FALSE(has_note(&self->opts, "as of QEMU 10.0"));
	hg_qemu_opts_free(&self->opts);
	ASSERT_EQ(0, hg_qemu_caps_from_version("7.2", &caps, &self->err));
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &self->err));
	EXPECT_TRUE(has_note(&self->opts, "as of QEMU 10.0 no vIOMMU for an assigned device (no MAP notifier: it refuses a vfio-pci device behind it), not checked for QEMU 7.2;"));
	EXPECT_FALSE(has_note(&self->opts, "is no vIOMMU"));
}

TEST_HARNESS_MAIN
