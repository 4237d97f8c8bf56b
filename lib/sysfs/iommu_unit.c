// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/iommu_unit.h>
#include <hostgeom/vtd.h>

#include "internal.h"

int hg_iommu_unit_of(const struct hg_ctx *ctx, const char *dev, char *unit,
		     size_t len, struct hg_err *err)
{
	char path[PATH_MAX];
	int ret;

	if (snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu",
		     hg_ctx_sysfs(ctx), dev) >= (int)sizeof(path))
		return hg_err_set(err, -ENAMETOOLONG, "device name too long");
	/* A longer name is cut to fit @unit. */
	ret = hg_read_link_base(AT_FDCWD, path, unit, len);
	if (ret && ret != -ENAMETOOLONG)
		return hg_err_set(err, -ENOENT,
				  "%s has no IOMMU unit in sysfs (%s)", dev, path);
	return 0;
}

/* A link or a FIFO where sysfs has a file: the root may be no sysfs. */
static enum hg_err_kind kind_of(int code)
{
	return code == -ELOOP || code == -HG_ENOTREG ? HG_ERR_NOT_SYSFS
						     : HG_ERR_OTHER;
}

/*
 * The register in @path. When @vtd_unit is given, a missing file means
 * that unit is not Intel VT-d: -EOPNOTSUPP.
 */
static int read_reg(const char *path, const char *vtd_unit, uint64_t *value,
		    struct hg_err *err)
{
	char buf[64];
	int ret;

	ret = hg_read_attr(AT_FDCWD, path, buf, sizeof(buf));
	if ((ret == -ENOENT || ret == -ENOTDIR) && vtd_unit)
		return hg_err_set(err, -EOPNOTSUPP,
				  "IOMMU unit %s is not Intel VT-d: sysfs does not give its address width; bind the device to vfio-pci and use the VFIO source",
				  vtd_unit);
	if (ret == -EFBIG)
		ret = -EINVAL;	/* longer than any register */
	else if (ret)
		return hg_err_set_kind(err, kind_of(ret), ret,
				       "cannot read %s: %s", path,
				       hg_read_strerror(ret));
	if (ret || hg_vtd_parse_reg(buf, value))
		return hg_err_set_kind(err, HG_ERR_NOT_SYSFS, -EINVAL,
				       "%s: not a register as the kernel prints it (1 to 16 hex digits): \"%.32s\"",
				       path,
				       !ret && hg_sysfs_name_ok(buf) ? buf :
				       "(unprintable)");
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
	ret = read_reg(path, unit, &cap, err);
	if (ret)
		return ret;
	hg_vtd_decode(cap, 0, &vtd);
	ret = hg_vtd_check(&vtd, path, err);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/class/iommu/%s/intel-iommu/ecap",
		 hg_ctx_sysfs(ctx), unit);
	ret = read_reg(path, NULL, &ecap, err);
	if (ret)
		return ret;
	hg_vtd_decode(cap, ecap, &vtd);
	*aw_bits = vtd.mgaw;
	if (vtd.max_sagaw_bits && vtd.max_sagaw_bits < *aw_bits)
		*aw_bits = vtd.max_sagaw_bits;
	*pgsizes = vtd.sl_pgsizes;
	return 0;
}
