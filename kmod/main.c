// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom_test: the "hostgeom" generic netlink family. It lists every
 * IOMMU group member's own reserved regions, checks that dma-iommu keeps
 * all of them out of the group's IOVA allocator (the carve check), and
 * keeps IOVAs mapped through one device inside a given range (the hold),
 * and has a device DMA into its own buffers (DEVICE_DMA).
 * Documentation/genl-family.md and Documentation/module.md describe it.
 *
 * Requests are serialized by hg_lock, a mutex of this module, and the
 * family sets parallel_ops. Without parallel_ops genetlink would serialize
 * them with genl_mutex, which every generic netlink family of the system
 * shares: a carve check holds its lock for up to its timeout, and nl80211,
 * devlink or ethtool requests should not wait for it.
 *
 * A request waits for hg_lock killably, not interruptibly: genetlink
 * sends no answer at all for a handler's -EINTR (netlink_rcv_skb() takes
 * it for a dump under way), so a request that any other signal cut short
 * would leave its caller waiting forever. -EINTR is left for a caller
 * being killed, which reads no answer.
 *
 * Unloading: genl_unregister_family() waits for requests in flight
 * (genetlink holds its cb_lock around each), and hg_unloading makes a
 * running walk stop at its next mapping, so rmmod returns quickly; a dump
 * in progress holds a module reference.
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "hostgeom.h"

struct hg_counters hg_counters;
bool hg_unloading;

static DEFINE_MUTEX(hg_lock);
static struct genl_family hg_family;

/* Carve replies grow until they fit, up to this size. */
#define HG_MAX_REPLY	SZ_1M

static const struct nla_policy hg_groups_policy[HOSTGEOM_A_GROUP_ID + 1] = {
	[HOSTGEOM_A_GROUP_ID] = { .type = NLA_U32 },
};

static const struct nla_policy hg_canary_policy[HOSTGEOM_A_REGION_END + 1] = {
	[HOSTGEOM_A_REGION_START] = { .type = NLA_U64 },
	[HOSTGEOM_A_REGION_END] = { .type = NLA_U64 },
};

/* Not const: before 6.2 policies point to their ranges as non-const. */
static struct netlink_range_validation hg_count_range = {
	.min = 1,
	.max = HOSTGEOM_CARVE_MAX_COUNT,
};

static struct netlink_range_validation hg_timeout_range = {
	.min = 1,
	.max = HOSTGEOM_CARVE_MAX_TIMEOUT_MS,
};

static const struct nla_policy hg_carve_policy[HOSTGEOM_A_CARVE_CANARY + 1] = {
	[HOSTGEOM_A_GROUP_ID] = { .type = NLA_U32 },
	[HOSTGEOM_A_CARVE_COUNT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &hg_count_range),
	[HOSTGEOM_A_CARVE_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &hg_timeout_range),
	[HOSTGEOM_A_CARVE_MASK_BITS] =
		NLA_POLICY_RANGE(NLA_U8, HOSTGEOM_CARVE_MIN_MASK_BITS,
				 HOSTGEOM_CARVE_MAX_MASK_BITS),
	[HOSTGEOM_A_CARVE_MAP_ORDER] =
		NLA_POLICY_MAX(NLA_U8, HOSTGEOM_CARVE_MAX_MAP_ORDER),
	[HOSTGEOM_A_CARVE_FLOOR] = { .type = NLA_U64 },
	[HOSTGEOM_A_CARVE_CANARY] = NLA_POLICY_NESTED(hg_canary_policy),
};

static const struct nla_policy hg_hold_policy[HOSTGEOM_A_HOLD_CHURN_IN_PLACE + 1] = {
	[HOSTGEOM_A_CARVE_COUNT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &hg_count_range),
	[HOSTGEOM_A_CARVE_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &hg_timeout_range),
	[HOSTGEOM_A_CARVE_MAP_ORDER] =
		NLA_POLICY_MAX(NLA_U8, HOSTGEOM_CARVE_MAX_MAP_ORDER),
	[HOSTGEOM_A_HOLD_DEVICE] = { .type = NLA_NUL_STRING,
				     .len = HOSTGEOM_HOLD_NAME_MAX - 1 },
	[HOSTGEOM_A_HOLD_START] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_END] = { .type = NLA_U64 },
	[HOSTGEOM_A_HOLD_ALLOC_ONLY] = { .type = NLA_FLAG },
	[HOSTGEOM_A_HOLD_UNTIL_ADDED] = { .type = NLA_NUL_STRING,
					  .len = HOSTGEOM_HOLD_NAME_MAX - 1 },
	[HOSTGEOM_A_HOLD_CHURN] = { .type = NLA_FLAG },
	[HOSTGEOM_A_HOLD_CHURN_IN_PLACE] = { .type = NLA_FLAG },
};

static const struct nla_policy hg_dma_policy[HOSTGEOM_A_DEVICE_DMA_PROBE + 1] = {
	[HOSTGEOM_A_DEVICE_DMA_NAME] = { .type = NLA_NUL_STRING,
					 .len = HOSTGEOM_HOLD_NAME_MAX - 1 },
	[HOSTGEOM_A_DEVICE_DMA_PROBE] = { .type = NLA_FLAG },
};

static int hg_groups_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *filter = hg_dump_attrs(cb)[HOSTGEOM_A_GROUP_ID];
	struct hg_group_list list;
	unsigned int i, emitted = 0;
	struct hg_group_snap g;
	void *hdr;
	u32 id;
	int ret;

	if (mutex_lock_killable(&hg_lock))
		return -EINTR;
	pci_lock_rescan_remove();
	ret = hg_group_list_get(&list);
	for (i = 0; !ret && i < list.n; i++) {
		id = iommu_group_id(list.group[i]);
		/* cb->args[0]: the lowest group id not sent yet. */
		if (id < cb->args[0] || (filter && id != nla_get_u32(filter)))
			continue;
		ret = hg_group_snapshot(list.group[i], &g);
		if (ret)
			break;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &hg_family, NLM_F_MULTI,
				  HOSTGEOM_CMD_GET_GROUPS);
		if (!hdr || hg_put_group(skb, &g)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			hg_group_release(&g);
			/* Not even one group fits: it never will. */
			if (!emitted)
				ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		hg_group_release(&g);
		cb->args[0] = (unsigned long)id + 1;
		emitted++;
	}
	pci_unlock_rescan_remove();
	hg_group_list_put(&list);
	mutex_unlock(&hg_lock);
	return ret ?: skb->len;
}

static int hg_parse_canary(struct genl_info *info, struct hg_region *canary)
{
	struct nlattr *nest = info->attrs[HOSTGEOM_A_CARVE_CANARY];
	struct nlattr *tb[HOSTGEOM_A_REGION_END + 1];
	int ret;

	ret = nla_parse_nested(tb, HOSTGEOM_A_REGION_END, nest,
			       hg_canary_policy, info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, HOSTGEOM_A_REGION_START) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, HOSTGEOM_A_REGION_END))
		return -EINVAL;
	canary->start = nla_get_u64(tb[HOSTGEOM_A_REGION_START]);
	canary->end = nla_get_u64(tb[HOSTGEOM_A_REGION_END]);
	canary->type = HOSTGEOM_RESV_CANARY;
	canary->owner = HG_OWNER_CANARY;
	if (canary->start > canary->end) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[HOSTGEOM_A_REGION_END],
				    "canary end is below its start");
		return -EINVAL;
	}
	return 0;
}

/* The limits CARVE and HOLD share: their defaults, the map order checked. */
static int hg_parse_walk_limits(struct genl_info *info, u32 *count,
				u32 *timeout_ms, u8 *map_order)
{
	struct nlattr **a = info->attrs;

	*count = a[HOSTGEOM_A_CARVE_COUNT] ?
		 nla_get_u32(a[HOSTGEOM_A_CARVE_COUNT]) :
		 HOSTGEOM_CARVE_DEF_COUNT;
	*timeout_ms = a[HOSTGEOM_A_CARVE_TIMEOUT_MS] ?
		      nla_get_u32(a[HOSTGEOM_A_CARVE_TIMEOUT_MS]) :
		      HOSTGEOM_CARVE_DEF_TIMEOUT_MS;
	*map_order = a[HOSTGEOM_A_CARVE_MAP_ORDER] ?
		     nla_get_u8(a[HOSTGEOM_A_CARVE_MAP_ORDER]) :
		     HOSTGEOM_CARVE_DEF_MAP_ORDER;
	if (*map_order > HG_MAX_PAGE_ORDER) {
		HG_SET_ERR_MSG_ATTR_FMT(info->extack,
					a[HOSTGEOM_A_CARVE_MAP_ORDER],
					"map order above this kernel's limit",
					" %u",
					HG_MAX_PAGE_ORDER);
		return -ERANGE;
	}
	return 0;
}

static int hg_parse_carve(struct genl_info *info, struct hg_carve_params *p)
{
	struct nlattr **a = info->attrs;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = hg_parse_walk_limits(info, &p->count, &p->timeout_ms,
				   &p->map_order);
	if (ret)
		return ret;
	p->mask_bits = a[HOSTGEOM_A_CARVE_MASK_BITS] ?
		       nla_get_u8(a[HOSTGEOM_A_CARVE_MASK_BITS]) :
		       HOSTGEOM_CARVE_DEF_MASK_BITS;
	if (a[HOSTGEOM_A_CARVE_FLOOR]) {
		p->has_floor = true;
		p->floor = nla_get_u64(a[HOSTGEOM_A_CARVE_FLOOR]);
	}
	if (a[HOSTGEOM_A_CARVE_CANARY]) {
		p->has_canary = true;
		return hg_parse_canary(info, &p->canary);
	}
	return 0;
}

static int hg_fill_carve(struct sk_buff *msg, const struct hg_check *checks,
			 unsigned int n, const struct hg_carve_params *p,
			 u32 hits, u64 ns)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (hg_put_check(msg, &checks[i]))
			return -EMSGSIZE;
	if (nla_put_u32(msg, HOSTGEOM_A_CARVE_HITS, hits) ||
	    nla_put_u64_64bit(msg, HOSTGEOM_A_CARVE_NS, ns, HOSTGEOM_A_PAD))
		return -EMSGSIZE;
	if (p->has_canary &&
	    hg_put_region(msg, HOSTGEOM_A_CARVE_CANARY, &p->canary))
		return -EMSGSIZE;
	return 0;
}

static int hg_carve_reply(struct genl_info *info, const struct hg_check *checks,
			  unsigned int n, const struct hg_carve_params *p,
			  u32 hits, u64 ns)
{
	size_t size = SZ_16K;
	struct sk_buff *msg;
	void *hdr;

	for (;;) {
		msg = genlmsg_new(size, GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		hdr = genlmsg_put_reply(msg, info, &hg_family, 0,
					HOSTGEOM_CMD_CARVE);
		if (hdr && !hg_fill_carve(msg, checks, n, p, hits, ns)) {
			genlmsg_end(msg, hdr);
			return genlmsg_reply(msg, info);
		}
		nlmsg_free(msg);
		if (size >= HG_MAX_REPLY) {
			GENL_SET_ERR_MSG(info, "carve report too large; check one group at a time");
			return -EMSGSIZE;
		}
		size *= 4;
	}
}

/*
 * Checks the group asked for, or every group with two members or more;
 * *checks is allocated for the caller, who releases it even on failure.
 */
static int hg_carve_groups(struct hg_carve *c, struct genl_info *info,
			   struct hg_check **checks, unsigned int *n)
{
	struct nlattr *want = info->attrs[HOSTGEOM_A_GROUP_ID];
	struct hg_group_list list;
	unsigned int i;
	int ret;

	ret = hg_group_list_get(&list);
	if (ret)
		return ret;
	*checks = kcalloc(max(list.n, 1U), sizeof(**checks), GFP_KERNEL);
	if (!*checks)
		ret = -ENOMEM;
	for (i = 0; !ret && i < list.n; i++) {
		if (want ? iommu_group_id(list.group[i]) != nla_get_u32(want) :
			   hg_group_member_count(list.group[i]) < 2)
			continue;
		ret = hg_check_group(c, list.group[i], &(*checks)[*n]);
		if (!ret)
			(*n)++;
	}
	hg_group_list_put(&list);
	if (!ret && want && !*n) {
		HG_SET_ERR_MSG_ATTR_FMT(info->extack, want,
					"no such IOMMU group with a PCI member",
					": %u",
					nla_get_u32(want));
		ret = -ENOENT;
	}
	return ret;
}

static int hg_carve_doit(struct sk_buff *skb, struct genl_info *info)
{
	u64 start = ktime_get_ns();
	struct hg_check *checks = NULL;
	struct hg_carve_params p;
	struct hg_carve c = { 0 };
	unsigned int i, n = 0;
	u32 hits = 0;
	int ret;

	ret = hg_parse_carve(info, &p);
	if (ret)
		return ret;
	if (mutex_lock_killable(&hg_lock))
		return -EINTR;
	ret = hg_carve_init(&c, &p);
	if (ret) {
		HG_SET_ERR_MSG_ATTR_FMT(info->extack, NULL, "no memory",
					": %lu KiB buffer, %u handles",
					(PAGE_SIZE << p.map_order) / SZ_1K,
					p.count);
	} else {
		pci_lock_rescan_remove();
		ret = hg_carve_groups(&c, info, &checks, &n);
		pci_unlock_rescan_remove();
		hg_carve_destroy(&c);
	}
	mutex_unlock(&hg_lock);

	for (i = 0; i < n; i++)
		hits += checks[i].hits;
	if (!ret) {
		atomic64_inc(&hg_counters.checks);
		atomic64_add(hits, &hg_counters.hits);
		ret = hg_carve_reply(info, checks, n, &p, hits,
				     ktime_get_ns() - start);
	}
	for (i = 0; i < n; i++)
		hg_check_release(&checks[i]);
	kfree(checks);
	return ret;
}

static int hg_parse_hold(struct genl_info *info, struct hg_hold_params *p)
{
	struct nlattr **a = info->attrs;

	memset(p, 0, sizeof(*p));
	if (NL_REQ_ATTR_CHECK(info->extack, NULL, a, HOSTGEOM_A_HOLD_DEVICE) ||
	    NL_REQ_ATTR_CHECK(info->extack, NULL, a, HOSTGEOM_A_HOLD_START) ||
	    NL_REQ_ATTR_CHECK(info->extack, NULL, a, HOSTGEOM_A_HOLD_END))
		return -EINVAL;
	nla_strscpy(p->device, a[HOSTGEOM_A_HOLD_DEVICE], sizeof(p->device));
	p->start = nla_get_u64(a[HOSTGEOM_A_HOLD_START]);
	p->end = nla_get_u64(a[HOSTGEOM_A_HOLD_END]);
	p->alloc_only = nla_get_flag(a[HOSTGEOM_A_HOLD_ALLOC_ONLY]);
	p->in_place = nla_get_flag(a[HOSTGEOM_A_HOLD_CHURN_IN_PLACE]);
	/* An in-place churn is a churn: HOLD_CHURN may be left out. */
	p->churn = nla_get_flag(a[HOSTGEOM_A_HOLD_CHURN]) || p->in_place;
	if (a[HOSTGEOM_A_HOLD_UNTIL_ADDED])
		nla_strscpy(p->until_added, a[HOSTGEOM_A_HOLD_UNTIL_ADDED],
			    sizeof(p->until_added));
	if (p->churn && p->alloc_only) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    p->in_place ? a[HOSTGEOM_A_HOLD_CHURN_IN_PLACE] :
						  a[HOSTGEOM_A_HOLD_CHURN],
				    "a churning hold maps: not allocate-only");
		return -EINVAL;
	}
	if (p->start > p->end) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[HOSTGEOM_A_HOLD_END],
				    "target end is below its start");
		return -EINVAL;
	}
	return hg_parse_walk_limits(info, &p->count, &p->timeout_ms,
				    &p->map_order);
}

/* Replies to @info with the hold @v, as command @cmd, in @msg (consumed). */
static int hg_hold_send(struct genl_info *info, struct sk_buff *msg, u8 cmd,
			const struct hg_hold_view *v)
{
	void *hdr = genlmsg_put_reply(msg, info, &hg_family, 0, cmd);

	if (!hdr || hg_put_hold(msg, v)) {
		nlmsg_free(msg);
		GENL_SET_ERR_MSG(info, "hold report too large");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int hg_hold_reply(struct genl_info *info, u8 cmd,
			 const struct hg_hold_view *v)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	return hg_hold_send(info, msg, cmd, v);
}

/*
 * A hold the caller is not told of is undone: HOLD either replies with
 * what it holds or holds nothing.
 */
static int hg_hold_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hg_hold_view v = { 0 };
	struct hg_hold_params p;
	int ret;

	ret = hg_parse_hold(info, &p);
	if (ret)
		return ret;
	if (mutex_lock_killable(&hg_lock))
		return -EINTR;
	pci_lock_rescan_remove();
	ret = hg_hold_make(&p, info->snd_portid, &v, info->extack);
	pci_unlock_rescan_remove();
	if (!ret) {
		ret = hg_hold_reply(info, HOSTGEOM_CMD_HOLD, &v);
		if (ret)
			hg_hold_get(NULL, true, "the reply failed", NULL);
	}
	mutex_unlock(&hg_lock);
	hg_hold_view_free(&v);
	return ret;
}

/*
 * RELEASE replies with the hold as it was just before it was undone, and
 * undoes nothing when it cannot reply: the message is allocated first,
 * and hg_hold_get() releases nothing it could not describe. A RELEASE
 * that failed for want of memory leaves the hold in place, to be retried.
 * (What may still fail after the release: a hold too large for the
 * message, which one held mapping never is, and the sending itself.)
 */
static int hg_hold_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool release = info->genlhdr->cmd == HOSTGEOM_CMD_RELEASE;
	struct hg_hold_view v = { 0 };
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	if (mutex_lock_killable(&hg_lock)) {
		nlmsg_free(msg);
		return -EINTR;
	}
	ret = hg_hold_get(&v, release, "released on request", info->extack);
	mutex_unlock(&hg_lock);
	if (ret)
		nlmsg_free(msg);
	else
		ret = hg_hold_send(info, msg, info->genlhdr->cmd, &v);
	hg_hold_view_free(&v);
	return ret;
}

static int hg_device_dma_doit(struct sk_buff *skb, struct genl_info *info)
{
	char name[HOSTGEOM_HOLD_NAME_MAX];
	struct hg_device_dma r;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (NL_REQ_ATTR_CHECK(info->extack, NULL, info->attrs,
			      HOSTGEOM_A_DEVICE_DMA_NAME))
		return -EINVAL;
	nla_strscpy(name, info->attrs[HOSTGEOM_A_DEVICE_DMA_NAME],
		    sizeof(name));
	if (mutex_lock_interruptible(&hg_lock))
		return -EINTR;
	pci_lock_rescan_remove();
	ret = hg_device_dma(name,
			    nla_get_flag(info->attrs[HOSTGEOM_A_DEVICE_DMA_PROBE]),
			    &r, info->extack);
	pci_unlock_rescan_remove();
	mutex_unlock(&hg_lock);
	if (ret)
		return ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hg_family, 0,
				HOSTGEOM_CMD_DEVICE_DMA);
	if (!hdr || hg_put_device_dma(msg, &r)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int hg_counters_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hg_family, 0,
				HOSTGEOM_CMD_GET_COUNTERS);
	if (!hdr || hg_put_counters(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops hg_ops[] = {
	{
		.cmd = HOSTGEOM_CMD_GET_GROUPS,
		.dumpit = hg_groups_dumpit,
		.policy = hg_groups_policy,
		.maxattr = ARRAY_SIZE(hg_groups_policy) - 1,
	},
	{
		.cmd = HOSTGEOM_CMD_CARVE,
		.doit = hg_carve_doit,
		.flags = GENL_ADMIN_PERM,
		.policy = hg_carve_policy,
		.maxattr = ARRAY_SIZE(hg_carve_policy) - 1,
	},
	{
		.cmd = HOSTGEOM_CMD_GET_COUNTERS,
		.doit = hg_counters_doit,
	},
	{
		.cmd = HOSTGEOM_CMD_HOLD,
		.doit = hg_hold_doit,
		.flags = GENL_ADMIN_PERM,
		.policy = hg_hold_policy,
		.maxattr = ARRAY_SIZE(hg_hold_policy) - 1,
	},
	{
		.cmd = HOSTGEOM_CMD_RELEASE,
		.doit = hg_hold_get_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HOSTGEOM_CMD_GET_HOLD,
		.doit = hg_hold_get_doit,
	},
	{
		.cmd = HOSTGEOM_CMD_DEVICE_DMA,
		.doit = hg_device_dma_doit,
		.flags = GENL_ADMIN_PERM,
		.policy = hg_dma_policy,
		.maxattr = ARRAY_SIZE(hg_dma_policy) - 1,
	},
};

static struct genl_family hg_family __ro_after_init = {
	.name = HOSTGEOM_GENL_NAME,
	.version = HOSTGEOM_GENL_VERSION,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = hg_ops,
	.n_ops = ARRAY_SIZE(hg_ops),
};

static int __init hg_init(void)
{
	int ret;

	ret = pci_register_driver(&hg_stub_driver);
	if (ret)
		return ret;
	ret = hg_hold_init();
	if (ret)
		goto fail_hold;
	ret = genl_register_family(&hg_family);
	if (ret)
		goto fail_family;
	return 0;

fail_family:
	hg_hold_exit();
fail_hold:
	pci_unregister_driver(&hg_stub_driver);
	return ret;
}

static void __exit hg_exit(void)
{
	WRITE_ONCE(hg_unloading, true);
	genl_unregister_family(&hg_family);
	/* No request is in flight any more: undo the hold, if any. */
	hg_hold_exit();
	pci_unregister_driver(&hg_stub_driver);
}

module_init(hg_init);
module_exit(hg_exit);

MODULE_DESCRIPTION("hostgeom: per-device IOMMU reserved regions and the dma-iommu carve check");
MODULE_LICENSE("GPL");
MODULE_VERSION("1");
