/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/module's internals; not part of the public API, though the fuzz
 * targets use the reply parsers. libkmod opened on first use (kmod_dl.c,
 * through dlopen), so that hostgeom runs where libkmod is not installed (a
 * minimal guest, a container) for everything but loading the module; the
 * parsers of the hostgeom_test module's replies (genl.c).
 */
#ifndef HOSTGEOM_LIB_MODULE_INTERNAL_H
#define HOSTGEOM_LIB_MODULE_INTERNAL_H

#include <libkmod.h>

#include <hostgeom/err.h>
#include <hostgeom/genl.h>

/* ------------------------------------------------------ libkmod (kmod_dl.c) */

/* The libkmod calls the library makes, typed as libkmod.h declares them. */
struct hg_libkmod {
	__typeof__(kmod_new) *new_ctx;
	__typeof__(kmod_unref) *unref;
	__typeof__(kmod_set_log_fn) *set_log_fn;
	__typeof__(kmod_list_next) *list_next;
	__typeof__(kmod_module_new_from_name) *module_new_from_name;
	__typeof__(kmod_module_new_from_name_lookup) *module_new_from_name_lookup;
	__typeof__(kmod_module_new_from_path) *module_new_from_path;
	__typeof__(kmod_module_unref) *module_unref;
	__typeof__(kmod_module_get_initstate) *module_get_initstate;
	__typeof__(kmod_module_get_info) *module_get_info;
	__typeof__(kmod_module_info_get_key) *module_info_get_key;
	__typeof__(kmod_module_info_get_value) *module_info_get_value;
	__typeof__(kmod_module_info_free_list) *module_info_free_list;
	__typeof__(kmod_module_get_path) *module_get_path;
	__typeof__(kmod_module_insert_module) *module_insert_module;
	__typeof__(kmod_module_probe_insert_module) *module_probe_insert_module;
	__typeof__(kmod_module_remove_module) *module_remove_module;
};

/*
 * libkmod's calls, or NULL with @err set (HG_ERR_NO_LIBKMOD) when the
 * shared library or one of its symbols is missing. Opened once per
 * process and kept.
 */
const struct hg_libkmod *hg_libkmod(struct hg_err *err);

/* -------------------------------------------- the module's replies (genl.c) */

/* One GET_GROUPS dump message, appended to @out. */
int hg_genl_parse_group_reply(void *attrs, int len, struct hg_kgroups *out);
/* The CARVE reply into @out (free with hg_carve_result_free()). */
int hg_genl_parse_carve_reply(void *attrs, int len,
			      struct hg_carve_result *out);
/*
 * A HOLD, RELEASE or GET_HOLD reply into @out (free it with hg_khold_free(),
 * also after an error).
 */
int hg_genl_parse_hold_reply(void *attrs, int len, struct hg_khold *out);

struct nlmsgerr;
struct nlattr;
/*
 * The type of the request's attribute that an error's NLMSGERR_ATTR_OFFS
 * (@offs) points at, read in the copy of the request the error carries
 * (@len: the error's bytes after its netlink header; @flags: its header's
 * flags); 0 when it says nothing.
 */
uint16_t hg_genl_bad_attr(const struct nlmsgerr *e, uint32_t len, int flags,
			  const struct nlattr *offs);

#endif
