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
#include <hostgeom/genl_json.h>
#include <hostgeom/genl_verdict.h>

#include "cli.h"
#include "module_cli.h"

static void usage(void)
{
	printf("Usage: hostgeom carve [OPTIONS] [GROUP]\n"
	       "\n"
	       "Checks group GROUP, or every group with two members or more: on\n"
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
		if (!parse_u64(copy, &r->start) && !parse_u64(dash + 1, &r->end) &&
		    r->start <= r->end)
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
	       a->start == b->start && a->end == b->end;
}

/*
 * What phase @i's failed dma_map_page() means, in words; nothing when
 * the space was used up (the segment says "exhausted"). @prev: the
 * failure of the phase before, not repeated in full.
 */
static void print_map_failure(const struct hg_carve_group *cg,
			      const struct hg_carve_walk *w, size_t i,
			      const struct hg_map_failure *f,
			      const struct hg_map_failure *prev)
{
	const struct hg_kregion *r = &f->region;

	if (f->kind != HG_MF_REGION && f->kind != HG_MF_UNEXPLAINED)
		return;
	printf("\t\tgroup %" PRIu32 ": %s: dma_map_page failed", cg->group.id,
	       w->device);
	if (f->has_iova)
		printf(" at IOVA 0x%" PRIx64 "-0x%" PRIx64, f->start, f->end);
	if (prev && same_failure(f, prev)) {
		printf(" again with the %u-bit mask\n", w->phase[i].mask_bits);
		return;
	}
	if (f->kind == HG_MF_REGION) {
		printf(", %s %s's own %s region 0x%" PRIx64 "-0x%" PRIx64
		       " that dma-iommu did not reserve (space was left below: not exhaustion)",
		       r->start <= f->start && r->end >= f->end ? "inside" :
		       "over", f->owner, hg_resv_type_name(r->type),
		       r->start, r->end);
		if (!hg_kgroup_region_shared(&cg->group, r))
			printf(" -- not every member has it: dma-iommu reserves only the regions of the member that set up the group's domain");
	} else if (f->has_iova) {
		printf(" with space left below and no member's region there: not exhaustion, and nothing explains it (inconclusive)");
	} else {
		printf(", and the result does not show where (its last mapping is in no segment, or the walk went on below it): inconclusive");
	}
	putchar('\n');
}

static void print_walk(const struct hg_carve_group *cg,
		       const struct hg_carve_walk *w)
{
	struct hg_map_failure f[sizeof(w->phase) / sizeof(w->phase[0])];
	const struct hg_carve_phase *ph;
	const struct hg_carve_hit *h;
	size_t i;

	printf("\twalk %s", w->device);
	if (w->skip) {
		printf(" skipped: %s\n", hg_carve_skip_name(w->skip));
		return;
	}
	printf(" maps %" PRIu32 " of %" PRIu64 " KiB in %.3f s", w->maps,
	       w->map_size >> 10, w->ns / 1e9);
	if (w->ns)
		printf(" (%.0f maps/s)", w->maps / (w->ns / 1e9));
	printf(" top32 %s", hg_carve_walk_through_top32(w) ? "walked" :
	       "not-walked");
	if (w->n_phase > 1)
		printf(" aperture-top %s", hg_carve_walk_reached_top(cg, w) ?
		       "reached" : "not-reached");
	printf(" hits %" PRIu32 "\n", w->hits);
	for (i = 0; i < w->n_phase; i++) {
		ph = &w->phase[i];
		printf("\t\tphase %u-bit limit 0x%" PRIx64 " target 0x%" PRIx64
		       " maps %" PRIu32, ph->mask_bits, ph->limit, ph->target,
		       ph->maps);
		if (ph->has_first)
			printf(" first 0x%" PRIx64, ph->first);
		printf(" stop %s\n", hg_carve_stop_name(ph->stop));
		hg_carve_phase_map_failure(cg, w, i, &f[i]);
		print_map_failure(cg, w, i, &f[i], i ? &f[i - 1] : NULL);
	}
	for (i = 0; i < w->n_seg; i++)
		printf("\t\tsegment 0x%016" PRIx64 "-0x%016" PRIx64 " maps %"
		       PRIu32 "%s\n", w->seg[i].low, w->seg[i].high,
		       w->seg[i].maps,
		       hg_carve_segment_exhausted(cg, w, i) ?
		       " exhausted (nothing free below)" :
		       w->seg[i].exhausted ?
		       " then a mapping failed (space was left below: not exhausted)" :
		       "");
	if (w->segs_dropped)
		printf("\t\tsegments: %" PRIu32 " mappings in none (too many segments)\n",
		       w->segs_dropped);
	for (i = 0; i < w->n_hit; i++) {
		h = &w->hit[i];
		printf("\t\tHIT 0x%016" PRIx64 "-0x%016" PRIx64 " (%" PRIu32
		       " mappings) inside %s's region 0x%016" PRIx64 "-0x%016"
		       PRIx64 " %s\n", h->first, h->end, h->count, h->owner,
		       h->region.start, h->region.end,
		       hg_resv_type_name(h->region.type));
	}
	if (w->hits_dropped)
		printf("\t\tHIT and %" PRIu32 " more mappings not itemized\n",
		       w->hits_dropped);
}

static int print_group(const struct hg_carve_result *res,
		       const struct hg_carve_group *cg)
{
	struct hg_region_check *rc;
	struct hg_err err = { 0 };
	size_t i, n;

	module_print_group(&cg->group);
	printf("\tverdict %s\n",
	       hg_carve_verdict_name(hg_carve_group_verdict(cg)));
	for (i = 0; i < cg->n_walks; i++)
		print_walk(cg, &cg->walks[i]);
	if (hg_carve_regions(cg, res, &rc, &n, &err))
		return cli_fail(&err);
	for (i = 0; i < n; i++) {
		printf("\tregion %s 0x%016" PRIx64 "-0x%016" PRIx64 " %s %s",
		       rc[i].owner, rc[i].region.start, rc[i].region.end,
		       hg_resv_type_name(rc[i].region.type),
		       hg_region_verdict_name(rc[i].verdict));
		if (rc[i].hits)
			printf(" (%" PRIu32 " mappings)", rc[i].hits);
		if ((rc[i].verdict == HG_RV_HIT ||
		     rc[i].verdict == HG_RV_MAP_FAILED) && !rc[i].all_members &&
		    rc[i].region.type != HG_RESV_CANARY)
			printf(" -- not every member has it: dma-iommu reserves only the regions of the member that set up the group's domain");
		putchar('\n');
	}
	free(rc);
	return EXIT_OK;
}

/* The exit status the result calls for, with a word on stderr if needed. */
static int verdict_status(const struct hg_carve_req *req,
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
	size_t i;
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
			fprintf(stderr, "hostgeom: carve: bad value '%s' for --%s\n",
				optarg, opts[c - 0x300].name);
			return cli_usage_error("carve ");
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc ||
		    parse_u32(argv[optind], 0, UINT32_MAX, &req.group)) {
			fprintf(stderr, "hostgeom: carve takes one group number, not '%s'\n",
				argv[optind]);
			return cli_usage_error("carve ");
		}
		req.has_group = true;
	}

	ret = module_open(&m, &g);
	if (ret)
		return ret;
	if (hg_genl_carve(g, &req, &res, &err))
		return module_close(&m, g, cli_fail(&err));
	if (cli->json) {
		ret = module_print_json(cli, g, "carve", hg_json_carve(&res));
	} else {
		for (i = 0; !ret && i < res.n_groups; i++)
			ret = print_group(&res, &res.groups[i]);
		if (!ret)
			printf("carve: %zu group(s), verdict %s, %" PRIu32
			       " mappings inside reserved regions, %.3f s\n",
			       res.n_groups,
			       hg_carve_verdict_name(hg_carve_verdict(&res)),
			       res.hits, res.ns / 1e9);
	}
	if (!ret)
		ret = verdict_status(&req, &res);
	hg_carve_result_free(&res);
	return module_close(&m, g, ret);
}
