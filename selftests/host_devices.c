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
#include "host_state.h"

#include "host_devices.h"
#include "kselftest.h"
#include "module_env.h"

#define MAX_NAMED 16
#define PCI "/sys/bus/pci"

struct named_dev {
	struct host_state_dev was;	/* before the tests */
	bool bound;		/* this run moved it to the test's driver */
};

/* What a SIGKILL must not lose (host_state.h). */
static struct host_id this_host;
static struct host_state_dev saved[MAX_NAMED];
static size_t n_saved;

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
		if (!strcmp(devs[i].was.bdf, bdf))
			return true;
	return false;
}

static int put_dev(const char *bdf, const char *attr, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "devices/%s/%s", bdf, attr);
	return host_state_put(NULL, path, value);
}

static int bind_to(struct named_dev *d, const char *driver)
{
	const struct host_state_dev *w = &d->was;
	struct host_state_dev now;
	int ret;

	if (!strcmp(w->driver, driver))
		return 0;
	d->bound = true;
	ret = put_dev(w->bdf, "driver_override", driver);
	if (!ret && w->driver[0])
		ret = put_dev(w->bdf, "driver/unbind", w->bdf);
	if (!ret)
		ret = host_state_put(NULL, "drivers_probe", w->bdf);
	host_state_read_dev(NULL, w->bdf, &now);
	if (ret || strcmp(now.driver, driver)) {
		printf("# host mode: %s did not bind to %s (%s; see dmesg)\n",
		       w->bdf, driver, ret ? strerror(-ret) : "probe refused");
		return -1;
	}
	printf("# host mode: %s: %s -> %s\n", w->bdf,
	       w->driver[0] ? w->driver : "(none)", driver);
	return 0;
}

static int restore_all(const struct named_dev *devs, size_t n)
{
	int ret = 0;

	while (n--)
		if (devs[n].bound)
			ret |= host_state_restore_dev(NULL, &devs[n].was);
	if (!ret && n_saved)
		host_state_remove(host_state_dir(), getpid());
	return ret;
}

/*
 * Records every named device before any is moved; a run that cannot
 * record them changes nothing.
 */
static void record(const struct named_dev *devs, size_t n, pid_t tests)
{
	size_t i;
	int ret;

	for (i = n_saved = 0; i < n; i++)
		if (devs[i].was.bdf[0])
			saved[n_saved++] = devs[i].was;
	ret = host_state_write(host_state_dir(), &this_host, getpid(), tests,
			       saved, n_saved);
	if (!ret || tests)
		return;
	ksft_print_header();
	printf("Bail out! %s: cannot record the devices' drivers in %s (%s; %s names another directory); nothing was changed\n",
	       HOST_DEVICES_ENV, host_state_dir(), strerror(-ret),
	       HOST_STATE_DIR_ENV);
	exit(KSFT_FAIL);
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
static int run_child(int argc, char **argv, int (*run)(int, char **),
		     const struct named_dev *devs, size_t n)
{
	int status, go[2];
	ssize_t got;
	char c;
	pid_t pid;

	fflush(NULL);
	if (pipe2(go, O_CLOEXEC))
		return KSFT_FAIL;
	pid = fork();
	if (pid < 0)
		return KSFT_FAIL;
	if (!pid) {
		/*
		 * A session of their own: the harness moves each test into a
		 * process group of its own, a session keeps them all.
		 */
		setsid();
		/* the tests start once the state file names their session */
		close(go[1]);
		while ((got = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (got != 1)
			_exit(KSFT_FAIL);	/* the guardian died first */
		close(go[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		exit(run(argc, argv));
	}
	close(go[0]);
	if (n)
		record(devs, n, pid);
	if (write(go[1], "", 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return KSFT_FAIL;
		if (stop_signal) {
			kill(pid, SIGKILL);
			host_state_kill_session(pid);
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
		if (!seen(devs, i, bdf))	/* named twice: its first state */
			host_state_read_dev(NULL, bdf, &devs[i].was);
	}
	record(devs, n, 0);
	for (i = 0; i < n; i++) {
		if (!devs[i].was.bdf[0])
			continue;
		if (!bind_to(&devs[i], driver) && !stop_signal)
			continue;
		restore_all(devs, i + 1);
		unload_if_ours(was_loaded);
		printf("Bail out! %s: could not bind %s to %s; the devices bound so far were given back\n",
		       HOST_DEVICES_ENV, devs[i].was.bdf, driver);
		exit(KSFT_FAIL);
	}
}

/*
 * Gives back what a SIGKILLed run left (host_state.h): the number of state
 * files it could not apply, each said why.
 */
static int recover_left(void)
{
	if (host_id_read(NULL, &this_host))
		snprintf(this_host.boot_id, sizeof(this_host.boot_id), "-");
	return host_state_recover(NULL, host_state_dir(), &this_host);
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

	if (argc == 2 && !strcmp(argv[1], HOST_DEVICES_RESTORE_OPT)) {
		status = recover_left();
		printf("# host mode: %s: %s\n", host_state_dir(), status ?
		       "not everything a killed run left could be given back (said above)" :
		       "no device left moved by a killed run");
		return status ? KSFT_FAIL : KSFT_PASS;
	}
	recover_left();
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
			setenv("HOSTGEOM_TEST_GROUP", devs[0].was.bdf, 0);
	}
	free(list);
	catch_signals();
	status = run_child(argc, argv, run, devs, n);
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
