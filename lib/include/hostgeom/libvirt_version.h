/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvirt versions, numbered as libvirt numbers them (major * 1000000 +
 * minor * 1000 + micro), parsed from text or asked of the installed
 * libvirt programs.
 */
#ifndef HOSTGEOM_LIBVIRT_VERSION_H
#define HOSTGEOM_LIBVIRT_VERSION_H

#include <stddef.h>

#include <hostgeom/err.h>

#define HG_LIBVIRT_VERSION(major, minor, micro) \
	((major) * 1000000UL + (minor) * 1000UL + (micro))

/* "MAJOR.MINOR[.MICRO]", each part decimal, minor and micro below 1000. */
int hg_libvirt_version_parse(const char *s, unsigned long *version,
			     struct hg_err *err);
/* "11.3.0"; "unknown" for 0. */
void hg_libvirt_version_str(unsigned long version, char *buf, size_t len);

/*
 * The version of the libvirt installed here, from the first of virtqemud,
 * libvirtd and virsh (the client, same release on one host) found in PATH
 * that answers --version. @from: that program's name. -ENOENT when none
 * answers, with the reason in @err.
 */
int hg_libvirt_installed_version(unsigned long *version, const char **from,
				 struct hg_err *err);

#endif
