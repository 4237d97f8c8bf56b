// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom inside a test VM, against the truth known from the QEMU
 * command line that started it (scripts/vm-tests passes it in):
 *   HOSTGEOM_EXPECT_AW      the emulated IOMMU's address width (39, 48, ...)
 *   HOSTGEOM_EXPECT_RANGES  usable IOVA ranges, "0x0-0xfedfffff,0x...-0x..."
 *   HOSTGEOM_EXPECT_GROUPS  device sets that must each be exactly one
 *                           group, "BDF,BDF,BDF;BDF"
 * Skips outside such a VM (no HOSTGEOM_EXPECT_AW). In an arm64 guest
 * "hostgeom qemu" speaks for a virt machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "json_get.h"
#include "kselftest_harness.h"
#include "host_devices.h"

FIXTURE(vm) {
	struct cli_result res;
	json_object *doc;
	unsigned int aw;
};

FIXTURE_SETUP(vm)
{
	const char *aw = getenv("HOSTGEOM_EXPECT_AW");

	self->doc = NULL;
	if (!aw)
		SKIP(return, "not in a test VM (HOSTGEOM_EXPECT_AW unset; scripts/vm-tests sets it)");
	self->aw = (unsigned int)strtoul(aw, NULL, 10);
}

FIXTURE_TEARDOWN(vm)
{
	json_object_put(self->doc);
}

/* The group (from "groups --json") holding device @name. */
static json_object *group_of(json_object *doc, const char *name)
{
	json_object *groups = json_get(doc, "groups");
	size_t i, j;

	for (i = 0; groups && i < json_object_array_length(groups); i++) {
		json_object *g = json_object_array_get_idx(groups, i);
		json_object *devs = json_get(g, "devices");

		for (j = 0; devs && j < json_object_array_length(devs); j++)
			if (!strcmp(name, json_object_get_string(
				json_get(json_object_array_get_idx(devs, j), "name"))))
				return g;
	}
	return NULL;
}

TEST_F(vm, expected_groups)
{
	const char *argv[] = { "groups", "--json", NULL };
	const char *spec = getenv("HOSTGEOM_EXPECT_GROUPS");
	char *copy, *set, *save = NULL;

	if (!spec)
		SKIP(return, "HOSTGEOM_EXPECT_GROUPS unset");
	ASSERT_EQ(0, cli_run(&self->res, argv)) {
		TH_LOG("%s", self->res.err);
	}
	self->doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, self->doc);
	copy = strdup(spec);
	for (set = strtok_r(copy, ";", &save); set; set = strtok_r(NULL, ";", &save)) {
		char *name, *save2 = NULL;
		json_object *first = NULL;
		size_t n = 0;

		for (name = strtok_r(set, ",", &save2); name;
		     name = strtok_r(NULL, ",", &save2), n++) {
			json_object *g = group_of(self->doc, name);

			EXPECT_NE(NULL, g) {
				TH_LOG("%s is in no group", name);
			}
			if (!first)
				first = g;
			EXPECT_EQ(first, g) {
				TH_LOG("%s is not in the group of the first device", name);
			}
		}
		if (first)
			EXPECT_EQ(n, json_object_array_length(json_get(first, "devices"))) {
				TH_LOG("group %d has %zu members, expected %zu",
				       json_object_get_int(json_get(first, "id")),
				       json_object_array_length(json_get(first, "devices")), n);
			}
	}
	free(copy);
}

TEST_F(vm, check_agrees)
{
	const char *argv[] = { "check", NULL };

	EXPECT_EQ(0, cli_run(&self->res, argv)) {
		TH_LOG("hostgeom check:\n%s%s", self->res.out, self->res.err);
	}
}

TEST_F(vm, qemu_options_match_the_emulated_iommu)
{
	const char *argv[] = { "qemu", "--json", NULL };
	const char *want = getenv("HOSTGEOM_EXPECT_RANGES");
	json_object *usable;
	char got[1024] = "";
	size_t i, off = 0;

	ASSERT_EQ(0, cli_run(&self->res, argv)) {
		TH_LOG("%s", self->res.err);
	}
	self->doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, self->doc);
	EXPECT_EQ(self->aw, json_object_get_int(json_get(self->doc, "virtio_iommu.aw_bits")));
	/* an arm64 guest (the arm64 rows) is a virt host: no intel-iommu */
	if (!strcmp("virt", json_object_get_string(json_get(self->doc, "machine")))) {
		EXPECT_EQ(NULL, json_get(self->doc, "intel_iommu"));
	} else {
		EXPECT_EQ(self->aw >= 48 ? 48 : 39,
			  json_object_get_int(json_get(self->doc, "intel_iommu.aw_bits")));
	}
	usable = json_get(self->doc, "host.usable");
	for (i = 0; usable && i < json_object_array_length(usable); i++) {
		json_object *r = json_object_array_get_idx(usable, i);

		off += snprintf(got + off, sizeof(got) - off, "%s%s-%s", i ? "," : "",
				json_object_get_string(json_get(r, "start")),
				json_object_get_string(json_get(r, "end")));
	}
	if (want)
		EXPECT_STREQ(want, got);
}

HOST_DEVICES_MAIN(NULL, false)
