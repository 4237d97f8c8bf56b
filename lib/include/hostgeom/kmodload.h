/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading the hostgeom_test module through libkmod, with a
 * message that says what is wrong and why: no such module, built for
 * another kernel (vermagic), not allowed (CAP_SYS_MODULE), refused.
 */
#ifndef HOSTGEOM_KMODLOAD_H
#define HOSTGEOM_KMODLOAD_H

#include <stdbool.h>

#include <hostgeom/err.h>

#define HG_KMOD_NAME "hostgeom_test"

/*
 * Loads the module from @path (a .ko file, checked first even when the
 * module is loaded already) or, when @path is NULL, by name from the
 * module index of the running kernel (an installed or DKMS module); the
 * library does not search for build trees: a caller that knows one names
 * its file. A module already loaded is fine: *@loaded tells whether this
 * call loaded it. Fails with -ENOENT (no such module), -ENOEXEC (built for
 * another kernel, or not a module), -EPERM (not allowed) or the kernel's
 * errno; @err's kind says which (HG_ERR_MODULE_MISSING, _FOREIGN).
 */
int hg_kmod_load(const char *path, bool *loaded, struct hg_err *err);

/* Unloads the module; one that is not loaded is fine (-EBUSY: in use). */
int hg_kmod_unload(struct hg_err *err);

bool hg_kmod_is_loaded(void);

#endif
