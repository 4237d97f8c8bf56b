// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's option values: "driver,key=value,flag" with ",," for a literal
 * comma, or (for -device and -object) a JSON object.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

static int add_pair(struct pf_opts *o, const char *key, size_t klen,
		    const char *val)
{
	struct pf_opt *p;

	if (o->n >= PF_OPTS_MAX)
		return -E2BIG;
	p = &o->v[o->n++];
	snprintf(p->key, sizeof(p->key), "%.*s", (int)klen, key);
	snprintf(p->value, sizeof(p->value), "%s", val ? val : "");
	p->bare = !val;
	return 0;
}

/* Copies one item up to an unescaped comma into @buf; returns the rest. */
static const char *next_item(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ',' && s[1] == ',') {
			s++;
		} else if (*s == ',') {
			s++;
			break;
		}
		if (n + 1 < len)
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return s;
}

static int parse_keyval(const char *s, struct pf_opts *o)
{
	char item[PF_OPT_VALUE_LEN];
	int ret = 0;

	while (*s && !ret) {
		char *eq;

		s = next_item(s, item, sizeof(item));
		eq = strchr(item, '=');
		if (eq) {
			*eq = '\0';
			ret = add_pair(o, item, strlen(item), eq + 1);
		} else if (item[0]) {
			ret = add_pair(o, item, strlen(item), NULL);
		}
	}
	return ret;
}

static int parse_json(const char *s, struct pf_opts *o)
{
	json_object *obj = json_tokener_parse(s);
	int ret = 0;

	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return -EINVAL;
	}
	json_object_object_foreach(obj, key, val) {
		const char *text;

		if (ret)
			break;
		if (json_object_is_type(val, json_type_boolean))
			text = json_object_get_boolean(val) ? "on" : "off";
		else
			text = json_object_get_string(val);
		ret = add_pair(o, key, strlen(key), text ? text : "");
	}
	json_object_put(obj);
	return ret;
}

int pf_opts_parse(const char *s, struct pf_opts *o)
{
	memset(o, 0, sizeof(*o));
	while (*s == ' ')
		s++;
	return *s == '{' ? parse_json(s, o) : parse_keyval(s, o);
}

const char *pf_opts_get(const struct pf_opts *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!o->v[i].bare && !strcmp(o->v[i].key, key))
			return o->v[i].value;
	return NULL;
}

const char *pf_opts_first_bare(const struct pf_opts *o)
{
	return o->n && o->v[0].bare ? o->v[0].key : NULL;
}

bool pf_opt_on(const char *v)
{
	return v && (!strcmp(v, "on") || !strcmp(v, "true") ||
		     !strcmp(v, "yes") || !strcmp(v, "1"));
}
