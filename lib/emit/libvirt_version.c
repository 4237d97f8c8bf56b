// SPDX-License-Identifier: GPL-2.0
/*
 * Which libvirt is installed: the programs say it themselves ("libvirtd
 * (libvirt) 11.3.0", "11.3.0" from virsh). The daemon comes first since it
 * is the one that parses a domain's XML.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hostgeom/libvirt_version.h>

#define VERSION_PART_MAX 999
/* a --version that has not answered by then never will */
#define VERSION_TIMEOUT_MS 5000

static const char *const version_programs[] = {
	"virtqemud", "libvirtd", "virsh"
};

static int not_a_version(const char *s, struct hg_err *err)
{
	return hg_err_set(err, -EINVAL,
			  "libvirt version '%.40s' is not MAJOR.MINOR[.MICRO] (for example 11.3.0, as 'virsh version' shows it)",
			  s);
}

int hg_libvirt_version_parse(const char *s, unsigned long *version,
			     struct hg_err *err)
{
	unsigned long part[3] = { 0, 0, 0 };
	const char *p = s;
	char *end;
	int n;

	for (n = 0; n < 3; n++) {
		if (!isdigit((unsigned char)*p))
			return not_a_version(s, err);
		errno = 0;
		part[n] = strtoul(p, &end, 10);
		if (errno || part[n] > VERSION_PART_MAX)
			return not_a_version(s, err);
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (*p || n < 1)
		return not_a_version(s, err);
	*version = HG_LIBVIRT_VERSION(part[0], part[1], part[2]);
	return 0;
}

void hg_libvirt_version_str(unsigned long version, char *buf, size_t len)
{
	if (!version) {
		snprintf(buf, len, "unknown");
		return;
	}
	snprintf(buf, len, "%lu.%lu.%lu", version / 1000000,
		 version / 1000 % 1000, version % 1000);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Up to @len - 1 bytes from @fd, NUL-terminated; false on timeout. */
static bool read_bounded(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec t0;
	size_t used = 0;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	buf[0] = '\0';
	for (;;) {
		long left = VERSION_TIMEOUT_MS - ms_since(&t0);

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		n = read(fd, buf + used, len - 1 - used);
		if (n <= 0)
			return true;
		used += (size_t)n;
		buf[used] = '\0';
		if (used == len - 1)
			return true;
	}
}

/* Runs "@prog --version"; its first output line into @buf. */
static int run_version(const char *prog, char *buf, size_t len)
{
	char *argv[] = { (char *)prog, "--version", NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status, ret;
	bool answered;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return -ret;
	}
	answered = read_bounded(fds[0], buf, len);
	close(fds[0]);
	if (!answered)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!answered)
		return -ETIMEDOUT;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The last word of @line: "libvirtd (libvirt) 11.3.0" gives 11.3.0. */
static int version_of_line(const char *line, unsigned long *version)
{
	const char *word = strrchr(line, ' ');

	return hg_libvirt_version_parse(word ? word + 1 : line, version, NULL);
}

int hg_libvirt_installed_version(unsigned long *version, const char **from,
				 struct hg_err *err)
{
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(version_programs) / sizeof(*version_programs);
	     i++) {
		if (run_version(version_programs[i], line, sizeof(line)) ||
		    version_of_line(line, version))
			continue;
		*from = version_programs[i];
		return 0;
	}
	return hg_err_set(err, -ENOENT,
			  "no libvirt found: none of virtqemud, libvirtd and virsh in PATH answered --version with a version");
}
