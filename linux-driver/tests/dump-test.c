// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * dump-test: the dump registers through an mlx5ctl file of cxctl on cxsim
 * (linux-driver/tests/dump.sh).  Prints TAP; run as root.
 *
 * Checked: CORE_DUMP into a 2 MiB umem (header, CRC-32), twice the same
 * bytes for the same state, the same bytes again through inline
 * RESOURCE_DUMP segment 0x1000; UMEM_UNREG while the dump's key exists;
 * a too-small buffer (CORE_DUMP_SIZE, nothing written); another file's
 * key (refused, nothing written into its buffer); the UMEM, MKEY and PD
 * segments showing this file's objects and not another's; diagnostic
 * counter COMMANDS counting N NOPs; a context without TOOLS_RESOURCES
 * refused; and (last) unbind/rebind in the middle of an inline dump: the
 * continuation refused (RSC_DUMP_STALE), a new dump working.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/uapi/misc/mlx5ctl.h"
#include "cxtest.h"
#include "mlx5ctl-dev.h"
#include "dump-regs.h"

#define MIB		(1UL << 20)
#define NOPS		50

/* the device dump's segments' bodies: the image's length, or -1 */
static long device_image(const uint8_t *s, long len, uint8_t *img)
{
	long off = 0, n = 0;
	uint32_t l;

	while (off < len) {
		l = get(s + off, seg_length_dw) * 4;
		if (l < 4 || off + l > len)
			return -1;
		if (get(s + off, seg_type) == CXFW_DUMP_SEG_DEVICE) {
			if (n + l - 4 > IMAGE)
				return -1;
			memcpy(img + n, s + off + 4, l - 4);
			n += l - 4;
		}
		off += l;
	}
	return n;
}

/* is object @number among the records of segment @type of @fd's dump */
static bool dump_has(int fd, uint16_t type, uint32_t number)
{
	static uint8_t s[64 * 1024];
	unsigned int reads;
	long len = rsc_inline(fd, type, 0, 0, s, sizeof(s), &reads, NULL,
			      false), off = 0;
	uint32_t l;

	while (len > 0 && off < len) {
		l = get(s + off, seg_length_dw) * 4;
		if (l < 4)
			break;
		if (get(s + off, seg_type) == type &&
		    get(s + off, rseg_index1) == number)
			return true;
		off += l;
	}
	return false;
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* 1. the core dump, twice, and the same bytes inline */
static void test_core(int fd, struct dbuf *b)
{
	static uint8_t first[IMAGE], img[IMAGE], stream[IMAGE + IMAGE / 4];
	unsigned int reads;
	uint32_t synd;
	long len;
	int ret;

	ret = core_dump(fd, b->mkey, IMAGE, 0x1234, &synd);
	ok(ret == 0, "CORE_DUMP into a 2 MiB umem through its key: one RPC");
	ok(image_ok(b->buf), "the image: magic CXSIMCRD, CRC-32 verifies");
	memcpy(first, b->buf, IMAGE);
	memset(b->buf, 0, IMAGE);
	ret = core_dump(fd, b->mkey, IMAGE, 0x1234, &synd);
	ok(ret == 0 && image_ok(b->buf) && same_state(first, b->buf),
	   "a second CORE_DUMP of the same state: the same 2 MiB (CRC verifies)");
	len = rsc_inline(fd, CXFW_DUMP_SEG_DEVICE, 0x1234, 0, stream,
			 sizeof(stream), &reads, NULL, false);
	len = len < 0 ? -1 : device_image(stream, len, img);
	ok(len == IMAGE && image_ok(img) && same_state(img, first),
	   "RESOURCE_DUMP segment 0x1000 inline: the same 2 MiB in %u reads",
	   reads);
	diag("image uid %u, crc32 0x%08x", get(first, img_uid),
	     get(first, img_checksum));
	check_errno(umem_unreg(fd, b->umem), EBUSY,
		    "UMEM_UNREG while the dump's key exists");
}

/* 2. refusals that write nothing */
static void test_refusals(int fd, int fd2, struct dbuf *other)
{
	struct dbuf small;
	uint32_t synd;
	int ret;

	ret = dbuf_new(fd, &small, MIB, 0x5a);
	ok(ret == 0, "a 1 MiB umem with a key over it");
	ret = core_dump(fd, small.mkey, MIB, 0, &synd);
	ok(ret == CXFW_STATUS_BAD_PARAM && synd == CXFW_SYND_CORE_DUMP_SIZE,
	   "CORE_DUMP with size 1 MiB: BAD_PARAM CORE_DUMP_SIZE (0x%x 0x%08x)",
	   ret, synd);
	ok(all_bytes(small.buf, MIB, 0x5a), "nothing written into the buffer");
	ret = core_dump(fd, other->mkey, IMAGE, 0, &synd);
	ok(ret == CXFW_STATUS_BAD_PARAM && synd == CXFW_SYND_DMA_MKEY_UNKNOWN,
	   "CORE_DUMP through another file's key: BAD_PARAM DMA_MKEY_UNKNOWN (0x%x 0x%08x)",
	   ret, synd);
	ok(all_bytes(other->buf, IMAGE, 0xa5),
	   "nothing written into the other file's buffer");
	(void)fd2;
}

/* 3. the object segments: this file's objects, not another's */
static void test_objects(int fd, const struct dbuf *b, const struct dbuf *o)
{
	ok(dump_has(fd, CXFW_DUMP_SEG_UMEM, b->umem) &&
	   !dump_has(fd, CXFW_DUMP_SEG_UMEM, o->umem),
	   "UMEM segment: umem 0x%x, not the other file's 0x%x", b->umem,
	   o->umem);
	ok(dump_has(fd, CXFW_DUMP_SEG_MKEY, b->mkey >> 8) &&
	   !dump_has(fd, CXFW_DUMP_SEG_MKEY, o->mkey >> 8),
	   "MKEY segment: key index 0x%x, not the other file's 0x%x",
	   b->mkey >> 8, o->mkey >> 8);
	ok(dump_has(fd, CXFW_DUMP_SEG_PD, b->pd) &&
	   !dump_has(fd, CXFW_DUMP_SEG_PD, o->pd),
	   "PD segment: PD 0x%x, not the other file's 0x%x", b->pd, o->pd);
}

/* on-demand sample @index of the one selected counter: its value */
static int diag_sample(int fd, unsigned int index, uint64_t *val)
{
	uint8_t in[16] = { 0 }, out[32];
	int ret;

	set(in, hdr_opcode, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS);
	in[8] = 0;
	in[9] = 1;			/* num_of_samples 1 */
	in[11] = index;			/* sample_index */
	ret = rpc(fd, in, sizeof(in), out, sizeof(out));
	*val = (uint64_t)get(out + 16, (struct field){ 0x40, 32 }) << 32 |
	       get(out + 16, (struct field){ 0x60, 32 });
	return ret;
}

/* 4. diagnostic counters: COMMANDS counts N NOPs */
static void test_diag(int fd)
{
	uint8_t in[36] = { 0 }, out[16], nop[16] = { 0 };
	uint64_t v0 = 0, v1 = 0;
	int ret, i, n = 0;

	set(in, hdr_opcode, CXFW_OP_SET_DIAGNOSTIC_PARAMS);
	set(in + 8, (struct field){ 0x00, 16 }, 1);	/* num_of_counters */
	set(in + 8, (struct field){ 0x18, 8 }, 1);	/* 2 sample slots */
	set(in + 8, (struct field){ 0x20, 1 }, 1);	/* single */
	set(in + 8, (struct field){ 0x23, 1 }, 1);	/* clear */
	set(in + 8, (struct field){ 0x24, 1 }, 1);	/* on_demand */
	set(in + 8, (struct field){ 0x25, 1 }, 1);	/* enable */
	set(in + 8 + 24, (struct field){ 0x10, 16 }, CXFW_DIAG_COMMANDS);
	ret = rpc(fd, in, sizeof(in), out, sizeof(out));
	ok(ret == 0, "SET_DIAGNOSTIC_PARAMS: COMMANDS, on demand");
	ret = diag_sample(fd, 0, &v0);
	set(nop, hdr_opcode, CXFW_OP_NOP);
	for (i = 0; i < NOPS; i++)
		n += rpc(fd, nop, sizeof(nop), out, sizeof(out)) == 0;
	ret |= diag_sample(fd, 1, &v1);
	/* the first query is counted, a query never counts itself */
	ok(ret == 0 && n == NOPS && v1 - v0 == NOPS + 1,
	   "%d NOPs: COMMANDS grew by %llu (N + the first query)", n,
	   (unsigned long long)(v1 - v0));
}

/* set or clear CAP_SYS_ADMIN in the effective set only */
static int admin_effective(bool on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, caps))
		return -errno;
	if (on)
		caps[0].effective |= CAP_TO_MASK(CAP_SYS_ADMIN);
	else
		caps[0].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, caps) ? -errno : 0;
}

/* 5. a context without TOOLS_RESOURCES */
static void test_no_tools(void)
{
	struct mlx5ctl_info info = { 0 };
	uint8_t reg[REG_LEN] = { 0 }, out[IN_LEN], in[36] = { 0 }, o16[16];
	uint32_t synd;
	int fd, ret;

	/* open without CAP_SYS_ADMIN: no TOOLS_RESOURCES; ioctls with it */
	ret = admin_effective(false);
	fd = open_dev();
	ret |= admin_effective(true);
	ok(ret == 0 && fd >= 0 && !ioctl(fd, MLX5CTL_IOCTL_INFO, &info) &&
	   !(info.uctx_cap & CXFW_UCTX_CAP_TOOLS_RESOURCES),
	   "a file opened without CAP_SYS_ADMIN: uctx_cap 0x%x, no TOOLS_RESOURCES",
	   info.uctx_cap);
	if (fd < 0)
		return;
	ret = core_dump(fd, 0x100, IMAGE, 0, &synd);
	ok(ret == CXFW_STATUS_BAD_PARAM && synd == CXFW_SYND_REG_ACCESS_DENIED,
	   "its CORE_DUMP: BAD_PARAM REG_ACCESS_DENIED (0x%x 0x%08x)", ret,
	   synd);
	set(reg, rd_segment_type, CXFW_DUMP_SEG_MENU);
	set(reg, rd_inline_dump, 1);
	ret = reg_read(fd, CXFW_REG_RESOURCE_DUMP, reg, REG_LEN, out, &synd);
	ok(ret == CXFW_STATUS_BAD_PARAM && synd == CXFW_SYND_REG_ACCESS_DENIED,
	   "its RESOURCE_DUMP: BAD_PARAM REG_ACCESS_DENIED (0x%x 0x%08x)", ret,
	   synd);
	set(in, hdr_opcode, CXFW_OP_SET_DIAGNOSTIC_PARAMS);
	ret = rpc(fd, in, sizeof(in), o16, sizeof(o16));
	synd = get(o16, out_syndrome);
	ok(ret == CXFW_STATUS_BAD_PARAM &&
	   synd == CXFW_SYND_TOOLS_RESOURCES_REQUIRED,
	   "its SET_DIAGNOSTIC_PARAMS: BAD_PARAM TOOLS_RESOURCES_REQUIRED (0x%x 0x%08x)",
	   ret, synd);
	close(fd);
}

/* 6. unbind/rebind in the middle of an inline dump */
static void test_unbind(int fd)
{
	static uint8_t stream[4096];
	char pci[64];
	uint8_t reply[REG_LEN], out[IN_LEN];
	unsigned int reads;
	uint32_t synd;
	int fd2 = -1, i, ret;
	long len;

	len = rsc_inline(fd, CXFW_DUMP_SEG_DEVICE, 0, 0, stream,
			 sizeof(stream), &reads, reply, true);
	ok(len > 0 && get(reply, rd_more_dump),
	   "the first inline read of a device dump: more_dump 1");
	if (dev_pci_name(pci, sizeof(pci))) {
		ok(false, "PCI device of %s", dev_path);
		return;
	}
	ret = write_str("/sys/bus/pci/drivers/cxcore/unbind", pci);
	ret |= write_str("/sys/bus/pci/drivers/cxcore/bind", pci);
	for (i = 0; i < 100 && fd2 < 0; i++) {
		fd2 = open_dev();
		if (fd2 < 0)
			usleep(100000);
	}
	ok(ret == 0 && fd2 >= 0, "unbind and bind %s, the node back", pci);
	if (fd2 < 0)
		return;
	ret = reg_read(fd, CXFW_REG_RESOURCE_DUMP, reply, REG_LEN, out, &synd);
	check_errno(ret, ENODEV, "the continuation on the old file");
	ret = reg_read(fd2, CXFW_REG_RESOURCE_DUMP, reply, REG_LEN, out,
		       &synd);
	ok(ret == CXFW_STATUS_BAD_PARAM && synd == CXFW_SYND_RSC_DUMP_STALE,
	   "the continuation on a new file: BAD_PARAM RSC_DUMP_STALE (0x%x 0x%08x)",
	   ret, synd);
	len = rsc_inline(fd2, CXFW_DUMP_SEG_MENU, 0, 0, stream,
			 sizeof(stream), &reads, NULL, false);
	ok(len > 0, "a new dump (the menu) works: %ld bytes in %u reads", len,
	   reads);
	close(fd2);
}

int main(int argc, char **argv)
{
	struct dbuf b, other;
	int fd, fd2;

	fd = tap_open_dev(argc, argv);
	if (fd < 0)
		return 1;
	fd2 = open_dev();
	ok(dbuf_new(fd, &b, IMAGE, 0) == 0,
	   "a 2 MiB umem, PD and key on the file");
	ok(fd2 >= 0 && dbuf_new(fd2, &other, IMAGE, 0xa5) == 0,
	   "another file with its own 2 MiB umem, PD and key");
	test_core(fd, &b);
	test_refusals(fd, fd2, &other);
	test_objects(fd, &b, &other);
	test_diag(fd);
	test_no_tools();
	test_unbind(fd);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
