/* SPDX-License-Identifier: GPL-2.0 */
int hg_open_attr(const char *name);
