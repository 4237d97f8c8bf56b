/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libvirt domain XML for the vIOMMU options of qemu.h, in the form the
 * libvirt that reads it accepts. Each is a <domain> skeleton holding only
 * the elements to merge into the guest's own domain XML.
 */
#ifndef HOSTGEOM_QEMU_LIBVIRT_H
#define HOSTGEOM_QEMU_LIBVIRT_H

#include <hostgeom/libvirt_version.h>
#include <hostgeom/qemu.h>

/* The first releases that take each form (libvirt's own NEWS and docs). */
#define HG_LIBVIRT_INTEL_AW_BITS HG_LIBVIRT_VERSION(6, 5, 0)
#define HG_LIBVIRT_VIRTIO_MODEL  HG_LIBVIRT_VERSION(8, 3, 0)
#define HG_LIBVIRT_VIRTIO_NATIVE HG_LIBVIRT_VERSION(12, 1, 0)

/* libvirt's namespace for QEMU's own options, and the only IOMMU's alias. */
#define HG_LIBVIRT_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
#define HG_LIBVIRT_IOMMU_ALIAS "iommu0"

enum hg_libvirt_form {
	/* before 8.3.0: no virtio IOMMU model, a -device of its own */
	HG_LIBVIRT_COMMANDLINE,
	/* <iommu model='virtio'/>, aw-bits and granule by <qemu:override> */
	HG_LIBVIRT_OVERRIDE,
	/* <driver aw_bits='N'><granule .../></driver>, 12.1.0 and later */
	HG_LIBVIRT_NATIVE,
};

/* The form for @version; 0 (unknown) gets the override, 8.3.0 and later. */
enum hg_libvirt_form hg_libvirt_form_for(unsigned long version);
/* What the form is and which libvirt takes it, for a note. */
const char *hg_libvirt_form_why(enum hg_libvirt_form form);

/*
 * The libvirt XML, on one line, that gives the virtio IOMMU aw-bits
 * @aw_bits in the form libvirt @version takes (0: unknown, the override):
 * malloc'd, NULL on allocation failure.
 */
char *hg_libvirt_virtio_aw_bits(unsigned long version, unsigned int aw_bits);
/*
 * The same for intel-iommu: <driver aw_bits> from 6.5.0 (and when the
 * version is unknown), a <qemu:commandline> -global before.
 */
char *hg_libvirt_intel_aw_bits(unsigned long version, unsigned int aw_bits);

/* Malloc'd; NULL on allocation failure. */
char *hg_qemu_libvirt_xml(const struct hg_qemu_opts *opts);
/* NULL also when intel-iommu does not apply (not q35, no width fits). */
char *hg_qemu_libvirt_intel_xml(const struct hg_qemu_opts *opts);

#endif
