/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostgeom_test: internal interfaces between the module's files.
 *
 * groups.c  snapshots of IOMMU groups: members, their own reserved regions
 * carve.c   the IOVA walk on members bound to the stub driver
 * hold.c    IOVAs kept mapped through one device inside a given range
 * edu.c     a device's own DMA (QEMU's edu), for DEVICE_DMA
 * msg.c     netlink attributes for snapshots, walks and counters
 * stub.c    the stub PCI driver (binds only through driver_override)
 * main.c    the generic netlink family, its lock and counters
 * compat.h  what differs between kernel releases
 */
#ifndef HOSTGEOM_KMOD_H
#define HOSTGEOM_KMOD_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <net/genetlink.h>

#include <hostgeom_genl.h>

#include "compat.h"

#define HG_OWNER_CANARY	(-1)

struct hg_region {
	u64 start;
	u64 end;		/* inclusive */
	u32 type;		/* enum hostgeom_resv_type */
	int owner;		/* member index, or HG_OWNER_CANARY */
	/* a direct region's pages in the group's domain (hg_domain_read) */
	bool translated;
	u32 pages_identity;
	u32 pages_unmapped;
	u32 pages_foreign;
	u64 foreign_iova;	/* the first page translating elsewhere */
	u64 foreign_phys;
};

/* A group member as it was when the snapshot was taken. */
struct hg_member {
	struct device *dev;	/* reference held */
	char driver[64];	/* "" when unbound */
	bool stub;		/* bound to hg_stub_driver */
	bool has_iommu;		/* probed by an IOMMU driver */
	bool pci_32bit_first;
	int dma_iommu;		/* hg_dma_iommu(): 1, 0, -1 unknown */
	u64 dma_mask;
	u64 coherent_mask;
	u64 bus_dma_limit;
	struct hg_region *resv;	/* its own regions */
	unsigned int n_resv;
};

struct hg_group_snap {
	struct iommu_group *group;	/* reference held */
	u32 id;
	u32 domain_type;		/* enum hostgeom_domain_type */
	bool dma_api;			/* the domain has an IOVA allocator */
	u64 aperture_start;
	u64 aperture_end;
	bool force_aperture;
	u64 pgsize_bitmap;
	struct hg_member *members;
	unsigned int n_members;
	struct hg_region *resv;		/* the union, as sysfs shows it */
	unsigned int n_resv;
};

/* Every IOMMU group that has a PCI member, sorted by id. */
struct hg_group_list {
	struct iommu_group **group;
	unsigned int n;
};

int hg_group_list_get(struct hg_group_list *list);
void hg_group_list_put(struct hg_group_list *list);
unsigned int hg_group_member_count(struct iommu_group *group);
/* Call with pci_lock_rescan_remove() held: members cannot go away. */
int hg_group_snapshot(struct iommu_group *group, struct hg_group_snap *g);
void hg_group_release(struct hg_group_snap *g);

struct hg_carve_params {
	u32 count;		/* maps per device */
	u32 timeout_ms;		/* whole request */
	u8 mask_bits;
	u8 map_order;
	bool has_floor;
	u64 floor;
	bool has_canary;
	struct hg_region canary;
};

struct hg_phase {
	u8 mask_bits;
	u64 limit;
	u64 target;
	u32 maps;
	u64 first;
	u32 stop;		/* enum hostgeom_stop */
};

/* Mappings in a row, each below the one before: [low, high] was walked. */
struct hg_segment {
	u64 low;
	u64 high;		/* inclusive */
	u32 maps;
	bool exhausted;		/* nothing free below low either */
};

#define HG_MAX_SEGMENTS	64

/* A run of mappings inside region @region of the check. */
struct hg_hit {
	unsigned int region;
	u64 first;
	u64 last;
	u32 count;
};

#define HG_MAX_HITS	256	/* HIT nests per walk; counts stay exact */

struct hg_walk {
	unsigned int member;
	u32 skip;		/* enum hostgeom_skip */
	u64 map_size;
	u32 maps;
	u64 ns;
	struct hg_phase phase[2];
	unsigned int n_phase;
	struct hg_segment seg[HG_MAX_SEGMENTS];
	unsigned int n_seg;
	u32 segs_dropped;	/* mappings in no segment */
	u32 hits;
	u32 hits_dropped;
	struct hg_hit hit[HG_MAX_HITS];
	unsigned int n_hit;
};

/* One group's check: its snapshot, the regions checked, the walks. */
struct hg_check {
	struct hg_group_snap g;
	struct hg_region *regions;	/* every member's own + the canary */
	unsigned int n_regions;
	struct hg_walk **walks;
	unsigned int n_walks;
	u32 hits;
};

/* What one CARVE request shares between its groups. */
struct hg_carve {
	struct hg_carve_params p;
	u64 deadline_ns;
	struct page *scratch;
	dma_addr_t *handles;	/* p.count entries */
};

int hg_carve_init(struct hg_carve *c, const struct hg_carve_params *p);
void hg_carve_destroy(struct hg_carve *c);
/* Snapshots @group and walks every member bound to the stub. */
int hg_check_group(struct hg_carve *c, struct iommu_group *group,
		   struct hg_check *chk);
void hg_check_release(struct hg_check *chk);

struct hg_hold_params {
	char device[HOSTGEOM_HOLD_NAME_MAX];
	u64 start;
	u64 end;		/* inclusive */
	u32 count;
	u32 timeout_ms;
	u8 map_order;
	bool alloc_only;	/* allocate the IOVAs, map nothing */
	bool churn;		/* map and unmap in a kthread while held */
	bool in_place;		/* the churn unmaps and remaps the held ones */
	char until_added[HOSTGEOM_HOLD_NAME_MAX];	/* "": none */
};

/* A hold as the replies describe it. */
struct hg_hold_view {
	char device[HOSTGEOM_HOLD_NAME_MAX];
	u64 start;
	u64 end;
	u64 map_size;
	u32 maps;
	bool alloc_only;
	bool churn;
	bool in_place;
	u64 churns;
	char until_added[HOSTGEOM_HOLD_NAME_MAX];
	struct {
		u64 iova;
		u64 last;	/* inclusive */
		u64 probe;
		u32 xlate;	/* enum hostgeom_xlate */
	} *held;
	unsigned int n_held;
};

int hg_hold_init(void);
void hg_hold_exit(void);
/*
 * HOLD, with hg_lock and pci_lock_rescan_remove() held: the hold is made
 * and described in @v (free it with hg_hold_view_free()), or nothing is
 * held and the reason is in @extack.
 */
int hg_hold_make(const struct hg_hold_params *p, u32 portid,
		 struct hg_hold_view *v, struct netlink_ext_ack *extack);
/*
 * The hold now, in @v unless NULL; undone after when @release (@why says
 * why in the kernel log), unless it could not be described in @v.
 * -ENOENT when nothing is held.
 */
int hg_hold_get(struct hg_hold_view *v, bool release, const char *why,
		struct netlink_ext_ack *extack);
void hg_hold_view_free(struct hg_hold_view *v);
/*
 * Whether @len bytes like @buf sit at the start of a page of the hold's
 * buffer (its offset in @offset): 1 yes, 0 no, -ENOENT when no hold with a
 * buffer (a mapped one) is in place.
 */
int hg_hold_find(const void *buf, size_t len, u64 *offset);

/* What DEVICE_DMA did (see enum hostgeom_attr, DEVICE_DMA_*). */
struct hg_device_dma {
	char device[HOSTGEOM_HOLD_NAME_MAX];
	int dma_iommu;		/* hg_dma_iommu() */
	u64 src;
	u64 dst;
	u32 bytes;
	bool own;
	int held;		/* hg_hold_find(): 1, 0, -ENOENT */
	u64 ns;
	int untranslated;	/* 1, 0, -1 not probed */
};

/*
 * DEVICE_DMA, with hg_lock held: @name, an edu bound to the stub, copies
 * a pattern through its buffer and back (see edu.c), and when @probe
 * tries the same by physical addresses; 0 with @r filled in, or an error
 * with the reason in @extack.
 */
int hg_device_dma(const char *name, bool probe, struct hg_device_dma *r,
		  struct netlink_ext_ack *extack);

struct hg_counters {
	atomic64_t live;
	atomic64_t maps;
	atomic64_t unmaps;
	atomic64_t map_fails;
	atomic64_t checks;
	atomic64_t hits;
	atomic64_t masks_changed;
	atomic64_t masks_restored;
};

extern struct hg_counters hg_counters;
extern bool hg_unloading;	/* READ_ONCE: walks stop early */

int hg_put_group(struct sk_buff *skb, const struct hg_group_snap *g);
int hg_put_check(struct sk_buff *skb, const struct hg_check *chk);
int hg_put_counters(struct sk_buff *skb);
int hg_put_hold(struct sk_buff *skb, const struct hg_hold_view *v);
int hg_put_device_dma(struct sk_buff *skb, const struct hg_device_dma *r);
int hg_put_region(struct sk_buff *skb, int attrtype,
		  const struct hg_region *r);

extern struct pci_driver hg_stub_driver;

#endif /* HOSTGEOM_KMOD_H */
