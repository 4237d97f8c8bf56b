// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of IOMMU groups: the members, each member's own reserved
 * regions (iommu_get_resv_regions) and the group's union of them.
 *
 * iommu_group_for_each_dev() and iommu_get_group_resv_regions() both take
 * the group mutex, so the members are collected first (device references),
 * and everything else is read afterwards, outside that mutex.
 */
#include <linux/slab.h>
#include <linux/sort.h>

#include "hostgeom.h"

static int hg_group_cmp(const void *a, const void *b)
{
	u32 ia = iommu_group_id(*(struct iommu_group * const *)a);
	u32 ib = iommu_group_id(*(struct iommu_group * const *)b);

	return ia < ib ? -1 : ia > ib;
}

static bool hg_group_listed(const struct hg_group_list *list,
			    const struct iommu_group *group)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		if (list->group[i] == group)
			return true;
	return false;
}

/*
 * No exported way walks all IOMMU groups: they are found through their
 * PCI members (non-PCI members still show up in the snapshot).
 */
int hg_group_list_get(struct hg_group_list *list)
{
	struct iommu_group **grown;
	struct pci_dev *pdev = NULL;
	struct iommu_group *group;
	unsigned int cap = 0;

	list->group = NULL;
	list->n = 0;
	for_each_pci_dev(pdev) {
		group = iommu_group_get(&pdev->dev);
		if (!group)
			continue;
		if (hg_group_listed(list, group)) {
			iommu_group_put(group);
			continue;
		}
		if (list->n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = krealloc_array(list->group, cap,
					       sizeof(*grown), GFP_KERNEL);
			if (!grown) {
				iommu_group_put(group);
				pci_dev_put(pdev);
				hg_group_list_put(list);
				return -ENOMEM;
			}
			list->group = grown;
		}
		list->group[list->n++] = group;
	}
	sort(list->group, list->n, sizeof(*list->group), hg_group_cmp, NULL);
	return 0;
}

void hg_group_list_put(struct hg_group_list *list)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		iommu_group_put(list->group[i]);
	kfree(list->group);
	list->group = NULL;
	list->n = 0;
}

static int hg_count_member(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

unsigned int hg_group_member_count(struct iommu_group *group)
{
	unsigned int n = 0;

	iommu_group_for_each_dev(group, &n, hg_count_member);
	return n;
}

struct hg_collect {
	struct hg_member *members;
	unsigned int n;
	unsigned int cap;
};

/* Runs under the group mutex: takes references, nothing else. */
static int hg_collect_member(struct device *dev, void *data)
{
	struct hg_collect *c = data;
	struct hg_member *grown;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4;
		grown = krealloc_array(c->members, c->cap, sizeof(*grown),
				       GFP_KERNEL);
		if (!grown)
			return -ENOMEM;
		c->members = grown;
	}
	memset(&c->members[c->n], 0, sizeof(c->members[c->n]));
	c->members[c->n++].dev = get_device(dev);
	return 0;
}

static u32 hg_resv_type(enum iommu_resv_type type)
{
	switch (type) {
	case IOMMU_RESV_DIRECT:
		return HOSTGEOM_RESV_DIRECT;
	case IOMMU_RESV_DIRECT_RELAXABLE:
		return HOSTGEOM_RESV_DIRECT_RELAXABLE;
	case IOMMU_RESV_RESERVED:
		return HOSTGEOM_RESV_RESERVED;
	case IOMMU_RESV_MSI:
		return HOSTGEOM_RESV_MSI;
	case IOMMU_RESV_SW_MSI:
		return HOSTGEOM_RESV_SW_MSI;
	}
	return HOSTGEOM_RESV_UNKNOWN;
}

/* Copies a kernel region list into an array; the list is left as is. */
static int hg_copy_regions(struct list_head *list, int owner,
			   struct hg_region **out, unsigned int *n)
{
	struct iommu_resv_region *r;
	struct hg_region *v;
	unsigned int i = 0;

	*out = NULL;
	*n = 0;
	list_for_each_entry(r, list, list)
		i++;
	if (!i)
		return 0;
	v = kcalloc(i, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	i = 0;
	list_for_each_entry(r, list, list) {
		v[i].start = r->start;
		v[i].end = r->start + r->length - 1;
		v[i].type = hg_resv_type(r->type);
		v[i].owner = owner;
		i++;
	}
	*out = v;
	*n = i;
	return 0;
}

static u32 hg_domain_type(const struct iommu_domain *domain)
{
	if (!domain)
		return HOSTGEOM_DOMAIN_NONE;
	switch (domain->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return HOSTGEOM_DOMAIN_BLOCKED;
	case IOMMU_DOMAIN_IDENTITY:
		return HOSTGEOM_DOMAIN_IDENTITY;
	case IOMMU_DOMAIN_UNMANAGED:
		return HOSTGEOM_DOMAIN_UNMANAGED;
	case IOMMU_DOMAIN_DMA:
		return HOSTGEOM_DOMAIN_DMA;
	case IOMMU_DOMAIN_DMA_FQ:
		return HOSTGEOM_DOMAIN_DMA_FQ;
	}
	return HOSTGEOM_DOMAIN_OTHER;
}

static int hg_member_read(struct hg_member *m, int index)
{
	struct device *dev = m->dev;
	struct device_driver *drv = READ_ONCE(dev->driver);
	LIST_HEAD(resv);
	int ret;

	if (drv)
		strscpy(m->driver, drv->name, sizeof(m->driver));
	m->stub = drv == &hg_stub_driver.driver;
	m->dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	m->coherent_mask = dev->coherent_dma_mask;
	m->bus_dma_limit = dev->bus_dma_limit;
	m->dma_iommu = hg_dma_iommu(dev);
	/* Members of groups that no IOMMU driver probed have no regions. */
	m->has_iommu = dev->iommu && dev->iommu->iommu_dev;
	if (!m->has_iommu)
		return 0;
	m->pci_32bit_first = hg_32bit_first(dev);
	hg_get_resv_regions(dev, &resv);
	ret = hg_copy_regions(&resv, index, &m->resv, &m->n_resv);
	iommu_put_resv_regions(dev, &resv);
	return ret;
}

/*
 * Where each page of a direct region goes in @domain: to itself (the
 * identity mapping the IOMMU core made when the member joined), nowhere,
 * or elsewhere. The last is what the allocator's view cannot show: the
 * core skips a page that is mapped already (another member's IOVA, an MSI
 * doorbell), so the region looks kept out while the device's own DMA to
 * it goes somewhere else.
 */
static void hg_region_translate(struct iommu_domain *domain,
				struct hg_region *r)
{
	unsigned long pgsize = 1UL << __ffs(domain->pgsize_bitmap);
	u64 iova = r->start & ~((u64)pgsize - 1);
	phys_addr_t phys;
	u32 n;

	r->translated = true;
	for (n = 0; n < HOSTGEOM_REGION_MAX_PAGES && iova <= r->end; n++) {
		phys = iommu_iova_to_phys(domain, iova);
		if (phys == iova) {
			r->pages_identity++;
		} else if (!phys) {
			r->pages_unmapped++;
		} else if (!r->pages_foreign++) {
			r->foreign_iova = iova;
			r->foreign_phys = phys;
		}
		if (iova + pgsize < iova)
			break;	/* the top of the address space */
		iova += pgsize;
	}
}

static void hg_domain_read(struct hg_group_snap *g)
{
	struct iommu_domain *domain = NULL;
	struct hg_member *m;
	unsigned int i, j;

	/* Outside the group mutex: newer kernels assert it is not held. */
	for (i = 0; i < g->n_members && !domain; i++)
		domain = iommu_get_domain_for_dev(g->members[i].dev);
	g->domain_type = hg_domain_type(domain);
	if (!domain)
		return;
	g->dma_api = domain->type & __IOMMU_DOMAIN_DMA_API;
	g->aperture_start = domain->geometry.aperture_start;
	g->aperture_end = domain->geometry.aperture_end;
	g->force_aperture = domain->geometry.force_aperture;
	g->pgsize_bitmap = domain->pgsize_bitmap;
	if (!(domain->type & __IOMMU_DOMAIN_PAGING) || !domain->pgsize_bitmap)
		return;
	for (i = 0; i < g->n_members; i++) {
		m = &g->members[i];
		for (j = 0; j < m->n_resv; j++)
			if (m->resv[j].type == HOSTGEOM_RESV_DIRECT ||
			    m->resv[j].type == HOSTGEOM_RESV_DIRECT_RELAXABLE)
				hg_region_translate(domain, &m->resv[j]);
	}
}

int hg_group_snapshot(struct iommu_group *group, struct hg_group_snap *g)
{
	struct hg_collect c = { 0 };
	LIST_HEAD(resv);
	unsigned int i;
	int ret;

	memset(g, 0, sizeof(*g));
	g->group = group;
	iommu_group_ref_get(group);
	g->id = iommu_group_id(group);

	ret = iommu_group_for_each_dev(group, &c, hg_collect_member);
	g->members = c.members;
	g->n_members = c.n;
	if (ret)
		goto fail;
	for (i = 0; i < g->n_members; i++) {
		ret = hg_member_read(&g->members[i], i);
		if (ret)
			goto fail;
	}
	hg_domain_read(g);

	ret = iommu_get_group_resv_regions(group, &resv);
	if (!ret)
		ret = hg_copy_regions(&resv, 0, &g->resv, &g->n_resv);
	/* The union's entries are plain copies: nothing device-specific. */
	iommu_put_resv_regions(NULL, &resv);
	if (ret)
		goto fail;
	return 0;

fail:
	hg_group_release(g);
	return ret;
}

void hg_group_release(struct hg_group_snap *g)
{
	unsigned int i;

	for (i = 0; i < g->n_members; i++) {
		kfree(g->members[i].resv);
		put_device(g->members[i].dev);
	}
	kfree(g->members);
	kfree(g->resv);
	if (g->group)
		iommu_group_put(g->group);
	memset(g, 0, sizeof(*g));
}
