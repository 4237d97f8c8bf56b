/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A private libvirt daemon for tests: libvirtd in session mode with its
 * sockets, state and caches in a fresh directory of its own, as the
 * unprivileged "nobody" when the test runs as root (root's libvirtd would
 * share /run/libvirt with the host's). Stopped and removed by
 * libvirt_env_stop(); if the test dies first, libvirtd exits by itself
 * once idle for a minute.
 */
#ifndef HOSTGEOM_LIBVIRT_ENV_H
#define HOSTGEOM_LIBVIRT_ENV_H

#include <sys/types.h>

struct libvirt_env {
	char dir[128];		/* its directory; test files go there too */
	char uri[256];		/* for virsh -c */
	pid_t pid;		/* 0: not running */
	char why[256];		/* why it is not running */
};

/* 0, or -1 with the reason in @env->why (libvirt missing, no start). */
int libvirt_env_start(struct libvirt_env *env);
void libvirt_env_stop(struct libvirt_env *env);

#endif
