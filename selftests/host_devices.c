// SPDX-License-Identifier: GPL-2.0
/*
 * The guardian of host mode (host_devices.h): checks and binds the named
 * devices, runs the tests in a child process group, then gives every
 * device back, whatever ended the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hostgeom/kmodload.h>

#include "host_safety.h"

#include "host_devices.h"
#include "kselftest.h"
#include "module_env.h"

#define MAX_NAMED 16
#define PCI "/sys/bus/pci"

struct named_dev {
	char bdf[HG_HOST_BDF_LEN];
	char driver[64];	/* before the tests, "" unbound */
	char override[64];	/* driver_override before, "" none */
	bool bound;		/* this run moved it to the test's driver */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static size_t split_names(char *list, const char **names)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(list, " ,\t\n", &save); tok;
	     tok = strtok_r(NULL, " ,\t\n", &save)) {
		if (n == MAX_NAMED) {
			ksft_print_header();
			printf("Bail out! %s: more than %d devices named; nothing was changed\n",
			       HOST_DEVICES_ENV, MAX_NAMED);
			exit(KSFT_FAIL);
		}
		names[n++] = tok;
	}
	return n;
}

/* Whether @bdf came earlier in @devs (a device named twice). */
static bool seen(const struct named_dev *devs, size_t n, const char *bdf)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(devs[i].bdf, bdf))
			return true;
	return false;
}

static void driver_of(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX], target[256];
	ssize_t got;

	snprintf(path, sizeof(path), PCI "/devices/%s/driver", bdf);
	got = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (got > 0) {
		target[got] = '\0';
		snprintf(out, len, "%s", strrchr(target, '/') + 1);
	}
}

/* Writes @value to sysfs file @path; 0 or -errno. */
static int put(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int put_dev(const char *bdf, const char *attr, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI "/devices/%s/%s", bdf, attr);
	return put(path, value);
}

static void save(struct named_dev *d, const char *bdf)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	driver_of(bdf, d->driver, sizeof(d->driver));
	d->override[0] = '\0';
	snprintf(path, sizeof(path), PCI "/devices/%s/driver_override", bdf);
	f = fopen(path, "re");
	if (f && fgets(d->override, sizeof(d->override), f))
		d->override[strcspn(d->override, "\n")] = '\0';
	if (f)
		fclose(f);
	if (!strcmp(d->override, "(null)"))
		d->override[0] = '\0';
}

static int bind_to(struct named_dev *d, const char *driver)
{
	char now[64];
	int ret;

	if (!strcmp(d->driver, driver))
		return 0;
	d->bound = true;
	ret = put_dev(d->bdf, "driver_override", driver);
	if (!ret && d->driver[0])
		ret = put_dev(d->bdf, "driver/unbind", d->bdf);
	if (!ret)
		ret = put(PCI "/drivers_probe", d->bdf);
	driver_of(d->bdf, now, sizeof(now));
	if (ret || strcmp(now, driver)) {
		printf("# host mode: %s did not bind to %s (%s; see dmesg)\n",
		       d->bdf, driver, ret ? strerror(-ret) : "probe refused");
		return -1;
	}
	printf("# host mode: %s: %s -> %s\n", d->bdf,
	       d->driver[0] ? d->driver : "(none)", driver);
	return 0;
}

/* Gives @d back its driver_override and driver: 0, or -1 (said why). */
static int restore(const struct named_dev *d)
{
	char now[64], path[PATH_MAX];

	if (!d->bound)
		return 0;
	driver_of(d->bdf, now, sizeof(now));
	if (now[0] && strcmp(now, d->driver))
		put_dev(d->bdf, "driver/unbind", d->bdf);
	/* A newline clears driver_override. */
	put_dev(d->bdf, "driver_override", d->override[0] ? d->override : "\n");
	driver_of(d->bdf, now, sizeof(now));
	if (d->driver[0] && strcmp(now, d->driver)) {
		snprintf(path, sizeof(path), PCI "/drivers/%s/bind", d->driver);
		if (put(path, d->bdf))
			put(PCI "/drivers_probe", d->bdf);
		driver_of(d->bdf, now, sizeof(now));
	}
	if (strcmp(now, d->driver)) {
		printf("# host mode: %s NOT restored: driver %s, was %s\n",
		       d->bdf, now[0] ? now : "(none)",
		       d->driver[0] ? d->driver : "(none)");
		return -1;
	}
	printf("# host mode: %s restored to %s\n", d->bdf,
	       d->driver[0] ? d->driver : "(no driver)");
	return 0;
}

static int restore_all(const struct named_dev *devs, size_t n)
{
	int ret = 0;

	while (n--)
		ret |= restore(&devs[n]);
	return ret;
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_signal };	/* no restart */
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Runs @run in a child process group; its exit status, or 128+signal. */
static int run_child(int argc, char **argv, int (*run)(int, char **))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return KSFT_FAIL;
	if (!pid) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		exit(run(argc, argv));
	}
	setpgid(pid, pid);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return KSFT_FAIL;
		if (stop_signal) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static __attribute__((noreturn)) void refuse(const struct hg_err *err,
					     bool forcible)
{
	ksft_print_header();
	if (err->code == -ENODEV)
		ksft_exit_skip("%s: %s\n", HOST_DEVICES_ENV, err->msg);
	printf("Bail out! %s: %s%s; nothing was changed\n", HOST_DEVICES_ENV,
	       err->msg, forcible ?
	       "; set " HOST_DEVICES_FORCE_ENV "=1 to take it anyway" : "");
	exit(KSFT_FAIL);
}

static bool forced(void)
{
	const char *f = getenv(HOST_DEVICES_FORCE_ENV);

	return f && !strcmp(f, "1");
}

/* Refuses, with the reason, devices that must not be taken. */
static void check_named(const char **names, size_t n)
{
	struct hg_err err = { 0 };

	if (hg_host_check_devices(NULL, NULL, names, n, forced(), &err))
		refuse(&err, err.code == -EPERM);
}

/* Loads the module for the stub: whether this call loaded it. */
static bool load_module(void)
{
	struct hg_err err = { 0 };
	bool loaded = false;

	if (hg_kmod_load(module_env_path(), &loaded, &err)) {
		ksft_print_header();
		ksft_exit_skip("hostgeom_test unusable: %s\n", err.msg);
	}
	return loaded;
}

static void unload_if_ours(bool was_loaded)
{
	struct hg_err err = { 0 };

	if (was_loaded || !hg_kmod_is_loaded())
		return;
	if (hg_kmod_unload(&err))
		printf("# host mode: could not unload hostgeom_test, which the tests loaded: %s\n",
		       err.msg);
}

/*
 * Binds the checked devices to @driver; on failure gives back those bound
 * so far, and the module when this run loaded it, and exits.
 */
static void bind_named(const char **names, size_t n, const char *driver,
		       struct named_dev *devs, bool was_loaded)
{
	char path[PATH_MAX], bdf[HG_HOST_BDF_LEN];
	size_t i;

	snprintf(path, sizeof(path), PCI "/drivers/%s", driver);
	if (access(path, F_OK)) {
		ksft_print_header();
		ksft_exit_skip("no %s driver to bind %s to (not loaded: modprobe vfio-pci)\n",
			       driver, names[0]);
	}
	catch_signals();
	for (i = 0; i < n; i++) {
		hg_host_parse_bdf(names[i], bdf, sizeof(bdf));
		if (seen(devs, i, bdf))
			continue;	/* bound already; its first state kept */
		save(&devs[i], bdf);
		if (!bind_to(&devs[i], driver) && !stop_signal)
			continue;
		restore_all(devs, i + 1);
		unload_if_ours(was_loaded);
		printf("Bail out! %s: could not bind %s to %s; the devices bound so far were given back\n",
		       HOST_DEVICES_ENV, bdf, driver);
		exit(KSFT_FAIL);
	}
}

int host_devices_main(int argc, char **argv, const char *driver,
		      bool uses_module, int (*run)(int argc, char **argv))
{
	struct named_dev devs[MAX_NAMED] = { 0 };
	const char *names[MAX_NAMED];
	char *list = getenv(HOST_DEVICES_ENV);
	bool was_loaded = hg_kmod_is_loaded();
	size_t n = 0;
	int status;

	list = list ? strdup(list) : NULL;
	if (list && driver)
		n = split_names(list, names);
	if (!n && !uses_module) {
		free(list);
		return run(argc, argv);
	}
	if (n)
		check_named(names, n);
	if (n && uses_module && !was_loaded)
		load_module();
	if (n) {
		bind_named(names, n, driver, devs, was_loaded);
		if (!getenv("HOSTGEOM_TEST_GROUP"))
			setenv("HOSTGEOM_TEST_GROUP", devs[0].bdf, 0);
	}
	free(list);
	catch_signals();
	status = run_child(argc, argv, run);
	if (restore_all(devs, n) && !status)
		status = KSFT_FAIL;
	if (uses_module)
		unload_if_ours(was_loaded);
	if (stop_signal) {
		fflush(NULL);
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	return status;
}
