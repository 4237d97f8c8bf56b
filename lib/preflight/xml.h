/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the libvirt XML parser: the XPath helpers (xml_util.c)
 * and the device walk (xml_devices.c).
 */
#ifndef HOSTGEOM_PREFLIGHT_XML_H
#define HOSTGEOM_PREFLIGHT_XML_H

#include <stdint.h>

#include "xml_dl.h"

#include <hostgeom/err.h>
#include <hostgeom/preflight.h>

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
