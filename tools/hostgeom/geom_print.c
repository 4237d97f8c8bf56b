// SPDX-License-Identifier: GPL-2.0
/* What ranges, check, qemu and preflight print alike. */
#include <inttypes.h>
#include <stdio.h>

#include <hostgeom/qemu_caps.h>

#include "geom_print.h"

void print_range_fields(const char *start_fmt, uint64_t start, uint64_t last)
{
	print_hex(PRINT_ANY, "start", start_fmt, start);
	print_hex(PRINT_ANY, "end", "-0x%016" PRIx64, last);
}

void print_range_list(enum output_type t, const char *key,
		      const struct hg_ranges *set)
{
	size_t i;

	if (t & PRINT_TEXT && !set->n)
		print_text("\t\tnone\n");
	if (t & PRINT_JSON)
		open_json_array(key);
	for (i = 0; i < set->n; i++) {
		if (t & PRINT_JSON)
			open_json_object(NULL);
		print_hex(t, "start", "\t\t0x%016" PRIx64, set->v[i].start);
		print_hex(t, "end", "-0x%016" PRIx64 "\n", set->v[i].end);
		if (t & PRINT_JSON)
			close_json_object();
	}
	if (t & PRINT_JSON)
		close_json_array();
}

void print_members(enum output_type t, const struct hg_group *group)
{
	size_t i;

	open_json_array("members");
	for (i = 0; i < group->n_members; i++)
		print_string(t, NULL, i ? ",%s" : " %s",
			     group->members[i].name);
	close_json_array();
}

void print_status(enum hg_status status, const char *reason)
{
	print_string(PRINT_JSON, "status", NULL, hg_status_name(status));
	if (status == HG_STATUS_UNAVAILABLE || status == HG_STATUS_FAILED)
		print_string(PRINT_JSON, "reason", NULL, reason);
}

void print_skipped(const struct hg_geom_query *q)
{
	size_t i;

	open_json_array("skipped");
	for (i = 0; i < q->n_skipped; i++) {
		open_json_object(NULL);
		print_uint(PRINT_ANY, "group", "skipped group %u",
			   q->skipped[i].id);
		print_string(PRINT_ANY, "reason", ": %s\n",
			     q->skipped[i].reason);
		close_json_object();
	}
	close_json_array();
}

void print_qemu_caps(const struct hg_qemu_caps *q)
{
	char ver[32];

	if (!q) {
		print_null(PRINT_JSON, "qemu", NULL, NULL);
		return;
	}
	open_json_object("qemu");
	if (q->binary[0])
		snprintf(ver, sizeof(ver), "%u.%u.%u", q->major, q->minor,
			 q->micro);
	else
		snprintf(ver, sizeof(ver), "%u.%u", q->major, q->minor);
	print_string(PRINT_JSON, "version", NULL, ver);
	if (q->binary[0])
		print_string(PRINT_JSON, "binary", NULL, q->binary);
	else
		print_null(PRINT_JSON, "binary", NULL, NULL);
	print_string(PRINT_JSON, "properties_from", NULL, q->source);
	print_bool(PRINT_JSON, "virtio_aw_bits", NULL, q->virtio_aw_bits);
	print_bool(PRINT_JSON, "virtio_granule", NULL, q->virtio_granule);
	close_json_object();
}
