// SPDX-License-Identifier: GPL-2.0
/*
 * The state file of host mode (host_state.h) and giving devices back.
 *
 *   hostgeom-selftests-state 1
 *   host NODENAME
 *   release KERNEL-RELEASE
 *   boot_id UUID
 *   guardian PID
 *   tests SID                        (0: the tests have not started)
 *   dev BDF DRIVER OVERRIDE          ("-" for none; one line a device)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "host_state.h"

#define MAGIC "hostgeom-selftests-state 1"
#define MAX_DEVS 16
#define KILL_WAIT_MS 10000

int host_id_read(const char *proc, struct host_id *id)
{
	char path[PATH_MAX];
	struct utsname u;
	FILE *f;

	memset(id, 0, sizeof(*id));
	if (uname(&u))
		return -errno;
	snprintf(id->host, sizeof(id->host), "%s", u.nodename);
	snprintf(id->release, sizeof(id->release), "%s", u.release);
	snprintf(path, sizeof(path), "%s/sys/kernel/random/boot_id",
		 proc ? proc : "/proc");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(id->boot_id, sizeof(id->boot_id), f))
		id->boot_id[0] = '\0';
	fclose(f);
	id->boot_id[strcspn(id->boot_id, "\n")] = '\0';
	return id->boot_id[0] ? 0 : -EINVAL;
}

const char *host_state_dir(void)
{
	const char *d = getenv(HOST_STATE_DIR_ENV);

	return d && *d ? d : HOST_STATE_DIR;
}

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

int host_state_write(const char *dir, const struct host_id *id,
		     pid_t guardian, pid_t tests,
		     const struct host_state_dev *devs, size_t n)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int fd, ret = 0;
	size_t i;
	FILE *f;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/.%d.tmp", dir, (int)guardian);
	snprintf(path, sizeof(path), "%s/%d.state", dir, (int)guardian);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	fprintf(f, MAGIC "\nhost %s\nrelease %s\nboot_id %s\nguardian %d\ntests %d\n",
		id->host, id->release, id->boot_id, (int)guardian, (int)tests);
	for (i = 0; i < n; i++)
		fprintf(f, "dev %s %s %s\n", devs[i].bdf, or_dash(devs[i].driver),
			or_dash(devs[i].override));
	if (fflush(f) || fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int host_state_remove(const char *dir, pid_t guardian)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%d.state", dir, (int)guardian);
	return unlink(path) ? -errno : 0;
}

static const char *root_of(const char *sysfs)
{
	return sysfs ? sysfs : "/sys";
}

static void driver_of(const char *sysfs, const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX], target[256];
	const char *name;
	ssize_t got;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver",
		 root_of(sysfs), bdf);
	got = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (got <= 0)
		return;
	target[got] = '\0';
	name = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strlen(name) < len)
		memcpy(out, name, strlen(name) + 1);
}

int host_state_put(const char *sysfs, const char *attr, const char *value)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/bus/pci/%s", root_of(sysfs), attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

void host_state_read_dev(const char *sysfs, const char *bdf,
			 struct host_state_dev *d)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	driver_of(sysfs, bdf, d->driver, sizeof(d->driver));
	d->override[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
		 root_of(sysfs), bdf);
	f = fopen(path, "re");
	if (f && fgets(d->override, sizeof(d->override), f))
		d->override[strcspn(d->override, "\n")] = '\0';
	if (f)
		fclose(f);
	if (!strcmp(d->override, "(null)"))
		d->override[0] = '\0';
}

int host_state_restore_dev(const char *sysfs, const struct host_state_dev *d)
{
	char now[64], attr[PATH_MAX];

	driver_of(sysfs, d->bdf, now, sizeof(now));
	snprintf(attr, sizeof(attr), "devices/%s/driver/unbind", d->bdf);
	if (now[0] && strcmp(now, d->driver))
		host_state_put(sysfs, attr, d->bdf);
	/* A newline clears driver_override. */
	snprintf(attr, sizeof(attr), "devices/%s/driver_override", d->bdf);
	host_state_put(sysfs, attr, d->override[0] ? d->override : "\n");
	driver_of(sysfs, d->bdf, now, sizeof(now));
	if (d->driver[0] && strcmp(now, d->driver)) {
		snprintf(attr, sizeof(attr), "drivers/%s/bind", d->driver);
		if (host_state_put(sysfs, attr, d->bdf))
			host_state_put(sysfs, "drivers_probe", d->bdf);
		driver_of(sysfs, d->bdf, now, sizeof(now));
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

struct state {
	struct host_id id;
	pid_t guardian, tests;
	struct host_state_dev devs[MAX_DEVS];
	size_t n;
};

static void undash(char *s)
{
	if (!strcmp(s, "-"))
		s[0] = '\0';
}

/* Parses @path into @st: NULL, or what is wrong with it. */
static const char *parse(const char *path, struct state *st)
{
	char line[512], key[16], a[80], b[80], c[80];
	const char *bad = NULL;
	int got = 0, v;
	FILE *f;

	memset(st, 0, sizeof(*st));
	f = fopen(path, "re");
	if (!f)
		return strerror(errno);
	if (!fgets(line, sizeof(line), f) || strcmp(line, MAGIC "\n"))
		bad = "no '" MAGIC "' line first";
	while (!bad && fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n')) {
			bad = "a line too long";
		} else if (sscanf(line, "dev %79s %79s %79s", a, b, c) == 3) {
			if (st->n == MAX_DEVS ||
			    hg_host_parse_bdf(a, st->devs[st->n].bdf,
					      sizeof(st->devs[0].bdf)) ||
			    strlen(b) >= sizeof(st->devs[0].driver) ||
			    strlen(c) >= sizeof(st->devs[0].override) ||
			    strchr(b, '/') || b[0] == '.') {
				bad = "a bad dev line";
				break;
			}
			undash(strcpy(st->devs[st->n].driver, b));
			undash(strcpy(st->devs[st->n].override, c));
			st->n++;
		} else if (sscanf(line, "%15s %79s", key, a) == 2) {
			if (!strcmp(key, "host") && strlen(a) < sizeof(st->id.host))
				strcpy(st->id.host, a), got |= 1;
			else if (!strcmp(key, "release") &&
				 strlen(a) < sizeof(st->id.release))
				strcpy(st->id.release, a), got |= 2;
			else if (!strcmp(key, "boot_id") &&
				 strlen(a) < sizeof(st->id.boot_id))
				strcpy(st->id.boot_id, a), got |= 4;
			else if (!strcmp(key, "guardian") &&
				 sscanf(a, "%d", &v) == 1 && v > 0)
				st->guardian = v, got |= 8;
			else if (!strcmp(key, "tests") &&
				 sscanf(a, "%d", &v) == 1 && v >= 0)
				st->tests = v, got |= 16;
			else
				bad = "a line it does not know";
		} else {
			bad = "a line it does not know";
		}
	}
	fclose(f);
	if (!bad && got != 31)
		bad = "host, release, boot_id, guardian or tests missing";
	return bad;
}

static bool alive(pid_t pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

/*
 * Signals every live process of session @sid (the harness puts each test
 * in a process group of its own, in the same session); how many it found.
 */
static int signal_session(pid_t sid, int sig)
{
	char path[64], buf[512], *p, state;
	int found = 0, pid, ppid, pgrp, sess;
	struct dirent *e;
	ssize_t got;
	DIR *d;
	int fd;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (sscanf(e->d_name, "%d", &pid) != 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (got <= 0)
			continue;
		buf[got] = '\0';
		p = strrchr(buf, ')');	/* the name may hold anything */
		if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp,
				 &sess) != 4 || sess != sid || state == 'Z')
			continue;
		found++;
		kill(pid, sig);
	}
	closedir(d);
	return found;
}

void host_state_kill_session(pid_t sid)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	if (sid <= 1)
		return;
	for (i = 0; i < KILL_WAIT_MS && signal_session(sid, SIGKILL); i++)
		nanosleep(&ms, NULL);
	if (i == KILL_WAIT_MS)
		printf("# host mode: session %d still there after %d s\n",
		       (int)sid, KILL_WAIT_MS / 1000);
}

static void kill_tests(pid_t sid)
{
	if (sid <= 1 || !signal_session(sid, 0))
		return;
	printf("# host mode: killing the tests a killed run left (session %d)\n",
	       (int)sid);
	host_state_kill_session(sid);
}

/* One state file: 0 done (or not ours to do), 1 a problem it said. */
static int recover_one(const char *sysfs, const char *path,
		       const struct host_id *id)
{
	struct state st;
	const char *bad = parse(path, &st);
	int ret = 0;
	size_t i;

	if (bad) {
		printf("# host mode: %s: %s; ignored, not applied\n", path, bad);
		return 1;
	}
	if (strcmp(st.id.host, id->host) || strcmp(st.id.release, id->release) ||
	    strcmp(st.id.boot_id, id->boot_id)) {
		printf("# host mode: %s was written on host %s, kernel %s, boot %s; this is %s, kernel %s, boot %s: ignored, not applied (check its devices, then remove it)\n",
		       path, st.id.host, st.id.release, st.id.boot_id, id->host,
		       id->release, id->boot_id);
		return 1;
	}
	if (st.guardian == getpid() || alive(st.guardian))
		return 0;	/* its guardian runs: its devices are its own */
	printf("# host mode: %s: guardian %d was killed with devices moved; giving them back\n",
	       path, (int)st.guardian);
	kill_tests(st.tests);
	for (i = 0; i < st.n; i++)
		ret |= host_state_restore_dev(sysfs, &st.devs[i]);
	if (ret) {
		printf("# host mode: %s kept: not every device came back\n", path);
		return 1;
	}
	unlink(path);
	return 0;
}

int host_state_recover(const char *sysfs, const char *dir,
		       const struct host_id *id)
{
	char path[PATH_MAX];
	struct dirent *e;
	int problems = 0;
	size_t len;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 7 ||
		    strcmp(e->d_name + len - 6, ".state"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		problems += recover_one(sysfs, path, id);
	}
	closedir(d);
	return problems;
}
