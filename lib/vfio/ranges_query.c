// SPDX-License-Identifier: GPL-2.0
/*
 * Which groups to ask and asking them: each group gets its own type1
 * container and its own iommufd IOAS, so that one group's answer never
 * includes another's reserved regions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/ranges_query.h>
#include <hostgeom/vfio_policy.h>

int hg_backend_parse(const char *name, unsigned int *mask, struct hg_err *err)
{
	if (!strcmp(name, "type1"))
		*mask = HG_BACKEND_TYPE1;
	else if (!strcmp(name, "iommufd"))
		*mask = HG_BACKEND_IOMMUFD;
	else if (!strcmp(name, "all"))
		*mask = HG_BACKEND_ALL;
	else
		return hg_err_set(err, -EINVAL,
				  "unknown backend '%s': use type1, iommufd or all",
				  name);
	return 0;
}

/* "4K", "2M", "8E": the binary unit that divides evenly. */
static int pgsize_name(unsigned int bit, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";

	if (bit < 10)
		return snprintf(buf, len, "%u", 1u << bit);
	return snprintf(buf, len, "%u%c", 1u << (bit % 10), units[bit / 10]);
}

/* Appends to @buf as snprintf would, counting past a full buffer. */
static size_t append(char *buf, size_t len, size_t used, const char *fmt,
		     const char *a, const char *b)
{
	return used + snprintf(buf + (used < len ? used : len),
			       used < len ? len - used : 0, fmt, a, b);
}

int hg_pgsizes_human(uint64_t pgsizes, char *buf, size_t len)
{
	char first[8], last[8];
	unsigned int bit, end;
	size_t used = 0;

	if (!pgsizes)
		return snprintf(buf, len, "none");
	if (len)
		buf[0] = '\0';
	for (bit = 0; bit < 64; bit = end + 1) {
		if (!(pgsizes >> bit & 1)) {
			end = bit;
			continue;
		}
		for (end = bit; end < 63 && pgsizes >> (end + 1) & 1; end++)
			;
		pgsize_name(bit, first, sizeof(first));
		/* More than four sizes in a row: a run, "4K+" up to 2^63. */
		if (end - bit >= 4) {
			pgsize_name(end, last, sizeof(last));
			used = append(buf, len, used, end == 63 ? "%s%s+" : "%s%s-",
				      used ? " " : "", first);
			if (end != 63)
				used = append(buf, len, used, "%s%s", "", last);
			continue;
		}
		for (; bit <= end; bit++) {
			pgsize_name(bit, first, sizeof(first));
			used = append(buf, len, used, "%s%s", used ? " " : "",
				      first);
		}
	}
	return (int)used;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The group an argument names: a group number or a device in one. */
int hg_resolve_group(const struct hg_topology *topo, const char *arg,
		     const struct hg_group **group, struct hg_err *err)
{
	unsigned long id;

	if (all_digits(arg)) {
		errno = 0;
		id = strtoul(arg, NULL, 10);
		*group = errno || id > UINT32_MAX ? NULL :
			 hg_topology_group(topo, id);
		if (!*group)
			return hg_err_set(err, -ENOENT, "no IOMMU group %s",
					  arg);
		return 0;
	}
	*group = hg_topology_find_device(topo, arg, NULL);
	if (!*group)
		return hg_err_set(err, -ENOENT,
				  "device %s is in no IOMMU group (no such device, or the IOMMU does not cover it)",
				  arg);
	return 0;
}

static void add_group(struct hg_geom_query *q, const struct hg_group *group)
{
	size_t i;

	for (i = 0; i < q->n_groups; i++)
		if (q->groups[i].group == group)
			return;
	q->groups[q->n_groups++].group = group;
}

static int select_groups(struct hg_geom_query *q, char *const *args,
			 size_t n_args, struct hg_err *err)
{
	const struct hg_group *group;
	struct hg_group_skip *skip;
	size_t i, len, max = n_args ? n_args : q->topo.n_groups;
	int ret;

	q->groups = calloc(max ? max : 1, sizeof(*q->groups));
	if (!n_args)
		q->skipped = calloc(max ? max : 1, sizeof(*q->skipped));
	if (!q->groups || (!n_args && !q->skipped))
		return hg_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < n_args; i++) {
		ret = hg_resolve_group(&q->topo, args[i], &group, err);
		if (ret)
			return ret;
		add_group(q, group);
	}
	for (i = 0; !n_args && i < q->topo.n_groups; i++) {
		group = &q->topo.groups[i];
		skip = &q->skipped[q->n_skipped];
		len = hg_group_vfio_why(group, NULL, 0);
		if (!len) {
			add_group(q, group);
			continue;
		}
		/* sized to fit: a large group's list is the point */
		skip->reason = malloc(len + 1);
		if (!skip->reason)
			return hg_err_set(err, -ENOMEM, "out of memory");
		hg_group_vfio_why(group, skip->reason, len + 1);
		skip->id = group->id;
		q->n_skipped++;
	}
	return 0;
}

static void ask_type1(const struct hg_ctx *ctx, struct hg_group_geom *g)
{
	unsigned int id = g->group->id;

	g->type1_status = hg_type1_query(ctx, &id, 1, &g->type1, &g->type1_err)
			  ? HG_STATUS_FAILED : HG_STATUS_OK;
}

static void ask_iommufd(const struct hg_ctx *ctx, struct hg_group_geom *g)
{
	const char **names;
	size_t n;
	int ret;

	n = hg_group_vfio_members(g->group, NULL, 0);
	if (!n) {
		g->iommufd_status = HG_STATUS_FAILED;
		hg_err_set(&g->iommufd_err, -ENODEV,
			   "group %u has no member bound to vfio-pci",
			   g->group->id);
		return;
	}
	names = calloc(n, sizeof(*names));
	if (!names) {
		g->iommufd_status = HG_STATUS_FAILED;
		hg_err_set(&g->iommufd_err, -ENOMEM, "out of memory");
		return;
	}
	hg_group_vfio_members(g->group, names, n);
	ret = hg_iommufd_query(ctx, names, n, &g->iommufd, &g->iommufd_err);
	free(names);
	if (!ret)
		g->iommufd_status = HG_STATUS_OK;
	else if (ret == -ENODEV || ret == -EOPNOTSUPP)
		g->iommufd_status = HG_STATUS_UNAVAILABLE;
	else
		g->iommufd_status = HG_STATUS_FAILED;
}

int hg_geom_query(const struct hg_ctx *ctx, char *const *args, size_t n_args,
		  unsigned int backends, struct hg_geom_query *out,
		  struct hg_err *err)
{
	struct hg_err why = { 0 };
	bool iommufd_there = false;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = hg_sysfs_read_topology(ctx, &out->topo, err);
	if (ret)
		return ret;
	if (!out->topo.n_groups)
		ret = hg_err_set(err, -ENOENT,
				 "no IOMMU groups in %s/kernel/iommu_groups: no IOMMU, or it is off (intel_iommu=on, amd_iommu=on)",
				 hg_ctx_sysfs(ctx));
	else
		ret = select_groups(out, args, n_args, err);
	if (ret) {
		hg_geom_query_free(out);
		return ret;
	}
	/* Ask once whether iommufd exists rather than fail every group. */
	if (backends & HG_BACKEND_IOMMUFD)
		iommufd_there = !hg_iommufd_available(ctx, &why);
	for (i = 0; i < out->n_groups; i++) {
		struct hg_group_geom *g = &out->groups[i];

		if (backends & HG_BACKEND_TYPE1)
			ask_type1(ctx, g);
		if (!(backends & HG_BACKEND_IOMMUFD))
			continue;
		if (iommufd_there) {
			ask_iommufd(ctx, g);
			continue;
		}
		g->iommufd_status = why.code == -ENODEV ? HG_STATUS_UNAVAILABLE
							: HG_STATUS_FAILED;
		g->iommufd_err = why;
	}
	return 0;
}

void hg_geom_query_free(struct hg_geom_query *query)
{
	size_t i;

	for (i = 0; i < query->n_groups; i++) {
		hg_type1_info_free(&query->groups[i].type1);
		hg_iommufd_info_free(&query->groups[i].iommufd);
	}
	free(query->groups);
	for (i = 0; i < query->n_skipped; i++)
		free(query->skipped[i].reason);
	free(query->skipped);
	hg_topology_free(&query->topo);
	memset(query, 0, sizeof(*query));
}

size_t hg_geom_answered(const struct hg_geom_query *query)
{
	size_t i, n = 0;

	for (i = 0; i < query->n_groups; i++)
		if (query->groups[i].type1_status == HG_STATUS_OK ||
		    query->groups[i].iommufd_status == HG_STATUS_OK)
			n++;
	return n;
}
