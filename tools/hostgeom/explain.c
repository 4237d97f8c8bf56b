// SPDX-License-Identifier: GPL-2.0
/* hostgeom explain BDF: why a device shares its IOMMU group. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/bdf.h>
#include <hostgeom/json.h>
#include <hostgeom/pci.h>
#include <hostgeom/sysfs.h>

#include "cli.h"

static void usage(void)
{
	printf("Usage: hostgeom explain [-j] BDF\n"
	       "\n"
	       "Walks from the root complex down to BDF and says, for each port\n"
	       "and bridge, whether it isolates the devices below it (ACS) or\n"
	       "aliases them (PCIe-to-PCI bridges), and which one puts BDF in a\n"
	       "group with other devices. Reading ACS needs root.\n"
	       "Exit status: 0 the device is alone in its group, 1 it shares it,\n"
	       "2 could not run.\n");
}

static const char *reason_key(enum hg_pci_reason reason)
{
	switch (reason) {
	case HG_PCI_ALIAS:
		return "alias";
	case HG_PCI_NO_ACS:
		return "no-acs";
	case HG_PCI_MULTIFUNCTION:
		return "multifunction";
	case HG_PCI_ISOLATED:
		break;
	}
	return "isolated";
}

static void print_hop(const struct hg_pci_hop *hop)
{
	char cap[40], ctrl[40];
	const char *what;

	if (hop->aliases)
		what = "aliases every device below it";
	else if (!hop->has_acs)
		what = hop->is_pcie ? "no ACS capability" : "conventional PCI: no ACS";
	else
		what = hop->isolates ? "isolates" : "does not isolate";
	printf("  %-14s %04x:%04x %-24s %s\n", hop->bdf, hop->vendor,
	       hop->device, hg_pci_role_name(hop->role), what);
	if (hop->has_acs) {
		hg_pci_acs_flags(hop->acs_cap, cap, sizeof(cap));
		hg_pci_acs_flags(hop->acs_ctrl, ctrl, sizeof(ctrl));
		printf("  %-14s ACS capable: %s; enabled: %s\n", "", cap, ctrl);
	}
}

static json_object *hop_json(const struct hg_pci_hop *hop)
{
	json_object *o = json_object_new_object();
	char buf[40];

	json_object_object_add(o, "bdf", json_object_new_string(hop->bdf));
	json_object_object_add(o, "vendor", hg_json_hex(hop->vendor));
	json_object_object_add(o, "device", hg_json_hex(hop->device));
	json_object_object_add(o, "role",
			       json_object_new_string(hg_pci_role_name(hop->role)));
	json_object_object_add(o, "pcie", json_object_new_boolean(hop->is_pcie));
	json_object_object_add(o, "multifunction",
			       json_object_new_boolean(hop->multifunction));
	if (hop->has_acs) {
		json_object *acs = json_object_new_object();

		json_object_object_add(acs, "capability", hg_json_hex(hop->acs_cap));
		json_object_object_add(acs, "control", hg_json_hex(hop->acs_ctrl));
		hg_pci_acs_flags(hop->acs_ctrl, buf, sizeof(buf));
		json_object_object_add(acs, "enabled", json_object_new_string(buf));
		json_object_object_add(o, "acs", acs);
	} else {
		json_object_object_add(o, "acs", NULL);
	}
	json_object_object_add(o, "isolates", json_object_new_boolean(hop->isolates));
	json_object_object_add(o, "aliases", json_object_new_boolean(hop->aliases));
	return o;
}

static int report(struct cli *cli, const char *bdf, const struct hg_group *group,
		  const struct hg_pci_hop *hops, size_t n)
{
	enum hg_pci_reason reason;
	size_t at = 0, i;
	bool shared = group && group->n_members > 1;

	reason = hg_pci_isolation(hops, n, &at);
	if (cli->json) {
		json_object *o = cli_envelope("explain"), *arr, *v;

		json_object_object_add(o, "device", json_object_new_string(bdf));
		json_object_object_add(o, "group", group ?
				       json_object_new_int((int)group->id) : NULL);
		arr = json_object_new_array();
		for (i = 0; group && i < group->n_members; i++)
			json_object_array_add(arr,
				json_object_new_string(group->members[i].name));
		json_object_object_add(o, "group_members", arr);
		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, hop_json(&hops[i]));
		json_object_object_add(o, "path", arr);
		v = json_object_new_object();
		json_object_object_add(v, "shared", json_object_new_boolean(shared));
		json_object_object_add(v, "reason",
				       json_object_new_string(reason_key(reason)));
		json_object_object_add(v, "at", n ?
				       json_object_new_string(hops[at].bdf) : NULL);
		json_object_object_add(v, "text",
				       json_object_new_string(hg_pci_reason_text(reason)));
		json_object_object_add(o, "verdict", v);
		cli_print_json(cli, o);
		return shared ? EXIT_PROBLEM : EXIT_OK;
	}

	if (!group) {
		printf("%s is in no IOMMU group (no IOMMU, or no driver has claimed it yet)\n",
		       bdf);
	} else if (shared) {
		printf("%s shares group %u with", bdf, group->id);
		for (i = 0; i < group->n_members; i++)
			if (strcmp(group->members[i].name, bdf))
				printf(" %s", group->members[i].name);
		printf("\n");
	} else {
		printf("%s is alone in group %u\n", bdf, group->id);
	}
	printf("path from the root complex:\n");
	for (i = 0; i < n; i++)
		print_hop(&hops[i]);
	if (n)
		printf("why: %s: %s\n", hops[at].bdf, hg_pci_reason_text(reason));
	return shared ? EXIT_PROBLEM : EXIT_OK;
}

int cmd_explain(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	struct hg_topology topo = { 0 };
	const struct hg_group *group;
	const struct hg_device *dev;
	struct hg_pci_hop *hops;
	struct hg_err err = { 0 };
	char bdf[64];
	size_t n;
	int c, ret;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		c = cli_option(cli, c, "explain ", usage);
		if (c != CLI_NEXT)
			return c;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hostgeom explain: expected exactly one device (BDF)\n");
		return cli_usage_error("explain ");
	}
	hg_bdf_normalize(argv[optind], bdf, sizeof(bdf));

	if (hg_pci_path(&cli->ctx, bdf, &hops, &n, &err))
		return cli_fail(&err);
	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err)) {
		free(hops);
		return cli_fail(&err);
	}
	group = hg_topology_find_device(&topo, bdf, &dev);
	ret = report(cli, bdf, group, hops, n);
	hg_topology_free(&topo);
	free(hops);
	return ret;
}
