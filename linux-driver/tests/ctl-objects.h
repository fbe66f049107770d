/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Firmware objects through an mlx5ctl file, for the guest test programs
 * (umem-test, attack-test): raw commands through CMDRPC, a PD and a memory
 * key over a umem, MLX5CTL_IOCTL_UMEM_REG / UMEM_UNREG.  Header-only, like
 * cxtest.h, which must be included first.
 */
#ifndef CTL_OBJECTS_H
#define CTL_OBJECTS_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../include/uapi/misc/mlx5ctl.h"

#define PAGE		4096UL
#define OP_CREATE_MKEY	0x200
#define OP_ALLOC_PD	0x800
#define CREATE_MKEY_IN	272
#define ST_OK		0x00
#define MKC		0x80	/* bit offset of the mkey context */

static const struct field hdr_opcode = { 0x00, 16 };
static const struct field out_status = { 0x00, 8 };
static const struct field out_syndrome = { 0x20, 32 };
static const struct field pd_out_pd = { 0x48, 24 };
static const struct field mkey_out_index = { 0x48, 24 };
static const struct field mkey_umem_valid = { 0x61, 1 };
static const struct field mkc_lw = { MKC + 0x14, 1 };
static const struct field mkc_lr = { MKC + 0x15, 1 };
static const struct field mkc_access_mode_1_0 = { MKC + 0x16, 2 };
static const struct field mkc_pd = { MKC + 0x68, 24 };
static const struct field mkc_start_addr_lo = { MKC + 0xa0, 32 };
static const struct field mkc_len_lo = { MKC + 0xe0, 32 };
static const struct field mkey_umem_id = { 0x320, 32 };

/* One command through CMDRPC; the firmware status, or a negative errno. */
static inline int rpc(int fd, void *in, uint32_t inlen, void *out, uint32_t outlen)
{
	struct mlx5ctl_cmdrpc r = {
		.in = (uintptr_t)in, .out = (uintptr_t)out,
		.inlen = inlen, .outlen = outlen,
	};

	if (ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &r))
		return -errno;
	if (get(out, out_status) != ST_OK)
		diag("opcode 0x%x: status 0x%x syndrome 0x%08x",
		     get(in, hdr_opcode), get(out, out_status),
		     get(out, out_syndrome));
	return get(out, out_status);
}

/*
 * A PD and an MTT memory key over @len bytes of umem @umem at @va; the PD's
 * number and the key's index into @pd and @mkey when not NULL.
 */
static inline int mkey_over(int fd, uint32_t umem, uint64_t va, uint32_t len,
			    uint32_t *pd, uint32_t *mkey)
{
	uint8_t in[CREATE_MKEY_IN] = { 0 }, out[16];
	int ret;

	set(in, hdr_opcode, OP_ALLOC_PD);
	ret = rpc(fd, in, 16, out, sizeof(out));
	if (ret)
		return ret < 0 ? ret : -EIO;
	memset(in, 0, sizeof(in));
	set(in, hdr_opcode, OP_CREATE_MKEY);
	set(in, mkey_umem_valid, 1);
	set(in, mkc_access_mode_1_0, 1);	/* MTT */
	set(in, mkc_lw, 1);
	set(in, mkc_lr, 1);
	if (pd)
		*pd = get(out, pd_out_pd);
	set(in, mkc_pd, get(out, pd_out_pd));
	set(in, mkc_start_addr_lo, (uint32_t)va);
	set(in, mkc_len_lo, len);
	set(in, mkey_umem_id, umem);
	ret = rpc(fd, in, sizeof(in), out, sizeof(out));
	if (ret)
		return ret < 0 ? ret : -EIO;
	if (mkey)
		*mkey = get(out, mkey_out_index);
	return get(out, mkey_out_index) ? 0 : -EIO;
}

static inline int umem_reg_raw(int fd, uint64_t addr, uint64_t len, uint32_t rsvd,
			uint32_t *id)
{
	struct mlx5ctl_umem_reg reg = {
		.addr = addr, .len = len, .reserved = rsvd,
		.umem_id = 0xdeadbeef,
	};

	if (ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg))
		return -errno;
	if (id)
		*id = reg.umem_id;
	return 0;
}

static inline int umem_reg(int fd, const void *p, size_t len, uint32_t *id)
{
	return umem_reg_raw(fd, (uintptr_t)p, len, 0, id);
}

static inline int umem_unreg_raw(int fd, uint32_t id, uint32_t rsvd)
{
	struct mlx5ctl_umem_unreg unreg = { .umem_id = id, .reserved = rsvd };

	return ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg) ? -errno : 0;
}

static inline int umem_unreg(int fd, uint32_t id)
{
	return umem_unreg_raw(fd, id, 0);
}

#endif
