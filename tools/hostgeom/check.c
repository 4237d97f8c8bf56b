// SPDX-License-Identifier: GPL-2.0
/* hostgeom check: sysfs, VFIO type1 and iommufd must agree on the ranges. */
#include <stdio.h>

#include <hostgeom/json.h>
#include <hostgeom/ranges_json.h>

#include "cli.h"

static void usage(void)
{
	printf("Usage: hostgeom check [--json] [GROUP|DEVICE...]\n"
	       "\n"
	       "For each group with vfio-pci devices (all such groups, or those\n"
	       "named), compares three views of the IOVA ranges it can map: what\n"
	       "sysfs implies (the address space minus the group's reserved\n"
	       "regions except direct-relaxable ones, up to the address width type1\n"
	       "or iommufd report, else the VT-d MGAW), VFIO type1's answer and\n"
	       "iommufd's. Prints every range usable per one source and not per\n"
	       "another. Needs root.\n"
	       "\n"
	       "Exit status: 0 all agree, 1 a disagreement, 2 nothing could be\n"
	       "compared (fewer than two sources for every group).\n");
}

static void print_source(const struct hg_group_check *c, enum hg_source src)
{
	if (c->have[src])
		printf("\t%s ok, %zu ranges\n", hg_source_name(src),
		       c->usable[src].n);
	else
		printf("\t%s %s: %s\n", hg_source_name(src),
		       hg_status_name(c->status[src]), c->why_not[src]);
}

static void print_group(const struct hg_group_check *c)
{
	const struct hg_compare *cmp;
	size_t i, j;

	printf("group %u %s", c->id, !hg_group_checked(c) ? "unchecked" :
	       hg_group_agrees(c) ? "agree" : "disagree");
	if (c->aw_bits)
		printf(" aw-bits %u (%s)", c->aw_bits, c->aw_source);
	putchar('\n');
	for (i = 0; i < HG_SRC_COUNT; i++)
		print_source(c, i);
	for (i = 0; i < c->n_cmp; i++) {
		cmp = &c->cmp[i];
		printf("\t%s vs %s: ", hg_source_name(cmp->a),
		       hg_source_name(cmp->b));
		if (!cmp->n_diffs) {
			printf("agree\n");
			continue;
		}
		printf("%zu difference%s\n", cmp->n_diffs,
		       cmp->n_diffs > 1 ? "s" : "");
		for (j = 0; j < cmp->n_diffs; j++)
			printf("\t\t0x%016llx-0x%016llx usable per %s only\n",
			       (unsigned long long)cmp->diffs[j].range.start,
			       (unsigned long long)cmp->diffs[j].range.end,
			       hg_source_name(cmp->diffs[j].in_a ? cmp->a
								 : cmp->b));
	}
	if (c->unattached[0] && !hg_group_agrees(c))
		printf("\tnote: iommufd excludes only the reserved regions of the devices it attached; not attached: %s\n",
		       c->unattached);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	struct hg_group_check check;
	json_object *env = NULL, *groups = NULL;
	size_t i, checked = 0, disagree = 0;
	struct hg_geom_query q;
	struct hg_err err = { 0 };
	int c, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		c = cli_option(cli, c, "check ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	if (hg_geom_query(&cli->ctx, argv + optind, argc - optind,
			  HG_BACKEND_ALL, &q, &err))
		return cli_fail(&err);
	if (cli->json) {
		env = cli_envelope("check");
		groups = json_object_new_array();
	}
	for (i = 0; i < q.n_groups; i++) {
		if (hg_group_check(&q.groups[i], &check, &err)) {
			ret = cli_fail(&err);
			break;
		}
		checked += hg_group_checked(&check);
		disagree += hg_group_checked(&check) &&
			    !hg_group_agrees(&check);
		if (cli->json)
			json_object_array_add(groups, hg_json_group_check(
						      &check, &q.groups[i]));
		else
			print_group(&check);
		hg_group_check_free(&check);
	}
	if (cli->json) {
		json_object_object_add(env, "groups", groups);
		json_object_object_add(env, "skipped",
				       hg_json_geom_skipped(&q));
		json_object_object_add(env, "agree",
				       json_object_new_boolean(checked &&
							       !disagree));
		cli_print_json(cli, env);
	} else {
		for (i = 0; i < q.n_skipped; i++)
			printf("skipped group %u: %s\n", q.skipped[i].id,
			       q.skipped[i].reason);
	}
	if (ret == EXIT_OK) {
		if (disagree)
			ret = EXIT_PROBLEM;
		else if (!checked)
			ret = cli_failf("nothing could be compared: no group had two sources (see the reasons above)");
	}
	hg_geom_query_free(&q);
	return ret;
}
