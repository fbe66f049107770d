/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cxcore internals shared by its files: the device structure, the command
 * interface, the command event queue, firmware pages and health polling.
 */
#ifndef _CXCORE_PRIV_H_
#define _CXCORE_PRIV_H_

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dmapool.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rbtree.h>
#include <linux/semaphore.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <cxcore.h>

/* Command queue limits (PRM): at most 32 entries of at least 64 bytes. */
#define CXCORE_CMD_MAX_SLOTS	32
#define CXCORE_CMDIF_REV	5
#define CXCORE_CMD_INLINE_LEN	16

/*
 * Generic command header, for the opcode/op_mod of any input and the
 * status/syndrome of any output (mlx5_ifc.h has no generic one).
 */
struct mlx5_ifc_cxcore_mbox_in_bits {
	u8 opcode[0x10];
	u8 uid[0x10];
	u8 reserved_at_20[0x10];
	u8 op_mod[0x10];
	u8 reserved_at_40[0x40];
};

struct mlx5_ifc_cxcore_mbox_out_bits {
	u8 status[0x8];
	u8 reserved_at_8[0x18];
	u8 syndrome[0x20];
	u8 reserved_at_40[0x40];
};

enum cxcore_cmd_mode {
	CXCORE_CMD_POLLING,
	CXCORE_CMD_EVENTS,
};

/* One 576-byte mailbox of a chain. */
struct cxcore_mbox {
	struct mlx5_cmd_prot_block *block;
	dma_addr_t dma;
};

/* The mailbox chain of one command input or output. */
struct cxcore_cmd_msg {
	unsigned int nblocks;
	struct cxcore_mbox mbox[] __counted_by(nblocks);
};

/* One command from submission to completion (or abandonment). */
struct cxcore_cmd_ent {
	struct cxcore_cmd_msg *in;
	struct cxcore_cmd_msg *out;
	struct completion done;
	u16 opcode;
	u16 op_mod;
	u8 token;
	u8 slot;
	bool page_slot;		/* uses the reserved MANAGE_PAGES slot */
	bool polling;		/* completion by polling, not by event */
	bool stale;		/* timed out; the device still owns the slot */
};

struct cxcore_cmd_stats {
	atomic64_t executed;	/* delivered and completed */
	atomic64_t polled;	/* completions seen by polling */
	atomic64_t evented;	/* completions delivered by an event */
	atomic64_t ignored;	/* completion events for no waiting command */
	atomic64_t timeouts;
	atomic64_t late;	/* timed-out commands the device finished later */
	atomic64_t deliv_err;	/* non-zero delivery status */
};

struct cxcore_cmd {
	void *queue;			/* 4 KiB, 1 << log_sz entries */
	dma_addr_t queue_dma;
	struct dma_pool *pool;		/* mailboxes: 576 bytes, 1 KiB aligned */
	u8 log_sz;
	u8 log_stride;
	unsigned int nslots;		/* 1 << log_sz */
	unsigned int page_slot;		/* the last slot, for MANAGE_PAGES */

	/* lock protects busy, ent[], token and mode */
	spinlock_t lock;
	unsigned long busy;		/* slots in use, stale ones included */
	struct cxcore_cmd_ent *ent[CXCORE_CMD_MAX_SLOTS]; /* pending ones */
	u8 token;
	enum cxcore_cmd_mode mode;

	struct semaphore sem;		/* regular slots: nslots - 1 */
	struct semaphore page_sem;	/* the reserved slot */
	atomic_t inflight_events;	/* commands waiting for an event */
	wait_queue_head_t drain_wq;
	bool down;			/* fail every new command with -ENXIO */
	struct cxcore_cmd_stats stats;
};

struct cxcore_eq {
	void *buf;
	dma_addr_t dma;
	size_t size;
	unsigned int nent;
	u8 log_nent;
	u8 eqn;
	bool created;
	u32 cons_index;
	int irq;			/* Linux IRQ number, or 0 */
	void __iomem *doorbell;		/* UAR page + arm offset */
	u64 interrupts;
	u64 eqes;
	char irq_name[48];
};

/* Pages given to the firmware, by DMA address. */
struct cxcore_pages {
	struct mutex lock;		/* protects root and count */
	struct rb_root root;
	unsigned int count;
	u64 given;			/* total pages ever given */
	u64 returned;			/* total pages taken back */
};

struct cxcore_health {
	struct delayed_work work;
	bool running;
	u32 last_count;
	unsigned int misses;
	bool stuck_reported;
	u8 last_synd;
	bool gone_reported;
};

/* How far probe went: remove (and a failed probe) undoes from there down. */
enum cxcore_stage {
	CXCORE_STAGE_NONE,
	CXCORE_STAGE_PCI,	/* enabled, regions, bus master, BAR0 mapped */
	CXCORE_STAGE_CMD,	/* command queue address given to the device */
	CXCORE_STAGE_ENABLED,	/* ENABLE_HCA; health polling; pages */
	CXCORE_STAGE_INITIALIZED, /* INIT_HCA */
	CXCORE_STAGE_UAR,	/* ALLOC_UAR */
	CXCORE_STAGE_IRQ,	/* MSI-X vectors */
	CXCORE_STAGE_EQ,	/* command EQ; event mode unless poll_mode */
	CXCORE_STAGE_DEBUGFS,
	CXCORE_STAGE_AUX,	/* auxiliary device cxcore.ctl.N */
};

struct cxcore_dev {
	struct pci_dev *pdev;
	enum cxcore_stage stage;
	void __iomem *bar;
	resource_size_t bar_len;
	struct mlx5_init_seg __iomem *iseg;

	struct cxcore_cmd cmd;
	struct cxcore_eq cmd_eq;
	struct cxcore_pages pages;
	struct cxcore_health health;

	void *caps_max;			/* general capabilities */
	void *caps_cur;
	u16 issi;
	u32 uar_index;
	void __iomem *uar;
	int nvec;

	struct cxcore_adev *adev;
	struct dentry *dbg;
};

static inline struct device *cxcore_dma_dev(struct cxcore_dev *dev)
{
	return &dev->pdev->dev;
}

static inline u16 cxcore_in_opcode(const void *in)
{
	return MLX5_GET(cxcore_mbox_in, in, opcode);
}

static inline u16 cxcore_in_op_mod(const void *in)
{
	return MLX5_GET(cxcore_mbox_in, in, op_mod);
}

/* main.c */
extern bool cxcore_poll_mode;

/* cmd.c */
int cxcore_cmd_init(struct cxcore_dev *dev);
void cxcore_cmd_cleanup(struct cxcore_dev *dev);
void cxcore_cmd_set_down(struct cxcore_dev *dev);
void cxcore_cmd_use_events(struct cxcore_dev *dev);
void cxcore_cmd_use_polling(struct cxcore_dev *dev);
int cxcore_cmd_check(struct cxcore_dev *dev, const void *in, const void *out);
void cxcore_cmd_complete_event(struct cxcore_dev *dev, u32 vector);
void cxcore_cmd_reap_stale(struct cxcore_dev *dev, bool force);
unsigned int cxcore_cmd_timeout_ms(void);

/* hca.c */
int cxcore_hca_enable(struct cxcore_dev *dev);
void cxcore_hca_disable(struct cxcore_dev *dev);
int cxcore_hca_set_issi(struct cxcore_dev *dev);
int cxcore_hca_set_endianness(struct cxcore_dev *dev);
int cxcore_hca_setup_caps(struct cxcore_dev *dev);
int cxcore_hca_init(struct cxcore_dev *dev);
int cxcore_hca_teardown(struct cxcore_dev *dev);
int cxcore_uar_alloc(struct cxcore_dev *dev);
void cxcore_uar_free(struct cxcore_dev *dev);

/* pages.c */
void cxcore_pages_init(struct cxcore_dev *dev);
int cxcore_pages_give_boot(struct cxcore_dev *dev);
int cxcore_pages_give_init(struct cxcore_dev *dev);
void cxcore_pages_reclaim(struct cxcore_dev *dev);
void cxcore_pages_free_all(struct cxcore_dev *dev);

/* eq.c */
int cxcore_eq_create_cmd(struct cxcore_dev *dev);
void cxcore_eq_destroy_cmd(struct cxcore_dev *dev);
void cxcore_eq_free(struct cxcore_dev *dev);

/* health.c */
void cxcore_health_start(struct cxcore_dev *dev);
void cxcore_health_stop(struct cxcore_dev *dev);

/* aux.c */
int cxcore_aux_add(struct cxcore_dev *dev);
void cxcore_aux_del(struct cxcore_dev *dev);
void cxcore_aux_exit(void);

/* debugfs.c */
void cxcore_debugfs_init(void);
void cxcore_debugfs_exit(void);
int cxcore_debugfs_add(struct cxcore_dev *dev);
void cxcore_debugfs_remove(struct cxcore_dev *dev);

#endif /* _CXCORE_PRIV_H_ */
