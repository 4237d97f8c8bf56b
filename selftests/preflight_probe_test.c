// SPDX-License-Identifier: GPL-2.0
/*
 * hg_pf_probe_qemu() against fake QEMUs (shell scripts): replies matched
 * by their id in any order, a QEMU that writes much on stderr, no
 * descriptor left open when a pipe or the spawn fails, and the caller's
 * SIGPIPE state (a pending, blocked SIGPIPE) left as it was.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0	/* no valgrind here: not under it either */
#endif

#include <hostgeom/preflight.h>

#include "kselftest_harness.h"

/* The replies, out of order and with an event between them. */
static const char shuffled[] =
	"#!/bin/sh\n"
	"cat >/dev/null\n"
	"echo '{\"QMP\": {\"version\": {}, \"capabilities\": []}}'\n"
	"echo '{\"return\": {}}'\n"
	"echo '{\"return\": [{\"type\": \"dimm\", \"data\": {\"addr\": 4563402752}}], \"id\": \"memory-devices\"}'\n"
	"echo '{\"return\": 34359738368, \"id\": \"pci-hole64-end\"}'\n"
	"echo '{\"timestamp\": {}, \"event\": \"RESUME\"}'\n"
	"echo '{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}, \"id\": \"device-memory-addr\"}'\n"
	"echo '{\"return\": 2147483648, \"id\": \"below-4g-mem-size\"}'\n"
	"echo '{\"return\": 8589934592, \"id\": \"pci-hole64-start\"}'\n"
	"echo '{\"return\": 1073741824, \"id\": \"above-4g-mem-size\"}'\n"
	"echo '{\"return\": 0, \"id\": \"device-memory-size\"}'\n";

/* 1 MiB on stderr before any reply: a stdout-first reader waits it out. */
static const char noisy[] =
	"#!/bin/sh\n"
	"cat >/dev/null\n"
	"head -c 1048576 /dev/zero | tr '\\0' x >&2\n"
	"echo '{\"return\": 2147483648, \"id\": \"below-4g-mem-size\"}'\n"
	"echo '{\"return\": 8589934592, \"id\": \"pci-hole64-start\"}'\n";

/* Gone before it reads a command. */
static const char quitter[] =
	"#!/bin/sh\n"
	"exec 0<&-\n"
	"echo 'qemu-system-x86_64: refused' >&2\n"
	"exit 1\n";

FIXTURE(probe) {
	char dir[64];
	char path[128];
	struct hg_pf_guest g;
};

FIXTURE_SETUP(probe)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/hg-probe-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/qemu", self->dir);
	hg_pf_guest_init(&self->g);
	self->g.ram = 3ULL << 30;
}

FIXTURE_TEARDOWN(probe)
{
	unlink(self->path);
	rmdir(self->dir);
}

static int fake(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f))
		return -1;
	return chmod(path, 0755);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

TEST_F(probe, replies_matched_by_id)
{
	struct hg_pf_probe p;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, fake(self->path, shuffled));
	ASSERT_EQ(0, hg_pf_probe_qemu(&self->g, self->path, &p, &err))
		TH_LOG("%s", err.msg);
	EXPECT_EQ(2ULL << 30, p.below_4g);
	EXPECT_EQ(1ULL << 30, p.above_4g);
	EXPECT_EQ(8ULL << 30, p.hole64_start);
	EXPECT_EQ(32ULL << 30, p.hole64_end);
	EXPECT_EQ(0, p.devmem_base);
	EXPECT_EQ(0, p.devmem_size);
	ASSERT_EQ(1, p.n_dimms);
	EXPECT_EQ(4563402752ULL, p.dimm_addr[0]);
	EXPECT_EQ(0, p.refused[0]);
}

TEST_F(probe, noisy_stderr_does_not_wait_for_the_timeout)
{
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	double t0;

	ASSERT_EQ(0, fake(self->path, noisy));
	t0 = now_s();
	ASSERT_EQ(0, hg_pf_probe_qemu(&self->g, self->path, &p, &err))
		TH_LOG("%s", err.msg);
	EXPECT_GT(10.0, now_s() - t0);
	EXPECT_EQ(2ULL << 30, p.below_4g);
	EXPECT_EQ(8ULL << 30, p.hole64_start);
}

TEST_F(probe, missing_binary_is_an_error_without_fds_left)
{
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	int before = open_fds();

	EXPECT_EQ(-ENOENT, hg_pf_probe_qemu(&self->g, "/nonexistent/qemu",
					    &p, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not installed")) TH_LOG("%s", err.msg);
	EXPECT_EQ(before, open_fds());
}

/* With only @spare descriptors free, the probe fails and leaves none open. */
static void fd_limit_run(struct __test_metadata *_metadata, const char *path,
			 const struct hg_pf_guest *g, int spare)
{
	struct rlimit rl;
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	int lowest = dup(0), before;

	ASSERT_LE(0, lowest);
	close(lowest);
	before = open_fds();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = lowest + spare;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(-EMFILE, hg_pf_probe_qemu(g, path, &p, &err))
		TH_LOG("%d spare: %s", spare, err.msg);
	rl.rlim_cur = rl.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(before, open_fds()) TH_LOG("%d spare", spare);
}

TEST_F(probe, no_fd_leak_when_a_pipe_fails)
{
	int spare;

	ASSERT_EQ(0, fake(self->path, shuffled));
	/* the first, second and third pair in turn cannot be made */
	for (spare = 0; spare <= 5; spare++)
		fd_limit_run(_metadata, self->path, &self->g, spare);
}

/* In a child of its own: 0 when the spawn failed and left no fd open. */
static int spawn_fails_clean(const char *path, const struct hg_pf_guest *g)
{
	struct rlimit rl = { 0, 0 };
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	int before, ret;

	/* the kernel holds root's processes to no RLIMIT_NPROC: be nobody */
	if (!geteuid() && setresuid(65534, 65534, 65534))
		return 10;
	if (setrlimit(RLIMIT_NPROC, &rl))
		return 11;
	before = open_fds();
	ret = hg_pf_probe_qemu(g, path, &p, &err);
	fprintf(stderr, "# %d: %s\n", ret, err.msg);
	if (ret != -EAGAIN || !strstr(err.msg, "cannot start"))
		return 12;
	return before == open_fds() ? 0 : 13;
}

TEST_F(probe, no_fd_leak_when_the_spawn_fails)
{
	int status;
	pid_t pid;

	/*
	 * Under valgrind the child dies by SIGSEGV, valgrind reporting
	 * nothing, once the spawn fails as nobody: the plain and ASan runs
	 * of this test are the ones that count.
	 */
	if (RUNNING_ON_VALGRIND)
		SKIP(return, "valgrind dies in a child whose spawn fails");
	ASSERT_EQ(0, fake(self->path, shuffled));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(spawn_fails_clean(self->path, &self->g));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("killed by signal %d", WTERMSIG(status));
	/* 12: not refused as expected, 13: descriptors left open */
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(probe, sigpipe_state_is_left_alone)
{
	struct sigaction old, now;
	struct hg_pf_probe p;
	struct hg_err err = { 0 };
	sigset_t block, pending;
	int sig;

	ASSERT_EQ(0, fake(self->path, quitter));
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &block, NULL));
	ASSERT_EQ(0, raise(SIGPIPE));
	ASSERT_EQ(0, sigaction(SIGPIPE, NULL, &old));
	ASSERT_EQ(0, hg_pf_probe_qemu(&self->g, self->path, &p, &err))
		TH_LOG("%s", err.msg);
	EXPECT_STREQ("qemu-system-x86_64: refused", p.refused);
	ASSERT_EQ(0, sigaction(SIGPIPE, NULL, &now));
	EXPECT_EQ(old.sa_handler, now.sa_handler);
	EXPECT_EQ(old.sa_flags, now.sa_flags);
	/* the caller's own SIGPIPE is still pending */
	ASSERT_EQ(0, sigpending(&pending));
	EXPECT_TRUE(sigismember(&pending, SIGPIPE));
	if (sigismember(&pending, SIGPIPE))
		sigwait(&block, &sig);
}

TEST_HARNESS_MAIN
