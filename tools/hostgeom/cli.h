/* SPDX-License-Identifier: GPL-2.0 */
/* The hostgeom front end: argument parsing and printing, nothing else. */
#ifndef HOSTGEOM_CLI_H
#define HOSTGEOM_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include <hostgeom/ctx.h>
#include <hostgeom/err.h>

#include "print.h"

/* The JSON schema version, "schema" in every document (hostgeom(1)). */
#define CLI_JSON_SCHEMA 1

enum {
	EXIT_OK = 0,
	EXIT_PROBLEM = 1,	/* ran, and found something wrong */
	EXIT_CANNOT = 2,	/* could not run */
};

struct cli {
	struct hg_ctx ctx;
	bool json;
	bool pretty;
};

/* Options every subcommand takes; end a subcommand's table with these. */
#define CLI_COMMON_OPTS \
	{ "json", no_argument, NULL, 'j' }, \
	{ "pretty", no_argument, NULL, 'p' }, \
	{ "sysfs-root", required_argument, NULL, 0x100 }, \
	{ "dev-root", required_argument, NULL, 0x101 }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }
#define CLI_COMMON_SHORT "jphV"

/*
 * Handles a common option. Returns 1 when handled, 0 when @c is not one,
 * -1 for --help (caller prints its usage and exits 0); --version prints
 * the version and gives -2 (caller exits 0).
 */
int cli_common_opt(struct cli *cli, int c, const char *arg);

#define CLI_NEXT (-2)
/*
 * The tail of a command's option loop, after its own options: a common
 * option gives CLI_NEXT (go on), --help prints @usage and gives EXIT_OK,
 * anything else a hint and EXIT_CANNOT. @cmd is "NAME " for the hint.
 */
int cli_option(struct cli *cli, int c, const char *cmd, void (*usage)(void));

/* "hostgeom: <msg>" on stderr, untrusted bytes escaped; EXIT_CANNOT. */
int cli_fail(const struct hg_err *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Refuses --sysfs-root (unless @sysfs_ok) and --dev-root (unless
 * @dev_ok) when @cmd would not read them, saying @why: EXIT_CANNOT, or
 * EXIT_OK. An option that changes nothing must not look honoured.
 */
int cli_roots_used(const struct cli *cli, const char *cmd, bool sysfs_ok,
		   bool dev_ok, const char *why);
/* Unknown option or argument: a hint to --help, EXIT_CANNOT. */
int cli_usage_error(const char *cmd);

/*
 * Opens the JSON document's root object with "schema" and "command"
 * (nothing in text); print_end(), called once the command returns, closes
 * and writes it.
 */
void cli_envelope(const char *cmd);

typedef int (*cli_cmd_fn)(struct cli *cli, int argc, char **argv);

int cmd_groups(struct cli *cli, int argc, char **argv);
int cmd_ranges(struct cli *cli, int argc, char **argv);
int cmd_qemu(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_resv(struct cli *cli, int argc, char **argv);
int cmd_carve(struct cli *cli, int argc, char **argv);
int cmd_preflight(struct cli *cli, int argc, char **argv);

#endif
