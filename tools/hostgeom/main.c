// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom - host IOMMU geometry: groups, reserved regions, the IOVA ranges
 * VFIO can map, and the QEMU vIOMMU options that match.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/json.h>

#include "cli.h"

#ifndef HOSTGEOM_VERSION
#define HOSTGEOM_VERSION "0.1"
#endif

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

int cli_common_opt(struct cli *cli, int c, const char *arg)
{
	switch (c) {
	case 'j':
		cli->json = true;
		return 1;
	case 'p':
		cli->json = true;
		cli->pretty = true;
		return 1;
	case 0x100:
		cli->ctx.sysfs = arg;
		return 1;
	case 0x101:
		cli->ctx.dev = arg;
		return 1;
	case 'h':
		return -1;
	}
	return 0;
}

int cli_option(struct cli *cli, int c, const char *cmd, void (*usage)(void))
{
	switch (cli_common_opt(cli, c, optarg)) {
	case 1:
		return CLI_NEXT;
	case -1:
		usage();
		return EXIT_OK;
	}
	return cli_usage_error(cmd);
}

int cli_fail(const struct hg_err *err)
{
	fprintf(stderr, "hostgeom: %s\n",
		err && err->msg[0] ? err->msg : "unknown error");
	return EXIT_CANNOT;
}

int cli_failf(const char *fmt, ...)
{
	va_list ap;

	fputs("hostgeom: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_CANNOT;
}

int cli_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'hostgeom %s--help' for more information.\n",
		cmd ? cmd : "");
	return EXIT_CANNOT;
}

void cli_print_json(const struct cli *cli, json_object *obj)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= cli->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			     : JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(obj, flags));
	json_object_put(obj);
}

json_object *cli_envelope(const char *cmd)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "schema",
			       json_object_new_int(HG_JSON_SCHEMA_VERSION));
	json_object_object_add(obj, "command", json_object_new_string(cmd));
	return obj;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, 'V' },
		CLI_COMMON_OPTS
	};
	struct cli cli = { 0 };
	size_t i;
	int c;

	/* '+': stop at the command name; the rest belongs to it. */
	while ((c = getopt_long(argc, argv, "+V" CLI_COMMON_SHORT, opts,
				NULL)) != -1) {
		if (c == 'V') {
			printf("hostgeom %s\n", HOSTGEOM_VERSION);
			return EXIT_OK;
		}
		switch (cli_common_opt(&cli, c, optarg)) {
		case 1:
			continue;
		case -1:
			usage(stdout);
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
	fprintf(stderr, "hostgeom: unknown command '%s'\n", argv[optind]);
	return cli_usage_error(NULL);
}
