/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting: every fallible library call returns 0 or a negative
 * errno and, when given a struct hg_err, leaves there a sentence that names
 * the problem and why it happened, and a kind that says what the caller can
 * do about it, so that a program can add what its user types to do that.
 */
#ifndef HOSTGEOM_ERR_H
#define HOSTGEOM_ERR_H

enum hg_err_kind {
	HG_ERR_OTHER,		/* the message says it all */
	/* A file under the sysfs root is not as the kernel writes it: the
	 * root given may be no sysfs tree. */
	HG_ERR_NOT_SYSFS,
	/* VFIO answered for no group: geometry from sysfs alone may do. */
	HG_ERR_NO_VFIO_ANSWER,
	/* No module file (or none that is a module): build it, or name it. */
	HG_ERR_MODULE_MISSING,
	/* The module file was built for another kernel: rebuild it. */
	HG_ERR_MODULE_FOREIGN,
	/* The test module is not loaded: load it. */
	HG_ERR_MODULE_NOT_LOADED,
	/* The loaded module speaks another family version: replace it. */
	HG_ERR_MODULE_VERSION,
	/* libkmod (libkmod.so.2, opened when a module is loaded) is missing. */
	HG_ERR_NO_LIBKMOD,
	/* libxml2 (libxml2.so.2, opened to read libvirt XML) is missing. */
	HG_ERR_NO_LIBXML,
};

struct hg_err {
	int code;		/* negative errno, 0 when nothing failed */
	enum hg_err_kind kind;
	char msg[512];
};

/* Records the error (first one wins) and returns @code for tail calls. */
int hg_err_set(struct hg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, with a kind other than HG_ERR_OTHER. */
int hg_err_set_kind(struct hg_err *err, enum hg_err_kind kind, int code,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void hg_err_clear(struct hg_err *err);

#endif
