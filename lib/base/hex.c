// SPDX-License-Identifier: GPL-2.0
#include "internal.h"

int hg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hg_hex_parse(const char *s, size_t len, uint64_t max, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 16)
		return false;
	for (i = 0; i < len; i++) {
		if (hg_hexval(s[i]) < 0)
			return false;
		v = v << 4 | (uint64_t)hg_hexval(s[i]);
	}
	if (v > max)
		return false;
	*value = v;
	return true;
}
