// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs hands out an attribute in one read, so a short read ends a file.
 * A tree given as sysfs may be anything, though: files are opened without
 * following a final symlink and without blocking, and read only when they
 * are regular files, up to a cap;
 * directories are read with getdents64 directly: no DIR allocation, fcntl
 * and fstat per directory.
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

#include "internal.h"

/*
 * Opens @name for reading as a sysfs attribute: never through a final
 * symlink (-ELOOP), never blocking (a FIFO opens and then is refused), and
 * only a regular file (HG_ENOTREG). st_size says nothing: sysfs reports
 * 4096 for every attribute.
 */
int hg_open_attr(int dirfd, const char *name)
{
	struct stat st;
	int fd, ret;

	fd = openat(dirfd, name,
		    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ret = fstat(fd, &st) ? -errno : S_ISREG(st.st_mode) ? 0 : -HG_ENOTREG;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Doubles *@buf, up to HG_TEXT_MAX bytes: -EFBIG past it. */
static int grow(char **buf, size_t *cap)
{
	char *nb;

	if (*cap >= HG_TEXT_MAX)
		return -EFBIG;
	nb = realloc(*buf, *cap * 2);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap *= 2;
	return 0;
}

int hg_read_text(int dirfd, const char *name, char **text)
{
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t r;
	int fd;

	fd = hg_open_attr(dirfd, name);
	if (fd < 0)
		return fd;
	buf = malloc(cap);
	r = buf ? 0 : -ENOMEM;
	while (!r) {
		r = read(fd, buf + len, cap - len - 1);
		if (r <= 0) {
			r = r ? -errno : 0;
			break;
		}
		len += r;
		/* A short read: sysfs gave all there is. */
		r = len < cap - 1 ? 1 : grow(&buf, &cap);
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

int hg_read_attr(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	fd = hg_open_attr(dirfd, name);
	if (fd < 0)
		return fd;
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

const char *hg_read_strerror(int code)
{
	switch (code) {
	case -ELOOP:
		return "a symbolic link where sysfs has a file";
	case -HG_ENOTREG:
		return "not a regular file, as every sysfs attribute is";
	case -EFBIG:
		return "too large for a sysfs attribute";
	}
	return strerror(-code);
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

int hg_for_each_entry(int fd, int (*fn)(void *arg, const char *name),
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

struct cdev_search {
	char *name;
	size_t len;
	int ret;
};

static int take_vfio_cdev(void *arg, const char *name)
{
	struct cdev_search *cs = arg;

	if (strncmp(name, "vfio", 4))
		return 0;
	cs->ret = hg_copy_name(cs->name, cs->len, name, strlen(name)) ?
		  0 : -ENAMETOOLONG;
	return 1;
}

int hg_vfio_cdev_find(int dirfd, const char *dev, char *name, size_t len)
{
	struct cdev_search cs = { name, len, -ENODATA };
	char path[PATH_MAX];
	int fd, ret;

	if (snprintf(path, sizeof(path), "%s/vfio-dev", dev) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = hg_for_each_entry(fd, take_vfio_cdev, &cs);
	close(fd);
	return ret < 0 ? ret : cs.ret;
}

bool hg_sysfs_name_ok(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
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
