// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * migrate-hold: an mlx5ctl file of cxctl held open across a live migration
 * of the guest (linux-driver/tests/migration.sh).  Prints TAP; run as
 * root, in the background.
 *
 *	migrate-hold [DEVICE [READY [MIGRATED]]]
 *
 * Before: INFO (uid, caps), QUERY_UCTX, a 2 MiB buffer registered
 * (UMEM_REG) with a PD and a memory key over it, the whole menu read
 * inline, then a new menu dump stopped after its first read (more_dump 1,
 * the reply kept), and a CORE_DUMP into the buffer (its image kept).
 * Then it creates the file READY (default /tmp/hold-ready) and waits, at
 * most WAIT_S seconds, for the file MIGRATED (default /tmp/migrated): the
 * suite has the guest migrated meanwhile.  After: INFO and QUERY_UCTX
 * answer as before; the menu dump continues from the kept reply up to
 * more_dump 0 and is the whole menu as before; a new CORE_DUMP through
 * the same key into the same pinned buffer is valid and describes the
 * same state; UMEM_UNREG is refused while the key exists and works once
 * the key and the PD are gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../include/uapi/misc/mlx5ctl.h"
#include "cxtest.h"
#include "mlx5ctl-dev.h"
#include "dump-regs.h"

#define WAIT_S		330	/* the suite waits 300 s for the word */
#define MENU_ROOM	4096
#define MENU_REC	52	/* resource_dump_menu_record */
#define COOKIE		0x4d494752	/* "MIGR" */

static const struct field qu_uid = { 0x50, 16 };	/* in and out */
static const struct field qu_cap = { 0x80, 32 };
static const struct field menu_records = { 0x30, 16 };

struct hold {
	struct mlx5ctl_info info;
	uint32_t uctx_cap;		/* QUERY_UCTX's */
	uint8_t menu[MENU_ROOM];	/* the whole menu, read before */
	long menu_len;
	uint8_t stream[MENU_ROOM];	/* the dump held over the migration */
	size_t held_len;
	uint8_t reply[REG_LEN];		/* its first reply */
	struct dbuf b;
};

static uint8_t before[IMAGE];

/* QUERY_UCTX of the file's own context: 0 and its uid and caps, or not */
static int query_uctx(int fd, uint16_t *uid, uint32_t *cap)
{
	uint8_t in[16] = { 0 }, out[64];
	int ret;

	set(in, hdr_opcode, CXFW_OP_QUERY_UCTX);
	ret = rpc(fd, in, sizeof(in), out, sizeof(out));
	*uid = get(out, qu_uid);
	*cap = get(out, qu_cap);
	return ret;
}

/*
 * The menu segment of a menu stream: its number of records, the first
 * one's name in @first (16 bytes and a NUL), or -1.
 */
static int menu_parse(const uint8_t *s, long len, char *first)
{
	long off = 0;
	uint32_t l, n;

	while (off < len) {
		l = get(s + off, seg_length_dw) * 4;
		if (l < 4 || off + l > len)
			return -1;
		if (get(s + off, seg_type) == CXFW_DUMP_SEG_MENU) {
			n = get(s + off, menu_records);
			if (!n || 8 + n * MENU_REC > l)
				return -1;
			memcpy(first, s + off + 8 + 4, 16);
			first[16] = '\0';
			return n;
		}
		off += l;
	}
	return -1;
}

/* the sections whose bytes differ between two images, as diagnostics */
static void diff_sections(const uint8_t *a, const uint8_t *b)
{
	uint32_t count = get(a, (struct field){ 0xe0, 32 }), i, off, len;
	const uint8_t *e;

	if (count > 16)
		return;
	for (i = 0; i < count; i++) {
		e = a + 64 + 32 * i;
		off = get(e, (struct field){ 0x60, 32 });
		len = get(e, (struct field){ 0xa0, 32 });
		if (memcmp(e, b + 64 + 32 * i, 32) ||
		    (off < IMAGE && len <= IMAGE - off &&
		     memcmp(a + off, b + off, len)))
			diag("section %u (type 0x%x, %u records) differs", i,
			     get(e, (struct field){ 0x00, 32 }),
			     get(e, (struct field){ 0xc0, 32 }));
	}
}

static void before_migration(int fd, struct hold *h)
{
	unsigned int reads;
	uint32_t synd;
	uint16_t uid;
	char first[17] = "";
	long len;
	int ret, n;

	ret = ioctl(fd, MLX5CTL_IOCTL_INFO, &h->info);
	ok(!ret && h->info.uctx_uid &&
	   (h->info.uctx_cap & CXFW_UCTX_CAP_TOOLS_RESOURCES),
	   "INFO: uid %u, uctx_cap 0x%x, dev_uctx_cap 0x%x",
	   h->info.uctx_uid, h->info.uctx_cap, h->info.dev_uctx_cap);
	ret = query_uctx(fd, &uid, &h->uctx_cap);
	ok(ret == 0 && uid == h->info.uctx_uid,
	   "QUERY_UCTX: uid %u, cap 0x%x", uid, h->uctx_cap);
	ret = dbuf_new(fd, &h->b, IMAGE, 0);
	ok(ret == 0,
	   "UMEM_REG of 2 MiB, a PD and a key over it: umem 0x%x, PD 0x%x, key 0x%x",
	   h->b.umem, h->b.pd, h->b.mkey);
	h->menu_len = rsc_inline(fd, CXFW_DUMP_SEG_MENU, 0, 0, h->menu,
				 sizeof(h->menu), &reads, NULL, false);
	n = menu_parse(h->menu, h->menu_len, first);
	ok(h->menu_len > 0 && n > 0,
	   "the whole menu inline: %ld bytes in %u reads, %d records (first %s)",
	   h->menu_len, reads, n, first);
	len = rsc_inline(fd, CXFW_DUMP_SEG_MENU, 0, 0, h->stream,
			 sizeof(h->stream), &reads, h->reply, true);
	h->held_len = len < 0 ? 0 : len;
	ok(len > 0 && get(h->reply, rd_more_dump),
	   "a new menu dump, its first inline read: %ld bytes, more_dump %u",
	   len, get(h->reply, rd_more_dump));
	ret = core_dump(fd, h->b.mkey, IMAGE, COOKIE, &synd);
	ok(ret == 0 && image_ok(h->b.buf),
	   "CORE_DUMP through the key: magic, CRC-32 0x%08x (0x%x 0x%08x)",
	   get(h->b.buf, img_checksum), ret, synd);
	memcpy(before, h->b.buf, IMAGE);
}

/* create @path, empty: 0 or a negative errno */
static int create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	return close(fd) ? -errno : 0;
}

/* wait for @path: the seconds it took, or -1 */
static int wait_for(const char *path)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (!access(path, F_OK)) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			return t.tv_sec - t0.tv_sec;
		}
		usleep(200000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < WAIT_S);
	return -1;
}

static void after_migration(int fd, struct hold *h)
{
	struct mlx5ctl_info info = { 0 };
	unsigned int reads = 0;
	char first[17] = "";
	uint32_t synd, cap;
	uint16_t uid;
	bool same;
	long len;
	int ret, n;

	ret = ioctl(fd, MLX5CTL_IOCTL_INFO, &info);
	ok(!ret && !memcmp(&info, &h->info, sizeof(info)),
	   "INFO after: the same uid %u and caps 0x%x 0x%x 0x%x",
	   info.uctx_uid, info.uctx_cap, info.dev_uctx_cap, info.ucap);
	ret = query_uctx(fd, &uid, &cap);
	ok(ret == 0 && uid == h->info.uctx_uid && cap == h->uctx_cap,
	   "QUERY_UCTX after: uid %u, cap 0x%x (0x%x)", uid, cap, ret);

	len = rsc_continue(fd, h->reply, h->stream, sizeof(h->stream),
			   h->held_len, &reads);
	n = menu_parse(h->stream, len, first);
	ok(len > 0 && !get(h->reply, rd_more_dump),
	   "the held menu dump continues: %u more reads up to more_dump 0",
	   reads);
	ok(len == h->menu_len && !memcmp(h->stream, h->menu, len) && n > 0,
	   "the continued dump is the whole menu as before: %ld bytes, %d records (first %s)",
	   len, n, first);

	memset(h->b.buf, 0, IMAGE);
	ret = core_dump(fd, h->b.mkey, IMAGE, COOKIE, &synd);
	ok(ret == 0 && image_ok(h->b.buf),
	   "CORE_DUMP after, the same key and pinned buffer: magic, CRC-32 0x%08x (0x%x 0x%08x)",
	   get(h->b.buf, img_checksum), ret, synd);
	same = same_state(before, h->b.buf);
	ok(same, "the image describes the same state as before (uid %u)",
	   get(h->b.buf, img_uid));
	if (!same)
		diff_sections(before, h->b.buf);

	check_errno(umem_unreg(fd, h->b.umem), EBUSY,
		    "UMEM_UNREG while the key exists");
	ret = dbuf_unkey(fd, &h->b);
	ok(ret == 0, "DESTROY_MKEY 0x%x and DEALLOC_PD 0x%x", h->b.mkey,
	   h->b.pd);
	ret = umem_unreg(fd, h->b.umem);
	ok(ret == 0, "UMEM_UNREG of umem 0x%x then (%s)", h->b.umem,
	   err_name(ret));
	ok(munmap(h->b.buf, IMAGE) == 0 && close(fd) == 0,
	   "close the file");
}

int main(int argc, char **argv)
{
	const char *ready = argc > 2 ? argv[2] : "/tmp/hold-ready";
	const char *word = argc > 3 ? argv[3] : "/tmp/migrated";
	static struct hold h;
	int fd, s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = tap_open_dev(argc, argv);
	if (fd < 0)
		return 1;
	before_migration(fd, &h);
	ok(create(ready) == 0, "created %s", ready);
	s = wait_for(word);
	ok(s >= 0, "%s appeared (%d s)", word, s);
	after_migration(fd, &h);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
