// SPDX-License-Identifier: GPL-2.0
/*
 * One member of an IOMMU group: its driver and PCI identity from its one
 * uevent file (or, in hand-made trees without one, its driver link and
 * vendor, device and class files), and its vfio cdev.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/vfio_policy.h>

#include "base/internal.h"
#include "internal.h"

/* Basename of the symlink @name under @dirfd; "" when there is none. */
static int read_link_base(int dirfd, const char *name, char *out, size_t len)
{
	int ret = hg_read_link_base(dirfd, name, out, len);

	if (ret)
		out[0] = '\0';
	return ret == -ENOENT ? 0 : ret;
}

/* @len hex digits at @s, at most @max; no prefix, no sign. */
static bool hex_u32(const char *s, size_t len, uint32_t max, uint32_t *value)
{
	uint64_t v;

	if (!hg_hex_parse(s, len, max, &v))
		return false;
	*value = v;
	return true;
}

/*
 * The device's uevent file: DRIVER=, and PCI_CLASS= and PCI_ID= for PCI
 * devices, in one read instead of four files. 1 when there is none.
 */
static int read_uevent(const struct hg_walk *w, int devs_fd,
		       struct hg_device *d)
{
	char path[NAME_MAX + 16], buf[4096];
	const char *line, *end, *val;
	uint32_t vendor = 0, device = 0, class_code = 0;
	bool has_id = false, has_class = false;
	int ret;

	snprintf(path, sizeof(path), "%s/uevent", d->name);
	ret = hg_read_attr(devs_fd, path, buf, sizeof(buf));
	if (ret == -ENOENT)
		return 1;
	if (ret)
		return hg_walk_error(w, ret, d->name, "uevent",
				     hg_read_strerror(ret));
	for (line = buf; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		val = memchr(line, '=', end - line);
		if (!val++)
			continue;
		if (!strncmp(line, "DRIVER=", 7)) {
			if (!hg_copy_name(d->driver, sizeof(d->driver), val,
					  end - val))
				return hg_walk_error(w, -ENAMETOOLONG, d->name,
						  "uevent", "driver name longer than 63 characters");
		} else if (!strncmp(line, "PCI_CLASS=", 10)) {
			has_class = hex_u32(val, end - val, 0xffffff,
					    &class_code);
			if (!has_class)
				return hg_walk_error(w, -EINVAL, d->name, "uevent",
						  "PCI_CLASS is not a 24-bit hex number");
		} else if (!strncmp(line, "PCI_ID=", 7)) {
			has_id = end - val == 9 && val[4] == ':' &&
				 hex_u32(val, 4, 0xffff, &vendor) &&
				 hex_u32(val + 5, 4, 0xffff, &device);
			if (!has_id)
				return hg_walk_error(w, -EINVAL, d->name, "uevent",
						  "PCI_ID is not VVVV:DDDD in hex");
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
static int read_id_attr(const struct hg_walk *w, int devs_fd, const char *dev,
			const char *attr, uint32_t max, uint32_t *value,
			bool *present)
{
	char path[NAME_MAX + 16], buf[32];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dev, attr);
	ret = hg_read_attr(devs_fd, path, buf, sizeof(buf));
	*present = ret != -ENOENT;
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return hg_walk_error(w, ret, dev, attr, hg_read_strerror(ret));
	if (strncmp(buf, "0x", 2) ||
	    !hex_u32(buf + 2, strlen(buf + 2), max, value))
		return hg_walk_error(w, -EINVAL, dev, attr,
				  "not a 0x-prefixed hex ID as the kernel writes it");
	return 0;
}

/*
 * Without a uevent file (hand-made trees): the attribute files. PCI when
 * vendor, device and class are there and the subsystem, if linked, is pci.
 */
static int read_attributes(const struct hg_walk *w, int devs_fd,
			   struct hg_device *d)
{
	char path[NAME_MAX + 16], subsys[32];
	uint32_t vendor = 0, device = 0, class_code = 0;
	bool has_v = false, has_d = false, has_c = false;
	int ret;

	snprintf(path, sizeof(path), "%s/driver", d->name);
	ret = read_link_base(devs_fd, path, d->driver, sizeof(d->driver));
	if (ret)
		return hg_walk_error(w, ret, d->name, "driver",
				  ret == -ENAMETOOLONG ?
				  "driver name longer than 63 characters" :
				  strerror(-ret));
	snprintf(path, sizeof(path), "%s/subsystem", d->name);
	ret = read_link_base(devs_fd, path, subsys, sizeof(subsys));
	if (ret == -ENAMETOOLONG || (!ret && subsys[0] && strcmp(subsys, "pci")))
		return 0;
	if (ret)
		return hg_walk_error(w, ret, d->name, "subsystem", strerror(-ret));
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

/* The iommufd cdev, when the device has one. */
static int read_vfio_cdev(const struct hg_walk *w, int devs_fd,
			  struct hg_device *d)
{
	int ret = hg_vfio_cdev_find(devs_fd, d->name, d->vfio_cdev,
				    sizeof(d->vfio_cdev));

	if (ret == -ENOENT || ret == -ENOTDIR || ret == -ENODATA) {
		d->vfio_cdev[0] = '\0';
		return 0;
	}
	if (ret == -ENAMETOOLONG)
		return hg_walk_error(w, ret, d->name, "vfio-dev",
				     "entry name too long for a vfio cdev");
	if (ret)
		return hg_walk_error(w, ret, d->name, "vfio-dev",
				     strerror(-ret));
	return hg_sysfs_name_ok(d->vfio_cdev) ? 0 :
	       hg_walk_error(w, -EINVAL, d->name, "vfio-dev",
			     "an entry's name has a byte sysfs does not write");
}

int hg_walk_read_device(const struct hg_walk *w, int devs_fd,
			struct hg_device *d)
{
	int ret = read_uevent(w, devs_fd, d);

	if (ret == 1)
		ret = read_attributes(w, devs_fd, d);
	if (!ret && !hg_sysfs_name_ok(d->driver))
		return hg_walk_error(w, -EINVAL, d->name, "driver",
				     "a byte sysfs does not write in a driver name");
	/* Only a device on a vfio driver has a cdev: spare others a lookup. */
	if (!ret && hg_driver_is_vfio(d->driver))
		ret = read_vfio_cdev(w, devs_fd, d);
	return ret;
}
