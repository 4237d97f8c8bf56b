// SPDX-License-Identifier: GPL-2.0
/*
 * A planned guest from a libvirt domain XML (virsh dumpxml), read with
 * libxml2 and XPath. The elements that shape the address space are
 * modelled: <memory>, <maxMemory>, <os> (machine, firmware, loader),
 * <cpu> (mode, model, <maxphysaddr>), <iommu>, <hostdev>, dimms,
 * <pcihole64>, the PCI controllers a hostdev sits behind, and the
 * <qemu:commandline> arguments (read as a QEMU command line). Other
 * devices are named in one note.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include <hostgeom/preflight.h>
#include <hostgeom/qemu_libvirt.h>

#include "internal.h"


static int memory(struct xml_state *st)
{
	struct hg_pf_guest *g = st->g;
	char *slots;
	int ret;

	ret = pf_xml_size(st, NULL, "memory", &g->ram);
	if (ret > 0)
		return hg_err_set(st->err, -EINVAL,
				  "the domain has no <memory> element");
	if (ret)
		return ret;
	ret = pf_xml_size(st, NULL, "maxMemory", &g->maxmem);
	if (ret < 0)
		return ret;
	ret = 0;
	slots = pf_xml_str(st, NULL, "maxMemory/@slots");
	if (slots)
		ret = pf_value_uint(PF_NUM_SLOTS, "<maxMemory slots>", slots,
				    &g->slots, st->err);
	free(slots);
	return ret;
}

static void os(struct xml_state *st)
{
	struct hg_pf_guest *g = st->g;
	char *machine = pf_xml_str(st, NULL, "os/type/@machine");
	char *firmware = pf_xml_str(st, NULL, "os/@firmware");
	char *loader = pf_xml_str(st, NULL, "os/loader");
	char *ltype = pf_xml_str(st, NULL, "os/loader/@type");

	if (machine)
		hg_pf_set_machine(g, machine);
	else
		hg_pf_note(g, "<os><type> has no machine attribute: assumed q35");
	if (firmware)
		hg_pf_set_firmware(g, firmware);
	else if (ltype && !strcmp(ltype, "pflash"))
		hg_pf_set_firmware(g, "ovmf");
	else if (loader && (strcasestr(loader, "ovmf") ||
			    strcasestr(loader, "edk2")))
		hg_pf_set_firmware(g, "ovmf");
	else if (loader && !strcasestr(loader, "bios"))
		hg_pf_undecided(g, "<loader> '%s' is neither SeaBIOS nor OVMF by its name: where it puts 64-bit BARs is unknown",
				loader);
	free(machine);
	free(firmware);
	free(loader);
	free(ltype);
}

static int cpu(struct xml_state *st)
{
	struct hg_pf_guest *g = st->g;
	char *mode = pf_xml_str(st, NULL, "cpu/@mode");
	char *model = pf_xml_str(st, NULL, "cpu/model");
	char *pmode = pf_xml_str(st, NULL, "cpu/maxphysaddr/@mode");
	char *limit = pf_xml_str(st, NULL, "cpu/maxphysaddr/@limit");
	char *bits = pf_xml_str(st, NULL, "cpu/maxphysaddr/@bits");
	int ret = 0;

	if (mode && (!strcmp(mode, "host-passthrough") ||
		     !strcmp(mode, "maximum")))
		snprintf(g->cpu_model, sizeof(g->cpu_model), "host");
	else if (model)
		snprintf(g->cpu_model, sizeof(g->cpu_model), "%s", model);
	if (mode && !strcmp(mode, "host-model"))
		hg_pf_note(g, "<cpu mode='host-model'>: taken as QEMU's '%s' model with 40 phys-bits unless <maxphysaddr> says otherwise",
			   g->cpu_model);
	if (pmode && !strcmp(pmode, "passthrough")) {
		g->host_phys_bits = g->host_phys_bits_set = true;
		if (limit)
			ret = pf_value_uint(PF_NUM_PHYS_BITS,
					    "<maxphysaddr limit>", limit,
					    &g->host_phys_bits_limit, st->err);
	} else if (pmode && !strcmp(pmode, "emulate") && bits) {
		ret = pf_value_uint(PF_NUM_PHYS_BITS, "<maxphysaddr bits>",
				    bits, &g->phys_bits, st->err);
	}
	free(mode);
	free(model);
	free(pmode);
	free(limit);
	free(bits);
	return ret;
}

static int iommu(struct xml_state *st)
{
	struct hg_pf_guest *g = st->g;
	char *model = pf_xml_str(st, NULL, "devices/iommu/@model");
	char *aw = pf_xml_str(st, NULL, "devices/iommu/driver/@aw_bits");
	char *over = pf_xml_str(st, NULL,
			  "//qemu:override/qemu:device[@alias='" HG_LIBVIRT_IOMMU_ALIAS "']//qemu:property[@name='aw-bits']/@value");
	int ret = 0;

	if (model && hg_pf_set_viommu(g, model)) {
		hg_pf_note(g, "<iommu model='%s'>: not modelled; its aperture is not checked",
			   model);
	}
	if (over)
		ret = pf_value_uint(PF_NUM_AW_BITS,
				    "<qemu:override> aw-bits", over,
				    &g->aw_bits, st->err);
	else if (aw)
		ret = pf_value_uint(PF_NUM_AW_BITS, "<iommu><driver aw_bits>",
				    aw, &g->aw_bits, st->err);
	free(model);
	free(aw);
	free(over);
	return ret;
}

/*
 * <emulator>: the QEMU binary libvirt runs for this domain, asked for its
 * version and properties as --qemu would be (hostgeom preflight).
 */
static void emulator(struct xml_state *st)
{
	char *path = pf_xml_str(st, NULL, "normalize-space(devices/emulator)");

	if (path && strlen(path) >= sizeof(st->g->emulator))
		hg_pf_note(st->g, "<emulator>: a path of %zu characters is too long; its QEMU is not asked",
			   strlen(path));
	else if (path)
		snprintf(st->g->emulator, sizeof(st->g->emulator), "%s", path);
	free(path);
}

static int commandline(struct xml_state *st)
{
	xmlXPathObjectPtr r = pf_xml_nodes(st, "qemu:commandline/qemu:arg/@value");
	char **argv;
	int i, n, ret = 0;

	if (!r || !r->nodesetval || !r->nodesetval->nodeNr) {
		st->x->xpath_free_object(r);
		return 0;
	}
	n = r->nodesetval->nodeNr;
	argv = calloc(n + 1, sizeof(*argv));
	for (i = 0; argv && i < n; i++)
		argv[i] = (char *)st->x->node_get_content(r->nodesetval->nodeTab[i]);
	if (argv)
		ret = pf_argv_parse(st->g, argv, n, false, st->err);
	else
		ret = hg_err_set(st->err, -ENOMEM, "out of memory");
	for (i = 0; argv && i < n; i++)
		st->x->free(argv[i]);
	free(argv);
	st->x->xpath_free_object(r);
	return ret;
}

/* Top-level elements that cannot move guest memory or BARs. */
static bool harmless_element(const char *name)
{
	static const char *const names[] = {
		"name", "uuid", "title", "description", "metadata", "memory",
		"currentMemory", "maxMemory", "vcpu", "vcpus", "os", "features",
		"cpu", "clock", "on_poweroff", "on_reboot", "on_crash", "pm",
		"devices", "seclabel", "resource", "sysinfo", "memoryBacking",
		"blkiotune", "memtune", "cputune", "iothreads", "iothreadids",
		"keywrap", "genid", "idmap", "perf", "throttlegroups",
		"commandline", "override", "capabilities", "deprecation",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* <numatune>, <launchSecurity> and whatever else: a note each. */
static void note_unmodelled(struct xml_state *st)
{
	xmlNodePtr n = st->x->doc_get_root_element(st->xp->doc)->children;
	char *cells = pf_xml_str(st, NULL, "count(cpu/numa/cell)");

	for (; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    !harmless_element((const char *)n->name))
			hg_pf_note(st->g, "<%s>: not modelled; assumed not to change the memory layout",
				   (const char *)n->name);
	if (cells && strtoul(cells, NULL, 10))
		hg_pf_note(st->g, "<cpu><numa>: NUMA cells are not modelled; assumed to share the <memory> layout");
	free(cells);
}

static int domain(struct xml_state *st)
{
	char *type = pf_xml_str(st, NULL, "@type");
	int ret;

	st->g->kvm = type && !strcmp(type, "kvm");
	free(type);
	ret = memory(st);
	if (!ret) {
		os(st);
		ret = cpu(st);
	}
	if (!ret)
		ret = iommu(st);
	if (!ret)
		emulator(st);
	if (!ret)
		ret = pf_xml_devices(st);
	if (!ret)
		ret = commandline(st);
	if (!ret) {
		note_unmodelled(st);
		hg_pf_cpu_notes(st->g);
	}
	return ret;
}

int hg_pf_from_libvirt_xml(struct hg_pf_guest *g, const char *xml,
			   size_t len, struct hg_err *err)
{
	struct xml_state st = { .g = g, .err = err, .x = hg_libxml(err) };
	xmlDocPtr doc;
	xmlNodePtr root;
	int ret;

	if (!st.x)
		return err ? err->code : -ENOSYS;
	doc = st.x->read_memory(xml, len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = st.x->get_last_error();

		return hg_err_set(err, -EINVAL,
				  "the libvirt XML does not parse: line %d: %s",
				  e ? e->line : 0,
				  e && e->message ? e->message : "unknown error");
	}
	root = st.x->doc_get_root_element(doc);
	if (!root || strcmp((const char *)root->name, "domain")) {
		st.x->free_doc(doc);
		return hg_err_set(err, -EINVAL,
				  "the XML is not a libvirt <domain> (give the output of virsh dumpxml)");
	}
	st.xp = st.x->xpath_new_context(doc);
	if (!st.xp || st.x->xpath_register_ns(st.xp, BAD_CAST "qemu",
					 BAD_CAST HG_LIBVIRT_QEMU_NS)) {
		st.x->xpath_free_context(st.xp);
		st.x->free_doc(doc);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = domain(&st);
	st.x->xpath_free_context(st.xp);
	st.x->free_doc(doc);
	return ret;
}
