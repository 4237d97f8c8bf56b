// SPDX-License-Identifier: GPL-2.0
/*
 * The built hostgeom's options and arguments across commands: --version
 * on either side of the command, options a command cannot honour refused
 * with a reason (not silently ignored), and one reading of group and
 * device arguments for every command.
 */
#include <stdio.h>
#include <string.h>

#include "cli_run.h"
#include "kselftest_harness.h"

FIXTURE(args) {
	struct cli_result res;
};

FIXTURE_SETUP(args)
{
}

FIXTURE_TEARDOWN(args)
{
}

#define RUN(...) cli_run(&self->res, (const char *[]){ __VA_ARGS__, NULL })

TEST_F(args, version_before_and_after_the_command)
{
	static const char *const cmds[] = {
		"groups", "ranges", "qemu", "check", "explain", "resv", "carve",
	};
	size_t i;

	ASSERT_EQ(0, RUN("--version"));
	ASSERT_EQ(0, strncmp("hostgeom ", self->res.out, 9));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(0, RUN(cmds[i], "--version")) TH_LOG("%s", cmds[i]);
		EXPECT_EQ(0, strncmp("hostgeom ", self->res.out, 9))
			TH_LOG("%s: %s", cmds[i], self->res.out);
		EXPECT_EQ(0, RUN(cmds[i], "-V"));
		EXPECT_STREQ("", self->res.err);
	}
}

/* The test module reports the running kernel: a sysfs or /dev root cannot apply. */
TEST_F(args, module_commands_refuse_other_roots)
{
	static const char *const cmds[] = { "resv", "carve" };
	size_t i;

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(2, RUN(cmds[i], "--sysfs-root", "/tmp"));
		EXPECT_NE(NULL, strstr(self->res.err,
				       "--sysfs-root does not apply (the test module reports the running kernel)"))
			TH_LOG("%s: %s", cmds[i], self->res.err);
		EXPECT_NE(NULL, strstr(self->res.err, "--help"));
		EXPECT_EQ(2, RUN("--dev-root", "/tmp", cmds[i], "--json"));
		EXPECT_NE(NULL, strstr(self->res.err, "--dev-root does not apply"));
		EXPECT_STREQ("", self->res.out);
	}
}

/* Commands that read sysfs only refuse a /dev root rather than ignore it. */
TEST_F(args, sysfs_only_commands_refuse_a_dev_root)
{
	EXPECT_EQ(2, RUN("--dev-root", "/tmp", "groups"));
	EXPECT_NE(NULL, strstr(self->res.err,
			       "groups: --dev-root does not apply (it reads sysfs only)"))
		TH_LOG("%s", self->res.err);
	EXPECT_EQ(2, RUN("explain", "--dev-root", "/tmp", "00:00.0"));
	EXPECT_NE(NULL, strstr(self->res.err, "--dev-root does not apply"));
	EXPECT_EQ(2, RUN("qemu", "-s", "sysfs", "--dev-root", "/tmp"));
	EXPECT_NE(NULL, strstr(self->res.err,
			       "--dev-root does not apply (--source sysfs reads sysfs only)"));
	EXPECT_STREQ("", self->res.out);
}

TEST_F(args, qemu_refuses_a_backend_with_the_sysfs_source)
{
	EXPECT_EQ(2, RUN("qemu", "--source", "sysfs", "--backend", "type1"));
	EXPECT_NE(NULL, strstr(self->res.err, "--backend"));
	EXPECT_NE(NULL, strstr(self->res.err, "--source sysfs"));
	EXPECT_STREQ("", self->res.out);
}

/*
 * resv and carve read their argument as every other command does: a
 * device name is resolved (here against a sysfs with no such device),
 * not refused as "not a group number".
 */
TEST_F(args, module_commands_take_devices)
{
	EXPECT_EQ(2, RUN("carve", "0000:7f:1f.7"));
	EXPECT_NE(NULL, strstr(self->res.err,
			       "0000:7f:1f.7 is in no IOMMU group"))
		TH_LOG("%s", self->res.err);
	EXPECT_EQ(2, RUN("resv", "7f:1f.7"));
	EXPECT_NE(NULL, strstr(self->res.err, "is in no IOMMU group"));
	EXPECT_EQ(2, RUN("resv", "1", "2"));
	EXPECT_NE(NULL, strstr(self->res.err, "takes one group number or device"));
}

TEST_HARNESS_MAIN
