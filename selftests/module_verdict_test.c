// SPDX-License-Identifier: GPL-2.0
/*
 * What a carve result means (lib/module/verdict.c, tools/hostgeom/carve.c), on
 * results built here: region verdicts from hits and segments, clipping to
 * what a walk can reach, the top-of-4GiB and top-of-aperture flags, what
 * a failed mapping means (exhaustion or not), and the JSON keys. Runs
 * anywhere: no module needed.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include <hostgeom/genl.h>
#include <hostgeom/genl_verdict.h>

#include "cli_print.h"
#include "json_get.h"
#include "kselftest_harness.h"

#define MB (1ULL << 20)
#define MSI_START 0xfee00000ULL
#define MSI_LAST 0xfeefffffULL

static const struct hg_kregion msi = { .start = MSI_START, .end = MSI_LAST, .type = HG_RESV_MSI };
static const struct hg_kregion isa = { .start = 0, .end = 0xffffff, .type = HG_RESV_DIRECT_RELAXABLE };
static const struct hg_kregion high = { .start = 0x8000000000ULL, .end = UINT64_MAX, .type = HG_RESV_RESERVED };

/* A group of a bridge (MSI only), a device (MSI + high) and a stranger. */
FIXTURE(carve) {
	struct hg_kregion bridge_resv[2], dev_resv[2];
	struct hg_kdevice devs[3];
	struct hg_carve_segment seg[2];
	struct hg_carve_hit hit[1];
	struct hg_carve_walk walk;
	struct hg_carve_group cg;
	struct hg_carve_result res;
};

FIXTURE_SETUP(carve)
{
	memset(self, 0, sizeof(*self));
	self->bridge_resv[0] = msi;
	self->dev_resv[0] = msi;
	self->dev_resv[1] = high;
	strcpy(self->devs[0].name, "0000:00:03.0");
	self->devs[0].resv = self->bridge_resv;
	self->devs[0].n_resv = 1;
	strcpy(self->devs[1].name, "0000:01:00.0");
	self->devs[1].resv = self->dev_resv;
	self->devs[1].n_resv = 2;
	self->devs[1].stub = true;
	self->devs[0].has_iommu = self->devs[1].has_iommu = true;
	/* No IOMMU driver probed it: it does not count for "shared". */
	strcpy(self->devs[2].name, "ff000000.dma");
	self->cg.group.id = 3;
	self->cg.group.domain_type = HG_DOMAIN_DMA;
	self->cg.group.has_geometry = true;
	self->cg.group.aperture_end = UINT64_MAX;
	self->cg.group.force_aperture = true;
	self->cg.group.pgsize_bitmap = 0xfffffffffffff000ULL;
	self->cg.group.devs = self->devs;
	self->cg.group.n_devs = 3;
	strcpy(self->walk.device, "0000:01:00.0");
	self->walk.map_size = 2 * MB;
	self->walk.maps = 10;
	self->walk.ns = 1000000;
	self->walk.n_phase = 2;
	self->walk.phase[0] = (struct hg_carve_phase){ 32, 0xffffffff,
		HOSTGEOM_CARVE_TARGET32, 9, true, 0xffe00000,
		HOSTGEOM_STOP_TARGET };
	self->walk.phase[1] = (struct hg_carve_phase){ 64, UINT64_MAX,
		UINT64_MAX, 1, true, UINT64_MAX - 2 * MB + 1,
		HOSTGEOM_STOP_TARGET };
	/* Down through the MSI window, then one at the very top. */
	self->seg[0] = (struct hg_carve_segment){ 0xfec00000, 0xffffffff, 9,
						   false };
	self->seg[1] = (struct hg_carve_segment){ UINT64_MAX - 2 * MB + 1,
						   UINT64_MAX, 1, false };
	self->walk.seg = self->seg;
	self->walk.n_seg = 2;
	self->cg.walks = &self->walk;
	self->cg.n_walks = 1;
	self->res.groups = &self->cg;
	self->res.n_groups = 1;
}

FIXTURE_TEARDOWN(carve)
{
}

/* The verdict of @owner's region @r in the fixture's result. */
static enum hg_region_verdict verdict_of(FIXTURE_DATA(carve) *self,
					 const char *owner,
					 const struct hg_kregion *r,
					 uint32_t *hits)
{
	struct hg_region_check *rc;
	enum hg_region_verdict v = -1;
	size_t i, n;

	if (hg_carve_regions(&self->cg, &self->res, &rc, &n, NULL))
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcmp(rc[i].owner, owner) &&
		    rc[i].region.start == r->start &&
		    rc[i].region.end == r->end &&
		    rc[i].region.type == r->type) {
			v = rc[i].verdict;
			if (hits)
				*hits = rc[i].hits;
		}
	}
	free(rc);
	return v;
}

TEST_F(carve, region_of_some_members_only_is_not_shared)
{
	EXPECT_TRUE(hg_kgroup_region_shared(&self->cg.group, &msi));
	EXPECT_FALSE(hg_kgroup_region_shared(&self->cg.group, &high));
	/* A member with an IOMMU and no regions at all shares nothing. */
	self->devs[2].has_iommu = true;
	EXPECT_FALSE(hg_kgroup_region_shared(&self->cg.group, &msi));
}

TEST_F(carve, walked_window_is_carved_and_the_high_region_hit)
{
	uint32_t hits = 0;

	self->hit[0] = (struct hg_carve_hit){ "0000:01:00.0", high,
		UINT64_MAX - 2 * MB + 1, UINT64_MAX, 1 };
	self->walk.hit = self->hit;
	self->walk.n_hit = 1;
	self->walk.hits = 1;
	EXPECT_EQ(HG_RV_CARVED, verdict_of(self, "0000:00:03.0", &msi, NULL));
	EXPECT_EQ(HG_RV_CARVED, verdict_of(self, "0000:01:00.0", &msi, NULL));
	EXPECT_EQ(HG_RV_HIT, verdict_of(self, "0000:01:00.0", &high, &hits));
	EXPECT_EQ(1, hits);
	EXPECT_EQ(HG_CV_VIOLATION, hg_carve_group_verdict(&self->cg));
	EXPECT_EQ(HG_CV_VIOLATION, hg_carve_verdict(&self->res));
}

/* What carve prints in text for a hit, and that it exits 1. */
TEST_F(carve, text_and_exit_status_of_a_hit)
{
	struct hg_carve_req req = { 0 };
	struct cli_capture cap;
	char *text;

	self->hit[0] = (struct hg_carve_hit){ "0000:01:00.0", high,
		UINT64_MAX - 2 * MB + 1, UINT64_MAX, 1 };
	self->walk.hit = self->hit;
	self->walk.n_hit = 1;
	self->walk.hits = 1;
	self->res.hits = 1;
	cli_capture_start(&cap, false);
	EXPECT_EQ(0, carve_print(1, &self->res));
	text = cli_capture_text(&cap);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(text, strstr(text, "group 3 domain DMA aperture 0x0-0xffffffffffffffff force_aperture yes pgsizes 0xfffffffffffff000\n"))
		TH_LOG("%s", text);
	/* the member's own regions, one not every member has */
	EXPECT_NE(NULL, strstr(text, "\tdevice 0000:01:00.0 driver - stub yes dma_mask 0x0 coherent 0x0 32bit_first no dma_iommu no\n\t\town 0x00000000fee00000-0x00000000feefffff msi\n\t\town 0x0000008000000000-0xffffffffffffffff reserved (not every member's)\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "32bit_first - dma_iommu no\n"));
	EXPECT_NE(NULL, strstr(text, "\tverdict violation\n"));
	EXPECT_NE(NULL, strstr(text, "\twalk 0000:01:00.0 maps 10 of 2048 KiB in 0.001 s (10000 maps/s) top32 walked aperture-top reached hits 1\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\t\tHIT 0xffffffffffe00000-0xffffffffffffffff (1 mappings) inside 0000:01:00.0's region 0x0000008000000000-0xffffffffffffffff reserved\n"));
	EXPECT_NE(NULL, strstr(text, "\tregion 0000:01:00.0 0x0000008000000000-0xffffffffffffffff reserved hit (1 mappings) -- not every member has it"));
	EXPECT_NE(NULL, strstr(text, "\n\tregion 0000:00:03.0 0x00000000fee00000-0x00000000feefffff msi carved\n"));
	EXPECT_NE(NULL, strstr(text, "carve: 1 group(s), verdict violation, 1 mappings inside reserved regions, 0.000 s\n"));
	free(text);
	EXPECT_EQ(1, carve_exit_status(&req, &self->res));
	self->walk.n_hit = 0;
	self->walk.hits = 0;
	EXPECT_EQ(0, carve_exit_status(&req, &self->res));
}

TEST_F(carve, hit_counts_only_for_the_region_of_that_owner)
{
	uint32_t hits = 7;

	/* The bridge's copy of the window is another region. */
	self->hit[0] = (struct hg_carve_hit){ "0000:00:03.0", msi,
		MSI_START, MSI_START + 2 * MB - 1, 1 };
	self->walk.hit = self->hit;
	self->walk.n_hit = 1;
	EXPECT_EQ(HG_RV_HIT, verdict_of(self, "0000:00:03.0", &msi, &hits));
	EXPECT_EQ(1, hits);
	EXPECT_EQ(HG_RV_CARVED, verdict_of(self, "0000:01:00.0", &msi, &hits));
	EXPECT_EQ(0, hits);
}

TEST_F(carve, partly_walked_and_not_reached)
{
	/* The walk stopped inside the window: only part of it was seen. */
	self->seg[0].low = 0xfee80000;
	EXPECT_EQ(HG_RV_PARTLY, verdict_of(self, "0000:00:03.0", &msi, NULL));
	EXPECT_FALSE(hg_carve_walk_through_top32(&self->walk));
	self->seg[0].low = 0xfff00000;
	EXPECT_EQ(HG_RV_NOT_REACHED,
		  verdict_of(self, "0000:00:03.0", &msi, NULL));
	/* No hit, but the walk never got where the problem shows. */
	EXPECT_EQ(HG_CV_INCONCLUSIVE, hg_carve_group_verdict(&self->cg));
	EXPECT_EQ(HG_CV_INCONCLUSIVE, hg_carve_verdict(&self->res));
}

/*
 * Pass needs a walk through the top of 4 GiB and, with the wide mask,
 * from the top of the aperture; a walk that was skipped does not count.
 */
TEST_F(carve, pass_needs_both_tops_walked)
{
	/* Without the high region the top is the limit itself. */
	self->devs[1].n_resv = 1;
	EXPECT_TRUE(hg_carve_walk_covered(&self->cg, &self->walk));
	EXPECT_EQ(HG_CV_PASS, hg_carve_group_verdict(&self->cg));
	/* The wide phase began one mapping below the top. */
	self->seg[1].low -= 2 * MB;
	self->seg[1].high -= 2 * MB;
	EXPECT_FALSE(hg_carve_walk_covered(&self->cg, &self->walk));
	EXPECT_EQ(HG_CV_INCONCLUSIVE, hg_carve_group_verdict(&self->cg));
	/* A 32-bit mask only: no wide phase at all. */
	self->seg[1].low += 2 * MB;
	self->seg[1].high += 2 * MB;
	self->walk.n_phase = 1;
	self->walk.n_seg = 1;
	EXPECT_EQ(HG_CV_INCONCLUSIVE, hg_carve_group_verdict(&self->cg));
	/* Skipped (no DMA domain): it neither covers nor spoils a pass. */
	self->walk.skip = HOSTGEOM_SKIP_NOT_DMA_DOMAIN;
	EXPECT_EQ(HG_CV_PASS, hg_carve_group_verdict(&self->cg));
}

TEST_F(carve, region_beyond_the_limit_is_out_of_reach)
{
	/* A 39-bit aperture: the high region cannot be handed out. */
	self->walk.phase[1].limit = 0x7fffffffffULL;
	self->seg[1] = (struct hg_carve_segment){ 0x7fffe00000ULL,
						   0x7fffffffffULL, 1, false };
	EXPECT_EQ(HG_RV_OUT_OF_REACH,
		  verdict_of(self, "0000:01:00.0", &high, NULL));
	EXPECT_TRUE(hg_carve_walk_reached_top(&self->cg, &self->walk));
}

TEST_F(carve, exhausted_segment_covers_down_to_the_lowest_iova)
{
	struct hg_kregion small = { .start = 0, .end = 0xfff, .type = HG_RESV_DIRECT };

	self->dev_resv[1] = isa;
	self->seg[0] = (struct hg_carve_segment){ 0x1000000, 0xffffffff, 641,
						   false };
	EXPECT_EQ(HG_RV_NOT_REACHED,
		  verdict_of(self, "0000:01:00.0", &isa, NULL));
	/* Nothing free below 16 MiB: the allocator kept [0, 16M) out. */
	self->seg[0].exhausted = true;
	EXPECT_EQ(HG_RV_CARVED, verdict_of(self, "0000:01:00.0", &isa, NULL));
	/* Below the lowest 2 MiB-aligned IOVA nothing can be handed out. */
	self->dev_resv[1] = small;
	EXPECT_EQ(HG_RV_OUT_OF_REACH,
		  verdict_of(self, "0000:01:00.0", &small, NULL));
}

TEST_F(carve, sw_msi_is_not_checked_and_canary_is_listed)
{
	struct hg_kregion sw = { .start = 0x8000000, .end = 0x80fffff, .type = HG_RESV_SW_MSI };
	struct hg_kregion canary = { .start = 0xfff00000, .end = 0xffffffff, .type = HG_RESV_CANARY };

	self->dev_resv[1] = sw;
	self->res.has_canary = true;
	self->res.canary = canary;
	self->hit[0] = (struct hg_carve_hit){ "canary", canary, 0xffe00000,
		0xffffffff, 1 };
	self->walk.hit = self->hit;
	self->walk.n_hit = 1;
	EXPECT_EQ(HG_RV_NOT_CHECKED,
		  verdict_of(self, "0000:01:00.0", &sw, NULL));
	EXPECT_EQ(HG_RV_HIT, verdict_of(self, "canary", &canary, NULL));
}

TEST_F(carve, top_flags)
{
	/* Without the high region the top is the limit itself. */
	self->devs[1].n_resv = 1;
	EXPECT_TRUE(hg_carve_walk_through_top32(&self->walk));
	EXPECT_TRUE(hg_carve_walk_reached_top(&self->cg, &self->walk));
	/* One mapping below the top: not the top of the aperture. */
	self->seg[1].low -= 2 * MB;
	self->seg[1].high -= 2 * MB;
	EXPECT_FALSE(hg_carve_walk_reached_top(&self->cg, &self->walk));
	/* A walk with a 32-bit mask only has no wide phase at all. */
	self->walk.n_phase = 1;
	EXPECT_FALSE(hg_carve_walk_reached_top(&self->cg, &self->walk));
	/* Starting exactly at the window's base is not going through it. */
	self->seg[0].low = MSI_START;
	EXPECT_FALSE(hg_carve_walk_through_top32(&self->walk));
	self->walk.n_seg = 0;
	EXPECT_FALSE(hg_carve_walk_through_top32(&self->walk));
}

/*
 * A reserved region up to the limit: the first wide mapping lands just
 * below it. That is the top of what the allocator can give, and the
 * region above counts as carved.
 */
TEST_F(carve, top_is_below_a_region_that_reaches_the_limit)
{
	self->seg[1] = (struct hg_carve_segment){ 0x7fffe00000ULL,
						   0x7fffffffffULL, 1, false };
	EXPECT_TRUE(hg_carve_walk_reached_top(&self->cg, &self->walk));
	EXPECT_EQ(HG_RV_CARVED, verdict_of(self, "0000:01:00.0", &high, NULL));
	/* One mapping lower, the top was not reached: nothing is proven. */
	self->seg[1].low -= 2 * MB;
	self->seg[1].high -= 2 * MB;
	EXPECT_FALSE(hg_carve_walk_reached_top(&self->cg, &self->walk));
	EXPECT_EQ(HG_RV_NOT_REACHED,
		  verdict_of(self, "0000:01:00.0", &high, NULL));
}

TEST_F(carve, nothing_walked_is_not_checked)
{
	self->walk.maps = 0;
	self->walk.n_seg = 0;
	self->walk.skip = HOSTGEOM_SKIP_NOT_DMA_DOMAIN;
	EXPECT_EQ(HG_CV_NOT_CHECKED, hg_carve_group_verdict(&self->cg));
	EXPECT_EQ(HG_RV_NOT_REACHED,
		  verdict_of(self, "0000:00:03.0", &msi, NULL));
	self->res.n_groups = 0;
	EXPECT_EQ(HG_CV_NOT_CHECKED, hg_carve_verdict(&self->res));
}

TEST_F(carve, json_keys_and_values)
{
	json_object *doc, *g, *w, *r, *d;

	self->walk.n_phase = 1;
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	/* No wide phase: nothing proven at the top of the aperture. */
	EXPECT_STREQ("inconclusive",
		     json_object_get_string(json_get(doc, "verdict")));
	EXPECT_EQ(json_type_null, json_object_get_type(json_get(doc, "canary")));
	g = json_object_array_get_idx(json_get(doc, "groups"), 0);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(3, json_object_get_int(json_get(g, "id")));
	EXPECT_STREQ("DMA", json_object_get_string(json_get(g, "domain")));
	EXPECT_STREQ("0xffffffffffffffff", json_object_get_string(
		json_get(g, "aperture.end")));
	d = json_object_array_get_idx(json_get(g, "devices"), 1);
	EXPECT_TRUE(json_object_get_boolean(json_get(d, "stub")));
	EXPECT_EQ(json_type_null, json_object_get_type(json_get(d, "driver")));
	r = json_object_array_get_idx(json_get(d, "reserved_regions"), 1);
	EXPECT_STREQ("0x8000000000", json_object_get_string(json_get(r, "start")));
	EXPECT_FALSE(json_object_get_boolean(json_get(r, "all_members")));
	w = json_object_array_get_idx(json_get(g, "walks"), 0);
	ASSERT_NE(NULL, w);
	EXPECT_STREQ("0x200000", json_object_get_string(json_get(w, "map_size")));
	EXPECT_EQ(10000, json_object_get_int(json_get(w, "maps_per_second")));
	EXPECT_TRUE(json_object_get_boolean(json_get(w, "through_top32")));
	/* No wide phase: null, not false. */
	EXPECT_EQ(json_type_null,
		  json_object_get_type(json_get(w, "reached_aperture_top")));
	EXPECT_STREQ("target", json_object_get_string(json_get(
		json_object_array_get_idx(json_get(w, "phases"), 0), "stop")));
	EXPECT_EQ(3, json_object_array_length(json_get(g, "regions")));
	r = json_object_array_get_idx(json_get(g, "regions"), 0);
	EXPECT_STREQ("carved", json_object_get_string(json_get(r, "verdict")));
	json_object_put(doc);
}

/* A string from @doc, "(null)" when absent: never NULL for EXPECT_STREQ. */
static const char *jstr(json_object *doc, const char *path)
{
	const char *s = json_object_get_string(json_get(doc, path));

	return s ? s : "(null)";
}

/* The JSON of the fixture's walk's phase @i (or segment, with @key). */
static json_object *walk_item(json_object *doc, const char *key, size_t i)
{
	json_object *g = json_object_array_get_idx(json_get(doc, "groups"), 0);
	json_object *w = json_object_array_get_idx(json_get(g, "walks"), 0);

	return json_object_array_get_idx(json_get(w, key), i);
}

static const char *rv_name(FIXTURE_DATA(carve) *self, const char *owner,
			   const struct hg_kregion *r)
{
	return hg_region_verdict_name(verdict_of(self, owner, r, NULL));
}

static const char *group_verdict(FIXTURE_DATA(carve) *self)
{
	return hg_carve_verdict_name(hg_carve_group_verdict(&self->cg));
}

/* The bridge gets a second region, far below the walk's segment. */
static const struct hg_kregion low_resv = { .start = 0x80000000, .end = 0x800fffff, .type = HG_RESV_RESERVED };

/*
 * The whole 32-bit space (--floor 0) walked by a device that gets 32-bit
 * IOVAs first: phase 1 down from the top to @low, where dma_map_page()
 * failed (the module marks the segment exhausted on any failure), then
 * the wide phase.
 */
static void walk_32bit_down_to(FIXTURE_DATA(carve) *self, uint64_t low)
{
	uint32_t maps = (0x100000000ULL - low) / (2 * MB) - 1; /* not MSI */

	self->devs[1].pci_32bit_first = true;
	self->bridge_resv[1] = low_resv;
	self->devs[0].n_resv = 2;
	self->walk.phase[0] = (struct hg_carve_phase){ 32, 0xffffffff, 0,
		maps, true, 0xffe00000, HOSTGEOM_STOP_MAP_FAILED };
	self->seg[0] = (struct hg_carve_segment){ low, 0xffffffff, maps,
						   true };
	self->walk.maps = maps + self->walk.phase[1].maps;
}

/*
 * The Linux 7.3 case: a late member's own direct region (an RMRR that
 * dma-iommu did not reserve, the member not having set up the domain) is
 * handed out by the allocator, the IOMMU driver refuses to map over its
 * identity mapping, dma_map_page() fails. Space was left below: that is
 * not exhaustion, and nothing below the failure was walked.
 */
TEST_F(carve, map_failure_next_to_a_members_region_is_not_exhaustion)
{
	struct hg_kregion rmrr = { .start = 0xb8000000, .end = 0xb80fffff, .type = HG_RESV_DIRECT };
	struct hg_map_failure f;
	json_object *doc, *ph;
	size_t i;

	self->dev_resv[1] = rmrr;
	walk_32bit_down_to(self, 0xb8200000);
	/* The wide phase tries the 32-bit space first: the same IOVA. */
	self->walk.phase[1] = (struct hg_carve_phase){ 64, UINT64_MAX,
		UINT64_MAX, 0, false, 0, HOSTGEOM_STOP_MAP_FAILED };
	self->walk.maps = self->walk.phase[0].maps;
	self->walk.n_seg = 1;

	EXPECT_STREQ("map-failed", group_verdict(self));
	EXPECT_STREQ("map-failed",
		     hg_carve_verdict_name(hg_carve_verdict(&self->res)));
	EXPECT_EQ(HG_CV_MAP_FAILED, hg_carve_group_verdict(&self->cg));
	for (i = 0; i < 2; i++) {
		hg_carve_phase_map_failure(&self->cg, &self->walk, i, &f);
		EXPECT_EQ(HG_MF_REGION, f.kind);
		EXPECT_TRUE(f.has_iova);
		EXPECT_EQ(0xb8000000, f.start);
		EXPECT_EQ(0xb81fffff, f.end);
		EXPECT_STREQ("0000:01:00.0", f.owner);
		EXPECT_EQ(rmrr.start, f.region.start);
		EXPECT_EQ(rmrr.end, f.region.end);
		EXPECT_EQ(HG_RESV_DIRECT, f.region.type);
	}
	EXPECT_FALSE(hg_carve_segment_exhausted(&self->cg, &self->walk, 0));
	/* The region the IOMMU refused: not carved out of the allocator. */
	EXPECT_STREQ("map-failed", rv_name(self, "0000:01:00.0", &rmrr));
	/* Below the failure nothing was walked: no fake exhaustion. */
	EXPECT_STREQ("not-reached", rv_name(self, "0000:00:03.0", &low_resv));
	/* Above it the segment still proves the MSI window was kept out. */
	EXPECT_STREQ("carved", rv_name(self, "0000:00:03.0", &msi));

	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("map-failed", jstr(doc, "verdict"));
	EXPECT_STREQ("map-failed", jstr(json_object_array_get_idx(
		json_get(doc, "groups"), 0), "verdict"));
	for (i = 0; i < 2; i++) {
		ph = walk_item(doc, "phases", i);
		EXPECT_STREQ("region", jstr(ph, "map_failure"));
		EXPECT_STREQ("0xb8000000", jstr(ph, "map_failed_at.start"));
		EXPECT_STREQ("0xb81fffff", jstr(ph, "map_failed_at.end"));
		EXPECT_STREQ("0000:01:00.0",
			     jstr(ph, "map_failed_region.owner"));
		EXPECT_STREQ("0xb8000000", jstr(ph, "map_failed_region.start"));
		EXPECT_STREQ("0xb80fffff", jstr(ph, "map_failed_region.end"));
		EXPECT_STREQ("direct", jstr(ph, "map_failed_region.type"));
	}
	EXPECT_FALSE(json_object_get_boolean(json_get(
		walk_item(doc, "segments", 0), "exhausted")));
	json_object_put(doc);
}

/*
 * A failure at the bottom of what the walk can reach is the space used
 * up: the lowest IOVA, raised past a member's region that holds it, with
 * less than one mapping of slack; the segment covers down to 0.
 */
/*
 * A direct region whose page the module found mapped elsewhere in the
 * group's domain (an RMR over another member's MSI doorbell): the walks
 * saw the space taken and call it carved; the page table says the
 * device's DMA there goes astray. A violation, named "not-identity" with
 * the page; a relaxable region the same way is only reported, and a
 * region translating to itself page by page passes.
 */
TEST_F(carve, a_direct_region_mapped_elsewhere_is_a_violation)
{
	struct hg_kregion rmr = { .start = 0xffff0000, .end = 0xffffffff,
				  .type = HG_RESV_DIRECT, .translated = true,
				  .pages_identity = 15, .pages_foreign = 1,
				  .foreign_iova = 0xfffff000,
				  .foreign_phys = 0x8090000 };
	json_object *doc, *r;

	self->dev_resv[1] = rmr;
	EXPECT_STREQ("violation", group_verdict(self));
	EXPECT_STREQ("not-identity", rv_name(self, "0000:01:00.0", &rmr));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	r = json_object_array_get_idx(
		json_get(json_object_array_get_idx(json_get(doc, "groups"), 0), "regions"), 2);
	EXPECT_STREQ("not-identity", jstr(r, "verdict"));
	EXPECT_EQ(1, json_object_get_int(json_get(r, "pages.foreign")));
	EXPECT_STREQ("0xfffff000", jstr(r, "pages.foreign_iova"));
	json_object_put(doc);

	self->dev_resv[1].type = HG_RESV_DIRECT_RELAXABLE;
	EXPECT_STREQ("pass", group_verdict(self));
	self->dev_resv[1] = rmr;
	self->dev_resv[1].pages_foreign = 0;
	self->dev_resv[1].pages_unmapped = 1;
	EXPECT_STREQ("violation", group_verdict(self));
	self->dev_resv[1].pages_unmapped = 0;
	self->dev_resv[1].pages_identity = 16;
	EXPECT_STREQ("pass", group_verdict(self));
}

TEST_F(carve, map_failure_at_the_bottom_is_exhaustion)
{
	struct hg_kregion isa16 = { .start = 0, .end = 0x10fffff, .type = HG_RESV_DIRECT_RELAXABLE };
	struct hg_map_failure f;
	json_object *doc, *ph;

	/* The wide phase then jumps to the top of the aperture. */
	self->walk.phase[1] = (struct hg_carve_phase){ 64, UINT64_MAX,
		UINT64_MAX, 1, true, 0x7fffe00000ULL, HOSTGEOM_STOP_TARGET };
	self->seg[1] = (struct hg_carve_segment){ 0x7fffe00000ULL,
						   0x7fffffffffULL, 1, false };
	/* The lowest 2 MiB-aligned IOVA: 0x200000. */
	walk_32bit_down_to(self, 0x200000);
	EXPECT_STREQ("pass", group_verdict(self));
	EXPECT_EQ(HG_CV_PASS, hg_carve_group_verdict(&self->cg));
	hg_carve_phase_map_failure(&self->cg, &self->walk, 0, &f);
	EXPECT_EQ(HG_MF_EXHAUSTED, f.kind);
	EXPECT_FALSE(f.has_iova);
	hg_carve_phase_map_failure(&self->cg, &self->walk, 1, &f);
	EXPECT_EQ(HG_MF_NONE, f.kind);
	EXPECT_TRUE(hg_carve_segment_exhausted(&self->cg, &self->walk, 0));
	EXPECT_FALSE(hg_carve_segment_exhausted(&self->cg, &self->walk, 1));
	EXPECT_STREQ("carved", rv_name(self, "0000:00:03.0", &low_resv));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("pass", jstr(doc, "verdict"));
	ph = walk_item(doc, "phases", 0);
	EXPECT_STREQ("exhausted", jstr(ph, "map_failure"));
	EXPECT_EQ(json_type_null,
		  json_object_get_type(json_get(ph, "map_failed_at")));
	EXPECT_EQ(json_type_null,
		  json_object_get_type(json_get(ph, "map_failed_region")));
	EXPECT_EQ(json_type_null, json_object_get_type(json_get(
		walk_item(doc, "phases", 1), "map_failure")));
	EXPECT_TRUE(json_object_get_boolean(json_get(
		walk_item(doc, "segments", 0), "exhausted")));
	json_object_put(doc);

	/*
	 * The device's own [0, 17M) held the bottom: the lowest IOVA is
	 * 0x1100000, the lowest 2 MiB block 0x1200000, and the walk got it.
	 */
	self->dev_resv[1] = isa16;
	/* A 39-bit aperture, so that the wide phase still began at its top. */
	self->walk.phase[1].limit = 0x7fffffffffULL;
	walk_32bit_down_to(self, 0x1200000);
	EXPECT_STREQ("pass", group_verdict(self));
	/* Covered only because nothing was free below the segment. */
	EXPECT_STREQ("carved", rv_name(self, "0000:01:00.0", &isa16));
	/* One free block above that bottom: space was left. */
	walk_32bit_down_to(self, 0x1400000);
	EXPECT_STREQ("inconclusive", group_verdict(self));
	EXPECT_STREQ("not-reached", rv_name(self, "0000:01:00.0", &isa16));
}

/*
 * Space left, and no member's region where the allocator would have gone
 * next: the failure is not explained, and the walk proves nothing below.
 * A region every member has is reserved for sure, so the allocator skips
 * it: a failure just above the MSI window is not blamed on it.
 */
TEST_F(carve, map_failure_with_space_left_and_no_region_is_inconclusive)
{
	struct hg_map_failure f;
	json_object *doc, *ph;

	self->seg[1] = (struct hg_carve_segment){ 0x7fffe00000ULL,
						   0x7fffffffffULL, 1, false };
	self->walk.phase[1].first = 0x7fffe00000ULL;
	walk_32bit_down_to(self, 0xa0000000);
	EXPECT_STREQ("inconclusive", group_verdict(self));
	EXPECT_STREQ("inconclusive",
		     hg_carve_verdict_name(hg_carve_verdict(&self->res)));
	EXPECT_EQ(HG_CV_INCONCLUSIVE, hg_carve_verdict(&self->res));
	hg_carve_phase_map_failure(&self->cg, &self->walk, 0, &f);
	EXPECT_EQ(HG_MF_UNEXPLAINED, f.kind);
	EXPECT_TRUE(f.has_iova);
	EXPECT_EQ(0x9fe00000, f.start);
	EXPECT_STREQ("", f.owner);
	EXPECT_STREQ("not-reached", rv_name(self, "0000:00:03.0", &low_resv));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("inconclusive", jstr(doc, "verdict"));
	ph = walk_item(doc, "phases", 0);
	EXPECT_STREQ("unexplained", jstr(ph, "map_failure"));
	EXPECT_STREQ("0x9fe00000", jstr(ph, "map_failed_at.start"));
	EXPECT_STREQ("0x9fffffff", jstr(ph, "map_failed_at.end"));
	EXPECT_EQ(json_type_null,
		  json_object_get_type(json_get(ph, "map_failed_region")));
	EXPECT_FALSE(json_object_get_boolean(json_get(
		walk_item(doc, "segments", 0), "exhausted")));
	json_object_put(doc);

	/* Stopped just above the (shared) MSI window: next is below it. */
	walk_32bit_down_to(self, 0xff000000);
	self->seg[0].maps = self->walk.phase[0].maps = 8;
	EXPECT_STREQ("inconclusive", group_verdict(self));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	ph = walk_item(doc, "phases", 0);
	EXPECT_STREQ("0xfec00000", jstr(ph, "map_failed_at.start"));
	json_object_put(doc);
}

/*
 * The 32-bit space used up, then the wide phase's first mapping failed:
 * dma-iommu fell back to the whole space, so the IOVA it failed at was
 * the top of the aperture, where space is left: not exhaustion.
 */
TEST_F(carve, wide_phase_failing_at_the_top_is_not_exhaustion)
{
	json_object *doc, *ph;

	self->walk.phase[1] = (struct hg_carve_phase){ 64, UINT64_MAX,
		UINT64_MAX, 0, false, 0, HOSTGEOM_STOP_MAP_FAILED };
	walk_32bit_down_to(self, 0x200000);
	self->walk.n_seg = 1;
	EXPECT_STREQ("inconclusive", group_verdict(self));
	/* The 32-bit space itself was used up: still covered. */
	EXPECT_STREQ("carved", rv_name(self, "0000:00:03.0", &low_resv));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("exhausted",
		     jstr(walk_item(doc, "phases", 0), "map_failure"));
	ph = walk_item(doc, "phases", 1);
	EXPECT_STREQ("unexplained", jstr(ph, "map_failure"));
	/* Below the device's high region, which reaches up to the limit. */
	EXPECT_STREQ("0x7fffe00000", jstr(ph, "map_failed_at.start"));
	EXPECT_STREQ("0x7fffffffff", jstr(ph, "map_failed_at.end"));
	json_object_put(doc);
}

/*
 * Where a mapping failed is known from the segment's low only when the
 * phase's last mapping is that low: not when the walk went on below it
 * afterwards, nor when the mapping is in no segment.
 */
TEST_F(carve, map_failure_the_result_cannot_locate_is_inconclusive)
{
	struct hg_map_failure f;
	json_object *doc, *ph;

	walk_32bit_down_to(self, 0xa0000000);
	/* The wide phase's first mapping extended the segment. */
	self->walk.phase[0].maps--;
	self->walk.phase[1].maps = 2;
	self->walk.phase[1].first = 0xa0000000;
	self->walk.phase[1].stop = HOSTGEOM_STOP_TARGET;
	hg_carve_phase_map_failure(&self->cg, &self->walk, 0, &f);
	EXPECT_EQ(HG_MF_UNEXPLAINED, f.kind);
	EXPECT_FALSE(f.has_iova);
	EXPECT_STREQ("inconclusive", group_verdict(self));
	doc = CLI_PRINT_JSON(carve_print(1, &self->res));
	ASSERT_NE(NULL, doc);
	ph = walk_item(doc, "phases", 0);
	EXPECT_STREQ("unexplained", jstr(ph, "map_failure"));
	EXPECT_EQ(json_type_null,
		  json_object_get_type(json_get(ph, "map_failed_at")));
	json_object_put(doc);
	/* Too many segments: the phase's last mapping is in none. */
	walk_32bit_down_to(self, 0xa0000000);
	self->seg[0].maps--;
	self->walk.n_seg = 1;
	self->walk.segs_dropped = 1 + self->walk.phase[1].maps;
	hg_carve_phase_map_failure(&self->cg, &self->walk, 0, &f);
	EXPECT_EQ(HG_MF_UNEXPLAINED, f.kind);
	EXPECT_FALSE(f.has_iova);
	/* A skipped walk has no failures at all. */
	self->walk.skip = HOSTGEOM_SKIP_UNBOUND;
	hg_carve_phase_map_failure(&self->cg, &self->walk, 0, &f);
	EXPECT_EQ(HG_MF_NONE, f.kind);
}

/* Violation, then map-failed, then inconclusive, then pass. */
TEST_F(carve, result_verdict_takes_the_worst_group)
{
	struct hg_carve_group groups[2];
	struct hg_carve_segment seg0[2];
	struct hg_carve_walk walk0;
	struct hg_kregion rmrr = { .start = 0xb8000000, .end = 0xb80fffff, .type = HG_RESV_DIRECT };

	/* Group 0 passes: a walk of its own, the fixture's as it is. */
	memcpy(seg0, self->seg, sizeof(seg0));
	walk0 = self->walk;
	walk0.seg = seg0;
	groups[0] = self->cg;
	groups[0].walks = &walk0;
	self->res.groups = groups;
	self->res.n_groups = 2;
	walk_32bit_down_to(self, 0xa0000000);
	groups[1] = self->cg;
	EXPECT_STREQ("inconclusive",
		     hg_carve_verdict_name(hg_carve_verdict(&self->res)));
	self->dev_resv[1] = rmrr;
	walk_32bit_down_to(self, 0xb8200000);
	EXPECT_STREQ("map-failed",
		     hg_carve_verdict_name(hg_carve_verdict(&self->res)));
	self->walk.hits = 1;
	EXPECT_STREQ("violation",
		     hg_carve_verdict_name(hg_carve_verdict(&self->res)));
}

TEST(names_of_codes)
{
	EXPECT_STREQ("direct-relaxable",
		     hg_resv_type_name(HG_RESV_DIRECT_RELAXABLE));
	EXPECT_STREQ("sw-msi", hg_resv_type_name(HG_RESV_SW_MSI));
	EXPECT_STREQ("unknown", hg_resv_type_name(UINT32_MAX));
	EXPECT_STREQ("DMA-FQ", hg_domain_type_name(HG_DOMAIN_DMA_FQ));
	EXPECT_STREQ("unknown", hg_domain_type_name((enum hg_domain_type)99));
	EXPECT_STREQ("map-failed",
		     hg_carve_stop_name(HOSTGEOM_STOP_MAP_FAILED));
	EXPECT_STREQ("unknown", hg_carve_stop_name(HOSTGEOM_STOP_ABORTED + 1));
	EXPECT_STREQ("unbound", hg_carve_skip_name(HOSTGEOM_SKIP_UNBOUND));
	EXPECT_STREQ("out-of-reach", hg_region_verdict_name(HG_RV_OUT_OF_REACH));
	EXPECT_STREQ("not-checked", hg_carve_verdict_name(HG_CV_NOT_CHECKED));
	EXPECT_STREQ("map-failed", hg_carve_verdict_name(HG_CV_MAP_FAILED));
	EXPECT_STREQ("inconclusive",
		     hg_carve_verdict_name(HG_CV_INCONCLUSIVE));
	EXPECT_STREQ("map-failed", hg_region_verdict_name(HG_RV_MAP_FAILED));
	EXPECT_STREQ("unexplained",
		     hg_map_failure_kind_name(HG_MF_UNEXPLAINED));
	EXPECT_STREQ("unknown", hg_map_failure_kind_name(HG_MF_UNEXPLAINED + 1));
}

TEST_HARNESS_MAIN
