// SPDX-License-Identifier: GPL-2.0
#include "internal.h"

int hg_vfio_node(const char *name)
{
	return name[0];
}
