/* SPDX-License-Identifier: GPL-2.0 */
/* PCI addresses as sysfs names devices: "0000:00:01.0" (lib/base/bdf.c). */
#ifndef HOSTGEOM_BDF_H
#define HOSTGEOM_BDF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * @s is a full PCI address: a domain of 4 to 8 hex digits (VMD domains
 * have 5), bus and device of 2 (device 00-1f), function 0-7:
 * "0000:00:01.0".
 */
bool hg_bdf_valid(const char *s);

/*
 * Normalizes a PCI address to the sysfs form: "00:01.0" to "0000:00:01.0",
 * hex digits to lower case; copies other names unchanged.
 */
void hg_bdf_normalize(const char *in, char *out, size_t len);

#endif
