/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI topology and ACS: why a device shares its IOMMU group.
 */
#ifndef HOSTGEOM_PCI_H
#define HOSTGEOM_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>

enum hg_pci_role {
	HG_PCI_ENDPOINT,
	HG_PCI_ROOT_PORT,
	HG_PCI_UPSTREAM_PORT,
	HG_PCI_DOWNSTREAM_PORT,
	HG_PCI_PCIE_TO_PCI_BRIDGE,
	HG_PCI_PCI_BRIDGE,		/* conventional PCI-to-PCI */
	HG_PCI_RC_INTEGRATED,
	HG_PCI_OTHER,
};

struct hg_pci_hop {
	char bdf[16];
	enum hg_pci_role role;
	bool is_pcie;
	uint8_t pcie_type;		/* PCIe capability device/port type */
	uint16_t vendor, device;
	bool has_acs;
	uint16_t acs_cap, acs_ctrl;	/* PCI_ACS_CAP / PCI_ACS_CTRL */
	bool isolates;			/* ACS SV, RR, CR, UF enabled where capable */
	bool aliases;			/* takes the requester ID of devices below */
	bool multifunction;
};

const char *hg_pci_role_name(enum hg_pci_role role);

/*
 * The path from the root complex down to @bdf, root first. Reads each
 * device's config space through sysfs (extended config space needs root:
 * -EACCES with a message otherwise).
 */
int hg_pci_path(const struct hg_ctx *ctx, const char *bdf,
		struct hg_pci_hop **hops, size_t *n, struct hg_err *err);

enum hg_pci_reason {
	HG_PCI_ISOLATED,	/* nothing on the path merges groups */
	HG_PCI_ALIAS,		/* a PCIe-to-PCI/PCI bridge takes the requester ID */
	HG_PCI_NO_ACS,		/* a port without ACS (or ACS off) upstream */
	HG_PCI_MULTIFUNCTION,	/* a multifunction device without ACS */
};

/*
 * Why the last hop of @hops (the device) may share its group, following the
 * kernel's pci_device_group() rules: the hop closest to the device that
 * merges it with others, or HG_PCI_ISOLATED. *@at is that hop's index.
 */
enum hg_pci_reason hg_pci_isolation(const struct hg_pci_hop *hops, size_t n,
				    size_t *at);
const char *hg_pci_reason_text(enum hg_pci_reason reason);

/* The ACS bits of @mask in the form "SV RR CR UF" ("none" when 0). */
void hg_pci_acs_flags(uint16_t mask, char *buf, size_t len);

/* Parses one device's config space (@len bytes as sysfs gave them). */
int hg_pci_parse_config(const uint8_t *cfg, size_t len, struct hg_pci_hop *hop,
			struct hg_err *err);

#endif
