// SPDX-License-Identifier: GPL-2.0
/*
 * The reserved_regions parser: any bytes a sysfs file can hold. Every
 * region it accepts must be well formed (start <= end, a known type).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/sysfs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_err err = { 0 };
	struct hg_resv *resv = NULL;
	char *text = malloc(size + 1);
	size_t n = 0, i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!hg_resv_parse(text, "fuzz", &resv, &n, &err)) {
		for (i = 0; i < n; i++)
			if (resv[i].start > resv[i].end ||
			    (unsigned int)resv[i].type > HG_RESV_UNKNOWN)
				abort();
	} else if (!err.msg[0]) {
		abort();	/* a failure always says why */
	}
	free(resv);
	free(text);
	return 0;
}
