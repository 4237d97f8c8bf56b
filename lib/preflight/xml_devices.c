// SPDX-License-Identifier: GPL-2.0
/*
 * The <devices> of a libvirt domain that shape the address space or the
 * guest's IOMMU groups: PCI <hostdev>s (and the controller each sits
 * behind: libvirt's pcie-root-ports keep ACS, a pcie-to-pci-bridge or
 * pci-bridge never isolates), dimms, and <pcihole64>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static unsigned long attr_num(struct xml_state *st, xmlNodePtr node,
			      const char *expr)
{
	char *s = pf_xml_str(st, node, expr);
	unsigned long v = s ? strtoul(s, NULL, 0) : 0;

	free(s);
	return v;
}

/* The model of the controller whose index is @bus, or NULL. */
static char *controller_model(struct xml_state *st, unsigned int bus)
{
	char expr[128];

	snprintf(expr, sizeof(expr),
		 "devices/controller[@type='pci'][@index='%u']/@model", bus);
	return pf_xml_str(st, NULL, expr);
}

/* A number in @node at @path/@@attr, checked; absent is 0. */
static int address_part(struct xml_state *st, xmlNodePtr node,
			const char *path, const char *attr, enum pf_num kind,
			unsigned int *out)
{
	char expr[96], where[96], *s;
	int ret = 0;

	snprintf(expr, sizeof(expr), "%s/@%s", path, attr);
	snprintf(where, sizeof(where), "<hostdev> %s %s", path, attr);
	s = pf_xml_str(st, node, expr);
	*out = 0;
	if (s)
		ret = pf_value_uint(kind, where, s, out, st->err);
	free(s);
	return ret;
}

static int guest_bus(struct xml_state *st, xmlNodePtr hostdev, char *id,
		     size_t len)
{
	struct hg_pf_guest *g = st->g;
	struct hg_pf_bus *b;
	unsigned int bus;
	char *model;

	id[0] = '\0';
	if (address_part(st, hostdev, "address[@type='pci']", "bus",
			 PF_NUM_PCI_BUS, &bus))
		return -EINVAL;
	model = bus ? controller_model(st, bus) : NULL;
	if (!model)
		return 0;
	if (g->n_buses >= HG_PF_BUSES_MAX) {
		free(model);
		return hg_err_set(st->err, -E2BIG,
				  "more than %d PCI controllers with a <hostdev> behind them",
				  HG_PF_BUSES_MAX);
	}
	snprintf(id, len, "pci.%u", bus);
	b = &g->buses[g->n_buses++];
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id);
	snprintf(b->driver, sizeof(b->driver), "%s",
		 !strcmp(model, "pcie-root-port") ? "pcie-root-port" : model);
	free(model);
	return 0;
}

static int hostdev(struct xml_state *st, xmlNodePtr node)
{
	char bdf[32], bus[HG_PF_NAME_MAX], *alias;
	unsigned int domain, pbus, slot, function;
	int ret;

	if (address_part(st, node, "source/address", "domain",
			 PF_NUM_PCI_DOMAIN, &domain) ||
	    address_part(st, node, "source/address", "bus", PF_NUM_PCI_BUS,
			 &pbus) ||
	    address_part(st, node, "source/address", "slot", PF_NUM_PCI_SLOT,
			 &slot) ||
	    address_part(st, node, "source/address", "function",
			 PF_NUM_PCI_FUNCTION, &function) ||
	    guest_bus(st, node, bus, sizeof(bus)))
		return -EINVAL;
	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", domain, pbus, slot,
		 function);
	alias = pf_xml_str(st, node, "alias/@name");
	ret = hg_pf_add_device(st->g, bdf, alias, bus, st->err);
	free(alias);
	return ret;
}

static int dimm(struct xml_state *st, xmlNodePtr node, size_t nth)
{
	struct hg_pf_guest *g = st->g;
	struct hg_pf_dimm *d;
	char *base;
	int ret;

	if (g->n_dimms >= HG_PF_DIMMS_MAX)
		return hg_err_set(st->err, -E2BIG, "more than %d dimms",
				  HG_PF_DIMMS_MAX);
	d = &g->dimms[g->n_dimms];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "dimm%zu", nth);
	ret = pf_xml_size(st, node, "target/size", &d->size);
	if (ret)
		return ret > 0 ? hg_err_set(st->err, -EINVAL,
					    "a <memory model='dimm'> without <target><size>")
			       : ret;
	base = pf_xml_str(st, node, "address[@type='dimm']/@base");
	if (base) {
		ret = pf_value_addr("<address type='dimm' base>", base,
				    &d->addr, st->err);
		d->has_addr = true;
	}
	free(base);
	if (ret)
		return ret;
	g->n_dimms++;
	return 0;
}

static int each(struct xml_state *st, const char *expr,
		int (*fn)(struct xml_state *, xmlNodePtr, size_t))
{
	xmlXPathObjectPtr r = pf_xml_nodes(st, expr);
	int i, ret = 0;

	for (i = 0; !ret && r && r->nodesetval && i < r->nodesetval->nodeNr;
	     i++)
		ret = fn(st, r->nodesetval->nodeTab[i], i);
	st->x->xpath_free_object(r);
	return ret;
}

static int hostdev_at(struct xml_state *st, xmlNodePtr node, size_t nth)
{
	(void)nth;
	return hostdev(st, node);
}

static bool modelled_kind(const char *name)
{
	static const char *const kinds[] = {
		"hostdev", "memory", "controller", "iommu", "emulator",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(name, kinds[i]))
			return true;
	return false;
}

/* Device kinds with no effect on the layout, named once in a note. */
static void note_others(struct xml_state *st)
{
	xmlXPathObjectPtr r = pf_xml_nodes(st, "devices/*");
	char names[HG_PF_NOTE_LEN] = "";
	size_t used = 0;
	int i;

	for (i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlNodePtr n = r->nodesetval->nodeTab[i];

		if (modelled_kind((const char *)n->name) ||
		    strstr(names, (const char *)n->name))
			continue;
		used += snprintf(names + used, sizeof(names) - used, "%s%s",
				 used ? ", " : "", (const char *)n->name);
		if (used >= sizeof(names))
			break;
	}
	st->x->xpath_free_object(r);
	if (names[0])
		hg_pf_note(st->g, "other devices (%s): their 64-bit BARs are assumed to fit the firmware's first GiB",
			   names);
}

int pf_xml_devices(struct xml_state *st)
{
	uint64_t hole64;
	int ret;

	ret = each(st, "devices/hostdev[@mode='subsystem'][@type='pci']",
		   hostdev_at);
	if (!ret)
		ret = each(st, "devices/memory[@model='dimm' or @model='nvdimm']",
			   dimm);
	if (ret)
		return ret;
	if (attr_num(st, NULL, "count(devices/memory[@model='virtio-mem'])"))
		hg_pf_note(st->g, "virtio-mem: not modelled; it plugs into the device-memory region, which is checked as a whole");
	ret = pf_xml_size(st, NULL,
			  "devices/controller[@model='pcie-root' or @model='pci-root']/pcihole64",
			  &hole64);
	if (ret < 0)
		return ret;
	if (!ret)
		st->g->hole64_size = hole64;
	note_others(st);
	return 0;
}
