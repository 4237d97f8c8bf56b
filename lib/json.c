// SPDX-License-Identifier: GPL-2.0
/*
 * JSON forms of the library's objects. Every builder returns NULL when
 * memory runs out, having released what it built so far. Absent values
 * (no driver, not PCI, no type file) are JSON null: the keys of an object
 * are always the same, so consumers never test for a key's existence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/json.h>

/* Every key here is a string constant, added once per object. */
#define ADD_FLAGS (JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_ADD_CONSTANT_KEY)

/* Adds @val (NULL means allocation failed) under @key; drops it on failure. */
static int put(json_object *obj, const char *key, json_object *val)
{
	if (!val || json_object_object_add_ex(obj, key, val, ADD_FLAGS)) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

static int put_null(json_object *obj, const char *key)
{
	return json_object_object_add_ex(obj, key, NULL, ADD_FLAGS) ? -1 : 0;
}

/* @s, or null when @s is "". */
static int put_str_or_null(json_object *obj, const char *key, const char *s)
{
	if (!s[0])
		return put_null(obj, key);
	return put(obj, key, json_object_new_string(s));
}

static int append(json_object *arr, json_object *val)
{
	if (!val || json_object_array_add(arr, val)) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

/* Returns @obj, or NULL after releasing it when @failed. */
static json_object *done(json_object *obj, int failed)
{
	if (failed) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/*
 * "0x" and @value in lower-case hex, at least @width (at most 16) digits.
 * By hand: a large topology formats tens of thousands of these, and
 * printf's machinery was a tenth of the JSON time.
 */
static json_object *hex_string(uint64_t value, unsigned int width)
{
	char buf[2 + 16], *p = buf + sizeof(buf);
	unsigned int digits = 0;

	do {
		*--p = "0123456789abcdef"[value & 0xf];
		value >>= 4;
		digits++;
	} while (value || digits < width);
	*--p = 'x';
	*--p = '0';
	return json_object_new_string_len(p, buf + sizeof(buf) - p);
}

json_object *hg_json_hex(uint64_t value)
{
	return hex_string(value, 1);
}

int hg_json_get_hex(json_object *obj, uint64_t *value)
{
	const char *s, *end;
	unsigned long long v;

	if (!json_object_is_type(obj, json_type_string))
		return -EINVAL;
	s = json_object_get_string(obj);
	/* strtoull alone would take blanks, signs and a missing 0x. */
	if (strncmp(s, "0x", 2) || !s[2] ||
	    !strchr("0123456789abcdefABCDEF", s[2]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, (char **)&end, 16);
	if (errno || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

json_object *hg_json_range(uint64_t start, uint64_t last)
{
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	return done(obj, put(obj, "start", hg_json_hex(start)) ||
			 put(obj, "end", hg_json_hex(last)));
}

json_object *hg_json_ranges(const struct hg_ranges *set)
{
	json_object *arr = json_object_new_array_ext(set->n);
	size_t i;
	int failed = 0;

	if (!arr)
		return NULL;
	for (i = 0; !failed && i < set->n; i++)
		failed = append(arr, hg_json_range(set->v[i].start,
						   set->v[i].end));
	return done(arr, failed);
}

json_object *hg_json_resv(const struct hg_resv *resv, size_t n)
{
	json_object *arr = json_object_new_array_ext(n), *obj;
	size_t i;
	int failed = 0;

	if (!arr)
		return NULL;
	for (i = 0; !failed && i < n; i++) {
		obj = hg_json_range(resv[i].start, resv[i].end);
		if (obj && put(obj, "type", json_object_new_string(
				       hg_resv_type_name(resv[i].type)))) {
			json_object_put(obj);
			obj = NULL;
		}
		failed = append(arr, obj);
	}
	return done(arr, failed);
}

json_object *hg_json_device(const struct hg_device *dev)
{
	json_object *obj = json_object_new_object();
	int failed;

	if (!obj)
		return NULL;
	/* IDs fixed-width as sysfs prints them: "0x8086", "0x060000". */
	failed = put(obj, "name", json_object_new_string(dev->name)) ||
		 put(obj, "pci", json_object_new_boolean(dev->is_pci));
	if (!failed && dev->is_pci)
		failed = put(obj, "vendor", hex_string(dev->vendor, 4)) ||
			 put(obj, "device", hex_string(dev->device, 4)) ||
			 put(obj, "class", hex_string(dev->class_code, 6));
	else if (!failed)
		failed = put_null(obj, "vendor") || put_null(obj, "device") ||
			 put_null(obj, "class");
	failed = failed || put_str_or_null(obj, "driver", dev->driver) ||
		 put_str_or_null(obj, "vfio_cdev", dev->vfio_cdev);
	return done(obj, failed);
}

json_object *hg_json_group(const struct hg_group *group)
{
	json_object *obj = json_object_new_object(), *devs = NULL;
	size_t i;
	int failed;

	if (!obj)
		return NULL;
	failed = put(obj, "id", json_object_new_int64(group->id)) ||
		 put_str_or_null(obj, "type", group->type);
	if (!failed) {
		devs = json_object_new_array_ext(group->n_members);
		failed = put(obj, "devices", devs);
	}
	/* @devs belongs to @obj now: releasing @obj releases it. */
	for (i = 0; !failed && i < group->n_members; i++)
		failed = append(devs, hg_json_device(&group->members[i]));
	failed = failed || put(obj, "reserved_regions",
			       hg_json_resv(group->resv, group->n_resv));
	return done(obj, failed);
}

json_object *hg_json_topology(const struct hg_topology *topo)
{
	json_object *arr = json_object_new_array_ext(topo->n_groups);
	size_t i;
	int failed = 0;

	if (!arr)
		return NULL;
	for (i = 0; !failed && i < topo->n_groups; i++)
		failed = append(arr, hg_json_group(&topo->groups[i]));
	return done(arr, failed);
}
