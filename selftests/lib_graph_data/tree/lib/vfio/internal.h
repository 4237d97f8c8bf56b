/* SPDX-License-Identifier: GPL-2.0 */
int hg_vfio_node(const char *name);
