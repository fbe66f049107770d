/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command policy (firmware-sim/policy/cxsim-policy.def) and its
 * enforcement: the table is complete and well-formed, scope labels are
 * created as documented, and the firmware's answers to labelled, tools and
 * plain contexts follow the table for every implemented command.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-commands.h"
#include "cxfw-policy.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define BUF_LEN 0x2000

static FakeHost *setup(void)
{
    FakeHost *fh = fh_new(NULL);

    fh_bringup(fh);
    return fh;
}

static uint32_t label_cap(CxfwScope scope)
{
    return TOOLS | 1u << (CXFW_UCTX_CAP_SCOPE_SHIFT + scope);
}

/* Every implemented opcode, with every op_mod it accepts, has a row. */
static void test_complete(void)
{
    unsigned n;
    const CxfwCommandDesc *const *t = cxfw_commands(&n);

    for (unsigned i = 0; i < n; i++) {
        for (unsigned op_mod = 0; op_mod < 32; op_mod++) {
            if (t[i]->op_mods != CXFW_OP_MOD_ANY &&
                !(t[i]->op_mods & (1u << op_mod))) {
                continue;
            }
            if (!cxfw_policy_command(t[i]->opcode, op_mod)) {
                g_error("%s op_mod %u has no policy row", t[i]->name,
                        op_mod);
            }
        }
    }
}

/*
 * Sorted by opcode, a specific op_mod before its opcode's ANY row, no row
 * twice, and the row names match the firmware's names.
 */
static void test_well_formed(void)
{
    unsigned n;
    const CxfwPolicyRule *r = cxfw_policy_commands(&n);

    g_assert_cmpuint(n, >=, 100);
    for (unsigned i = 0; i < n; i++) {
        const CxfwCommandDesc *d = cxfw_command_find(r[i].opcode);

        if (d) {
            g_assert_cmpstr(r[i].name, ==, d->name);
        }
        if (i == 0) {
            continue;
        }
        g_assert_cmphex(r[i - 1].opcode, <=, r[i].opcode);
        if (r[i - 1].opcode == r[i].opcode) {
            g_assert_cmphex(r[i - 1].op_mod, !=, CXSIM_OP_MOD_ANY);
            g_assert_cmphex(r[i - 1].op_mod, !=, r[i].op_mod);
        }
    }
}

/* Each register the policy names is one the firmware knows, and back. */
static void test_registers(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t in[CXFW_SIZEOF(access_register_in) + 256] = { 0 };
    uint8_t out[CXFW_SIZEOF(access_register_out) + 256];
    unsigned n;
    const CxfwRegisterRule *r = cxfw_policy_registers(&n);

    for (unsigned i = 0; i < n; i++) {
        memset(in, 0, sizeof(in));
        fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
        cxfw_set(in, CXFW_FLD(access_register_in, register_id), r[i].id);
        fh_exec(fh, in, sizeof(in), out, sizeof(out));
        if (fh_status(out) == CXFW_STATUS_BAD_PARAM &&
            fh_syndrome(out) == CXFW_SYND_REG_UNKNOWN) {
            g_test_message("register %s (0x%x) has a policy row but is "
                           "not implemented", r[i].name, r[i].id);
        }
    }
    /* an implemented register without a row would be uid 0's alone */
    g_assert_nonnull(cxfw_policy_register(CXFW_REG_HOST_ENDIANNESS));
}

typedef struct LabelCase {
    const char *what;
    uint32_t cap;
    uint8_t status;
    uint32_t syndrome;
} LabelCase;

/* CREATE_UCTX and the scope labels. */
static void test_create_labels(void)
{
    static const LabelCase cases[] = {
        { "each label on a tools context", 0, 0, 0 },
        { "two labels", TOOLS | CXFW_UCTX_CAP_SCOPE_CONFIGURATION |
          CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE, CXFW_STATUS_BAD_PARAM,
          CXFW_SYND_UCTX_SCOPE_LABEL },
        { "all four labels", TOOLS | CXFW_UCTX_CAP_SCOPE_MASK,
          CXFW_STATUS_BAD_PARAM, CXFW_SYND_UCTX_SCOPE_LABEL },
        { "a label without TOOLS_RESOURCES",
          CXFW_UCTX_CAP_SCOPE_DEBUG_READ_ONLY, CXFW_STATUS_BAD_PARAM,
          CXFW_SYND_UCTX_SCOPE_LABEL },
        { "a label with RAW_TX only", CXFW_UCTX_CAP_RAW_TX |
          CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE_FULL, CXFW_STATUS_BAD_PARAM,
          CXFW_SYND_UCTX_SCOPE_LABEL },
        { "bit 28, beyond the labels", TOOLS | 1u << 28,
          CXFW_STATUS_BAD_PARAM, CXFW_SYND_UCTX_CAP_UNSUPPORTED },
    };
    g_autoptr(FakeHost) fh = setup();
    uint8_t in[CXFW_SIZEOF(create_uctx_in)], out[CXFW_SIZEOF(create_uctx_out)];

    for (CxfwScope s = 0; s < CXFW_SCOPE_COUNT; s++) {
        g_assert_cmpuint(fh_uctx_new(fh, label_cap(s)), !=, 0);
    }
    for (unsigned i = 1; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].what);
        memset(in, 0, sizeof(in));
        fh_hdr(in, CXFW_OP_CREATE_UCTX, 0);
        cxfw_set(in, CXFW_FLD(create_uctx_in, cap), cases[i].cap);
        g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                        cases[i].status);
        g_assert_cmphex(fh_syndrome(out), ==, cases[i].syndrome);
    }
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, CXFW_SCOPE_COUNT);
}

/* The refusals the policy can cause, as opposed to a command's own. */
static bool policy_refusal(const uint8_t *out)
{
    uint32_t synd = fh_syndrome(out);

    return fh_status(out) == CXFW_STATUS_BAD_PARAM &&
           (synd == CXFW_SYND_KERNEL_UID_REQUIRED ||
            synd == CXFW_SYND_TOOLS_RESOURCES_REQUIRED ||
            synd == CXFW_SYND_SCOPE_DENIED);
}

/*
 * Every implemented command, with a zeroed payload, sent as a plain
 * context, a tools context and a context of each label: refused with the
 * table's syndrome exactly when the table says so.  (A command the policy
 * lets through may still fail on its zeroed payload; that is not a policy
 * refusal.)
 */
static void test_enforced(void)
{
    g_autoptr(FakeHost) fh = setup();
    g_autofree uint8_t *in = g_malloc0(BUF_LEN);
    g_autofree uint8_t *out = g_malloc0(BUF_LEN);
    uint32_t caps[2 + CXFW_SCOPE_COUNT] = { 0, TOOLS };
    uint16_t uids[G_N_ELEMENTS(caps)];
    unsigned n, checked = 0;
    const CxfwCommandDesc *const *t = cxfw_commands(&n);

    for (CxfwScope s = 0; s < CXFW_SCOPE_COUNT; s++) {
        caps[2 + s] = label_cap(s);
    }
    for (unsigned c = 0; c < G_N_ELEMENTS(caps); c++) {
        uids[c] = fh_uctx_new(fh, caps[c]);
    }
    for (unsigned i = 0; i < n; i++) {
        const CxfwCommandDesc *d = t[i];
        /* the lowest op_mod the command accepts */
        unsigned op_mod = d->op_mods == CXFW_OP_MOD_ANY ? 0 :
                          (unsigned)g_bit_nth_lsf(d->op_mods, -1);

        /* state changes of uid 0's own are covered elsewhere */
        if (d->before_init_only) {
            continue;
        }
        for (unsigned c = 0; c < G_N_ELEMENTS(caps); c++) {
            const CxfwPolicyRule *r = cxfw_policy_command(d->opcode, op_mod);
            uint32_t want = cxfw_policy_verdict(r, false, caps[c]);

            memset(in, 0, BUF_LEN);
            fh_hdr(in, d->opcode, op_mod);
            fh_exec_as(fh, uids[c], in, MAX(d->min_inlen, 0x100), out,
                       MAX(d->min_outlen, 0x100));
            if (want) {
                g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_BAD_PARAM);
                if (fh_syndrome(out) != want) {
                    g_error("%s as cap 0x%x: syndrome 0x%x, want 0x%x",
                            d->name, caps[c], fh_syndrome(out), want);
                }
            } else if (policy_refusal(out)) {
                g_error("%s as cap 0x%x: refused 0x%x, the policy allows it",
                        d->name, caps[c], fh_syndrome(out));
            }
            checked++;
        }
    }
    g_assert_cmpuint(checked, >=, 20 * G_N_ELEMENTS(caps));
}

/*
 * A labelled context may do what its scope allows and no more, whatever
 * the kernel's allow-list: NOP (DEBUG_READ_ONLY) from a CONFIGURATION
 * label is refused, from READ_ONLY and up it runs; QUERY_HCA_CAP
 * (CONFIGURATION) runs under every label; CREATE_EQ (never through fwctl)
 * runs under none, though plain contexts may create EQs.
 */
static void test_label_examples(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t in[0x110] = { 0 }, out[0x1010];
    uint16_t conf = fh_uctx_new(fh, label_cap(CXFW_SCOPE_CONFIGURATION));
    uint16_t ro = fh_uctx_new(fh, label_cap(CXFW_SCOPE_DEBUG_READ_ONLY));
    uint16_t full = fh_uctx_new(fh, label_cap(CXFW_SCOPE_DEBUG_WRITE_FULL));

    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmphex(fh_exec_as(fh, conf, in, 16, out, 16), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_SCOPE_DENIED);
    g_assert_cmphex(fh_exec_as(fh, ro, in, 16, out, 16), ==, 0);
    g_assert_cmphex(fh_exec_as(fh, full, in, 16, out, 16), ==, 0);

    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec_as(fh, conf, in, 16, out, sizeof(out)), ==, 0);

    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_ALLOC_PD, 0);
    g_assert_cmphex(fh_exec_as(fh, full, in, 16, out, 16), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_SCOPE_DENIED);
    g_assert_cmpuint(fh_stats(fh).live_pds, ==, 0);

    /* registers: a label reads HOST_ENDIANNESS, writes stay the driver's */
    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_HOST_ENDIANNESS);
    g_assert_cmphex(fh_exec_as(fh, ro, in, 32, out, 32), ==, 0);
    g_assert_cmphex(fh_exec_as(fh, conf, in, 32, out, 32), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_SCOPE_DENIED);
    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_HOST_ENDIANNESS);
    g_assert_cmphex(fh_exec_as(fh, full, in, 32, out, 32), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_REG_ACCESS_DENIED);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/policy/complete", test_complete);
    g_test_add_func("/policy/well-formed", test_well_formed);
    g_test_add_func("/policy/registers", test_registers);
    g_test_add_func("/policy/create-labels", test_create_labels);
    g_test_add_func("/policy/enforced", test_enforced);
    g_test_add_func("/policy/label-examples", test_label_examples);
    return g_test_run();
}
