/* SPDX-License-Identifier: GPL-2.0 */
/* Looking up values in the JSON documents the tests check. */
#ifndef HOSTGEOM_JSON_GET_H
#define HOSTGEOM_JSON_GET_H

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

/*
 * The value at @path below @obj: one key ("groups") or dot-separated keys
 * ("type1.aw_bits"). NULL when @obj is NULL or a key is missing, and also
 * when the value there is JSON null.
 */
static inline json_object *json_get(json_object *obj, const char *path)
{
	char key[64], *dot;
	json_object *next;

	while (obj && *path) {
		snprintf(key, sizeof(key), "%s", path);
		dot = strchr(key, '.');
		if (dot)
			*dot = '\0';
		if (!json_object_object_get_ex(obj, key, &next))
			return NULL;
		obj = next;
		path += strlen(key) + (dot ? 1 : 0);
	}
	return obj;
}

#endif
