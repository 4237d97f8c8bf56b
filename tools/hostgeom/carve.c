// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom carve: does dma-iommu keep every group member's reserved
 * regions out of the group's IOVA allocator? The test module walks the
 * allocator on members bound to its stub driver and reports every mapping
 * that fell inside a region.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/genl.h>

#include "cli.h"
#include "module_cli.h"
#include "printers.h"

static void usage(void)
{
	printf("Usage: hostgeom carve [OPTIONS] [GROUP|DEVICE]\n"
	       "\n"
	       "Checks group GROUP (or the group DEVICE is in, e.g. 00:1f.2), or\n"
	       "every group with two members or more: on\n"
	       "each member bound to the test module's stub driver (scripts/\n"
	       "stub-bind), the module maps one buffer again and again through\n"
	       "the DMA API, down through the top of the 32-bit space (the MSI\n"
	       "window) and, with a wider mask, from the top of the aperture, and\n"
	       "reports every IOVA inside any member's own reserved region. Other\n"
	       "members are only read. Needs CAP_NET_ADMIN.\n"
	       "\n"
	       "  --canary START-END  also check this region (inclusive), one the\n"
	       "                      kernel did not reserve: the check must hit it\n"
	       "  --count N           at most N mappings per device (default %u)\n"
	       "  --timeout-ms MS     stop walking after MS (default %u)\n"
	       "  --mask BITS         widest DMA mask, 32..64 (default %u)\n"
	       "  --map-size SIZE     bytes per mapping, a power of two from the page\n"
	       "                      size to 4M; K and M suffixes (default 2M)\n"
	       "  --floor ADDR        walk below ADDR too (0: until the space is used up)\n"
	       MODULE_USAGE
	       "  -j, --json          JSON output (keys in Documentation/module.md)\n"
	       "\n"
	       "Exit status: 0 no mapping inside a region, 1 a violation (or the\n"
	       "canary) was found, or a mapping failed at an IOVA inside a member's\n"
	       "region with space left below (verdict map-failed), 2 nothing could\n"
	       "be checked, a mapping failed with space left and no region there\n"
	       "(verdict inconclusive), or an error.\n",
	       HOSTGEOM_CARVE_DEF_COUNT, HOSTGEOM_CARVE_DEF_TIMEOUT_MS,
	       HOSTGEOM_CARVE_DEF_MASK_BITS);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s[0] || s[0] == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int parse_u32(const char *s, uint64_t min, uint64_t max, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(s, &x) || x < min || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

static int parse_canary(const char *s, struct hg_kregion *r)
{
	char *copy = strdup(s), *dash;
	int ret = -EINVAL;

	if (!copy)
		return -ENOMEM;
	dash = strchr(copy, '-');
	if (dash) {
		*dash = '\0';
		if (!parse_u64(copy, &r->start) && !parse_u64(dash + 1, &r->last) &&
		    r->start <= r->last)
			ret = 0;
	}
	free(copy);
	return ret;
}

/* "2M", "64K", "4096": a power of two of pages up to 4 MiB, as an order. */
static int parse_map_size(const char *s, uint8_t *order)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), size;
	char *end;

	errno = 0;
	size = strtoull(s, &end, 0);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		size <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		size <<= 20, end++;
	if (*end || size < page || size & (size - 1) || size % page)
		return -EINVAL;
	for (*order = 0; page << *order < size; (*order)++)
		;
	return *order <= HOSTGEOM_CARVE_MAX_MAP_ORDER ? 0 : -EINVAL;
}

static bool same_failure(const struct hg_map_failure *a,
			 const struct hg_map_failure *b)
{
	return a->kind == b->kind && a->has_iova == b->has_iova &&
	       a->start == b->start && a->last == b->last;
}

static const char not_every_member[] =
	" -- not every member has it: dma-iommu reserves only the regions of the member that set up the group's domain";

/*
 * What phase @i's failed dma_map_page() means, in words (text only);
 * nothing when the space was used up (the segment says "exhausted").
 * @prev: the failure of the phase before, not repeated in full.
 */
static void print_map_failure_text(const struct hg_carve_group *cg,
				   const struct hg_carve_walk *w, size_t i,
				   const struct hg_map_failure *f,
				   const struct hg_map_failure *prev)
{
	const struct hg_kregion *r = &f->region;

	if (print_is_json() ||
	    (f->kind != HG_MF_REGION && f->kind != HG_MF_UNEXPLAINED))
		return;
	print_uint(PRINT_TEXT, NULL, "\t\tgroup %u: ", cg->group.id);
	print_string(PRINT_TEXT, NULL, "%s: dma_map_page failed", w->device);
	if (f->has_iova)
		print_text(" at IOVA 0x%" PRIx64 "-0x%" PRIx64, f->start,
			   f->last);
	if (prev && same_failure(f, prev)) {
		print_text(" again with the %u-bit mask\n",
			   w->phase[i].mask_bits);
		return;
	}
	if (f->kind == HG_MF_REGION) {
		print_text(", %s ", r->start <= f->start && r->last >= f->last ?
			   "inside" : "over");
		print_string(PRINT_TEXT, NULL, "%s's own ", f->owner);
		print_text("%s region 0x%" PRIx64 "-0x%" PRIx64
			   " that dma-iommu did not reserve (space was left below: not exhaustion)",
			   hg_kresv_type_name(r->type), r->start, r->last);
		if (!hg_kgroup_region_shared(&cg->group, r))
			print_text("%s", not_every_member);
	} else if (f->has_iova) {
		print_text(" with space left below and no member's region there: not exhaustion, and nothing explains it (inconclusive)");
	} else {
		print_text(", and the result does not show where (its last mapping is in no segment, or the walk went on below it): inconclusive");
	}
	print_text("\n");
}

/* What the failure of @f means, in JSON only. */
static void print_map_failure_json(const struct hg_map_failure *f)
{
	if (f->kind != HG_MF_NONE)
		print_string(PRINT_JSON, "map_failure", NULL,
			     hg_map_failure_kind_name(f->kind));
	else
		print_null(PRINT_JSON, "map_failure", NULL, NULL);
	if (f->has_iova) {
		open_json_object("map_failed_at");
		print_hex(PRINT_JSON, "start", NULL, f->start);
		print_hex(PRINT_JSON, "end", NULL, f->last);
		close_json_object();
	} else {
		print_null(PRINT_JSON, "map_failed_at", NULL, NULL);
	}
	if (f->kind == HG_MF_REGION) {
		open_json_object("map_failed_region");
		print_hex(PRINT_JSON, "start", NULL, f->region.start);
		print_hex(PRINT_JSON, "end", NULL, f->region.last);
		print_string(PRINT_JSON, "type", NULL,
			     hg_kresv_type_name(f->region.type));
		print_string(PRINT_JSON, "owner", NULL, f->owner);
		close_json_object();
	} else {
		print_null(PRINT_JSON, "map_failed_region", NULL, NULL);
	}
}

static void print_phases(const struct hg_carve_group *cg,
			 const struct hg_carve_walk *w, enum output_type t)
{
	struct hg_map_failure f[sizeof(w->phase) / sizeof(w->phase[0])];
	const struct hg_carve_phase *ph;
	size_t i;

	open_json_array("phases");
	for (i = 0; i < w->n_phase; i++) {
		ph = &w->phase[i];
		hg_carve_phase_map_failure(cg, w, i, &f[i]);
		open_json_object(NULL);
		print_uint(t, "mask_bits", "\t\tphase %u-bit", ph->mask_bits);
		print_hex(t, "limit", " limit 0x%" PRIx64, ph->limit);
		print_hex(t, "target", " target 0x%" PRIx64, ph->target);
		print_uint(t, "maps", " maps %u", ph->maps);
		if (ph->has_first)
			print_hex(t, "first", " first 0x%" PRIx64, ph->first);
		else
			print_null(PRINT_JSON, "first", NULL, NULL);
		print_string(t, "stop", " stop %s\n",
			     hg_carve_stop_name(ph->stop));
		print_map_failure_json(&f[i]);
		if (t & PRINT_TEXT)
			print_map_failure_text(cg, w, i, &f[i],
					       i ? &f[i - 1] : NULL);
		close_json_object();
	}
	close_json_array();
}

static void print_segments(const struct hg_carve_group *cg,
			   const struct hg_carve_walk *w, enum output_type t)
{
	const struct hg_carve_segment *seg;
	bool exhausted;
	size_t i;

	open_json_array("segments");
	for (i = 0; i < w->n_seg; i++) {
		seg = &w->seg[i];
		exhausted = hg_carve_segment_exhausted(cg, w, i);
		open_json_object(NULL);
		print_hex(t, "start", "\t\tsegment 0x%016" PRIx64, seg->low);
		print_hex(t, "end", "-0x%016" PRIx64, seg->high);
		print_uint(t, "maps", " maps %u", seg->maps);
		print_bool(PRINT_JSON, "exhausted", NULL, exhausted);
		if (t & PRINT_TEXT)
			print_text("%s\n", exhausted ?
				   " exhausted (nothing free below)" :
				   seg->exhausted ?
				   " then a mapping failed (space was left below: not exhausted)" :
				   "");
		close_json_object();
	}
	close_json_array();
	print_uint(PRINT_JSON, "segments_dropped", NULL, w->segs_dropped);
	if (t & PRINT_TEXT && w->segs_dropped)
		print_text("\t\tsegments: %" PRIu32 " mappings in none (too many segments)\n",
			   w->segs_dropped);
}

static void print_hit_runs(const struct hg_carve_walk *w, enum output_type t)
{
	const struct hg_carve_hit *h;
	size_t i;

	print_uint(PRINT_JSON, "hits", NULL, w->hits);
	print_uint(PRINT_JSON, "hits_dropped", NULL, w->hits_dropped);
	open_json_array("hit_runs");
	for (i = 0; i < w->n_hit; i++) {
		h = &w->hit[i];
		open_json_object(NULL);
		print_hex(t, "start", "\t\tHIT 0x%016" PRIx64, h->first);
		print_hex(t, "end", "-0x%016" PRIx64, h->last);
		print_uint(t, "count", " (%u mappings)", h->count);
		print_string(t, "owner", " inside %s's region", h->owner);
		open_json_object("region");
		module_print_kregion(t, " 0x%016" PRIx64, &h->region);
		close_json_object();
		if (t & PRINT_TEXT)
			print_text("\n");
		close_json_object();
	}
	close_json_array();
	if (t & PRINT_TEXT && w->hits_dropped)
		print_text("\t\tHIT and %" PRIu32 " more mappings not itemized\n",
			   w->hits_dropped);
}

/* A skipped walk says why in text, and has every key in JSON. */
static void print_walk(const struct hg_carve_group *cg,
		       const struct hg_carve_walk *w)
{
	enum output_type t = w->skip ? PRINT_JSON : PRINT_ANY;
	const char *skip = hg_carve_skip_name(w->skip);
	double secs = w->ns / 1e9;

	open_json_object(NULL);
	print_string(PRINT_ANY, "device", "\twalk %s", w->device);
	print_string(PRINT_ANY, "skip", w->skip ? " skipped: %s\n" : NULL,
		     skip);
	print_hex(PRINT_JSON, "map_size", NULL, w->map_size);
	print_uint(t, "maps", " maps %u", w->maps);
	if (t & PRINT_TEXT)
		print_text(" of %" PRIu64 " KiB in %.3f s", w->map_size >> 10,
			   secs);
	print_u64(PRINT_JSON, "ns", NULL, w->ns);
	if (w->ns)
		print_u64(PRINT_JSON, "maps_per_second", NULL,
			  (uint64_t)(w->maps / secs));
	else
		print_null(PRINT_JSON, "maps_per_second", NULL, NULL);
	if (t & PRINT_TEXT && w->ns)
		print_text(" (%.0f maps/s)", w->maps / secs);
	print_bool(PRINT_JSON, "through_top32", NULL,
		   hg_carve_walk_through_top32(w));
	if (t & PRINT_TEXT)
		print_text(" top32 %s", hg_carve_walk_through_top32(w) ?
			   "walked" : "not-walked");
	if (w->n_phase > 1) {
		print_bool(PRINT_JSON, "reached_aperture_top", NULL,
			   hg_carve_walk_reached_top(cg, w));
		if (t & PRINT_TEXT)
			print_text(" aperture-top %s",
				   hg_carve_walk_reached_top(cg, w) ?
				   "reached" : "not-reached");
	} else {
		print_null(PRINT_JSON, "reached_aperture_top", NULL, NULL);
	}
	if (t & PRINT_TEXT)
		print_text(" hits %" PRIu32 "\n", w->hits);
	print_phases(cg, w, t);
	print_segments(cg, w, t);
	print_hit_runs(w, t);
	close_json_object();
}

static void print_region_check(const struct hg_region_check *rc)
{
	bool note = (rc->verdict == HG_RV_HIT ||
		     rc->verdict == HG_RV_MAP_FAILED) && !rc->all_members &&
		    rc->region.type != HOSTGEOM_RESV_CANARY;

	open_json_object(NULL);
	print_string(PRINT_TEXT, NULL, "\tregion %s", rc->owner);
	module_print_kregion(PRINT_ANY, " 0x%016" PRIx64, &rc->region);
	print_string(PRINT_JSON, "owner", NULL, rc->owner);
	print_string(PRINT_ANY, "verdict", " %s",
		     hg_region_verdict_name(rc->verdict));
	print_uint(rc->hits ? PRINT_ANY : PRINT_JSON, "hits",
		   " (%u mappings)", rc->hits);
	print_bool(PRINT_JSON, "all_members", NULL, rc->all_members);
	print_text("%s\n", note ? not_every_member : "");
	close_json_object();
}

static int print_group(const struct hg_carve_result *res,
		       const struct hg_carve_group *cg)
{
	struct hg_region_check *rc;
	struct hg_err err = { 0 };
	size_t i, n;

	if (hg_carve_regions(cg, res, &rc, &n, &err))
		return cli_fail(&err);
	open_json_object(NULL);
	module_print_group_fields(&cg->group);
	print_string(PRINT_ANY, "verdict", "\tverdict %s\n",
		     hg_carve_verdict_name(hg_carve_group_verdict(cg)));
	open_json_array("walks");
	for (i = 0; i < cg->n_walks; i++)
		print_walk(cg, &cg->walks[i]);
	close_json_array();
	open_json_array("regions");
	for (i = 0; i < n; i++)
		print_region_check(&rc[i]);
	close_json_array();
	close_json_object();
	free(rc);
	return EXIT_OK;
}

/* The result; in text the totals come last, in JSON first. */
int carve_print(unsigned int family_version,
		const struct hg_carve_result *res)
{
	const char *verdict = hg_carve_verdict_name(hg_carve_verdict(res));
	size_t i;
	int ret = EXIT_OK;

	module_envelope(family_version, "carve");
	print_string(PRINT_JSON, "verdict", NULL, verdict);
	print_uint(PRINT_JSON, "hits", NULL, res->hits);
	print_u64(PRINT_JSON, "ns", NULL, res->ns);
	if (res->has_canary) {
		open_json_object("canary");
		print_hex(PRINT_JSON, "start", NULL, res->canary.start);
		print_hex(PRINT_JSON, "end", NULL, res->canary.last);
		close_json_object();
	} else {
		print_null(PRINT_JSON, "canary", NULL, NULL);
	}
	open_json_array("groups");
	for (i = 0; !ret && i < res->n_groups; i++)
		ret = print_group(res, &res->groups[i]);
	close_json_array();
	if (!ret)
		print_text("carve: %zu group(s), verdict %s, %" PRIu32
			   " mappings inside reserved regions, %.3f s\n",
			   res->n_groups, verdict, res->hits, res->ns / 1e9);
	return ret;
}

/* The exit status the result calls for, with a word on stderr if needed. */
int carve_exit_status(const struct hg_carve_req *req,
		      const struct hg_carve_result *res)
{
	switch (hg_carve_verdict(res)) {
	case HG_CV_VIOLATION:
	case HG_CV_MAP_FAILED:
		return EXIT_PROBLEM;
	case HG_CV_PASS:
		return EXIT_OK;
	case HG_CV_INCONCLUSIVE:
		return cli_failf("inconclusive: dma_map_page() failed with space left below and no member's region where it failed (see the walks' phases): the walk proves nothing below that IOVA");
	case HG_CV_NOT_CHECKED:
		break;
	}
	if (!res->n_groups && !req->has_group) {
		fprintf(stderr, "hostgeom: no IOMMU group has two members or more: none can be hit by the non-singleton group problem\n");
		return EXIT_OK;
	}
	return cli_failf("nothing was checked: no member of the group(s) is bound to %s with a DMA-API domain; bind one: scripts/stub-bind BDF -- hostgeom carve",
			 HOSTGEOM_STUB_DRIVER);
}

int cmd_carve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "canary", required_argument, NULL, 0x300 },
		{ "count", required_argument, NULL, 0x301 },
		{ "timeout-ms", required_argument, NULL, 0x302 },
		{ "mask", required_argument, NULL, 0x303 },
		{ "map-size", required_argument, NULL, 0x304 },
		{ "floor", required_argument, NULL, 0x305 },
		MODULE_OPTS,
		CLI_COMMON_OPTS
	};
	struct hg_carve_req req = { 0 };
	struct module_opts m = { 0 };
	struct hg_carve_result res;
	struct hg_err err = { 0 };
	struct hg_genl *g;
	uint32_t v = 0;
	int c, ret, bad = 0;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		switch (c) {
		case 0x300:
			req.has_canary = true;
			bad = parse_canary(optarg, &req.canary);
			break;
		case 0x301:
			bad = parse_u32(optarg, 1, HOSTGEOM_CARVE_MAX_COUNT,
					&req.count);
			break;
		case 0x302:
			bad = parse_u32(optarg, 1, HOSTGEOM_CARVE_MAX_TIMEOUT_MS,
					&req.timeout_ms);
			break;
		case 0x303:
			bad = parse_u32(optarg, HOSTGEOM_CARVE_MIN_MASK_BITS,
					HOSTGEOM_CARVE_MAX_MASK_BITS, &v);
			req.mask_bits = v;
			break;
		case 0x304:
			req.has_map_order = true;
			bad = parse_map_size(optarg, &req.map_order);
			break;
		case 0x305:
			req.has_floor = true;
			bad = parse_u64(optarg, &req.floor);
			break;
		default:
			ret = module_opt(cli, &m, c, "carve ", usage);
			if (ret != CLI_NEXT)
				return ret;
			continue;
		}
		if (bad) {
			cli_failf("carve: bad value '%s' for --%s", optarg,
				  opts[c - 0x300].name);
			return cli_usage_error("carve ");
		}
	}
	ret = module_args(cli, "carve", argv + optind, argc - optind,
			  &req.group, &req.has_group);
	if (ret)
		return ret;

	ret = module_open(&m, &g);
	if (ret)
		return ret;
	if (hg_genl_carve(g, &req, &res, &err))
		return module_close(&m, g, cli_fail(&err));
	ret = carve_print(hg_genl_version(g), &res);
	if (!ret)
		ret = carve_exit_status(&req, &res);
	hg_carve_result_free(&res);
	return module_close(&m, g, ret);
}
