// SPDX-License-Identifier: GPL-2.0
#include <hostgeom/api.h>

#include "base/internal.h"
#include "internal.h"

int hg_open_attr(const char *name)
{
	return hg_hex_digits(name);
}

int hg_read_attr(const char *name)
{
	return hg_open_attr(name) + hg_hexval(name[1]);
}
