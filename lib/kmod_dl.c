// SPDX-License-Identifier: GPL-2.0
/*
 * libkmod through dlopen(): its soname is stable (libkmod.so.2), and
 * linking it would pull libcrypto, libzstd and liblzma into every
 * process, 5.8 MB that a nested test guest must carry and map for a
 * library it calls only to load one module.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "kmod_dl.h"

#define LIBKMOD_SONAME "libkmod.so.2"

static struct hg_libkmod api;
static const char *missing;	/* the symbol or library that failed */
static char dl_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const struct {
	const char *name;
	size_t offset;
} symbols[] = {
#define SYM(field, sym) { #sym, offsetof(struct hg_libkmod, field) }
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
#undef SYM
};

static void open_libkmod(void)
{
	void *handle = dlopen(LIBKMOD_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *e;
	void *fn;
	size_t i;

	if (!handle) {
		missing = LIBKMOD_SONAME;
		e = dlerror();
		snprintf(dl_error, sizeof(dl_error), "%s", e ? e : "not found");
		return;
	}
	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		fn = dlsym(handle, symbols[i].name);
		if (!fn) {
			missing = symbols[i].name;
			snprintf(dl_error, sizeof(dl_error),
				 "%s has no %s", LIBKMOD_SONAME, missing);
			dlclose(handle);
			return;
		}
		/* POSIX lets a data pointer hold a function's address. */
		*(void **)((char *)&api + symbols[i].offset) = fn;
	}
}

const struct hg_libkmod *hg_libkmod(struct hg_err *err)
{
	pthread_once(&once, open_libkmod);
	if (missing) {
		hg_err_set_kind(err, HG_ERR_NO_LIBKMOD, -ENOSYS,
				"loading kernel modules needs libkmod, which cannot be opened (%s)",
				dl_error);
		return NULL;
	}
	return &api;
}
