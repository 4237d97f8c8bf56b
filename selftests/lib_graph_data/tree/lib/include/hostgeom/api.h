/* SPDX-License-Identifier: GPL-2.0 */
/* The public API: every folder may include it, it makes no edge. */
int hg_hexval(char c);
int hg_read_attr(const char *name);
int hg_vfio_open(const char *name);
