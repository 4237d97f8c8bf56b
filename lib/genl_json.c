// SPDX-License-Identifier: GPL-2.0
/*
 * JSON forms of the test module's replies. A builder records the first
 * allocation failure in its struct jb and goes on, so that the code reads
 * as the list of keys it produces; the object is dropped at the end.
 */
#include <stdlib.h>

#include <hostgeom/genl_json.h>
#include <hostgeom/genl_verdict.h>
#include <hostgeom/json.h>

struct jb {
	bool failed;
};

static void add(struct jb *b, json_object *obj, const char *key,
		json_object *val)
{
	if (!obj || !val || json_object_object_add(obj, key, val)) {
		json_object_put(val);
		b->failed = true;
	}
}

/* @val, or null when @present is false (@val is then dropped). */
static void add_opt(struct jb *b, json_object *obj, const char *key,
		    bool present, json_object *val)
{
	if (present) {
		add(b, obj, key, val);
		return;
	}
	json_object_put(val);
	if (!obj || json_object_object_add(obj, key, NULL))
		b->failed = true;
}

static void push(struct jb *b, json_object *arr, json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		json_object_put(val);
		b->failed = true;
	}
}

static json_object *finish(struct jb *b, json_object *obj)
{
	if (b->failed || !obj) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

json_object *hg_json_kregion(const struct hg_kregion *r)
{
	json_object *obj = hg_json_range(r->start, r->end);
	struct jb b = { 0 };

	add(&b, obj, "type", json_object_new_string(
		    hg_resv_type_name(r->type)));
	return finish(&b, obj);
}

static json_object *kdevice(const struct hg_kgroup *g,
			    const struct hg_kdevice *d)
{
	json_object *obj = json_object_new_object(), *arr, *r;
	struct jb b = { 0 };
	size_t i;

	add(&b, obj, "name", json_object_new_string(d->name));
	add_opt(&b, obj, "bus", d->bus[0], json_object_new_string(d->bus));
	add_opt(&b, obj, "driver", d->driver[0],
		json_object_new_string(d->driver));
	add(&b, obj, "stub", json_object_new_boolean(d->stub));
	add(&b, obj, "dma_mask", hg_json_hex(d->dma_mask));
	add(&b, obj, "coherent_dma_mask", hg_json_hex(d->coherent_mask));
	add(&b, obj, "bus_dma_limit", hg_json_hex(d->bus_dma_limit));
	add_opt(&b, obj, "pci_32bit_first", d->has_iommu,
		json_object_new_boolean(d->pci_32bit_first));
	add_opt(&b, obj, "dma_iommu", d->dma_iommu >= 0,
		json_object_new_boolean(d->dma_iommu > 0));
	arr = json_object_new_array_ext(d->n_resv);
	add(&b, obj, "reserved_regions", arr);
	for (i = 0; !b.failed && i < d->n_resv; i++) {
		r = hg_json_kregion(&d->resv[i]);
		add(&b, r, "all_members", json_object_new_boolean(
			    hg_kgroup_region_shared(g, &d->resv[i])));
		push(&b, arr, r);
	}
	return finish(&b, obj);
}

/* Adds the group's keys to @obj. */
static void kgroup_keys(struct jb *b, json_object *obj,
			const struct hg_kgroup *g)
{
	json_object *arr;
	size_t i;

	add(b, obj, "id", json_object_new_int64(g->id));
	add(b, obj, "domain", json_object_new_string(
		    hg_domain_type_name(g->domain_type)));
	add_opt(b, obj, "aperture", g->has_geometry,
		hg_json_range(g->aperture_start, g->aperture_end));
	add_opt(b, obj, "force_aperture", g->has_geometry,
		json_object_new_boolean(g->force_aperture));
	add_opt(b, obj, "pgsize_bitmap", g->has_geometry,
		hg_json_hex(g->pgsize_bitmap));
	arr = json_object_new_array_ext(g->n_resv);
	add(b, obj, "reserved_regions", arr);
	for (i = 0; !b->failed && i < g->n_resv; i++)
		push(b, arr, hg_json_kregion(&g->resv[i]));
	arr = json_object_new_array_ext(g->n_devs);
	add(b, obj, "devices", arr);
	for (i = 0; !b->failed && i < g->n_devs; i++)
		push(b, arr, kdevice(g, &g->devs[i]));
}

json_object *hg_json_kgroup(const struct hg_kgroup *g)
{
	json_object *obj = json_object_new_object();
	struct jb b = { 0 };

	kgroup_keys(&b, obj, g);
	return finish(&b, obj);
}

json_object *hg_json_kgroups(const struct hg_kgroups *groups)
{
	json_object *obj = json_object_new_object(), *arr;
	struct jb b = { 0 };
	size_t i;

	arr = json_object_new_array_ext(groups->n);
	add(&b, obj, "groups", arr);
	for (i = 0; !b.failed && i < groups->n; i++)
		push(&b, arr, hg_json_kgroup(&groups->v[i]));
	return finish(&b, obj);
}

/* A member's region with its owner: REGION + {"owner"}. */
static json_object *owned_region(const char *owner, const struct hg_kregion *r)
{
	json_object *obj = hg_json_kregion(r);
	struct jb b = { 0 };

	add(&b, obj, "owner", json_object_new_string(owner));
	return finish(&b, obj);
}

static json_object *phase(const struct hg_carve_group *cg,
			  const struct hg_carve_walk *w, size_t i)
{
	const struct hg_carve_phase *ph = &w->phase[i];
	json_object *obj = json_object_new_object();
	struct hg_map_failure f;
	struct jb b = { 0 };

	hg_carve_phase_map_failure(cg, w, i, &f);
	add(&b, obj, "mask_bits", json_object_new_int(ph->mask_bits));
	add(&b, obj, "limit", hg_json_hex(ph->limit));
	add(&b, obj, "target", hg_json_hex(ph->target));
	add(&b, obj, "maps", json_object_new_int64(ph->maps));
	add_opt(&b, obj, "first", ph->has_first, hg_json_hex(ph->first));
	add(&b, obj, "stop", json_object_new_string(
		    hg_carve_stop_name(ph->stop)));
	add_opt(&b, obj, "map_failure", f.kind != HG_MF_NONE,
		json_object_new_string(hg_map_failure_kind_name(f.kind)));
	add_opt(&b, obj, "map_failed_at", f.has_iova,
		hg_json_range(f.start, f.end));
	add_opt(&b, obj, "map_failed_region", f.kind == HG_MF_REGION,
		owned_region(f.owner, &f.region));
	return finish(&b, obj);
}

static json_object *segment(const struct hg_carve_group *cg,
			    const struct hg_carve_walk *w, size_t i)
{
	const struct hg_carve_segment *s = &w->seg[i];
	json_object *obj = hg_json_range(s->low, s->high);
	struct jb b = { 0 };

	add(&b, obj, "maps", json_object_new_int64(s->maps));
	add(&b, obj, "exhausted", json_object_new_boolean(
		    hg_carve_segment_exhausted(cg, w, i)));
	return finish(&b, obj);
}

static json_object *hit(const struct hg_carve_hit *h)
{
	json_object *obj = hg_json_range(h->first, h->end);
	struct jb b = { 0 };

	add(&b, obj, "count", json_object_new_int64(h->count));
	add(&b, obj, "owner", json_object_new_string(h->owner));
	add(&b, obj, "region", hg_json_kregion(&h->region));
	return finish(&b, obj);
}

static json_object *walk(const struct hg_carve_group *cg,
			 const struct hg_carve_walk *w)
{
	json_object *obj = json_object_new_object(), *arr;
	double secs = w->ns / 1e9;
	struct jb b = { 0 };
	size_t i;

	add(&b, obj, "device", json_object_new_string(w->device));
	add(&b, obj, "skip", json_object_new_string(
		    hg_carve_skip_name(w->skip)));
	add(&b, obj, "map_size", hg_json_hex(w->map_size));
	add(&b, obj, "maps", json_object_new_int64(w->maps));
	add(&b, obj, "ns", json_object_new_int64(w->ns));
	add_opt(&b, obj, "maps_per_second", w->ns > 0,
		json_object_new_int64(w->ns ? (int64_t)(w->maps / secs) : 0));
	add(&b, obj, "through_top32", json_object_new_boolean(
		    hg_carve_walk_through_top32(w)));
	add_opt(&b, obj, "reached_aperture_top", w->n_phase > 1,
		json_object_new_boolean(hg_carve_walk_reached_top(cg, w)));
	arr = json_object_new_array_ext(w->n_phase);
	add(&b, obj, "phases", arr);
	for (i = 0; !b.failed && i < w->n_phase; i++)
		push(&b, arr, phase(cg, w, i));
	arr = json_object_new_array_ext(w->n_seg);
	add(&b, obj, "segments", arr);
	for (i = 0; !b.failed && i < w->n_seg; i++)
		push(&b, arr, segment(cg, w, i));
	add(&b, obj, "segments_dropped",
	    json_object_new_int64(w->segs_dropped));
	add(&b, obj, "hits", json_object_new_int64(w->hits));
	add(&b, obj, "hits_dropped", json_object_new_int64(w->hits_dropped));
	arr = json_object_new_array_ext(w->n_hit);
	add(&b, obj, "hit_runs", arr);
	for (i = 0; !b.failed && i < w->n_hit; i++)
		push(&b, arr, hit(&w->hit[i]));
	return finish(&b, obj);
}

static json_object *region_check(const struct hg_region_check *c)
{
	json_object *obj = hg_json_kregion(&c->region);
	struct jb b = { 0 };

	add(&b, obj, "owner", json_object_new_string(c->owner));
	add(&b, obj, "verdict", json_object_new_string(
		    hg_region_verdict_name(c->verdict)));
	add(&b, obj, "hits", json_object_new_int64(c->hits));
	add(&b, obj, "all_members", json_object_new_boolean(c->all_members));
	return finish(&b, obj);
}

static json_object *carve_group(const struct hg_carve_result *res,
				const struct hg_carve_group *cg)
{
	json_object *obj = json_object_new_object(), *arr;
	struct hg_region_check *checks = NULL;
	struct jb b = { 0 };
	size_t i, n = 0;

	kgroup_keys(&b, obj, &cg->group);
	add(&b, obj, "verdict", json_object_new_string(
		    hg_carve_verdict_name(hg_carve_group_verdict(cg))));
	arr = json_object_new_array_ext(cg->n_walks);
	add(&b, obj, "walks", arr);
	for (i = 0; !b.failed && i < cg->n_walks; i++)
		push(&b, arr, walk(cg, &cg->walks[i]));
	if (hg_carve_regions(cg, res, &checks, &n, NULL))
		b.failed = true;
	arr = json_object_new_array_ext(n);
	add(&b, obj, "regions", arr);
	for (i = 0; !b.failed && i < n; i++)
		push(&b, arr, region_check(&checks[i]));
	free(checks);
	return finish(&b, obj);
}

json_object *hg_json_carve(const struct hg_carve_result *res)
{
	json_object *obj = json_object_new_object(), *arr;
	struct jb b = { 0 };
	size_t i;

	add(&b, obj, "verdict", json_object_new_string(
		    hg_carve_verdict_name(hg_carve_verdict(res))));
	add(&b, obj, "hits", json_object_new_int64(res->hits));
	add(&b, obj, "ns", json_object_new_int64(res->ns));
	add_opt(&b, obj, "canary", res->has_canary,
		hg_json_range(res->canary.start, res->canary.end));
	arr = json_object_new_array_ext(res->n_groups);
	add(&b, obj, "groups", arr);
	for (i = 0; !b.failed && i < res->n_groups; i++)
		push(&b, arr, carve_group(res, &res->groups[i]));
	return finish(&b, obj);
}
