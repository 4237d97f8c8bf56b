// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom - host IOMMU geometry: groups, reserved regions, the IOVA ranges
 * VFIO can map, and the QEMU vIOMMU options that match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "groups", cmd_groups, "IOMMU groups, members and reserved regions" },
	{ "ranges", cmd_ranges, "IOVA ranges VFIO can map (type1, iommufd)" },
	{ "qemu", cmd_qemu, "QEMU vIOMMU options that match this host" },
	{ "check", cmd_check, "cross-check sysfs, type1 and iommufd" },
	{ "explain", cmd_explain, "why a device shares its group (ACS, aliasing)" },
	{ "resv", cmd_resv, "per-device reserved regions (test module)" },
	{ "carve", cmd_carve, "check dma-iommu carves reserved regions (test module)" },
	{ "preflight", cmd_preflight, "will a planned guest's memory fit the host IOMMU" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: hostgeom [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options (before or after COMMAND):\n"
		"  -j, --json          JSON output (schema in hostgeom(1))\n"
		"  -p, --pretty        indent JSON output\n"
		"      --sysfs-root D  read sysfs from D instead of /sys\n"
		"      --dev-root D    open device nodes under D instead of /dev\n"
		"  -h, --help          this text; 'hostgeom COMMAND --help' for one command\n"
		"  -V, --version       print the version\n"
		"\n"
		"Exit status: 0 fine, 1 a problem was found, 2 could not run.\n");
}

/*
 * The command's status, unless the output could not be built or written
 * (a full disk, a closed pipe): then that, and EXIT_CANNOT.
 */
static int finish(int status)
{
	int ret = print_end();

	if (ret == -EIO)
		return cli_failf("cannot write the output: %s", strerror(errno));
	if (ret)
		return cli_failf("out of memory building the output");
	return status;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS };
	struct cli cli = { 0 };
	size_t i;
	int c;

	/* '+': stop at the command name; the rest belongs to it. */
	while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		switch (cli_common_opt(&cli, c, optarg)) {
		case 1:
			continue;
		case -1:
			usage(stdout);
			return EXIT_OK;
		case -2:
			return EXIT_OK;
		default:
			return cli_usage_error(NULL);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_CANNOT;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* the command parses its own options */
			return commands[i].fn(&cli, argc, argv);
		}
	}
	fputs("hostgeom: unknown command '", stderr);
	print_escaped(stderr, argv[optind]);
	fputs("'\n", stderr);
	return cli_usage_error(NULL);
}

int main(int argc, char **argv)
{
	print_start(stdout, false, false);
	return finish(run(argc, argv));
}
