// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <glob.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hostgeom/genl_verdict.h>
#include <hostgeom/kmodload.h>

#include "module_env.h"

void module_env_reason(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
}

/*
 * modules/RELEASE/hostgeom_test.ko beside the test program, where
 * install-selftests --module puts it; "" when there is none.
 */
static const char *module_env_beside(void)
{
	static char path[PATH_MAX];
	static bool looked;
	char exe[PATH_MAX];
	struct utsname u;
	ssize_t n;

	if (looked)
		return path;
	looked = true;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || uname(&u))
		return path;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof(path), "%.2048s/modules/%.256s/" HG_KMOD_NAME ".ko",
		 exe, u.release);
	if (access(path, R_OK))
		path[0] = '\0';
	return path;
}

const char *module_env_path(void)
{
	static char tree[600];
	const char *p = getenv("HOSTGEOM_KMOD");
	struct utsname u;

	if (p && p[0])
		return p;
	/* Installed with the tests (the kselftest collection). */
	p = module_env_beside();
	if (p[0])
		return p;
	/* The tests run from the top of the tree. */
	if (uname(&u))
		return NULL;
	snprintf(tree, sizeof(tree), "kmod/out/%s/hostgeom_test.ko",
		 u.release);
	return access(tree, R_OK) ? NULL : tree;
}

static bool have_iommu_groups(void)
{
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	bool any = false;

	while (d && !any && (e = readdir(d)))
		any = e->d_name[0] != '.';
	if (d)
		closedir(d);
	return any;
}

static struct hg_genl *module_env_open(char *why, size_t len)
{
	struct hg_err err = { 0 };
	struct hg_genl *g;
	bool loaded;

	if (!have_iommu_groups()) {
		snprintf(why, len, "no IOMMU groups here: the module is tested in a VM with an emulated IOMMU (scripts/vm-run)");
		return NULL;
	}
	if (hg_kmod_load(module_env_path(), &loaded, &err) ||
	    hg_genl_open(&g, &err)) {
		snprintf(why, len, "hostgeom_test unusable: %s", err.msg);
		return NULL;
	}
	return g;
}

int module_env_open_groups(struct hg_genl **g, struct hg_kgroups *gs,
			   char *why, size_t len)
{
	struct hg_err err = { 0 };
	int ret;

	memset(gs, 0, sizeof(*gs));
	*g = module_env_open(why, len);
	if (!*g)
		return 1;
	ret = hg_genl_groups(*g, false, 0, gs, &err);
	if (ret)
		snprintf(why, len, "%s", err.msg);
	return ret;
}

size_t module_env_stub_count(void)
{
	DIR *d = opendir("/sys/bus/pci/drivers/" HOSTGEOM_STUB_DRIVER);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		n += strchr(e->d_name, ':') != NULL;
	if (d)
		closedir(d);
	return n;
}

static bool module_env_group_has_stub(const struct hg_kgroup *g)
{
	size_t i;

	for (i = 0; i < g->n_devs; i++)
		if (g->devs[i].stub)
			return true;
	return false;
}

const struct hg_kgroup *module_env_stub_group(const struct hg_kgroups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (module_env_group_has_stub(&gs->v[i]))
			return &gs->v[i];
	return NULL;
}

int module_env_unprivileged(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(126);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int module_env_foreign_ko(char *buf, size_t len)
{
	struct utsname u;
	glob_t gl;
	size_t i;
	int ret = -1;

	uname(&u);
	if (glob("kmod/out/*/hostgeom_test.ko", 0, NULL, &gl)) {
		snprintf(buf, len, "no kmod/out/*/hostgeom_test.ko (make module) under the working directory");
		return -1;
	}
	snprintf(buf, len, "every built module is for this kernel");
	for (i = 0; i < gl.gl_pathc && ret; i++) {
		if (strstr(gl.gl_pathv[i], u.release))
			continue;
		snprintf(buf, len, "%s", gl.gl_pathv[i]);
		ret = 0;
	}
	globfree(&gl);
	return ret;
}

int module_env_walk_blocked(struct hg_genl *g, const struct hg_kgroup *stub,
			    char *why, size_t len)
{
	struct hg_carve_req req = { .has_group = true, .group = stub->id,
				    .has_floor = true, .floor = 0 };
	const struct hg_carve_group *cg;
	struct hg_carve_result res;
	struct hg_map_failure f;
	struct hg_err err = { 0 };
	size_t i, j;
	int blocked = 0;

	if (hg_genl_carve(g, &req, &res, &err))
		return 0;	/* the test's own request will say why */
	if (!res.n_groups) {
		hg_carve_result_free(&res);
		return 0;
	}
	cg = &res.groups[0];
	for (i = 0; i < cg->n_walks && !blocked; i++) {
		for (j = 0; j < cg->walks[i].n_phase && !blocked; j++) {
			hg_carve_phase_map_failure(cg, &cg->walks[i], j, &f);
			if (f.kind != HG_MF_REGION ||
			    hg_kgroup_region_shared(&cg->group, &f.region))
				continue;
			blocked = 1;
			snprintf(why, len, "%s: dma_map_page fails at IOVA 0x%" PRIx64 " in %s's own region 0x%" PRIx64 "-0x%" PRIx64 ", which dma-iommu did not reserve",
				 cg->walks[i].device, f.start, f.owner,
				 f.region.start, f.region.end);
		}
	}
	hg_carve_result_free(&res);
	return blocked;
}

enum module_env_expectation module_env_expectation(void)
{
	const char *e = getenv("HOSTGEOM_EXPECT_CARVE");

	if (e && !strcmp(e, "bug"))
		return EXPECT_BUG;
	if (e && !strcmp(e, "fixed"))
		return EXPECT_FIXED;
	return EXPECT_EITHER;
}
