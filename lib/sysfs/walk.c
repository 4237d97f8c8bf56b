// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU groups under SYSFS/kernel/iommu_groups. Hosts have thousands of
 * devices and every file costs an open, a read and a close, so: paths are
 * opened relative to the groups directory, each file is read with one
 * read, a device's driver and PCI IDs come from its one uevent file, only
 * devices on a vfio driver are searched for a cdev, and large hosts are
 * read by several threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/bdf.h>
#include <hostgeom/sysfs.h>

#include "internal.h"

/* Codes that say a file is not what the kernel writes there. */
static enum hg_err_kind kind_of(int code)
{
	switch (code) {
	case -EINVAL:
	case -ELOOP:
	case -HG_ENOTREG:
	case -EFBIG:
	case -ENAMETOOLONG:
		return HG_ERR_NOT_SYSFS;
	}
	return HG_ERR_OTHER;
}

int hg_walk_error(const struct hg_walk *w, int code, const char *dev,
		  const char *file, const char *what)
{
	return hg_err_set_kind(w->err, kind_of(code), code,
			       "%s/%s/%s%s%s%s%s: %s", w->root, HG_GROUPS_DIR,
			       w->group, dev ? "/devices/" : "", dev ? dev : "",
			       file ? "/" : "", file ? file : "", what);
}

struct member_list {
	const struct hg_walk *w;
	int devs_fd;
	struct hg_group *g;
	size_t cap;
};

static int add_member(void *arg, const char *name)
{
	struct member_list *ml = arg;
	const struct hg_walk *w = ml->w;
	struct hg_group *g = ml->g;
	struct hg_device *d, *nv;
	int ret;

	if (g->n_members == ml->cap) {
		ml->cap = ml->cap ? ml->cap * 2 : 4;
		nv = realloc(g->members, ml->cap * sizeof(*nv));
		if (!nv)
			return hg_walk_error(w, -ENOMEM, NULL, "devices",
					  "out of memory");
		g->members = nv;
	}
	d = &g->members[g->n_members];
	memset(d, 0, sizeof(*d));
	if (!hg_sysfs_name_ok(name))
		return hg_walk_error(w, -EINVAL, NULL, "devices",
				     "an entry's name has a byte sysfs does not write");
	if (!hg_copy_name(d->name, sizeof(d->name), name, strlen(name)))
		return hg_walk_error(w, -ENAMETOOLONG, name, NULL,
				     "device name longer than hostgeom supports (63 characters)");
	ret = hg_walk_read_device(w, ml->devs_fd, d);
	if (!ret)
		g->n_members++;
	return ret;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct hg_device *)a)->name,
		      ((const struct hg_device *)b)->name);
}

static int read_members(const struct hg_walk *w, struct hg_group *g)
{
	struct member_list ml = { .w = w, .g = g };
	char path[32];
	int ret;

	snprintf(path, sizeof(path), "%s/devices", w->group);
	ml.devs_fd = openat(w->groups_fd, path,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ml.devs_fd < 0) {
		ret = -errno;
		return ret == -ENOENT ? 0 :
		       hg_walk_error(w, ret, NULL, "devices", strerror(-ret));
	}
	ret = hg_for_each_entry(ml.devs_fd, add_member, &ml);
	close(ml.devs_fd);
	if (ret)	/* a no-op when add_member said it first */
		return hg_walk_error(w, ret, NULL, "devices", strerror(-ret));
	if (g->n_members > 1)
		qsort(g->members, g->n_members, sizeof(*g->members),
		      cmp_device);
	return 0;
}

static int read_group(struct hg_walk *w, struct hg_group *g)
{
	char path[PATH_MAX], *text = NULL;
	int ret;

	/* Paths below the groups directory: no open and close per group. */
	snprintf(path, sizeof(path), "%s/type", w->group);
	ret = hg_read_attr(w->groups_fd, path, g->type, sizeof(g->type));
	/* Kernels before 4.19 have no type file: the type stays "". */
	if (ret == -ENOENT)
		ret = 0;
	else if (!ret && !hg_sysfs_name_ok(g->type))
		return hg_walk_error(w, -EINVAL, NULL, "type",
				     "a byte sysfs does not write in a group type");
	else if (ret)
		return hg_walk_error(w, ret, NULL, "type", ret == -EFBIG ?
				     "longer than any group type the kernel knows" :
				     hg_read_strerror(ret));
	snprintf(path, sizeof(path), "%s/reserved_regions", w->group);
	ret = hg_read_text(w->groups_fd, path, &text);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s/%s/reserved_regions",
			 w->root, HG_GROUPS_DIR, w->group);
		ret = hg_resv_parse(text, path, &g->resv, &g->n_resv, w->err);
		free(text);
	} else if (ret == -ENOENT) {
		ret = 0;	/* before 4.11: no reserved_regions */
	} else {
		return hg_walk_error(w, ret, NULL, "reserved_regions",
				     hg_read_strerror(ret));
	}
	return ret ?: read_members(w, g);
}

/* A group directory's name: canonical decimal, so "7" but not "07" or "x". */
static bool group_id_of(const char *name, unsigned int *id)
{
	unsigned long v = 0;
	const char *s;

	if (!name[0] || (name[0] == '0' && name[1]))
		return false;
	for (s = name; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > UINT_MAX)
			return false;
	}
	*id = v;
	return true;
}

struct id_list {
	unsigned int *v;
	size_t n, cap;
};

static int add_group_id(void *arg, const char *name)
{
	struct id_list *ids = arg;
	unsigned int id, *nv;

	if (!group_id_of(name, &id))
		return 0;
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 64;
		nv = realloc(ids->v, ids->cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ids->v = nv;
	}
	ids->v[ids->n++] = id;
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int open_groups_dir(const struct hg_ctx *ctx, int *fd)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", hg_ctx_sysfs(ctx), HG_GROUPS_DIR);
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

bool hg_sysfs_has_iommu(const struct hg_ctx *ctx)
{
	int fd;

	if (open_groups_dir(ctx, &fd))
		return false;
	close(fd);
	return true;
}

/*
 * The groups are shared out among threads: each file costs a path lookup
 * in the kernel, far more than the work around it, and cores are idle.
 */
#define GROUPS_PER_THREAD 64
#define MAX_THREADS 8

struct reader {
	const char *root;
	int groups_fd;
	struct hg_group *groups;
	size_t n;
	size_t next;		/* next group to take (atomic) */
	size_t failed_at;	/* lowest group failed so far, or n (atomic) */
};

struct worker {
	struct reader *r;
	pthread_t thread;
	struct hg_err err;
	size_t failed;		/* the group it failed on, or n */
	int ret;
};

static void *read_groups(void *arg)
{
	struct worker *wk = arg;
	struct reader *r = wk->r;
	char name[16];
	struct hg_walk w = { .root = r->root, .groups_fd = r->groups_fd,
			  .err = &wk->err, .group = name };
	size_t i, low;

	/*
	 * Groups are taken in order and none past a failed one, so every
	 * group before the first bad one is read: the error reported is the
	 * same one a single thread would meet first.
	 */
	while ((i = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED)) < r->n &&
	       i < __atomic_load_n(&r->failed_at, __ATOMIC_RELAXED)) {
		snprintf(name, sizeof(name), "%u", r->groups[i].id);
		wk->ret = read_group(&w, &r->groups[i]);
		if (!wk->ret)
			continue;
		wk->failed = i;
		low = __atomic_load_n(&r->failed_at, __ATOMIC_RELAXED);
		while (i < low && !__atomic_compare_exchange_n(&r->failed_at,
				&low, i, false, __ATOMIC_RELAXED,
				__ATOMIC_RELAXED))
			;
		break;
	}
	return NULL;
}

/* Reads every group of @r; the first failure (in id order) into @err. */
static int read_all_groups(struct reader *r, struct hg_err *err)
{
	struct worker wk[MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = r->n / GROUPS_PER_THREAD + 1, started, i;
	int ret = 0;

	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (cpus > 0 && n > (size_t)cpus)
		n = cpus;
	for (i = 0; i < n; i++)
		wk[i] = (struct worker){ .r = r, .failed = r->n };
	/* This thread is worker 0; fewer helpers when they cannot start. */
	for (started = 1; started < n; started++)
		if (pthread_create(&wk[started].thread, NULL, read_groups,
				   &wk[started]))
			break;
	read_groups(&wk[0]);
	for (i = 1; i < started; i++)
		pthread_join(wk[i].thread, NULL);
	for (i = 0; i < started; i++) {
		if (wk[i].failed != r->failed_at)
			continue;
		ret = hg_err_set_kind(err, wk[i].err.kind, wk[i].ret, "%s",
				      wk[i].err.msg);
		break;
	}
	return ret;
}

int hg_sysfs_read_topology(const struct hg_ctx *ctx, struct hg_topology *out,
			   struct hg_err *err)
{
	struct reader r = { .root = hg_ctx_sysfs(ctx) };
	struct hg_topology topo = { 0 };
	struct id_list ids = { 0 };
	size_t i;
	int ret;

	*out = topo;
	ret = open_groups_dir(ctx, &r.groups_fd);
	if (ret == -ENOENT)
		return 0;	/* no IOMMU: no groups */
	if (ret)
		return hg_err_set(err, ret, "%s/%s: %s", r.root, HG_GROUPS_DIR,
				  strerror(-ret));
	ret = hg_for_each_entry(r.groups_fd, add_group_id, &ids);
	if (ret)
		hg_err_set(err, ret, "%s/%s: %s", r.root, HG_GROUPS_DIR,
			   strerror(-ret));
	if (!ret && ids.n) {
		qsort(ids.v, ids.n, sizeof(*ids.v), cmp_uint);
		topo.groups = calloc(ids.n, sizeof(*topo.groups));
		if (!topo.groups)
			ret = hg_err_set(err, -ENOMEM, "out of memory reading %zu IOMMU groups",
					 ids.n);
	}
	if (!ret && ids.n) {
		topo.n_groups = ids.n;
		for (i = 0; i < ids.n; i++)
			topo.groups[i].id = ids.v[i];
		r.groups = topo.groups;
		r.n = r.failed_at = ids.n;
		ret = read_all_groups(&r, err);
	}
	free(ids.v);
	close(r.groups_fd);
	if (ret) {
		hg_topology_free(&topo);
		return ret;
	}
	*out = topo;
	return 0;
}

void hg_topology_free(struct hg_topology *topo)
{
	size_t i;

	for (i = 0; i < topo->n_groups; i++) {
		free(topo->groups[i].members);
		free(topo->groups[i].resv);
	}
	free(topo->groups);
	topo->groups = NULL;
	topo->n_groups = 0;
}

const struct hg_group *hg_topology_group(const struct hg_topology *topo,
					 unsigned int id)
{
	size_t lo = 0, hi = topo->n_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (topo->groups[mid].id == id)
			return &topo->groups[mid];
		if (topo->groups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct hg_group *hg_topology_find_device(const struct hg_topology *topo,
					       const char *name,
					       const struct hg_device **dev)
{
	char want[sizeof(((struct hg_device *)0)->name)];
	size_t i, j;

	hg_bdf_normalize(name, want, sizeof(want));
	for (i = 0; i < topo->n_groups; i++) {
		const struct hg_group *g = &topo->groups[i];

		for (j = 0; j < g->n_members; j++) {
			if (strcmp(g->members[j].name, want))
				continue;
			if (dev)
				*dev = &g->members[j];
			return g;
		}
	}
	if (dev)
		*dev = NULL;
	return NULL;
}
