// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/iommu_unit.h>
#include <hostgeom/iommufd.h>

int hg_iommu_unit_of(const struct hg_ctx *ctx, const char *dev, char *unit,
		     size_t len, struct hg_err *err)
{
	char path[PATH_MAX], target[PATH_MAX], *base;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu",
		     hg_ctx_sysfs(ctx), dev) >= (int)sizeof(path))
		return hg_err_set(err, -ENAMETOOLONG, "device name too long");
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return hg_err_set(err, -ENOENT,
				  "%s has no IOMMU unit in sysfs (%s)", dev, path);
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(unit, len, "%s", base ? base + 1 : target);
	return 0;
}

static int read_hex(const char *path, uint64_t *value, struct hg_err *err)
{
	char buf[64], *end;
	FILE *f = fopen(path, "re");

	if (!f)
		return hg_err_set(err, -errno, "cannot open %s: %s", path,
				  strerror(errno));
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return hg_err_set(err, -EINVAL, "%s is empty", path);
	}
	fclose(f);
	errno = 0;
	*value = strtoull(buf, &end, 16);
	if (errno || end == buf || (*end && *end != '\n'))
		return hg_err_set(err, -EINVAL, "%s: not a hex number: %s", path,
				  buf);
	return 0;
}

int hg_iommu_unit_width(const struct hg_ctx *ctx, const char *unit,
			unsigned int *aw_bits, uint64_t *pgsizes,
			struct hg_err *err)
{
	char path[PATH_MAX];
	struct hg_vtd_caps vtd;
	uint64_t cap, ecap;
	int ret;

	if (snprintf(path, sizeof(path), "%s/class/iommu/%s/intel-iommu/cap",
		     hg_ctx_sysfs(ctx), unit) >= (int)sizeof(path))
		return hg_err_set(err, -ENAMETOOLONG, "unit name too long");
	if (access(path, F_OK))
		return hg_err_set(err, -EOPNOTSUPP,
				  "IOMMU unit %s is not Intel VT-d: sysfs does not give its address width; bind the device to vfio-pci and use the VFIO source",
				  unit);
	ret = read_hex(path, &cap, err);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/class/iommu/%s/intel-iommu/ecap",
		 hg_ctx_sysfs(ctx), unit);
	ret = read_hex(path, &ecap, err);
	if (ret)
		return ret;
	hg_vtd_decode(cap, ecap, &vtd);
	*aw_bits = vtd.mgaw;
	if (vtd.max_sagaw_bits && vtd.max_sagaw_bits < *aw_bits)
		*aw_bits = vtd.max_sagaw_bits;
	*pgsizes = vtd.sl_pgsizes;
	return 0;
}
