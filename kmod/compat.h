/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostgeom_test: what differs between the kernels the module builds for,
 * from 6.1 (Debian 12's kernel) on. Each block says which release changed
 * it; the rest of the module uses only the names defined here.
 */
#ifndef HOSTGEOM_KMOD_COMPAT_H
#define HOSTGEOM_KMOD_COMPAT_H

#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mmzone.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* Kernel release MAJOR.MINOR or later. */
#define HG_SINCE(major, minor) \
	(KERNEL_VERSION(major, minor, 0) <= LINUX_VERSION_CODE)

/*
 * The largest order alloc_pages() takes: MAX_PAGE_ORDER since 6.8; before,
 * MAX_ORDER, which until 6.4 was one above it.
 */
#if defined(MAX_PAGE_ORDER)
#define HG_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif HG_SINCE(6, 4)
#define HG_MAX_PAGE_ORDER	MAX_ORDER
#else
#define HG_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * An extack message @msg, followed by @details formatted (6.2 on): before
 * 6.2 extack messages are fixed strings, so only @msg is sent (@details
 * is still checked against @args).
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define HG_SET_ERR_MSG_ATTR_FMT(extack, attr, msg, details, args...) \
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, msg details, ##args)
#else
#define HG_SET_ERR_MSG_ATTR_FMT(extack, attr, msg, details, args...) \
	do {							\
		NL_SET_ERR_MSG_ATTR(extack, attr, msg);		\
		no_printk(details, ##args);			\
	} while (0)
#endif

/* The request's attributes in a dump: a genl_info of its own since 6.6. */
static inline struct nlattr **hg_dump_attrs(struct netlink_callback *cb)
{
#if HG_SINCE(6, 6)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * A device's own reserved regions. iommu_get_resv_regions() is exported
 * since 6.6; before, the module asks the device's IOMMU driver itself,
 * which is all that function does. iommu_put_resv_regions() frees them
 * either way.
 */
static inline void hg_get_resv_regions(struct device *dev,
				       struct list_head *list)
{
#if HG_SINCE(6, 6)
	iommu_get_resv_regions(dev, list);
#else
	const struct iommu_ops *ops = dev->iommu->iommu_dev->ops;

	if (ops->get_resv_regions)
		ops->get_resv_regions(dev, list);
#endif
}

/*
 * dma-iommu hands a PCI device with a mask wider than 32 bits IOVAs below
 * 4 GiB first (unless iommu.forcedac=1). Newer kernels keep that in
 * dev_iommu.pci_32bit_workaround (6.8 has it, 6.5 not yet) and clear it
 * the first time the 32-bit space is full; the module reads it from 6.8
 * on. 6.1 keeps no flag and tries the 32-bit space first every time: there
 * the module says yes for every PCI device (it cannot see
 * iommu.forcedac=1), and hg_left_32bit() looks for the jump above 4 GiB.
 */
static inline bool hg_32bit_first(struct device *dev)
{
#if HG_SINCE(6, 8)
	return dev->iommu && dev->iommu->pci_32bit_workaround;
#else
	return dev->iommu && dev_is_pci(dev);
#endif
}

/*
 * Whether dma-iommu just gave up on the 32-bit space for @dev: @first32
 * is hg_32bit_first() before the mapping at @iova was made, @prev the
 * mapping before it in the same phase (0: none).
 */
static inline bool hg_left_32bit(struct device *dev, bool first32,
				 dma_addr_t prev, dma_addr_t iova)
{
#if HG_SINCE(6, 8)
	return first32 && !hg_32bit_first(dev);
#else
	return first32 && prev && prev < SZ_4G && iova >= SZ_4G;
#endif
}

/*
 * Whether @dev uses the IOMMU DMA ops: 1 yes, 0 no, -1 this kernel does
 * not say. 6.12 added the bit dev->dma_iommu (with CONFIG_IOMMU_DMA only:
 * without it no device can); a later release moved it into dev->flags
 * (DEV_FLAG_DMA_IOMMU, read with dev_dma_iommu(); 7.3 has it). Which
 * release is not known here, so Kbuild looks for the flag in the
 * kernel's include/linux/device.h (HG_HAVE_DEV_FLAG_DMA_IOMMU). Before
 * 6.12 dma-iommu set dev->dma_ops to its own iommu_dma_ops, which is
 * static: a module cannot tell.
 */
static inline int hg_dma_iommu(const struct device *dev)
{
#if defined(HG_HAVE_DEV_FLAG_DMA_IOMMU)
	return dev_dma_iommu(dev);
#elif HG_SINCE(6, 12) && defined(CONFIG_IOMMU_DMA)
	return dev->dma_iommu;
#elif HG_SINCE(6, 12)
	return 0;
#else
	return -1;
#endif
}

/* iommu_map() with a gfp_t since 6.3; before, it allocated with GFP_KERNEL. */
static inline int hg_iommu_map(struct iommu_domain *domain, unsigned long iova,
			       phys_addr_t paddr, size_t size, int prot)
{
#if HG_SINCE(6, 3)
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

/*
 * An IOVA allocated through @dev's DMA API and not mapped: the two-step
 * DMA API (dma_iova_try_alloc(), dma_iova_free()) has it, 7.3 does, 6.12
 * does not. Kbuild looks for it in the kernel's include/linux/dma-mapping.h
 * (HG_HAVE_DMA_IOVA_TRY_ALLOC). Without it HG_IOVA_ALLOC is false and
 * hg_iova_alloc() fails.
 */
#if defined(HG_HAVE_DMA_IOVA_TRY_ALLOC)

#define HG_IOVA_ALLOC	true

struct hg_iova {
	struct dma_iova_state state;
};

/* The IOVA, or DMA_MAPPING_ERROR. */
static inline dma_addr_t hg_iova_alloc(struct device *dev, struct hg_iova *i,
				       size_t size)
{
	return dma_iova_try_alloc(dev, &i->state, 0, size) ? i->state.addr :
							     DMA_MAPPING_ERROR;
}

static inline void hg_iova_free(struct device *dev, struct hg_iova *i)
{
	dma_iova_free(dev, &i->state);
}
#else
#define HG_IOVA_ALLOC	false

struct hg_iova {
	dma_addr_t addr;
};

static inline dma_addr_t hg_iova_alloc(struct device *dev, struct hg_iova *i,
				       size_t size)
{
	return DMA_MAPPING_ERROR;
}

static inline void hg_iova_free(struct device *dev, struct hg_iova *i)
{
}
#endif

#endif /* HOSTGEOM_KMOD_COMPAT_H */
