/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host mode of the tests that use real devices: on a real machine they
 * touch only the PCI devices named in $HOSTGEOM_SELFTESTS_BDF (spaces or
 * commas between them, in the manner of the kernel's VFIO_SELFTESTS_BDF)
 * and, when none is named, only devices already bound to vfio-pci or to
 * the kit's stub. A named device is checked first (hg_host_check_devices():
 * the boot disk's controller and the only network device are refused
 * unless HOSTGEOM_SELFTESTS_FORCE=1), bound to the test's driver, and given
 * back to its driver and driver_override when the tests end, fail, or the
 * run is stopped by a signal: a guardian process does the binding and
 * waits for the tests, which run in a child process group it kills first.
 * Before it moves any, the guardian records every named device's driver
 * and driver_override in a state file (host_state.h): SIGKILL to the
 * guardian itself leaves devices bound, and the next run of any such
 * test, or the test run as "TEST --restore-devices", gives them back. The module, when the guardian loads it, is unloaded at the
 * end; one that was loaded before stays.
 */
#ifndef HOSTGEOM_HOST_DEVICES_H
#define HOSTGEOM_HOST_DEVICES_H

#include <stdbool.h>

#define HOST_DEVICES_ENV	"HOSTGEOM_SELFTESTS_BDF"
#define HOST_DEVICES_FORCE_ENV	"HOSTGEOM_SELFTESTS_FORCE"
/* The only argument: give back what killed runs left, then exit. */
#define HOST_DEVICES_RESTORE_OPT "--restore-devices"

/*
 * Runs @run(argc, argv) (the harness) for a test whose devices go to
 * @driver ("vfio-pci", HOSTGEOM_STUB_DRIVER, or NULL: it binds none) and
 * returns its exit status, after the host mode above. @uses_module: the
 * test loads the module, which is unloaded again if it was not loaded
 * before.
 */
int host_devices_main(int argc, char **argv, const char *driver,
		      bool uses_module, int (*run)(int argc, char **argv));

/*
 * main() for such a test. A program in which every test skipped exits
 * with the kselftest skip code (4), so that run_kselftest.sh reports it
 * as skipped instead of passed; the harness's children never get here.
 */
#define HOST_DEVICES_MAIN(driver, uses_module)				\
	static pid_t host_devices_pid_;					\
	static void host_devices_all_skipped_(void)			\
	{								\
		if (getpid() != host_devices_pid_ || !ksft_cnt.ksft_xskip || \
		    ksft_cnt.ksft_pass || ksft_cnt.ksft_fail ||		\
		    ksft_cnt.ksft_xfail || ksft_cnt.ksft_xpass ||		\
		    ksft_cnt.ksft_error)				\
			return;						\
		fflush(NULL);						\
		_exit(KSFT_SKIP);					\
	}								\
	static int host_devices_run_(int argc, char **argv)		\
	{								\
		host_devices_pid_ = getpid();				\
		atexit(host_devices_all_skipped_);			\
		return test_harness_run(argc, argv);			\
	}								\
	int main(int argc, char **argv)					\
	{								\
		return host_devices_main(argc, argv, driver, uses_module, \
					 host_devices_run_);		\
	}

#endif
