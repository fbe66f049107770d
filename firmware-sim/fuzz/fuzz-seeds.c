/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write starting inputs for the transport, sequence and state targets into
 * DIR/transport, DIR/sequence and DIR/state (the exec target's seeds come
 * from the unit tests, which record every command they send:
 * CXFW_SEED_DIR).
 *     fuzz-seeds DIR
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cxfw-layout.h"
#include "cxfw-prm.h"
#include "fuzz-seeds.h"

void fuzz_seed_save(const char *dir, const char *name, const void *data,
                    size_t len)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GError *err = NULL;

    if (!g_file_set_contents(path, data, len, &err)) {
        fprintf(stderr, "fuzz-seeds: %s\n", err->message);
        exit(1);
    }
}

/* A queue entry at slot for a command of inlen/outlen, inline only. */
static void entry(uint8_t *qe, uint16_t opcode, uint32_t outlen,
                  uint64_t out_ptr)
{
    cxfw_set(qe, CXFW_FLD(cmd_queue_entry, type), CXFW_CMD_TRANSPORT_PCIE);
    cxfw_set(qe, CXFW_FLD(cmd_queue_entry, input_length), 16);
    cxfw_set(qe, CXFW_FLD(cmd_queue_entry, output_length), outlen);
    cxfw_put_be32(qe + 0x10, (uint32_t)opcode << 16);
    cxfw_put_be64(qe + 0x30, out_ptr);
    cxfw_set(qe, CXFW_FLD(cmd_queue_entry, ownership), 1);
}

int main(int argc, char **argv)
{
    g_autofree char *tdir = NULL, *sdir = NULL, *state_dir = NULL;
    /* the queue page, then an 8-mailbox chain at +0x1000 (8 KiB) */
    uint8_t seed[5 + 0x1000 + 8 * 0x400] = { 0 };
    uint8_t *mem = seed + 5;
    static const uint8_t programs[][12] = {
        { 5, 0, 4, 7, 1, 0, 3, 0, 0, 1, 2, 1 },   /* uctx, switch, EQ */
        { 0, 3, 1, 0, 1, 17, 5, 1, 2, 1, 11, 14 }, /* EQ, doorbell, reset */
        { 8, 4, 1, 2, 3, 4, 9, 4, 13, 12, 10, 18 }, /* pages, cycle */
    };
    /*
     * Memory objects (fuzz-sequence ops 20..29): PD, a two-page umem, a key
     * over it, a DMA write and read; then the same as a user context,
     * destroyed in order, and a teardown with objects live.
     */
    static const uint8_t mem_program[] = {
        23,                                     /* ALLOC_PD */
        20, 1, 0, 0x10, 0, 0x63, 0x65,          /* CREATE_UMEM pages 3, 5 */
        25, 0, 0, 0x30, 0x5a, 1, 0, 0x30,       /* CREATE_MKEY lr|lw */
        28, 0, 0x10, 0x10,                      /* DMA write */
        29, 0, 0, 0x20,                         /* DMA read */
        27, 0,                                  /* QUERY_MKEY */
        5, 1, 4, 7, 1, 1,                       /* a context, switch to it */
        23, 20, 0, 0, 0, 0, 0x67,               /* its PD, a umem: page 7 */
        25, 1, 1, 0x30, 0x11, 2, 0, 0x10,       /* its key */
        28, 1, 0, 0x08,                         /* its DMA write */
        28, 0, 0, 0x08,                         /* the driver's key: refused */
        26, 1, 21, 1, 24, 1,                    /* key, umem, PD go */
        7, 0, 11,                               /* uid 0: TEARDOWN_HCA */
    };
    /*
     * Dumps (ops 30, 31) into the memory program's key: the menu inline
     * over two reads, the PDs to memory over two, a CORE_DUMP the key is
     * too short for, a continuation after TEARDOWN_HCA.
     */
    static const uint8_t dump_program[] = {
        23,                                     /* ALLOC_PD */
        20, 1, 0, 0x10, 0, 0x63, 0x65,          /* CREATE_UMEM pages 3, 5 */
        25, 0, 0, 0x30, 0x5a, 1, 0, 0x30,       /* CREATE_MKEY lr|lw */
        30, 0, 0, 0, 0,                         /* the menu, inline */
        30, 1,                                  /* ... continued */
        30, 8, 4, 0, 0, 0, 0, 0x40,             /* PDs to memory, 1472 B */
        30, 9, 0, 0, 3,                         /* ... continued in 69 B */
        31, 6, 0, 0,                            /* CORE_DUMP: key too short */
        11, 30, 1,                              /* teardown, continue */
    };

    if (argc != 2) {
        fprintf(stderr, "usage: fuzz-seeds DIR\n");
        return 2;
    }
    tdir = g_build_filename(argv[1], "transport", NULL);
    sdir = g_build_filename(argv[1], "sequence", NULL);
    state_dir = g_build_filename(argv[1], "state", NULL);
    g_mkdir_with_parents(tdir, 0755);
    g_mkdir_with_parents(sdir, 0755);
    g_mkdir_with_parents(state_dir, 0755);

    /* NOP in slot 0, HCA up, command EQ */
    cxfw_put_be32(seed, 1);
    seed[4] = 3;
    entry(mem, CXFW_OP_NOP, 16, 0);
    fuzz_seed_save(tdir, "nop", seed, 5 + 64);
    /* QUERY_HCA_CAP with an 8-block output chain at +0x1000 */
    entry(mem + 64, CXFW_OP_QUERY_HCA_CAP, 0x1010, 0x10000 + 0x1000);
    cxfw_put_be32(mem + 64 + 0x10 + 4, 1);
    for (unsigned i = 0; i < 8; i++) {
        uint8_t *box = mem + 0x1000 + i * 0x400;

        if (i < 7) {
            cxfw_put_be64(box + 0x230, 0x10000 + 0x1000 + (i + 1) * 0x400);
        }
        cxfw_put_be32(box + 0x238, i);
    }
    cxfw_put_be32(seed, 2);
    fuzz_seed_save(tdir, "query-hca-cap", seed, sizeof(seed));

    for (unsigned i = 0; i < G_N_ELEMENTS(programs); i++) {
        g_autofree char *name = g_strdup_printf("program-%u", i);

        fuzz_seed_save(sdir, name, programs[i], sizeof(programs[i]));
    }
    fuzz_seed_save(sdir, "program-memory", mem_program, sizeof(mem_program));
    fuzz_seed_save(sdir, "program-dump", dump_program, sizeof(dump_program));
    fuzz_seeds_state(state_dir);
    return 0;
}
