/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON forms of the test module's replies (json-c), for 'hostgeom resv'
 * and 'hostgeom carve'. Addresses are "0x..." strings (json.h says why);
 * absent values are null, so every object of a kind has the same keys.
 * The keys are listed in Documentation/module.md. Each builder returns
 * NULL when memory runs out.
 */
#ifndef HOSTGEOM_GENL_JSON_H
#define HOSTGEOM_GENL_JSON_H

#include <json-c/json.h>

#include <hostgeom/genl.h>

json_object *hg_json_kregion(const struct hg_kregion *r);
/* A group with its members and their own regions (GET_GROUPS). */
json_object *hg_json_kgroup(const struct hg_kgroup *g);
/* GET_GROUPS' reply: {"groups": [every group]}. */
json_object *hg_json_kgroups(const struct hg_kgroups *groups);
/* A carve result: the groups, their walks, hits and region verdicts. */
json_object *hg_json_carve(const struct hg_carve_result *res);

#endif
