/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest library: boot a q35 machine with cxsim functions and play
 * the part of their driver.  The test owns guest memory (libqos guest
 * allocator) and writes everything a driver writes: the command queue,
 * mailbox chains, pages, event queue buffers and doorbells.
 *
 * Everything in BAR0 and in DMA memory is big-endian; the helpers take
 * and return host-order values.
 */
#ifndef CXSIM_QTEST_H
#define CXSIM_QTEST_H

#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/libqos-malloc.h"
#include "qemu/bswap.h"
#include "cxfw-prm.h"

#define CXSIM_VENDOR_ID             0x15b3
#define CXSIM_DEVICE_ID             0x101d
#define CXSIM_BAR0_SIZE             (2 * 1024 * 1024)
#define CXSIM_MAX_DEVS              4
#define CXSIM_PAGE_SIZE             4096
#define CXSIM_FIRST_UAR             16
#define CXSIM_DEFAULT_MSIX          8

/* Initialization segment (BAR0 offset 0). */
#define CXSIM_ISEG_FW_REV           0x000
#define CXSIM_ISEG_CMDIF_REV        0x004
#define CXSIM_ISEG_CMDQ_ADDR_H      0x010
#define CXSIM_ISEG_CMDQ_ADDR_L_SZ   0x014
#define CXSIM_ISEG_CMD_DBELL        0x018
#define CXSIM_ISEG_INITIALIZING     0x1fc
#define CXSIM_ISEG_HEALTH           0x200
#define CXSIM_ISEG_HEALTH_SIZE      0x40
#define CXSIM_ISEG_HEALTH_FW_VER    0x230
#define CXSIM_ISEG_HEALTH_RFR       0x238   /* rfr_severity: byte 0 */
#define CXSIM_ISEG_HEALTH_SYND      0x23c   /* synd: byte 1 of this dword */
#define CXSIM_ISEG_CMD_EXEC_TO      0xff8
#define CXSIM_ISEG_CMD_Q_INIT_TO    0xffc
#define CXSIM_ISEG_TIMER_H          0x1000
#define CXSIM_ISEG_TIMER_L          0x1004
#define CXSIM_ISEG_HEALTH_COUNTER   0x1010

/* cmdq_addr_l_sz */
#define CXSIM_CMDQ_SZ_MASK          0xff
#define CXSIM_CMDQ_SZ_VALUE \
    ((CXFW_CMD_LOG_SIZE << 4) | CXFW_CMD_LOG_STRIDE)
#define CXSIM_CMDQ_NIC_IF_SHIFT     8
#define CXSIM_CMDQ_NIC_IF_MASK      (7 << CXSIM_CMDQ_NIC_IF_SHIFT)
#define CXSIM_CMDQ_SLOTS            (1 << CXFW_CMD_LOG_SIZE)

/* Command queue entry (64 bytes). */
#define CXSIM_ENT_TYPE              0x00
#define CXSIM_ENT_INLEN             0x04
#define CXSIM_ENT_IN_PTR            0x08
#define CXSIM_ENT_IN                0x10
#define CXSIM_ENT_OUT               0x20
#define CXSIM_ENT_OUT_PTR           0x30
#define CXSIM_ENT_OUTLEN            0x38
#define CXSIM_ENT_TOKEN             0x3c
#define CXSIM_ENT_SIG               0x3d
#define CXSIM_ENT_STATUS_OWN        0x3f
#define CXSIM_OWN_HW                0x01

/* Mailbox block (576 bytes, placed 1 KiB apart by this library). */
#define CXSIM_MB_NEXT               0x230
#define CXSIM_MB_BLOCK_NUM          0x238
#define CXSIM_MB_TOKEN              0x23d
#define CXSIM_MB_STRIDE             1024

/* Event queue entry (64 bytes). */
#define CXSIM_EQE_TYPE              0x01
#define CXSIM_EQE_SUB_TYPE          0x03
#define CXSIM_EQE_DATA              0x20
#define CXSIM_EQE_OWNER             0x3f

/* Output header. */
#define CXSIM_OUT_STATUS            0x00
#define CXSIM_OUT_SYNDROME          0x04

/* Input/output layout sizes (mlx5_ifc.h). */
#define CXSIM_HDR_LEN               16
#define CXSIM_ENABLE_HCA_OUTLEN     12      /* what mlx5_core sends */
#define CXSIM_QUERY_ISSI_OUTLEN     0x70
#define CXSIM_INIT_HCA_INLEN        0x20
#define CXSIM_CAP_LEN               0x1000
#define CXSIM_QUERY_CAP_OUTLEN      (CXSIM_HDR_LEN + CXSIM_CAP_LEN)
#define CXSIM_SET_CAP_INLEN         (CXSIM_HDR_LEN + CXSIM_CAP_LEN)
#define CXSIM_QUERY_ADAPTER_OUTLEN  0x110
#define CXSIM_CREATE_EQ_INLEN       0x110   /* plus 8 bytes per pas entry */
#define CXSIM_QUERY_EQ_OUTLEN       0x110
#define CXSIM_REG_HOST_ENDIANNESS_LEN 16

/* General capability fields: byte offset of the big-endian dword. */
#define CXSIM_CAP_LOG_MAX_EQ_SZ     0x1c    /* bits 31:24 */
#define CXSIM_CAP_LOG_MAX_EQ        0x1c    /* bits 3:0 */
#define CXSIM_CAP_PORT_TYPE         0x34    /* bits 9:8 */
#define CXSIM_CAP_CMDIF_CHECKSUM    0x40    /* bits 15:14 */
#define CXSIM_CAP_MAX_NUM_EQS       0x8c    /* bits 15:0 */
#define CXSIM_CAP_UCTX_CAP          0xd4

/* EQ context inside CREATE_EQ input / QUERY_EQ output (offset 0x10). */
#define CXSIM_EQC                   0x10
#define CXSIM_EQC_LOG_SZ_UAR        (CXSIM_EQC + 0x0c)
#define CXSIM_EQC_INTR              (CXSIM_EQC + 0x14)
#define CXSIM_EQC_LOG_PAGE_SIZE     (CXSIM_EQC + 0x18)
#define CXSIM_EQC_CONSUMER          (CXSIM_EQC + 0x28)
#define CXSIM_EQC_PRODUCER          (CXSIM_EQC + 0x2c)
#define CXSIM_CREATE_EQ_MASK        0x58
#define CXSIM_CREATE_EQ_PAS         0x110

/* Event bitmask bit for the command completion event. */
#define CXSIM_EVENT_MASK_CMD        (1ULL << CXFW_EVENT_CMD)

/* How many polls of status_own before a command counts as lost. */
#define CXSIM_POLL_LIMIT            2000

/* Big-endian field access in a host buffer. */
static inline uint8_t cx_get8(const void *buf, size_t off)
{
    return ((const uint8_t *)buf)[off];
}

static inline void cx_put8(void *buf, size_t off, uint8_t v)
{
    ((uint8_t *)buf)[off] = v;
}

static inline uint16_t cx_get16(const void *buf, size_t off)
{
    return lduw_be_p((const uint8_t *)buf + off);
}

static inline void cx_put16(void *buf, size_t off, uint16_t v)
{
    stw_be_p((uint8_t *)buf + off, v);
}

static inline uint32_t cx_get32(const void *buf, size_t off)
{
    return ldl_be_p((const uint8_t *)buf + off);
}

static inline void cx_put32(void *buf, size_t off, uint32_t v)
{
    stl_be_p((uint8_t *)buf + off, v);
}

static inline uint64_t cx_get64(const void *buf, size_t off)
{
    return ldq_be_p((const uint8_t *)buf + off);
}

static inline void cx_put64(void *buf, size_t off, uint64_t v)
{
    stq_be_p((uint8_t *)buf + off, v);
}

/* Bits [shift + width - 1 : shift] of the big-endian dword at off. */
static inline uint32_t cx_get_bits(const void *buf, size_t off,
                                   unsigned shift, unsigned width)
{
    uint32_t mask = width >= 32 ? 0xffffffffu : (1u << width) - 1;

    return (cx_get32(buf, off) >> shift) & mask;
}

static inline void cx_put_bits(void *buf, size_t off, unsigned shift,
                               unsigned width, uint32_t v)
{
    uint32_t mask = (width >= 32 ? 0xffffffffu : (1u << width) - 1) << shift;
    uint32_t dw = cx_get32(buf, off);

    cx_put32(buf, off, (dw & ~mask) | ((v << shift) & mask));
}

/* Command input header: opcode, uid, op_mod. */
static inline void cx_hdr(void *in, uint16_t opcode, uint16_t op_mod)
{
    cx_put16(in, 0, opcode);
    cx_put16(in, 6, op_mod);
}

static inline uint8_t cx_status(const void *out)
{
    return cx_get8(out, CXSIM_OUT_STATUS);
}

static inline uint32_t cx_syndrome(const void *out)
{
    return cx_get32(out, CXSIM_OUT_SYNDROME);
}

typedef struct CxsimVM CxsimVM;

typedef struct CxsimDev {
    CxsimVM *vm;
    QTestState *qts;
    QPCIDevice *pdev;
    QPCIBar bar0;
    uint64_t bar0_size;
    bool msix;              /* MSI-X enabled through cxsim_msix_enable() */
    uint64_t cmdq;          /* guest address of the command queue, or 0 */
    uint8_t token;          /* last token used */
    uint8_t last_status;    /* of the last cxsim_cmd() */
    uint32_t last_syndrome;
    uint32_t uar;           /* UAR allocated by cxsim_bringup() */
    GArray *pages;          /* uint64_t: pages given and not taken back */
} CxsimDev;

struct CxsimVM {
    QTestState *qts;
    char *args;             /* the command line, for a migration target */
    QGuestAllocator alloc;
    QPCIBus *bus;
    int ndevs;
    CxsimDev *devs[CXSIM_MAX_DEVS];
};

/*
 * Boot "-M q35 -nodefaults -m 256M <args>" (plus -L for the firmware
 * directories, see cxsim_firmware_args()), then find every function with
 * the cxsim vendor id, map BAR0 and enable it (memory, bus master).
 */
CxsimVM *cxsim_vm_start(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/*
 * Live-migrate vm to a new QEMU with its command line plus extra_args and
 * "-incoming defer", over a UNIX socket, asserting that it completes and
 * that each function's configuration space arrives unchanged.  The test's
 * view of the guest moves over (the guest allocator, BAR mappings, driver
 * state, the MSI-X table mapping), vm is shut down and the destination
 * returned: running, or paused if vm was.
 */
CxsimVM *cxsim_vm_migrate(CxsimVM *vm, const char *extra_args);
/* Migrate vm into the file at path (QEMU's "file:" transport): vm pauses. */
void cxsim_vm_save_file(CxsimVM *vm, const char *path);
/* One "-device cxsim<props>" (props: "" or ",name=value..."). */
CxsimDev *cxsim_start(const char *props);
void cxsim_vm_stop(CxsimVM *vm);
void cxsim_stop(CxsimDev *d);

/*
 * The firmware-stats property (qom-get) of the function with QOM id, and
 * one name=value of it (the test fails if it is missing).
 */
char *cxsim_firmware_stats(CxsimDev *d, const char *id);
uint64_t cxsim_firmware_stat(CxsimDev *d, const char *id, const char *name);

/*
 * Run qemu-system with args (no qtest connection) and wait for it to exit
 * after a QMP "quit".  Returns the exit status; *err gets its stderr.
 */
int cxsim_run_qemu(const char *args, char **err);
/*
 * Run qemu-system with args (besides "-M q35 -nodefaults -m 256M") loading
 * the migration stream in the file at path; its exit status (124: it was
 * still running after 60 s, i.e. it took the stream and ran on), *err its
 * stderr.
 */
int cxsim_run_qemu_incoming(const char *args, const char *path, char **err);

/* BAR0 registers (host order; the bus carries them big-endian). */
uint32_t cxsim_rd32(CxsimDev *d, uint64_t off);
void cxsim_wr32(CxsimDev *d, uint64_t off, uint32_t val);

/* Guest memory. */
uint64_t cxsim_alloc(CxsimDev *d, size_t size);    /* zeroed, 4 KiB aligned */
void cxsim_free(CxsimDev *d, uint64_t addr);
uint8_t cxsim_mem_rd8(CxsimDev *d, uint64_t addr);
void cxsim_mem_wr8(CxsimDev *d, uint64_t addr, uint8_t v);
uint32_t cxsim_mem_rd32(CxsimDev *d, uint64_t addr);  /* big-endian */
void cxsim_mem_wr32(CxsimDev *d, uint64_t addr, uint32_t v);
uint64_t cxsim_mem_rd64(CxsimDev *d, uint64_t addr);
void cxsim_mem_wr64(CxsimDev *d, uint64_t addr, uint64_t v);

/* PCI configuration. */
uint8_t cxsim_find_cap(CxsimDev *d, uint8_t id);
/* Re-program BARs, command register and MSI-X enable after a reset. */
void cxsim_restore_pci(CxsimDev *d);
void cxsim_msix_enable(CxsimDev *d);
/* Point MSI-X vector at guest RAM (address, data) and unmask it. */
void cxsim_msix_route(CxsimDev *d, unsigned vector, uint64_t addr,
                      uint32_t data);
void cxsim_msix_mask(CxsimDev *d, unsigned vector, bool mask);

/* Command queue: allocate one (4 KiB) and program it. */
void cxsim_cmdq_init(CxsimDev *d);
/* Program the queue address registers: cmdq_addr_h, then cmdq_addr_l_sz. */
void cxsim_cmdq_set(CxsimDev *d, uint64_t addr, uint32_t nic_interface);
uint64_t cxsim_slot_addr(CxsimDev *d, unsigned slot);

/*
 * One command's memory: input and output mailbox chains (block i at
 * base + i * 1 KiB, next/block_num/token filled in), plus the inline part.
 */
typedef struct CxsimMsg {
    uint32_t inlen;
    uint32_t outlen;
    uint8_t token;
    uint8_t in16[CXSIM_HDR_LEN];
    uint64_t in_mb;         /* first input block, 0 when none */
    unsigned in_blocks;
    uint64_t out_mb;
    unsigned out_blocks;
} CxsimMsg;

unsigned cxsim_blocks(uint32_t len);
/* in holds inlen bytes (at least 16 are read: pad short inputs). */
CxsimMsg *cxsim_msg_new(CxsimDev *d, const void *in, uint32_t inlen,
                        uint32_t outlen);
void cxsim_msg_free(CxsimDev *d, CxsimMsg *m);
uint64_t cxsim_msg_in_block(CxsimMsg *m, unsigned i);
uint64_t cxsim_msg_out_block(CxsimMsg *m, unsigned i);
/* Write the queue entry for slot with ownership set to hardware. */
void cxsim_msg_post(CxsimDev *d, unsigned slot, CxsimMsg *m);
void cxsim_ring(CxsimDev *d, uint32_t mask);
/* Poll until slot's ownership clears; false when it never does. */
bool cxsim_wait(CxsimDev *d, unsigned slot);
/*
 * For slots that must NOT complete: give pending bottom halves a few main
 * loop passes, then true if slot is still owned by hardware.
 */
bool cxsim_idle(CxsimDev *d, unsigned slot);
uint8_t cxsim_status_own(CxsimDev *d, unsigned slot);
/* Output: 16 bytes from the entry, the rest from the output blocks. */
void cxsim_msg_read_out(CxsimDev *d, unsigned slot, CxsimMsg *m, void *out);

/*
 * Execute a command in slot 0 and wait.  out must hold MAX(outlen, 16)
 * bytes.  Returns the delivery status (status_own >> 1); fails the test
 * if the command never completes.
 */
uint8_t cxsim_exec(CxsimDev *d, const void *in, uint32_t inlen,
                   void *out, uint32_t outlen);
/*
 * Same, asserting delivery status 0; returns the command status and
 * records status and syndrome in d->last_status / d->last_syndrome.
 */
uint8_t cxsim_cmd(CxsimDev *d, const void *in, uint32_t inlen,
                  void *out, uint32_t outlen);
/* A command with only a header (plus dw2, dw3) in and a 16-byte out. */
uint8_t cxsim_cmd_simple(CxsimDev *d, uint16_t opcode, uint16_t op_mod,
                         uint32_t dw2, uint32_t dw3, void *out16);

#define cxsim_assert_status(d, st, synd) \
    do { \
        g_assert_cmphex((d)->last_status, ==, (st)); \
        g_assert_cmphex((d)->last_syndrome, ==, (synd)); \
    } while (0)

/* Commands. Each returns the command status. */
uint8_t cxsim_nop(CxsimDev *d);
uint8_t cxsim_enable_hca(CxsimDev *d);
uint8_t cxsim_disable_hca(CxsimDev *d);
uint8_t cxsim_query_issi(CxsimDev *d, uint16_t *current, uint32_t *supported);
uint8_t cxsim_set_issi(CxsimDev *d, uint16_t issi);
uint8_t cxsim_query_pages(CxsimDev *d, uint16_t op_mod, int32_t *num);
/* Give n pages from the guest allocator (recorded in d->pages). */
uint8_t cxsim_give_pages(CxsimDev *d, uint32_t n);
/* Give exactly the listed page addresses. */
uint8_t cxsim_give_page_list(CxsimDev *d, const uint64_t *pas, uint32_t n);
/* Take up to n pages: *got entries written to pas (may be NULL). */
uint8_t cxsim_take_pages(CxsimDev *d, uint32_t n, uint32_t *got,
                         uint64_t *pas);
/* Query pages for op_mod and give what the firmware asks for. */
void cxsim_satisfy_pages(CxsimDev *d, uint16_t op_mod);
uint8_t cxsim_query_hca_cap(CxsimDev *d, unsigned type, bool cur,
                            void *cap);
uint8_t cxsim_set_hca_cap(CxsimDev *d, unsigned type, const void *cap);
uint8_t cxsim_init_hca(CxsimDev *d);
uint8_t cxsim_teardown_hca(CxsimDev *d, uint16_t profile);
uint8_t cxsim_alloc_uar(CxsimDev *d, uint32_t *uar);
uint8_t cxsim_dealloc_uar(CxsimDev *d, uint32_t uar);
/* ACCESS_REG: data/out_data are len bytes of register data. */
uint8_t cxsim_access_reg(CxsimDev *d, uint16_t op_mod, uint16_t reg_id,
                         uint32_t arg, const void *data, void *out_data,
                         uint32_t len);

/*
 * The stock driver's bring-up: command queue, ENABLE_HCA, QUERY_ISSI,
 * SET_ISSI 1, boot pages, HOST_ENDIANNESS, QUERY_HCA_CAP max/cur,
 * SET_HCA_CAP, init pages, INIT_HCA, ALLOC_UAR (into d->uar).
 */
void cxsim_bringup(CxsimDev *d);
/* ENABLE_HCA and the pages INIT_HCA needs, but not INIT_HCA. */
void cxsim_bringup_enabled(CxsimDev *d);

#define CXSIM_EQ_MAX_PAGES          128     /* mlx5_core's async EQ */

typedef struct CxsimEq {
    uint8_t eqn;
    unsigned log_size;
    uint32_t nent;
    uint64_t buf;           /* first page */
    unsigned npages;
    uint64_t pas[CXSIM_EQ_MAX_PAGES];   /* 4 KiB pages, in queue order */
    uint32_t ci;            /* consumer index */
    uint32_t uar;
    unsigned vector;
} CxsimEq;

/*
 * Allocate and initialize (owner bits 1) the queue buffer, then
 * CREATE_EQ.  Returns the command status; eq->eqn is set on success.
 */
uint8_t cxsim_create_eq(CxsimDev *d, CxsimEq *eq, unsigned log_size,
                        uint64_t event_mask, unsigned vector, uint32_t uar);
/* The same with the caller's pages (npages of them, 4 KiB aligned). */
uint8_t cxsim_create_eq_pas(CxsimDev *d, CxsimEq *eq, unsigned log_size,
                            uint64_t event_mask, unsigned vector,
                            uint32_t uar, const uint64_t *pas);
uint8_t cxsim_destroy_eq(CxsimDev *d, CxsimEq *eq);
uint8_t cxsim_destroy_eqn(CxsimDev *d, uint8_t eqn);
uint8_t cxsim_query_eq(CxsimDev *d, uint8_t eqn, void *out);
uint64_t cxsim_eqe_addr(CxsimEq *eq, uint32_t index);
/* Next software-owned EQE at the consumer index: copy it, advance ci. */
bool cxsim_eq_poll(CxsimDev *d, CxsimEq *eq, uint8_t *eqe);
/* EQ doorbell on the queue's UAR page: arm (+0x40) or update (+0x48). */
void cxsim_eq_doorbell(CxsimDev *d, CxsimEq *eq, bool arm);
void cxsim_eq_doorbell_at(CxsimDev *d, uint32_t uar, uint32_t offset,
                          uint8_t eqn, uint32_t ci);

/*
 * Send several qtest protocol lines to QEMU in one write, so that QEMU
 * executes them back to back in one pass of its main loop (no bottom half
 * runs in between), and consume their replies.  Only one VM may be
 * running in the test process.
 */
void cxsim_qtest_batch(CxsimVM *vm, const char *lines);

#endif
