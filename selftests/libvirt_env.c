// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libvirt_env.h"
#include "prog_run.h"

#define START_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 5000
/* libvirtd exits when idle this long: the net under a killed test */
#define IDLE_EXIT_S "60"

static const char *const needed[] = { "libvirtd", "virsh", "virt-xml-validate" };

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&t, NULL);
}

/* In the child: the daemon as @pw (NULL: as we are), never returns. */
static void exec_daemon(const struct libvirt_env *env, const struct passwd *pw)
{
	char home[160], run[160], cfg[160], cache[160], data[160], log[160];
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", home, run, cfg,
			 cache, data, NULL };
	char *argv[] = { "libvirtd", "--timeout", IDLE_EXIT_S, NULL };
	int fd;

	snprintf(home, sizeof(home), "HOME=%s", env->dir);
	snprintf(run, sizeof(run), "XDG_RUNTIME_DIR=%s/run", env->dir);
	snprintf(cfg, sizeof(cfg), "XDG_CONFIG_HOME=%s/config", env->dir);
	snprintf(cache, sizeof(cache), "XDG_CACHE_HOME=%s/cache", env->dir);
	snprintf(data, sizeof(data), "XDG_DATA_HOME=%s/data", env->dir);
	snprintf(log, sizeof(log), "%s/libvirtd.log", env->dir);
	setsid();
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup2(fd, 0);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	dup2(fd, 1);
	dup2(fd, 2);
	if (pw && (setgroups(0, NULL) || setgid(pw->pw_gid) ||
		   setuid(pw->pw_uid)))
		_exit(126);
	execvpe(argv[0], argv, envp);
	_exit(127);
}

static int make_dir(struct libvirt_env *env, const struct passwd *pw)
{
	char run[200];

	snprintf(env->dir, sizeof(env->dir), "/tmp/hostgeom-libvirt.XXXXXX");
	if (!mkdtemp(env->dir)) {
		snprintf(env->why, sizeof(env->why), "mkdtemp: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(run, sizeof(run), "%s/run", env->dir);
	if (mkdir(run, 0700) ||
	    (pw && (chown(env->dir, pw->pw_uid, pw->pw_gid) ||
		    chown(run, pw->pw_uid, pw->pw_gid)))) {
		snprintf(env->why, sizeof(env->why), "%s: %s", env->dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Waits for the daemon's socket; -1 when it exited or never listened. */
static int wait_socket(struct libvirt_env *env, const char *sock)
{
	long waited;
	int status;

	for (waited = 0; waited < START_TIMEOUT_MS; waited += 50) {
		if (!access(sock, F_OK))
			return 0;
		if (waitpid(env->pid, &status, WNOHANG) == env->pid) {
			env->pid = 0;
			snprintf(env->why, sizeof(env->why),
				 "libvirtd exited at start (status 0x%x): see %s/libvirtd.log",
				 status, env->dir);
			return -1;
		}
		sleep_ms(50);
	}
	snprintf(env->why, sizeof(env->why),
		 "libvirtd made no socket in %d s: see %s/libvirtd.log",
		 START_TIMEOUT_MS / 1000, env->dir);
	return -1;
}

int libvirt_env_start(struct libvirt_env *env)
{
	const struct passwd *pw = NULL;
	char sock[200];
	size_t i;

	memset(env, 0, sizeof(*env));
	for (i = 0; i < sizeof(needed) / sizeof(*needed); i++) {
		if (prog_in_path(needed[i]))
			continue;
		snprintf(env->why, sizeof(env->why),
			 "%s not installed (scripts/setup installs libvirt-clients and libvirt-daemon-driver-qemu)",
			 needed[i]);
		return -1;
	}
	if (!geteuid()) {
		pw = getpwnam("nobody");
		if (!pw) {
			snprintf(env->why, sizeof(env->why),
				 "no user 'nobody' to run libvirtd as");
			return -1;
		}
	}
	if (make_dir(env, pw))
		return -1;
	env->pid = fork();
	if (env->pid < 0) {
		env->pid = 0;
		snprintf(env->why, sizeof(env->why), "fork: %s", strerror(errno));
		return -1;
	}
	if (!env->pid)
		exec_daemon(env, pw);
	snprintf(sock, sizeof(sock), "%s/run/libvirt/libvirt-sock", env->dir);
	snprintf(env->uri, sizeof(env->uri), "qemu:///session?socket=%s", sock);
	return wait_socket(env, sock);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void libvirt_env_stop(struct libvirt_env *env)
{
	long waited;

	if (env->pid > 0) {
		kill(env->pid, SIGTERM);
		for (waited = 0; waited < STOP_TIMEOUT_MS; waited += 50) {
			if (waitpid(env->pid, NULL, WNOHANG) == env->pid)
				break;
			sleep_ms(50);
		}
		if (waited >= STOP_TIMEOUT_MS) {
			kill(env->pid, SIGKILL);
			waitpid(env->pid, NULL, 0);
		}
		env->pid = 0;
	}
	if (env->dir[0])
		nftw(env->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	env->dir[0] = '\0';
}
