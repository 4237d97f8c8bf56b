// SPDX-License-Identifier: GPL-2.0
/*
 * The hostgeom_test module and its "hostgeom" generic netlink family:
 * loading and unloading through libkmod, the family's version, who may
 * do what, attribute validation, and that no request leaves a mapping or
 * a changed DMA mask behind (the module's own counters, before and after).
 *
 * Runs for real in a test VM with an emulated IOMMU, with devices bound
 * to the stub (scripts/stub-bind BDF... -- build/selftests/module_test);
 * elsewhere every test skips and says why.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <hostgeom/genl.h>
#include <hostgeom/kmodload.h>
#include <hostgeom/sysfs.h>

#include "kselftest_harness.h"
#include "host_devices.h"
#include "module_env.h"

FIXTURE(mod) {
	struct hg_genl *g;
	struct hg_kgroups groups;
	const struct hg_kgroup *stub;	/* a group with a stub member */
};

FIXTURE_SETUP(mod)
{
	MODULE_ENV_SETUP(&self->g, &self->groups);
	self->stub = module_env_stub_group(&self->groups);
}

FIXTURE_TEARDOWN(mod)
{
	hg_kgroups_free(&self->groups);
	hg_genl_close(self->g);
}

static int counters(struct hg_genl *g, struct hg_kcounters *c)
{
	struct hg_err err = { 0 };

	return hg_genl_counters(g, c, &err);
}

TEST_F(mod, family_present_and_versioned)
{
	struct hg_kcounters c;

	EXPECT_EQ(HOSTGEOM_GENL_VERSION, hg_genl_version(self->g));
	EXPECT_EQ(0, counters(self->g, &c));
	EXPECT_EQ(0, c.live);
	EXPECT_LE(c.unmaps, c.maps);
	EXPECT_EQ(c.masks_changed, c.masks_restored);
}

TEST_F_TIMEOUT(mod, load_unload, 180)
{
	size_t stubs = module_env_stub_count();
	struct hg_err err = { 0 };
	struct hg_genl *g = NULL;
	bool loaded = false;

	hg_genl_close(self->g);
	self->g = NULL;
	ASSERT_EQ(0, hg_kmod_unload(&err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_FALSE(hg_kmod_is_loaded());
	EXPECT_EQ(0, module_env_stub_count());
	/* Unloading what is not loaded is fine. */
	EXPECT_EQ(0, hg_kmod_unload(&err));
	EXPECT_EQ(-ENOENT, hg_genl_open(&g, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not loaded"));
	hg_err_clear(&err);

	ASSERT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_TRUE(loaded);
	EXPECT_TRUE(hg_kmod_is_loaded());
	/* Loaded already: fine, and says it did not load it. */
	EXPECT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err));
	EXPECT_FALSE(loaded);
	ASSERT_EQ(0, hg_genl_open(&self->g, &err)) {
		TH_LOG("%s", err.msg);
	}
	/* driver_override survives the module: the stub gets them back. */
	EXPECT_EQ(stubs, module_env_stub_count());
}

static int try_load(void *arg)
{
	struct hg_err err = { 0 };
	bool loaded;
	int ret = hg_kmod_load(arg, &loaded, &err);

	if (ret != -EPERM || !strstr(err.msg, "CAP_SYS_MODULE"))
		fprintf(stderr, "# unprivileged load: %d %s\n", ret, err.msg);
	return ret == -EPERM && strstr(err.msg, "CAP_SYS_MODULE") ? 0 : 1;
}

static int try_unload(void *arg)
{
	struct hg_err err = { 0 };

	(void)arg;
	return hg_kmod_unload(&err) == -EPERM ? 0 : 1;
}

TEST_F_TIMEOUT(mod, load_unload_unprivileged_refused, 180)
{
	char path[1000];
	struct hg_err err = { 0 };
	bool loaded;

	if (!module_env_path())
		SKIP(return, "no kmod/out/RELEASE/hostgeom_test.ko for this kernel to load by path");
	snprintf(path, sizeof(path), "%s", module_env_path());
	EXPECT_EQ(0, module_env_unprivileged(try_unload, NULL));
	EXPECT_TRUE(hg_kmod_is_loaded());

	hg_genl_close(self->g);
	self->g = NULL;
	ASSERT_EQ(0, hg_kmod_unload(&err));
	EXPECT_EQ(0, module_env_unprivileged(try_load, path));
	EXPECT_FALSE(hg_kmod_is_loaded());
	ASSERT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(0, hg_genl_open(&self->g, &err));
}

/* A module built for another kernel is refused before the kernel sees it. */
TEST(load_module_for_another_kernel)
{
	struct hg_err err = { 0 };
	struct utsname u;
	char path[1000];
	bool loaded;

	uname(&u);
	if (module_env_foreign_ko(path, sizeof(path)))
		SKIP(return, "%s", path);
	EXPECT_EQ(-ENOEXEC, hg_kmod_load(path, &loaded, &err));
	EXPECT_NE(NULL, strstr(err.msg, "was built for kernel"));
	EXPECT_NE(NULL, strstr(err.msg, u.release)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_FALSE(loaded);
}

TEST(load_missing_or_not_a_module)
{
	struct hg_err err = { 0 };
	bool loaded;

	EXPECT_EQ(-ENOENT, hg_kmod_load("/nonexistent/hostgeom_test.ko",
					&loaded, &err));
	EXPECT_NE(NULL, strstr(err.msg, "no module file"));
	EXPECT_EQ(HG_ERR_MODULE_MISSING, err.kind);
	hg_err_clear(&err);
	EXPECT_EQ(-ENOEXEC, hg_kmod_load("/etc/os-release", &loaded, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not a kernel module")) {
		TH_LOG("%s", err.msg);
	}
}

static int unprivileged_requests(void *arg)
{
	struct hg_carve_req req = { .count = 1 };
	struct hg_carve_result res;
	struct hg_kcounters c;
	struct hg_err err = { 0 };
	struct hg_kgroups gs;
	struct hg_genl *g;
	int bad = 0;

	(void)arg;
	if (hg_genl_open(&g, &err))
		return 10;
	if (hg_genl_carve(g, &req, &res, &err) != -EPERM ||
	    !strstr(err.msg, "CAP_NET_ADMIN")) {
		fprintf(stderr, "# carve as nobody: %s\n", err.msg);
		bad |= 1;
	}
	hg_err_clear(&err);
	/* Reading needs no privilege: nothing is mapped. */
	if (hg_genl_groups(g, false, 0, &gs, &err))
		bad |= 2;
	else
		hg_kgroups_free(&gs);
	if (hg_genl_counters(g, &c, &err))
		bad |= 4;
	hg_genl_close(g);
	return bad;
}

TEST_F(mod, unprivileged_callers_refused)
{
	struct hg_kcounters before, after;

	ASSERT_EQ(0, counters(self->g, &before));
	EXPECT_EQ(0, module_env_unprivileged(unprivileged_requests, NULL));
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.maps, after.maps);
	EXPECT_EQ(before.checks, after.checks);
}

/* sysfs's type for a region type of the module (SW_MSI prints "msi"). */
static enum hg_resv_type sysfs_type(enum hg_resv_type t)
{
	switch (t) {
	case HG_RESV_DIRECT:
	case HG_RESV_DIRECT_RELAXABLE:
	case HG_RESV_RESERVED:
	case HG_RESV_MSI:
		return t;
	case HG_RESV_SW_MSI:
		return HG_RESV_MSI;
	case HG_RESV_CANARY:
	case HG_RESV_UNKNOWN:
		break;
	}
	return HG_RESV_UNKNOWN;
}

/*
 * The union the module reports is what sysfs shows, and every member's
 * own region lies inside a region of the union of the same type.
 */
TEST_F(mod, union_matches_sysfs_and_holds_every_own_region)
{
	const struct hg_group *sg;
	struct hg_topology topo;
	struct hg_err err = { 0 };
	const struct hg_kregion *r;
	size_t i, j, k, u;
	bool inside;

	ASSERT_EQ(0, hg_sysfs_read_topology(NULL, &topo, &err));
	ASSERT_LT(0, self->groups.n);
	for (i = 0; i < self->groups.n; i++) {
		const struct hg_kgroup *g = &self->groups.v[i];

		sg = hg_topology_group(&topo, g->id);
		ASSERT_NE(NULL, sg);
		EXPECT_EQ(sg->n_members, g->n_devs);
		ASSERT_EQ(sg->n_resv, g->n_resv) {
			TH_LOG("group %u", g->id);
		}
		for (j = 0; j < g->n_resv; j++) {
			EXPECT_EQ(sg->resv[j].start, g->resv[j].start);
			EXPECT_EQ(sg->resv[j].end, g->resv[j].end);
			EXPECT_EQ(sg->resv[j].type, sysfs_type(g->resv[j].type));
		}
		for (j = 0; j < g->n_devs; j++) {
			for (k = 0; k < g->devs[j].n_resv; k++) {
				r = &g->devs[j].resv[k];
				inside = false;
				for (u = 0; u < g->n_resv && !inside; u++)
					inside = g->resv[u].type == r->type &&
						 g->resv[u].start <= r->start &&
						 g->resv[u].end >= r->end;
				EXPECT_TRUE(inside) {
					TH_LOG("group %u: %s's region 0x%llx-0x%llx is in no union region",
					       g->id, g->devs[j].name,
					       (unsigned long long)r->start,
					       (unsigned long long)r->end);
				}
			}
		}
	}
	hg_topology_free(&topo);
}

/* ------------------------------------------------ attribute validation */

struct bad_request {
	const char *what;
	uint8_t cmd;
	int flags;
	int (*fill)(struct nl_msg *msg, void *arg);
	int expect;		/* negative errno */
};

static int count_zero(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_CARVE_COUNT, 0);
}

static int count_above_max(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_CARVE_COUNT, HOSTGEOM_CARVE_MAX_COUNT + 1);
}

static int count_short(struct nl_msg *m, void *a)
{
	return nla_put_u16(m, HOSTGEOM_A_CARVE_COUNT, 1);
}

static int timeout_zero(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_CARVE_TIMEOUT_MS, 0);
}

static int timeout_above_max(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_CARVE_TIMEOUT_MS,
		       HOSTGEOM_CARVE_MAX_TIMEOUT_MS + 1);
}

static int mask_31(struct nl_msg *m, void *a)
{
	return nla_put_u8(m, HOSTGEOM_A_CARVE_MASK_BITS, 31);
}

static int mask_65(struct nl_msg *m, void *a)
{
	return nla_put_u8(m, HOSTGEOM_A_CARVE_MASK_BITS, 65);
}

static int order_above_max(struct nl_msg *m, void *a)
{
	return nla_put_u8(m, HOSTGEOM_A_CARVE_MAP_ORDER,
			  HOSTGEOM_CARVE_MAX_MAP_ORDER + 1);
}

static int canary(struct nl_msg *m, uint64_t start, uint64_t end,
		  bool has_end, int nested_flag)
{
	struct nlattr *n = nla_nest_start(m, HOSTGEOM_A_CARVE_CANARY |
					  nested_flag);

	if (!n || nla_put_u64(m, HOSTGEOM_A_REGION_START, start) ||
	    (has_end && nla_put_u64(m, HOSTGEOM_A_REGION_END, end)))
		return -1;
	/* libnl may add NLA_F_NESTED itself: take it off again. */
	if (!nested_flag)
		n->nla_type &= ~NLA_F_NESTED;
	return nla_nest_end(m, n);
}

static int canary_reversed(struct nl_msg *m, void *a)
{
	return canary(m, 0xffffffff, 0xfff00000, true, NLA_F_NESTED);
}

static int canary_no_end(struct nl_msg *m, void *a)
{
	return canary(m, 0xfff00000, 0, false, NLA_F_NESTED);
}

static int canary_not_nested(struct nl_msg *m, void *a)
{
	return canary(m, 0xfff00000, 0xffffffff, true, 0);
}

static int canary_with_type(struct nl_msg *m, void *a)
{
	struct nlattr *n = nla_nest_start(m, HOSTGEOM_A_CARVE_CANARY |
					  NLA_F_NESTED);

	if (!n || nla_put_u64(m, HOSTGEOM_A_REGION_START, 0) ||
	    nla_put_u64(m, HOSTGEOM_A_REGION_END, 1) ||
	    nla_put_u32(m, HOSTGEOM_A_REGION_TYPE, HOSTGEOM_RESV_MSI))
		return -1;
	return nla_nest_end(m, n);
}

static int reply_only_attr(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_CARVE_HITS, 1);
}

static int unspec_attr(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_UNSPEC, 1);
}

static int no_such_group(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_GROUP_ID, UINT32_MAX);
}

static int group_short(struct nl_msg *m, void *a)
{
	return nla_put_u8(m, HOSTGEOM_A_GROUP_ID, 1);
}

static int any_attr(struct nl_msg *m, void *a)
{
	return nla_put_u32(m, HOSTGEOM_A_GROUP_ID, 0);
}

TEST_F(mod, malformed_and_out_of_range_rejected)
{
	static const struct bad_request cases[] = {
		{ "count 0", HOSTGEOM_CMD_CARVE, 0, count_zero, -ERANGE },
		{ "count above max", HOSTGEOM_CMD_CARVE, 0, count_above_max,
		  -ERANGE },
		{ "count as u16", HOSTGEOM_CMD_CARVE, 0, count_short, -EINVAL },
		{ "timeout 0", HOSTGEOM_CMD_CARVE, 0, timeout_zero, -ERANGE },
		{ "timeout above max", HOSTGEOM_CMD_CARVE, 0,
		  timeout_above_max, -ERANGE },
		{ "mask 31", HOSTGEOM_CMD_CARVE, 0, mask_31, -ERANGE },
		{ "mask 65", HOSTGEOM_CMD_CARVE, 0, mask_65, -ERANGE },
		{ "map order above max", HOSTGEOM_CMD_CARVE, 0,
		  order_above_max, -ERANGE },
		{ "canary end below start", HOSTGEOM_CMD_CARVE, 0,
		  canary_reversed, -EINVAL },
		{ "canary without end", HOSTGEOM_CMD_CARVE, 0, canary_no_end,
		  -EINVAL },
		{ "canary not flagged nested", HOSTGEOM_CMD_CARVE, 0,
		  canary_not_nested, -EINVAL },
		{ "canary with a type", HOSTGEOM_CMD_CARVE, 0,
		  canary_with_type, -EINVAL },
		{ "reply attribute in a request", HOSTGEOM_CMD_CARVE, 0,
		  reply_only_attr, -EINVAL },
		{ "attribute 0", HOSTGEOM_CMD_CARVE, 0, unspec_attr, -EINVAL },
		{ "no such group", HOSTGEOM_CMD_CARVE, 0, no_such_group,
		  -ENOENT },
		{ "group id as u8", HOSTGEOM_CMD_CARVE, 0, group_short,
		  -EINVAL },
		{ "dump: group id as u8", HOSTGEOM_CMD_GET_GROUPS, NLM_F_DUMP,
		  group_short, -EINVAL },
		{ "counters take no attribute", HOSTGEOM_CMD_GET_COUNTERS, 0,
		  any_attr, -EINVAL },
		{ "groups is a dump only", HOSTGEOM_CMD_GET_GROUPS, 0, NULL,
		  -EOPNOTSUPP },
		{ "unknown command", HOSTGEOM_CMD_MAX + 1, 0, NULL,
		  -EOPNOTSUPP },
	};
	struct hg_kcounters before, after;
	struct hg_err err;
	size_t i;
	int ret;

	ASSERT_EQ(0, counters(self->g, &before));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hg_err_clear(&err);
		ret = hg_genl_request(self->g, cases[i].cmd, cases[i].flags,
				      cases[i].fill, NULL, &err);
		ksft_print_msg("%s: %s\n", cases[i].what, err.msg);
		EXPECT_EQ(cases[i].expect, ret) {
			TH_LOG("%s: got %d", cases[i].what, ret);
		}
		/* Range failures come with the policy's own message. */
		if (cases[i].expect == -ERANGE && !strstr(cases[i].what, "order"))
			EXPECT_NE(NULL, strstr(err.msg, "integer out of range")) {
				TH_LOG("%s: no extended ACK: %s",
				       cases[i].what, err.msg);
			}
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(0, after.live);
	EXPECT_EQ(before.maps, after.maps);
	EXPECT_EQ(before.checks, after.checks);
}

/* ----------------------------------------------- nothing left behind */

/* Every stub member's masks, in group order, from a fresh dump. */
static int stub_masks(struct hg_genl *g, uint64_t *v, size_t max, size_t *n)
{
	struct hg_err err = { 0 };
	struct hg_kgroups gs;
	size_t i, j;

	if (hg_genl_groups(g, false, 0, &gs, &err))
		return -1;
	*n = 0;
	for (i = 0; i < gs.n; i++)
		for (j = 0; j < gs.v[i].n_devs; j++)
			if (gs.v[i].devs[j].stub && *n + 2 <= max) {
				v[(*n)++] = gs.v[i].devs[j].dma_mask;
				v[(*n)++] = gs.v[i].devs[j].coherent_mask;
			}
	hg_kgroups_free(&gs);
	return 0;
}

static int carve_group(struct hg_genl *g, uint32_t id, uint8_t mask,
		       struct hg_carve_result *res)
{
	struct hg_carve_req req = { .has_group = true, .group = id,
				    .mask_bits = mask };
	struct hg_err err = { 0 };
	int ret = hg_genl_carve(g, &req, res, &err);

	if (ret)
		fprintf(stderr, "# carve group %u: %s\n", id, err.msg);
	return ret;
}

TEST_F_TIMEOUT(mod, repeated_checks_leave_nothing_mapped, 120)
{
	uint64_t masks[64], masks_after[64];
	struct hg_kcounters before, after;
	struct hg_carve_result res;
	size_t n, n_after;
	int i;

	MODULE_ENV_NEED_STUB(self->stub);
	ASSERT_EQ(0, stub_masks(self->g, masks, 64, &n));
	ASSERT_EQ(0, counters(self->g, &before));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, carve_group(self->g, self->stub->id,
					 i % 2 ? 32 : 64, &res));
		EXPECT_LT(0, res.groups[0].walks[0].maps);
		hg_carve_result_free(&res);
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(0, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
	EXPECT_LT(before.maps, after.maps);
	EXPECT_EQ(before.checks + 6, after.checks);
	EXPECT_EQ(after.masks_changed - before.masks_changed,
		  after.masks_restored - before.masks_restored);
	EXPECT_LT(before.masks_changed, after.masks_changed);
	ASSERT_EQ(0, stub_masks(self->g, masks_after, 64, &n_after));
	ASSERT_EQ(n, n_after);
	EXPECT_EQ(0, memcmp(masks, masks_after, n * sizeof(masks[0])));
}

TEST_F_TIMEOUT(mod, concurrent_checks_leave_nothing_mapped, 120)
{
	struct hg_kcounters before, after;
	struct hg_carve_result res;
	int i, status, ok = 0;
	pid_t pid[4];

	MODULE_ENV_NEED_STUB(self->stub);
	ASSERT_EQ(0, counters(self->g, &before));
	fflush(NULL);
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			struct hg_err err = { 0 };
			struct hg_genl *g;
			int j, bad = 0;

			if (hg_genl_open(&g, &err))
				_exit(10);
			for (j = 0; j < 3; j++) {
				if (carve_group(g, self->stub->id, 64, &res))
					bad = 1;
				else
					hg_carve_result_free(&res);
			}
			hg_genl_close(g);
			_exit(bad);
		}
	}
	for (i = 0; i < 4; i++)
		if (waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
	EXPECT_EQ(4, ok);
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(0, after.live);
	EXPECT_EQ(before.checks + 12, after.checks);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
	EXPECT_EQ(after.masks_changed - before.masks_changed,
		  after.masks_restored - before.masks_restored);
}

TEST_F(mod, count_and_time_limits_stop_the_walk)
{
	struct hg_carve_req req = { .has_group = true, .count = 3,
				    .mask_bits = 32 };
	const struct hg_carve_walk *w;
	struct hg_carve_result res;
	struct hg_err err = { 0 };

	MODULE_ENV_NEED_STUB(self->stub);
	MODULE_ENV_NEED_WALK(self->g, self->stub);
	req.group = self->stub->id;
	ASSERT_EQ(0, hg_genl_carve(self->g, &req, &res, &err));
	w = &res.groups[0].walks[0];
	EXPECT_EQ(3, w->maps);
	EXPECT_EQ(HOSTGEOM_STOP_COUNT, w->phase[w->n_phase - 1].stop);
	hg_carve_result_free(&res);

	/*
	 * Down from the top of the aperture to 4 GiB would take seconds:
	 * 300 ms stops it. (2 MiB mappings: smaller ones would stay in the
	 * IOVA caches and fragment the top of the space for later checks.)
	 */
	req.count = HOSTGEOM_CARVE_MAX_COUNT;
	req.timeout_ms = 300;
	req.mask_bits = 64;
	req.has_floor = true;
	req.floor = 1ULL << 32;
	ASSERT_EQ(0, hg_genl_carve(self->g, &req, &res, &err));
	w = &res.groups[0].walks[0];
	EXPECT_EQ(HOSTGEOM_STOP_TIME, w->phase[w->n_phase - 1].stop);
	EXPECT_LT(0, w->maps);
	EXPECT_GT(2000000000ULL, res.ns);
	hg_carve_result_free(&res);
}

/*
 * rmmod while a walk runs: the walk stops at its next mapping, unmaps
 * everything, the reply still arrives, and the module goes away.
 */
TEST_F_TIMEOUT(mod, unload_while_a_check_runs, 180)
{
	/* From the top of the aperture down to 4 GiB: seconds of walking. */
	struct hg_carve_req req = { .has_group = true, .mask_bits = 64,
				    .count = HOSTGEOM_CARVE_MAX_COUNT,
				    .timeout_ms = 30000, .has_floor = true,
				    .floor = 1ULL << 32 };
	struct timespec t0, t1;
	struct hg_err err = { 0 };
	struct hg_kcounters c;
	struct hg_genl *watch = NULL;
	int status, pipefd[2], tries;
	uint64_t live;
	bool loaded;
	char stop;
	pid_t pid;

	MODULE_ENV_NEED_STUB(self->stub);
	MODULE_ENV_NEED_WALK(self->g, self->stub);
	req.group = self->stub->id;
	ASSERT_EQ(0, counters(self->g, &c));
	ASSERT_EQ(0, c.live);	/* so that a live mapping below is the walk's */
	ASSERT_EQ(0, pipe(pipefd));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct hg_carve_result res;
		const struct hg_carve_walk *w;

		close(pipefd[0]);
		if (hg_genl_carve(self->g, &req, &res, &err))
			_exit(1);
		w = &res.groups[0].walks[0];
		stop = (char)w->phase[w->n_phase - 1].stop;
		_exit(write(pipefd[1], &stop, 1) == 1 ? 0 : 2);
	}
	close(pipefd[1]);
	/*
	 * Until the walk has mappings live: a fixed half second lost the race
	 * on a loaded host (the child's request came after the rmmod, and the
	 * child failed). GET_COUNTERS takes no lock, so it answers mid-walk;
	 * it goes through a socket of its own (the child's request and reply
	 * are on self->g, whose sequence numbers both processes share).
	 */
	live = 0;
	if (!hg_genl_open(&watch, &err)) {
		for (tries = 0; tries < 600 && !live; tries++) {
			if (counters(watch, &c))
				break;
			live = c.live;
			if (!live)
				usleep(50000);
		}
		hg_genl_close(watch);
	}
	if (!live) {		/* the child must not walk on after the test */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ASSERT_LT(0, live) {
		TH_LOG("no mapping live 30 s after the walk's request: the walk never started, or ended at once (%s)",
		       err.msg);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hg_genl_close(self->g);
	self->g = NULL;
	EXPECT_EQ(0, hg_kmod_unload(&err)) {
		TH_LOG("%s", err.msg);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("rmmod during the walk took %ld s\n",
		       (long)(t1.tv_sec - t0.tv_sec));
	/* Not the walk's 30 s: undoing what it mapped by then is all. */
	EXPECT_GT(25, t1.tv_sec - t0.tv_sec);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(1, read(pipefd[0], &stop, 1));
	EXPECT_EQ(HOSTGEOM_STOP_ABORTED, stop);
	close(pipefd[0]);
	EXPECT_FALSE(hg_kmod_is_loaded());
	ASSERT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(0, hg_genl_open(&self->g, &err));
}

HOST_DEVICES_MAIN(HOSTGEOM_STUB_DRIVER, true)
