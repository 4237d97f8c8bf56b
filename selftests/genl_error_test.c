// SPDX-License-Identifier: GPL-2.0
/*
 * Which attribute of a request the module's error points at
 * (hg_genl_bad_attr(), lib/module/genl.c), on NLMSG_ERROR payloads built
 * here: an older module refuses HOLD_UNTIL_ADDED and HOLD_CHURN as unknown
 * attributes, and hg_genl_hold() names it by the attribute the error's
 * offset points at. Runs anywhere: no module needed.
 */
#include <stdint.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>

#include <hostgeom_genl.h>

#include "module/internal.h"
#include "kselftest_harness.h"

/* An error and the request it carries: a HOLD with a device and an until. */
struct echo {
	struct nlmsgerr e;	/* error, then the request's netlink header */
	struct genlmsghdr gh;
	struct nlattr dev;
	char dev_name[16];	/* "0000:00:02.0" and padding */
	struct nlattr until;
	char until_name[16];
};

FIXTURE(error) {
	struct echo m;
	uint32_t len;		/* the error's bytes after its header */
	struct {
		struct nlattr nla;
		uint32_t at;
	} offs;
};

FIXTURE_SETUP(error)
{
	memset(&self->m, 0, sizeof(self->m));
	self->m.e.error = -22;
	self->m.e.msg.nlmsg_len = sizeof(self->m) - sizeof(int);
	self->m.gh.cmd = HOSTGEOM_CMD_HOLD;
	self->m.dev.nla_len = NLA_HDRLEN + 13;
	self->m.dev.nla_type = HOSTGEOM_A_HOLD_DEVICE;
	strcpy(self->m.dev_name, "0000:00:02.0");
	self->m.until.nla_len = NLA_HDRLEN + 13;
	self->m.until.nla_type = HOSTGEOM_A_HOLD_UNTIL_ADDED;
	strcpy(self->m.until_name, "0000:01:00.0");
	self->len = sizeof(self->m);
	self->offs.nla.nla_len = sizeof(self->offs);
	self->offs.nla.nla_type = NLMSGERR_ATTR_OFFS;
	/* From the start of the request (its netlink header). */
	self->offs.at = offsetof(struct echo, until) -
			offsetof(struct echo, e.msg);
}

FIXTURE_TEARDOWN(error)
{
}

TEST_F(error, the_offset_names_the_attribute_refused)
{
	EXPECT_EQ(HOSTGEOM_A_HOLD_UNTIL_ADDED,
		  hg_genl_bad_attr(&self->m.e, self->len, 0, &self->offs.nla));
	self->offs.at = offsetof(struct echo, dev) -
			offsetof(struct echo, e.msg);
	EXPECT_EQ(HOSTGEOM_A_HOLD_DEVICE,
		  hg_genl_bad_attr(&self->m.e, self->len, 0, &self->offs.nla));
}

TEST_F(error, no_offset_or_a_capped_copy_names_none)
{
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0, NULL));
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, NLM_F_CAPPED,
				      &self->offs.nla));
	self->offs.nla.nla_len = NLA_HDRLEN + 2;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
}

TEST_F(error, an_offset_outside_the_attributes_names_none)
{
	/* Into the headers. */
	self->offs.at = NLMSG_HDRLEN;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
	/* Past the request, or too near its end for an attribute header. */
	self->offs.at = self->m.e.msg.nlmsg_len;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
	/* A request ending 2 bytes into the until's name. */
	self->m.e.msg.nlmsg_len = offsetof(struct echo, until_name) + 2 -
				  offsetof(struct echo, e.msg);
	self->offs.at = self->m.e.msg.nlmsg_len - NLA_HDRLEN;
	EXPECT_NE(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
	self->offs.at++;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
	self->offs.at = UINT32_MAX;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
}

TEST_F(error, a_request_longer_than_the_error_names_none)
{
	/* The copy claims more bytes than the error holds. */
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len - 1, 0,
				      &self->offs.nla));
	self->m.e.msg.nlmsg_len = UINT32_MAX;
	EXPECT_EQ(0, hg_genl_bad_attr(&self->m.e, self->len, 0,
				      &self->offs.nla));
}

TEST_HARNESS_MAIN
