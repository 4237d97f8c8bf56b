// SPDX-License-Identifier: GPL-2.0
/* The -device options a preflight models, and the note for the others. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/preflight.h>

#include "internal.h"

static int dimm(struct hg_pf_guest *g, const struct pf_opts *o,
		struct hg_err *err)
{
	const char *memdev = pf_opts_get(o, "memdev"), *addr;
	struct hg_pf_dimm *d;
	size_t i;

	if (!memdev)
		return hg_err_set(err, -EINVAL, "a pc-dimm needs memdev=");
	if (g->n_dimms >= HG_PF_DIMMS_MAX)
		return hg_err_set(err, -E2BIG, "more than %d dimms",
				  HG_PF_DIMMS_MAX);
	d = &g->dimms[g->n_dimms];
	memset(d, 0, sizeof(*d));
	snprintf(d->memdev, sizeof(d->memdev), "%s", memdev);
	snprintf(d->id, sizeof(d->id), "%s",
		 pf_opts_get(o, "id") ? pf_opts_get(o, "id") : memdev);
	for (i = 0; i < g->n_backends; i++)
		if (!strcmp(g->backends[i].id, memdev))
			d->size = g->backends[i].size;
	if (!d->size)
		return hg_err_set(err, -EINVAL,
				  "pc-dimm memdev '%s': no -object memory-backend-* with that id before it",
				  memdev);
	addr = pf_opts_get(o, "addr");
	if (addr) {
		if (pf_value_addr("pc-dimm addr", addr, &d->addr, err))
			return -EINVAL;
		d->has_addr = true;
	}
	g->n_dimms++;
	return 0;
}

static int viommu(struct hg_pf_guest *g, enum hg_pf_viommu kind,
		  const struct pf_opts *o, struct hg_err *err)
{
	const char *aw = pf_opts_get(o, "aw-bits");

	g->viommu = kind;
	if (!aw)
		return 0;
	return pf_value_uint(PF_NUM_AW_BITS, "aw-bits", aw, &g->aw_bits, err);
}

static int bus(struct hg_pf_guest *g, const char *driver,
	       const struct pf_opts *o, struct hg_err *err)
{
	struct hg_pf_bus *b;

	if (g->n_buses >= HG_PF_BUSES_MAX)
		return hg_err_set(err, -E2BIG, "more than %d buses",
				  HG_PF_BUSES_MAX);
	b = &g->buses[g->n_buses++];
	snprintf(b->id, sizeof(b->id), "%s",
		 pf_opts_get(o, "id") ? pf_opts_get(o, "id") : "");
	snprintf(b->driver, sizeof(b->driver), "%s", driver);
	b->disable_acs = pf_opt_on(pf_opts_get(o, "disable-acs"));
	return 0;
}

static int vfio(struct hg_pf_guest *g, const struct pf_opts *o,
		struct hg_err *err)
{
	const char *host = pf_opts_get(o, "host");
	const char *sysfsdev = pf_opts_get(o, "sysfsdev");

	if (!host && sysfsdev) {
		host = strrchr(sysfsdev, '/');
		host = host ? host + 1 : sysfsdev;
	}
	if (!host)
		return hg_err_set(err, -EINVAL,
				  "vfio-pci needs host= or sysfsdev= to say which host device");
	return hg_pf_add_device(g, host, pf_opts_get(o, "id"),
				pf_opts_get(o, "bus"), err);
}

int pf_device_add(struct hg_pf_guest *g, const struct pf_opts *o,
		  char *others, size_t len, struct hg_err *err)
{
	const char *driver = pf_opts_first_bare(o);
	size_t used;

	if (!driver)
		driver = pf_opts_get(o, "driver");
	if (!driver)
		return hg_err_set(err, -EINVAL, "-device without a driver");
	if (!strcmp(driver, "vfio-pci"))
		return vfio(g, o, err);
	if (!strcmp(driver, "intel-iommu"))
		return viommu(g, HG_PF_VIOMMU_INTEL, o, err);
	if (!strcmp(driver, "virtio-iommu-pci") ||
	    !strcmp(driver, "virtio-iommu"))
		return viommu(g, HG_PF_VIOMMU_VIRTIO, o, err);
	if (!strcmp(driver, "pc-dimm") || !strcmp(driver, "nvdimm"))
		return dimm(g, o, err);
	if (!strcmp(driver, "pcie-root-port") ||
	    !strcmp(driver, "pcie-pci-bridge") ||
	    !strcmp(driver, "pci-bridge") ||
	    !strcmp(driver, "i82801b11-bridge"))
		return bus(g, driver, o, err);
	if (!strcmp(driver, "amd-iommu"))
		hg_pf_note(g, "amd-iommu: its aperture is not modelled; only the ranges mapped before the guest enables it are checked");
	if (!strcmp(driver, "virtio-mem-pci"))
		hg_pf_note(g, "virtio-mem-pci: not modelled; it plugs into the device-memory region, which is checked as a whole");
	used = strlen(others);
	if (!strstr(others, driver))
		snprintf(others + used, len - used, "%s%s", used ? ", " : "",
			 driver);
	return 0;
}
