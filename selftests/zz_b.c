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

#include <hostgeom/sysfs.h>

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define MSI "0x00000000fee00000 0x00000000feefffff msi\n"

FIXTURE(tree) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_topology topo;
	struct hg_err err;
};

FIXTURE_SETUP(tree)
{
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

static int add_pci(struct fake_sysfs *fs, int group, const char *bdf,
		   uint16_t vendor, uint16_t device, uint32_t class_code,
		   const char *driver, const char *cdev)
{
	struct fake_dev d = {
		.name = bdf, .group = group, .pci = true, .vendor = vendor,
		.device = device, .class_code = class_code, .driver = driver,
		.vfio_cdev = cdev,
	};

	return fake_sysfs_add_dev(fs, &d);
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
	.line = 2, .says = "end has no hex digits",
};
FIXTURE_VARIANT_ADD(bad_resv, no_0x) {
	.body = "00000000fee00000 0x00000000feefffff msi\n",
	.line = 1, .says = "start does not start with 0x",
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
	.line = 1, .says = "more than 16 hex digits",
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

/*
 * The body lives outside TEST_F: inlined into the harness's setjmp wrapper
 * it makes gcc warn that the wrapper's own variables may be clobbered.
 */
static void __attribute__((noinline))
check_bad_resv(struct __test_metadata *_metadata, FIXTURE_DATA(bad_resv) *self,
	       const FIXTURE_VARIANT(bad_resv) *variant)
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

TEST_F(bad_resv, error_names_file_and_line)
{
	check_bad_resv(_metadata, self, variant);
}

TEST_HARNESS_MAIN
