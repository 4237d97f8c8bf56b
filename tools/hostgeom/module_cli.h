/* SPDX-License-Identifier: GPL-2.0 */
/* What 'hostgeom resv' and 'hostgeom carve' share: the test module. */
#ifndef HOSTGEOM_MODULE_CLI_H
#define HOSTGEOM_MODULE_CLI_H

#include <stdbool.h>

#include <json-c/json.h>

#include <hostgeom/genl.h>

#include "cli.h"

#define MODULE_OPTS \
	{ "load", optional_argument, NULL, 0x200 }, \
	{ "unload", no_argument, NULL, 0x201 }

#define MODULE_USAGE \
	"      --load[=PATH]   load the test module first (libkmod): PATH, or the\n" \
	"                      installed one, or kmod/out/RELEASE/ of this build\n" \
	"      --unload        unload the test module when done\n"

struct module_opts {
	bool load;
	const char *load_path;
	bool unload;
};

/*
 * cli_option() that also takes --load and --unload: CLI_NEXT when
 * handled, else the exit status to return (--help printed by @usage:
 * EXIT_OK; an unknown option: EXIT_CANNOT).
 */
int module_opt(struct cli *cli, struct module_opts *m, int c,
	       const char *cmd, void (*usage)(void));

/* Loads when asked and opens the family; EXIT_OK, or prints and EXIT_CANNOT. */
int module_open(const struct module_opts *m, struct hg_genl **g);

/* Closes @g, unloads when asked; @status, or EXIT_CANNOT if unloading failed. */
int module_close(const struct module_opts *m, struct hg_genl *g, int status);

/* "group N domain ..." with its union, members and their own regions. */
void module_print_group(const struct hg_kgroup *g);

/*
 * Prints {"schema", "command": @cmd, "family_version", <@obj's keys>} and
 * drops @obj (NULL: out of memory); EXIT_OK, or EXIT_CANNOT with a word.
 */
int module_print_json(const struct cli *cli, const struct hg_genl *g,
		      const char *cmd, json_object *obj);

#endif
