/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the library's sources; not part of the public API. */
#ifndef HOSTGEOM_LIB_INTERNAL_H
#define HOSTGEOM_LIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/ctx.h>
#include <hostgeom/sysfs.h>

/*
 * Whether @driver leaves DMA ownership to VFIO (unbound, vfio-*, pci-stub,
 * pcieport, fsl-pci); any other bound driver makes a group not viable.
 */
bool hg_driver_lets_vfio_own(const char *driver);

/*
 * Copies the @len bytes at @src and a NUL into @dst of @size bytes. A name
 * that does not fit is cut to @size - 1 bytes and false is returned.
 */
bool hg_copy_name(char *dst, size_t size, const char *src, size_t len);

/*
 * The basename of the symlink @path (relative to @dirfd, or AT_FDCWD) into
 * @out. -errno of readlinkat, @out untouched; -ENAMETOOLONG with the
 * basename cut to fit @out; 0.
 */
int hg_read_link_base(int dirfd, const char *path, char *out, size_t len);

/*
 * Why sysfs says a group is not usable by VFIO, into @why ("" when sysfs
 * cannot be read, the group is not found or it looks ready). The group is
 * the one of device @bdf, or group @id when @bdf is NULL.
 */
void hg_group_not_ready_why(const struct hg_ctx *ctx, const char *bdf,
			    unsigned int id, char *why, size_t len);

#endif
