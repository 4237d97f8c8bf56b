/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one reading of group and device arguments, for every command: a
 * group number ("7") or a device in the group (its sysfs name; a PCI
 * address may leave out the domain, "00:1f.2").
 */
#ifndef HOSTGEOM_ARGS_H
#define HOSTGEOM_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <hostgeom/ctx.h>
#include <hostgeom/sysfs.h>

/*
 * The groups @args name, in order, each once, into @groups (room for
 * @n); their number in @n_groups. EXIT_OK, or EXIT_CANNOT having said
 * which argument names nothing and how to list what there is.
 */
int args_groups(const struct hg_ctx *ctx, const struct hg_topology *topo,
		char *const *args, size_t n, const struct hg_group **groups,
		size_t *n_groups);

/*
 * At most one argument, for the commands that ask the test module about
 * one group: its id in @id and true in @has_group, or false when there
 * is no argument. Read against the running kernel's sysfs. EXIT_OK, or
 * EXIT_CANNOT having said why and pointed to "hostgeom @cmd --help".
 */
int args_one_group(const char *cmd, char *const *args, size_t n,
		   unsigned int *id, bool *has_group);

/*
 * Says why hg_geom_query() failed (@err from it, asked with @n_args
 * arguments), and how to list the groups when an argument named none:
 * EXIT_CANNOT.
 */
int args_query_fail(const struct hg_err *err, size_t n_args);

#endif
