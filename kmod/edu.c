// SPDX-License-Identifier: GPL-2.0
/*
 * A device's own DMA, for DEVICE_DMA: where the DMA of a device really
 * lands, not only which addresses its DMA API hands out. A device that
 * dma-iommu refused but left attached to its group's translating domain
 * gets physical addresses from dma-direct, which the IOMMU translates
 * through the page table the other members use: its DMA faults, or lands
 * in another member's buffer.
 *
 * The one DMA engine known here is QEMU's edu device (1234:11e8). The
 * device must be bound to the stub, which enables nothing: for the request
 * only, it is enabled, BAR0 is mapped and bus mastering is turned on, and
 * all of that is undone before the reply. A page of random bytes is mapped
 * DMA_TO_DEVICE and a zeroed page DMA_FROM_DEVICE; the edu copies the
 * first into its buffer, then its buffer into the second. QEMU runs each
 * transfer from a timer, 100 ms of virtual time after the command: the
 * module polls the busy bit.
 *
 * On request it also probes whether the device's DMA is translated at all:
 * the same two transfers by physical addresses, into a third page nobody
 * mapped. Through a translating context those are IOVAs the device was
 * never given (they fault, or reach whatever such an IOVA maps: in the
 * kit's guests RAM lies far below the IOVAs dma-iommu hands out); only a
 * device whose DMA bypasses the IOMMU gets the bytes there.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sched/signal.h>

#include "hostgeom.h"

#define HG_EDU_DMA_SRC		0x80
#define HG_EDU_DMA_DST		0x88
#define HG_EDU_DMA_COUNT	0x90
#define HG_EDU_DMA_CMD		0x98
#define HG_EDU_DMA_RUN		BIT(0)	/* start; reads 1 while busy */
#define HG_EDU_DMA_TO_RAM	BIT(1)	/* from its buffer to the address */
#define HG_EDU_BUFFER		0x40000	/* its buffer's device address */
#define HG_EDU_TIMEOUT_MS	5000	/* per transfer, under TCG */

/*
 * One transfer of HOSTGEOM_EDU_DMA_BYTES, waited for. The edu takes 4- or
 * 8-byte accesses; a 32-bit kernel's writeq() is two 32-bit writes, of
 * which it keeps the first as the whole address: enough there, where DMA
 * addresses stay below 4 GiB.
 */
static int hg_edu_transfer(void __iomem *bar, u64 src, u64 dst, u32 dir)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(HG_EDU_TIMEOUT_MS);

	writeq(src, bar + HG_EDU_DMA_SRC);
	writeq(dst, bar + HG_EDU_DMA_DST);
	writeq(HOSTGEOM_EDU_DMA_BYTES, bar + HG_EDU_DMA_COUNT);
	writeq(HG_EDU_DMA_RUN | dir, bar + HG_EDU_DMA_CMD);
	while (readl(bar + HG_EDU_DMA_CMD) & HG_EDU_DMA_RUN) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		if (READ_ONCE(hg_unloading) || fatal_signal_pending(current))
			return -EINTR;
		usleep_range(2000, 5000);
	}
	return 0;
}

/*
 * Maps @p and @q, has the edu copy @p into its buffer and its buffer into
 * @q, turns bus mastering off and unmaps, whatever happened.
 */
static int hg_edu_copy(struct pci_dev *pdev, void __iomem *bar,
		       struct page *p, struct page *q, struct hg_device_dma *r,
		       struct netlink_ext_ack *extack)
{
	struct device *dev = &pdev->dev;
	dma_addr_t src, dst;
	u64 start;
	int ret;

	src = dma_map_page(dev, p, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, src)) {
		NL_SET_ERR_MSG(extack, "the DMA API did not map the pattern");
		return -EIO;
	}
	dst = dma_map_page(dev, q, 0, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, dst)) {
		dma_unmap_page(dev, src, PAGE_SIZE, DMA_TO_DEVICE);
		NL_SET_ERR_MSG(extack, "the DMA API did not map the zeroed page");
		return -EIO;
	}
	r->src = src;
	r->dst = dst;
	pci_set_master(pdev);
	start = ktime_get_ns();
	ret = hg_edu_transfer(bar, src, HG_EDU_BUFFER, 0);
	if (!ret)
		ret = hg_edu_transfer(bar, HG_EDU_BUFFER, dst,
				      HG_EDU_DMA_TO_RAM);
	r->ns = ktime_get_ns() - start;
	/* A transfer still running must not reach the pages once unmapped. */
	pci_clear_master(pdev);
	dma_unmap_page(dev, dst, PAGE_SIZE, DMA_FROM_DEVICE);
	dma_unmap_page(dev, src, PAGE_SIZE, DMA_TO_DEVICE);
	if (ret == -ETIMEDOUT)
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the edu did not finish a transfer",
					" within %u ms", HG_EDU_TIMEOUT_MS);
	else if (ret)
		NL_SET_ERR_MSG(extack, "interrupted");
	return ret;
}

/*
 * The probe: @p into the buffer and the buffer into @u, both by physical
 * address; whether @u got @p's bytes.
 */
static int hg_edu_probe(struct pci_dev *pdev, void __iomem *bar,
			struct page *p, struct page *u, struct hg_device_dma *r,
			struct netlink_ext_ack *extack)
{
	int ret;

	pci_set_master(pdev);
	ret = hg_edu_transfer(bar, page_to_phys(p), HG_EDU_BUFFER, 0);
	if (!ret)
		ret = hg_edu_transfer(bar, HG_EDU_BUFFER, page_to_phys(u),
				      HG_EDU_DMA_TO_RAM);
	pci_clear_master(pdev);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the probe's transfers did not end");
		return ret;
	}
	r->untranslated = !memcmp(page_address(u), page_address(p),
				  HOSTGEOM_EDU_DMA_BYTES);
	return 0;
}

/*
 * Enables @pdev, maps BAR0 and copies (and probes, with @u); undoes all of
 * it. Device locked.
 */
static int hg_edu_run(struct pci_dev *pdev, struct page *p, struct page *q,
		      struct page *u, struct hg_device_dma *r,
		      struct netlink_ext_ack *extack)
{
	void __iomem *bar;
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the device cannot be enabled");
		return ret;
	}
	ret = pci_request_region(pdev, 0, HOSTGEOM_STUB_DRIVER);
	if (ret) {
		NL_SET_ERR_MSG(extack, "BAR0 is in use");
		goto disable;
	}
	bar = pci_iomap(pdev, 0, 0);
	if (!bar) {
		NL_SET_ERR_MSG(extack, "BAR0 cannot be mapped");
		ret = -ENOMEM;
		goto release;
	}
	/* Writes are ignored while a transfer runs (an earlier timeout). */
	if (readl(bar + HG_EDU_DMA_CMD) & HG_EDU_DMA_RUN) {
		NL_SET_ERR_MSG(extack, "the edu is busy with an earlier transfer");
		ret = -EBUSY;
	} else {
		ret = hg_edu_copy(pdev, bar, p, q, r, extack);
		if (!ret && u)
			ret = hg_edu_probe(pdev, bar, p, u, r, extack);
	}
	pci_iounmap(pdev, bar);
release:
	pci_release_region(pdev, 0);
disable:
	pci_disable_device(pdev);
	return ret;
}

int hg_device_dma(const char *name, bool probe, struct hg_device_dma *r,
		  struct netlink_ext_ack *extack)
{
	struct page *p, *q, *u = NULL;
	struct pci_dev *pdev;
	struct device *dev;
	u64 off = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->untranslated = -1;
	dev = bus_find_device_by_name(&pci_bus_type, NULL, name);
	if (!dev) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL, "no such PCI device",
					": %.56s", name);
		return -ENODEV;
	}
	pdev = to_pci_dev(dev);
	strscpy(r->device, dev_name(dev), sizeof(r->device));
	p = alloc_page(GFP_KERNEL);
	q = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (probe)
		u = alloc_page(GFP_KERNEL | __GFP_ZERO);
	device_lock(dev);
	if (dev->driver != &hg_stub_driver.driver) {
		HG_SET_ERR_MSG_ATTR_FMT(extack, NULL,
					"the device is not bound to",
					" %s", HOSTGEOM_STUB_DRIVER);
		ret = -EINVAL;
	} else if (pdev->vendor != HOSTGEOM_EDU_VENDOR ||
		   pdev->device != HOSTGEOM_EDU_DEVICE) {
		NL_SET_ERR_MSG(extack,
			       "no DMA engine known here: not a QEMU edu (1234:11e8)");
		ret = -EOPNOTSUPP;
	} else if (!p || !q || (probe && !u)) {
		NL_SET_ERR_MSG(extack, "no memory for the pages");
		ret = -ENOMEM;
	} else {
		/* New bytes each time: the edu's buffer keeps the last ones. */
		get_random_bytes(page_address(p), HOSTGEOM_EDU_DMA_BYTES);
		r->dma_iommu = hg_dma_iommu(dev);
		ret = hg_edu_run(pdev, p, q, u, r, extack);
	}
	device_unlock(dev);
	if (!ret) {
		r->bytes = HOSTGEOM_EDU_DMA_BYTES;
		r->own = !memcmp(page_address(q), page_address(p), r->bytes);
		r->held = hg_hold_find(page_address(p), r->bytes, &off);
		dev_info(dev, "hostgeom: DMA through %#llx and %#llx (IOMMU DMA ops: %d): its own bytes %s\n",
			 r->src, r->dst, r->dma_iommu,
			 r->own ? "came back" : "did not come back");
		if (r->held > 0)
			dev_warn(dev, "hostgeom: its bytes landed in the held buffer, at offset %#llx\n",
				 off);
		if (r->untranslated > 0)
			dev_warn(dev, "hostgeom: its DMA reaches memory by physical address, untranslated\n");
	}
	if (p)
		__free_page(p);
	if (q)
		__free_page(q);
	if (u)
		__free_page(u);
	put_device(dev);
	return ret;
}
