/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostgeom_test module's generic netlink family "hostgeom", through
 * libnl-genl-3: each group member's own reserved regions (GET_GROUPS), the
 * carve check (CARVE), the module's mapping counters (GET_COUNTERS),
 * IOVAs held mapped inside a range (HOLD, RELEASE, GET_HOLD) and a
 * device's own DMA (DEVICE_DMA).
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
	/*
	 * A member's direct region in a translating domain: its pages looked
	 * up there (the module's PAGES_*), else false and zeros.
	 */
	bool translated;
	uint32_t pages_identity;
	uint32_t pages_unmapped;
	uint32_t pages_foreign;
	uint64_t foreign_iova;	/* the first page translating elsewhere */
	uint64_t foreign_phys;
};

struct hg_kdevice {
	char name[64];
	char bus[32];
	char driver[64];	/* "" when unbound */
	bool stub;		/* bound to the module's stub: checked */
	uint64_t dma_mask;
	uint64_t coherent_mask;
	uint64_t bus_dma_limit;	/* 0: none */
	bool has_iommu;		/* an IOMMU driver probed it */
	bool pci_32bit_first;	/* with has_iommu: dma-iommu hands it IOVAs
				 * below 4 GiB first */
	int dma_iommu;		/* uses the IOMMU DMA ops: 1, 0, or -1: the
				 * kernel does not say (before 6.12) */
	struct hg_kregion *resv;	/* its own regions */
	size_t n_resv;
};

/* The domain attached to a group, translated from the module's code. */
enum hg_domain_type {
	HG_DOMAIN_NONE,
	HG_DOMAIN_BLOCKED,
	HG_DOMAIN_IDENTITY,
	HG_DOMAIN_UNMANAGED,
	HG_DOMAIN_DMA,
	HG_DOMAIN_DMA_FQ,
	HG_DOMAIN_OTHER,	/* SVA, platform, nested */
	HG_DOMAIN_UNKNOWN,	/* a code this library does not know */
};

struct hg_kgroup {
	uint32_t id;
	enum hg_domain_type domain_type;
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
	bool alloc_only;	/* allocate the IOVAs, map nothing */
	bool churn;		/* map and unmap in a loop while held */
	/*
	 * The churn (churn need not be set) unmaps the held mappings and
	 * maps them again at their IOVAs: allocated all along, translating
	 * to nothing part of the time (a held range's xlate may then be
	 * HOSTGEOM_XLATE_UNMAPPED).
	 */
	bool churn_in_place;
	const char *until_added;	/* NULL, or released when it is added */
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
	char device[HOSTGEOM_HOLD_NAME_MAX];
	uint64_t start;		/* the target */
	uint64_t end;
	uint64_t map_size;
	uint32_t maps;		/* mappings the walk made to get there */
	bool alloc_only;	/* allocated, not mapped */
	bool churn;		/* churning: map-unmap cycles in churns */
	bool churn_in_place;	/* in place (churn too): unmap-remap cycles */
	uint64_t churns;
	char until_added[HOSTGEOM_HOLD_NAME_MAX];	/* "": none */
	struct hg_kheld *held;	/* each overlaps the target */
	size_t n_held;
};

/* What a DEVICE_DMA request did. */
struct hg_kdevice_dma {
	char device[HOSTGEOM_HOLD_NAME_MAX];
	int dma_iommu;		/* as in struct hg_kdevice */
	uint64_t src;		/* DMA address of the pattern it read */
	uint64_t dst;		/* DMA address of the page it wrote */
	uint32_t bytes;		/* each way */
	bool own;		/* the pattern came back in that page */
	bool has_held;		/* a mapped hold was in place: held is known */
	bool held;		/* the pattern showed up in the hold's buffer */
	uint64_t ns;		/* both transfers */
	bool has_untranslated;	/* probed: untranslated is known */
	bool untranslated;	/* its DMA reaches memory by physical address */
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
/*
 * DEVICE_DMA: @device, an edu bound to the module's stub, copies a pattern
 * from a page into its buffer and back into another page (*@out); with
 * @probe, then by physical addresses, to see whether its DMA is translated
 * at all (a translated device may fault there). -EPERM
 * without CAP_NET_ADMIN; -EINVAL when the device is not on the stub,
 * -EOPNOTSUPP when it is no edu, -ETIMEDOUT when a transfer did not end:
 * the module's message is in @err.
 */
int hg_genl_device_dma(struct hg_genl *g, const char *device, bool probe,
		       struct hg_kdevice_dma *out, struct hg_err *err);

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

/* sysfs's names ("blocked", "identity", "DMA", "DMA-FQ"...), "none", "other" */
const char *hg_domain_type_name(enum hg_domain_type type);
/* "target", "count", "time", "map-failed", "mask-refused", "aborted" */
const char *hg_carve_stop_name(uint32_t stop);
/* "none", "not-dma-domain", "unbound" */
const char *hg_carve_skip_name(uint32_t skip);

#endif
