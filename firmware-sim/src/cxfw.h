/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxfw: the cxsim firmware simulator, public interface.
 *
 * The firmware owns everything a real ConnectX firmware owns: the
 * initialization segment, the command queue transport (queue entries and
 * mailbox chains read from host memory), command execution, event queues
 * and page accounting.  It has no QEMU dependency: its host (the QEMU
 * device model, a unit test, a fuzzer) supplies DMA callbacks, an
 * interrupt callback and a clock.  Every callback may fail; the firmware
 * answers a failed DMA the way a device would (delivery status, dropped
 * event), never by crashing.
 *
 * The library is single-threaded: the host serializes all calls.
 */
#ifndef CXFW_H
#define CXFW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Cxfw Cxfw;

typedef struct CxfwHostOps {
    /* Read/write len bytes of host memory at bus address addr. */
    bool (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
    bool (*dma_write)(void *opaque, uint64_t addr, const void *buf,
                      size_t len);
    /* Raise MSI-X vector (already checked < CxfwConfig.msix_vectors). */
    void (*notify)(void *opaque, unsigned vector);
    /* Nanoseconds of a monotonic clock, for the internal timer. */
    uint64_t (*clock_ns)(void *opaque);
    /* Optional: a guest (host driver) error, for tracing. */
    void (*guest_error)(void *opaque, const char *what, uint64_t arg);
    /* Optional: one call per executed command, for tracing. */
    void (*command_done)(void *opaque, unsigned slot, uint16_t opcode,
                         uint16_t op_mod, uint16_t uid, uint8_t status,
                         uint32_t syndrome);
} CxfwHostOps;

typedef struct CxfwConfig {
    const char *profile;        /* NULL: the default profile */
    const char *fw_version;     /* "major.minor.subminor", NULL: profile's */
    unsigned msix_vectors;      /* vectors the function exposes */
} CxfwConfig;

/* BAR0 geometry: the init segment, then UAR pages (4 KiB each). */
#define CXFW_ISEG_SIZE          0x2010
#define CXFW_UAR_PAGE_SIZE      0x1000
#define CXFW_ISEG_CMDQ_ADDR_H   0x010   /* queue address, high 32 bits */
#define CXFW_ISEG_CMDQ_ADDR_L   0x014   /* queue address: resets firmware */
#define CXFW_ISEG_CMD_DBELL     0x018   /* doorbell register offset */

/*
 * Create a firmware instance.  Returns NULL and sets *errmsg (caller
 * frees with g_free) on an unknown profile or a malformed fw_version.
 */
Cxfw *cxfw_new(const CxfwConfig *cfg, const CxfwHostOps *ops, void *opaque,
               char **errmsg);
void cxfw_free(Cxfw *fw);

/* Device reset / FLR: all firmware state returns to power-on. */
void cxfw_reset(Cxfw *fw);

/* Bytes of BAR0 the device exposes (init segment plus UAR pages). */
uint64_t cxfw_bar0_size(const Cxfw *fw);

/*
 * 32-bit accesses to the init segment, offset 4-byte aligned, value in
 * host order (the bus carries it big-endian).  Unknown offsets read 0 and
 * ignore writes.  A write to CXFW_ISEG_CMD_DBELL is NOT executed here: the
 * host must call cxfw_cmd_doorbell() later (from a bottom half), so that
 * command processing never runs inside the vCPU's MMIO write.
 */
uint32_t cxfw_iseg_read(Cxfw *fw, uint32_t offset);
void cxfw_iseg_write(Cxfw *fw, uint32_t offset, uint32_t value);

/* Execute the command queue slots in slot_mask. */
void cxfw_cmd_doorbell(Cxfw *fw, uint32_t slot_mask);

/* A 32-bit write to UAR page uar_index at offset (EQ doorbells). */
void cxfw_uar_write(Cxfw *fw, uint32_t uar_index, uint32_t offset,
                    uint32_t value);

/* Advance the health counter; the host calls it periodically. */
void cxfw_health_tick(Cxfw *fw);

/*
 * Execute one command directly, bypassing the queue transport (for unit
 * tests, fuzzers and benchmarks).  in/out hold the whole command input and
 * output (16-byte headers included).  Returns the command status; the
 * output header holds status and syndrome as the device writes them.
 */
uint8_t cxfw_exec(Cxfw *fw, const void *in, uint32_t inlen, void *out,
                  uint32_t outlen);

/* Introspection for tests and tools. */
typedef struct CxfwStats {
    uint64_t commands;          /* commands executed */
    uint64_t command_errors;    /* non-zero status */
    uint64_t delivery_errors;   /* non-zero delivery status */
    uint64_t unsupported;       /* commands with an unimplemented opcode */
    uint64_t events;            /* EQEs written */
    uint64_t events_dropped;    /* EQ full or DMA failure */
    uint64_t interrupts;        /* notify() calls */
    uint64_t guest_errors;      /* ignored bad accesses */
    uint64_t dma_bytes;         /* moved by the DMA engine through mkeys */
    uint64_t dma_errors;        /* DMA engine accesses refused or failed */
    uint64_t pages_given;       /* MANAGE_PAGES give: pages accepted */
    uint64_t pages_taken;       /* MANAGE_PAGES take: pages returned */
    uint64_t umems_created;     /* CREATE_UMEM successes */
    uint64_t mkeys_created;     /* CREATE_MKEY successes */
    uint32_t live_eqs;
    uint32_t live_uars;
    uint32_t live_uctxs;        /* user contexts (uids other than 0) */
    uint32_t live_umems;
    uint32_t live_pds;
    uint32_t live_mkeys;
    uint64_t umem_bytes;        /* registered by the live umems */
    uint32_t pages_owned;       /* pages the driver gave and has not taken */
    uint8_t hca_state;          /* CxfwHcaState */
} CxfwStats;

void cxfw_get_stats(const Cxfw *fw, CxfwStats *stats);

/*
 * The statistics window, a cxsim extension: one read-only page of BAR0
 * after the init segment's pages and below the first UAR page, which the
 * driver may read at any time (HCA disabled included) to see what the
 * firmware holds.  Big-endian 32-bit registers like the rest of BAR0, at
 * the offsets cxfw_stats_window_reg() lists (docs/prm-coverage.md); other
 * offsets read 0.  The stock driver never maps this page.
 */
#define CXFW_STATS_WINDOW       0x3000  /* BAR0 offset: page 3 */
#define CXFW_STATS_WINDOW_SIZE  0x1000
#define CXFW_STATS_WINDOW_MAGIC 0x63787301  /* "cxs", layout version 1 */

typedef struct CxfwStatsWindowReg {
    uint32_t offset;            /* in the window */
    const char *name;           /* "magic" or the CxfwStats field shown */
    const char *desc;
} CxfwStatsWindowReg;

/* Register i of the window (in offset order), NULL past the last. */
const CxfwStatsWindowReg *cxfw_stats_window_reg(unsigned i);
/* A 32-bit read at offset in the window, value in host order. */
uint32_t cxfw_stats_window_read(const Cxfw *fw, uint32_t offset);
/* Writes change nothing: each is a guest error. */
void cxfw_stats_window_write(Cxfw *fw, uint32_t offset, uint32_t value);

/* Opcodes received that the firmware does not implement (for gap reports). */
typedef void (*CxfwUnsupportedFn)(uint16_t opcode, uint64_t count,
                                  void *opaque);
void cxfw_foreach_unsupported(const Cxfw *fw, CxfwUnsupportedFn fn,
                              void *opaque);

/*
 * Check the instance's internal consistency (counters, owners, states).
 * Returns false and a message (g_free it) on the first violation.  For
 * fuzzers and tests: a violation is a firmware bug, whatever the input.
 */
bool cxfw_check_invariants(Cxfw *fw, char **why);

/*
 * Migration: the whole firmware state as bytes (g_free them), and back.
 * cxfw_state_load() validates everything it reads (the stream is
 * untrusted) and takes it only if all of it is consistent and was saved
 * by a firmware of the same profile, version and MSI-X vector count;
 * otherwise it returns false with *errmsg set (g_free it) and fw is left
 * exactly as it was.  It moves no DMA and raises no interrupt.
 */
uint8_t *cxfw_state_save(Cxfw *fw, size_t *len);
bool cxfw_state_load(Cxfw *fw, const void *buf, size_t len, char **errmsg);

/* Names for tools and traces; NULL when unknown. */
const char *cxfw_opcode_name(uint16_t opcode);
const char *cxfw_status_name(uint8_t status);
const char *cxfw_syndrome_name(uint32_t syndrome);
const char *cxfw_default_profile(void);

#endif
