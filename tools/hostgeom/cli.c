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

/* What to type about an error of this kind; NULL when nothing. */
static const char *cli_hint(enum hg_err_kind kind)
{
	switch (kind) {
	case HG_ERR_OTHER:
		break;
	case HG_ERR_NOT_SYSFS:
		return "is --sysfs-root a sysfs tree?";
	case HG_ERR_NO_VFIO_ANSWER:
		return "see 'hostgeom ranges' for why, or use --source sysfs";
	case HG_ERR_MODULE_MISSING:
		return "build it (make module) and pass --load=kmod/out/$(uname -r)/hostgeom_test.ko";
	case HG_ERR_MODULE_FOREIGN:
		return "rebuild it: make -C kmod KDIR=/lib/modules/$(uname -r)/build (the kit's guest kernel: KDIR=$(scripts/guest-kernel kdir))";
	case HG_ERR_MODULE_NOT_LOADED:
		return "load it with --load[=PATH], or: insmod kmod/out/$(uname -r)/hostgeom_test.ko";
	case HG_ERR_NO_LIBKMOD:
		return "install libkmod (Debian: apt-get install libkmod2), or load the module with insmod and leave out --load";
	case HG_ERR_NO_LIBXML:
		return "install libxml2 (Debian: apt-get install libxml2), or describe the guest with -- QEMU ARGS instead";
	case HG_ERR_MODULE_VERSION:
		return "rmmod hostgeom_test, then load the one built from this tree (make module)";
	}
	return NULL;
}

int cli_fail(const struct hg_err *err)
{
	const char *hint = err ? cli_hint(err->kind) : NULL;

	fputs("hostgeom: ", stderr);
	print_escaped(stderr, err && err->msg[0] ? err->msg : "unknown error");
	if (hint)
		fprintf(stderr, "; %s", hint);
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

