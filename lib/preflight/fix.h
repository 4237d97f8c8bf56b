/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the preflight: finding the fix for a conflict (above the fit). */
#ifndef HOSTGEOM_PREFLIGHT_FIX_H
#define HOSTGEOM_PREFLIGHT_FIX_H

#include <hostgeom/preflight.h>

#include "fit.h"

/*
 * Fills @c->fix (and @c->alt) with the smallest change that resolves it,
 * trying values in @f's scratch (whose guest it leaves as it found it).
 */
void hg_pf_find_fix(struct pf_fit *f, struct hg_pf_conflict *c);

#endif
