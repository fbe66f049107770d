// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxcore command interface.
 *
 * The command queue is one 4 KiB page of 1 << log_sz entries (32 on cxsim)
 * of 1 << log_stride bytes.  A command's first 16 input and output bytes
 * travel in its entry; the rest in chains of 576-byte mailboxes (512 data
 * bytes, then next pointer, block number and token) from a DMA pool with
 * 1 KiB alignment.  The driver fills the entry, hands it to the device by
 * setting the ownership bit of status_own and rings the doorbell with the
 * slot's bit; the device writes the output, then clears ownership and
 * stores the delivery status in status_own bits 7:1.
 *
 * Slots.  As mlx5_core does, the last slot is reserved for MANAGE_PAGES so
 * that a page command never waits behind regular commands (which may wait
 * for the firmware, which may wait for pages).  The other slots (31 on
 * cxsim) are shared by all other commands: a counting semaphore admits
 * that many callers, a bitmap under cmd->lock picks the slot.
 *
 * Completion.  In polling mode the caller polls its entry's ownership bit.
 * In event mode it sleeps until the command EQ's interrupt handler sees a
 * command-completion EQE whose vector has the slot's bit and the entry is
 * no longer owned by the device.  A command is "pending" while
 * cmd->ent[slot] points to it; whoever clears that pointer under cmd->lock
 * (the poller, the event handler, the timeout path) owns the completion.
 *
 * Timeout.  A command without completion after cmd_timeout_ms fails with
 * -ETIMEDOUT.  Its slot and mailboxes stay reserved ("stale"): the device
 * may still write them.  The health work reclaims a stale slot once the
 * device clears its ownership bit; teardown frees it after bus mastering
 * is off.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "priv.h"

static unsigned int cmd_timeout_ms = 10000;
module_param(cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cmd_timeout_ms,
		 "Command completion (and free slot) timeout in ms, default 10000");

#define CXCORE_CMD_OWNER_HW	0x1
#define CXCORE_MBOX_DATA_LEN	MLX5_CMD_DATA_BLOCK_SIZE
#define CXCORE_MBOX_ALIGN	1024
#define CXCORE_CMD_SPIN_US	2000	/* busy polling before sleeping */

/* Delivery status, status_own bits 7:1 (PRM). */
enum {
	CXCORE_DELIV_OK			= 0x00,
	CXCORE_DELIV_SIGNATURE		= 0x01,
	CXCORE_DELIV_TOKEN		= 0x02,
	CXCORE_DELIV_BAD_BLOCK_NUMBER	= 0x03,
	CXCORE_DELIV_OUT_PTR_ALIGN	= 0x04,
	CXCORE_DELIV_IN_PTR_ALIGN	= 0x05,
	CXCORE_DELIV_FW_ERROR		= 0x06,
	CXCORE_DELIV_IN_LENGTH		= 0x07,
	CXCORE_DELIV_OUT_LENGTH		= 0x08,
	CXCORE_DELIV_RES_FIELD		= 0x09,
	CXCORE_DELIV_BAD_DESCRIPTOR	= 0x10,
};

unsigned int cxcore_cmd_timeout_ms(void)
{
	return max(READ_ONCE(cmd_timeout_ms), 1U);
}

static unsigned long cxcore_cmd_timeout(void)
{
	return msecs_to_jiffies(cxcore_cmd_timeout_ms());
}

static const struct {
	u16 opcode;
	const char *name;
} cxcore_opcodes[] = {
	{ MLX5_CMD_OP_QUERY_HCA_CAP, "QUERY_HCA_CAP" },
	{ MLX5_CMD_OP_QUERY_ADAPTER, "QUERY_ADAPTER" },
	{ MLX5_CMD_OP_INIT_HCA, "INIT_HCA" },
	{ MLX5_CMD_OP_TEARDOWN_HCA, "TEARDOWN_HCA" },
	{ MLX5_CMD_OP_ENABLE_HCA, "ENABLE_HCA" },
	{ MLX5_CMD_OP_DISABLE_HCA, "DISABLE_HCA" },
	{ MLX5_CMD_OP_QUERY_PAGES, "QUERY_PAGES" },
	{ MLX5_CMD_OP_MANAGE_PAGES, "MANAGE_PAGES" },
	{ MLX5_CMD_OP_SET_HCA_CAP, "SET_HCA_CAP" },
	{ MLX5_CMD_OP_QUERY_ISSI, "QUERY_ISSI" },
	{ MLX5_CMD_OP_SET_ISSI, "SET_ISSI" },
	{ MLX5_CMD_OP_SET_DRIVER_VERSION, "SET_DRIVER_VERSION" },
	{ MLX5_CMD_OP_CREATE_MKEY, "CREATE_MKEY" },
	{ MLX5_CMD_OP_QUERY_MKEY, "QUERY_MKEY" },
	{ MLX5_CMD_OP_DESTROY_MKEY, "DESTROY_MKEY" },
	{ MLX5_CMD_OP_CREATE_EQ, "CREATE_EQ" },
	{ MLX5_CMD_OP_DESTROY_EQ, "DESTROY_EQ" },
	{ MLX5_CMD_OP_QUERY_EQ, "QUERY_EQ" },
	{ MLX5_CMD_OP_CREATE_CQ, "CREATE_CQ" },
	{ MLX5_CMD_OP_DESTROY_CQ, "DESTROY_CQ" },
	{ MLX5_CMD_OP_QUERY_CQ, "QUERY_CQ" },
	{ MLX5_CMD_OP_ALLOC_PD, "ALLOC_PD" },
	{ MLX5_CMD_OP_DEALLOC_PD, "DEALLOC_PD" },
	{ MLX5_CMD_OP_ALLOC_UAR, "ALLOC_UAR" },
	{ MLX5_CMD_OP_DEALLOC_UAR, "DEALLOC_UAR" },
	{ MLX5_CMD_OP_ACCESS_REG, "ACCESS_REG" },
	{ MLX5_CMD_OP_NOP, "NOP" },
	{ MLX5_CMD_OP_CREATE_GENERAL_OBJECT, "CREATE_GENERAL_OBJECT" },
	{ MLX5_CMD_OP_MODIFY_GENERAL_OBJECT, "MODIFY_GENERAL_OBJECT" },
	{ MLX5_CMD_OP_QUERY_GENERAL_OBJECT, "QUERY_GENERAL_OBJECT" },
	{ MLX5_CMD_OP_DESTROY_GENERAL_OBJECT, "DESTROY_GENERAL_OBJECT" },
	{ MLX5_CMD_OP_CREATE_UCTX, "CREATE_UCTX" },
	{ MLX5_CMD_OP_DESTROY_UCTX, "DESTROY_UCTX" },
	{ MLX5_CMD_OP_CREATE_UMEM, "CREATE_UMEM" },
	{ MLX5_CMD_OP_DESTROY_UMEM, "DESTROY_UMEM" },
};

const char *cxcore_cmd_opcode_str(u16 opcode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cxcore_opcodes); i++)
		if (cxcore_opcodes[i].opcode == opcode)
			return cxcore_opcodes[i].name;
	return "UNKNOWN";
}
EXPORT_SYMBOL_NS_GPL(cxcore_cmd_opcode_str, "CXCORE");

const char *cxcore_cmd_status_str(u8 status)
{
	switch (status) {
	case MLX5_CMD_STAT_OK:
		return "OK";
	case MLX5_CMD_STAT_INT_ERR:
		return "internal error";
	case MLX5_CMD_STAT_BAD_OP_ERR:
		return "bad operation";
	case MLX5_CMD_STAT_BAD_PARAM_ERR:
		return "bad parameter";
	case MLX5_CMD_STAT_BAD_SYS_STATE_ERR:
		return "bad system state";
	case MLX5_CMD_STAT_BAD_RES_ERR:
		return "bad resource";
	case MLX5_CMD_STAT_RES_BUSY:
		return "resource busy";
	case MLX5_CMD_STAT_NOT_READY:
		return "not ready";
	case MLX5_CMD_STAT_LIM_ERR:
		return "limits exceeded";
	case MLX5_CMD_STAT_BAD_RES_STATE_ERR:
		return "bad resource state";
	case MLX5_CMD_STAT_IX_ERR:
		return "bad index";
	case MLX5_CMD_STAT_NO_RES_ERR:
		return "no resources";
	case MLX5_CMD_STAT_BAD_QP_STATE_ERR:
		return "bad QP state";
	case MLX5_CMD_STAT_BAD_PKT_ERR:
		return "bad packet";
	case MLX5_CMD_STAT_BAD_SIZE_OUTS_CQES_ERR:
		return "bad size, too many outstanding CQEs";
	case MLX5_CMD_STAT_BAD_INP_LEN_ERR:
		return "bad input length";
	case MLX5_CMD_STAT_BAD_OUTP_LEN_ERR:
		return "bad output length";
	default:
		return "unknown status";
	}
}
EXPORT_SYMBOL_NS_GPL(cxcore_cmd_status_str, "CXCORE");

int cxcore_cmd_status_to_errno(u8 status)
{
	switch (status) {
	case MLX5_CMD_STAT_OK:
		return 0;
	case MLX5_CMD_STAT_BAD_OP_ERR:
		return -EOPNOTSUPP;
	case MLX5_CMD_STAT_BAD_PARAM_ERR:
	case MLX5_CMD_STAT_BAD_RES_ERR:
	case MLX5_CMD_STAT_BAD_RES_STATE_ERR:
	case MLX5_CMD_STAT_IX_ERR:
	case MLX5_CMD_STAT_BAD_QP_STATE_ERR:
	case MLX5_CMD_STAT_BAD_PKT_ERR:
	case MLX5_CMD_STAT_BAD_SIZE_OUTS_CQES_ERR:
		return -EINVAL;
	case MLX5_CMD_STAT_RES_BUSY:
		return -EBUSY;
	case MLX5_CMD_STAT_NOT_READY:
	case MLX5_CMD_STAT_NO_RES_ERR:
		return -EAGAIN;
	case MLX5_CMD_STAT_LIM_ERR:
		return -ENOMEM;
	case MLX5_CMD_STAT_BAD_INP_LEN_ERR:
	case MLX5_CMD_STAT_BAD_OUTP_LEN_ERR:
		return -EMSGSIZE;
	case MLX5_CMD_STAT_INT_ERR:
	case MLX5_CMD_STAT_BAD_SYS_STATE_ERR:
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_NS_GPL(cxcore_cmd_status_to_errno, "CXCORE");

static const char *cxcore_deliv_str(u8 status)
{
	switch (status) {
	case CXCORE_DELIV_OK:
		return "OK";
	case CXCORE_DELIV_SIGNATURE:
		return "signature error";
	case CXCORE_DELIV_TOKEN:
		return "token error";
	case CXCORE_DELIV_BAD_BLOCK_NUMBER:
		return "bad block number";
	case CXCORE_DELIV_OUT_PTR_ALIGN:
		return "output pointer not aligned";
	case CXCORE_DELIV_IN_PTR_ALIGN:
		return "input pointer not aligned";
	case CXCORE_DELIV_FW_ERROR:
		return "firmware internal error";
	case CXCORE_DELIV_IN_LENGTH:
		return "input length error";
	case CXCORE_DELIV_OUT_LENGTH:
		return "output length error";
	case CXCORE_DELIV_RES_FIELD:
		return "reserved fields not cleared";
	case CXCORE_DELIV_BAD_DESCRIPTOR:
		return "bad command descriptor";
	default:
		return "unknown delivery status";
	}
}

static int cxcore_deliv_to_errno(u8 status)
{
	switch (status) {
	case CXCORE_DELIV_OK:
		return 0;
	case CXCORE_DELIV_SIGNATURE:
	case CXCORE_DELIV_TOKEN:
		return -EBADR;
	case CXCORE_DELIV_BAD_BLOCK_NUMBER:
	case CXCORE_DELIV_OUT_PTR_ALIGN:
	case CXCORE_DELIV_IN_PTR_ALIGN:
		return -EFAULT;
	case CXCORE_DELIV_IN_LENGTH:
	case CXCORE_DELIV_OUT_LENGTH:
	case CXCORE_DELIV_RES_FIELD:
	case CXCORE_DELIV_BAD_DESCRIPTOR:
		return -ENOMSG;
	case CXCORE_DELIV_FW_ERROR:
	default:
		return -EIO;
	}
}

static struct mlx5_cmd_layout *cxcore_cmd_lay(struct cxcore_cmd *cmd,
					      unsigned int slot)
{
	return cmd->queue + (slot << cmd->log_stride);
}

static bool cxcore_cmd_hw_owned(struct cxcore_cmd *cmd, unsigned int slot)
{
	return READ_ONCE(cxcore_cmd_lay(cmd, slot)->status_own) &
	       CXCORE_CMD_OWNER_HW;
}

/* Mailbox chains */

static void cxcore_msg_free(struct cxcore_cmd *cmd, struct cxcore_cmd_msg *msg)
{
	unsigned int i;

	if (!msg)
		return;
	for (i = 0; i < msg->nblocks; i++)
		if (msg->mbox[i].block)
			dma_pool_free(cmd->pool, msg->mbox[i].block,
				      msg->mbox[i].dma);
	kfree(msg);
}

/* A chain for the bytes of a @len-byte message beyond the queue entry. */
static struct cxcore_cmd_msg *cxcore_msg_alloc(struct cxcore_cmd *cmd,
					       int len, u8 token)
{
	unsigned int n = 0, i;
	struct cxcore_cmd_msg *msg;
	dma_addr_t next = 0;

	if (len > CXCORE_CMD_INLINE_LEN)
		n = DIV_ROUND_UP(len - CXCORE_CMD_INLINE_LEN,
				 CXCORE_MBOX_DATA_LEN);
	msg = kzalloc_flex(*msg, mbox, n);
	if (!msg)
		return NULL;
	/* kzalloc_flex() sets it only with compiler support */
	msg->nblocks = n;

	/* from the last block back, so that each knows its successor */
	for (i = n; i-- > 0;) {
		struct mlx5_cmd_prot_block *block;
		dma_addr_t dma;

		block = dma_pool_zalloc(cmd->pool, GFP_KERNEL, &dma);
		if (!block) {
			cxcore_msg_free(cmd, msg);
			return NULL;
		}
		block->next = cpu_to_be64(next);
		block->block_num = cpu_to_be32(i);
		block->token = token;
		msg->mbox[i].block = block;
		msg->mbox[i].dma = dma;
		next = dma;
	}
	return msg;
}

static void cxcore_msg_write(struct cxcore_cmd_msg *msg, const void *from,
			     int len)
{
	unsigned int i;

	for (i = 0; len > 0; i++) {
		int n = min(len, CXCORE_MBOX_DATA_LEN);

		memcpy(msg->mbox[i].block->data, from, n);
		from += n;
		len -= n;
	}
}

static void cxcore_msg_read(void *to, struct cxcore_cmd_msg *msg, int len)
{
	unsigned int i;

	for (i = 0; len > 0; i++) {
		int n = min(len, CXCORE_MBOX_DATA_LEN);

		memcpy(to, msg->mbox[i].block->data, n);
		to += n;
		len -= n;
	}
}

static void cxcore_ent_free(struct cxcore_cmd *cmd, struct cxcore_cmd_ent *ent)
{
	cxcore_msg_free(cmd, ent->in);
	cxcore_msg_free(cmd, ent->out);
	kfree(ent);
}

/* Slots */

static u8 cxcore_cmd_next_token(struct cxcore_cmd *cmd)
{
	u8 token;

	spin_lock_irq(&cmd->lock);
	if (!++cmd->token)
		cmd->token = 1;
	token = cmd->token;
	spin_unlock_irq(&cmd->lock);
	return token;
}

static int cxcore_cmd_get_slot(struct cxcore_cmd *cmd,
			       struct cxcore_cmd_ent *ent)
{
	unsigned int slot = cmd->page_slot;

	if (ent->page_slot) {
		if (down_timeout(&cmd->page_sem, cxcore_cmd_timeout()))
			return -EBUSY;
	} else {
		if (down_timeout(&cmd->sem, cxcore_cmd_timeout()))
			return -EBUSY;
	}

	spin_lock_irq(&cmd->lock);
	if (!ent->page_slot) {
		/* the semaphore guarantees a free regular slot */
		slot = find_first_zero_bit(&cmd->busy, cmd->page_slot);
		if (WARN_ON_ONCE(slot >= cmd->page_slot)) {
			spin_unlock_irq(&cmd->lock);
			up(&cmd->sem);
			return -EBUSY;
		}
	}
	__set_bit(slot, &cmd->busy);
	spin_unlock_irq(&cmd->lock);
	ent->slot = slot;
	return 0;
}

static void cxcore_cmd_put_slot(struct cxcore_cmd *cmd,
				struct cxcore_cmd_ent *ent)
{
	spin_lock_irq(&cmd->lock);
	__clear_bit(ent->slot, &cmd->busy);
	spin_unlock_irq(&cmd->lock);
	if (ent->page_slot)
		up(&cmd->page_sem);
	else
		up(&cmd->sem);
}

/* Caller holds cmd->lock; @ent is pending in its slot. */
static void cxcore_cmd_unpend(struct cxcore_cmd *cmd,
			      struct cxcore_cmd_ent *ent)
{
	cmd->ent[ent->slot] = NULL;
	if (!ent->polling && atomic_dec_and_test(&cmd->inflight_events))
		wake_up(&cmd->drain_wq);
}

/*
 * The command had no completion in time.  Returns 0 if it completed after
 * all (event raced with the timeout, or the event was lost but the entry
 * is done), else marks it stale and returns -ETIMEDOUT.
 */
static int cxcore_cmd_timed_out(struct cxcore_dev *dev,
				struct cxcore_cmd_ent *ent)
{
	struct cxcore_cmd *cmd = &dev->cmd;
	bool lost_event = false;

	spin_lock_irq(&cmd->lock);
	if (cmd->ent[ent->slot] != ent) {
		/* the event handler completed it under the lock meanwhile */
		spin_unlock_irq(&cmd->lock);
		return 0;
	}
	if (!cxcore_cmd_hw_owned(cmd, ent->slot)) {
		lost_event = !ent->polling;
		cxcore_cmd_unpend(cmd, ent);
		spin_unlock_irq(&cmd->lock);
		if (lost_event)
			dev_warn(&dev->pdev->dev,
				 "%s(0x%x): command done in slot %u but no completion event within %u ms\n",
				 cxcore_cmd_opcode_str(ent->opcode),
				 ent->opcode, ent->slot,
				 cxcore_cmd_timeout_ms());
		return 0;
	}
	ent->stale = true;
	if (!ent->polling && atomic_dec_and_test(&cmd->inflight_events))
		wake_up(&cmd->drain_wq);
	spin_unlock_irq(&cmd->lock);

	atomic64_inc(&cmd->stats.timeouts);
	dev_err(&dev->pdev->dev,
		"%s(0x%x) op_mod 0x%x: no completion in slot %u within %u ms (%s mode); the slot stays reserved until the device completes it\n",
		cxcore_cmd_opcode_str(ent->opcode), ent->opcode, ent->op_mod,
		ent->slot, cxcore_cmd_timeout_ms(),
		ent->polling ? "polling" : "event");
	return -ETIMEDOUT;
}

static int cxcore_cmd_wait_poll(struct cxcore_dev *dev,
				struct cxcore_cmd_ent *ent)
{
	unsigned long deadline = jiffies + cxcore_cmd_timeout();
	ktime_t spin_end = ktime_add_us(ktime_get(), CXCORE_CMD_SPIN_US);
	struct cxcore_cmd *cmd = &dev->cmd;

	while (cxcore_cmd_hw_owned(cmd, ent->slot)) {
		if (time_after(jiffies, deadline))
			return cxcore_cmd_timed_out(dev, ent);
		/*
		 * Most commands finish well within the spin period; sleeping
		 * right away would cost a timer tick each on hosts without
		 * high-resolution timers.
		 */
		if (ktime_before(ktime_get(), spin_end)) {
			cpu_relax();
			cond_resched();
		} else {
			usleep_range(100, 200);
		}
	}

	spin_lock_irq(&cmd->lock);
	cxcore_cmd_unpend(cmd, ent);
	spin_unlock_irq(&cmd->lock);
	atomic64_inc(&cmd->stats.polled);
	return 0;
}

static int cxcore_cmd_wait_event(struct cxcore_dev *dev,
				 struct cxcore_cmd_ent *ent)
{
	if (wait_for_completion_timeout(&ent->done, cxcore_cmd_timeout())) {
		atomic64_inc(&dev->cmd.stats.evented);
		return 0;
	}
	return cxcore_cmd_timed_out(dev, ent);
}

/* Called by the command EQ's interrupt handler with the EQE's slot mask. */
void cxcore_cmd_complete_event(struct cxcore_dev *dev, u32 vector)
{
	struct cxcore_cmd *cmd = &dev->cmd;
	unsigned long mask = vector;
	struct cxcore_cmd_ent *ent;
	unsigned long flags;
	unsigned int slot;

	spin_lock_irqsave(&cmd->lock, flags);
	for_each_set_bit(slot, &mask, cmd->nslots) {
		ent = cmd->ent[slot];
		/*
		 * Polled commands (poll_mode, or before the switch to events)
		 * and stale ones also produce EQEs; so may a slot whose entry
		 * the device has not finished.  Only a waiting command whose
		 * entry is back in software ownership is complete.
		 */
		if (!ent || ent->polling || ent->stale ||
		    cxcore_cmd_hw_owned(cmd, slot)) {
			atomic64_inc(&cmd->stats.ignored);
			continue;
		}
		cxcore_cmd_unpend(cmd, ent);
		complete(&ent->done);
	}
	spin_unlock_irqrestore(&cmd->lock, flags);
}

/* Free stale slots the device has completed since (all of them: @force). */
void cxcore_cmd_reap_stale(struct cxcore_dev *dev, bool force)
{
	struct cxcore_cmd_ent *reaped[CXCORE_CMD_MAX_SLOTS];
	struct cxcore_cmd *cmd = &dev->cmd;
	unsigned int slot, n = 0, i;

	if (!cmd->queue)
		return;
	spin_lock_irq(&cmd->lock);
	for (slot = 0; slot < cmd->nslots; slot++) {
		struct cxcore_cmd_ent *ent = cmd->ent[slot];

		if (!ent || !ent->stale)
			continue;
		if (!force && cxcore_cmd_hw_owned(cmd, slot))
			continue;
		cmd->ent[slot] = NULL;
		reaped[n++] = ent;
	}
	spin_unlock_irq(&cmd->lock);

	for (i = 0; i < n; i++) {
		struct cxcore_cmd_ent *ent = reaped[i];

		if (force) {
			dev_warn(&dev->pdev->dev,
				 "%s(0x%x): slot %u never completed; freeing it\n",
				 cxcore_cmd_opcode_str(ent->opcode),
				 ent->opcode, ent->slot);
		} else {
			atomic64_inc(&cmd->stats.late);
			dev_warn(&dev->pdev->dev,
				 "%s(0x%x): late completion in slot %u; slot reclaimed\n",
				 cxcore_cmd_opcode_str(ent->opcode),
				 ent->opcode, ent->slot);
		}
		cxcore_cmd_put_slot(cmd, ent);
		cxcore_ent_free(cmd, ent);
	}
}

static int cxcore_cmd_invoke(struct cxcore_dev *dev, const void *in, int inlen,
			     void *out, int outlen)
{
	struct cxcore_cmd *cmd = &dev->cmd;
	struct mlx5_cmd_layout *lay;
	struct cxcore_cmd_ent *ent;
	u8 status;
	int err;

	if (READ_ONCE(cmd->down))
		return -ENXIO;

	ent = kzalloc_obj(*ent);
	if (!ent)
		return -ENOMEM;
	init_completion(&ent->done);
	ent->opcode = cxcore_in_opcode(in);
	ent->op_mod = cxcore_in_op_mod(in);
	ent->page_slot = ent->opcode == MLX5_CMD_OP_MANAGE_PAGES;
	ent->token = cxcore_cmd_next_token(cmd);
	ent->in = cxcore_msg_alloc(cmd, inlen, ent->token);
	ent->out = cxcore_msg_alloc(cmd, outlen, ent->token);
	if (!ent->in || !ent->out) {
		err = -ENOMEM;
		goto err_free;
	}
	if (inlen > CXCORE_CMD_INLINE_LEN)
		cxcore_msg_write(ent->in, in + CXCORE_CMD_INLINE_LEN,
				 inlen - CXCORE_CMD_INLINE_LEN);

	err = cxcore_cmd_get_slot(cmd, ent);
	if (err) {
		dev_err(&dev->pdev->dev,
			"%s(0x%x): no free command slot within %u ms\n",
			cxcore_cmd_opcode_str(ent->opcode), ent->opcode,
			cxcore_cmd_timeout_ms());
		goto err_free;
	}

	lay = cxcore_cmd_lay(cmd, ent->slot);
	memset(lay, 0, sizeof(*lay));
	lay->type = MLX5_PCI_CMD_XPORT;
	lay->inlen = cpu_to_be32(inlen);
	memcpy(lay->in, in, min_t(int, inlen, sizeof(lay->in)));
	if (ent->in->nblocks)
		lay->in_ptr = cpu_to_be64(ent->in->mbox[0].dma);
	lay->outlen = cpu_to_be32(outlen);
	if (ent->out->nblocks)
		lay->out_ptr = cpu_to_be64(ent->out->mbox[0].dma);
	lay->token = ent->token;
	lay->status_own = CXCORE_CMD_OWNER_HW;

	/* publish: from now on the event handler may complete it */
	spin_lock_irq(&cmd->lock);
	ent->polling = cmd->mode == CXCORE_CMD_POLLING;
	if (!ent->polling)
		atomic_inc(&cmd->inflight_events);
	cmd->ent[ent->slot] = ent;
	spin_unlock_irq(&cmd->lock);

	dev_dbg(&dev->pdev->dev, "%s(0x%x) op_mod 0x%x: slot %u token 0x%x\n",
		cxcore_cmd_opcode_str(ent->opcode), ent->opcode, ent->op_mod,
		ent->slot, ent->token);

	/* the entry and the mailboxes must be visible before the doorbell */
	wmb();
	iowrite32be(BIT(ent->slot), &dev->iseg->cmd_dbell);

	if (ent->polling)
		err = cxcore_cmd_wait_poll(dev, ent);
	else
		err = cxcore_cmd_wait_event(dev, ent);
	if (err)
		return err;	/* stale: the slot table keeps ent */

	/* read the output only after the ownership bit */
	dma_rmb();
	status = READ_ONCE(lay->status_own) >> 1;
	memcpy(out, lay->out, min_t(int, outlen, sizeof(lay->out)));
	if (outlen > CXCORE_CMD_INLINE_LEN)
		cxcore_msg_read(out + CXCORE_CMD_INLINE_LEN, ent->out,
				outlen - CXCORE_CMD_INLINE_LEN);
	cxcore_cmd_put_slot(cmd, ent);

	if (status) {
		atomic64_inc(&cmd->stats.deliv_err);
		dev_err(&dev->pdev->dev,
			"%s(0x%x) op_mod 0x%x: delivery status 0x%x (%s)\n",
			cxcore_cmd_opcode_str(ent->opcode), ent->opcode,
			ent->op_mod, status, cxcore_deliv_str(status));
		err = cxcore_deliv_to_errno(status);
	} else {
		atomic64_inc(&cmd->stats.executed);
	}

err_free:
	cxcore_ent_free(cmd, ent);
	return err;
}

int cxcore_cmd_exec(struct cxcore_dev *dev, const void *in, int inlen,
		    void *out, int outlen)
{
	if (inlen < CXCORE_CMD_MIN_LEN || inlen > CXCORE_CMD_MAX_LEN ||
	    outlen < CXCORE_CMD_MIN_LEN || outlen > CXCORE_CMD_MAX_LEN)
		return -EINVAL;
	might_sleep();
	return cxcore_cmd_invoke(dev, in, inlen, out, outlen);
}
EXPORT_SYMBOL_NS_GPL(cxcore_cmd_exec, "CXCORE");

/* Log a failed firmware status and return it as an errno. */
int cxcore_cmd_check(struct cxcore_dev *dev, const void *in, const void *out)
{
	u8 status = MLX5_GET(cxcore_mbox_out, out, status);

	if (!status)
		return 0;
	dev_err(&dev->pdev->dev,
		"%s(0x%x) op_mod 0x%x failed: status 0x%x (%s), syndrome 0x%x\n",
		cxcore_cmd_opcode_str(cxcore_in_opcode(in)),
		cxcore_in_opcode(in), cxcore_in_op_mod(in), status,
		cxcore_cmd_status_str(status),
		MLX5_GET(cxcore_mbox_out, out, syndrome));
	return cxcore_cmd_status_to_errno(status);
}

int cxcore_cmd_exec_check(struct cxcore_dev *dev, const void *in, int inlen,
			  void *out, int outlen)
{
	int err;

	err = cxcore_cmd_exec(dev, in, inlen, out, outlen);
	if (err)
		return err;
	return cxcore_cmd_check(dev, in, out);
}
EXPORT_SYMBOL_NS_GPL(cxcore_cmd_exec_check, "CXCORE");

/* Modes */

void cxcore_cmd_use_events(struct cxcore_dev *dev)
{
	spin_lock_irq(&dev->cmd.lock);
	dev->cmd.mode = CXCORE_CMD_EVENTS;
	spin_unlock_irq(&dev->cmd.lock);
}

/*
 * Back to polling, for the command EQ's destruction: new commands poll;
 * commands already waiting for an event get it while the EQ still exists.
 */
void cxcore_cmd_use_polling(struct cxcore_dev *dev)
{
	struct cxcore_cmd *cmd = &dev->cmd;

	spin_lock_irq(&cmd->lock);
	cmd->mode = CXCORE_CMD_POLLING;
	spin_unlock_irq(&cmd->lock);

	if (!wait_event_timeout(cmd->drain_wq,
				!atomic_read(&cmd->inflight_events),
				cxcore_cmd_timeout()))
		dev_warn(&dev->pdev->dev,
			 "%d commands still wait for a completion event\n",
			 atomic_read(&cmd->inflight_events));
}

/* The device is gone: fail new commands at once instead of timing out. */
void cxcore_cmd_set_down(struct cxcore_dev *dev)
{
	WRITE_ONCE(dev->cmd.down, true);
}

/* Setup */

int cxcore_cmd_init(struct cxcore_dev *dev)
{
	struct device *ddev = &dev->pdev->dev;
	struct cxcore_cmd *cmd = &dev->cmd;
	u32 rev, sz;
	int err;

	rev = ioread32be(&dev->iseg->cmdif_rev_fw_sub) >> 16;
	if (rev != CXCORE_CMDIF_REV) {
		dev_err(ddev, "command interface revision %u, driver supports %u\n",
			rev, CXCORE_CMDIF_REV);
		return -EOPNOTSUPP;
	}

	sz = ioread32be(&dev->iseg->cmdq_addr_l_sz) & 0xff;
	cmd->log_sz = sz >> 4 & 0xf;
	cmd->log_stride = sz & 0xf;
	if (cmd->log_sz < 1 || BIT(cmd->log_sz) > CXCORE_CMD_MAX_SLOTS) {
		dev_err(ddev, "device reports %lu command slots, need 2 to %u\n",
			BIT(cmd->log_sz), CXCORE_CMD_MAX_SLOTS);
		return -EINVAL;
	}
	if (BIT(cmd->log_stride) < sizeof(struct mlx5_cmd_layout) ||
	    cmd->log_sz + cmd->log_stride > MLX5_ADAPTER_PAGE_SHIFT) {
		dev_err(ddev, "bad command queue geometry: log_sz %u, log_stride %u\n",
			cmd->log_sz, cmd->log_stride);
		return -EINVAL;
	}
	cmd->nslots = BIT(cmd->log_sz);
	cmd->page_slot = cmd->nslots - 1;

	spin_lock_init(&cmd->lock);
	sema_init(&cmd->sem, cmd->nslots - 1);
	sema_init(&cmd->page_sem, 1);
	init_waitqueue_head(&cmd->drain_wq);
	cmd->mode = CXCORE_CMD_POLLING;

	cmd->pool = dma_pool_create("cxcore_cmd", ddev,
				    sizeof(struct mlx5_cmd_prot_block),
				    CXCORE_MBOX_ALIGN, 0);
	if (!cmd->pool) {
		dev_err(ddev, "cannot create the mailbox pool\n");
		return -ENOMEM;
	}

	cmd->queue = dma_alloc_coherent(ddev, MLX5_ADAPTER_PAGE_SIZE,
					&cmd->queue_dma, GFP_KERNEL);
	if (!cmd->queue) {
		err = -ENOMEM;
		goto err_pool;
	}
	if (cmd->queue_dma & (MLX5_ADAPTER_PAGE_SIZE - 1)) {
		dev_err(ddev, "command queue at %pad is not 4 KiB aligned\n",
			&cmd->queue_dma);
		err = -ENOMEM;
		goto err_queue;
	}

	/* high half first: the low write starts a fresh firmware session */
	iowrite32be(upper_32_bits(cmd->queue_dma), &dev->iseg->cmdq_addr_h);
	iowrite32be(lower_32_bits(cmd->queue_dma), &dev->iseg->cmdq_addr_l_sz);
	return 0;

err_queue:
	dma_free_coherent(ddev, MLX5_ADAPTER_PAGE_SIZE, cmd->queue,
			  cmd->queue_dma);
	cmd->queue = NULL;
err_pool:
	dma_pool_destroy(cmd->pool);
	cmd->pool = NULL;
	return err;
}

/* After DISABLE_HCA and with bus mastering off: nothing can DMA any more. */
void cxcore_cmd_cleanup(struct cxcore_dev *dev)
{
	struct cxcore_cmd *cmd = &dev->cmd;

	cxcore_cmd_reap_stale(dev, true);
	dma_free_coherent(&dev->pdev->dev, MLX5_ADAPTER_PAGE_SIZE, cmd->queue,
			  cmd->queue_dma);
	cmd->queue = NULL;
	dma_pool_destroy(cmd->pool);
	cmd->pool = NULL;
}
