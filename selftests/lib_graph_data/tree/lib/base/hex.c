// SPDX-License-Identifier: GPL-2.0
#include <hostgeom/api.h>

#include "internal.h"

int hg_hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

int hg_hex_digits(const char *s)
{
	return hg_hexval(s[0]) >= 0;
}
