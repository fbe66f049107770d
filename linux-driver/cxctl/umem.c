// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * User memory (umem) of an mlx5ctl file: MLX5CTL_IOCTL_UMEM_REG pins a user
 * buffer, maps it for DMA and describes it to the firmware with CREATE_UMEM
 * (one MTT entry per CPU page, read and write enabled), so that a later RPC
 * can have the device write a large dump straight into it.
 *
 * Accounting: pinned pages count in the owner mm's pinned_vm (VmPin in
 * /proc/PID/status) against RLIMIT_MEMLOCK unless the caller has
 * CAP_IPC_LOCK, as for RDMA user memory (ib_umem_get()).
 *
 * Ordering: pages are unpinned only after the firmware object is gone, so
 * the device can never write to a page the kernel has given back.  When the
 * firmware refuses DESTROY_UMEM (an mkey still uses the umem), the umem stays
 * registered and pinned.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "cxctl.h"

/* the series' limit on one registration */
#define CXCTL_UMEM_MAX_BYTES	(64ULL << 20)

struct cxctl_umem {
	u32 id;
	unsigned long npages;
	unsigned int offset;		/* of the buffer in its first page */
	struct page **pages;
	struct sg_table sgt;
	struct mm_struct *mm;		/* whose pinned_vm is charged */
};

void cxctl_umem_db_init(struct cxctl_umem_db *db, struct cxcore_dev *cdev,
			u16 uid)
{
	db->cdev = cdev;
	db->uid = uid;
	xa_init(&db->umems);
}

static int umem_charge(struct cxctl_umem *umem)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned;

	pinned = atomic64_add_return(umem->npages, &umem->mm->pinned_vm);
	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(umem->npages, &umem->mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static int umem_pin(struct cxctl_umem *umem, unsigned long start)
{
	unsigned long done = 0;
	long n;

	while (done < umem->npages) {
		n = pin_user_pages_fast(start + done * PAGE_SIZE,
					umem->npages - done,
					FOLL_WRITE | FOLL_LONGTERM,
					umem->pages + done);
		if (n <= 0) {
			unpin_user_pages(umem->pages, done);
			return n ? n : -EFAULT;
		}
		done += n;
	}
	return 0;
}

static void umem_unpin(struct cxctl_umem *umem)
{
	/* the device may have written them: a dump landed there */
	unpin_user_pages_dirty_lock(umem->pages, umem->npages, true);
}

static void umem_free(struct cxctl_umem *umem)
{
	mmdrop(umem->mm);
	kvfree(umem->pages);
	kfree(umem);
}

static void umem_release(struct cxctl_umem_db *db, struct cxctl_umem *umem)
{
	dma_unmap_sgtable(cxcore_device(db->cdev), &umem->sgt,
			  DMA_BIDIRECTIONAL, 0);
	sg_free_table(&umem->sgt);
	umem_unpin(umem);
	atomic64_sub(umem->npages, &umem->mm->pinned_vm);
	umem_free(umem);
}

static int umem_create(struct cxctl_umem_db *db, struct cxctl_umem *umem)
{
	u32 out[MLX5_ST_SZ_DW(create_umem_out)] = {};
	struct sg_dma_page_iter iter;
	size_t inlen;
	void *in, *mtt;
	int err;

	inlen = MLX5_ST_SZ_BYTES(create_umem_in) +
		umem->npages * MLX5_ST_SZ_BYTES(mtt);
	in = kvzalloc(inlen, GFP_KERNEL);
	if (!in)
		return -ENOMEM;

	MLX5_SET(create_umem_in, in, opcode, MLX5_CMD_OP_CREATE_UMEM);
	MLX5_SET(create_umem_in, in, uid, db->uid);
	MLX5_SET(create_umem_in, in, umem.log_page_size,
		 PAGE_SHIFT - MLX5_ADAPTER_PAGE_SHIFT);
	MLX5_SET(create_umem_in, in, umem.page_offset, umem->offset);
	MLX5_SET64(create_umem_in, in, umem.num_of_mtt, umem->npages);

	mtt = MLX5_ADDR_OF(create_umem_in, in, umem.mtt);
	for_each_sgtable_dma_page(&umem->sgt, &iter, 0) {
		*(__be64 *)mtt = cpu_to_be64(sg_page_iter_dma_address(&iter));
		MLX5_SET(mtt, mtt, wr_en, 1);
		MLX5_SET(mtt, mtt, rd_en, 1);
		mtt += MLX5_ST_SZ_BYTES(mtt);
	}

	err = cxcore_cmd_exec_check(db->cdev, in, inlen, out, sizeof(out));
	if (!err)
		umem->id = MLX5_GET(create_umem_out, out, umem_id);
	kvfree(in);
	return err;
}

static int umem_destroy(struct cxctl_umem_db *db, struct cxctl_umem *umem)
{
	u32 out[MLX5_ST_SZ_DW(destroy_umem_out)] = {};
	u32 in[MLX5_ST_SZ_DW(destroy_umem_in)] = {};

	int err;

	MLX5_SET(destroy_umem_in, in, opcode, MLX5_CMD_OP_DESTROY_UMEM);
	MLX5_SET(destroy_umem_in, in, uid, db->uid);
	MLX5_SET(destroy_umem_in, in, umem_id, umem->id);
	/* a refusal (an mkey uses it) is the user's doing: not logged */
	err = cxcore_cmd_exec(db->cdev, in, sizeof(in), out, sizeof(out));
	if (err)
		return err;
	return cxcore_cmd_status_to_errno(cxcore_cmd_out_status(out));
}

/**
 * cxctl_umem_reg() - register @len bytes of user memory at @addr
 * @db: the file's umems
 * @addr: user virtual address, any alignment
 * @len: bytes, 1 .. 64 MiB
 * @umem_id: the firmware's id of the new umem
 *
 * Return: 0; -EINVAL for a zero, too large or wrapping range; -ENOMEM when
 * RLIMIT_MEMLOCK would be exceeded or memory is short; -EFAULT when the
 * range is not writable user memory; the firmware's refusal as
 * cxcore_cmd_exec_check() maps it.
 */
int cxctl_umem_reg(struct cxctl_umem_db *db, u64 addr, u64 len, u32 *umem_id)
{
	struct device *dma_dev = cxcore_device(db->cdev);
	struct cxctl_umem *umem;
	u64 first, end;
	int err;

	if (!len || len > CXCTL_UMEM_MAX_BYTES || check_add_overflow(addr, len, &end) ||
	    end > TASK_SIZE_MAX || PAGE_ALIGN(end) < end)
		return -EINVAL;

	umem = kzalloc_obj(*umem);
	if (!umem)
		return -ENOMEM;
	first = addr & PAGE_MASK;
	umem->offset = addr & ~PAGE_MASK;
	umem->npages = (PAGE_ALIGN(end) - first) >> PAGE_SHIFT;
	umem->mm = current->mm;
	mmgrab(umem->mm);
	umem->pages = kvmalloc_array(umem->npages, sizeof(*umem->pages),
				     GFP_KERNEL);
	if (!umem->pages) {
		err = -ENOMEM;
		goto err_free;
	}

	err = umem_charge(umem);
	if (err)
		goto err_free;
	err = umem_pin(umem, first);
	if (err)
		goto err_uncharge;
	err = sg_alloc_table_from_pages(&umem->sgt, umem->pages, umem->npages,
					0, umem->npages << PAGE_SHIFT,
					GFP_KERNEL);
	if (err)
		goto err_unpin;
	err = dma_map_sgtable(dma_dev, &umem->sgt, DMA_BIDIRECTIONAL, 0);
	if (err)
		goto err_sgt;

	err = umem_create(db, umem);
	if (err)
		goto err_unmap;
	err = xa_insert(&db->umems, umem->id, umem, GFP_KERNEL);
	if (err) {
		/* -EBUSY: the firmware handed out a live id twice */
		WARN_ON_ONCE(err == -EBUSY);
		if (umem_destroy(db, umem))
			return err;	/* still the device's: leak, never free */
		goto err_unmap;
	}
	*umem_id = umem->id;
	return 0;

err_unmap:
	dma_unmap_sgtable(dma_dev, &umem->sgt, DMA_BIDIRECTIONAL, 0);
err_sgt:
	sg_free_table(&umem->sgt);
err_unpin:
	umem_unpin(umem);
err_uncharge:
	atomic64_sub(umem->npages, &umem->mm->pinned_vm);
err_free:
	umem_free(umem);
	return err;
}

/**
 * cxctl_umem_unreg() - unregister one umem of the file
 * @db: the file's umems
 * @umem_id: an id cxctl_umem_reg() returned
 *
 * Return: 0; -ENOENT when the file has no such umem; -EBUSY when the
 * firmware still uses it (an mkey refers to it): it stays registered.
 */
int cxctl_umem_unreg(struct cxctl_umem_db *db, u32 umem_id)
{
	struct cxctl_umem *umem;
	int err;

	umem = xa_erase(&db->umems, umem_id);
	if (!umem)
		return -ENOENT;
	err = umem_destroy(db, umem);
	if (err) {
		/* the device may still write to it: keep it pinned */
		if (xa_insert(&db->umems, umem_id, umem, GFP_KERNEL))
			WARN_ONCE(1, "umem %u lost its slot\n", umem_id);
		return err;
	}
	umem_release(db, umem);
	return 0;
}

/**
 * cxctl_umem_db_destroy() - release every umem of a file
 * @db: the file's umems
 *
 * Called after the file's user context was destroyed together with
 * everything it owned, so no firmware object refers to the pages any more.
 */
void cxctl_umem_db_destroy(struct cxctl_umem_db *db)
{
	struct cxctl_umem *umem;
	unsigned long id;

	xa_for_each(&db->umems, id, umem) {
		xa_erase(&db->umems, id);
		umem_release(db, umem);
	}
	xa_destroy(&db->umems);
}
