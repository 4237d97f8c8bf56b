// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <hostgeom/bdf.h>

#include "internal.h"

/* "BB:DD.F" (short) or "D...:BB:DD.F", hex, device 0-1f, function 0-7. */
static bool parse_bdf(const char *s, bool *short_form)
{
	const char *p = s;
	size_t dom = 0;

	while (hg_hexval(p[dom]) >= 0)
		dom++;
	if (p[dom] == ':' && dom >= 4 && dom <= 8)
		p += dom + 1;
	else if (dom != 2)
		return false;
	*short_form = p == s;
	return hg_hexval(p[0]) >= 0 && hg_hexval(p[1]) >= 0 && p[2] == ':' &&
	       hg_hexval(p[3]) >= 0 && hg_hexval(p[3]) <= 1 &&
	       hg_hexval(p[4]) >= 0 && p[5] == '.' &&
	       p[6] >= '0' && p[6] <= '7' && !p[7];
}

bool hg_bdf_valid(const char *s)
{
	bool short_form;

	return parse_bdf(s, &short_form) && !short_form;
}

void hg_bdf_normalize(const char *in, char *out, size_t len)
{
	bool short_form;
	size_t i;

	if (!len)
		return;
	if (!parse_bdf(in, &short_form)) {
		snprintf(out, len, "%s", in);
		return;
	}
	/* sysfs names are lower case; users type both. */
	snprintf(out, len, "%s%s", short_form ? "0000:" : "", in);
	for (i = 0; out[i]; i++)
		if (out[i] >= 'A' && out[i] <= 'F')
			out[i] += 'a' - 'A';
}
