// SPDX-License-Identifier: GPL-2.0
/* The JSON form of a preflight (schema in hostgeom(1), "preflight"). */
#include <stdio.h>

#include <hostgeom/json.h>
#include <hostgeom/preflight.h>

/* Adds @val under @key; a NULL @val (out of memory) marks @failed. */
static void put(json_object *obj, const char *key, json_object *val,
		bool *failed)
{
	if (!val && failed)
		*failed = true;
	json_object_object_add(obj, key, val);
}

static json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static const char *machine_name(enum hg_pf_machine m)
{
	return m == HG_PF_PC ? "pc" : m == HG_PF_Q35 ? "q35" : "unknown";
}

static const char *viommu_name(enum hg_pf_viommu v)
{
	return v == HG_PF_VIOMMU_INTEL	? "intel"
	       : v == HG_PF_VIOMMU_VIRTIO ? "virtio"
					  : "none";
}

static json_object *guest(const struct hg_pf_guest *g, bool *failed)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put(o, "machine", json_object_new_string(machine_name(g->machine)), failed);
	put(o, "machine_type", json_object_new_string(g->machine_name), failed);
	put(o, "firmware", json_object_new_string(g->firmware == HG_PF_OVMF ?
						  "ovmf" : "seabios"), failed);
	put(o, "ram", hg_json_hex(g->ram), failed);
	put(o, "maxmem", g->maxmem ? hg_json_hex(g->maxmem) : NULL, NULL);
	put(o, "slots", json_object_new_int(g->slots), failed);
	put(o, "cpu", json_object_new_string(g->cpu_model), failed);
	put(o, "vendor", json_object_new_string(hg_pf_cpu_vendor(g) ==
						HG_PF_VENDOR_AMD ? "amd" : "intel"),
	    failed);
	put(o, "phys_bits", json_object_new_int(hg_pf_cpu_phys_bits(g)), failed);
	put(o, "viommu", json_object_new_string(viommu_name(g->viommu)), failed);
	return o;
}

static json_object *region(const struct hg_pf_region *r, bool *failed)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put(o, "kind", json_object_new_string(hg_pf_kind_name(r->kind)), failed);
	put(o, "name", json_object_new_string(r->name), failed);
	put(o, "range", hg_json_range(r->range.start, r->range.last), failed);
	return o;
}

static json_object *layout(const struct hg_pf_layout *l, bool *failed)
{
	json_object *o = json_object_new_object(), *arr;
	size_t i;

	if (!o)
		return NULL;
	put(o, "below_4g", hg_json_hex(l->below_4g), failed);
	put(o, "above_4g", hg_json_hex(l->above_4g), failed);
	put(o, "above_4g_start", hg_json_hex(l->above_4g_start), failed);
	put(o, "device_memory", l->devmem_size ?
	    hg_json_range(l->devmem_base, l->devmem_base + l->devmem_size - 1) :
	    NULL, NULL);
	put(o, "pci_hole64", hg_json_range(l->hole64_start, l->hole64_end - 1),
	    failed);
	put(o, "bars64", l->bars_high ?
	    hg_json_range(l->bars_base, l->bars_base + l->bars_size - 1) :
	    NULL, NULL);
	put(o, "aperture_bits", l->aperture_bits ?
	    json_object_new_int(l->aperture_bits) : NULL, NULL);
	put(o, "refused", str_or_null(l->refused), NULL);
	arr = json_object_new_array();
	for (i = 0; arr && i < l->n_regions; i++)
		json_object_array_add(arr, region(&l->regions[i], failed));
	put(o, "regions", arr, failed);
	return o;
}

static json_object *host(const struct hg_pf_host *h, bool *failed)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put(o, "device", json_object_new_string(h->device), failed);
	put(o, "group", h->have_group ? json_object_new_int(h->group) : NULL,
	    NULL);
	put(o, "group_shared", json_object_new_boolean(h->group_shared), failed);
	put(o, "source", json_object_new_string(h->source), failed);
	put(o, "aw_bits", json_object_new_int(h->aw_bits), failed);
	put(o, "usable", hg_json_ranges(&h->usable), failed);
	return o;
}

static json_object *fix(const struct hg_pf_fix *f, bool *failed)
{
	json_object *o;

	if (!f->qemu[0])
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	put(o, "qemu", json_object_new_string(f->qemu), failed);
	put(o, "libvirt", str_or_null(f->libvirt), NULL);
	put(o, "cloud_hypervisor", str_or_null(f->cloud_hypervisor), NULL);
	return o;
}

static json_object *conflict(const struct hg_pf_report *rep,
			     const struct hg_pf_host *hosts,
			     const struct hg_pf_conflict *c, bool *failed)
{
	const struct hg_pf_region *r = &rep->layout.regions[c->region];
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put(o, "severity", json_object_new_string(hg_pf_severity_name(c->severity)),
	    failed);
	put(o, "region", json_object_new_string(r->name), failed);
	put(o, "kind", json_object_new_string(hg_pf_kind_name(r->kind)), failed);
	put(o, "device", json_object_new_string(hosts[c->device].device), failed);
	put(o, "range", hg_json_range(r->range.start, r->range.last), failed);
	put(o, "outside", hg_json_range(c->outside.start, c->outside.last),
	    failed);
	put(o, "host_aw_bits", json_object_new_int(hosts[c->device].aw_bits),
	    failed);
	put(o, "why", json_object_new_string(c->why), failed);
	put(o, "fix", fix(&c->fix, failed), NULL);
	put(o, "alternative", fix(&c->alt, failed), NULL);
	return o;
}

static json_object *notes(const struct hg_pf_guest *g)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr && i < g->n_notes; i++)
		json_object_array_add(arr, json_object_new_string(g->notes[i]));
	return arr;
}

json_object *hg_json_preflight(const struct hg_pf_guest *g,
			       const struct hg_pf_host *hosts, size_t n_hosts,
			       const struct hg_pf_report *rep)
{
	json_object *o = json_object_new_object(), *arr;
	bool failed = false;
	size_t i;

	if (!o)
		return NULL;
	put(o, "verdict", json_object_new_string(!rep ? "undecided" :
						 rep->fits ? "fits" : "conflict"),
	    &failed);
	put(o, "undecided", str_or_null(g->undecided), NULL);
	put(o, "guest", guest(g, &failed), &failed);
	put(o, "layout", rep ? layout(&rep->layout, &failed) : NULL, NULL);
	arr = json_object_new_array();
	for (i = 0; arr && i < n_hosts; i++)
		json_object_array_add(arr, host(&hosts[i], &failed));
	put(o, "devices", arr, &failed);
	arr = json_object_new_array();
	for (i = 0; arr && rep && i < rep->n_conflicts; i++)
		json_object_array_add(arr, conflict(rep, hosts,
						    &rep->conflicts[i], &failed));
	put(o, "conflicts", arr, &failed);
	put(o, "notes", notes(g), &failed);
	if (failed) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
