/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading the hostgeom_test module through libkmod, with a
 * message that says what is wrong and what to do: no such module, built
 * for another kernel (vermagic), not allowed (CAP_SYS_MODULE), refused.
 */
#ifndef HOSTGEOM_KMODLOAD_H
#define HOSTGEOM_KMODLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/err.h>

#define HG_KMOD_NAME "hostgeom_test"

/*
 * Checks that @path is a readable kernel module built for the running
 * kernel (its vermagic): -ENOENT or -ENOEXEC with the fix in @err.
 */
int hg_kmod_check_file(const char *path, struct hg_err *err);

/*
 * Loads the module from @path (a .ko file, checked first even when the
 * module is loaded already) or, when @path is NULL, by
 * name from the module index of the running kernel (an installed or DKMS
 * module) and failing that from the tree the running program was built
 * in (kmod/out/RELEASE/hostgeom_test.ko next to its build/ directory).
 * A module already loaded is fine: *@loaded tells whether this call
 * loaded it. Fails with -ENOENT (no such module), -ENOEXEC (built for
 * another kernel), -EPERM (not allowed) or the kernel's errno.
 */
int hg_kmod_load(const char *path, bool *loaded, struct hg_err *err);

/* Unloads the module; one that is not loaded is fine (-EBUSY: in use). */
int hg_kmod_unload(struct hg_err *err);

bool hg_kmod_is_loaded(void);

/*
 * The build tree's module for the running kernel, searched for in the
 * directories above the running program's; -ENOENT when there is none.
 */
int hg_kmod_tree_path(char *buf, size_t len);

#endif
