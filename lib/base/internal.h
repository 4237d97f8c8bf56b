/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/base's internals that the folders above it use too; not part of the
 * public API: hex digits as the kernel writes them in sysfs (hex.c), and a
 * shared library opened on first use (dl.c: dlopen instead of linking, so
 * that hostgeom starts without it and its dependencies, for the commands
 * that need it rarely: libkmod, libxml2).
 */
#ifndef HOSTGEOM_LIB_BASE_INTERNAL_H
#define HOSTGEOM_LIB_BASE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>

/* ------------------------------------------------------- hex digits (hex.c) */

/* The value of hex digit @c, -1 when it is none. */
int hg_hexval(char c);

/*
 * Exactly the @len bytes at @s as hex digits (1 to 16, no prefix, no
 * sign, no blank), at most @max.
 */
bool hg_hex_parse(const char *s, size_t len, uint64_t max, uint64_t *value);

/* ------------------------------------- libraries opened on first use (dl.c) */

struct hg_dl_sym {
	const char *name;
	size_t offset;		/* of the function pointer in the API struct */
};

struct hg_dl {
	const char *soname;
	/* For the error: "PURPOSE needs NAME, which cannot be opened (...)". */
	const char *name, *purpose;
	enum hg_err_kind kind;
	const struct hg_dl_sym *syms;
	size_t nsyms;
	void *api;		/* the struct of function pointers to fill */
	/* Run once the symbols are in, under the lock; NULL or why it failed. */
	const char *(*loaded)(void *api);
	/* Set by hg_dl_open(): */
	pthread_mutex_t lock;
	bool tried, failed;
	char error[256];	/* why it failed: dlerror() or the missing symbol */
};

#define HG_DL_SYM(type, field, sym) { #sym, offsetof(type, field) }
#define HG_DL_NSYMS(syms) (sizeof(syms) / sizeof((syms)[0]))

/*
 * Opens @dl's library once per process and fills its API struct: the
 * struct, or NULL with @err set (@dl's kind, -ENOSYS) saying what is
 * missing. Thread-safe; the library stays open.
 */
void *hg_dl_open(struct hg_dl *dl, struct hg_err *err);

#endif
