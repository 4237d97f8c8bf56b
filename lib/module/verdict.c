// SPDX-License-Identifier: GPL-2.0
/*
 * What a carve result means: a verdict for every region of a checked
 * group, from the walks' hits and segments (see enum hostgeom_seg_attr for
 * why a segment proves a region was kept out of the allocator), and what a
 * failed mapping means (the space used up, or a refusal with space left).
 * The names of the codes are in lib/base/names.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/genl.h>
#include <hostgeom/genl_verdict.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The last byte of the x86 MSI window that starts at TARGET32. */
#define MSI_WINDOW_LAST (HOSTGEOM_CARVE_TARGET32 + 0xfffff)

static bool region_eq(const struct hg_kregion *a, const struct hg_kregion *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->type == b->type;
}

bool hg_kgroup_region_shared(const struct hg_kgroup *g,
			     const struct hg_kregion *r)
{
	size_t i, j;
	bool found;

	for (i = 0; i < g->n_devs; i++) {
		if (!g->devs[i].has_iommu)
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
 * A direct region whose pages do not all translate to themselves: the
 * allocator's walks cannot see it (a page mapped before the member joined,
 * e.g. another member's MSI doorbell, keeps the walks out as well as a
 * reservation would). Relaxable regions are left out: a fix may leave
 * them unreserved under a live IOVA, as VFIO and iommufd do.
 */
bool hg_kregion_not_identity(const struct hg_kregion *r)
{
	return r->type == HG_RESV_DIRECT && r->translated &&
	       (r->pages_foreign || r->pages_unmapped);
}

static bool overlaps(uint64_t start, uint64_t last, const struct hg_kregion *r)
{
	return start <= r->end && last >= r->start;
}

/*
 * The lowest IOVA the allocator hands out in mappings of @map_size: one
 * granule above the aperture's start (dma-iommu never hands out 0),
 * aligned to the mapping size.
 */
static uint64_t lowest_iova(const struct hg_kgroup *g, uint64_t map_size)
{
	uint64_t granule = 4096, base;

	if (g->has_geometry && g->pgsize_bitmap)
		granule = g->pgsize_bitmap & -g->pgsize_bitmap;
	base = g->has_geometry && g->aperture_start > granule ?
	       g->aperture_start : granule;
	return (base + map_size - 1) & ~(map_size - 1);
}

/*
 * The IOVAs walk @w could ever get: from the lowest the allocator hands
 * out up to the highest limit of its phases.
 */
static bool reach(const struct hg_kgroup *g, const struct hg_carve_walk *w,
		  uint64_t *lo, uint64_t *hi)
{
	size_t i;

	if (!w->maps || !w->map_size)
		return false;
	*lo = lowest_iova(g, w->map_size);
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
				if (r->type == HG_RESV_SW_MSI ||
				    r->start > limit || r->end < limit ||
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

/*
 * The bottom of what a walk in mappings of @map_size can get: reach()'s
 * lower bound raised past every member region that holds it (sw-msi
 * aside), as phase_top() lowers the top. UINT64_MAX: a region holds
 * everything up to the end.
 */
static uint64_t walk_bottom(const struct hg_kgroup *g, uint64_t map_size)
{
	uint64_t lo = lowest_iova(g, map_size);
	const struct hg_kregion *r;
	bool raised = true;
	size_t i, j;

	while (raised) {
		raised = false;
		for (i = 0; i < g->n_devs; i++) {
			for (j = 0; j < g->devs[i].n_resv; j++) {
				r = &g->devs[i].resv[j];
				if (r->type == HG_RESV_SW_MSI ||
				    r->start > lo || r->end < lo)
					continue;
				if (r->end == UINT64_MAX)
					return UINT64_MAX;
				lo = r->end + 1;
				raised = true;
			}
		}
	}
	return lo;
}

/*
 * Whether the allocator would skip @block (of @w's mapping size): the
 * walk holds part of it (a segment, up to seg_top()), or part of it is in
 * a region every member has (dma-iommu reserved that one for sure). In
 * @below: the start of what is in the way.
 */
static bool in_the_way(const struct hg_carve_group *cg,
		       const struct hg_carve_walk *w, const uint64_t *top,
		       uint64_t block, uint64_t *below)
{
	const struct hg_kgroup *g = &cg->group;
	uint64_t last = block + w->map_size - 1;
	const struct hg_carve_segment *s;
	const struct hg_kregion *r;
	size_t i, j;

	for (i = 0; i < w->n_seg; i++) {
		s = &w->seg[i];
		if (block <= seg_top(w, top, s) && last >= s->low) {
			*below = s->low;
			return true;
		}
	}
	for (i = 0; i < g->n_devs; i++) {
		for (j = 0; j < g->devs[i].n_resv; j++) {
			r = &g->devs[i].resv[j];
			if (r->type != HG_RESV_SW_MSI &&
			    overlaps(block, last, r) &&
			    hg_kgroup_region_shared(g, r)) {
				*below = r->start;
				return true;
			}
		}
	}
	return false;
}

/*
 * The block the allocator would hand out next at or below @from: the
 * highest one aligned to the mapping size that nothing is in the way of.
 * False when there is none at or above @bottom (walk_bottom()), allowing
 * less than one mapping of slack for a bottom that is not aligned.
 */
static bool next_block(const struct hg_carve_group *cg,
		       const struct hg_carve_walk *w, const uint64_t *top,
		       uint64_t bottom, uint64_t from, uint64_t *out)
{
	uint64_t size = w->map_size, block, below;

	if (from < size - 1)
		return false;
	block = (from - (size - 1)) & ~(size - 1);
	while (block >= bottom && in_the_way(cg, w, top, block, &below)) {
		if (below < size)
			return false;
		block = (below - size) & ~(size - 1);
	}
	if (block < bottom)
		return false;
	*out = block;
	return true;
}

/*
 * The segment that holds mapping @k of @w (0: its first), if any (not
 * when segments were dropped), and whether it is that segment's last one
 * (the segment's low).
 */
static bool seg_of_map(const struct hg_carve_walk *w, uint64_t k,
		       size_t *seg, bool *last)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < w->n_seg; i++) {
		n += w->seg[i].maps;
		if (k < n) {
			*seg = i;
			*last = k == n - 1;
			return true;
		}
	}
	return false;
}

/*
 * Phase @p of @w stopped at a failed mapping: the segment the module then
 * marked exhausted (the one that holds the last mapping made before it).
 */
static bool failed_phase_seg(const struct hg_carve_walk *w, size_t p,
			     size_t *seg, bool *last)
{
	uint64_t maps = 0;
	size_t i;

	if (w->skip || p >= w->n_phase ||
	    w->phase[p].stop != HOSTGEOM_STOP_MAP_FAILED)
		return false;
	for (i = 0; i <= p; i++)
		maps += w->phase[i].maps;
	return maps && seg_of_map(w, maps - 1, seg, last);
}

/* Does dma-iommu hand @w's device 32-bit IOVAs first under a wide mask? */
static bool walks_32bit_first(const struct hg_kgroup *g,
			      const struct hg_carve_walk *w)
{
	size_t i;

	for (i = 0; i < g->n_devs; i++)
		if (!strcmp(g->devs[i].name, w->device))
			return !g->devs[i].has_iommu ||
			       g->devs[i].pci_32bit_first;
	return true;	/* dma-iommu's default for PCI devices */
}

void hg_carve_phase_map_failure(const struct hg_carve_group *cg,
				const struct hg_carve_walk *w, size_t phase,
				struct hg_map_failure *out)
{
	const struct hg_kgroup *g = &cg->group;
	uint64_t top[ARRAY_SIZE(w->phase)], bottom, block = 0, top32;
	const struct hg_carve_phase *ph;
	const struct hg_kregion *r;
	bool found = false, has_seg, last = false;
	size_t seg = 0, i, j;

	memset(out, 0, sizeof(*out));
	if (w->skip || phase >= w->n_phase || !w->map_size ||
	    w->phase[phase].stop != HOSTGEOM_STOP_MAP_FAILED)
		return;
	ph = &w->phase[phase];
	out->kind = HG_MF_UNEXPLAINED;
	phase_tops(g, w, top);
	bottom = walk_bottom(g, w->map_size);
	has_seg = failed_phase_seg(w, phase, &seg, &last);
	if (ph->maps) {
		/* Where it failed is known only from the segment's low. */
		if (!has_seg || !last)
			return;
		found = w->seg[seg].low &&
			next_block(cg, w, top, bottom, w->seg[seg].low - 1,
				   &block);
	} else if (ph->mask_bits > 32 && walks_32bit_first(g, w)) {
		/* dma-iommu tries below 4 GiB first: below the walk there. */
		top32 = phase_top(g, ph->limit < 0xffffffffULL ?
				  ph->limit : 0xffffffffULL);
		found = next_block(cg, w, top, bottom, top32, &block);
	}
	/* Then the whole space: a wide mask, or the phase's first mapping. */
	if (!found && (ph->mask_bits > 32 || !ph->maps))
		found = next_block(cg, w, top, bottom, top[phase], &block);
	if (!found) {
		out->kind = HG_MF_EXHAUSTED;
		return;
	}
	out->has_iova = true;
	out->start = block;
	out->end = block + w->map_size - 1;
	for (i = 0; i < g->n_devs; i++) {
		for (j = 0; j < g->devs[i].n_resv; j++) {
			r = &g->devs[i].resv[j];
			if (r->type == HG_RESV_SW_MSI ||
			    !overlaps(out->start, out->end, r))
				continue;
			out->kind = HG_MF_REGION;
			strcpy(out->owner, g->devs[i].name);
			out->region = *r;
			return;
		}
	}
}

bool hg_carve_segment_exhausted(const struct hg_carve_group *cg,
				const struct hg_carve_walk *w, size_t seg)
{
	struct hg_map_failure f;
	size_t i, failed;
	bool last;

	if (seg >= w->n_seg || !w->seg[seg].exhausted)
		return false;
	/*
	 * A failed mapping marked it: exhausted only as the phase's own
	 * verdict says. Otherwise the allocator gave up the 32-bit space:
	 * its own word.
	 */
	for (i = 0; i < w->n_phase; i++) {
		if (!failed_phase_seg(w, i, &failed, &last) || failed != seg)
			continue;
		hg_carve_phase_map_failure(cg, w, i, &f);
		if (f.kind != HG_MF_EXHAUSTED)
			return false;
	}
	return true;
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
		last = r->end < hi ? r->end : hi;
		if (start > last)
			continue;
		reachable = true;
		phase_tops(&cg->group, w, top);
		for (j = 0; j < w->n_seg; j++) {
			s = &w->seg[j];
			low = hg_carve_segment_exhausted(cg, w, j) ? 0 : s->low;
			high = seg_top(w, top, s);
			if (low <= start && high >= last)
				return HG_RV_CARVED;
			if (low <= last && high >= start)
				v = HG_RV_PARTLY;
		}
	}
	return walks && !reachable ? HG_RV_OUT_OF_REACH : v;
}

/* Did a walk fail to map at an IOVA in @c's region, with space left? */
static bool map_failed_in(const struct hg_carve_group *cg,
			  const struct hg_region_check *c)
{
	struct hg_map_failure f;
	size_t i, j;

	if (c->region.type == HG_RESV_CANARY)
		return false;
	for (i = 0; i < cg->n_walks; i++) {
		for (j = 0; j < cg->walks[i].n_phase; j++) {
			hg_carve_phase_map_failure(cg, &cg->walks[i], j, &f);
			if (f.kind == HG_MF_REGION &&
			    overlaps(f.start, f.end, &c->region))
				return true;
		}
	}
	return false;
}

static void judge(const struct hg_carve_group *cg, struct hg_region_check *c)
{
	size_t i, j;

	for (i = 0; i < cg->n_walks; i++)
		for (j = 0; j < cg->walks[i].n_hit; j++)
			if (!strcmp(cg->walks[i].hit[j].owner, c->owner) &&
			    region_eq(&cg->walks[i].hit[j].region, &c->region))
				c->hits += cg->walks[i].hit[j].count;
	if (c->region.type == HG_RESV_SW_MSI)
		c->verdict = HG_RV_NOT_CHECKED;
	else if (c->hits)
		c->verdict = HG_RV_HIT;
	else if (hg_kregion_not_identity(&c->region))
		c->verdict = HG_RV_NOT_IDENTITY;
	else if (map_failed_in(cg, c))
		c->verdict = HG_RV_MAP_FAILED;
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

bool hg_carve_walk_covered(const struct hg_carve_group *cg,
			   const struct hg_carve_walk *w)
{
	return hg_carve_walk_through_top32(w) &&
	       hg_carve_walk_reached_top(cg, w);
}

enum hg_carve_verdict hg_carve_group_verdict(const struct hg_carve_group *cg)
{
	enum hg_carve_verdict v = HG_CV_NOT_CHECKED;
	bool region = false, unexplained = false, partial = false;
	const struct hg_carve_walk *w;
	struct hg_map_failure f;
	size_t i, j;

	for (i = 0; i < cg->group.n_devs; i++)
		for (j = 0; j < cg->group.devs[i].n_resv; j++)
			if (hg_kregion_not_identity(&cg->group.devs[i].resv[j]))
				return HG_CV_VIOLATION;
	for (i = 0; i < cg->n_walks; i++) {
		w = &cg->walks[i];
		if (w->hits)
			return HG_CV_VIOLATION;
		for (j = 0; j < w->n_phase; j++) {
			hg_carve_phase_map_failure(cg, w, j, &f);
			region |= f.kind == HG_MF_REGION;
			unexplained |= f.kind == HG_MF_UNEXPLAINED;
		}
		if (w->maps)
			v = HG_CV_PASS;
		partial |= w->skip == HOSTGEOM_SKIP_NONE &&
			   !hg_carve_walk_covered(cg, w);
	}
	if (region)
		return HG_CV_MAP_FAILED;
	if (unexplained || (v == HG_CV_PASS && partial))
		return HG_CV_INCONCLUSIVE;
	return v;
}

/* How bad a verdict is, for the worst of several. */
static int severity(enum hg_carve_verdict v)
{
	switch (v) {
	case HG_CV_VIOLATION:
		return 4;
	case HG_CV_MAP_FAILED:
		return 3;
	case HG_CV_INCONCLUSIVE:
		return 2;
	case HG_CV_PASS:
		return 1;
	case HG_CV_NOT_CHECKED:
		break;
	}
	return 0;
}

enum hg_carve_verdict hg_carve_verdict(const struct hg_carve_result *res)
{
	enum hg_carve_verdict v = HG_CV_NOT_CHECKED, g;
	size_t i;

	for (i = 0; i < res->n_groups; i++) {
		g = hg_carve_group_verdict(&res->groups[i]);
		if (severity(g) > severity(v))
			v = g;
	}
	return v;
}
