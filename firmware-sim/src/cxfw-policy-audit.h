/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy audit: every command the firmware could be sent, by every kind
 * of caller, against what firmware-sim/policy/cxsim-policy.def (and the
 * rules every command shares) says the answer must be.
 *
 * The audit is host-agnostic: it only sends commands (through the host's
 * command queue: queue entry, mailboxes, doorbell) and asks for guest
 * memory.  cxfw-audit runs it against the firmware in process (the fake
 * host), the qtest cxsim-audit-test against the device in QEMU.  It is not
 * part of the firmware library; it lives beside the policy tables because
 * this directory is what the QEMU tree gets (hw/cxsim/firmware).
 *
 * A cell is one command (a row: opcode and op_mod, a register access,
 * another context's object) sent as one caller (a column).  Its expected
 * answer is derived, never written down: the opcode table's shared checks
 * in dispatch order (an opcode the firmware lacks, an op_mod it does not
 * accept, the HCA state, a uid naming no context), then
 * cxfw_policy_verdict() and, for ACCESS_REG, cxfw_policy_register_verdict().
 * A refused cell passes when status and syndrome match exactly; an allowed
 * one when the firmware's answer is none of the policy's refusals (the
 * command may still fail on its payload); a command naming another live
 * context's object must answer byte for byte as one naming nothing, and
 * leave that object to its owner.
 */
#ifndef CXFW_POLICY_AUDIT_H
#define CXFW_POLICY_AUDIT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* What the audit needs from its host. */
typedef struct CxfwAuditOps {
    /*
     * A device as its driver (uid 0) leaves it after bring-up: HCA
     * initialized, no user context.  Whatever the previous one held is
     * gone.  False when that failed.
     */
    bool (*reset)(void *opaque);
    /*
     * One command through the command queue: in[inlen] (the header uid
     * already stamped), out gets MAX(outlen, 16) bytes.  Returns the
     * delivery status (0: delivered).
     */
    uint8_t (*exec)(void *opaque, const void *in, uint32_t inlen, void *out,
                    uint32_t outlen);
    /* len bytes of zeroed, 4 KiB aligned guest memory until the next reset. */
    uint64_t (*alloc)(void *opaque, size_t len);
    /* Optional: the firmware's invariants (false and *why to g_free). */
    bool (*check)(void *opaque, char **why);
} CxfwAuditOps;

/* The callers: the matrix's columns. */
typedef enum CxfwAuditCaller {
    CXFW_AUDIT_KERNEL,          /* uid 0 */
    CXFW_AUDIT_USER,            /* a context without capabilities */
    CXFW_AUDIT_RAW_TX,          /* each capability alone */
    CXFW_AUDIT_INTERNAL_DEV_RES,
    CXFW_AUDIT_TOOLS,
    CXFW_AUDIT_CONFIGURATION,   /* TOOLS + each scope label */
    CXFW_AUDIT_DEBUG_READ_ONLY,
    CXFW_AUDIT_DEBUG_WRITE,
    CXFW_AUDIT_DEBUG_WRITE_FULL,
    CXFW_AUDIT_DESTROYED,       /* a TOOLS context, force-destroyed */
    CXFW_AUDIT_NEVER_ISSUED,    /* a uid the firmware never handed out */
    CXFW_AUDIT_CALLERS
} CxfwAuditCaller;

typedef enum CxfwAuditExpectKind {
    CXFW_AUDIT_ALLOWED,         /* none of the policy's refusals */
    CXFW_AUDIT_REFUSED,         /* exactly status and syndrome */
    CXFW_AUDIT_AS_NONE,         /* as a number that names nothing */
} CxfwAuditExpectKind;

typedef struct CxfwAuditExpect {
    CxfwAuditExpectKind kind;
    uint8_t status;             /* CXFW_AUDIT_REFUSED */
    uint32_t syndrome;
    const char *rule;           /* which rule decided */
} CxfwAuditExpect;

typedef struct CxfwAuditObs {
    uint8_t delivery;           /* 0: the command was delivered */
    uint8_t status;
    uint32_t syndrome;
    bool invariants_ok;
    /* another context's object: the same command naming nothing */
    uint8_t none_delivery;
    uint8_t none_status;
    uint32_t none_syndrome;
    bool same_output;           /* both outputs byte for byte */
    bool survived;              /* the object is still its owner's */
} CxfwAuditObs;

typedef enum CxfwAuditVerdict {
    CXFW_AUDIT_NOT_RUN,
    CXFW_AUDIT_PASS_ALLOWED,
    CXFW_AUDIT_PASS_REFUSED,
    CXFW_AUDIT_DIVERGENCE,
} CxfwAuditVerdict;

/* The syndromes with which the policy refuses a caller. */
bool cxfw_audit_policy_refusal(uint32_t syndrome);

/*
 * Compare one observation with its expectation: a pass or a divergence,
 * *reason (static) saying why.
 */
CxfwAuditVerdict cxfw_audit_judge(const CxfwAuditExpect *e,
                                  const CxfwAuditObs *o, const char **reason);

typedef struct CxfwAudit CxfwAudit;

/* title: what is audited, for the reports ("firmware in process"). */
CxfwAudit *cxfw_audit_new(const CxfwAuditOps *ops, void *opaque,
                          const char *title);
void cxfw_audit_free(CxfwAudit *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CxfwAudit, cxfw_audit_free)

const char *cxfw_audit_caller_name(CxfwAuditCaller c);

unsigned cxfw_audit_rows(const CxfwAudit *a);
const char *cxfw_audit_row_label(const CxfwAudit *a, unsigned row);
/* The label as a test path component (letters, digits, - and _). */
const char *cxfw_audit_row_path(const CxfwAudit *a, unsigned row);
/* The row whose label is label, or -1. */
int cxfw_audit_find_row(const CxfwAudit *a, const char *label);

/* Send every cell of row; returns its divergences. */
unsigned cxfw_audit_run_row(CxfwAudit *a, unsigned row);
/* Every row; returns the divergences. */
unsigned cxfw_audit_run(CxfwAudit *a);

/* A cell after its row ran (expect and obs may be NULL). */
CxfwAuditVerdict cxfw_audit_cell(const CxfwAudit *a, unsigned row,
                                 CxfwAuditCaller c,
                                 const CxfwAuditExpect **expect,
                                 const CxfwAuditObs **obs);
/* The text lines of row's divergent cells (g_free), NULL if none. */
char *cxfw_audit_row_divergences(const CxfwAudit *a, unsigned row);

/* Cells run and divergences found so far. */
unsigned cxfw_audit_cells(const CxfwAudit *a);
unsigned cxfw_audit_divergences(const CxfwAudit *a);

/*
 * The reports (g_free): text, one line per cell run and the summary line
 * "N cells, M divergences"; a self-contained HTML page with the grid.
 * Both depend only on the cells, so the same run gives the same bytes.
 */
char *cxfw_audit_text(const CxfwAudit *a);
char *cxfw_audit_html(const CxfwAudit *a);
/* Write both as dir/audit.txt and dir/audit.html (dir created). */
bool cxfw_audit_write(const CxfwAudit *a, const char *dir, GError **err);

#endif
