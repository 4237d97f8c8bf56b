// SPDX-License-Identifier: GPL-2.0
/*
 * What a carve result means: the name of every code the module reports,
 * and a verdict for every region of a checked group, from the walks' hits
 * and segments (see enum hostgeom_seg_attr for why a segment proves a
 * region was kept out of the allocator).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/genl.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The last byte of the x86 MSI window that starts at TARGET32. */
#define MSI_WINDOW_LAST (HOSTGEOM_CARVE_TARGET32 + 0xfffff)

static const char *name_of(const char *const *names, size_t n, uint32_t v,
			   const char *unknown)
{
	return v < n && names[v] ? names[v] : unknown;
}

const char *hg_kresv_type_name(uint32_t type)
{
	static const char *const names[] = {
		[HOSTGEOM_RESV_DIRECT] = "direct",
		[HOSTGEOM_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
		[HOSTGEOM_RESV_RESERVED] = "reserved",
		[HOSTGEOM_RESV_MSI] = "msi",
		[HOSTGEOM_RESV_SW_MSI] = "sw-msi",
		[HOSTGEOM_RESV_CANARY] = "canary",
	};

	return name_of(names, ARRAY_SIZE(names), type, "unknown");
}

const char *hg_kdomain_type_name(uint32_t type)
{
	static const char *const names[] = {
		[HOSTGEOM_DOMAIN_NONE] = "none",
		[HOSTGEOM_DOMAIN_BLOCKED] = "blocked",
		[HOSTGEOM_DOMAIN_IDENTITY] = "identity",
		[HOSTGEOM_DOMAIN_UNMANAGED] = "unmanaged",
		[HOSTGEOM_DOMAIN_DMA] = "DMA",
		[HOSTGEOM_DOMAIN_DMA_FQ] = "DMA-FQ",
		[HOSTGEOM_DOMAIN_OTHER] = "other",
	};

	return name_of(names, ARRAY_SIZE(names), type, "unknown");
}

const char *hg_carve_stop_name(uint32_t stop)
{
	static const char *const names[] = {
		[HOSTGEOM_STOP_NONE] = "none",
		[HOSTGEOM_STOP_TARGET] = "target",
		[HOSTGEOM_STOP_COUNT] = "count",
		[HOSTGEOM_STOP_TIME] = "time",
		[HOSTGEOM_STOP_MAP_FAILED] = "map-failed",
		[HOSTGEOM_STOP_MASK_REFUSED] = "mask-refused",
		[HOSTGEOM_STOP_ABORTED] = "aborted",
	};

	return name_of(names, ARRAY_SIZE(names), stop, "unknown");
}

const char *hg_carve_skip_name(uint32_t skip)
{
	static const char *const names[] = {
		[HOSTGEOM_SKIP_NONE] = "none",
		[HOSTGEOM_SKIP_NOT_DMA_DOMAIN] = "not-dma-domain",
		[HOSTGEOM_SKIP_UNBOUND] = "unbound",
	};

	return name_of(names, ARRAY_SIZE(names), skip, "unknown");
}

const char *hg_region_verdict_name(enum hg_region_verdict v)
{
	static const char *const names[] = {
		[HG_RV_HIT] = "hit",
		[HG_RV_CARVED] = "carved",
		[HG_RV_PARTLY] = "partly-walked",
		[HG_RV_NOT_REACHED] = "not-reached",
		[HG_RV_OUT_OF_REACH] = "out-of-reach",
		[HG_RV_NOT_CHECKED] = "not-checked",
	};

	return name_of(names, ARRAY_SIZE(names), v, "unknown");
}

static bool region_eq(const struct hg_kregion *a, const struct hg_kregion *b)
{
	return a->start == b->start && a->last == b->last &&
	       a->type == b->type;
}

bool hg_kgroup_region_shared(const struct hg_kgroup *g,
			     const struct hg_kregion *r)
{
	size_t i, j;
	bool found;

	for (i = 0; i < g->n_devs; i++) {
		if (g->devs[i].pci_32bit_first < 0)
			continue;	/* no IOMMU driver: no regions at all */
		found = false;
		for (j = 0; j < g->devs[i].n_resv && !found; j++)
			found = region_eq(&g->devs[i].resv[j], r);
		if (!found)
			return false;
	}
	return true;
}

/*
 * The IOVAs walk @w could ever get: from the lowest the allocator hands
 * out (one granule above the aperture's start, aligned to the mapping
 * size) up to the highest limit of its phases.
 */
static bool reach(const struct hg_kgroup *g, const struct hg_carve_walk *w,
		  uint64_t *lo, uint64_t *hi)
{
	uint64_t granule = 4096, base;
	size_t i;

	if (!w->maps || !w->map_size)
		return false;
	if (g->has_geometry && g->pgsize_bitmap)
		granule = g->pgsize_bitmap & -g->pgsize_bitmap;
	base = g->has_geometry && g->aperture_start > granule ?
	       g->aperture_start : granule;
	*lo = (base + w->map_size - 1) & ~(w->map_size - 1);
	*hi = 0;
	for (i = 0; i < w->n_phase; i++)
		if (w->phase[i].limit > *hi)
			*hi = w->phase[i].limit;
	return *lo <= *hi;
}

/*
 * The highest IOVA a phase with limit @limit can get: the limit, lowered
 * past every member region that holds it (the allocator skips those when
 * they are reserved, and they are checked on their own).
 */
static uint64_t phase_top(const struct hg_kgroup *g, uint64_t limit)
{
	const struct hg_kregion *r;
	bool lowered = true;
	size_t i, j;

	while (lowered) {
		lowered = false;
		for (i = 0; i < g->n_devs; i++) {
			for (j = 0; j < g->devs[i].n_resv; j++) {
				r = &g->devs[i].resv[j];
				if (r->type == HOSTGEOM_RESV_SW_MSI ||
				    r->start > limit || r->last < limit ||
				    !r->start)
					continue;
				limit = r->start - 1;
				lowered = true;
			}
		}
	}
	return limit;
}

/* phase_top() of each of @w's phases: they depend on the walk only. */
static void phase_tops(const struct hg_kgroup *g,
		       const struct hg_carve_walk *w, uint64_t *top)
{
	size_t i;

	for (i = 0; i < w->n_phase; i++)
		top[i] = phase_top(g, w->phase[i].limit);
}

/*
 * The top of segment @s: a segment that starts at the top a phase can get
 * (@top, from phase_tops()) covers everything up to that phase's limit,
 * since the allocator starts there and found nothing free above it.
 */
static uint64_t seg_top(const struct hg_carve_walk *w, const uint64_t *top,
			const struct hg_carve_segment *s)
{
	uint64_t limit;
	size_t i;

	for (i = 0; i < w->n_phase; i++) {
		limit = w->phase[i].limit;
		if (s->high <= limit &&
		    (s->high >= top[i] || top[i] - s->high < w->map_size))
			return limit;
	}
	return s->high;
}

/* What the walks' segments say about @r (clipped to what they can reach). */
static enum hg_region_verdict walked(const struct hg_carve_group *cg,
				     const struct hg_kregion *r)
{
	enum hg_region_verdict v = HG_RV_NOT_REACHED;
	const struct hg_carve_walk *w;
	const struct hg_carve_segment *s;
	bool reachable = false, walks = false;
	uint64_t lo, hi, start, last, low, high, top[ARRAY_SIZE(cg->walks->phase)];
	size_t i, j;

	for (i = 0; i < cg->n_walks; i++) {
		w = &cg->walks[i];
		if (!reach(&cg->group, w, &lo, &hi))
			continue;
		walks = true;
		start = r->start > lo ? r->start : lo;
		last = r->last < hi ? r->last : hi;
		if (start > last)
			continue;
		reachable = true;
		phase_tops(&cg->group, w, top);
		for (j = 0; j < w->n_seg; j++) {
			s = &w->seg[j];
			low = s->exhausted ? 0 : s->low;
			high = seg_top(w, top, s);
			if (low <= start && high >= last)
				return HG_RV_CARVED;
			if (low <= last && high >= start)
				v = HG_RV_PARTLY;
		}
	}
	return walks && !reachable ? HG_RV_OUT_OF_REACH : v;
}

static void judge(const struct hg_carve_group *cg, struct hg_region_check *c)
{
	size_t i, j;

	for (i = 0; i < cg->n_walks; i++)
		for (j = 0; j < cg->walks[i].n_hit; j++)
			if (!strcmp(cg->walks[i].hit[j].owner, c->owner) &&
			    region_eq(&cg->walks[i].hit[j].region, &c->region))
				c->hits += cg->walks[i].hit[j].count;
	if (c->region.type == HOSTGEOM_RESV_SW_MSI)
		c->verdict = HG_RV_NOT_CHECKED;
	else if (c->hits)
		c->verdict = HG_RV_HIT;
	else
		c->verdict = walked(cg, &c->region);
}

int hg_carve_regions(const struct hg_carve_group *cg,
		     const struct hg_carve_result *res,
		     struct hg_region_check **out, size_t *n,
		     struct hg_err *err)
{
	const struct hg_kgroup *g = &cg->group;
	struct hg_region_check *v;
	size_t i, j, k = res->has_canary;

	for (i = 0; i < g->n_devs; i++)
		k += g->devs[i].n_resv;
	*out = NULL;
	*n = 0;
	if (!k)
		return 0;
	v = calloc(k, sizeof(*v));
	if (!v)
		return hg_err_set(err, -ENOMEM, "out of memory");
	k = 0;
	for (i = 0; i < g->n_devs; i++) {
		for (j = 0; j < g->devs[i].n_resv; j++, k++) {
			strcpy(v[k].owner, g->devs[i].name);
			v[k].region = g->devs[i].resv[j];
			v[k].all_members = hg_kgroup_region_shared(g,
								   &v[k].region);
			judge(cg, &v[k]);
		}
	}
	if (res->has_canary) {
		strcpy(v[k].owner, "canary");
		v[k].region = res->canary;
		judge(cg, &v[k]);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

bool hg_carve_walk_through_top32(const struct hg_carve_walk *w)
{
	size_t i;

	for (i = 0; i < w->n_seg; i++)
		if (w->seg[i].low < HOSTGEOM_CARVE_TARGET32 &&
		    w->seg[i].high >= MSI_WINDOW_LAST)
			return true;
	return false;
}

bool hg_carve_walk_reached_top(const struct hg_carve_group *cg,
			       const struct hg_carve_walk *w)
{
	uint64_t top[ARRAY_SIZE(w->phase)];
	size_t i;

	if (w->n_phase < 2)
		return false;
	phase_tops(&cg->group, w, top);
	for (i = 0; i < w->n_seg; i++)
		if (seg_top(w, top, &w->seg[i]) == w->phase[1].limit)
			return true;
	return false;
}

const char *hg_carve_verdict_name(enum hg_carve_verdict v)
{
	static const char *const names[] = {
		[HG_CV_PASS] = "pass",
		[HG_CV_VIOLATION] = "violation",
		[HG_CV_NOT_CHECKED] = "not-checked",
	};

	return name_of(names, ARRAY_SIZE(names), v, "unknown");
}

enum hg_carve_verdict hg_carve_group_verdict(const struct hg_carve_group *cg)
{
	enum hg_carve_verdict v = HG_CV_NOT_CHECKED;
	size_t i;

	for (i = 0; i < cg->n_walks; i++) {
		if (cg->walks[i].hits)
			return HG_CV_VIOLATION;
		if (cg->walks[i].maps)
			v = HG_CV_PASS;
	}
	return v;
}

enum hg_carve_verdict hg_carve_verdict(const struct hg_carve_result *res)
{
	enum hg_carve_verdict v = HG_CV_NOT_CHECKED, g;
	size_t i;

	for (i = 0; i < res->n_groups; i++) {
		g = hg_carve_group_verdict(&res->groups[i]);
		if (g == HG_CV_VIOLATION)
			return g;
		if (g == HG_CV_PASS)
			v = g;
	}
	return v;
}
