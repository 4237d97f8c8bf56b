// SPDX-License-Identifier: GPL-2.0
/*
 * The overlap case of the dma-iommu problem, at one level: a device L
 * joins an IOMMU group while another member H holds a live DMA mapping at
 * an IOVA inside a region of L's own (an RMRR, in the vtd39-rmrr rows).
 *
 * An unpatched kernel lets L join with the IOMMU DMA ops although H's IOVA
 * lies inside L's region; iommu_create_device_direct_mappings() skips the
 * pages that are mapped already, so the held IOVA keeps pointing at H's
 * buffer instead of L's identity mapping: the known problem, an expected
 * failure (XFAIL). The fix refuses L: no IOMMU DMA ops, and the kernel
 * says so ("reserved region ... overlaps N IOVA range(s) mapped for other
 * devices, first ..."); once the mapping is gone, removing and rescanning
 * L makes it join normally. HOSTGEOM_EXPECT_CARVE (bug|fixed, per VM row)
 * says which to expect, as for module_carve_test: an XPASS where the bug
 * is expected, or an XFAIL where the fix is applied, is a failure; unset,
 * what happened is reported.
 *
 * The steps, each below in the test's own words:
 *  1. GET_GROUPS: a group with members L and H, L with a region H lacks;
 *  2. remove L; give the group a new default domain of the same type,
 *     through identity (the old one remembers L: an unpatched kernel left
 *     L's direct mapping in it, which 7.3 refuses to map over, and the
 *     fix left L's region reserved, where the walk gets no IOVA);
 *  3. HOLD through H over L's region; rescan; L comes back;
 *  4. GET_GROUPS and GET_HOLD again, and the kernel log: L's group, L's
 *     IOMMU DMA ops, where the held IOVA points, the fix's message;
 *  5. RELEASE; remove L and rescan once more: L must join normally, and
 *     gets its driver back. The teardown does what the test did not get
 *     to, on every exit path.
 *
 * It removes PCI devices: it runs only in a scripts/vm-run guest
 * (HOSTGEOM_IN_VM=1), as root, with the module; elsewhere it skips.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <hostgeom/genl.h>
#include <hostgeom/kmodload.h>

#include "kselftest_harness.h"
#include "host_devices.h"
#include "module_env.h"

#define PCI_DEVICES "/sys/bus/pci/devices"
/* The fix's dev_err(), up to its numbers. */
#define FIX_MESSAGE "IOVA range(s) mapped for other devices"
/* How long L may take to come back after a rescan. */
#define COME_BACK_MS 10000

/* ------------------------------------------------------------ sysfs */

/* Writes @val to @path: 0 or -errno. */
static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	size_t n = strlen(val);

	if (fd < 0)
		return -errno;
	if (write(fd, val, n) != (ssize_t)n)
		ret = -errno;
	close(fd);
	return ret;
}

/* The first line of @path into @buf ("" when unreadable). */
static void get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static bool present(const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", bdf);
	return !stat(path, &st);
}

/* The driver @bdf is bound to into @buf, "" when none. */
static void driver_of(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(buf, len, "%s", n > 0 ? strrchr(link, '/') + 1 : "");
}

/* Waits up to @ms for @bdf to be there (with its IOMMU group) or gone. */
static bool wait_for(const char *bdf, bool want, int ms)
{
	struct timespec step = { 0, 50 * 1000 * 1000 };

	for (; ms > 0 && present(bdf) != want; ms -= 50)
		nanosleep(&step, NULL);
	return present(bdf) == want;
}

static int remove_dev(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/remove", bdf);
	return put(path, "1");
}

static int rescan(void)
{
	return put("/sys/bus/pci/rescan", "1");
}

/* ------------------------------------------------------- kernel log */

/*
 * The kernel log from a point on: /dev/kmsg read from its end, or, where
 * it cannot be opened, klogctl()'s buffer with the lines seen before.
 */
struct klog {
	int fd;
	size_t before;		/* klogctl: matching lines at the start */
};

/* How many lines of the klogctl buffer hold @a and @b; the last in @out. */
static size_t klog_matches(const char *a, const char *b, char *out,
			   size_t len)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save = NULL;
	size_t n = 0;
	int got;

	if (size <= 0 || !(buf = calloc(1, (size_t)size + 1)))
		return 0;
	got = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[got > 0 ? got : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, a) || !strstr(line, b))
			continue;
		n++;
		if (out)
			snprintf(out, len, "%s", line);
	}
	free(buf);
	return n;
}

/* From now on, for lines holding @a and @b. */
static void klog_open(struct klog *k, const char *a, const char *b)
{
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0)
		lseek(k->fd, 0, SEEK_END);
	else
		k->before = klog_matches(a, b, NULL, 0);
}

/* The last line holding @a and @b since klog_open(), into @out: true if any. */
static bool klog_find(struct klog *k, const char *a, const char *b,
		      char *out, size_t len)
{
	char rec[2048], *msg;
	bool found = false;
	ssize_t n;

	if (k->fd < 0)
		return klog_matches(a, b, out, len) > k->before;
	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		if (strstr(msg, a) && strstr(msg, b)) {
			snprintf(out, len, "%s", msg);
			found = true;
		}
	}
	return found;
}

/* ------------------------------------------------------------ groups */

static const struct hg_kdevice *find_dev(const struct hg_kgroups *gs,
					 const char *name, uint32_t *group)
{
	size_t i, j;

	for (i = 0; i < gs->n; i++)
		for (j = 0; j < gs->v[i].n_devs; j++)
			if (!strcmp(gs->v[i].devs[j].name, name)) {
				if (group)
					*group = gs->v[i].id;
				return &gs->v[i].devs[j];
			}
	return NULL;
}

static bool dev_has_overlapping(const struct hg_kdevice *d,
				const struct hg_kregion *r)
{
	size_t i;

	for (i = 0; i < d->n_resv; i++)
		if (d->resv[i].start <= r->end && d->resv[i].end >= r->start)
			return true;
	return false;
}

/* @child sits below @parent in the device tree (removing one removes it). */
static bool below(const char *child, const char *parent)
{
	char path[PATH_MAX], real[PATH_MAX], needle[80];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s", child);
	snprintf(needle, sizeof(needle), "/%s/", parent);
	return realpath(path, real) && strstr(real, needle);
}

static bool dma_domain(enum hg_domain_type type)
{
	return type == HG_DOMAIN_DMA || type == HG_DOMAIN_DMA_FQ;
}

/* L, H and L's region: what the overlap case needs. */
struct pick {
	uint32_t group;
	char l[64];
	char h[64];
	struct hg_kregion region;
};

/*
 * A direct region of L's (an RMRR: identity-mapped for L, where a page
 * of H's shows) that H has no part of and H's DMA mask reaches, in a
 * DMA-API group where H uses the IOMMU DMA ops and does not sit below L
 * (L's removal would take H too): true with it in @p. Relaxable direct regions are left
 * alone: on VT-d that is the ISA bridge's, and the bridge is better not
 * removed.
 */
static bool pick_members(const struct hg_kgroups *gs, struct pick *p)
{
	const struct hg_kdevice *l, *h;
	const struct hg_kregion *r;
	const struct hg_kgroup *g;
	size_t i, li, hi, k;

	for (i = 0; i < gs->n; i++) {
		g = &gs->v[i];
		if (!dma_domain(g->domain_type))
			continue;
		for (li = 0; li < g->n_devs; li++)
			for (hi = 0; hi < g->n_devs; hi++) {
				l = &g->devs[li];
				h = &g->devs[hi];
				if (li == hi || h->dma_iommu != 1 ||
				    below(h->name, l->name))
					continue;
				for (k = 0; k < l->n_resv; k++) {
					r = &l->resv[k];
					if (r->type != HG_RESV_DIRECT ||
					    dev_has_overlapping(h, r) ||
					    r->start > h->dma_mask)
						continue;
					p->group = g->id;
					snprintf(p->l, sizeof(p->l), "%s", l->name);
					snprintf(p->h, sizeof(p->h), "%s", h->name);
					p->region = *r;
					return true;
				}
			}
	}
	return false;
}

/* ------------------------------------------------------------ fixture */

/* Where L is: as found, removed by the test, back (joined), restored. */
enum l_state { L_AS_FOUND, L_REMOVED, L_JOINED, L_RESTORED };

FIXTURE(overlap) {
	struct hg_genl *g;
	struct hg_kgroups groups;
	struct pick p;
	char l_driver[64];	/* L's driver and driver_override, found */
	char l_override[64];
	enum l_state state;
	char type[32];		/* the group's domain type, when renewed */
	bool held;
	struct klog klog;
};

FIXTURE_SETUP(overlap)
{
	const char *vm = getenv("HOSTGEOM_IN_VM");
	char path[PATH_MAX];

	self->klog.fd = -1;
	if (!vm || strcmp(vm, "1"))
		SKIP(return, "removes and rescans PCI devices: runs only in a scripts/vm-run guest (HOSTGEOM_IN_VM=1)");
	if (geteuid())
		SKIP(return, "removes and rescans PCI devices: needs root");
	MODULE_ENV_SETUP(&self->g, &self->groups);
	if (!pick_members(&self->groups, &self->p))
		SKIP(return, "no IOMMU group with a DMA domain has a member L with a direct region of its own that another member H, using the IOMMU DMA ops, lacks (the vtd39-rmrr rows give the edu an RMRR)");
	driver_of(self->p.l, self->l_driver, sizeof(self->l_driver));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override",
		 self->p.l);
	get(path, self->l_override, sizeof(self->l_override));
	TH_LOG("group %u: L %s (driver %s) has region 0x%" PRIx64 "-0x%" PRIx64 " %s, which H %s lacks",
	       self->p.group, self->p.l,
	       self->l_driver[0] ? self->l_driver : "none",
	       self->p.region.start, self->p.region.end,
	       hg_resv_type_name(self->p.region.type), self->p.h);
}

/* Gives L back the driver it had; true when it has it. */
static bool rebind(FIXTURE_DATA(overlap) *self)
{
	char path[PATH_MAX], now[64];

	if (strcmp(self->l_override, "(null)") && self->l_override[0]) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override",
			 self->p.l);
		put(path, self->l_override);
	}
	driver_of(self->p.l, now, sizeof(now));
	if (!strcmp(now, self->l_driver))
		return true;
	if (now[0]) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind",
			 self->p.l);
		put(path, self->p.l);
	}
	if (self->l_driver[0]) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind",
			 self->l_driver);
		if (put(path, self->p.l))
			put("/sys/bus/pci/drivers_probe", self->p.l);
	}
	driver_of(self->p.l, now, sizeof(now));
	return !strcmp(now, self->l_driver);
}

/*
 * Removes L (if it is there) and rescans, so that it joins its group with
 * nothing held; 0 when it came back.
 */
static int rejoin(FIXTURE_DATA(overlap) *self)
{
	int ret;

	if (present(self->p.l)) {
		ret = remove_dev(self->p.l);
		if (ret)
			return ret;
		if (!wait_for(self->p.l, false, COME_BACK_MS))
			return -EBUSY;
	}
	ret = rescan();
	if (ret)
		return ret;
	return wait_for(self->p.l, true, COME_BACK_MS) ? 0 : -ENODEV;
}

/* What the test did not get to undo: the hold, L's absence, its driver. */
FIXTURE_TEARDOWN(overlap)
{
	struct hg_err err = { 0 };

	char path[PATH_MAX], now[32];

	if (self->held && hg_genl_release(self->g, NULL, &err) &&
	    err.code != -ENOENT)
		TH_LOG("teardown: %s", err.msg);
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/type",
		 self->p.group);
	get(path, now, sizeof(now));
	if (self->type[0] && strcmp(now, self->type)) {
		EXPECT_EQ(0, put(path, self->type)) {
			TH_LOG("teardown: group %u's domain type stays %s, not %s",
			       self->p.group, now, self->type);
		}
	}
	if (self->state == L_REMOVED || self->state == L_JOINED) {
		EXPECT_EQ(0, rejoin(self)) {
			TH_LOG("teardown: %s did not come back after a rescan",
			       self->p.l);
		}
		EXPECT_TRUE(rebind(self)) {
			TH_LOG("teardown: %s did not get its driver %s back",
			       self->p.l, self->l_driver);
		}
	}
	if (self->klog.fd >= 0)
		close(self->klog.fd);
	hg_kgroups_free(&self->groups);
	hg_genl_close(self->g);
}

/* L as GET_GROUPS shows it now: its group (0 when absent) and dma_iommu. */
static const struct hg_kdevice *look_at_l(FIXTURE_DATA(overlap) *self,
					  uint32_t *group, char *why,
					  size_t len)
{
	struct hg_err err = { 0 };

	hg_kgroups_free(&self->groups);
	if (hg_genl_groups(self->g, false, 0, &self->groups, &err)) {
		snprintf(why, len, "%s", err.msg);
		return NULL;
	}
	*group = 0;
	return find_dev(&self->groups, self->p.l, group);
}

/*
 * A new default domain for the group, of the type it has: the kernel
 * keeps the domain when asked for its own type, so through identity.
 */
static int renew_domain(uint32_t group, char *type, size_t len)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/type",
		 group);
	get(path, type, len);
	if (strcmp(type, "DMA") && strcmp(type, "DMA-FQ"))
		return -EOPNOTSUPP;
	ret = put(path, "identity");
	return put(path, type) ?: ret;
}

TEST_F_TIMEOUT(overlap, a_member_joining_over_a_live_iova_is_refused, 180)
{
	enum module_env_expectation expect = module_env_expectation();
	struct hg_hold_req req = {
		.device = self->p.h,
		.start = self->p.region.start,
		.end = self->p.region.end,
	};
	const struct hg_kdevice *l;
	struct hg_khold hold = { 0 }, after = { 0 };
	struct hg_err err = { 0 };
	uint64_t r_start = 0, r_last = 0, f_start = 0, f_last = 0;
	char line[512] = "", why[512] = "";
	uint32_t group = 0;
	unsigned int live = 0;
	bool same_group, uses_ops, refused, message, rejoined, scratch;
	int l_ops, ret;

	/* 2. L goes; the group gets a domain that never knew L. */
	klog_open(&self->klog, self->p.l, FIX_MESSAGE);
	ASSERT_EQ(0, remove_dev(self->p.l));
	self->state = L_REMOVED;
	ASSERT_TRUE(wait_for(self->p.l, false, COME_BACK_MS));
	ASSERT_TRUE(present(self->p.h)) {
		TH_LOG("removing %s took %s with it", self->p.l, self->p.h);
	}
	ret = renew_domain(self->p.group, self->type, sizeof(self->type));
	if (ret)
		SKIP(return, "cannot give group %u a new default domain (type '%s'): %s (a member's driver uses the DMA API?)",
		     self->p.group, self->type, strerror(-ret));

	/* 3. H holds an IOVA inside L's region; L comes back. */
	ASSERT_EQ(0, hg_genl_hold(self->g, &req, &hold, &err)) {
		TH_LOG("%s", err.msg);
	}
	self->held = true;
	ASSERT_LT(0, hold.n_held);
	TH_LOG("%s holds 0x%" PRIx64 "-0x%" PRIx64 " (%s) after %u maps of %" PRIu64 " KiB",
	       hold.device, hold.held[0].iova, hold.held[0].end,
	       hg_xlate_name(hold.held[0].xlate), hold.maps,
	       hold.map_size >> 10);
	EXPECT_EQ(HOSTGEOM_XLATE_SCRATCH, hold.held[0].xlate);
	ASSERT_EQ(0, rescan());
	ASSERT_TRUE(wait_for(self->p.l, true, COME_BACK_MS)) {
		TH_LOG("%s did not come back within %d ms of the rescan",
		       self->p.l, COME_BACK_MS);
	}
	self->state = L_JOINED;

	/* 4. What the join did. */
	l = look_at_l(self, &group, why, sizeof(why));
	ASSERT_NE(NULL, l) {
		TH_LOG("%s is in no group after the rescan %s", self->p.l, why);
	}
	l_ops = l->dma_iommu;
	same_group = group == self->p.group;
	ASSERT_EQ(0, hg_genl_get_hold(self->g, &after, &err)) {
		TH_LOG("%s", err.msg);
	}
	scratch = after.n_held && after.held[0].xlate == HOSTGEOM_XLATE_SCRATCH;
	message = klog_find(&self->klog, self->p.l, FIX_MESSAGE, line,
			    sizeof(line));
	TH_LOG("%s came back in group %u; IOMMU DMA ops: %s; the held IOVA 0x%" PRIx64 " translates to %s",
	       self->p.l, group,
	       l_ops < 0 ? "unknown" : l_ops ? "yes" : "no",
	       after.n_held ? after.held[0].probe : 0,
	       after.n_held ? hg_xlate_name(after.held[0].xlate) : "-");
	TH_LOG("kernel: %s", message ? line : "(no message of the fix)");
	if (message) {
		const char *m = strstr(line, "reserved region ");

		ASSERT_TRUE(m && sscanf(m, "reserved region %" SCNx64 "-%" SCNx64 " overlaps %u IOVA range(s) mapped for other devices, first %" SCNx64 "-%" SCNx64,
					&r_start, &r_last, &live, &f_start,
					&f_last) == 5);
	}

	/* 5. The hold goes; L joins again with nothing in its way. */
	ASSERT_EQ(0, hg_genl_release(self->g, NULL, &err)) {
		TH_LOG("%s", err.msg);
	}
	self->held = false;
	ASSERT_EQ(0, rejoin(self));
	l = look_at_l(self, &group, why, sizeof(why));
	ASSERT_NE(NULL, l) {
		TH_LOG("%s is in no group after the second rescan %s",
		       self->p.l, why);
	}
	rejoined = group == self->p.group && l->dma_iommu == 1;
	EXPECT_TRUE(rebind(self)) {
		TH_LOG("%s did not get its driver %s back", self->p.l,
		       self->l_driver);
	}
	self->state = L_RESTORED;
	TH_LOG("after the release and a rescan: %s in group %u, IOMMU DMA ops: %s",
	       self->p.l, group,
	       l->dma_iommu < 0 ? "unknown" : l->dma_iommu ? "yes" : "no");

	/* The verdict. */
	ASSERT_TRUE(same_group) {
		TH_LOG("%s came back in group %u, not in %s's group %u",
		       self->p.l, group, self->p.h, self->p.group);
	}
	if (l_ops < 0)
		SKIP(goto out, "this kernel does not say whether a device uses the IOMMU DMA ops (before 6.12)");
	EXPECT_TRUE(rejoined) {
		TH_LOG("once nothing was held in its region, %s did not join group %u with the IOMMU DMA ops",
		       self->p.l, self->p.group);
	}
	uses_ops = l_ops == 1;
	refused = !uses_ops && message;
	if (uses_ops) {
		/* The known problem: a live IOVA of H's inside L's region. */
		EXPECT_FALSE(message) {
			TH_LOG("the fix's message, yet %s uses the IOMMU DMA ops",
			       self->p.l);
		}
		EXPECT_NE(EXPECT_FIXED, expect) {
			TH_LOG("XFAIL where the fix is applied: %s joined over a live IOVA", self->p.l);
		}
		EXPECTED_FAILURE("%s joined group %u with the IOMMU DMA ops while %s's live IOVA 0x%" PRIx64 "-0x%" PRIx64 " lies inside its region 0x%" PRIx64 "-0x%" PRIx64 " %s, which now translates to %s",
				 self->p.l, self->p.group, self->p.h,
				 hold.held[0].iova, hold.held[0].end,
				 self->p.region.start, self->p.region.end,
				 hg_resv_type_name(self->p.region.type),
				 after.n_held ? hg_xlate_name(after.held[0].xlate) : "?");
	} else {
		EXPECT_TRUE(refused) {
			TH_LOG("%s has no IOMMU DMA ops, but the kernel did not say why (no \"%s\" message)",
			       self->p.l, FIX_MESSAGE);
		}
		/* The message names L's region and H's IOVA. */
		if (message) {
			EXPECT_EQ(self->p.region.start & ~0xfffULL, r_start);
			EXPECT_EQ(self->p.region.end | 0xfffULL, r_last);
			EXPECT_EQ(1, live);
			EXPECT_EQ(hold.held[0].iova, f_start);
			EXPECT_EQ(hold.held[0].end, f_last);
		}
		/* Refusing L left H's mapping as it was. */
		EXPECT_TRUE(scratch);
		EXPECT_NE(EXPECT_BUG, expect) {
			TH_LOG("XPASS where the bug is expected: %s was refused", self->p.l);
		}
		if (expect == EXPECT_FIXED)
			UNEXPECTED_PASS("%s was refused the IOMMU DMA ops while %s's live IOVA 0x%" PRIx64 "-0x%" PRIx64 " lay inside its region, and joined once it was gone (the kernel is fixed, as expected)",
					self->p.l, self->p.h, hold.held[0].iova,
					hold.held[0].end);
	}
out:
	hg_khold_free(&hold);
	hg_khold_free(&after);
}

/* ------------------------------------------------- HOLD on its own */

/*
 * HOLD, GET_HOLD and RELEASE without removing anything: a device of a
 * DMA-API group that uses the IOMMU DMA ops, its whole 32-bit space as
 * the target (the first mapping is inside).
 */
FIXTURE(hold) {
	struct hg_genl *g;
	struct hg_kgroups groups;
	const struct hg_kgroup *grp;
	const struct hg_kdevice *dev;
};

FIXTURE_SETUP(hold)
{
	size_t i, j;

	MODULE_ENV_SETUP(&self->g, &self->groups);
	for (i = 0; i < self->groups.n && !self->dev; i++)
		for (j = 0; j < self->groups.v[i].n_devs && !self->dev; j++)
			if (dma_domain(self->groups.v[i].domain_type) &&
			    self->groups.v[i].devs[j].dma_iommu == 1 &&
			    self->groups.v[i].devs[j].dma_mask >= 0xffffffff) {
				self->grp = &self->groups.v[i];
				self->dev = &self->groups.v[i].devs[j];
			}
	if (!self->dev)
		SKIP(return, "no device of a DMA-API group uses the IOMMU DMA ops here");
}

FIXTURE_TEARDOWN(hold)
{
	struct hg_err err = { 0 };

	if (self->g)
		hg_genl_release(self->g, NULL, &err);
	hg_kgroups_free(&self->groups);
	hg_genl_close(self->g);
}

static uint64_t live_maps(struct hg_genl *g)
{
	struct hg_kcounters c = { 0 };
	struct hg_err err = { 0 };

	hg_genl_counters(g, &c, &err);
	return c.live;
}

TEST_F(hold, holds_one_mapping_until_released)
{
	/* Every IOVA the device can get is inside: the first mapping is. */
	struct hg_hold_req req = { .device = self->dev->name, .start = 0,
				   .end = self->dev->dma_mask };
	struct hg_khold h, again, rel;
	struct hg_kcounters before, after;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, hg_genl_counters(self->g, &before, &err));
	ASSERT_EQ(0, hg_genl_hold(self->g, &req, &h, &err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_STREQ(self->dev->name, h.device);
	EXPECT_EQ(1, h.maps);
	ASSERT_EQ(1, h.n_held);
	EXPECT_EQ(2u << 20, h.map_size);
	EXPECT_EQ(HOSTGEOM_XLATE_SCRATCH, h.held[0].xlate);
	EXPECT_EQ(h.held[0].iova, h.held[0].probe);
	EXPECT_EQ(before.live + 1, live_maps(self->g));

	/* One hold at a time. */
	EXPECT_EQ(-EBUSY, hg_genl_hold(self->g, &req, &again, &err));
	EXPECT_NE(NULL, strstr(err.msg, "in place already"));
	hg_err_clear(&err);

	ASSERT_EQ(0, hg_genl_get_hold(self->g, &again, &err));
	ASSERT_EQ(1, again.n_held);
	EXPECT_EQ(h.held[0].iova, again.held[0].iova);
	EXPECT_EQ(HOSTGEOM_XLATE_SCRATCH, again.held[0].xlate);
	hg_khold_free(&again);

	ASSERT_EQ(0, hg_genl_release(self->g, &rel, &err));
	ASSERT_EQ(1, rel.n_held);
	EXPECT_EQ(h.held[0].iova, rel.held[0].iova);
	hg_khold_free(&rel);
	EXPECT_EQ(-ENOENT, hg_genl_release(self->g, NULL, &err));
	EXPECT_EQ(-ENOENT, hg_genl_get_hold(self->g, &again, &err));
	ASSERT_EQ(0, hg_genl_counters(self->g, &after, &err));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
	hg_khold_free(&h);
}

TEST_F(hold, a_target_never_reached_holds_nothing)
{
	/* The x86 MSI window is reserved for every device: never handed out. */
	struct hg_hold_req req = { .device = self->dev->name,
				   .start = HOSTGEOM_CARVE_TARGET32,
				   .end = HOSTGEOM_CARVE_TARGET32 + 0xfffff,
				   .count = 8 };
	uint64_t live = live_maps(self->g);
	struct hg_err err = { 0 };
	struct hg_khold h;
	size_t i;
	bool msi = false;

	for (i = 0; i < self->grp->n_resv; i++)
		msi |= self->grp->resv[i].start == HOSTGEOM_CARVE_TARGET32 &&
		       self->grp->resv[i].type == HG_RESV_MSI;
	if (!msi)
		SKIP(return, "group %u has no MSI window at 0x%llx",
		     self->grp->id, HOSTGEOM_CARVE_TARGET32);
	EXPECT_EQ(-ENOSPC, hg_genl_hold(self->g, &req, &h, &err));
	EXPECT_NE(NULL, strstr(err.msg, "target not reached: 8 maps")) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_NE(NULL, strstr(err.msg, "stop count"));
	EXPECT_EQ(live, live_maps(self->g));
	EXPECT_EQ(-ENOENT, hg_genl_get_hold(self->g, &h, &err));
}

TEST_F(hold, bad_requests_are_refused)
{
	struct hg_hold_req req = { .device = "0000:ff:1f.7", .start = 0,
				   .end = 0xffffffff };
	struct hg_err err = { 0 };
	struct hg_khold h;

	uint64_t live = live_maps(self->g);

	EXPECT_EQ(-ENODEV, hg_genl_hold(self->g, &req, &h, &err));
	EXPECT_NE(NULL, strstr(err.msg, "no such PCI device"));
	hg_err_clear(&err);
	req.device = self->dev->name;
	req.start = 2;
	req.end = 1;
	EXPECT_EQ(-EINVAL, hg_genl_hold(self->g, &req, &h, &err));
	EXPECT_NE(NULL, strstr(err.msg, "end is below its start"));
	hg_err_clear(&err);
	if (self->dev->dma_mask != UINT64_MAX) {
		req.start = self->dev->dma_mask + 1;
		req.end = UINT64_MAX;
		EXPECT_EQ(-ERANGE, hg_genl_hold(self->g, &req, &h, &err));
		EXPECT_NE(NULL, strstr(err.msg, "above the device's DMA limit"));
		hg_err_clear(&err);
	}
	req.start = 0;
	req.end = 0xffffffff;
	req.has_map_order = true;
	req.map_order = HOSTGEOM_CARVE_MAX_MAP_ORDER + 1;
	EXPECT_EQ(-ERANGE, hg_genl_hold(self->g, &req, &h, &err));
	hg_err_clear(&err);
	req.has_map_order = false;
	req.count = HOSTGEOM_CARVE_MAX_COUNT + 1;
	EXPECT_EQ(-ERANGE, hg_genl_hold(self->g, &req, &h, &err));
	EXPECT_EQ(live, live_maps(self->g));
	EXPECT_EQ(-ENOENT, hg_genl_get_hold(self->g, &h, &err));
}

/* Raw HOLD requests the library would not send; @arg is a device name. */
static int hold_no_end(struct nl_msg *m, void *arg)
{
	return nla_put_string(m, HOSTGEOM_A_HOLD_DEVICE, arg) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_START, 0);
}

static int hold_with_mask(struct nl_msg *m, void *arg)
{
	return hold_no_end(m, arg) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_END, 0xffffffff) ?:
	       nla_put_u8(m, HOSTGEOM_A_CARVE_MASK_BITS, 32);
}

static int hold_long_name(struct nl_msg *m, void *arg)
{
	char name[HOSTGEOM_HOLD_NAME_MAX + 8];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return nla_put_string(m, HOSTGEOM_A_HOLD_DEVICE, name) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_START, 0) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_END, 0xffffffff);
}

static int hold_unterminated(struct nl_msg *m, void *arg)
{
	return nla_put(m, HOSTGEOM_A_HOLD_DEVICE, 4, arg) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_START, 0) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_END, 0xffffffff);
}

static int any_attr(struct nl_msg *m, void *arg)
{
	return nla_put_u32(m, HOSTGEOM_A_GROUP_ID, 1);
}

TEST_F(hold, malformed_requests_are_refused)
{
	/* Each with the policy's own message (as 6.12 and 7.3 word it). */
	static const struct {
		const char *what;
		uint8_t cmd;
		int (*fill)(struct nl_msg *m, void *arg);
		const char *msg;
	} cases[] = {
		{ "hold without an end", HOSTGEOM_CMD_HOLD, hold_no_end,
		  "attribute 30 missing" },
		{ "hold with a mask", HOSTGEOM_CMD_HOLD, hold_with_mask,
		  "Unsupported attribute" },
		{ "hold with a long name", HOSTGEOM_CMD_HOLD, hold_long_name,
		  "failed policy validation" },
		{ "hold with an unterminated name", HOSTGEOM_CMD_HOLD,
		  hold_unterminated, "failed policy validation" },
		{ "release takes no attribute", HOSTGEOM_CMD_RELEASE, any_attr,
		  "Unknown attribute type" },
		{ "get_hold takes no attribute", HOSTGEOM_CMD_GET_HOLD,
		  any_attr, "Unknown attribute type" },
	};
	uint64_t live = live_maps(self->g);
	struct hg_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hg_err_clear(&err);
		EXPECT_EQ(-EINVAL, hg_genl_request(self->g, cases[i].cmd, 0,
						   cases[i].fill,
						   (void *)self->dev->name,
						   &err));
		ksft_print_msg("%s: %s\n", cases[i].what, err.msg);
		EXPECT_NE(NULL, strstr(err.msg, cases[i].msg)) {
			TH_LOG("%s: want \"%s\"", cases[i].what, cases[i].msg);
		}
	}
	EXPECT_EQ(live, live_maps(self->g));
}

static int try_hold(void *arg)
{
	struct hg_hold_req req = { .device = arg, .start = 0,
				   .end = 0xffffffff };
	struct hg_err err = { 0 };
	struct hg_genl *g;
	struct hg_khold h;
	int ret = 1;

	if (hg_genl_open(&g, &err))
		return 2;
	if (hg_genl_hold(g, &req, &h, &err) == -EPERM &&
	    hg_genl_release(g, NULL, &err) == -EPERM)
		ret = 0;
	hg_genl_close(g);
	return ret;
}

TEST_F(hold, unprivileged_callers_refused)
{
	uint64_t live = live_maps(self->g);

	EXPECT_EQ(0, module_env_unprivileged(try_hold,
					     (void *)self->dev->name));
	EXPECT_EQ(live, live_maps(self->g));
}

/* Holds through @arg's device on a socket of its own, and exits. */
static int hold_and_exit(void *arg)
{
	struct hg_hold_req req = { .device = arg, .start = 0,
				   .end = 0xffffffff };
	struct hg_err err = { 0 };
	struct hg_genl *g;
	struct hg_khold h;

	if (hg_genl_open(&g, &err) || hg_genl_hold(g, &req, &h, &err))
		return 1;
	hg_khold_free(&h);
	return 0;	/* the socket closes with the process */
}

TEST_F(hold, a_hold_ends_with_its_socket)
{
	uint64_t live = live_maps(self->g);
	struct hg_err err = { 0 };
	struct hg_khold h;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(hold_and_exit((void *)self->dev->name));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(-ENOENT, hg_genl_get_hold(self->g, &h, &err));
	EXPECT_EQ(live, live_maps(self->g));
}

/* Last: it unloads the module (and loads it again). */
TEST_F_TIMEOUT(hold, unloading_releases_the_hold, 120)
{
	struct hg_hold_req req = { .device = self->dev->name, .start = 0,
				   .end = 0xffffffff };
	struct hg_err err = { 0 };
	struct klog k = { .fd = -1 };
	char line[512] = "", name[96];
	struct hg_khold h;
	bool loaded;

	snprintf(name, sizeof(name), "%s: hostgeom: released 1", self->dev->name);
	ASSERT_EQ(0, hg_genl_hold(self->g, &req, &h, &err)) {
		TH_LOG("%s", err.msg);
	}
	hg_khold_free(&h);
	klog_open(&k, name, "(module unloading)");
	/* The socket that made the hold stays open: only the unload ends it. */
	ASSERT_EQ(0, hg_kmod_unload(&err)) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_TRUE(klog_find(&k, name, "(module unloading)", line,
			      sizeof(line))) {
		TH_LOG("no \"%s ... (module unloading)\" in the kernel log", name);
	}
	if (k.fd >= 0)
		close(k.fd);
	hg_genl_close(self->g);
	self->g = NULL;
	ASSERT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(0, hg_genl_open(&self->g, &err));
	EXPECT_EQ(0, live_maps(self->g));
}

HOST_DEVICES_MAIN(HOSTGEOM_STUB_DRIVER, true)
