// SPDX-License-Identifier: GPL-2.0
/* hostgeom ranges: the IOVA ranges VFIO type1 and iommufd can map. */
#include <inttypes.h>
#include <stdio.h>

#include <linux/iommufd.h>

#include <hostgeom/query.h>

#include "args.h"
#include "cli.h"
#include "geom_print.h"
#include "printers.h"

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

/* "KEY": "0x...", "KEY_human": "4K 2M 1G"; text per the formats. */
static void print_pgsizes(const char *key, const char *hex_fmt,
			  const char *human_fmt, uint64_t bitmap)
{
	char human[128], name[64];

	hg_pgsizes_human(bitmap, human, sizeof(human));
	snprintf(name, sizeof(name), "%s_human", key);
	print_hex(PRINT_ANY, key, hex_fmt, bitmap);
	print_string(PRINT_ANY, name, human_fmt, human);
}

/* Opens the backend's object; false when it has nothing more to say. */
static bool open_backend(const char *name, enum hg_status status,
			 const struct hg_err *err)
{
	open_json_object(name);
	print_status(status, err->msg);
	if (status == HG_STATUS_OK)
		return true;
	if (status != HG_STATUS_NOT_ASKED) {
		print_text("\t%s %s: ", name, hg_status_name(status));
		print_string(PRINT_TEXT, NULL, "%s\n", err->msg);
	}
	close_json_object();
	return false;
}

static void print_migration(const struct hg_type1_info *t)
{
	if (!t->have_migration) {
		print_null(PRINT_ANY, "migration", " migration %s", "no");
		return;
	}
	open_json_object("migration");
	print_u64(PRINT_JSON, "flags", NULL, t->mig_flags);
	print_hex(PRINT_ANY, "pgsizes", " migration pgsizes 0x%" PRIx64,
		  t->mig_pgsize_bitmap);
	print_hex(PRINT_ANY, "max_dirty_bitmap_size", " max-bitmap 0x%" PRIx64,
		  t->mig_max_dirty_bitmap_size);
	close_json_object();
}

static void print_type1(const struct hg_group_geom *g)
{
	const struct hg_type1_info *t = &g->type1;

	if (!open_backend("type1", g->type1_status, &g->type1_err))
		return;
	print_pgsizes("pgsizes", "\ttype1 pgsizes 0x%" PRIx64, " (%s)",
		      t->pgsizes);
	print_hex(PRINT_JSON, "min_pgsize", NULL, hg_min_pgsize(t->pgsizes));
	if (t->have_iova_ranges) {
		print_uint(PRINT_ANY, "aw_bits", " aw-bits %u",
			   hg_aw_bits_of(&t->iova));
		print_range_list(PRINT_JSON, "ranges", &t->iova);
	} else {
		print_null(PRINT_JSON, "aw_bits", NULL, NULL);
		print_null(PRINT_JSON, "ranges", NULL, NULL);
	}
	if (t->have_dma_avail)
		print_uint(PRINT_ANY, "dma_avail", " dma-avail %u",
			   t->dma_avail);
	else
		print_null(PRINT_JSON, "dma_avail", NULL, NULL);
	print_migration(t);
	print_text("\n");
	/* in text the ranges follow the line, in JSON they come before */
	if (t->have_iova_ranges)
		print_range_list(PRINT_TEXT, NULL, &t->iova);
	else
		print_text("\t\tno IOVA range capability (kernel before 5.4)\n");
	close_json_object();
}

static void print_vtd(const struct hg_vtd_caps *v)
{
	open_json_object("vtd");
	print_hex(PRINT_ANY, "cap_reg", "\tvt-d cap 0x%" PRIx64, v->cap_reg);
	print_hex(PRINT_ANY, "ecap_reg", " ecap 0x%" PRIx64, v->ecap_reg);
	print_uint(PRINT_ANY, "mgaw", " mgaw %u", v->mgaw);
	print_hex(PRINT_ANY, "sagaw", " sagaw 0x%" PRIx64, v->sagaw);
	print_uint(PRINT_ANY, "max_sagaw_bits", " (max %u)",
		   v->max_sagaw_bits);
	print_pgsizes("sl_pgsizes", NULL, " sl-pgsizes %s", v->sl_pgsizes);
	print_uint(PRINT_ANY, "domain_id_bits", " domains 2^%u", v->nd);
	print_bool(PRINT_ANY, "caching_mode", " cm %s", v->caching_mode);
	print_bool(PRINT_ANY, "interrupt_remapping", " ir %s",
		   v->interrupt_remapping);
	print_bool(PRINT_ANY, "pass_through", " pt %s", v->pass_through);
	print_bool(PRINT_ANY, "nested", " nested %s", v->nested);
	print_bool(PRINT_ANY, "pasid", " pasid %s\n", v->pasid);
	close_json_object();
}

/* The IOMMU's own report; in text only what VT-d says. */
static void print_hw_info(const struct hg_iommufd_info *f)
{
	bool is_vtd = f->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD;

	if (!f->have_hw_info) {
		print_null(PRINT_JSON, "hw_info", NULL, NULL);
		return;
	}
	open_json_object("hw_info");
	print_string(PRINT_JSON, "type", NULL, is_vtd ? "intel-vtd" :
		     f->hw_type == IOMMU_HW_INFO_TYPE_NONE ? "none" : "unknown");
	print_uint(PRINT_JSON, "type_id", NULL, f->hw_type);
	print_hex(PRINT_JSON, "capabilities", NULL, f->hw_caps);
	print_uint(PRINT_JSON, "max_pasid_log2", NULL, f->max_pasid_log2);
	if (is_vtd)
		print_vtd(&f->vtd);
	else
		print_null(PRINT_JSON, "vtd", NULL, NULL);
	close_json_object();
}

static void print_iommufd(const struct hg_group_geom *g)
{
	const struct hg_iommufd_info *f = &g->iommufd;

	if (!open_backend("iommufd", g->iommufd_status, &g->iommufd_err))
		return;
	print_hex(PRINT_ANY, "iova_alignment", "\tiommufd alignment 0x%" PRIx64,
		  f->iova_alignment);
	print_uint(PRINT_ANY, "aw_bits", " aw-bits %u\n",
		   hg_aw_bits_of(&f->iova));
	print_range_list(PRINT_ANY, "ranges", &f->iova);
	print_hw_info(f);
	close_json_object();
}

void ranges_print_group(const struct hg_group_geom *g)
{
	open_json_object(NULL);
	print_uint(PRINT_ANY, "group", "group %u members", g->group->id);
	print_members(PRINT_ANY, g->group);
	print_text("\n");
	print_type1(g);
	print_iommufd(g);
	close_json_object();
}

void ranges_print(const struct hg_geom_query *q)
{
	size_t i;

	cli_envelope("ranges");
	open_json_array("groups");
	for (i = 0; i < q->n_groups; i++)
		ranges_print_group(&q->groups[i]);
	close_json_array();
	print_skipped(q);
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
		return args_query_fail(&err, argc - optind);
	ranges_print(&q);
	ret = EXIT_OK;
	if (!q.n_groups)
		ret = cli_failf("no group has a member bound to vfio-pci with every other member free of kernel drivers; bind one (e.g. driverctl set-override 0000:01:00.0 vfio-pci)");
	else if (!hg_geom_answered(&q))
		ret = cli_failf("no group could be queried");
	hg_geom_query_free(&q);
	return ret;
}
