// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom check and ranges, the commands themselves (tools/hostgeom/),
 * run in this process on the fake VFIO kernel: their exit status, what
 * they say on stderr and what they print, for agreement, disagreement,
 * nothing compared, and arguments that name no group.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../tools/hostgeom/cli.h"
#include "fake_sysfs.h"
#include "fake_vfio.h"
#include "json_get.h"
#include "kselftest_harness.h"

struct run {
	int status;
	char *out;		/* stdout */
	char err[4096];		/* stderr */
};

/* @fn with @args (the command name first), stdout and stderr captured. */
static void run_cmd(struct run *r, const struct hg_ctx *ctx, bool json,
		    cli_cmd_fn fn, const char *const *args)
{
	struct cli cli = { .ctx = *ctx, .json = json };
	char *argv[16] = { NULL };
	int argc = 0, saved, fd;
	size_t len;
	FILE *f;
	ssize_t n;

	while (*args && argc < 15)
		argv[argc++] = (char *)*args++;
	r->out = NULL;
	f = open_memstream(&r->out, &len);
	fflush(stderr);
	saved = dup(2);
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	dup2(fd, 2);
	print_start(f, json, false);
	optind = 0;
	r->status = fn(&cli, argc, argv);
	if (print_end())
		r->status = -1;
	fclose(f);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, r->err, sizeof(r->err) - 1);
	r->err[n > 0 ? n : 0] = '\0';
	close(fd);
}

FIXTURE(vfio) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct run r;
	json_object *doc;
};

FIXTURE_SETUP(vfio)
{
	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_default_machine(self->fs));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
	self->r.out = NULL;
	self->doc = NULL;
}

FIXTURE_TEARDOWN(vfio)
{
	json_object_put(self->doc);
	free(self->r.out);
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

/* RUN(json?, cmd_check, "check", ARGS...) */
#define RUN(json, fn, ...) do {						\
	free(self->r.out);						\
	json_object_put(self->doc);					\
	run_cmd(&self->r, &self->ctx, json, fn,				\
		(const char *[]){ __VA_ARGS__, NULL });			\
	self->doc = json ? json_tokener_parse(self->r.out) : NULL;	\
} while (0)

static json_object *group_at(json_object *doc, size_t i)
{
	return json_object_array_get_idx(json_get(doc, "groups"), i);
}

TEST_F(vfio, check_agrees_exit_0)
{
	RUN(true, cmd_check, "check");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_NE(NULL, self->doc);
	EXPECT_STREQ("check", json_object_get_string(json_get(self->doc, "command")));
	EXPECT_TRUE(json_object_get_boolean(json_get(self->doc, "agree")));
	EXPECT_TRUE(json_object_get_boolean(json_get(group_at(self->doc, 1),
						     "agree")));
	RUN(false, cmd_check, "check", "7");
	ASSERT_EQ(0, self->r.status);
	EXPECT_EQ(0, strncmp("group 7 agree aw-bits 39 (type1)\n", self->r.out, 33))
		TH_LOG("%s", self->r.out);
}

/* iommufd keeps less than sysfs and type1 say: a problem found, exit 1. */
TEST_F(vfio, check_disagrees_exit_1)
{
	fake_kernel.ranges[1].end = 0x3fffffffffULL;
	RUN(true, cmd_check, "check");
	ASSERT_EQ(1, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_NE(NULL, self->doc);
	EXPECT_FALSE(json_object_get_boolean(json_get(self->doc, "agree")));
	EXPECT_TRUE(json_object_get_boolean(json_get(group_at(self->doc, 0),
						     "checked")));
	EXPECT_FALSE(json_object_get_boolean(json_get(group_at(self->doc, 0),
						      "agree")));
	RUN(false, cmd_check, "check", "6");
	ASSERT_EQ(1, self->r.status);
	EXPECT_EQ(0, strncmp("group 6 disagree", self->r.out, 16));
	EXPECT_NE(NULL, strstr(self->r.out,
			       "\t\t0x0000004000000000-0x0000007fffffffff usable per sysfs only\n"))
		TH_LOG("%s", self->r.out);
}

/*
 * Neither backend answers: the groups were never compared. Not "agree"
 * (null), and nothing compared at all is a failure to run, exit 2.
 */
TEST_F(vfio, check_with_one_source_is_unchecked_exit_2)
{
	json_object *agree;

	fake_kernel.set_iommu_errno = EPERM;
	fake_kernel.bind_errno = EPERM;
	RUN(true, cmd_check, "check");
	ASSERT_EQ(2, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "nothing could be compared"));
	ASSERT_NE(NULL, self->doc);
	EXPECT_FALSE(json_object_get_boolean(json_get(group_at(self->doc, 0),
						      "checked")));
	ASSERT_TRUE(json_object_object_get_ex(group_at(self->doc, 0), "agree",
					      &agree));
	EXPECT_EQ(NULL, agree);
	EXPECT_FALSE(json_object_get_boolean(json_get(self->doc, "agree")));
	RUN(false, cmd_check, "check");
	EXPECT_EQ(0, strncmp("group 6 unchecked", self->r.out, 17));
}

TEST_F(vfio, unknown_group_exits_2_naming_it)
{
	static const cli_cmd_fn fns[] = { cmd_ranges, cmd_check };
	static const char *const names[] = { "ranges", "check" };
	size_t i;

	for (i = 0; i < 2; i++) {
		RUN(true, fns[i], names[i], "9");
		EXPECT_EQ(2, self->r.status);
		EXPECT_STREQ("", self->r.out);
		EXPECT_NE(NULL, strstr(self->r.err, "no IOMMU group 9"))
			TH_LOG("%s: %s", names[i], self->r.err);
		EXPECT_NE(NULL, strstr(self->r.err, "'hostgeom groups' lists"));
		RUN(false, fns[i], names[i], "7", "05:00.0");
		EXPECT_EQ(2, self->r.status);
		EXPECT_NE(NULL, strstr(self->r.err, "05:00.0"));
		EXPECT_STREQ("", self->r.out);
	}
}

TEST_F(vfio, ranges_prints_each_group_once)
{
	json_object *g;

	RUN(true, cmd_ranges, "ranges", "7", "03:01.0", "6");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_NE(NULL, self->doc);
	EXPECT_STREQ("ranges", json_object_get_string(json_get(self->doc, "command")));
	ASSERT_EQ(2, json_object_array_length(json_get(self->doc, "groups")));
	g = group_at(self->doc, 0);
	EXPECT_EQ(7, json_object_get_int(json_get(g, "group")));
	EXPECT_EQ(3, json_object_array_length(json_get(g, "members")));
	EXPECT_STREQ("ok", json_object_get_string(json_get(g, "type1.status")));
	EXPECT_EQ(39, json_object_get_int(json_get(g, "iommufd.aw_bits")));
	RUN(false, cmd_ranges, "ranges", "6");
	ASSERT_EQ(0, self->r.status);
	EXPECT_EQ(0, strncmp("group 6 members 0000:01:00.0\n\ttype1 pgsizes 0x40201000 (4K 2M 1G) aw-bits 39",
			     self->r.out, 72)) TH_LOG("%s", self->r.out);
}

/* --backend narrows what is asked; the other backend is "not-asked". */
TEST_F(vfio, ranges_one_backend)
{
	RUN(true, cmd_ranges, "ranges", "--backend", "iommufd", "6");
	ASSERT_EQ(0, self->r.status);
	EXPECT_STREQ("not-asked", json_object_get_string(json_get(
		group_at(self->doc, 0), "type1.status")));
	EXPECT_EQ(0, fake_log_count("vfio/vfio SET_IOMMU"));
	RUN(false, cmd_ranges, "ranges", "-b", "bogus");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "unknown backend 'bogus'"));
}

/* iommufd answering no range at all: said, not an empty line. */
TEST_F(vfio, ranges_without_any_range_says_none)
{
	fake_kernel.range_counts[0] = 0;
	RUN(false, cmd_ranges, "ranges", "--backend", "iommufd", "6");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.out, "\tiommufd alignment 0x1000 aw-bits 0\n\t\tnone\n"))
		TH_LOG("%s", self->r.out);
	RUN(true, cmd_ranges, "ranges", "--backend", "iommufd", "6");
	EXPECT_EQ(0, json_object_array_length(json_get(group_at(self->doc, 0),
						       "iommufd.ranges")));
}

/* A skip reason names every member in the way, however many. */
TEST_F(vfio, skip_reason_of_a_large_group_is_whole)
{
	struct fake_dev d = { .group = 9, .pci = true, .vendor = 0x8086,
			      .device = 0x10d3, .class_code = 0x020000,
			      .driver = "e1000e" };
	char name[16];
	const char *reason = NULL;
	json_object *skipped, *s;
	size_t i;

	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 9, "DMA", NULL));
	for (i = 0; i < 24; i++) {
		snprintf(name, sizeof(name), "0000:09:%02zx.0", i);
		d.name = name;
		ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &d));
	}
	RUN(true, cmd_ranges, "ranges");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	skipped = json_get(self->doc, "skipped");
	for (i = 0; i < json_object_array_length(skipped); i++) {
		s = json_object_array_get_idx(skipped, i);
		if (json_object_get_int(json_get(s, "group")) == 9)
			reason = json_object_get_string(json_get(s, "reason"));
	}
	ASSERT_NE(NULL, reason);
	EXPECT_LT(256, strlen(reason));
	EXPECT_NE(NULL, strstr(reason, "0000:09:00.0 (e1000e), 0000:09:01.0"));
	EXPECT_NE(NULL, strstr(reason,
			       "0000:09:17.0 (e1000e) are bound to kernel drivers"))
		TH_LOG("%s", reason);
}

/* Nothing bound to vfio-pci: nothing to ask, a failure to run. */
TEST_F(vfio, ranges_with_no_ready_group_exits_2)
{
	struct fake_sysfs *fs = fake_sysfs_create();
	const struct fake_dev nic = {
		.name = "0000:00:01.0", .group = 1, .pci = true,
		.vendor = 0x1af4, .device = 0x1041, .class_code = 0x020000,
		.driver = "virtio-pci",
	};

	ASSERT_NE(NULL, fs);
	ASSERT_EQ(0, fake_sysfs_add_group(fs, 1, "DMA", NULL));
	ASSERT_EQ(0, fake_sysfs_add_dev(fs, &nic));
	self->ctx.sysfs = fake_sysfs_root(fs);
	RUN(false, cmd_ranges, "ranges");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "bind one"));
	EXPECT_NE(NULL, strstr(self->r.out, "skipped group 1: 0000:00:01.0 (virtio-pci)"))
		TH_LOG("%s", self->r.out);
	fake_sysfs_destroy(fs);
}

/*
 * arm64 hosts (fake_vfio_arm64_machine): SMMUv3 and virtio-iommu, 4 KiB
 * and 64 KiB kernels. check agrees (SMMUv3's ID registers with it),
 * ranges decodes them, and qemu for virt gives 48 bits, the host's
 * granule and the MSI window as the hole.
 */
FIXTURE(arm64) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct run r;
	json_object *doc;
};

FIXTURE_VARIANT(arm64) {
	enum fake_arm64_iommu kind;
	uint64_t pgsizes;
	const char *granule;
	uint64_t msi_start;
};

FIXTURE_VARIANT_ADD(arm64, smmuv3_4k) {
	.kind = FAKE_ARM64_SMMUV3, .pgsizes = 0x40201000, .granule = "4k",
	.msi_start = 0x8000000,
};

FIXTURE_VARIANT_ADD(arm64, smmuv3_64k) {
	.kind = FAKE_ARM64_SMMUV3, .pgsizes = 0x20010000, .granule = "64k",
	.msi_start = 0x8000000,
};

FIXTURE_VARIANT_ADD(arm64, virtio_4k) {
	.kind = FAKE_ARM64_VIRTIO, .pgsizes = 0xfffffffffffff000, .granule = "4k",
	.msi_start = 0x8090000,
};

FIXTURE_VARIANT_ADD(arm64, virtio_64k) {
	.kind = FAKE_ARM64_VIRTIO, .pgsizes = 0xffffffffffff0000, .granule = "64k",
	.msi_start = 0x8090000,
};

FIXTURE_SETUP(arm64)
{
	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_arm64_machine(self->fs, variant->kind,
					     variant->pgsizes));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
	self->r.out = NULL;
	self->doc = NULL;
}

FIXTURE_TEARDOWN(arm64)
{
	json_object_put(self->doc);
	free(self->r.out);
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

TEST_F(arm64, check_agrees_with_hw_info)
{
	json_object *g;

	RUN(true, cmd_check, "check");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_NE(NULL, self->doc);
	g = group_at(self->doc, 0);
	EXPECT_TRUE(json_object_get_boolean(json_get(g, "agree")));
	EXPECT_EQ(48, json_object_get_int(json_get(g, "aw_bits")));
	if (variant->kind == FAKE_ARM64_SMMUV3) {
		/* 64K pages: type1's 64K and 512M are the 64K granule's */
		EXPECT_TRUE(json_object_get_boolean(json_get(g, "hw_info.agree")));
		EXPECT_EQ(48, json_object_get_int(json_get(g, "hw_info.aw_bits")));
	} else {
		EXPECT_EQ(NULL, json_get(g, "hw_info"));
	}
}

TEST_F(arm64, ranges_decodes_smmuv3)
{
	json_object *hw;

	RUN(true, cmd_ranges, "ranges");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	hw = json_get(group_at(self->doc, 0), "iommufd.hw_info");
	if (variant->kind != FAKE_ARM64_SMMUV3) {
		EXPECT_STREQ("none", json_object_get_string(json_get(hw, "type")));
		return;
	}
	EXPECT_STREQ("arm-smmuv3", json_object_get_string(json_get(hw, "type")));
	EXPECT_EQ(44, json_object_get_int(json_get(hw, "smmuv3.oas_bits")));
	EXPECT_EQ(48, json_object_get_int(json_get(hw, "smmuv3.va_bits")));
	EXPECT_EQ(16, json_object_get_int(json_get(hw, "smmuv3.sid_bits")));
	RUN(false, cmd_ranges, "ranges", "0");
	EXPECT_NE(NULL, strstr(self->r.out, "\tsmmuv3 idr0 0xd44101a idr1 0x2730010 idr3 0x1404 idr5 0x74\n"
				 "\toas 44 bits va 48 bits pgsizes 0x62215000 (4K 16K 64K 2M 32M 512M 1G) sid 16 bits ssid 0 bits s1 yes s2 no ttf aarch64 st-level 2 bbml 2 ril yes\n"))
		TH_LOG("%s", self->r.out);
}

TEST_F(arm64, qemu_for_virt)
{
	char want[64];
	uint64_t v;

	RUN(true, cmd_qemu, "qemu", "--machine", "virt", "--qemu-version", "10.0");
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_STREQ("virt", json_object_get_string(json_get(self->doc, "machine")));
	EXPECT_EQ(48, json_object_get_int(json_get(self->doc, "virtio_iommu.aw_bits")));
	EXPECT_STREQ(variant->granule, json_object_get_string(
			     json_get(self->doc, "virtio_iommu.granule")));
	snprintf(want, sizeof(want), "\"granule\":\"%s\"", variant->granule);
	EXPECT_NE(NULL, strstr(json_object_get_string(
				       json_get(self->doc, "virtio_iommu.device")), want));
	ASSERT_EQ(1, json_object_array_length(json_get(self->doc, "virtio_iommu.holes")));
	EXPECT_EQ(0, json_get_hex(json_get(json_object_array_get_idx(
		json_get(self->doc, "virtio_iommu.holes"), 0), "start"), &v));
	EXPECT_EQ(variant->msi_start, v);
	EXPECT_EQ(NULL, json_get(self->doc, "intel_iommu"));
}

TEST_HARNESS_MAIN
