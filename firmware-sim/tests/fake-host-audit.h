/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy audit's host (cxfw-policy-audit.h) over the fake host: a new
 * firmware brought up as a driver does for each world, every command
 * through the command queue (queue entry, mailboxes, doorbell), and the
 * firmware's invariants after every cell.  Shared by the cxfw-audit tool
 * and the audit's self-test, which can break the "firmware" on purpose.
 */
#ifndef FAKE_HOST_AUDIT_H
#define FAKE_HOST_AUDIT_H

#include "fake-host.h"
#include "cxfw-policy-audit.h"

typedef struct FhAuditHost {
    FakeHost *fh;
    const char *profile;        /* NULL: the default */
    /*
     * Optional faults, for the self-test: rewrite a command (a copy)
     * before the firmware sees it, or its answer before the audit does.
     */
    void (*mangle_in)(uint8_t *in, uint32_t inlen);
    void (*mangle_out)(const uint8_t *in, uint8_t *out, uint32_t outlen);
} FhAuditHost;

extern const CxfwAuditOps fh_audit_ops;

/* Free the host's firmware (the FhAuditHost itself is the caller's). */
void fh_audit_host_clear(FhAuditHost *h);

#endif
