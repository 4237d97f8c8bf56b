/* SPDX-License-Identifier: GPL-2.0 */
/* What ranges, check, qemu and preflight print alike, through print.h. */
#ifndef HOSTGEOM_GEOM_PRINT_H
#define HOSTGEOM_GEOM_PRINT_H

#include <hostgeom/ranges_check.h>
#include <hostgeom/ranges_query.h>

#include "print.h"

/*
 * "start" and "end" (inclusive) into the open JSON object; in text
 * @start_fmt (a PRIx64 conversion) and "-0x%016" PRIx64.
 */
void print_range_fields(const char *start_fmt, uint64_t start, uint64_t last);
/* "@key": [{"start", "end"}...]; text: one "\t\t0x...-0x..." line each. */
void print_range_list(enum output_type t, const char *key,
		      const struct hg_ranges *set);
/* "members": [names]; text: " a,b". */
void print_members(enum output_type t, const struct hg_group *group);
/* "status" and, when it failed or is unavailable, "reason" (JSON only). */
void print_status(enum hg_status status, const char *reason);
/* "skipped": [{"group", "reason"}]; text: "skipped group N: reason". */
void print_skipped(const struct hg_geom_query *q);
struct hg_qemu_caps;
/*
 * "qemu": {"version", "binary", "properties_from", "virtio_aw_bits",
 * "virtio_granule"}, null when @q is (JSON only).
 */
void print_qemu_caps(const struct hg_qemu_caps *q);

#endif
