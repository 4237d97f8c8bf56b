/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running one of the command's printers (tools/hostgeom/printers.h) on a
 * result a test made, and reading the JSON it printed back.
 */
#ifndef HOSTGEOM_CLI_PRINT_H
#define HOSTGEOM_CLI_PRINT_H

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "../tools/hostgeom/print.h"
#include "../tools/hostgeom/printers.h"

struct cli_capture {
	FILE *f;
	char *buf;
	size_t len;
};

static inline void cli_capture_begin(struct cli_capture *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	print_start(c->f, true, false);
}

/* The document printed since cli_capture_begin(), parsed; NULL if none. */
static inline json_object *cli_capture_end(struct cli_capture *c)
{
	json_object *doc = NULL;
	int ret = print_end();

	if (c->f)
		fclose(c->f);
	if (!ret && c->buf)
		doc = json_tokener_parse(c->buf);
	free(c->buf);
	return doc;
}

/* The JSON that @call (a printer) prints, parsed: a new reference. */
#define CLI_PRINT_JSON(call) ({			\
	struct cli_capture cap_;		\
	cli_capture_begin(&cap_);		\
	call;					\
	cli_capture_end(&cap_);			\
})

#endif
