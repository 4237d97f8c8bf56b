// SPDX-License-Identifier: GPL-2.0
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "internal.h"

static void dl_load(struct hg_dl *dl)
{
	void *handle = dlopen(dl->soname, RTLD_NOW | RTLD_LOCAL);
	const char *e;
	void *fn;
	size_t i;

	if (!handle) {
		e = dlerror();
		snprintf(dl->error, sizeof(dl->error), "%s", e ? e : "not found");
		dl->failed = true;
		return;
	}
	for (i = 0; i < dl->nsyms; i++) {
		fn = dlsym(handle, dl->syms[i].name);
		if (!fn) {
			snprintf(dl->error, sizeof(dl->error), "%s has no %s",
				 dl->soname, dl->syms[i].name);
			dl->failed = true;
			dlclose(handle);
			return;
		}
		/* POSIX lets a data pointer hold a function's address. */
		*(void **)((char *)dl->api + dl->syms[i].offset) = fn;
	}
	e = dl->loaded ? dl->loaded(dl->api) : NULL;
	if (e) {
		snprintf(dl->error, sizeof(dl->error), "%s: %s", dl->soname, e);
		dl->failed = true;
	}
}

void *hg_dl_open(struct hg_dl *dl, struct hg_err *err)
{
	pthread_mutex_lock(&dl->lock);
	if (!dl->tried) {
		dl->tried = true;
		dl_load(dl);
	}
	pthread_mutex_unlock(&dl->lock);
	if (!dl->failed)
		return dl->api;
	hg_err_set_kind(err, dl->kind, -ENOSYS,
			"%s needs %s, which cannot be opened (%s)",
			dl->purpose, dl->name, dl->error);
	return NULL;
}
