// SPDX-License-Identifier: GPL-2.0
/*
 * Host geometry for the QEMU emitters. One vIOMMU serves every assigned
 * device, so the guest may only use what all of their groups can map: the
 * intersection of the usable ranges, and the page sizes all of them take.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/geometry.h>
#include <hostgeom/iommu_unit.h>
#include <hostgeom/qemu.h>
#include <hostgeom/ranges_query.h>

/* Adds @group's usable set and page sizes into @in (first group: copies). */
static int merge(struct hg_qemu_input *in, bool *first,
		 const struct hg_ranges *usable, uint64_t pgsizes,
		 struct hg_err *err)
{
	struct hg_ranges both = HG_RANGES_INIT;
	int ret;

	if (*first) {
		ret = hg_ranges_copy(&in->usable, usable);
		hg_ranges_normalize(&in->usable);
		in->pgsizes = pgsizes;
		*first = false;
	} else {
		ret = hg_ranges_intersect(&in->usable, usable, &both);
		if (!ret) {
			hg_ranges_free(&in->usable);
			in->usable = both;
		}
		/* 0 is "unknown": it does not narrow the other's sizes */
		if (pgsizes)
			in->pgsizes = in->pgsizes ? in->pgsizes & pgsizes : pgsizes;
	}
	return ret ? hg_err_set(err, ret, "out of memory") : 0;
}

static int add_resv(struct hg_qemu_input *in, const struct hg_group *group,
		    struct hg_err *err)
{
	struct hg_resv *v;

	if (!group->n_resv)
		return 0;
	v = realloc((void *)in->resv,
		    (in->n_resv + group->n_resv) * sizeof(*v));
	if (!v)
		return hg_err_set(err, -ENOMEM, "out of memory");
	memcpy(v + in->n_resv, group->resv, group->n_resv * sizeof(*v));
	in->resv = v;
	in->n_resv += group->n_resv;
	return 0;
}

int hg_qemu_input_from_query(const struct hg_geom_query *query,
			     struct hg_qemu_input *in, struct hg_err *err)
{
	bool first = true;
	size_t i;
	int ret;

	in->source = NULL;
	for (i = 0; i < query->n_groups; i++) {
		const struct hg_group_geom *g = &query->groups[i];
		const struct hg_ranges *usable;
		uint64_t pgsizes;

		if (g->type1_status == HG_STATUS_OK) {
			usable = &g->type1.iova;
			pgsizes = g->type1.pgsizes;
			in->source = in->source ? in->source : "type1";
		} else if (g->iommufd_status == HG_STATUS_OK) {
			usable = &g->iommufd.iova;
			/* iommufd tells only the alignment: the smallest page */
			pgsizes = g->iommufd.iova_alignment;
			in->source = in->source ? in->source : "iommufd";
		} else {
			continue;
		}
		ret = merge(in, &first, usable, pgsizes, err);
		if (!ret)
			ret = add_resv(in, g->group, err);
		if (ret)
			return ret;
	}
	if (first)
		return hg_err_set_kind(err, HG_ERR_NO_VFIO_ANSWER, -ENODEV,
				       "VFIO answered for no group: bind the devices to vfio-pci");
	if (!in->usable.n)
		return hg_err_set(err, -ERANGE,
				  "the groups have no usable IOVA range in common: no single vIOMMU fits them all");
	return 0;
}

/* The last IOMMU unit read: groups behind one unit share its width. */
struct unit_width {
	char unit[64];		/* "" before the first */
	unsigned int aw;
	uint64_t pgsizes;
};

/* The VT-d width of the first member with an IOMMU unit. */
static int group_width(const struct hg_ctx *ctx, const struct hg_group *group,
		       struct unit_width *last, struct hg_err *err)
{
	char unit[64];
	size_t i;
	int ret;

	for (i = 0; i < group->n_members; i++) {
		if (!group->members[i].is_pci ||
		    hg_iommu_unit_of(ctx, group->members[i].name, unit,
				     sizeof(unit), NULL))
			continue;
		if (last->unit[0] && !strcmp(unit, last->unit))
			return 0;
		last->unit[0] = '\0';
		ret = hg_iommu_unit_width(ctx, unit, &last->aw, &last->pgsizes,
					  err);
		if (!ret)
			memcpy(last->unit, unit, sizeof(unit));
		return ret;
	}
	return hg_err_set(err, -ENOENT,
			  "group %u: no member links to an IOMMU unit in sysfs",
			  group->id);
}

static bool wanted(unsigned int id, const unsigned int *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return !n;
}

int hg_qemu_input_from_sysfs(const struct hg_ctx *ctx,
			     const struct hg_topology *topo,
			     const unsigned int *ids, size_t n_ids,
			     struct hg_qemu_input *in, struct hg_err *err)
{
	struct hg_ranges usable = HG_RANGES_INIT;
	struct unit_width last = { .unit = "" };
	bool first = true;
	size_t i;
	int ret;

	in->source = "sysfs";
	for (i = 0; i < topo->n_groups; i++) {
		const struct hg_group *group = &topo->groups[i];

		if (!wanted(group->id, ids, n_ids))
			continue;
		ret = group_width(ctx, group, &last, err);
		if (!ret)
			ret = hg_usable_from_resv(group->resv, group->n_resv,
						  last.aw, &usable);
		if (!ret)
			ret = merge(in, &first, &usable, last.pgsizes, err);
		if (!ret)
			ret = add_resv(in, group, err);
		hg_ranges_free(&usable);
		if (ret)
			return ret < 0 ? hg_err_set(err, ret, "group %u: %s",
						    group->id, strerror(-ret))
				       : ret;
	}
	if (first)
		return hg_err_set(err, -ENODEV, "no IOMMU group to derive options from");
	if (!in->usable.n)
		return hg_err_set(err, -ERANGE,
				  "the groups have no usable IOVA range in common: no single vIOMMU fits them all");
	return 0;
}

void hg_qemu_input_free(struct hg_qemu_input *in)
{
	hg_ranges_free(&in->usable);
	free((void *)in->resv);
	in->resv = NULL;
	in->n_resv = 0;
}
