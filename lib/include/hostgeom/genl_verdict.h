/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a carve result means (lib/module/verdict.c): a verdict for every
 * region of a checked group, why a phase stopped at a failed mapping, and
 * the group's and the run's verdict.
 */
#ifndef HOSTGEOM_GENL_VERDICT_H
#define HOSTGEOM_GENL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>
#include <hostgeom/genl.h>

/*
 * What a carve result says about one region of a checked group (every
 * member's own regions, and the canary).
 */
enum hg_region_verdict {
	HG_RV_HIT,		/* a mapping fell into it: not carved out */
	HG_RV_CARVED,		/* a walk went through it, no mapping inside */
	HG_RV_PARTLY,		/* a walk went through part of it only */
	HG_RV_NOT_REACHED,	/* no walk went there */
	HG_RV_OUT_OF_REACH,	/* above every walk's limit or below the
				 * lowest IOVA the allocator hands out */
	HG_RV_NOT_CHECKED,	/* sw-msi: dma-iommu maps there by design */
	HG_RV_MAP_FAILED,	/* the allocator handed out an IOVA in it and
				 * dma_map_page() failed there: not carved out
				 * (see hg_carve_phase_map_failure()) */
	HG_RV_NOT_IDENTITY,	/* a direct region with pages that do not
				 * translate to themselves in the group's
				 * domain (mapped elsewhere, or not at all):
				 * its device's DMA there goes astray */
};

struct hg_region_check {
	char owner[64];		/* member name, or "canary" */
	struct hg_kregion region;
	enum hg_region_verdict verdict;
	uint32_t hits;		/* mappings inside it, all walks */
	bool all_members;	/* every member with an IOMMU has it */
};

/*
 * "hit", "carved", "partly-walked", "not-reached", "out-of-reach",
 * "not-checked", "map-failed", "not-identity". A walk counts as having gone through a
 * region when one of its segments spans the part of the region the walk
 * could reach; an exhausted segment (hg_carve_segment_exhausted()) spans
 * everything below it too.
 */
const char *hg_region_verdict_name(enum hg_region_verdict v);

/* The regions of @cg with their verdicts, and @res's canary if it has one. */
int hg_carve_regions(const struct hg_carve_group *cg,
		     const struct hg_carve_result *res,
		     struct hg_region_check **out, size_t *n,
		     struct hg_err *err);

/*
 * True for a direct (not relaxable) region the module looked up in its
 * group's domain with a page that does not translate to itself.
 */
bool hg_kregion_not_identity(const struct hg_kregion *r);

/* True when every member of @g that has an IOMMU lists @r as its own. */
bool hg_kgroup_region_shared(const struct hg_kgroup *g,
			     const struct hg_kregion *r);

/*
 * Did the walk go through the top of the 32-bit space (one segment from
 * above the MSI window, 0xfeefffff, to below HOSTGEOM_CARVE_TARGET32)?
 */
bool hg_carve_walk_through_top32(const struct hg_carve_walk *w);
/*
 * Did it map at the top of its wide phase: at the limit (mask, aperture),
 * or just below a member's region that reaches up to the limit?
 */
bool hg_carve_walk_reached_top(const struct hg_carve_group *cg,
			       const struct hg_carve_walk *w);
/*
 * Did the walk go where the problem shows: through the top of the 32-bit
 * space and, with the wide mask, from the top of the aperture? Without
 * that, a walk with no hit proves nothing (the group is inconclusive).
 */
bool hg_carve_walk_covered(const struct hg_carve_group *cg,
			   const struct hg_carve_walk *w);

/*
 * Why a phase stopped with "map-failed". The module marks the current
 * segment exhausted on any failed dma_map_page(); the library believes it
 * only when nothing was free below: the IOVA the allocator would have
 * handed out next (the highest mapping-sized block below the segment's
 * low that the walk does not hold and that is not inside a region every
 * member has, which dma-iommu reserves for sure) would lie below the
 * lowest IOVA the walk can get (its aperture's first granule aligned to
 * the mapping size, raised past every member region, but sw-msi, that
 * holds it). A wide phase falls back as dma-iommu does: from the 32-bit
 * space (devices that get 32-bit IOVAs first) to the top of the phase.
 */
enum hg_map_failure_kind {
	HG_MF_NONE,		/* the phase did not stop at a failed mapping */
	HG_MF_EXHAUSTED,	/* nothing free below: the space was used up */
	HG_MF_REGION,		/* space was left; the next IOVA lies in a
				 * member's region: the IOMMU refused to map
				 * what the allocator should have kept out */
	HG_MF_UNEXPLAINED,	/* space was left, no member's region there */
};

struct hg_map_failure {
	enum hg_map_failure_kind kind;
	/*
	 * The IOVAs dma_map_page() failed at, as far as the result tells:
	 * set for REGION, and for UNEXPLAINED unless the phase's last
	 * mapping is in no segment or the walk went on below it afterwards.
	 */
	bool has_iova;
	uint64_t start;
	uint64_t end;		/* inclusive */
	/* REGION: the first member region (not sw-msi) it overlaps */
	char owner[64];
	struct hg_kregion region;
};

/* "none", "exhausted", "region", "unexplained" */
const char *hg_map_failure_kind_name(enum hg_map_failure_kind k);
/* What stopped phase @phase of walk @w of @cg, when it was a failed map. */
void hg_carve_phase_map_failure(const struct hg_carve_group *cg,
				const struct hg_carve_walk *w, size_t phase,
				struct hg_map_failure *out);
/*
 * Segment @seg of @w is exhausted (nothing free below its low): the
 * module says so and, when a failed mapping set that, nothing was free
 * below indeed (HG_MF_EXHAUSTED above).
 */
bool hg_carve_segment_exhausted(const struct hg_carve_group *cg,
				const struct hg_carve_walk *w, size_t seg);

enum hg_carve_verdict {
	HG_CV_PASS,		/* every walk covered (hg_carve_walk_covered),
				 * no mapping inside a region */
	HG_CV_VIOLATION,	/* a mapping fell inside a region */
	HG_CV_NOT_CHECKED,	/* no walk made a mapping */
	HG_CV_MAP_FAILED,	/* no hit, but dma_map_page() failed, with
				 * space left, at an IOVA inside a member's
				 * region (HG_MF_REGION): the allocator
				 * handed it out, the IOMMU refused it */
	HG_CV_INCONCLUSIVE,	/* no hit, but dma_map_page() failed with
				 * space left and no region there
				 * (HG_MF_UNEXPLAINED): nothing is proven
				 * below that IOVA; or a walk stopped short
				 * of where the problem shows */
};

/* "pass", "violation", "not-checked", "map-failed", "inconclusive" */
const char *hg_carve_verdict_name(enum hg_carve_verdict v);
enum hg_carve_verdict hg_carve_group_verdict(const struct hg_carve_group *cg);
/*
 * The worst group's: violation, then map-failed, then inconclusive, then
 * pass; not checked when no group was.
 */
enum hg_carve_verdict hg_carve_verdict(const struct hg_carve_result *res);

#endif
