// SPDX-License-Identifier: GPL-2.0
/*
 * hg_type1_query() against a fake VFIO: the calls it makes, in order, what
 * it makes of every failure the kernel can give, and that it closes all it
 * opened (group unset before the container goes) on every path.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hostgeom/vfio_type1.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"
#include "kselftest_harness.h"

FIXTURE(type1) {
	struct fake_sysfs *fs;
	struct hg_ctx ctx;
	int fds;
};

/* The default VM preset, and group 5: an LPC bridge and a vfio-pci device. */
FIXTURE_SETUP(type1)
{
	const struct fake_dev lpc = {
		.name = "0000:00:1f.0", .group = 5, .pci = true,
		.vendor = 0x8086, .device = 0x2918, .class_code = 0x060100,
		.driver = "lpc_ich",
	};
	const struct fake_dev edu = {
		.name = "0000:00:1f.3", .group = 5, .pci = true,
		.vendor = 0x1234, .device = 0x11e8, .class_code = 0xff0000,
		.driver = "vfio-pci", .vfio_cdev = "vfio3",
	};

	ASSERT_NE(NULL, fake_vfio_setup());
	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_vfio_default_machine(self->fs));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &lpc));
	ASSERT_EQ(0, fake_sysfs_add_dev(self->fs, &edu));
	ASSERT_EQ(0, fake_vfio_node("vfio/5"));
	fake_vfio_ctx(&self->ctx, fake_sysfs_root(self->fs));
	self->fds = fake_open_fds();
}

FIXTURE_TEARDOWN(type1)
{
	fake_sysfs_destroy(self->fs);
	fake_vfio_teardown();
}

static void expect_fails(struct __test_metadata *_metadata,
			 const struct hg_ctx *ctx, unsigned int id, int code,
			 const char *words)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };

	EXPECT_EQ(code, hg_type1_query(ctx, &id, 1, &info, &err));
	EXPECT_NE(NULL, strstr(err.msg, words)) {
		TH_LOG("message: %s", err.msg);
	}
	EXPECT_EQ(0, info.iova.n);
}

TEST_F(type1, ranges)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	unsigned int id = 7;

	ASSERT_EQ(0, hg_type1_query(&self->ctx, &id, 1, &info, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(FAKE_VTD39_PGSIZES, info.pgsizes);
	ASSERT_EQ(2, info.iova.n);
	EXPECT_EQ(0xfedfffff, info.iova.v[0].end);
	EXPECT_EQ(0x7fffffffffULL, info.iova.v[1].end);
	EXPECT_TRUE(info.have_dma_avail);
	EXPECT_EQ(65535, info.dma_avail);
	/* First call too small, second with the size asked for. */
	EXPECT_EQ(2, fake_kernel.get_info_calls);
	/* The order the kernel needs. */
	EXPECT_EQ(0, fake_log_find("vfio/vfio GET_API_VERSION"));
	EXPECT_LT(fake_log_find("vfio/vfio CHECK_EXTENSION"),
		  fake_log_find("vfio/7 GET_STATUS"));
	EXPECT_LT(fake_log_find("vfio/7 GET_STATUS"),
		  fake_log_find("vfio/7 SET_CONTAINER"));
	EXPECT_LT(fake_log_find("vfio/7 SET_CONTAINER"),
		  fake_log_find("vfio/vfio SET_IOMMU"));
	EXPECT_LT(fake_log_find("vfio/vfio SET_IOMMU"),
		  fake_log_find("vfio/vfio GET_INFO"));
	EXPECT_EQ(fake_kernel.n_log - 1,
		  fake_log_find("vfio/7 UNSET_CONTAINER"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
	hg_type1_info_free(&info);
}

/* The ranges changed twice between calls: the third call fits. */
TEST_F(type1, argsz_grows_twice)
{
	static const struct vfio_iova_range three[] = {
		{ 0, 0xfedfffff },
		{ 0xfef00000, 0x7ffffeffffULL },
		{ 0x7fffff0000ULL, 0x7fffffffffULL },
	};
	struct fake_answer *a = fake_kernel.answers;
	struct hg_type1_info info;
	struct hg_err err = { 0 };
	unsigned int id = 7;

	fake_answer_init(&a[0], 0x1000);
	fake_answer_iova(&a[0], 1, fake_vtd39, 1);
	fake_answer_init(&a[1], 0x1000);
	fake_answer_iova(&a[1], 2, fake_vtd39, 2);
	fake_answer_init(&a[2], 0x1000);
	fake_answer_iova(&a[2], 3, three, 3);
	fake_kernel.n_answers = 3;
	ASSERT_EQ(0, hg_type1_query(&self->ctx, &id, 1, &info, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(4, fake_kernel.get_info_calls);
	ASSERT_EQ(3, info.iova.n);
	EXPECT_EQ(0x7fffff0000ULL, info.iova.v[2].start);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
	hg_type1_info_free(&info);
}

TEST_F(type1, argsz_grows_forever)
{
	struct fake_answer *a = fake_kernel.answers;
	size_t i;

	for (i = 0; i < FAKE_MAX_ANSWERS; i++) {
		fake_answer_init(&a[i], 0x1000);
		fake_answer_iova(&a[i], i + 1, fake_vtd39, 1);
		memset(a[i].b + a[i].len, 0, 16 * i);
		a[i].len += 16 * i;	/* each answer longer than the last */
	}
	fake_kernel.n_answers = FAKE_MAX_ANSWERS;
	expect_fails(_metadata, &self->ctx, 7, -EPROTO, "larger buffer");
	EXPECT_LT(fake_kernel.get_info_calls, FAKE_MAX_ANSWERS);
	EXPECT_EQ(1, fake_log_count("vfio/7 UNSET_CONTAINER"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* An absurd size is refused before anything is allocated for it. */
TEST_F(type1, argsz_absurd)
{
	fake_kernel.claim_argsz = UINT32_MAX;
	expect_fails(_metadata, &self->ctx, 7, -EPROTO, "4294967295 bytes");
	EXPECT_EQ(1, fake_kernel.get_info_calls);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, set_iommu_eperm)
{
	fake_kernel.set_iommu_errno = EPERM;
	expect_fails(_metadata, &self->ctx, 7, -EPERM,
		     "allow_unsafe_interrupts=1");
	expect_fails(_metadata, &self->ctx, 7, -EPERM, "interrupt remapping");
	EXPECT_EQ(2, fake_log_count("vfio/7 UNSET_CONTAINER"));
	EXPECT_EQ(0, fake_kernel.get_info_calls);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, set_container_ebusy)
{
	fake_kernel.set_container_errno = EBUSY;
	expect_fails(_metadata, &self->ctx, 7, -EBUSY,
		     "in use by another process (QEMU?)");
	/* Never joined, so never left. */
	EXPECT_EQ(-1, fake_log_find("vfio/7 UNSET_CONTAINER"));
	EXPECT_EQ(-1, fake_log_find("vfio/vfio SET_IOMMU"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, not_viable_names_members)
{
	fake_kernel.not_viable = true;
	expect_fails(_metadata, &self->ctx, 5, -EPERM, "not viable");
	expect_fails(_metadata, &self->ctx, 5, -EPERM, "0000:00:1f.0");
	EXPECT_EQ(-1, fake_log_find("vfio/5 SET_CONTAINER"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* The kernel says not viable, sysfs sees nothing wrong (a race). */
TEST_F(type1, not_viable_sysfs_disagrees)
{
	fake_kernel.not_viable = true;
	expect_fails(_metadata, &self->ctx, 7, -EPERM, "did not say which");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, no_vfio_module)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/vfio/vfio", fake_kernel.dev_root);
	ASSERT_EQ(0, unlink(path));
	expect_fails(_metadata, &self->ctx, 7, -ENOENT, "modprobe vfio-pci");
	EXPECT_EQ(0, fake_kernel.n_log);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, no_group_node)
{
	expect_fails(_metadata, &self->ctx, 9, -ENOENT,
		     "no device bound to vfio-pci");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, no_type1v2)
{
	fake_kernel.has_type1v2 = 0;
	expect_fails(_metadata, &self->ctx, 7, -ENODEV,
		     "modprobe vfio_iommu_type1");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, api_version_mismatch)
{
	fake_kernel.api_version = 1;
	expect_fails(_metadata, &self->ctx, 7, -EPROTO, "API version 1");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, get_info_fails)
{
	fake_kernel.get_info_errno = EINVAL;
	expect_fails(_metadata, &self->ctx, 7, -EINVAL, "VFIO_IOMMU_GET_INFO");
	EXPECT_EQ(1, fake_log_count("vfio/7 UNSET_CONTAINER"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* A broken answer from the kernel is reported, not trusted. */
TEST_F(type1, malformed_answer)
{
	struct fake_answer *a = &fake_kernel.answers[0];

	fake_answer_link(a, a->last, a->last);
	expect_fails(_metadata, &self->ctx, 7, -EPROTO, "loop");
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/* Two groups in one container; the second fails, the first is unset. */
TEST_F(type1, second_group_fails)
{
	unsigned int ids[] = { 7, 5 };
	struct hg_type1_info info;
	struct hg_err err = { 0 };

	fake_kernel.set_container_errno = 0;
	ASSERT_EQ(0, hg_type1_query(&self->ctx, ids, 2, &info, &err));
	EXPECT_EQ(1, fake_log_count("vfio/7 UNSET_CONTAINER"));
	EXPECT_EQ(1, fake_log_count("vfio/5 UNSET_CONTAINER"));
	hg_type1_info_free(&info);

	ids[1] = 9;	/* no such node */
	EXPECT_EQ(-ENOENT, hg_type1_query(&self->ctx, ids, 2, &info, &err));
	EXPECT_EQ(2, fake_log_count("vfio/7 UNSET_CONTAINER"));
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

TEST_F(type1, no_groups)
{
	struct hg_type1_info info;
	struct hg_err err = { 0 };

	EXPECT_EQ(-EINVAL, hg_type1_query(&self->ctx, NULL, 0, &info, &err));
	EXPECT_EQ(0, fake_kernel.n_log);
	EXPECT_STREQ("", fake_vfio_leaks(self->fds));
}

/*
 * Not root: the fake /dev is root's (mode 0700) and root runs the child as
 * nobody; anyone else locks themselves out with mode 0.
 */
TEST_F(type1, not_root)
{
	struct { int code; char msg[512]; } *res;
	struct hg_type1_info info;
	unsigned int id = 7;
	int status;
	pid_t pid;

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct hg_err err = { 0 };

		if (!geteuid()) {
			if (setgid(65534) || setuid(65534))
				_exit(3);
		} else if (chmod(fake_kernel.dev_root, 0)) {
			_exit(4);
		}
		res->code = hg_type1_query(&self->ctx, &id, 1, &info, &err);
		memcpy(res->msg, err.msg, sizeof(res->msg));
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod(fake_kernel.dev_root, 0700);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-EACCES, res->code);
	EXPECT_NE(NULL, strstr(res->msg, "run as root")) {
		TH_LOG("message: %s", res->msg);
	}
	munmap(res, sizeof(*res));
}

TEST_HARNESS_MAIN
