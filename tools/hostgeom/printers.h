/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The printers of the commands whose results come from the kernel (VFIO,
 * the test module), callable without running the command, so the tests
 * can feed them results and read the JSON back. Each prints through
 * print.h; print_start() and print_end() are the caller's.
 */
#ifndef HOSTGEOM_PRINTERS_H
#define HOSTGEOM_PRINTERS_H

#include <hostgeom/genl.h>
#include <hostgeom/query.h>

/* The whole "ranges" document. */
void ranges_print(const struct hg_geom_query *q);
/* One group of it: its object in the "groups" array. */
void ranges_print_group(const struct hg_group_geom *g);
/* One group of "check": its object in the "groups" array. */
void check_print_group(const struct hg_group_check *c,
		       const struct hg_group_geom *geom);
/* The whole "carve" document; EXIT_CANNOT (said why) if it stopped. */
int carve_print(unsigned int family_version,
		const struct hg_carve_result *res);
/* The status carve exits with for @res, saying why on stderr if needed. */
int carve_exit_status(const struct hg_carve_req *req,
		      const struct hg_carve_result *res);

#endif
