/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reserved IOVA regions: a group's reserved_regions file in sysfs, parsed
 * (lib/sysfs/resv.c).
 */
#ifndef HOSTGEOM_RESV_H
#define HOSTGEOM_RESV_H

#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>

/*
 * One vocabulary for sysfs and the test module: the library translates
 * the module's codes (enum hostgeom_resv_type) into these where it parses
 * its replies. sysfs prints SW_MSI regions as "msi" too.
 */
enum hg_resv_type {
	HG_RESV_DIRECT,
	HG_RESV_DIRECT_RELAXABLE,
	HG_RESV_RESERVED,
	HG_RESV_MSI,
	HG_RESV_SW_MSI,		/* software MSI window (module only) */
	HG_RESV_CANARY,		/* the carve check's own test region */
	HG_RESV_UNKNOWN,
};

struct hg_resv {
	uint64_t start;
	uint64_t end;		/* inclusive, as sysfs prints it */
	enum hg_resv_type type;
};

/*
 * "direct", "direct-relaxable", "reserved", "msi", "sw-msi", "canary",
 * "unknown"
 */
const char *hg_resv_type_name(enum hg_resv_type type);
/* sysfs's names only; HG_RESV_UNKNOWN for a name sysfs does not print. */
enum hg_resv_type hg_resv_type_parse(const char *name);

/* Parses one reserved_regions file body; @what names it in errors. */
int hg_resv_parse(const char *text, const char *what, struct hg_resv **out,
		  size_t *n, struct hg_err *err);

#endif
