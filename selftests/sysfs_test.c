// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs reader against synthetic trees: ordering, members, odd and
 * missing files, and malformed reserved_regions with the file and line
 * named in the error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/bdf.h>
#include <hostgeom/sysfs.h>
#include <hostgeom/vfio_policy.h>

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define MSI "0x00000000fee00000 0x00000000feefffff msi\n"

FIXTURE(tree) {
	struct fake_sysfs *fs;
	bool no_uevent;
	struct hg_ctx ctx;
	struct hg_topology topo;
	struct hg_err err;
};

/* Devices read from their uevent file, or (hand-made trees) attributes. */
FIXTURE_VARIANT(tree) {
	bool no_uevent;
};

FIXTURE_VARIANT_ADD(tree, uevent) { .no_uevent = false };
FIXTURE_VARIANT_ADD(tree, attributes) { .no_uevent = true };

FIXTURE_SETUP(tree)
{
	self->no_uevent = variant->no_uevent;
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(self->fs) };
	self->topo = (struct hg_topology){ 0 };
	hg_err_clear(&self->err);
}

FIXTURE_TEARDOWN(tree)
{
	hg_topology_free(&self->topo);
	fake_sysfs_destroy(self->fs);
}

static int read_topo(struct __test_metadata *_metadata,
		     FIXTURE_DATA(tree) *self)
{
	hg_topology_free(&self->topo);
	hg_err_clear(&self->err);
	return hg_sysfs_read_topology(&self->ctx, &self->topo, &self->err);
}
#define READ() read_topo(_metadata, self)

static int add_dev(FIXTURE_DATA(tree) *self, struct fake_dev d)
{
	d.no_uevent = self->no_uevent;
	return fake_sysfs_add_dev(self->fs, &d);
}

static int add_pci(FIXTURE_DATA(tree) *self, int group, const char *bdf,
		   uint16_t vendor, uint16_t device, uint32_t class_code,
		   const char *driver, const char *cdev)
{
	struct fake_dev d = {
		.name = bdf, .group = group, .pci = true, .vendor = vendor,
		.device = device, .class_code = class_code, .driver = driver,
		.vfio_cdev = cdev,
	};

	return add_dev(self, d);
}

/* A PCI member read back with exactly these attributes. */
static bool pci_dev_is(const struct hg_device *d, const char *name,
		       uint16_t vendor, uint16_t device, uint32_t class_code,
		       const char *driver, const char *cdev)
{
	return d->is_pci && !strcmp(d->name, name) && d->vendor == vendor &&
	       d->device == device && d->class_code == class_code &&
	       !strcmp(d->driver, driver) && !strcmp(d->vfio_cdev, cdev);
}

TEST_F(tree, no_iommu_is_zero_groups)
{
	ASSERT_FALSE(hg_sysfs_has_iommu(&self->ctx));
	ASSERT_EQ(0, READ());
	ASSERT_EQ(0U, self->topo.n_groups);
	ASSERT_EQ(NULL, self->topo.groups);
	ASSERT_EQ(0, self->err.code);
}

TEST_F(tree, empty_groups_dir)
{
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups"));
	ASSERT_TRUE(hg_sysfs_has_iommu(&self->ctx));
	ASSERT_EQ(0, READ());
	ASSERT_EQ(0U, self->topo.n_groups);
}

TEST_F(tree, groups_sorted_numerically_non_numbers_ignored)
{
	static const unsigned int ids[] = { 10, 2, 100, 0, 9, 4294967295U, 11 };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		ASSERT_EQ(0, fake_sysfs_add_group(self->fs, ids[i], "DMA", ""));
	/* Not group names: words, leading zeros, beyond 32 bits. */
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups/foo"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups/07"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups/4294967296"));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups/-1"));
	ASSERT_EQ(0, READ());
	ASSERT_EQ(7U, self->topo.n_groups);
	ASSERT_EQ(0U, self->topo.groups[0].id);
	ASSERT_EQ(2U, self->topo.groups[1].id);
	ASSERT_EQ(9U, self->topo.groups[2].id);
	ASSERT_EQ(10U, self->topo.groups[3].id);
	ASSERT_EQ(11U, self->topo.groups[4].id);
	ASSERT_EQ(100U, self->topo.groups[5].id);
	ASSERT_EQ(4294967295U, self->topo.groups[6].id);

	ASSERT_EQ(&self->topo.groups[5], hg_topology_group(&self->topo, 100));
	ASSERT_EQ(&self->topo.groups[0], hg_topology_group(&self->topo, 0));
	ASSERT_EQ(&self->topo.groups[6],
		  hg_topology_group(&self->topo, 4294967295U));
	ASSERT_EQ(NULL, hg_topology_group(&self->topo, 1));
	ASSERT_EQ(NULL, hg_topology_group(&self->topo, 101));
}

TEST_F(tree, many_groups)
{
	unsigned int id;
	char bdf[16];

	/* Created in a scrambled order, two members each. */
	for (id = 0; id < 500; id++) {
		unsigned int g = (id * 7919) % 500;

		ASSERT_EQ(0, fake_sysfs_add_group(self->fs, g, "DMA-FQ", MSI));
		snprintf(bdf, sizeof(bdf), "0000:%02x:%02x.1", g / 32, g % 32);
		ASSERT_EQ(0, add_pci(self, g, bdf, 0x8086, g, 0x010802,
				     "nvme", NULL));
		bdf[11] = '0';
		ASSERT_EQ(0, add_pci(self, g, bdf, 0x8086, g, 0x060400,
				     "pcieport", NULL));
	}
	ASSERT_EQ(0, READ());
	ASSERT_EQ(500U, self->topo.n_groups);
	for (id = 0; id < 500; id++) {
		const struct hg_group *g = &self->topo.groups[id];

		ASSERT_EQ(id, g->id);
		ASSERT_EQ(2U, g->n_members);
		ASSERT_EQ(id, g->members[0].device);
		ASSERT_STREQ("pcieport", g->members[0].driver);
		ASSERT_STREQ("nvme", g->members[1].driver);
		ASSERT_EQ(1U, g->n_resv);
	}
}

TEST_F(tree, multi_member_group)
{
	const struct hg_group *g;
	const struct hg_device *d;
	struct fake_dev plat = { .name = "ff000000.dma", .group = 3,
				 .driver = "pl330" };

	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 3, "DMA",
		  "0x0000000000000000 0x0000000000000fff direct\n"
		  "0x00000000fee00000 0x00000000feefffff msi\n"
		  "0x0000008000000000 0xffffffffffffffff reserved\n"));
	/* Added out of order; 0000:00:1f.0 > 0000:00:02.0 as strings too. */
	ASSERT_EQ(0, add_pci(self, 3, "0000:00:1f.0", 0x8086, 0x2918,
			     0x060100, "lpc_ich", NULL));
	ASSERT_EQ(0, add_pci(self, 3, "0000:00:02.0", 0x1b36, 0x0005,
			     0x00ff00, "vfio-pci", "vfio7"));
	ASSERT_EQ(0, add_dev(self, plat));
	ASSERT_EQ(0, add_pci(self, 3, "0000:00:0a.0", 0xffff, 0xffff,
			     0xffffff, NULL, NULL));
	ASSERT_EQ(0, READ());
	ASSERT_EQ(1U, self->topo.n_groups);
	g = &self->topo.groups[0];
	ASSERT_EQ(3U, g->id);
	ASSERT_STREQ("DMA", g->type);
	ASSERT_EQ(4U, g->n_members);

	ASSERT_TRUE(pci_dev_is(&g->members[0], "0000:00:02.0", 0x1b36, 0x0005,
			       0x00ff00, "vfio-pci", "vfio7"));
	ASSERT_TRUE(pci_dev_is(&g->members[1], "0000:00:0a.0", 0xffff, 0xffff,
			       0xffffff, "", ""));
	ASSERT_TRUE(pci_dev_is(&g->members[2], "0000:00:1f.0", 0x8086, 0x2918,
			       0x060100, "lpc_ich", ""));

	d = &g->members[3];
	ASSERT_STREQ("ff000000.dma", d->name);
	ASSERT_FALSE(d->is_pci);
	ASSERT_STREQ("pl330", d->driver);

	ASSERT_EQ(3U, g->n_resv);
	ASSERT_EQ(HG_RESV_DIRECT, g->resv[0].type);
	ASSERT_EQ(0U, g->resv[0].start);
	ASSERT_EQ(0xfffU, g->resv[0].end);
	ASSERT_EQ(HG_RESV_MSI, g->resv[1].type);
	ASSERT_EQ(0xfee00000U, g->resv[1].start);
	ASSERT_EQ(HG_RESV_RESERVED, g->resv[2].type);
	ASSERT_EQ(0x8000000000ULL, g->resv[2].start);
	ASSERT_EQ(UINT64_MAX, g->resv[2].end);
}

TEST_F(tree, pci_identity)
{
	const struct hg_group *g;
	struct fake_dev plat = { .name = "virtio0", .group = 1 };

	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1, "DMA", ""));
	/* IDs but a non-PCI subsystem: not PCI (virtio has vendor/device). */
	ASSERT_EQ(0, add_dev(self, plat));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "devices/platform/virtio0/vendor", "0x1af4\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "devices/platform/virtio0/device", "0x0001\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "devices/platform/virtio0/class", "0x000000\n"));
	/* A plain directory (no symlinks at all) with the three IDs: PCI. */
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/1/devices/0000:05:00.0/vendor", "0x10de\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/1/devices/0000:05:00.0/device", "0x2204\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/1/devices/0000:05:00.0/class", "0x030000\n"));
	/* vendor and device but no class: not PCI. */
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/1/devices/odd/vendor", "0x10de\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/1/devices/odd/device", "0x2204\n"));
	ASSERT_EQ(0, READ());
	g = &self->topo.groups[0];
	ASSERT_EQ(3U, g->n_members);
	ASSERT_STREQ("0000:05:00.0", g->members[0].name);
	ASSERT_TRUE(g->members[0].is_pci);
	ASSERT_EQ(0x10de, g->members[0].vendor);
	ASSERT_EQ(0x030000U, g->members[0].class_code);
	ASSERT_STREQ("odd", g->members[1].name);
	ASSERT_FALSE(g->members[1].is_pci);
	ASSERT_STREQ("virtio0", g->members[2].name);
	ASSERT_FALSE(g->members[2].is_pci);
	ASSERT_EQ(0, g->members[2].vendor);
}

TEST_F(tree, empty_groups_odd_and_missing_types)
{
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1, "DMA", ""));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 2, NULL, NULL));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 3, "some-future-type", ""));
	ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups/4"));
	ASSERT_EQ(0, READ());
	ASSERT_EQ(4U, self->topo.n_groups);
	ASSERT_STREQ("DMA", self->topo.groups[0].type);
	ASSERT_EQ(0U, self->topo.groups[0].n_members);
	ASSERT_EQ(0U, self->topo.groups[0].n_resv);
	ASSERT_STREQ("", self->topo.groups[1].type);
	ASSERT_EQ(0U, self->topo.groups[1].n_resv);
	ASSERT_STREQ("some-future-type", self->topo.groups[2].type);
	/* No devices/ directory at all. */
	ASSERT_EQ(0U, self->topo.groups[3].n_members);
}

TEST_F(tree, type_longer_than_any_kernel_type)
{
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1,
					  "a-type-name-far-too-long-to-be-real", ""));
	ASSERT_EQ(-EFBIG, READ());
	ASSERT_NE(NULL, strstr(self->err.msg, "kernel/iommu_groups/1/type"));
}

TEST_F(tree, malformed_ids_name_the_file)
{
	const char *dir = "devices/pci0000:00/0000:00:03.0";
	char path[128], want[256];

	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 6, "DMA", ""));
	ASSERT_EQ(0, add_pci(self, 6, "0000:00:03.0", 0x8086, 0x1234,
			     0x020000, NULL, NULL));
	snprintf(path, sizeof(path), "%s/%s", dir,
		 self->no_uevent ? "device" : "uevent");
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, path, "%s",
				       self->no_uevent ? "zz\n" :
				       "PCI_CLASS=20000\nPCI_ID=8086-1234\n"));
	ASSERT_EQ(-EINVAL, READ());
	ASSERT_EQ(-EINVAL, self->err.code);
	snprintf(want, sizeof(want), "%s/kernel/iommu_groups/6/devices/0000:00:03.0/%s: ",
		 fake_sysfs_root(self->fs), self->no_uevent ? "device" : "uevent");
	ASSERT_EQ(0, strncmp(want, self->err.msg, strlen(want)))
		TH_LOG("message: %s", self->err.msg);
	ASSERT_EQ(0U, self->topo.n_groups);

	/* A class wider than 24 bits. */
	snprintf(path, sizeof(path), "%s/%s", dir,
		 self->no_uevent ? "class" : "uevent");
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, path, "%s",
				       self->no_uevent ? "0x1000000\n" :
				       "PCI_CLASS=1000000\nPCI_ID=8086:1234\n"));
	if (self->no_uevent)
		ASSERT_EQ(0, fake_sysfs_printf(self->fs, "devices/pci0000:00/0000:00:03.0/device",
					       "0x1234\n"));
	ASSERT_EQ(-EINVAL, READ());
	ASSERT_NE(NULL, strstr(self->err.msg, self->no_uevent ? "/class: " : "PCI_CLASS"))
		TH_LOG("message: %s", self->err.msg);
}

TEST(uevent_forms)
{
	struct fake_sysfs *fs = fake_sysfs_create();
	struct hg_ctx ctx = { .sysfs = fake_sysfs_root(fs) };
	struct hg_topology topo;
	struct hg_err err = { 0 };
	const struct hg_device *d;
	char name[80];

	ASSERT_EQ(0, fake_sysfs_add_group(fs, 1, "identity", ""));
	/* Lower case, other keys around, no final newline: still PCI. */
	ASSERT_EQ(0, fake_sysfs_printf(fs, "kernel/iommu_groups/1/devices/0000:00:04.0/uevent",
				       "MAJOR=1\nDRIVER=e1000e\nPCI_CLASS=20000\npci_id=x\nPCI_ID=8086:10d3\nMODALIAS=pci:v00008086"));
	/* Only a driver: not PCI, even with attribute files beside it. */
	ASSERT_EQ(0, fake_sysfs_printf(fs, "kernel/iommu_groups/1/devices/ff000000.dma/uevent",
				       "DRIVER=pl330\nOF_NAME=dma\n"));
	ASSERT_EQ(0, fake_sysfs_printf(fs, "kernel/iommu_groups/1/devices/ff000000.dma/vendor", "0x1234\n"));
	/* PCI_ID without PCI_CLASS: not PCI. */
	ASSERT_EQ(0, fake_sysfs_printf(fs, "kernel/iommu_groups/1/devices/x/uevent",
				       "PCI_ID=8086:10D3\n"));
	ASSERT_EQ(0, hg_sysfs_read_topology(&ctx, &topo, &err));
	ASSERT_EQ(3U, topo.groups[0].n_members);
	ASSERT_TRUE(pci_dev_is(&topo.groups[0].members[0], "0000:00:04.0",
			       0x8086, 0x10d3, 0x020000, "e1000e", ""));
	d = &topo.groups[0].members[1];
	ASSERT_FALSE(d->is_pci);
	ASSERT_STREQ("pl330", d->driver);
	ASSERT_FALSE(topo.groups[0].members[2].is_pci);
	hg_topology_free(&topo);

	/* A driver name that does not fit. */
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ASSERT_EQ(0, fake_sysfs_printf(fs, "kernel/iommu_groups/1/devices/x/uevent",
				       "DRIVER=%s\n", name));
	ASSERT_EQ(-ENAMETOOLONG, hg_sysfs_read_topology(&ctx, &topo, &err));
	ASSERT_NE(NULL, strstr(err.msg, "/devices/x/uevent: driver name"));
	fake_sysfs_destroy(fs);
}

/* Malformed reserved_regions files: what each says is wrong, on which line. */
FIXTURE(bad_resv) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
};

FIXTURE_VARIANT(bad_resv) {
	const char *body;
	size_t len;		/* 0: strlen(body) */
	unsigned int line;
	const char *says;
};

FIXTURE_VARIANT_ADD(bad_resv, truncated) {
	.body = MSI "0x0000000000000000 0x0000000000000fff dir",
	.line = 2, .says = "truncated",
};
FIXTURE_VARIANT_ADD(bad_resv, type_missing) {
	.body = "0x0000000000000000 0x0000000000000fff\n",
	.line = 1, .says = "type is missing",
};
FIXTURE_VARIANT_ADD(bad_resv, type_missing_blank) {
	.body = MSI MSI "0x0000000000000000 0x0000000000000fff \n",
	.line = 3, .says = "type is missing",
};
FIXTURE_VARIANT_ADD(bad_resv, non_hex_start) {
	.body = "0x00000000fee0000g 0x00000000feefffff msi\n",
	.line = 1, .says = "no blank after the start",
};
FIXTURE_VARIANT_ADD(bad_resv, non_hex_end) {
	.body = MSI "0x0000000000000000 0xzz msi\n",
	.line = 2, .says = "end address has no hex digits",
};
FIXTURE_VARIANT_ADD(bad_resv, no_0x) {
	.body = "00000000fee00000 0x00000000feefffff msi\n",
	.line = 1, .says = "start address does not begin with 0x",
};
FIXTURE_VARIANT_ADD(bad_resv, start_above_end) {
	.body = MSI "0x0000000000002000 0x0000000000001fff reserved\n",
	.line = 2, .says = "start is above end",
};
FIXTURE_VARIANT_ADD(bad_resv, trailing_junk) {
	.body = "0x00000000fee00000 0x00000000feefffff msi extra\n",
	.line = 1, .says = "trailing text",
};
FIXTURE_VARIANT_ADD(bad_resv, empty_line) {
	.body = MSI "\n" MSI,
	.line = 2, .says = "empty line",
};
FIXTURE_VARIANT_ADD(bad_resv, seventeen_digits) {
	.body = "0x10000000000000000 0x00000000feefffff msi\n",
	.line = 1, .says = "start address has more than 16 hex digits",
};
#define NUL_BODY "0x00000000fee00000 0x00000000feefffff ms\0i\n"
FIXTURE_VARIANT_ADD(bad_resv, nul_byte) {
	.body = NUL_BODY, .len = sizeof(NUL_BODY) - 1,
	.line = 1, .says = "truncated",
};

FIXTURE_SETUP(bad_resv)
{
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(self->fs) };
}

FIXTURE_TEARDOWN(bad_resv)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(bad_resv, error_names_file_and_line)
{
	struct hg_topology topo = { 0 };
	struct hg_err err = { 0 };
	struct hg_resv *resv;
	char want[512];
	size_t n;

	/* A good group before the bad one: the bad one must still fail. */
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1, "DMA", MSI));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 12, "DMA", NULL));
	ASSERT_EQ(0, fake_sysfs_write(self->fs,
				      "kernel/iommu_groups/12/reserved_regions",
				      variant->body, variant->len ?:
				      strlen(variant->body)));
	ASSERT_EQ(-EINVAL, hg_sysfs_read_topology(&self->ctx, &topo, &err));
	ASSERT_EQ(0U, topo.n_groups);
	snprintf(want, sizeof(want), "%s/kernel/iommu_groups/12/reserved_regions:%u: ",
		 fake_sysfs_root(self->fs), variant->line);
	ASSERT_EQ(0, strncmp(want, err.msg, strlen(want)))
		TH_LOG("want prefix %s, message: %s", want, err.msg);
	ASSERT_NE(NULL, strstr(err.msg, variant->says))
		TH_LOG("want '%s' in: %s", variant->says, err.msg);

	/* The parser alone says the same, with the caller's name. */
	hg_err_clear(&err);
	ASSERT_EQ(-EINVAL, hg_resv_parse(variant->body, "F", &resv, &n, &err));
	ASSERT_EQ(NULL, resv);
	ASSERT_EQ(0U, n);
	snprintf(want, sizeof(want), "F:%u: ", variant->line);
	ASSERT_EQ(0, strncmp(want, err.msg, strlen(want)));
}

TEST(first_bad_group_wins)
{
	struct fake_sysfs *fs = fake_sysfs_create();
	struct hg_ctx ctx = { .sysfs = fake_sysfs_root(fs) };
	struct hg_topology topo;
	struct hg_err err;
	unsigned int id, round;
	char want[512];

	/* Enough groups to be read by several threads, two of them bad. */
	for (id = 0; id < 400; id++)
		ASSERT_EQ(0, fake_sysfs_add_group(fs, id, "DMA",
			  id == 150 || id == 390 ? "0x1 0x0 msi\n" : MSI));
	snprintf(want, sizeof(want), "%s/kernel/iommu_groups/150/reserved_regions:1: ",
		 fake_sysfs_root(fs));
	for (round = 0; round < 20; round++) {
		hg_err_clear(&err);
		ASSERT_EQ(-EINVAL, hg_sysfs_read_topology(&ctx, &topo, &err));
		ASSERT_EQ(0, strncmp(want, err.msg, strlen(want)))
			TH_LOG("round %u: %s", round, err.msg);
		ASSERT_EQ(0U, topo.n_groups);
	}
	fake_sysfs_destroy(fs);
}

TEST(resv_parse_edges)
{
	struct hg_err err = { 0 };
	struct hg_resv *r;
	size_t n;

	ASSERT_EQ(0, hg_resv_parse("", "F", &r, &n, &err));
	ASSERT_EQ(0U, n);
	ASSERT_EQ(NULL, r);

	ASSERT_EQ(0, hg_resv_parse(
		"0x0000000000000000 0x0000000000000000 direct-relaxable\n"
		"0xffffffffffffffff 0xffffffffffffffff msi\n"
		"0x1 0xF\tsomething-new\n", "F", &r, &n, &err));
	ASSERT_EQ(3U, n);
	ASSERT_EQ(0U, r[0].start);
	ASSERT_EQ(0U, r[0].end);
	ASSERT_EQ(HG_RESV_DIRECT_RELAXABLE, r[0].type);
	ASSERT_EQ(UINT64_MAX, r[1].start);
	ASSERT_EQ(UINT64_MAX, r[1].end);
	ASSERT_EQ(HG_RESV_MSI, r[1].type);
	ASSERT_EQ(1U, r[2].start);
	ASSERT_EQ(15U, r[2].end);
	ASSERT_EQ(HG_RESV_UNKNOWN, r[2].type);
	free(r);
	ASSERT_EQ(0, err.code);
}

TEST(resv_type_names)
{
	enum hg_resv_type t;

	/* sysfs's names read back; the module's own are never parsed. */
	for (t = HG_RESV_DIRECT; t <= HG_RESV_MSI; t++)
		ASSERT_EQ(t, hg_resv_type_parse(hg_resv_type_name(t)));
	ASSERT_STREQ("direct-relaxable",
		     hg_resv_type_name(HG_RESV_DIRECT_RELAXABLE));
	ASSERT_STREQ("sw-msi", hg_resv_type_name(HG_RESV_SW_MSI));
	ASSERT_STREQ("canary", hg_resv_type_name(HG_RESV_CANARY));
	ASSERT_EQ(HG_RESV_UNKNOWN, hg_resv_type_parse("sw-msi"));
	ASSERT_EQ(HG_RESV_UNKNOWN, hg_resv_type_parse("canary"));
	ASSERT_EQ(HG_RESV_UNKNOWN, hg_resv_type_parse("unknown"));
	ASSERT_EQ(HG_RESV_UNKNOWN, hg_resv_type_parse("MSI"));
	ASSERT_EQ(HG_RESV_UNKNOWN, hg_resv_type_parse(""));
	ASSERT_STREQ("unknown", hg_resv_type_name((enum hg_resv_type)42));
}

TEST(bdf_normalize)
{
	char out[64];

	hg_bdf_normalize("00:01.0", out, sizeof(out));
	ASSERT_STREQ("0000:00:01.0", out);
	hg_bdf_normalize("0000:00:1F.7", out, sizeof(out));
	ASSERT_STREQ("0000:00:1f.7", out);
	hg_bdf_normalize("AB:1D.3", out, sizeof(out));
	ASSERT_STREQ("0000:ab:1d.3", out);
	hg_bdf_normalize("10000:e1:00.0", out, sizeof(out));
	ASSERT_STREQ("10000:e1:00.0", out);
	/* Not addresses: copied as they are. */
	hg_bdf_normalize("00:01.8", out, sizeof(out));
	ASSERT_STREQ("00:01.8", out);
	hg_bdf_normalize("00:20.0", out, sizeof(out));	/* devices end at 1f */
	ASSERT_STREQ("00:20.0", out);
	hg_bdf_normalize("ff000000.DMA", out, sizeof(out));
	ASSERT_STREQ("ff000000.DMA", out);
	hg_bdf_normalize("000:00:01.0", out, sizeof(out));
	ASSERT_STREQ("000:00:01.0", out);
	hg_bdf_normalize("00:01.0x", out, sizeof(out));
	ASSERT_STREQ("00:01.0x", out);
	hg_bdf_normalize("", out, sizeof(out));
	ASSERT_STREQ("", out);
	/* Truncated to the buffer, terminated. */
	hg_bdf_normalize("00:01.0", out, 6);
	ASSERT_STREQ("0000:", out);
}

TEST_F(tree, find_device)
{
	const struct hg_device *d = NULL;
	const struct hg_group *g;
	struct fake_dev plat = { .name = "ff000000.dma", .group = 9 };

	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 4, "DMA", ""));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 9, "DMA", ""));
	ASSERT_EQ(0, add_pci(self, 4, "0000:00:1f.2", 0x8086, 0x2922,
			     0x010601, "ahci", NULL));
	ASSERT_EQ(0, add_pci(self, 9, "0000:01:00.0", 0x1234, 0x11e8,
			     0x00ff00, "vfio-pci", "vfio0"));
	ASSERT_EQ(0, add_dev(self, plat));
	ASSERT_EQ(0, READ());

	g = hg_topology_find_device(&self->topo, "00:1F.2", &d);
	ASSERT_NE(NULL, g);
	ASSERT_EQ(4U, g->id);
	ASSERT_STREQ("0000:00:1f.2", d->name);
	g = hg_topology_find_device(&self->topo, "0000:01:00.0", NULL);
	ASSERT_NE(NULL, g);
	ASSERT_EQ(9U, g->id);
	g = hg_topology_find_device(&self->topo, "ff000000.dma", &d);
	ASSERT_NE(NULL, g);
	ASSERT_EQ(9U, g->id);
	ASSERT_FALSE(d->is_pci);
	ASSERT_EQ(NULL, hg_topology_find_device(&self->topo, "00:1f.3", &d));
	ASSERT_EQ(NULL, d);
	ASSERT_EQ(NULL, hg_topology_find_device(&self->topo, "", &d));
}

TEST(members_in_the_way)
{
	struct hg_device m[] = {
		{ .name = "0000:00:1c.0", .driver = "pcieport" },
		{ .name = "0000:01:00.0", .driver = "vfio-pci" },
		{ .name = "0000:01:00.1", .driver = "snd_hda_intel" },
		{ .name = "0000:01:00.2", .driver = "" },
		{ .name = "0000:01:00.3", .driver = "mlx5_vfio_pci" },
		{ .name = "0000:01:00.4", .driver = "pci-stub" },
		{ .name = "0000:01:00.5", .driver = "xhci_hcd" },
		{ .name = "0000:01:00.6", .driver = "vfio" },
	};
	struct hg_group g = { .members = m, .n_members = 8 };
	char buf[128];

	ASSERT_EQ(3U, hg_group_members(&g, HG_MEMBERS_IN_THE_WAY, buf,
				       sizeof(buf)));
	ASSERT_STREQ("0000:01:00.1 (snd_hda_intel), 0000:01:00.5 (xhci_hcd), 0000:01:00.6 (vfio)",
		     buf);
	/* Too long: whole names, then how many more; the count still right. */
	ASSERT_EQ(3U, hg_group_members(&g, HG_MEMBERS_IN_THE_WAY, buf, 48));
	ASSERT_STREQ("0000:01:00.1 (snd_hda_intel) and 2 more", buf);
	ASSERT_EQ(3U, hg_group_members(&g, HG_MEMBERS_IN_THE_WAY, buf, 16));
	ASSERT_STREQ("and 3 more", buf);
	ASSERT_EQ(6U, hg_group_members(&g, HG_MEMBERS_NOT_VFIO, buf, 40));
	ASSERT_STREQ("0000:00:1c.0", buf);
	ASSERT_FALSE(hg_group_vfio_ready(&g, buf, sizeof(buf)));
	ASSERT_NE(NULL, strstr(buf, "0000:01:00.5 (xhci_hcd)"));
	/* Not on a vfio driver: what iommufd does not attach. */
	ASSERT_EQ(6U, hg_group_members(&g, HG_MEMBERS_NOT_VFIO, buf,
				       sizeof(buf)));
	ASSERT_STREQ("0000:00:1c.0,0000:01:00.1,0000:01:00.2,0000:01:00.4,0000:01:00.5,0000:01:00.6",
		     buf);
	g.n_members = 2;
	ASSERT_EQ(0U, hg_group_members(&g, HG_MEMBERS_IN_THE_WAY, buf,
				       sizeof(buf)));
	ASSERT_STREQ("", buf);
	ASSERT_TRUE(hg_group_vfio_ready(&g, buf, sizeof(buf)));
}

/* A large group: the reason keeps its point (the verb, the count). */
TEST(members_in_the_way_of_a_large_group)
{
	struct hg_device m[40];
	struct hg_group g = { .members = m, .n_members = 40 };
	char why[400];
	size_t i;

	for (i = 0; i < 40; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		snprintf(m[i].name, sizeof(m[i].name), "0000:%02zx:00.0", i);
		snprintf(m[i].driver, sizeof(m[i].driver), "e1000e");
	}
	ASSERT_FALSE(hg_group_vfio_ready(&g, why, sizeof(why)));
	ASSERT_LT(strlen(why), sizeof(why));
	ASSERT_EQ(0, strncmp(why, "0000:00:00.0 (e1000e), 0000:01:00.0", 35)) {
		TH_LOG("%s", why);
	}
	ASSERT_NE(NULL, strstr(why, " more are bound to kernel drivers")) {
		TH_LOG("%s", why);
	}
}

TEST(bdf_valid)
{
	ASSERT_TRUE(hg_bdf_valid("0000:00:01.0"));
	ASSERT_TRUE(hg_bdf_valid("10000:e1:00.7"));
	ASSERT_FALSE(hg_bdf_valid("00:01.0"));
	ASSERT_FALSE(hg_bdf_valid("0000:00:01.8"));
	ASSERT_FALSE(hg_bdf_valid("000:00:01.0"));
	ASSERT_FALSE(hg_bdf_valid("0000:00:01.0x"));
	ASSERT_FALSE(hg_bdf_valid("pci0000:00"));
	ASSERT_FALSE(hg_bdf_valid(""));
}

TEST_HARNESS_MAIN
