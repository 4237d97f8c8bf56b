/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one printer of the hostgeom command: each command walks its result
 * once, and the same calls write the text lines and build the JSON
 * document. A call says which of the two it is for (PRINT_TEXT, PRINT_JSON
 * or PRINT_ANY), the JSON key (NULL inside an array) and the text format
 * (NULL: nothing in text), which gets the value as its one argument.
 *
 * Strings from the system (sysfs names, types, reasons quoting them) are
 * untrusted: in text, control characters, backslashes and bytes that are
 * not UTF-8 print as \xNN (a backslash as \\), so a value never splits a
 * line; in JSON, bytes that are not UTF-8 become U+FFFD, so the document is
 * always valid UTF-8.
 */
#ifndef HOSTGEOM_PRINT_H
#define HOSTGEOM_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_TEXT = 1 << 0,
	PRINT_JSON = 1 << 1,
	PRINT_ANY = PRINT_TEXT | PRINT_JSON,
};

/*
 * Starts the output to @out: JSON when @json (indented when @pretty),
 * text otherwise. Nothing is written to @out in JSON mode until
 * print_end().
 */
void print_start(FILE *out, bool json, bool pretty);
bool print_is_json(void);
/*
 * Closes what is still open, writes the JSON document (if one was begun),
 * flushes @out and releases everything. 0, -ENOMEM when memory ran out
 * while building, -EIO when @out could not be written (errno says why).
 */
int print_end(void);

/*
 * JSON containers: under @key in the enclosing object, or appended when
 * the enclosing container is an array (@key NULL). The first container
 * opened is the document's root. No text.
 */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/* @value NULL: JSON null, and "-" in text. */
void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
/* JSON: "0x..." strings, never numbers (they lose precision past 2^53). */
void print_hex(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
/* As print_hex, at least @digits hex digits in JSON: "0x8086", "0x060000". */
void print_hex_digits(enum output_type t, const char *key, const char *fmt,
		      unsigned int digits, uint64_t value);
/* JSON true/false; text gets "yes" or "no". */
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
/* JSON null; text gets @text (e.g. "-"). */
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text);

/*
 * Text only, printf-style: for words the program itself writes. Strings
 * from the system go through print_string() (it escapes them).
 */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* @s as print_string() shows it in text, to @f (messages on stderr). */
void print_escaped(FILE *f, const char *s);

#endif
