// SPDX-License-Identifier: GPL-2.0
/* hostgeom qemu: the QEMU vIOMMU options that match this host. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/json.h>
#include <hostgeom/qemu.h>
#include <hostgeom/ranges_query.h>

#include "cli.h"

static void usage(void)
{
	printf("Usage: hostgeom qemu [OPTIONS] [BDF|GROUP...]\n"
	       "\n"
	       "Prints the QEMU 10 vIOMMU options that keep a guest within what\n"
	       "the host IOMMU can map for these devices (default: every group\n"
	       "bound to vfio-pci): a virtio-iommu-pci JSON -device, the\n"
	       "intel-iommu aw-bits that fits, and a libvirt <iommu> element.\n"
	       "Comment lines say what each value came from.\n"
	       "\n"
	       "  -m, --machine q35|virt   guest machine type (default q35)\n"
	       "  -s, --source vfio|sysfs  geometry from VFIO (default; devices\n"
	       "                           bound to vfio-pci, root) or from sysfs\n"
	       "                           (reserved regions and the VT-d width)\n"
	       "  -b, --backend type1|iommufd|all  VFIO backend (default all)\n"
	       "  -j, --json               JSON output\n");
}

static json_object *ranges_with_types(const struct hg_qemu_opts *o)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < o->reserved.n; i++) {
		json_object *r = hg_json_range(o->reserved.v[i].start,
					       o->reserved.v[i].end);

		json_object_object_add(r, "type", json_object_new_string(
			o->reserved_type[i] ? "msi" : "reserved"));
		json_object_array_add(arr, r);
	}
	return arr;
}

static int print_json(struct cli *cli, const struct hg_qemu_input *in,
		      const struct hg_qemu_opts *o, const char *virtio,
		      const char *intel, const char *libvirt)
{
	json_object *root = cli_envelope("qemu"), *host, *v, *notes;
	size_t i;

	json_object_object_add(root, "machine",
			       json_object_new_string(hg_machine_name(o->machine)));
	host = json_object_new_object();
	json_object_object_add(host, "source", json_object_new_string(in->source));
	json_object_object_add(host, "usable", hg_json_ranges(&in->usable));
	json_object_object_add(host, "pgsizes", hg_json_hex(in->pgsizes));
	json_object_object_add(root, "host", host);

	v = json_object_new_object();
	json_object_object_add(v, "aw_bits", json_object_new_int((int)o->aw_bits));
	json_object_object_add(v, "granule", json_object_new_string(o->granule));
	/* reported, not set: QEMU 10 sets reserved-regions itself */
	json_object_object_add(v, "holes", ranges_with_types(o));
	json_object_object_add(v, "device", json_object_new_string(virtio));
	json_object_object_add(root, "virtio_iommu", v);

	if (intel) {
		v = json_object_new_object();
		json_object_object_add(v, "aw_bits",
				       json_object_new_int((int)o->intel_aw_bits));
		json_object_object_add(v, "device", json_object_new_string(intel));
		json_object_object_add(v, "machine", json_object_new_string(
			"q35,kernel-irqchip=split"));
		json_object_object_add(root, "intel_iommu", v);
	} else {
		json_object_object_add(root, "intel_iommu", NULL);
	}
	json_object_object_add(root, "libvirt", json_object_new_string(libvirt));
	notes = json_object_new_array();
	for (i = 0; i < o->n_notes; i++)
		json_object_array_add(notes, json_object_new_string(o->notes[i]));
	json_object_object_add(root, "notes", notes);
	cli_print_json(cli, root);
	return EXIT_OK;
}

static int print_text(const struct hg_qemu_input *in,
		      const struct hg_qemu_opts *o, const char *virtio,
		      const char *intel, const char *libvirt)
{
	char pages[128];
	size_t i;

	hg_pgsizes_human(in->pgsizes, pages, sizeof(pages));
	printf("# host (%s): usable", in->source);
	for (i = 0; i < in->usable.n; i++)
		printf(" 0x%" PRIx64 "-0x%" PRIx64, in->usable.v[i].start,
		       in->usable.v[i].end);
	printf("; pages %s\n", pages);
	for (i = 0; i < o->n_notes; i++)
		printf("# %s\n", o->notes[i]);
	printf("-device '%s'\n", virtio);
	if (intel)
		printf("-machine %s,kernel-irqchip=split -device %s\n",
		       hg_machine_name(o->machine), intel);
	printf("# libvirt\n%s\n", libvirt);
	return EXIT_OK;
}

static int emit(struct cli *cli, struct hg_qemu_input *in,
		enum hg_machine machine)
{
	char *virtio = NULL, *intel = NULL, *libvirt = NULL;
	struct hg_qemu_opts o;
	struct hg_err err = { 0 };
	int ret;

	in->machine = machine;
	if (hg_qemu_derive(in, &o, &err))
		return cli_fail(&err);
	virtio = hg_qemu_virtio_device_json(&o);
	libvirt = hg_qemu_libvirt_xml(&o);
	if (machine == HG_MACHINE_Q35)
		intel = hg_qemu_intel_device(&o);
	if (!virtio || !libvirt) {
		ret = cli_failf("out of memory");
	} else if (cli->json) {
		ret = print_json(cli, in, &o, virtio, intel, libvirt);
	} else {
		ret = print_text(in, &o, virtio, intel, libvirt);
	}
	free(virtio);
	free(intel);
	free(libvirt);
	hg_qemu_opts_free(&o);
	return ret;
}

static int parse_ids(const struct hg_topology *topo, char **args, size_t n,
		     unsigned int *ids)
{
	const struct hg_group *g;
	size_t i;

	for (i = 0; i < n; i++) {
		if (hg_resolve_group(topo, args[i], &g, NULL))
			return cli_failf("no IOMMU group or device '%s' (see 'hostgeom groups')",
					 args[i]);
		ids[i] = g->id;
	}
	return 0;
}

static int from_sysfs(struct cli *cli, char **args, size_t n,
		      enum hg_machine machine)
{
	struct hg_qemu_input in = { 0 };
	struct hg_topology topo = { 0 };
	struct hg_err err = { 0 };
	unsigned int *ids;
	int ret;

	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err))
		return cli_fail(&err);
	ids = calloc(n ? n : 1, sizeof(*ids));
	ret = ids ? parse_ids(&topo, args, n, ids) : cli_failf("out of memory");
	if (!ret) {
		if (hg_qemu_input_from_sysfs(&cli->ctx, &topo, ids, n, &in, &err))
			ret = cli_fail(&err);
		else
			ret = emit(cli, &in, machine);
	}
	hg_qemu_input_free(&in);
	free(ids);
	hg_topology_free(&topo);
	return ret;
}

static int from_vfio(struct cli *cli, char **args, size_t n,
		     unsigned int backends, enum hg_machine machine)
{
	struct hg_qemu_input in = { 0 };
	struct hg_geom_query q = { 0 };
	struct hg_err err = { 0 };
	size_t i;
	int ret;

	if (hg_geom_query(&cli->ctx, args, n, backends, &q, &err))
		return cli_fail(&err);
	if (hg_qemu_input_from_query(&q, &in, &err)) {
		ret = cli_fail(&err);
		/* say why each group gave nothing */
		for (i = 0; i < q.n_skipped; i++)
			fprintf(stderr, "  group %u: %s\n", q.skipped[i].id,
				q.skipped[i].reason);
		for (i = 0; i < q.n_groups; i++) {
			const struct hg_group_geom *g = &q.groups[i];

			if (g->type1_status == HG_STATUS_FAILED)
				fprintf(stderr, "  group %u: type1: %s\n",
					g->group->id, g->type1_err.msg);
			if (g->iommufd_status == HG_STATUS_FAILED ||
			    g->iommufd_status == HG_STATUS_UNAVAILABLE)
				fprintf(stderr, "  group %u: iommufd: %s\n",
					g->group->id, g->iommufd_err.msg);
		}
	} else {
		ret = emit(cli, &in, machine);
	}
	hg_qemu_input_free(&in);
	hg_geom_query_free(&q);
	return ret;
}

int cmd_qemu(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "machine", required_argument, NULL, 'm' },
		{ "source", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'b' },
		CLI_COMMON_OPTS
	};
	enum hg_machine machine = HG_MACHINE_Q35;
	unsigned int backends = HG_BACKEND_ALL;
	struct hg_err err = { 0 };
	bool sysfs = false;
	int c;

	while ((c = getopt_long(argc, argv, "m:s:b:" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "q35"))
				machine = HG_MACHINE_Q35;
			else if (!strcmp(optarg, "virt"))
				machine = HG_MACHINE_VIRT;
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
			continue;
		}
		c = cli_option(cli, c, "qemu ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	if (sysfs)
		return from_sysfs(cli, argv + optind, (size_t)(argc - optind),
				  machine);
	return from_vfio(cli, argv + optind, (size_t)(argc - optind),
			 backends, machine);
}
