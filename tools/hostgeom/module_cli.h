/* SPDX-License-Identifier: GPL-2.0 */
/* What 'hostgeom resv' and 'hostgeom carve' share: the test module. */
#ifndef HOSTGEOM_MODULE_CLI_H
#define HOSTGEOM_MODULE_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/genl.h>

#include "cli.h"

#define MODULE_OPTS \
	{ "load", optional_argument, NULL, 0x200 }, \
	{ "unload", no_argument, NULL, 0x201 }

#define MODULE_USAGE \
	"      --load[=PATH]   load the test module first (libkmod): PATH, else the\n" \
	"                      one installed for the running kernel (DKMS); this\n" \
	"                      tree's build: --load=kmod/out/$(uname -r)/hostgeom_test.ko\n" \
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

/*
 * The one group argument, if any (a group number or a device in it), for
 * the module's commands; --sysfs-root and --dev-root are refused (the
 * module reports the running kernel). EXIT_OK, or said why: EXIT_CANNOT.
 */
int module_args(const struct cli *cli, const char *cmd, char *const *args,
		size_t n, unsigned int *group, bool *has_group);

/* Loads when asked and opens the family; EXIT_OK, or prints and EXIT_CANNOT. */
int module_open(const struct module_opts *m, struct hg_genl **g);

/* Closes @g, unloads when asked; @status, or EXIT_CANNOT if unloading failed. */
int module_close(const struct module_opts *m, struct hg_genl *g, int status);

/*
 * "start", "end" and "type" of @r into the open JSON object; in text
 * (when @t says so) @start_fmt (a PRIx64 conversion), "-0x%016" PRIx64 and " type".
 */
void module_print_kregion(enum output_type t, const char *start_fmt,
			  const struct hg_kregion *r);

/*
 * A group's fields into the open JSON object: id, domain, aperture,
 * union of reserved regions, members with their own regions. In text
 * "group N domain ..." and its lines.
 */
void module_print_group_fields(const struct hg_kgroup *g);

/* The envelope, and the module's "family_version" (hg_genl_version()). */
void module_envelope(unsigned int family_version, const char *cmd);

#endif
