// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of the module's hold replies (hg_genl_parse_hold_reply(),
 * lib/module/genl.c) on replies built here: what an in-place churn's
 * reply legitimately says (HOLD_CHURN_IN_PLACE beside HOLD_CHURN and
 * HOLD_CHURNS, a held range of a mapped hold that translates to nothing)
 * is taken, and what the module never sends is refused. Runs anywhere:
 * no module needed.
 */
#include <errno.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <hostgeom_genl.h>

#include "module/internal.h"
#include "kselftest_harness.h"

/* What goes into a reply. */
struct reply {
	bool alloc_only;
	bool churn;		/* HOLD_CHURN */
	bool churns;		/* HOLD_CHURNS */
	bool in_place;		/* HOLD_CHURN_IN_PLACE */
	uint32_t xlate;		/* of the one held range */
};

/*
 * A hold of one 2 MiB mapping at 0xb8000000 in the target
 * 0xb8000000-0xb80fffff, as the module words it, in @m.
 */
static int build(struct nl_msg *m, const struct reply *r)
{
	struct nlattr *nest;

	if (nla_put_string(m, HOSTGEOM_A_HOLD_DEVICE, "0000:00:02.0") ||
	    nla_put_u64(m, HOSTGEOM_A_HOLD_START, 0xb8000000) ||
	    nla_put_u64(m, HOSTGEOM_A_HOLD_END, 0xb80fffff) ||
	    nla_put_u64(m, HOSTGEOM_A_HOLD_MAP_SIZE, 2 << 20) ||
	    nla_put_u32(m, HOSTGEOM_A_HOLD_MAPS, 3) ||
	    (r->alloc_only && nla_put_flag(m, HOSTGEOM_A_HOLD_ALLOC_ONLY)) ||
	    (r->churn && nla_put_flag(m, HOSTGEOM_A_HOLD_CHURN)) ||
	    (r->churns && nla_put_u64(m, HOSTGEOM_A_HOLD_CHURNS, 1234)) ||
	    (r->in_place && nla_put_flag(m, HOSTGEOM_A_HOLD_CHURN_IN_PLACE)))
		return -1;
	nest = nla_nest_start(m, HOSTGEOM_A_HOLD_RANGE);
	if (!nest || nla_put_u64(m, HOSTGEOM_A_HELD_IOVA, 0xb8000000) ||
	    nla_put_u64(m, HOSTGEOM_A_HELD_LAST, 0xb81fffff) ||
	    nla_put_u64(m, HOSTGEOM_A_HELD_PROBE, 0xb8000000) ||
	    nla_put_u32(m, HOSTGEOM_A_HELD_XLATE, r->xlate))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

/* The parser's answer to @r, the hold in @h. */
static int parse(const struct reply *r, struct hg_khold *h)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;

	if (m && !build(m, r)) {
		nlh = nlmsg_hdr(m);
		ret = hg_genl_parse_hold_reply(nlmsg_data(nlh),
					       nlmsg_datalen(nlh), h);
	}
	nlmsg_free(m);
	return ret;
}

TEST(an_in_place_churn_whose_held_range_translates_to_nothing_is_taken)
{
	struct reply r = { .churn = true, .churns = true, .in_place = true,
			   .xlate = HOSTGEOM_XLATE_UNMAPPED };
	struct hg_khold h;

	ASSERT_EQ(0, parse(&r, &h));
	EXPECT_TRUE(h.churn);
	EXPECT_TRUE(h.churn_in_place);
	EXPECT_FALSE(h.alloc_only);
	EXPECT_EQ(1234, h.churns);
	ASSERT_EQ(1, h.n_held);
	EXPECT_EQ(0xb8000000, h.held[0].iova);
	EXPECT_EQ(0xb81fffff, h.held[0].end);
	EXPECT_EQ(HOSTGEOM_XLATE_UNMAPPED, h.held[0].xlate);
	hg_khold_free(&h);
}

TEST(an_in_place_churn_caught_mapped_is_taken)
{
	struct reply r = { .churn = true, .churns = true, .in_place = true,
			   .xlate = HOSTGEOM_XLATE_SCRATCH };
	struct hg_khold h;

	ASSERT_EQ(0, parse(&r, &h));
	EXPECT_TRUE(h.churn_in_place);
	EXPECT_EQ(HOSTGEOM_XLATE_SCRATCH, h.held[0].xlate);
	hg_khold_free(&h);
}

TEST(a_churn_that_is_not_in_place_says_so)
{
	struct reply r = { .churn = true, .churns = true,
			   .xlate = HOSTGEOM_XLATE_SCRATCH };
	struct hg_khold h;

	ASSERT_EQ(0, parse(&r, &h));
	EXPECT_TRUE(h.churn);
	EXPECT_FALSE(h.churn_in_place);
	hg_khold_free(&h);
}

TEST(replies_the_module_never_sends_are_refused)
{
	static const struct {
		const char *what;
		struct reply r;
	} bad[] = {
		{ "in place without the churn or its count",
		  { .in_place = true } },
		{ "in place with a count but no churn",
		  { .churns = true, .in_place = true } },
		{ "in place, churning, without a count",
		  { .churn = true, .in_place = true } },
		{ "in place and allocate-only",
		  { .alloc_only = true, .churn = true, .churns = true,
		    .in_place = true } },
	};
	struct hg_khold h;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EPROTO, parse(&bad[i].r, &h)) {
			TH_LOG("%s: taken", bad[i].what);
		}
		hg_khold_free(&h);
	}
}

TEST_HARNESS_MAIN
