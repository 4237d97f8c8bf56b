// SPDX-License-Identifier: GPL-2.0
/*
 * What iommufd answers: IOMMU_IOAS_IOVA_RANGES (how many ranges, on each
 * retry, and which; succeeding when they do not fit), IOMMU_GET_HW_INFO
 * (type, VT-d registers) and failing binds and attaches, through the
 * public hg_iommufd_query() on the test suite's fake kernel and sysfs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>

#include <hostgeom/ctx.h>
#include <hostgeom/iommufd.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"

static struct fake_sysfs *fs;
static struct fake_kernel baseline;
static struct hg_ctx ctx;

static void clean_up(void)
{
	fake_vfio_teardown();
	fake_sysfs_destroy(fs);
}

/* The fake machine once; each input starts from it. */
static void set_up(void)
{
	fs = fake_sysfs_create();
	if (!fs || !fake_vfio_setup() || fake_vfio_default_machine(fs))
		abort();
	fake_vfio_ctx(&ctx, fake_sysfs_root(fs));
	baseline = fake_kernel;
	atexit(clean_up);
}

struct input {
	const uint8_t *p;
	size_t left;
};

/* The next @len bytes into @dst, zeros once the input is used up. */
static void take(struct input *in, void *dst, size_t len)
{
	size_t n = len < in->left ? len : in->left;

	memset(dst, 0, len);
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
}

static const int errnos[] = { 0, EINVAL, EBUSY, ENODEV };

static uint8_t answers(struct input *in)
{
	uint8_t flags, n;
	size_t i;

	take(in, &flags, 1);
	take(in, &n, 1);
	fake_kernel.ranges_lie = flags & 1;
	fake_kernel.hw_type = flags & 2 ? IOMMU_HW_INFO_TYPE_INTEL_VTD :
			      IOMMU_HW_INFO_TYPE_NONE;
	fake_kernel.bind_errno = errnos[(flags >> 2) & 3];
	fake_kernel.attach_errno = errnos[(flags >> 4) & 3];
	fake_kernel.hw_info_errno = flags & 0x40 ? EOPNOTSUPP : 0;
	fake_kernel.n_range_counts = n % (FAKE_MAX_ANSWERS + 1);
	take(in, fake_kernel.range_counts, sizeof(fake_kernel.range_counts));
	take(in, &fake_kernel.iova_alignment, sizeof(uint64_t));
	take(in, &fake_kernel.cap_reg, sizeof(uint64_t));
	take(in, &fake_kernel.ecap_reg, sizeof(uint64_t));
	for (i = 0; i < FAKE_MAX_RANGES; i++) {
		take(in, &fake_kernel.ranges[i].start, sizeof(uint64_t));
		take(in, &fake_kernel.ranges[i].end, sizeof(uint64_t));
	}
	return flags;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const one[] = { "0000:01:00.0" };
	static const char *const two[] = { "0000:03:01.0", "0000:03:02.0" };
	struct input in = { data, size };
	struct hg_iommufd_info info;
	struct hg_err err = { 0 };
	size_t i;
	int ret;

	if (!fs)
		set_up();
	fake_kernel = baseline;
	if (answers(&in) & 0x80)
		ret = hg_iommufd_query(&ctx, two, 2, &info, &err);
	else
		ret = hg_iommufd_query(&ctx, one, 1, &info, &err);
	if (ret && !err.msg[0])
		abort();
	for (i = 0; !ret && i < info.iova.n; i++)
		if (info.iova.v[i].start > info.iova.v[i].end)
			abort();
	if (fake_kernel.violation[0])
		abort();	/* closed out of order, or leaked */
	hg_iommufd_info_free(&info);
	return 0;
}
