/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostgeom_test module's generic netlink family "hostgeom", through
 * libnl-genl-3: each group member's own reserved regions (GET_GROUPS), the
 * carve check (CARVE), the module's mapping counters (GET_COUNTERS) and
 * IOVAs held mapped inside a range (HOLD, RELEASE, GET_HOLD).
 * The family is described in Documentation/genl-family.md; the attribute
 * numbers come from kmod/uapi/hostgeom_genl.h.
 */
#ifndef HOSTGEOM_GENL_H
#define HOSTGEOM_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom_genl.h>

#include <hostgeom/err.h>
#include <hostgeom/resv.h>

struct hg_genl;
struct nl_msg;

struct hg_kregion {
	uint64_t start;
	uint64_t end;		/* inclusive */
	enum hg_resv_type type;	/* translated from the module's code */
};

struct hg_kdevice {
	char name[64];
	char bus[32];
	char driver[64];	/* "" when unbound */
	bool stub;		/* bound to the module's stub: checked */
	uint64_t dma_mask;
	uint64_t coherent_mask;
	uint64_t bus_dma_limit;	/* 0: none */
	bool has_iommu;		/* an IOMMU driver probed it (has regions) */
	bool pci_32bit_first;	/* with has_iommu: dma-iommu hands it IOVAs
				 * below 4 GiB first */
	int dma_iommu;		/* uses the IOMMU DMA ops: 1, 0, or -1: the
				 * kernel does not say (before 6.12) */
	struct hg_kregion *resv;	/* its own regions */
	size_t n_resv;
};

struct hg_kgroup {
	uint32_t id;
	uint32_t domain_type;	/* enum hostgeom_domain_type */
	bool has_geometry;	/* the four below are set (a domain exists) */
	uint64_t aperture_start;
	uint64_t aperture_end;
	bool force_aperture;
	uint64_t pgsize_bitmap;
	struct hg_kregion *resv;	/* the union of the members' regions */
	size_t n_resv;
	struct hg_kdevice *devs;
	size_t n_devs;
};

struct hg_kgroups {
	struct hg_kgroup *v;
	size_t n;
};

/* A CARVE request; zero fields take the module's defaults. */
struct hg_carve_req {
	bool has_group;
	uint32_t group;		/* else: every group with two members or more */
	uint32_t count;
	uint32_t timeout_ms;
	uint8_t mask_bits;
	bool has_map_order;
	uint8_t map_order;
	bool has_floor;
	uint64_t floor;
	bool has_canary;
	struct hg_kregion canary;	/* type is ignored */
};

struct hg_carve_phase {
	uint8_t mask_bits;
	uint64_t limit;
	uint64_t target;
	uint32_t maps;
	bool has_first;
	uint64_t first;
	uint32_t stop;		/* enum hostgeom_stop */
};

struct hg_carve_segment {
	uint64_t low;
	uint64_t high;		/* inclusive */
	uint32_t maps;
	/*
	 * The module's flag: the allocator gave up the 32-bit space, or a
	 * mapping failed, below low. hg_carve_segment_exhausted() says
	 * whether the space below was really used up.
	 */
	bool exhausted;
};

struct hg_carve_hit {
	char owner[64];		/* member name, or "canary" */
	struct hg_kregion region;
	uint64_t first;
	uint64_t end;		/* inclusive */
	uint32_t count;
};

struct hg_carve_walk {
	char device[64];
	uint32_t skip;		/* enum hostgeom_skip */
	uint64_t map_size;
	uint32_t maps;
	uint64_t ns;
	struct hg_carve_phase phase[2];
	size_t n_phase;
	struct hg_carve_segment *seg;
	size_t n_seg;
	uint32_t segs_dropped;
	uint32_t hits;
	uint32_t hits_dropped;
	struct hg_carve_hit *hit;
	size_t n_hit;
};

struct hg_carve_group {
	struct hg_kgroup group;
	struct hg_carve_walk *walks;
	size_t n_walks;
};

struct hg_carve_result {
	struct hg_carve_group *groups;
	size_t n_groups;
	uint32_t hits;
	uint64_t ns;
	bool has_canary;
	struct hg_kregion canary;
};

struct hg_kcounters {
	uint64_t live;
	uint64_t maps;
	uint64_t unmaps;
	uint64_t map_fails;
	uint64_t checks;
	uint64_t hits;
	uint64_t masks_changed;
	uint64_t masks_restored;
};

/* A HOLD request; zero count and timeout take the module's defaults. */
struct hg_hold_req {
	const char *device;	/* "0000:00:02.0" */
	uint64_t start;		/* the target range */
	uint64_t end;		/* inclusive */
	uint32_t count;
	uint32_t timeout_ms;
	bool has_map_order;
	uint8_t map_order;
};

/* A held mapping; xlate: what its page probe translates to (enum hostgeom_xlate). */
struct hg_kheld {
	uint64_t iova;
	uint64_t end;		/* inclusive */
	uint64_t probe;		/* its first page inside the target */
	uint32_t xlate;
};

/* The hold as a HOLD, RELEASE or GET_HOLD reply describes it. */
struct hg_khold {
	char device[64];
	uint64_t start;		/* the target */
	uint64_t end;
	uint64_t map_size;
	uint32_t maps;		/* mappings the walk made to get there */
	struct hg_kheld *held;	/* each overlaps the target */
	size_t n_held;
};

/*
 * Resolves the family and checks its version: -ENOENT when the module is
 * not loaded, -EPROTO when it speaks another version.
 */
int hg_genl_open(struct hg_genl **out, struct hg_err *err);
void hg_genl_close(struct hg_genl *g);
/* The family's version as the kernel announces it. */
unsigned int hg_genl_version(const struct hg_genl *g);

/* Every group (or only @group when @has_group); -ENOENT: no such group. */
int hg_genl_groups(struct hg_genl *g, bool has_group, uint32_t group,
		   struct hg_kgroups *out, struct hg_err *err);
void hg_kgroups_free(struct hg_kgroups *groups);

/* -EPERM without CAP_NET_ADMIN; the module's own message is in @err. */
int hg_genl_carve(struct hg_genl *g, const struct hg_carve_req *req,
		  struct hg_carve_result *out, struct hg_err *err);
void hg_carve_result_free(struct hg_carve_result *res);

int hg_genl_counters(struct hg_genl *g, struct hg_kcounters *out,
		     struct hg_err *err);

/*
 * HOLD: maps through req->device until an IOVA range overlaps the target
 * and keeps the ranges that do (*@out, to be freed with hg_khold_free()).
 * -EBUSY: a hold is in place; -ENOSPC: the target was never reached;
 * -EPERM without CAP_NET_ADMIN; the module's message is in @err. The hold
 * lasts until hg_genl_release(), the socket of @g is closed (hg_genl_close),
 * the device changes drivers or goes away, or the module is unloaded.
 */
int hg_genl_hold(struct hg_genl *g, const struct hg_hold_req *req,
		 struct hg_khold *out, struct hg_err *err);
/*
 * RELEASE: undoes the hold; *@out (unless NULL) is the hold just before,
 * translations read then. -ENOENT: nothing was held.
 */
int hg_genl_release(struct hg_genl *g, struct hg_khold *out,
		    struct hg_err *err);
/* GET_HOLD: the hold, translations read now; -ENOENT: nothing is held. */
int hg_genl_get_hold(struct hg_genl *g, struct hg_khold *out,
		     struct hg_err *err);
void hg_khold_free(struct hg_khold *h);
/* "unmapped", "scratch", "identity", "other", "no-domain" */
const char *hg_xlate_name(uint32_t xlate);

/*
 * Sends command @cmd with @flags (NLM_F_DUMP or 0) and the attributes
 * @fill puts (libnl's nla_put_*; may be NULL), discards the replies and
 * returns the kernel's answer: 0 or its negative errno, with its extended
 * ACK message in @err. For tests that send what the typed calls cannot.
 */
int hg_genl_request(struct hg_genl *g, uint8_t cmd, int flags,
		    int (*fill)(struct nl_msg *msg, void *arg), void *arg,
		    struct hg_err *err);

/* sysfs's names: "blocked", "identity", "unmanaged", "DMA", "DMA-FQ" */
const char *hg_kdomain_type_name(uint32_t type);
/* "target", "count", "time", "map-failed", "mask-refused", "aborted" */
const char *hg_carve_stop_name(uint32_t stop);
/* "none", "not-dma-domain", "unbound" */
const char *hg_carve_skip_name(uint32_t skip);

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
 * "not-checked", "map-failed". A walk counts as having gone through a
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
