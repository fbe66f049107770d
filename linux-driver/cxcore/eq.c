// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The command event queue.  One EQ subscribed to command-completion events
 * (type 0x0a) on MSI-X vector 0, in a DMA-coherent buffer of 64-byte EQEs.
 *
 * Ownership: every EQE starts with owner = 1; on its n-th pass over the
 * ring the device writes owner = n & 1, so an entry is valid when its
 * owner bit equals bit log_nent of the consumer index.  The doorbell on
 * the UAR page (offset 0x40: update and arm, 0x48: update only) takes
 * eqn << 24 | consumer index; an armed EQ interrupts once, then needs
 * arming again, which the handler does when it has consumed everything.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/slab.h>

#include "priv.h"

#define CXCORE_CMD_EQ_LOG_NENT	8	/* 256 entries, 16 KiB */
#define CXCORE_EQE_OWNER_INIT	1
#define CXCORE_EQ_DB_ARM	0x40
#define CXCORE_EQ_DB_UPDATE	0x48
#define CXCORE_CMD_VECTOR	0

static struct mlx5_eqe *cxcore_eqe(struct cxcore_eq *eq, u32 index)
{
	return eq->buf + (index & (eq->nent - 1)) * sizeof(struct mlx5_eqe);
}

static struct mlx5_eqe *cxcore_eq_next(struct cxcore_eq *eq)
{
	struct mlx5_eqe *eqe = cxcore_eqe(eq, eq->cons_index);
	bool pass_odd = eq->cons_index & eq->nent;

	if ((READ_ONCE(eqe->owner) & 1) != pass_odd)
		return NULL;
	/* read the entry only after seeing its owner bit */
	dma_rmb();
	return eqe;
}

static void cxcore_eq_doorbell(struct cxcore_eq *eq, bool arm)
{
	u32 val = (u32)eq->eqn << 24 | (eq->cons_index & 0xffffff);

	iowrite32be(val, eq->doorbell +
		    (arm ? CXCORE_EQ_DB_ARM : CXCORE_EQ_DB_UPDATE));
}

static irqreturn_t cxcore_eq_irq(int irq, void *data)
{
	struct cxcore_dev *dev = data;
	struct cxcore_eq *eq = &dev->cmd_eq;
	struct mlx5_eqe *eqe;
	unsigned int n = 0;

	eq->interrupts++;
	while ((eqe = cxcore_eq_next(eq))) {
		switch (eqe->type) {
		case MLX5_EVENT_TYPE_CMD:
			cxcore_cmd_complete_event(dev,
						  be32_to_cpu(eqe->data.cmd.vector));
			break;
		default:
			dev_warn_ratelimited(&dev->pdev->dev,
					     "unexpected event type 0x%x on the command EQ\n",
					     eqe->type);
			break;
		}
		eq->cons_index++;
		eq->eqes++;
		/* give room back in long bursts before the ring wraps */
		if (++n % (eq->nent / 2) == 0)
			cxcore_eq_doorbell(eq, false);
	}
	cxcore_eq_doorbell(eq, true);
	return IRQ_HANDLED;
}

static int cxcore_eq_destroy_cmd_eq(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(destroy_eq_out)] = {};
	u32 in[MLX5_ST_SZ_DW(destroy_eq_in)] = {};

	MLX5_SET(destroy_eq_in, in, opcode, MLX5_CMD_OP_DESTROY_EQ);
	MLX5_SET(destroy_eq_in, in, eq_number, dev->cmd_eq.eqn);
	return cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

/*
 * Create the command EQ (the command interface is still polling), then
 * take its interrupt and arm it.  The caller switches to event mode.
 */
int cxcore_eq_create_cmd(struct cxcore_dev *dev)
{
	struct device *ddev = cxcore_dma_dev(dev);
	struct cxcore_eq *eq = &dev->cmd_eq;
	u32 out[MLX5_ST_SZ_DW(create_eq_out)] = {};
	unsigned int npages, i;
	__be64 *pas;
	void *in, *eqc;
	int inlen;
	int err;

	eq->log_nent = CXCORE_CMD_EQ_LOG_NENT;
	eq->nent = 1U << eq->log_nent;
	eq->size = eq->nent * sizeof(struct mlx5_eqe);
	eq->cons_index = 0;
	eq->buf = dma_alloc_coherent(ddev, eq->size, &eq->dma, GFP_KERNEL);
	if (!eq->buf)
		return -ENOMEM;
	for (i = 0; i < eq->nent; i++)
		cxcore_eqe(eq, i)->owner = CXCORE_EQE_OWNER_INIT;

	/* one address per 4 KiB page of the (contiguous) buffer */
	npages = DIV_ROUND_UP(eq->size, MLX5_ADAPTER_PAGE_SIZE);
	inlen = MLX5_ST_SZ_BYTES(create_eq_in) +
		npages * MLX5_FLD_SZ_BYTES(create_eq_in, pas[0]);
	in = kvzalloc(inlen, GFP_KERNEL);
	if (!in)
		return -ENOMEM;

	MLX5_SET(create_eq_in, in, opcode, MLX5_CMD_OP_CREATE_EQ);
	MLX5_ARRAY_SET64(create_eq_in, in, event_bitmask, 0,
			 BIT_ULL(MLX5_EVENT_TYPE_CMD));
	eqc = MLX5_ADDR_OF(create_eq_in, in, eq_context_entry);
	MLX5_SET(eqc, eqc, log_eq_size, eq->log_nent);
	MLX5_SET(eqc, eqc, uar_page, dev->uar_index);
	MLX5_SET(eqc, eqc, intr, CXCORE_CMD_VECTOR);
	MLX5_SET(eqc, eqc, log_page_size, 0);	/* 4 KiB pages */
	pas = MLX5_ADDR_OF(create_eq_in, in, pas);
	for (i = 0; i < npages; i++)
		pas[i] = cpu_to_be64(eq->dma + i * MLX5_ADAPTER_PAGE_SIZE);

	err = cxcore_cmd_exec_check(dev, in, inlen, out, sizeof(out));
	kvfree(in);
	if (err)
		return err;
	eq->eqn = MLX5_GET(create_eq_out, out, eq_number);
	eq->created = true;
	eq->doorbell = dev->uar;

	eq->irq = pci_irq_vector(dev->pdev, CXCORE_CMD_VECTOR);
	if (eq->irq < 0) {
		err = eq->irq;
		eq->irq = 0;
		goto err_destroy;
	}
	snprintf(eq->irq_name, sizeof(eq->irq_name), "cxcore-cmd@pci:%s",
		 pci_name(dev->pdev));
	err = request_irq(eq->irq, cxcore_eq_irq, 0, eq->irq_name, dev);
	if (err) {
		dev_err(ddev, "cannot request IRQ %d for the command EQ: %d\n",
			eq->irq, err);
		eq->irq = 0;
		goto err_destroy;
	}

	cxcore_eq_doorbell(eq, true);
	return 0;

err_destroy:
	if (!cxcore_eq_destroy_cmd_eq(dev))
		eq->created = false;
	return err;
}

/* In polling mode: destroy the EQ, then release its interrupt. */
void cxcore_eq_destroy_cmd(struct cxcore_dev *dev)
{
	struct cxcore_eq *eq = &dev->cmd_eq;

	if (eq->created && !cxcore_eq_destroy_cmd_eq(dev))
		eq->created = false;
	if (eq->irq) {
		free_irq(eq->irq, dev);
		eq->irq = 0;
	}
}

/*
 * With bus mastering off: free the ring.  (A ring whose DESTROY_EQ failed
 * could still be written by the device until then.)
 */
void cxcore_eq_free(struct cxcore_dev *dev)
{
	struct cxcore_eq *eq = &dev->cmd_eq;

	if (!eq->buf)
		return;
	dma_free_coherent(cxcore_dma_dev(dev), eq->size, eq->buf, eq->dma);
	eq->buf = NULL;
	eq->created = false;
}
