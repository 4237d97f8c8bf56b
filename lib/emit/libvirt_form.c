// SPDX-License-Identifier: GPL-2.0
/*
 * Which form of the virtio IOMMU a libvirt takes, by its version (the
 * releases are in qemu_libvirt.h, what each form is in libvirt.c): for the
 * XML writer, for qemu.c's notes and for whoever describes a guest to a
 * given libvirt.
 */
#include <hostgeom/qemu_libvirt.h>

enum hg_libvirt_form hg_libvirt_form_for(unsigned long version)
{
	if (!version)
		return HG_LIBVIRT_OVERRIDE;
	if (version < HG_LIBVIRT_VIRTIO_MODEL)
		return HG_LIBVIRT_COMMANDLINE;
	if (version < HG_LIBVIRT_VIRTIO_NATIVE)
		return HG_LIBVIRT_OVERRIDE;
	return HG_LIBVIRT_NATIVE;
}

const char *hg_libvirt_form_why(enum hg_libvirt_form form)
{
	switch (form) {
	case HG_LIBVIRT_COMMANDLINE:
		return "a <qemu:commandline> -device: no virtio IOMMU model before libvirt 8.3.0";
	case HG_LIBVIRT_OVERRIDE:
		return "<iommu model='virtio'/> and a <qemu:override> of aw-bits and granule (libvirt 8.3.0 on; natively from 12.1.0)";
	case HG_LIBVIRT_NATIVE:
		break;
	}
	return "<iommu model='virtio'> with <driver aw_bits> and <granule> (libvirt 12.1.0 and later)";
}
