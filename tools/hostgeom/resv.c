// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom resv: every IOMMU group member's own reserved regions, next to
 * the group's union, from the test module (sysfs shows the union only).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <hostgeom/genl.h>
#include <hostgeom/genl_json.h>

#include "cli.h"
#include "module_cli.h"

static void usage(void)
{
	printf("Usage: hostgeom resv [--load[=PATH]] [--unload] [--json] [GROUP]\n"
	       "\n"
	       "Lists the IOMMU groups (all, or group GROUP) as the hostgeom_test\n"
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

int cmd_resv(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { MODULE_OPTS, CLI_COMMON_OPTS };
	struct module_opts m = { 0 };
	struct hg_kgroups groups;
	struct hg_err err = { 0 };
	bool has_group = false;
	struct hg_genl *g;
	unsigned long id = 0;
	char *end;
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		ret = module_opt(cli, &m, c, "resv ", usage);
		if (ret != CLI_NEXT)
			return ret;
	}
	if (optind < argc) {
		id = strtoul(argv[optind], &end, 10);
		if (*end || !argv[optind][0] || id > UINT32_MAX ||
		    optind + 1 < argc) {
			fprintf(stderr, "hostgeom: resv takes one group number, not '%s'\n",
				argv[optind]);
			return cli_usage_error("resv ");
		}
		has_group = true;
	}

	ret = module_open(&m, &g);
	if (ret)
		return ret;
	if (hg_genl_groups(g, has_group, id, &groups, &err))
		return module_close(&m, g, cli_fail(&err));
	if (cli->json) {
		ret = module_print_json(cli, g, "resv",
					 hg_json_kgroups(&groups));
	} else {
		for (i = 0; i < groups.n; i++)
			module_print_group(&groups.v[i]);
	}
	hg_kgroups_free(&groups);
	return module_close(&m, g, ret);
}
