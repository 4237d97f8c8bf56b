// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom resv and carve, the built binary, where the test module cannot
 * be reached: argument checking, and the messages for a module that is
 * not loaded, not there, or built for another kernel. Skips what needs
 * the module to be absent when it is loaded (in a test VM).
 */
#include <string.h>
#include <sys/utsname.h>

#include <hostgeom/kmodload.h>

#include "cli_run.h"
#include "module_env.h"
#include "kselftest_harness.h"

FIXTURE(cli) {
	struct cli_result res;
};

FIXTURE_SETUP(cli)
{
}

FIXTURE_TEARDOWN(cli)
{
}

#define RUN(...) cli_run(&self->res, (const char *[]){ __VA_ARGS__, NULL })

TEST_F(cli, bad_arguments_exit_2_before_anything_runs)
{
	static const char *const bad[][3] = {
		{ "carve", "--canary", "0x2000-0x1000" },
		{ "carve", "--canary", "0x1000" },
		{ "carve", "--canary", "-1-5" },
		{ "carve", "--map-size", "3K" },
		{ "carve", "--map-size", "8M" },
		{ "carve", "--map-size", "512" },
		{ "carve", "--mask", "31" },
		{ "carve", "--mask", "65" },
		{ "carve", "--count", "0" },
		{ "carve", "--count", "1048577" },
		{ "carve", "--timeout-ms", "60001" },
		{ "carve", "--floor", "0x1g" },
		{ "carve", "seven", NULL },
		{ "resv", "4294967296", NULL },
		{ "resv", "--bogus", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(2, RUN(bad[i][0], bad[i][1], bad[i][2])) {
			TH_LOG("%s %s %s", bad[i][0], bad[i][1],
			       bad[i][2] ? bad[i][2] : "");
		}
		EXPECT_NE(NULL, strstr(self->res.err, "--help")) {
			TH_LOG("%s %s: %s", bad[i][0], bad[i][1], self->res.err);
		}
	}
}

TEST_F(cli, help_exits_0)
{
	EXPECT_EQ(0, RUN("carve", "--help"));
	EXPECT_NE(NULL, strstr(self->res.out, "--canary START-END"));
	EXPECT_EQ(0, RUN("resv", "--help"));
	EXPECT_NE(NULL, strstr(self->res.out, "--load[=PATH]"));
}

TEST_F(cli, module_not_loaded_says_how_to_load_it)
{
	if (hg_kmod_is_loaded())
		SKIP(return, "hostgeom_test is loaded here");
	EXPECT_EQ(2, RUN("resv"));
	EXPECT_NE(NULL, strstr(self->res.err, "not loaded"));
	EXPECT_NE(NULL, strstr(self->res.err, "--load"));
	EXPECT_EQ(2, RUN("carve", "--json"));
	EXPECT_STREQ("", self->res.out);
}

TEST_F(cli, load_of_a_missing_file_names_it)
{
	EXPECT_EQ(2, RUN("resv", "--load=/nonexistent/hostgeom_test.ko"));
	EXPECT_NE(NULL, strstr(self->res.err,
			       "no module file /nonexistent/hostgeom_test.ko"));
}

TEST_F(cli, load_of_a_module_for_another_kernel_names_both)
{
	struct utsname u;
	char path[1000];
	char arg[1100];

	uname(&u);
	if (module_env_foreign_ko(path, sizeof(path)))
		SKIP(return, "%s", path);
	snprintf(arg, sizeof(arg), "--load=%s", path);
	EXPECT_EQ(2, RUN("carve", arg));
	EXPECT_NE(NULL, strstr(self->res.err, "was built for kernel"));
	EXPECT_NE(NULL, strstr(self->res.err, u.release));
	EXPECT_NE(NULL, strstr(self->res.err, "KDIR="));
}

TEST_HARNESS_MAIN
