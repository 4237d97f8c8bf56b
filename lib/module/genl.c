// SPDX-License-Identifier: GPL-2.0
/*
 * The "hostgeom" generic netlink family through libnl-genl-3. Replies are
 * parsed into plain structs; a reply that is not what the family promises
 * (an attribute missing or too short) is -EPROTO, never a guess. Unknown
 * attributes are ignored: a newer module may add some.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <hostgeom/genl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct hg_genl {
	struct nl_sock *sk;
	int family;
	unsigned int version;
};

/* One request's state, shared by the libnl callbacks. */
struct hg_req {
	int error;		/* negative errno the kernel answered */
	int parse_error;	/* negative errno of parsing a reply */
	bool done;
	char ext_msg[256];	/* the kernel's extended ACK message */
	uint32_t miss_type;	/* attribute the kernel found missing */
	uint16_t bad_type;	/* attribute the kernel's error points at */
	int (*parse)(struct nlattr *attrs, int len, void *arg);
	void *arg;
};

/* Appends a zeroed element to the array @arr of @n; NULL when out of memory. */
#define PUSH(arr, n) ({							\
	typeof(arr) p_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));	\
	p_ ? ((arr) = p_, memset(&p_[(n)], 0, sizeof(*p_)),		\
	      &p_[(n)++]) : NULL;					\
})

unsigned int hg_genl_version(const struct hg_genl *g)
{
	return g->version;
}

void hg_genl_close(struct hg_genl *g)
{
	if (!g)
		return;
	nl_socket_free(g->sk);
	free(g);
}

int hg_genl_open(struct hg_genl **out, struct hg_err *err)
{
	struct genl_family *fam;
	struct nl_cache *cache;
	struct hg_genl *g;
	int one = 1, ret;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g || !(g->sk = nl_socket_alloc())) {
		free(g);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = genl_connect(g->sk);
	if (ret < 0) {
		hg_genl_close(g);
		return hg_err_set(err, -EAFNOSUPPORT,
				  "cannot open a generic netlink socket (%s): the kernel lacks CONFIG_NET?",
				  nl_geterror(ret));
	}
	/* Errors carry the kernel's message; the request is not echoed. */
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* Carve replies outgrow libnl's default buffer: peek at the size. */
	nl_socket_enable_msg_peek(g->sk);

	ret = genl_ctrl_alloc_cache(g->sk, &cache);
	if (ret < 0) {
		hg_genl_close(g);
		return hg_err_set(err, -EIO,
				  "cannot list the generic netlink families: %s",
				  nl_geterror(ret));
	}
	fam = genl_ctrl_search_by_name(cache, HOSTGEOM_GENL_NAME);
	nl_cache_free(cache);
	if (!fam) {
		hg_genl_close(g);
		return hg_err_set_kind(err, HG_ERR_MODULE_NOT_LOADED, -ENOENT,
				       "the hostgeom_test module is not loaded (no generic netlink family \"%s\")",
				       HOSTGEOM_GENL_NAME);
	}
	g->family = genl_family_get_id(fam);
	g->version = genl_family_get_version(fam);
	genl_family_put(fam);
	if (g->version != HOSTGEOM_GENL_VERSION) {
		ret = hg_err_set_kind(err, HG_ERR_MODULE_VERSION, -EPROTO,
				      "the loaded hostgeom_test module speaks version %u of the \"%s\" family, this library speaks %u; unload it and load one built from the same tree",
				      g->version, HOSTGEOM_GENL_NAME,
				      HOSTGEOM_GENL_VERSION);
		hg_genl_close(g);
		return ret;
	}
	*out = g;
	return 0;
}

/* NLMSGERR_ATTR_OFFS counts from the start of the request. */
uint16_t hg_genl_bad_attr(const struct nlmsgerr *e, uint32_t len, int flags,
			  const struct nlattr *offs)
{
	const struct nlattr *bad;
	uint64_t at;

	if (!offs || nla_len(offs) != sizeof(uint32_t) ||
	    (flags & NLM_F_CAPPED) ||
	    (uint64_t)e->msg.nlmsg_len + sizeof(e->error) > len)
		return 0;
	at = nla_get_u32((struct nlattr *)offs);
	if (at < NLMSG_HDRLEN + GENL_HDRLEN ||
	    at + NLA_HDRLEN > e->msg.nlmsg_len)
		return 0;
	bad = (const struct nlattr *)((const char *)&e->msg + at);
	return bad->nla_type & NLA_TYPE_MASK;
}

/* NLMSG_ERROR: the errno, and the extended ACK attributes after it. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct hg_req *req = arg;
	size_t off = sizeof(*e);
	int len;

	(void)who;
	req->error = e->error;
	req->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(off);
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)e + NLMSG_ALIGN(off)),
				  len, NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(req->ext_msg, tb[NLMSGERR_ATTR_MSG],
			    sizeof(req->ext_msg));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) == sizeof(uint32_t))
		req->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	req->bad_type = hg_genl_bad_attr(e, nlh->nlmsg_len - NLMSG_HDRLEN,
					 nlh->nlmsg_flags,
					 tb[NLMSGERR_ATTR_OFFS]);
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct hg_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; a dump that failed carries the errno in it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct hg_req *req = arg;
	int code;

	req->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(code)) {
		memcpy(&code, nlmsg_data(nlh), sizeof(code));
		if (code < 0)
			req->error = code;
	}
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct hg_req *req = arg;

	if (!req->parse_error && req->parse)
		req->parse_error = req->parse(genlmsg_attrdata(gh, 0),
					      genlmsg_attrlen(gh, 0),
					      req->arg);
	return NL_OK;
}

static struct nl_msg *hg_genl_msg(struct hg_genl *g, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
				flags, cmd, HOSTGEOM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/*
 * Sends @msg (consumed) and hands every reply to req->parse. Returns the
 * kernel's errno, or a parsing or transport error, with @err filled in;
 * @what names the request in messages.
 */
static int hg_genl_call(struct hg_genl *g, struct nl_msg *msg,
			struct hg_req *req, const char *what,
			struct hg_err *err)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);
	char extra[320] = "";
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, req);
	ret = nl_send_auto(g->sk, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !req->done)
		ret = nl_recvmsgs(g->sk, cb);
	nl_cb_put(cb);

	if (req->error) {
		if (req->ext_msg[0])
			snprintf(extra, sizeof(extra), ": %s", req->ext_msg);
		else if (req->miss_type)
			snprintf(extra, sizeof(extra),
				 ": attribute %u missing", req->miss_type);
		if (req->error == -EPERM)
			return hg_err_set(err, -EPERM,
					  "%s needs CAP_NET_ADMIN (it maps DMA through the hostgeom_test module); run it as root",
					  what);
		return hg_err_set(err, req->error,
				  "the hostgeom_test module refused %s: %s%s",
				  what, strerror(-req->error), extra);
	}
	if (ret < 0)
		return hg_err_set(err, -EIO, "%s: netlink: %s", what,
				  nl_geterror(ret));
	if (req->parse_error == -ENOMEM)
		return hg_err_set(err, -ENOMEM, "out of memory");
	if (req->parse_error)
		return hg_err_set(err, req->parse_error,
				  "%s: the hostgeom_test module's reply is malformed (attribute missing or too short); is it the module built from this tree?",
				  what);
	return 0;
}

int hg_genl_request(struct hg_genl *g, uint8_t cmd, int flags,
		    int (*fill)(struct nl_msg *msg, void *arg), void *arg,
		    struct hg_err *err)
{
	struct nl_msg *msg = hg_genl_msg(g, cmd, flags);
	struct hg_req req = { 0 };
	char what[32];

	if (!msg)
		return hg_err_set(err, -ENOMEM, "out of memory");
	if (fill && fill(msg, arg) < 0) {
		nlmsg_free(msg);
		return hg_err_set(err, -EMSGSIZE,
				  "request attributes do not fit a message");
	}
	snprintf(what, sizeof(what), "command %u", cmd);
	return hg_genl_call(g, msg, &req, what, err);
}

/* ------------------------------------------------------------- parsing */

static struct nla_policy region_pol[HOSTGEOM_A_REGION_MAX + 1] = {
	[HOSTGEOM_A_REGION_START] = { .type = NLA_U64 },
	[HOSTGEOM_A_REGION_END] = { .type = NLA_U64 },
	[HOSTGEOM_A_REGION_TYPE] = { .type = NLA_U32 },
	[HOSTGEOM_A_REGION_PAGES_IDENTITY] = { .type = NLA_U32 },
	[HOSTGEOM_A_REGION_PAGES_UNMAPPED] = { .type = NLA_U32 },
	[HOSTGEOM_A_REGION_PAGES_FOREIGN] = { .type = NLA_U32 },
	[HOSTGEOM_A_REGION_FOREIGN_IOVA] = { .type = NLA_U64 },
	[HOSTGEOM_A_REGION_FOREIGN_PHYS] = { .type = NLA_U64 },
};

static struct nla_policy dev_pol[HOSTGEOM_A_DEV_MAX + 1] = {
	[HOSTGEOM_A_DEV_NAME] = { .type = NLA_STRING },
	[HOSTGEOM_A_DEV_BUS] = { .type = NLA_STRING },
	[HOSTGEOM_A_DEV_DRIVER] = { .type = NLA_STRING },
	[HOSTGEOM_A_DEV_STUB] = { .type = NLA_U8 },
	[HOSTGEOM_A_DEV_DMA_MASK] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEV_COHERENT_MASK] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEV_BUS_DMA_LIMIT] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEV_32BIT_FIRST] = { .type = NLA_U8 },
	[HOSTGEOM_A_DEV_RESV] = { .type = NLA_NESTED },
	[HOSTGEOM_A_DEV_DMA_IOMMU] = { .type = NLA_U8 },
};

static struct nla_policy top_pol[HOSTGEOM_A_MAX + 1] = {
	[HOSTGEOM_A_GROUP_ID] = { .type = NLA_U32 },
	[HOSTGEOM_A_DOMAIN_TYPE] = { .type = NLA_U32 },
	[HOSTGEOM_A_APERTURE_START] = { .type = NLA_U64 },
	[HOSTGEOM_A_APERTURE_END] = { .type = NLA_U64 },
	[HOSTGEOM_A_FORCE_APERTURE] = { .type = NLA_U8 },
	[HOSTGEOM_A_PGSIZE_BITMAP] = { .type = NLA_U64 },
	[HOSTGEOM_A_GROUP_RESV] = { .type = NLA_NESTED },
	[HOSTGEOM_A_DEVICE] = { .type = NLA_NESTED },
	[HOSTGEOM_A_CARVE_CANARY] = { .type = NLA_NESTED },
	[HOSTGEOM_A_CARVE_GROUP] = { .type = NLA_NESTED },
	[HOSTGEOM_A_WALK] = { .type = NLA_NESTED },
	[HOSTGEOM_A_CARVE_HITS] = { .type = NLA_U32 },
	[HOSTGEOM_A_CARVE_NS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_LIVE] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_MAPS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_UNMAPS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_MAP_FAILS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_CHECKS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_HITS] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_MASKS_CHANGED] = { .type = NLA_U64 },
	[HOSTGEOM_A_CNT_MASKS_RESTORED] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_DEVICE] = { .type = NLA_STRING },
	[HOSTGEOM_A_HOLD_START] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_END] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_MAP_SIZE] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_MAPS] = { .type = NLA_U32 },
	[HOSTGEOM_A_HOLD_RANGE] = { .type = NLA_NESTED },
	[HOSTGEOM_A_HOLD_ALLOC_ONLY] = { .type = NLA_FLAG },
	[HOSTGEOM_A_DEVICE_DMA_NAME] = { .type = NLA_STRING },
	[HOSTGEOM_A_DEVICE_DMA_IOMMU] = { .type = NLA_U8 },
	[HOSTGEOM_A_DEVICE_DMA_SRC] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEVICE_DMA_DST] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEVICE_DMA_BYTES] = { .type = NLA_U32 },
	[HOSTGEOM_A_DEVICE_DMA_OWN] = { .type = NLA_U8 },
	[HOSTGEOM_A_DEVICE_DMA_HELD] = { .type = NLA_U8 },
	[HOSTGEOM_A_DEVICE_DMA_NS] = { .type = NLA_U64 },
	[HOSTGEOM_A_DEVICE_DMA_UNTRANSLATED] = { .type = NLA_U8 },
	[HOSTGEOM_A_HOLD_UNTIL_ADDED] = { .type = NLA_STRING },
	[HOSTGEOM_A_HOLD_CHURN] = { .type = NLA_FLAG },
	[HOSTGEOM_A_HOLD_CHURNS] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_CHURN_IN_PLACE] = { .type = NLA_FLAG },
};

static struct nla_policy held_pol[HOSTGEOM_A_HELD_MAX + 1] = {
	[HOSTGEOM_A_HELD_IOVA] = { .type = NLA_U64 },
	[HOSTGEOM_A_HELD_LAST] = { .type = NLA_U64 },
	[HOSTGEOM_A_HELD_PROBE] = { .type = NLA_U64 },
	[HOSTGEOM_A_HELD_XLATE] = { .type = NLA_U32 },
};

static struct nla_policy walk_pol[HOSTGEOM_A_WALK_MAX + 1] = {
	[HOSTGEOM_A_WALK_DEVICE] = { .type = NLA_STRING },
	[HOSTGEOM_A_WALK_SKIP] = { .type = NLA_U32 },
	[HOSTGEOM_A_WALK_MAP_SIZE] = { .type = NLA_U64 },
	[HOSTGEOM_A_WALK_MAPS] = { .type = NLA_U32 },
	[HOSTGEOM_A_WALK_NS] = { .type = NLA_U64 },
	[HOSTGEOM_A_WALK_PHASE] = { .type = NLA_NESTED },
	[HOSTGEOM_A_WALK_SEGMENT] = { .type = NLA_NESTED },
	[HOSTGEOM_A_WALK_SEGMENTS_DROPPED] = { .type = NLA_U32 },
	[HOSTGEOM_A_WALK_HITS] = { .type = NLA_U32 },
	[HOSTGEOM_A_WALK_HIT] = { .type = NLA_NESTED },
	[HOSTGEOM_A_WALK_HITS_DROPPED] = { .type = NLA_U32 },
};

static struct nla_policy phase_pol[HOSTGEOM_A_PHASE_MAX + 1] = {
	[HOSTGEOM_A_PHASE_MASK_BITS] = { .type = NLA_U8 },
	[HOSTGEOM_A_PHASE_LIMIT] = { .type = NLA_U64 },
	[HOSTGEOM_A_PHASE_TARGET] = { .type = NLA_U64 },
	[HOSTGEOM_A_PHASE_MAPS] = { .type = NLA_U32 },
	[HOSTGEOM_A_PHASE_FIRST] = { .type = NLA_U64 },
	[HOSTGEOM_A_PHASE_STOP] = { .type = NLA_U32 },
};

static struct nla_policy seg_pol[HOSTGEOM_A_SEG_MAX + 1] = {
	[HOSTGEOM_A_SEG_LOW] = { .type = NLA_U64 },
	[HOSTGEOM_A_SEG_HIGH] = { .type = NLA_U64 },
	[HOSTGEOM_A_SEG_MAPS] = { .type = NLA_U32 },
	[HOSTGEOM_A_SEG_EXHAUSTED] = { .type = NLA_U8 },
};

static struct nla_policy hit_pol[HOSTGEOM_A_HIT_MAX + 1] = {
	[HOSTGEOM_A_HIT_OWNER] = { .type = NLA_STRING },
	[HOSTGEOM_A_HIT_REGION] = { .type = NLA_NESTED },
	[HOSTGEOM_A_HIT_FIRST] = { .type = NLA_U64 },
	[HOSTGEOM_A_HIT_LAST] = { .type = NLA_U64 },
	[HOSTGEOM_A_HIT_COUNT] = { .type = NLA_U32 },
};

/* True when every attribute in the zero-terminated list @ids is present. */
static bool have(struct nlattr **tb, const int *ids)
{
	for (; *ids; ids++)
		if (!tb[*ids])
			return false;
	return true;
}

/* The module's code in the library's vocabulary. */
static enum hg_resv_type resv_type(uint32_t code)
{
	switch (code) {
	case HOSTGEOM_RESV_DIRECT:
		return HG_RESV_DIRECT;
	case HOSTGEOM_RESV_DIRECT_RELAXABLE:
		return HG_RESV_DIRECT_RELAXABLE;
	case HOSTGEOM_RESV_RESERVED:
		return HG_RESV_RESERVED;
	case HOSTGEOM_RESV_MSI:
		return HG_RESV_MSI;
	case HOSTGEOM_RESV_SW_MSI:
		return HG_RESV_SW_MSI;
	case HOSTGEOM_RESV_CANARY:
		return HG_RESV_CANARY;
	}
	return HG_RESV_UNKNOWN;
}

static enum hg_domain_type domain_type(uint32_t code)
{
	switch (code) {
	case HOSTGEOM_DOMAIN_NONE:
		return HG_DOMAIN_NONE;
	case HOSTGEOM_DOMAIN_BLOCKED:
		return HG_DOMAIN_BLOCKED;
	case HOSTGEOM_DOMAIN_IDENTITY:
		return HG_DOMAIN_IDENTITY;
	case HOSTGEOM_DOMAIN_UNMANAGED:
		return HG_DOMAIN_UNMANAGED;
	case HOSTGEOM_DOMAIN_DMA:
		return HG_DOMAIN_DMA;
	case HOSTGEOM_DOMAIN_DMA_FQ:
		return HG_DOMAIN_DMA_FQ;
	case HOSTGEOM_DOMAIN_OTHER:
		return HG_DOMAIN_OTHER;
	}
	return HG_DOMAIN_UNKNOWN;
}

/*
 * A direct region's pages in its group's domain: the three counts come
 * together or not at all, and a page that translates elsewhere comes with
 * where it is and where it goes.
 */
static int parse_translation(struct nlattr **tb, struct hg_kregion *r)
{
	static const int counts[] = { HOSTGEOM_A_REGION_PAGES_IDENTITY,
		HOSTGEOM_A_REGION_PAGES_UNMAPPED,
		HOSTGEOM_A_REGION_PAGES_FOREIGN, 0 };
	static const int foreign[] = { HOSTGEOM_A_REGION_FOREIGN_IOVA,
		HOSTGEOM_A_REGION_FOREIGN_PHYS, 0 };

	if (!tb[HOSTGEOM_A_REGION_PAGES_IDENTITY] &&
	    !tb[HOSTGEOM_A_REGION_PAGES_UNMAPPED] &&
	    !tb[HOSTGEOM_A_REGION_PAGES_FOREIGN])
		return tb[HOSTGEOM_A_REGION_FOREIGN_IOVA] ? -EPROTO : 0;
	if (!have(tb, counts))
		return -EPROTO;
	r->translated = true;
	r->pages_identity = nla_get_u32(tb[HOSTGEOM_A_REGION_PAGES_IDENTITY]);
	r->pages_unmapped = nla_get_u32(tb[HOSTGEOM_A_REGION_PAGES_UNMAPPED]);
	r->pages_foreign = nla_get_u32(tb[HOSTGEOM_A_REGION_PAGES_FOREIGN]);
	if (!r->pages_foreign)
		return 0;
	if (!have(tb, foreign))
		return -EPROTO;
	r->foreign_iova = nla_get_u64(tb[HOSTGEOM_A_REGION_FOREIGN_IOVA]);
	r->foreign_phys = nla_get_u64(tb[HOSTGEOM_A_REGION_FOREIGN_PHYS]);
	return 0;
}

static int parse_region(struct nlattr *nest, struct hg_kregion *r)
{
	static const int need[] = { HOSTGEOM_A_REGION_START,
		HOSTGEOM_A_REGION_END, HOSTGEOM_A_REGION_TYPE, 0 };
	struct nlattr *tb[HOSTGEOM_A_REGION_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_REGION_MAX, nest, region_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	r->start = nla_get_u64(tb[HOSTGEOM_A_REGION_START]);
	r->end = nla_get_u64(tb[HOSTGEOM_A_REGION_END]);
	r->type = resv_type(nla_get_u32(tb[HOSTGEOM_A_REGION_TYPE]));
	if (r->start > r->end)
		return -EPROTO;
	return parse_translation(tb, r);
}

/* Appends every @type nest among [attrs, attrs + len) to @arr as regions. */
static int parse_regions(struct nlattr *attrs, int len, int type,
			 struct hg_kregion **arr, size_t *n)
{
	struct hg_kregion *r;
	struct nlattr *pos;
	int rem, ret;

	nla_for_each_attr(pos, attrs, len, rem) {
		if (nla_type(pos) != type)
			continue;
		r = PUSH(*arr, *n);
		if (!r)
			return -ENOMEM;
		ret = parse_region(pos, r);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_device(struct nlattr *nest, struct hg_kdevice *d)
{
	static const int need[] = { HOSTGEOM_A_DEV_NAME, HOSTGEOM_A_DEV_STUB,
		HOSTGEOM_A_DEV_DMA_MASK, HOSTGEOM_A_DEV_COHERENT_MASK, 0 };
	struct nlattr *tb[HOSTGEOM_A_DEV_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_DEV_MAX, nest, dev_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	nla_strlcpy(d->name, tb[HOSTGEOM_A_DEV_NAME], sizeof(d->name));
	if (tb[HOSTGEOM_A_DEV_BUS])
		nla_strlcpy(d->bus, tb[HOSTGEOM_A_DEV_BUS], sizeof(d->bus));
	if (tb[HOSTGEOM_A_DEV_DRIVER])
		nla_strlcpy(d->driver, tb[HOSTGEOM_A_DEV_DRIVER],
			    sizeof(d->driver));
	d->stub = nla_get_u8(tb[HOSTGEOM_A_DEV_STUB]);
	d->dma_mask = nla_get_u64(tb[HOSTGEOM_A_DEV_DMA_MASK]);
	d->coherent_mask = nla_get_u64(tb[HOSTGEOM_A_DEV_COHERENT_MASK]);
	if (tb[HOSTGEOM_A_DEV_BUS_DMA_LIMIT])
		d->bus_dma_limit = nla_get_u64(tb[HOSTGEOM_A_DEV_BUS_DMA_LIMIT]);
	/* The module sends 32BIT_FIRST only for devices an IOMMU probed. */
	d->has_iommu = tb[HOSTGEOM_A_DEV_32BIT_FIRST];
	d->pci_32bit_first = d->has_iommu &&
			     nla_get_u8(tb[HOSTGEOM_A_DEV_32BIT_FIRST]);
	d->dma_iommu = tb[HOSTGEOM_A_DEV_DMA_IOMMU] ?
		!!nla_get_u8(tb[HOSTGEOM_A_DEV_DMA_IOMMU]) : -1;
	return parse_regions(nla_data(nest), nla_len(nest), HOSTGEOM_A_DEV_RESV,
			     &d->resv, &d->n_resv);
}

/* A group's attributes at one level: a GET_GROUPS message, a CARVE_GROUP. */
static int parse_group(struct nlattr *attrs, int len, struct hg_kgroup *g)
{
	static const int need[] = { HOSTGEOM_A_GROUP_ID,
		HOSTGEOM_A_DOMAIN_TYPE, 0 };
	static const int geometry[] = { HOSTGEOM_A_APERTURE_START,
		HOSTGEOM_A_APERTURE_END, HOSTGEOM_A_FORCE_APERTURE,
		HOSTGEOM_A_PGSIZE_BITMAP, 0 };
	struct nlattr *tb[HOSTGEOM_A_MAX + 1], *pos;
	struct hg_kdevice *d;
	int rem, ret;

	if (nla_parse(tb, HOSTGEOM_A_MAX, attrs, len, top_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	g->id = nla_get_u32(tb[HOSTGEOM_A_GROUP_ID]);
	g->domain_type = domain_type(nla_get_u32(tb[HOSTGEOM_A_DOMAIN_TYPE]));
	g->has_geometry = have(tb, geometry);
	if (g->has_geometry) {
		g->aperture_start = nla_get_u64(tb[HOSTGEOM_A_APERTURE_START]);
		g->aperture_end = nla_get_u64(tb[HOSTGEOM_A_APERTURE_END]);
		g->force_aperture = nla_get_u8(tb[HOSTGEOM_A_FORCE_APERTURE]);
		g->pgsize_bitmap = nla_get_u64(tb[HOSTGEOM_A_PGSIZE_BITMAP]);
	}
	ret = parse_regions(attrs, len, HOSTGEOM_A_GROUP_RESV, &g->resv,
			    &g->n_resv);
	if (ret)
		return ret;
	nla_for_each_attr(pos, attrs, len, rem) {
		if (nla_type(pos) != HOSTGEOM_A_DEVICE)
			continue;
		d = PUSH(g->devs, g->n_devs);
		if (!d)
			return -ENOMEM;
		ret = parse_device(pos, d);
		if (ret)
			return ret;
	}
	return 0;
}

static void kgroup_free(struct hg_kgroup *g)
{
	size_t i;

	for (i = 0; i < g->n_devs; i++)
		free(g->devs[i].resv);
	free(g->devs);
	free(g->resv);
}

void hg_kgroups_free(struct hg_kgroups *groups)
{
	size_t i;

	for (i = 0; i < groups->n; i++)
		kgroup_free(&groups->v[i]);
	free(groups->v);
	groups->v = NULL;
	groups->n = 0;
}

static int parse_dumped_group(struct nlattr *attrs, int len, void *arg)
{
	struct hg_kgroups *out = arg;
	struct hg_kgroup *g = PUSH(out->v, out->n);

	return g ? parse_group(attrs, len, g) : -ENOMEM;
}

static int put_group_filter(struct nl_msg *msg, bool has_group, uint32_t id)
{
	return has_group ? nla_put_u32(msg, HOSTGEOM_A_GROUP_ID, id) : 0;
}

int hg_genl_groups(struct hg_genl *g, bool has_group, uint32_t group,
		   struct hg_kgroups *out, struct hg_err *err)
{
	struct hg_req req = { .parse = parse_dumped_group, .arg = out };
	struct nl_msg *msg = hg_genl_msg(g, HOSTGEOM_CMD_GET_GROUPS,
					 NLM_F_DUMP);
	int ret;

	out->v = NULL;
	out->n = 0;
	if (!msg || put_group_filter(msg, has_group, group) < 0) {
		nlmsg_free(msg);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = hg_genl_call(g, msg, &req, "the group listing (GET_GROUPS)",
			   err);
	if (!ret && has_group && !out->n)
		ret = hg_err_set(err, -ENOENT,
				 "no IOMMU group %u with a PCI member; 'hostgeom resv' lists the groups",
				 group);
	if (ret)
		hg_kgroups_free(out);
	return ret;
}

static int parse_phase(struct nlattr *nest, struct hg_carve_phase *ph)
{
	static const int need[] = { HOSTGEOM_A_PHASE_MASK_BITS,
		HOSTGEOM_A_PHASE_LIMIT, HOSTGEOM_A_PHASE_TARGET,
		HOSTGEOM_A_PHASE_MAPS, HOSTGEOM_A_PHASE_STOP, 0 };
	struct nlattr *tb[HOSTGEOM_A_PHASE_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_PHASE_MAX, nest, phase_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	ph->mask_bits = nla_get_u8(tb[HOSTGEOM_A_PHASE_MASK_BITS]);
	ph->limit = nla_get_u64(tb[HOSTGEOM_A_PHASE_LIMIT]);
	ph->target = nla_get_u64(tb[HOSTGEOM_A_PHASE_TARGET]);
	ph->maps = nla_get_u32(tb[HOSTGEOM_A_PHASE_MAPS]);
	ph->stop = nla_get_u32(tb[HOSTGEOM_A_PHASE_STOP]);
	ph->has_first = tb[HOSTGEOM_A_PHASE_FIRST];
	if (ph->has_first)
		ph->first = nla_get_u64(tb[HOSTGEOM_A_PHASE_FIRST]);
	return 0;
}

static int parse_segment(struct nlattr *nest, struct hg_carve_segment *s)
{
	static const int need[] = { HOSTGEOM_A_SEG_LOW, HOSTGEOM_A_SEG_HIGH,
		HOSTGEOM_A_SEG_MAPS, 0 };
	struct nlattr *tb[HOSTGEOM_A_SEG_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_SEG_MAX, nest, seg_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	s->low = nla_get_u64(tb[HOSTGEOM_A_SEG_LOW]);
	s->high = nla_get_u64(tb[HOSTGEOM_A_SEG_HIGH]);
	s->maps = nla_get_u32(tb[HOSTGEOM_A_SEG_MAPS]);
	s->exhausted = tb[HOSTGEOM_A_SEG_EXHAUSTED] &&
		       nla_get_u8(tb[HOSTGEOM_A_SEG_EXHAUSTED]);
	return s->low <= s->high ? 0 : -EPROTO;
}

static int parse_hit(struct nlattr *nest, struct hg_carve_hit *h)
{
	static const int need[] = { HOSTGEOM_A_HIT_OWNER,
		HOSTGEOM_A_HIT_REGION, HOSTGEOM_A_HIT_FIRST,
		HOSTGEOM_A_HIT_LAST, HOSTGEOM_A_HIT_COUNT, 0 };
	struct nlattr *tb[HOSTGEOM_A_HIT_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_HIT_MAX, nest, hit_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	nla_strlcpy(h->owner, tb[HOSTGEOM_A_HIT_OWNER], sizeof(h->owner));
	h->first = nla_get_u64(tb[HOSTGEOM_A_HIT_FIRST]);
	h->end = nla_get_u64(tb[HOSTGEOM_A_HIT_LAST]);
	h->count = nla_get_u32(tb[HOSTGEOM_A_HIT_COUNT]);
	return parse_region(tb[HOSTGEOM_A_HIT_REGION], &h->region);
}

static int parse_walk_parts(struct nlattr *nest, struct hg_carve_walk *w)
{
	struct hg_carve_segment *s;
	struct hg_carve_hit *h;
	struct nlattr *pos;
	int rem, ret = 0;

	nla_for_each_nested(pos, nest, rem) {
		switch (nla_type(pos)) {
		case HOSTGEOM_A_WALK_PHASE:
			if (w->n_phase == 2)
				return -EPROTO;
			ret = parse_phase(pos, &w->phase[w->n_phase++]);
			break;
		case HOSTGEOM_A_WALK_SEGMENT:
			s = PUSH(w->seg, w->n_seg);
			ret = s ? parse_segment(pos, s) : -ENOMEM;
			break;
		case HOSTGEOM_A_WALK_HIT:
			h = PUSH(w->hit, w->n_hit);
			ret = h ? parse_hit(pos, h) : -ENOMEM;
			break;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_walk(struct nlattr *nest, struct hg_carve_walk *w)
{
	static const int need[] = { HOSTGEOM_A_WALK_DEVICE,
		HOSTGEOM_A_WALK_SKIP, HOSTGEOM_A_WALK_MAP_SIZE,
		HOSTGEOM_A_WALK_MAPS, HOSTGEOM_A_WALK_NS,
		HOSTGEOM_A_WALK_SEGMENTS_DROPPED, HOSTGEOM_A_WALK_HITS,
		HOSTGEOM_A_WALK_HITS_DROPPED, 0 };
	struct nlattr *tb[HOSTGEOM_A_WALK_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_WALK_MAX, nest, walk_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	nla_strlcpy(w->device, tb[HOSTGEOM_A_WALK_DEVICE], sizeof(w->device));
	w->skip = nla_get_u32(tb[HOSTGEOM_A_WALK_SKIP]);
	w->map_size = nla_get_u64(tb[HOSTGEOM_A_WALK_MAP_SIZE]);
	w->maps = nla_get_u32(tb[HOSTGEOM_A_WALK_MAPS]);
	w->ns = nla_get_u64(tb[HOSTGEOM_A_WALK_NS]);
	w->segs_dropped = nla_get_u32(tb[HOSTGEOM_A_WALK_SEGMENTS_DROPPED]);
	w->hits = nla_get_u32(tb[HOSTGEOM_A_WALK_HITS]);
	w->hits_dropped = nla_get_u32(tb[HOSTGEOM_A_WALK_HITS_DROPPED]);
	return parse_walk_parts(nest, w);
}

static int parse_carve_group(struct nlattr *nest, struct hg_carve_group *cg)
{
	struct hg_carve_walk *w;
	struct nlattr *pos;
	int rem, ret;

	ret = parse_group(nla_data(nest), nla_len(nest), &cg->group);
	if (ret)
		return ret;
	nla_for_each_nested(pos, nest, rem) {
		if (nla_type(pos) != HOSTGEOM_A_WALK)
			continue;
		w = PUSH(cg->walks, cg->n_walks);
		if (!w)
			return -ENOMEM;
		ret = parse_walk(pos, w);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_carve(struct nlattr *attrs, int len, void *arg)
{
	static const int need[] = { HOSTGEOM_A_CARVE_HITS,
		HOSTGEOM_A_CARVE_NS, 0 };
	struct nlattr *tb[HOSTGEOM_A_MAX + 1], *pos;
	struct hg_carve_result *res = arg;
	struct hg_carve_group *cg;
	int rem, ret;

	if (nla_parse(tb, HOSTGEOM_A_MAX, attrs, len, top_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	res->hits = nla_get_u32(tb[HOSTGEOM_A_CARVE_HITS]);
	res->ns = nla_get_u64(tb[HOSTGEOM_A_CARVE_NS]);
	if (tb[HOSTGEOM_A_CARVE_CANARY]) {
		res->has_canary = true;
		ret = parse_region(tb[HOSTGEOM_A_CARVE_CANARY], &res->canary);
		if (ret)
			return ret;
	}
	nla_for_each_attr(pos, attrs, len, rem) {
		if (nla_type(pos) != HOSTGEOM_A_CARVE_GROUP)
			continue;
		cg = PUSH(res->groups, res->n_groups);
		if (!cg)
			return -ENOMEM;
		ret = parse_carve_group(pos, cg);
		if (ret)
			return ret;
	}
	return 0;
}

int hg_genl_parse_group_reply(void *attrs, int len, struct hg_kgroups *out)
{
	return parse_dumped_group(attrs, len, out);
}

int hg_genl_parse_carve_reply(void *attrs, int len,
			      struct hg_carve_result *out)
{
	return parse_carve(attrs, len, out);
}

void hg_carve_result_free(struct hg_carve_result *res)
{
	size_t i, j;

	for (i = 0; i < res->n_groups; i++) {
		for (j = 0; j < res->groups[i].n_walks; j++) {
			free(res->groups[i].walks[j].seg);
			free(res->groups[i].walks[j].hit);
		}
		free(res->groups[i].walks);
		kgroup_free(&res->groups[i].group);
	}
	free(res->groups);
	memset(res, 0, sizeof(*res));
}

static int put_carve_req(struct nl_msg *msg, const struct hg_carve_req *r)
{
	struct nlattr *nest;

	if ((r->has_group && nla_put_u32(msg, HOSTGEOM_A_GROUP_ID, r->group)) ||
	    (r->count && nla_put_u32(msg, HOSTGEOM_A_CARVE_COUNT, r->count)) ||
	    (r->timeout_ms && nla_put_u32(msg, HOSTGEOM_A_CARVE_TIMEOUT_MS,
					  r->timeout_ms)) ||
	    (r->mask_bits && nla_put_u8(msg, HOSTGEOM_A_CARVE_MASK_BITS,
					r->mask_bits)) ||
	    (r->has_map_order && nla_put_u8(msg, HOSTGEOM_A_CARVE_MAP_ORDER,
					    r->map_order)) ||
	    (r->has_floor && nla_put_u64(msg, HOSTGEOM_A_CARVE_FLOOR,
					 r->floor)))
		return -EMSGSIZE;
	if (!r->has_canary)
		return 0;
	nest = nla_nest_start(msg, HOSTGEOM_A_CARVE_CANARY | NLA_F_NESTED);
	if (!nest ||
	    nla_put_u64(msg, HOSTGEOM_A_REGION_START, r->canary.start) ||
	    nla_put_u64(msg, HOSTGEOM_A_REGION_END, r->canary.end))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

int hg_genl_carve(struct hg_genl *g, const struct hg_carve_req *req,
		  struct hg_carve_result *out, struct hg_err *err)
{
	struct hg_req r = { .parse = parse_carve, .arg = out };
	struct nl_msg *msg = hg_genl_msg(g, HOSTGEOM_CMD_CARVE, 0);
	int ret;

	memset(out, 0, sizeof(*out));
	if (!msg || put_carve_req(msg, req) < 0) {
		nlmsg_free(msg);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = hg_genl_call(g, msg, &r, "the carve check (CARVE)", err);
	if (ret)
		hg_carve_result_free(out);
	return ret;
}

static int parse_counters(struct nlattr *attrs, int len, void *arg)
{
	static const int need[] = { HOSTGEOM_A_CNT_LIVE, HOSTGEOM_A_CNT_MAPS,
		HOSTGEOM_A_CNT_UNMAPS, HOSTGEOM_A_CNT_MAP_FAILS,
		HOSTGEOM_A_CNT_CHECKS, HOSTGEOM_A_CNT_HITS,
		HOSTGEOM_A_CNT_MASKS_CHANGED, HOSTGEOM_A_CNT_MASKS_RESTORED, 0 };
	struct nlattr *tb[HOSTGEOM_A_MAX + 1];
	struct hg_kcounters *c = arg;

	if (nla_parse(tb, HOSTGEOM_A_MAX, attrs, len, top_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	c->live = nla_get_u64(tb[HOSTGEOM_A_CNT_LIVE]);
	c->maps = nla_get_u64(tb[HOSTGEOM_A_CNT_MAPS]);
	c->unmaps = nla_get_u64(tb[HOSTGEOM_A_CNT_UNMAPS]);
	c->map_fails = nla_get_u64(tb[HOSTGEOM_A_CNT_MAP_FAILS]);
	c->checks = nla_get_u64(tb[HOSTGEOM_A_CNT_CHECKS]);
	c->hits = nla_get_u64(tb[HOSTGEOM_A_CNT_HITS]);
	c->masks_changed = nla_get_u64(tb[HOSTGEOM_A_CNT_MASKS_CHANGED]);
	c->masks_restored = nla_get_u64(tb[HOSTGEOM_A_CNT_MASKS_RESTORED]);
	return 0;
}

int hg_genl_counters(struct hg_genl *g, struct hg_kcounters *out,
		     struct hg_err *err)
{
	struct hg_req req = { .parse = parse_counters, .arg = out };
	struct nl_msg *msg = hg_genl_msg(g, HOSTGEOM_CMD_GET_COUNTERS, 0);

	memset(out, 0, sizeof(*out));
	if (!msg)
		return hg_err_set(err, -ENOMEM, "out of memory");
	return hg_genl_call(g, msg, &req, "the counters (GET_COUNTERS)", err);
}

/* ---------------------------------------------------------------- hold */

/* One held range: inside its mapping, its probe page inside the target. */
static int parse_held(struct nlattr *nest, const struct hg_khold *h,
		      struct hg_kheld *r)
{
	static const int need[] = { HOSTGEOM_A_HELD_IOVA, HOSTGEOM_A_HELD_LAST,
		HOSTGEOM_A_HELD_PROBE, HOSTGEOM_A_HELD_XLATE, 0 };
	struct nlattr *tb[HOSTGEOM_A_HELD_MAX + 1];

	if (nla_parse_nested(tb, HOSTGEOM_A_HELD_MAX, nest, held_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	r->iova = nla_get_u64(tb[HOSTGEOM_A_HELD_IOVA]);
	r->end = nla_get_u64(tb[HOSTGEOM_A_HELD_LAST]);
	r->probe = nla_get_u64(tb[HOSTGEOM_A_HELD_PROBE]);
	r->xlate = nla_get_u32(tb[HOSTGEOM_A_HELD_XLATE]);
	/* What the family promises: one mapping, overlapping the target. */
	if (r->iova > r->end || r->end - r->iova != h->map_size - 1 ||
	    r->probe < r->iova || r->probe > r->end ||
	    r->iova > h->end || r->end < h->start)
		return -EPROTO;
	return 0;
}

/* One message per reply: a second one is not the family's. */
struct hold_parse {
	struct hg_khold *out;
	bool seen;
};

static int parse_hold(struct nlattr *attrs, int len, void *arg)
{
	static const int need[] = { HOSTGEOM_A_HOLD_DEVICE,
		HOSTGEOM_A_HOLD_START, HOSTGEOM_A_HOLD_END,
		HOSTGEOM_A_HOLD_MAP_SIZE, HOSTGEOM_A_HOLD_MAPS, 0 };
	struct nlattr *tb[HOSTGEOM_A_MAX + 1], *pos;
	struct hold_parse *hp = arg;
	struct hg_khold *h = hp->out;
	struct hg_kheld *r;
	int rem, ret;

	if (hp->seen)
		return -EPROTO;
	hp->seen = true;
	if (nla_parse(tb, HOSTGEOM_A_MAX, attrs, len, top_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	nla_strlcpy(h->device, tb[HOSTGEOM_A_HOLD_DEVICE], sizeof(h->device));
	h->start = nla_get_u64(tb[HOSTGEOM_A_HOLD_START]);
	h->end = nla_get_u64(tb[HOSTGEOM_A_HOLD_END]);
	h->map_size = nla_get_u64(tb[HOSTGEOM_A_HOLD_MAP_SIZE]);
	h->maps = nla_get_u32(tb[HOSTGEOM_A_HOLD_MAPS]);
	h->alloc_only = tb[HOSTGEOM_A_HOLD_ALLOC_ONLY] != NULL;
	h->churn = tb[HOSTGEOM_A_HOLD_CHURN] != NULL;
	h->churn_in_place = tb[HOSTGEOM_A_HOLD_CHURN_IN_PLACE] != NULL;
	if (tb[HOSTGEOM_A_HOLD_CHURNS])
		h->churns = nla_get_u64(tb[HOSTGEOM_A_HOLD_CHURNS]);
	if (tb[HOSTGEOM_A_HOLD_UNTIL_ADDED])
		nla_strlcpy(h->until_added, tb[HOSTGEOM_A_HOLD_UNTIL_ADDED],
			    sizeof(h->until_added));
	/*
	 * An in-place churn is a churn of mapped IOVAs: the module sends
	 * CHURN with it, never ALLOC_ONLY. Its held ranges may translate to
	 * nothing (UNMAPPED), as an allocate-only hold's do.
	 */
	if (!h->device[0] || h->start > h->end || !h->map_size ||
	    h->churn != (tb[HOSTGEOM_A_HOLD_CHURNS] != NULL) ||
	    (h->churn_in_place && (!h->churn || h->alloc_only)))
		return -EPROTO;
	nla_for_each_attr(pos, attrs, len, rem) {
		if (nla_type(pos) != HOSTGEOM_A_HOLD_RANGE)
			continue;
		r = PUSH(h->held, h->n_held);
		if (!r)
			return -ENOMEM;
		ret = parse_held(pos, h, r);
		if (ret)
			return ret;
	}
	/* A hold holds something, and the walk made each of its mappings. */
	return h->n_held && h->n_held <= h->maps ? 0 : -EPROTO;
}

int hg_genl_parse_hold_reply(void *attrs, int len, struct hg_khold *out)
{
	struct hold_parse hp = { .out = out };

	memset(out, 0, sizeof(*out));
	return parse_hold(attrs, len, &hp);
}

void hg_khold_free(struct hg_khold *h)
{
	free(h->held);
	memset(h, 0, sizeof(*h));
}

/* Sends @msg (consumed) and parses the one hold message it is answered with. */
static int hold_call(struct hg_genl *g, struct nl_msg *msg,
		     struct hg_khold *out, const char *what,
		     struct hg_err *err)
{
	struct hold_parse hp = { .out = out };
	struct hg_req req = { .parse = parse_hold, .arg = &hp };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = hg_genl_call(g, msg, &req, what, err);
	/*
	 * A module older than these attributes knows none past its maximum
	 * and refuses them (strict validation): EINVAL, pointing at one.
	 */
	if (ret == -EINVAL && (req.bad_type == HOSTGEOM_A_HOLD_UNTIL_ADDED ||
			       req.bad_type == HOSTGEOM_A_HOLD_CHURN ||
			       req.bad_type == HOSTGEOM_A_HOLD_CHURN_IN_PLACE))
		ret = hg_err_set(err, -EINVAL,
				 "%s: the loaded hostgeom_test module predates HOLD_UNTIL_ADDED/HOLD_CHURN/HOLD_CHURN_IN_PLACE (it refused attribute %u as unknown): rebuild it from this tree and reload it",
				 what, req.bad_type);
	if (!ret && !hp.seen)
		ret = hg_err_set(err, -EPROTO,
				 "%s: the hostgeom_test module sent no reply; is it the module built from this tree?",
				 what);
	if (ret)
		hg_khold_free(out);
	return ret;
}

static int put_hold_req(struct nl_msg *msg, const struct hg_hold_req *r)
{
	if (nla_put_string(msg, HOSTGEOM_A_HOLD_DEVICE, r->device) ||
	    nla_put_u64(msg, HOSTGEOM_A_HOLD_START, r->start) ||
	    nla_put_u64(msg, HOSTGEOM_A_HOLD_END, r->end) ||
	    (r->count && nla_put_u32(msg, HOSTGEOM_A_CARVE_COUNT, r->count)) ||
	    (r->timeout_ms && nla_put_u32(msg, HOSTGEOM_A_CARVE_TIMEOUT_MS,
					  r->timeout_ms)) ||
	    (r->has_map_order && nla_put_u8(msg, HOSTGEOM_A_CARVE_MAP_ORDER,
					    r->map_order)) ||
	    (r->alloc_only && nla_put_flag(msg, HOSTGEOM_A_HOLD_ALLOC_ONLY)) ||
	    (r->churn && nla_put_flag(msg, HOSTGEOM_A_HOLD_CHURN)) ||
	    (r->churn_in_place &&
	     nla_put_flag(msg, HOSTGEOM_A_HOLD_CHURN_IN_PLACE)) ||
	    (r->until_added &&
	     nla_put_string(msg, HOSTGEOM_A_HOLD_UNTIL_ADDED, r->until_added)))
		return -EMSGSIZE;
	return 0;
}

int hg_genl_hold(struct hg_genl *g, const struct hg_hold_req *req,
		 struct hg_khold *out, struct hg_err *err)
{
	struct nl_msg *msg;

	memset(out, 0, sizeof(*out));
	if (!req->device || !req->device[0] ||
	    strlen(req->device) >= HOSTGEOM_HOLD_NAME_MAX)
		return hg_err_set(err, -EINVAL,
				  "a hold needs a device name of 1 to %d characters",
				  HOSTGEOM_HOLD_NAME_MAX - 1);
	if (req->until_added && (!req->until_added[0] ||
	    strlen(req->until_added) >= HOSTGEOM_HOLD_NAME_MAX))
		return hg_err_set(err, -EINVAL,
				  "a hold released when a device is added needs its name, of 1 to %d characters",
				  HOSTGEOM_HOLD_NAME_MAX - 1);
	msg = hg_genl_msg(g, HOSTGEOM_CMD_HOLD, 0);
	if (!msg || put_hold_req(msg, req) < 0) {
		nlmsg_free(msg);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	return hold_call(g, msg, out, "the hold (HOLD)", err);
}

/* RELEASE or GET_HOLD, answered with the hold or ENOENT. */
static int hold_query(struct hg_genl *g, uint8_t cmd, struct hg_khold *out,
		      const char *what, struct hg_err *err)
{
	struct hg_khold tmp, *h = out ? out : &tmp;
	struct nl_msg *msg = hg_genl_msg(g, cmd, 0);
	int ret;

	if (!msg) {
		memset(h, 0, sizeof(*h));
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = hold_call(g, msg, h, what, err);
	if (!out)
		hg_khold_free(&tmp);
	return ret;
}

int hg_genl_release(struct hg_genl *g, struct hg_khold *out,
		    struct hg_err *err)
{
	return hold_query(g, HOSTGEOM_CMD_RELEASE, out,
			  "the release of the hold (RELEASE)", err);
}

int hg_genl_get_hold(struct hg_genl *g, struct hg_khold *out,
		     struct hg_err *err)
{
	return hold_query(g, HOSTGEOM_CMD_GET_HOLD, out,
			  "the hold's state (GET_HOLD)", err);
}

/* ---------------------------------------------------------- device DMA */

struct device_dma_parse {
	struct hg_kdevice_dma *out;
	bool seen;
};

static int parse_device_dma(struct nlattr *attrs, int len, void *arg)
{
	static const int need[] = { HOSTGEOM_A_DEVICE_DMA_NAME,
		HOSTGEOM_A_DEVICE_DMA_SRC, HOSTGEOM_A_DEVICE_DMA_DST,
		HOSTGEOM_A_DEVICE_DMA_BYTES, HOSTGEOM_A_DEVICE_DMA_OWN,
		HOSTGEOM_A_DEVICE_DMA_NS, 0 };
	struct nlattr *tb[HOSTGEOM_A_MAX + 1];
	struct device_dma_parse *dp = arg;
	struct hg_kdevice_dma *d = dp->out;

	if (dp->seen)
		return -EPROTO;
	dp->seen = true;
	if (nla_parse(tb, HOSTGEOM_A_MAX, attrs, len, top_pol) < 0 ||
	    !have(tb, need))
		return -EPROTO;
	nla_strlcpy(d->device, tb[HOSTGEOM_A_DEVICE_DMA_NAME],
		    sizeof(d->device));
	d->dma_iommu = tb[HOSTGEOM_A_DEVICE_DMA_IOMMU] ?
		       !!nla_get_u8(tb[HOSTGEOM_A_DEVICE_DMA_IOMMU]) : -1;
	d->src = nla_get_u64(tb[HOSTGEOM_A_DEVICE_DMA_SRC]);
	d->dst = nla_get_u64(tb[HOSTGEOM_A_DEVICE_DMA_DST]);
	d->bytes = nla_get_u32(tb[HOSTGEOM_A_DEVICE_DMA_BYTES]);
	d->own = nla_get_u8(tb[HOSTGEOM_A_DEVICE_DMA_OWN]);
	d->has_held = tb[HOSTGEOM_A_DEVICE_DMA_HELD] != NULL;
	d->held = d->has_held && nla_get_u8(tb[HOSTGEOM_A_DEVICE_DMA_HELD]);
	d->ns = nla_get_u64(tb[HOSTGEOM_A_DEVICE_DMA_NS]);
	d->has_untranslated = tb[HOSTGEOM_A_DEVICE_DMA_UNTRANSLATED] != NULL;
	d->untranslated = d->has_untranslated &&
			  nla_get_u8(tb[HOSTGEOM_A_DEVICE_DMA_UNTRANSLATED]);
	return d->device[0] && d->bytes ? 0 : -EPROTO;
}

int hg_genl_device_dma(struct hg_genl *g, const char *device, bool probe,
		       struct hg_kdevice_dma *out, struct hg_err *err)
{
	struct device_dma_parse dp = { .out = out };
	struct hg_req req = { .parse = parse_device_dma, .arg = &dp };
	const char *what = "the device's DMA (DEVICE_DMA)";
	struct nl_msg *msg;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!device || !device[0] || strlen(device) >= HOSTGEOM_HOLD_NAME_MAX)
		return hg_err_set(err, -EINVAL,
				  "a device's DMA needs a device name of 1 to %d characters",
				  HOSTGEOM_HOLD_NAME_MAX - 1);
	msg = hg_genl_msg(g, HOSTGEOM_CMD_DEVICE_DMA, 0);
	if (!msg || nla_put_string(msg, HOSTGEOM_A_DEVICE_DMA_NAME, device) ||
	    (probe && nla_put_flag(msg, HOSTGEOM_A_DEVICE_DMA_PROBE))) {
		nlmsg_free(msg);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	ret = hg_genl_call(g, msg, &req, what, err);
	if (!ret && !dp.seen)
		ret = hg_err_set(err, -EPROTO,
				 "%s: the hostgeom_test module sent no reply; is it the module built from this tree?",
				 what);
	return ret;
}
