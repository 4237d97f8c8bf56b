/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting: every fallible library call returns 0 or a negative
 * errno and, when given a struct hg_err, leaves there a sentence that names
 * the problem and, where there is one, the fix.
 */
#ifndef HOSTGEOM_ERR_H
#define HOSTGEOM_ERR_H

struct hg_err {
	int code;		/* negative errno, 0 when nothing failed */
	char msg[512];
};

/* Records the error (first one wins) and returns @code for tail calls. */
int hg_err_set(struct hg_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void hg_err_clear(struct hg_err *err);

#endif
