/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which QEMU the options are for, and what its vIOMMU devices take: read
 * from the binary itself (--version, -device NAME,help), or, given only a
 * version, from the kit's table of the versions it ran. A version not in
 * the table is never guessed at: its binary has to be asked.
 */
#ifndef HOSTGEOM_QEMU_CAPS_H
#define HOSTGEOM_QEMU_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/err.h>

/* virtio-iommu-pci's aw-bits and granule properties: QEMU 9.0 and later */
#define HG_QEMU_VIRTIO_PROPS_MAJOR 9
#define HG_QEMU_VIRTIO_PROPS_MINOR 0

struct hg_qemu_caps {
	unsigned int major, minor, micro;
	const char *source;		/* "binary" or "table" */
	char binary[256];		/* the binary asked; "" from the table */
	bool virtio_iommu;		/* -device virtio-iommu-pci */
	bool virtio_aw_bits;		/* its aw-bits property */
	bool virtio_granule;		/* its granule property */
	bool intel_iommu;		/* -device intel-iommu */
	bool intel_aw_bits;		/* its aw-bits property */
	bool vfio_pci;			/* -device vfio-pci */
};

/*
 * The first line of "qemu-system-x86_64 --version" ("QEMU emulator version
 * 7.2.22 (Debian ...)") into @caps' version; -EINVAL when @text is not one.
 */
int hg_qemu_caps_parse_version(const char *text, struct hg_qemu_caps *caps);
/*
 * What "-device @driver,help" printed (@text; NULL when the binary has no
 * such device) sets in @caps. @driver: virtio-iommu-pci, intel-iommu or
 * vfio-pci.
 */
void hg_qemu_caps_parse_device(struct hg_qemu_caps *caps, const char *driver,
			       const char *text);
/*
 * Asks @binary (looked up in PATH) what it is and what it has. Refuses,
 * naming @binary, one that is not QEMU or has no virtio-iommu-pci or no
 * vfio-pci.
 */
int hg_qemu_caps_probe(const char *binary, struct hg_qemu_caps *caps,
		       struct hg_err *err);
/*
 * "X.Y[.Z]" from the kit's table (the versions it ran: 7.2 and 10.0);
 * -ENOENT for another version, saying to name its binary instead.
 */
int hg_qemu_caps_from_version(const char *version, struct hg_qemu_caps *caps,
			      struct hg_err *err);
/* "7.2.22 (/usr/bin/qemu-system-x86_64)", or "7.2 (given)" from the table. */
void hg_qemu_caps_str(const struct hg_qemu_caps *caps, char *buf, size_t len);
/* Whether the QEMU is @major.@minor or later. */
bool hg_qemu_caps_at_least(const struct hg_qemu_caps *caps,
			   unsigned int major, unsigned int minor);

#endif
