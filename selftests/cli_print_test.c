// SPDX-License-Identifier: GPL-2.0
/*
 * The printer (tools/hostgeom/print.c): the same calls give text and JSON,
 * addresses are "0x..." strings, absent values null, untrusted bytes held
 * off (valid UTF-8 JSON, one text line per line), write errors reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_print.h"
#include "json_get.h"
#include "kselftest_harness.h"

/* What @fn prints: text, or JSON (plain or indented). The caller frees it. */
static char *capture(bool json, bool pretty, void (*fn)(void))
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_start(f, json, pretty);
	fn();
	print_end();
	fclose(f);
	return buf;
}

#define TEXT_OF(fn) capture(false, false, fn)
#define RAW_JSON_OF(pretty, fn) capture(true, pretty, fn)

static const char *the_string;

static void one_string(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", "s %s\n", the_string);
	close_json_object();
}

/* @raw parses only if it is valid UTF-8 JSON; the value of "s". */
static char *parsed_s(const char *raw)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *doc;
	char *s = NULL;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, raw, (int)strlen(raw));
	if (doc && json_get(doc, "s"))
		s = strdup(json_object_get_string(json_get(doc, "s")));
	json_object_put(doc);
	json_tokener_free(tok);
	return s;
}

static void hexes(void)
{
	open_json_object(NULL);
	print_hex(PRINT_ANY, "zero", "%" PRIx64 " ", 0);
	print_hex(PRINT_ANY, "max", "%" PRIx64 " ", UINT64_MAX);
	print_hex(PRINT_ANY, "msi", "%" PRIx64 " ", 0xFEE00000ULL);
	print_hex_digits(PRINT_ANY, "vendor", "%04" PRIx64 " ", 4, 0x10);
	print_hex_digits(PRINT_ANY, "class", "%06" PRIx64 "\n", 6, 0x60000);
	close_json_object();
}

TEST(hex_is_a_string_with_0x)
{
	json_object *doc = CLI_PRINT_JSON(hexes());
	char *text = TEXT_OF(hexes);
	uint64_t v;

	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("0x0", json_object_get_string(json_get(doc, "zero")));
	EXPECT_STREQ("0xffffffffffffffff",
		     json_object_get_string(json_get(doc, "max")));
	EXPECT_STREQ("0xfee00000", json_object_get_string(json_get(doc, "msi")));
	EXPECT_STREQ("0x0010", json_object_get_string(json_get(doc, "vendor")));
	EXPECT_STREQ("0x060000", json_object_get_string(json_get(doc, "class")));
	EXPECT_EQ(0, json_get_hex(json_get(doc, "max"), &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_STREQ("0 ffffffffffffffff fee00000 0010 060000\n", text);
	free(text);
	json_object_put(doc);
}

TEST(get_hex_rejects)
{
	static const char *const bad[] = {
		"", "0x", "0X10", " 0x1", "-0x1", "0x-1", "0x1 ", "1234",
		"0xg", "0x10000000000000000",
	};
	json_object *o;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = json_object_new_string(bad[i]);
		EXPECT_EQ(-EINVAL, json_get_hex(o, &v)) TH_LOG("'%s'", bad[i]);
		json_object_put(o);
	}
	o = json_object_new_int(16);
	EXPECT_EQ(-EINVAL, json_get_hex(o, &v));
	json_object_put(o);
	EXPECT_EQ(-EINVAL, json_get_hex(NULL, &v));
}

static void absent(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "driver", "driver %s", NULL);
	print_null(PRINT_ANY, "class", " class %s", "-");
	print_bool(PRINT_ANY, "pci", " pci %s\n", false);
	close_json_object();
}

TEST(absent_is_null_in_json_and_a_dash_in_text)
{
	json_object *doc = CLI_PRINT_JSON(absent()), *v;
	char *text = TEXT_OF(absent);

	ASSERT_NE(NULL, doc);
	ASSERT_TRUE(json_object_object_get_ex(doc, "driver", &v));
	EXPECT_EQ(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(doc, "class", &v));
	EXPECT_EQ(NULL, v);
	EXPECT_TRUE(json_object_is_type(json_get(doc, "pci"),
					json_type_boolean));
	EXPECT_STREQ("driver - class - pci no\n", text);
	free(text);
	json_object_put(doc);
}

static void nested(void)
{
	open_json_object(NULL);
	print_text("top\n");
	open_json_array("groups");
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "group %u", 7);
	print_uint(PRINT_JSON, "json_only", " never %u", 1);
	print_uint(PRINT_TEXT, "text_only", " text %u\n", 2);
	open_json_array("members");
	print_string(PRINT_JSON, NULL, NULL, "a");
	print_string(PRINT_JSON, NULL, NULL, "b");
	close_json_array();
	close_json_object();
	close_json_array();
	print_u64(PRINT_ANY, "big", "big %" PRIu64 "\n", UINT64_MAX);
	close_json_object();
}

TEST(one_walk_gives_both)
{
	json_object *doc = CLI_PRINT_JSON(nested()), *g;
	char *text = TEXT_OF(nested);

	ASSERT_NE(NULL, doc);
	g = json_object_array_get_idx(json_get(doc, "groups"), 0);
	EXPECT_EQ(7, json_object_get_int(json_get(g, "id")));
	EXPECT_EQ(1, json_object_get_int(json_get(g, "json_only")));
	EXPECT_EQ(NULL, json_get(g, "text_only"));
	EXPECT_EQ(2, json_object_array_length(json_get(g, "members")));
	EXPECT_EQ(UINT64_MAX, json_object_get_uint64(json_get(doc, "big")));
	EXPECT_STREQ("top\ngroup 7 text 2\nbig 18446744073709551615\n", text);
	free(text);
	json_object_put(doc);
}

TEST(pretty_indents_the_same_document)
{
	char *plain = RAW_JSON_OF(false, nested);
	char *pretty = RAW_JSON_OF(true, nested);
	json_object *a = json_tokener_parse(plain), *b = json_tokener_parse(pretty);

	EXPECT_EQ(NULL, strchr(plain, ' '));
	EXPECT_EQ(plain + strlen(plain) - 1, strchr(plain, '\n'));
	EXPECT_NE(NULL, strstr(pretty, "\n  \"groups\": [\n"));
	EXPECT_TRUE(json_object_equal(a, b));
	json_object_put(a);
	json_object_put(b);
	free(plain);
	free(pretty);
}

/* Bytes that are not UTF-8 become U+FFFD: the document stays valid. */
TEST(json_strings_are_valid_utf8)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "DMA\xc0\xaf", "DMA\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },	/* valid: kept */
		{ "a\nb\"c\\", "a\nb\"c\\" },		/* JSON escapes these */
		{ "\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd" },	/* cut short */
	};
	char *raw, *s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		the_string = cases[i].in;
		raw = RAW_JSON_OF(false, one_string);
		s = parsed_s(raw);
		EXPECT_NE(NULL, s) TH_LOG("case %zu: not valid: %s", i, raw);
		if (s)
			EXPECT_STREQ(cases[i].want, s) TH_LOG("case %zu", i);
		free(s);
		free(raw);
	}
}

/* In text a value never splits a line nor hides what it holds. */
TEST(text_escapes_control_and_invalid_bytes)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "0000:00:1f.2\nfake 1", "s 0000:00:1f.2\\x0afake 1\n" },
		{ "\xff\xfe", "s \\xff\\xfe\n" },
		{ "tab\there\r", "s tab\\x09here\\x0d\n" },
		{ "back\\slash", "s back\\\\slash\n" },
		{ "caf\xc3\xa9", "s caf\xc3\xa9\n" },
		{ "del\x7f", "s del\\x7f\n" },
	};
	char *text;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		the_string = cases[i].in;
		text = TEXT_OF(one_string);
		EXPECT_STREQ(cases[i].want, text) TH_LOG("case %zu", i);
		free(text);
	}
}

TEST(a_write_error_is_reported)
{
	FILE *f = fopen("/dev/full", "w");

	ASSERT_NE(NULL, f);
	print_start(f, false, false);
	print_text("lost\n");
	errno = 0;
	EXPECT_EQ(-EIO, print_end());
	EXPECT_EQ(ENOSPC, errno);
	fclose(f);
}

/* A value with no container, or a key missing in an object, is a bug. */
TEST(misuse_is_an_error_not_a_silent_document)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	print_start(f, true, false);
	print_uint(PRINT_JSON, "loose", NULL, 1);
	EXPECT_EQ(-ENOMEM, print_end());
	print_start(f, true, false);
	open_json_object(NULL);
	print_uint(PRINT_JSON, NULL, NULL, 1);
	close_json_object();
	EXPECT_EQ(-ENOMEM, print_end());
	fclose(f);
	EXPECT_EQ(0, len);
	free(buf);
}

TEST_HARNESS_MAIN
