// SPDX-License-Identifier: GPL-2.0
/*
 * hg_geom_query() on a fake machine: which groups it picks without
 * arguments and why it skips the others, how it resolves group numbers
 * and device names, and how a missing iommufd or a failing backend lands
 * in the result instead of failing the run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/query.h>

#include "fake_sysfs.h"
#include "cli_print.h"
#include "fake_vfio.h"
#include "kselftest_harness.h"

FIXTURE(query) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_geom_query q;
	struct hg_err err;
};

/* The default VM preset plus a host bridge and a virtio NIC. */
FIXTURE_SETUP(query)
{
	const struct fake_dev host = {
		.name = "0000:00:00.0", .group = 0, .pci = true,
		.vendor = 0x8086, .device = 0x29c0, .class_code = 0x060000,
	};
	const struct fake_dev nic = {
		.name = "0000:00:01.0", .group = 1, .pci = true,
		.vendor = 0x1af4, .device = 0x1041, .class_code = 0x020000,
		.driver = "virtio-pci",
	};

	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_default_machine(self->fs));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &host));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &nic));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
}

FIXTURE_TEARDOWN(query)
{
	hg_geom_query_free(&self->q);
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

TEST_F(query, every_ready_group)
{
	const struct hg_group_geom *g;

	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_ALL,
				   &self->q, &self->err)) {
		TH_LOG("%s", self->err.msg);
	}
	ASSERT_EQ(2, self->q.n_groups);
	EXPECT_EQ(6, self->q.groups[0].group->id);
	EXPECT_EQ(7, self->q.groups[1].group->id);
	ASSERT_EQ(2, self->q.n_skipped);
	EXPECT_EQ(0, self->q.skipped[0].id);
	EXPECT_STREQ("no member is bound to vfio-pci",
		     self->q.skipped[0].reason);
	EXPECT_EQ(1, self->q.skipped[1].id);
	EXPECT_STREQ("0000:00:01.0 (virtio-pci) is bound to a kernel driver",
		     self->q.skipped[1].reason);
	g = &self->q.groups[1];
	EXPECT_EQ(HG_STATUS_OK, g->type1_status);
	EXPECT_EQ(HG_STATUS_OK, g->iommufd_status);
	EXPECT_EQ(2, g->type1.iova.n);
	EXPECT_EQ(2, g->iommufd.iova.n);
	/* Group 7's two vfio-pci devices share one IOAS; the bridge not. */
	EXPECT_EQ(1, fake_log_count("vfio/devices/vfio1 ATTACH"));
	EXPECT_EQ(1, fake_log_count("vfio/devices/vfio2 ATTACH"));
	EXPECT_EQ(2, fake_log_count("iommu IOAS_ALLOC"));
	/* One container per group: type1 never mixes two groups. */
	EXPECT_EQ(2, fake_log_count("vfio/vfio SET_IOMMU"));
	EXPECT_EQ(2, hg_geom_answered(&self->q));
	EXPECT_STREQ("", fake_kernel.violation);
}

TEST_F(query, named_groups_folded)
{
	char *args[] = { "7", "03:01.0", "0000:03:02.0" };

	ASSERT_EQ(0, hg_geom_query(&self->ctx, args, 3, HG_BACKEND_ALL,
				   &self->q, &self->err));
	ASSERT_EQ(1, self->q.n_groups);
	EXPECT_EQ(7, self->q.groups[0].group->id);
	EXPECT_EQ(0, self->q.n_skipped);
}

TEST_F(query, unknown_names)
{
	char *group[] = { "9" }, *dev[] = { "0000:05:00.0" };
	char *huge[] = { "99999999999999999999" };

	EXPECT_EQ(-ENOENT, hg_geom_query(&self->ctx, group, 1, HG_BACKEND_ALL,
					 &self->q, &self->err));
	EXPECT_STREQ("no IOMMU group 9", self->err.msg);
	hg_err_clear(&self->err);
	EXPECT_EQ(-ENOENT, hg_geom_query(&self->ctx, dev, 1, HG_BACKEND_ALL,
					 &self->q, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "0000:05:00.0 is in no IOMMU group"));
	hg_err_clear(&self->err);
	EXPECT_EQ(-ENOENT, hg_geom_query(&self->ctx, huge, 1, HG_BACKEND_ALL,
					 &self->q, &self->err));
	EXPECT_EQ(0, fake_kernel.n_log);
}

/* Named explicitly, a group VFIO cannot use is asked anyway and fails. */
TEST_F(query, named_group_not_ready)
{
	char *args[] = { "1" };
	const struct hg_group_geom *g;

	ASSERT_EQ(0, hg_geom_query(&self->ctx, args, 1, HG_BACKEND_ALL,
				   &self->q, &self->err));
	ASSERT_EQ(1, self->q.n_groups);
	g = &self->q.groups[0];
	EXPECT_EQ(HG_STATUS_FAILED, g->type1_status);
	EXPECT_NE(NULL, strstr(g->type1_err.msg, "vfio/1"));
	EXPECT_EQ(HG_STATUS_FAILED, g->iommufd_status);
	EXPECT_STREQ("group 1 has no member bound to vfio-pci",
		     g->iommufd_err.msg);
	EXPECT_EQ(0, hg_geom_answered(&self->q));
}

TEST_F(query, iommufd_unavailable)
{
	char path[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/iommu", fake_kernel.dev_root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_ALL,
				   &self->q, &self->err));
	ASSERT_EQ(2, self->q.n_groups);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(HG_STATUS_OK, self->q.groups[i].type1_status);
		EXPECT_EQ(HG_STATUS_UNAVAILABLE,
			  self->q.groups[i].iommufd_status);
		EXPECT_NE(NULL, strstr(self->q.groups[i].iommufd_err.msg,
				       "CONFIG_IOMMUFD"));
	}
	EXPECT_EQ(2, hg_geom_answered(&self->q));
}

/* iommufd there, device cdevs not: unavailable too, not failed. */
TEST_F(query, no_cdev_nodes)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/vfio/devices/vfio0",
		 fake_kernel.dev_root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_IOMMUFD,
				   &self->q, &self->err));
	EXPECT_EQ(HG_STATUS_UNAVAILABLE, self->q.groups[0].iommufd_status);
	EXPECT_EQ(HG_STATUS_OK, self->q.groups[1].iommufd_status);
	EXPECT_EQ(HG_STATUS_NOT_ASKED, self->q.groups[0].type1_status);
}

TEST_F(query, type1_only)
{
	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_TYPE1,
				   &self->q, &self->err));
	EXPECT_EQ(HG_STATUS_OK, self->q.groups[0].type1_status);
	EXPECT_EQ(HG_STATUS_NOT_ASKED, self->q.groups[0].iommufd_status);
	EXPECT_EQ(-1, fake_log_find("iommu IOAS_ALLOC"));
}

TEST_F(query, type1_busy_iommufd_answers)
{
	fake_kernel.set_container_errno = EBUSY;
	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_ALL,
				   &self->q, &self->err));
	EXPECT_EQ(HG_STATUS_FAILED, self->q.groups[0].type1_status);
	EXPECT_EQ(-EBUSY, self->q.groups[0].type1_err.code);
	EXPECT_EQ(HG_STATUS_OK, self->q.groups[0].iommufd_status);
	EXPECT_EQ(2, hg_geom_answered(&self->q));
}

TEST_F(query, json_form)
{
	json_object *obj, *arr, *skip;

	ASSERT_EQ(0, hg_geom_query(&self->ctx, NULL, 0, HG_BACKEND_ALL,
				   &self->q, &self->err));
	obj = CLI_PRINT_JSON(ranges_print(&self->q));
	ASSERT_NE(NULL, obj);
	ASSERT_TRUE(json_object_object_get_ex(obj, "groups", &arr));
	EXPECT_EQ(2, json_object_array_length(arr));
	ASSERT_TRUE(json_object_object_get_ex(obj, "skipped", &arr));
	ASSERT_EQ(2, json_object_array_length(arr));
	ASSERT_TRUE(json_object_object_get_ex(json_object_array_get_idx(arr, 1),
					      "reason", &skip));
	EXPECT_STREQ(self->q.skipped[1].reason, json_object_get_string(skip));
	json_object_put(obj);
}

TEST(no_groups)
{
	struct fake_sysfs *fs = fake_sysfs_create();
	struct hg_geom_query q;
	struct hg_err err = { 0 };
	struct hg_ctx ctx = { 0 };

	ASSERT_NE(NULL, fs);
	ctx.sysfs = fake_sysfs_root(fs);
	EXPECT_EQ(-ENOENT, hg_geom_query(&ctx, NULL, 0, HG_BACKEND_ALL, &q,
					 &err));
	EXPECT_NE(NULL, strstr(err.msg, "no IOMMU groups"));
	EXPECT_EQ(0, q.n_groups);
	fake_sysfs_destroy(fs);
}

TEST(status_names)
{
	EXPECT_STREQ("not-asked", hg_status_name(HG_STATUS_NOT_ASKED));
	EXPECT_STREQ("ok", hg_status_name(HG_STATUS_OK));
	EXPECT_STREQ("unavailable", hg_status_name(HG_STATUS_UNAVAILABLE));
	EXPECT_STREQ("failed", hg_status_name(HG_STATUS_FAILED));
}

TEST_HARNESS_MAIN
