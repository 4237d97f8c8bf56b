// SPDX-License-Identifier: GPL-2.0
/*
 * libkmod (loading the module) and libxml2 (libvirt XML) are opened when
 * needed, not linked: hostgeom runs without them, and says what is
 * missing when a command needs one.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "kselftest_harness.h"

/* The directory of the fake libraries the build puts beside this test. */
static void fake_libs_dir(char *dir, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	snprintf(dir, len, "%s/fake_libs", dirname(self));
}

/* The dynamic loader lists what the binary needs (what ldd does). */
TEST(binary_needs_neither_libkmod_nor_libxml2)
{
	static const char *const argv[] = { "--version", NULL };
	struct cli_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, setenv("LD_TRACE_LOADED_OBJECTS", "1", 1));
	cli_run(r, argv);
	unsetenv("LD_TRACE_LOADED_OBJECTS");
	EXPECT_EQ(0, r->status);
	ASSERT_NE(NULL, strstr(r->out, "libc.so")) {
		TH_LOG("no loader listing: %s", r->out);
	}
	EXPECT_EQ(NULL, strstr(r->out, "libkmod")) {
		TH_LOG("%s", r->out);
	}
	EXPECT_EQ(NULL, strstr(r->out, "libcrypto"));
	EXPECT_EQ(NULL, strstr(r->out, "libxml2"));
	EXPECT_EQ(NULL, strstr(r->out, "libicu"));
	free(r);
}

TEST(load_names_the_missing_libkmod_symbol)
{
	/* A readable file, so that the load gets as far as libkmod. */
	static const char *const argv[] = { "resv", "--load=/proc/self/exe",
					    NULL };
	struct cli_result *r = calloc(1, sizeof(*r));
	char dir[PATH_MAX];

	ASSERT_NE(NULL, r);
	fake_libs_dir(dir, sizeof(dir));
	ASSERT_EQ(0, access(dir, R_OK));
	ASSERT_EQ(0, setenv("LD_LIBRARY_PATH", dir, 1));
	cli_run(r, argv);
	EXPECT_EQ(2, r->status);
	EXPECT_NE(NULL, strstr(r->err, "needs libkmod")) {
		TH_LOG("stderr: %s", r->err);
	}
	EXPECT_NE(NULL, strstr(r->err, "libkmod.so.2 has no kmod_new"));
	EXPECT_NE(NULL, strstr(r->err, "apt-get install libkmod2"));
	free(r);
}

TEST(libvirt_xml_names_the_missing_libxml2_symbol)
{
	static const char *const argv[] = { "preflight", "--host-aw-bits",
					    "39", "--xml", "/dev/null", NULL };
	struct cli_result *r = calloc(1, sizeof(*r));
	char dir[PATH_MAX];

	ASSERT_NE(NULL, r);
	fake_libs_dir(dir, sizeof(dir));
	ASSERT_EQ(0, setenv("LD_LIBRARY_PATH", dir, 1));
	cli_run(r, argv);
	unsetenv("LD_LIBRARY_PATH");
	EXPECT_EQ(2, r->status);
	EXPECT_NE(NULL, strstr(r->err, "needs libxml2")) {
		TH_LOG("stderr: %s", r->err);
	}
	EXPECT_NE(NULL, strstr(r->err, "libxml2.so.2 has no xmlReadMemory"));
	EXPECT_NE(NULL, strstr(r->err, "apt-get install libxml2"));
	free(r);
}

TEST_HARNESS_MAIN
