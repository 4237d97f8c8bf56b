// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

static void drain(int fds[2], struct cli_result *res)
{
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	size_t used[2] = { 0, 0 }, cap[2] = { sizeof(res->out) - 1,
					       sizeof(res->err) - 1 };
	char *buf[2] = { res->out, res->err }, sink[4096];
	int open_fds = 2, i;

	while (open_fds && poll(p, 2, -1) > 0) {
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			/* past the buffer, keep reading so the child never blocks */
			if (used[i] < cap[i])
				n = read(p[i].fd, buf[i] + used[i], cap[i] - used[i]);
			else
				n = read(p[i].fd, sink, sizeof(sink));
			if (n <= 0) {
				p[i].fd = -1;
				open_fds--;
			} else if (used[i] < cap[i]) {
				used[i] += (size_t)n;
			}
		}
	}
	res->out[used[0]] = '\0';
	res->err[used[1]] = '\0';
}

/* @out_path NULL: stdout into res->out; else stdout is that file. */
static int run(struct cli_result *res, const char *const *argv,
	       const char *out_path)
{
	const char *bin = getenv("HOSTGEOM") ? getenv("HOSTGEOM") : "build/hostgeom";
	int out[2], err[2], status, n = 0;
	const char **args;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->status = -1;
	while (argv[n])
		n++;
	args = calloc((size_t)n + 2, sizeof(*args));
	if (!args || pipe(out) || pipe(err)) {
		free(args);
		return -1;
	}
	args[0] = bin;
	memcpy(args + 1, argv, (size_t)n * sizeof(*args));
	pid = fork();
	if (pid == 0) {
		if (out_path) {
			close(out[1]);
			out[1] = open(out_path, O_WRONLY);
			if (out[1] < 0)
				_exit(126);
		}
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(bin, (char *const *)args);
		_exit(127);
	}
	free(args);
	close(out[1]);
	close(err[1]);
	if (pid > 0)
		drain((int[2]){ out[0], err[0] }, res);
	close(out[0]);
	close(err[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	res->status = WIFEXITED(status) ? WEXITSTATUS(status)
					: 128 + WTERMSIG(status);
	return res->status;
}

int cli_run(struct cli_result *res, const char *const *argv)
{
	return run(res, argv, NULL);
}

int cli_run_to(struct cli_result *res, const char *const *argv,
	       const char *out_path)
{
	return run(res, argv, out_path);
}
