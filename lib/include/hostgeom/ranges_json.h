/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON forms of the backends' answers and the checks (lib/ranges_json.c,
 * json-c).
 */
#ifndef HOSTGEOM_RANGES_JSON_H
#define HOSTGEOM_RANGES_JSON_H

#include <json-c/json.h>

#include <hostgeom/ranges_check.h>
#include <hostgeom/ranges_query.h>

/*
 * JSON forms (schema in hostgeom(1), Documentation/hostgeom.1): one
 * group's backend answers {"group","members","type1","iommufd"}, the
 * skipped groups [{"group","reason"}], one group's check {"group",
 * "members","checked","agree","aw_bits","aw_source","sources",
 * "comparisons","iommufd_unattached"}. NULL when out of memory.
 */
json_object *hg_json_geom_group(const struct hg_group_geom *geom);
json_object *hg_json_geom_skipped(const struct hg_geom_query *query);
/* Adds "groups" (every hg_json_geom_group) and "skipped" to @obj. */
int hg_json_geom_query(json_object *obj, const struct hg_geom_query *query);
json_object *hg_json_group_check(const struct hg_group_check *check,
				 const struct hg_group_geom *geom);

#endif
