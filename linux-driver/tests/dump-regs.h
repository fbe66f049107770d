/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The dump registers through an mlx5ctl file, for the guest test programs
 * (dump-test, migrate-hold): ACCESS_REG reads of CORE_DUMP and
 * RESOURCE_DUMP (docs/prm-coverage.md, "Dumps"), the core image's checks
 * (magic, CRC-32, two images of the same state), a buffer registered as a
 * umem with a PD and a memory key over it.  Header-only, like cxtest.h,
 * which must be included first.
 */
#ifndef DUMP_REGS_H
#define DUMP_REGS_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "ctl-objects.h"
#include "../../firmware-sim/src/cxfw-prm.h"

#define IMAGE		CXFW_CORE_DUMP_SIZE
#define REG_LEN		256
#define IN_LEN		(16 + REG_LEN)
#define VA		0x10000u	/* the keys' virtual address */

/* ACCESS_REG and the two registers */
static const struct field ar_op_mod = { 0x30, 16 };
static const struct field ar_register_id = { 0x50, 16 };
static const struct field rd_more_dump = { 0x00, 1 };
static const struct field rd_inline_dump = { 0x01, 1 };
static const struct field rd_segment_type = { 0x10, 16 };
static const struct field rd_index1 = { 0x40, 32 };
static const struct field rd_index2 = { 0x60, 32 };
static const struct field rd_size = { 0x120, 32 };
static const struct field cd_type = { 0x18, 8 };
static const struct field cd_mkey = { 0x80, 32 };
static const struct field cd_size = { 0xa0, 32 };
static const struct field cd_address_lo = { 0xe0, 32 };
static const struct field cd_cookie_hi = { 0x100, 32 };
static const struct field cd_cookie_lo = { 0x120, 32 };
static const struct field seg_length_dw = { 0x00, 16 };
static const struct field seg_type = { 0x10, 16 };
static const struct field rseg_index1 = { 0x40, 32 };
static const struct field img_checksum = { 0x120, 32 };
static const struct field img_uid = { 0x1d0, 16 };

/* the register's reply status, syndrome in *@synd; negative: an errno */
static inline int reg_read(int fd, unsigned int id, const uint8_t *reg,
			   uint32_t len, uint8_t *out, uint32_t *synd)
{
	uint8_t in[IN_LEN] = { 0 };
	int ret;

	set(in, hdr_opcode, 0x805);
	set(in, ar_op_mod, 1);
	set(in, ar_register_id, id);
	memcpy(in + 16, reg, len);
	ret = rpc(fd, in, 16 + len, out, 16 + len);
	*synd = get(out, out_syndrome);
	return ret;
}

static inline int core_dump(int fd, uint32_t mkey, uint32_t size,
			    uint64_t cookie, uint32_t *synd)
{
	uint8_t reg[64] = { 0 }, out[16 + 64];

	set(reg, cd_type, CXFW_CORE_DUMP_TYPE_CR);
	set(reg, cd_mkey, mkey);
	set(reg, cd_size, size);
	set(reg, cd_address_lo, VA);
	set(reg, cd_cookie_hi, cookie >> 32);
	set(reg, cd_cookie_lo, (uint32_t)cookie);
	return reg_read(fd, CXFW_REG_CORE_DUMP, reg, sizeof(reg), out, synd);
}

static inline uint32_t crc32_of(const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	uint32_t c = ~0u, v;
	int n, k;

	if (!table[1])
		for (n = 0; n < 256; n++) {
			for (v = n, k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320 ^ (v >> 1) : v >> 1;
			table[n] = v;
		}
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* the header's magic and the CRC-32 with its own field as zero */
static inline bool image_ok(const uint8_t *img)
{
	static uint8_t copy[IMAGE];

	memcpy(copy, img, IMAGE);
	set(copy, img_checksum, 0);
	return !memcmp(img, "CXSIMCRD", 8) &&
	       crc32_of(copy, IMAGE) == get(img, img_checksum);
}

/*
 * One inline read of a dump with request @reg (REG_LEN bytes): its data
 * appended to @stream at *@len, the reply left in @reg (the next read's
 * request).  The reply's more_dump, or -1.
 */
static inline int rsc_read(int fd, uint8_t *reg, uint8_t *stream,
			   size_t room, size_t *len)
{
	uint8_t out[IN_LEN];
	uint32_t synd, n;

	if (reg_read(fd, CXFW_REG_RESOURCE_DUMP, reg, REG_LEN, out, &synd))
		return -1;
	n = get(out + 16, rd_size);
	if (*len + n > room || n > CXFW_RSC_DUMP_INLINE_LEN)
		return -1;
	memcpy(stream + *len, out + 16 + 0x30, n);
	*len += n;
	memcpy(reg, out + 16, REG_LEN);
	return get(reg, rd_more_dump);
}

/*
 * A dump read on from request @reg until more_dump 0, appended to @stream
 * after its first @len bytes; the reads counted in *@reads.  Returns the
 * stream's length, or -1.
 */
static inline long rsc_continue(int fd, uint8_t *reg, uint8_t *stream,
				size_t room, size_t len, unsigned int *reads)
{
	int more;

	do {
		more = rsc_read(fd, reg, stream, room, &len);
		if (more < 0)
			return -1;
		(*reads)++;
	} while (more);
	return len;
}

/*
 * A dump's stream read inline from the first read on; with @stop, only
 * the first reply, left in @reply.  Returns the stream's length, or -1.
 */
static inline long rsc_inline(int fd, uint16_t type, uint32_t index1,
			      uint32_t index2, uint8_t *stream, size_t room,
			      unsigned int *reads, uint8_t *reply, bool stop)
{
	uint8_t reg[REG_LEN] = { 0 };
	size_t len = 0;

	set(reg, rd_segment_type, type);
	set(reg, rd_index1, index1);
	set(reg, rd_index2, index2);
	set(reg, rd_inline_dump, 1);
	*reads = 0;
	if (!stop)
		return rsc_continue(fd, reg, stream, room, 0, reads);
	if (rsc_read(fd, reg, stream, room, &len) < 0)
		return -1;
	(*reads)++;
	memcpy(reply, reg, REG_LEN);
	return len;
}

struct dbuf {
	uint8_t *buf;
	size_t len;
	uint32_t umem, pd, mkey;	/* mkey: index << 8 */
};

/* a buffer filled with @fill, a umem, a PD and a key over it */
static inline int dbuf_new(int fd, struct dbuf *b, size_t len, uint8_t fill)
{
	uint32_t index = 0;
	int ret;

	b->len = len;
	b->buf = map(len, PROT_READ | PROT_WRITE);
	if (!b->buf)
		return -ENOMEM;
	memset(b->buf, fill, len);
	ret = umem_reg(fd, b->buf, len, &b->umem);
	if (!ret)
		ret = mkey_over(fd, b->umem, VA, len, &b->pd, &index);
	b->mkey = index << 8;
	return ret;
}

/* the buffer's key and PD destroyed (its umem stays): 0, or the failure */
static inline int dbuf_unkey(int fd, struct dbuf *b)
{
	static const struct field obj_48 = { 0x48, 24 };	/* mkey_index, pd */
	uint8_t in[16] = { 0 }, out[16];
	int ret;

	set(in, hdr_opcode, CXFW_OP_DESTROY_MKEY);
	set(in, obj_48, b->mkey >> 8);
	ret = rpc(fd, in, sizeof(in), out, sizeof(out));
	if (ret)
		return ret;
	memset(in, 0, sizeof(in));
	set(in, hdr_opcode, CXFW_OP_DEALLOC_PD);
	set(in, obj_48, b->pd);
	return rpc(fd, in, sizeof(in), out, sizeof(out));
}

/*
 * Two images of the same state: equal but for the health counter (it
 * ticks with the virtual clock) and so the checksum.
 */
static inline bool same_state(const uint8_t *a, const uint8_t *b)
{
	static uint8_t x[IMAGE], y[IMAGE];
	/* section 0, HCA: its offset's low dword, health_counter @16 */
	uint32_t hc = get(a, (struct field){ 0x200 + 0x60, 32 }) + 16;

	if (hc + 4 > IMAGE)
		return false;
	memcpy(x, a, IMAGE);
	memcpy(y, b, IMAGE);
	set(x, img_checksum, 0);
	set(y, img_checksum, 0);
	memset(x + hc, 0, 4);
	memset(y + hc, 0, 4);
	if (memcmp(a + hc, b + hc, 4))
		diag("the health counter moved between the two images");
	return !memcmp(x, y, IMAGE);
}

#endif
