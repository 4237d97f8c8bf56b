// SPDX-License-Identifier: GPL-2.0
/* hostgeom groups: the IOMMU groups, their members and reserved regions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/json.h>
#include <hostgeom/sysfs.h>

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

/* "7" names a group; anything else a device. */
static bool parse_group_id(const char *arg, unsigned int *id)
{
	unsigned long v;
	char *end;

	if (arg[0] < '0' || arg[0] > '9')
		return false;
	v = strtoul(arg, &end, 10);
	if (*end || v > 0xffffffffUL)
		return false;
	*id = v;
	return true;
}

/* Marks in @want the groups @args name; EXIT_CANNOT on one that is not there. */
static int select_groups(const struct hg_topology *topo, const char *root,
			 char **args, int n, bool *want)
{
	const struct hg_group *g;
	unsigned int id;
	int i;

	for (i = 0; i < n; i++) {
		if (parse_group_id(args[i], &id)) {
			g = hg_topology_group(topo, id);
			if (!g)
				return cli_failf("no IOMMU group %u under %s/kernel/iommu_groups; 'hostgeom groups' lists them",
						 id, root);
		} else {
			g = hg_topology_find_device(topo, args[i], NULL);
			if (!g)
				return cli_failf("device '%s' is in no IOMMU group under %s/kernel/iommu_groups: it does not exist, is not behind an IOMMU, or (virtio-iommu) has no driver bound yet",
						 args[i], root);
		}
		want[g - topo->groups] = true;
	}
	return EXIT_OK;
}

static void print_group(const struct hg_group *g)
{
	size_t i;

	printf("group %u type %s\n", g->id, g->type[0] ? g->type : "-");
	for (i = 0; i < g->n_members; i++) {
		const struct hg_device *d = &g->members[i];

		printf("\tdevice %s", d->name);
		if (d->is_pci)
			printf(" id %04x:%04x class 0x%06x", d->vendor,
			       d->device, d->class_code);
		else
			printf(" id - class -");
		printf(" driver %s cdev %s\n", d->driver[0] ? d->driver : "-",
		       d->vfio_cdev[0] ? d->vfio_cdev : "-");
	}
	for (i = 0; i < g->n_resv; i++)
		printf("\treserved 0x%016llx-0x%016llx %s\n",
		       (unsigned long long)g->resv[i].start,
		       (unsigned long long)g->resv[i].end,
		       hg_resv_type_name(g->resv[i].type));
}

/* The groups marked in @want, as {"groups": [...]} in the envelope. */
static int print_json(const struct cli *cli, const struct hg_topology *topo,
		      const bool *want)
{
	json_object *env = cli_envelope("groups"), *arr;
	size_t i;

	arr = json_object_new_array_ext(topo->n_groups);
	for (i = 0; arr && i < topo->n_groups; i++) {
		json_object *g;

		if (!want[i])
			continue;
		g = hg_json_group(&topo->groups[i]);
		if (!g || json_object_array_add(arr, g)) {
			json_object_put(g);
			json_object_put(arr);
			arr = NULL;
		}
	}
	if (!env || !arr || json_object_object_add(env, "groups", arr)) {
		json_object_put(arr);
		json_object_put(env);
		return cli_failf("out of memory building the JSON output");
	}
	cli_print_json(cli, env);
	return EXIT_OK;
}

int cmd_groups(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	struct hg_topology topo;
	struct hg_err err = { 0 };
	const char *root;
	bool *want;
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		c = cli_option(cli, c, "groups ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	root = hg_ctx_sysfs(&cli->ctx);
	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err))
		return cli_fail(&err);
	want = calloc(topo.n_groups + 1, sizeof(*want));
	if (!want) {
		hg_topology_free(&topo);
		return cli_failf("out of memory");
	}
	/* No argument: every group. */
	for (i = 0; optind == argc && i < topo.n_groups; i++)
		want[i] = true;
	if (!topo.n_groups) {
		/*
		 * No IOMMU is a finding about the machine, not a failure to
		 * run. The kernel makes the directory whenever it is built
		 * with IOMMU support, so it is usually there and empty.
		 */
		fprintf(stderr, "hostgeom: no IOMMU groups under %s/kernel/iommu_groups: is an IOMMU enabled (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in the firmware, a vIOMMU for a VM)?%s\n",
			root, hg_sysfs_has_iommu(&cli->ctx) ? "" :
			" The directory does not exist: a kernel without IOMMU support, or not a sysfs tree.");
		ret = EXIT_PROBLEM;
		if (cli->json && print_json(cli, &topo, want))
			ret = EXIT_CANNOT;
		goto out;
	}
	ret = select_groups(&topo, root, argv + optind, argc - optind, want);
	if (ret)
		goto out;
	if (cli->json)
		ret = print_json(cli, &topo, want);
	else
		for (i = 0; i < topo.n_groups; i++)
			if (want[i])
				print_group(&topo.groups[i]);
out:
	free(want);
	hg_topology_free(&topo);
	return ret;
}
