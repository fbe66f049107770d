/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxfw-bench: commands per second through the whole command transport
 * (queue entry in guest memory, doorbell, mailbox chains through the fake
 * host's DMA), next to a plain 4 KiB memcpy loop measured in the same run,
 * so that figures from different machines can be compared as ratios.
 * Then the DMA engine: 2 MiB written through a memory key (a core dump's
 * size) over scattered and over contiguous 4 KiB pages, next to a 2 MiB
 * memcpy; and the dumps that use it: CORE_DUMP (a 2 MiB image in one
 * ACCESS_REG) against RESOURCE_DUMP read inline, 208 bytes an ACCESS_REG;
 * and the same 2 MiB image as RESOURCE_DUMP segment 0x1000 (the device
 * dump), inline and through the 2 MiB key, with the reads each takes.
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

/*
 * One step of a figure, repeated for the figure's duration: adds what it
 * did (operations, or bytes) to *count; false when something failed.
 */
typedef bool (*Step)(void *ctx, uint64_t *count);

static bool measure(Figure *f, double duration, Step step, void *ctx)
{
    double start = now(), t;

    f->count = 0;
    do {
        if (!step(ctx, &f->count)) {
            return false;
        }
        t = now();
    } while (t - start < duration);
    f->seconds = t - start;
    return true;
}

typedef struct Copy {
    uint8_t *src, *dst;
    size_t size;
    unsigned batch;
} Copy;

static bool copy_step(void *ctx, uint64_t *count)
{
    Copy *c = ctx;

    for (unsigned i = 0; i < c->batch; i++) {
        memcpy(c->dst, c->src, c->size);
        /* the copy must happen: dst is "read" here */
        __asm__ volatile("" : : "r"(c->dst) : "memory");
    }
    *count += c->batch * (c->batch > 1 ? 1 : c->size);
    return true;
}

/* batch copies of size bytes a step; one copy counts its bytes */
static void bench_memcpy(Figure *f, double duration, size_t size,
                         unsigned batch)
{
    g_autofree uint8_t *src = g_malloc(size);
    g_autofree uint8_t *dst = g_malloc(size);
    Copy c = { src, dst, size, batch };

    memset(src, 0x5a, size);
    measure(f, duration, copy_step, &c);
}

typedef struct Entry {
    FakeHost *fh;
    const FhEntry *e;
} Entry;

/* Run one prepared queue entry BATCH times: re-own, ring, check. */
static bool entry_step(void *ctx, uint64_t *count)
{
    Entry *x = ctx;

    for (unsigned i = 0; i < BATCH; i++) {
        fh_entry_set(x->fh, x->e->slot,
                     CXFW_FLD(cmd_queue_entry, ownership), 1);
        cxfw_cmd_doorbell(x->fh->fw, 1u << x->e->slot);
        if (fh_entry_status_own(x->fh, x->e->slot) != 0 ||
            fh_entry_cmd_status(x->fh, x->e->slot) != CXFW_STATUS_OK) {
            return false;
        }
    }
    *count += BATCH;
    return true;
}

static bool bench_entry(FakeHost *fh, const FhEntry *e, Figure *f,
                        double duration)
{
    Entry x = { fh, e };
    uint64_t warm = 0;

    /* warm up: scratch buffers, caches */
    return entry_step(&x, &warm) && measure(f, duration, entry_step, &x);
}

typedef struct Dump {
    FakeHost *fh;
    const FhBuf *b;
    uint8_t *src;
    uint8_t in[FH_HDR_LEN + CXFW_SIZEOF(resource_dump)];
    uint8_t out[FH_HDR_LEN + CXFW_SIZEOF(resource_dump)];
    uint16_t type;              /* the RESOURCE_DUMP segment */
    bool inline_dump;
    unsigned reads;             /* ACCESS_REGs of the last dump */
} Dump;

/* The DMA engine: 2 MiB through the key. */
static bool mkey_step(void *ctx, uint64_t *count)
{
    Dump *d = ctx;
    uint32_t synd;

    *count += DUMP_SIZE;
    return cxfw_mkey_write(d->fh->fw, 0, d->b->mkey, d->b->va, d->src,
                           DUMP_SIZE, &synd) == CXFW_STATUS_OK;
}

/* ACCESS_REG read of a dump register straight through cxfw_exec. */
static bool reg_read(Dump *d, uint16_t reg, uint32_t size)
{
    fh_hdr(d->in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(d->in, CXFW_FLD(access_register_in, register_id), reg);
    return cxfw_exec(d->fh->fw, d->in, FH_HDR_LEN + size, d->out,
                     FH_HDR_LEN + size) == CXFW_STATUS_OK;
}

/* CORE_DUMP: each ACCESS_REG builds and writes a 2 MiB image. */
static bool core_step(void *ctx, uint64_t *count)
{
    Dump *d = ctx;
    uint8_t *reg = d->in + FH_HDR_LEN;

    memset(reg, 0, CXFW_SIZEOF(core_dump_reg));
    cxfw_set(reg, CXFW_FLD(core_dump_reg, core_dump_type),
             CXFW_CORE_DUMP_TYPE_CR);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, mkey), d->b->mkey);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, address), d->b->va);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, size), DUMP_SIZE);
    *count += DUMP_SIZE;
    return reg_read(d, CXFW_REG_CORE_DUMP, CXFW_SIZEOF(core_dump_reg));
}

/*
 * One whole RESOURCE_DUMP of segment d->type, inline or through d->b's
 * key: the bytes delivered (of a device dump: the image's, as CORE_DUMP's).
 */
static bool rsc_step(void *ctx, uint64_t *count)
{
    Dump *d = ctx;
    uint8_t *reg = d->in + FH_HDR_LEN;

    memset(reg, 0, CXFW_SIZEOF(resource_dump));
    cxfw_set(reg, CXFW_FLD(resource_dump, inline_dump), d->inline_dump);
    cxfw_set(reg, CXFW_FLD(resource_dump, segment_type), d->type);
    cxfw_set(reg, CXFW_FLD(resource_dump, mkey), d->b->mkey);
    cxfw_set(reg, CXFW_FLD(resource_dump, address), d->b->va);
    d->reads = 0;
    do {
        cxfw_set(reg, CXFW_FLD(resource_dump, size), DUMP_SIZE);
        if (!reg_read(d, CXFW_REG_RESOURCE_DUMP,
                      CXFW_SIZEOF(resource_dump))) {
            return false;
        }
        memcpy(reg, d->out + FH_HDR_LEN, CXFW_SIZEOF(resource_dump));
        if (d->type != CXFW_DUMP_SEG_DEVICE) {
            *count += cxfw_get(reg, CXFW_FLD(resource_dump, size));
        }
        d->reads++;
    } while (cxfw_get(reg, CXFW_FLD(resource_dump, more_dump)));
    if (d->type == CXFW_DUMP_SEG_DEVICE) {
        *count += DUMP_SIZE;
    }
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
    Figure dumps[8] = {
        { .name = "2 MiB memcpy" },
        { .name = "2 MiB mkey write, 512 scattered pages" },
        { .name = "2 MiB mkey write, contiguous pages" },
        { .name = "CORE_DUMP (scattered), 7 objects" },
        { .name = "CORE_DUMP (scattered), 4103 objects" },
        { .name = "RESOURCE_DUMP inline, 208 B a read" },
        { .name = "device dump 0x1000 inline, 7 objects" },
        { .name = "device dump 0x1000, 2 MiB key, 7 objects" },
    };
    unsigned device_reads[2];
    FhBuf scattered, contiguous;
    g_autofree uint8_t *src = g_malloc(DUMP_SIZE);
    Dump d = { .src = src };
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

    bench_memcpy(&figs[0], duration, COPY_SIZE, BATCH);
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
    bench_memcpy(&dumps[0], duration, DUMP_SIZE, 1);
    /* real pages, not the zero page */
    memset(src, 0xa5, DUMP_SIZE);
    d.fh = fh;
    d.b = &scattered;
    if (!measure(&dumps[1], duration, mkey_step, &d) ||
        !measure(&dumps[3], duration, core_step, &d)) {
        fprintf(stderr, "cxfw-bench: a DMA engine write or dump failed\n");
        return 1;
    }
    d.b = &contiguous;
    if (!measure(&dumps[2], duration, mkey_step, &d)) {
        fprintf(stderr, "cxfw-bench: a DMA engine write or dump failed\n");
        return 1;
    }
    /* the same image as the device dump: inline, then through the key */
    d.b = &scattered;
    d.type = CXFW_DUMP_SEG_DEVICE;
    for (unsigned i = 0; i < 2; i++) {
        d.inline_dump = !i;
        if (!measure(&dumps[6 + i], duration, rsc_step, &d)) {
            fprintf(stderr, "cxfw-bench: a device dump failed\n");
            return 1;
        }
        device_reads[i] = d.reads;
    }
    /* a larger state: the core dump's records, an inline dump of them */
    for (unsigned i = 0; i < INLINE_PDS; i++) {
        fh_pd_alloc(fh, 0, NULL, NULL);
    }
    d.b = &scattered;
    d.type = CXFW_DUMP_SEG_PD;
    d.inline_dump = true;
    if (!measure(&dumps[4], duration, core_step, &d) ||
        !measure(&dumps[5], duration, rsc_step, &d)) {
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
    /* the same 2 MiB: one CORE_DUMP against the device dump's reads */
    printf("\ndevice dump 0x1000: %u reads inline, %u through the key, 1 "
           "CORE_DUMP; CORE_DUMP %.1fx faster than inline, %.2f of memcpy\n",
           device_reads[0], device_reads[1],
           per_second(&dumps[3]) / per_second(&dumps[6]),
           per_second(&dumps[3]) / per_second(&dumps[0]));
    return 0;
}
