// SPDX-License-Identifier: GPL-2.0
/*
 * The failure paths of the hostgeom_test module's generic netlink
 * commands, as the kernel's iommufd_fail_nth drives iommufd's: for each
 * command and n = 1, 2, ..., the n-th fault-injection point (a slab or
 * page allocation) that the calling thread reaches while the kernel
 * handles the request fails (/proc/thread-self/fail-nth), until a run no
 * longer reaches n of them. Every run must end in a clean answer: the
 * reply, a negative errno, or an errno of netlink itself on the socket,
 * never a hang. A run that failed must leave the module as it was: the
 * same request then succeeds, no mapping is left behind (GET_COUNTERS
 * live), and a command that makes or undoes the hold did so exactly when
 * its reply says it did.
 *
 * Then requests that meet: two walks at once, a HOLD while a walk runs,
 * a signal to a request waiting for the module's lock, rmmod during a
 * walk, the socket closed (or its process killed) during a walk, the
 * walked device removed during a walk. And last, with the module
 * unloaded, kmemleak must find nothing left.
 *
 * The kernel does the work for a netlink request in the sender's thread,
 * inside send() (and, for a dump, recv()): between arming fail-nth and
 * reading it back the test makes those system calls only, on buffers it
 * has touched before, so that the injected failure lands in the kernel's
 * handling of the request and not in a page fault of the test's own.
 *
 * It loads and unloads the module and removes PCI devices: it runs only
 * in a scripts/vm-run guest (HOSTGEOM_IN_VM=1), as root; the sweep needs
 * a kernel with CONFIG_FAILSLAB (and CONFIG_FAIL_PAGE_ALLOC), the leak
 * check CONFIG_DEBUG_KMEMLEAK: the kit's debug kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <hostgeom/genl.h>
#include <hostgeom/kmodload.h>

#include "kselftest_harness.h"
#include "host_devices.h"
#include "module_env.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define DEBUGFS		"/sys/kernel/debug/"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define KMEMLEAK	DEBUGFS "kmemleak"
#define PCI_DEVICES	"/sys/bus/pci/devices"

/*
 * Failure points per command beyond which the sweep gives up. Not a
 * limit of the module's: a kernel that allocates more on these paths
 * needs it raised.
 */
#define NTH_MAX		300
/*
 * Passes of the sweep. The points are numbered afresh in every run, and
 * not always alike: a slab refilled here (KASAN's quarantine keeps freed
 * objects from coming back at once), kmemleak's own metadata there. A
 * site one pass happens to skip, the other most likely hits.
 */
#define NTH_PASSES	2
/* Longer than any answer takes, under TCG with KASAN: a hang. */
#define ANSWER_MS	20000
/* The long walks of the concurrency cases, and how long rmmod may take. */
#define WALK_MS		2000
#define RMMOD_MAX_S	10
/* How long a removed device may take to come back after a rescan. */
#define COME_BACK_MS	10000

/* --------------------------------------------------- the environment */

/* Skips unless in a test VM, as root. */
#define NEED_VM() do {							\
	const char *vm_ = getenv("HOSTGEOM_IN_VM");			\
									\
	if (!vm_ || strcmp(vm_, "1"))					\
		SKIP(return, "unloads the module, injects faults and removes PCI devices: runs only in a scripts/vm-run guest (HOSTGEOM_IN_VM=1)"); \
	if (geteuid())							\
		SKIP(return, "needs root");				\
} while (0)

/* What the requests are about: the stub's group and one stub member. */
struct target {
	uint32_t group;
	char dev[64];
	size_t n_groups;	/* messages a whole GET_GROUPS dump sends */
};

/*
 * The stub member of group @stub that requests map through: one with a
 * DMA mask (HOLD uses it as it is) and no bus below it (the unplug case
 * removes it alone).
 */
static bool pick_target(const struct hg_kgroups *gs,
			const struct hg_kgroup *stub, struct target *t)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < stub->n_devs; i++) {
		const struct hg_kdevice *d = &stub->devs[i];

		snprintf(path, sizeof(path), PCI_DEVICES "/%s/pci_bus", d->name);
		if (!d->stub || !d->dma_mask || d->dma_iommu == 0 ||
		    !stat(path, &st))
			continue;
		t->group = stub->id;
		snprintf(t->dev, sizeof(t->dev), "%s", d->name);
		t->n_groups = gs->n;
		return true;
	}
	return false;
}

static int counters(struct hg_genl *g, struct hg_kcounters *c)
{
	struct hg_err err = { 0 };

	return hg_genl_counters(g, c, &err);
}

/* 0 when a hold is in place, -ENOENT when none, else the error. */
static int hold_state(struct hg_genl *g)
{
	struct hg_err err = { 0 };
	struct hg_khold h;
	int ret = hg_genl_get_hold(g, &h, &err);

	if (!ret)
		hg_khold_free(&h);
	return ret;
}

/* A hold through @t's device: its whole 32-bit space is the target. */
static int hold(struct hg_genl *g, const struct target *t)
{
	struct hg_hold_req req = { .device = t->dev, .start = 0,
				   .end = 0xffffffff, .count = 4 };
	struct hg_err err = { 0 };
	struct hg_khold h;
	int ret = hg_genl_hold(g, &req, &h, &err);

	if (ret)
		fprintf(stderr, "# hold: %s\n", err.msg);
	hg_khold_free(&h);
	return ret;
}

/* Undoes the hold if there is one; 0 either way. */
static int unhold(struct hg_genl *g)
{
	struct hg_err err = { 0 };
	int ret = hg_genl_release(g, NULL, &err);

	return ret == -ENOENT ? 0 : ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits up to @ms for at least @n mappings of the module's to be live. */
static bool wait_live(struct hg_genl *g, uint64_t n, int ms)
{
	struct timespec step = { 0, 10 * 1000 * 1000 };
	struct hg_kcounters c = { 0 };

	for (; ms > 0; ms -= 10) {
		if (!counters(g, &c) && c.live >= n)
			return true;
		nanosleep(&step, NULL);
	}
	return false;
}

/* ------------------------------------------------------------ sysfs */

/* Writes @val to @path: 0 or -errno. */
static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	ssize_t n = (ssize_t)strlen(val);

	if (fd < 0)
		return -errno;
	if (write(fd, val, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* The first line of @path into @buf: 0, or -errno ("" then). */
static int get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		ret = -EIO;
	fclose(f);
	return ret;
}

static bool present(const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s", bdf);
	return !stat(path, &st);
}

static bool on_stub(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	return n > 0 && !strcmp(strrchr(link, '/') + 1, HOSTGEOM_STUB_DRIVER);
}

/* Waits up to @ms for @bdf to be there with its IOMMU group, or gone. */
static bool wait_present(const char *bdf, bool want, int ms)
{
	struct timespec step = { 0, 50 * 1000 * 1000 };
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", bdf);
	for (; ms > 0 && !stat(path, &st) != want; ms -= 50)
		nanosleep(&step, NULL);
	return !stat(path, &st) == want;
}

/*
 * Brings @bdf back after a removal, bound to the stub again (a rescanned
 * device is a new one: its driver_override is gone): 0 when it is.
 */
static int give_back(const char *bdf)
{
	char path[PATH_MAX];
	int ret;

	if (!present(bdf)) {
		ret = put("/sys/bus/pci/rescan", "1");
		if (ret)
			return ret;
		if (!wait_present(bdf, true, COME_BACK_MS))
			return -ENODEV;
	}
	if (on_stub(bdf))
		return 0;
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", bdf);
	ret = put(path, HOSTGEOM_STUB_DRIVER);
	if (!ret)
		ret = put("/sys/bus/pci/drivers_probe", bdf);
	return ret ?: on_stub(bdf) ? 0 : -ENXIO;
}

/* -------------------------------------- requests by system calls only */

static int family;	/* the family's id, resolved once */

static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret = -ENOMEM;

	if (sk && !genl_connect(sk))
		ret = genl_ctrl_resolve(sk, HOSTGEOM_GENL_NAME);
	nl_socket_free(sk);
	if (ret > 0)
		family = ret;
	return ret > 0 ? 0 : -ENOENT;
}

/*
 * A netlink socket of its own for each run, bound now (binding on the
 * first send would allocate inside the window): closing it ends what the
 * run left on it (a dump netlink could not finish, which holds a module
 * reference; a hold, which the module ties to the socket).
 */
static int sock_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/* The kernel's message with an error; the request not echoed. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* A request, built before the window opens. */
struct request {
	uint8_t cmd;
	bool dump;
	uint32_t seq;
	size_t len;
	char buf[1024];
};

/* Puts a request's attributes; @arg is the caller's (a struct target). */
typedef int (*fill_fn)(struct nl_msg *m, const void *arg);

static int build(struct request *r, uint8_t cmd, bool dump, fill_fn fill,
		 const void *arg)
{
	static uint32_t seq;
	struct nl_msg *m = nlmsg_alloc();
	struct nlmsghdr *h;
	int ret = -EMSGSIZE;

	r->cmd = cmd;
	r->dump = dump;
	r->seq = ++seq;
	/* A do request is acked: the ack ends it, reply or not. */
	if (m && genlmsg_put(m, NL_AUTO_PORT, r->seq, family, 0,
			     NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK),
			     cmd, HOSTGEOM_GENL_VERSION) &&
	    (!fill || fill(m, arg) >= 0)) {
		h = nlmsg_hdr(m);
		if (h->nlmsg_len <= sizeof(r->buf)) {
			memcpy(r->buf, h, h->nlmsg_len);
			r->len = h->nlmsg_len;
			ret = 0;
		}
	}
	nlmsg_free(m);
	return ret;
}

/* How a run ended. */
struct answer {
	int error;		/* the kernel's answer: 0 or a negative errno */
	int sock_error;		/* send() or recv() failed: netlink's errno */
	bool timed_out;		/* nothing came for ANSWER_MS */
	bool done;		/* the ack, the error or the dump's end came */
	unsigned int replies;	/* messages of the family: reply, dump parts */
	char msg[128];		/* the extended ACK's message */
};

/* Touched before a window opens: no page fault inside it. */
static char rx[1 << 20];
static struct pollfd rx_poll;

/* The extended ACK's message, after the error's (capped) request. */
static void ext_msg(const struct nlmsghdr *h, struct answer *a)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *at;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	for (off = NLMSG_ALIGN(off); off + NLA_HDRLEN <= h->nlmsg_len;
	     off += NLA_ALIGN(at->nla_len)) {
		at = (const void *)((const char *)h + off);
		if (at->nla_len < NLA_HDRLEN || off + at->nla_len > h->nlmsg_len)
			return;
		if (at->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(a->msg, sizeof(a->msg), "%.*s",
				 (int)(at->nla_len - NLA_HDRLEN),
				 (const char *)at + NLA_HDRLEN);
	}
}

/* Sorts the @n bytes received into @a; stale messages are left out. */
static void take(const struct request *r, ssize_t n, struct answer *a)
{
	const struct nlmsghdr *h;
	int len = (int)n;

	for (h = (const void *)rx; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != r->seq)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR) {
			a->error = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
			ext_msg(h, a);
			a->done = true;
		} else if (h->nlmsg_type == NLMSG_DONE) {
			memcpy(&a->error, NLMSG_DATA(h), sizeof(a->error));
			a->done = true;
		} else if (h->nlmsg_type == family) {
			a->replies++;
		}
	}
}

/*
 * Sends @r on @fd and reads until its end: system calls only, on buffers
 * touched before. A netlink error on the socket (an ack or a dump part
 * netlink could not allocate) is reported before what is queued already,
 * a reply among it: that is read too. ANSWER_MS of silence is a hang.
 */
static void ask(int fd, const struct request *r, struct answer *a)
{
	ssize_t n;
	int ready;

	memset(a, 0, sizeof(*a));
	if (send(fd, r->buf, r->len, 0) < 0) {
		a->sock_error = errno;
		return;
	}
	rx_poll.fd = fd;
	rx_poll.events = POLLIN;
	while (!a->done) {
		/* After a socket error, only what is queued already. */
		ready = poll(&rx_poll, 1, a->sock_error ? 0 : ANSWER_MS);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			a->timed_out = !a->sock_error;
			return;
		}
		n = recv(fd, rx, sizeof(rx), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		    !a->sock_error)
			continue;
		if (n < 0 && (a->sock_error || errno == EAGAIN))
			return;
		if (n < 0) {
			a->sock_error = errno;
			continue;
		}
		if (n > (ssize_t)sizeof(rx)) {
			a->sock_error = EMSGSIZE;
			return;
		}
		take(r, n, a);
	}
}

/* ------------------------------------------------------------ fail-nth */

static char nth_buf[32];

/* The next fault-injection point this thread reaches, the @n-th, fails. */
static int nth_arm(int fd, unsigned int n)
{
	int len = snprintf(nth_buf, sizeof(nth_buf), "%u", n);

	return pwrite(fd, nth_buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disarms; *@reached: the count ran out, the n-th point failed. (With
 * user-copy faults injected too, the read back can be what failed.)
 */
static int nth_disarm(int fd, bool *reached)
{
	ssize_t n = pread(fd, nth_buf, sizeof(nth_buf) - 1, 0);

	*reached = n < 0 ? errno == EFAULT : nth_buf[0] == '0';
	if (pwrite(fd, "0", 1, 0) == 1 || pwrite(fd, "0", 1, 0) == 1)
		return 0;
	return -errno;
}

/*
 * The debugfs settings that make every allocation a fault-injection
 * point, as iommufd_fail_nth has them. Saved first, put back by the
 * teardown, whatever happened.
 */
static const struct {
	const char *file;
	const char *value;
} knobs[] = {
	/* Allocations that may sleep (GFP_KERNEL) can fail too. */
	{ "failslab/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	/* Single pages too (by default only order 1 and up fail). */
	{ "fail_page_alloc/min-order", "0" },
	/* No report, no stack dump on the console per failure. */
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/verbose", "0" },
};

#define N_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

struct saved_knobs {
	char value[N_KNOBS][32];
	bool set[N_KNOBS];
};

/* Sets the knobs this kernel has; -errno when one cannot be set. */
static int knobs_set(struct saved_knobs *s)
{
	char path[PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < N_KNOBS; i++) {
		snprintf(path, sizeof(path), DEBUGFS "%s", knobs[i].file);
		if (get(path, s->value[i], sizeof(s->value[i])))
			continue;	/* no fail_page_alloc: slab only */
		ret = put(path, knobs[i].value);
		if (ret)
			return ret;
		s->set[i] = true;
	}
	return 0;
}

static void knobs_restore(struct saved_knobs *s)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < N_KNOBS; i++) {
		if (!s->set[i])
			continue;
		snprintf(path, sizeof(path), DEBUGFS "%s", knobs[i].file);
		if (put(path, s->value[i]))
			fprintf(stderr, "# could not put %s back to %s\n", path,
				s->value[i]);
		s->set[i] = false;
	}
}

/* ---------------------------------------------- the sweep, per command */

/* What a command changes when it succeeds. */
enum effect {
	READS,		/* nothing: not the hold either */
	HOLDS,		/* makes the hold, exactly when its reply says so */
	RELEASES,	/* undoes the hold, exactly when its reply says so */
};

/*
 * The teardown runs in the parent process (fixture data shared): the
 * fault-injection settings go back even when the test process dies. It
 * touches nothing else: the pointers are the test process's.
 */
FIXTURE(nth) {
	struct saved_knobs knobs;
	struct hg_genl *g;	/* unarmed: counters, holds */
	struct hg_kgroups groups;
	struct target t;
	int nth_fd;
};

/*
 * One row per command of the family. A command added later gets a row
 * here (the assertion below makes sure it is not forgotten): what it
 * sends, whether a hold must be in place first, and what it changes.
 */
FIXTURE_VARIANT(nth) {
	const char *name;
	uint8_t cmd;
	bool dump;
	fill_fn fill;
	bool needs_hold;
	enum effect effect;
};

/*
 * DEVICE_DMA is left out: its allocations are a page pair and an iomap,
 * but pci_enable_device() and pci_disable_device() run ACPI's _PRT through
 * ACPICA, and a failure injected there ("ACPI Error: AE_NO_MEMORY, Could
 * not update object reference count") made ACPICA read freed memory in
 * 6.12 (KASAN: slab-use-after-free in acpi_ns_get_attached_object, from
 * acpi_pci_irq_disable()): a bug of ACPICA's, reached through the PCI
 * core, not through the module. module_overlap_test drives DEVICE_DMA.
 */
_Static_assert(HOSTGEOM_CMD_MAX == HOSTGEOM_CMD_DEVICE_DMA,
	       "a new command: give it a FIXTURE_VARIANT_ADD(nth, ...) below");

/* The whole dump: every group's snapshot, and their messages. */
FIXTURE_VARIANT_ADD(nth, get_groups) {
	.name = "GET_GROUPS",
	.cmd = HOSTGEOM_CMD_GET_GROUPS,
	.dump = true,
	.effect = READS,
};

FIXTURE_VARIANT_ADD(nth, get_counters) {
	.name = "GET_COUNTERS",
	.cmd = HOSTGEOM_CMD_GET_COUNTERS,
	.effect = READS,
};

/* A short walk: every allocation of a check, a few mappings. */
static int fill_carve(struct nl_msg *m, const void *arg)
{
	const struct target *t = arg;

	return nla_put_u32(m, HOSTGEOM_A_GROUP_ID, t->group) ?:
	       nla_put_u32(m, HOSTGEOM_A_CARVE_COUNT, 4) ?:
	       nla_put_u8(m, HOSTGEOM_A_CARVE_MASK_BITS, 32);
}

FIXTURE_VARIANT_ADD(nth, carve) {
	.name = "CARVE",
	.cmd = HOSTGEOM_CMD_CARVE,
	.fill = fill_carve,
	.effect = READS,
};

/* The first mapping lies inside the target: one mapping held. */
static int fill_hold(struct nl_msg *m, const void *arg)
{
	const struct target *t = arg;

	return nla_put_string(m, HOSTGEOM_A_HOLD_DEVICE, t->dev) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_START, 0) ?:
	       nla_put_u64(m, HOSTGEOM_A_HOLD_END, 0xffffffff) ?:
	       nla_put_u32(m, HOSTGEOM_A_CARVE_COUNT, 4);
}

FIXTURE_VARIANT_ADD(nth, hold) {
	.name = "HOLD",
	.cmd = HOSTGEOM_CMD_HOLD,
	.fill = fill_hold,
	.effect = HOLDS,
};

FIXTURE_VARIANT_ADD(nth, get_hold) {
	.name = "GET_HOLD",
	.cmd = HOSTGEOM_CMD_GET_HOLD,
	.needs_hold = true,
	.effect = READS,
};

FIXTURE_VARIANT_ADD(nth, release) {
	.name = "RELEASE",
	.cmd = HOSTGEOM_CMD_RELEASE,
	.needs_hold = true,
	.effect = RELEASES,
};

FIXTURE_SETUP(nth)
{
	const struct hg_kgroup *stub;
	struct stat st;

	self->nth_fd = -1;
	NEED_VM();
	if (stat(FAIL_NTH, &st))
		SKIP(return, "no " FAIL_NTH ": the kernel has no CONFIG_FAULT_INJECTION");
	if (stat(DEBUGFS "failslab", &st))
		SKIP(return, "no " DEBUGFS "failslab: the kernel has no CONFIG_FAILSLAB, no allocation would fail (the kit's debug kernels have it)");
	MODULE_ENV_SETUP(&self->g, &self->groups);
	stub = module_env_stub_group(&self->groups);
	MODULE_ENV_NEED_STUB(stub);
	if (!pick_target(&self->groups, stub, &self->t))
		SKIP(return, "group %u has no stub member with a DMA mask and no bus below it",
		     stub->id);
	ASSERT_EQ(0, resolve_family());
}

FIXTURE_TEARDOWN_PARENT(nth)
{
	knobs_restore(&self->knobs);
}

/* Each answer seen (an errno and the module's message), and how often. */
struct seen {
	int code[12];
	char msg[12][48];
	unsigned int n[12];
};

static void see(struct seen *s, int code, const char *msg)
{
	size_t i;

	for (i = 0; i < 12 && s->code[i] &&
	     (s->code[i] != code || strncmp(s->msg[i], msg, 47)); i++)
		;
	if (i < 12) {
		s->code[i] = code;
		snprintf(s->msg[i], sizeof(s->msg[i]), "%s", msg);
		s->n[i]++;
	}
}

/* "Cannot allocate memory (no memory for the reply) x2, ..." into @buf. */
static const char *seen_list(const struct seen *s, char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < 12 && s->code[i] && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s%s%s%s x%u",
			       i ? ", " : "", strerror(s->code[i]),
			       s->msg[i][0] ? " (" : "", s->msg[i],
			       s->msg[i][0] ? ")" : "", s->n[i]);
	return at ? buf : "none";
}

/* How the runs of one command went. */
struct tally {
	unsigned int points;	/* runs whose n-th point was reached */
	unsigned int errnos;	/* ... answered with a negative errno */
	unsigned int netlink;	/* ... failed in netlink (send, ack, dump) */
	unsigned int absorbed;	/* ... succeeded all the same */
	struct seen answered;	/* the module's (or genetlink's) errnos */
	struct seen sock;	/* netlink's, on the socket */
};

static void count(struct tally *t, const struct answer *a, bool clean)
{
	t->points++;
	if (clean) {
		t->absorbed++;
	} else if (a->sock_error) {
		t->netlink++;
		see(&t->sock, a->sock_error, "");
	} else {
		t->errnos++;
		see(&t->answered, -a->error, a->msg);
	}
}

/*
 * One run of @v's command with fail-nth armed at @n (0: not armed), on a
 * socket of its own, and what it left: the hold as the reply says, then
 * nothing (the hold undone, the socket closed), the counters as before.
 * True when the n-th point was reached; *@clean: the run succeeded.
 */
static bool run(struct __test_metadata *_metadata, FIXTURE_DATA(nth) *self,
		const FIXTURE_VARIANT(nth) *v, unsigned int n, bool *clean,
		struct answer *a)
{
	struct hg_kcounters before, after;
	bool reached = false, held;
	struct request r;
	int fd;

	ASSERT_EQ(0, counters(self->g, &before));
	if (v->needs_hold)
		ASSERT_EQ(0, hold(self->g, &self->t));
	ASSERT_EQ(0, build(&r, v->cmd, v->dump, v->fill, &self->t));
	fd = sock_open();
	ASSERT_LE(0, fd);

	if (n)
		ASSERT_EQ(0, nth_arm(self->nth_fd, n));
	ask(fd, &r, a);
	if (n)
		ASSERT_EQ(0, nth_disarm(self->nth_fd, &reached));

	ASSERT_FALSE(a->timed_out) {
		TH_LOG("n=%u: no answer within %d ms", n, ANSWER_MS);
	}
	*clean = a->done && !a->error && !a->sock_error &&
		 a->replies == (v->dump ? self->t.n_groups : 1);
	/* Not clean: an errno, of the module or of netlink, and no more. */
	EXPECT_TRUE(*clean || a->sock_error || (a->error < 0 && a->error > -4096)) {
		TH_LOG("n=%u: neither a reply nor an error: error %d, %u of %zu replies",
		       n, a->error, a->replies,
		       v->dump ? self->t.n_groups : 1);
	}

	/* The hold as the reply says, looked at before its socket goes. */
	held = !hold_state(self->g);
	if (v->effect == HOLDS)
		EXPECT_EQ(a->replies == 1, held) {
			TH_LOG("n=%u: %s, yet the hold is %s (answer %d %s)", n,
			       a->replies ? "replied" : "no reply",
			       held ? "in place" : "not in place",
			       a->error ?: -a->sock_error, a->msg);
		}
	if (v->effect == RELEASES)
		EXPECT_EQ(a->replies == 1, !held) {
			TH_LOG("n=%u: %s, yet the hold is %s (answer %d %s)", n,
			       a->replies ? "replied" : "no reply",
			       held ? "still in place" : "gone",
			       a->error ?: -a->sock_error, a->msg);
		}
	if (v->effect == READS)
		EXPECT_EQ(v->needs_hold, held) {
			TH_LOG("n=%u: a command that only reads changed the hold (answer %d %s)",
			       n, a->error ?: -a->sock_error, a->msg);
		}

	EXPECT_EQ(0, unhold(self->g));
	close(fd);
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live) {
		TH_LOG("n=%u: %" PRIu64 " mapping(s) left behind (answer %d %s)",
		       n, after.live - before.live,
		       a->error ?: -a->sock_error, a->msg);
	}
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
	EXPECT_EQ(after.masks_changed - before.masks_changed,
		  after.masks_restored - before.masks_restored);
	return reached;
}

TEST_F_TIMEOUT(nth, every_failure_is_clean_and_undone, 600)
{
	char errnos[600], sock[200];
	unsigned int n, pass, points[NTH_PASSES];
	struct tally t = { 0 };
	struct answer a;
	double start;
	bool clean;

	ASSERT_EQ(0, knobs_set(&self->knobs));
	self->nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth_fd);
	/* Every page the runs write to, written before any is armed. */
	memset(rx, 0, sizeof(rx));
	errno = 0;

	/* Not armed: the request as it is, which also warms every path up. */
	run(_metadata, self, variant, 0, &clean, &a);
	ASSERT_TRUE(clean) {
		TH_LOG("without fault injection: error %d, netlink error %d, %u replies: %s",
		       a.error, a.sock_error, a.replies, a.msg);
	}
	start = now();
	for (pass = 0; pass < NTH_PASSES; pass++) {
		for (n = 1; run(_metadata, self, variant, n, &clean, &a); n++) {
			ASSERT_GT(NTH_MAX, n) {
				TH_LOG("still failing at the %u-th point: raise NTH_MAX",
				       n);
			}
			count(&t, &a, clean);
			if (clean)
				continue;
			/* A failed run changed nothing: the same request succeeds. */
			run(_metadata, self, variant, 0, &clean, &a);
			EXPECT_TRUE(clean) {
				TH_LOG("after the failure at n=%u, the retry failed: error %d, netlink error %d, %u replies: %s",
				       n, a.error, a.sock_error, a.replies, a.msg);
			}
		}
		points[pass] = n - 1;
		EXPECT_LT(0, points[pass]);
	}
	ksft_print_msg("%s: %u failure points (%u on the second pass), %.1f s: %u answered an errno (%s), %u failed in netlink (%s), %u absorbed (the request succeeded)\n",
		       variant->name, points[0], points[NTH_PASSES - 1],
		       now() - start, t.errnos,
		       seen_list(&t.answered, errnos, sizeof(errnos)),
		       t.netlink, seen_list(&t.sock, sock, sizeof(sock)),
		       t.absorbed);
}

/* ------------------------------------------------ requests that meet */

FIXTURE(race) {
	struct hg_genl *g;
	struct hg_kgroups groups;
	struct target t;
	bool removed;		/* the unplug case took t.dev away */
};

FIXTURE_SETUP(race)
{
	const struct hg_kgroup *stub;

	NEED_VM();
	MODULE_ENV_SETUP(&self->g, &self->groups);
	stub = module_env_stub_group(&self->groups);
	MODULE_ENV_NEED_STUB(stub);
	if (!pick_target(&self->groups, stub, &self->t))
		SKIP(return, "group %u has no stub member with a DMA mask and no bus below it",
		     stub->id);
	MODULE_ENV_NEED_WALK(self->g, stub);
	ASSERT_EQ(0, resolve_family());
}

/* What a test did not get to undo: the module gone, the device away. */
FIXTURE_TEARDOWN(race)
{
	struct hg_err err = { 0 };
	bool loaded;

	if (!hg_kmod_is_loaded() &&
	    hg_kmod_load(module_env_path(), &loaded, &err))
		TH_LOG("teardown: the module did not load again: %s", err.msg);
	if (self->removed)
		EXPECT_EQ(0, give_back(self->t.dev)) {
			TH_LOG("teardown: %s is not back on %s", self->t.dev,
			       HOSTGEOM_STUB_DRIVER);
		}
	if (self->g)
		unhold(self->g);
	hg_kgroups_free(&self->groups);
	hg_genl_close(self->g);
}

/*
 * From the top of the aperture down to 4 GiB, 2 MiB at a time: far more
 * mappings than @ms allows, so the walk runs for @ms (stop "time").
 */
static struct hg_carve_req long_walk(uint32_t group, uint32_t ms)
{
	return (struct hg_carve_req){ .has_group = true, .group = group,
				      .mask_bits = 64,
				      .count = HOSTGEOM_CARVE_MAX_COUNT,
				      .timeout_ms = ms, .has_floor = true,
				      .floor = 1ULL << 32 };
}

/*
 * A long walk ran its course: its time was up, or, on a fast host, the
 * aperture was used up first (a 39-bit one is 2^18 mappings of 2 MiB).
 */
static bool ran_its_course(uint32_t stop)
{
	return stop == HOSTGEOM_STOP_TIME || stop == HOSTGEOM_STOP_MAP_FAILED;
}

/*
 * A walk of at most 8 mappings with a 32-bit mask ran as it should: its
 * count stopped it, or it got below the MSI window first (9 mappings
 * from the top when nothing else is mapped there, fewer when something
 * is).
 */
static bool short_walk_done(uint32_t stop, uint32_t maps)
{
	return maps > 0 && maps <= 8 &&
	       (stop == HOSTGEOM_STOP_COUNT || stop == HOSTGEOM_STOP_TARGET);
}

/* A CARVE in a thread, on a socket of its own; what it got and when. */
struct walker {
	pthread_t thread;
	struct hg_carve_req req;
	int ret;
	uint32_t stop;		/* its walk's last phase's stop reason */
	uint32_t maps;
	uint64_t ns;		/* the request's time, as the module says */
	double start, end;
	char msg[512];
};

static void *walk_thread(void *arg)
{
	struct walker *w = arg;
	struct hg_err err = { 0 };
	struct hg_carve_result res;
	const struct hg_carve_walk *cw;
	struct hg_genl *g;

	w->start = now();
	w->ret = hg_genl_open(&g, &err);
	if (!w->ret) {
		w->ret = hg_genl_carve(g, &w->req, &res, &err);
		hg_genl_close(g);
	}
	w->end = now();
	snprintf(w->msg, sizeof(w->msg), "%s", err.msg);
	if (w->ret)
		return NULL;
	w->ns = res.ns;
	if (res.n_groups && res.groups[0].n_walks) {
		cw = &res.groups[0].walks[0];
		w->maps = cw->maps;
		w->stop = cw->n_phase ? cw->phase[cw->n_phase - 1].stop : 0;
	}
	hg_carve_result_free(&res);
	return NULL;
}

static int walker_start(struct walker *w, struct hg_carve_req req)
{
	memset(w, 0, sizeof(*w));
	w->req = req;
	return -pthread_create(&w->thread, NULL, walk_thread, w);
}

/* A CARVE request's attributes: @arg is its struct hg_carve_req. */
static int fill_carve_req(struct nl_msg *m, const void *arg)
{
	const struct hg_carve_req *req = arg;

	return nla_put_u32(m, HOSTGEOM_A_GROUP_ID, req->group) ?:
	       nla_put_u32(m, HOSTGEOM_A_CARVE_COUNT, req->count) ?:
	       (req->timeout_ms ?
		nla_put_u32(m, HOSTGEOM_A_CARVE_TIMEOUT_MS, req->timeout_ms) : 0) ?:
	       nla_put_u8(m, HOSTGEOM_A_CARVE_MASK_BITS, req->mask_bits) ?:
	       (req->has_floor ?
		nla_put_u64(m, HOSTGEOM_A_CARVE_FLOOR, req->floor) : 0);
}

/*
 * A request in a thread, on a socket of its own, by ask(): its answer
 * comes within ANSWER_MS or it is a hang (timed_out).
 */
struct asker {
	pthread_t thread;
	int fd;
	struct request r;
	struct answer a;
	double start, end;
};

static void *ask_thread(void *arg)
{
	struct asker *k = arg;

	k->start = now();
	ask(k->fd, &k->r, &k->a);
	k->end = now();
	return NULL;
}

static int asker_start(struct asker *k, uint8_t cmd, fill_fn fill,
		       const void *arg)
{
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = sock_open();
	if (k->fd < 0)
		return k->fd;
	ret = build(&k->r, cmd, false, fill, arg);
	if (!ret)
		ret = -pthread_create(&k->thread, NULL, ask_thread, k);
	if (ret)
		close(k->fd);
	return ret;
}

/* Waits for @k's answer and closes its socket (ending a hold it made). */
static void asker_end(struct asker *k)
{
	pthread_join(k->thread, NULL);
	close(k->fd);
}

/*
 * The module serializes its requests (hg_lock, Documentation/
 * genl-family.md): the second walk waits for the first, then both
 * complete, and nothing stays mapped.
 */
TEST_F_TIMEOUT(race, two_walks_at_once_both_complete, 120)
{
	struct hg_carve_req quick = { .has_group = true, .group = self->t.group,
				      .count = 8, .mask_bits = 32 };
	struct hg_kcounters before, after;
	struct walker a, b;

	ASSERT_EQ(0, counters(self->g, &before));
	ASSERT_EQ(0, walker_start(&a, long_walk(self->t.group, WALK_MS)));
	/* a holds the lock once its mappings are live. */
	EXPECT_TRUE(wait_live(self->g, 1, WALK_MS));
	ASSERT_EQ(0, walker_start(&b, quick));
	pthread_join(a.thread, NULL);
	pthread_join(b.thread, NULL);

	EXPECT_EQ(0, a.ret) {
		TH_LOG("the long walk: %s", a.msg);
	}
	EXPECT_EQ(0, b.ret) {
		TH_LOG("the short walk: %s", b.msg);
	}
	EXPECT_TRUE(ran_its_course(a.stop)) {
		TH_LOG("the walk stopped: %s", hg_carve_stop_name(a.stop));
	}
	EXPECT_TRUE(short_walk_done(b.stop, b.maps)) {
		TH_LOG("the short walk: %u maps, stop %s", b.maps,
		       hg_carve_stop_name(b.stop));
	}
	/* 8 mappings take milliseconds: b's time was the wait for a. */
	EXPECT_LT(0.5, b.end - b.start) {
		TH_LOG("the second walk took %.3f s: it did not wait for the first",
		       b.end - b.start);
	}
	EXPECT_LE(a.end - 0.5, b.end);
	ksft_print_msg("long walk: %u maps in %.3f s; short walk: %u maps, waited %.3f s\n",
		       a.maps, a.ns / 1e9, b.maps, b.end - b.start);
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(before.checks + 2, after.checks);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
	EXPECT_EQ(after.masks_changed - before.masks_changed,
		  after.masks_restored - before.masks_restored);
}

/* A HOLD waits for a walk in progress, then holds as usual. */
TEST_F_TIMEOUT(race, a_hold_while_a_walk_runs_waits_then_holds, 120)
{
	struct hg_kcounters before, after;
	struct walker w;
	struct asker h;

	ASSERT_EQ(0, counters(self->g, &before));
	ASSERT_EQ(0, walker_start(&w, long_walk(self->t.group, WALK_MS)));
	EXPECT_TRUE(wait_live(self->g, 1, WALK_MS));
	ASSERT_EQ(0, asker_start(&h, HOSTGEOM_CMD_HOLD, fill_hold, &self->t));
	pthread_join(w.thread, NULL);
	pthread_join(h.thread, NULL);

	EXPECT_EQ(0, w.ret) {
		TH_LOG("the walk: %s", w.msg);
	}
	EXPECT_TRUE(ran_its_course(w.stop)) {
		TH_LOG("the walk stopped: %s", hg_carve_stop_name(w.stop));
	}
	EXPECT_FALSE(h.a.timed_out);
	EXPECT_EQ(0, h.a.error) {
		TH_LOG("the hold: %s", h.a.msg);
	}
	EXPECT_EQ(1, h.a.replies);
	EXPECT_EQ(0, hold_state(self->g));
	EXPECT_LT(0.5, h.end - h.start) {
		TH_LOG("the hold took %.3f s: it did not wait for the walk",
		       h.end - h.start);
	}
	ksft_print_msg("the hold waited %.3f s for a walk of %u maps\n",
		       h.end - h.start, w.maps);
	/* Its socket closed: the hold goes with it. */
	asker_end(&h);
	EXPECT_EQ(-ENOENT, hold_state(self->g));
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
}

/*
 * A signal for a request waiting for the module's lock: the request
 * still gets an answer. (genetlink sends none at all for a handler's
 * -EINTR, which it takes for a dump under way: the caller would wait
 * forever.)
 */
static void on_signal(int sig)
{
	(void)sig;
}

TEST_F_TIMEOUT(race, a_signal_while_waiting_for_the_lock_gets_an_answer, 120)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct hg_carve_req quick = { .has_group = true, .group = self->t.group,
				      .count = 8, .mask_bits = 32 };
	struct hg_kcounters before, after;
	struct walker w;
	struct asker k;

	/* No SA_RESTART: the signal interrupts what it can. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, counters(self->g, &before));
	ASSERT_EQ(0, walker_start(&w, long_walk(self->t.group, WALK_MS)));
	EXPECT_TRUE(wait_live(self->g, 1, WALK_MS));
	ASSERT_EQ(0, asker_start(&k, HOSTGEOM_CMD_CARVE, fill_carve_req,
				 &quick));
	usleep(300000);		/* it waits for the lock */
	EXPECT_EQ(0, pthread_kill(k.thread, SIGUSR1));
	pthread_join(w.thread, NULL);
	asker_end(&k);

	EXPECT_FALSE(k.a.timed_out) {
		TH_LOG("a CARVE waiting for the lock got no answer within %d ms of a signal",
		       ANSWER_MS);
	}
	/* Not interrupted at all, or an errno it can read. */
	EXPECT_TRUE(k.a.done) {
		TH_LOG("error %d, netlink error %d: %s", k.a.error,
		       k.a.sock_error, k.a.msg);
	}
	ksft_print_msg("the signalled CARVE: %s after %.3f s\n",
		       k.a.timed_out ? "no answer" :
		       k.a.error ? strerror(-k.a.error) : "replied",
		       k.end - k.start);
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
}

/*
 * rmmod during a walk, a HOLD waiting behind it: the walk stops at its
 * next mapping ("aborted") and replies, the HOLD gives up ("aborted"
 * before its first mapping, or the family is gone), and rmmod returns
 * within RMMOD_MAX_S, not after the walk's 20 s.
 */
TEST_F_TIMEOUT(race, rmmod_while_a_walk_runs, 180)
{
	struct hg_err err = { 0 };
	struct walker w;
	struct asker h;
	bool loaded;
	double t0, t1;

	ASSERT_EQ(0, walker_start(&w, long_walk(self->t.group, 20000)));
	EXPECT_TRUE(wait_live(self->g, 1, WALK_MS));
	ASSERT_EQ(0, asker_start(&h, HOSTGEOM_CMD_HOLD, fill_hold, &self->t));
	usleep(100000);		/* the HOLD waits for the lock */
	hg_genl_close(self->g);
	self->g = NULL;
	t0 = now();
	EXPECT_EQ(0, hg_kmod_unload(&err)) {
		TH_LOG("%s", err.msg);
	}
	t1 = now();
	pthread_join(w.thread, NULL);
	asker_end(&h);

	ksft_print_msg("rmmod took %.3f s; the walk: %s after %u maps; the hold: %s\n",
		       t1 - t0, w.ret ? w.msg : hg_carve_stop_name(w.stop),
		       w.maps, h.a.timed_out ? "no answer" :
		       h.a.error ? strerror(-h.a.error) : "held");
	EXPECT_GT(RMMOD_MAX_S, t1 - t0);
	EXPECT_FALSE(hg_kmod_is_loaded());
	/* Stopped, not finished: or its socket saw the family go. */
	if (!w.ret)
		EXPECT_EQ(HOSTGEOM_STOP_ABORTED, w.stop);
	EXPECT_FALSE(h.a.timed_out) {
		TH_LOG("the HOLD waiting behind the walk got no answer within %d ms",
		       ANSWER_MS);
	}
	EXPECT_GT(0, h.a.error) {
		TH_LOG("a HOLD waiting for the lock went on while the module unloaded: %d %u replies",
		       h.a.error, h.a.replies);
	}
	ASSERT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(0, hg_genl_open(&self->g, &err));
}

/* HOLD on @fd, then a long walk: the walk's request is sent, not read. */
struct closer {
	pthread_t thread;
	int fd;
	const struct target *t;
	uint32_t walk_ms;
	struct answer held;	/* HOLD's */
	int sent;		/* the walk's send(): 0 or errno */
};

static void *hold_then_walk(void *arg)
{
	struct closer *c = arg;
	struct hg_carve_req walk = long_walk(c->t->group, c->walk_ms);
	struct request r;

	if (build(&r, HOSTGEOM_CMD_HOLD, false, fill_hold, c->t))
		return NULL;
	ask(c->fd, &r, &c->held);
	if (c->held.error || c->held.replies != 1 ||
	    build(&r, HOSTGEOM_CMD_CARVE, false, fill_carve_req, &walk))
		return NULL;
	/* The module walks inside this send(). */
	c->sent = send(c->fd, r.buf, r.len, 0) < 0 ? errno : 0;
	return NULL;
}

/*
 * The socket closed while a walk runs on it (another thread's close()):
 * the walk runs on (the send() holds the socket), and once it returns
 * the socket goes, and the hold made on it with it. Nothing stays.
 */
TEST_F_TIMEOUT(race, socket_closed_mid_walk, 120)
{
	struct closer c = { .t = &self->t, .walk_ms = WALK_MS };
	struct hg_kcounters before, after;

	ASSERT_EQ(0, counters(self->g, &before));
	c.fd = sock_open();
	ASSERT_LE(0, c.fd);
	ASSERT_EQ(0, pthread_create(&c.thread, NULL, hold_then_walk, &c));
	/* The held mapping and the walk's. */
	EXPECT_TRUE(wait_live(self->g, before.live + 2, WALK_MS));
	EXPECT_EQ(0, close(c.fd));
	pthread_join(c.thread, NULL);

	ASSERT_EQ(1, c.held.replies) {
		TH_LOG("HOLD: error %d, netlink error %d: %s", c.held.error,
		       c.held.sock_error, c.held.msg);
	}
	EXPECT_EQ(0, c.sent);
	EXPECT_EQ(-ENOENT, hold_state(self->g)) {
		TH_LOG("the hold outlived its socket");
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
}

/*
 * The process dies while a walk runs on its socket (the only other way a
 * socket closes under a request): the walk stops at once ("aborted" by
 * the fatal signal), the socket goes, the hold made on it too.
 */
TEST_F_TIMEOUT(race, caller_killed_mid_walk, 120)
{
	struct closer c = { .t = &self->t, .walk_ms = 20000 };
	struct hg_kcounters before, after;
	int status;
	double t0;
	pid_t pid;

	ASSERT_EQ(0, counters(self->g, &before));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		c.fd = sock_open();
		if (c.fd >= 0)
			hold_then_walk(&c);
		_exit(0);
	}
	EXPECT_TRUE(wait_live(self->g, before.live + 2, WALK_MS));
	t0 = now();
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ksft_print_msg("the killed caller was gone after %.3f s\n", now() - t0);
	/* Well before the walk's own end. */
	EXPECT_GT(RMMOD_MAX_S, now() - t0);
	EXPECT_EQ(-ENOENT, hold_state(self->g)) {
		TH_LOG("the hold outlived its process");
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);
}

/*
 * The walked device removed through sysfs during a walk, while a hold
 * maps through it: the removal waits for the walk (the module holds
 * pci_lock_rescan_remove() while it walks), the hold goes with the
 * device, and the device, rescanned and bound to the stub again, walks
 * as before. KASAN would report a use of the device after it went.
 */
TEST_F_TIMEOUT(race, device_removed_mid_walk, 180)
{
	struct hg_carve_req quick = { .has_group = true, .group = self->t.group,
				      .count = 8, .mask_bits = 32 };
	struct hg_kcounters before, after;
	char path[PATH_MAX];
	struct walker w, again;
	double t0, t1;

	ASSERT_EQ(0, counters(self->g, &before));
	ASSERT_EQ(0, hold(self->g, &self->t));
	ASSERT_EQ(0, walker_start(&w, long_walk(self->t.group, WALK_MS)));
	EXPECT_TRUE(wait_live(self->g, before.live + 2, WALK_MS));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/remove", self->t.dev);
	self->removed = true;
	t0 = now();
	EXPECT_EQ(0, put(path, "1"));
	t1 = now();
	pthread_join(w.thread, NULL);

	ksft_print_msg("removing %s took %.3f s; the walk: %u maps, stop %s\n",
		       self->t.dev, t1 - t0, w.maps,
		       w.ret ? w.msg : hg_carve_stop_name(w.stop));
	EXPECT_TRUE(wait_present(self->t.dev, false, COME_BACK_MS));
	EXPECT_EQ(0, w.ret) {
		TH_LOG("the walk: %s", w.msg);
	}
	EXPECT_TRUE(ran_its_course(w.stop)) {
		TH_LOG("the walk stopped: %s", hg_carve_stop_name(w.stop));
	}
	EXPECT_EQ(-ENOENT, hold_state(self->g)) {
		TH_LOG("the hold outlived its device");
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(after.maps - before.maps, after.unmaps - before.unmaps);

	ASSERT_EQ(0, give_back(self->t.dev));
	self->removed = false;
	ASSERT_EQ(0, walker_start(&again, quick));
	pthread_join(again.thread, NULL);
	EXPECT_EQ(0, again.ret) {
		TH_LOG("after the rescan: %s", again.msg);
	}
	EXPECT_TRUE(short_walk_done(again.stop, again.maps)) {
		TH_LOG("after the rescan: %u maps, stop %s", again.maps,
		       hg_carve_stop_name(again.stop));
	}
	ASSERT_EQ(0, counters(self->g, &after));
	EXPECT_EQ(before.live, after.live);
}

/* ------------------------------------------------------------- leaks */

/* @path's contents, up to @len - 1 bytes, into @buf: the length, or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, at = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)at < len - 1 &&
	       (n = read(fd, buf + at, len - 1 - at)) > 0)
		at += n;
	close(fd);
	buf[at] = '\0';
	return at;
}

/* A kmemleak scan; what it lists into @buf (its length). */
static ssize_t kmemleak_scan(char *buf, size_t len)
{
	int ret = put(KMEMLEAK, "scan");

	return ret ?: slurp(KMEMLEAK, buf, len);
}

/*
 * Last, after everything above: the module goes (through libkmod, as the
 * tests load it), and nothing it allocated may be left. kmemleak reports
 * an object unreferenced for 5 s or more only when it finds it so on two
 * scans in a row, unchanged: a scan takes the checksum of every object
 * that is new or changed since the one before and leaves it unreported.
 * Hence two scans, whatever the first found. The module is loaded again
 * for the tests after these, as the others leave it.
 */
FIXTURE(leak) {
	struct hg_genl *g;
	struct hg_kgroups groups;
};

FIXTURE_SETUP(leak)
{
	NEED_VM();
	if (access(KMEMLEAK, W_OK))
		SKIP(return, "no " KMEMLEAK ": the kernel has no CONFIG_DEBUG_KMEMLEAK (the kit's debug kernels have it)");
	MODULE_ENV_SETUP(&self->g, &self->groups);
	hg_kgroups_free(&self->groups);
	hg_genl_close(self->g);
	self->g = NULL;
}

FIXTURE_TEARDOWN(leak)
{
}

TEST_F_TIMEOUT(leak, nothing_left_once_unloaded, 300)
{
	static char list[1 << 16];
	struct hg_err err = { 0 };
	char *line, *save = NULL;
	bool loaded;
	ssize_t n;
	int i = 0;

	ASSERT_EQ(0, hg_kmod_unload(&err)) {
		TH_LOG("%s", err.msg);
	}
	sleep(6);
	n = kmemleak_scan(list, sizeof(list));
	if (n >= 0)
		n = kmemleak_scan(list, sizeof(list));
	EXPECT_EQ(0, hg_kmod_load(module_env_path(), &loaded, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_LE(0, n) {
		TH_LOG("kmemleak: %s", strerror((int)-n));
	}
	EXPECT_EQ(0, n) {
		TH_LOG("kmemleak lists unreferenced objects (" KMEMLEAK "), the first lines:");
		for (line = strtok_r(list, "\n", &save); line && i++ < 24;
		     line = strtok_r(NULL, "\n", &save))
			TH_LOG("  %s", line);
	}
}

HOST_DEVICES_MAIN(HOSTGEOM_STUB_DRIVER, true)
