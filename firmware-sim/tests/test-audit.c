/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy audit's self-test: the audit covers what it claims, its
 * comparison fails on wrong observations, and a whole run against a
 * deliberately broken "firmware" (the fake host rewriting commands or
 * answers) reports exactly the cells that break the policy.  Without this,
 * an audit that always passed would look the same as a firmware that
 * always follows the policy.
 */
#include <string.h>

#include "fake-host-audit.h"
#include "cxfw-commands.h"
#include "cxfw-policy.h"

#define FLD_UID     CXFW_FLD(create_eq_in, uid)

/* ---- the comparison ---- */

/* Invariants hold and objects survive, but for these. */
typedef enum Fault {
    NO_FAULT,
    BROKEN,                     /* the firmware's invariants broke */
    LOST,                       /* the other context's object is gone */
} Fault;

typedef struct JudgeCase {
    const char *what;
    Fault fault;
    CxfwAuditExpect expect;
    CxfwAuditObs obs;
    CxfwAuditVerdict want;
} JudgeCase;

#define OBS(...) { __VA_ARGS__ }
#define ALLOWED { CXFW_AUDIT_ALLOWED, 0, 0, "policy" }
#define REFUSED(st, sy) { CXFW_AUDIT_REFUSED, CXFW_STATUS_##st, \
                          CXFW_SYND_##sy, "policy" }
#define AS_NONE { CXFW_AUDIT_AS_NONE, 0, 0, "another context's object" }
#define NONE_ANSWER .none_status = CXFW_STATUS_BAD_RES, \
                    .none_syndrome = CXFW_SYND_MKEY_UNKNOWN

static const JudgeCase judge_cases[] = {
    { "allowed and OK", NO_FAULT, ALLOWED, OBS(), CXFW_AUDIT_PASS_ALLOWED },
    { "allowed, failed on its payload", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_EQ_UNKNOWN),
      CXFW_AUDIT_PASS_ALLOWED },
    { "allowed, refused by scope", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_SCOPE_DENIED), CXFW_AUDIT_DIVERGENCE },
    { "allowed, refused as a kernel command", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_KERNEL_UID_REQUIRED), CXFW_AUDIT_DIVERGENCE },
    { "allowed, uid refused", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_UID_UNKNOWN), CXFW_AUDIT_DIVERGENCE },
    { "allowed, register refused", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_REG_ACCESS_DENIED), CXFW_AUDIT_DIVERGENCE },
    { "allowed, tools refused", NO_FAULT, ALLOWED,
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_TOOLS_RESOURCES_REQUIRED),
      CXFW_AUDIT_DIVERGENCE },
    { "allowed, not delivered", NO_FAULT, ALLOWED,
      OBS(.delivery = CXFW_DELIV_TOKEN), CXFW_AUDIT_DIVERGENCE },
    { "allowed, invariants broken", BROKEN, ALLOWED, OBS(),
      CXFW_AUDIT_DIVERGENCE },
    { "refused exactly", NO_FAULT, REFUSED(BAD_PARAM, SCOPE_DENIED),
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_SCOPE_DENIED), CXFW_AUDIT_PASS_REFUSED },
    { "refused but ran", NO_FAULT, REFUSED(BAD_PARAM, SCOPE_DENIED), OBS(),
      CXFW_AUDIT_DIVERGENCE },
    { "refused with another policy syndrome", NO_FAULT,
      REFUSED(BAD_PARAM, SCOPE_DENIED),
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_KERNEL_UID_REQUIRED), CXFW_AUDIT_DIVERGENCE },
    { "refused with another status", NO_FAULT,
      REFUSED(BAD_PARAM, UID_UNKNOWN),
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_UID_UNKNOWN),
      CXFW_AUDIT_DIVERGENCE },
    { "refused, payload error instead", NO_FAULT,
      REFUSED(BAD_OP, BAD_OPCODE),
      OBS(.status = CXFW_STATUS_BAD_PARAM,
          .syndrome = CXFW_SYND_BAD_OP_MOD), CXFW_AUDIT_DIVERGENCE },
    { "another's object as none", NO_FAULT, AS_NONE,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_MKEY_UNKNOWN,
          NONE_ANSWER, .same_output = true), CXFW_AUDIT_PASS_REFUSED },
    { "another's object reached", NO_FAULT, AS_NONE,
      OBS(NONE_ANSWER, .same_output = true), CXFW_AUDIT_DIVERGENCE },
    { "another's object: other syndrome", NO_FAULT, AS_NONE,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_MKEY_PD,
          NONE_ANSWER, .same_output = true), CXFW_AUDIT_DIVERGENCE },
    { "another's object: other bytes", NO_FAULT, AS_NONE,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_MKEY_UNKNOWN,
          NONE_ANSWER, .same_output = false), CXFW_AUDIT_DIVERGENCE },
    { "another's object destroyed", LOST, AS_NONE,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_MKEY_UNKNOWN,
          NONE_ANSWER, .same_output = true), CXFW_AUDIT_DIVERGENCE },
    { "another's object: probe lost", NO_FAULT, AS_NONE,
      OBS(.status = CXFW_STATUS_BAD_RES, .syndrome = CXFW_SYND_MKEY_UNKNOWN,
          NONE_ANSWER, .same_output = true,
          .none_delivery = CXFW_DELIV_TOKEN), CXFW_AUDIT_DIVERGENCE },
};

static void test_judge(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(judge_cases); i++) {
        const JudgeCase *t = &judge_cases[i];
        CxfwAuditObs obs = t->obs;
        const char *reason = NULL;

        obs.invariants_ok = t->fault != BROKEN;
        obs.survived = t->fault != LOST;
        g_test_message("%s", t->what);
        g_assert_cmpint(cxfw_audit_judge(&t->expect, &obs, &reason), ==,
                        t->want);
        g_assert_nonnull(reason);
    }
    g_assert_true(cxfw_audit_policy_refusal(CXFW_SYND_SCOPE_DENIED));
    g_assert_false(cxfw_audit_policy_refusal(CXFW_SYND_BAD_OPCODE));
    g_assert_false(cxfw_audit_policy_refusal(0));
}

/* ---- whole runs ---- */

static CxfwAudit *run(FhAuditHost *host, unsigned *divergences)
{
    CxfwAudit *a = cxfw_audit_new(&fh_audit_ops, host, "self-test");

    *divergences = cxfw_audit_run(a);
    g_assert_cmpuint(*divergences, ==, cxfw_audit_divergences(a));
    return a;
}

static int row_of(const CxfwAudit *a, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static int row_of(const CxfwAudit *a, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *label = NULL;
    int row;

    va_start(ap, fmt);
    label = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    row = cxfw_audit_find_row(a, label);
    if (row < 0) {
        g_error("the audit has no row \"%s\"", label);
    }
    return row;
}

/*
 * The sweep covers what docs/security-model.md says it does: every
 * implemented opcode, every policy row cxsim lacks, a read and a write of
 * every register and of an unknown one, another context's object for every
 * command that names one, and every cell of every row, against the real
 * firmware: no divergence.
 */
static void test_clean(void)
{
    FhAuditHost host = { 0 };
    unsigned divergences, n, rows_with_op = 0;
    g_autoptr(CxfwAudit) a = run(&host, &divergences);
    const CxfwCommandDesc *const *t = cxfw_commands(&n);
    const CxfwPolicyRule *p;
    const CxfwRegisterRule *reg;
    g_autofree char *text = cxfw_audit_text(a);
    g_autofree char *summary = NULL;

    if (divergences) {
        g_test_message("%s", text);
    }
    g_assert_cmpuint(divergences, ==, 0);
    g_assert_cmpuint(cxfw_audit_cells(a), ==,
                     cxfw_audit_rows(a) * CXFW_AUDIT_CALLERS);
    for (unsigned i = 0; i < n; i++) {
        if (t[i]->opcode == CXFW_OP_ACCESS_REG) {
            continue;
        }
        row_of(a, "0x%04x %s op_mod %u", t[i]->opcode, t[i]->name,
               t[i]->op_mods == CXFW_OP_MOD_ANY ? 0 :
               (unsigned)g_bit_nth_lsf(t[i]->op_mods, -1));
    }
    p = cxfw_policy_commands(&n);
    for (unsigned i = 0; i < n; i++) {
        if (!cxfw_command_find(p[i].opcode)) {
            row_of(a, "0x%04x %s op_mod %u", p[i].opcode, p[i].name,
                   p[i].op_mod == CXSIM_OP_MOD_ANY ? 0 : p[i].op_mod);
            rows_with_op++;
        }
    }
    g_assert_cmpuint(rows_with_op, >=, 80);
    reg = cxfw_policy_registers(&n);
    for (unsigned i = 0; i < n; i++) {
        row_of(a, "0x0805 ACCESS_REG read 0x%04x %s", reg[i].id, reg[i].name);
        row_of(a, "0x0805 ACCESS_REG write 0x%04x %s", reg[i].id,
               reg[i].name);
    }
    row_of(a, "0x0805 ACCESS_REG write 0x1234 (unknown register)");
    row_of(a, "0x0202 DESTROY_MKEY, another context's memory key");
    row_of(a, "0x0200 CREATE_MKEY, another context's umem");
    row_of(a, "0x0a05 QUERY_UCTX, another context's user context");
    row_of(a, "0x0109 SET_HCA_CAP op_mod 0, before INIT_HCA");
    /* the text ends with the summary line */
    summary = g_strdup_printf("%u cells, 0 divergences\n",
                              cxfw_audit_cells(a));
    g_assert_true(g_str_has_suffix(text, summary));
    fh_audit_host_clear(&host);
}

/* A "firmware" that ignores the header uid: every command runs as uid 0. */
static void strip_uid(uint8_t *in, uint32_t inlen)
{
    cxfw_set(in, FLD_UID, 0);
}

static void test_detects_ignored_uid(void)
{
    FhAuditHost host = { .mangle_in = strip_uid };
    unsigned divergences;
    g_autoptr(CxfwAudit) a = run(&host, &divergences);
    int nop = row_of(a, "0x080d NOP op_mod 0");
    int uctx = row_of(a, "0x0a04 CREATE_UCTX op_mod 0");

    g_assert_cmpuint(divergences, >, 100);
    /* refused cells now run */
    g_assert_cmpint(cxfw_audit_cell(a, nop, CXFW_AUDIT_CONFIGURATION, NULL,
                                    NULL), ==, CXFW_AUDIT_DIVERGENCE);
    g_assert_cmpint(cxfw_audit_cell(a, nop, CXFW_AUDIT_NEVER_ISSUED, NULL,
                                    NULL), ==, CXFW_AUDIT_DIVERGENCE);
    g_assert_cmpint(cxfw_audit_cell(a, uctx, CXFW_AUDIT_USER, NULL, NULL),
                    ==, CXFW_AUDIT_DIVERGENCE);
    /* the driver's own cells are unaffected */
    g_assert_cmpint(cxfw_audit_cell(a, nop, CXFW_AUDIT_KERNEL, NULL, NULL),
                    ==, CXFW_AUDIT_PASS_ALLOWED);
    g_assert_cmpint(cxfw_audit_cell(a, uctx, CXFW_AUDIT_KERNEL, NULL, NULL),
                    ==, CXFW_AUDIT_PASS_ALLOWED);
    fh_audit_host_clear(&host);
}

/* A "firmware" whose scope check lets everything through. */
static void allow_scope(const uint8_t *in, uint8_t *out, uint32_t outlen)
{
    if (cxfw_get(out, CXFW_FLD(query_pages_out, syndrome)) ==
        CXFW_SYND_SCOPE_DENIED) {
        cxfw_set(out, CXFW_FLD(query_pages_out, status), CXFW_STATUS_OK);
        cxfw_set(out, CXFW_FLD(query_pages_out, syndrome), 0);
    }
}

/* Exactly the cells expected SCOPE_DENIED diverge, and nothing else. */
static void test_detects_ignored_scope(void)
{
    FhAuditHost host = { .mangle_out = allow_scope };
    unsigned divergences, scope_cells = 0;
    g_autoptr(CxfwAudit) a = run(&host, &divergences);

    for (unsigned i = 0; i < cxfw_audit_rows(a); i++) {
        for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
            const CxfwAuditExpect *e;
            CxfwAuditVerdict v = cxfw_audit_cell(a, i, c, &e, NULL);
            bool scope = e->kind == CXFW_AUDIT_REFUSED &&
                         e->syndrome == CXFW_SYND_SCOPE_DENIED;

            scope_cells += scope;
            g_assert_cmpint(v == CXFW_AUDIT_DIVERGENCE, ==, scope);
        }
    }
    g_assert_cmpuint(scope_cells, >, 50);
    g_assert_cmpuint(divergences, ==, scope_cells);
    fh_audit_host_clear(&host);
}

/* The same run, the same bytes: no timestamp, no address, no randomness. */
static void test_reproducible(void)
{
    FhAuditHost h1 = { 0 }, h2 = { 0 };
    unsigned d1, d2;
    g_autoptr(CxfwAudit) a = run(&h1, &d1);
    g_autoptr(CxfwAudit) b = run(&h2, &d2);
    g_autofree char *ta = cxfw_audit_text(a), *tb = cxfw_audit_text(b);
    g_autofree char *ha = cxfw_audit_html(a), *hb = cxfw_audit_html(b);

    g_assert_cmpstr(ta, ==, tb);
    g_assert_cmpstr(ha, ==, hb);
    g_assert_nonnull(strstr(ha, "class=\"allowed\""));
    g_assert_nonnull(strstr(ha, "class=\"refused\""));
    fh_audit_host_clear(&h1);
    fh_audit_host_clear(&h2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/audit/judge", test_judge);
    g_test_add_func("/audit/clean", test_clean);
    g_test_add_func("/audit/detects/ignored-uid", test_detects_ignored_uid);
    g_test_add_func("/audit/detects/ignored-scope",
                    test_detects_ignored_scope);
    g_test_add_func("/audit/reproducible", test_reproducible);
    return g_test_run();
}
