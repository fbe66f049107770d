// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Firmware pages.  The firmware asks (QUERY_PAGES) for host memory twice
 * during bring-up: boot pages after ENABLE_HCA and init pages before
 * INIT_HCA.  cxcore gives zeroed, DMA-mapped pages with MANAGE_PAGES GIVE
 * and remembers them by DMA address.  At teardown, after TEARDOWN_HCA,
 * MANAGE_PAGES TAKE returns them (the firmware picks which) until none is
 * left; a page the firmware never returns is freed only after bus
 * mastering is off.
 *
 * Firmware pages are 4 KiB; cxcore gives one host page per firmware page.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "priv.h"

#define CXCORE_PAGES_BATCH		512	/* addresses per MANAGE_PAGES */
#define CXCORE_PAGES_MAX		(256 * 1024)	/* 1 GiB per request */
#define CXCORE_RECLAIM_TIMEOUT_MS	5000	/* without progress */

/* MANAGE_PAGES op_mod */
enum {
	CXCORE_PAGES_CANT_GIVE	= 0,
	CXCORE_PAGES_GIVE	= 1,
	CXCORE_PAGES_TAKE	= 2,
};

/* QUERY_PAGES op_mod */
enum {
	CXCORE_PAGES_BOOT	= 1,
	CXCORE_PAGES_INIT	= 2,
};

struct cxcore_fw_page {
	struct rb_node node;
	dma_addr_t dma;
	struct page *page;
};

void cxcore_pages_init(struct cxcore_dev *dev)
{
	mutex_init(&dev->pages.lock);
	dev->pages.root = RB_ROOT;
}

static int cxcore_page_insert(struct cxcore_pages *pages,
			      struct cxcore_fw_page *fp)
{
	struct rb_node **link = &pages->root.rb_node, *parent = NULL;

	while (*link) {
		struct cxcore_fw_page *cur;

		parent = *link;
		cur = rb_entry(parent, struct cxcore_fw_page, node);
		if (fp->dma < cur->dma)
			link = &parent->rb_left;
		else if (fp->dma > cur->dma)
			link = &parent->rb_right;
		else
			return -EEXIST;
	}
	rb_link_node(&fp->node, parent, link);
	rb_insert_color(&fp->node, &pages->root);
	pages->count++;
	return 0;
}

static struct cxcore_fw_page *cxcore_page_find(struct cxcore_pages *pages,
					       dma_addr_t dma)
{
	struct rb_node *node = pages->root.rb_node;

	while (node) {
		struct cxcore_fw_page *cur;

		cur = rb_entry(node, struct cxcore_fw_page, node);
		if (dma < cur->dma)
			node = node->rb_left;
		else if (dma > cur->dma)
			node = node->rb_right;
		else
			return cur;
	}
	return NULL;
}

static void cxcore_page_release(struct cxcore_dev *dev,
				struct cxcore_fw_page *fp)
{
	rb_erase(&fp->node, &dev->pages.root);
	dev->pages.count--;
	dma_unmap_page(cxcore_dma_dev(dev), fp->dma, PAGE_SIZE,
		       DMA_BIDIRECTIONAL);
	__free_page(fp->page);
	kfree(fp);
}

/* A zeroed page, mapped and tracked; the caller holds pages.lock. */
static struct cxcore_fw_page *cxcore_page_alloc(struct cxcore_dev *dev)
{
	struct device *ddev = cxcore_dma_dev(dev);
	struct cxcore_fw_page *fp;

	fp = kzalloc_obj(*fp);
	if (!fp)
		return NULL;
	fp->page = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!fp->page)
		goto err_free;
	fp->dma = dma_map_page(ddev, fp->page, 0, PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
	if (dma_mapping_error(ddev, fp->dma))
		goto err_page;
	if (WARN_ON(cxcore_page_insert(&dev->pages, fp)))
		goto err_unmap;
	return fp;

err_unmap:
	dma_unmap_page(ddev, fp->dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
err_page:
	__free_page(fp->page);
err_free:
	kfree(fp);
	return NULL;
}

static int cxcore_pages_query(struct cxcore_dev *dev, u16 op_mod, s32 *npages)
{
	u32 out[MLX5_ST_SZ_DW(query_pages_out)] = {};
	u32 in[MLX5_ST_SZ_DW(query_pages_in)] = {};
	int err;

	MLX5_SET(query_pages_in, in, opcode, MLX5_CMD_OP_QUERY_PAGES);
	MLX5_SET(query_pages_in, in, op_mod, op_mod);
	err = cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
	if (err)
		return err;
	*npages = MLX5_GET(query_pages_out, out, num_pages);
	return 0;
}

/* Tell the firmware its request could not be met. */
static void cxcore_pages_cant_give(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(manage_pages_out)] = {};
	u32 in[MLX5_ST_SZ_DW(manage_pages_in)] = {};

	MLX5_SET(manage_pages_in, in, opcode, MLX5_CMD_OP_MANAGE_PAGES);
	MLX5_SET(manage_pages_in, in, op_mod, CXCORE_PAGES_CANT_GIVE);
	cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

static int cxcore_pages_give_batch(struct cxcore_dev *dev, u32 n)
{
	int inlen = MLX5_ST_SZ_BYTES(manage_pages_in) +
		    n * MLX5_FLD_SZ_BYTES(manage_pages_in, pas[0]);
	u32 out[MLX5_ST_SZ_DW(manage_pages_out)] = {};
	struct cxcore_fw_page **batch;
	bool alloc_failed = false;
	u32 i = 0;
	void *in;
	int err;

	batch = kzalloc_objs(*batch, n);
	in = kvzalloc(inlen, GFP_KERNEL);
	if (!batch || !in) {
		err = -ENOMEM;
		alloc_failed = true;
		goto out;
	}

	mutex_lock(&dev->pages.lock);
	for (i = 0; i < n; i++) {
		batch[i] = cxcore_page_alloc(dev);
		if (!batch[i]) {
			err = -ENOMEM;
			alloc_failed = true;
			goto err_release;
		}
		MLX5_ARRAY_SET64(manage_pages_in, in, pas, i, batch[i]->dma);
	}
	MLX5_SET(manage_pages_in, in, opcode, MLX5_CMD_OP_MANAGE_PAGES);
	MLX5_SET(manage_pages_in, in, op_mod, CXCORE_PAGES_GIVE);
	MLX5_SET(manage_pages_in, in, input_num_entries, n);
	err = cxcore_cmd_exec(dev, in, inlen, out, sizeof(out));
	if (err == -ETIMEDOUT) {
		/*
		 * No answer: the firmware may hold the pages.  They stay
		 * tracked, to be taken back or freed at teardown.
		 */
		mutex_unlock(&dev->pages.lock);
		goto out;
	}
	if (!err)
		err = cxcore_cmd_check(dev, in, out);
	if (err)
		goto err_release;	/* not executed or refused */
	dev->pages.given += n;
	mutex_unlock(&dev->pages.lock);
	goto out;

err_release:
	while (i-- > 0)
		cxcore_page_release(dev, batch[i]);
	mutex_unlock(&dev->pages.lock);
out:
	if (alloc_failed) {
		dev_err(&dev->pdev->dev, "cannot allocate %u pages for the firmware\n",
			n);
		cxcore_pages_cant_give(dev);
	}
	kvfree(in);
	kfree(batch);
	return err;
}

static int cxcore_pages_give(struct cxcore_dev *dev, u16 op_mod,
			     const char *stage)
{
	s32 npages;
	int err;

	err = cxcore_pages_query(dev, op_mod, &npages);
	if (err)
		return err;
	if (npages < 0) {
		dev_warn(&dev->pdev->dev,
			 "firmware offers %d pages back at the %s stage; ignored\n",
			 -npages, stage);
		return 0;
	}
	if (npages > CXCORE_PAGES_MAX) {
		dev_err(&dev->pdev->dev,
			"firmware asks for %d %s pages, more than the %d cxcore gives\n",
			npages, stage, CXCORE_PAGES_MAX);
		cxcore_pages_cant_give(dev);
		return -ENOMEM;
	}
	dev_dbg(&dev->pdev->dev, "firmware asks for %d %s pages\n", npages,
		stage);

	while (npages > 0) {
		u32 n = min_t(u32, npages, CXCORE_PAGES_BATCH);

		err = cxcore_pages_give_batch(dev, n);
		if (err)
			return err;
		npages -= n;
	}
	return 0;
}

int cxcore_pages_give_boot(struct cxcore_dev *dev)
{
	return cxcore_pages_give(dev, CXCORE_PAGES_BOOT, "boot");
}

int cxcore_pages_give_init(struct cxcore_dev *dev)
{
	return cxcore_pages_give(dev, CXCORE_PAGES_INIT, "init");
}

/* Release the pages a TAKE returned; returns how many were ours. */
static u32 cxcore_pages_taken(struct cxcore_dev *dev, const void *out, u32 got)
{
	const __be64 *pas = MLX5_ADDR_OF(manage_pages_out, out, pas);
	u32 i, released = 0;

	for (i = 0; i < got; i++) {
		dma_addr_t dma = be64_to_cpu(pas[i]);
		struct cxcore_fw_page *fp;

		fp = cxcore_page_find(&dev->pages, dma);
		if (!fp) {
			dev_err_ratelimited(&dev->pdev->dev,
					    "MANAGE_PAGES take returned %pad, a page cxcore did not give\n",
					    &dma);
			continue;
		}
		cxcore_page_release(dev, fp);
		released++;
	}
	dev->pages.returned += released;
	return released;
}

/* Take every page back from the firmware (after TEARDOWN_HCA). */
void cxcore_pages_reclaim(struct cxcore_dev *dev)
{
	unsigned long deadline;
	int err;

	mutex_lock(&dev->pages.lock);
	deadline = jiffies + msecs_to_jiffies(CXCORE_RECLAIM_TIMEOUT_MS);
	while (dev->pages.count) {
		u32 in[MLX5_ST_SZ_DW(manage_pages_in)] = {};
		u32 n = min_t(u32, dev->pages.count, CXCORE_PAGES_BATCH);
		int outlen = MLX5_ST_SZ_BYTES(manage_pages_out) +
			     n * MLX5_FLD_SZ_BYTES(manage_pages_out, pas[0]);
		u32 got, released;
		void *out;

		out = kvzalloc(outlen, GFP_KERNEL);
		if (!out)
			break;
		MLX5_SET(manage_pages_in, in, opcode, MLX5_CMD_OP_MANAGE_PAGES);
		MLX5_SET(manage_pages_in, in, op_mod, CXCORE_PAGES_TAKE);
		MLX5_SET(manage_pages_in, in, input_num_entries, n);
		err = cxcore_cmd_exec_check(dev, in, sizeof(in), out, outlen);
		if (err) {
			kvfree(out);
			break;
		}
		got = MLX5_GET(manage_pages_out, out, output_num_entries);
		if (got > n) {
			dev_err(&dev->pdev->dev,
				"MANAGE_PAGES take returned %u pages, %u were asked for\n",
				got, n);
			got = n;
		}
		released = cxcore_pages_taken(dev, out, got);
		kvfree(out);

		if (released) {
			deadline = jiffies +
				   msecs_to_jiffies(CXCORE_RECLAIM_TIMEOUT_MS);
			continue;
		}
		if (time_after(jiffies, deadline)) {
			dev_err(&dev->pdev->dev,
				"firmware returned no page for %u ms; %u pages not returned\n",
				CXCORE_RECLAIM_TIMEOUT_MS, dev->pages.count);
			break;
		}
		msleep(50);
	}
	mutex_unlock(&dev->pages.lock);
}

/* With bus mastering off: free what the firmware did not return. */
void cxcore_pages_free_all(struct cxcore_dev *dev)
{
	struct rb_node *node;

	mutex_lock(&dev->pages.lock);
	if (dev->pages.count)
		dev_warn(&dev->pdev->dev,
			 "freeing %u pages the firmware did not return\n",
			 dev->pages.count);
	while ((node = rb_first(&dev->pages.root)))
		cxcore_page_release(dev, rb_entry(node, struct cxcore_fw_page,
						  node));
	mutex_unlock(&dev->pages.lock);
}
