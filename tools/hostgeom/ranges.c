// SPDX-License-Identifier: GPL-2.0
/* hostgeom ranges: the IOVA ranges VFIO type1 and iommufd can map. */
#include <inttypes.h>
#include <stdio.h>

#include <linux/iommufd.h>

#include <hostgeom/ranges_query.h>

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

/*
 * A decoded field, or when its encoding is reserved its raw value marked:
 * JSON KEY is then null and KEY_raw holds the bits.
 */
static void print_decoded(const char *key, const char *fmt,
			  const char *label, unsigned int value,
			  unsigned int raw, bool reserved)
{
	char raw_key[64];

	snprintf(raw_key, sizeof(raw_key), "%s_raw", key);
	if (reserved) {
		print_null(PRINT_JSON, key, NULL, NULL);
		print_string(PRINT_TEXT, NULL, " %s", label);
		print_uint(PRINT_ANY, raw_key, " raw %u (reserved)", raw);
		return;
	}
	print_uint(PRINT_ANY, key, fmt, value);
	print_uint(PRINT_JSON, raw_key, NULL, raw);
}

/* @value where @known, else a JSON null and no text. */
static void print_uint_or_null(const char *key, const char *fmt,
			       unsigned int value, bool known)
{
	if (known)
		print_uint(PRINT_ANY, key, fmt, value);
	else
		print_null(PRINT_JSON, key, NULL, NULL);
}

/* The names of the fields whose encoding is reserved. */
static void print_reserved(unsigned int mask, const char *const *names,
			   size_t n)
{
	size_t i;

	open_json_array("reserved");
	for (i = 0; i < n; i++)
		if (mask & (1u << i))
			print_string(PRINT_JSON, NULL, NULL, names[i]);
	close_json_array();
}

static const char *const smmu_reserved_names[] = {
	"st_level", "stall_model", "ttendian", "ttf", "bbml", "vax",
	"granules", "oas",
};

static void print_smmuv3(const struct hg_smmuv3_caps *v)
{
	static const char *const ttf[] = { NULL, "aarch32", "aarch64",
					   "aarch32+aarch64" };
	unsigned int r = v->reserved;

	open_json_object("smmuv3");
	print_hex(PRINT_ANY, "idr0", "	smmuv3 idr0 0x%" PRIx64, v->idr[0]);
	print_hex(PRINT_ANY, "idr1", " idr1 0x%" PRIx64, v->idr[1]);
	print_hex(PRINT_ANY, "idr3", " idr3 0x%" PRIx64, v->idr[3]);
	print_hex(PRINT_ANY, "idr5", " idr5 0x%" PRIx64, v->idr[5]);
	print_hex(PRINT_JSON, "iidr", NULL, v->iidr);
	print_hex(PRINT_JSON, "aidr", NULL, v->aidr);
	print_text("\n\t");
	if (r & HG_SMMU_RSV_OAS) {
		print_null(PRINT_JSON, "oas_bits", NULL, NULL);
		print_uint(PRINT_ANY, "oas_raw", "oas raw %u (reserved)",
			   v->oas_raw);
	} else {
		print_uint(PRINT_ANY, "oas_bits", "oas %u bits", v->oas_bits);
		print_uint(PRINT_JSON, "oas_raw", NULL, v->oas_raw);
	}
	print_decoded("va_bits", " va %u bits", "vax", v->va_bits,
		      v->vax_raw, r & HG_SMMU_RSV_VAX);
	print_pgsizes("pgsizes", " pgsizes 0x%" PRIx64, " (%s)", v->pgsizes);
	print_bool(PRINT_JSON, "gran4k", NULL, v->gran4k);
	print_bool(PRINT_JSON, "gran16k", NULL, v->gran16k);
	print_bool(PRINT_JSON, "gran64k", NULL, v->gran64k);
	print_uint(PRINT_ANY, "sid_bits", " sid %u bits", v->sid_bits);
	print_uint(PRINT_ANY, "ssid_bits", " ssid %u bits", v->ssid_bits);
	print_bool(PRINT_ANY, "stage1", " s1 %s", v->s1p);
	print_bool(PRINT_ANY, "stage2", " s2 %s", v->s2p);
	if (r & HG_SMMU_RSV_TTF) {
		print_null(PRINT_JSON, "ttf", NULL, NULL);
		print_uint(PRINT_ANY, "ttf_raw", " ttf raw %u (reserved)",
			   v->ttf);
	} else {
		print_string(PRINT_ANY, "ttf", " ttf %s", ttf[v->ttf & 3]);
		print_uint(PRINT_JSON, "ttf_raw", NULL, v->ttf);
	}
	print_decoded("st_level", " st-level %u", "st-level",
		      v->st_level + 1, v->st_level, r & HG_SMMU_RSV_ST_LEVEL);
	print_uint(PRINT_ANY, "bbml", " bbml %u", v->bbml);
	if (r & HG_SMMU_RSV_BBML)
		print_text(" (reserved)");
	print_bool(PRINT_ANY, "ril", " ril %s", v->ril);
	print_bool(PRINT_JSON, "asid16", NULL, v->asid16);
	print_bool(PRINT_JSON, "vmid16", NULL, v->vmid16);
	print_bool(PRINT_JSON, "cd2l", NULL, v->cd2l);
	print_bool(PRINT_JSON, "coherent", NULL, v->cohacc);
	print_bool(PRINT_JSON, "ats", NULL, v->ats);
	print_bool(PRINT_JSON, "pri", NULL, v->pri);
	print_bool(PRINT_JSON, "msi", NULL, v->msi);
	print_uint(PRINT_JSON, "stall_model_raw", NULL, v->stall_model);
	print_uint(PRINT_JSON, "ttendian_raw", NULL, v->ttendian);
	if (r & (HG_SMMU_RSV_STALL | HG_SMMU_RSV_TTENDIAN | HG_SMMU_RSV_GRAN))
		print_string(PRINT_TEXT, NULL, " %s",
			     r & HG_SMMU_RSV_GRAN ? "(no granule: reserved)" :
			     "(stall model or endianness reserved)");
	print_reserved(r, smmu_reserved_names,
		       sizeof(smmu_reserved_names) /
		       sizeof(smmu_reserved_names[0]));
	print_text("\n");
	close_json_object();
}

static const char *const amd_reserved_names[] = { "hats", "gats" };

static void print_amd(const struct hg_amd_caps *v)
{
	open_json_object("amd");
	print_hex(PRINT_ANY, "efr", "	amd efr 0x%" PRIx64, v->efr);
	print_hex(PRINT_ANY, "efr2", " efr2 0x%" PRIx64, v->efr2);
	print_decoded("host_levels", " host-levels %u", "hats",
		      v->host_levels, v->hats_raw, v->reserved & HG_AMD_RSV_HATS);
	print_uint_or_null("host_va_bits", " (%u bits)", v->host_va_bits,
			   v->host_va_bits);
	print_decoded("guest_levels", " guest-levels %u", "gats",
		      v->guest_levels, v->gats_raw,
		      v->reserved & HG_AMD_RSV_GATS);
	print_uint_or_null("guest_va_bits", " (%u bits)", v->guest_va_bits,
			   v->guest_va_bits);
	print_uint(PRINT_ANY, "glx", " glx %u", v->glx);
	print_uint(PRINT_JSON, "pasmax_raw", NULL, v->pasmax_raw);
	print_uint_or_null("pasid_bits", " pasid %u bits", v->pasid_bits,
			   v->gt);
	print_bool(PRINT_ANY, "guest_translation", " gt %s", v->gt);
	print_bool(PRINT_ANY, "ppr", " ppr %s", v->ppr);
	print_bool(PRINT_ANY, "guest_apic", " ga %s", v->ga);
	print_bool(PRINT_JSON, "giosup", NULL, v->giosup);
	print_bool(PRINT_JSON, "ephsup", NULL, v->ephsup);
	print_reserved(v->reserved, amd_reserved_names, 2);
	print_text("\n");
	close_json_object();
}

static const char *hw_type_name(uint32_t type)
{
	switch (type) {
	case IOMMU_HW_INFO_TYPE_NONE:
		return "none";
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		return "intel-vtd";
	case HG_HW_INFO_TYPE_ARM_SMMUV3:
		return "arm-smmuv3";
	case HG_HW_INFO_TYPE_AMD:
		return "amd";
	}
	return "unknown";
}

/* The IOMMU's own report: VT-d, SMMUv3 and AMD decoded, in text too. */
static void print_hw_info(const struct hg_iommufd_info *f)
{
	if (!f->have_hw_info) {
		print_null(PRINT_JSON, "hw_info", NULL, NULL);
		return;
	}
	open_json_object("hw_info");
	print_string(PRINT_JSON, "type", NULL, hw_type_name(f->hw_type));
	print_uint(PRINT_JSON, "type_id", NULL, f->hw_type);
	print_hex(PRINT_JSON, "capabilities", NULL, f->hw_caps);
	print_uint(PRINT_JSON, "max_pasid_log2", NULL, f->max_pasid_log2);
	if (f->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		print_vtd(&f->vtd);
	else
		print_null(PRINT_JSON, "vtd", NULL, NULL);
	if (f->hw_type == HG_HW_INFO_TYPE_ARM_SMMUV3)
		print_smmuv3(&f->smmuv3);
	else
		print_null(PRINT_JSON, "smmuv3", NULL, NULL);
	if (f->hw_type == HG_HW_INFO_TYPE_AMD)
		print_amd(&f->amd);
	else
		print_null(PRINT_JSON, "amd", NULL, NULL);
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
