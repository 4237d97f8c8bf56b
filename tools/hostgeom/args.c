// SPDX-License-Identifier: GPL-2.0
/* Group and device arguments: the library resolves, this says what to type. */
#include <errno.h>
#include <stdio.h>

#include <hostgeom/query.h>

#include "args.h"
#include "cli.h"

static const char list_hint[] =
	"'hostgeom groups' lists the groups and their devices";

/* Digits only: a group number, else a device name. */
static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int args_groups(const struct hg_ctx *ctx, const struct hg_topology *topo,
		char *const *args, size_t n, const struct hg_group **groups,
		size_t *n_groups)
{
	const struct hg_group *g;
	struct hg_err err = { 0 };
	size_t i, j;

	*n_groups = 0;
	for (i = 0; i < n; i++) {
		if (hg_resolve_group(topo, args[i], &g, &err))
			return cli_failf("%s (in %s/kernel/iommu_groups)%s; %s",
					 err.msg, hg_ctx_sysfs(ctx),
					 is_number(args[i]) ? "" :
					 "; a virtio-iommu device has no group until its driver is bound",
					 list_hint);
		for (j = 0; j < *n_groups && groups[j] != g; j++)
			;
		if (j == *n_groups)
			groups[(*n_groups)++] = g;
	}
	return EXIT_OK;
}

static int usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'hostgeom %s --help' for more information.\n",
		cmd);
	return EXIT_CANNOT;
}

int args_one_group(const char *cmd, char *const *args, size_t n,
		   unsigned int *id, bool *has_group)
{
	const struct hg_ctx sys = { 0 };
	const struct hg_group *g = NULL;
	struct hg_topology topo;
	struct hg_err err = { 0 };
	size_t found;
	int ret;

	*has_group = false;
	if (!n)
		return EXIT_OK;
	if (n > 1) {
		cli_failf("%s takes one group number or device, not %zu arguments",
			  cmd, n);
		return usage_hint(cmd);
	}
	if (hg_sysfs_read_topology(&sys, &topo, &err))
		return cli_fail(&err);
	ret = args_groups(&sys, &topo, args, 1, &g, &found);
	if (!ret) {
		*id = g->id;
		*has_group = true;
	}
	hg_topology_free(&topo);
	return ret ? usage_hint(cmd) : EXIT_OK;
}

int args_query_fail(const struct hg_err *err, size_t n_args)
{
	cli_fail(err);
	if (n_args && err->code == -ENOENT)
		fprintf(stderr, "hostgeom: %s\n", list_hint);
	return EXIT_CANNOT;
}
