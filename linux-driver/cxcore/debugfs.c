// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * debugfs: /sys/kernel/debug/cxcore/<PCI address>/
 *   stats  command interface, EQ and page counters (read)
 *   nop    write "COUNT [LENGTH]": execute COUNT (at most 1000000) NOP
 *          commands with input and output of LENGTH bytes (16 to 1 MiB,
 *          default 16; longer than 16 uses mailboxes); the write fails
 *          with the first error.
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "priv.h"

#define CXCORE_DBG_NOP_MAX_LEN	(1024 * 1024)
#define CXCORE_DBG_NOP_MAX_COUNT	1000000

static struct dentry *cxcore_dbg_root;

static int cxcore_dbg_stats_show(struct seq_file *s, void *unused)
{
	struct cxcore_dev *dev = s->private;
	struct cxcore_cmd *cmd = &dev->cmd;
	struct cxcore_cmd_stats *st = &cmd->stats;
	u16 major, minor, subminor;

	cxcore_fw_version(dev, &major, &minor, &subminor);
	seq_printf(s, "fw_version: %u.%u.%u\n", major, minor, subminor);
	seq_printf(s, "issi: %u\n", dev->issi);
	seq_printf(s, "mode: %s\n",
		   READ_ONCE(cmd->mode) == CXCORE_CMD_EVENTS ? "events" :
							       "polling");
	seq_printf(s, "slots: %u\n", cmd->nslots);
	seq_printf(s, "busy_slots: 0x%lx\n", READ_ONCE(cmd->busy));
	seq_printf(s, "cmd_timeout_ms: %u\n", cxcore_cmd_timeout_ms());
	seq_printf(s, "executed: %lld\n", atomic64_read(&st->executed));
	seq_printf(s, "completed_by_polling: %lld\n",
		   atomic64_read(&st->polled));
	seq_printf(s, "completed_by_event: %lld\n",
		   atomic64_read(&st->evented));
	seq_printf(s, "events_ignored: %lld\n", atomic64_read(&st->ignored));
	seq_printf(s, "timeouts: %lld\n", atomic64_read(&st->timeouts));
	seq_printf(s, "late_completions: %lld\n", atomic64_read(&st->late));
	seq_printf(s, "delivery_errors: %lld\n",
		   atomic64_read(&st->deliv_err));
	seq_printf(s, "msix_vectors: %d\n", dev->nvec);
	seq_printf(s, "eq_number: %u\n", dev->cmd_eq.eqn);
	seq_printf(s, "eq_interrupts: %llu\n", READ_ONCE(dev->cmd_eq.interrupts));
	seq_printf(s, "eq_entries: %llu\n", READ_ONCE(dev->cmd_eq.eqes));
	seq_printf(s, "uar_index: %u\n", dev->uar_index);
	seq_printf(s, "fw_pages: %u\n", READ_ONCE(dev->pages.count));
	seq_printf(s, "fw_pages_given: %llu\n", READ_ONCE(dev->pages.given));
	seq_printf(s, "fw_pages_returned: %llu\n",
		   READ_ONCE(dev->pages.returned));
	seq_printf(s, "health_counter: %u\n",
		   ioread32be(&dev->iseg->health_counter));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cxcore_dbg_stats);

static ssize_t cxcore_dbg_nop_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct cxcore_dev *dev = file->private_data;
	unsigned int n, len = MLX5_ST_SZ_BYTES(nop_in), i;
	void *in = NULL, *out = NULL;
	char buf[32];
	int err = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u", &n, &len) < 1)
		return -EINVAL;
	if (n > CXCORE_DBG_NOP_MAX_COUNT || len < MLX5_ST_SZ_BYTES(nop_in) ||
	    len > CXCORE_DBG_NOP_MAX_LEN)
		return -EINVAL;

	in = kvzalloc(len, GFP_KERNEL);
	out = kvzalloc(len, GFP_KERNEL);
	if (!in || !out) {
		err = -ENOMEM;
		goto out;
	}
	MLX5_SET(nop_in, in, opcode, MLX5_CMD_OP_NOP);
	for (i = 0; i < n; i++) {
		err = cxcore_cmd_exec_check(dev, in, len, out, len);
		if (err)
			break;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
out:
	kvfree(in);
	kvfree(out);
	return err ? err : count;
}

static const struct file_operations cxcore_dbg_nop_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cxcore_dbg_nop_write,
	.llseek = noop_llseek,
};

int cxcore_debugfs_add(struct cxcore_dev *dev)
{
	dev->dbg = debugfs_create_dir(pci_name(dev->pdev), cxcore_dbg_root);
	debugfs_create_file("stats", 0444, dev->dbg, dev,
			    &cxcore_dbg_stats_fops);
	debugfs_create_file("nop", 0200, dev->dbg, dev, &cxcore_dbg_nop_fops);
	return 0;
}

/* Waits for readers and writers still inside the files. */
void cxcore_debugfs_remove(struct cxcore_dev *dev)
{
	debugfs_remove(dev->dbg);
	dev->dbg = NULL;
}

void cxcore_debugfs_init(void)
{
	cxcore_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void cxcore_debugfs_exit(void)
{
	debugfs_remove(cxcore_dbg_root);
}
