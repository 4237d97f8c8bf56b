// SPDX-License-Identifier: GPL-2.0
/*
 * The carve check. dma-iommu reserves a group's regions in the group's
 * IOVA allocator only for the device that initialises the group's DMA
 * domain; the allocator is private, so the only way to see what it hands
 * out is to ask it: map one scratch buffer again and again through the DMA
 * API on a member bound to the stub, and test every IOVA returned against
 * every member's own regions (and the caller's canary).
 *
 * The allocator works top-down, so the walk starts just below the DMA
 * limit and descends: first with a 32-bit mask through the top of the
 * 32-bit space (the MSI window), then, with a wider mask, from the top of
 * the aperture. Every mapping is undone and every mask restored before the
 * device is let go, whatever stopped the walk.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "hostgeom.h"

/*
 * A DMA-FQ domain frees unmapped IOVAs from a 10 ms timer (dma-iommu's
 * IOVA_DEFAULT_FQ_TIMEOUT). Waiting a few of those before a walk lets an
 * earlier check's IOVAs return, so that the walk starts at the top again.
 */
#define HG_FQ_DRAIN_MS	30

int hg_carve_init(struct hg_carve *c, const struct hg_carve_params *p)
{
	c->p = *p;
	c->deadline_ns = ktime_get_ns() + (u64)p->timeout_ms * NSEC_PER_MSEC;
	c->handles = kvmalloc_array(p->count, sizeof(*c->handles), GFP_KERNEL);
	if (!c->handles)
		return -ENOMEM;
	/* Zeroed: the device is never told to read it, but it could. */
	c->scratch = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
				 p->map_order);
	if (!c->scratch) {
		kvfree(c->handles);
		c->handles = NULL;
		return -ENOMEM;
	}
	return 0;
}

void hg_carve_destroy(struct hg_carve *c)
{
	if (c->scratch)
		__free_pages(c->scratch, c->p.map_order);
	kvfree(c->handles);
	c->scratch = NULL;
	c->handles = NULL;
}

/*
 * The regions no mapping may overlap: every member's own, except SW_MSI
 * (dma-iommu maps MSI doorbells there itself, by design), and the canary.
 */
static int hg_check_regions(struct hg_check *chk,
			    const struct hg_carve_params *p)
{
	const struct hg_group_snap *g = &chk->g;
	unsigned int i, j, n = p->has_canary;

	for (i = 0; i < g->n_members; i++)
		for (j = 0; j < g->members[i].n_resv; j++)
			n += g->members[i].resv[j].type != HOSTGEOM_RESV_SW_MSI;
	if (!n)
		return 0;
	chk->regions = kcalloc(n, sizeof(*chk->regions), GFP_KERNEL);
	if (!chk->regions)
		return -ENOMEM;
	for (i = 0; i < g->n_members; i++)
		for (j = 0; j < g->members[i].n_resv; j++)
			if (g->members[i].resv[j].type != HOSTGEOM_RESV_SW_MSI)
				chk->regions[chk->n_regions++] =
					g->members[i].resv[j];
	if (p->has_canary)
		chk->regions[chk->n_regions++] = p->canary;
	return 0;
}

/*
 * Adds [iova, last] to the run of each region it overlaps: the run that
 * the previous mapping inside that region started, when the two touch.
 */
static void hg_record(const struct hg_check *chk, struct hg_walk *w,
		      int *open, u64 iova, u64 last)
{
	const struct hg_region *r;
	struct hg_hit *run;
	bool inside = false;
	unsigned int i;

	for (i = 0; i < chk->n_regions; i++) {
		r = &chk->regions[i];
		if (iova > r->end || last < r->start)
			continue;
		inside = true;
		run = open[i] >= 0 ? &w->hit[open[i]] : NULL;
		if (run && run->first && last == run->first - 1) {
			run->first = iova;
			run->count++;
		} else if (run && run->last != U64_MAX &&
			   iova == run->last + 1) {
			run->last = last;
			run->count++;
		} else if (w->n_hit < HG_MAX_HITS) {
			open[i] = w->n_hit;
			run = &w->hit[w->n_hit++];
			run->region = i;
			run->first = iova;
			run->last = last;
			run->count = 1;
		} else {
			open[i] = -1;
			w->hits_dropped++;
		}
	}
	w->hits += inside;
}

/*
 * Extends the current segment when @iova is below it. Once a segment did
 * not fit, no later mapping is counted in one: a segment must not claim a
 * span the walk did not descend through in one go.
 */
static void hg_segment(struct hg_walk *w, u64 iova, u64 last)
{
	struct hg_segment *s = w->n_seg ? &w->seg[w->n_seg - 1] : NULL;

	if (!w->segs_dropped && s && iova < s->low) {
		s->low = iova;
		s->maps++;
	} else if (!w->segs_dropped && w->n_seg < HG_MAX_SEGMENTS) {
		s = &w->seg[w->n_seg++];
		s->low = iova;
		s->high = last;
		s->maps = 1;
	} else {
		w->segs_dropped++;
	}
}

static u64 hg_phase_limit(const struct hg_group_snap *g,
			  const struct hg_member *m, u8 bits)
{
	u64 limit = DMA_BIT_MASK(bits);

	if (m->bus_dma_limit)
		limit = min(limit, m->bus_dma_limit);
	if (g->force_aperture)
		limit = min(limit, g->aperture_end);
	return limit;
}

/* The lowest of @dflt, the canary's start and the floor within [lo, hi]. */
static u64 hg_phase_target(const struct hg_carve_params *p, u64 lo, u64 hi,
			   u64 dflt)
{
	u64 target = dflt;

	if (p->has_canary && p->canary.start >= lo && p->canary.start <= hi)
		target = min(target, p->canary.start);
	if (p->has_floor && p->floor >= lo && p->floor <= hi)
		target = min(target, p->floor);
	return target;
}

/* The allocator found nothing free below the current segment. */
static void hg_segment_exhausted(struct hg_walk *w)
{
	if (w->n_seg && !w->segs_dropped)
		w->seg[w->n_seg - 1].exhausted = true;
}

static void hg_walk_phase(struct hg_carve *c, const struct hg_check *chk,
			  struct hg_walk *w, int *open, struct device *dev,
			  struct hg_phase *ph, bool wide)
{
	dma_addr_t iova, prev = 0;
	bool first32;

	for (;;) {
		if (w->maps == c->p.count) {
			ph->stop = HOSTGEOM_STOP_COUNT;
			break;
		}
		if (ktime_get_ns() > c->deadline_ns) {
			ph->stop = HOSTGEOM_STOP_TIME;
			break;
		}
		if (READ_ONCE(hg_unloading) || fatal_signal_pending(current)) {
			ph->stop = HOSTGEOM_STOP_ABORTED;
			break;
		}
		first32 = hg_32bit_first(dev);
		/*
		 * DMA_TO_DEVICE: the device may only read the buffer, and
		 * DMA-API debugging does not track overlapping mappings of
		 * it in that direction.
		 */
		iova = dma_map_page(dev, c->scratch, 0, w->map_size,
				    DMA_TO_DEVICE);
		if (dma_mapping_error(dev, iova)) {
			atomic64_inc(&hg_counters.map_fails);
			hg_segment_exhausted(w);
			ph->stop = HOSTGEOM_STOP_MAP_FAILED;
			break;
		}
		if (hg_left_32bit(dev, first32, prev, iova))
			hg_segment_exhausted(w);
		prev = iova;
		c->handles[w->maps++] = iova;
		atomic64_inc(&hg_counters.live);
		atomic64_inc(&hg_counters.maps);
		if (!ph->maps++)
			ph->first = iova;
		hg_segment(w, iova, iova + w->map_size - 1);
		hg_record(chk, w, open, iova, iova + w->map_size - 1);
		if (iova < ph->target && (!wide || iova >= SZ_4G)) {
			ph->stop = HOSTGEOM_STOP_TARGET;
			break;
		}
		cond_resched();
	}
}

/* Device locked, bound to the stub: map, check, unmap, restore. */
static void hg_walk_locked(struct hg_carve *c, const struct hg_check *chk,
			   struct hg_walk *w, int *open)
{
	const struct hg_member *m = &chk->g.members[w->member];
	struct device *dev = m->dev;
	u8 bits[2] = { 32, c->p.mask_bits };
	unsigned int n_bits = c->p.mask_bits > 32 ? 2 : 1;
	u64 old_mask = *dev->dma_mask;
	u64 old_coherent = dev->coherent_dma_mask;
	struct hg_phase *ph;
	u64 start;
	u32 n;

	if (chk->g.domain_type == HOSTGEOM_DOMAIN_DMA_FQ)
		msleep(HG_FQ_DRAIN_MS);
	start = ktime_get_ns();
	atomic64_inc(&hg_counters.masks_changed);
	for (n = 0; n < n_bits; n++) {
		ph = &w->phase[w->n_phase++];
		ph->mask_bits = bits[n];
		ph->limit = hg_phase_limit(&chk->g, m, bits[n]);
		if (n == 0)
			ph->target = hg_phase_target(&c->p, 0, ph->limit,
						     min_t(u64, ph->limit,
							   HOSTGEOM_CARVE_TARGET32));
		else
			ph->target = hg_phase_target(&c->p, SZ_4G, ph->limit,
						     ph->limit);
		if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits[n]))) {
			ph->stop = HOSTGEOM_STOP_MASK_REFUSED;
			continue;
		}
		hg_walk_phase(c, chk, w, open, dev, ph, n > 0);
		/* A used-up 32-bit space still leaves the wide phase to do. */
		if (ph->stop != HOSTGEOM_STOP_TARGET &&
		    ph->stop != HOSTGEOM_STOP_MAP_FAILED)
			break;
	}

	for (n = w->maps; n--; ) {
		dma_unmap_page(dev, c->handles[n], w->map_size, DMA_TO_DEVICE);
		atomic64_dec(&hg_counters.live);
		atomic64_inc(&hg_counters.unmaps);
	}
	/* Only a mask dma_supported() refuses could fail: set it anyway. */
	if (dma_set_mask(dev, old_mask))
		*dev->dma_mask = old_mask;
	if (dma_set_coherent_mask(dev, old_coherent))
		dev->coherent_dma_mask = old_coherent;
	atomic64_inc(&hg_counters.masks_restored);
	w->ns = ktime_get_ns() - start;
}

static int hg_walk_member(struct hg_carve *c, const struct hg_check *chk,
			  struct hg_walk *w)
{
	struct device *dev = chk->g.members[w->member].dev;
	unsigned int i;
	int *open;

	w->map_size = PAGE_SIZE << c->p.map_order;
	if (!chk->g.dma_api) {
		w->skip = HOSTGEOM_SKIP_NOT_DMA_DOMAIN;
		return 0;
	}
	open = kmalloc_array(max(chk->n_regions, 1U), sizeof(*open),
			     GFP_KERNEL);
	if (!open)
		return -ENOMEM;
	for (i = 0; i < chk->n_regions; i++)
		open[i] = -1;

	/* Held for the whole walk: the stub cannot be unbound meanwhile. */
	device_lock(dev);
	if (dev->driver == &hg_stub_driver.driver && dev->dma_mask)
		hg_walk_locked(c, chk, w, open);
	else
		w->skip = HOSTGEOM_SKIP_UNBOUND;
	device_unlock(dev);
	kfree(open);
	return 0;
}

int hg_check_group(struct hg_carve *c, struct iommu_group *group,
		   struct hg_check *chk)
{
	struct hg_walk *w;
	unsigned int i;
	int ret;

	memset(chk, 0, sizeof(*chk));
	ret = hg_group_snapshot(group, &chk->g);
	if (ret)
		return ret;
	ret = hg_check_regions(chk, &c->p);
	if (ret)
		goto fail;
	chk->walks = kcalloc(chk->g.n_members, sizeof(*chk->walks),
			     GFP_KERNEL);
	if (!chk->walks) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < chk->g.n_members; i++) {
		if (!chk->g.members[i].stub)
			continue;
		w = kzalloc(sizeof(*w), GFP_KERNEL);
		if (!w) {
			ret = -ENOMEM;
			goto fail;
		}
		chk->walks[chk->n_walks++] = w;
		w->member = i;
		ret = hg_walk_member(c, chk, w);
		if (ret)
			goto fail;
		chk->hits += w->hits;
	}
	return 0;

fail:
	hg_check_release(chk);
	return ret;
}

void hg_check_release(struct hg_check *chk)
{
	unsigned int i;

	for (i = 0; i < chk->n_walks; i++)
		kfree(chk->walks[i]);
	kfree(chk->walks);
	kfree(chk->regions);
	hg_group_release(&chk->g);
	memset(chk, 0, sizeof(*chk));
}
