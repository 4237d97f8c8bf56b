// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI config space parser (header, capability list, extended
 * capabilities with ACS): any bytes a config file can hold, of any length
 * sysfs can give (up to 4096).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <hostgeom/pci.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_pci_hop hop = { .bdf = "0000:00:00.0" };
	struct hg_err err = { 0 };
	char flags[64];
	size_t at;

	if (size > 4096)
		return 0;
	if (hg_pci_parse_config(data, size, &hop, &err)) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	if (!hg_pci_role_name(hop.role))
		abort();
	hg_pci_acs_flags(hop.acs_cap, flags, sizeof(flags));
	if (!hg_pci_reason_text(hg_pci_isolation(&hop, 1, &at)))
		abort();
	return 0;
}
