// SPDX-License-Identifier: GPL-2.0
/*
 * A group's reserved_regions file, as the kernel writes it: one region a
 * line, "0x%016llx 0x%016llx %s\n", the end inclusive. Anything else is
 * refused with the file, the line and what is wrong with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/resv.h>

#include "base/internal.h"

/*
 * "0x" and 1 to 16 hex digits at *@p; advances *@p. Returns 0, or a short
 * reason for the caller's message.
 */
static const char *parse_hex64(const char **p, uint64_t *value)
{
	const char *s = *p;
	unsigned int digits = 0;
	uint64_t v = 0;

	if (s[0] != '0' || s[1] != 'x')
		return "does not begin with 0x";
	for (s += 2; hg_hexval(*s) >= 0; s++, digits++) {
		if (digits == 16)
			return "has more than 16 hex digits";
		v = v << 4 | (uint64_t)hg_hexval(*s);
	}
	if (!digits)
		return "has no hex digits after 0x";
	*p = s;
	*value = v;
	return NULL;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "FILE:LINE: [FIELD ]WHY; how a line must look". */
static int resv_error(struct hg_err *err, const char *what, unsigned int line,
		      const char *field, const char *why)
{
	return hg_err_set_kind(err, HG_ERR_NOT_SYSFS, -EINVAL,
			       "%s:%u: %s%s%s; each line must read '0x<start> 0x<end> <type>' (end inclusive) as the kernel writes it",
			       what, line, field ? field : "", field ? " " : "",
			       why);
}

/* One line "0x%016llx 0x%016llx %s\n" starting at @s; @next set past it. */
static int parse_resv_line(const char *s, const char *what, unsigned int line,
			   struct hg_resv *r, const char **next,
			   struct hg_err *err)
{
	char type[32];
	const char *why, *t;
	size_t len;

	if (*s == '\n')
		return resv_error(err, what, line, NULL, "empty line");
	why = parse_hex64(&s, &r->start);
	if (why)
		return resv_error(err, what, line, "start address", why);
	if (*s != ' ' && *s != '\t')
		return resv_error(err, what, line, NULL,
				  "no blank after the start address");
	s = skip_blanks(s);
	why = parse_hex64(&s, &r->end);
	if (why)
		return resv_error(err, what, line, "end address", why);
	if (r->start > r->end)
		return resv_error(err, what, line, NULL, "start is above end");
	if (*s && *s != '\n' && *s != ' ' && *s != '\t')
		return resv_error(err, what, line, NULL,
				  "no blank after the end address");
	t = s = skip_blanks(s);
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	len = s - t;
	if (!len)
		return resv_error(err, what, line, NULL,
				  "the region type is missing");
	if (*s == ' ' || *s == '\t')
		return resv_error(err, what, line, NULL,
				  "trailing text after the region type");
	if (!*s)
		return resv_error(err, what, line, NULL,
				  "the line is truncated (no newline at its end)");
	if (len >= sizeof(type))
		len = sizeof(type) - 1;	/* too long to be known: "unknown" */
	memcpy(type, t, len);
	type[len] = '\0';
	r->type = hg_resv_type_parse(type);
	*next = s + 1;
	return 0;
}

int hg_resv_parse(const char *text, const char *what, struct hg_resv **out,
		  size_t *n, struct hg_err *err)
{
	struct hg_resv *v = NULL, *nv;
	size_t count = 0, cap = 0;
	unsigned int line = 1;
	int ret;

	*out = NULL;
	*n = 0;
	for (; *text; line++) {
		if (count == cap) {
			cap = cap ? cap * 2 : 4;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return hg_err_set(err, -ENOMEM,
						  "%s: out of memory", what);
			}
			v = nv;
		}
		ret = parse_resv_line(text, what, line, &v[count], &text, err);
		if (ret) {
			free(v);
			return ret;
		}
		count++;
	}
	*out = v;
	*n = count;
	return 0;
}
