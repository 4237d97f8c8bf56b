// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU groups under SYSFS/kernel/iommu_groups. Hosts have thousands of
 * devices, so every file is opened relative to an open directory (no path
 * rebuilt and walked from the root per attribute, no realpath) and read
 * with one small read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hostgeom/sysfs.h>

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
		return "does not start with 0x";
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

static int resv_error(struct hg_err *err, const char *what, unsigned int line,
		      const char *fmt, const char *detail)
{
	char why[160];

	snprintf(why, sizeof(why), fmt, detail);
	return hg_err_set(err, -EINVAL,
			  "%s:%u: %s; each line must read '0x<start> 0x<end> <type>' (end inclusive) as the kernel writes it",
			  what, line, why);
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
		return resv_error(err, what, line, "empty line%s", "");
	why = parse_hex64(&s, &r->start);
	if (why)
		return resv_error(err, what, line, "start %s", why);
	if (*s != ' ' && *s != '\t')
		return resv_error(err, what, line,
				  "no blank after the start address%s", "");
	s = skip_blanks(s);
	why = parse_hex64(&s, &r->last);
	if (why)
		return resv_error(err, what, line, "end %s", why);
	if (r->start > r->last)
		return resv_error(err, what, line,
				  "start is above end%s", "");
	if (*s != ' ' && *s != '\t')
		return resv_error(err, what, line,
				  *s && *s != '\n' ? "no blank after the end address%s" :
						     "the region type is missing%s", "");
	t = s = skip_blanks(s);
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	len = s - t;
	if (!len)
		return resv_error(err, what, line,
				  "the region type is missing%s", "");
	if (*s == ' ' || *s == '\t')
		return resv_error(err, what, line,
				  "trailing text after the region type%s", "");
	if (!*s)
		return resv_error(err, what, line,
				  "the line is truncated (no newline at its end)%s",
				  "");
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

/* The whole file @name under @dirfd, NUL-terminated; -errno on failure. */
static int read_all(int dirfd, const char *name, char **text)
{
	size_t len = 0, cap = 256;
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
		if (cap - len < 2) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r <= 0) {
			if (r < 0)
				r = -errno;
			break;
		}
		len += r;
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
 * A one-line attribute into @buf without its newline; -errno on failure,
 * -EFBIG when it does not fit.
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

/* Basename of the symlink @name under @dirfd; "" when there is none. */
static int read_link_base(int dirfd, const char *name, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t r;

	r = readlinkat(dirfd, name, target, sizeof(target) - 1);
	if (r < 0) {
		out[0] = '\0';
		return errno == ENOENT ? 0 : -errno;
	}
	target[r] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(out, base);
	return 0;
}

/* The walk's state: where we are, for messages. */
struct walk {
	const char *root;
	int groups_fd;
	struct hg_err *err;
};

static int walk_error(struct walk *w, int code, const char *group,
		      const char *dev, const char *file, const char *what)
{
	return hg_err_set(w->err, code, "%s/%s/%s%s%s%s%s: %s",
			  w->root, GROUPS_DIR, group,
			  dev ? "/devices/" : "", dev ? dev : "",
			  file ? "/" : "", file ? file : "", what);
}

static int read_hex_attr(struct walk *w, int devs_fd, const char *group,
			 const char *dev, const char *attr, uint32_t max,
			 uint32_t *value, bool *present)
{
	char path[NAME_MAX + 16], buf[32], *end;
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dev, attr);
	ret = read_attr(devs_fd, path, buf, sizeof(buf));
	if (ret == -ENOENT) {
		*present = false;
		return 0;
	}
	if (ret)
		return walk_error(w, ret, group, dev, attr, strerror(-ret));
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (strncmp(buf, "0x", 2) || end == buf + 2 || *end || errno || v > max)
		return walk_error(w, -EINVAL, group, dev, attr,
				  "not a 0x-prefixed hex ID as the kernel writes it; is --sysfs-root a sysfs tree?");
	*value = v;
	*present = true;
	return 0;
}

/* PCI identity: the subsystem link says pci, or (synthetic trees) the IDs are there. */
static int read_pci_ids(struct walk *w, int devs_fd, const char *group,
			struct hg_device *d)
{
	char path[NAME_MAX + 16], subsys[32];
	uint32_t vendor = 0, device = 0, class_code = 0;
	bool has_v, has_d, has_c;
	int ret;

	d->is_pci = false;
	snprintf(path, sizeof(path), "%s/subsystem", d->name);
	ret = read_link_base(devs_fd, path, subsys, sizeof(subsys));
	if (ret == -ENAMETOOLONG || (!ret && subsys[0] && strcmp(subsys, "pci")))
		return 0;
	if (ret)
		return walk_error(w, ret, group, d->name, "subsystem",
				  strerror(-ret));
	ret = read_hex_attr(w, devs_fd, group, d->name, "vendor", 0xffff,
			    &vendor, &has_v);
	if (!ret && has_v)
		ret = read_hex_attr(w, devs_fd, group, d->name, "device",
				    0xffff, &device, &has_d);
	if (!ret && has_v && has_d)
		ret = read_hex_attr(w, devs_fd, group, d->name, "class",
				    0xffffff, &class_code, &has_c);
	if (ret || !has_v || !has_d || !has_c)
		return ret;
	d->is_pci = true;
	d->vendor = vendor;
	d->device = device;
	d->class_code = class_code;
	return 0;
}

/* The iommufd cdev: the one "vfioN" entry of the device's vfio-dev/. */
static int read_vfio_cdev(struct walk *w, int devs_fd, const char *group,
			  struct hg_device *d)
{
	char path[NAME_MAX + 16];
	struct dirent *e;
	DIR *dir;
	int fd, ret = 0;

	d->vfio_cdev[0] = '\0';
	snprintf(path, sizeof(path), "%s/vfio-dev", d->name);
	fd = openat(devs_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return ret == -ENOENT || ret == -ENOTDIR ? 0 :
		       walk_error(w, ret, group, d->name, "vfio-dev",
				  strerror(-ret));
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return walk_error(w, -ENOMEM, group, d->name, "vfio-dev",
				  "out of memory");
	}
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "vfio", 4))
			continue;
		if (strlen(e->d_name) >= sizeof(d->vfio_cdev))
			ret = walk_error(w, -ENAMETOOLONG, group, d->name,
					 "vfio-dev", "entry name too long for a vfio cdev");
		else
			strcpy(d->vfio_cdev, e->d_name);
		break;
	}
	closedir(dir);
	return ret;
}

static int read_device(struct walk *w, int devs_fd, const char *group,
		       const char *name, struct hg_device *d)
{
	char path[NAME_MAX + 16];
	int ret;

	memset(d, 0, sizeof(*d));
	if (strlen(name) >= sizeof(d->name))
		return walk_error(w, -ENAMETOOLONG, group, name, NULL,
				  "device name longer than hostgeom supports (63 characters)");
	strcpy(d->name, name);
	ret = read_pci_ids(w, devs_fd, group, d);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/driver", name);
	ret = read_link_base(devs_fd, path, d->driver, sizeof(d->driver));
	if (ret)
		return walk_error(w, ret, group, name, "driver",
				  ret == -ENAMETOOLONG ?
				  "driver name longer than 63 characters" :
				  strerror(-ret));
	return read_vfio_cdev(w, devs_fd, group, d);
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct hg_device *)a)->name,
		      ((const struct hg_device *)b)->name);
}

static int read_members(struct walk *w, int group_fd, const char *group,
			struct hg_group *g)
{
	struct hg_device *nv;
	struct dirent *e;
	size_t cap = 0;
	DIR *dir;
	int fd, ret = 0;

	fd = openat(group_fd, "devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return ret == -ENOENT ? 0 :
		       walk_error(w, ret, group, NULL, "devices",
				  strerror(-ret));
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return walk_error(w, -ENOMEM, group, NULL, "devices",
				  "out of memory");
	}
	while (!ret && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if (g->n_members == cap) {
			cap = cap ? cap * 2 : 4;
			nv = realloc(g->members, cap * sizeof(*nv));
			if (!nv) {
				ret = walk_error(w, -ENOMEM, group, NULL,
						 "devices", "out of memory");
				break;
			}
			g->members = nv;
		}
		ret = read_device(w, fd, group, e->d_name,
				  &g->members[g->n_members]);
		if (!ret)
			g->n_members++;
	}
	closedir(dir);
	if (!ret)
		qsort(g->members, g->n_members, sizeof(*g->members),
		      cmp_device);
	return ret;
}

static int read_group(struct walk *w, const char *name, struct hg_group *g)
{
	char path[PATH_MAX], *text = NULL;
	int fd, ret;

	fd = openat(w->groups_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return walk_error(w, ret, name, NULL, NULL, strerror(-ret));
	}
	/* Kernels before 4.19 have no type file: the type stays "". */
	ret = read_attr(fd, "type", g->type, sizeof(g->type));
	if (ret == -ENOENT)
		ret = 0;
	else if (ret)
		ret = walk_error(w, ret, name, NULL, "type", ret == -EFBIG ?
				 "longer than any group type the kernel knows" :
				 strerror(-ret));
	if (!ret) {
		ret = read_all(fd, "reserved_regions", &text);
		if (!ret) {
			snprintf(path, sizeof(path), "%s/%s/%s/reserved_regions",
				 w->root, GROUPS_DIR, name);
			ret = hg_resv_parse(text, path, &g->resv, &g->n_resv,
					    w->err);
			free(text);
		} else if (ret == -ENOENT) {
			ret = 0;	/* before 4.11: no reserved_regions */
		} else {
			ret = walk_error(w, ret, name, NULL, "reserved_regions",
					 strerror(-ret));
		}
	}
	if (!ret)
		ret = read_members(w, fd, name, g);
	close(fd);
	return ret;
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

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* The ids of the group directories, sorted. */
static int list_group_ids(struct walk *w, unsigned int **ids, size_t *n)
{
	unsigned int *v = NULL, *nv, id;
	size_t count = 0, cap = 0;
	struct dirent *e;
	DIR *dir;
	int fd, ret = 0;

	fd = dup(w->groups_fd);
	if (fd < 0) {
		ret = -errno;
		return walk_error(w, ret, "", NULL, NULL, strerror(-ret));
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return walk_error(w, -ENOMEM, "", NULL, NULL, "out of memory");
	}
	while ((e = readdir(dir))) {
		if (!group_id_of(e->d_name, &id))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				ret = walk_error(w, -ENOMEM, "", NULL, NULL,
						 "out of memory");
				break;
			}
			v = nv;
		}
		v[count++] = id;
	}
	closedir(dir);
	if (ret) {
		free(v);
		return ret;
	}
	qsort(v, count, sizeof(*v), cmp_uint);
	*ids = v;
	*n = count;
	return 0;
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

int hg_sysfs_read_topology(const struct hg_ctx *ctx, struct hg_topology *out,
			   struct hg_err *err)
{
	struct walk w = { .root = hg_ctx_sysfs(ctx), .err = err };
	struct hg_topology topo = { 0 };
	unsigned int *ids = NULL;
	char name[16];
	size_t n = 0, i;
	int ret;

	*out = topo;
	ret = open_groups_dir(ctx, &w.groups_fd);
	if (ret == -ENOENT)
		return 0;	/* no IOMMU: no groups */
	if (ret)
		return hg_err_set(err, ret, "%s/%s: %s", w.root, GROUPS_DIR,
				  strerror(-ret));
	ret = list_group_ids(&w, &ids, &n);
	if (!ret && n) {
		topo.groups = calloc(n, sizeof(*topo.groups));
		if (!topo.groups)
			ret = hg_err_set(err, -ENOMEM, "out of memory reading %zu IOMMU groups", n);
	}
	for (i = 0; !ret && i < n; i++) {
		struct hg_group *g = &topo.groups[i];

		g->id = ids[i];
		topo.n_groups++;
		snprintf(name, sizeof(name), "%u", ids[i]);
		ret = read_group(&w, name, g);
	}
	free(ids);
	close(w.groups_fd);
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
static bool driver_lets_vfio_own(const char *driver)
{
	static const char *const allowed[] = {
		"pci-stub", "pcieport", "fsl-pci",
	};
	size_t i, len = strlen(driver);

	if (!len || !strncmp(driver, "vfio-", 5))
		return true;
	if (len > 9 && !strcmp(driver + len - 9, "_vfio_pci"))
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

		if (driver_lets_vfio_own(d->driver))
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
