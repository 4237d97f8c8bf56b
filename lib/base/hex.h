/* SPDX-License-Identifier: GPL-2.0 */
/* Hex digits as the kernel writes them in sysfs; library-internal. */
#ifndef HOSTGEOM_LIB_HEX_H
#define HOSTGEOM_LIB_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of hex digit @c, -1 when it is none. */
int hg_hexval(char c);

/*
 * Exactly the @len bytes at @s as hex digits (1 to 16, no prefix, no
 * sign, no blank), at most @max.
 */
bool hg_hex_parse(const char *s, size_t len, uint64_t max, uint64_t *value);

#endif
