// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The fwctl interface of a cxsim device, through the kernel's fwctl core
 * (/dev/fwctl/fwctlN, <uapi/fwctl/fwctl.h>).  It is the upstream mlx5 fwctl
 * ABI: device type MLX5, struct fwctl_info_mlx5 as device data, the file's
 * uid stamped into every RPC.
 *
 * The core checks the uAPI structures, the scope numbers, CAP_SYS_RAWIO
 * for DEBUG_WRITE_FULL and taints the kernel for the write scopes.  This
 * file decides which command may go under which scope, from the policy in
 * firmware-sim/policy/cxsim-policy.def, and tells the firmware the scope:
 * every file owns one firmware user context per scope, each a tools
 * context with that scope's label (uctx.cap SCOPE_* bits, when the device
 * offers them), and an RPC carries the uid of its scope's context.  The
 * firmware applies the same policy to the label, so a command the kernel
 * let through by mistake is still refused (docs/security-model.md).  On a
 * device without the labels, one unlabelled tools context serves every
 * scope, as with the stock mlx5_fwctl.
 */
#include <linux/fwctl.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <uapi/fwctl/mlx5.h>

#include "cxctl.h"

/*
 * A test hook for the guest audit (docs/security-model.md, "The guest
 * audit"): fwctl_policy_check=0, settable only at load, skips the
 * allow-list below for files with labelled contexts, so that every RPC
 * reaches the firmware with its scope's uid and the audit can show the
 * firmware refusing on its own (SCOPE_DENIED) what the kernel would have
 * refused (-EBADMSG).  Without labels the firmware has no scope to check,
 * so the allow-list stays.  Turning a security check off taints the kernel
 * with TAINT_USER ('U'): the user asked for it; the fwctl core's
 * TAINT_FWCTL for write scopes is unaffected.
 */
static bool fwctl_policy_check = true;
module_param(fwctl_policy_check, bool, 0444);
MODULE_PARM_DESC(fwctl_policy_check,
		 "Check fwctl RPCs against the policy's allow-list (default Y; N is a test hook that taints the kernel)");

/* the PRM command header: opcode, uid, op_mod */
#define CXCTL_HDR_LEN	16

struct cxctl_fwctl {
	struct fwctl_device fwctl;
	struct cxctl_dev *cxd;
};

/* uctx.cap bits 24-27: cxsim's scope labels, in fwctl_rpc_scope order */
#define CXCTL_UCTX_CAP_SCOPE(scope)	BIT(24 + (scope))
#define CXCTL_UCTX_CAP_SCOPES		GENMASK(27, 24)
#define CXCTL_NR_SCOPES			(FWCTL_RPC_DEBUG_WRITE_FULL + 1)

/**
 * struct cxctl_fwctl_uctx - one open fwctl file
 * @uctx: the fwctl core's part
 * @uid: the firmware user context for each scope (all the same one when
 *	the device has no scope labels)
 * @caps: each context's uctx.cap
 * @labelled: one labelled context per scope
 */
struct cxctl_fwctl_uctx {
	struct fwctl_uctx uctx;
	u16 uid[CXCTL_NR_SCOPES];
	u32 caps[CXCTL_NR_SCOPES];
	bool labelled;
};

static bool cxctl_fwctl_allowed(struct fwctl_device *fwctl, const void *in,
				enum fwctl_rpc_scope scope)
{
	const struct cxctl_rule *r = cxctl_policy_rule(in);

	if (!r) {
		dev_dbg(&fwctl->dev, "opcode 0x%x is not allowed\n",
			be16_to_cpup(in));
		return false;
	}
	if (r->scope >= 0 && scope >= r->scope)
		return true;
	dev_dbg(&fwctl->dev, "%s (firmware: %s) needs scope %d, not %u\n",
		r->name, r->who, r->scope, scope);
	return false;
}

static struct cxctl_fwctl *to_cxfw(struct fwctl_uctx *uctx)
{
	return container_of(uctx->fwctl, struct cxctl_fwctl, fwctl);
}

static void cxctl_fwctl_destroy_uids(struct cxcore_dev *cdev,
				     struct cxctl_fwctl_uctx *fu, int n)
{
	while (n-- > 0)
		cxctl_destroy_uctx(cdev, fu->uid[n]);
}

static int cxctl_fwctl_open_uctx(struct fwctl_uctx *uctx)
{
	struct cxctl_fwctl_uctx *fu =
		container_of(uctx, struct cxctl_fwctl_uctx, uctx);
	struct cxctl_dev *cxd = to_cxfw(uctx)->cxd;
	u32 tools = cxd->dev_uctx_cap & CXCTL_UCTX_CAP_TOOLS_RESOURCES;
	int scope, err;

	fu->labelled = tools && (cxd->dev_uctx_cap & CXCTL_UCTX_CAP_SCOPES) ==
				CXCTL_UCTX_CAP_SCOPES;
	if (!fu->labelled) {
		fu->caps[0] = tools;
		err = cxctl_create_uctx(cxd->cdev, tools, &fu->uid[0]);
		if (err)
			return err;
		for (scope = 1; scope < CXCTL_NR_SCOPES; scope++) {
			fu->uid[scope] = fu->uid[0];
			fu->caps[scope] = fu->caps[0];
		}
		return 0;
	}
	for (scope = 0; scope < CXCTL_NR_SCOPES; scope++) {
		fu->caps[scope] = tools | CXCTL_UCTX_CAP_SCOPE(scope);
		err = cxctl_create_uctx(cxd->cdev, fu->caps[scope],
					&fu->uid[scope]);
		if (err) {
			cxctl_fwctl_destroy_uids(cxd->cdev, fu, scope);
			return err;
		}
	}
	return 0;
}

static void cxctl_fwctl_close_uctx(struct fwctl_uctx *uctx)
{
	struct cxctl_fwctl_uctx *fu =
		container_of(uctx, struct cxctl_fwctl_uctx, uctx);

	cxctl_fwctl_destroy_uids(to_cxfw(uctx)->cxd->cdev, fu,
				 fu->labelled ? CXCTL_NR_SCOPES : 1);
}

static void *cxctl_fwctl_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct cxctl_fwctl_uctx *fu =
		container_of(uctx, struct cxctl_fwctl_uctx, uctx);
	struct fwctl_info_mlx5 *info;

	info = kzalloc_obj(*info);
	if (!info)
		return ERR_PTR(-ENOMEM);
	/* the CONFIGURATION scope's context */
	info->uid = fu->uid[FWCTL_RPC_CONFIGURATION];
	info->uctx_caps = fu->caps[FWCTL_RPC_CONFIGURATION];
	*length = sizeof(*info);
	return info;
}

static void *cxctl_fwctl_rpc(struct fwctl_uctx *uctx,
			     enum fwctl_rpc_scope scope, void *in,
			     size_t in_len, size_t *out_len)
{
	struct cxctl_fwctl_uctx *fu =
		container_of(uctx, struct cxctl_fwctl_uctx, uctx);
	struct cxcore_dev *cdev = to_cxfw(uctx)->cxd->cdev;
	void *out;
	int err;

	if (in_len < CXCTL_HDR_LEN || *out_len < CXCTL_HDR_LEN)
		return ERR_PTR(-EMSGSIZE);
	if ((fwctl_policy_check || !fu->labelled) &&
	    !cxctl_fwctl_allowed(uctx->fwctl, in, scope))
		return ERR_PTR(-EBADMSG);

	/* cxcore copies the input before executing: reuse it for the output */
	if (*out_len <= in_len) {
		out = in;
	} else {
		out = kvzalloc(*out_len, GFP_KERNEL);
		if (!out)
			return ERR_PTR(-ENOMEM);
	}

	/* the scope's uid, whatever the caller put there (header bytes 2-3) */
	((__be16 *)in)[1] = cpu_to_be16(fu->uid[scope]);
	err = cxcore_cmd_exec(cdev, in, in_len, out, *out_len);
	if (err) {
		if (out != in)
			kvfree(out);
		return ERR_PTR(err);
	}
	/* a firmware error status is an answer, in the output */
	return out;
}

static const struct fwctl_ops cxctl_fwctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_MLX5,
	.uctx_size = sizeof(struct cxctl_fwctl_uctx),
	.open_uctx = cxctl_fwctl_open_uctx,
	.close_uctx = cxctl_fwctl_close_uctx,
	.info = cxctl_fwctl_info,
	.fw_rpc = cxctl_fwctl_rpc,
};

int cxctl_fwctl_add(struct cxctl_dev *cxd)
{
	struct cxctl_fwctl *cxfw;
	int err;

	cxfw = fwctl_alloc_device(cxcore_device(cxd->cdev), &cxctl_fwctl_ops,
				  struct cxctl_fwctl, fwctl);
	if (!cxfw)
		return -ENOMEM;
	cxfw->cxd = cxd;
	if (!fwctl_policy_check) {
		dev_warn(cxcore_device(cxd->cdev),
			 "fwctl_policy_check=0: no fwctl allow-list, the firmware alone enforces the scopes (a test hook; tainting the kernel)\n");
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	}
	err = fwctl_register(&cxfw->fwctl);
	if (err) {
		fwctl_put(&cxfw->fwctl);
		return err;
	}
	cxd->fwctl = cxfw;
	return 0;
}

/*
 * Before the auxiliary device goes: the core destroys the contexts of the
 * files still open (they answer -ENODEV from then on) after the RPCs in
 * flight have returned.
 */
void cxctl_fwctl_remove(struct cxctl_dev *cxd)
{
	fwctl_unregister(&cxd->fwctl->fwctl);
	fwctl_put(&cxd->fwctl->fwctl);
	cxd->fwctl = NULL;
}
