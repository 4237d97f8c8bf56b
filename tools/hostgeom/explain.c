// SPDX-License-Identifier: GPL-2.0
/* hostgeom explain BDF: why a device shares its IOMMU group. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const char *hop_verdict(const struct hg_pci_hop *hop)
{
	if (hop->aliases)
		return "aliases every device below it";
	if (!hop->has_acs)
		return hop->is_pcie ? "no ACS capability"
				    : "conventional PCI: no ACS";
	return hop->isolates ? "isolates" : "does not isolate";
}

static void print_acs(const struct hg_pci_hop *hop)
{
	char cap[40], ctrl[40];

	if (!hop->has_acs) {
		print_null(PRINT_JSON, "acs", NULL, NULL);
		return;
	}
	hg_pci_acs_flags(hop->acs_cap, cap, sizeof(cap));
	hg_pci_acs_flags(hop->acs_ctrl, ctrl, sizeof(ctrl));
	open_json_object("acs");
	print_hex(PRINT_JSON, "capability", NULL, hop->acs_cap);
	print_hex(PRINT_JSON, "control", NULL, hop->acs_ctrl);
	print_text("  %-14s ACS capable: %s;", "", cap);
	print_string(PRINT_ANY, "enabled", " enabled: %s\n", ctrl);
	close_json_object();
}

static void print_hop(const struct hg_pci_hop *hop)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "bdf", "  %-14s", hop->bdf);
	print_hex(PRINT_ANY, "vendor", " %04" PRIx64, hop->vendor);
	print_hex(PRINT_ANY, "device", ":%04" PRIx64, hop->device);
	print_string(PRINT_ANY, "role", " %-24s", hg_pci_role_name(hop->role));
	print_text(" %s\n", hop_verdict(hop));
	print_bool(PRINT_JSON, "pcie", NULL, hop->is_pcie);
	print_bool(PRINT_JSON, "multifunction", NULL, hop->multifunction);
	print_acs(hop);
	print_bool(PRINT_JSON, "isolates", NULL, hop->isolates);
	print_bool(PRINT_JSON, "aliases", NULL, hop->aliases);
	close_json_object();
}

/* The group, its members, and in text who @bdf shares it with. */
static void print_group(const char *bdf, const struct hg_group *group,
			bool shared)
{
	const char *name;
	size_t i;

	if (group)
		print_uint(PRINT_JSON, "group", NULL, group->id);
	else
		print_null(PRINT_JSON, "group", NULL, NULL);
	open_json_array("group_members");
	for (i = 0; group && i < group->n_members; i++)
		print_string(PRINT_JSON, NULL, NULL, group->members[i].name);
	close_json_array();

	print_string(PRINT_TEXT, NULL, "%s", bdf);
	if (!group) {
		print_text(" is in no IOMMU group (no IOMMU, or no driver has claimed it yet)\n");
		return;
	}
	if (!shared) {
		print_uint(PRINT_TEXT, NULL, " is alone in group %u\n", group->id);
		return;
	}
	print_uint(PRINT_TEXT, NULL, " shares group %u with", group->id);
	for (i = 0; i < group->n_members; i++) {
		name = group->members[i].name;
		if (strcmp(name, bdf))
			print_string(PRINT_TEXT, NULL, " %s", name);
	}
	print_text("\n");
}

static int report(const char *bdf, const struct hg_group *group,
		  const struct hg_pci_hop *hops, size_t n)
{
	bool shared = group && group->n_members > 1;
	enum hg_pci_reason reason;
	size_t at = 0, i;

	reason = hg_pci_isolation(hops, n, &at);
	cli_envelope("explain");
	print_string(PRINT_JSON, "device", NULL, bdf);
	print_group(bdf, group, shared);
	print_text("path from the root complex:\n");
	open_json_array("path");
	for (i = 0; i < n; i++)
		print_hop(&hops[i]);
	close_json_array();
	open_json_object("verdict");
	print_bool(PRINT_JSON, "shared", NULL, shared);
	print_string(PRINT_JSON, "reason", NULL, reason_key(reason));
	print_string(PRINT_ANY, "at", n ? "why: %s" : NULL,
		     n ? hops[at].bdf : NULL);
	print_string(PRINT_ANY, "text", n ? ": %s\n" : NULL,
		     hg_pci_reason_text(reason));
	close_json_object();
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
	ret = cli_roots_used(cli, "explain", true, false, "it reads sysfs only");
	if (ret)
		return ret;
	hg_bdf_normalize(argv[optind], bdf, sizeof(bdf));

	if (hg_pci_path(&cli->ctx, bdf, &hops, &n, &err))
		return cli_fail(&err);
	if (hg_sysfs_read_topology(&cli->ctx, &topo, &err)) {
		free(hops);
		return cli_fail(&err);
	}
	group = hg_topology_find_device(&topo, bdf, &dev);
	ret = report(bdf, group, hops, n);
	hg_topology_free(&topo);
	free(hops);
	return ret;
}
