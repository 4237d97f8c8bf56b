/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the built hostgeom command from a test: its path comes from the
 * environment (HOSTGEOM, default build/hostgeom), its output is captured.
 */
#ifndef HOSTGEOM_CLI_RUN_H
#define HOSTGEOM_CLI_RUN_H

#include <stddef.h>

struct cli_result {
	int status;		/* exit status, 128+signal, -1: could not run */
	char out[65536];	/* stdout, NUL-terminated, truncated if longer */
	char err[8192];		/* stderr, likewise */
};

/* Runs hostgeom with @argv (NULL-terminated, without argv[0]). */
int cli_run(struct cli_result *res, const char *const *argv);
/* The same with stdout opened on @out_path ("/dev/full"): out stays "". */
int cli_run_to(struct cli_result *res, const char *const *argv,
	       const char *out_path);

#endif
