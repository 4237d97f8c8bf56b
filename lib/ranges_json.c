// SPDX-License-Identifier: GPL-2.0
/*
 * JSON forms of what "ranges" and "check" found. Absent values are JSON
 * null rather than missing keys, so that every object of a kind has the
 * same keys.
 */
#include <errno.h>
#include <stdio.h>

#include <linux/iommufd.h>

#include <hostgeom/json.h>
#include <hostgeom/ranges_json.h>

static void add(json_object *obj, const char *key, json_object *val)
{
	if (!obj || json_object_object_add(obj, key, val))
		json_object_put(val);
}

static void append(json_object *arr, json_object *val)
{
	if (!arr || json_object_array_add(arr, val))
		json_object_put(val);
}

static json_object *string(const char *s)
{
	return json_object_new_string(s);
}

static json_object *status(enum hg_status status, const char *reason)
{
	json_object *obj = json_object_new_object();

	add(obj, "status", string(hg_status_name(status)));
	if (status == HG_STATUS_UNAVAILABLE || status == HG_STATUS_FAILED)
		add(obj, "reason", string(reason));
	return obj;
}

/* "KEY": "0x...", "KEY_human": "4K 2M 1G" */
static void pgsizes(json_object *obj, const char *key, uint64_t bitmap)
{
	char human[128], name[64];

	hg_pgsizes_human(bitmap, human, sizeof(human));
	add(obj, key, hg_json_hex(bitmap));
	snprintf(name, sizeof(name), "%s_human", key);
	add(obj, name, string(human));
}

static json_object *migration(const struct hg_type1_info *t)
{
	json_object *obj;

	if (!t->have_migration)
		return NULL;
	obj = json_object_new_object();
	add(obj, "flags", json_object_new_int64(t->mig_flags));
	add(obj, "pgsizes", hg_json_hex(t->mig_pgsize_bitmap));
	add(obj, "max_dirty_bitmap_size",
	    hg_json_hex(t->mig_max_dirty_bitmap_size));
	return obj;
}

static json_object *type1(const struct hg_group_geom *g)
{
	const struct hg_type1_info *t = &g->type1;
	json_object *obj = status(g->type1_status, g->type1_err.msg);

	if (g->type1_status != HG_STATUS_OK)
		return obj;
	pgsizes(obj, "pgsizes", t->pgsizes);
	add(obj, "min_pgsize", hg_json_hex(hg_min_pgsize(t->pgsizes)));
	add(obj, "aw_bits", t->have_iova_ranges ?
	    json_object_new_int(hg_aw_bits_of(&t->iova)) : NULL);
	add(obj, "ranges", t->have_iova_ranges ? hg_json_ranges(&t->iova)
					       : NULL);
	add(obj, "dma_avail", t->have_dma_avail ?
	    json_object_new_int64(t->dma_avail) : NULL);
	add(obj, "migration", migration(t));
	return obj;
}

static json_object *vtd(const struct hg_vtd_caps *v)
{
	json_object *obj = json_object_new_object();

	add(obj, "cap_reg", hg_json_hex(v->cap_reg));
	add(obj, "ecap_reg", hg_json_hex(v->ecap_reg));
	add(obj, "mgaw", json_object_new_int(v->mgaw));
	add(obj, "sagaw", hg_json_hex(v->sagaw));
	add(obj, "max_sagaw_bits", json_object_new_int(v->max_sagaw_bits));
	pgsizes(obj, "sl_pgsizes", v->sl_pgsizes);
	add(obj, "domain_id_bits", json_object_new_int(v->nd));
	add(obj, "caching_mode", json_object_new_boolean(v->caching_mode));
	add(obj, "interrupt_remapping",
	    json_object_new_boolean(v->interrupt_remapping));
	add(obj, "pass_through", json_object_new_boolean(v->pass_through));
	add(obj, "nested", json_object_new_boolean(v->nested));
	add(obj, "pasid", json_object_new_boolean(v->pasid));
	return obj;
}

static json_object *hw_info(const struct hg_iommufd_info *f)
{
	bool is_vtd = f->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD;
	json_object *obj;

	if (!f->have_hw_info)
		return NULL;
	obj = json_object_new_object();
	add(obj, "type", string(is_vtd ? "intel-vtd" :
				f->hw_type == IOMMU_HW_INFO_TYPE_NONE ? "none"
								      : "unknown"));
	add(obj, "type_id", json_object_new_int(f->hw_type));
	add(obj, "capabilities", hg_json_hex(f->hw_caps));
	add(obj, "max_pasid_log2", json_object_new_int(f->max_pasid_log2));
	add(obj, "vtd", is_vtd ? vtd(&f->vtd) : NULL);
	return obj;
}

static json_object *iommufd(const struct hg_group_geom *g)
{
	const struct hg_iommufd_info *f = &g->iommufd;
	json_object *obj = status(g->iommufd_status, g->iommufd_err.msg);

	if (g->iommufd_status != HG_STATUS_OK)
		return obj;
	add(obj, "iova_alignment", hg_json_hex(f->iova_alignment));
	add(obj, "aw_bits", json_object_new_int(hg_aw_bits_of(&f->iova)));
	add(obj, "ranges", hg_json_ranges(&f->iova));
	add(obj, "hw_info", hw_info(f));
	return obj;
}

static json_object *members(const struct hg_group *group)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < group->n_members; i++)
		append(arr, string(group->members[i].name));
	return arr;
}

json_object *hg_json_geom_group(const struct hg_group_geom *geom)
{
	json_object *obj = json_object_new_object();

	add(obj, "group", json_object_new_int64(geom->group->id));
	add(obj, "members", members(geom->group));
	add(obj, "type1", type1(geom));
	add(obj, "iommufd", iommufd(geom));
	return obj;
}

json_object *hg_json_geom_skipped(const struct hg_geom_query *query)
{
	json_object *arr = json_object_new_array(), *obj;
	size_t i;

	for (i = 0; i < query->n_skipped; i++) {
		obj = json_object_new_object();
		add(obj, "group", json_object_new_int64(query->skipped[i].id));
		add(obj, "reason", string(query->skipped[i].reason));
		append(arr, obj);
	}
	return arr;
}

int hg_json_geom_query(json_object *obj, const struct hg_geom_query *query)
{
	json_object *arr = json_object_new_array_ext(query->n_groups);
	json_object *skipped = hg_json_geom_skipped(query);
	size_t i;

	for (i = 0; arr && i < query->n_groups; i++)
		append(arr, hg_json_geom_group(&query->groups[i]));
	if (!arr || !skipped ||
	    json_object_array_length(arr) != query->n_groups ||
	    json_object_array_length(skipped) != query->n_skipped) {
		json_object_put(arr);
		json_object_put(skipped);
		return -ENOMEM;
	}
	add(obj, "groups", arr);
	add(obj, "skipped", skipped);
	return 0;
}

static json_object *source(const struct hg_group_check *c, enum hg_source src)
{
	json_object *obj = status(c->status[src], c->why_not[src]);

	if (c->have[src])
		add(obj, "ranges", hg_json_ranges(&c->usable[src]));
	return obj;
}

static json_object *comparison(const struct hg_compare *cmp)
{
	json_object *obj = json_object_new_object(), *arr, *d;
	size_t j;

	add(obj, "a", string(hg_source_name(cmp->a)));
	add(obj, "b", string(hg_source_name(cmp->b)));
	add(obj, "agree", json_object_new_boolean(!cmp->n_diffs));
	arr = json_object_new_array();
	for (j = 0; j < cmp->n_diffs; j++) {
		d = hg_json_range(cmp->diffs[j].range.start,
				  cmp->diffs[j].range.end);
		add(d, "usable_in", string(hg_source_name(
			cmp->diffs[j].in_a ? cmp->a : cmp->b)));
		append(arr, d);
	}
	add(obj, "differences", arr);
	return obj;
}

json_object *hg_json_group_check(const struct hg_group_check *check,
				 const struct hg_group_geom *geom)
{
	json_object *obj = json_object_new_object(), *srcs, *arr;
	size_t i;

	add(obj, "group", json_object_new_int64(check->id));
	add(obj, "members", members(geom->group));
	add(obj, "checked", json_object_new_boolean(hg_group_checked(check)));
	add(obj, "agree", json_object_new_boolean(hg_group_agrees(check)));
	add(obj, "aw_bits", check->aw_bits ?
	    json_object_new_int(check->aw_bits) : NULL);
	add(obj, "aw_source", check->aw_source ? string(check->aw_source)
					       : NULL);
	srcs = json_object_new_object();
	for (i = 0; i < HG_SRC_COUNT; i++)
		add(srcs, hg_source_name(i), source(check, i));
	add(obj, "sources", srcs);
	arr = json_object_new_array();
	for (i = 0; i < check->n_cmp; i++)
		append(arr, comparison(&check->cmp[i]));
	add(obj, "comparisons", arr);
	add(obj, "iommufd_unattached", check->unattached[0] ?
	    string(check->unattached) : NULL);
	return obj;
}
