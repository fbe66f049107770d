/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxfw-bench: commands per second through the whole command transport
 * (queue entry in guest memory, doorbell, mailbox chains through the fake
 * host's DMA), next to a plain 4 KiB memcpy loop measured in the same run,
 * so that figures from different machines can be compared as ratios.
 * Then the DMA engine: 2 MiB written through a memory key (a core dump's
 * size) over scattered and over contiguous 4 KiB pages, next to a 2 MiB
 * memcpy; and the dumps that use it: CORE_DUMP (a 2 MiB image in one
 * ACCESS_REG) against RESOURCE_DUMP read inline, 208 bytes an ACCESS_REG.
 *
 *     cxfw-bench [seconds per figure]     (default 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-host.h"
#include "cxfw-internal.h"      /* the DMA engine */

#define COPY_SIZE 4096
#define BATCH 256               /* iterations between clock reads */
#define DUMP_SIZE (2u << 20)    /* a core dump */
#define INLINE_PDS 4096         /* a RESOURCE_DUMP of ~100 KiB */

typedef struct Figure {
    const char *name;
    uint64_t count;
    double seconds;
} Figure;

static double per_second(const Figure *f)
{
    return f->count / f->seconds;
}

static double now(void)
{
    return g_get_monotonic_time() / 1e6;
}

static void bench_memcpy(Figure *f, double duration)
{
    static uint8_t src[COPY_SIZE], dst[COPY_SIZE];
    double start = now(), t;

    memset(src, 0x5a, sizeof(src));
    f->count = 0;
    do {
        for (unsigned i = 0; i < BATCH; i++) {
            memcpy(dst, src, COPY_SIZE);
            /* the copy must happen: dst is "read" here */
            __asm__ volatile("" : : "r"(dst) : "memory");
        }
        f->count += BATCH;
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
}

/* Run one prepared queue entry over and over: re-own, ring, check. */
static bool run_entry(FakeHost *fh, const FhEntry *e)
{
    fh_entry_set(fh, e->slot, CXFW_FLD(cmd_queue_entry, ownership), 1);
    cxfw_cmd_doorbell(fh->fw, 1u << e->slot);
    return fh_entry_status_own(fh, e->slot) == 0 &&
           fh_entry_cmd_status(fh, e->slot) == CXFW_STATUS_OK;
}

static bool bench_entry(FakeHost *fh, const FhEntry *e, Figure *f,
                        double duration)
{
    double start, t;

    /* warm up: scratch buffers, caches */
    for (unsigned i = 0; i < BATCH; i++) {
        if (!run_entry(fh, e)) {
            return false;
        }
    }
    f->count = 0;
    start = now();
    do {
        for (unsigned i = 0; i < BATCH; i++) {
            if (!run_entry(fh, e)) {
                return false;
            }
        }
        f->count += BATCH;
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
    return true;
}

/* The dump figures count bytes. */
static void bench_memcpy_dump(Figure *f, double duration)
{
    g_autofree uint8_t *src = g_malloc(DUMP_SIZE);
    g_autofree uint8_t *dst = g_malloc(DUMP_SIZE);
    double start = now(), t;

    memset(src, 0x5a, DUMP_SIZE);
    f->count = 0;
    do {
        memcpy(dst, src, DUMP_SIZE);
        __asm__ volatile("" : : "r"(dst) : "memory");
        f->count += DUMP_SIZE;
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
}

static bool bench_dump(FakeHost *fh, const FhBuf *b, Figure *f,
                       double duration)
{
    g_autofree uint8_t *src = g_malloc(DUMP_SIZE);
    double start = now(), t;
    uint32_t synd;

    memset(src, 0xa5, DUMP_SIZE);
    f->count = 0;
    do {
        if (cxfw_mkey_write(fh->fw, 0, b->mkey, b->va, src, DUMP_SIZE,
                            &synd)) {
            return false;
        }
        f->count += DUMP_SIZE;
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
    return true;
}

/* ACCESS_REG read of a dump register straight through cxfw_exec. */
static uint8_t reg_read(FakeHost *fh, uint16_t reg, uint8_t *in,
                        uint8_t *out, uint32_t size)
{
    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id), reg);
    return cxfw_exec(fh->fw, in, FH_HDR_LEN + size, out, FH_HDR_LEN + size);
}

/* CORE_DUMP: each ACCESS_REG builds and writes a 2 MiB image. */
static bool bench_core_dump(FakeHost *fh, const FhBuf *b, Figure *f,
                            double duration)
{
    uint8_t in[FH_HDR_LEN + CXFW_SIZEOF(core_dump_reg)] = { 0 };
    uint8_t out[sizeof(in)];
    uint8_t *reg = in + FH_HDR_LEN;
    double start = now(), t;

    cxfw_set(reg, CXFW_FLD(core_dump_reg, core_dump_type),
             CXFW_CORE_DUMP_TYPE_CR);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, mkey), b->mkey);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, address), b->va);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, size), DUMP_SIZE);
    f->count = 0;
    do {
        if (reg_read(fh, CXFW_REG_CORE_DUMP, in, out,
                     CXFW_SIZEOF(core_dump_reg))) {
            return false;
        }
        f->count += DUMP_SIZE;
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
    return true;
}

/* RESOURCE_DUMP of the PDs inline, dump after dump: bytes delivered. */
static bool bench_inline_dump(FakeHost *fh, Figure *f, double duration)
{
    uint8_t in[FH_HDR_LEN + CXFW_SIZEOF(resource_dump)] = { 0 };
    uint8_t out[sizeof(in)];
    uint8_t *reg = in + FH_HDR_LEN;
    double start = now(), t;

    f->count = 0;
    do {
        memset(reg, 0, CXFW_SIZEOF(resource_dump));
        cxfw_set(reg, CXFW_FLD(resource_dump, inline_dump), 1);
        cxfw_set(reg, CXFW_FLD(resource_dump, segment_type),
                 CXFW_DUMP_SEG_PD);
        do {
            if (reg_read(fh, CXFW_REG_RESOURCE_DUMP, in, out,
                         CXFW_SIZEOF(resource_dump))) {
                return false;
            }
            memcpy(reg, out + FH_HDR_LEN, CXFW_SIZEOF(resource_dump));
            f->count += cxfw_get(reg, CXFW_FLD(resource_dump, size));
        } while (cxfw_get(reg, CXFW_FLD(resource_dump, more_dump)));
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
    return true;
}

int main(int argc, char **argv)
{
    double duration = 1.0;
    g_autoptr(FakeHost) fh = NULL;
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);
    Figure figs[3] = {
        { .name = "4 KiB memcpy" },
        { .name = "NOP (entry + doorbell)" },
        { .name = "QUERY_HCA_CAP (4 KiB out, 8 mailboxes)" },
    };
    Figure dumps[6] = {
        { .name = "2 MiB memcpy" },
        { .name = "2 MiB mkey write, 512 scattered pages" },
        { .name = "2 MiB mkey write, contiguous pages" },
        { .name = "CORE_DUMP (scattered), 7 objects" },
        { .name = "CORE_DUMP (scattered), 4103 objects" },
        { .name = "RESOURCE_DUMP inline, 208 B a read" },
    };
    FhBuf scattered, contiguous;
    FhEntry nop, cap;

    if (argc > 2 || (argc == 2 && ((duration = atof(argv[1])) <= 0 ||
                                   duration > 3600))) {
        fprintf(stderr, "usage: %s [seconds per figure, default 1]\n",
                argv[0]);
        return 2;
    }

    fh = fh_new(NULL);
    fh_enable(fh);

    fh_hdr(in, CXFW_OP_NOP, 0);
    fh_entry_build(fh, &nop, 0, in, sizeof(in), FH_HDR_LEN);
    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    fh_entry_build(fh, &cap, 1, in, sizeof(in), FH_QUERY_HCA_CAP_OUTLEN);

    bench_memcpy(&figs[0], duration);
    if (!bench_entry(fh, &nop, &figs[1], duration) ||
        !bench_entry(fh, &cap, &figs[2], duration)) {
        fprintf(stderr, "cxfw-bench: a command failed\n");
        return 1;
    }
    /* the answer really went through the mailboxes */
    fh_entry_output(fh, &cap, out, FH_QUERY_HCA_CAP_OUTLEN);
    if (cxfw_get(out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                capability)),
                 CXFW_FLD(cmd_hca_cap, log_max_eq)) == 0) {
        fprintf(stderr, "cxfw-bench: QUERY_HCA_CAP output missing\n");
        return 1;
    }

    /* buffers registered as mlx5ctl does: one MTT per 4 KiB page */
    fh_bringup(fh);
    fh_buf_new(fh, &scattered, 0, DUMP_SIZE, 0, true, FH_MTT_RD | FH_MTT_WR,
               FH_MKEY_LR | FH_MKEY_LW);
    fh_buf_new(fh, &contiguous, 0, DUMP_SIZE, 0, false,
               FH_MTT_RD | FH_MTT_WR, FH_MKEY_LR | FH_MKEY_LW);
    bench_memcpy_dump(&dumps[0], duration);
    if (!bench_dump(fh, &scattered, &dumps[1], duration) ||
        !bench_dump(fh, &contiguous, &dumps[2], duration) ||
        !bench_core_dump(fh, &scattered, &dumps[3], duration)) {
        fprintf(stderr, "cxfw-bench: a DMA engine write or dump failed\n");
        return 1;
    }
    /* a larger state: the core dump's records, an inline dump of them */
    for (unsigned i = 0; i < INLINE_PDS; i++) {
        fh_pd_alloc(fh, 0, NULL, NULL);
    }
    if (!bench_core_dump(fh, &scattered, &dumps[4], duration) ||
        !bench_inline_dump(fh, &dumps[5], duration)) {
        fprintf(stderr, "cxfw-bench: a dump failed\n");
        return 1;
    }
    fh_buf_free(&scattered);
    fh_buf_free(&contiguous);

    printf("cxfw-bench: %.2f s per figure, profile %s\n\n", duration,
           cxfw_default_profile());
    printf("%-42s %14s %16s\n", "", "per second", "per 4 KiB copy");
    for (unsigned i = 0; i < G_N_ELEMENTS(figs); i++) {
        printf("%-42s %14.0f %16.4f\n", figs[i].name, per_second(&figs[i]),
               per_second(&figs[i]) / per_second(&figs[0]));
    }
    printf("\n%-42s %14s %16s\n", "", "MiB/s", "per 2 MiB copy");
    for (unsigned i = 0; i < G_N_ELEMENTS(dumps); i++) {
        printf("%-42s %14.0f %16.4f\n", dumps[i].name,
               per_second(&dumps[i]) / (1 << 20),
               per_second(&dumps[i]) / per_second(&dumps[0]));
    }
    return 0;
}
