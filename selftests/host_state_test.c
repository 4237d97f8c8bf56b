// SPDX-License-Identifier: GPL-2.0
/*
 * Host mode's state file (host_state.h) on a synthetic sysfs: what a
 * SIGKILLed guardian leaves is given back by the next run, a file from
 * another host, kernel or boot is never applied, and a guardian that
 * still runs keeps its devices. The synthetic sysfs does not rebind: a
 * write to bind leaves the driver link as it was, so a device that had to
 * be rebound is "NOT restored" here, and the test reads the writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host_state.h"

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define NIC "0000:02:00.0"
#define BOOT "8d1c2a3e-0b5f-4a6e-9c1d-2f3e4a5b6c7d"

FIXTURE(state) {
	struct fake_sysfs *fs;
	const char *root;
	char run[2048], proc[2048];
	struct host_id id;
	pid_t dead;		/* a guardian that is gone */
};

/* A process that has exited and been reaped. */
static pid_t gone(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

/* NIC on @driver, with driver_override @override and the files to write. */
static int nic_on(struct fake_sysfs *fs, const char *driver,
		  const char *override)
{
	struct fake_dev d = { .name = NIC, .group = 5, .pci = true,
			      .vendor = 0x8086, .device = 0x10d3,
			      .class_code = 0x020000, .driver = driver };

	return fake_sysfs_add_dev(fs, &d) ?:
	       fake_sysfs_dev_write(fs, NIC, "driver_override", override,
				    strlen(override)) ?:
	       fake_sysfs_write(fs, "bus/pci/drivers/vfio-pci/unbind", "", 0) ?:
	       fake_sysfs_write(fs, "bus/pci/drivers/vfio-pci/bind", "", 0) ?:
	       fake_sysfs_write(fs, "bus/pci/drivers/e1000e/unbind", "", 0) ?:
	       fake_sysfs_write(fs, "bus/pci/drivers/e1000e/bind", "", 0) ?:
	       fake_sysfs_write(fs, "bus/pci/drivers_probe", "", 0);
}

/*
 * The override such a run left, which restoring writes over but never
 * reads: empty, as a regular file's content is replaced by a write only
 * when there was none (a sysfs store replaces it always).
 */
#define NOT_READ ""

/* The content of @rel under the root ("" when missing). */
static const char *slurp(const char *root, const char *rel)
{
	static char buf[1024];
	char path[4096];
	ssize_t got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY);
	buf[0] = '\0';
	if (fd >= 0) {
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

static const char *override_of(const char *root)
{
	return slurp(root, "bus/pci/devices/" NIC "/driver_override");
}

static bool state_exists(const char *run, pid_t guardian)
{
	char path[4096 + 32];

	snprintf(path, sizeof(path), "%s/%d.state", run, (int)guardian);
	return !access(path, F_OK);
}

/* NIC as it was before a run moved it: e1000e, no override. */
static int record(const char *run, const struct host_id *id, pid_t guardian,
		  pid_t tests)
{
	struct host_state_dev d = { .bdf = NIC, .driver = "e1000e" };

	return host_state_write(run, id, guardian, tests, &d, 1);
}

FIXTURE_SETUP(state)
{
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->root = fake_sysfs_root(self->fs);
	snprintf(self->run, sizeof(self->run), "%s/run", self->root);
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "proc/sys/kernel/random/boot_id",
				       "%s\n", BOOT));
	snprintf(self->proc, sizeof(self->proc), "%s/proc", self->root);
	ASSERT_EQ(0, host_id_read(self->proc, &self->id));
	self->dead = gone();
}

FIXTURE_TEARDOWN(state)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(state, the_boot_id_is_read_from_proc)
{
	EXPECT_STREQ(BOOT, self->id.boot_id);
	EXPECT_NE(0, self->id.release[0]);
	EXPECT_NE(0, self->id.host[0]);
}

TEST_F(state, the_file_holds_the_host_and_each_device)
{
	struct host_state_dev d[2] = {
		{ .bdf = NIC, .driver = "e1000e" },
		{ .bdf = "0000:03:00.0", .override = "pci-stub" },
	};
	char want[1024], rel[64];

	ASSERT_EQ(0, host_state_write(self->run, &self->id, 4242, 4243, d, 2));
	snprintf(want, sizeof(want),
		 "hostgeom-selftests-state 1\nhost %s\nrelease %s\nboot_id %s\n"
		 "guardian 4242\ntests 4243\ndev " NIC " e1000e -\n"
		 "dev 0000:03:00.0 - pci-stub\n",
		 self->id.host, self->id.release, BOOT);
	EXPECT_STREQ(want, slurp(self->root, "run/4242.state"));
	snprintf(rel, sizeof(rel), "run/.%d.tmp", 4242);
	EXPECT_STREQ("", slurp(self->root, rel));
	EXPECT_EQ(0, host_state_remove(self->run, 4242));
	EXPECT_FALSE(state_exists(self->run, 4242));
}

TEST_F(state, a_device_is_read_as_it_is)
{
	struct host_state_dev d;

	ASSERT_EQ(0, nic_on(self->fs, "e1000e", "(null)\n"));
	host_state_read_dev(self->root, NIC, &d);
	EXPECT_STREQ(NIC, d.bdf);
	EXPECT_STREQ("e1000e", d.driver);
	EXPECT_STREQ("", d.override);
}

/* Killed between its override write and the rebind: only the override. */
TEST_F(state, a_killed_run_left_an_override_it_is_cleared)
{
	ASSERT_EQ(0, nic_on(self->fs, "e1000e", NOT_READ));
	ASSERT_EQ(0, record(self->run, &self->id, self->dead, 0));
	EXPECT_EQ(0, host_state_recover(self->root, self->run, &self->id));
	EXPECT_STREQ("\n", override_of(self->root));
	EXPECT_STREQ("", slurp(self->root, "bus/pci/drivers/e1000e/bind"));
	EXPECT_FALSE(state_exists(self->run, self->dead));
}

TEST_F(state, the_original_override_is_put_back)
{
	struct host_state_dev d = { .bdf = NIC, .driver = "e1000e",
				    .override = "e1000e" };

	ASSERT_EQ(0, nic_on(self->fs, "e1000e", NOT_READ));
	ASSERT_EQ(0, host_state_write(self->run, &self->id, self->dead, 0, &d, 1));
	EXPECT_EQ(0, host_state_recover(self->root, self->run, &self->id));
	EXPECT_STREQ("e1000e", override_of(self->root));
}

/* Left on vfio-pci: unbound from it, and bound to its driver again. */
TEST_F(state, a_device_left_on_vfio_goes_back_to_its_driver)
{
	ASSERT_EQ(0, nic_on(self->fs, "vfio-pci", NOT_READ));
	ASSERT_EQ(0, record(self->run, &self->id, self->dead, 0));
	/* the synthetic sysfs does not rebind: the file is kept, and said */
	EXPECT_EQ(1, host_state_recover(self->root, self->run, &self->id));
	EXPECT_STREQ(NIC, slurp(self->root, "bus/pci/drivers/vfio-pci/unbind"));
	EXPECT_STREQ("\n", override_of(self->root));
	EXPECT_STREQ(NIC, slurp(self->root, "bus/pci/drivers/e1000e/bind"));
	EXPECT_TRUE(state_exists(self->run, self->dead));
}

/* A file written under @other: ignored, said, kept, nothing written. */
static void not_applied(struct __test_metadata *_metadata,
			FIXTURE_DATA(state) *self, const struct host_id *other)
{
	ASSERT_EQ(0, nic_on(self->fs, "e1000e", "vfio-pci\n"));
	ASSERT_EQ(0, record(self->run, other, self->dead, 0));
	EXPECT_EQ(1, host_state_recover(self->root, self->run, &self->id));
	EXPECT_STREQ("vfio-pci\n", override_of(self->root));
	EXPECT_TRUE(state_exists(self->run, self->dead));
}

TEST_F(state, a_file_from_another_boot_is_not_applied)
{
	struct host_id other = self->id;

	snprintf(other.boot_id, sizeof(other.boot_id), "0-other-boot");
	not_applied(_metadata, self, &other);
}

TEST_F(state, a_file_from_another_kernel_is_not_applied)
{
	struct host_id other = self->id;

	snprintf(other.release, sizeof(other.release), "6.1.0-other");
	not_applied(_metadata, self, &other);
}

TEST_F(state, a_file_from_another_host_is_not_applied)
{
	struct host_id other = self->id;

	snprintf(other.host, sizeof(other.host), "another-host");
	not_applied(_metadata, self, &other);
}

TEST_F(state, a_guardian_that_runs_keeps_its_devices)
{
	ASSERT_EQ(0, nic_on(self->fs, "e1000e", "vfio-pci\n"));
	ASSERT_EQ(0, record(self->run, &self->id, getppid(), 0));
	EXPECT_EQ(0, host_state_recover(self->root, self->run, &self->id));
	EXPECT_STREQ("vfio-pci\n", override_of(self->root));
	EXPECT_TRUE(state_exists(self->run, getppid()));
}

TEST_F(state, files_it_did_not_write_are_not_applied)
{
	static const char *const devs[] = {
		"dev " NIC " ../../x -\n",		/* a path for a driver */
		"dev eth0 e1000e -\n",			/* not a PCI address */
		"dev " NIC " e1000e\n",			/* a field missing */
		"dev " NIC " e1000e - more\nfoo 1\n",	/* a line unknown */
	};
	size_t i;

	ASSERT_EQ(0, nic_on(self->fs, "e1000e", "vfio-pci\n"));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "run/7.state", "something else\n"));
	EXPECT_EQ(1, host_state_recover(self->root, self->run, &self->id));
	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "run/7.state",
				       "hostgeom-selftests-state 1\nguardian %d\n",
				       (int)self->dead));
	EXPECT_EQ(1, host_state_recover(self->root, self->run, &self->id));
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		ASSERT_EQ(0, fake_sysfs_printf(self->fs, "run/7.state",
					       "hostgeom-selftests-state 1\nhost %s\nrelease %s\n"
					       "boot_id %s\nguardian %d\ntests 0\n%s",
					       self->id.host, self->id.release,
					       self->id.boot_id, (int)self->dead,
					       devs[i]));
		EXPECT_EQ(1, host_state_recover(self->root, self->run, &self->id));
		EXPECT_STREQ("vfio-pci\n", override_of(self->root));
	}
}

/*
 * The killed guardian's tests still run, holding the device: every
 * process of their session is killed, also a test the harness moved into
 * a process group of its own. They are children of a reaper, as orphans
 * are init's, which says how many of them SIGKILL ended.
 */
TEST_F(state, the_tests_a_killed_guardian_left_are_killed)
{
	int status, killed = 0, p[2];
	pid_t reaper, tests, test;

	ASSERT_EQ(0, pipe(p));
	reaper = fork();
	ASSERT_LE(0, reaper);
	if (!reaper) {
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		tests = fork();
		if (!tests) {
			setsid();
			test = fork();
			if (!test) {
				setpgid(0, 0);	/* as the harness runs a test */
				pause();
				_exit(0);
			}
			if (write(p[1], &test, sizeof(test)) != sizeof(test))
				_exit(100);
			pause();
			_exit(0);
		}
		if (write(p[1], &tests, sizeof(tests)) != sizeof(tests))
			_exit(100);
		while (wait(&status) > 0)
			killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
		_exit(killed);
	}
	ASSERT_EQ(sizeof(tests), read(p[0], &tests, sizeof(tests)));
	ASSERT_EQ(sizeof(test), read(p[0], &test, sizeof(test)));
	usleep(100000);		/* the test has its own group */
	ASSERT_EQ(0, nic_on(self->fs, "e1000e", "vfio-pci\n"));
	ASSERT_EQ(0, record(self->run, &self->id, self->dead, tests));
	EXPECT_EQ(0, host_state_recover(self->root, self->run, &self->id));
	/* not killed: end them otherwise, not to leave them */
	kill(tests, SIGTERM);
	kill(test, SIGTERM);
	ASSERT_EQ(reaper, waitpid(reaper, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
}

TEST_F(state, no_directory_is_nothing_to_do)
{
	EXPECT_EQ(0, host_state_recover(self->root, self->run, &self->id));
}

TEST_HARNESS_MAIN
