/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/sysfs's internals; not part of the public API. Reading sysfs (io.c):
 * attributes, symlinks and directories, relative to an open directory so
 * that a walk over thousands of files costs one lookup per file; lib/vfio
 * uses these readers too. The group walk's internals, shared by walk.c
 * (groups, threads) and member.c (one member device).
 */
#ifndef HOSTGEOM_LIB_SYSFS_INTERNAL_H
#define HOSTGEOM_LIB_SYSFS_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/err.h>
#include <hostgeom/sysfs.h>

/* ----------------------------------------------------- reading sysfs (io.c) */

/* Not a regular file: open(2) and read(2) of one never give this errno. */
#define HG_ENOTREG EMEDIUMTYPE

/*
 * reserved_regions fits one page in today's kernels (sysfs_emit_at); 1 MiB
 * (some 27000 regions) leaves a later kernel room while a file that never
 * ends cannot make the reader allocate without bound.
 */
#define HG_TEXT_MAX (1u << 20)

/*
 * Opens @name under @dirfd for reading, as the readers below do: refusing
 * a final symlink (-ELOOP) and anything but a regular file (-HG_ENOTREG),
 * never blocking. The fd, or -errno.
 */
int hg_open_attr(int dirfd, const char *name);

/*
 * Attribute @name under @dirfd into @buf, NUL-terminated, without a final
 * newline; -errno on failure, -EFBIG when it does not fit in @len - 1.
 */
int hg_read_attr(int dirfd, const char *name, char *buf, size_t len);

/*
 * The whole file @name under @dirfd, NUL-terminated, in a malloc'd
 * *@text; -errno on failure, -EFBIG when it reaches HG_TEXT_MAX.
 */
int hg_read_text(int dirfd, const char *name, char **text);

/* strerror() for the codes the three calls above return. */
const char *hg_read_strerror(int code);

/*
 * The basename of the symlink @path (relative to @dirfd, or AT_FDCWD) into
 * @out. -errno of readlinkat, @out untouched; -ENAMETOOLONG with the
 * basename cut to fit @out; 0.
 */
int hg_read_link_base(int dirfd, const char *path, char *out, size_t len);

/*
 * Calls @fn for every entry of directory @fd but "." and "..", until @fn
 * returns non-zero (that value is returned; 1 means "stop, no error").
 */
int hg_for_each_entry(int fd, int (*fn)(void *arg, const char *name),
		      void *arg);

/*
 * The vfio cdev ("vfio3") of the device directory @dev under @dirfd: the
 * "vfioN" entry of its vfio-dev/. -ENOENT or -ENOTDIR when there is no
 * vfio-dev/, -ENODATA when it is empty, -ENAMETOOLONG when the name does
 * not fit @len (cut to fit), other -errno.
 */
int hg_vfio_cdev_find(int dirfd, const char *dev, char *name, size_t len);

/*
 * @s holds only what sysfs writes in names: printable ASCII. Anything else
 * (a newline, an escape, bytes that are no UTF-8) would reach the output
 * as it is.
 */
bool hg_sysfs_name_ok(const char *s);

/*
 * Copies the @len bytes at @src and a NUL into @dst of @size bytes. A name
 * that does not fit is cut to @size - 1 bytes and false is returned.
 */
bool hg_copy_name(char *dst, size_t size, const char *src, size_t len);

/* ---------------------------------------- the group walk (walk.c, member.c) */

#define HG_GROUPS_DIR "kernel/iommu_groups"

/* Where the walk is, for messages. */
struct hg_walk {
	const char *root;
	int groups_fd;
	struct hg_err *err;
	const char *group;	/* the group directory's name */
};

/* "ROOT/kernel/iommu_groups/N[/devices/DEV][/FILE]: WHAT" into the walk's err. */
int hg_walk_error(const struct hg_walk *w, int code, const char *dev,
		  const char *file, const char *what);

/*
 * Member @d->name of the group's devices/ directory @devs_fd: its driver,
 * PCI identity and vfio cdev.
 */
int hg_walk_read_device(const struct hg_walk *w, int devs_fd,
			struct hg_device *d);

#endif
