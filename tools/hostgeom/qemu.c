// SPDX-License-Identifier: GPL-2.0
/* hostgeom qemu: the QEMU vIOMMU options that match this host. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/libvirt_version.h>
#include <hostgeom/qemu.h>
#include <hostgeom/qemu_caps.h>
#include <hostgeom/qemu_libvirt.h>
#include <hostgeom/ranges_query.h>

#include "args.h"
#include "cli.h"
#include "geom_print.h"

static void usage(void)
{
	printf("Usage: hostgeom qemu [OPTIONS] [BDF|GROUP...]\n"
	       "\n"
	       "Prints the QEMU vIOMMU options that keep a guest within what\n"
	       "the host IOMMU can map for these devices (default: every group\n"
	       "bound to vfio-pci): a virtio-iommu-pci JSON -device, the\n"
	       "intel-iommu aw-bits that fits, and the libvirt domain XML for\n"
	       "them, in the form the installed libvirt accepts (virtio aw_bits\n"
	       "and granule natively from libvirt 12.1.0, by <qemu:override>\n"
	       "from 8.3.0, by <qemu:commandline> before; not found: the\n"
	       "override). Only options the QEMU in use takes: its properties\n"
	       "are read from the binary (-device NAME,help); virtio-iommu-pci\n"
	       "has aw-bits and granule from QEMU 9.0 on, and without them the\n"
	       "virtio line is left out where its defaults do not fit the host.\n"
	       "Comment lines say what each value came from.\n"
	       "\n"
	       "  -m, --machine q35|virt   guest machine type (default q35; on\n"
	       "                           an arm64 host virt)\n"
	       "  -s, --source vfio|sysfs  geometry from VFIO (default; devices\n"
	       "                           bound to vfio-pci, root) or from sysfs\n"
	       "                           (reserved regions and the VT-d width)\n"
	       "  -b, --backend type1|iommufd|all  VFIO backend (default all;\n"
	       "                           not with --source sysfs)\n"
	       "      --qemu BINARY        the QEMU the options are for (default:\n"
	       "                           qemu-system-x86_64, on virt\n"
	       "                           qemu-system-aarch64, from PATH; not\n"
	       "                           found: QEMU 9.0 and later)\n"
	       "      --qemu-version X.Y   for that QEMU without its binary (the\n"
	       "                           versions the kit has a table for: 7.2,\n"
	       "                           10.0)\n"
	       "      --libvirt-version X.Y.Z  libvirt XML for that libvirt\n"
	       "                           (default: the installed one's version)\n"
	       "  -j, --json               JSON output\n");
}

static void print_host(const struct hg_qemu_input *in)
{
	char pages[128];
	size_t i;

	open_json_object("host");
	print_string(PRINT_ANY, "source", "# host (%s): usable", in->source);
	open_json_array("usable");
	for (i = 0; i < in->usable.n; i++) {
		open_json_object(NULL);
		print_hex(PRINT_ANY, "start", " 0x%" PRIx64,
			  in->usable.v[i].start);
		print_hex(PRINT_ANY, "end", "-0x%" PRIx64,
			  in->usable.v[i].end);
		close_json_object();
	}
	close_json_array();
	hg_pgsizes_human(in->pgsizes, pages, sizeof(pages));
	print_hex(PRINT_JSON, "pgsizes", NULL, in->pgsizes);
	print_text("; pages %s\n", pages);
	close_json_object();
}

static void print_virtio(const struct hg_qemu_opts *o, const char *virtio)
{
	size_t i;

	open_json_object("virtio_iommu");
	print_uint(PRINT_JSON, "aw_bits", NULL, o->aw_bits);
	print_string(PRINT_JSON, "granule", NULL, o->granule);
	/* reported, not set: QEMU 10 sets reserved-regions itself */
	open_json_array("holes");
	for (i = 0; i < o->reserved.n; i++) {
		open_json_object(NULL);
		print_hex(PRINT_JSON, "start", NULL, o->reserved.v[i].start);
		print_hex(PRINT_JSON, "end", NULL, o->reserved.v[i].end);
		print_string(PRINT_JSON, "type", NULL,
			     o->reserved_type[i] ? "msi" : "reserved");
		close_json_object();
	}
	close_json_array();
	print_string(PRINT_ANY, "device", "-device '%s'\n", virtio);
	close_json_object();
}

static void print_intel(const struct hg_qemu_opts *o, const char *intel,
			const char *libvirt_intel)
{
	if (!intel) {
		print_null(PRINT_JSON, "intel_iommu", NULL, NULL);
		return;
	}
	open_json_object("intel_iommu");
	print_uint(PRINT_JSON, "aw_bits", NULL, o->intel_aw_bits);
	print_text("-machine %s,kernel-irqchip=split",
		   hg_machine_name(o->machine));
	print_string(PRINT_ANY, "device", " -device %s\n", intel);
	print_string(PRINT_JSON, "machine", NULL, "q35,kernel-irqchip=split");
	print_string(PRINT_JSON, "libvirt", NULL, libvirt_intel);
	close_json_object();
}

/* In text the notes are comments under the host line, in JSON the last key. */
static void print_notes(enum output_type t, const struct hg_qemu_opts *o)
{
	size_t i;

	if (t & PRINT_JSON)
		open_json_array("notes");
	for (i = 0; i < o->n_notes; i++)
		print_string(t, NULL, "# %s\n", o->notes[i]);
	if (t & PRINT_JSON)
		close_json_array();
}

static void print_opts(const struct hg_qemu_input *in,
		       const struct hg_qemu_opts *o, const char *virtio,
		       const char *intel, const char *libvirt,
		       const char *libvirt_intel)
{
	cli_envelope("qemu");
	print_string(PRINT_JSON, "machine", NULL, hg_machine_name(o->machine));
	print_qemu_caps(in->qemu);
	print_host(in);
	print_notes(PRINT_TEXT, o);
	if (virtio)
		print_virtio(o, virtio);
	else
		print_null(PRINT_JSON, "virtio_iommu", NULL, NULL);
	print_intel(o, intel, libvirt_intel);
	/* several lines of XML the library wrote: not escaped in text */
	if (libvirt) {
		print_string(PRINT_JSON, "libvirt", NULL, libvirt);
		print_text("# libvirt, virtio-iommu\n%s\n", libvirt);
	} else {
		print_null(PRINT_JSON, "libvirt", NULL, NULL);
	}
	if (libvirt_intel)
		print_text("# libvirt, intel-iommu\n%s\n", libvirt_intel);
	print_notes(PRINT_JSON, o);
}

/* The guest's machine, its QEMU and the libvirt that reads the XML. */
struct qemu_target {
	enum hg_machine machine;
	unsigned long libvirt_version;
	const char *libvirt_source;
	const struct hg_qemu_caps *qemu;	/* NULL: not found */
};

static int emit(struct hg_qemu_input *in, const struct qemu_target *target)
{
	enum hg_machine machine = target->machine;
	char *virtio = NULL, *intel = NULL, *libvirt = NULL;
	char *libvirt_intel = NULL;
	struct hg_qemu_opts o;
	struct hg_err err = { 0 };
	int ret;

	in->machine = machine;
	in->libvirt_version = target->libvirt_version;
	in->libvirt_source = target->libvirt_source;
	in->qemu = target->qemu;
	if (hg_qemu_derive(in, &o, &err))
		return cli_fail(&err);
	virtio = hg_qemu_virtio_device_json(&o);
	/* libvirt sets aw-bits and granule: only for a QEMU that has them */
	if (o.virtio == HG_VIRTIO_PROPS)
		libvirt = hg_qemu_libvirt_xml(&o);
	if (machine == HG_MACHINE_Q35)
		intel = hg_qemu_intel_device(&o);
	if (intel)
		libvirt_intel = hg_qemu_libvirt_intel_xml(&o);
	if ((o.virtio != HG_VIRTIO_NONE && !virtio) ||
	    (o.virtio == HG_VIRTIO_PROPS && !libvirt) ||
	    (intel && !libvirt_intel)) {
		ret = cli_failf("out of memory");
	} else {
		print_opts(in, &o, virtio, intel, libvirt, libvirt_intel);
		ret = EXIT_OK;
	}
	free(virtio);
	free(intel);
	free(libvirt);
	free(libvirt_intel);
	hg_qemu_opts_free(&o);
	return ret;
}

/* The ids of the groups @args name, into @ids (room for @n); how many in @n_ids. */
static int parse_ids(const struct cli *cli, const struct hg_topology *topo,
		     char **args, size_t n, unsigned int *ids, size_t *n_ids)
{
	const struct hg_group **groups = calloc(n ? n : 1, sizeof(*groups));
	size_t i;
	int ret;

	if (!groups)
		return cli_failf("out of memory");
	ret = args_groups(&cli->ctx, topo, args, n, groups, n_ids);
	for (i = 0; !ret && i < *n_ids; i++)
		ids[i] = groups[i]->id;
	free(groups);
	return ret;
}

static int from_sysfs(struct cli *cli, char **args, size_t n,
		      const struct qemu_target *target)
{
	struct hg_qemu_input in = { 0 };
	struct hg_topology topo = { 0 };
	struct hg_err err = { 0 };
	unsigned int *ids;
	size_t n_ids = 0;
	int ret;

	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err))
		return cli_fail(&err);
	ids = calloc(n ? n : 1, sizeof(*ids));
	ret = ids ? parse_ids(cli, &topo, args, n, ids, &n_ids) :
		    cli_failf("out of memory");
	if (!ret) {
		if (hg_qemu_input_from_sysfs(&cli->ctx, &topo, ids, n_ids,
					     &in, &err))
			ret = cli_fail(&err);
		else
			ret = emit(&in, target);
	}
	hg_qemu_input_free(&in);
	free(ids);
	hg_topology_free(&topo);
	return ret;
}

/* "  group N: [what: ]why" on stderr, @why escaped (it quotes sysfs). */
static void why_line(unsigned int id, const char *what, const char *why)
{
	fprintf(stderr, "  group %u: %s", id, what);
	print_escaped(stderr, why);
	fputc('\n', stderr);
}

/* Why each group gave nothing: skipped, or its backends failed. */
static void say_why_nothing(const struct hg_geom_query *q)
{
	const struct hg_group_geom *g;
	size_t i;

	for (i = 0; i < q->n_skipped; i++)
		why_line(q->skipped[i].id, "", q->skipped[i].reason);
	for (i = 0; i < q->n_groups; i++) {
		g = &q->groups[i];
		if (g->type1_status == HG_STATUS_FAILED)
			why_line(g->group->id, "type1: ", g->type1_err.msg);
		if (g->iommufd_status == HG_STATUS_FAILED ||
		    g->iommufd_status == HG_STATUS_UNAVAILABLE)
			why_line(g->group->id, "iommufd: ", g->iommufd_err.msg);
	}
}

static int from_vfio(struct cli *cli, char **args, size_t n,
		     unsigned int backends, const struct qemu_target *target)
{
	struct hg_qemu_input in = { 0 };
	struct hg_geom_query q = { 0 };
	struct hg_err err = { 0 };
	int ret;

	if (hg_geom_query(&cli->ctx, args, n, backends, &q, &err))
		return args_query_fail(&err, n);
	if (hg_qemu_input_from_query(&q, &in, &err)) {
		ret = cli_fail(&err);
		say_why_nothing(&q);
	} else {
		ret = emit(&in, target);
	}
	hg_qemu_input_free(&in);
	hg_geom_query_free(&q);
	return ret;
}

/* long options only: above every short option and CLI_COMMON_OPTS (0x100, 0x101) */
enum { OPT_QEMU = 0x200, OPT_QEMU_VERSION };

/*
 * The QEMU the options are for: the binary named, the version given, or
 * the machine's QEMU in PATH; none of these: @q->source stays NULL.
 */
static int find_qemu(struct hg_qemu_caps *q, const char *binary,
		     const char *version, enum hg_machine machine,
		     struct hg_err *err)
{
	int ret;

	memset(q, 0, sizeof(*q));
	if (version)
		return hg_qemu_caps_from_version(version, q, err);
	if (binary)
		return hg_qemu_caps_probe(binary, q, err);
	binary = machine == HG_MACHINE_VIRT ? "qemu-system-aarch64" :
					      "qemu-system-x86_64";
	ret = hg_qemu_caps_probe(binary, q, err);
	/* not there, or one this machine cannot run: as if none */
	if (ret == -ENOENT || ret == -ENOEXEC) {
		memset(q, 0, sizeof(*q));
		hg_err_clear(err);
		return 0;
	}
	return ret;
}

int cmd_qemu(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "machine", required_argument, NULL, 'm' },
		{ "source", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'b' },
		{ "libvirt-version", required_argument, NULL, 'L' },
		{ "qemu", required_argument, NULL, OPT_QEMU },
		{ "qemu-version", required_argument, NULL, OPT_QEMU_VERSION },
		CLI_COMMON_OPTS
	};
	struct qemu_target target = { .machine = HG_MACHINE_HOST };
	const char *qemu_binary = NULL, *qemu_version = NULL;
	struct hg_qemu_caps qemu;
	unsigned int backends = HG_BACKEND_ALL;
	struct hg_err err = { 0 };
	bool sysfs = false, has_backend = false;
	int c;

	while ((c = getopt_long(argc, argv, "m:s:b:" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "q35"))
				target.machine = HG_MACHINE_Q35;
			else if (!strcmp(optarg, "virt"))
				target.machine = HG_MACHINE_VIRT;
			else
				return cli_failf("unknown machine '%s': use q35 or virt",
						 optarg);
			continue;
		case 's':
			if (!strcmp(optarg, "sysfs"))
				sysfs = true;
			else if (strcmp(optarg, "vfio"))
				return cli_failf("unknown source '%s': use vfio or sysfs",
						 optarg);
			continue;
		case 'b':
			if (hg_backend_parse(optarg, &backends, &err))
				return cli_fail(&err);
			has_backend = true;
			continue;
		case 'L':
			if (hg_libvirt_version_parse(optarg,
						     &target.libvirt_version,
						     &err))
				return cli_fail(&err);
			target.libvirt_source = "given";
			continue;
		case OPT_QEMU:
			qemu_binary = optarg;
			continue;
		case OPT_QEMU_VERSION:
			qemu_version = optarg;
			continue;
		}
		c = cli_option(cli, c, "qemu ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	if (qemu_binary && qemu_version)
		return cli_failf("qemu: --qemu reads the version from the binary, --qemu-version says it without one: drop one of them");
	if (sysfs && has_backend)
		return cli_failf("qemu: --backend chooses whom VFIO asks, and --source sysfs asks no VFIO backend: drop one of them");
	if (sysfs && cli_roots_used(cli, "qemu", true, false,
				    "--source sysfs reads sysfs only"))
		return EXIT_CANNOT;
	if (find_qemu(&qemu, qemu_binary, qemu_version, target.machine, &err))
		return cli_fail(&err);
	if (qemu.source)
		target.qemu = &qemu;
	/* not found: the XML the most libvirt releases take */
	if (!target.libvirt_source &&
	    hg_libvirt_installed_version(&target.libvirt_version,
					 &target.libvirt_source, NULL))
		target.libvirt_source = NULL;
	if (sysfs)
		return from_sysfs(cli, argv + optind, (size_t)(argc - optind),
				  &target);
	return from_vfio(cli, argv + optind, (size_t)(argc - optind),
			 backends, &target);
}
