/* SPDX-License-Identifier: GPL-2.0 */
/* Looking up values in the JSON documents the tests check. */
#ifndef HOSTGEOM_JSON_GET_H
#define HOSTGEOM_JSON_GET_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * Parses a "0x..." string back (1 to 16 hex digits, nothing else around
 * them); -EINVAL when @obj is not one.
 */
static inline int json_get_hex(json_object *obj, uint64_t *value)
{
	const char *s, *end;
	unsigned long long v;

	if (!json_object_is_type(obj, json_type_string))
		return -EINVAL;
	s = json_object_get_string(obj);
	/* strtoull alone would take blanks, signs and a missing 0x. */
	if (strncmp(s, "0x", 2) || !s[2] ||
	    !strchr("0123456789abcdefABCDEF", s[2]) || strlen(s) > 18)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, (char **)&end, 16);
	if (errno || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

#endif
