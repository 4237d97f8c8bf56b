// SPDX-License-Identifier: GPL-2.0
/*
 * The name of every code the library hands out, one table per vocabulary:
 * what the text and JSON outputs print. Each is declared beside its enum,
 * in the header of its area. A code without a name (a newer module's, a
 * corrupt value) is "unknown".
 */
#include <stdint.h>
#include <string.h>

#include <hostgeom/genl.h>
#include <hostgeom/genl_verdict.h>
#include <hostgeom/pci.h>
#include <hostgeom/qemu.h>
#include <hostgeom/ranges_check.h>
#include <hostgeom/resv.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_OF(names, v) name_of(names, ARRAY_SIZE(names), v)

static const char *name_of(const char *const *names, size_t n, uint32_t v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

/* sysfs's names up to "msi", then hostgeom's for what sysfs shows as msi. */
static const char *const resv_types[] = {
	[HG_RESV_DIRECT] = "direct",
	[HG_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
	[HG_RESV_RESERVED] = "reserved",
	[HG_RESV_MSI] = "msi",
	[HG_RESV_SW_MSI] = "sw-msi",
	[HG_RESV_CANARY] = "canary",
};

const char *hg_resv_type_name(enum hg_resv_type type)
{
	return NAME_OF(resv_types, type);
}

enum hg_resv_type hg_resv_type_parse(const char *name)
{
	unsigned int t;

	for (t = 0; t <= HG_RESV_MSI; t++)
		if (!strcmp(name, resv_types[t]))
			return t;
	return HG_RESV_UNKNOWN;
}

/* sysfs's names for a group's type. */
const char *hg_domain_type_name(enum hg_domain_type type)
{
	static const char *const names[] = {
		[HG_DOMAIN_NONE] = "none",
		[HG_DOMAIN_BLOCKED] = "blocked",
		[HG_DOMAIN_IDENTITY] = "identity",
		[HG_DOMAIN_UNMANAGED] = "unmanaged",
		[HG_DOMAIN_DMA] = "DMA",
		[HG_DOMAIN_DMA_FQ] = "DMA-FQ",
		[HG_DOMAIN_OTHER] = "other",
	};

	return NAME_OF(names, type);
}

const char *hg_carve_stop_name(uint32_t stop)
{
	static const char *const names[] = {
		[HOSTGEOM_STOP_NONE] = "none",
		[HOSTGEOM_STOP_TARGET] = "target",
		[HOSTGEOM_STOP_COUNT] = "count",
		[HOSTGEOM_STOP_TIME] = "time",
		[HOSTGEOM_STOP_MAP_FAILED] = "map-failed",
		[HOSTGEOM_STOP_MASK_REFUSED] = "mask-refused",
		[HOSTGEOM_STOP_ABORTED] = "aborted",
	};

	return NAME_OF(names, stop);
}

const char *hg_carve_skip_name(uint32_t skip)
{
	static const char *const names[] = {
		[HOSTGEOM_SKIP_NONE] = "none",
		[HOSTGEOM_SKIP_NOT_DMA_DOMAIN] = "not-dma-domain",
		[HOSTGEOM_SKIP_UNBOUND] = "unbound",
	};

	return NAME_OF(names, skip);
}

const char *hg_xlate_name(uint32_t xlate)
{
	static const char *const names[] = {
		[HOSTGEOM_XLATE_UNMAPPED] = "unmapped",
		[HOSTGEOM_XLATE_SCRATCH] = "scratch",
		[HOSTGEOM_XLATE_IDENTITY] = "identity",
		[HOSTGEOM_XLATE_OTHER] = "other",
		[HOSTGEOM_XLATE_NO_DOMAIN] = "no-domain",
	};

	return NAME_OF(names, xlate);
}

const char *hg_region_verdict_name(enum hg_region_verdict v)
{
	static const char *const names[] = {
		[HG_RV_HIT] = "hit",
		[HG_RV_CARVED] = "carved",
		[HG_RV_PARTLY] = "partly-walked",
		[HG_RV_NOT_REACHED] = "not-reached",
		[HG_RV_OUT_OF_REACH] = "out-of-reach",
		[HG_RV_NOT_CHECKED] = "not-checked",
		[HG_RV_MAP_FAILED] = "map-failed",
		[HG_RV_NOT_IDENTITY] = "not-identity",
	};

	return NAME_OF(names, v);
}

const char *hg_map_failure_kind_name(enum hg_map_failure_kind k)
{
	static const char *const names[] = {
		[HG_MF_NONE] = "none",
		[HG_MF_EXHAUSTED] = "exhausted",
		[HG_MF_REGION] = "region",
		[HG_MF_UNEXPLAINED] = "unexplained",
	};

	return NAME_OF(names, k);
}

const char *hg_carve_verdict_name(enum hg_carve_verdict v)
{
	static const char *const names[] = {
		[HG_CV_PASS] = "pass",
		[HG_CV_VIOLATION] = "violation",
		[HG_CV_NOT_CHECKED] = "not-checked",
		[HG_CV_MAP_FAILED] = "map-failed",
		[HG_CV_INCONCLUSIVE] = "inconclusive",
	};

	return NAME_OF(names, v);
}

const char *hg_status_name(enum hg_status status)
{
	static const char *const names[] = {
		[HG_STATUS_NOT_ASKED] = "not-asked",
		[HG_STATUS_OK] = "ok",
		[HG_STATUS_UNAVAILABLE] = "unavailable",
		[HG_STATUS_FAILED] = "failed",
	};

	return NAME_OF(names, status);
}

const char *hg_source_name(enum hg_source src)
{
	static const char *const names[] = {
		[HG_SRC_SYSFS] = "sysfs",
		[HG_SRC_TYPE1] = "type1",
		[HG_SRC_IOMMUFD] = "iommufd",
	};

	return NAME_OF(names, src);
}

const char *hg_pci_role_name(enum hg_pci_role role)
{
	static const char *const names[] = {
		[HG_PCI_ENDPOINT] = "endpoint",
		[HG_PCI_ROOT_PORT] = "root port",
		[HG_PCI_UPSTREAM_PORT] = "switch upstream port",
		[HG_PCI_DOWNSTREAM_PORT] = "switch downstream port",
		[HG_PCI_PCIE_TO_PCI_BRIDGE] = "PCIe-to-PCI bridge",
		[HG_PCI_PCI_BRIDGE] = "PCI bridge",
		[HG_PCI_RC_INTEGRATED] = "root-complex integrated endpoint",
		[HG_PCI_OTHER] = "other",
	};

	return NAME_OF(names, role);
}

const char *hg_machine_name(enum hg_machine machine)
{
	static const char *const names[] = {
		[HG_MACHINE_Q35] = "q35",
		[HG_MACHINE_VIRT] = "virt",
	};

	return NAME_OF(names, machine);
}
