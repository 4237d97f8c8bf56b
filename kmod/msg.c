// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink attributes for group snapshots, carve checks, the counters, the
 * hold and a device's own DMA.
 * Every function returns 0 or -EMSGSIZE; the nest functions leave the
 * message as it was on failure, so callers can retry in a larger one.
 */
#include "hostgeom.h"

/* Ends @nest, or takes it out again when @failed. */
static int hg_nest_close(struct sk_buff *skb, struct nlattr *nest, bool failed)
{
	if (failed) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int hg_put_region(struct sk_buff *skb, int attrtype, const struct hg_region *r)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	return hg_nest_close(skb, nest,
			     nla_put_u64_64bit(skb, HOSTGEOM_A_REGION_START,
					       r->start, HOSTGEOM_A_REGION_PAD) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_REGION_END,
					       r->end, HOSTGEOM_A_REGION_PAD) ||
			     nla_put_u32(skb, HOSTGEOM_A_REGION_TYPE, r->type) ||
			     (r->translated &&
			      (nla_put_u32(skb, HOSTGEOM_A_REGION_PAGES_IDENTITY,
					   r->pages_identity) ||
			       nla_put_u32(skb, HOSTGEOM_A_REGION_PAGES_UNMAPPED,
					   r->pages_unmapped) ||
			       nla_put_u32(skb, HOSTGEOM_A_REGION_PAGES_FOREIGN,
					   r->pages_foreign))) ||
			     (r->pages_foreign &&
			      (nla_put_u64_64bit(skb, HOSTGEOM_A_REGION_FOREIGN_IOVA,
						 r->foreign_iova,
						 HOSTGEOM_A_REGION_PAD) ||
			       nla_put_u64_64bit(skb, HOSTGEOM_A_REGION_FOREIGN_PHYS,
						 r->foreign_phys,
						 HOSTGEOM_A_REGION_PAD))));
}

static int hg_put_member(struct sk_buff *skb, const struct hg_member *m)
{
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_DEVICE);
	struct device *dev = m->dev;
	unsigned int i;
	bool failed;

	if (!nest)
		return -EMSGSIZE;
	failed = nla_put_string(skb, HOSTGEOM_A_DEV_NAME, dev_name(dev)) ||
		 (dev->bus && nla_put_string(skb, HOSTGEOM_A_DEV_BUS,
					     dev->bus->name)) ||
		 (m->driver[0] && nla_put_string(skb, HOSTGEOM_A_DEV_DRIVER,
						 m->driver)) ||
		 nla_put_u8(skb, HOSTGEOM_A_DEV_STUB, m->stub) ||
		 nla_put_u64_64bit(skb, HOSTGEOM_A_DEV_DMA_MASK, m->dma_mask,
				   HOSTGEOM_A_DEV_PAD) ||
		 nla_put_u64_64bit(skb, HOSTGEOM_A_DEV_COHERENT_MASK,
				   m->coherent_mask, HOSTGEOM_A_DEV_PAD) ||
		 nla_put_u64_64bit(skb, HOSTGEOM_A_DEV_BUS_DMA_LIMIT,
				   m->bus_dma_limit, HOSTGEOM_A_DEV_PAD) ||
		 (m->has_iommu && nla_put_u8(skb, HOSTGEOM_A_DEV_32BIT_FIRST,
					     m->pci_32bit_first)) ||
		 (m->dma_iommu >= 0 && nla_put_u8(skb, HOSTGEOM_A_DEV_DMA_IOMMU,
						  m->dma_iommu));
	for (i = 0; !failed && i < m->n_resv; i++)
		failed = hg_put_region(skb, HOSTGEOM_A_DEV_RESV, &m->resv[i]);
	return hg_nest_close(skb, nest, failed);
}

/*
 * The group's attributes at the current level. On failure the caller
 * cancels what it put around them (the message or the nest).
 */
int hg_put_group(struct sk_buff *skb, const struct hg_group_snap *g)
{
	unsigned int i;

	if (nla_put_u32(skb, HOSTGEOM_A_GROUP_ID, g->id) ||
	    nla_put_u32(skb, HOSTGEOM_A_DOMAIN_TYPE, g->domain_type))
		return -EMSGSIZE;
	if (g->domain_type != HOSTGEOM_DOMAIN_NONE &&
	    (nla_put_u64_64bit(skb, HOSTGEOM_A_APERTURE_START,
			       g->aperture_start, HOSTGEOM_A_PAD) ||
	     nla_put_u64_64bit(skb, HOSTGEOM_A_APERTURE_END, g->aperture_end,
			       HOSTGEOM_A_PAD) ||
	     nla_put_u8(skb, HOSTGEOM_A_FORCE_APERTURE, g->force_aperture) ||
	     nla_put_u64_64bit(skb, HOSTGEOM_A_PGSIZE_BITMAP,
			       g->pgsize_bitmap, HOSTGEOM_A_PAD)))
		return -EMSGSIZE;
	for (i = 0; i < g->n_resv; i++)
		if (hg_put_region(skb, HOSTGEOM_A_GROUP_RESV, &g->resv[i]))
			return -EMSGSIZE;
	for (i = 0; i < g->n_members; i++)
		if (hg_put_member(skb, &g->members[i]))
			return -EMSGSIZE;
	return 0;
}

static int hg_put_phase(struct sk_buff *skb, const struct hg_phase *ph)
{
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_WALK_PHASE);

	if (!nest)
		return -EMSGSIZE;
	return hg_nest_close(skb, nest,
			     nla_put_u8(skb, HOSTGEOM_A_PHASE_MASK_BITS,
					ph->mask_bits) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_PHASE_LIMIT,
					       ph->limit, HOSTGEOM_A_PHASE_PAD) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_PHASE_TARGET,
					       ph->target, HOSTGEOM_A_PHASE_PAD) ||
			     nla_put_u32(skb, HOSTGEOM_A_PHASE_MAPS, ph->maps) ||
			     nla_put_u32(skb, HOSTGEOM_A_PHASE_STOP, ph->stop) ||
			     (ph->maps &&
			      nla_put_u64_64bit(skb, HOSTGEOM_A_PHASE_FIRST,
						ph->first, HOSTGEOM_A_PHASE_PAD)));
}

static int hg_put_segment(struct sk_buff *skb, const struct hg_segment *s)
{
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_WALK_SEGMENT);

	if (!nest)
		return -EMSGSIZE;
	return hg_nest_close(skb, nest,
			     nla_put_u64_64bit(skb, HOSTGEOM_A_SEG_LOW, s->low,
					       HOSTGEOM_A_SEG_PAD) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_SEG_HIGH, s->high,
					       HOSTGEOM_A_SEG_PAD) ||
			     nla_put_u32(skb, HOSTGEOM_A_SEG_MAPS, s->maps) ||
			     nla_put_u8(skb, HOSTGEOM_A_SEG_EXHAUSTED,
					s->exhausted));
}

static int hg_put_hit(struct sk_buff *skb, const struct hg_check *chk,
		      const struct hg_hit *hit)
{
	const struct hg_region *r = &chk->regions[hit->region];
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_WALK_HIT);
	const char *owner = r->owner == HG_OWNER_CANARY ? "canary" :
			    dev_name(chk->g.members[r->owner].dev);

	if (!nest)
		return -EMSGSIZE;
	return hg_nest_close(skb, nest,
			     nla_put_string(skb, HOSTGEOM_A_HIT_OWNER, owner) ||
			     hg_put_region(skb, HOSTGEOM_A_HIT_REGION, r) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_HIT_FIRST,
					       hit->first, HOSTGEOM_A_HIT_PAD) ||
			     nla_put_u64_64bit(skb, HOSTGEOM_A_HIT_LAST,
					       hit->last, HOSTGEOM_A_HIT_PAD) ||
			     nla_put_u32(skb, HOSTGEOM_A_HIT_COUNT,
					 hit->count));
}

static int hg_put_walk(struct sk_buff *skb, const struct hg_check *chk,
		       const struct hg_walk *w)
{
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_WALK);
	unsigned int i;
	bool failed;

	if (!nest)
		return -EMSGSIZE;
	failed = nla_put_string(skb, HOSTGEOM_A_WALK_DEVICE,
				dev_name(chk->g.members[w->member].dev)) ||
		 nla_put_u32(skb, HOSTGEOM_A_WALK_SKIP, w->skip) ||
		 nla_put_u64_64bit(skb, HOSTGEOM_A_WALK_MAP_SIZE, w->map_size,
				   HOSTGEOM_A_WALK_PAD) ||
		 nla_put_u32(skb, HOSTGEOM_A_WALK_MAPS, w->maps) ||
		 nla_put_u64_64bit(skb, HOSTGEOM_A_WALK_NS, w->ns,
				   HOSTGEOM_A_WALK_PAD) ||
		 nla_put_u32(skb, HOSTGEOM_A_WALK_SEGMENTS_DROPPED,
			     w->segs_dropped) ||
		 nla_put_u32(skb, HOSTGEOM_A_WALK_HITS, w->hits) ||
		 nla_put_u32(skb, HOSTGEOM_A_WALK_HITS_DROPPED,
			     w->hits_dropped);
	for (i = 0; !failed && i < w->n_phase; i++)
		failed = hg_put_phase(skb, &w->phase[i]);
	for (i = 0; !failed && i < w->n_seg; i++)
		failed = hg_put_segment(skb, &w->seg[i]);
	for (i = 0; !failed && i < w->n_hit; i++)
		failed = hg_put_hit(skb, chk, &w->hit[i]);
	return hg_nest_close(skb, nest, failed);
}

int hg_put_check(struct sk_buff *skb, const struct hg_check *chk)
{
	struct nlattr *nest = nla_nest_start(skb, HOSTGEOM_A_CARVE_GROUP);
	unsigned int i;
	bool failed;

	if (!nest)
		return -EMSGSIZE;
	failed = hg_put_group(skb, &chk->g);
	for (i = 0; !failed && i < chk->n_walks; i++)
		failed = hg_put_walk(skb, chk, chk->walks[i]);
	return hg_nest_close(skb, nest, failed);
}

int hg_put_counters(struct sk_buff *skb)
{
	static const struct {
		int attr;
		atomic64_t *value;
	} counters[] = {
		{ HOSTGEOM_A_CNT_LIVE, &hg_counters.live },
		{ HOSTGEOM_A_CNT_MAPS, &hg_counters.maps },
		{ HOSTGEOM_A_CNT_UNMAPS, &hg_counters.unmaps },
		{ HOSTGEOM_A_CNT_MAP_FAILS, &hg_counters.map_fails },
		{ HOSTGEOM_A_CNT_CHECKS, &hg_counters.checks },
		{ HOSTGEOM_A_CNT_HITS, &hg_counters.hits },
		{ HOSTGEOM_A_CNT_MASKS_CHANGED, &hg_counters.masks_changed },
		{ HOSTGEOM_A_CNT_MASKS_RESTORED, &hg_counters.masks_restored },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++)
		if (nla_put_u64_64bit(skb, counters[i].attr,
				      atomic64_read(counters[i].value),
				      HOSTGEOM_A_PAD))
			return -EMSGSIZE;
	return 0;
}

int hg_put_hold(struct sk_buff *skb, const struct hg_hold_view *v)
{
	struct nlattr *nest;
	unsigned int i;

	if (nla_put_string(skb, HOSTGEOM_A_HOLD_DEVICE, v->device) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_HOLD_START, v->start,
			      HOSTGEOM_A_PAD) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_HOLD_END, v->end,
			      HOSTGEOM_A_PAD) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_HOLD_MAP_SIZE, v->map_size,
			      HOSTGEOM_A_PAD) ||
	    nla_put_u32(skb, HOSTGEOM_A_HOLD_MAPS, v->maps) ||
	    (v->alloc_only && nla_put_flag(skb, HOSTGEOM_A_HOLD_ALLOC_ONLY)) ||
	    (v->until_added[0] &&
	     nla_put_string(skb, HOSTGEOM_A_HOLD_UNTIL_ADDED,
			    v->until_added)) ||
	    (v->churn &&
	     (nla_put_flag(skb, HOSTGEOM_A_HOLD_CHURN) ||
	      nla_put_u64_64bit(skb, HOSTGEOM_A_HOLD_CHURNS, v->churns,
				HOSTGEOM_A_PAD))) ||
	    (v->in_place && nla_put_flag(skb, HOSTGEOM_A_HOLD_CHURN_IN_PLACE)))
		return -EMSGSIZE;
	for (i = 0; i < v->n_held; i++) {
		nest = nla_nest_start(skb, HOSTGEOM_A_HOLD_RANGE);
		if (!nest)
			return -EMSGSIZE;
		if (hg_nest_close(skb, nest,
				  nla_put_u64_64bit(skb, HOSTGEOM_A_HELD_IOVA,
						    v->held[i].iova,
						    HOSTGEOM_A_HELD_PAD) ||
				  nla_put_u64_64bit(skb, HOSTGEOM_A_HELD_LAST,
						    v->held[i].last,
						    HOSTGEOM_A_HELD_PAD) ||
				  nla_put_u64_64bit(skb, HOSTGEOM_A_HELD_PROBE,
						    v->held[i].probe,
						    HOSTGEOM_A_HELD_PAD) ||
				  nla_put_u32(skb, HOSTGEOM_A_HELD_XLATE,
					      v->held[i].xlate)))
			return -EMSGSIZE;
	}
	return 0;
}

int hg_put_device_dma(struct sk_buff *skb, const struct hg_device_dma *r)
{
	if (nla_put_string(skb, HOSTGEOM_A_DEVICE_DMA_NAME, r->device) ||
	    (r->dma_iommu >= 0 &&
	     nla_put_u8(skb, HOSTGEOM_A_DEVICE_DMA_IOMMU, r->dma_iommu)) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_DEVICE_DMA_SRC, r->src,
			      HOSTGEOM_A_PAD) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_DEVICE_DMA_DST, r->dst,
			      HOSTGEOM_A_PAD) ||
	    nla_put_u32(skb, HOSTGEOM_A_DEVICE_DMA_BYTES, r->bytes) ||
	    nla_put_u8(skb, HOSTGEOM_A_DEVICE_DMA_OWN, r->own) ||
	    (r->held >= 0 &&
	     nla_put_u8(skb, HOSTGEOM_A_DEVICE_DMA_HELD, r->held)) ||
	    nla_put_u64_64bit(skb, HOSTGEOM_A_DEVICE_DMA_NS, r->ns,
			      HOSTGEOM_A_PAD) ||
	    (r->untranslated >= 0 &&
	     nla_put_u8(skb, HOSTGEOM_A_DEVICE_DMA_UNTRANSLATED,
			r->untranslated)))
		return -EMSGSIZE;
	return 0;
}
