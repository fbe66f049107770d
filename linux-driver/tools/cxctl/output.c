// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Output: every command describes its result once, through these calls,
 * each value with a JSON key and a human label (either may be NULL: the
 * value then appears in one form only).
 *
 * Human output is "label: value" lines, numbers in decimal or 0x hex, data
 * as big-endian dwords, four per line, a run of identical lines shown as
 * "*".  JSON output (--json) is one object per command on one line:
 * numbers as JSON numbers, data as a string of hex digits, strings escaped
 * per RFC 8259 (invalid UTF-8 becomes U+FFFD).
 */
#include <stdio.h>
#include <string.h>

#include "cxctl.h"

bool cx_json;

#define MAX_DEPTH	8

static int depth;
static bool need_comma[MAX_DEPTH];
static bool in_list[MAX_DEPTH];
static int label_width;

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int i, n;

	putchar('"');
	while (*p) {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			printf("\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", stdout);
		} else if (c == '\t') {
			fputs("\\t", stdout);
		} else if (c == '\r') {
			fputs("\\r", stdout);
		} else if (c < 0x20) {
			printf("\\u%04x", c);
		} else if (c < 0x80) {
			putchar(c);
		} else {
			/* a UTF-8 sequence: lead byte, continuation bytes */
			n = c >= 0xc2 && c <= 0xdf ? 2 :
			    c >= 0xe0 && c <= 0xef ? 3 :
			    c >= 0xf0 && c <= 0xf4 ? 4 : 0;
			for (i = 1; i < n; i++)
				if ((p[i] & 0xc0) != 0x80)
					n = 0;
			/* overlong, surrogate or beyond U+10FFFF */
			if ((c == 0xe0 && p[1] < 0xa0) ||
			    (c == 0xed && p[1] >= 0xa0) ||
			    (c == 0xf0 && p[1] < 0x90) ||
			    (c == 0xf4 && p[1] >= 0x90))
				n = 0;
			if (!n) {
				fputs("\\ufffd", stdout);
			} else {
				fwrite(p, 1, n, stdout);
				p += n - 1;
			}
		}
		p++;
	}
	putchar('"');
}

/* the separator and "key": of the next JSON value */
static void json_key(const char *key)
{
	if (need_comma[depth])
		putchar(',');
	need_comma[depth] = true;
	if (!in_list[depth]) {
		json_string(key);
		putchar(':');
	}
}

static bool json_value(const char *key)
{
	if (!cx_json || (!key && !in_list[depth]))
		return false;
	json_key(key);
	return true;
}

static void json_open(const char *key, char c, bool list)
{
	if (depth)
		json_key(key);
	putchar(c);
	if (depth < MAX_DEPTH - 1)
		depth++;
	need_comma[depth] = false;
	in_list[depth] = list;
}

static void json_close(char c)
{
	putchar(c);
	if (depth)
		depth--;
	if (!depth)
		putchar('\n');
}

static bool human(const char *label)
{
	int pad = label_width - (int)strlen(label ? label : "") - 1;

	if (cx_json || !label)
		return false;
	printf("%s:%*s", label, pad > 0 ? pad : 0, "");
	return true;
}

void out_begin(void)
{
	if (cx_json && !depth)
		json_open(NULL, '{', false);
}

void out_end(void)
{
	if (cx_json && depth)
		json_close('}');
	fflush(stdout);
}

void out_obj_begin(const char *key)
{
	if (cx_json)
		json_open(key, '{', false);
}

void out_obj_end(void)
{
	if (cx_json)
		json_close('}');
}

void out_list_begin(const char *key)
{
	if (cx_json)
		json_open(key, '[', true);
}

void out_list_end(void)
{
	if (cx_json)
		json_close(']');
}

/* pad human labels to @width characters (0: "label: value") */
void out_label_width(int width)
{
	label_width = width;
}

void out_str(const char *key, const char *label, const char *val)
{
	if (json_value(key))
		json_string(val);
	else if (human(label))
		printf(" %s\n", val);
}

void out_uint(const char *key, const char *label, uint64_t val, bool hex)
{
	if (json_value(key))
		printf("%llu", (unsigned long long)val);
	else if (human(label))
		printf(hex ? " 0x%llx\n" : " %llu\n", (unsigned long long)val);
}

void out_bool(const char *key, const char *label, bool val)
{
	if (json_value(key))
		fputs(val ? "true" : "false", stdout);
	else if (human(label))
		printf(" %s\n", val ? "yes" : "no");
}

static void dump_line(const uint8_t *p, size_t off, size_t n)
{
	size_t i;

	printf("%04zx:", off);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 4 ? "" : " ", p[i]);
	putchar('\n');
}

/* big-endian dwords, 16 bytes a line, repeated lines as one "*" */
static void dump_dwords(const uint8_t *buf, size_t len)
{
	bool starred = false;
	size_t off, n;

	for (off = 0; off < len; off += 16) {
		n = len - off < 16 ? len - off : 16;
		if (off && n == 16 && off + 16 < len &&
		    !memcmp(buf + off, buf + off - 16, 16)) {
			if (!starred)
				puts("*");
			starred = true;
			continue;
		}
		starred = false;
		dump_line(buf + off, off, n);
	}
}

void out_hex(const char *key, const char *label, const void *buf,
	     size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	if (json_value(key)) {
		putchar('"');
		for (i = 0; i < len; i++)
			printf("%02x", p[i]);
		putchar('"');
	} else if (human(label)) {
		printf(" %zu bytes\n", len);
		dump_dwords(p, len);
	}
}

void out_status(struct cx_status st)
{
	const char *name = cx_syndrome_name(st.syndrome);
	char buf[64];

	snprintf(buf, sizeof(buf), "%s (0x%x)", cx_status_name(st.status),
		 st.status);
	out_uint("status", NULL, st.status, false);
	out_str("status_name", "status", cx_json ?
		cx_status_name(st.status) : buf);
	snprintf(buf, sizeof(buf), "0x%08x", st.syndrome);
	out_uint("syndrome", NULL, st.syndrome, true);
	out_str(NULL, "syndrome", buf);
	if (st.status && name)
		out_str("syndrome_name", "syndrome name", name);
}

void out_field(const struct cx_field *f, const void *buf)
{
	out_uint(f->name, f->name, cx_get(buf, f), f->flags & CX_FIELD_HEX);
}

/*
 * JSON: the error as member "error" of the command's object (closing what
 * is open).  Human output has none: errors.c writes the message to stderr.
 */
void out_error(const char *device, const char *what, int err,
	       const char *name, const char *msg)
{
	if (!cx_json)
		return;
	if (!depth)
		json_open(NULL, '{', false);
	while (depth > 1)
		json_close(in_list[depth] ? ']' : '}');
	json_open("error", '{', false);
	if (device)
		out_str("device", NULL, device);
	out_str("operation", NULL, what);
	out_uint("errno", NULL, err, false);
	out_str("name", NULL, name);
	out_str("message", NULL, msg);
	json_close('}');
	json_close('}');
	fflush(stdout);
}

/* a human table row: columns padded to @widths (the last one not) */
void out_row(const char *const *cols, const int *widths, int n)
{
	int i;

	if (cx_json)
		return;
	for (i = 0; i < n - 1; i++)
		printf("%-*s ", widths[i], cols[i]);
	printf("%s\n", cols[n - 1]);
}
