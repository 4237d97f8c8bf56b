/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests of the hostgeom_test module: load it (libkmod), open its
 * family, and find the devices bound to its stub driver. Outside a VM with
 * an emulated IOMMU, or when the module cannot be loaded, the tests skip
 * with the reason these helpers give.
 */
#ifndef HOSTGEOM_MODULE_ENV_H
#define HOSTGEOM_MODULE_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/genl.h>

/*
 * Loads the module (module_env_path(), else the installed one), opens
 * the family and lists
 * every group (*@gs, to be freed):
 * 0, 1 when the module cannot be used here (the reason in @why), or a
 * negative errno when the listing failed (the message in @why).
 */
int module_env_open_groups(struct hg_genl **g, struct hg_kgroups *gs,
			   char *why, size_t len);

/*
 * For a kselftest FIXTURE_SETUP: opens the family and lists the groups
 * into @g and @gs, skips with the reason when the module cannot be used
 * here, fails when the listing does.
 */
#define MODULE_ENV_SETUP(g, gs) do {					\
	char why_[600];							\
	int ret_ = module_env_open_groups(g, gs, why_, sizeof(why_));	\
									\
	if (ret_ > 0)							\
		SKIP(return, "%s", why_);				\
	ASSERT_EQ(0, ret_) {						\
		TH_LOG("%s", why_);					\
	}								\
} while (0)

/*
 * The module file to load: $HOSTGEOM_KMOD, else the one installed with the
 * tests (modules/RELEASE/hostgeom_test.ko beside the program, for the
 * running kernel), else this tree's build for the running kernel
 * (kmod/out/RELEASE/hostgeom_test.ko), else NULL: the installed module.
 */
const char *module_env_path(void);

/* How many PCI devices are bound to the stub driver now. */
size_t module_env_stub_count(void);

/* The first group with a member bound to the stub, or NULL. */
const struct hg_kgroup *module_env_stub_group(const struct hg_kgroups *gs);

/* Skips the test when @stub (from module_env_stub_group()) is NULL. */
#define MODULE_ENV_NEED_STUB(stub) do {					\
	if (!(stub))							\
		SKIP(return, "no IOMMU group has a member bound to %s (%zu bound; run under scripts/stub-bind)", \
		     HOSTGEOM_STUB_DRIVER, module_env_stub_count());	\
} while (0)

/*
 * What the kernel under test should do about the known dma-iommu problem,
 * from HOSTGEOM_EXPECT_CARVE (set by scripts/vm-tests per row): "bug" an
 * unpatched kernel, where the problem must show (an unexpected pass
 * fails); "fixed" a patched one, where it must not (an expected failure
 * fails); unset: a host whose kernel is not known, either is reported as
 * it is.
 */
enum module_env_expectation { EXPECT_EITHER, EXPECT_BUG, EXPECT_FIXED };

enum module_env_expectation module_env_expectation(void);

/*
 * A test's reason for its KTAP line, cut to @len as snprintf would: a
 * reason longer than the harness keeps is meant to be cut (a direct
 * snprintf there makes GCC warn at -O0, -Wformat-truncation).
 */
void module_env_reason(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * For a kselftest TEST: marks it an expected failure (the known problem
 * seen) or an unexpected pass (its site passing on a fixed kernel), with
 * the reason, unless something else failed.
 */
#define MODULE_ENV_RESULT(code, fmt, ...) do {				\
	module_env_reason(_metadata->results->reason,			\
			  sizeof(_metadata->results->reason), fmt,	\
			  ##__VA_ARGS__);				\
	if (_metadata->exit_code == KSFT_PASS)				\
		_metadata->exit_code = (code);				\
} while (0)
#define EXPECTED_FAILURE(fmt, ...) MODULE_ENV_RESULT(KSFT_XFAIL, fmt, ##__VA_ARGS__)
#define UNEXPECTED_PASS(fmt, ...) MODULE_ENV_RESULT(KSFT_XPASS, fmt, ##__VA_ARGS__)

/*
 * 1 when the known dma-iommu problem stops a walk of group @stub at a
 * failed mapping (Linux 7.3 refuses to map over a later member's direct
 * region that the allocator handed out), with what and where in @why; 0
 * otherwise. Tests that need a long walk cannot run on such a group:
 * carve.every_multi_member_group_passes reports the problem itself.
 */
int module_env_walk_blocked(struct hg_genl *g, const struct hg_kgroup *stub,
			    char *why, size_t len);

/* Skips the test when module_env_walk_blocked() says so. */
#define MODULE_ENV_NEED_WALK(g, stub) do {				\
	char why_[400];							\
									\
	if (module_env_walk_blocked(g, stub, why_, sizeof(why_)))	\
		SKIP(return, "the known dma-iommu problem stops the walk this test needs: %s", why_); \
} while (0)

/*
 * The first hostgeom_test.ko under kmod/out/ (relative to the working
 * directory) built for a kernel other than the running one: 0 with its path in @buf, or -1
 * with the reason to skip in @buf.
 */
int module_env_foreign_ko(char *buf, size_t len);

/*
 * Runs @fn in a child that has dropped to uid/gid 65534 (no capabilities);
 * returns the child's exit status, or -1 when it could not run.
 */
int module_env_unprivileged(int (*fn)(void *arg), void *arg);

#endif
