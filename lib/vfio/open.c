// SPDX-License-Identifier: GPL-2.0
/* Opening the VFIO and iommufd device nodes under the context's /dev. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"


int hg_vfio_open(const struct hg_ctx *ctx, char *path, size_t len,
		 const char *fmt, ...)
{
	size_t used;
	va_list ap;
	int fd;

	used = snprintf(path, len, "%s/", hg_ctx_dev(ctx));
	va_start(ap, fmt);
	if (used < len)
		vsnprintf(path + used, len - used, fmt, ap);
	va_end(ap);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int hg_vfio_open_error(const char *path, int code, struct hg_err *err)
{
	if (code == -EACCES || code == -EPERM)
		return hg_err_set(err, -EACCES,
				  "cannot open %s: permission denied; run as root",
				  path);
	return hg_err_set(err, code, "cannot open %s: %s", path,
			  strerror(-code));
}
