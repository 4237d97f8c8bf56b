// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prog_run.h"

bool prog_in_path(const char *prog)
{
	char *path = getenv("PATH"), *copy, *dir, *save = NULL;
	char full[4096];
	bool found = false;

	if (!path)
		return false;
	copy = strdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/%s", dir, prog);
		found = access(full, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* Reads @fd to its end, keeping what fits in @out. */
static void drain(int fd, char *out, size_t len)
{
	size_t used = 0;
	char sink[4096];
	ssize_t n;

	for (;;) {
		if (used < len - 1)
			n = read(fd, out + used, len - 1 - used);
		else
			n = read(fd, sink, sizeof(sink));
		if (n <= 0)
			break;
		if (used < len - 1)
			used += (size_t)n;
	}
	out[used] = '\0';
}

int prog_run(char *const argv[], char *out, size_t len)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	drain(fds[0], out, len);
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
