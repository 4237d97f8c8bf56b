// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom resv: every IOMMU group member's own reserved regions, next to
 * the group's union, from the test module (sysfs shows the union only).
 */
#include <stdio.h>

#include <hostgeom/genl.h>

#include "cli.h"
#include "module_cli.h"

static void usage(void)
{
	printf("Usage: hostgeom resv [--load[=PATH]] [--unload] [--json] [GROUP|DEVICE]\n"
	       "\n"
	       "Lists the IOMMU groups (all, or the one GROUP names, or the one\n"
	       "DEVICE is in, e.g. 0000:00:1f.2 or 00:1f.2) as the hostgeom_test\n"
	       "module sees them: the attached domain and its aperture, the union\n"
	       "of reserved regions (what sysfs shows), and every member with its\n"
	       "driver, DMA masks and its OWN reserved regions; a region not\n"
	       "every member has is marked. Ends are inclusive.\n"
	       "\n"
	       MODULE_USAGE
	       "  -j, --json          JSON output (keys in Documentation/module.md)\n"
	       "\n"
	       "Exit status: 0 fine, 2 module not loaded, no such group, or error.\n");
}

static void print_groups(const struct hg_genl *g,
			 const struct hg_kgroups *groups)
{
	size_t i;

	module_envelope(hg_genl_version(g), "resv");
	open_json_array("groups");
	for (i = 0; i < groups->n; i++) {
		open_json_object(NULL);
		module_print_group_fields(&groups->v[i]);
		close_json_object();
	}
	close_json_array();
}

int cmd_resv(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { MODULE_OPTS, CLI_COMMON_OPTS };
	struct module_opts m = { 0 };
	struct hg_kgroups groups;
	struct hg_err err = { 0 };
	bool has_group = false;
	struct hg_genl *g;
	unsigned int id = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		ret = module_opt(cli, &m, c, "resv ", usage);
		if (ret != CLI_NEXT)
			return ret;
	}
	ret = module_args(cli, "resv", argv + optind, argc - optind, &id,
			  &has_group);
	if (ret)
		return ret;
	ret = module_open(&m, &g);
	if (ret)
		return ret;
	if (hg_genl_groups(g, has_group, id, &groups, &err))
		return module_close(&m, g, cli_fail(&err));
	print_groups(g, &groups);
	hg_kgroups_free(&groups);
	return module_close(&m, g, EXIT_OK);
}
