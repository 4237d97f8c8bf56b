// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the preflight readers check a number, whichever syntax
 * it came in (a QEMU option, a libvirt attribute): each setting has one
 * range, and a value outside it is an error naming where it was met.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include <hostgeom/preflight.h>

#include "internal.h"

static const struct {
	unsigned long min, max;
	int base;		/* 0: decimal, 0x hex or 0 octal as C reads */
} ranges[] = {
	[PF_NUM_SLOTS] = { 0, 256, 10 },
	[PF_NUM_PHYS_BITS] = { 0, 64, 10 },
	[PF_NUM_AW_BITS] = { 32, 64, 10 },
	[PF_NUM_PCI_DOMAIN] = { 0, 0xffffffff, 0 },	/* VMD: 5 digits */
	[PF_NUM_PCI_BUS] = { 0, 0xff, 0 },
	[PF_NUM_PCI_SLOT] = { 0, 0x1f, 0 },
	[PF_NUM_PCI_FUNCTION] = { 0, 7, 0 },
};

int pf_value_uint(enum pf_num kind, const char *where, const char *v,
		  unsigned int *out, struct hg_err *err)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = v && isdigit((unsigned char)*v) ?
		strtoul(v, &end, ranges[kind].base) : 0;
	if (!v || !isdigit((unsigned char)*v) || errno || *end ||
	    n < ranges[kind].min || n > ranges[kind].max)
		return hg_err_set(err, -EINVAL,
				  "%s '%s': not a number from %lu to %lu", where,
				  v ? v : "", ranges[kind].min, ranges[kind].max);
	*out = n;
	return 0;
}

int pf_value_size(const char *where, const char *v, uint64_t unit,
		  uint64_t *out, struct hg_err *err)
{
	if (hg_pf_parse_size(v, unit, out))
		return hg_err_set(err, -EINVAL,
				  "%s '%s': not a size (a number with K, M, G or T)",
				  where, v ? v : "");
	return 0;
}

int pf_value_addr(const char *where, const char *v, uint64_t *out,
		  struct hg_err *err)
{
	if (hg_pf_parse_size(v, 1, out))
		return hg_err_set(err, -EINVAL,
				  "%s '%s': not an address (a number, 0x for hex)",
				  where, v ? v : "");
	return 0;
}
