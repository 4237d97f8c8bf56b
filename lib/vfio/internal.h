/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/vfio's internals; not part of the public API: opening the VFIO and
 * iommufd device nodes (open.c).
 */
#ifndef HOSTGEOM_LIB_VFIO_INTERNAL_H
#define HOSTGEOM_LIB_VFIO_INTERNAL_H

#include <stddef.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>

/*
 * Opens DEV/<@fmt ...> read-write (DEV: the context's /dev). Returns the
 * fd, or -errno with @path (@len bytes) naming the node; callers give the
 * errors they know a cause for their own message and the others to
 * hg_vfio_open_error() ("run as root" for EACCES).
 */
int hg_vfio_open(const struct hg_ctx *ctx, char *path, size_t len,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int hg_vfio_open_error(const char *path, int code, struct hg_err *err);

#endif
