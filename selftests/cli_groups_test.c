// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom groups, the built binary ($HOSTGEOM, default build/hostgeom),
 * against synthetic sysfs trees: text and JSON output, filters, exit
 * status, and what it says when there is no IOMMU or sysfs is malformed.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "fake_sysfs.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define MSI "0x00000000fee00000 0x00000000feefffff msi\n"

FIXTURE(groups) {
	struct fake_sysfs *fs;
	const char *root;
	struct cli_result res;
};

/* Three groups: a lone host bridge, two chipset functions, a mixed one. */
FIXTURE_SETUP(groups)
{
	static const struct fake_dev devs[] = {
		{ .name = "0000:00:00.0", .group = 0, .pci = true,
		  .vendor = 0x8086, .device = 0x29c0, .class_code = 0x060000 },
		{ .name = "0000:00:1f.2", .group = 7, .pci = true,
		  .vendor = 0x8086, .device = 0x2922, .class_code = 0x010601,
		  .driver = "ahci" },
		{ .name = "0000:00:1f.0", .group = 7, .pci = true,
		  .vendor = 0x8086, .device = 0x2918, .class_code = 0x060100,
		  .driver = "lpc_ich" },
		{ .name = "0000:01:00.0", .group = 12, .pci = true,
		  .vendor = 0x1234, .device = 0x11e8, .class_code = 0x00ff00,
		  .driver = "vfio-pci", .vfio_cdev = "vfio0" },
		{ .name = "ff000000.dma", .group = 12 },
	};
	size_t i;

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	self->root = fake_sysfs_root(self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 0, "DMA", MSI));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 7, "DMA-FQ",
		  "0x0000000000000000 0x0000000000000fff direct\n" MSI));
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 12, NULL, NULL));
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &devs[i]));
}

FIXTURE_TEARDOWN(groups)
{
	fake_sysfs_destroy(self->fs);
}

/* Runs "hostgeom groups --sysfs-root ROOT ARGS...". */
#define RUN(...) cli_run(&self->res, (const char *[]){ "groups",	\
			 "--sysfs-root", self->root, ##__VA_ARGS__, NULL })

static const char all_text[] =
	"group 0 type DMA\n"
	"\tdevice 0000:00:00.0 id 8086:29c0 class 0x060000 driver - cdev -\n"
	"\treserved 0x00000000fee00000-0x00000000feefffff msi\n"
	"group 7 type DMA-FQ\n"
	"\tdevice 0000:00:1f.0 id 8086:2918 class 0x060100 driver lpc_ich cdev -\n"
	"\tdevice 0000:00:1f.2 id 8086:2922 class 0x010601 driver ahci cdev -\n"
	"\treserved 0x0000000000000000-0x0000000000000fff direct\n"
	"\treserved 0x00000000fee00000-0x00000000feefffff msi\n"
	"group 12 type -\n"
	"\tdevice 0000:01:00.0 id 1234:11e8 class 0x00ff00 driver vfio-pci cdev vfio0\n"
	"\tdevice ff000000.dma id - class - driver - cdev -\n";

TEST_F(groups, text_all)
{
	ASSERT_EQ(0, RUN());
	ASSERT_STREQ(all_text, self->res.out);
	ASSERT_STREQ("", self->res.err);
}

TEST_F(groups, filters)
{
	const char *g12 = strstr(all_text, "group 12");
	char want[1024];

	/* By id and by short BDF, printed once each, in id order. */
	ASSERT_EQ(0, RUN("12", "00:1F.2", "0000:00:1f.0"));
	snprintf(want, sizeof(want), "%.*s%s",
		 (int)(g12 - strstr(all_text, "group 7")),
		 strstr(all_text, "group 7"), g12);
	ASSERT_STREQ(want, self->res.out);

	ASSERT_EQ(0, RUN("ff000000.dma"));
	ASSERT_STREQ(g12, self->res.out);
}

TEST_F(groups, unknown_group_or_device)
{
	ASSERT_EQ(2, RUN("7", "99"));
	ASSERT_STREQ("", self->res.out);
	ASSERT_NE(NULL, strstr(self->res.err, "hostgeom: no IOMMU group 99 (in "));
	ASSERT_NE(NULL, strstr(self->res.err, "'hostgeom groups' lists"));

	ASSERT_EQ(2, RUN("0000:09:00.0"));
	ASSERT_STREQ("", self->res.out);
	ASSERT_NE(NULL, strstr(self->res.err, "0000:09:00.0"));
	ASSERT_NE(NULL, strstr(self->res.err, "is in no IOMMU group"));

	ASSERT_EQ(2, RUN("--json", "4294967296"));
	ASSERT_STREQ("", self->res.out);

	/* what the user typed is quoted escaped: one line on stderr */
	ASSERT_EQ(2, RUN("00:1f.9\nhostgeom: all fine"));
	ASSERT_NE(NULL, strstr(self->res.err, "00:1f.9\\x0ahostgeom: all fine"))
		TH_LOG("%s", self->res.err);
	ASSERT_EQ(strchr(self->res.err, '\n'), strrchr(self->res.err, '\n'));
}

TEST_F(groups, json)
{
	json_object *doc, *groups, *g, *d;

	ASSERT_EQ(0, RUN("--json"));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	ASSERT_EQ(1, json_object_get_int(json_get(doc, "schema")));
	ASSERT_STREQ("groups", json_object_get_string(json_get(doc, "command")));
	groups = json_get(doc, "groups");
	ASSERT_EQ(3, json_object_array_length(groups));

	g = json_object_array_get_idx(groups, 1);
	ASSERT_EQ(7, json_object_get_int(json_get(g, "id")));
	ASSERT_STREQ("DMA-FQ", json_object_get_string(json_get(g, "type")));
	ASSERT_EQ(2, json_object_array_length(json_get(g, "devices")));
	d = json_object_array_get_idx(json_get(g, "devices"), 0);
	ASSERT_STREQ("0000:00:1f.0", json_object_get_string(json_get(d, "name")));
	ASSERT_STREQ("0x8086", json_object_get_string(json_get(d, "vendor")));
	ASSERT_STREQ("0x060100", json_object_get_string(json_get(d, "class")));
	d = json_object_array_get_idx(json_get(g, "reserved_regions"), 1);
	ASSERT_STREQ("0xfee00000", json_object_get_string(json_get(d, "start")));
	ASSERT_STREQ("0xfeefffff", json_object_get_string(json_get(d, "end")));
	ASSERT_STREQ("msi", json_object_get_string(json_get(d, "type")));

	g = json_object_array_get_idx(groups, 2);
	ASSERT_TRUE(json_object_object_get_ex(g, "type", &d));
	ASSERT_EQ(NULL, d);
	d = json_object_array_get_idx(json_get(g, "devices"), 0);
	ASSERT_STREQ("vfio0", json_object_get_string(json_get(d, "vfio_cdev")));
	ASSERT_TRUE(json_object_get_boolean(json_get(d, "pci")));
	/* not PCI: the same keys, null */
	d = json_object_array_get_idx(json_get(g, "devices"), 1);
	ASSERT_STREQ("ff000000.dma", json_object_get_string(json_get(d, "name")));
	ASSERT_FALSE(json_object_get_boolean(json_get(d, "pci")));
	ASSERT_TRUE(json_object_object_get_ex(d, "vendor", &g));
	ASSERT_EQ(NULL, g);
	ASSERT_TRUE(json_object_object_get_ex(d, "class", &g));
	ASSERT_EQ(NULL, g);
	ASSERT_TRUE(json_object_object_get_ex(d, "driver", &g));
	ASSERT_EQ(NULL, g);
	json_object_put(doc);

	/* Filtered, and --pretty still parses to the same. */
	ASSERT_EQ(0, RUN("--pretty", "0000:01:00.0"));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	groups = json_get(doc, "groups");
	ASSERT_EQ(1, json_object_array_length(groups));
	ASSERT_EQ(12, json_object_get_int(json_get(json_object_array_get_idx(groups, 0), "id")));
	json_object_put(doc);
}

TEST_F(groups, malformed_reserved_regions)
{
	char want[512];

	ASSERT_EQ(0, fake_sysfs_printf(self->fs,
		  "kernel/iommu_groups/7/reserved_regions", "%s%s", MSI,
		  "0x0000000000001000 0x0000000000000fff direct\n"));
	ASSERT_EQ(2, RUN());
	ASSERT_STREQ("", self->res.out);
	snprintf(want, sizeof(want),
		 "hostgeom: %s/kernel/iommu_groups/7/reserved_regions:2: start is above end",
		 self->root);
	ASSERT_EQ(0, strncmp(want, self->res.err, strlen(want)))
		TH_LOG("stderr: %s", self->res.err);
}

TEST_F(groups, usage)
{
	ASSERT_EQ(0, RUN("--help"));
	ASSERT_EQ(0, strncmp("Usage: hostgeom groups", self->res.out, 22));
	ASSERT_EQ(2, RUN("--no-such-option"));
	ASSERT_STREQ("", self->res.out);
	ASSERT_NE(NULL, strstr(self->res.err, "hostgeom groups --help"));
}

TEST_F(groups, sysfs_root_before_the_command)
{
	const char *argv[] = { "--sysfs-root", self->root, "groups", "0", NULL };

	ASSERT_EQ(0, cli_run(&self->res, argv));
	ASSERT_EQ(0, strncmp("group 0 type DMA\n", self->res.out, 17));
}

/*
 * Bytes from sysfs are untrusted: a type that is not UTF-8 and a device
 * name with a newline. JSON stays valid UTF-8; text keeps one line each.
 */
TEST_F(groups, hostile_names_and_types)
{
	const struct fake_dev odd = {
		.name = "0000:00:1f.3\ngroup 99 type DMA", .group = 7,
	};
	struct json_tokener *tok;
	json_object *doc, *g, *d;
	const char *line;

	ASSERT_EQ(0, fake_sysfs_printf(self->fs, "kernel/iommu_groups/7/type",
				       "\xff\xfe\n"));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &odd));

	ASSERT_EQ(0, RUN("7"));
	ASSERT_EQ(0, strncmp("group 7 type \\xff\\xfe\n", self->res.out, 21))
		TH_LOG("%s", self->res.out);
	ASSERT_EQ(NULL, strstr(self->res.out, "\ngroup 99"));
	line = strstr(self->res.out, "\tdevice 0000:00:1f.3\\x0agroup 99 type DMA id - class - driver - cdev -\n");
	ASSERT_NE(NULL, line) TH_LOG("%s", self->res.out);

	ASSERT_EQ(0, RUN("--json", "7"));
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, self->res.out,
				    (int)strlen(self->res.out));
	json_tokener_free(tok);
	ASSERT_NE(NULL, doc) TH_LOG("not valid UTF-8 JSON: %s", self->res.out);
	g = json_object_array_get_idx(json_get(doc, "groups"), 0);
	EXPECT_STREQ("\xef\xbf\xbd\xef\xbf\xbd",
		     json_object_get_string(json_get(g, "type")));
	/* sorted by name: after 0000:00:1f.0 and 0000:00:1f.2 */
	d = json_object_array_get_idx(json_get(g, "devices"), 2);
	EXPECT_STREQ(odd.name, json_object_get_string(json_get(d, "name")));
	EXPECT_FALSE(json_object_get_boolean(json_get(d, "pci")));
	EXPECT_TRUE(json_object_object_get_ex(d, "vendor", &g));
	EXPECT_EQ(NULL, g);
	json_object_put(doc);
}

/* Output that cannot be written is a failure to run, said on stderr. */
TEST_F(groups, write_error_exits_2)
{
	const char *text[] = { "groups", "--sysfs-root", self->root, NULL };
	const char *json[] = { "-j", "groups", "--sysfs-root", self->root,
			       NULL };
	const char *help[] = { "groups", "--help", NULL };

	ASSERT_EQ(2, cli_run_to(&self->res, text, "/dev/full"));
	EXPECT_NE(NULL, strstr(self->res.err,
			       "hostgeom: cannot write the output: No space left on device"));
	ASSERT_EQ(2, cli_run_to(&self->res, json, "/dev/full"));
	EXPECT_NE(NULL, strstr(self->res.err, "cannot write the output"));
	ASSERT_EQ(2, cli_run_to(&self->res, help, "/dev/full"));
}

TEST_F(groups, sysfs_root_that_is_not_there_exits_2)
{
	const char *gone[] = { "--sysfs-root", "/nonexistent", "groups", NULL };
	const char *file[] = { "groups", "--sysfs-root", "/dev/null", NULL };

	ASSERT_EQ(2, cli_run(&self->res, gone));
	EXPECT_STREQ("", self->res.out);
	EXPECT_NE(NULL, strstr(self->res.err,
			       "cannot read sysfs at /nonexistent: No such file or directory"));
	ASSERT_EQ(2, cli_run(&self->res, file));
	EXPECT_NE(NULL, strstr(self->res.err, "not a directory"));
}

/* No IOMMU: a finding (exit 1), said on stderr, an empty list in JSON. */
FIXTURE(no_iommu) {
	struct fake_sysfs *fs;
	struct cli_result res;
	char want[512];
};

FIXTURE_VARIANT(no_iommu) {
	bool groups_dir;	/* the directory exists, empty */
};

FIXTURE_VARIANT_ADD(no_iommu, no_directory) { .groups_dir = false };
FIXTURE_VARIANT_ADD(no_iommu, empty_directory) { .groups_dir = true };

FIXTURE_SETUP(no_iommu)
{
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	if (variant->groups_dir)
		ASSERT_EQ(0, fake_sysfs_mkdir(self->fs, "kernel/iommu_groups"));
	snprintf(self->want, sizeof(self->want),
		 "hostgeom: no IOMMU groups under %s/kernel/iommu_groups: is an IOMMU enabled",
		 fake_sysfs_root(self->fs));
}

FIXTURE_TEARDOWN(no_iommu)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(no_iommu, text_and_json)
{
	const char *text[] = { "groups", "--sysfs-root",
			       fake_sysfs_root(self->fs), NULL };
	const char *json[] = { "groups", "--json", "--sysfs-root",
			       fake_sysfs_root(self->fs), "3", NULL };
	json_object *doc, *groups;

	ASSERT_EQ(1, cli_run(&self->res, text));
	ASSERT_STREQ("", self->res.out);
	ASSERT_EQ(0, strncmp(self->want, self->res.err, strlen(self->want)))
		TH_LOG("stderr: %s", self->res.err);
	/* One line. */
	ASSERT_EQ(strchr(self->res.err, '\n'), strrchr(self->res.err, '\n'));

	ASSERT_EQ(1, cli_run(&self->res, json));
	ASSERT_EQ(0, strncmp(self->want, self->res.err, strlen(self->want)));
	doc = json_tokener_parse(self->res.out);
	ASSERT_NE(NULL, doc);
	ASSERT_STREQ("groups", json_object_get_string(json_get(doc, "command")));
	groups = json_get(doc, "groups");
	ASSERT_TRUE(json_object_is_type(groups, json_type_array));
	ASSERT_EQ(0, json_object_array_length(groups));
	json_object_put(doc);
}

TEST_HARNESS_MAIN
