/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What host mode (host_devices.h) changed, kept where a SIGKILLed guardian
 * cannot lose it: before it moves a named device, the guardian writes each
 * one's driver and driver_override into a state file, DIR/PID.state, with
 * the host's name, kernel release and boot id, and removes the file once
 * every device is back. A later run (or an explicit restore) finds a file
 * whose guardian is gone, kills the tests it left running, and gives the
 * devices back. A file from another host, kernel or boot is ignored with a
 * message, never applied: its devices may be others now.
 *
 * DIR is $HOSTGEOM_SELFTESTS_RUN_DIR, else /run/hostgeom-selftests (tmpfs:
 * a reboot empties it, as it gives every device back to its driver).
 */
#ifndef HOSTGEOM_HOST_STATE_H
#define HOSTGEOM_HOST_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "host_safety.h"

#define HOST_STATE_DIR_ENV	"HOSTGEOM_SELFTESTS_RUN_DIR"
#define HOST_STATE_DIR		"/run/hostgeom-selftests"

/* A named device as it was before host mode changed it. */
struct host_state_dev {
	char bdf[HG_HOST_BDF_LEN];
	char driver[64];	/* "" unbound */
	char override[64];	/* driver_override, "" none */
};

/* Which machine, kernel and boot a state file belongs to. */
struct host_id {
	char host[65];
	char release[65];
	char boot_id[64];
};

/* This one: uname(), and @proc/sys/kernel/random/boot_id (NULL: /proc). */
int host_id_read(const char *proc, struct host_id *id);

/* The state directory (see above). */
const char *host_state_dir(void);

/*
 * Writes (atomically: a temporary file renamed) DIR/@guardian.state for
 * @n devices; @tests is the session the tests run in (the harness gives
 * each test a process group of its own), 0 before it exists. Makes DIR (one level) when missing. 0 or -errno.
 */
int host_state_write(const char *dir, const struct host_id *id,
		     pid_t guardian, pid_t tests,
		     const struct host_state_dev *devs, size_t n);
/* Removes DIR/@guardian.state: 0 or -errno. */
int host_state_remove(const char *dir, pid_t guardian);

/* Writes @value to @sysfs/bus/pci/@attr (NULL: /sys): 0 or -errno. */
int host_state_put(const char *sysfs, const char *attr, const char *value);

/* Reads @d's driver and driver_override from @sysfs (NULL: /sys). */
void host_state_read_dev(const char *sysfs, const char *bdf,
			 struct host_state_dev *d);

/*
 * Gives @d back its driver_override and driver through @sysfs (NULL:
 * /sys): unbinds what it has now if that is another driver, writes the
 * override (a newline clears it), binds the driver, then reads it back.
 * Says "restored to" or "NOT restored" on stdout; 0, or -1.
 */
int host_state_restore_dev(const char *sysfs, const struct host_state_dev *d);

/* SIGKILLs session @sid's processes and waits (10 s at most) until gone. */
void host_state_kill_session(pid_t sid);

/*
 * For every DIR/PID.state but the caller's own: ignored (said why) when
 * not a state file, or written on another host, kernel or boot (@id is
 * this one), or when its guardian still runs; otherwise the tests it left
 * (its session) are killed, every device given back, and the file
 * removed if all came back (kept, and said, if not). Returns the number of
 * files whose devices did not all come back, or that were ignored for
 * another host, kernel or boot; 0 when DIR is missing or empty.
 */
int host_state_recover(const char *sysfs, const char *dir,
		       const struct host_id *id);

#endif
