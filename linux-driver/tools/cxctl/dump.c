// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Dumps (docs/prm-coverage.md, "Dumps"): RESOURCE_DUMP (register 0xc000)
 * read inline, 208 bytes a reply, or written by the device through a
 * memory key over a umem of this file, continued until done; its menu and
 * records decoded with the firmware's own layouts (cxfw-fields.def).
 * CORE_DUMP (register 0x402e) written into a 2 MiB umem in one command,
 * or the same image read inline from RESOURCE_DUMP segment 0x1000; either
 * way the image's header, section table and CRC-32 are checked before it
 * is saved.
 *
 * User memory is mlx5ctl's alone: on a fwctl node only inline dumps work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cxfw-prm.h"
#include "cxctl.h"

#define RD		"resource_dump"
#define SEGHDR		"resource_dump_segment_header"
#define RSEG		"resource_dump_resource_segment"
#define REC		"resource_dump_menu_record"
#define CH		"core_dump_header"
#define CS		"core_dump_section"
#define REG_MAX		256	/* the largest register here, RESOURCE_DUMP */
#define NAME_LEN	16
#define CMD_MAX		512	/* the largest command input built here */
#define UMEM_MAX	(64ull << 20)

/* the object tables' records: segment type, payload layout */
static const struct {
	uint16_t type;
	const char *layout;
} record_layouts[] = {
	{ CXFW_DUMP_SEG_UCTX, "dump_uctx" },
	{ CXFW_DUMP_SEG_UMEM, "dump_umem" },
	{ CXFW_DUMP_SEG_MKEY, "dump_mkey" },
	{ CXFW_DUMP_SEG_PD, "dump_pd" },
	{ CXFW_DUMP_SEG_EQ, "dump_eq" },
	{ CXFW_DUMP_SEG_UAR, "dump_uar" },
	{ CXFW_DUMP_SEG_PAGES, "dump_page" },
	{ CXFW_DUMP_SEG_COUNTERS, "dump_counter" },
};

/* payload fields printed in hex */
static const char *const hex_fields[] = {
	"cap", "access", "start_addr", "address", "umem_offset",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the device opened, the output begun with it: 0 or an exit status */
int open_begin(struct ctx *c)
{
	int ret = open_device(c);

	if (ret)
		return ret;
	out_begin();
	out_device(&c->dev);
	return 0;
}

/* one command, its status checked: 0 or an exit status */
int exec_ok(struct ctx *c, const char *what, const void *in, uint32_t inlen,
	    void *out, uint32_t outlen)
{
	struct cx_status st;
	int ret = exec(c, in, inlen, out, &outlen);

	if (ret)
		return ret;
	st = cx_out_status(out);
	return st.status ? cx_fail_status(what, st) : 0;
}

/* ------------------------------------------------------------------ */
/* a umem with a PD and a memory key over it, for the device to write */

struct dump_mem {
	uint8_t *buf;
	uint64_t len;
	uint32_t umem_id, pd, mkey;	/* mkey: index << 8 | mkey_7_0 (0) */
	bool umem, has_pd, has_mkey;
};

static int mem_setup(struct ctx *c, struct dump_mem *m, uint64_t len)
{
	static uint8_t in[CMD_MAX], out[CX_HDR_LEN];
	uint8_t *mkc = in + cx_fw_byte("create_mkey_in", "mkc");
	int ret;

	memset(m, 0, sizeof(*m));
	if (c->dev.node.kind == CX_KIND_FWCTL) {
		fprintf(stderr, "cxctl: %s: a dump through memory needs a umem, which fwctl does not have: use an mlx5ctl node (inline dumps work on fwctl)\n",
			c->dev.node.path);
		return cx_fail(&c->dev, CX_OP_UMEM_REG, EOPNOTSUPP);
	}
	m->buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->buf == MAP_FAILED) {
		m->buf = NULL;
		return cx_fail(NULL, CX_OP_ALLOC, errno);
	}
	m->len = len;
	ret = cx_umem_reg(&c->dev, m->buf, len, &m->umem_id);
	if (ret)
		return cx_fail(&c->dev, CX_OP_UMEM_REG, ret);
	m->umem = true;

	cx_build_cmd(in, CXFW_OP_ALLOC_PD, 0);
	ret = exec_ok(c, "ALLOC_PD", in, CX_HDR_LEN, out, sizeof(out));
	if (ret)
		return ret;
	m->pd = cx_fw_get(out, "alloc_pd_out", "pd");
	m->has_pd = true;

	memset(in, 0, sizeof(in));
	cx_build_cmd(in, CXFW_OP_CREATE_MKEY, 0);
	cx_fw_set(in, "create_mkey_in", "mkey_umem_valid", 1);
	cx_fw_set(in, "create_mkey_in", "mkey_umem_id", m->umem_id);
	cx_fw_set(mkc, "mkc", "access_mode_1_0", CXFW_MKC_ACCESS_MODE_MTT);
	cx_fw_set(mkc, "mkc", "lw", 1);
	cx_fw_set(mkc, "mkc", "lr", 1);
	cx_fw_set(mkc, "mkc", "pd", m->pd);
	cx_fw_set(mkc, "mkc", "start_addr", (uintptr_t)m->buf);
	cx_fw_set(mkc, "mkc", "len", len);
	ret = exec_ok(c, "CREATE_MKEY", in, cx_fw_size("create_mkey_in"),
		       out, sizeof(out));
	if (ret)
		return ret;
	m->mkey = cx_fw_get(out, "create_mkey_out", "mkey_index") << 8;
	m->has_mkey = true;
	return 0;
}

/* everything mem_setup made, newest first; errors only reported */
static void mem_free(struct ctx *c, struct dump_mem *m)
{
	uint8_t in[CX_HDR_LEN + 16] = { 0 }, out[CX_HDR_LEN];
	int ret;

	if (m->has_mkey) {
		cx_build_cmd(in, CXFW_OP_DESTROY_MKEY, 0);
		cx_fw_set(in, "destroy_mkey_in", "mkey_index", m->mkey >> 8);
		exec_ok(c, "DESTROY_MKEY", in, sizeof(in), out, sizeof(out));
	}
	if (m->has_pd) {
		cx_build_cmd(in, CXFW_OP_DEALLOC_PD, 0);
		cx_fw_set(in, "dealloc_pd_in", "pd", m->pd);
		exec_ok(c, "DEALLOC_PD", in, sizeof(in), out, sizeof(out));
	}
	if (m->umem) {
		ret = cx_umem_unreg(&c->dev, m->umem_id);
		if (ret)
			cx_fail(&c->dev, CX_OP_UMEM_UNREG, ret);
	}
	if (m->buf)
		munmap(m->buf, m->len);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* reading a resource dump */

struct rsc_req {
	uint16_t type;
	uint32_t index1, index2;
	uint16_t count;
};

struct stream {
	uint8_t *data;
	size_t len, cap;
	unsigned int rpcs;
	double secs;		/* the RESOURCE_DUMP commands' time */
};

static int stream_add(struct stream *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		uint8_t *d;

		while (cap < s->len + n)
			cap *= 2;
		d = realloc(s->data, cap);
		if (!d)
			return cx_fail(NULL, CX_OP_ALLOC, ENOMEM);
		s->data = d;
		s->cap = cap;
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
	return 0;
}

/* the register's fields, looked up once: a dump may take 10,000 reads */
static struct {
	const struct cx_fw_field *more, *inl, *type, *index1, *index2, *count,
		*mkey, *size, *address;
	unsigned int data;
} rf;

static void rsc_fields(void)
{
	if (rf.more)
		return;
	rf.more = cx_fw_field(RD, "more_dump");
	rf.inl = cx_fw_field(RD, "inline_dump");
	rf.type = cx_fw_field(RD, "segment_type");
	rf.index1 = cx_fw_field(RD, "index1");
	rf.index2 = cx_fw_field(RD, "index2");
	rf.count = cx_fw_field(RD, "num_of_obj1");
	rf.mkey = cx_fw_field(RD, "mkey");
	rf.size = cx_fw_field(RD, "size");
	rf.address = cx_fw_field(RD, "address");
	rf.data = cx_fw_byte(RD, "inline_data");
}

/*
 * The whole stream of a dump: inline when @m is NULL, else through @m's
 * key, each reply's bytes at the start of the buffer.
 */
static int rsc_read(struct ctx *c, const struct rsc_req *rq,
		    const struct dump_mem *m, struct stream *s)
{
	static uint8_t in[CX_HDR_LEN + REG_MAX], out[CX_HDR_LEN + REG_MAX];
	uint32_t reg_len = cx_fw_size(RD), room, len;
	uint8_t *reg = in + CX_HDR_LEN, *rep = out + CX_HDR_LEN;
	double start = now();
	int ret;

	rsc_fields();
	room = m ? (m->len > UINT32_MAX ? UINT32_MAX : m->len) :
		   CXFW_RSC_DUMP_INLINE_LEN;
	memset(in, 0, sizeof(in));
	cx_build_access_reg(in, CXFW_REG_RESOURCE_DUMP, 0, false);
	cx_fw_put(reg, rf.type, rq->type);
	cx_fw_put(reg, rf.index1, rq->index1);
	cx_fw_put(reg, rf.index2, rq->index2);
	cx_fw_put(reg, rf.count, rq->count);
	cx_fw_put(reg, rf.inl, !m);
	if (m) {
		cx_fw_put(reg, rf.mkey, m->mkey);
		cx_fw_put(reg, rf.address, (uintptr_t)m->buf);
	}
	do {
		if (m)
			cx_fw_put(reg, rf.size, room);
		ret = exec_ok(c, "RESOURCE_DUMP", in, CX_HDR_LEN + reg_len,
			       out, CX_HDR_LEN + reg_len);
		if (ret)
			return ret;
		s->rpcs++;
		len = cx_fw_value(rep, rf.size);
		if (len > room) {
			fprintf(stderr, "cxctl: RESOURCE_DUMP: a reply of %u bytes in %u bytes of room\n",
				len, room);
			return CX_EXIT_FAIL;
		}
		ret = stream_add(s, m ? m->buf : rep + rf.data, len);
		if (ret)
			return ret;
		/* the reply is the next request (more_dump, seq_num, opaque) */
		memcpy(reg, rep, reg_len);
	} while (cx_fw_value(rep, rf.more));
	s->secs = now() - start;
	return 0;
}

/*
 * The segment at *@off of the stream: its type and length, *@off moved
 * past it; NULL at the end or on a malformed segment (*@len 0).
 */
static const uint8_t *seg_next(const struct stream *s, size_t *off,
			       uint16_t *type, uint32_t *len)
{
	const uint8_t *seg = s->data + *off;

	*len = 0;
	if (*off + 4 > s->len)
		return NULL;
	*len = cx_fw_get(seg, SEGHDR, "length_dw") * 4;
	*type = cx_fw_get(seg, SEGHDR, "segment_type");
	if (*len < 4 || *off + *len > s->len) {
		*len = 0;
		return NULL;
	}
	*off += *len;
	return seg;
}

static int bad_stream(const char *why, size_t off)
{
	fprintf(stderr, "cxctl: RESOURCE_DUMP: malformed dump: %s at byte %zu\n",
		why, off);
	return CX_EXIT_FAIL;
}

/* an error segment: the firmware's reason, exit status 1 */
static int error_segment(const uint8_t *seg)
{
	char text[33] = "";

	memcpy(text, seg + cx_fw_byte("resource_dump_error_segment", "error"),
	       32);
	fprintf(stderr, "cxctl: RESOURCE_DUMP: the dump has an error segment: syndrome_id %u: %s\n",
		(unsigned int)cx_fw_get(seg, "resource_dump_error_segment",
					"syndrome_id"), text);
	out_uint("error_syndrome_id", NULL,
		 cx_fw_get(seg, "resource_dump_error_segment", "syndrome_id"),
		 false);
	out_str("error_text", NULL, text);
	out_end();
	return CX_EXIT_FAIL;
}

/* a NUL-padded name of a record, as a string */
static void name_at(char *dst, const uint8_t *rec, const char *layout,
		    const char *field)
{
	memcpy(dst, rec + cx_fw_byte(layout, field), NAME_LEN);
	dst[NAME_LEN] = '\0';
}

struct menu_entry {
	uint16_t type;
	char name[NAME_LEN + 1], index1[NAME_LEN + 1], index2[NAME_LEN + 1];
};

/* the menu's records from a menu stream: their number, or -1 */
static int menu_parse(const struct stream *s, struct menu_entry *e, int max)
{
	uint32_t rec_size = cx_fw_size(REC), len, n, i;
	size_t off = 0;
	const uint8_t *seg, *rec;
	uint16_t type;

	while ((seg = seg_next(s, &off, &type, &len)))
		if (type == CXFW_DUMP_SEG_MENU)
			break;
	if (!seg)
		return -1;
	n = cx_fw_get(seg, "resource_dump_menu_segment", "num_of_records");
	rec = seg + cx_fw_byte("resource_dump_menu_segment", "record");
	if (8 + n * rec_size > len)
		return -1;
	for (i = 0; i < n && (int)i < max; i++, rec += rec_size) {
		e[i].type = cx_fw_get(rec, REC, "segment_type");
		name_at(e[i].name, rec, REC, "segment_name");
		name_at(e[i].index1, rec, REC, "index1_name");
		name_at(e[i].index2, rec, REC, "index2_name");
	}
	return i;
}

#define MENU_MAX	64

static int read_menu(struct ctx *c, struct menu_entry *e, int *n,
		     struct stream *s)
{
	struct rsc_req rq = { .type = CXFW_DUMP_SEG_MENU };
	int ret = rsc_read(c, &rq, NULL, s);

	if (ret)
		return ret;
	*n = menu_parse(s, e, MENU_MAX);
	return *n < 0 ? bad_stream("no menu segment", 0) : 0;
}

static void print_menu(const struct menu_entry *e, int n)
{
	static const int widths[] = { 6, 10, 14, 14 };
	static const char *const hdr[] = {
		"TYPE", "NAME", "INDEX1", "INDEX2",
	};
	char type[8];
	int i;

	out_list_begin("menu");
	out_row(hdr, widths, 4);
	for (i = 0; i < n; i++) {
		const char *const row[] = {
			type, e[i].name, e[i].index1[0] ? e[i].index1 : "-",
			e[i].index2[0] ? e[i].index2 : "-",
		};

		snprintf(type, sizeof(type), "0x%04x", e[i].type);
		out_row(row, widths, 4);
		out_obj_begin(NULL);
		out_uint("segment_type", NULL, e[i].type, false);
		out_str("segment_name", NULL, e[i].name);
		out_str("index1_name", NULL, e[i].index1);
		out_str("index2_name", NULL, e[i].index2);
		out_obj_end();
	}
	out_list_end();
}

static const char *layout_of(uint16_t type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(record_layouts); i++)
		if (record_layouts[i].type == type)
			return record_layouts[i].layout;
	return NULL;
}

static bool hex_field(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hex_fields); i++)
		if (!strcmp(hex_fields[i], name))
			return true;
	return false;
}

#define MAX_COLS	16
#define COL_LEN		40

/* one record's columns: index1, owner, then its layout's fields */
static int record_cols(const uint8_t *seg, const char *layout, bool header,
		       char cols[][COL_LEN])
{
	const uint8_t *p = header ? NULL : seg + cx_fw_byte(RSEG, "payload");
	const struct cx_fw_field *f;
	unsigned int nf, i, k, n = 2;

	f = cx_fw_fields(&nf);
	if (header) {
		snprintf(cols[0], COL_LEN, "INDEX1");
		snprintf(cols[1], COL_LEN, "OWNER");
	} else {
		snprintf(cols[0], COL_LEN, "%u",
			 (unsigned int)cx_fw_get(seg, RSEG, "index1"));
		snprintf(cols[1], COL_LEN, "%u",
			 (unsigned int)cx_fw_get(seg, RSEG, "index2"));
	}
	for (i = 0; i < nf && n < MAX_COLS; i++) {
		if (strcmp(f[i].layout, layout) || !f[i].width)
			continue;
		if (header) {
			snprintf(cols[n++], COL_LEN, "%s", f[i].name);
		} else if (f[i].width <= 64) {
			snprintf(cols[n++], COL_LEN,
				 hex_field(f[i].name) ? "0x%llx" : "%llu",
				 (unsigned long long)cx_fw_value(p, &f[i]));
		} else if (f[i].width == 8 * NAME_LEN) {
			memcpy(cols[n], p + f[i].bit / 8, NAME_LEN);
			cols[n++][NAME_LEN] = '\0';
		} else {
			for (k = 0; k < f[i].width / 8 && 2 * k + 3 < COL_LEN;
			     k++)
				sprintf(cols[n] + 2 * k, "%02x",
					p[f[i].bit / 8 + k]);
			n++;
		}
	}
	return n;
}

static void print_records(const struct stream *s, uint16_t type)
{
	const char *layout = layout_of(type);
	char cols[MAX_COLS][COL_LEN], hdr[MAX_COLS][COL_LEN];
	const char *row[MAX_COLS];
	int widths[MAX_COLS], n, i;
	const uint8_t *seg;
	unsigned int count = 0;
	size_t off = 0;
	uint32_t len;
	uint16_t t;

	n = record_cols(NULL, layout, true, hdr);
	for (i = 0; i < n; i++) {
		row[i] = hdr[i];
		widths[i] = strlen(hdr[i]) > 10 ? strlen(hdr[i]) : 10;
	}
	out_list_begin("records");
	out_row(row, widths, n);
	while ((seg = seg_next(s, &off, &t, &len))) {
		if (t != type)
			continue;
		record_cols(seg, layout, false, cols);
		for (i = 0; i < n; i++)
			row[i] = cols[i];
		out_row(row, widths, n);
		out_obj_begin(NULL);
		for (i = 0; i < n; i++) {
			uint64_t v;

			/* numbers as numbers, names and masks as strings */
			if (!cx_parse_uint(cols[i], UINT64_MAX, &v))
				out_uint(i < 2 ? (i ? "owner" : "index1") :
					 hdr[i], NULL, v, false);
			else
				out_str(hdr[i], NULL, cols[i]);
		}
		out_obj_end();
		count++;
	}
	out_list_end();
	out_uint("count", "records", count, false);
}

/* segment types by menu name (the device's) or number */
static int segment_type(struct ctx *c, const char *s, uint16_t *type,
			struct menu_entry *menu, int *n)
{
	struct stream ms = { 0 };
	uint64_t v;
	int ret, i;

	ret = read_menu(c, menu, n, &ms);
	free(ms.data);
	if (ret)
		return ret;
	if (!cx_parse_uint(s, 0xffff, &v)) {
		*type = v;
		return 0;
	}
	for (i = 0; i < *n; i++) {
		if (!strcasecmp(menu[i].name, s)) {
			*type = menu[i].type;
			return 0;
		}
	}
	return cx_usage_error("no segment '%s' in the device's menu (cxctl rscdump menu)",
			      s);
}

static int parse_umem_size(const char *s, uint64_t *len)
{
	int ret = parse_num("--umem", s, UMEM_MAX, len);

	if (!ret && *len < CXFW_RSC_DUMP_MIN_SIZE)
		return cx_usage_error("--umem %s: at least %u bytes", s,
				      CXFW_RSC_DUMP_MIN_SIZE);
	return ret;
}

int cmd_rscdump(struct ctx *c, int argc, char **argv)
{
	const char *umem_s = NULL, *index_s = "0", *count_s = "0";
	const struct opt opts[] = {
		{ "--umem", &umem_s, NULL },
		{ "--index", &index_s, NULL },
		{ "--count", &count_s, NULL },
		{ NULL },
	};
	struct menu_entry menu[MENU_MAX];
	struct dump_mem mem = { 0 };
	struct stream s = { 0 };
	struct rsc_req rq = { 0 };
	uint64_t index, count, ulen = 0;
	const uint8_t *seg;
	size_t off = 0;
	uint32_t len;
	uint16_t t;
	char *pos[1];
	int npos, nmenu = 0, ret, i;

	ret = parse_opts(argc, argv, opts, pos, 1, &npos);
	if (!ret)
		ret = parse_num("--index", index_s, UINT32_MAX, &index);
	if (!ret)
		ret = parse_num("--count", count_s, 0xffff, &count);
	if (!ret && umem_s)
		ret = parse_umem_size(umem_s, &ulen);
	if (!ret)
		ret = open_begin(c);
	if (ret)
		return ret;
	if (!npos || !strcmp(pos[0], "menu")) {
		rq.type = CXFW_DUMP_SEG_MENU;
	} else {
		ret = segment_type(c, pos[0], &rq.type, menu, &nmenu);
		if (ret)
			return ret;
	}
	rq.index1 = index;
	rq.count = count;
	if (umem_s) {
		ret = mem_setup(c, &mem, ulen);
		if (ret)
			return ret;
	}
	ret = rsc_read(c, &rq, umem_s ? &mem : NULL, &s);
	mem_free(c, &mem);
	if (ret)
		return ret;
	out_uint("segment_type", NULL, rq.type, false);
	for (i = 0; i < nmenu; i++)
		if (menu[i].type == rq.type)
			out_str("segment_name", "segment", menu[i].name);
	out_str("mode", "mode", umem_s ? "umem" : "inline");
	out_uint("rpcs", "rpcs", s.rpcs, false);
	out_uint("bytes", "bytes", s.len, false);
	while ((seg = seg_next(&s, &off, &t, &len)))
		if (t == CXFW_DUMP_SEG_ERROR)
			return error_segment(seg);
	if (off != s.len)
		return bad_stream("a segment runs past the end", off);
	if (rq.type == CXFW_DUMP_SEG_MENU) {
		nmenu = menu_parse(&s, menu, MENU_MAX);
		if (nmenu < 0)
			return bad_stream("no menu segment", 0);
		print_menu(menu, nmenu);
	} else if (layout_of(rq.type)) {
		print_records(&s, rq.type);
	} else if (!cx_json) {
		printf("a dump of segment 0x%x: no record layout to decode it (cxctl coredump --inline saves the device dump)\n",
		       rq.type);
	}
	out_end();
	free(s.data);
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* the core dump */

/* CRC-32 as zlib's crc32(): reflected 0xedb88320, ~0 in and out */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	uint32_t v;
	int n, k;

	if (!table[1]) {
		for (n = 0; n < 256; n++) {
			v = n;
			for (k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320 ^ (v >> 1) : v >> 1;
			table[n] = v;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* the image's CRC-32 with the checksum field's 4 bytes as zero */
static uint32_t image_crc(const uint8_t *img, size_t len)
{
	static const uint8_t zero[4];
	unsigned int at = cx_fw_byte(CH, "checksum");
	uint32_t crc = crc32_update(0, img, at);

	crc = crc32_update(crc, zero, 4);
	return crc32_update(crc, img + at + 4, len - at - 4);
}

static int bad_image(const char *fmt, unsigned long long a,
		     unsigned long long b)
{
	fprintf(stderr, "cxctl: coredump: bad image: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	out_str("image_error", NULL, "bad header, section table or CRC-32");
	out_end();
	return CX_EXIT_FAIL;
}

/* the header, the section table tiling the image, the CRC-32 */
static int image_check(const uint8_t *img, size_t len, uint32_t *crc)
{
	uint64_t total, pos, off, slen;
	uint32_t table, count, esize, i;
	const uint8_t *e;

	if (len < cx_fw_size(CH))
		return bad_image("%llu bytes, shorter than the header (%llu)",
				 len, cx_fw_size(CH));
	if (cx_fw_get(img, CH, "magic") != CXFW_CORE_DUMP_MAGIC)
		return bad_image("magic 0x%llx, not \"CXSIMCRD\" (0x%llx)",
				 cx_fw_get(img, CH, "magic"),
				 CXFW_CORE_DUMP_MAGIC);
	if (cx_fw_get(img, CH, "version") != CXFW_CORE_DUMP_VERSION ||
	    cx_fw_get(img, CH, "header_size") != cx_fw_size(CH))
		return bad_image("version %llu, header_size %llu",
				 cx_fw_get(img, CH, "version"),
				 cx_fw_get(img, CH, "header_size"));
	total = cx_fw_get(img, CH, "total_size");
	if (total != len || len != CXFW_CORE_DUMP_SIZE)
		return bad_image("total_size %llu, %llu bytes read", total, len);
	table = cx_fw_get(img, CH, "section_table");
	count = cx_fw_get(img, CH, "section_count");
	esize = cx_fw_get(img, CH, "section_entry_size");
	if (esize != cx_fw_size(CS) || table < cx_fw_size(CH) ||
	    table + (uint64_t)count * esize > len)
		return bad_image("section table at %llu, %llu entries", table,
				 count);
	pos = table + (uint64_t)count * esize;
	for (i = 0; i < count; i++) {
		e = img + table + i * esize;
		off = cx_fw_get(e, CS, "offset");
		slen = cx_fw_get(e, CS, "length");
		if (off != pos || slen > total - off)
			return bad_image("section at %llu, expected at %llu", off,
					 pos);
		pos += slen;
	}
	if (pos != total)
		return bad_image("sections end at %llu, the image at %llu",
				 pos, total);
	*crc = image_crc(img, len);
	if (*crc != cx_fw_get(img, CH, "checksum"))
		return bad_image("CRC-32 0x%08llx, the header says 0x%08llx",
				 *crc, cx_fw_get(img, CH, "checksum"));
	return 0;
}

/* the device dump's segments' bodies: the image */
static int device_image(const struct stream *s, struct stream *img)
{
	size_t off = 0;
	const uint8_t *seg;
	uint32_t len;
	uint16_t t;
	int ret;

	while ((seg = seg_next(s, &off, &t, &len))) {
		if (t == CXFW_DUMP_SEG_ERROR)
			return error_segment(seg);
		if (t != CXFW_DUMP_SEG_DEVICE)
			continue;
		ret = stream_add(img, seg + 4, len - 4);
		if (ret)
			return ret;
	}
	return off == s->len ? 0 : bad_stream("a segment runs past the end",
					      off);
}

/* one CORE_DUMP into a 2 MiB umem: the image in @m->buf */
static int core_dump(struct ctx *c, struct dump_mem *m, uint64_t cookie,
		     unsigned int *rpcs)
{
	static uint8_t in[CX_HDR_LEN + REG_MAX], out[CX_HDR_LEN + REG_MAX];
	uint32_t reg_len = cx_fw_size("core_dump_reg");
	uint8_t *reg = in + CX_HDR_LEN;

	memset(in, 0, sizeof(in));
	cx_build_access_reg(in, CXFW_REG_CORE_DUMP, 0, false);
	cx_fw_set(reg, "core_dump_reg", "core_dump_type",
		  CXFW_CORE_DUMP_TYPE_CR);
	cx_fw_set(reg, "core_dump_reg", "mkey", m->mkey);
	cx_fw_set(reg, "core_dump_reg", "size", m->len);
	cx_fw_set(reg, "core_dump_reg", "address", (uintptr_t)m->buf);
	cx_fw_set(reg, "core_dump_reg", "cookie", cookie);
	*rpcs = 1;
	return exec_ok(c, "CORE_DUMP", in, CX_HDR_LEN + reg_len, out,
			CX_HDR_LEN + reg_len);
}

static int write_file(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n = 0;
	size_t done = 0;

	while (fd >= 0 && done < len) {
		n = write(fd, p + done, len - done);
		if (n <= 0)
			break;
		done += n;
	}
	if (fd < 0 || done < len || close(fd)) {
		fprintf(stderr, "cxctl: coredump: writing %s: %s\n", path,
			strerror(errno));
		out_end();
		return CX_EXIT_FAIL;
	}
	return 0;
}

int cmd_coredump(struct ctx *c, int argc, char **argv)
{
	const char *file = NULL, *cookie_s = "0";
	bool inl = false;
	const struct opt opts[] = {
		{ "-o", &file, NULL },
		{ "--inline", NULL, &inl },
		{ "--cookie", &cookie_s, NULL },
		{ NULL },
	};
	struct stream s = { 0 }, img = { 0 };
	struct dump_mem mem = { 0 };
	const uint8_t *image;
	unsigned int rpcs = 0;
	uint64_t cookie;
	double start, secs;
	uint32_t crc = 0;
	char *pos[1];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 0, &npos);
	if (!ret && !file)
		ret = cx_usage_error("coredump -o FILE [--inline] [--cookie N]");
	if (!ret)
		ret = parse_num("--cookie", cookie_s, UINT64_MAX, &cookie);
	if (!ret)
		ret = open_begin(c);
	if (ret)
		return ret;
	if (inl) {
		struct rsc_req rq = {
			.type = CXFW_DUMP_SEG_DEVICE,
			.index1 = (uint32_t)cookie,
			.index2 = cookie >> 32,
		};

		ret = rsc_read(c, &rq, NULL, &s);
		if (!ret)
			ret = device_image(&s, &img);
		free(s.data);
		rpcs = s.rpcs;
		secs = s.secs;
		image = img.data;
	} else {
		if (c->dev.node.kind == CX_KIND_FWCTL)
			fprintf(stderr, "cxctl: %s: CORE_DUMP writes into a umem, which only mlx5ctl nodes have: use an mlx5ctl node, or coredump --inline on fwctl\n",
				c->dev.node.path);
		ret = mem_setup(c, &mem, CXFW_CORE_DUMP_SIZE);
		start = now();
		if (!ret)
			ret = core_dump(c, &mem, cookie, &rpcs);
		secs = now() - start;
		img.len = mem.len;
		image = mem.buf;
	}
	if (!ret)
		ret = image_check(image, img.len, &crc);
	if (!ret)
		ret = write_file(file, image, img.len);
	mem_free(c, &mem);
	free(img.data);
	if (ret)
		return ret;
	out_str("mode", "mode", inl ? "inline" : "umem");
	out_str("file", "file", file);
	out_uint("bytes", "bytes", CXFW_CORE_DUMP_SIZE, false);
	out_uint("crc32", "crc32", crc, true);
	out_bool("crc_ok", "crc32 verified", true);
	out_uint("cookie", "cookie", cookie, true);
	out_uint("rpcs", "rpcs", rpcs, false);
	out_uint("elapsed_us", "elapsed us", (uint64_t)(secs * 1e6), false);
	out_end();
	return CX_EXIT_OK;
}
