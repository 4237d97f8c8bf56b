// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom preflight: before a guest with assigned devices starts, does
 * every guest address VFIO will map fit each device's host IOMMU?
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/libvirt_version.h>
#include <hostgeom/preflight.h>
#include <hostgeom/sysfs.h>

#include "cli.h"
#include "geom_print.h"

static void usage(void)
{
	printf("Usage: hostgeom preflight [OPTIONS] -- QEMU-ARGV...\n"
	       "       hostgeom preflight [OPTIONS] --qemu-file FILE\n"
	       "       hostgeom preflight [OPTIONS] --xml FILE\n"
	       "       hostgeom preflight [OPTIONS] --device BDF [--memory SIZE ...]\n"
	       "\n"
	       "Derives the guest-physical ranges VFIO will be asked to map for a\n"
	       "planned QEMU guest (RAM below and above 4 GiB, the memory-hotplug\n"
	       "region and its dimms, the window where the firmware puts 64-bit\n"
	       "BARs, a vIOMMU's aperture) and checks each against the IOVA ranges\n"
	       "each assigned device's host IOMMU can map. Prints every conflict,\n"
	       "whether it is fatal (RAM: QEMU or the device fails) or degrading\n"
	       "(BARs: peer-to-peer only), and the smallest fix as a QEMU option,\n"
	       "a libvirt element and a cloud-hypervisor option. Whatever the\n"
	       "input holds that is not modelled is listed with what was assumed.\n"
	       "\n"
	       "Planned guest (these also override the command line or XML):\n"
	       "      --qemu-file FILE     a QEMU command line in a file\n"
	       "      --xml FILE           a libvirt domain XML (virsh dumpxml)\n"
	       "      --machine TYPE       pc, q35, pc-q35-X.Y, pc-i440fx-X.Y\n"
	       "      --memory SIZE        RAM (K, M, G, T suffixes; default 128M)\n"
	       "      --maxmem SIZE        memory-hotplug limit\n"
	       "      --slots N            memory slots\n"
	       "      --cpu MODEL          QEMU CPU model (host: follows the host)\n"
	       "      --phys-bits N        the guest CPU's physical address bits\n"
	       "      --pci-hole64-size SIZE\n"
	       "      --firmware F         seabios or ovmf\n"
	       "      --viommu V           none, intel or virtio\n"
	       "      --aw-bits N          the vIOMMU's address width\n"
	       "  -d, --device BDF         an assigned host device (repeatable)\n"
	       "Host (instead of reading it):\n"
	       "      --host-aw-bits N     the host IOMMU's address width\n"
	       "      --host-cpu-phys-bits N  the host CPU's (else /proc/cpuinfo)\n"
	       "      --host-cpu-vendor V  intel or amd (else /proc/cpuinfo)\n"
	       "      --vfio               ask VFIO (devices bound to vfio-pci)\n"
	       "                           instead of sysfs\n"
	       "      --proc-root DIR      read cpuinfo from DIR instead of /proc\n"
	       "      --libvirt-version X.Y.Z  libvirt fixes for that libvirt (else\n"
	       "                           the installed one's, else 8.3.0 to 12.0's)\n"
	       "Checking the model:\n"
	       "      --probe              also start QEMU paused with this layout\n"
	       "                           and compare what it reports\n"
	       "      --qemu BINARY        default qemu-system-x86_64; with a\n"
	       "                           virtio-iommu, its properties are\n"
	       "                           read from it (else from the command\n"
	       "                           line's own QEMU, or the XML's\n"
	       "                           <emulator>)\n"
	       "      --qemu-version X.Y   the guest's QEMU without its binary\n"
	       "                           (7.2 or 10.0, the versions the kit ran)\n"
	       "\n"
	       "Exit status: 0 fits, 1 a conflict, 2 could not decide (the reason\n"
	       "is printed).\n");
}

enum {
	OPT_QEMU_FILE = 0x200, OPT_XML, OPT_MACHINE, OPT_MEMORY, OPT_MAXMEM,
	OPT_SLOTS, OPT_CPU, OPT_PHYS_BITS, OPT_HOLE64, OPT_FIRMWARE,
	OPT_VIOMMU, OPT_AW_BITS, OPT_HOST_AW, OPT_HOST_CPU_BITS,
	OPT_HOST_VENDOR, OPT_VFIO, OPT_PROBE, OPT_QEMU,
	OPT_PROC_ROOT, OPT_LIBVIRT_VERSION,	/* not kept in plain's set[] */
	OPT_QEMU_VERSION,
};

struct plain {
	const char *qemu_file, *xml, *qemu;
	const char *set[OPT_QEMU + 1 - OPT_QEMU_FILE];	/* by option */
	const char *devices[HG_PF_DEVICES_MAX];
	size_t n_devices;
	unsigned int host_aw;
	unsigned long libvirt_version;	/* 0: ask the installed one */
	const char *qemu_version;	/* --qemu-version */
	struct hg_qemu_caps caps;	/* the guest's QEMU, when known */
	bool vfio, probe;
};

#define SET(p, opt) ((p)->set[(opt) - OPT_QEMU_FILE])

static int parse_uint(const char *opt, const char *v, unsigned int max,
		      unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n > max)
		return cli_failf("--%s '%s': want a number up to %u", opt, v,
				 max);
	*out = n;
	return 0;
}

static int parse_size(const char *opt, const char *v, uint64_t *out)
{
	if (hg_pf_parse_size(v, 1ULL << 20, out))
		return cli_failf("--%s '%s': want a size such as 8G or 512M", opt,
				 v);
	return 0;
}


/* Plain options over what the command line or XML said. */
static int apply_sizes(const struct plain *p, struct hg_pf_guest *g)
{
	int ret = 0;

	if (SET(p, OPT_MEMORY))
		ret = parse_size("memory", SET(p, OPT_MEMORY), &g->ram);
	if (!ret && SET(p, OPT_MAXMEM))
		ret = parse_size("maxmem", SET(p, OPT_MAXMEM), &g->maxmem);
	if (!ret && SET(p, OPT_HOLE64))
		ret = parse_size("pci-hole64-size", SET(p, OPT_HOLE64),
				 &g->hole64_size);
	if (!ret && SET(p, OPT_SLOTS))
		ret = parse_uint("slots", SET(p, OPT_SLOTS), 256, &g->slots);
	if (!ret && SET(p, OPT_PHYS_BITS)) {
		ret = parse_uint("phys-bits", SET(p, OPT_PHYS_BITS), 64,
				 &g->phys_bits);
		g->host_phys_bits = false;
		g->host_phys_bits_set = true;
	}
	if (!ret && SET(p, OPT_AW_BITS))
		ret = parse_uint("aw-bits", SET(p, OPT_AW_BITS), 64,
				 &g->aw_bits);
	return ret;
}

static int apply_names(const struct plain *p, struct hg_pf_guest *g)
{
	if (SET(p, OPT_MACHINE))
		hg_pf_set_machine(g, SET(p, OPT_MACHINE));
	if (SET(p, OPT_FIRMWARE))
		hg_pf_set_firmware(g, SET(p, OPT_FIRMWARE));
	if (SET(p, OPT_CPU))
		snprintf(g->cpu_model, sizeof(g->cpu_model), "%s",
			 SET(p, OPT_CPU));
	if (SET(p, OPT_VIOMMU) && hg_pf_set_viommu(g, SET(p, OPT_VIOMMU)))
		return cli_failf("--viommu '%s': want none, intel or virtio",
				 SET(p, OPT_VIOMMU));
	return 0;
}

static int host_cpu(const struct cli *cli, const struct plain *p,
		    struct hg_pf_guest *g)
{
	const char *v = SET(p, OPT_HOST_VENDOR);

	hg_pf_host_cpu_read(&cli->ctx, g);
	if (SET(p, OPT_HOST_CPU_BITS) &&
	    parse_uint("host-cpu-phys-bits", SET(p, OPT_HOST_CPU_BITS), 64,
		       &g->host_cpu_phys_bits))
		return EXIT_CANNOT;
	if (v && strcmp(v, "intel") && strcmp(v, "amd"))
		return cli_failf("--host-cpu-vendor '%s': want intel or amd", v);
	if (v) {
		g->host_vendor = strcmp(v, "amd") ? HG_PF_VENDOR_INTEL
						  : HG_PF_VENDOR_AMD;
		g->host_vendor_set = true;
	}
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap + 1), *grown;

	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		grown = realloc(buf, 2 * cap + 1);
		if (!grown)
			break;
		buf = grown;
		cap *= 2;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Shell-like words of a command-line file: quotes, backslash-newline.
 * @words has room for every word @text can hold (one per two bytes).
 */
static size_t split_words(char *text, char **words)
{
	char *in = text, *out = text;
	size_t n = 0;

	while (*in) {
		char quote = 0;

		while (*in == ' ' || *in == '\t' || *in == '\n' ||
		       (*in == '\\' && in[1] == '\n'))
			in += *in == '\\' ? 2 : 1;
		if (!*in)
			break;
		words[n++] = out;
		for (; *in && (quote || (*in != ' ' && *in != '\t' &&
					 *in != '\n')); in++) {
			if (!quote && (*in == '\'' || *in == '"'))
				quote = *in;
			else if (quote && *in == quote)
				quote = 0;
			else if (*in == '\\' && in[1] == '\n')
				in++;
			else
				*out++ = *in;
		}
		if (*in)
			in++;
		*out++ = '\0';
	}
	return n;
}

static int from_qemu_file(const char *path, struct hg_pf_guest *g,
			  struct hg_err *err)
{
	char **words;
	size_t len, n;
	char *text = read_file(path, &len);
	int ret;

	if (!text)
		return hg_err_set(err, -errno, "cannot read %s: %s", path,
				  strerror(errno));
	/* a word and its separator take two bytes at the least */
	words = calloc(len / 2 + 1, sizeof(*words));
	if (!words) {
		free(text);
		return hg_err_set(err, -ENOMEM, "out of memory");
	}
	n = split_words(text, words);
	ret = hg_pf_from_qemu_argv(g, words, n, err);
	free(words);
	free(text);
	return ret;
}

static int from_xml(const char *path, struct hg_pf_guest *g,
		    struct hg_err *err)
{
	size_t len;
	char *text = read_file(path, &len);
	int ret;

	if (!text)
		return hg_err_set(err, -errno, "cannot read %s: %s", path,
				  strerror(errno));
	ret = hg_pf_from_libvirt_xml(g, text, len, err);
	free(text);
	return ret;
}

/*
 * What the guest's virtio-iommu-pci takes, from its QEMU: the version
 * given, else the binary given with --qemu, else the command line's own
 * or the libvirt domain's <emulator>; none of these, or that binary not
 * installed: unknown, the newest.
 */
static int guest_qemu(struct plain *p, char **qemu_argv, int qemu_argc,
		      struct hg_pf_guest *g)
{
	const char *binary = SET(p, OPT_QEMU);
	struct hg_err err = { 0 };
	int ret;

	if (g->viommu != HG_PF_VIOMMU_VIRTIO)
		return 0;
	if (p->qemu_version)
		ret = hg_qemu_caps_from_version(p->qemu_version, &p->caps,
						&err);
	else if (!binary && qemu_argc && qemu_argv[0][0] != '-')
		binary = qemu_argv[0];
	else if (!binary && g->emulator[0])
		binary = g->emulator;
	if (!p->qemu_version && !binary)
		return 0;
	if (!p->qemu_version) {
		ret = hg_qemu_caps_probe(binary, &p->caps, &err);
		if (ret == -ENOENT && !SET(p, OPT_QEMU)) {
			if (binary == g->emulator)
				hg_pf_note(g, "<emulator> %s is not installed here: its QEMU is taken as 9.0 or later (give --qemu BINARY or --qemu-version X.Y)",
					   binary);
			return 0;
		}
	}
	if (ret)
		return cli_fail(&err);
	g->qemu = &p->caps;
	if (!p->caps.virtio_aw_bits)
		hg_pf_note(g, "QEMU %u.%u: virtio-iommu-pci has no aw-bits before QEMU 9.0; its input range is 64 bits",
			   p->caps.major, p->caps.minor);
	return 0;
}

static int describe(const struct cli *cli, struct plain *p,
		    char **qemu_argv, int qemu_argc, struct hg_pf_guest *g)
{
	struct hg_err err = { 0 };
	const char *from;
	size_t i;
	int ret = 0;

	hg_pf_guest_init(g);
	if (host_cpu(cli, p, g))
		return EXIT_CANNOT;
	if (p->xml)
		ret = from_xml(p->xml, g, &err);
	else if (p->qemu_file)
		ret = from_qemu_file(p->qemu_file, g, &err);
	else if (qemu_argc)
		ret = hg_pf_from_qemu_argv(g, qemu_argv, qemu_argc, &err);
	if (ret)
		return cli_fail(&err);
	if (apply_names(p, g) || apply_sizes(p, g))
		return EXIT_CANNOT;
	if (guest_qemu(p, qemu_argv, qemu_argc, g))
		return EXIT_CANNOT;
	/*
	 * The vIOMMU fixes in the form this libvirt takes (none found: the
	 * forms 8.3.0 to 12.0 take); only those fixes depend on it.
	 */
	g->libvirt_version = p->libvirt_version;
	if (!g->libvirt_version && g->viommu != HG_PF_VIOMMU_NONE &&
	    hg_libvirt_installed_version(&g->libvirt_version, &from, NULL))
		g->libvirt_version = 0;
	for (i = 0; i < p->n_devices; i++)
		if (hg_pf_add_device(g, p->devices[i], NULL, NULL, &err))
			return cli_fail(&err);
	if (!p->xml && !p->qemu_file && !qemu_argc)
		hg_pf_cpu_notes(g);
	return 0;
}

/* One host per assigned device; a pseudo device for a bare width. */
static int hosts_for(struct cli *cli, const struct plain *p,
		     struct hg_pf_guest *g, struct hg_pf_host *hosts,
		     size_t *n)
{
	struct hg_topology topo = { 0 };
	struct hg_err err = { 0 };
	bool have_topo = false;
	size_t i;
	int ret = 0;

	*n = 0;
	if (!g->n_devices && p->host_aw)
		return hg_pf_host_from_width(&hosts[(*n)++], "any device",
					     p->host_aw, &err) ? cli_fail(&err) : 0;
	for (i = 0; i < g->n_devices && !ret; i++) {
		const char *dev = g->devices[i].host;

		if (p->host_aw) {
			ret = hg_pf_host_from_width(&hosts[i], dev, p->host_aw,
						    &err);
		} else if (p->vfio) {
			ret = hg_pf_host_from_vfio(&cli->ctx, dev, &hosts[i],
						   &err);
		} else {
			if (!have_topo)
				ret = hg_sysfs_read_topology(&cli->ctx, &topo,
							     &err);
			have_topo = !ret;
			if (!ret)
				ret = hg_pf_host_from_sysfs(&cli->ctx, &topo,
							    dev, &hosts[i],
							    &err);
		}
		*n = i + 1;
	}
	if (have_topo)
		hg_topology_free(&topo);
	if (ret)
		hg_pf_undecided(g, "the host side of %s is unknown (%s); give the host IOMMU's width with --host-aw-bits",
				g->devices[i - 1].host, err.msg);
	else if (!*n)
		hg_pf_undecided(g, "no assigned device: nothing for VFIO to map (give -device vfio-pci,host=..., a <hostdev>, --device, or --host-aw-bits)");
	return 0;
}

static const char *machine_name(enum hg_pf_machine m)
{
	return m == HG_PF_PC ? "pc" : m == HG_PF_Q35 ? "q35" : "unknown";
}

static const char *viommu_name(enum hg_pf_viommu v)
{
	return v == HG_PF_VIOMMU_INTEL	? "intel"
	       : v == HG_PF_VIOMMU_VIRTIO ? "virtio"
					  : "none";
}

static void print_guest(const struct hg_pf_guest *g)
{
	open_json_object("guest");
	print_string(PRINT_ANY, "machine", "guest: %s", machine_name(g->machine));
	print_string(PRINT_ANY, "machine_type", " (%s)", g->machine_name);
	print_string(PRINT_ANY, "firmware", ", %s",
		     g->firmware == HG_PF_OVMF ? "ovmf" : "seabios");
	print_hex(PRINT_ANY, "ram", ", RAM 0x%" PRIx64, g->ram);
	if (g->maxmem)
		print_hex(PRINT_ANY, "maxmem", ", maxmem 0x%" PRIx64, g->maxmem);
	else
		print_null(PRINT_JSON, "maxmem", NULL, NULL);
	print_uint(PRINT_JSON, "slots", NULL, g->slots);
	print_string(PRINT_ANY, "cpu", ", CPU %s", g->cpu_model);
	print_string(PRINT_ANY, "vendor", " (%s",
		     hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD ? "amd" : "intel");
	print_uint(PRINT_ANY, "phys_bits", ", %u phys-bits)",
		   hg_pf_cpu_phys_bits(g));
	print_string(PRINT_ANY, "viommu", ", vIOMMU %s\n",
		     viommu_name(g->viommu));
	/* asked only for a virtio-iommu, whose properties depend on it */
	print_qemu_caps(g->qemu);
	close_json_object();
}

static void print_range(enum output_type t, const char *key,
			const char *label, uint64_t start, uint64_t last)
{
	open_json_object(key);
	if (t & PRINT_TEXT)
		print_text("  %-16s", label);
	print_hex(t, "start", " 0x%016" PRIx64, start);
	print_hex(t, "end", "-0x%016" PRIx64 "\n", last);
	close_json_object();
}

static void print_layout(const struct hg_pf_layout *l)
{
	size_t i;

	open_json_object("layout");
	print_uint(PRINT_ANY, "phys_bits",
		   "guest ranges VFIO maps (phys-bits %u):\n", l->phys_bits);
	print_hex(PRINT_JSON, "below_4g", NULL, l->below_4g);
	print_hex(PRINT_JSON, "above_4g", NULL, l->above_4g);
	print_hex(PRINT_JSON, "above_4g_start", NULL, l->above_4g_start);
	open_json_array("regions");
	for (i = 0; i < l->n_regions; i++) {
		const struct hg_pf_region *r = &l->regions[i];

		open_json_object(NULL);
		print_string(PRINT_JSON, "kind", NULL, hg_pf_kind_name(r->kind));
		print_string(PRINT_JSON, "name", NULL, r->name);
		print_range(PRINT_ANY, "range", r->name, r->range.start, r->range.end);
		close_json_object();
	}
	close_json_array();
	if (l->devmem_size)
		print_range(PRINT_JSON, "device_memory", NULL, l->devmem_base,
			    l->devmem_base + l->devmem_size - 1);
	else
		print_null(PRINT_JSON, "device_memory", NULL, NULL);
	if (l->bars_high)
		print_range(PRINT_JSON, "bars64", NULL, l->bars_base,
			    l->bars_base + l->bars_size - 1);
	else
		print_null(PRINT_ANY, "bars64",
			   "  bars64           below 4 GiB (%s)\n",
			   "the firmware keeps them there");
	print_range(PRINT_ANY, "pci_hole64", "qemu pci-hole64", l->hole64_start,
		    l->hole64_end - 1);
	if (l->aperture_bits)
		print_uint(PRINT_JSON, "aperture_bits", NULL, l->aperture_bits);
	else
		print_null(PRINT_JSON, "aperture_bits", NULL, NULL);
	if (l->refused[0])
		print_string(PRINT_ANY, "refused", "  %s\n", l->refused);
	else
		print_null(PRINT_JSON, "refused", NULL, NULL);
	close_json_object();
}

static void print_host(const struct hg_pf_host *h)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "device", "  %-16s", h->device);
	print_uint(PRINT_ANY, "aw_bits", " %u bits", h->aw_bits);
	print_string(PRINT_ANY, "source", " (%s)", h->source);
	if (h->have_group)
		print_uint(PRINT_ANY, "group", " group %u", h->group);
	else
		print_null(PRINT_JSON, "group", NULL, NULL);
	print_bool(PRINT_JSON, "group_shared", NULL, h->group_shared);
	if (h->group_shared)
		print_text(" (shared)");
	print_text("\n");
	print_range_list(PRINT_JSON, "usable", &h->usable);
	close_json_object();
}

static void print_fix(const char *key, const char *what,
		      const struct hg_pf_fix *f)
{
	if (!f->qemu[0]) {
		print_null(PRINT_JSON, key, NULL, NULL);
		return;
	}
	open_json_object(key);
	print_text("    %s", what);
	print_string(PRINT_ANY, "qemu", " (QEMU): %s\n", f->qemu);
	if (f->libvirt[0]) {
		print_text("    %s", what);
		print_string(PRINT_ANY, "libvirt", " (libvirt): %s\n",
			     f->libvirt);
	} else {
		print_null(PRINT_JSON, "libvirt", NULL, NULL);
	}
	if (f->cloud_hypervisor[0]) {
		print_text("    %s", what);
		print_string(PRINT_ANY, "cloud_hypervisor",
			     " (cloud-hypervisor): %s\n", f->cloud_hypervisor);
	} else {
		print_null(PRINT_JSON, "cloud_hypervisor", NULL, NULL);
	}
	close_json_object();
}

static void print_conflict(const struct hg_pf_report *rep,
			   const struct hg_pf_host *hosts,
			   const struct hg_pf_conflict *c)
{
	const struct hg_pf_region *r = &rep->layout.regions[c->region];

	open_json_object(NULL);
	print_string(PRINT_ANY, "severity", "%s",
		     hg_pf_severity_name(c->severity));
	print_string(PRINT_JSON, "region", NULL, r->name);
	print_string(PRINT_JSON, "kind", NULL, hg_pf_kind_name(r->kind));
	print_string(PRINT_JSON, "device", NULL, hosts[c->device].device);
	print_uint(PRINT_JSON, "host_aw_bits", NULL, hosts[c->device].aw_bits);
	open_json_object("range");
	print_hex(PRINT_JSON, "start", NULL, r->range.start);
	print_hex(PRINT_JSON, "end", NULL, r->range.end);
	close_json_object();
	open_json_object("outside");
	print_hex(PRINT_JSON, "start", NULL, c->outside.start);
	print_hex(PRINT_JSON, "end", NULL, c->outside.end);
	close_json_object();
	print_string(PRINT_ANY, "why", ": %s\n", c->why);
	print_fix("fix", c->alt.qemu[0] ? "work-around 1" : "fix", &c->fix);
	print_fix("alternative", "work-around 2", &c->alt);
	close_json_object();
}

static void print_notes(const struct hg_pf_guest *g)
{
	size_t i;

	if (g->n_notes)
		print_text("assumed:\n");
	open_json_array("notes");
	for (i = 0; i < g->n_notes; i++)
		print_string(PRINT_ANY, NULL, "  - %s\n", g->notes[i]);
	close_json_array();
}

static void print_verdict(const struct hg_pf_guest *g,
			  const struct hg_pf_report *rep)
{
	if (!rep) {
		print_string(PRINT_JSON, "verdict", NULL, "undecided");
		print_string(PRINT_ANY, "undecided", "could not decide: %s\n",
			     g->undecided);
		return;
	}
	print_null(PRINT_JSON, "undecided", NULL, NULL);
	print_string(PRINT_JSON, "verdict", NULL,
		     rep->fits ? "fits" : "conflict");
	print_text("%s\n", rep->fits ? "fits: every range maps"
				     : "does not fit");
}

/* The whole result, one walk for text and JSON. */
static void print_result(const struct hg_pf_guest *g,
			 const struct hg_pf_host *hosts, size_t n_hosts,
			 const struct hg_pf_report *rep)
{
	size_t i;

	cli_envelope("preflight");
	print_guest(g);
	if (rep)
		print_layout(&rep->layout);
	else
		print_null(PRINT_JSON, "layout", NULL, NULL);
	if (n_hosts)
		print_text("host IOMMU:\n");
	open_json_array("devices");
	for (i = 0; i < n_hosts; i++)
		print_host(&hosts[i]);
	close_json_array();
	open_json_array("conflicts");
	for (i = 0; rep && i < rep->n_conflicts; i++)
		print_conflict(rep, hosts, &rep->conflicts[i]);
	close_json_array();
	print_uint(PRINT_JSON, "conflicts_not_listed", NULL,
		   rep ? rep->n_unlisted : 0);
	if (rep && rep->n_unlisted)
		print_text("%zu more conflicts, not listed (the first %d are)\n",
			   rep->n_unlisted, HG_PF_CONFLICTS_MAX);
	print_notes(g);
}

static bool probe_agrees(const struct hg_pf_layout *l,
			 const struct hg_pf_probe *p)
{
	if (l->refused[0] || p->refused[0])
		return l->refused[0] && p->refused[0];
	return p->below_4g == l->below_4g && p->above_4g == l->above_4g &&
	       p->devmem_base == l->devmem_base &&
	       p->devmem_size == l->devmem_size &&
	       p->hole64_start == l->hole64_start &&
	       p->hole64_end == l->hole64_end;
}

static void print_probe(const struct hg_pf_probe *p, bool agrees)
{
	open_json_object("probe");
	if (p->refused[0]) {
		print_string(PRINT_ANY, "refused", "QEMU itself: %s\n",
			     p->refused);
	} else {
		print_null(PRINT_JSON, "refused", NULL, NULL);
		print_hex(PRINT_ANY, "below_4g", "QEMU itself: below-4g 0x%" PRIx64,
			  p->below_4g);
		print_hex(PRINT_ANY, "above_4g", " above-4g 0x%" PRIx64,
			  p->above_4g);
		print_hex(PRINT_ANY, "device_memory_base",
			  " device-memory 0x%" PRIx64, p->devmem_base);
		print_hex(PRINT_ANY, "device_memory_size", "+0x%" PRIx64,
			  p->devmem_size);
		print_hex(PRINT_ANY, "pci_hole64_start",
			  " pci-hole64 0x%" PRIx64, p->hole64_start);
		print_hex(PRINT_ANY, "pci_hole64_end", "-0x%" PRIx64 "\n",
			  p->hole64_end - 1);
	}
	print_bool(PRINT_JSON, "agrees", NULL, agrees);
	print_text("QEMU and the model %s\n", agrees ? "agree" : "DISAGREE");
	close_json_object();
}

static int parse_opts(struct cli *cli, int argc, char **argv,
		      struct plain *p)
{
	static const struct option opts[] = {
		{ "qemu-file", required_argument, NULL, OPT_QEMU_FILE },
		{ "xml", required_argument, NULL, OPT_XML },
		{ "machine", required_argument, NULL, OPT_MACHINE },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "maxmem", required_argument, NULL, OPT_MAXMEM },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "phys-bits", required_argument, NULL, OPT_PHYS_BITS },
		{ "pci-hole64-size", required_argument, NULL, OPT_HOLE64 },
		{ "firmware", required_argument, NULL, OPT_FIRMWARE },
		{ "viommu", required_argument, NULL, OPT_VIOMMU },
		{ "aw-bits", required_argument, NULL, OPT_AW_BITS },
		{ "device", required_argument, NULL, 'd' },
		{ "host-aw-bits", required_argument, NULL, OPT_HOST_AW },
		{ "host-cpu-phys-bits", required_argument, NULL,
		  OPT_HOST_CPU_BITS },
		{ "host-cpu-vendor", required_argument, NULL, OPT_HOST_VENDOR },
		{ "vfio", no_argument, NULL, OPT_VFIO },
		{ "probe", no_argument, NULL, OPT_PROBE },
		{ "qemu", required_argument, NULL, OPT_QEMU },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "libvirt-version", required_argument, NULL,
		  OPT_LIBVIRT_VERSION },
		{ "qemu-version", required_argument, NULL, OPT_QEMU_VERSION },
		CLI_COMMON_OPTS
	};
	struct hg_err err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "d:" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		if (c == 'd' && p->n_devices >= HG_PF_DEVICES_MAX)
			return cli_failf("--device %s: more than %d devices; a guest is modelled with up to %d assigned devices",
					 optarg, HG_PF_DEVICES_MAX,
					 HG_PF_DEVICES_MAX);
		else if (c == 'd')
			p->devices[p->n_devices++] = optarg;
		else if (c == OPT_PROC_ROOT)
			cli->ctx.proc = optarg;
		else if (c == OPT_LIBVIRT_VERSION &&
			 hg_libvirt_version_parse(optarg, &p->libvirt_version,
						  &err))
			return cli_fail(&err);
		else if (c == OPT_LIBVIRT_VERSION)
			continue;
		else if (c == OPT_QEMU_VERSION)
			p->qemu_version = optarg;
		else if (c == OPT_HOST_AW && parse_uint("host-aw-bits", optarg,
							 64, &p->host_aw))
			return EXIT_CANNOT;
		else if (c == OPT_VFIO)
			p->vfio = true;
		else if (c == OPT_PROBE)
			p->probe = true;
		else if (c >= OPT_QEMU_FILE && c <= OPT_QEMU)
			SET(p, c) = optarg;
		else if (c != OPT_HOST_AW &&
			 (c = cli_option(cli, c, "preflight ", usage)) != CLI_NEXT)
			return c == EXIT_OK ? -1 : c;
	}
	p->xml = SET(p, OPT_XML);
	p->qemu_file = SET(p, OPT_QEMU_FILE);
	p->qemu = SET(p, OPT_QEMU) ? SET(p, OPT_QEMU) : "qemu-system-x86_64";
	if (p->qemu_version && SET(p, OPT_QEMU))
		return cli_failf("preflight: --qemu reads the version from the binary, --qemu-version says it without one: drop one of them");
	if (p->xml && (p->qemu_file || optind < argc))
		return cli_failf("give the guest once: --xml, --qemu-file or a command line after --");
	return 0;
}

static int run_probe(const struct plain *p, const struct hg_pf_guest *g,
		     const struct hg_pf_report *rep, bool *agrees)
{
	struct hg_pf_probe probe;
	struct hg_err err = { 0 };

	if (hg_pf_probe_qemu(g, p->qemu, &probe, &err))
		return cli_fail(&err);
	*agrees = probe_agrees(&rep->layout, &probe);
	print_probe(&probe, *agrees);
	return 0;
}

static int verdict(const struct hg_pf_report *rep, bool agrees)
{
	if (!agrees)
		return cli_failf("the model and QEMU disagree on this layout: the answer above cannot be trusted (please report it)");
	return rep->fits ? EXIT_OK : EXIT_PROBLEM;
}

int cmd_preflight(struct cli *cli, int argc, char **argv)
{
	struct hg_pf_host hosts[HG_PF_DEVICES_MAX];
	struct plain p = { 0 };
	struct hg_err err = { 0 };
	struct hg_pf_guest *g;
	struct hg_pf_report *rep;
	bool agrees = true;
	size_t n = 0, i;
	int ret;

	ret = parse_opts(cli, argc, argv, &p);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	g = malloc(sizeof(*g));
	rep = malloc(sizeof(*rep));
	if (!g || !rep) {
		free(g);
		free(rep);
		return cli_failf("out of memory");
	}
	ret = describe(cli, &p, argv + optind, argc - optind, g);
	if (!ret && !g->undecided[0])
		ret = hosts_for(cli, &p, g, hosts, &n);
	if (!ret && !g->undecided[0] && hg_pf_check(g, hosts, n, rep, &err))
		hg_pf_undecided(g, "%s", err.msg);
	if (!ret)
		print_result(g, hosts, n, g->undecided[0] ? NULL : rep);
	if (!ret && !g->undecided[0] && p.probe)
		ret = run_probe(&p, g, rep, &agrees);
	if (!ret)
		print_verdict(g, g->undecided[0] ? NULL : rep);
	for (i = 0; i < n; i++)
		hg_pf_host_free(&hosts[i]);
	if (!ret)
		ret = g->undecided[0] ? EXIT_CANNOT : verdict(rep, agrees);
	free(g);
	free(rep);
	return ret;
}
