/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the library looks: the sysfs, /dev and /proc roots and the ioctl entry
 * point, so that tests can substitute a synthetic tree or a fake kernel.
 */
#ifndef HOSTGEOM_CTX_H
#define HOSTGEOM_CTX_H

typedef int (*hg_ioctl_fn)(int fd, unsigned long request, void *arg);

struct hg_ctx {
	const char *sysfs;	/* NULL means "/sys" */
	const char *dev;	/* NULL means "/dev" */
	const char *proc;	/* NULL means "/proc" */
	hg_ioctl_fn ioctl;	/* NULL means ioctl(2) */
};

const char *hg_ctx_sysfs(const struct hg_ctx *ctx);
const char *hg_ctx_dev(const struct hg_ctx *ctx);
const char *hg_ctx_proc(const struct hg_ctx *ctx);
int hg_ctx_ioctl(const struct hg_ctx *ctx, int fd, unsigned long request,
		 void *arg);

#endif
