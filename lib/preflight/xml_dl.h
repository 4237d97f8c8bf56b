/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libxml2, opened on first use (dlopen): only the libvirt XML parser needs
 * it, and linking it would make every hostgeom process load ICU (30 MB,
 * with libstdc++), which a nested test guest must carry in its initramfs.
 */
#ifndef HOSTGEOM_XML_DL_H
#define HOSTGEOM_XML_DL_H

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <hostgeom/err.h>

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

#endif
