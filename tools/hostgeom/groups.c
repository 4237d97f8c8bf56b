// SPDX-License-Identifier: GPL-2.0
/* hostgeom groups: the IOMMU groups, their members and reserved regions. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hostgeom/sysfs.h>

#include "args.h"
#include "cli.h"

static void usage(void)
{
	printf("Usage: hostgeom groups [--json|--pretty] [--sysfs-root DIR] [GROUP|DEVICE...]\n"
	       "\n"
	       "Lists the IOMMU groups (all, or those given by number or by the\n"
	       "name of a member, e.g. 0000:00:1f.2 or 00:1f.2): type, members\n"
	       "with PCI IDs, class, driver and vfio cdev, and reserved regions\n"
	       "(end inclusive). Absent values print as '-'.\n"
	       "\n"
	       "Exit status: 0 fine, 1 no IOMMU groups at all (no IOMMU\n"
	       "enabled), 2 unknown group or device, or sysfs unreadable.\n");
}

static const char *or_null(const char *s)
{
	return s[0] ? s : NULL;
}

static void print_device(const struct hg_device *d)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "\tdevice %s", d->name);
	print_bool(PRINT_JSON, "pci", NULL, d->is_pci);
	/* IDs fixed-width as sysfs prints them: "0x8086", "0x060000". */
	if (d->is_pci) {
		print_hex_digits(PRINT_ANY, "vendor", " id %04" PRIx64, 4,
				 d->vendor);
		print_hex_digits(PRINT_ANY, "device", ":%04" PRIx64, 4,
				 d->device);
		print_hex_digits(PRINT_ANY, "class", " class 0x%06" PRIx64, 6,
				 d->class_code);
	} else {
		print_null(PRINT_ANY, "vendor", " id %s", "-");
		print_null(PRINT_JSON, "device", NULL, NULL);
		print_null(PRINT_ANY, "class", " class %s", "-");
	}
	print_string(PRINT_ANY, "driver", " driver %s", or_null(d->driver));
	print_string(PRINT_ANY, "vfio_cdev", " cdev %s\n",
		     or_null(d->vfio_cdev));
	close_json_object();
}

static void print_group(const struct hg_group *g)
{
	const struct hg_resv *r;
	size_t i;

	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "group %u", g->id);
	print_string(PRINT_ANY, "type", " type %s\n", or_null(g->type));
	open_json_array("devices");
	for (i = 0; i < g->n_members; i++)
		print_device(&g->members[i]);
	close_json_array();
	open_json_array("reserved_regions");
	for (i = 0; i < g->n_resv; i++) {
		r = &g->resv[i];
		open_json_object(NULL);
		print_hex(PRINT_ANY, "start", "\treserved 0x%016" PRIx64,
			  r->start);
		print_hex(PRINT_ANY, "end", "-0x%016" PRIx64, r->last);
		print_string(PRINT_ANY, "type", " %s\n",
			     hg_resv_type_name(r->type));
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

/* The groups marked in @want, as {"groups": [...]} in the envelope. */
static void print_groups(const struct hg_topology *topo, const bool *want)
{
	size_t i;

	cli_envelope("groups");
	open_json_array("groups");
	for (i = 0; i < topo->n_groups; i++)
		if (want[i])
			print_group(&topo->groups[i]);
	close_json_array();
}

/* Marks in @want the groups @args name (all without any). */
static int select_groups(const struct cli *cli,
			 const struct hg_topology *topo, char **args, size_t n,
			 bool *want)
{
	const struct hg_group **sel;
	size_t i, found;
	int ret;

	for (i = 0; !n && i < topo->n_groups; i++)
		want[i] = true;
	sel = calloc(n + 1, sizeof(*sel));
	if (!sel)
		return cli_failf("out of memory");
	ret = args_groups(&cli->ctx, topo, args, n, sel, &found);
	for (i = 0; !ret && i < found; i++)
		want[sel[i] - topo->groups] = true;
	free(sel);
	return ret;
}

/*
 * No IOMMU is a finding about the machine, not a failure to run. The
 * kernel makes the directory whenever it is built with IOMMU support,
 * so it is usually there and empty.
 */
static int no_groups(const struct cli *cli, const struct hg_topology *topo)
{
	const char *root = hg_ctx_sysfs(&cli->ctx);

	fprintf(stderr, "hostgeom: no IOMMU groups under ");
	print_escaped(stderr, root);
	fprintf(stderr, "/kernel/iommu_groups: is an IOMMU enabled (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in the firmware, a vIOMMU for a VM)?%s\n",
		hg_sysfs_has_iommu(&cli->ctx) ? "" :
		" The directory does not exist: a kernel without IOMMU support, or not a sysfs tree.");
	print_groups(topo, NULL);
	return EXIT_PROBLEM;
}

int cmd_groups(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	struct hg_topology topo;
	struct hg_err err = { 0 };
	struct stat st;
	bool *want;
	int c, ret;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		c = cli_option(cli, c, "groups ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	ret = cli_roots_used(cli, "groups", true, false, "it reads sysfs only");
	if (ret)
		return ret;
	/* A root that is not there is a mistake, not a machine without IOMMU. */
	if (stat(hg_ctx_sysfs(&cli->ctx), &st))
		return cli_failf("cannot read sysfs at %s: %s",
				 hg_ctx_sysfs(&cli->ctx), strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_failf("cannot read sysfs at %s: not a directory",
				 hg_ctx_sysfs(&cli->ctx));
	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err))
		return cli_fail(&err);
	if (!topo.n_groups) {
		ret = no_groups(cli, &topo);
		hg_topology_free(&topo);
		return ret;
	}
	want = calloc(topo.n_groups, sizeof(*want));
	if (!want) {
		hg_topology_free(&topo);
		return cli_failf("out of memory");
	}
	ret = select_groups(cli, &topo, argv + optind, argc - optind, want);
	if (!ret)
		print_groups(&topo, want);
	free(want);
	hg_topology_free(&topo);
	return ret;
}
