/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy audit's host over the fake host: see fake-host-audit.h. */
#include <string.h>

#include "fake-host-audit.h"

static bool audit_reset(void *opaque)
{
    FhAuditHost *h = opaque;

    fh_free(h->fh);
    h->fh = fh_new(h->profile);
    fh_bringup(h->fh);
    return true;
}

static uint8_t audit_exec(void *opaque, const void *in, uint32_t inlen,
                          void *out, uint32_t outlen)
{
    FhAuditHost *h = opaque;
    g_autofree uint8_t *copy = g_malloc0(MAX(inlen, FH_HDR_LEN));
    uint8_t delivery;

    memcpy(copy, in, MAX(inlen, FH_HDR_LEN));
    if (h->mangle_in) {
        h->mangle_in(copy, inlen);
    }
    delivery = fh_cmd(h->fh, copy, inlen, out, outlen);
    if (h->mangle_out) {
        h->mangle_out(in, out, MAX(outlen, FH_HDR_LEN));
    }
    return delivery;
}

static uint64_t audit_alloc(void *opaque, size_t len)
{
    FhAuditHost *h = opaque;

    return fh_alloc(h->fh, len, FH_PAGE_SIZE);
}

static bool audit_check(void *opaque, char **why)
{
    FhAuditHost *h = opaque;

    return cxfw_check_invariants(h->fh->fw, why);
}

const CxfwAuditOps fh_audit_ops = {
    .reset = audit_reset,
    .exec = audit_exec,
    .alloc = audit_alloc,
    .check = audit_check,
};

void fh_audit_host_clear(FhAuditHost *h)
{
    g_clear_pointer(&h->fh, fh_free);
}
