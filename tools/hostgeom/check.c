// SPDX-License-Identifier: GPL-2.0
/* hostgeom check: sysfs, VFIO type1 and iommufd must agree on the ranges. */
#include <inttypes.h>
#include <stdio.h>

#include <hostgeom/ranges_check.h>
#include <hostgeom/ranges_query.h>

#include "args.h"
#include "cli.h"
#include "geom_print.h"
#include "printers.h"

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
	       "another. A group with fewer than two sources is 'unchecked'\n"
	       "(in JSON \"checked\": false, \"agree\": null). Needs root.\n"
	       "\n"
	       "Exit status: 0 all agree, 1 a disagreement, 2 nothing could be\n"
	       "compared (fewer than two sources for every group).\n");
}

static void print_source(const struct hg_group_check *c, enum hg_source src)
{
	const char *name = hg_source_name(src);

	open_json_object(name);
	print_status(c->status[src], c->why_not[src]);
	if (c->have[src]) {
		print_text("\t%s ok, %zu ranges\n", name, c->usable[src].n);
		print_range_list(PRINT_JSON, "ranges", &c->usable[src]);
	} else {
		print_text("\t%s %s: ", name, hg_status_name(c->status[src]));
		print_string(PRINT_TEXT, NULL, "%s\n", c->why_not[src]);
	}
	close_json_object();
}

static void print_comparison(const struct hg_compare *cmp)
{
	const struct hg_diff *d;
	size_t j;

	open_json_object(NULL);
	print_string(PRINT_ANY, "a", "\t%s", hg_source_name(cmp->a));
	print_string(PRINT_ANY, "b", " vs %s: ", hg_source_name(cmp->b));
	print_bool(PRINT_JSON, "agree", NULL, !cmp->n_diffs);
	if (!cmp->n_diffs)
		print_text("agree\n");
	else
		print_text("%zu difference%s\n", cmp->n_diffs,
			   cmp->n_diffs > 1 ? "s" : "");
	open_json_array("differences");
	for (j = 0; j < cmp->n_diffs; j++) {
		d = &cmp->diffs[j];
		open_json_object(NULL);
		print_range_fields("\t\t0x%016" PRIx64, d->range.start,
				   d->range.end);
		print_string(PRINT_ANY, "usable_in", " usable per %s only\n",
			     hg_source_name(d->in_a ? cmp->a : cmp->b));
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

/*
 * A group with fewer than two sources was never compared: neither
 * "agree" nor "disagree", so its "agree" is null.
 */
void check_print_group(const struct hg_group_check *c,
		       const struct hg_group_geom *geom)
{
	bool checked = hg_group_checked(c), agrees = hg_group_agrees(c);
	size_t i;

	open_json_object(NULL);
	print_uint(PRINT_ANY, "group", "group %u", c->id);
	print_members(PRINT_JSON, geom->group);
	print_bool(PRINT_JSON, "checked", NULL, checked);
	if (checked)
		print_bool(PRINT_JSON, "agree", NULL, agrees);
	else
		print_null(PRINT_JSON, "agree", NULL, NULL);
	print_text(" %s", !checked ? "unchecked" : agrees ? "agree"
							   : "disagree");
	if (c->aw_bits) {
		print_uint(PRINT_ANY, "aw_bits", " aw-bits %u", c->aw_bits);
		print_string(PRINT_ANY, "aw_source", " (%s)", c->aw_source);
	} else {
		print_null(PRINT_JSON, "aw_bits", NULL, NULL);
		print_string(PRINT_JSON, "aw_source", NULL, c->aw_source);
	}
	print_text("\n");
	open_json_object("sources");
	for (i = 0; i < HG_SRC_COUNT; i++)
		print_source(c, i);
	close_json_object();
	open_json_array("comparisons");
	for (i = 0; i < c->n_cmp; i++)
		print_comparison(&c->cmp[i]);
	close_json_array();
	print_string(PRINT_JSON, "iommufd_unattached", NULL,
		     c->unattached[0] ? c->unattached : NULL);
	if (c->hw_checked) {
		open_json_object("hw_info");
		print_uint(PRINT_JSON, "aw_bits", NULL, c->hw_bits);
		print_hex(PRINT_JSON, "pgsizes", NULL, c->hw_pgsizes);
		print_bool(PRINT_JSON, "agree", NULL, !c->hw_disagrees[0]);
		print_string(PRINT_JSON, "why", NULL,
			     c->hw_disagrees[0] ? c->hw_disagrees : NULL);
		close_json_object();
		if (c->hw_disagrees[0])
			print_string(PRINT_TEXT, NULL,
				     "	hw_info disagrees: %s\n",
				     c->hw_disagrees);
		else
			print_uint(PRINT_TEXT, NULL,
				   "	hw_info agrees (%u address bits)\n",
				   c->hw_bits);
	} else {
		print_null(PRINT_JSON, "hw_info", NULL, NULL);
	}
	if (c->unattached[0] && !agrees)
		print_string(PRINT_TEXT, NULL,
			     "\tnote: iommufd excludes only the reserved regions of the devices it attached; not attached: %s\n",
			     c->unattached);
	close_json_object();
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	size_t i, checked = 0, disagree = 0, n_args;
	struct hg_group_check check;
	struct hg_geom_query q;
	struct hg_err err = { 0 };
	int c, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		c = cli_option(cli, c, "check ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	n_args = argc - optind;
	if (hg_geom_query(&cli->ctx, argv + optind, n_args, HG_BACKEND_ALL,
			  &q, &err))
		return args_query_fail(&err, n_args);
	cli_envelope("check");
	open_json_array("groups");
	for (i = 0; i < q.n_groups; i++) {
		if (hg_group_check(&q.groups[i], &check, &err)) {
			ret = cli_fail(&err);
			break;
		}
		checked += hg_group_checked(&check);
		disagree += hg_group_checked(&check) &&
			    !hg_group_agrees(&check);
		check_print_group(&check, &q.groups[i]);
		hg_group_check_free(&check);
	}
	close_json_array();
	print_skipped(&q);
	print_bool(PRINT_JSON, "agree", NULL, checked && !disagree);
	if (ret == EXIT_OK) {
		if (disagree)
			ret = EXIT_PROBLEM;
		else if (!checked)
			ret = cli_failf("nothing could be compared: no group had two sources (see the reasons above)");
	}
	hg_geom_query_free(&q);
	return ret;
}
