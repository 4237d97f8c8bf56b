/* SPDX-License-Identifier: GPL-2.0 */
/* Private to lib/emit: asking another program (libvirt, QEMU) about itself. */
#ifndef HOSTGEOM_EMIT_INTERNAL_H
#define HOSTGEOM_EMIT_INTERNAL_H

#include <stddef.h>

/*
 * Runs @argv (argv[0] looked up in PATH) with stdin and stderr on
 * /dev/null; its stdout, up to @len - 1 bytes, NUL-terminated, into @buf
 * (what does not fit is read and dropped). 0 when it exited 0 within
 * @timeout_ms; -ETIMEDOUT (killed), -ENOENT (not found, or it exited
 * 127), -EIO (another exit), or the spawn's error as -errno.
 */
int hg_emit_run(char *const argv[], char *buf, size_t len, int timeout_ms);

#endif
