// SPDX-License-Identifier: GPL-2.0
/*
 * Why a PCI device shares its IOMMU group. The rules are the kernel's
 * (drivers/iommu/iommu.c pci_device_group(), drivers/pci/pci.c
 * pci_acs_enabled()): devices behind a PCIe-to-PCI bridge alias to it; a
 * device joins the group of the first upstream bridge from which the path
 * to the root lacks ACS source validation, request/completion redirect and
 * upstream forwarding; functions of a multifunction device without ACS
 * share a group. Kernel quirks for specific devices are not modelled.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/bdf.h>
#include <hostgeom/pci.h>

#include "internal.h"

#define CFG_VENDOR		0x00
#define CFG_DEVICE		0x02
#define CFG_STATUS		0x06
#define  CFG_STATUS_CAP_LIST	0x10
#define CFG_HEADER_TYPE		0x0e
#define  CFG_HEADER_MFD		0x80
#define CFG_CAP_PTR		0x34
#define CAP_ID_EXP		0x10
#define CAP_EXP_FLAGS		0x02
#define EXT_CAP_START		0x100
#define EXT_CAP_ID_ACS		0x000d
#define ACS_CAP			0x04
#define ACS_CTRL		0x06
#define ACS_SV			0x0001
#define ACS_RR			0x0004
#define ACS_CR			0x0008
#define ACS_UF			0x0010
#define ACS_REQUIRED		(ACS_SV | ACS_RR | ACS_CR | ACS_UF)

/* PCIe device/port types (PCIe capability register, bits 7:4) */
enum {
	EXP_ENDPOINT = 0x0,
	EXP_LEG_END = 0x1,
	EXP_ROOT_PORT = 0x4,
	EXP_UPSTREAM = 0x5,
	EXP_DOWNSTREAM = 0x6,
	EXP_PCIE_TO_PCI = 0x7,
	EXP_PCI_TO_PCIE = 0x8,
	EXP_RC_END = 0x9,
	EXP_RC_EC = 0xa,
};

static uint16_t rd16(const uint8_t *cfg, size_t off)
{
	return cfg[off] | cfg[off + 1] << 8;
}

static uint32_t rd32(const uint8_t *cfg, size_t off)
{
	return rd16(cfg, off) | (uint32_t)rd16(cfg, off + 2) << 16;
}

/* Offset of the PCIe capability in the legacy list, 0 when absent. */
static size_t find_exp_cap(const uint8_t *cfg, size_t len)
{
	size_t pos;
	int ttl = 48;	/* the list cannot hold more; stops loops */

	if (len < 64 || !(rd16(cfg, CFG_STATUS) & CFG_STATUS_CAP_LIST))
		return 0;
	pos = cfg[CFG_CAP_PTR] & ~3u;
	while (pos >= 0x40 && pos + 4 <= len && ttl--) {
		if (cfg[pos] == CAP_ID_EXP)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

static size_t find_ext_cap(const uint8_t *cfg, size_t len, uint16_t id)
{
	size_t pos = EXT_CAP_START;
	int ttl = (4096 - EXT_CAP_START) / 8;

	while (pos >= EXT_CAP_START && pos + 8 <= len && ttl--) {
		uint32_t hdr = rd32(cfg, pos);

		if (!hdr || hdr == 0xffffffff)
			return 0;
		if ((hdr & 0xffff) == id)
			return pos;
		pos = (hdr >> 20) & ~3u;
	}
	return 0;
}

static enum hg_pci_role role_of(bool bridge_header, bool is_pcie,
				uint8_t type)
{
	if (!is_pcie)
		return bridge_header ? HG_PCI_PCI_BRIDGE : HG_PCI_ENDPOINT;
	switch (type) {
	case EXP_ENDPOINT:
	case EXP_LEG_END:
		return HG_PCI_ENDPOINT;
	case EXP_ROOT_PORT:
		return HG_PCI_ROOT_PORT;
	case EXP_UPSTREAM:
		return HG_PCI_UPSTREAM_PORT;
	case EXP_DOWNSTREAM:
		return HG_PCI_DOWNSTREAM_PORT;
	case EXP_PCIE_TO_PCI:
		return HG_PCI_PCIE_TO_PCI_BRIDGE;
	case EXP_RC_END:
		return HG_PCI_RC_INTEGRATED;
	}
	return HG_PCI_OTHER;
}

int hg_pci_parse_config(const uint8_t *cfg, size_t len, struct hg_pci_hop *hop,
			struct hg_err *err)
{
	size_t exp, acs;
	bool bridge;

	if (len < 64)
		return hg_err_set(err, -EINVAL,
				  "%s: config space is %zu bytes, the header alone is 64",
				  hop->bdf, len);
	/* sysfs gives others the 64-byte header only, capabilities to root */
	if (len <= 64 && rd16(cfg, CFG_STATUS) & CFG_STATUS_CAP_LIST)
		return hg_err_set(err, -EACCES,
				  "%s: only %zu bytes of config space readable; its capabilities (PCIe, ACS) are shown to root only: run as root",
				  hop->bdf, len);
	hop->vendor = rd16(cfg, CFG_VENDOR);
	hop->device = rd16(cfg, CFG_DEVICE);
	hop->multifunction = cfg[CFG_HEADER_TYPE] & CFG_HEADER_MFD;
	bridge = (cfg[CFG_HEADER_TYPE] & 0x7f) == 1;
	exp = find_exp_cap(cfg, len);
	hop->is_pcie = exp;	/* found only when its 4 bytes are within len */
	hop->pcie_type = hop->is_pcie ? (rd16(cfg, exp + CAP_EXP_FLAGS) >> 4) & 0xf : 0;
	hop->role = role_of(bridge, hop->is_pcie, hop->pcie_type);
	hop->aliases = hop->role == HG_PCI_PCIE_TO_PCI_BRIDGE ||
		       hop->role == HG_PCI_PCI_BRIDGE;

	acs = hop->is_pcie ? find_ext_cap(cfg, len, EXT_CAP_ID_ACS) : 0;
	hop->has_acs = acs;	/* found only when its 8 bytes are within len */
	if (hop->has_acs) {
		hop->acs_cap = rd16(cfg, acs + ACS_CAP);
		hop->acs_ctrl = rd16(cfg, acs + ACS_CTRL);
	}
	/* What the device lacks in capability it is not asked to enable. */
	hop->isolates = hop->has_acs &&
			(hop->acs_ctrl & (ACS_REQUIRED & hop->acs_cap)) ==
			(ACS_REQUIRED & hop->acs_cap);
	return 0;
}

/* The kernel's pci_acs_enabled() with the flags iommu groups require. */
static bool acs_enabled(const struct hg_pci_hop *hop)
{
	if (!hop->is_pcie)
		return false;
	switch (hop->pcie_type) {
	case EXP_PCIE_TO_PCI:
	case EXP_PCI_TO_PCIE:
	case EXP_RC_EC:
		return false;
	case EXP_ROOT_PORT:
	case EXP_DOWNSTREAM:
		return hop->isolates;
	case EXP_ENDPOINT:
	case EXP_UPSTREAM:
	case EXP_LEG_END:
	case EXP_RC_END:
		return !hop->multifunction || hop->isolates;
	}
	return true;
}

/*
 * The topmost of the n hops without ACS, or SIZE_MAX. The kernel walks up
 * from the device while a bridge's path to the root lacks ACS, so the group
 * is the one of that topmost hop: it is the hop to blame.
 */
static size_t acs_path_gap(const struct hg_pci_hop *hops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!acs_enabled(&hops[i]))
			return i;
	return SIZE_MAX;
}

enum hg_pci_reason hg_pci_isolation(const struct hg_pci_hop *hops, size_t n,
				    size_t *at)
{
	size_t dev, i, gap;

	if (!n)
		return HG_PCI_ISOLATED;
	dev = n - 1;
	/* The topmost aliasing bridge speaks for everything below it. */
	for (i = 0; i < dev; i++) {
		if (hops[i].aliases) {
			*at = i;
			return HG_PCI_ALIAS;
		}
	}
	gap = acs_path_gap(hops, dev);	/* the ports above the device */
	if (gap != SIZE_MAX) {
		*at = gap;
		return HG_PCI_NO_ACS;
	}
	if (hops[dev].multifunction && !acs_enabled(&hops[dev])) {
		*at = dev;
		return HG_PCI_MULTIFUNCTION;
	}
	*at = dev;
	return HG_PCI_ISOLATED;
}

const char *hg_pci_reason_text(enum hg_pci_reason reason)
{
	switch (reason) {
	case HG_PCI_ISOLATED:
		return "isolated: ACS on every port above it, no DMA alias";
	case HG_PCI_ALIAS:
		return "DMA alias: the bridge forwards the requests of every device below it with its own requester ID, so the IOMMU cannot tell them apart";
	case HG_PCI_NO_ACS:
		return "no ACS isolation: this port (or one above it) does not enable ACS source validation, request and completion redirect and upstream forwarding, so devices below it can reach each other without the IOMMU";
	case HG_PCI_MULTIFUNCTION:
		return "multifunction device without ACS: its functions may talk to each other directly";
	}
	return "unknown";
}

void hg_pci_acs_flags(uint16_t mask, char *buf, size_t len)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} flags[] = {
		{ 0x0001, "SV" }, { 0x0002, "TB" }, { 0x0004, "RR" },
		{ 0x0008, "CR" }, { 0x0010, "UF" }, { 0x0020, "EC" },
		{ 0x0040, "DT" },
	};
	size_t i, off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (mask & flags[i].bit && off < len)
			off += snprintf(buf + off, len - off, "%s%s",
					off ? " " : "", flags[i].name);
	}
	if (!off)
		snprintf(buf, len, "none");
}

static int read_config(const char *dir, struct hg_pci_hop *hop,
		       struct hg_err *err)
{
	uint8_t cfg[4096];
	char path[PATH_MAX];
	ssize_t len;
	int fd;

	if (snprintf(path, sizeof(path), "%s/config", dir) >= (int)sizeof(path))
		return hg_err_set(err, -ENAMETOOLONG, "path too long: %s", dir);
	fd = hg_open_attr(AT_FDCWD, path);
	if (fd < 0)
		return hg_err_set(err, fd, "cannot open %s: %s", path,
				  hg_read_strerror(fd));
	len = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (len < 0)
		return hg_err_set(err, -errno, "cannot read %s: %s", path,
				  strerror(errno));
	return hg_pci_parse_config(cfg, (size_t)len, hop, err);
}

int hg_pci_path(const struct hg_ctx *ctx, const char *bdf,
		struct hg_pci_hop **hops, size_t *n, struct hg_err *err)
{
	char link[PATH_MAX], real[PATH_MAX], *p;
	struct hg_pci_hop *v = NULL, *grown;
	size_t count = 0;
	int ret = 0;

	*hops = NULL;
	*n = 0;
	if (snprintf(link, sizeof(link), "%s/bus/pci/devices/%s",
		     hg_ctx_sysfs(ctx), bdf) >= (int)sizeof(link))
		return hg_err_set(err, -ENAMETOOLONG, "path too long: %s", bdf);
	if (!realpath(link, real))
		return hg_err_set(err, -ENODEV,
				  "no PCI device %s (%s: %s); list them with 'lspci -D'",
				  bdf, link, strerror(errno));

	/*
	 * The device's sysfs path names every bridge above it, root first:
	 * /sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0. Cut the path
	 * after each BDF component in turn and read that device's config.
	 */
	for (p = real; p && !ret; p = strchr(p + 1, '/')) {
		char *name = p + 1, *end = strchr(name, '/');

		if (end)
			*end = '\0';
		if (hg_bdf_valid(name)) {
			grown = realloc(v, (count + 1) * sizeof(*v));
			if (!grown) {
				ret = hg_err_set(err, -ENOMEM, "out of memory");
			} else {
				v = grown;
				memset(&v[count], 0, sizeof(*v));
				snprintf(v[count].bdf, sizeof(v[count].bdf),
					 "%s", name);
				ret = read_config(real, &v[count++], err);
			}
		}
		if (end)
			*end = '/';
	}
	if (ret) {
		free(v);
		return ret;
	}
	*hops = v;
	*n = count;
	return 0;
}
