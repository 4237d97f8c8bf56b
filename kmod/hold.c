// SPDX-License-Identifier: GPL-2.0
/*
 * The hold: IOVAs kept mapped through one device inside a range that the
 * caller names, so that a test can make another device join the group
 * while they are live (the case the fix for the dma-iommu problem refuses
 * a joining device in). HOLD maps a scratch buffer through the device's
 * DMA API, as the carve walk does, until a mapping overlaps the target,
 * keeps the mappings that do and undoes the others; RELEASE undoes the
 * rest. The device may be bound to any driver: its DMA mask is used as it
 * is, never changed. An allocate-only hold (HOLD_ALLOC_ONLY) allocates the
 * IOVAs through the device's DMA API without mapping them
 * (dma_iova_try_alloc(), where the kernel has it): an IOVA that is in use
 * but translates to nothing, as it is between a driver's allocation and
 * its mapping in the two-step DMA API.
 *
 * A churning hold (HOLD_CHURN) also runs a kernel thread that maps the
 * buffer through the device and unmaps it, again and again, until the
 * hold ends: a busy member, whose IOVAs come and go through the flush
 * queue and the range caches while another member joins. An in-place churn
 * (HOLD_CHURN_IN_PLACE) unmaps the held mappings themselves and maps them
 * again, at the same IOVAs and to the same pages, through the IOMMU API
 * (iommu_unmap(), iommu_map() in the device's domain): dma-iommu's
 * allocator keeps the IOVAs allocated all along, and only their page-table
 * entries come and go, so another member that joins finds an IOVA in use
 * that, part of the time, translates to nothing.
 *
 * One hold at a time. It is released, whatever else happens, when its
 * device is about to be removed or to change drivers (a bus notifier),
 * when the netlink socket that made it is closed (the netlink notifier),
 * and when the module is unloaded: no mapping outlives its reason. A hold
 * told to (HOLD_UNTIL_ADDED) is also released when a PCI device of the
 * given name is added, before the IOMMU core probes it: the bus notifier
 * has a higher priority than the IOMMU core's, so the unmap comes right
 * before the join.
 *
 * hg_hold_lock is taken last, after hg_lock and pci_lock_rescan_remove()
 * (HOLD) or in a notifier (which may run under either, or under the
 * device lock): nothing is locked, and no PCI device waited for, inside it.
 */
#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "hostgeom.h"

struct hg_held {
	dma_addr_t iova;
	u64 probe;		/* first page inside the target */
	struct hg_iova alloc;	/* allocate-only: what frees it */
	bool unmapped;		/* in place: unmapped by the churn now */
};

struct hg_hold {
	struct device *dev;	/* reference held; NULL: nothing is held */
	u32 portid;		/* the socket that made it */
	struct page *scratch;	/* NULL when allocate-only */
	bool alloc_only;
	u8 map_order;
	u64 start;
	u64 end;
	u32 maps;
	struct hg_held *held;
	unsigned int n_held;
	char until_added[HOSTGEOM_HOLD_NAME_MAX];	/* "": none */
	struct task_struct *churner;	/* NULL: no churn */
	atomic64_t churns;		/* its map-unmap cycles */
	bool in_place;			/* it unmaps and remaps the held ones */
	struct iommu_domain *domain;	/* in place: the one they are in */
	int prot;			/* in place: as dma_map_page() made them */
	atomic64_t remap_fails;		/* in place: iommu_map() failures */
};

/*
 * How long HOLD waits, before it answers, after a hold that ends at a join
 * (HOLD_UNTIL_ADDED): dma-iommu starts its flush-queue timer only when none
 * is pending, so the walk's own unmaps (hg_hold_keep()) may have started
 * one that would free the held IOVA soon after its unmap. Past this, their
 * timer (IOVA_DEFAULT_FQ_TIMEOUT, 10 ms, rounded up to whole jiffies) has
 * fired, and the held IOVA's unmap starts a fresh one.
 */
#define HG_HOLD_FQ_SETTLE_MS	50

static DEFINE_MUTEX(hg_hold_lock);
static struct hg_hold hg_hold;
/*
 * The held device and the socket that made the hold, read without the
 * lock by the notifiers: an unrelated event must not wait for a walk.
 */
static struct device *hg_hold_dev;
static u32 hg_hold_portid;

/*
 * The name of the device that a HOLD_UNTIL_ADDED hold waits for, compared
 * by the bus notifier under rcu_read_lock() only, so that adding any other
 * PCI device never waits for hg_hold_lock. Set before hg_hold_dev is
 * published, replaced under hg_hold_lock, freed after a grace period.
 */
struct hg_hold_name {
	struct rcu_head rcu;
	char name[HOSTGEOM_HOLD_NAME_MAX];
};

static struct hg_hold_name __rcu *hg_hold_until;

/* Withdraws the published name, if any; hg_hold_lock held. */
static void hg_hold_unpublish_name(void)
{
	struct hg_hold_name *old;

	old = rcu_replace_pointer(hg_hold_until, NULL,
				  lockdep_is_held(&hg_hold_lock));
	if (old)
		kfree_rcu(old, rcu);
}

/* Whether @dev is the device the hold waits for, read without the lock. */
static bool hg_hold_waits_for(struct device *dev)
{
	const struct hg_hold_name *n;
	bool match;

	rcu_read_lock();
	n = rcu_dereference(hg_hold_until);
	match = n && !strcmp(dev_name(dev), n->name);
	rcu_read_unlock();
	return match;
}

static u64 hg_hold_size(const struct hg_hold *h)
{
	return PAGE_SIZE << h->map_order;
}

static u32 hg_xlate(const struct hg_hold *h, const struct hg_held *held)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(h->dev);
	phys_addr_t want, phys;

	/* dma-iommu maps in the default domain: attached unless VFIO's is. */
	if (!domain || !(domain->type & __IOMMU_DOMAIN_DMA_API))
		return HOSTGEOM_XLATE_NO_DOMAIN;
	phys = iommu_iova_to_phys(domain, held->probe);
	if (!phys)
		return HOSTGEOM_XLATE_UNMAPPED;
	want = h->scratch ? page_to_phys(h->scratch) +
			    (held->probe - held->iova) : 0;
	if (phys == want)
		return HOSTGEOM_XLATE_SCRATCH;
	if (phys == held->probe)
		return HOSTGEOM_XLATE_IDENTITY;
	return HOSTGEOM_XLATE_OTHER;
}

/* Copies the hold into @v, translations read now. hg_hold_lock held. */
static int hg_hold_fill(const struct hg_hold *h, struct hg_hold_view *v)
{
	unsigned int i;

	memset(v, 0, sizeof(*v));
	v->held = kcalloc(h->n_held, sizeof(*v->held), GFP_KERNEL);
	if (!v->held)
		return -ENOMEM;
	strscpy(v->device, dev_name(h->dev), sizeof(v->device));
	v->start = h->start;
	v->end = h->end;
	v->map_size = hg_hold_size(h);
	v->maps = h->maps;
	v->alloc_only = h->alloc_only;
	v->churn = !!h->churner;
	v->in_place = h->in_place;
	v->churns = atomic64_read(&h->churns);
	strscpy(v->until_added, h->until_added, sizeof(v->until_added));
	for (i = 0; i < h->n_held; i++) {
		v->held[i].iova = h->held[i].iova;
		v->held[i].last = h->held[i].iova + v->map_size - 1;
		v->held[i].probe = h->held[i].probe;
		v->held[i].xlate = hg_xlate(h, &h->held[i]);
	}
	v->n_held = h->n_held;
	return 0;
}

void hg_hold_view_free(struct hg_hold_view *v)
{
	kfree(v->held);
	v->held = NULL;
	v->n_held = 0;
}

/*
 * Undoes one IOVA of the walk: unmaps it, or frees it when it was only
 * allocated (not counted as a mapping).
 */
static void hg_hold_drop(struct hg_hold *h, dma_addr_t iova,
			 struct hg_iova *alloc)
{
	if (h->alloc_only) {
		hg_iova_free(h->dev, alloc);
		return;
	}
	dma_unmap_page(h->dev, iova, hg_hold_size(h), DMA_TO_DEVICE);
	atomic64_dec(&hg_counters.live);
	atomic64_inc(&hg_counters.unmaps);
}

/*
 * In place: maps the held mappings that the churn left unmapped back, at
 * their IOVAs, to the buffer, as dma_map_page() had mapped them; 0, or the
 * first error (the others are tried all the same). @force: unmaps first
 * whatever took a mapping's place.
 */
static int hg_hold_remap(struct hg_hold *h, bool force)
{
	u64 size = hg_hold_size(h);
	unsigned int i;
	int ret = 0, err;

	for (i = 0; i < h->n_held; i++) {
		if (!h->held[i].unmapped)
			continue;
		if (force)
			iommu_unmap(h->domain, h->held[i].iova, size);
		err = hg_iommu_map(h->domain, h->held[i].iova,
				   page_to_phys(h->scratch), size, h->prot);
		if (err) {
			ret = ret ?: err;
			continue;
		}
		h->held[i].unmapped = false;
	}
	return ret;
}

/* Unmaps and frees everything; hg_hold_lock held. */
static void hg_hold_undo(struct hg_hold *h, const char *why)
{
	unsigned int i;

	if (!h->dev)
		return;
	/* The churn uses the buffer and the device: it stops first. */
	if (h->churner) {
		kthread_stop(h->churner);
		/*
		 * What dma_unmap_page() unmaps must be mapped: mapped back.
		 * Where that fails, something took the mapping's place while
		 * its IOVA was allocated: a direct mapping of a device that
		 * the kernel let join over it (Linux 7.3 will not map over
		 * one). It goes, as the kernel's own bug would have it go on
		 * 6.12 (VT-d maps a superpage over it), rather than leave the
		 * IOVA allocated in the domain for good.
		 */
		if (h->in_place && hg_hold_remap(h, false)) {
			atomic64_inc(&h->remap_fails);
			if (!hg_hold_remap(h, true))
				dev_info(h->dev, "hostgeom: a held IOVA was taken over while the churn had it unmapped: unmapped what was there to map it back\n");
		}
		if (h->in_place)
			dev_info(h->dev, "hostgeom: the in-place churn stopped after %llu unmap-remap cycles, %llu failed remap(s)\n",
				 (u64)atomic64_read(&h->churns),
				 (u64)atomic64_read(&h->remap_fails));
		else
			dev_info(h->dev, "hostgeom: the churn stopped after %llu map-unmap cycles\n",
				 (u64)atomic64_read(&h->churns));
	}
	for (i = 0; i < h->n_held; i++) {
		/*
		 * Not mapped again even so: dma_unmap_page() would warn at
		 * the size it found. The IOVA stays allocated, unused,
		 * until the domain goes.
		 */
		if (h->held[i].unmapped) {
			dev_info(h->dev, "hostgeom: %#llx could not be mapped again, left allocated\n",
				 (u64)h->held[i].iova);
			atomic64_dec(&hg_counters.live);
			continue;
		}
		hg_hold_drop(h, h->held[i].iova, &h->held[i].alloc);
	}
	dev_info(h->dev, "hostgeom: released %u held %s in %#llx-%#llx (%s)\n",
		 h->n_held, h->alloc_only ? "allocation(s)" : "mapping(s)",
		 h->start, h->end, why);
	if (h->scratch)
		__free_pages(h->scratch, h->map_order);
	kfree(h->held);
	WRITE_ONCE(hg_hold_dev, NULL);
	hg_hold_unpublish_name();
	put_device(h->dev);
	memset(h, 0, sizeof(*h));
}

/*
 * The churn's thread: maps the hold's buffer through its device and unmaps
 * it until stopped. It takes no lock: the hold is not undone before
 * kthread_stop() returns.
 */
static int hg_hold_churn(void *data)
{
	struct hg_hold *h = data;
	u64 size = hg_hold_size(h);
	dma_addr_t iova;

	while (!kthread_should_stop()) {
		iova = dma_map_page(h->dev, h->scratch, 0, size,
				    DMA_TO_DEVICE);
		if (dma_mapping_error(h->dev, iova)) {
			atomic64_inc(&hg_counters.map_fails);
			schedule_timeout_interruptible(1);
			continue;
		}
		atomic64_inc(&hg_counters.maps);
		dma_unmap_page(h->dev, iova, size, DMA_TO_DEVICE);
		atomic64_inc(&hg_counters.unmaps);
		atomic64_inc(&h->churns);
		cond_resched();
	}
	return 0;
}

/*
 * The in-place churn's thread: unmaps the held mappings and maps them
 * again, at the same IOVAs, until stopped; a cycle counts at each remap,
 * a failed remap is retried a jiffy later. It takes no lock: it alone
 * touches the held mappings' unmapped flags until kthread_stop() returns,
 * and the hold is not undone before (hg_hold_undo() then maps back what
 * it left unmapped). The held mappings' IOVAs stay allocated all along.
 */
static int hg_hold_churn_in_place(void *data)
{
	struct hg_hold *h = data;
	u64 size = hg_hold_size(h);
	bool unmapped = false;
	unsigned int i;

	while (!kthread_should_stop()) {
		if (!unmapped) {
			for (i = 0; i < h->n_held; i++) {
				iommu_unmap(h->domain, h->held[i].iova, size);
				h->held[i].unmapped = true;
			}
			unmapped = true;
		} else if (hg_hold_remap(h, false)) {
			atomic64_inc(&h->remap_fails);
			schedule_timeout_interruptible(1);
			continue;
		} else {
			unmapped = false;
			atomic64_inc(&h->churns);
		}
		cond_resched();
	}
	return 0;
}

static bool hg_overlaps(const struct hg_hold_params *p, u64 iova, u64 last)
{
	return iova <= p->end && last >= p->start;
}

/*
 * Maps @h->scratch through @h->dev (allocate-only: allocates an IOVA of its
 * size, in @allocs) until a mapping overlaps the target or a limit stops
 * the walk: returns the enum hostgeom_stop reason, every IOVA in @handles
 * (h->maps of them) and the lowest in @lowest.
 */
static u32 hg_hold_walk(struct hg_hold *h, const struct hg_hold_params *p,
			dma_addr_t *handles, struct hg_iova *allocs,
			u64 *lowest)
{
	struct device *dev = h->dev;
	u64 deadline = ktime_get_ns() + (u64)p->timeout_ms * NSEC_PER_MSEC;
	u64 size = hg_hold_size(h);
	dma_addr_t iova;

	for (;;) {
		if (h->maps == p->count)
			return HOSTGEOM_STOP_COUNT;
		if (ktime_get_ns() > deadline)
			return HOSTGEOM_STOP_TIME;
		if (READ_ONCE(hg_unloading) || fatal_signal_pending(current))
			return HOSTGEOM_STOP_ABORTED;
		if (h->alloc_only) {
			iova = hg_iova_alloc(dev, &allocs[h->maps], size);
			if (iova == DMA_MAPPING_ERROR)
				return HOSTGEOM_STOP_MAP_FAILED;
			handles[h->maps++] = iova;
		} else {
			/* DMA_TO_DEVICE: the device may only read the buffer. */
			iova = dma_map_page(dev, h->scratch, 0, size,
					    DMA_TO_DEVICE);
			if (dma_mapping_error(dev, iova)) {
				atomic64_inc(&hg_counters.map_fails);
				return HOSTGEOM_STOP_MAP_FAILED;
			}
			handles[h->maps++] = iova;
			atomic64_inc(&hg_counters.live);
			atomic64_inc(&hg_counters.maps);
		}
		*lowest = min_t(u64, *lowest, iova);
		if (hg_overlaps(p, iova, iova + size - 1))
			return HOSTGEOM_STOP_TARGET;
		cond_resched();
	}
}

/* Keeps the mappings in @handles that overlap the target, undoes the rest. */
static int hg_hold_keep(struct hg_hold *h, const struct hg_hold_params *p,
			const dma_addr_t *handles, struct hg_iova *allocs)
{
	u64 size = hg_hold_size(h);
	unsigned int i, n = 0;
	u64 last;

	for (i = 0; i < h->maps; i++)
		n += hg_overlaps(p, handles[i], handles[i] + size - 1);
	h->held = n ? kcalloc(n, sizeof(*h->held), GFP_KERNEL) : NULL;
	for (i = 0; i < h->maps; i++) {
		last = handles[i] + size - 1;
		if (h->held && hg_overlaps(p, handles[i], last)) {
			h->held[h->n_held].iova = handles[i];
			if (h->alloc_only)
				h->held[h->n_held].alloc = allocs[i];
			h->held[h->n_held++].probe = max_t(u64, handles[i],
							   p->start & PAGE_MASK);
			continue;
		}
		hg_hold_drop(h, handles[i], allocs ? &allocs[i] : NULL);
	}
	return n && !h->held ? -ENOMEM : 0;
}

static const char *hg_stop_name(u32 stop)
{
	switch (stop) {
	case HOSTGEOM_STOP_COUNT:
		return "count";
	case HOSTGEOM_STOP_TIME:
		return "time";
	case HOSTGEOM_STOP_MAP_FAILED:
		return "map-failed";
	case HOSTGEOM_STOP_ABORTED:
		return "aborted";
	}
	return "?";
}

/* What HOLD refuses to map through; 0 when @dev will do. */
static int hg_hold_check_dev(struct device *dev, const struct hg_hold_params *p,
			     struct netlink_ext_ack *extack)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	u64 limit;

	if (!domain || !(domain->type & __IOMMU_DOMAIN_DMA_API)) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the device is in no DMA-API domain",
					": %.40s", dev_name(dev));
		return -EINVAL;
	}
	if (!hg_dma_iommu(dev)) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the device does not use the IOMMU DMA ops",
					": %.32s", dev_name(dev));
		return -EINVAL;
	}
	if (!dev->dma_mask) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the device has no DMA mask",
					": %.48s", dev_name(dev));
		return -EINVAL;
	}
	limit = *dev->dma_mask;
	if (dev->bus_dma_limit)
		limit = min_t(u64, limit, dev->bus_dma_limit);
	if (p->start > limit) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the target lies above the device's DMA limit",
					" %#llx", limit);
		return -ERANGE;
	}
	return 0;
}

/* Walks and keeps; @h is the unpublished hold, its device referenced. */
static int hg_hold_fill_in(struct hg_hold *h, const struct hg_hold_params *p,
			   struct netlink_ext_ack *extack)
{
	struct hg_iova *allocs = NULL;
	dma_addr_t *handles;
	u64 lowest = U64_MAX;
	bool nomem;
	u32 stop;
	int ret;

	handles = kvmalloc_array(p->count, sizeof(*handles), GFP_KERNEL);
	if (h->alloc_only) {
		allocs = kvmalloc_array(p->count, sizeof(*allocs), GFP_KERNEL);
		nomem = !allocs;
	} else {
		/*
		 * Zeroed: the device is never told to read it, but it could,
		 * and DEVICE_DMA looks for another device's bytes in it.
		 */
		h->scratch = alloc_pages(GFP_KERNEL | __GFP_ZERO |
					 __GFP_NOWARN, p->map_order);
		nomem = !h->scratch;
	}
	if (!handles || nomem) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL, "no memory",
					": %lu KiB buffer, %u handles",
					(PAGE_SIZE << p->map_order) / SZ_1K,
					p->count);
		ret = -ENOMEM;
		goto out;
	}
	stop = hg_hold_walk(h, p, handles, allocs, &lowest);
	if (stop != HOSTGEOM_STOP_TARGET) {
		/* Nothing overlaps: hg_hold_keep() undoes every mapping. */
		hg_hold_keep(h, p, handles, allocs);
		/* Extack messages end at 79 characters: the rest is logged. */
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL, "target not reached",
					": %u maps, lowest %#llx, stop %s",
					h->maps, h->maps ? lowest : 0,
					hg_stop_name(stop));
		dev_info(h->dev, "hostgeom: no IOVA in %#llx-%#llx after %u maps, the lowest %#llx, stopped by %s\n",
			 p->start, p->end, h->maps, h->maps ? lowest : 0,
			 hg_stop_name(stop));
		/* Not -EINTR: genetlink would send the caller no answer. */
		ret = stop == HOSTGEOM_STOP_ABORTED ? -ECANCELED : -ENOSPC;
		goto out;
	}
	ret = hg_hold_keep(h, p, handles, allocs);
	if (ret)
		NL_SET_ERR_MSG(extack, "no memory for the held mappings");
out:
	kvfree(allocs);
	kvfree(handles);
	return ret;
}

int hg_hold_make(const struct hg_hold_params *p, u32 portid,
		 struct hg_hold_view *v, struct netlink_ext_ack *extack)
{
	struct hg_hold *h = &hg_hold;
	struct device *dev;
	int ret;

	if (p->alloc_only && !HG_IOVA_ALLOC) {
		NL_SET_ERR_MSG(extack,
			       "this kernel cannot allocate an IOVA without mapping it");
		return -EOPNOTSUPP;
	}
	dev = bus_find_device_by_name(&pci_bus_type, NULL, p->device);
	if (!dev) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL, "no such PCI device",
					": %.56s", p->device);
		return -ENODEV;
	}
	mutex_lock(&hg_hold_lock);
	if (h->dev) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"a hold is in place already",
					": on %.44s", dev_name(h->dev));
		ret = -EBUSY;
		goto fail;
	}
	ret = hg_hold_check_dev(dev, p, extack);
	if (ret)
		goto fail;
	/* dma-iommu bounces an untrusted device's mappings: not remappable. */
	if (p->in_place && dev_is_pci(dev) && to_pci_dev(dev)->untrusted) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"an untrusted device's mappings are bounced: no in-place churn",
					" on %.16s", dev_name(dev));
		ret = -EOPNOTSUPP;
		goto fail;
	}
	h->dev = dev;
	h->portid = portid;
	h->alloc_only = p->alloc_only;
	h->map_order = p->map_order;
	h->start = p->start;
	h->end = p->end;
	strscpy(h->until_added, p->until_added, sizeof(h->until_added));
	if (h->until_added[0]) {
		struct hg_hold_name *n = kzalloc(sizeof(*n), GFP_KERNEL);

		if (!n) {
			NL_SET_ERR_MSG(extack, "no memory for the device's name");
			memset(h, 0, sizeof(*h));
			ret = -ENOMEM;
			goto fail;
		}
		strscpy(n->name, h->until_added, sizeof(n->name));
		rcu_assign_pointer(hg_hold_until, n);
	}
	/* From here on the notifiers wait for the walk and then release. */
	WRITE_ONCE(hg_hold_portid, portid);
	WRITE_ONCE(hg_hold_dev, dev);
	ret = hg_hold_fill_in(h, p, extack);
	if (!ret && p->churn) {
		if (p->in_place) {
			h->in_place = true;
			h->domain = iommu_get_domain_for_dev(dev);
			h->prot = IOMMU_READ |
				  (dev_is_dma_coherent(dev) ? IOMMU_CACHE : 0);
		}
		h->churner = kthread_run(p->in_place ? hg_hold_churn_in_place :
						       hg_hold_churn,
					 h, "hostgeom-churn");
		if (IS_ERR(h->churner)) {
			ret = PTR_ERR(h->churner);
			h->churner = NULL;
			NL_SET_ERR_MSG(extack, "cannot start the churn's thread");
			hg_hold_undo(h, "the churn's thread did not start");
			mutex_unlock(&hg_hold_lock);
			return ret;
		}
	}
	if (!ret) {
		dev_info(dev, "hostgeom: holding %u %s in %#llx-%#llx after %u maps, the first at %#llx\n",
			 h->n_held,
			 h->alloc_only ? "allocation(s)" : "mapping(s)",
			 h->start, h->end, h->maps, (u64)h->held[0].iova);
		ret = hg_hold_fill(h, v);
		if (ret) {
			NL_SET_ERR_MSG(extack, "no memory for the reply");
			/* Drops the device reference too. */
			hg_hold_undo(h, "no memory for the reply");
		}
		mutex_unlock(&hg_hold_lock);
		if (!ret && p->until_added[0] && !p->alloc_only)
			msleep(HG_HOLD_FQ_SETTLE_MS);
		return ret;
	}
	/* Nothing is mapped: hg_hold_fill_in() undid it all. */
	if (h->scratch)
		__free_pages(h->scratch, h->map_order);
	WRITE_ONCE(hg_hold_dev, NULL);
	hg_hold_unpublish_name();
	memset(h, 0, sizeof(*h));
fail:
	mutex_unlock(&hg_hold_lock);
	put_device(dev);
	return ret;
}

int hg_hold_find(const void *buf, size_t len, u64 *offset)
{
	const struct hg_hold *h = &hg_hold;
	size_t size, off;
	const u8 *p;
	int ret = 0;

	mutex_lock(&hg_hold_lock);
	if (!h->dev || !h->scratch) {
		ret = -ENOENT;
		goto out;
	}
	/* DMA addresses of whole pages: the bytes land at a page's start. */
	p = page_address(h->scratch);
	size = hg_hold_size(h);
	for (off = 0; off + len <= size; off += PAGE_SIZE) {
		if (!memcmp(p + off, buf, len)) {
			*offset = off;
			ret = 1;
			break;
		}
	}
out:
	mutex_unlock(&hg_hold_lock);
	return ret;
}

int hg_hold_get(struct hg_hold_view *v, bool release, const char *why,
		struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&hg_hold_lock);
	if (!hg_hold.dev) {
		NL_SET_ERR_MSG(extack, "nothing is held");
		ret = -ENOENT;
	} else {
		ret = v ? hg_hold_fill(&hg_hold, v) : 0;
		/* Not described, not undone: the caller may try again. */
		if (release && !ret)
			hg_hold_undo(&hg_hold, why);
	}
	mutex_unlock(&hg_hold_lock);
	return ret;
}

static int hg_hold_bus_event(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct device *dev = data;
	const char *why;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		/* Not the held device: the one the hold waits for. */
		if (!hg_hold_waits_for(dev))
			return NOTIFY_DONE;
		mutex_lock(&hg_hold_lock);
		if (hg_hold.dev && hg_hold.until_added[0] &&
		    !strcmp(dev_name(dev), hg_hold.until_added))
			hg_hold_undo(&hg_hold,
				     "the device it waited for is being added");
		mutex_unlock(&hg_hold_lock);
		return NOTIFY_DONE;
	case BUS_NOTIFY_DEL_DEVICE:
		why = "the device is being removed";
		break;
	case BUS_NOTIFY_BIND_DRIVER:
	case BUS_NOTIFY_UNBIND_DRIVER:
		why = "the device is changing drivers";
		break;
	default:
		return NOTIFY_DONE;
	}
	if (READ_ONCE(hg_hold_dev) != dev)
		return NOTIFY_DONE;
	mutex_lock(&hg_hold_lock);
	if (hg_hold.dev == dev)
		hg_hold_undo(&hg_hold, why);
	mutex_unlock(&hg_hold_lock);
	return NOTIFY_OK;
}

static int hg_hold_sock_event(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	const struct netlink_notify *n = data;

	if (action != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !READ_ONCE(hg_hold_dev) ||
	    READ_ONCE(hg_hold_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&hg_hold_lock);
	if (hg_hold.dev && hg_hold.portid == n->portid)
		hg_hold_undo(&hg_hold, "its socket was closed");
	mutex_unlock(&hg_hold_lock);
	return NOTIFY_DONE;
}

/* Before the IOMMU core's (priority 0), which probes an added device. */
static struct notifier_block hg_hold_bus_nb = {
	.notifier_call = hg_hold_bus_event,
	.priority = 1,
};

static struct notifier_block hg_hold_sock_nb = {
	.notifier_call = hg_hold_sock_event,
};

int hg_hold_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &hg_hold_bus_nb);
	if (ret)
		return ret;
	ret = netlink_register_notifier(&hg_hold_sock_nb);
	if (ret)
		bus_unregister_notifier(&pci_bus_type, &hg_hold_bus_nb);
	return ret;
}

/* After the family is gone: no request can make a hold any more. */
void hg_hold_exit(void)
{
	netlink_unregister_notifier(&hg_hold_sock_nb);
	bus_unregister_notifier(&pci_bus_type, &hg_hold_bus_nb);
	mutex_lock(&hg_hold_lock);
	hg_hold_undo(&hg_hold, "module unloading");
	mutex_unlock(&hg_hold_lock);
}
