/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The "hostgeom" generic netlink family of the hostgeom_test module: each
 * IOMMU group member's own reserved regions, and a check that the DMA API
 * keeps every member's regions out of the group's IOVA allocator.
 * Documentation/genl-family.md describes every message and attribute.
 *
 * Bump HOSTGEOM_GENL_VERSION on any change a peer would misread: a new
 * attribute does not need it, a changed meaning does. Nor does a new
 * command: an older module answers it with EOPNOTSUPP, as it answers any
 * command it does not know (HOLD, RELEASE, GET_HOLD, DEVICE_DMA were added
 * in version 1 that way). An older module refuses a request attribute past
 * its own last one with EINVAL (strict validation: an unknown attribute),
 * so a new request attribute (HOLD_ALLOC_ONLY, HOLD_UNTIL_ADDED,
 * HOLD_CHURN, HOLD_CHURN_IN_PLACE) needs a module that knows it; a reply
 * attribute an older peer does not know (DEV_DMA_IOMMU) is ignored by it.
 */
#ifndef _UAPI_HOSTGEOM_GENL_H
#define _UAPI_HOSTGEOM_GENL_H

#define HOSTGEOM_GENL_NAME	"hostgeom"
#define HOSTGEOM_GENL_VERSION	1

/* The module's stub PCI driver: binds only through driver_override. */
#define HOSTGEOM_STUB_DRIVER	"hostgeom_stub"

/* Request limits, enforced by the family's policies. */
#define HOSTGEOM_CARVE_MAX_COUNT	1048576	/* maps per device */
#define HOSTGEOM_CARVE_MAX_TIMEOUT_MS	60000
#define HOSTGEOM_CARVE_MIN_MASK_BITS	32
#define HOSTGEOM_CARVE_MAX_MASK_BITS	64
#define HOSTGEOM_CARVE_MAX_MAP_ORDER	10	/* 4 MiB with 4 KiB pages */

/* Pages of one direct region looked up in its group's domain, at most. */
#define HOSTGEOM_REGION_MAX_PAGES	65536

/* Defaults for attributes a CARVE request leaves out. */
#define HOSTGEOM_CARVE_DEF_COUNT	65536
#define HOSTGEOM_CARVE_DEF_TIMEOUT_MS	20000
#define HOSTGEOM_CARVE_DEF_MASK_BITS	64
#define HOSTGEOM_CARVE_DEF_MAP_ORDER	9	/* 2 MiB with 4 KiB pages */

/*
 * The 32-bit phase walks down until it gets an IOVA below this address:
 * the base of the x86 interrupt (MSI) window 0xfee00000-0xfeefffff.
 */
#define HOSTGEOM_CARVE_TARGET32		0xfee00000ULL

/* HOLD_DEVICE, DEVICE_DMA_NAME: a device name, its terminating NUL included. */
#define HOSTGEOM_HOLD_NAME_MAX		64

/*
 * DEVICE_DMA knows one DMA engine: QEMU's edu device (PCI 1234:11e8). Its
 * BAR0 registers: DMA source address, destination address, byte count and
 * command (bit 0 start, reads 1 while busy; bit 1 direction: 0 from the
 * DMA address into its buffer, 1 from its buffer to the DMA address), and
 * its buffer at device address 0x40000.
 */
#define HOSTGEOM_EDU_VENDOR		0x1234
#define HOSTGEOM_EDU_DEVICE		0x11e8
#define HOSTGEOM_EDU_DMA_BYTES		4096

enum hostgeom_cmd {
	HOSTGEOM_CMD_UNSPEC,
	HOSTGEOM_CMD_GET_GROUPS,	/* dump: one message per group */
	HOSTGEOM_CMD_CARVE,		/* do, CAP_NET_ADMIN: walk and check */
	HOSTGEOM_CMD_GET_COUNTERS,	/* do: the module's mapping counters */
	HOSTGEOM_CMD_HOLD,		/* do, CAP_NET_ADMIN: map into a range, keep */
	HOSTGEOM_CMD_RELEASE,		/* do, CAP_NET_ADMIN: undo the hold */
	HOSTGEOM_CMD_GET_HOLD,		/* do: the hold, translations read now */
	HOSTGEOM_CMD_DEVICE_DMA,	/* do, CAP_NET_ADMIN: the device's own DMA */

	__HOSTGEOM_CMD_MAX,
	HOSTGEOM_CMD_MAX = __HOSTGEOM_CMD_MAX - 1
};

/*
 * Top level attributes. A group is described by GROUP_ID .. DEVICE, at the
 * top level of a GET_GROUPS message and inside each CARVE_GROUP nest.
 *
 * GROUP_RESV: the union of all members' regions (what sysfs shows).
 * DEVICE: a member, with its own regions.
 * CARVE_COUNT .. CARVE_CANARY: the CARVE request (see enum hostgeom_stop).
 * CARVE_FLOOR: the walk also goes below this address.
 * CARVE_CANARY: a region the caller adds (START and END only).
 * CARVE_GROUP: a checked group, its group attributes and its WALKs.
 * CARVE_HITS: mappings that fell into a region, all groups.
 * CNT_*: the GET_COUNTERS reply, totals since the module was loaded.
 * HOLD_*: the HOLD request (with CARVE_COUNT, CARVE_TIMEOUT_MS and
 * CARVE_MAP_ORDER, same limits and defaults) and the reply of HOLD,
 * RELEASE and GET_HOLD: DEVICE is mapped through until an IOVA range
 * overlaps [START, END]; MAPS mappings were made to get there, the
 * HOLD_RANGEs overlapping it are kept (see enum hostgeom_held_attr).
 * HOLD_ALLOC_ONLY: the IOVAs are only allocated (dma_iova_try_alloc()),
 * never mapped; in the request and in the replies of such a hold.
 * HOLD_UNTIL_ADDED (request and replies): the hold is released when a PCI
 * device of this name is added, before the IOMMU core probes it (a bus
 * notifier of higher priority): a test's unmap right before a join.
 * HOLD_CHURN (request and replies): while the hold lasts, a kernel thread
 * maps the hold's buffer through the device and unmaps it, again and
 * again; HOLD_CHURNS: the map-unmap cycles so far (replies of such a
 * hold). HOLD_CHURN_IN_PLACE (request and replies; implies HOLD_CHURN,
 * which the replies then carry too): the churn unmaps the held mappings
 * and maps them again at the same IOVAs instead, so that they stay
 * allocated in the DMA API's allocator all along while their page-table
 * entries come and go (a reply may find them UNMAPPED); HOLD_CHURNS then
 * counts the unmap-remap cycles. Neither churn with HOLD_ALLOC_ONLY.
 * DEVICE_DMA_*: the DEVICE_DMA request (NAME) and reply: the device NAME,
 * bound to the stub, copied HOSTGEOM_EDU_DMA_BYTES (BYTES) of a pattern
 * from a page mapped at DMA address SRC into its buffer, then from its
 * buffer to a zeroed page mapped at DST. DMA_IOMMU as DEV_DMA_IOMMU; OWN:
 * the pattern came back in that page; HELD: it showed up in the buffer of
 * the hold (another device's; absent when no mapped hold is in place);
 * NS: the time both transfers took. PROBE (request): then have the device
 * copy the pattern's page, addressed by its physical address, into its
 * buffer and its buffer to a zeroed page by its physical address;
 * UNTRANSLATED: the bytes landed there, the device's DMA reaches memory
 * untranslated (absent unless probed).
 */
enum hostgeom_attr {
	HOSTGEOM_A_UNSPEC,
	HOSTGEOM_A_PAD,
	HOSTGEOM_A_GROUP_ID,		/* u32 */
	HOSTGEOM_A_DOMAIN_TYPE,		/* u32, enum hostgeom_domain_type */
	HOSTGEOM_A_APERTURE_START,	/* u64 */
	HOSTGEOM_A_APERTURE_END,	/* u64, inclusive */
	HOSTGEOM_A_FORCE_APERTURE,	/* u8, 0 or 1 */
	HOSTGEOM_A_PGSIZE_BITMAP,	/* u64 */
	HOSTGEOM_A_GROUP_RESV,		/* nest hostgeom_region_attr, repeated */
	HOSTGEOM_A_DEVICE,		/* nest hostgeom_dev_attr, repeated */

	HOSTGEOM_A_CARVE_COUNT,		/* u32, maps per device */
	HOSTGEOM_A_CARVE_TIMEOUT_MS,	/* u32, for the whole request */
	HOSTGEOM_A_CARVE_MASK_BITS,	/* u8 */
	HOSTGEOM_A_CARVE_MAP_ORDER,	/* u8, log2 of pages per mapping */
	HOSTGEOM_A_CARVE_FLOOR,		/* u64 */
	HOSTGEOM_A_CARVE_CANARY,	/* nest hostgeom_region_attr */
	HOSTGEOM_A_CARVE_GROUP,		/* nest hostgeom_attr, repeated */
	HOSTGEOM_A_WALK,		/* nest hostgeom_walk_attr, repeated */
	HOSTGEOM_A_CARVE_HITS,		/* u32 */
	HOSTGEOM_A_CARVE_NS,		/* u64, time the request took */

	HOSTGEOM_A_CNT_LIVE,		/* u64, mappings held right now */
	HOSTGEOM_A_CNT_MAPS,		/* u64, mappings made */
	HOSTGEOM_A_CNT_UNMAPS,		/* u64, mappings undone */
	HOSTGEOM_A_CNT_MAP_FAILS,	/* u64, dma_map_page() failures */
	HOSTGEOM_A_CNT_CHECKS,		/* u64, CARVE requests completed */
	HOSTGEOM_A_CNT_HITS,		/* u64, mappings inside a region */
	HOSTGEOM_A_CNT_MASKS_CHANGED,	/* u64, walks that set DMA masks */
	HOSTGEOM_A_CNT_MASKS_RESTORED,	/* u64, walks that restored them */

	HOSTGEOM_A_HOLD_DEVICE,		/* string: "0000:00:02.0", a PCI device */
	HOSTGEOM_A_HOLD_START,		/* u64, the target range */
	HOSTGEOM_A_HOLD_END,		/* u64, inclusive */
	HOSTGEOM_A_HOLD_MAP_SIZE,	/* u64, bytes per mapping */
	HOSTGEOM_A_HOLD_MAPS,		/* u32, mappings made by the walk */
	HOSTGEOM_A_HOLD_RANGE,		/* nest hostgeom_held_attr, repeated */
	HOSTGEOM_A_HOLD_ALLOC_ONLY,	/* flag: allocated, not mapped */

	HOSTGEOM_A_DEVICE_DMA_NAME,	/* string: "0000:01:00.0", an edu */
	HOSTGEOM_A_DEVICE_DMA_IOMMU,	/* u8, as DEV_DMA_IOMMU */
	HOSTGEOM_A_DEVICE_DMA_SRC,	/* u64, DMA address of the pattern */
	HOSTGEOM_A_DEVICE_DMA_DST,	/* u64, DMA address of the zeroed page */
	HOSTGEOM_A_DEVICE_DMA_BYTES,	/* u32, bytes each way */
	HOSTGEOM_A_DEVICE_DMA_OWN,	/* u8, the pattern came back */
	HOSTGEOM_A_DEVICE_DMA_HELD,	/* u8, it showed up in the hold's buffer */
	HOSTGEOM_A_DEVICE_DMA_NS,	/* u64, time both transfers took */
	HOSTGEOM_A_DEVICE_DMA_PROBE,	/* flag: probe for untranslated DMA */
	HOSTGEOM_A_DEVICE_DMA_UNTRANSLATED, /* u8, the probe's bytes landed */
	HOSTGEOM_A_HOLD_UNTIL_ADDED,	/* string: released when it is added */
	HOSTGEOM_A_HOLD_CHURN,		/* flag: map and unmap while held */
	HOSTGEOM_A_HOLD_CHURNS,		/* u64, map-unmap cycles so far */
	HOSTGEOM_A_HOLD_CHURN_IN_PLACE,	/* flag: the churn remaps the held */

	__HOSTGEOM_A_MAX,
	HOSTGEOM_A_MAX = __HOSTGEOM_A_MAX - 1
};

/*
 * A region. PAGES_*: a member's direct (or direct-relaxable) region in a
 * group whose domain translates, each of its pages (the domain's smallest
 * page, the first HOSTGEOM_REGION_MAX_PAGES of them) looked up in the
 * domain: translating to itself, to nothing, or elsewhere (FOREIGN_IOVA
 * and FOREIGN_PHYS: the first such page and where it goes). Absent for
 * other regions and domains.
 */
enum hostgeom_region_attr {
	HOSTGEOM_A_REGION_UNSPEC,
	HOSTGEOM_A_REGION_PAD,
	HOSTGEOM_A_REGION_START,	/* u64 */
	HOSTGEOM_A_REGION_END,		/* u64, inclusive */
	HOSTGEOM_A_REGION_TYPE,		/* u32, enum hostgeom_resv_type */
	HOSTGEOM_A_REGION_PAGES_IDENTITY,	/* u32 */
	HOSTGEOM_A_REGION_PAGES_UNMAPPED,	/* u32 */
	HOSTGEOM_A_REGION_PAGES_FOREIGN,	/* u32 */
	HOSTGEOM_A_REGION_FOREIGN_IOVA,		/* u64 */
	HOSTGEOM_A_REGION_FOREIGN_PHYS,		/* u64 */

	__HOSTGEOM_A_REGION_MAX,
	HOSTGEOM_A_REGION_MAX = __HOSTGEOM_A_REGION_MAX - 1
};

/*
 * A group member. STUB: 1 when bound to the stub driver, the only devices
 * the carve check maps on. 32BIT_FIRST: dma-iommu hands this device IOVAs
 * below 4 GiB first even with a wider mask (no iommu.forcedac=1); absent
 * when no IOMMU driver probed the device. RESV: its own regions.
 * DMA_IOMMU: 1 when the device uses the IOMMU DMA ops (dma-iommu), 0 when
 * it does not (no translating domain, or dma-iommu refused to set it up);
 * absent when the kernel does not say (before 6.12).
 */
enum hostgeom_dev_attr {
	HOSTGEOM_A_DEV_UNSPEC,
	HOSTGEOM_A_DEV_PAD,
	HOSTGEOM_A_DEV_NAME,		/* string: "0000:00:1f.2" */
	HOSTGEOM_A_DEV_BUS,		/* string: "pci" */
	HOSTGEOM_A_DEV_DRIVER,		/* string, absent when unbound */
	HOSTGEOM_A_DEV_STUB,		/* u8 */
	HOSTGEOM_A_DEV_DMA_MASK,	/* u64 */
	HOSTGEOM_A_DEV_COHERENT_MASK,	/* u64 */
	HOSTGEOM_A_DEV_BUS_DMA_LIMIT,	/* u64, 0 when none */
	HOSTGEOM_A_DEV_32BIT_FIRST,	/* u8 */
	HOSTGEOM_A_DEV_RESV,		/* nest hostgeom_region_attr, repeated */
	HOSTGEOM_A_DEV_DMA_IOMMU,	/* u8 */

	__HOSTGEOM_A_DEV_MAX,
	HOSTGEOM_A_DEV_MAX = __HOSTGEOM_A_DEV_MAX - 1
};

/*
 * One device's walk. SKIP: why it did not walk (enum hostgeom_skip). NS:
 * mapping, checking and unmapping. HITS: its mappings inside a region;
 * HITS_DROPPED of those are in no HIT nest (more runs than fit). SEGMENT:
 * the IOVA spans it walked; SEGMENTS_DROPPED mappings are in none.
 */
enum hostgeom_walk_attr {
	HOSTGEOM_A_WALK_UNSPEC,
	HOSTGEOM_A_WALK_PAD,
	HOSTGEOM_A_WALK_DEVICE,		/* string */
	HOSTGEOM_A_WALK_SKIP,		/* u32 */
	HOSTGEOM_A_WALK_MAP_SIZE,	/* u64, bytes per mapping */
	HOSTGEOM_A_WALK_MAPS,		/* u32 */
	HOSTGEOM_A_WALK_NS,		/* u64 */
	HOSTGEOM_A_WALK_PHASE,		/* nest hostgeom_phase_attr, repeated */
	HOSTGEOM_A_WALK_SEGMENT,	/* nest hostgeom_seg_attr, repeated */
	HOSTGEOM_A_WALK_SEGMENTS_DROPPED, /* u32 */
	HOSTGEOM_A_WALK_HITS,		/* u32 */
	HOSTGEOM_A_WALK_HIT,		/* nest hostgeom_hit_attr, repeated */
	HOSTGEOM_A_WALK_HITS_DROPPED,	/* u32 */

	__HOSTGEOM_A_WALK_MAX,
	HOSTGEOM_A_WALK_MAX = __HOSTGEOM_A_WALK_MAX - 1
};

/*
 * A phase maps with one DMA mask: the first with a 32-bit mask, the second
 * (when the request's mask is wider) with the request's mask. It maps until
 * it got an IOVA below TARGET (the second phase: an IOVA at or above 4 GiB
 * and below TARGET), or until a limit stopped it (STOP). LIMIT is the
 * highest IOVA the allocator may return (mask, aperture, bus limit).
 * FIRST, the first IOVA it got, is absent when it made no mapping.
 */
enum hostgeom_phase_attr {
	HOSTGEOM_A_PHASE_UNSPEC,
	HOSTGEOM_A_PHASE_PAD,
	HOSTGEOM_A_PHASE_MASK_BITS,	/* u8 */
	HOSTGEOM_A_PHASE_LIMIT,		/* u64 */
	HOSTGEOM_A_PHASE_TARGET,	/* u64 */
	HOSTGEOM_A_PHASE_MAPS,		/* u32 */
	HOSTGEOM_A_PHASE_FIRST,		/* u64 */
	HOSTGEOM_A_PHASE_STOP,		/* u32, enum hostgeom_stop */

	__HOSTGEOM_A_PHASE_MAX,
	HOSTGEOM_A_PHASE_MAX = __HOSTGEOM_A_PHASE_MAX - 1
};

/*
 * A segment: MAPS mappings in a row, each below the one before, from HIGH
 * (the last byte of the first) down to LOW (the IOVA of the last). The
 * allocator hands out the highest free IOVA below the limit, so every IOVA
 * from LOW to HIGH was either handed to this walk or not free: a region
 * inside a segment that no mapping touched was kept out of the allocator.
 * EXHAUSTED: 1 when the allocator then found no free block of the mapping
 * size below LOW (it failed, or gave up the 32-bit space for the 64-bit
 * one): everything below LOW counts as walked too.
 */
enum hostgeom_seg_attr {
	HOSTGEOM_A_SEG_UNSPEC,
	HOSTGEOM_A_SEG_PAD,
	HOSTGEOM_A_SEG_LOW,		/* u64 */
	HOSTGEOM_A_SEG_HIGH,		/* u64, inclusive */
	HOSTGEOM_A_SEG_MAPS,		/* u32 */
	HOSTGEOM_A_SEG_EXHAUSTED,	/* u8 */

	__HOSTGEOM_A_SEG_MAX,
	HOSTGEOM_A_SEG_MAX = __HOSTGEOM_A_SEG_MAX - 1
};

/*
 * A run of one walk's mappings inside one region: COUNT mappings, adjacent
 * to each other, from FIRST to LAST (the last mapped byte). OWNER is the
 * member whose own region it is, or "canary".
 */
enum hostgeom_hit_attr {
	HOSTGEOM_A_HIT_UNSPEC,
	HOSTGEOM_A_HIT_PAD,
	HOSTGEOM_A_HIT_OWNER,		/* string */
	HOSTGEOM_A_HIT_REGION,		/* nest hostgeom_region_attr */
	HOSTGEOM_A_HIT_FIRST,		/* u64 */
	HOSTGEOM_A_HIT_LAST,		/* u64, inclusive */
	HOSTGEOM_A_HIT_COUNT,		/* u32 */

	__HOSTGEOM_A_HIT_MAX,
	HOSTGEOM_A_HIT_MAX = __HOSTGEOM_A_HIT_MAX - 1
};

/*
 * A held mapping: IOVA .. LAST. PROBE is the page whose translation XLATE
 * tells: the first page of the range inside the target. XLATE is read
 * when the reply is made (iommu_iova_to_phys() in the device's domain):
 * SCRATCH while the mapping points at the module's buffer as made; an
 * IDENTITY translation means a direct mapping took the page over.
 */
enum hostgeom_held_attr {
	HOSTGEOM_A_HELD_UNSPEC,
	HOSTGEOM_A_HELD_PAD,
	HOSTGEOM_A_HELD_IOVA,		/* u64 */
	HOSTGEOM_A_HELD_LAST,		/* u64, inclusive */
	HOSTGEOM_A_HELD_PROBE,		/* u64 */
	HOSTGEOM_A_HELD_XLATE,		/* u32, enum hostgeom_xlate */

	__HOSTGEOM_A_HELD_MAX,
	HOSTGEOM_A_HELD_MAX = __HOSTGEOM_A_HELD_MAX - 1
};

enum hostgeom_xlate {
	HOSTGEOM_XLATE_UNMAPPED,	/* translates to nothing */
	HOSTGEOM_XLATE_SCRATCH,		/* to the holder's buffer, as mapped */
	HOSTGEOM_XLATE_IDENTITY,	/* to itself: a direct mapping */
	HOSTGEOM_XLATE_OTHER,		/* to some other page */
	HOSTGEOM_XLATE_NO_DOMAIN,	/* no translating domain now */
};

/*
 * The kernel's enum iommu_resv_type, and the caller's canary. SW_MSI is
 * never checked: dma-iommu maps MSI doorbells there itself, by design.
 */
enum hostgeom_resv_type {
	HOSTGEOM_RESV_DIRECT,
	HOSTGEOM_RESV_DIRECT_RELAXABLE,
	HOSTGEOM_RESV_RESERVED,
	HOSTGEOM_RESV_MSI,
	HOSTGEOM_RESV_SW_MSI,
	HOSTGEOM_RESV_CANARY,
	HOSTGEOM_RESV_UNKNOWN,
};

/* The domain attached now: the default one unless VFIO attached its own. */
enum hostgeom_domain_type {
	HOSTGEOM_DOMAIN_NONE,
	HOSTGEOM_DOMAIN_BLOCKED,
	HOSTGEOM_DOMAIN_IDENTITY,
	HOSTGEOM_DOMAIN_UNMANAGED,
	HOSTGEOM_DOMAIN_DMA,
	HOSTGEOM_DOMAIN_DMA_FQ,
	HOSTGEOM_DOMAIN_OTHER,		/* SVA, platform, nested */
};

enum hostgeom_stop {
	HOSTGEOM_STOP_NONE,
	HOSTGEOM_STOP_TARGET,		/* got below PHASE_TARGET */
	HOSTGEOM_STOP_COUNT,		/* CARVE_COUNT maps made */
	HOSTGEOM_STOP_TIME,		/* CARVE_TIMEOUT_MS passed */
	HOSTGEOM_STOP_MAP_FAILED,	/* no IOVA left below the limit */
	HOSTGEOM_STOP_MASK_REFUSED,	/* dma_set_mask_and_coherent() failed */
	HOSTGEOM_STOP_ABORTED,		/* module unloading or caller killed */
};

enum hostgeom_skip {
	HOSTGEOM_SKIP_NONE,
	HOSTGEOM_SKIP_NOT_DMA_DOMAIN,	/* no DMA-API domain: no allocator */
	HOSTGEOM_SKIP_UNBOUND,		/* left the stub before the walk */
};

#endif /* _UAPI_HOSTGEOM_GENL_H */
