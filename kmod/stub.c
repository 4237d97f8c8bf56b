// SPDX-License-Identifier: GPL-2.0
/*
 * The stub PCI driver: the carve check maps only on devices bound to it.
 * It has no ID table, so it never claims a device by itself; a device is
 * bound to it through driver_override (scripts/stub-bind). Probing enables
 * nothing: the device's bus mastering stays off, the IOMMU mappings the
 * check makes are never used by the device.
 */
#include "hostgeom.h"

static int hg_stub_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	pci_info(pdev, "bound to %s: the carve check may map on it\n",
		 HOSTGEOM_STUB_DRIVER);
	return 0;
}

static void hg_stub_remove(struct pci_dev *pdev)
{
	pci_info(pdev, "released by %s\n", HOSTGEOM_STUB_DRIVER);
}

struct pci_driver hg_stub_driver = {
	.name = HOSTGEOM_STUB_DRIVER,
	.probe = hg_stub_probe,
	.remove = hg_stub_remove,
};
