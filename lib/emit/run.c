// SPDX-License-Identifier: GPL-2.0
/*
 * Asking another program about itself ("virsh --version", "qemu-system-x86_64
 * -device virtio-iommu-pci,help"): its standard output, bounded in size and
 * in time, so that a hung or chatty program cannot hold the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * @fd until end of file into @buf (up to @len - 1 bytes, NUL-terminated;
 * the rest read and dropped, so the writer never blocks); false on timeout.
 */
static bool read_bounded(int fd, char *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char drop[4096];
	struct timespec t0;
	size_t used = 0;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	buf[0] = '\0';
	for (;;) {
		long left = timeout_ms - ms_since(&t0);

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		if (used < len - 1)
			n = read(fd, buf + used, len - 1 - used);
		else
			n = read(fd, drop, sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		if (used < len - 1) {
			used += (size_t)n;
			buf[used] = '\0';
		}
	}
}

int hg_emit_run(char *const argv[], char *buf, size_t len, int timeout_ms)
{
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
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return -ret;
	}
	answered = read_bounded(fds[0], buf, len, timeout_ms);
	close(fds[0]);
	if (!answered)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!answered)
		return -ETIMEDOUT;
	/* 127: the exec failed in the child, as where posix_spawn is a fork
	 * and exec (under valgrind) and as shells report it */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return 0;
}
