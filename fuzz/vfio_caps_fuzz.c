// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO_IOMMU_GET_INFO capability-chain walker: whatever the kernel
 * (or a fake one) answers, offsets included. Accepted IOVA ranges must be
 * ordered and well formed.
 */
#include <stdint.h>
#include <stdlib.h>

#include <hostgeom/vfio_type1.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_type1_info info = { 0 };
	struct hg_err err = { 0 };
	size_t i;

	if (!hg_type1_parse_info(data, size, &info, &err)) {
		for (i = 0; i < info.iova.n; i++)
			if (info.iova.v[i].start > info.iova.v[i].end)
				abort();
	} else if (!err.msg[0]) {
		abort();
	}
	hg_type1_info_free(&info);
	return 0;
}
