// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU groups under SYSFS/kernel/iommu_groups. Hosts have thousands of
 * devices and every file costs an open, a read and a close, so: paths are
 * opened relative to the groups directory, each file is read with one
 * read, a device's driver and PCI IDs come from its one uevent file, and
 * only devices on a vfio driver are searched for a cdev.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/sysfs.h>

#include "internal.h"

#define GROUPS_DIR "kernel/iommu_groups"

static const char *const resv_names[] = {
	[HG_RESV_DIRECT] = "direct",
	[HG_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
	[HG_RESV_RESERVED] = "reserved",
	[HG_RESV_MSI] = "msi",
	[HG_RESV_UNKNOWN] = "unknown",
};

const char *hg_resv_type_name(enum hg_resv_type type)
{
	if ((unsigned int)type > HG_RESV_UNKNOWN)
		type = HG_RESV_UNKNOWN;
	return resv_names[type];
}

enum hg_resv_type hg_resv_type_parse(const char *name)
{
	unsigned int t;

	for (t = 0; t < HG_RESV_UNKNOWN; t++)
		if (!strcmp(name, resv_names[t]))
			return t;
	return HG_RESV_UNKNOWN;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * "0x" and 1 to 16 hex digits at *@p; advances *@p. Returns 0, or a short
 * reason for the caller's message.
 */
static const char *parse_hex64(const char **p, uint64_t *value)
{
	const char *s = *p;
	unsigned int digits = 0;
	uint64_t v = 0;

	if (s[0] != '0' || s[1] != 'x')
		return "does not begin with 0x";
	for (s += 2; hexval(*s) >= 0; s++, digits++) {
		if (digits == 16)
			return "has more than 16 hex digits";
		v = v << 4 | (uint64_t)hexval(*s);
	}
	if (!digits)
		return "has no hex digits after 0x";
	*p = s;
	*value = v;
	return NULL;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "FILE:LINE: [FIELD ]WHY; how a line must look". */
static int resv_error(struct hg_err *err, const char *what, unsigned int line,
		      const char *field, const char *why)
{
	return hg_err_set(err, -EINVAL,
			  "%s:%u: %s%s%s; each line must read '0x<start> 0x<end> <type>' (end inclusive) as the kernel writes it",
			  what, line, field ? field : "", field ? " " : "",
			  why);
}

/* One line "0x%016llx 0x%016llx %s\n" starting at @s; @next set past it. */
static int parse_resv_line(const char *s, const char *what, unsigned int line,
			   struct hg_resv *r, const char **next,
			   struct hg_err *err)
{
	char type[32];
	const char *why, *t;
	size_t len;

	if (*s == '\n')
		return resv_error(err, what, line, NULL, "empty line");
	why = parse_hex64(&s, &r->start);
	if (why)
		return resv_error(err, what, line, "start address", why);
	if (*s != ' ' && *s != '\t')
		return resv_error(err, what, line, NULL,
				  "no blank after the start address");
	s = skip_blanks(s);
	why = parse_hex64(&s, &r->last);
	if (why)
		return resv_error(err, what, line, "end address", why);
	if (r->start > r->last)
		return resv_error(err, what, line, NULL, "start is above end");
	if (*s && *s != '\n' && *s != ' ' && *s != '\t')
		return resv_error(err, what, line, NULL,
				  "no blank after the end address");
	t = s = skip_blanks(s);
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	len = s - t;
	if (!len)
		return resv_error(err, what, line, NULL,
				  "the region type is missing");
	if (*s == ' ' || *s == '\t')
		return resv_error(err, what, line, NULL,
				  "trailing text after the region type");
	if (!*s)
		return resv_error(err, what, line, NULL,
				  "the line is truncated (no newline at its end)");
	if (len >= sizeof(type))
		len = sizeof(type) - 1;	/* too long to be known: "unknown" */
	memcpy(type, t, len);
	type[len] = '\0';
	r->type = hg_resv_type_parse(type);
	*next = s + 1;
	return 0;
}

int hg_resv_parse(const char *text, const char *what, struct hg_resv **out,
		  size_t *n, struct hg_err *err)
{
	struct hg_resv *v = NULL, *nv;
	size_t count = 0, cap = 0;
	unsigned int line = 1;
	int ret;

	*out = NULL;
	*n = 0;
	for (; *text; line++) {
		if (count == cap) {
			cap = cap ? cap * 2 : 4;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return hg_err_set(err, -ENOMEM,
						  "%s: out of memory", what);
			}
			v = nv;
		}
		ret = parse_resv_line(text, what, line, &v[count], &text, err);
		if (ret) {
			free(v);
			return ret;
		}
		count++;
	}
	*out = v;
	*n = count;
	return 0;
}

/*
 * The whole file @name under @dirfd, NUL-terminated, in a malloc'd buffer.
 * A short read ends it: sysfs hands out an attribute in one read.
 */
static int read_all(int dirfd, const char *name, char **text)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t r;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0)
			r = -errno;
		if (r <= 0)
			break;
		len += r;
		if (len < cap - 1)
			break;
		nb = realloc(buf, cap * 2);
		if (!nb) {
			r = -ENOMEM;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

/*
 * A small file into @buf, NUL-terminated, without a final newline; -errno
 * on failure, -EFBIG when it does not fit.
 */
static int read_attr(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, len);
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return r;
	if ((size_t)r == len)
		return -EFBIG;
	if (r && buf[r - 1] == '\n')
		r--;
	buf[r] = '\0';
	return 0;
}

int hg_read_link_base(int dirfd, const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t r;

	r = readlinkat(dirfd, path, target, sizeof(target) - 1);
	if (r < 0)
		return -errno;
	target[r] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return hg_copy_name(out, len, base, strlen(base)) ? 0 : -ENAMETOOLONG;
}

/* Basename of the symlink @name under @dirfd; "" when there is none. */
static int read_link_base(int dirfd, const char *name, char *out, size_t len)
{
	int ret = hg_read_link_base(dirfd, name, out, len);

	if (ret)
		out[0] = '\0';
	return ret == -ENOENT ? 0 : ret;
}

/*
 * Calls @fn for every entry of directory @fd but "." and "..", until @fn
 * returns non-zero (that value is returned; 1 means "stop, no error").
 * getdents64 directly: no DIR allocation, fcntl and fstat per directory.
 */
static int for_each_entry(int fd, int (*fn)(void *arg, const char *name),
			  void *arg)
{
	char buf[8192] __attribute__((aligned(8)));
	ssize_t n, off;
	int ret;

	while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			const struct dirent64 *e = (const void *)(buf + off);
			const char *name = e->d_name;

			off += e->d_reclen;
			if (name[0] == '.' &&
			    (!name[1] || (name[1] == '.' && !name[2])))
				continue;
			ret = fn(arg, name);
			if (ret)
				return ret;
		}
	}
	return n < 0 ? -errno : 0;
}

/* Where the walk is, for messages. */
struct walk {
	const char *root;
	int groups_fd;
	struct hg_err *err;
	const char *group;	/* the group directory's name */
};

static int walk_error(const struct walk *w, int code, const char *dev,
		      const char *file, const char *what)
{
	return hg_err_set(w->err, code, "%s/%s/%s%s%s%s%s: %s",
			  w->root, GROUPS_DIR, w->group,
			  dev ? "/devices/" : "", dev ? dev : "",
			  file ? "/" : "", file ? file : "", what);
}

/* @len hex digits at @s, at most @max; no prefix, no sign. */
static bool hex_u32(const char *s, size_t len, uint32_t max, uint32_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 8)
		return false;
	for (i = 0; i < len; i++) {
		if (hexval(s[i]) < 0)
			return false;
		v = v << 4 | (uint64_t)hexval(s[i]);
	}
	if (v > max)
		return false;
	*value = v;
	return true;
}

bool hg_copy_name(char *dst, size_t size, const char *src, size_t len)
{
	bool fits = len < size;

	if (!size)
		return false;
	if (!fits)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return fits;
}

bool hg_driver_is_vfio(const char *driver)
{
	size_t len = strlen(driver);

	return !strncmp(driver, "vfio-", 5) ||
	       (len > 9 && !strcmp(driver + len - 9, "_vfio_pci"));
}

/*
 * The device's uevent file: DRIVER=, and PCI_CLASS= and PCI_ID= for PCI
 * devices, in one read instead of four files. 1 when there is none.
 */
static int read_uevent(const struct walk *w, int devs_fd, struct hg_device *d)
{
	char path[NAME_MAX + 16], buf[4096];
	const char *line, *end, *val;
	uint32_t vendor = 0, device = 0, class_code = 0;
	bool has_id = false, has_class = false;
	int ret;

	snprintf(path, sizeof(path), "%s/uevent", d->name);
	ret = read_attr(devs_fd, path, buf, sizeof(buf));
	if (ret == -ENOENT)
		return 1;
	if (ret)
		return walk_error(w, ret, d->name, "uevent", strerror(-ret));
	for (line = buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		val = memchr(line, '=', end - line);
		if (!val++)
			continue;
		if (!strncmp(line, "DRIVER=", 7)) {
			if (!hg_copy_name(d->driver, sizeof(d->driver), val,
					  end - val))
				return walk_error(w, -ENAMETOOLONG, d->name,
						  "uevent", "driver name longer than 63 characters");
		} else if (!strncmp(line, "PCI_CLASS=", 10)) {
			has_class = hex_u32(val, end - val, 0xffffff,
					    &class_code);
			if (!has_class)
				return walk_error(w, -EINVAL, d->name, "uevent",
						  "PCI_CLASS is not a 24-bit hex number; is --sysfs-root a sysfs tree?");
		} else if (!strncmp(line, "PCI_ID=", 7)) {
			has_id = end - val == 9 && val[4] == ':' &&
				 hex_u32(val, 4, 0xffff, &vendor) &&
				 hex_u32(val + 5, 4, 0xffff, &device);
			if (!has_id)
				return walk_error(w, -EINVAL, d->name, "uevent",
						  "PCI_ID is not VVVV:DDDD in hex; is --sysfs-root a sysfs tree?");
		}
	}
	d->is_pci = has_id && has_class;
	if (d->is_pci) {
		d->vendor = vendor;
		d->device = device;
		d->class_code = class_code;
	}
	return 0;
}

/* One "0x..." ID attribute; *@present false when the file is missing. */
static int read_id_attr(const struct walk *w, int devs_fd, const char *dev,
			const char *attr, uint32_t max, uint32_t *value,
			bool *present)
{
	char path[NAME_MAX + 16], buf[32];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dev, attr);
	ret = read_attr(devs_fd, path, buf, sizeof(buf));
	*present = ret != -ENOENT;
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return walk_error(w, ret, dev, attr, strerror(-ret));
	if (strncmp(buf, "0x", 2) ||
	    !hex_u32(buf + 2, strlen(buf + 2), max, value))
		return walk_error(w, -EINVAL, dev, attr,
				  "not a 0x-prefixed hex ID as the kernel writes it; is --sysfs-root a sysfs tree?");
	return 0;
}

/*
 * Without a uevent file (hand-made trees): the attribute files. PCI when
 * vendor, device and class are there and the subsystem, if linked, is pci.
 */
static int read_attributes(const struct walk *w, int devs_fd,
			   struct hg_device *d)
{
	char path[NAME_MAX + 16], subsys[32];
	uint32_t vendor = 0, device = 0, class_code = 0;
	bool has_v = false, has_d = false, has_c = false;
	int ret;

	snprintf(path, sizeof(path), "%s/driver", d->name);
	ret = read_link_base(devs_fd, path, d->driver, sizeof(d->driver));
	if (ret)
		return walk_error(w, ret, d->name, "driver",
				  ret == -ENAMETOOLONG ?
				  "driver name longer than 63 characters" :
				  strerror(-ret));
	snprintf(path, sizeof(path), "%s/subsystem", d->name);
	ret = read_link_base(devs_fd, path, subsys, sizeof(subsys));
	if (ret == -ENAMETOOLONG || (!ret && subsys[0] && strcmp(subsys, "pci")))
		return 0;
	if (ret)
		return walk_error(w, ret, d->name, "subsystem", strerror(-ret));
	ret = read_id_attr(w, devs_fd, d->name, "vendor", 0xffff, &vendor,
			   &has_v);
	if (!ret && has_v)
		ret = read_id_attr(w, devs_fd, d->name, "device", 0xffff,
				   &device, &has_d);
	if (!ret && has_d)
		ret = read_id_attr(w, devs_fd, d->name, "class", 0xffffff,
				   &class_code, &has_c);
	if (ret || !has_c)
		return ret;
	d->is_pci = true;
	d->vendor = vendor;
	d->device = device;
	d->class_code = class_code;
	return 0;
}

struct cdev_search {
	const struct walk *w;
	struct hg_device *d;
};

static int take_vfio_cdev(void *arg, const char *name)
{
	struct cdev_search *cs = arg;

	if (strncmp(name, "vfio", 4))
		return 0;
	if (!hg_copy_name(cs->d->vfio_cdev, sizeof(cs->d->vfio_cdev), name,
			  strlen(name)))
		return walk_error(cs->w, -ENAMETOOLONG, cs->d->name, "vfio-dev",
				  "entry name too long for a vfio cdev");
	return 1;
}

/* The iommufd cdev: the one "vfioN" entry of the device's vfio-dev/. */
static int read_vfio_cdev(const struct walk *w, int devs_fd,
			  struct hg_device *d)
{
	struct cdev_search cs = { w, d };
	char path[NAME_MAX + 16];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/vfio-dev", d->name);
	fd = openat(devs_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return ret == -ENOENT || ret == -ENOTDIR ? 0 :
		       walk_error(w, ret, d->name, "vfio-dev", strerror(-ret));
	}
	ret = for_each_entry(fd, take_vfio_cdev, &cs);
	close(fd);
	if (ret < 0)	/* a no-op when take_vfio_cdev said it first */
		return walk_error(w, ret, d->name, "vfio-dev", strerror(-ret));
	return 0;
}

struct member_list {
	const struct walk *w;
	int devs_fd;
	struct hg_group *g;
	size_t cap;
};

static int add_member(void *arg, const char *name)
{
	struct member_list *ml = arg;
	const struct walk *w = ml->w;
	struct hg_group *g = ml->g;
	struct hg_device *d, *nv;
	int ret;

	if (g->n_members == ml->cap) {
		ml->cap = ml->cap ? ml->cap * 2 : 4;
		nv = realloc(g->members, ml->cap * sizeof(*nv));
		if (!nv)
			return walk_error(w, -ENOMEM, NULL, "devices",
					  "out of memory");
		g->members = nv;
	}
	d = &g->members[g->n_members];
	memset(d, 0, sizeof(*d));
	if (!hg_copy_name(d->name, sizeof(d->name), name, strlen(name)))
		return walk_error(w, -ENAMETOOLONG, name, NULL,
				  "device name longer than hostgeom supports (63 characters)");
	ret = read_uevent(w, ml->devs_fd, d);
	if (ret == 1)
		ret = read_attributes(w, ml->devs_fd, d);
	/* Only a device on a vfio driver has a cdev: spare the others a lookup. */
	if (!ret && hg_driver_is_vfio(d->driver))
		ret = read_vfio_cdev(w, ml->devs_fd, d);
	if (!ret)
		g->n_members++;
	return ret;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct hg_device *)a)->name,
		      ((const struct hg_device *)b)->name);
}

static int read_members(const struct walk *w, struct hg_group *g)
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
		       walk_error(w, ret, NULL, "devices", strerror(-ret));
	}
	ret = for_each_entry(ml.devs_fd, add_member, &ml);
	close(ml.devs_fd);
	if (ret)	/* a no-op when add_member said it first */
		return walk_error(w, ret, NULL, "devices", strerror(-ret));
	if (g->n_members > 1)
		qsort(g->members, g->n_members, sizeof(*g->members),
		      cmp_device);
	return 0;
}

static int read_group(struct walk *w, struct hg_group *g)
{
	char path[PATH_MAX], *text = NULL;
	int ret;

	/* Paths below the groups directory: no open and close per group. */
	snprintf(path, sizeof(path), "%s/type", w->group);
	ret = read_attr(w->groups_fd, path, g->type, sizeof(g->type));
	/* Kernels before 4.19 have no type file: the type stays "". */
	if (ret == -ENOENT)
		ret = 0;
	else if (ret)
		return walk_error(w, ret, NULL, "type", ret == -EFBIG ?
				  "longer than any group type the kernel knows" :
				  strerror(-ret));
	snprintf(path, sizeof(path), "%s/reserved_regions", w->group);
	ret = read_all(w->groups_fd, path, &text);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s/%s/reserved_regions",
			 w->root, GROUPS_DIR, w->group);
		ret = hg_resv_parse(text, path, &g->resv, &g->n_resv, w->err);
		free(text);
	} else if (ret == -ENOENT) {
		ret = 0;	/* before 4.11: no reserved_regions */
	} else {
		return walk_error(w, ret, NULL, "reserved_regions",
				  strerror(-ret));
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

	snprintf(path, sizeof(path), "%s/%s", hg_ctx_sysfs(ctx), GROUPS_DIR);
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
	size_t failed_at;	/* lowest group that failed so far, or n (atomic) */
};

struct worker {
	struct reader *r;
	pthread_t thread;
	struct hg_err err;
	size_t failed;		/* the group this worker failed on, or n */
	int ret;
};

static void *read_groups(void *arg)
{
	struct worker *wk = arg;
	struct reader *r = wk->r;
	char name[16];
	struct walk w = { .root = r->root, .groups_fd = r->groups_fd,
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
		ret = hg_err_set(err, wk[i].ret, "%s", wk[i].err.msg);
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
		return hg_err_set(err, ret, "%s/%s: %s", r.root, GROUPS_DIR,
				  strerror(-ret));
	ret = for_each_entry(r.groups_fd, add_group_id, &ids);
	if (ret)
		hg_err_set(err, ret, "%s/%s: %s", r.root, GROUPS_DIR,
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

/*
 * Drivers that leave DMA ownership to VFIO (driver_managed_dma in the
 * kernel): vfio-pci and its variant drivers, the other vfio bus drivers,
 * pci-stub and the PCIe port driver. Any other bound driver makes the group
 * "not viable"; an unbound device does not.
 */
bool hg_driver_lets_vfio_own(const char *driver)
{
	static const char *const allowed[] = {
		"pci-stub", "pcieport", "fsl-pci",
	};
	size_t i;

	if (!driver[0] || hg_driver_is_vfio(driver))
		return true;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(driver, allowed[i]))
			return true;
	return false;
}

size_t hg_group_non_vfio_members(const struct hg_group *group, char *buf,
				 size_t len)
{
	size_t i, count = 0, used = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < group->n_members; i++) {
		const struct hg_device *d = &group->members[i];
		int w;

		if (hg_driver_lets_vfio_own(d->driver))
			continue;
		if (used < len) {
			w = snprintf(buf + used, len - used, "%s%s",
				     count ? "," : "", d->name);
			used += w > 0 ? (size_t)w : 0;
		}
		count++;
	}
	return count;
}

/* "BB:DD.F" (short) or "D...:BB:DD.F", hex, function 0-7. */
static bool is_bdf(const char *s, bool *short_form)
{
	const char *p = s;
	size_t dom = 0;

	while (hexval(p[dom]) >= 0)
		dom++;
	if (p[dom] == ':' && dom >= 4 && dom <= 8)
		p += dom + 1;
	else if (dom != 2)
		return false;
	*short_form = p == s;
	return hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && p[2] == ':' &&
	       hexval(p[3]) >= 0 && hexval(p[4]) >= 0 && p[5] == '.' &&
	       p[6] >= '0' && p[6] <= '7' && !p[7];
}

void hg_bdf_normalize(const char *in, char *out, size_t len)
{
	bool short_form;
	size_t i;

	if (!len)
		return;
	if (!is_bdf(in, &short_form)) {
		snprintf(out, len, "%s", in);
		return;
	}
	/* sysfs names are lower case; users type both. */
	snprintf(out, len, "%s%s", short_form ? "0000:" : "", in);
	for (i = 0; out[i]; i++)
		if (out[i] >= 'A' && out[i] <= 'F')
			out[i] += 'a' - 'A';
}
