/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxfw-bench: commands per second through the whole command transport
 * (queue entry in guest memory, doorbell, mailbox chains through the fake
 * host's DMA), next to a plain 4 KiB memcpy loop measured in the same run,
 * so that figures from different machines can be compared as ratios.
 *
 *     cxfw-bench [seconds per figure]     (default 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-host.h"

#define COPY_SIZE 4096
#define BATCH 256               /* iterations between clock reads */

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

    printf("cxfw-bench: %.2f s per figure, profile %s\n\n", duration,
           cxfw_default_profile());
    printf("%-42s %14s %16s\n", "", "per second", "per 4 KiB copy");
    for (unsigned i = 0; i < G_N_ELEMENTS(figs); i++) {
        printf("%-42s %14.0f %16.4f\n", figs[i].name, per_second(&figs[i]),
               per_second(&figs[i]) / per_second(&figs[0]));
    }
    return 0;
}
