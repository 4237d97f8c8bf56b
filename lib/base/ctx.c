// SPDX-License-Identifier: GPL-2.0
#include <sys/ioctl.h>

#include <hostgeom/ctx.h>

const char *hg_ctx_sysfs(const struct hg_ctx *ctx)
{
	return ctx && ctx->sysfs ? ctx->sysfs : "/sys";
}

const char *hg_ctx_dev(const struct hg_ctx *ctx)
{
	return ctx && ctx->dev ? ctx->dev : "/dev";
}

const char *hg_ctx_proc(const struct hg_ctx *ctx)
{
	return ctx && ctx->proc ? ctx->proc : "/proc";
}

int hg_ctx_ioctl(const struct hg_ctx *ctx, int fd, unsigned long request,
		 void *arg)
{
	if (ctx && ctx->ioctl)
		return ctx->ioctl(fd, request, arg);
	return ioctl(fd, request, arg);
}
