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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
	push(&a, "max,phys-bits=%u,vendor=%s", hg_pf_cpu_phys_bits(g),
	     hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD ? "AuthenticAMD"
						     : "GenuineIntel");
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

static int write_commands(int fd, const struct hg_pf_guest *g)
{
	static const char *const props[] = {
		"below-4g-mem-size", "above-4g-mem-size",
		"pci-hole64-start", "pci-hole64-end",
	};
	char buf[4096];
	size_t i;
	int n;

	n = snprintf(buf, sizeof(buf), "{\"execute\":\"qmp_capabilities\"}\n");
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		n += snprintf(buf + n, sizeof(buf) - n,
			      "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"%s\",\"property\":\"%s\"}}\n",
			      bridge_path(g), props[i]);
	n += snprintf(buf + n, sizeof(buf) - n,
		      "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/device-memory[0]\",\"property\":\"addr\"}}\n"
		      "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/device-memory[0]\",\"property\":\"size\"}}\n"
		      "{\"execute\":\"query-memory-devices\"}\n"
		      "{\"execute\":\"quit\"}\n");
	return write(fd, buf, n) == n ? 0 : -errno;
}

/* Reads @fd to its end (or the timeout) into a malloc'd string. */
static char *slurp(int fd, int timeout_ms)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *grown;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t got;

	while (buf && poll(&p, 1, timeout_ms) > 0) {
		if (len + 4096 > cap) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got <= 0)
			break;
		len += got;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
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

/* Replies in order: capabilities, 4 bridge values, 2 region ones, dimms. */
static void parse_replies(char *text, struct hg_pf_probe *out)
{
	uint64_t *slots[] = {
		NULL, &out->below_4g, &out->above_4g, &out->hole64_start,
		&out->hole64_end, &out->devmem_base, &out->devmem_size,
	};
	char *line, *save = NULL;
	size_t k = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_object *obj = json_tokener_parse(line), *ret;

		if (!obj || json_object_object_get_ex(obj, "QMP", NULL) ||
		    json_object_object_get_ex(obj, "event", NULL)) {
			json_object_put(obj);
			continue;
		}
		if (json_object_object_get_ex(obj, "return", &ret)) {
			if (k < sizeof(slots) / sizeof(slots[0]) && slots[k])
				*slots[k] = json_object_get_uint64(ret);
			else if (k == sizeof(slots) / sizeof(slots[0]))
				store_dimms(ret, out);
		}
		k++;	/* an error reply (no device memory) keeps 0 */
		json_object_put(obj);
	}
}

static pid_t spawn(char **argv, int *in, int *out, int *err)
{
	int pin[2], pout[2], perr[2];
	pid_t pid;

	if (pipe(pin) || pipe(pout) || pipe(perr))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	*in = pin[1];
	*out = pout[0];
	*err = perr[0];
	return pid;
}

static void first_line(char *dst, size_t len, const char *text)
{
	size_t n = strcspn(text, "\n");

	snprintf(dst, len, "%.*s", (int)n, text);
}

int hg_pf_probe_qemu(const struct hg_pf_guest *g, const char *binary,
		     struct hg_pf_probe *out, struct hg_err *err)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	char **argv = hg_pf_probe_argv(g, binary);
	char *text = NULL, *errtext = NULL;
	int in, o, e, status = -1;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (!argv)
		return hg_err_set(err, -ENOMEM, "out of memory");
	pid = spawn(argv, &in, &o, &e);
	hg_pf_argv_free(argv);
	if (pid < 0)
		return hg_err_set(err, -errno, "cannot start %s: %s", binary,
				  strerror(errno));
	/* QEMU may have quit already (stderr says why): no SIGPIPE for that */
	sigaction(SIGPIPE, &ignore, &old);
	write_commands(in, g);
	close(in);
	sigaction(SIGPIPE, &old, NULL);
	text = slurp(o, PROBE_TIMEOUT_MS);
	errtext = slurp(e, 1000);
	kill(pid, SIGKILL);	/* gone already unless it hung */
	waitpid(pid, &status, 0);
	close(o);
	close(e);
	if (text)
		parse_replies(text, out);
	if (!out->hole64_start && errtext && errtext[0])
		first_line(out->refused, sizeof(out->refused), errtext);
	free(text);
	free(errtext);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return hg_err_set(err, -ENOENT, "%s is not installed (QEMU 10 from bookworm-backports)",
				  binary);
	return 0;
}
