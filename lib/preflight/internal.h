/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of lib/preflight share; nothing outside the folder. */
#ifndef HOSTGEOM_PREFLIGHT_INTERNAL_H
#define HOSTGEOM_PREFLIGHT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <hostgeom/err.h>
#include <hostgeom/preflight.h>

/*
 * QEMU option values split into key/value pairs, each setting's one range
 * (value.c), the QEMU command-line and -device readers.
 */

#define PF_OPTS_MAX 48
#define PF_OPT_VALUE_LEN 256

struct pf_opt {
	char key[64];
	char value[PF_OPT_VALUE_LEN];
	bool bare;		/* "flag" or "driver" without '=' */
};

struct pf_opts {
	struct pf_opt v[PF_OPTS_MAX];
	size_t n;
};

/* "a,b=c,,d" or a JSON object; -EINVAL (bad JSON), -E2BIG. */
int pf_opts_parse(const char *s, struct pf_opts *o);
/* The value of @key=, NULL when absent. */
const char *pf_opts_get(const struct pf_opts *o, const char *key);
/* The leading item without '=' ("q35" in "q35,accel=kvm"), or NULL. */
const char *pf_opts_first_bare(const struct pf_opts *o);
/* "on", "true", "yes", "1" */
bool pf_opt_on(const char *v);

/* The settings a number is checked for, each with its range. */
enum pf_num {
	PF_NUM_SLOTS,		/* memory slots: 0 to 256 */
	PF_NUM_PHYS_BITS,	/* phys-bits, host-phys-bits-limit: to 64 */
	PF_NUM_AW_BITS,		/* a vIOMMU's aw-bits: 32 to 64 */
	PF_NUM_PCI_DOMAIN,	/* a host PCI address's parts */
	PF_NUM_PCI_BUS,
	PF_NUM_PCI_SLOT,
	PF_NUM_PCI_FUNCTION,
};

/*
 * The checks every reader (QEMU argv, libvirt XML) uses: -EINVAL with
 * "@where '@v': what it must be" in @err when @v is not one.
 */
int pf_value_uint(enum pf_num kind, const char *where, const char *v,
		  unsigned int *out, struct hg_err *err);
/* A size as hg_pf_parse_size() takes it (@unit for a plain number). */
int pf_value_size(const char *where, const char *v, uint64_t unit,
		  uint64_t *out, struct hg_err *err);
/* A guest address: decimal or 0x hex. */
int pf_value_addr(const char *where, const char *v, uint64_t *out,
		  struct hg_err *err);
/*
 * A QEMU command line into @g; @whole: the entire one (QEMU's default
 * machine when none is named, CPU notes), else extra arguments (libvirt's
 * <qemu:commandline>).
 */
int pf_argv_parse(struct hg_pf_guest *g, char *const *argv, size_t argc,
		  bool whole, struct hg_err *err);
/*
 * One -device: vfio-pci, vIOMMUs, pc-dimm and the buses are modelled;
 * other drivers are appended to @others (comma separated) for one note.
 */
int pf_device_add(struct hg_pf_guest *g, const struct pf_opts *o,
		  char *others, size_t len, struct hg_err *err);

/*
 * The fit, below the check and the fix search: whether a region fits a
 * host, and the scratch a fix search tries values in.
 */

/* First part of @r outside @usable; false when @usable covers it. */
bool hg_pf_outside(const struct hg_range *r, const struct hg_ranges *usable,
		   struct hg_range *out);
/* The guest bus that makes @dev share its IOMMU group, or NULL. */
const struct hg_pf_bus *hg_pf_shared_bus(const struct hg_pf_guest *g,
					 const struct hg_pf_device *dev);

/* How region @ri conflicts with a host, when it does. */
struct pf_conflict_of {
	enum hg_pf_severity severity;
	struct hg_range outside;	/* first part the host cannot map */
	const struct hg_pf_bus *bus;	/* a hazard: the shared guest bus */
};

/* Does region @ri of @l (the layout of @g) conflict with @h (device @di)? */
bool pf_region_conflict(const struct hg_pf_guest *g,
			const struct hg_pf_layout *l, size_t ri, size_t di,
			const struct hg_pf_host *h, struct pf_conflict_of *c);

/*
 * A fix search's scratch: @guest is a copy of the guest that a try
 * changes one setting of (and restores), @layout the layout of each try.
 */
struct pf_fit {
	struct hg_pf_guest *guest;
	struct hg_pf_layout *layout;
	const struct hg_pf_host *hosts;
	size_t n_hosts;
	const struct hg_pf_layout *orig;	/* the guest's as given */
};

/* -ENOMEM, or 0 with the scratch allocated (pf_fit_free). */
int pf_fit_init(struct pf_fit *f, const struct hg_pf_guest *g,
		const struct hg_pf_host *hosts, size_t n_hosts,
		const struct hg_pf_layout *orig);
void pf_fit_free(struct pf_fit *f);
/*
 * The layout of @f->guest: does the region named like @r fit every host,
 * with every memory region (RAM, hotplug, dimms) fitting too and QEMU
 * still starting?
 */
bool pf_fits(struct pf_fit *f, const struct hg_pf_region *r);
/* The same, but other memory regions need only fit where they did. */
bool pf_fits_no_worse(struct pf_fit *f, const struct hg_pf_region *r);

/*
 * The fix search for a conflict (above the fit).
 */

/*
 * Fills @c->fix (and @c->alt) with the smallest change that resolves it,
 * trying values in @f's scratch (whose guest it leaves as it found it).
 */
void hg_pf_find_fix(struct pf_fit *f, struct hg_pf_conflict *c);

/*
 * libxml2, opened on first use (dlopen): only the libvirt XML reader needs
 * it, and linking it would make every hostgeom process load ICU (30 MB,
 * with libstdc++), which a nested test guest must carry in its initramfs.
 */

/* The libxml2 calls the library makes, typed as its headers declare them. */
struct hg_libxml {
	__typeof__(xmlReadMemory) *read_memory;
	__typeof__(xmlFreeDoc) *free_doc;
	__typeof__(xmlDocGetRootElement) *doc_get_root_element;
	__typeof__(xmlGetLastError) *get_last_error;
	__typeof__(xmlNodeGetContent) *node_get_content;
	__typeof__(xmlMemGet) *mem_get;
	__typeof__(xmlXPathNewContext) *xpath_new_context;
	__typeof__(xmlXPathFreeContext) *xpath_free_context;
	__typeof__(xmlXPathRegisterNs) *xpath_register_ns;
	__typeof__(xmlXPathEvalExpression) *xpath_eval_expression;
	__typeof__(xmlXPathFreeObject) *xpath_free_object;
	__typeof__(xmlXPathCastToString) *xpath_cast_to_string;
	/* What frees the strings libxml2 returns (xmlFree, from xmlMemGet). */
	xmlFreeFunc free;
};

/*
 * libxml2's calls, or NULL with @err set (HG_ERR_NO_LIBXML) when the shared
 * library or one of its symbols is missing. Opened once per process.
 */
const struct hg_libxml *hg_libxml(struct hg_err *err);

/*
 * The libvirt XML reader: its XPath helpers (xml_util.c) and the device
 * walk (xml_devices.c).
 */

struct xml_state {
	struct hg_pf_guest *g;
	struct hg_err *err;
	xmlXPathContextPtr xp;
	const struct hg_libxml *x;
};

/* The string value of @expr at @node (NULL: <domain>), malloc'd or NULL. */
char *pf_xml_str(struct xml_state *st, xmlNodePtr node, const char *expr);
/* The nodes @expr selects from <domain> (xmlXPathFreeObject). */
xmlXPathObjectPtr pf_xml_nodes(struct xml_state *st, const char *expr);
/* A libvirt size (@expr and its @unit): 0, 1 when absent, -EINVAL. */
int pf_xml_size(struct xml_state *st, xmlNodePtr node, const char *expr,
		uint64_t *out);
/* Hostdevs, dimms, pcihole64, controllers; other devices in a note. */
int pf_xml_devices(struct xml_state *st);

#endif
