// SPDX-License-Identifier: GPL-2.0
/*
 * Three views of what a group can map: the complement of its reserved
 * regions in sysfs, type1's answer and iommufd's. sysfs knows nothing of
 * the aperture (the IOMMU domain's address width), so that width comes
 * from the backends.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/ranges_check.h>
#include <hostgeom/vfio_policy.h>

/* A backend's answer as a source, or why there is none. */
static int take_backend(struct hg_group_check *out, enum hg_source src,
			enum hg_status status, const struct hg_err *why,
			bool have_ranges, const struct hg_ranges *ranges)
{
	char *msg = out->why_not[src];

	out->status[src] = status;
	switch (status) {
	case HG_STATUS_NOT_ASKED:
		snprintf(msg, sizeof(out->why_not[0]), "not asked");
		return 0;
	case HG_STATUS_UNAVAILABLE:
	case HG_STATUS_FAILED:
		snprintf(msg, sizeof(out->why_not[0]), "%s", why->msg);
		return 0;
	case HG_STATUS_OK:
		break;
	}
	if (!have_ranges) {
		out->status[src] = HG_STATUS_UNAVAILABLE;
		snprintf(msg, sizeof(out->why_not[0]),
			 "the kernel reported no IOVA ranges (type1 before Linux 5.4)");
		return 0;
	}
	out->have[src] = true;
	return hg_ranges_copy(&out->usable[src], ranges);
}

/* The width sysfs lacks: the backends' highest range, else VT-d MGAW. */
static void pick_width(const struct hg_group_geom *geom,
		       struct hg_group_check *out)
{
	if (out->have[HG_SRC_TYPE1]) {
		out->aw_bits = hg_aw_bits_of(&out->usable[HG_SRC_TYPE1]);
		out->aw_source = "type1";
	}
	if (!out->aw_bits && out->have[HG_SRC_IOMMUFD]) {
		out->aw_bits = hg_aw_bits_of(&out->usable[HG_SRC_IOMMUFD]);
		out->aw_source = "iommufd";
	}
	if (!out->aw_bits && geom->iommufd.have_hw_info &&
	    geom->iommufd.vtd.mgaw) {
		out->aw_bits = geom->iommufd.vtd.mgaw;
		out->aw_source = "vt-d";
	}
	if (!out->aw_bits)
		out->aw_source = NULL;
}

/* The backends' ranges and page sizes within what the unit reports. */
static void check_hw_info(const struct hg_group_geom *geom,
			  struct hg_group_check *out)
{
	static const enum hg_source backends[] = { HG_SRC_TYPE1,
						   HG_SRC_IOMMUFD };
	uint64_t extra;
	size_t i;

	out->hw_bits = hg_iommufd_hw_bits(&geom->iommufd);
	out->hw_pgsizes = hg_iommufd_hw_pgsizes(&geom->iommufd);
	if (!out->hw_bits && !out->hw_pgsizes)
		return;
	out->hw_checked = true;
	for (i = 0; out->hw_bits < 64 && i < 2; i++) {
		const struct hg_ranges *r = &out->usable[backends[i]];

		if (!out->have[backends[i]] || !r->n ||
		    r->v[r->n - 1].end >> out->hw_bits == 0)
			continue;
		snprintf(out->hw_disagrees, sizeof(out->hw_disagrees),
			 "%s maps up to 0x%" PRIx64 ", above the %u address bits the IOMMU reports",
			 hg_source_name(backends[i]), r->v[r->n - 1].end,
			 out->hw_bits);
		return;
	}
	extra = geom->type1.pgsizes & ~out->hw_pgsizes;
	if (out->hw_pgsizes && out->have[HG_SRC_TYPE1] && extra)
		snprintf(out->hw_disagrees, sizeof(out->hw_disagrees),
			 "type1 page sizes 0x%" PRIx64 " include 0x%" PRIx64 ", which the IOMMU's granules (0x%" PRIx64 ") do not give",
			 geom->type1.pgsizes, extra, out->hw_pgsizes);
}

static int compare(struct hg_group_check *out, enum hg_source a,
		   enum hg_source b)
{
	struct hg_compare *c = &out->cmp[out->n_cmp];
	int ret;

	if (!out->have[a] || !out->have[b])
		return 0;
	c->a = a;
	c->b = b;
	ret = hg_ranges_diff(&out->usable[a], &out->usable[b], &c->diffs,
			     &c->n_diffs);
	if (!ret)
		out->n_cmp++;
	return ret;
}

int hg_group_check(const struct hg_group_geom *geom,
		   struct hg_group_check *out, struct hg_err *err)
{
	const struct hg_group *group = geom->group;
	int ret;

	memset(out, 0, sizeof(*out));
	out->id = group->id;
	ret = take_backend(out, HG_SRC_TYPE1, geom->type1_status,
			   &geom->type1_err, geom->type1.have_iova_ranges,
			   &geom->type1.iova);
	if (!ret)
		ret = take_backend(out, HG_SRC_IOMMUFD, geom->iommufd_status,
				   &geom->iommufd_err, true,
				   &geom->iommufd.iova);
	if (ret)
		goto fail;
	pick_width(geom, out);
	check_hw_info(geom, out);
	if (out->aw_bits) {
		ret = hg_usable_from_resv(group->resv, group->n_resv,
					  out->aw_bits,
					  &out->usable[HG_SRC_SYSFS]);
		if (ret)
			goto fail;
		out->have[HG_SRC_SYSFS] = true;
		out->status[HG_SRC_SYSFS] = HG_STATUS_OK;
	} else {
		out->status[HG_SRC_SYSFS] = HG_STATUS_UNAVAILABLE;
		snprintf(out->why_not[HG_SRC_SYSFS],
			 sizeof(out->why_not[0]),
			 "no address width: sysfs does not give one and no backend answered");
	}
	if (out->have[HG_SRC_IOMMUFD])
		hg_group_members(group, HG_MEMBERS_NOT_VFIO, out->unattached,
				 sizeof(out->unattached));
	ret = compare(out, HG_SRC_SYSFS, HG_SRC_TYPE1);
	if (!ret)
		ret = compare(out, HG_SRC_SYSFS, HG_SRC_IOMMUFD);
	if (!ret)
		ret = compare(out, HG_SRC_TYPE1, HG_SRC_IOMMUFD);
	if (!ret)
		return 0;
fail:
	hg_group_check_free(out);
	return hg_err_set(err, ret, "group %u: cannot compare: %s", group->id,
			  strerror(-ret));
}

void hg_group_check_free(struct hg_group_check *check)
{
	size_t i;

	for (i = 0; i < HG_SRC_COUNT; i++) {
		hg_ranges_free(&check->usable[i]);
		free(check->cmp[i].diffs);
		check->cmp[i].diffs = NULL;
	}
	check->n_cmp = 0;
}

bool hg_group_checked(const struct hg_group_check *check)
{
	return check->n_cmp > 0;
}

bool hg_group_agrees(const struct hg_group_check *check)
{
	size_t i;

	for (i = 0; i < check->n_cmp; i++)
		if (check->cmp[i].n_diffs)
			return false;
	return !check->hw_disagrees[0];
}
