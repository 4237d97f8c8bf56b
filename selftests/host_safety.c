// SPDX-License-Identifier: GPL-2.0
/*
 * Checks on PCI devices a user named before a test takes them from their
 * drivers. Everything is read, nothing written: a refusal leaves the host
 * as it was. A device "is under" a PCI device when its resolved sysfs path
 * runs through that device's directory, which also covers the bridges
 * above it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/bdf.h>
#include <hostgeom_genl.h>

#include "host_safety.h"

#define SLAVE_DEPTH 4	/* dm on md on a disk is two; loops stop here */

/* snprintf for paths and names: a long one is cut, never overflows. */
static void __attribute__((format(printf, 3, 4)))
sfmt(char *out, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(out, len, f, ap);
	va_end(ap);
}

int hg_host_parse_bdf(const char *name, char *out, size_t len)
{
	char bdf[HG_HOST_BDF_LEN];

	/* bdf.h's reading: [D...:]BB:DD.F, 4 to 8 domain digits, device 00-1f */
	hg_bdf_normalize(name, bdf, sizeof(bdf));
	if (!hg_bdf_valid(bdf))
		return -EINVAL;
	sfmt(out, len, "%s", bdf);
	return 0;
}

static bool path_under(const char *path, const char *bdf)
{
	size_t n = strlen(bdf);
	const char *p;

	for (p = strstr(path, bdf); p; p = strstr(p + 1, bdf))
		if (p > path && p[-1] == '/' && (p[n] == '/' || !p[n]))
			return true;
	return false;
}

static bool named_under(const char *path, char (*bdfs)[HG_HOST_BDF_LEN],
			size_t n, size_t *which)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (path_under(path, bdfs[i])) {
			*which = i;
			return true;
		}
	return false;
}

/* Whether sysfs has @dir/@name ("class/net", "eth0"). */
static bool exists(const struct hg_ctx *ctx, const char *dir, const char *name)
{
	char path[PATH_MAX];

	sfmt(path, sizeof(path), "%s/%s/%s", hg_ctx_sysfs(ctx), dir, name);
	return !access(path, F_OK);
}

static int not_pci(const struct hg_ctx *ctx, const char *name,
		   struct hg_err *err)
{
	if (!strchr(name, '/') && exists(ctx, "class/net", name))
		return hg_err_set(err, -EINVAL, "'%s' is a network interface, not a PCI address ([DDDD:]BB:DD.F); its device is named by %s/class/net/%s/device",
				  name, hg_ctx_sysfs(ctx), name);
	if (!strchr(name, '/') && exists(ctx, "class/block", name))
		return hg_err_set(err, -EINVAL, "'%s' is a block device, not a PCI address ([DDDD:]BB:DD.F)",
				  name);
	return hg_err_set(err, -EINVAL, "'%s' is not a PCI address ([DDDD:]BB:DD.F)",
			  name);
}

/* Reads one line of a small file into @buf; -errno when it cannot. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

/*
 * The sysfs directory of the block device mounted at /, from the last
 * mount of / in @proc's mountinfo: by its number, or, for a filesystem
 * with an anonymous one (btrfs), by its /dev source. 0, or -ENOENT when
 * / is not on a block device (9p, NFS, an overlay).
 */
static int root_block_dir(const struct hg_ctx *ctx, const char *proc,
			  char *out, size_t len)
{
	char path[PATH_MAX], line[1024], majmin[32] = "", src[256] = "";
	char mnt[PATH_MAX];
	FILE *f;

	sfmt(path, sizeof(path), "%s/self/mountinfo", proc);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		const char *dash = strstr(line, " - ");
		char mm[32];

		if (sscanf(line, "%*s %*s %31s %*s %4095s", mm, mnt) != 2 ||
		    strcmp(mnt, "/") || !dash)
			continue;
		sfmt(majmin, sizeof(majmin), "%s", mm);
		if (sscanf(dash, " - %*s %255s", src) != 1)
			src[0] = '\0';
	}
	fclose(f);
	if (majmin[0] && strncmp(majmin, "0:", 2))
		sfmt(out, len, "%s/dev/block/%s", hg_ctx_sysfs(ctx), majmin);
	else if (!strncmp(src, "/dev/", 5) && !strchr(src + 5, '/'))
		sfmt(out, len, "%s/class/block/%s", hg_ctx_sysfs(ctx),
			 src + 5);
	else
		return -ENOENT;
	return access(out, F_OK) ? -ENOENT : 0;
}

/*
 * Whether block device directory @dir, or a device it is built on (its
 * slaves: dm, md), is under one of @bdfs; the disk's name in @disk.
 */
static bool disk_under(const struct hg_ctx *ctx, const char *dir,
		       char (*bdfs)[HG_HOST_BDF_LEN], size_t n, size_t *which,
		       char *disk, size_t len, int depth)
{
	char real[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	bool hit = false;
	DIR *d;

	if (!realpath(dir, real) || depth > SLAVE_DEPTH)
		return false;
	sfmt(sub, sizeof(sub), "%s/slaves", real);
	d = opendir(sub);
	while (d && !hit && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		sfmt(sub, sizeof(sub), "%s/class/block/%s",
			 hg_ctx_sysfs(ctx), e->d_name);
		hit = disk_under(ctx, sub, bdfs, n, which, disk, len,
				 depth + 1);
	}
	if (d)
		closedir(d);
	if (!hit && named_under(real, bdfs, n, which)) {
		sfmt(disk, len, "%s", strrchr(real, '/') + 1);
		hit = true;
	}
	return hit;
}

static int check_boot_disk(const struct hg_ctx *ctx, const char *proc,
			   char (*bdfs)[HG_HOST_BDF_LEN], size_t n, struct hg_err *err)
{
	char dir[PATH_MAX], disk[256];
	size_t i;

	if (root_block_dir(ctx, proc, dir, sizeof(dir)))
		return 0;
	if (!disk_under(ctx, dir, bdfs, n, &i, disk, sizeof(disk), 0))
		return 0;
	return hg_err_set(err, -EPERM, "%s is on the path to %s, the disk holding /: taken from its driver, the system loses its root filesystem",
			  bdfs[i], disk);
}

/* Counts the network interfaces with a device, and those under @bdfs. */
static int check_only_network(const struct hg_ctx *ctx,
			      char (*bdfs)[HG_HOST_BDF_LEN], size_t n,
			      struct hg_err *err)
{
	char path[PATH_MAX], real[PATH_MAX], ifname[256] = "";
	size_t devices = 0, named = 0, which = 0;
	struct dirent *e;
	DIR *d;

	sfmt(path, sizeof(path), "%s/class/net", hg_ctx_sysfs(ctx));
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		sfmt(path, sizeof(path), "%s/class/net/%s/device",
			 hg_ctx_sysfs(ctx), e->d_name);
		if (!realpath(path, real))
			continue;	/* virtual: lo, bridges, tunnels */
		devices++;
		if (named_under(real, bdfs, n, &which)) {
			named++;
			sfmt(ifname, sizeof(ifname), "%s", e->d_name);
		}
	}
	if (d)
		closedir(d);
	if (!named || named < devices)
		return 0;
	return hg_err_set(err, -EPERM, "%s carries %s, %s network interface with a device here: taken from its driver, the machine loses its network",
			  bdfs[which], ifname, devices > 1 ? "with the other named devices every" : "the only");
}

static int dev_link_base(const struct hg_ctx *ctx, const char *bdf,
			 const char *link, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t got;

	sfmt(path, sizeof(path), "%s/bus/pci/devices/%s/%s",
		 hg_ctx_sysfs(ctx), bdf, link);
	got = readlink(path, target, sizeof(target) - 1);
	if (got < 0)
		return -errno;
	target[got] = '\0';
	sfmt(out, len, "%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	return 0;
}

/* The first vfio-dev/vfioN of @bdf into @out, or "" when it has none. */
static void vfio_cdev(const struct hg_ctx *ctx, const char *bdf, char *out,
		      size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	out[0] = '\0';
	sfmt(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev",
		 hg_ctx_sysfs(ctx), bdf);
	d = opendir(path);
	while (d && !out[0] && (e = readdir(d)))
		if (e->d_name[0] != '.')
			sfmt(out, len, "%s", e->d_name);
	if (d)
		closedir(d);
}

/* 1 when process directory @pid of @proc has @file open, 0 otherwise. */
static bool holds(const char *proc, const char *pid, const char *file)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *e;
	bool hit = false;
	ssize_t got;
	DIR *d;

	sfmt(path, sizeof(path), "%s/%s/fd", proc, pid);
	d = opendir(path);
	while (d && !hit && (e = readdir(d))) {
		sfmt(path, sizeof(path), "%s/%s/fd/%s", proc, pid, e->d_name);
		got = readlink(path, target, sizeof(target) - 1);
		if (got < 0)
			continue;
		target[got] = '\0';
		hit = !strcmp(target, file);
	}
	if (d)
		closedir(d);
	return hit;
}

/* The first process but this one holding @file: its pid, 0 if none. */
static long holder(const char *proc, const char *file, char *comm,
		   size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	long pid = 0;
	DIR *d = opendir(proc);

	while (d && !pid && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) ||
		    atol(e->d_name) == (long)getpid() ||
		    !holds(proc, e->d_name, file))
			continue;
		pid = atol(e->d_name);
		sfmt(path, sizeof(path), "%s/%s/comm", proc, e->d_name);
		if (read_line(path, comm, len))
			sfmt(comm, len, "?");
	}
	if (d)
		closedir(d);
	return pid;
}

static int check_busy(const struct hg_ctx *ctx, const char *proc,
		      const char *bdf, struct hg_err *err)
{
	char group[32], cdev[64], file[PATH_MAX], comm[64];
	long pid;

	if (dev_link_base(ctx, bdf, "iommu_group", group, sizeof(group)))
		return 0;
	sfmt(file, sizeof(file), "%s/vfio/%s", hg_ctx_dev(ctx), group);
	pid = holder(proc, file, comm, sizeof(comm));
	vfio_cdev(ctx, bdf, cdev, sizeof(cdev));
	if (!pid && cdev[0]) {
		sfmt(file, sizeof(file), "%s/vfio/devices/%s",
			 hg_ctx_dev(ctx), cdev);
		pid = holder(proc, file, comm, sizeof(comm));
	}
	if (!pid)
		return 0;
	return hg_err_set(err, -EBUSY, "%s is busy: process %ld (%s) holds %s open (a VM using it?)",
			  bdf, pid, comm, file);
}

/* A group member that VFIO and the stub tolerate beside the named ones. */
static bool member_harmless(const struct hg_ctx *ctx, const char *bdf)
{
	char driver[64], path[PATH_MAX], cls[32];

	if (dev_link_base(ctx, bdf, "driver", driver, sizeof(driver)))
		return true;	/* unbound */
	if (!strcmp(driver, "vfio-pci") || !strcmp(driver, "pci-stub") ||
	    !strcmp(driver, HOSTGEOM_STUB_DRIVER))
		return true;
	sfmt(path, sizeof(path), "%s/bus/pci/devices/%s/class",
		 hg_ctx_sysfs(ctx), bdf);
	return !read_line(path, cls, sizeof(cls)) &&
	       (strtoul(cls, NULL, 16) >> 8) == 0x0604;	/* a PCI bridge */
}

static bool named(char (*bdfs)[HG_HOST_BDF_LEN], size_t n, const char *bdf)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(bdfs[i], bdf))
			return true;
	return false;
}

/* Appends "BDF (driver)" of every member in the way to @list. */
static size_t members_in_way(const struct hg_ctx *ctx, const char *group,
			     char (*bdfs)[HG_HOST_BDF_LEN], size_t n, char *list,
			     size_t len)
{
	char path[PATH_MAX], driver[64];
	struct dirent *e;
	size_t count = 0, used;
	DIR *d;

	list[0] = '\0';
	sfmt(path, sizeof(path), "%s/kernel/iommu_groups/%s/devices",
		 hg_ctx_sysfs(ctx), group);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || named(bdfs, n, e->d_name) ||
		    member_harmless(ctx, e->d_name))
			continue;
		if (dev_link_base(ctx, e->d_name, "driver", driver,
				  sizeof(driver)))
			sfmt(driver, sizeof(driver), "?");
		used = strlen(list);
		sfmt(list + used, len - used, "%s%s (%s)",
			 count ? ", " : "", e->d_name, driver);
		count++;
	}
	if (d)
		closedir(d);
	return count;
}

static int check_group(const struct hg_ctx *ctx, const char *bdf,
		       char (*bdfs)[HG_HOST_BDF_LEN], size_t n, struct hg_err *err)
{
	char group[32], list[320];

	if (dev_link_base(ctx, bdf, "iommu_group", group, sizeof(group)))
		return hg_err_set(err, -ENODEV, "%s has no IOMMU group: no IOMMU is on here, or none translates for it",
				  bdf);
	if (!members_in_way(ctx, group, bdfs, n, list, sizeof(list)))
		return 0;
	return hg_err_set(err, -EXDEV, "%s shares IOMMU group %s with devices that were not named and are in use: %s; name them too, or pick a device alone in its group",
			  bdf, group, list);
}

static int parse_all(const struct hg_ctx *ctx, const char *const *names,
		     size_t n, char (*bdfs)[HG_HOST_BDF_LEN], struct hg_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (hg_host_parse_bdf(names[i], bdfs[i], sizeof(bdfs[i])))
			return not_pci(ctx, names[i], err);
		if (!exists(ctx, "bus/pci/devices", bdfs[i]))
			return hg_err_set(err, -ENOENT, "no PCI device %s here (%s/bus/pci/devices has none)",
					  bdfs[i], hg_ctx_sysfs(ctx));
	}
	return 0;
}

int hg_host_check_devices(const struct hg_ctx *ctx, const char *proc,
			  const char *const *names, size_t n, bool force,
			  struct hg_err *err)
{
	char (*bdfs)[HG_HOST_BDF_LEN] = calloc(n ? n : 1, sizeof(*bdfs));
	size_t i;
	int ret;

	if (!bdfs)
		return hg_err_set(err, -ENOMEM, "out of memory");
	proc = proc ? proc : "/proc";
	ret = parse_all(ctx, names, n, bdfs, err);
	if (!ret && !force)
		ret = check_boot_disk(ctx, proc, bdfs, n, err);
	if (!ret && !force)
		ret = check_only_network(ctx, bdfs, n, err);
	for (i = 0; !ret && i < n; i++)
		ret = check_busy(ctx, proc, bdfs[i], err);
	for (i = 0; !ret && i < n; i++)
		ret = check_group(ctx, bdfs[i], bdfs, n, err);
	free(bdfs);
	return ret;
}
