// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs reader against trees that are not sysfs: a symlink to
 * /dev/zero, a named pipe or a directory where an attribute should be, and
 * files larger than sysfs ever writes, and names with bytes sysfs never
 * writes. Each must fail at once, naming the file and what is wrong with
 * it, and leave no topology behind: no hang, no unbounded allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/sysfs.h>

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define MSI "0x00000000fee00000 0x00000000feefffff msi\n"
#define NIC "0000:00:19.0"
#define NIC_DIR "devices/pci0000:00/" NIC

enum attack { LINK_DEV_ZERO, FIFO, DIRECTORY, OVERSIZE };

FIXTURE(hostile) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_topology topo;
	struct hg_err err;
};

FIXTURE_VARIANT(hostile) {
	const char *file;	/* relative to the root */
	const char *named;	/* that file as the message names it */
	bool no_uevent;		/* the device has attribute files only */
	enum attack attack;
	int code;		/* what the read fails with */
	const char *why;	/* in the message */
};

#define GROUP_FILE(f) "kernel/iommu_groups/1/" f, "kernel/iommu_groups/1/" f
#define NIC_FILE(f) NIC_DIR "/" f, "kernel/iommu_groups/1/devices/" NIC "/" f
#define NOT_REG "not a regular file"
#define LINKED "a symbolic link"

FIXTURE_VARIANT_ADD(hostile, type_dev_zero) {
	GROUP_FILE("type"), false, LINK_DEV_ZERO, -ELOOP, LINKED };
FIXTURE_VARIANT_ADD(hostile, type_fifo) {
	GROUP_FILE("type"), false, FIFO, -EMEDIUMTYPE, NOT_REG };
FIXTURE_VARIANT_ADD(hostile, type_directory) {
	GROUP_FILE("type"), false, DIRECTORY, -EMEDIUMTYPE, NOT_REG };
FIXTURE_VARIANT_ADD(hostile, resv_dev_zero) {
	GROUP_FILE("reserved_regions"), false, LINK_DEV_ZERO, -ELOOP, LINKED };
FIXTURE_VARIANT_ADD(hostile, resv_fifo) {
	GROUP_FILE("reserved_regions"), false, FIFO, -EMEDIUMTYPE, NOT_REG };
FIXTURE_VARIANT_ADD(hostile, resv_oversize) {
	GROUP_FILE("reserved_regions"), false, OVERSIZE, -EFBIG,
	"too large" };
FIXTURE_VARIANT_ADD(hostile, uevent_dev_zero) {
	NIC_FILE("uevent"), false, LINK_DEV_ZERO, -ELOOP, LINKED };
FIXTURE_VARIANT_ADD(hostile, uevent_fifo) {
	NIC_FILE("uevent"), false, FIFO, -EMEDIUMTYPE, NOT_REG };
FIXTURE_VARIANT_ADD(hostile, uevent_oversize) {
	NIC_FILE("uevent"), false, OVERSIZE, -EFBIG, "too large" };
FIXTURE_VARIANT_ADD(hostile, vendor_fifo) {
	NIC_FILE("vendor"), true, FIFO, -EMEDIUMTYPE, NOT_REG };
FIXTURE_VARIANT_ADD(hostile, vendor_dev_zero) {
	NIC_FILE("vendor"), true, LINK_DEV_ZERO, -ELOOP, LINKED };

FIXTURE_SETUP(hostile)
{
	struct fake_dev nic = {
		.name = NIC, .group = 1, .pci = true, .vendor = 0x8086,
		.device = 0x10d3, .class_code = 0x020000, .driver = "e1000e",
		.no_uevent = variant->no_uevent,
	};

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(self->fs) };
	self->topo = (struct hg_topology){ 0 };
	hg_err_clear(&self->err);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1, "DMA", MSI));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &nic));
}

FIXTURE_TEARDOWN(hostile)
{
	hg_topology_free(&self->topo);
	fake_sysfs_destroy(self->fs);
}

/* Two MiB of well-formed lines: only the size is wrong. */
static int write_oversize(struct fake_sysfs *fs, const char *path)
{
	size_t len = 2u << 20, i;
	char *buf = malloc(len);
	int ret;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i + sizeof(MSI) - 1 <= len; i += sizeof(MSI) - 1)
		memcpy(buf + i, MSI, sizeof(MSI) - 1);
	ret = fake_sysfs_write(fs, path, buf, i);
	free(buf);
	return ret;
}

static int plant(FIXTURE_DATA(hostile) *self,
		 const FIXTURE_VARIANT(hostile) *variant)
{
	switch (variant->attack) {
	case LINK_DEV_ZERO:
		return fake_sysfs_replace(self->fs, variant->file,
					  FAKE_LINK_DEV_ZERO);
	case FIFO:
		return fake_sysfs_replace(self->fs, variant->file, FAKE_FIFO);
	case DIRECTORY:
		return fake_sysfs_replace(self->fs, variant->file,
					  FAKE_DIRECTORY);
	case OVERSIZE:
		break;
	}
	return write_oversize(self->fs, variant->file);
}

/* A blocked read is a failure too: the harness ends it after 10 s. */
TEST_F_TIMEOUT(hostile, refused_at_once, 10)
{
	char want[512];
	int ret;

	ASSERT_EQ(0, hg_sysfs_read_topology(&self->ctx, &self->topo,
					    &self->err));
	hg_topology_free(&self->topo);
	ASSERT_EQ(0, plant(self, variant));

	ret = hg_sysfs_read_topology(&self->ctx, &self->topo, &self->err);
	ASSERT_EQ(variant->code, ret) {
		TH_LOG("message: %s", self->err.msg);
	}
	ASSERT_EQ(0U, self->topo.n_groups);
	/* What lets a program say "is that root a sysfs tree?" */
	ASSERT_EQ(HG_ERR_NOT_SYSFS, self->err.kind);
	snprintf(want, sizeof(want), "%s/%s: ", fake_sysfs_root(self->fs),
		 variant->named);
	ASSERT_EQ(0, strncmp(want, self->err.msg, strlen(want))) {
		TH_LOG("message: %s", self->err.msg);
	}
	ASSERT_NE(NULL, strstr(self->err.msg, variant->why)) {
		TH_LOG("message: %s", self->err.msg);
	}
}

/*
 * Bytes sysfs never writes in a name, which would reach the output as they
 * are (invalid UTF-8 in JSON, a text line split in two): refused.
 */
TEST(untrusted_bytes_in_names)
{
	static const char *const types[] = { "\xff\xfe", "DMA\tFQ", "\x1b[2J" };
	struct fake_dev plat = { .name = "ff000000.dma", .group = 2 };
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_topology topo = { 0 };
	struct hg_err err = { 0 };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fs = fake_sysfs_create();
		ASSERT_NE(NULL, fs);
		ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(fs) };
		ASSERT_EQ(0, fake_sysfs_add_group(fs, 1, types[i], MSI));
		hg_err_clear(&err);
		EXPECT_EQ(-EINVAL, hg_sysfs_read_topology(&ctx, &topo, &err));
		EXPECT_NE(NULL, strstr(err.msg, "iommu_groups/1/type: ")) {
			TH_LOG("type %zu: %s", i, err.msg);
		}
		EXPECT_EQ(HG_ERR_NOT_SYSFS, err.kind);
		hg_topology_free(&topo);
		fake_sysfs_destroy(fs);
	}

	fs = fake_sysfs_create();
	ASSERT_NE(NULL, fs);
	ctx = (struct hg_ctx){ .sysfs = fake_sysfs_root(fs) };
	ASSERT_EQ(0, fake_sysfs_add_group(fs, 2, "DMA", MSI));
	plat.name = "two\nlines";
	ASSERT_EQ(0, fake_sysfs_add_dev(fs, &plat));
	hg_err_clear(&err);
	EXPECT_EQ(-EINVAL, hg_sysfs_read_topology(&ctx, &topo, &err));
	EXPECT_NE(NULL, strstr(err.msg, "a byte sysfs does not write")) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(0U, topo.n_groups);
	hg_topology_free(&topo);
	fake_sysfs_destroy(fs);
}

TEST_HARNESS_MAIN
