/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small, fast host for the fuzz targets: 256 KiB of guest memory, DMA
 * that fails outside it, a canary page no command of the exec and sequence
 * targets names (a write into it is a finding; the transport and state
 * targets, whose inputs name addresses themselves, make it a hole
 * instead), and the checks every target runs after each input.
 */
#ifndef FUZZ_HOST_H
#define FUZZ_HOST_H

#include <glib.h>
#include <stdint.h>
#include <stddef.h>

#include "cxfw.h"
#include "cxfw-layout.h"
#include "cxfw-prm.h"

#define FUZZ_MEM_BASE   0x10000ull
#define FUZZ_MEM_SIZE   (256u << 10)
#define FUZZ_CANARY     (FUZZ_MEM_BASE + FUZZ_MEM_SIZE - 4096)
#define FUZZ_MSIX       4

#define FUZZ_PAGES      (FUZZ_MEM_SIZE / 4096)     /* 64: one bit each */

typedef struct FuzzHost {
    Cxfw *fw;
    uint8_t *mem;
    /*
     * While dma_watch is set (around a DMA engine call), every DMA must
     * fall inside the 4 KiB pages whose bits are set (bit n: page
     * FUZZ_MEM_BASE + n * 4 KiB): memory registered for the caller.
     */
    bool dma_watch;
    uint64_t dma_read_ok, dma_write_ok;
    unsigned dma_calls;
    /*
     * The canary page as unmapped memory (DMA to it fails) rather than a
     * tripwire: for a target whose input names addresses itself (the
     * transport's mailbox pointers may name the canary's).
     */
    bool canary_unmapped;
    uint64_t clock_ns;          /* the firmware's clock (0 unless set) */
} FuzzHost;

FuzzHost *fuzz_host_new(void);
void fuzz_host_free(FuzzHost *fh);
/* Run one command through cxfw_exec; returns the status. */
uint8_t fuzz_exec(FuzzHost *fh, const void *in, uint32_t inlen, void *out,
                  uint32_t outlen);
/* The same with the header's opcode, uid and op_mod set first. */
uint8_t fuzz_cmd(FuzzHost *fh, uint16_t uid, uint16_t opcode,
                 uint16_t op_mod, uint8_t *in, uint32_t inlen, uint8_t *out,
                 uint32_t outlen);
/* ENABLE_HCA, INIT_HCA and ALLOC_UAR (default profile: no pages). */
uint32_t fuzz_bringup(FuzzHost *fh);
/* CREATE_UCTX as uid 0; returns the new uid or 0. */
uint16_t fuzz_create_uctx(FuzzHost *fh, uint32_t cap);
/* A NOP in slot of a queue at cmdq (in memory), owned by hardware or not. */
void fuzz_queue_nop(FuzzHost *fh, uint64_t cmdq, unsigned slot, uint16_t uid,
                    bool hw_owned);
/* The firmware's state (cxfw_state_save). */
GBytes *fuzz_state_save(FuzzHost *fh);
/* Abort unless two saved states are the same bytes. */
void fuzz_same_state(GBytes *a, GBytes *b, const char *what);
/*
 * Migrate the firmware: save it, load the state into a fresh instance of
 * the same device and host (a refusal is a finding), require that saving
 * that gives the same bytes, and run on the new instance from now on.
 */
void fuzz_migrate(FuzzHost *fh);
/* Abort with a message if the firmware's invariants do not hold. */
void fuzz_check(FuzzHost *fh);
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
