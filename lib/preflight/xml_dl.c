// SPDX-License-Identifier: GPL-2.0
/* libxml2 through dlopen(): its soname, libxml2.so.2, is the one of 2.x. */
#include "base/internal.h"
#include "internal.h"

static struct hg_libxml api;

#define SYM(field, sym) HG_DL_SYM(struct hg_libxml, field, sym)
static const struct hg_dl_sym symbols[] = {
	SYM(read_memory, xmlReadMemory),
	SYM(free_doc, xmlFreeDoc),
	SYM(doc_get_root_element, xmlDocGetRootElement),
	SYM(get_last_error, xmlGetLastError),
	SYM(node_get_content, xmlNodeGetContent),
	SYM(mem_get, xmlMemGet),
	SYM(xpath_new_context, xmlXPathNewContext),
	SYM(xpath_free_context, xmlXPathFreeContext),
	SYM(xpath_register_ns, xmlXPathRegisterNs),
	SYM(xpath_eval_expression, xmlXPathEvalExpression),
	SYM(xpath_free_object, xmlXPathFreeObject),
	SYM(xpath_cast_to_string, xmlXPathCastToString),
};
#undef SYM

/* xmlFree is a macro over a per-thread variable: ask for its value. */
static const char *get_free(void *p)
{
	struct hg_libxml *x = p;

	if (x->mem_get(&x->free, NULL, NULL, NULL) || !x->free)
		return "xmlMemGet gave no free function";
	return NULL;
}

static struct hg_dl libxml = {
	.soname = "libxml2.so.2",
	.name = "libxml2",
	.purpose = "reading libvirt XML",
	.kind = HG_ERR_NO_LIBXML,
	.syms = symbols,
	.nsyms = HG_DL_NSYMS(symbols),
	.api = &api,
	.loaded = get_free,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

const struct hg_libxml *hg_libxml(struct hg_err *err)
{
	return hg_dl_open(&libxml, err);
}
