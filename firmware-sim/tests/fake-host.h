/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake host for the cxfw library: guest memory, DMA that can fail, a
 * record of interrupts, a settable clock, and a driver's view of the
 * command queue, mailbox chains and event queues.  Tests and the benchmark
 * drive the firmware through it exactly as a device model and a driver
 * would, without QEMU.
 *
 * Layouts are never hand-computed here: every offset comes from
 * CXFW_FLD() in cxfw-fields.def.
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <glib.h>

#include "cxfw.h"
#include "cxfw-layout.h"
#include "cxfw-prm.h"

#define FH_MEM_BASE         0x100000ull     /* bus address of guest memory */
#define FH_MEM_SIZE         (16u << 20)     /* 16 MiB: two 2 MiB chains fit */
#define FH_MSIX_VECTORS     8
#define FH_MAX_VECTORS      64
#define FH_PAGE_SIZE        4096
#define FH_HDR_LEN          CXFW_CMD_INLINE_LEN
#define FH_NUM_SLOTS        (1u << CXFW_CMD_LOG_SIZE)
#define FH_MAX_EQ_PAGES     64

/* Buffer sizes: the mlx5_ifc layout sizes (cxfw-sizes.def). */
#define FH_CAP_SIZE             0x1000  /* hca_cap_union */
#define FH_QUERY_HCA_CAP_OUTLEN CXFW_SIZEOF(query_hca_cap_out)
#define FH_SET_HCA_CAP_INLEN    CXFW_SIZEOF(set_hca_cap_in)
#define FH_QUERY_ISSI_OUTLEN    CXFW_SIZEOF(query_issi_out)
#define FH_QUERY_ADAPTER_OUTLEN CXFW_SIZEOF(query_adapter_out)
#define FH_QUERY_EQ_OUTLEN      CXFW_SIZEOF(query_eq_out)
#define FH_CREATE_EQ_INLEN      cxfw_field_byte(CXFW_FLD(create_eq_in, pas))
#define FH_REG_HOST_ENDIANNESS_LEN 16
#define FH_PAS_ENTRY            8

/* Command header and output header fields (the same in every command). */
#define FH_OPCODE           CXFW_FLD(create_eq_in, opcode)
#define FH_UID              CXFW_FLD(create_eq_in, uid)
#define FH_OP_MOD           CXFW_FLD(create_eq_in, op_mod)
#define FH_STATUS           CXFW_FLD(query_pages_out, status)
#define FH_SYNDROME         CXFW_FLD(query_pages_out, syndrome)

typedef struct FakeHost {
    Cxfw *fw;
    uint8_t *mem;               /* FH_MEM_SIZE bytes at FH_MEM_BASE */

    /* a window DMA cannot reach: reads and/or writes fail inside it */
    uint64_t hole_addr, hole_len;
    bool hole_read, hole_write;

    /* clock for the internal timer */
    uint64_t clock_ns;

    /* what the firmware did through the host callbacks */
    unsigned notify_count[FH_MAX_VECTORS];
    unsigned notify_total;
    unsigned guest_errors;
    char last_guest_error[128];
    unsigned dma_reads, dma_writes, dma_failures;
    unsigned commands_done;
    uint16_t last_done_opcode;
    uint8_t last_done_status;
    uint32_t last_done_syndrome;

    /* guest memory allocator (bump, rewindable) */
    uint64_t next_free;

    /* the driver's state */
    uint64_t cmdq;              /* command queue address, 0: not set up */
    uint8_t next_token;
    uint32_t uar;               /* UAR allocated by fh_bringup() */
} FakeHost;

/* Create a host and its firmware (profile NULL: the default). */
FakeHost *fh_new(const char *profile);
FakeHost *fh_new_cfg(const CxfwConfig *cfg);
void fh_free(FakeHost *fh);

/* Guest memory. */
uint64_t fh_alloc(FakeHost *fh, size_t len, size_t align);   /* zeroed */
uint64_t fh_alloc_mark(FakeHost *fh);
void fh_alloc_release(FakeHost *fh, uint64_t mark);
void *fh_ptr(FakeHost *fh, uint64_t addr);
void fh_set_hole(FakeHost *fh, uint64_t addr, uint64_t len, bool block_read,
                 bool block_write);
void fh_clear_hole(FakeHost *fh);

/* Host callbacks, usable directly (e.g. to wrap them in other ops). */
extern const CxfwHostOps fh_ops;

/* Command headers. */
void fh_hdr(void *in, uint16_t opcode, uint16_t op_mod);
uint8_t fh_status(const void *out);
uint32_t fh_syndrome(const void *out);

/* Execute through cxfw_exec: the header only, and a checked variant. */
uint8_t fh_exec(FakeHost *fh, const void *in, uint32_t inlen, void *out,
                uint32_t outlen);
uint8_t fh_simple(FakeHost *fh, uint16_t opcode, uint16_t op_mod,
                  uint32_t *syndrome);

/* Init segment helpers. */
void fh_write_cmdq_addr(FakeHost *fh, uint64_t addr, unsigned nic_interface);
uint64_t fh_cmdq_init(FakeHost *fh);   /* allocates and programs the queue */

/* Mailbox chains: blocks of CXFW_MAILBOX_SIZE bytes, 1 KiB aligned. */
uint64_t fh_chain_new(FakeHost *fh, unsigned nblocks, uint8_t token,
                      const void *data, size_t len);
uint64_t fh_chain_block(FakeHost *fh, uint64_t first, unsigned index);
void fh_chain_read(FakeHost *fh, uint64_t first, void *data, size_t len);
uint64_t fh_box_get(FakeHost *fh, uint64_t box, CxfwFieldId f);
void fh_box_set(FakeHost *fh, uint64_t box, CxfwFieldId f, uint64_t value);
void fh_box_set_next(FakeHost *fh, uint64_t box, uint64_t next);
unsigned fh_blocks_for(uint32_t len);

/* Command queue entries. */
typedef struct FhEntry {
    unsigned slot;
    uint32_t inlen, outlen;     /* as written in the entry */
    uint8_t token;
    uint8_t type;
    uint64_t in_ptr, out_ptr;   /* first mailbox of each chain, 0: none */
} FhEntry;

uint64_t fh_entry_addr(FakeHost *fh, unsigned slot);
/*
 * Prepare slot for command in[inlen] with outlen bytes of output: builds
 * both chains with exactly the blocks needed, then fh_entry_write().
 */
void fh_entry_build(FakeHost *fh, FhEntry *e, unsigned slot, const void *in,
                    uint32_t inlen, uint32_t outlen);
/* Write e as the slot's entry (in's first 16 bytes inline), owned by HW. */
void fh_entry_write(FakeHost *fh, const FhEntry *e, const void *in);
uint64_t fh_entry_get(FakeHost *fh, unsigned slot, CxfwFieldId f);
void fh_entry_set(FakeHost *fh, unsigned slot, CxfwFieldId f, uint64_t value);
void fh_entry_set_in_ptr(FakeHost *fh, unsigned slot, uint64_t ptr);
void fh_entry_set_out_ptr(FakeHost *fh, unsigned slot, uint64_t ptr);
uint8_t fh_entry_status_own(FakeHost *fh, unsigned slot);
bool fh_entry_owned_by_hw(FakeHost *fh, unsigned slot);
uint8_t fh_entry_delivery(FakeHost *fh, unsigned slot);
/* Command status and syndrome from the entry's output header. */
uint8_t fh_entry_cmd_status(FakeHost *fh, unsigned slot);
uint32_t fh_entry_cmd_syndrome(FakeHost *fh, unsigned slot);
/* The output: 16 bytes from the entry, the rest from e's output chain. */
void fh_entry_output(FakeHost *fh, const FhEntry *e, void *out,
                     uint32_t outlen);
void fh_ring(FakeHost *fh, uint32_t slot_mask);
/*
 * One command through the whole transport in slot: build, ring, read the
 * output (out holds MAX(outlen, 16) bytes).  Returns the delivery status.
 */
uint8_t fh_cmd_slot(FakeHost *fh, unsigned slot, const void *in,
                    uint32_t inlen, void *out, uint32_t outlen);
uint8_t fh_cmd(FakeHost *fh, const void *in, uint32_t inlen, void *out,
               uint32_t outlen);

/*
 * Bring-up as a driver does it, through cxfw_exec: ENABLE_HCA, QUERY_ISSI,
 * SET_ISSI, boot pages, HOST_ENDIANNESS, QUERY_HCA_CAP, SET_HCA_CAP, init
 * pages, INIT_HCA, ALLOC_UAR (fh->uar).
 */
void fh_enable(FakeHost *fh);
uint32_t fh_give_pages(FakeHost *fh, uint32_t n, uint64_t *addrs);
void fh_bringup(FakeHost *fh);
uint32_t fh_alloc_uar(FakeHost *fh);

/* Event queues, the driver's view. */
typedef struct FhEq {
    uint8_t eqn;
    unsigned log_size;
    unsigned vector;
    uint32_t uar;
    uint32_t npas;
    uint64_t pas[FH_MAX_EQ_PAGES];
    uint32_t cc;                /* consumer counter */
} FhEq;

/*
 * A CREATE_EQ input (g_free it) with freshly allocated, non-contiguous
 * 4 KiB pages whose EQEs are initialized to owner 1, as mlx5 does.
 */
uint8_t *fh_eq_in(FakeHost *fh, unsigned log_size, uint64_t event_mask,
                  unsigned vector, uint32_t uar, uint32_t *inlen);
/* Create an EQ; returns the command status (syndrome in *syndrome). */
uint8_t fh_eq_create(FakeHost *fh, FhEq *eq, unsigned log_size,
                     uint64_t event_mask, unsigned vector, uint32_t uar,
                     uint32_t *syndrome);
uint64_t fh_eqe_addr(const FhEq *eq, uint32_t index);
uint8_t *fh_eqe(FakeHost *fh, const FhEq *eq, uint32_t index);
/* The EQE at the consumer counter if valid (mlx5_eq_get_eqe), else NULL. */
uint8_t *fh_eq_peek(FakeHost *fh, FhEq *eq);
uint8_t *fh_eq_next(FakeHost *fh, FhEq *eq);
void fh_eq_doorbell(FakeHost *fh, FhEq *eq, bool arm);
uint8_t fh_eq_query(FakeHost *fh, uint8_t eqn, uint8_t *out, uint32_t outlen);

/* Commands as a user context: uid stamped into the header. */
uint8_t fh_exec_as(FakeHost *fh, uint16_t uid, void *in, uint32_t inlen,
                   void *out, uint32_t outlen);
/* CREATE_UCTX as the driver; fails the test if refused. */
uint16_t fh_uctx_new(FakeHost *fh, uint32_t cap);

/* Memory objects, the driver's view. */
#define FH_MTT_RD           1u      /* mtt rd_en */
#define FH_MTT_WR           2u      /* mtt wr_en */
#define FH_MKEY_LR          (1u << 0)   /* mkc lr, lw, rr, rw, a */
#define FH_MKEY_LW          (1u << 1)
#define FH_MKEY_RR          (1u << 2)
#define FH_MKEY_RW          (1u << 3)
#define FH_MKEY_A           (1u << 4)
#define FH_CREATE_UMEM_INLEN(n) \
    (CXFW_SIZEOF(create_umem_in) + (n) * CXFW_MTT_ENTRY_SIZE)

/*
 * A CREATE_UMEM input (g_free it) for n pages at addrs[], every entry with
 * access (FH_MTT_RD | FH_MTT_WR); *inlen = 48 + 8 * n.
 */
uint8_t *fh_umem_in(uint32_t log_page_size, uint32_t page_offset,
                    const uint64_t *addrs, uint32_t n, unsigned access,
                    uint32_t *inlen);
/* Entry i of a CREATE_UMEM input: a raw 64-bit value, or address+access. */
void fh_umem_set_mtt_raw(uint8_t *in, uint32_t i, uint64_t raw);
void fh_umem_set_mtt(uint8_t *in, uint32_t i, uint64_t addr,
                     unsigned access);
/* CREATE_UMEM as uid: the status, *id and *synd (either may be NULL). */
uint8_t fh_umem_create(FakeHost *fh, uint16_t uid, uint8_t *in,
                       uint32_t inlen, uint32_t *id, uint32_t *synd);
uint8_t fh_pd_alloc(FakeHost *fh, uint16_t uid, uint32_t *pdn,
                    uint32_t *synd);
/*
 * A CREATE_MKEY input (CXFW_SIZEOF(create_mkey_in) bytes) for a key in PD
 * pdn over umem bytes [umem_offset, umem_offset + len) at virtual address
 * start, with access (FH_MKEY_*) and variant byte mkey_7_0.
 */
void fh_mkey_in(uint8_t *in, uint32_t pdn, uint32_t umem_id,
                uint64_t umem_offset, uint64_t start, uint64_t len,
                unsigned access, uint8_t variant);
/* CREATE_MKEY as uid: the status, *mkey (index << 8 | variant), *synd. */
uint8_t fh_mkey_create(FakeHost *fh, uint16_t uid, uint8_t *in,
                       uint32_t *mkey, uint32_t *synd);
/*
 * A command naming one object by number at byte 8 (DESTROY/QUERY_UMEM,
 * DEALLOC_PD, DESTROY/QUERY_MKEY), as uid; out gets outlen bytes.
 */
uint8_t fh_obj_cmd(FakeHost *fh, uint16_t uid, uint16_t opcode,
                   uint32_t number, void *out, uint32_t outlen);

/*
 * A buffer registered the way mlx5ctl registers a user buffer: size bytes
 * starting page_offset into the first of 4 KiB pages (contiguous on the
 * bus, or each followed by a gap), a umem over them with mtt_access
 * (FH_MTT_*) on every page, a PD and a memory key over the whole buffer at
 * virtual address va with mkey_access (FH_MKEY_*).  All of it as uid.
 */
typedef struct FhBuf {
    uint16_t uid;
    uint32_t npages;
    uint64_t *pages;            /* bus addresses */
    uint32_t page_offset;
    uint64_t size, va;
    uint32_t umem, pd, mkey;
} FhBuf;

#define FH_BUF_VA           0x7f0000000000ull  /* plus page_offset */
void fh_buf_new(FakeHost *fh, FhBuf *b, uint16_t uid, uint64_t size,
                uint32_t page_offset, bool scattered, unsigned mtt_access,
                unsigned mkey_access);
void fh_buf_free(FhBuf *b);
/* The bus address of buffer byte off. */
uint64_t fh_buf_bus(const FhBuf *b, uint64_t off);
/* Copy buffer bytes [off, off + len) out of guest memory. */
void fh_buf_read(FakeHost *fh, const FhBuf *b, uint64_t off, void *dst,
                 size_t len);
/* Set every byte of the buffer's pages; count those still equal to it. */
void fh_buf_fill(FakeHost *fh, const FhBuf *b, uint8_t byte);
uint64_t fh_buf_count(FakeHost *fh, const FhBuf *b, uint8_t byte);

/*
 * ACCESS_REG read of register reg as uid: size bytes of register data in
 * (data_in, NULL: zeros) and out (data_out, may be NULL).  Returns the
 * status; *synd (may be NULL) the syndrome.
 */
uint8_t fh_reg_read(FakeHost *fh, uint16_t uid, uint16_t reg,
                    const void *data_in, void *data_out, uint32_t size,
                    uint32_t *synd);

/* Statistics shortcut. */
CxfwStats fh_stats(FakeHost *fh);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakeHost, fh_free)

#endif
