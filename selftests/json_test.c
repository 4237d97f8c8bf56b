// SPDX-License-Identifier: GPL-2.0
/*
 * JSON forms: emitted, printed, parsed back with json-c, and checked key by
 * key. Addresses and IDs must come back as hex strings, never numbers.
 */
#include <errno.h>
#include <string.h>

#include <hostgeom/json.h>

#include "kselftest_harness.h"

#define MAX UINT64_MAX

/* Prints @obj, drops it, parses the text back: what a consumer sees. */
static json_object *round_trip(json_object *obj)
{
	json_object *back;

	if (!obj)
		return NULL;
	back = json_tokener_parse(json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PLAIN));
	json_object_put(obj);
	return back;
}

static json_object *key(json_object *obj, const char *name)
{
	json_object *v = NULL;

	return json_object_object_get_ex(obj, name, &v) ? v : (json_object *)-1;
}
#define MISSING ((json_object *)-1)

static bool has_keys(json_object *obj, const char *const *names, size_t n)
{
	size_t i;

	if (!json_object_is_type(obj, json_type_object) ||
	    (size_t)json_object_object_length(obj) != n)
		return false;
	for (i = 0; i < n; i++)
		if (key(obj, names[i]) == MISSING)
			return false;
	return true;
}
#define HAS_KEYS(obj, ...) ({						\
	static const char *const _k[] = { __VA_ARGS__ };		\
	has_keys(obj, _k, sizeof(_k) / sizeof(_k[0]));			\
})

static bool hex_is(json_object *obj, uint64_t want)
{
	uint64_t v;

	return !hg_json_get_hex(obj, &v) && v == want;
}

static bool str_is(json_object *obj, const char *want)
{
	return json_object_is_type(obj, json_type_string) &&
	       !strcmp(json_object_get_string(obj), want);
}

/* No number anywhere below @obj except under the keys "id" and "schema". */
static bool numbers_only_ids(json_object *obj)
{
	size_t i;

	switch (json_object_get_type(obj)) {
	case json_type_int:
	case json_type_double:
		return false;
	case json_type_array:
		for (i = 0; i < json_object_array_length(obj); i++)
			if (!numbers_only_ids(json_object_array_get_idx(obj, i)))
				return false;
		return true;
	case json_type_object: {
		json_object_object_foreach(obj, k, v) {
			if (!strcmp(k, "id") || !strcmp(k, "schema"))
				continue;
			if (!numbers_only_ids(v))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}

TEST(hex)
{
	static const uint64_t values[] = {
		0, 1, 0xfee00000, 0x7fffffffffULL, 1ULL << 63, MAX - 1, MAX,
	};
	json_object *o;
	uint64_t v;
	size_t i;

	o = hg_json_hex(0);
	ASSERT_STREQ("0x0", json_object_get_string(o));
	json_object_put(o);
	o = hg_json_hex(MAX);
	ASSERT_STREQ("0xffffffffffffffff", json_object_get_string(o));
	json_object_put(o);
	o = hg_json_hex(0xFEE00000);
	ASSERT_STREQ("0xfee00000", json_object_get_string(o));
	json_object_put(o);

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		o = round_trip(hg_json_hex(values[i]));
		ASSERT_TRUE(hex_is(o, values[i]));
		json_object_put(o);
	}

	/* Upper case and leading zeros are hex all the same. */
	o = json_object_new_string("0x00000000FEE00000");
	ASSERT_EQ(0, hg_json_get_hex(o, &v));
	ASSERT_EQ(0xfee00000, v);
	json_object_put(o);
}

TEST(get_hex_rejects)
{
	static const char *const bad[] = {
		"", "0x", "0", "10", "x10", "0X10", " 0x10", "0x10 ", "0x-1",
		"0x+1", "-0x1", "0xg", "0x1g", "0x10000000000000000",
		"0x 1",
	};
	json_object *o;
	uint64_t v = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = json_object_new_string(bad[i]);
		ASSERT_EQ(-EINVAL, hg_json_get_hex(o, &v))
			TH_LOG("accepted '%s'", bad[i]);
		json_object_put(o);
	}
	o = json_object_new_int64(16);
	ASSERT_EQ(-EINVAL, hg_json_get_hex(o, &v));
	json_object_put(o);
	ASSERT_EQ(-EINVAL, hg_json_get_hex(NULL, &v));
	ASSERT_EQ(42, v);
}

TEST(ranges)
{
	struct hg_range v[] = { { 0, 0xfedfffff }, { 0xfef00000, MAX } };
	struct hg_ranges set = { v, 2, 2 }, none = HG_RANGES_INIT;
	json_object *o, *r;

	o = round_trip(hg_json_ranges(&set));
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	ASSERT_EQ(2, json_object_array_length(o));
	r = json_object_array_get_idx(o, 1);
	ASSERT_TRUE(HAS_KEYS(r, "start", "end"));
	ASSERT_TRUE(hex_is(key(r, "start"), 0xfef00000));
	ASSERT_TRUE(hex_is(key(r, "end"), MAX));
	ASSERT_TRUE(numbers_only_ids(o));
	json_object_put(o);

	o = round_trip(hg_json_ranges(&none));
	ASSERT_EQ(0, json_object_array_length(o));
	json_object_put(o);
}

TEST(pci_device)
{
	const struct hg_device d = {
		.name = "0000:00:02.0", .is_pci = true, .vendor = 0x1b36,
		.device = 0x0005, .class_code = 0x00ff00, .driver = "vfio-pci",
		.vfio_cdev = "vfio0",
	};
	json_object *o = round_trip(hg_json_device(&d));

	ASSERT_TRUE(HAS_KEYS(o, "name", "pci", "vendor", "device", "class",
			     "driver", "vfio_cdev"));
	ASSERT_TRUE(str_is(key(o, "name"), "0000:00:02.0"));
	ASSERT_TRUE(json_object_is_type(key(o, "pci"), json_type_boolean));
	ASSERT_TRUE(json_object_get_boolean(key(o, "pci")));
	/* Fixed width as sysfs prints them, and hex all the same. */
	ASSERT_TRUE(str_is(key(o, "vendor"), "0x1b36"));
	ASSERT_TRUE(str_is(key(o, "device"), "0x0005"));
	ASSERT_TRUE(str_is(key(o, "class"), "0x00ff00"));
	ASSERT_TRUE(hex_is(key(o, "class"), 0xff00));
	ASSERT_TRUE(str_is(key(o, "driver"), "vfio-pci"));
	ASSERT_TRUE(str_is(key(o, "vfio_cdev"), "vfio0"));
	ASSERT_TRUE(numbers_only_ids(o));
	json_object_put(o);
}

TEST(other_device_nulls)
{
	const struct hg_device d = { .name = "ff000000.dma" };
	json_object *o = round_trip(hg_json_device(&d));

	ASSERT_TRUE(HAS_KEYS(o, "name", "pci", "vendor", "device", "class",
			     "driver", "vfio_cdev"));
	ASSERT_FALSE(json_object_get_boolean(key(o, "pci")));
	ASSERT_EQ(NULL, key(o, "vendor"));
	ASSERT_EQ(NULL, key(o, "device"));
	ASSERT_EQ(NULL, key(o, "class"));
	ASSERT_EQ(NULL, key(o, "driver"));
	ASSERT_EQ(NULL, key(o, "vfio_cdev"));
	json_object_put(o);
}

TEST(topology)
{
	struct hg_device m[] = {
		{ .name = "0000:00:1c.0", .is_pci = true, .vendor = 0x8086,
		  .device = 0x7ab8, .class_code = 0x060400, .driver = "pcieport" },
		{ .name = "0000:01:00.0", .is_pci = true, .vendor = 0x1234,
		  .device = 0x11e8, .class_code = 0x00ff00 },
	};
	struct hg_resv r[] = {
		{ 0xfee00000, 0xfeefffff, HG_RESV_MSI },
	};
	struct hg_group g[] = {
		{ .id = 4294967295U, .type = "DMA-FQ", .members = m,
		  .n_members = 2, .resv = r, .n_resv = 1 },
		{ .id = 0 },
	};
	struct hg_topology topo = { g, 2 }, empty = { 0 };
	json_object *o, *grp, *devs, *resv;

	o = round_trip(hg_json_topology(&topo));
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	ASSERT_EQ(2, json_object_array_length(o));
	ASSERT_TRUE(numbers_only_ids(o));

	grp = json_object_array_get_idx(o, 0);
	ASSERT_TRUE(HAS_KEYS(grp, "id", "type", "devices", "reserved_regions"));
	ASSERT_TRUE(json_object_is_type(key(grp, "id"), json_type_int));
	ASSERT_EQ(4294967295LL, json_object_get_int64(key(grp, "id")));
	ASSERT_TRUE(str_is(key(grp, "type"), "DMA-FQ"));
	devs = key(grp, "devices");
	ASSERT_EQ(2, json_object_array_length(devs));
	ASSERT_TRUE(str_is(key(json_object_array_get_idx(devs, 1), "name"),
			   "0000:01:00.0"));
	ASSERT_EQ(NULL, key(json_object_array_get_idx(devs, 1), "driver"));
	resv = key(grp, "reserved_regions");
	ASSERT_EQ(1, json_object_array_length(resv));
	resv = json_object_array_get_idx(resv, 0);
	ASSERT_TRUE(HAS_KEYS(resv, "start", "end", "type"));
	ASSERT_TRUE(hex_is(key(resv, "start"), 0xfee00000));
	ASSERT_TRUE(hex_is(key(resv, "end"), 0xfeefffff));
	ASSERT_TRUE(str_is(key(resv, "type"), "msi"));

	/* A group without a type file, members or regions. */
	grp = json_object_array_get_idx(o, 1);
	ASSERT_TRUE(HAS_KEYS(grp, "id", "type", "devices", "reserved_regions"));
	ASSERT_EQ(0, json_object_get_int64(key(grp, "id")));
	ASSERT_EQ(NULL, key(grp, "type"));
	ASSERT_EQ(0, json_object_array_length(key(grp, "devices")));
	ASSERT_EQ(0, json_object_array_length(key(grp, "reserved_regions")));
	json_object_put(o);

	o = round_trip(hg_json_topology(&empty));
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	ASSERT_EQ(0, json_object_array_length(o));
	json_object_put(o);
}

TEST(resv_types)
{
	const struct hg_resv r[] = {
		{ 0, 0, HG_RESV_DIRECT },
		{ 1, 1, HG_RESV_DIRECT_RELAXABLE },
		{ 2, 2, HG_RESV_RESERVED },
		{ 3, 3, HG_RESV_MSI },
		{ 4, MAX, HG_RESV_UNKNOWN },
	};
	static const char *const names[] = {
		"direct", "direct-relaxable", "reserved", "msi", "unknown",
	};
	json_object *o = round_trip(hg_json_resv(r, 5));
	size_t i;

	ASSERT_EQ(5, json_object_array_length(o));
	for (i = 0; i < 5; i++) {
		json_object *e = json_object_array_get_idx(o, i);

		ASSERT_TRUE(str_is(key(e, "type"), names[i]));
		ASSERT_TRUE(hex_is(key(e, "start"), r[i].start));
		ASSERT_TRUE(hex_is(key(e, "end"), r[i].end));
	}
	json_object_put(o);
}

TEST_HARNESS_MAIN
