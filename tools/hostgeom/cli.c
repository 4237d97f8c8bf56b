// SPDX-License-Identifier: GPL-2.0
/* What every command shares: the common options, messages, the envelope. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#ifndef HOSTGEOM_VERSION
#define HOSTGEOM_VERSION "0.1"
#endif

int cli_common_opt(struct cli *cli, int c, const char *arg)
{
	switch (c) {
	case 'j':
		cli->json = true;
		print_start(stdout, cli->json, cli->pretty);
		return 1;
	case 'p':
		cli->json = true;
		cli->pretty = true;
		print_start(stdout, cli->json, cli->pretty);
		return 1;
	case 0x100:
		cli->ctx.sysfs = arg;
		return 1;
	case 0x101:
		cli->ctx.dev = arg;
		return 1;
	case 'h':
		return -1;
	case 'V':
		printf("hostgeom %s\n", HOSTGEOM_VERSION);
		return -2;
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
	case -2:
		return EXIT_OK;
	}
	return cli_usage_error(cmd);
}

int cli_fail(const struct hg_err *err)
{
	fputs("hostgeom: ", stderr);
	print_escaped(stderr, err && err->msg[0] ? err->msg : "unknown error");
	fputc('\n', stderr);
	return EXIT_CANNOT;
}

int cli_failf(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	fputs("hostgeom: ", stderr);
	/* the arguments may quote names read from the system */
	print_escaped(stderr, n < 0 ? "out of memory" : msg);
	fputc('\n', stderr);
	free(msg);
	return EXIT_CANNOT;
}

int cli_roots_used(const struct cli *cli, const char *cmd, bool sysfs_ok,
		   bool dev_ok, const char *why)
{
	const char *opt = NULL;

	if (cli->ctx.sysfs && !sysfs_ok)
		opt = "--sysfs-root";
	else if (cli->ctx.dev && !dev_ok)
		opt = "--dev-root";
	if (!opt)
		return EXIT_OK;
	cli_failf("%s: %s does not apply (%s); drop it", cmd, opt, why);
	fprintf(stderr, "Try 'hostgeom %s --help' for more information.\n",
		cmd);
	return EXIT_CANNOT;
}

int cli_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'hostgeom %s--help' for more information.\n",
		cmd ? cmd : "");
	return EXIT_CANNOT;
}

void cli_envelope(const char *cmd)
{
	open_json_object(NULL);
	print_uint(PRINT_JSON, "schema", NULL, CLI_JSON_SCHEMA);
	print_string(PRINT_JSON, "command", NULL, cmd);
}

