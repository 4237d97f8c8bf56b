/* SPDX-License-Identifier: GPL-2.0 */
int hg_hex_digits(const char *s);
