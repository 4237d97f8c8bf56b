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
	fake_kernel.ranges[1].last = 0x3fffffffffULL;
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

TEST_HARNESS_MAIN
