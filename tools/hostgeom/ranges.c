// SPDX-License-Identifier: GPL-2.0
/* hostgeom ranges: the IOVA ranges VFIO type1 and iommufd can map. */
#include <stdio.h>

#include <linux/iommufd.h>

#include <hostgeom/ranges_json.h>

#include "cli.h"

static void usage(void)
{
	printf("Usage: hostgeom ranges [--backend type1|iommufd|all] [--json] [GROUP|DEVICE...]\n"
	       "\n"
	       "Asks VFIO which IOVA ranges a group can map: type1 (a container with\n"
	       "the group, VFIO_IOMMU_GET_INFO) and iommufd (the group's vfio-pci\n"
	       "devices attached to one IOAS, IOMMU_IOAS_IOVA_RANGES). Shows the\n"
	       "ranges (end inclusive), page sizes, address width, iommufd's\n"
	       "alignment and the IOMMU's VT-d registers, DMA mapping limit and\n"
	       "migration capability. Without arguments: every group whose members\n"
	       "are bound to vfio-pci (or need no driver); the others are listed as\n"
	       "skipped. Needs root. A kernel without iommufd is reported, not an\n"
	       "error.\n"
	       "\n"
	       "  -b, --backend B   type1, iommufd or all (default)\n"
	       "\n"
	       "Exit status: 0 ranges printed, 2 nothing could be queried.\n");
}

static void print_ranges(const struct hg_ranges *set)
{
	size_t i;

	if (!set->n)
		printf("\t\tnone\n");
	for (i = 0; i < set->n; i++)
		printf("\t\t0x%016llx-0x%016llx\n",
		       (unsigned long long)set->v[i].start,
		       (unsigned long long)set->v[i].end);
}

static void print_not_ok(const char *name, enum hg_status status,
			 const struct hg_err *err)
{
	if (status != HG_STATUS_NOT_ASKED)
		printf("\t%s %s: %s\n", name, hg_status_name(status), err->msg);
}

static void print_type1(const struct hg_group_geom *g)
{
	const struct hg_type1_info *t = &g->type1;
	char human[128];

	if (g->type1_status != HG_STATUS_OK)
		return print_not_ok("type1", g->type1_status, &g->type1_err);
	hg_pgsizes_human(t->pgsizes, human, sizeof(human));
	printf("\ttype1 pgsizes 0x%llx (%s)", (unsigned long long)t->pgsizes,
	       human);
	if (t->have_iova_ranges)
		printf(" aw-bits %u", hg_aw_bits_of(&t->iova));
	if (t->have_dma_avail)
		printf(" dma-avail %u", t->dma_avail);
	if (t->have_migration)
		printf(" migration pgsizes 0x%llx max-bitmap 0x%llx",
		       (unsigned long long)t->mig_pgsize_bitmap,
		       (unsigned long long)t->mig_max_dirty_bitmap_size);
	else
		printf(" migration no");
	putchar('\n');
	if (t->have_iova_ranges)
		print_ranges(&t->iova);
	else
		printf("\t\tno IOVA range capability (kernel before 5.4)\n");
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_vtd(const struct hg_vtd_caps *v)
{
	char human[128];

	hg_pgsizes_human(v->sl_pgsizes, human, sizeof(human));
	printf("\tvt-d cap 0x%llx ecap 0x%llx mgaw %u sagaw 0x%x (max %u) sl-pgsizes %s domains 2^%u cm %s ir %s pt %s nested %s pasid %s\n",
	       (unsigned long long)v->cap_reg,
	       (unsigned long long)v->ecap_reg, v->mgaw, v->sagaw,
	       v->max_sagaw_bits, human, v->nd, yes_no(v->caching_mode),
	       yes_no(v->interrupt_remapping), yes_no(v->pass_through),
	       yes_no(v->nested), yes_no(v->pasid));
}

static void print_iommufd(const struct hg_group_geom *g)
{
	const struct hg_iommufd_info *f = &g->iommufd;

	if (g->iommufd_status != HG_STATUS_OK)
		return print_not_ok("iommufd", g->iommufd_status,
				    &g->iommufd_err);
	printf("\tiommufd alignment 0x%llx aw-bits %u\n",
	       (unsigned long long)f->iova_alignment, hg_aw_bits_of(&f->iova));
	print_ranges(&f->iova);
	if (f->have_hw_info && f->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		print_vtd(&f->vtd);
}

static void print_members(const struct hg_group *group)
{
	size_t i;

	for (i = 0; i < group->n_members; i++)
		printf("%s%s", i ? "," : " ", group->members[i].name);
}

static void print_text(const struct hg_geom_query *q)
{
	size_t i;

	for (i = 0; i < q->n_groups; i++) {
		printf("group %u members", q->groups[i].group->id);
		print_members(q->groups[i].group);
		putchar('\n');
		print_type1(&q->groups[i]);
		print_iommufd(&q->groups[i]);
	}
	for (i = 0; i < q->n_skipped; i++)
		printf("skipped group %u: %s\n", q->skipped[i].id,
		       q->skipped[i].reason);
}

static int print_json(const struct cli *cli, const struct hg_geom_query *q)
{
	json_object *env = cli_envelope("ranges");

	if (!env || hg_json_geom_query(env, q)) {
		json_object_put(env);
		return cli_failf("out of memory building the JSON output");
	}
	cli_print_json(cli, env);
	return EXIT_OK;
}

int cmd_ranges(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		CLI_COMMON_OPTS
	};
	unsigned int backends = HG_BACKEND_ALL;
	struct hg_geom_query q;
	struct hg_err err = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, "b:" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		if (c == 'b') {
			if (hg_backend_parse(optarg, &backends, &err))
				return cli_fail(&err);
			continue;
		}
		c = cli_option(cli, c, "ranges ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	if (hg_geom_query(&cli->ctx, argv + optind, argc - optind, backends,
			  &q, &err))
		return cli_fail(&err);
	ret = EXIT_OK;
	if (cli->json)
		ret = print_json(cli, &q);
	else
		print_text(&q);
	if (!ret && !q.n_groups)
		ret = cli_failf("no group has a member bound to vfio-pci with every other member free of kernel drivers; bind one (e.g. driverctl set-override 0000:01:00.0 vfio-pci)");
	else if (!ret && !hg_geom_answered(&q))
		ret = cli_failf("no group could be queried");
	hg_geom_query_free(&q);
	return ret;
}
