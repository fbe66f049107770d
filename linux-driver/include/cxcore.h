/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cxcore: core driver of the cxsim ConnectX-like PCI function.
 *
 * This is the interface cxcore offers to the drivers of its auxiliary
 * devices (cxctl).  cxcore owns the PCI function, the command queue, the
 * event queue and the firmware pages; an auxiliary driver only executes
 * commands and reads capabilities.
 *
 * The symbols are exported in the "CXCORE" namespace: a user module needs
 * MODULE_IMPORT_NS("CXCORE") and, when built out of tree, cxcore's
 * Module.symvers in KBUILD_EXTRA_SYMBOLS.
 *
 * Command layouts are the ones of <linux/mlx5/mlx5_ifc.h>: build inputs and
 * read outputs with MLX5_SET(), MLX5_GET() and MLX5_ST_SZ_BYTES().
 */
#ifndef _CXCORE_H_
#define _CXCORE_H_

#include <linux/auxiliary_bus.h>
#include <linux/types.h>
#include <linux/mlx5/device.h>
#include <linux/mlx5/mlx5_ifc.h>

/*
 * cxcore creates one auxiliary device per PCI function, named
 * "cxcore.ctl.<id>" (<id> from a module-wide IDA).  Its parent is the PCI
 * device.  An auxiliary driver matches it with
 *	{ .name = CXCORE_ADEV_CTL_MATCH }
 */
#define CXCORE_MODNAME		"cxcore"
#define CXCORE_ADEV_CTL		"ctl"
#define CXCORE_ADEV_CTL_MATCH	CXCORE_MODNAME "." CXCORE_ADEV_CTL

struct cxcore_dev;

/**
 * struct cxcore_adev - the auxiliary device cxcore registers
 * @adev: the auxiliary device; its parent is the PCI device
 * @cdev: the cxcore device behind it
 *
 * @cdev is valid from the auxiliary driver's probe until its remove
 * returns.  cxcore deletes the auxiliary device (running that remove)
 * before it tears anything down, on driver unbind and on device removal.
 */
struct cxcore_adev {
	struct auxiliary_device adev;
	struct cxcore_dev *cdev;
};

static inline struct cxcore_dev *
cxcore_adev_to_dev(struct auxiliary_device *adev)
{
	return container_of(adev, struct cxcore_adev, adev)->cdev;
}

/*
 * Command lengths.  Input and output are the whole PRM message, header
 * included: 16 bytes travel in the queue entry, the rest in 512-byte
 * mailboxes.  Both must hold at least the 8-byte header part the driver
 * and the caller look at (opcode/op_mod in, status/syndrome out).
 */
#define CXCORE_CMD_MIN_LEN	8
#define CXCORE_CMD_MAX_LEN	(16 + 4096 * 512)

/* Byte offsets of the status and syndrome in every command output. */
static inline u8 cxcore_cmd_out_status(const void *out)
{
	return *(const u8 *)out;
}

static inline u32 cxcore_cmd_out_syndrome(const void *out)
{
	return be32_to_cpup((const __be32 *)out + 1);
}

/**
 * cxcore_cmd_exec() - execute one firmware command
 * @dev: the device
 * @in: the command input (PRM layout, big-endian), @inlen bytes
 * @inlen: input length, CXCORE_CMD_MIN_LEN..CXCORE_CMD_MAX_LEN
 * @out: buffer for the command output, @outlen bytes
 * @outlen: output length, CXCORE_CMD_MIN_LEN..CXCORE_CMD_MAX_LEN
 *
 * Process context; sleeps.  Any number of callers may execute commands
 * concurrently: they share the regular command slots and wait (at most
 * the command timeout) for a free one.  @in and @out may be any kernel
 * memory: cxcore copies them to and from its own DMA buffers.
 *
 * Return: 0 when the device executed the command (delivery status OK).
 * The firmware's verdict is then in @out: cxcore_cmd_out_status() and
 * cxcore_cmd_out_syndrome(); a non-zero status is not an error here.
 * Negative errno when the command was not executed:
 * -EINVAL bad lengths; -ENOMEM; -ENXIO the command interface is down
 * (device gone or being removed); -EBUSY no free slot within the timeout;
 * -ETIMEDOUT no completion within the timeout (the slot stays reserved
 * until the device completes it); a delivery status from the device:
 * -EBADR (signature, token), -EFAULT (block number, pointer alignment),
 * -ENOMSG (lengths, descriptor, reserved fields), -EIO (firmware internal
 * or unknown).  On a delivery error @out holds whatever the device wrote.
 */
int cxcore_cmd_exec(struct cxcore_dev *dev, const void *in, int inlen,
		    void *out, int outlen);

/**
 * cxcore_cmd_exec_check() - execute a command and check its status
 * @dev: the device
 * @in: the command input, @inlen bytes
 * @inlen: input length
 * @out: buffer for the command output, @outlen bytes
 * @outlen: output length
 *
 * As cxcore_cmd_exec(), then a non-zero firmware status is logged (opcode,
 * op_mod, status, syndrome).
 *
 * Return: 0 when the firmware executed the command with status OK; the
 * errors of cxcore_cmd_exec(); else the status as
 * cxcore_cmd_status_to_errno() maps it.
 */
int cxcore_cmd_exec_check(struct cxcore_dev *dev, const void *in, int inlen,
			  void *out, int outlen);

/**
 * cxcore_cmd_status_to_errno() - map a firmware command status to an errno
 * @status: byte 0 of a command output
 *
 * Like mlx5_cmd_check(), except that BAD_OP gives -EOPNOTSUPP and the
 * input/output length statuses give -EMSGSIZE.
 *
 * Return: OK 0; INT_ERR -EIO; BAD_OP -EOPNOTSUPP; BAD_PARAM, BAD_RES,
 * BAD_RES_STATE, IX, BAD_QP_STATE, BAD_PKT, BAD_SIZE_OUTS_CQES -EINVAL;
 * BAD_SYS_STATE -EIO; RES_BUSY -EBUSY; NOT_READY, NO_RES -EAGAIN;
 * LIM -ENOMEM; BAD_INP_LEN, BAD_OUTP_LEN -EMSGSIZE; unknown -EIO.
 */
int cxcore_cmd_status_to_errno(u8 status);
const char *cxcore_cmd_status_str(u8 status);
const char *cxcore_cmd_opcode_str(u16 opcode);

/* The PCI device, for dev_*() messages and DMA. */
struct device *cxcore_device(struct cxcore_dev *dev);

/* Firmware revision from the initialization segment. */
void cxcore_fw_version(struct cxcore_dev *dev, u16 *major, u16 *minor,
		       u16 *subminor);

/*
 * General device capabilities (struct mlx5_ifc_cmd_hca_cap_bits) as
 * queried at probe: the maximum, or the current values after cxcore's
 * SET_HCA_CAP.  Read them with CXCORE_CAP_GEN()/CXCORE_CAP_GEN_MAX().
 */
const void *cxcore_hca_caps(struct cxcore_dev *dev, bool max);

#define CXCORE_CAP_GEN(dev, fld) \
	MLX5_GET(cmd_hca_cap, cxcore_hca_caps(dev, false), fld)
#define CXCORE_CAP_GEN_MAX(dev, fld) \
	MLX5_GET(cmd_hca_cap, cxcore_hca_caps(dev, true), fld)

/* Size of one capability page (union mlx5_ifc_hca_cap_union_bits). */
#define CXCORE_CAP_SIZE		MLX5_UN_SZ_BYTES(hca_cap_union)

/**
 * cxcore_query_hca_caps() - query a capability type from the firmware
 * @dev: the device
 * @cap_type: MLX5_CAP_GENERAL, MLX5_CAP_ETHERNET_OFFLOADS, ...
 * @max: the maximum (true) or the current (false) values
 * @cap: CXCORE_CAP_SIZE bytes for the capability page
 *
 * Return: 0, or a negative errno (as cxcore_cmd_exec_check()).
 */
int cxcore_query_hca_caps(struct cxcore_dev *dev, u16 cap_type, bool max,
			  void *cap);

#endif /* _CXCORE_H_ */
