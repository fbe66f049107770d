/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attacks on the firmware's isolation that the other suites leave out
 * (docs/security-model.md, "What the attack tests prove"): a malicious
 * driver (or a user whose header uid reaches the firmware unchecked)
 * sends commands with the uid of a destroyed context, names a destroyed
 * context's objects by their old numbers, holds numbers the firmware hands
 * out again, exhausts a limit others share, writes capabilities and
 * registers from user contexts, and spoofs the uid of a live context.
 *
 * test-uctx, test-umem, test-policy and the policy audit (cxfw-audit)
 * cover the rest: contexts' own numbering, limits and round robin, another
 * uid's objects answering as none, scope labels, and every command as
 * every caller.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-commands.h"
#include "cxfw-policy.h"
#include "cxfw-reg.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define RW (FH_MTT_RD | FH_MTT_WR)
#define LRW (FH_MKEY_LR | FH_MKEY_LW)
#define BUF_LEN 0x2000
#define NEVER_USED 0x6789       /* a number no object of these tests has */
#define EQ_LOG_SIZE 4

/* A device brought up by its driver; profile NULL: the default. */
static FakeHost *setup(const char *profile)
{
    FakeHost *fh = fh_new(profile);

    fh_bringup(fh);
    return fh;
}

static uint32_t label_cap(CxfwScope scope)
{
    return TOOLS | 1u << (CXFW_UCTX_CAP_SCOPE_SHIFT + scope);
}

/* Every kind of user context: each capability alone and each label. */
static const uint32_t context_caps[] = {
    0, CXFW_UCTX_CAP_RAW_TX, CXFW_UCTX_CAP_INTERNAL_DEV_RES, TOOLS,
    TOOLS | CXFW_UCTX_CAP_SCOPE_CONFIGURATION,
    TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_READ_ONLY,
    TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE,
    TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE_FULL,
};

/* ---- a context's objects ---- */

typedef struct Objs {
    uint16_t uid;
    uint32_t uar;
    uint32_t eqn;
    FhBuf buf;                  /* umem, PD, memory key */
} Objs;

static uint32_t uar_as(FakeHost *fh, uint16_t uid)
{
    uint8_t in[CXFW_SIZEOF(alloc_uar_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(alloc_uar_out)];

    fh_hdr(in, CXFW_OP_ALLOC_UAR, 0);
    g_assert_cmphex(fh_exec_as(fh, uid, in, sizeof(in), out, sizeof(out)),
                    ==, CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
}

static uint32_t eq_as(FakeHost *fh, uint16_t uid, uint32_t uar)
{
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(fh, EQ_LOG_SIZE, 0, 0, uar, &inlen);
    uint8_t out[FH_HDR_LEN];

    g_assert_cmphex(fh_exec_as(fh, uid, in, inlen, out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));
}

static void objs_new(FakeHost *fh, Objs *o, uint16_t uid)
{
    o->uid = uid;
    o->uar = uar_as(fh, uid);
    o->eqn = eq_as(fh, uid, o->uar);
    fh_buf_new(fh, &o->buf, uid, FH_PAGE_SIZE, 0, false, RW, LRW);
}

/* Every command that names one object by number, and where. */
typedef struct ObjCmd {
    uint16_t opcode;
    CxfwFieldId field;
    uint32_t outlen;
} ObjCmd;

static const ObjCmd obj_cmds[] = {
    { CXFW_OP_QUERY_MKEY, CXFW_FLD(query_mkey_in, mkey_index),
      CXFW_SIZEOF(query_mkey_out) },
    { CXFW_OP_DESTROY_MKEY, CXFW_FLD(destroy_mkey_in, mkey_index),
      FH_HDR_LEN },
    { CXFW_OP_QUERY_UMEM, CXFW_FLD(query_umem_in, umem_id),
      CXFW_SIZEOF(query_umem_out) + 64 },
    { CXFW_OP_DESTROY_UMEM, CXFW_FLD(destroy_umem_in, umem_id),
      FH_HDR_LEN },
    { CXFW_OP_DEALLOC_PD, CXFW_FLD(dealloc_pd_in, pd), FH_HDR_LEN },
    { CXFW_OP_QUERY_EQ, CXFW_FLD(query_eq_in, eq_number),
      FH_QUERY_EQ_OUTLEN },
    { CXFW_OP_DESTROY_EQ, CXFW_FLD(destroy_eq_in, eq_number), FH_HDR_LEN },
    { CXFW_OP_DEALLOC_UAR, CXFW_FLD(dealloc_uar_in, uar), FH_HDR_LEN },
};

static const ObjCmd *obj_cmd(uint16_t opcode)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(obj_cmds); i++) {
        if (obj_cmds[i].opcode == opcode) {
            return &obj_cmds[i];
        }
    }
    g_assert_not_reached();
}

/* A number no object of these tests has, as wide as c's field. */
static uint32_t never_used(const ObjCmd *c)
{
    return NEVER_USED & (uint32_t)((1ull << cxfw_field_width(c->field)) - 1);
}

static uint32_t number_of(const Objs *o, uint16_t opcode)
{
    switch (opcode) {
    case CXFW_OP_QUERY_MKEY:
    case CXFW_OP_DESTROY_MKEY:
        return o->buf.mkey >> 8;
    case CXFW_OP_QUERY_UMEM:
    case CXFW_OP_DESTROY_UMEM:
        return o->buf.umem;
    case CXFW_OP_DEALLOC_PD:
        return o->buf.pd;
    case CXFW_OP_QUERY_EQ:
    case CXFW_OP_DESTROY_EQ:
        return o->eqn;
    default:
        return o->uar;
    }
}

/* c's command naming number, as uid; its whole output in out. */
static uint8_t obj_cmd_as(FakeHost *fh, uint16_t uid, const ObjCmd *c,
                          uint32_t number, uint8_t *out)
{
    uint8_t in[FH_HDR_LEN] = { 0 };

    fh_hdr(in, c->opcode, 0);
    cxfw_set(in, c->field, number);
    memset(out, 0xee, c->outlen);
    return fh_exec_as(fh, uid, in, sizeof(in), out, c->outlen);
}

/*
 * As uid, each object command naming o's objects answers byte for byte as
 * one naming a number no object has: nothing of o's is reachable.
 */
static void check_unreachable(FakeHost *fh, uint16_t uid, const Objs *o)
{
    uint8_t got[BUF_LEN], none[BUF_LEN];

    for (unsigned i = 0; i < G_N_ELEMENTS(obj_cmds); i++) {
        const ObjCmd *c = &obj_cmds[i];

        g_test_message("%s of uid %u's object as uid %u",
                       cxfw_opcode_name(c->opcode), o->uid, uid);
        g_assert_cmphex(obj_cmd_as(fh, uid, c, number_of(o, c->opcode), got),
                        !=, CXFW_STATUS_OK);
        obj_cmd_as(fh, uid, c, never_used(c), none);
        g_assert_cmpmem(got, c->outlen, none, c->outlen);
    }
}

static void destroy_uctx(FakeHost *fh, uint16_t uid, uint16_t op_mod)
{
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_DESTROY_UCTX, op_mod);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
}

/* The owner frees everything itself, as a well-behaved driver would. */
static void objs_free(FakeHost *fh, const Objs *o)
{
    static const uint16_t order[] = {
        CXFW_OP_DESTROY_MKEY, CXFW_OP_DESTROY_UMEM, CXFW_OP_DEALLOC_PD,
        CXFW_OP_DESTROY_EQ, CXFW_OP_DEALLOC_UAR,
    };
    uint8_t out[BUF_LEN];

    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        g_assert_cmphex(obj_cmd_as(fh, o->uid, obj_cmd(order[i]),
                                   number_of(o, order[i]), out), ==,
                        CXFW_STATUS_OK);
    }
}

static bool same_counts(const CxfwStats *a, const CxfwStats *b)
{
    return a->live_uctxs == b->live_uctxs && a->live_eqs == b->live_eqs &&
           a->live_uars == b->live_uars && a->live_umems == b->live_umems &&
           a->live_pds == b->live_pds && a->live_mkeys == b->live_mkeys &&
           a->pages_owned == b->pages_owned &&
           a->hca_state == b->hca_state;
}

/*
 * After DESTROY_UCTX (op_mod 0 once the owner freed its objects, or op_mod
 * 1 with them), every implemented command with every op_mod it accepts,
 * sent with the dead uid and naming its old objects, is refused with
 * UID_UNKNOWN before its handler runs: nothing changes.  (A command that
 * runs only before INIT_HCA is refused by the HCA state first, as for
 * every caller.)  Nor does the DMA engine move a byte for that uid.
 */
static void test_use_after_destroy(gconstpointer data)
{
    uint16_t op_mod = GPOINTER_TO_UINT(data);
    g_autoptr(FakeHost) fh = setup(NULL);
    g_autofree uint8_t *in = g_malloc0(BUF_LEN);
    g_autofree uint8_t *out = g_malloc0(BUF_LEN);
    uint16_t dead = fh_uctx_new(fh, TOOLS);
    const CxfwCommandDesc *const *t;
    unsigned n, sent = 0;
    CxfwStats before, after;
    uint32_t synd;
    uint8_t byte = 0x5a;
    Objs o;

    objs_new(fh, &o, dead);
    if (op_mod == CXFW_DESTROY_UCTX_EMPTY) {
        objs_free(fh, &o);
    }
    destroy_uctx(fh, dead, op_mod);
    before = fh_stats(fh);

    t = cxfw_commands(&n);
    for (unsigned i = 0; i < n; i++) {
        for (unsigned m = 0; m < 32; m++) {
            const CxfwCommandDesc *d = t[i];
            uint8_t status;

            if (d->op_mods == CXFW_OP_MOD_ANY ? m > 1 :
                !(d->op_mods & (1u << m))) {
                continue;
            }
            memset(in, 0, BUF_LEN);
            fh_hdr(in, d->opcode, m);
            for (unsigned j = 0; j < G_N_ELEMENTS(obj_cmds); j++) {
                if (obj_cmds[j].opcode == d->opcode) {
                    cxfw_set(in, obj_cmds[j].field,
                             number_of(&o, d->opcode));
                }
            }
            if (d->opcode == CXFW_OP_QUERY_UCTX ||
                d->opcode == CXFW_OP_DESTROY_UCTX) {
                cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), dead);
            }
            g_test_message("%s op_mod %u as the destroyed uid", d->name, m);
            status = fh_exec_as(fh, dead, in, MAX(d->min_inlen, 0x100), out,
                                MAX(d->min_outlen, 0x100));
            if (d->before_init_only) {
                g_assert_cmphex(status, ==, CXFW_STATUS_BAD_SYS_STATE);
                g_assert_cmphex(fh_syndrome(out), ==,
                                CXFW_SYND_HCA_ALREADY_INITIALIZED);
            } else {
                g_assert_cmphex(status, ==, CXFW_STATUS_BAD_PARAM);
                g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UID_UNKNOWN);
            }
            sent++;
        }
    }
    g_assert_cmpuint(sent, >=, n);
    after = fh_stats(fh);
    g_assert_true(same_counts(&before, &after));
    g_assert_cmphex(cxfw_mkey_write(fh->fw, dead, o.buf.mkey, o.buf.va,
                                    &byte, 1, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_DMA_MKEY_UNKNOWN);
    g_assert_cmpuint(fh_buf_count(fh, &o.buf, byte), ==, 0);
    fh_buf_free(&o.buf);
}

/*
 * The objects of a context destroyed with DESTROY_UCTX op_mod 1 are gone
 * for every uid: the driver, a context that was there before and one
 * created afterwards name its old numbers and get exactly the answer for
 * a number no object ever had; no DMA goes through its old key; the new
 * context's memory objects do not get the old numbers (they move on round
 * robin).  Nothing is left behind either: when the uid itself is handed
 * out again (after the other 65534), the new context finds none of the old
 * one's objects.
 */
static void test_force_destroyed_objects(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    uint16_t b = fh_uctx_new(fh, TOOLS), a = fh_uctx_new(fh, TOOLS), c;
    uint16_t callers[3], again = 0;
    CxfwStats base, after;
    uint32_t synd;
    uint8_t byte = 0x3c;
    Objs old, mine, later;

    objs_new(fh, &mine, b);
    base = fh_stats(fh);
    objs_new(fh, &old, a);
    destroy_uctx(fh, a, CXFW_DESTROY_UCTX_WITH_OBJECTS);
    after = fh_stats(fh);
    base.live_uctxs--;
    g_assert_true(same_counts(&base, &after));
    c = fh_uctx_new(fh, TOOLS);
    g_assert_cmpuint(c, !=, a);
    callers[0] = 0;
    callers[1] = b;
    callers[2] = c;
    for (unsigned i = 0; i < G_N_ELEMENTS(callers); i++) {
        check_unreachable(fh, callers[i], &old);
        g_assert_cmphex(cxfw_mkey_write(fh->fw, callers[i], old.buf.mkey,
                                        old.buf.va, &byte, 1, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_DMA_MKEY_UNKNOWN);
    }
    g_assert_cmpuint(fh_buf_count(fh, &old.buf, byte), ==, 0);
    /* b's objects were not touched */
    g_assert_cmphex(cxfw_mkey_write(fh->fw, b, mine.buf.mkey, mine.buf.va,
                                    &byte, 1, &synd), ==, CXFW_STATUS_OK);
    /* a later context's memory objects carry new numbers */
    fh_buf_new(fh, &later.buf, c, FH_PAGE_SIZE, 0, false, RW, LRW);
    g_assert_cmpuint(later.buf.umem, >, mine.buf.umem);
    g_assert_cmpuint(later.buf.pd, >, mine.buf.pd);
    g_assert_cmpuint(later.buf.mkey >> 8, >, mine.buf.mkey >> 8);

    /* cycle the uids until a's comes round again */
    for (unsigned i = 0; i < 0x10000 && again != a; i++) {
        again = fh_uctx_new(fh, TOOLS);
        if (again != a) {
            destroy_uctx(fh, again, CXFW_DESTROY_UCTX_EMPTY);
        }
    }
    g_assert_cmpuint(again, ==, a);
    g_test_message("uid %u handed out again", a);
    check_unreachable(fh, a, &old);
    fh_buf_free(&old.buf);
    fh_buf_free(&mine.buf);
    fh_buf_free(&later.buf);
}

/*
 * UAR and EQ numbers are handed out lowest first, so a number freed by one
 * context goes to the next one at once.  The old holder, still alive and
 * still holding the number, reaches nothing through it: it answers as a
 * number no object has, and the new owner's object is untouched.
 */
static void test_number_reuse_across_uids(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    uint16_t a = fh_uctx_new(fh, TOOLS), b = fh_uctx_new(fh, TOOLS);
    const ObjCmd *query_eq = obj_cmd(CXFW_OP_QUERY_EQ);
    const ObjCmd *destroy_eq = obj_cmd(CXFW_OP_DESTROY_EQ);
    const ObjCmd *dealloc_uar = obj_cmd(CXFW_OP_DEALLOC_UAR);
    uint8_t got[BUF_LEN], none[BUF_LEN];
    uint32_t uar, eqn, uar_b, eqn_b;

    uar = uar_as(fh, a);
    eqn = eq_as(fh, a, uar);
    g_assert_cmphex(obj_cmd_as(fh, a, destroy_eq, eqn, got), ==, 0);
    g_assert_cmphex(obj_cmd_as(fh, a, dealloc_uar, uar, got), ==, 0);
    uar_b = uar_as(fh, b);
    eqn_b = eq_as(fh, b, uar_b);
    g_assert_cmpuint(uar_b, ==, uar);
    g_assert_cmpuint(eqn_b, ==, eqn);

    /* a's stale numbers now name b's objects: a answers as for none */
    g_assert_cmphex(obj_cmd_as(fh, a, query_eq, eqn, got), ==,
                    CXFW_STATUS_BAD_RES);
    obj_cmd_as(fh, a, query_eq, never_used(query_eq), none);
    g_assert_cmpmem(got, query_eq->outlen, none, query_eq->outlen);
    g_assert_cmphex(obj_cmd_as(fh, a, destroy_eq, eqn, got), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(obj_cmd_as(fh, a, dealloc_uar, uar, got), ==,
                    CXFW_STATUS_BAD_RES);
    /* b's are intact: its EQ still answers, its UAR is still in use */
    g_assert_cmphex(obj_cmd_as(fh, b, query_eq, eqn, got), ==, 0);
    g_assert_cmphex(obj_cmd_as(fh, b, dealloc_uar, uar, got), ==,
                    CXFW_STATUS_RES_BUSY);
}

/*
 * Limits are the function's, not a context's: one context that takes
 * every memory key (the small profile has 4) leaves none to another
 * context or to the driver, which get NO_RES MKEY_EXHAUSTED; destroying
 * that context with op_mod 1 (what cxctl does when its file closes) gives
 * them back.  The firmware bounds what a user can take only by the
 * function's limits; per-user quotas are the kernel's business.
 */
static void test_exhaustion_by_one_context(void)
{
    g_autoptr(FakeHost) fh = setup("cx6dx-small");
    uint16_t hog = fh_uctx_new(fh, TOOLS), other = fh_uctx_new(fh, TOOLS);
    uint8_t in[CXFW_SIZEOF(create_mkey_in)];
    uint32_t mkey, synd;
    unsigned made = 0;
    FhBuf hb, ob;

    fh_buf_new(fh, &hb, hog, FH_PAGE_SIZE, 0, false, RW, LRW);
    made++;
    for (;;) {
        fh_mkey_in(in, hb.pd, hb.umem, 0, hb.va, FH_PAGE_SIZE, LRW, made);
        if (fh_mkey_create(fh, hog, in, &mkey, &synd) != CXFW_STATUS_OK) {
            break;
        }
        made++;
    }
    g_assert_cmphex(synd, ==, CXFW_SYND_MKEY_EXHAUSTED);
    g_assert_cmpuint(made, ==, 4);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 4);

    /* the other context and the driver find the table full */
    {
        uint64_t page = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
        uint32_t inlen, umem, pd;
        g_autofree uint8_t *uin = fh_umem_in(0, 0, &page, 1, RW, &inlen);

        g_assert_cmphex(fh_umem_create(fh, other, uin, inlen, &umem, NULL),
                        ==, CXFW_STATUS_OK);
        g_assert_cmphex(fh_pd_alloc(fh, other, &pd, NULL), ==,
                        CXFW_STATUS_OK);
        fh_mkey_in(in, pd, umem, 0, 0x1000, FH_PAGE_SIZE, LRW, 0);
        g_assert_cmphex(fh_mkey_create(fh, other, in, &mkey, &synd), ==,
                        CXFW_STATUS_NO_RES);
        g_assert_cmphex(synd, ==, CXFW_SYND_MKEY_EXHAUSTED);
    }
    /* reclaiming the hog's context frees its keys for the others */
    destroy_uctx(fh, hog, CXFW_DESTROY_UCTX_WITH_OBJECTS);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 0);
    fh_buf_new(fh, &ob, other, FH_PAGE_SIZE, 0, false, RW, LRW);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 1);
    fh_buf_free(&hb);
    fh_buf_free(&ob);
}

/* The general capabilities, current values, as uid 0 reads them. */
static void current_caps(FakeHost *fh, uint8_t *cap)
{
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc0(FH_QUERY_HCA_CAP_OUTLEN);

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out,
                            FH_QUERY_HCA_CAP_OUTLEN), ==, CXFW_STATUS_OK);
    memcpy(cap, out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                               capability)), FH_CAP_SIZE);
}

static uint8_t set_caps_as(FakeHost *fh, uint16_t uid, uint16_t op_mod,
                           const uint8_t *cap, uint32_t *synd)
{
    g_autofree uint8_t *in = g_malloc0(FH_SET_HCA_CAP_INLEN);
    uint8_t out[FH_HDR_LEN];
    uint8_t status;

    fh_hdr(in, CXFW_OP_SET_HCA_CAP, op_mod);
    memcpy(in + cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability)), cap,
           FH_CAP_SIZE);
    status = fh_exec_as(fh, uid, in, FH_SET_HCA_CAP_INLEN, out, sizeof(out));
    *synd = fh_syndrome(out);
    return status;
}

/*
 * SET_HCA_CAP from a tools context and from each label (and each other
 * kind of context), with capabilities that would grant every user context
 * capability and raise the context limit: refused, the capabilities stay.
 * While contexts exist the HCA is initialized, and SET_HCA_CAP runs only
 * before INIT_HCA: the state check (first in dispatch) refuses it for
 * every caller, uid 0 included, before the policy's KERNEL_UID_REQUIRED
 * could.  Before INIT_HCA no context exists (TEARDOWN_HCA freed them):
 * their uids are refused as naming nothing, and only uid 0 sets caps.
 */
static void test_set_hca_cap_from_contexts(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    g_autofree uint8_t *cap = g_malloc0(FH_CAP_SIZE);
    g_autofree uint8_t *evil = g_malloc0(FH_CAP_SIZE);
    g_autofree uint8_t *now = g_malloc0(FH_CAP_SIZE);
    uint16_t uids[G_N_ELEMENTS(context_caps)];
    uint32_t synd;

    current_caps(fh, cap);
    memcpy(evil, cap, FH_CAP_SIZE);
    cxfw_set(evil, CXFW_FLD(cmd_hca_cap, uctx_cap), 0xffffffff);
    cxfw_set(evil, CXFW_FLD(cmd_hca_cap, log_max_uctx), 16);
    for (unsigned i = 0; i < G_N_ELEMENTS(context_caps); i++) {
        uids[i] = fh_uctx_new(fh, context_caps[i]);
        for (uint16_t op_mod = 0; op_mod < 2; op_mod++) {
            g_test_message("SET_HCA_CAP op_mod %u as cap 0x%x", op_mod,
                           context_caps[i]);
            g_assert_cmphex(set_caps_as(fh, uids[i], op_mod, evil, &synd),
                            ==, CXFW_STATUS_BAD_SYS_STATE);
            g_assert_cmphex(synd, ==, CXFW_SYND_HCA_ALREADY_INITIALIZED);
        }
    }
    current_caps(fh, now);
    g_assert_cmpmem(now, FH_CAP_SIZE, cap, FH_CAP_SIZE);
    /* the policy would refuse them too, were the state right */
    for (unsigned i = 0; i < G_N_ELEMENTS(context_caps); i++) {
        g_assert_cmphex(cxfw_policy_verdict(
                            cxfw_policy_command(CXFW_OP_SET_HCA_CAP, 0),
                            false, context_caps[i]), ==,
                        CXFW_SYND_KERNEL_UID_REQUIRED);
    }

    /* before INIT_HCA: the same uids name nothing */
    g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
    for (unsigned i = 0; i < G_N_ELEMENTS(uids); i++) {
        g_assert_cmphex(set_caps_as(fh, uids[i], 0, evil, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_UID_UNKNOWN);
    }
    current_caps(fh, now);
    g_assert_cmpmem(now, FH_CAP_SIZE, cap, FH_CAP_SIZE);
    g_assert_cmphex(set_caps_as(fh, 0, 0, cap, &synd), ==, CXFW_STATUS_OK);
}

/*
 * An ACCESS_REG write of every register the firmware or the policy knows,
 * from every kind of context: refused with the syndrome the policy gives
 * (the ACCESS_REG row's scope first, then the register's write_who), and
 * no register changes.  The policy lets no context write any register:
 * writes are the driver's.
 */
static void test_register_writes_from_contexts(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    uint32_t data_off = cxfw_field_byte(CXFW_FLD(access_register_in,
                                                 register_data));
    uint8_t he_before[16], he_after[16], ones[16];
    g_autofree uint8_t *in = g_malloc0(BUF_LEN);
    g_autofree uint8_t *out = g_malloc0(BUF_LEN);
    unsigned nf, np, checked = 0;
    const CxfwRegister *fw = cxfw_registers(&nf);
    const CxfwRegisterRule *pol = cxfw_policy_registers(&np);

    memset(ones, 0xff, sizeof(ones));
    g_assert_cmphex(fh_reg_read(fh, 0, CXFW_REG_HOST_ENDIANNESS, NULL,
                                he_before, sizeof(he_before), NULL), ==, 0);
    for (unsigned c = 0; c < G_N_ELEMENTS(context_caps); c++) {
        uint16_t uid = fh_uctx_new(fh, context_caps[c]);

        for (unsigned r = 0; r < nf + np; r++) {
            uint16_t id = r < nf ? fw[r].id : pol[r - nf].id;
            uint32_t size = r < nf ? fw[r].size : 16;
            uint32_t want = cxfw_policy_verdict(
                cxfw_policy_command(CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE),
                false, context_caps[c]);

            if (!want) {
                want = cxfw_policy_register_verdict(
                    cxfw_policy_register(id), true, false, context_caps[c]);
            }
            g_assert_cmphex(want, !=, 0);
            memset(in, 0, BUF_LEN);
            fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE);
            cxfw_set(in, CXFW_FLD(access_register_in, register_id), id);
            memset(in + data_off, 0xff, MIN(size, BUF_LEN - data_off));
            g_test_message("write 0x%x as cap 0x%x", id, context_caps[c]);
            g_assert_cmphex(fh_exec_as(fh, uid, in, data_off + size, out,
                                       data_off + size), ==,
                            CXFW_STATUS_BAD_PARAM);
            g_assert_cmphex(fh_syndrome(out), ==, want);
            checked++;
        }
    }
    g_assert_cmpuint(checked, >=, G_N_ELEMENTS(context_caps) * 3);
    g_assert_cmphex(fh_reg_read(fh, 0, CXFW_REG_HOST_ENDIANNESS, NULL,
                                he_after, sizeof(he_after), NULL), ==, 0);
    g_assert_cmpmem(he_after, sizeof(he_after), he_before, sizeof(he_before));
}

/*
 * What the firmware cannot see: a command whose header carries the uid of
 * another live context is that context's command.  Stamped with a's uid,
 * a command reaches a's objects, whoever built it; the only thing that
 * keeps a user from doing that is the kernel overwriting the header uid of
 * every RPC with its file's.  What the firmware does hold: the spoofed uid
 * brings only that context's rights (a labelled context's uid, its scope;
 * a plain one, no kernel command), and a uid naming no context is refused
 * (test-uctx /uctx/uid-spoofing, the audit's dead-uid columns).
 */
static void test_spoofed_live_uid(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    uint16_t a = fh_uctx_new(fh, TOOLS), b = fh_uctx_new(fh, TOOLS);
    uint16_t conf = fh_uctx_new(fh, label_cap(CXFW_SCOPE_CONFIGURATION));
    uint8_t out[BUF_LEN];
    uint32_t synd;
    uint8_t byte = 0x42;
    Objs o;

    objs_new(fh, &o, a);
    /* from b's side, a's objects are not there ... */
    check_unreachable(fh, b, &o);
    /* ... but a command stamped with a's uid is a's, whoever sent it */
    g_assert_cmphex(obj_cmd_as(fh, a, obj_cmd(CXFW_OP_QUERY_MKEY),
                               o.buf.mkey >> 8, out),
                    ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxfw_mkey_write(fh->fw, a, o.buf.mkey, o.buf.va, &byte,
                                    1, &synd), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_buf_count(fh, &o.buf, byte), ==, 1);
    /* a spoofed uid carries its own context's rights, no more */
    {
        uint8_t in[FH_HDR_LEN] = { 0 };

        fh_hdr(in, CXFW_OP_NOP, 0);
        g_assert_cmphex(fh_exec_as(fh, conf, in, sizeof(in), out,
                                   FH_HDR_LEN), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_SCOPE_DENIED);
        fh_hdr(in, CXFW_OP_DISABLE_HCA, 0);
        g_assert_cmphex(fh_exec_as(fh, a, in, sizeof(in), out, FH_HDR_LEN),
                        ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_KERNEL_UID_REQUIRED);
    }
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
    fh_buf_free(&o.buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/attack/use-after-destroy/empty",
                         GUINT_TO_POINTER(CXFW_DESTROY_UCTX_EMPTY),
                         test_use_after_destroy);
    g_test_add_data_func("/attack/use-after-destroy/with-objects",
                         GUINT_TO_POINTER(CXFW_DESTROY_UCTX_WITH_OBJECTS),
                         test_use_after_destroy);
    g_test_add_func("/attack/force-destroyed-objects",
                    test_force_destroyed_objects);
    g_test_add_func("/attack/number-reuse-across-uids",
                    test_number_reuse_across_uids);
    g_test_add_func("/attack/exhaustion-by-one-context",
                    test_exhaustion_by_one_context);
    g_test_add_func("/attack/set-hca-cap-from-contexts",
                    test_set_hca_cap_from_contexts);
    g_test_add_func("/attack/register-writes-from-contexts",
                    test_register_writes_from_contexts);
    g_test_add_func("/attack/spoofed-live-uid", test_spoofed_live_uid);
    return g_test_run();
}
