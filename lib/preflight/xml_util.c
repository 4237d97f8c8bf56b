// SPDX-License-Identifier: GPL-2.0
/*
 * The XPath helpers every part of the libvirt XML reader uses (the domain
 * in xml.c, its devices in xml_devices.c): a string,
 * a node set, a size with libvirt's units.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *pf_xml_str(struct xml_state *st, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr r;
	char *s = NULL;

	st->xp->node = node ? node : st->x->doc_get_root_element(st->xp->doc);
	r = st->x->xpath_eval_expression(BAD_CAST expr, st->xp);
	if (r) {
		xmlChar *v = st->x->xpath_cast_to_string(r);

		if (v && *v)
			s = strdup((const char *)v);
		st->x->free(v);
		st->x->xpath_free_object(r);
	}
	return s;
}

xmlXPathObjectPtr pf_xml_nodes(struct xml_state *st, const char *expr)
{
	st->xp->node = st->x->doc_get_root_element(st->xp->doc);
	return st->x->xpath_eval_expression(BAD_CAST expr, st->xp);
}

/* libvirt's units: KiB by default; k, KiB, M, MiB, G, GiB, T, TiB, KB.. */
static int libvirt_size(const char *value, const char *unit, uint64_t *out)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 }, { "KB", 1000 }, { "k", 1ULL << 10 },
		{ "KiB", 1ULL << 10 }, { "MB", 1000000 }, { "M", 1ULL << 20 },
		{ "MiB", 1ULL << 20 }, { "GB", 1000000000ULL },
		{ "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "TB", 1000000000000ULL }, { "T", 1ULL << 40 },
		{ "TiB", 1ULL << 40 },
	};
	uint64_t mult = 1ULL << 10, v;
	size_t i;
	char *end;

	if (!value)
		return -EINVAL;
	if (unit) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(unit, units[i].name))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		mult = units[i].mult;
	}
	errno = 0;
	v = strtoull(value, &end, 10);
	if (end == value || *end || errno || *value == '-' ||
	    (v && mult > UINT64_MAX / v))
		return -EINVAL;
	*out = v * mult;
	return 0;
}

int pf_xml_size(struct xml_state *st, xmlNodePtr node, const char *expr,
		 uint64_t *out)
{
	char path[256], *value, *unit;
	int ret;

	value = pf_xml_str(st, node, expr);
	if (!value)
		return 1;	/* absent */
	snprintf(path, sizeof(path), "%s/@unit", expr);
	unit = pf_xml_str(st, node, path);
	ret = libvirt_size(value, unit, out);
	if (ret)
		hg_err_set(st->err, -EINVAL,
			   "<%s> '%s' with unit '%s' is not a size libvirt takes",
			   expr, value, unit ? unit : "KiB");
	free(value);
	free(unit);
	return ret;
}
