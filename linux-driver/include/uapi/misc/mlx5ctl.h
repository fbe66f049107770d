/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * mlx5ctl: the user interface of the mlx5ctl series (V4, February 2024),
 * ABI-identical to it, as cxctl implements it for cxsim.
 *
 * One misc device per auxiliary device, /dev/mlx5ctl-<auxdev name>.  Each
 * open file owns one firmware user context (UCTX); every ioctl needs
 * CAP_SYS_ADMIN.
 */
#ifndef __MLX5CTL_IOCTL_H__
#define __MLX5CTL_IOCTL_H__

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * struct mlx5ctl_info - MLX5CTL_IOCTL_INFO
 * @uctx_uid: the uid of the file's user context
 * @reserved1: zero
 * @uctx_cap: the capabilities of the file's user context
 * @dev_uctx_cap: the user context capabilities the device offers
 * @ucap: the opener's capability numbers (CAP_NET_RAW, ...) ORed, as the
 *        series reports them
 */
struct mlx5ctl_info {
	__u16 uctx_uid;
	__u16 reserved1;
	__u32 uctx_cap;
	__u32 dev_uctx_cap;
	__u32 ucap;
};

/**
 * struct mlx5ctl_cmdrpc - MLX5CTL_IOCTL_CMDRPC
 * @in: user pointer to the command input (PRM layout, header included)
 * @out: user pointer to the buffer for the command output
 * @inlen: input length in bytes, 16 .. 512 * 512
 * @outlen: output length in bytes, 16 .. 512 * 512
 *
 * The driver stamps the file's uid into the input header.  A firmware
 * error status comes back in the output with ioctl success.  Commands that
 * name bus addresses (CREATE_UMEM, DESTROY_UMEM: the policy's MEDIATED
 * rows) are the kernel's to send (MLX5CTL_IOCTL_UMEM_REG): -EPERM.
 */
struct mlx5ctl_cmdrpc {
	__aligned_u64 in;
	__aligned_u64 out;
	__u32 inlen;
	__u32 outlen;
};

/**
 * struct mlx5ctl_umem_reg - MLX5CTL_IOCTL_UMEM_REG
 * @addr: user virtual address of the buffer, any alignment
 * @len: its length in bytes, 1 .. 64 MiB
 * @umem_id: out: the firmware's id of the new umem, for later RPCs
 * @reserved: zero
 *
 * The buffer is pinned (counted in the caller's VmPin against
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK), mapped for DMA and given to
 * the firmware as a umem owned by the file's user context, one read+write
 * MTT entry per page.  It stays registered until UMEM_UNREG or the file's
 * release.  Errors: -EINVAL zero, too long or not a user range; -ENOMEM
 * over RLIMIT_MEMLOCK; -EFAULT not writable memory; -EOPNOTSUPP reserved
 * not zero.
 */
struct mlx5ctl_umem_reg {
	__aligned_u64 addr;
	__aligned_u64 len;
	__u32 umem_id;
	__u32 reserved;
};

/**
 * struct mlx5ctl_umem_unreg - MLX5CTL_IOCTL_UMEM_UNREG
 * @umem_id: an id UMEM_REG gave this file
 * @reserved: zero
 *
 * Errors: -ENOENT the file has no such umem; -EBUSY the firmware still
 * uses it (an mkey refers to it: destroy that first); -EOPNOTSUPP reserved
 * not zero.
 */
struct mlx5ctl_umem_unreg {
	__u32 umem_id;
	__u32 reserved;
};

#define MLX5CTL_IOCTL_MAGIC 0x5c

#define MLX5CTL_IOCTL_INFO \
	_IOR(MLX5CTL_IOCTL_MAGIC, 0x0, struct mlx5ctl_info)

#define MLX5CTL_IOCTL_CMDRPC \
	_IOWR(MLX5CTL_IOCTL_MAGIC, 0x1, struct mlx5ctl_cmdrpc)

#define MLX5CTL_IOCTL_UMEM_REG \
	_IOWR(MLX5CTL_IOCTL_MAGIC, 0x2, struct mlx5ctl_umem_reg)

#define MLX5CTL_IOCTL_UMEM_UNREG \
	_IOWR(MLX5CTL_IOCTL_MAGIC, 0x3, struct mlx5ctl_umem_unreg)

#endif /* __MLX5CTL_IOCTL_H__ */
