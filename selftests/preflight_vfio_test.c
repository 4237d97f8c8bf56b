// SPDX-License-Identifier: GPL-2.0
/*
 * The preflight's host side from VFIO, on the fake VFIO kernel (a VT-d
 * aw-bits=39 host): type1's answer, iommufd's when type1 refuses, the
 * group a device shares, no descriptor left open; and a guest checked
 * against it.
 */
#include <errno.h>
#include <string.h>

#include <hostgeom/preflight.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"
#include "kselftest_harness.h"

FIXTURE(vfio) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	struct hg_pf_host host;
	int fds;
};

FIXTURE_SETUP(vfio)
{
	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_default_machine(self->fs));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
	memset(&self->host, 0, sizeof(self->host));
	self->fds = fake_open_fds();
}

FIXTURE_TEARDOWN(vfio)
{
	hg_pf_host_free(&self->host);
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

TEST_F(vfio, type1_answers)
{
	struct hg_err err = { 0 };

	ASSERT_EQ(0, hg_pf_host_from_vfio(&self->ctx, "0000:01:00.0",
					  &self->host, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("type1", self->host.source);
	EXPECT_EQ(39, self->host.aw_bits);
	EXPECT_TRUE(self->host.have_group);
	EXPECT_EQ(6, self->host.group);
	EXPECT_FALSE(self->host.group_shared);
	EXPECT_EQ(2, self->host.usable.n);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(vfio, iommufd_when_type1_refuses)
{
	struct hg_err err = { 0 };

	fake_kernel.set_iommu_errno = EPERM;
	ASSERT_EQ(0, hg_pf_host_from_vfio(&self->ctx, "0000:01:00.0",
					  &self->host, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("iommufd", self->host.source);
	EXPECT_EQ(39, self->host.aw_bits);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(vfio, shared_group_and_a_guest_beyond_it)
{
	static struct hg_pf_guest g;
	static struct hg_pf_report rep;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, hg_pf_host_from_vfio(&self->ctx, "0000:03:01.0",
					  &self->host, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(7, self->host.group);
	EXPECT_TRUE(self->host.group_shared);
	hg_pf_guest_init(&g);
	g.ram = 4 * HG_GIB;
	g.maxmem = 1024 * HG_GIB;
	g.slots = 1;
	g.phys_bits = 42;
	ASSERT_EQ(0, hg_pf_add_device(&g, "03:01.0", NULL, NULL, &err));
	ASSERT_EQ(0, hg_pf_check(&g, &self->host, 1, &rep, &err));
	ASSERT_LE(1, rep.n_conflicts);
	EXPECT_EQ(HG_PF_FATAL, rep.conflicts[0].severity);
	EXPECT_FALSE(rep.fits);
}

TEST_F(vfio, no_such_device)
{
	struct hg_err err = { 0 };

	EXPECT_NE(0, hg_pf_host_from_vfio(&self->ctx, "0000:09:00.0",
					  &self->host, &err));
	EXPECT_NE(0, err.msg[0]);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_HARNESS_MAIN
