// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxctl: the mlx5ctl interface for cxsim.
 *
 * An auxiliary driver for cxcore's "cxcore.ctl.N" devices.  Each gets a misc
 * device /dev/mlx5ctl-<auxdev name> with the uAPI of the mlx5ctl series
 * (<uapi/misc/mlx5ctl.h>): every open file owns one firmware user context,
 * whose uid the driver stamps into each command the file sends.
 *
 * Lifetime: a file holds a reference on its cxctl_dev.  When the auxiliary
 * device goes away with files still open, remove() destroys their user
 * contexts (and with them every firmware object they own), releases their
 * user memory and marks the device gone under the write side of the rwsem;
 * the files then fail every ioctl with -ENODEV and only free themselves.
 *
 * The same auxiliary device also gets an fwctl device (fwctl.c) when the
 * kernel has the fwctl core.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/misc/mlx5ctl.h>

#include "cxctl.h"

#define CXCTL_NAME		"mlx5ctl"

/* CMDRPC length limits of the series */
#define CXCTL_RPC_MIN_LEN	16
#define CXCTL_RPC_MAX_LEN	(512 * 512)

static void cxctl_dev_free(struct kref *kref)
{
	kfree(container_of(kref, struct cxctl_dev, kref));
}

int cxctl_create_uctx(struct cxcore_dev *cdev, u32 cap, u16 *uid)
{
	u32 out[MLX5_ST_SZ_DW(create_uctx_out)] = {};
	u32 in[MLX5_ST_SZ_DW(create_uctx_in)] = {};
	int err;

	MLX5_SET(create_uctx_in, in, opcode, MLX5_CMD_OP_CREATE_UCTX);
	MLX5_SET(create_uctx_in, in, uctx.cap, cap);
	err = cxcore_cmd_exec_check(cdev, in, sizeof(in), out, sizeof(out));
	if (err)
		return err;
	*uid = MLX5_GET(create_uctx_out, out, uid);
	return 0;
}

/*
 * DESTROY_UCTX with cxsim's op_mod 1 destroys the context together with
 * every object it owns (mkeys, PDs, umems, EQs, UARs), so that nothing a
 * file's user created through raw RPCs outlives the file, and no firmware
 * object refers to the file's user memory once this returns.
 */
#define CXCTL_DESTROY_UCTX_WITH_OBJECTS	1

void cxctl_destroy_uctx(struct cxcore_dev *cdev, u16 uid)
{
	u32 out[MLX5_ST_SZ_DW(destroy_uctx_out)] = {};
	u32 in[MLX5_ST_SZ_DW(destroy_uctx_in)] = {};
	int err;

	MLX5_SET(destroy_uctx_in, in, opcode, MLX5_CMD_OP_DESTROY_UCTX);
	MLX5_SET(destroy_uctx_in, in, op_mod, CXCTL_DESTROY_UCTX_WITH_OBJECTS);
	MLX5_SET(destroy_uctx_in, in, uid, uid);
	err = cxcore_cmd_exec_check(cdev, in, sizeof(in), out, sizeof(out));
	if (err)
		dev_warn(cxcore_device(cdev), "destroying user context %u: %d\n",
			 uid, err);
}

/* The file's umems, then its context and everything the context owns. */
static void cxctl_fd_teardown(struct cxctl_fd *mfd)
{
	struct cxcore_dev *cdev = mfd->cxd->cdev;

	cxctl_destroy_uctx(cdev, mfd->uid);
	cxctl_umem_db_destroy(&mfd->umem_db);
}

static int cxctl_open(struct inode *inode, struct file *file)
{
	struct cxctl_dev *cxd = container_of(file->private_data,
					     struct cxctl_dev, miscdev);
	struct cxctl_fd *mfd;
	int err;

	mfd = kzalloc_obj(*mfd);
	if (!mfd)
		return -ENOMEM;

	/* the capability numbers are ORed, as the series reports them */
	if (capable(CAP_NET_RAW) &&
	    (cxd->dev_uctx_cap & CXCTL_UCTX_CAP_RAW_TX)) {
		mfd->uctx_cap |= CXCTL_UCTX_CAP_RAW_TX;
		mfd->ucap |= CAP_NET_RAW;
	}
	if (capable(CAP_SYS_RAWIO) &&
	    (cxd->dev_uctx_cap & CXCTL_UCTX_CAP_INTERNAL_DEV_RES)) {
		mfd->uctx_cap |= CXCTL_UCTX_CAP_INTERNAL_DEV_RES;
		mfd->ucap |= CAP_SYS_RAWIO;
	}
	if (capable(CAP_SYS_ADMIN) &&
	    (cxd->dev_uctx_cap & CXCTL_UCTX_CAP_TOOLS_RESOURCES)) {
		mfd->uctx_cap |= CXCTL_UCTX_CAP_TOOLS_RESOURCES;
		mfd->ucap |= CAP_SYS_ADMIN;
	}

	down_read(&cxd->rwsem);
	if (cxd->gone) {
		err = -ENODEV;
		goto err_unlock;
	}
	err = cxctl_create_uctx(cxd->cdev, mfd->uctx_cap, &mfd->uid);
	if (err)
		goto err_unlock;
	cxctl_umem_db_init(&mfd->umem_db, cxd->cdev, mfd->uid);
	mutex_lock(&cxd->fds_lock);
	list_add_tail(&mfd->node, &cxd->fds);
	mutex_unlock(&cxd->fds_lock);
	up_read(&cxd->rwsem);

	kref_get(&cxd->kref);
	mfd->cxd = cxd;
	file->private_data = mfd;
	return stream_open(inode, file);

err_unlock:
	up_read(&cxd->rwsem);
	kfree(mfd);
	return err;
}

static int cxctl_release(struct inode *inode, struct file *file)
{
	struct cxctl_fd *mfd = file->private_data;
	struct cxctl_dev *cxd = mfd->cxd;

	down_read(&cxd->rwsem);
	/* once gone, remove() has torn the file down */
	if (!cxd->gone) {
		cxctl_fd_teardown(mfd);
		mutex_lock(&cxd->fds_lock);
		list_del(&mfd->node);
		mutex_unlock(&cxd->fds_lock);
	}
	up_read(&cxd->rwsem);

	kfree(mfd);
	kref_put(&cxd->kref, cxctl_dev_free);
	return 0;
}

static int cxctl_info(struct cxctl_fd *mfd, void __user *arg)
{
	struct mlx5ctl_info info = {
		.uctx_uid = mfd->uid,
		.uctx_cap = mfd->uctx_cap,
		.dev_uctx_cap = mfd->cxd->dev_uctx_cap,
		.ucap = mfd->ucap,
	};

	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static int cxctl_cmdrpc(struct cxctl_fd *mfd, void __user *arg)
{
	const struct cxctl_rule *rule;
	struct mlx5ctl_cmdrpc rpc;
	void *in, *out;
	int err;

	if (copy_from_user(&rpc, arg, sizeof(rpc)))
		return -EFAULT;
	if (rpc.inlen < CXCTL_RPC_MIN_LEN || rpc.inlen > CXCTL_RPC_MAX_LEN ||
	    rpc.outlen < CXCTL_RPC_MIN_LEN || rpc.outlen > CXCTL_RPC_MAX_LEN)
		return -EINVAL;

	in = vmemdup_user(u64_to_user_ptr(rpc.in), rpc.inlen);
	if (IS_ERR(in))
		return PTR_ERR(in);
	out = kvzalloc(rpc.outlen, GFP_KERNEL);
	if (!out) {
		err = -ENOMEM;
		goto out_in;
	}

	/* bus addresses are the kernel's to give: UMEM_REG, not a raw RPC */
	rule = cxctl_policy_rule(in);
	if (rule && rule->mediated) {
		err = -EPERM;
		goto out_out;
	}

	/* the file's uid, whatever the caller put there (header bytes 2-3) */
	((__be16 *)in)[1] = cpu_to_be16(mfd->uid);

	/* a firmware error status goes back in the output */
	err = cxcore_cmd_exec(mfd->cxd->cdev, in, rpc.inlen, out, rpc.outlen);
	if (err)
		goto out_out;
	if (copy_to_user(u64_to_user_ptr(rpc.out), out, rpc.outlen))
		err = -EFAULT;

out_out:
	kvfree(out);
out_in:
	kvfree(in);
	return err;
}

static int cxctl_ioctl_umem_reg(struct cxctl_fd *mfd, void __user *arg)
{
	struct mlx5ctl_umem_reg reg;
	int err;

	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	if (reg.reserved)
		return -EOPNOTSUPP;
	err = cxctl_umem_reg(&mfd->umem_db, reg.addr, reg.len, &reg.umem_id);
	if (err)
		return err;
	if (copy_to_user(arg, &reg, sizeof(reg))) {
		cxctl_umem_unreg(&mfd->umem_db, reg.umem_id);
		return -EFAULT;
	}
	return 0;
}

static int cxctl_ioctl_umem_unreg(struct cxctl_fd *mfd, void __user *arg)
{
	struct mlx5ctl_umem_unreg unreg;

	if (copy_from_user(&unreg, arg, sizeof(unreg)))
		return -EFAULT;
	if (unreg.reserved)
		return -EOPNOTSUPP;
	return cxctl_umem_unreg(&mfd->umem_db, unreg.umem_id);
}

static long cxctl_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct cxctl_fd *mfd = file->private_data;
	struct cxctl_dev *cxd = mfd->cxd;
	void __user *argp = (void __user *)arg;
	long err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	down_read(&cxd->rwsem);
	if (cxd->gone) {
		err = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case MLX5CTL_IOCTL_INFO:
		err = cxctl_info(mfd, argp);
		break;
	case MLX5CTL_IOCTL_CMDRPC:
		err = cxctl_cmdrpc(mfd, argp);
		break;
	case MLX5CTL_IOCTL_UMEM_REG:
		err = cxctl_ioctl_umem_reg(mfd, argp);
		break;
	case MLX5CTL_IOCTL_UMEM_UNREG:
		err = cxctl_ioctl_umem_unreg(mfd, argp);
		break;
	default:
		err = -ENOIOCTLCMD;
		break;
	}
out:
	up_read(&cxd->rwsem);
	return err;
}

static const struct file_operations cxctl_fops = {
	.owner = THIS_MODULE,
	.open = cxctl_open,
	.release = cxctl_release,
	.unlocked_ioctl = cxctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int cxctl_probe(struct auxiliary_device *adev,
		       const struct auxiliary_device_id *id)
{
	struct cxcore_dev *cdev = cxcore_adev_to_dev(adev);
	struct cxctl_dev *cxd;
	int err;

	cxd = kzalloc_obj(*cxd);
	if (!cxd)
		return -ENOMEM;
	kref_init(&cxd->kref);
	init_rwsem(&cxd->rwsem);
	mutex_init(&cxd->fds_lock);
	INIT_LIST_HEAD(&cxd->fds);
	cxd->adev = adev;
	cxd->cdev = cdev;
	cxd->dev_uctx_cap = CXCORE_CAP_GEN(cdev, uctx_cap);
	snprintf(cxd->name, sizeof(cxd->name), CXCTL_NAME "-%s",
		 dev_name(&adev->dev));

	cxd->miscdev.minor = MISC_DYNAMIC_MINOR;
	cxd->miscdev.name = cxd->name;
	cxd->miscdev.mode = 0600;
	cxd->miscdev.fops = &cxctl_fops;
	cxd->miscdev.parent = &adev->dev;
	err = misc_register(&cxd->miscdev);
	if (err)
		goto err_put;
	err = cxctl_fwctl_add(cxd);
	if (err)
		goto err_misc;
	auxiliary_set_drvdata(adev, cxd);
	return 0;

err_misc:
	misc_deregister(&cxd->miscdev);
err_put:
	kref_put(&cxd->kref, cxctl_dev_free);
	return err;
}

static void cxctl_remove(struct auxiliary_device *adev)
{
	struct cxctl_dev *cxd = auxiliary_get_drvdata(adev);
	struct cxctl_fd *mfd;

	/* fwctl closes its files' contexts itself, waiting for their RPCs */
	cxctl_fwctl_remove(cxd);
	/* no new opens: misc_open() runs under the lock this takes */
	misc_deregister(&cxd->miscdev);

	down_write(&cxd->rwsem);
	mutex_lock(&cxd->fds_lock);
	list_for_each_entry(mfd, &cxd->fds, node)
		cxctl_fd_teardown(mfd);
	mutex_unlock(&cxd->fds_lock);
	cxd->gone = true;
	cxd->cdev = NULL;
	up_write(&cxd->rwsem);

	kref_put(&cxd->kref, cxctl_dev_free);
}

static const struct auxiliary_device_id cxctl_id_table[] = {
	{ .name = CXCORE_ADEV_CTL_MATCH },
	{}
};
MODULE_DEVICE_TABLE(auxiliary, cxctl_id_table);

static struct auxiliary_driver cxctl_driver = {
	.name = "ctl",
	.probe = cxctl_probe,
	.remove = cxctl_remove,
	.id_table = cxctl_id_table,
};
module_auxiliary_driver(cxctl_driver);

MODULE_IMPORT_NS("CXCORE");
#if IS_ENABLED(CONFIG_FWCTL)
MODULE_IMPORT_NS("FWCTL");
#endif
MODULE_DESCRIPTION("mlx5ctl and fwctl interfaces for cxsim devices");
MODULE_LICENSE("Dual BSD/GPL");
