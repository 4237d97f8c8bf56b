/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running other programs from a test (QEMU, libvirt's tools): whether one
 * is installed, and its exit status and output.
 */
#ifndef HOSTGEOM_PROG_RUN_H
#define HOSTGEOM_PROG_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* Whether an executable @prog is in one of PATH's directories. */
bool prog_in_path(const char *prog);

/*
 * Runs @argv (argv[0] looked up in PATH) with stdin from /dev/null, its
 * stdout and stderr together into @out (NUL-terminated, cut at @len - 1
 * bytes). Returns its exit status, 128 + the signal, or -1.
 */
int prog_run(char *const argv[], char *out, size_t len);

#endif
