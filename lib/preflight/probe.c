// SPDX-License-Identifier: GPL-2.0
/*
 * The layout from QEMU itself: start it paused (-S) with only the options
 * that shape memory, ask over QMP on stdio (qom-get on the PCI host
 * bridge and on the device-memory region, query-memory-devices), quit.
 * The guest CPU is given as "max" with the vendor and phys-bits the model
 * derives, so that the probe runs without KVM and tests exactly the
 * memory rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <hostgeom/preflight.h>

#define PROBE_TIMEOUT_MS 20000

struct argv_buf {
	char **v;
	size_t n;
	bool failed;
};

static void push(struct argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void push(struct argv_buf *a, const char *fmt, ...)
{
	char **v;
	va_list ap;
	int ret;

	if (a->failed)
		return;
	v = realloc(a->v, (a->n + 2) * sizeof(*v));
	if (!v) {
		a->failed = true;
		return;
	}
	a->v = v;
	va_start(ap, fmt);
	ret = vasprintf(&a->v[a->n], fmt, ap);
	va_end(ap);
	if (ret < 0) {
		a->failed = true;
		return;
	}
	a->v[++a->n] = NULL;
}

void hg_pf_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void push_memory(struct argv_buf *a, const struct hg_pf_guest *g)
{
	size_t i;

	if (g->maxmem)
		push(a, "%lluM,slots=%u,maxmem=%lluM",
		     (unsigned long long)(g->ram >> 20), g->slots,
		     (unsigned long long)(g->maxmem >> 20));
	else
		push(a, "%lluM", (unsigned long long)(g->ram >> 20));
	for (i = 0; i < g->n_dimms; i++) {
		const struct hg_pf_dimm *d = &g->dimms[i];

		push(a, "-object");
		push(a, "memory-backend-ram,id=pf-m%zu,size=%llu", i,
		     (unsigned long long)d->size);
		push(a, "-device");
		if (d->has_addr)
			push(a, "pc-dimm,id=%s,memdev=pf-m%zu,addr=0x%llx",
			     d->id, i, (unsigned long long)d->addr);
		else
			push(a, "pc-dimm,id=%s,memdev=pf-m%zu", d->id, i);
	}
}

/*
 * The CPU the model derived; a TCG guest's own host-phys-bits=on goes to
 * QEMU as given, so that QEMU, not the model, decides what it does there.
 */
static void push_cpu(struct argv_buf *a, const struct hg_pf_guest *g)
{
	const char *vendor = hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD ?
			     "AuthenticAMD" : "GenuineIntel";

	if (g->kvm || !g->host_phys_bits_set || !g->host_phys_bits) {
		push(a, "max,phys-bits=%u,vendor=%s", hg_pf_cpu_phys_bits(g),
		     vendor);
		return;
	}
	if (g->phys_bits)
		push(a, "max,host-phys-bits=on,host-phys-bits-limit=%u,phys-bits=%u,vendor=%s",
		     g->host_phys_bits_limit, g->phys_bits, vendor);
	else
		push(a, "max,host-phys-bits=on,host-phys-bits-limit=%u,vendor=%s",
		     g->host_phys_bits_limit, vendor);
}

char **hg_pf_probe_argv(const struct hg_pf_guest *g, const char *binary)
{
	struct argv_buf a = { 0 };
	bool pc = g->machine == HG_PF_PC;

	push(&a, "%s", binary);
	push(&a, "-S");
	push(&a, "-nodefaults");
	push(&a, "-display");
	push(&a, "none");
	push(&a, "-machine");
	if (g->max_ram_below_4g)
		push(&a, "%s,max-ram-below-4g=%llu", g->machine_name,
		     (unsigned long long)g->max_ram_below_4g);
	else
		push(&a, "%s", g->machine_name);
	push(&a, "-cpu");
	push_cpu(&a, g);
	push(&a, "-m");
	push_memory(&a, g);
	if (g->hole64_size) {
		push(&a, "-global");
		push(&a, "%s.pci-hole64-size=%llu",
		     pc ? "i440FX-pcihost" : "q35-pcihost",
		     (unsigned long long)g->hole64_size);
	}
	push(&a, "-qmp");
	push(&a, "stdio");
	if (a.failed) {
		hg_pf_argv_free(a.v);
		return NULL;
	}
	return a.v;
}

static const char *bridge_path(const struct hg_pf_guest *g)
{
	return g->machine == HG_PF_PC ? "/machine/i440fx" : "/machine/q35";
}

/* What each reply fills, by the id its command carries. */
enum probe_id {
	ID_BELOW_4G, ID_ABOVE_4G, ID_HOLE64_START, ID_HOLE64_END,
	ID_DEVMEM_BASE, ID_DEVMEM_SIZE, ID_DIMMS, ID_COUNT,
};

static const char *const probe_ids[ID_COUNT] = {
	[ID_BELOW_4G] = "below-4g-mem-size",
	[ID_ABOVE_4G] = "above-4g-mem-size",
	[ID_HOLE64_START] = "pci-hole64-start",
	[ID_HOLE64_END] = "pci-hole64-end",
	[ID_DEVMEM_BASE] = "device-memory-addr",
	[ID_DEVMEM_SIZE] = "device-memory-size",
	[ID_DIMMS] = "memory-devices",
};

/* The commands, each with its id, then quit. */
static int commands(const struct hg_pf_guest *g, char *buf, size_t len)
{
	static const char qom[] =
		"{\"execute\":\"qom-get\",\"id\":\"%s\",\"arguments\":{\"path\":\"%s\",\"property\":\"%s\"}}\n";
	size_t n = 0;
	int i;

	n += snprintf(buf + n, len - n, "{\"execute\":\"qmp_capabilities\"}\n");
	for (i = ID_BELOW_4G; i <= ID_HOLE64_END; i++)
		n += snprintf(buf + n, len - n, qom, probe_ids[i],
			      bridge_path(g), probe_ids[i]);
	n += snprintf(buf + n, len - n, qom, probe_ids[ID_DEVMEM_BASE],
		      "/machine/device-memory[0]", "addr");
	n += snprintf(buf + n, len - n, qom, probe_ids[ID_DEVMEM_SIZE],
		      "/machine/device-memory[0]", "size");
	n += snprintf(buf + n, len - n,
		      "{\"execute\":\"query-memory-devices\",\"id\":\"%s\"}\n"
		      "{\"execute\":\"quit\"}\n", probe_ids[ID_DIMMS]);
	return n < len ? (int)n : -ENOSPC;
}

/*
 * QEMU's stdin is a socket, so that a QEMU which quit already (stderr
 * says why) makes send() fail with EPIPE instead of raising SIGPIPE: the
 * process's signal state is never touched.
 */
static void write_commands(int fd, const struct hg_pf_guest *g)
{
	char buf[4096];
	int n = commands(g, buf, sizeof(buf));
	ssize_t sent;
	int off = 0;

	while (n > 0 && off < n) {
		sent = send(fd, buf + off, n - off, MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent <= 0)
			return;	/* QEMU is gone: its stderr tells */
		off += sent;
	}
}

struct drain {
	int fd;
	char *buf;
	size_t len, cap;
	bool failed;
};

/* One read from @d->fd into its buffer; false at its end (or on error). */
static bool drain_some(struct drain *d)
{
	char *grown;
	ssize_t got;

	if (d->cap - d->len < 4096) {
		grown = d->failed ? NULL : realloc(d->buf, d->cap * 2 + 4096);
		if (!grown) {
			/* keep reading, so that QEMU never blocks on us */
			char sink[4096];

			d->failed = true;
			got = read(d->fd, sink, sizeof(sink));
			return got > 0 || (got < 0 && errno == EINTR);
		}
		d->buf = grown;
		d->cap = d->cap * 2 + 4096;
		d->buf[d->len] = '\0';	/* a string even when nothing comes */
	}
	got = read(d->fd, d->buf + d->len, d->cap - d->len - 1);
	if (got < 0 && errno == EINTR)
		return true;
	if (got <= 0)
		return false;
	d->len += got;
	d->buf[d->len] = '\0';
	return true;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Reads stdout and stderr together until both end or the deadline passes:
 * a QEMU that writes much on stderr never waits for a reader that reads
 * stdout only. False on timeout.
 */
static bool drain_both(struct drain *d, int timeout_ms)
{
	struct timespec deadline;
	struct pollfd p[2];
	int open = 2, i;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	for (i = 0; i < 2; i++)
		p[i] = (struct pollfd){ .fd = d[i].fd, .events = POLLIN };
	while (open) {
		long left = ms_left(&deadline);
		int ready;

		if (left <= 0)
			return false;
		ready = poll(p, 2, (int)left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return false;
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (!drain_some(&d[i])) {
				p[i].fd = -1;	/* poll skips it */
				open--;
			}
		}
	}
	return true;
}

static void store_dimms(json_object *list, struct hg_pf_probe *out)
{
	size_t i, n = json_object_array_length(list);

	for (i = 0; i < n && out->n_dimms < HG_PF_DIMMS_MAX; i++) {
		json_object *data, *addr;

		if (json_object_object_get_ex(json_object_array_get_idx(list, i),
					      "data", &data) &&
		    json_object_object_get_ex(data, "addr", &addr))
			out->dimm_addr[out->n_dimms++] =
				(uint64_t)json_object_get_int64(addr);
	}
}

/* Each reply by its id, in whatever order QEMU sends them. */
static void parse_replies(char *text, struct hg_pf_probe *out)
{
	uint64_t *slots[ID_COUNT] = {
		[ID_BELOW_4G] = &out->below_4g,
		[ID_ABOVE_4G] = &out->above_4g,
		[ID_HOLE64_START] = &out->hole64_start,
		[ID_HOLE64_END] = &out->hole64_end,
		[ID_DEVMEM_BASE] = &out->devmem_base,
		[ID_DEVMEM_SIZE] = &out->devmem_size,
	};
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_object *obj = json_tokener_parse(line), *ret, *id;
		const char *name;
		int k;

		/* an error reply (no device memory) keeps 0 */
		if (!obj || !json_object_object_get_ex(obj, "return", &ret) ||
		    !json_object_object_get_ex(obj, "id", &id) ||
		    !(name = json_object_get_string(id))) {
			json_object_put(obj);
			continue;
		}
		for (k = 0; k < ID_COUNT; k++)
			if (!strcmp(name, probe_ids[k]))
				break;
		if (k == ID_DIMMS && json_object_is_type(ret, json_type_array))
			store_dimms(ret, out);
		else if (k < ID_COUNT && slots[k])
			*slots[k] = json_object_get_uint64(ret);
		json_object_put(obj);
	}
}

static void close_fds(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/*
 * Starts @argv with a socket on stdin and pipes on stdout and stderr;
 * every descriptor is close-on-exec here and closed again on any failure.
 * The parent's ends in @in, @out, @err; a negative errno when it failed.
 */
static int spawn(char **argv, pid_t *pid, int *in, int *out, int *err)
{
	/* [0] [1]: stdin socket pair; [2] [3]: stdout; [4] [5]: stderr */
	int fd[6] = { -1, -1, -1, -1, -1, -1 };
	posix_spawn_file_actions_t fa;
	int ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) ||
	    pipe2(fd + 2, O_CLOEXEC) || pipe2(fd + 4, O_CLOEXEC)) {
		ret = -errno;
		close_fds(fd, 6);
		return ret;
	}
	ret = posix_spawn_file_actions_init(&fa);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, fd[1], 0);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, fd[3], 1);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, fd[5], 2);
	if (!ret)
		ret = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	close(fd[3]);
	close(fd[5]);
	if (ret) {
		close(fd[0]);
		close(fd[2]);
		close(fd[4]);
		return -ret;
	}
	*in = fd[0];
	*out = fd[2];
	*err = fd[4];
	return 0;
}

static void first_line(char *dst, size_t len, const char *text)
{
	size_t n = strcspn(text, "\n");

	snprintf(dst, len, "%.*s", (int)n, text);
}

int hg_pf_probe_qemu(const struct hg_pf_guest *g, const char *binary,
		     struct hg_pf_probe *out, struct hg_err *err)
{
	char **argv = hg_pf_probe_argv(g, binary);
	struct drain d[2] = { { .fd = -1 }, { .fd = -1 } };
	int in = -1, status = -1, ret;
	bool done;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (!argv)
		return hg_err_set(err, -ENOMEM, "out of memory");
	ret = spawn(argv, &pid, &in, &d[0].fd, &d[1].fd);
	hg_pf_argv_free(argv);
	if (ret == -ENOENT)
		return hg_err_set(err, -ENOENT, "%s is not installed (QEMU 10 from bookworm-backports)",
				  binary);
	if (ret)
		return hg_err_set(err, ret, "cannot start %s: %s", binary,
				  strerror(-ret));
	write_commands(in, g);
	shutdown(in, SHUT_WR);
	done = drain_both(d, PROBE_TIMEOUT_MS);
	close(in);
	if (!done)
		kill(pid, SIGKILL);	/* it hung */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(d[0].fd);
	close(d[1].fd);
	if (d[0].buf)
		parse_replies(d[0].buf, out);
	if (!out->hole64_start && d[1].buf && d[1].buf[0])
		first_line(out->refused, sizeof(out->refused), d[1].buf);
	else if (!out->hole64_start && !done)
		snprintf(out->refused, sizeof(out->refused),
			 "QEMU did not answer within %d s", PROBE_TIMEOUT_MS / 1000);
	free(d[0].buf);
	free(d[1].buf);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return hg_err_set(err, -ENOENT, "%s is not installed (QEMU 10 from bookworm-backports)",
				  binary);
	return 0;
}
