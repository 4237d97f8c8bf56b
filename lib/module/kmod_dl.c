// SPDX-License-Identifier: GPL-2.0
/*
 * libkmod through dlopen(): its soname is stable (libkmod.so.2), and
 * linking it would pull libcrypto, libzstd and liblzma into every
 * process, 5.8 MB that a nested test guest must carry and map for a
 * library it calls only to load one module.
 */
#include "base/internal.h"
#include "internal.h"

static struct hg_libkmod api;

#define SYM(field, sym) HG_DL_SYM(struct hg_libkmod, field, sym)
static const struct hg_dl_sym symbols[] = {
	SYM(new_ctx, kmod_new),
	SYM(unref, kmod_unref),
	SYM(set_log_fn, kmod_set_log_fn),
	SYM(list_next, kmod_list_next),
	SYM(module_new_from_name, kmod_module_new_from_name),
	SYM(module_new_from_name_lookup, kmod_module_new_from_name_lookup),
	SYM(module_new_from_path, kmod_module_new_from_path),
	SYM(module_unref, kmod_module_unref),
	SYM(module_get_initstate, kmod_module_get_initstate),
	SYM(module_get_info, kmod_module_get_info),
	SYM(module_info_get_key, kmod_module_info_get_key),
	SYM(module_info_get_value, kmod_module_info_get_value),
	SYM(module_info_free_list, kmod_module_info_free_list),
	SYM(module_get_path, kmod_module_get_path),
	SYM(module_insert_module, kmod_module_insert_module),
	SYM(module_probe_insert_module, kmod_module_probe_insert_module),
	SYM(module_remove_module, kmod_module_remove_module),
};
#undef SYM

static struct hg_dl libkmod = {
	.soname = "libkmod.so.2",
	.name = "libkmod",
	.purpose = "loading kernel modules",
	.kind = HG_ERR_NO_LIBKMOD,
	.syms = symbols,
	.nsyms = HG_DL_NSYMS(symbols),
	.api = &api,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

const struct hg_libkmod *hg_libkmod(struct hg_err *err)
{
	return hg_dl_open(&libkmod, err);
}
