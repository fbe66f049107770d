/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-host.h"

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "cxfw fuzz: invariant violated: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

static bool in_mem(uint64_t addr, size_t len)
{
    return addr >= FUZZ_MEM_BASE && len <= FUZZ_MEM_SIZE &&
           addr - FUZZ_MEM_BASE <= FUZZ_MEM_SIZE - len;
}

/* Under watch, [addr, addr + len) must lie in the pages of ok. */
static void watch(FuzzHost *fh, uint64_t addr, size_t len, uint64_t ok,
                  const char *what)
{
    if (!fh->dma_watch) {
        return;
    }
    fh->dma_calls++;
    if (!len) {
        return;
    }
    if (!in_mem(addr, len)) {
        fuzz_fail("DMA engine %s of %zu bytes at 0x%llx, outside memory",
                  what, len, (unsigned long long)addr);
    }
    for (uint64_t p = (addr - FUZZ_MEM_BASE) / 4096;
         p <= (addr - FUZZ_MEM_BASE + len - 1) / 4096; p++) {
        if (!(ok & (1ull << p))) {
            fuzz_fail("DMA engine %s of %zu bytes at 0x%llx touches page %u,"
                      " not registered for it", what, len,
                      (unsigned long long)addr, (unsigned)p);
        }
    }
}

static bool fh_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    FuzzHost *fh = opaque;

    watch(fh, addr, len, fh->dma_read_ok, "read");
    if (!in_mem(addr, len)) {
        return false;
    }
    memcpy(buf, fh->mem + (addr - FUZZ_MEM_BASE), len);
    return true;
}

static bool fh_dma_write(void *opaque, uint64_t addr, const void *buf,
                         size_t len)
{
    FuzzHost *fh = opaque;

    watch(fh, addr, len, fh->dma_write_ok, "write");
    if (!in_mem(addr, len)) {
        return false;
    }
    if (addr < FUZZ_CANARY + 4096 && addr + len > FUZZ_CANARY) {
        if (fh->canary_unmapped) {
            return false;
        }
        fuzz_fail("DMA write of %zu bytes at 0x%llx hits memory the guest "
                  "never gave the device", len, (unsigned long long)addr);
    }
    memcpy(fh->mem + (addr - FUZZ_MEM_BASE), buf, len);
    return true;
}

static void fh_notify(void *opaque, unsigned vector)
{
    if (vector >= FUZZ_MSIX) {
        fuzz_fail("notify of vector %u, the function has %u", vector,
                  FUZZ_MSIX);
    }
}

static uint64_t fh_clock(void *opaque)
{
    FuzzHost *fh = opaque;

    return fh->clock_ns;
}

static const CxfwHostOps fuzz_ops = {
    .dma_read = fh_dma_read,
    .dma_write = fh_dma_write,
    .notify = fh_notify,
    .clock_ns = fh_clock,
};

/* The device every host has: the default profile, FUZZ_MSIX vectors. */
static Cxfw *fw_new(FuzzHost *fh)
{
    CxfwConfig cfg = { .msix_vectors = FUZZ_MSIX };
    char *err = NULL;
    Cxfw *fw = cxfw_new(&cfg, &fuzz_ops, fh, &err);

    if (!fw) {
        fuzz_fail("cxfw_new: %s", err);
    }
    return fw;
}

FuzzHost *fuzz_host_new(void)
{
    FuzzHost *fh = g_new0(FuzzHost, 1);

    fh->mem = g_malloc0(FUZZ_MEM_SIZE);
    fh->fw = fw_new(fh);
    return fh;
}

void fuzz_host_free(FuzzHost *fh)
{
    cxfw_free(fh->fw);
    g_free(fh->mem);
    g_free(fh);
}

uint8_t fuzz_exec(FuzzHost *fh, const void *in, uint32_t inlen, void *out,
                  uint32_t outlen)
{
    uint8_t status = cxfw_exec(fh->fw, in, inlen, out, outlen);

    if (outlen >= 16 &&
        cxfw_get(out, CXFW_FLD(query_pages_out, status)) != status) {
        fuzz_fail("output status %u, returned %u",
                  (unsigned)cxfw_get(out, CXFW_FLD(query_pages_out, status)),
                  status);
    }
    return status;
}

uint8_t fuzz_cmd(FuzzHost *fh, uint16_t uid, uint16_t opcode,
                 uint16_t op_mod, uint8_t *in, uint32_t inlen, uint8_t *out,
                 uint32_t outlen)
{
    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), opcode);
    cxfw_set(in, CXFW_FLD(create_eq_in, uid), uid);
    cxfw_set(in, CXFW_FLD(create_eq_in, op_mod), op_mod);
    return fuzz_exec(fh, in, inlen, out, outlen);
}

static uint8_t simple(FuzzHost *fh, uint16_t opcode, uint8_t *out,
                      uint32_t outlen)
{
    uint8_t in[16] = { 0 };

    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), opcode);
    return fuzz_exec(fh, in, sizeof(in), out, outlen);
}

uint32_t fuzz_bringup(FuzzHost *fh)
{
    uint8_t out[16];

    if (simple(fh, CXFW_OP_ENABLE_HCA, out, sizeof(out)) ||
        simple(fh, CXFW_OP_INIT_HCA, out, sizeof(out)) ||
        simple(fh, CXFW_OP_ALLOC_UAR, out, sizeof(out))) {
        fuzz_fail("bring-up failed");
    }
    return cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
}

void fuzz_check(FuzzHost *fh)
{
    char *why = NULL;

    if (!cxfw_check_invariants(fh->fw, &why)) {
        fuzz_fail("%s", why);
    }
}

uint16_t fuzz_create_uctx(FuzzHost *fh, uint32_t cap)
{
    uint8_t in[CXFW_SIZEOF(create_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_uctx_out)];

    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), CXFW_OP_CREATE_UCTX);
    cxfw_set(in, CXFW_FLD(create_uctx_in, cap), cap);
    if (fuzz_exec(fh, in, sizeof(in), out, sizeof(out))) {
        return 0;
    }
    return cxfw_get(out, CXFW_FLD(create_uctx_out, uid));
}

void fuzz_queue_nop(FuzzHost *fh, uint64_t cmdq, unsigned slot, uint16_t uid,
                    bool hw_owned)
{
    uint8_t *qe = fh->mem + (cmdq - FUZZ_MEM_BASE) + slot * 64;

    memset(qe, 0, 64);
    qe[0] = CXFW_CMD_TRANSPORT_PCIE;
    cxfw_put_be32(qe + 4, 16);
    cxfw_put_be32(qe + 0x38, 16);
    cxfw_put_be32(qe + 0x10, (uint32_t)CXFW_OP_NOP << 16 | uid);
    qe[0x3f] = hw_owned;
}

GBytes *fuzz_state_save(FuzzHost *fh)
{
    size_t len;
    uint8_t *state = cxfw_state_save(fh->fw, &len);

    return g_bytes_new_take(state, len);
}

void fuzz_same_state(GBytes *a, GBytes *b, const char *what)
{
    gsize alen, blen, i = 0;
    const uint8_t *x = g_bytes_get_data(a, &alen);
    const uint8_t *y = g_bytes_get_data(b, &blen);

    while (i < alen && i < blen && x[i] == y[i]) {
        i++;
    }
    if (i < alen || i < blen) {
        fuzz_fail("%s: a state of %zu bytes, then of %zu, differing from "
                  "byte %zu", what, (size_t)alen, (size_t)blen, (size_t)i);
    }
}

void fuzz_migrate(FuzzHost *fh)
{
    g_autoptr(GBytes) state = fuzz_state_save(fh);
    g_autoptr(GBytes) again = NULL;
    Cxfw *src = fh->fw, *dst = fw_new(fh);
    char *err = NULL;
    gsize len;
    const void *data = g_bytes_get_data(state, &len);

    if (!cxfw_state_load(dst, data, len, &err)) {
        fuzz_fail("the firmware refused the state it saved: %s", err);
    }
    fh->fw = dst;
    again = fuzz_state_save(fh);
    fuzz_same_state(state, again, "saved, loaded and saved again");
    cxfw_free(src);
}
