// SPDX-License-Identifier: GPL-2.0
/*
 * The printer behind print.h. Text goes straight to the stream; JSON is a
 * json-c tree built as the command walks its result and written once at
 * the end, so an object is always closed, and pretty printing is json-c's.
 * Memory running out is remembered and reported by print_end(), so the
 * commands read as the list of fields they print.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "print.h"

/* Deeper than any command nests (carve: 8). */
#define MAX_DEPTH 32

static struct {
	FILE *out;
	bool json, pretty, failed;
	json_object *root;
	json_object *stack[MAX_DEPTH];	/* NULL where opening failed */
	unsigned int depth;
} pr = { .out = NULL };

void print_start(FILE *out, bool json, bool pretty)
{
	memset(&pr, 0, sizeof(pr));
	pr.out = out;
	pr.json = json;
	pr.pretty = pretty;
}

bool print_is_json(void)
{
	return pr.json;
}

static FILE *out(void)
{
	return pr.out ? pr.out : stdout;
}

int print_end(void)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	int ret = pr.failed ? -ENOMEM : 0;
	FILE *f = out();

	flags |= pr.pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			   : JSON_C_TO_STRING_PLAIN;
	if (pr.root && !ret) {
		fputs(json_object_to_json_string_ext(pr.root, flags), f);
		fputc('\n', f);
	}
	json_object_put(pr.root);
	pr.root = NULL;
	pr.depth = 0;
	if (fflush(f) || ferror(f)) {
		if (!errno)
			errno = EIO;
		return -EIO;
	}
	return ret;
}

/*
 * Length of the UTF-8 sequence at @s, 0 when it is not one (overlong
 * forms, surrogates and code points past U+10FFFF are not).
 */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned int c = s[0], n, i, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	cp = c & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* @s with every byte that is not UTF-8 replaced by U+FFFD, as JSON. */
static json_object *json_string(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i, n, used = 0;
	json_object *obj;
	char *copy;

	for (i = 0; i < len && (n = utf8_seq(u + i)); i += n)
		;
	if (i == len)
		return json_object_new_string_len(s, (int)len);
	copy = malloc(3 * len + 1);
	if (!copy)
		return NULL;
	for (i = 0; i < len; i += n ? n : 1) {
		n = utf8_seq(u + i);
		if (n) {
			memcpy(copy + used, s + i, n);
			used += n;
		} else {
			memcpy(copy + used, "\xef\xbf\xbd", 3);
			used += 3;
		}
	}
	obj = json_object_new_string_len(copy, (int)used);
	free(copy);
	return obj;
}

/* @s for a text line: see print.h. The caller frees it. */
static char *text_string(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i, n, used = 0;
	char *copy = malloc(4 * len + 1);

	if (!copy)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = utf8_seq(u + i);
		if (n > 1 || (n == 1 && u[i] >= 0x20 && u[i] != 0x7f &&
			      u[i] != '\\')) {
			memcpy(copy + used, s + i, n);
			used += n;
			continue;
		}
		if (u[i] == '\\')
			used += sprintf(copy + used, "\\\\");
		else
			used += sprintf(copy + used, "\\x%02x", u[i]);
		n = 1;
	}
	copy[used] = '\0';
	return copy;
}

void print_escaped(FILE *f, const char *s)
{
	char *t = text_string(s);

	fputs(t ? t : "(out of memory)", f);
	free(t);
}

/* Puts @val (a new reference, or NULL for JSON null) under @key. */
static void add(const char *key, json_object *val, bool is_null)
{
	json_object *parent;
	int err;

	if (!is_null && !val) {
		pr.failed = true;
		return;
	}
	parent = pr.depth ? pr.stack[pr.depth - 1] : NULL;
	if (!parent) {
		/* a value outside any container, or below a failed one */
		json_object_put(val);
		pr.failed = true;
		return;
	}
	if (json_object_is_type(parent, json_type_array))
		err = json_object_array_add(parent, val);
	else
		err = !key || json_object_object_add(parent, key, val);
	if (err) {
		json_object_put(val);
		pr.failed = true;
	}
}

static void open_container(const char *key, json_object *obj)
{
	if (!pr.json)
		return;
	if (pr.depth == MAX_DEPTH) {
		json_object_put(obj);
		pr.failed = true;
		return;
	}
	if (!pr.depth && !pr.root && obj) {
		pr.root = obj;
	} else {
		add(key, obj, false);
		if (pr.failed)
			obj = NULL;
	}
	pr.stack[pr.depth++] = obj;
}

static void close_container(void)
{
	if (pr.json && pr.depth)
		pr.depth--;
}

void open_json_object(const char *key)
{
	if (pr.json)
		open_container(key, json_object_new_object());
}

void close_json_object(void)
{
	close_container();
}

void open_json_array(const char *key)
{
	if (pr.json)
		open_container(key, json_object_new_array());
}

void close_json_array(void)
{
	close_container();
}

static bool text(enum output_type t, const char *fmt)
{
	return !pr.json && (t & PRINT_TEXT) && fmt;
}

static bool json(enum output_type t)
{
	return pr.json && (t & PRINT_JSON);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(out(), fmt, ap);
	va_end(ap);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	char *s;

	if (json(t)) {
		if (value)
			add(key, json_string(value), false);
		else
			add(key, NULL, true);
	} else if (text(t, fmt)) {
		s = value ? text_string(value) : NULL;
		if (value && !s)
			pr.failed = true;
		fprintf(out(), fmt, s ? s : "-");
		free(s);
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (json(t))
		add(key, json_object_new_uint64(value), false);
	else if (text(t, fmt))
		fprintf(out(), fmt, value);
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (json(t))
		add(key, json_object_new_uint64(value), false);
	else if (text(t, fmt))
		fprintf(out(), fmt, value);
}

/*
 * "0x" and @value in lower-case hex, at least @digits (at most 16).
 * By hand: a large topology formats tens of thousands of these, and
 * printf's machinery was a tenth of the JSON time.
 */
static json_object *hex_string(uint64_t value, unsigned int digits)
{
	char buf[2 + 16], *p = buf + sizeof(buf);
	unsigned int n = 0;

	do {
		*--p = "0123456789abcdef"[value & 0xf];
		value >>= 4;
		n++;
	} while (value || n < digits);
	*--p = 'x';
	*--p = '0';
	return json_object_new_string_len(p, (int)(buf + sizeof(buf) - p));
}

void print_hex_digits(enum output_type t, const char *key, const char *fmt,
		      unsigned int digits, uint64_t value)
{
	if (json(t))
		add(key, hex_string(value, digits > 16 ? 16 : digits), false);
	else if (text(t, fmt))
		fprintf(out(), fmt, value);
}

void print_hex(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	print_hex_digits(t, key, fmt, 1, value);
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (json(t))
		add(key, json_object_new_boolean(value), false);
	else if (text(t, fmt))
		fprintf(out(), fmt, value ? "yes" : "no");
}

void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text_value)
{
	if (json(t))
		add(key, NULL, true);
	else if (text(t, fmt))
		fprintf(out(), fmt, text_value);
}
