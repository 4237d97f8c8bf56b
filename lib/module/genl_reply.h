/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsers of the hostgeom_test module's replies in genl.c, for the fuzz
 * targets: @attrs and @len as genlmsg_attrdata() and genlmsg_attrlen()
 * give them for one message. Not part of the public API.
 */
#ifndef HOSTGEOM_LIB_GENL_REPLY_H
#define HOSTGEOM_LIB_GENL_REPLY_H

#include <hostgeom/genl.h>

/* One GET_GROUPS dump message, appended to @out. */
int hg_genl_parse_group_reply(void *attrs, int len, struct hg_kgroups *out);
/* The CARVE reply into @out (free with hg_carve_result_free()). */
int hg_genl_parse_carve_reply(void *attrs, int len,
			      struct hg_carve_result *out);

#endif
