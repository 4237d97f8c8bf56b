// SPDX-License-Identifier: GPL-2.0
#include <hostgeom/api.h>

#include "sysfs/internal.h"
#include "internal.h"

int hg_vfio_open(const char *name)
{
	return hg_open_attr(name) + hg_vfio_node(name) + hg_read_attr(name);
}
