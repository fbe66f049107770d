/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cxctl internals shared by its files: the per auxiliary device state, the
 * firmware user context helpers, user memory (umem.c) and the fwctl device
 * (fwctl.c).
 */
#ifndef _CXCTL_H_
#define _CXCTL_H_

#include <linux/auxiliary_bus.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <cxcore.h>

/* uctx.cap bits (mlx5_ifc.h lacks them) */
#define CXCTL_UCTX_CAP_RAW_TX		BIT(0)
#define CXCTL_UCTX_CAP_INTERNAL_DEV_RES	BIT(1)
#define CXCTL_UCTX_CAP_TOOLS_RESOURCES	BIT(2)

struct cxctl_fwctl;

/**
 * struct cxctl_dev - one cxcore.ctl.N auxiliary device
 * @miscdev: /dev/mlx5ctl-<auxdev name>
 * @adev: the auxiliary device
 * @cdev: cxcore's device; NULL once @gone
 * @kref: held by the auxiliary device and by every open mlx5ctl file
 * @rwsem: read: using @cdev; write: remove() tearing down
 * @gone: the auxiliary device went away; files answer -ENODEV
 * @fds_lock: protects @fds
 * @fds: open mlx5ctl files (struct cxctl_fd)
 * @fwctl: the fwctl device, NULL without CONFIG_FWCTL
 * @dev_uctx_cap: the user context capabilities the device offers
 * @name: @miscdev's name
 */
struct cxctl_dev {
	struct miscdevice miscdev;
	struct auxiliary_device *adev;
	struct cxcore_dev *cdev;
	struct kref kref;
	struct rw_semaphore rwsem;
	bool gone;
	struct mutex fds_lock;
	struct list_head fds;
	struct cxctl_fwctl *fwctl;
	u32 dev_uctx_cap;
	char name[64];
};

/**
 * struct cxctl_umem_db - the user memory a file registered
 * @cdev: the device the umems are mapped for
 * @uid: the file's user context, owner of the firmware umem objects
 * @umems: umem_id -> struct cxctl_umem
 */
struct cxctl_umem_db {
	struct cxcore_dev *cdev;
	u16 uid;
	struct xarray umems;
};

/**
 * struct cxctl_fd - one open mlx5ctl file
 * @cxd: its device (a reference is held)
 * @node: in @cxd->fds
 * @uid: the file's firmware user context
 * @uctx_cap: that context's capabilities
 * @ucap: the opener's capabilities, as INFO reports them
 * @umem_db: the file's registered user memory
 */
struct cxctl_fd {
	struct cxctl_dev *cxd;
	struct list_head node;
	u16 uid;
	u32 uctx_cap;
	u32 ucap;
	struct cxctl_umem_db umem_db;
};

/**
 * struct cxctl_rule - a row of firmware-sim/policy/cxsim-policy.def
 * @opcode: the command
 * @op_mod: the op_mod it is for, or CXSIM_OP_MOD_ANY
 * @scope: the lowest fwctl scope that may send it, -1 for none
 * @mediated: only the kernel sends it for a file, never a raw RPC
 * @name: the command's name
 * @who: the callers the firmware lets send it, for messages
 */
struct cxctl_rule {
	u16 opcode;
	u16 op_mod;
	int scope;
	bool mediated;
	const char *name;
	const char *who;
};

#ifndef CXSIM_OP_MOD_ANY
#define CXSIM_OP_MOD_ANY	0xffff
#endif

/* policy.c */
const struct cxctl_rule *cxctl_policy_rule(const void *in);

int cxctl_create_uctx(struct cxcore_dev *cdev, u32 cap, u16 *uid);
void cxctl_destroy_uctx(struct cxcore_dev *cdev, u16 uid);

/* umem.c: MLX5CTL_IOCTL_UMEM_REG / _UNREG */
void cxctl_umem_db_init(struct cxctl_umem_db *db, struct cxcore_dev *cdev,
			u16 uid);
int cxctl_umem_reg(struct cxctl_umem_db *db, u64 addr, u64 len, u32 *umem_id);
int cxctl_umem_unreg(struct cxctl_umem_db *db, u32 umem_id);
void cxctl_umem_db_destroy(struct cxctl_umem_db *db);

/* fwctl.c: the fwctl device, when the kernel has the fwctl core */
#if IS_ENABLED(CONFIG_FWCTL)
int cxctl_fwctl_add(struct cxctl_dev *cxd);
void cxctl_fwctl_remove(struct cxctl_dev *cxd);
#else
static inline int cxctl_fwctl_add(struct cxctl_dev *cxd)
{
	return 0;
}

static inline void cxctl_fwctl_remove(struct cxctl_dev *cxd)
{
}
#endif

#endif /* _CXCTL_H_ */
