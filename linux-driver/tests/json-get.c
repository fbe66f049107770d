// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * json-get: check that stdin is exactly one JSON value (RFC 8259, strict:
 * UTF-8, no trailing commas, no leading zeros) and print the values at the
 * given paths, one a line.  The guest suites use it on cxctl --json.
 *
 *   json-get [PATH...] < doc
 *
 * A PATH is member names and array indexes joined by '.', e.g.
 * "devices.0.pci"; "" is the whole document.  Strings are printed decoded,
 * everything else as it is written.  Exit status: 0 ok, 1 not JSON,
 * 3 a path not found.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOC		(8u << 20)
#define MAX_DEPTH	64

static const char *err_at;
static const char *err_msg;

static bool fail(const char *p, const char *msg)
{
	if (!err_msg) {
		err_at = p;
		err_msg = msg;
	}
	return false;
}

static void ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static int hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* the length of the UTF-8 sequence at @p, 0 if invalid */
static int utf8_len(const unsigned char *p)
{
	int n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 :
		p[0] >= 0xe0 && p[0] <= 0xef ? 3 :
		p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	int i;

	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

static void put_utf8(FILE *f, unsigned int cp)
{
	if (cp < 0x80) {
		fputc(cp, f);
	} else if (cp < 0x800) {
		fputc(0xc0 | cp >> 6, f);
		fputc(0x80 | (cp & 0x3f), f);
	} else if (cp < 0x10000) {
		fputc(0xe0 | cp >> 12, f);
		fputc(0x80 | ((cp >> 6) & 0x3f), f);
		fputc(0x80 | (cp & 0x3f), f);
	} else {
		fputc(0xf0 | cp >> 18, f);
		fputc(0x80 | ((cp >> 12) & 0x3f), f);
		fputc(0x80 | ((cp >> 6) & 0x3f), f);
		fputc(0x80 | (cp & 0x3f), f);
	}
}

/* a string at *@p (at its '"'); decoded to @out if not NULL */
static bool parse_string(const char **p, FILE *out)
{
	const char *s = *p + 1;
	int cp, lo, n;

	for (;;) {
		unsigned char c = *s;

		if (c == '"')
			break;
		if (c < 0x20)
			return fail(s, "control character or end in a string");
		if (c == '\\') {
			s++;
			if (*s && strchr("\"\\/bfnrt", *s)) {
				if (out)
					fputc(*s == 'b' ? '\b' : *s == 'f' ? '\f' :
					      *s == 'n' ? '\n' : *s == 'r' ? '\r' :
					      *s == 't' ? '\t' : *s, out);
				s++;
				continue;
			}
			cp = *s == 'u' ? hex4(s + 1) : -1;
			if (cp < 0)
				return fail(s, "bad escape");
			s += 5;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				lo = s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(s, "lone surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return fail(s, "lone surrogate");
			}
			if (out)
				put_utf8(out, cp);
			continue;
		}
		n = c < 0x80 ? 1 : utf8_len((const unsigned char *)s);
		if (!n)
			return fail(s, "invalid UTF-8");
		if (out)
			fwrite(s, 1, n, out);
		s += n;
	}
	*p = s + 1;
	return true;
}

static bool digits(const char **p)
{
	if (**p < '0' || **p > '9')
		return fail(*p, "digit expected");
	while (**p >= '0' && **p <= '9')
		(*p)++;
	return true;
}

static bool parse_number(const char **p)
{
	if (**p == '-')
		(*p)++;
	if (**p == '0') {
		(*p)++;
		if (**p >= '0' && **p <= '9')
			return fail(*p, "leading zero");
	} else if (!digits(p)) {
		return false;
	}
	if (**p == '.') {
		(*p)++;
		if (!digits(p))
			return false;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (!digits(p))
			return false;
	}
	return true;
}

static bool parse_value(const char **p, int depth);

/* an object or array at *@p; with @key, stop at that member (or index) */
static bool parse_container(const char **p, int depth, const char *key,
		      size_t keylen, const char **found)
{
	bool obj = **p == '{';
	char close = obj ? '}' : ']';
	long index = 0;
	const char *k;

	if (depth > MAX_DEPTH)
		return fail(*p, "nested too deeply");
	(*p)++;
	ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		bool match = false;

		if (obj) {
			if (**p != '"')
				return fail(*p, "member name expected");
			k = *p + 1;
			if (!parse_string(p, NULL))
				return false;
			match = key && (size_t)(*p - 1 - k) == keylen &&
				!memcmp(k, key, keylen);
			ws(p);
			if (**p != ':')
				return fail(*p, "':' expected");
			(*p)++;
		} else if (key) {
			char buf[24];

			snprintf(buf, sizeof(buf), "%ld", index++);
			match = strlen(buf) == keylen && !memcmp(buf, key, keylen);
		}
		ws(p);
		if (match) {
			*found = *p;
			return true;
		}
		if (!parse_value(p, depth + 1))
			return false;
		ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (**p != ',')
			return fail(*p, "',' or end of container expected");
		(*p)++;
		ws(p);
	}
}

static bool parse_value(const char **p, int depth)
{
	const char *found = NULL;

	switch (**p) {
	case '{':
	case '[':
		return parse_container(p, depth, NULL, 0, &found);
	case '"':
		return parse_string(p, NULL);
	case 't':
		if (strncmp(*p, "true", 4))
			break;
		*p += 4;
		return true;
	case 'f':
		if (strncmp(*p, "false", 5))
			break;
		*p += 5;
		return true;
	case 'n':
		if (strncmp(*p, "null", 4))
			break;
		*p += 4;
		return true;
	default:
		if (**p == '-' || (**p >= '0' && **p <= '9'))
			return parse_number(p);
	}
	return fail(*p, "value expected");
}

/* print the value at @path in the (valid) document @doc */
static bool get(const char *doc, const char *path)
{
	const char *p = doc, *end, *found;
	size_t len;

	ws(&p);
	while (*path) {
		end = strchr(path, '.');
		len = end ? (size_t)(end - path) : strlen(path);
		found = NULL;
		if ((*p != '{' && *p != '[') ||
		    !parse_container(&p, 0, path, len, &found) || !found)
			return false;
		p = found;
		path += len + (end ? 1 : 0);
	}
	end = p;
	if (*p == '"') {
		parse_string(&end, stdout);
	} else {
		parse_value(&end, 0);
		fwrite(p, 1, end - p, stdout);
	}
	putchar('\n');
	return true;
}

int main(int argc, char **argv)
{
	char *doc = malloc(MAX_DOC + 1);
	const char *p;
	size_t n;
	int i;

	if (!doc)
		return 1;
	n = fread(doc, 1, MAX_DOC, stdin);
	doc[n] = '\0';
	p = doc;
	ws(&p);
	if (strlen(doc) != n)
		fail(doc + strlen(doc), "NUL byte");
	else if (parse_value(&p, 0) && (ws(&p), *p))
		fail(p, "text after the value");
	if (err_msg) {
		fprintf(stderr, "json-get: not JSON at byte %zu: %s\n",
			(size_t)(err_at - doc), err_msg);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!get(doc, argv[i])) {
			fprintf(stderr, "json-get: no %s\n", argv[i]);
			return 3;
		}
	}
	return 0;
}
