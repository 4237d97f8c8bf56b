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

/* Starts capturing what the printers print: JSON, or text. */
static inline void cli_capture_start(struct cli_capture *c, bool json)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	print_start(c->f, json, false);
}

static inline void cli_capture_begin(struct cli_capture *c)
{
	cli_capture_start(c, true);
}

/* The text printed since cli_capture_start(c, false); the caller frees it. */
static inline char *cli_capture_text(struct cli_capture *c)
{
	print_end();
	if (c->f)
		fclose(c->f);
	return c->buf;
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
