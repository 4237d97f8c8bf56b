// SPDX-License-Identifier: GPL-2.0
/*
 * The attribute parsing of the module's netlink replies: a GET_GROUPS dump
 * message or a CARVE reply (first byte even or odd), the rest taken as
 * the message's attributes. A kernel module that lies must not make the
 * tool read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "module/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_carve_result carve = { 0 };
	struct hg_kgroups groups = { 0 };
	void *attrs;

	if (!size || size > 65536)
		return 0;
	/* a copy of its own, so reads past it are caught */
	attrs = malloc(size - 1 ? size - 1 : 1);
	if (!attrs)
		return 0;
	memcpy(attrs, data + 1, size - 1);
	if (data[0] & 1) {
		hg_genl_parse_carve_reply(attrs, (int)(size - 1), &carve);
		hg_carve_result_free(&carve);
	} else {
		hg_genl_parse_group_reply(attrs, (int)(size - 1), &groups);
		hg_kgroups_free(&groups);
	}
	free(attrs);
	return 0;
}
