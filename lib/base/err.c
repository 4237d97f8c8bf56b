// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/err.h>

static int set(struct hg_err *err, enum hg_err_kind kind, int code,
	       const char *fmt, va_list ap)
{
	if (!err || err->code)
		return code;
	err->code = code;
	err->kind = kind;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int hg_err_set(struct hg_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(err, HG_ERR_OTHER, code, fmt, ap);
	va_end(ap);
	return code;
}

int hg_err_set_kind(struct hg_err *err, enum hg_err_kind kind, int code,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set(err, kind, code, fmt, ap);
	va_end(ap);
	return code;
}

void hg_err_clear(struct hg_err *err)
{
	err->code = 0;
	err->kind = HG_ERR_OTHER;
	err->msg[0] = '\0';
}
