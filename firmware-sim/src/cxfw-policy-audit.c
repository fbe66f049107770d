/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy audit (cxfw-policy-audit.h): its rows, its callers, the world
 * of contexts and objects the cells run in, the expectations, the judging
 * and the reports.
 *
 * The world: after the host's reset, uid 0 creates one context per caller
 * column (caps from the callers table), a victim context whose objects the
 * "another context's object" rows name, and a spare context for
 * DESTROY_UCTX; uid 0, the unlabelled contexts and the victim each get a
 * set of objects (two UARs, an EQ, two umems, two PDs, a memory key), so
 * that an allowed command naming an object can name one its caller owns;
 * the DESTROYED context gets its set too and is then destroyed with
 * DESTROY_UCTX op_mod 1.  Labelled contexts cannot create objects (the
 * policy gives them no creating command): they name numbers that name
 * nothing.  Rows for commands that run only before INIT_HCA get a world of
 * their own, the same contexts after TEARDOWN_HCA: none of them is alive
 * there, since a context cannot outlive the initialized HCA.
 *
 * A cell that changes the device (a command that succeeded and is not a
 * query) makes the world dirty: the next cell gets a new one.
 */
#include <errno.h>
#include <string.h>

#include "cxfw-commands.h"
#include "cxfw-policy.h"
#include "cxfw-policy-audit.h"
#include "cxfw-reg.h"

#define HDR             16
#define BUF_LEN         0x2000
#define PAGE            4096
#define TOOLS           CXFW_UCTX_CAP_TOOLS_RESOURCES
#define OP_MODS_MAX     8
#define RANDOM_OPCODES  6
#define RANDOM_SEED     0x5eed2024u
#define NEVER_ISSUED_GAP 0x800  /* above the highest uid handed out */
#define UNKNOWN_REGISTER 0x1234 /* first candidate for "no such register" */
#define VA              0x10000 /* the audit's memory keys' start address */
#define FLD_UID         CXFW_FLD(create_eq_in, uid)
#define FLD_STATUS      CXFW_FLD(query_pages_out, status)
#define FLD_SYNDROME    CXFW_FLD(query_pages_out, syndrome)

/* ---- callers ---- */

typedef struct Caller {
    const char *name;
    const char *desc;
    uint32_t cap;
    bool context;               /* a user context is created for it */
    bool owns;                  /* it gets a set of objects */
} Caller;

#define LABEL(s) (TOOLS | CXFW_UCTX_CAP_SCOPE_##s)
static const Caller callers[CXFW_AUDIT_CALLERS] = {
    [CXFW_AUDIT_KERNEL] = { "uid 0", "the function's driver", 0,
                            false, true },
    [CXFW_AUDIT_USER] = { "user", "a context without capabilities", 0,
                          true, true },
    [CXFW_AUDIT_RAW_TX] = { "RAW_TX", "a context with RAW_TX only",
                            CXFW_UCTX_CAP_RAW_TX, true, true },
    [CXFW_AUDIT_INTERNAL_DEV_RES] = {
        "INTERNAL_DEV_RES", "a context with INTERNAL_DEV_RES only",
        CXFW_UCTX_CAP_INTERNAL_DEV_RES, true, true },
    [CXFW_AUDIT_TOOLS] = { "TOOLS", "a context with TOOLS_RESOURCES only",
                           TOOLS, true, true },
    [CXFW_AUDIT_CONFIGURATION] = {
        "CONFIGURATION label", "TOOLS + SCOPE_CONFIGURATION",
        LABEL(CONFIGURATION), true, false },
    [CXFW_AUDIT_DEBUG_READ_ONLY] = {
        "DEBUG_READ_ONLY label", "TOOLS + SCOPE_DEBUG_READ_ONLY",
        LABEL(DEBUG_READ_ONLY), true, false },
    [CXFW_AUDIT_DEBUG_WRITE] = {
        "DEBUG_WRITE label", "TOOLS + SCOPE_DEBUG_WRITE",
        LABEL(DEBUG_WRITE), true, false },
    [CXFW_AUDIT_DEBUG_WRITE_FULL] = {
        "DEBUG_WRITE_FULL label", "TOOLS + SCOPE_DEBUG_WRITE_FULL",
        LABEL(DEBUG_WRITE_FULL), true, false },
    [CXFW_AUDIT_DESTROYED] = {
        "destroyed uid", "a TOOLS context with objects, then DESTROY_UCTX "
        "op_mod 1: its uid and its objects' old numbers", TOOLS, true, true },
    [CXFW_AUDIT_NEVER_ISSUED] = {
        "never-issued uid", "a uid the firmware never handed out", 0,
        false, false },
};

const char *cxfw_audit_caller_name(CxfwAuditCaller c)
{
    return c < CXFW_AUDIT_CALLERS ? callers[c].name : "?";
}

/* ---- objects ---- */

/* The objects of a set: a second UAR, umem and PD nothing uses. */
typedef enum Slot {
    SLOT_UAR,
    SLOT_UAR_FREE,
    SLOT_EQ,
    SLOT_UMEM,
    SLOT_UMEM_FREE,
    SLOT_PD,
    SLOT_PD_FREE,
    SLOT_MKEY,
    SLOT_UCTX,                  /* the owner's uid */
    SLOTS
} Slot;

/* Slots numbered from one space: a number naming nothing is per space. */
static const Slot slot_space[SLOTS] = {
    [SLOT_UAR] = SLOT_UAR, [SLOT_UAR_FREE] = SLOT_UAR,
    [SLOT_EQ] = SLOT_EQ,
    [SLOT_UMEM] = SLOT_UMEM, [SLOT_UMEM_FREE] = SLOT_UMEM,
    [SLOT_PD] = SLOT_PD, [SLOT_PD_FREE] = SLOT_PD,
    [SLOT_MKEY] = SLOT_MKEY, [SLOT_UCTX] = SLOT_UCTX,
};

/* How a set is created, in order (the EQ needs the UAR, the key the rest). */
static const struct {
    Slot slot;
    uint16_t opcode;
    CxfwFieldId number;         /* in the output */
} creators[] = {
    { SLOT_UAR, CXFW_OP_ALLOC_UAR, CXFW_FLD(alloc_uar_out, uar) },
    { SLOT_UAR_FREE, CXFW_OP_ALLOC_UAR, CXFW_FLD(alloc_uar_out, uar) },
    { SLOT_EQ, CXFW_OP_CREATE_EQ, CXFW_FLD(create_eq_out, eq_number) },
    { SLOT_UMEM, CXFW_OP_CREATE_UMEM, CXFW_FLD(create_umem_out, umem_id) },
    { SLOT_UMEM_FREE, CXFW_OP_CREATE_UMEM,
      CXFW_FLD(create_umem_out, umem_id) },
    { SLOT_PD, CXFW_OP_ALLOC_PD, CXFW_FLD(alloc_pd_out, pd) },
    { SLOT_PD_FREE, CXFW_OP_ALLOC_PD, CXFW_FLD(alloc_pd_out, pd) },
    { SLOT_MKEY, CXFW_OP_CREATE_MKEY, CXFW_FLD(create_mkey_out, mkey_index) },
};

/*
 * Every input field that names an object by number.  Each gets a row
 * "another context's ..." besides the command's own rows.  survival: the
 * owner's command whose success shows the object is still there (0: the
 * command cannot remove it).
 */
typedef struct ObjRef {
    uint16_t opcode;
    Slot slot;
    CxfwFieldId field;
    bool in_mkc;                /* field is in create_mkey_in's mkc */
    uint16_t survival;
    const char *what;
} ObjRef;

static const ObjRef refs[] = {
    { CXFW_OP_CREATE_MKEY, SLOT_UMEM, CXFW_FLD(create_mkey_in, mkey_umem_id),
      false, 0, "umem" },
    { CXFW_OP_CREATE_MKEY, SLOT_PD, CXFW_FLD(mkc, pd), true, 0, "PD" },
    { CXFW_OP_QUERY_MKEY, SLOT_MKEY, CXFW_FLD(query_mkey_in, mkey_index),
      false, 0, "memory key" },
    { CXFW_OP_DESTROY_MKEY, SLOT_MKEY,
      CXFW_FLD(destroy_mkey_in, mkey_index), false, CXFW_OP_QUERY_MKEY,
      "memory key" },
    { CXFW_OP_CREATE_EQ, SLOT_UAR, CXFW_FLD(create_eq_in, eqc_uar_page),
      false, 0, "UAR" },
    { CXFW_OP_DESTROY_EQ, SLOT_EQ, CXFW_FLD(destroy_eq_in, eq_number),
      false, CXFW_OP_QUERY_EQ, "event queue" },
    { CXFW_OP_QUERY_EQ, SLOT_EQ, CXFW_FLD(query_eq_in, eq_number),
      false, 0, "event queue" },
    { CXFW_OP_DEALLOC_PD, SLOT_PD_FREE, CXFW_FLD(dealloc_pd_in, pd),
      false, CXFW_OP_DEALLOC_PD, "PD" },
    { CXFW_OP_DEALLOC_UAR, SLOT_UAR_FREE, CXFW_FLD(dealloc_uar_in, uar),
      false, CXFW_OP_DEALLOC_UAR, "UAR" },
    { CXFW_OP_QUERY_UCTX, SLOT_UCTX, CXFW_FLD(query_uctx_in, uid),
      false, 0, "user context" },
    { CXFW_OP_QUERY_UMEM, SLOT_UMEM, CXFW_FLD(query_umem_in, umem_id),
      false, 0, "umem" },
    { CXFW_OP_DESTROY_UMEM, SLOT_UMEM_FREE,
      CXFW_FLD(destroy_umem_in, umem_id), false, CXFW_OP_QUERY_UMEM,
      "umem" },
};

/* ---- rows and cells ---- */

typedef enum RowKind {
    ROW_COMMAND,                /* an opcode and op_mod */
    ROW_BEFORE_INIT,            /* the same, in the world before INIT_HCA */
    ROW_OTHERS_OBJECT,          /* naming another live context's object */
    ROW_REGISTER,               /* ACCESS_REG of one register */
} RowKind;

typedef struct Cell {
    CxfwAuditExpect expect;
    CxfwAuditObs obs;
    CxfwAuditVerdict verdict;
    const char *reason;
} Cell;

typedef struct Row {
    RowKind kind;
    const char *section;
    uint16_t opcode;
    uint16_t op_mod;
    const ObjRef *ref;          /* ROW_OTHERS_OBJECT */
    uint16_t reg;               /* ROW_REGISTER */
    char *label;
    char *path;
    Cell cells[CXFW_AUDIT_CALLERS];
} Row;

typedef struct World {
    bool built;
    bool dirty;
    bool before_init;
    uint8_t hca_state;
    uint16_t uid[CXFW_AUDIT_CALLERS];
    bool live[CXFW_AUDIT_CALLERS];
    uint32_t obj[CXFW_AUDIT_CALLERS][SLOTS];
    uint16_t victim;
    uint32_t victim_obj[SLOTS];
    uint16_t spare;             /* for DESTROY_UCTX */
    uint32_t none[SLOTS];       /* numbers that name nothing */
} World;

struct CxfwAudit {
    const CxfwAuditOps *ops;
    void *opaque;
    char *title;
    GPtrArray *rows;
    World w;
    char *setup_error;
    uint8_t *in, *out, *none_out;
};

#define SECTION_IMPLEMENTED "Implemented commands"
#define SECTION_LACKING "Policy rows cxsim does not implement"
#define SECTION_UNLISTED "Opcodes neither implemented nor in the policy"

/* ---- judging ---- */

bool cxfw_audit_policy_refusal(uint32_t syndrome)
{
    switch (syndrome) {
    case CXFW_SYND_KERNEL_UID_REQUIRED:
    case CXFW_SYND_TOOLS_RESOURCES_REQUIRED:
    case CXFW_SYND_SCOPE_DENIED:
    case CXFW_SYND_REG_ACCESS_DENIED:
    case CXFW_SYND_UID_UNKNOWN:
        return true;
    default:
        return false;
    }
}

CxfwAuditVerdict cxfw_audit_judge(const CxfwAuditExpect *e,
                                  const CxfwAuditObs *o, const char **reason)
{
    const char *why = NULL;

    if (o->delivery) {
        why = "the command was not delivered";
    } else if (!o->invariants_ok) {
        why = "the firmware's invariants broke";
    } else if (!o->survived) {
        why = "the other context's object did not survive";
    } else {
        switch (e->kind) {
        case CXFW_AUDIT_ALLOWED:
            if (cxfw_audit_policy_refusal(o->syndrome)) {
                why = "refused by a rule the policy does not apply here";
            }
            break;
        case CXFW_AUDIT_REFUSED:
            if (o->status != e->status || o->syndrome != e->syndrome) {
                why = o->status == CXFW_STATUS_OK ?
                      "allowed, the policy refuses it" :
                      "refused, but not as expected";
            }
            break;
        case CXFW_AUDIT_AS_NONE:
            if (o->none_delivery) {
                why = "the command naming nothing was not delivered";
            } else if (o->status == CXFW_STATUS_OK) {
                why = "reached another context's object";
            } else if (o->status != o->none_status ||
                       o->syndrome != o->none_syndrome || !o->same_output) {
                why = "answered unlike a number naming nothing";
            }
            break;
        }
    }
    *reason = why ? why : "pass";
    if (why) {
        return CXFW_AUDIT_DIVERGENCE;
    }
    return e->kind == CXFW_AUDIT_ALLOWED ? CXFW_AUDIT_PASS_ALLOWED :
           CXFW_AUDIT_PASS_REFUSED;
}

/* ---- commands ---- */

static uint8_t send(CxfwAudit *a, uint16_t uid, uint8_t *in, uint32_t inlen,
                    uint8_t *out, uint32_t outlen)
{
    cxfw_set(in, FLD_UID, uid);
    memset(out, 0, MAX(outlen, HDR));
    return a->ops->exec(a->opaque, in, inlen, out, outlen);
}

/* A command for the world's set-up: false unless delivered and OK. */
static bool setup_cmd(CxfwAudit *a, uint16_t uid, uint8_t *in,
                      uint32_t inlen, uint32_t outlen, const char *what)
{
    if (send(a, uid, in, inlen, a->out, outlen) ||
        cxfw_get(a->out, FLD_STATUS) != CXFW_STATUS_OK) {
        if (!a->setup_error) {
            a->setup_error = g_strdup_printf(
                "set-up %s as uid %u: status 0x%x syndrome 0x%x", what, uid,
                (unsigned)cxfw_get(a->out, FLD_STATUS),
                (unsigned)cxfw_get(a->out, FLD_SYNDROME));
        }
        return false;
    }
    return true;
}

static void put_mtt(uint8_t *e, uint64_t addr)
{
    cxfw_set(e, CXFW_FLD(mtt, ptag_63_32), addr >> 32);
    cxfw_set(e, CXFW_FLD(mtt, ptag_31_8), (uint32_t)addr >> 8);
    cxfw_set(e, CXFW_FLD(mtt, rd_en), 1);
    cxfw_set(e, CXFW_FLD(mtt, wr_en), 1);
}

/* Current capabilities of op_mod's type, as uid 0 reads them. */
static void current_caps(CxfwAudit *a, uint16_t op_mod, uint8_t *cap)
{
    g_autofree uint8_t *in = g_malloc0(HDR);
    uint32_t outlen = CXFW_SIZEOF(query_hca_cap_out);

    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), CXFW_OP_QUERY_HCA_CAP);
    cxfw_set(in, CXFW_FLD(create_eq_in, op_mod), (op_mod & ~1u) | 1);
    if (setup_cmd(a, 0, in, HDR, outlen, "QUERY_HCA_CAP")) {
        memcpy(cap, a->out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                      capability)),
               outlen - HDR);
    }
}

/*
 * Build opcode/op_mod in a->in naming the objects obj[] (by slot), with
 * input and output lengths that a caller allowed to send it would use.
 */
static void build(CxfwAudit *a, uint16_t opcode, uint16_t op_mod,
                  const uint32_t *obj, uint32_t *inlen, uint32_t *outlen)
{
    const CxfwCommandDesc *d = cxfw_command_find(opcode);
    uint8_t *in = a->in;

    memset(in, 0, BUF_LEN);
    *inlen = MAX(d ? d->min_inlen : HDR, HDR);
    *outlen = MAX(d ? d->min_outlen : HDR, HDR);
    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), opcode);
    cxfw_set(in, CXFW_FLD(create_eq_in, op_mod), op_mod);

    switch (opcode) {
    case CXFW_OP_SET_ISSI:
        cxfw_set(in, CXFW_FLD(set_issi_in, current_issi), 1);
        break;
    case CXFW_OP_SET_HCA_CAP:
        current_caps(a, op_mod, in + cxfw_field_byte(
                         CXFW_FLD(set_hca_cap_in, capability)));
        break;
    case CXFW_OP_MANAGE_PAGES:
        if (op_mod == CXFW_PAGES_GIVE) {
            uint32_t pas = cxfw_field_byte(CXFW_FLD(manage_pages_in, pas));

            cxfw_put_be64(in + pas, a->ops->alloc(a->opaque, PAGE));
            *inlen = pas + 8;
        } else if (op_mod == CXFW_PAGES_TAKE) {
            *outlen = cxfw_field_byte(CXFW_FLD(manage_pages_out, pas)) + 8;
        }
        cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), 1);
        break;
    case CXFW_OP_CREATE_EQ: {
        uint32_t pas = cxfw_field_byte(CXFW_FLD(create_eq_in, pas));

        cxfw_set(in, CXFW_FLD(create_eq_in, eqc_log_eq_size), 4);
        cxfw_put_be64(in + pas, a->ops->alloc(a->opaque, PAGE));
        *inlen = pas + 8;
        break;
    }
    case CXFW_OP_CREATE_UMEM: {
        uint8_t *umem = in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem));

        cxfw_set(umem, CXFW_FLD(umem, num_of_mtt), 1);
        put_mtt(umem + cxfw_field_byte(CXFW_FLD(umem, mtt)),
                a->ops->alloc(a->opaque, PAGE));
        *inlen += CXFW_MTT_ENTRY_SIZE;
        break;
    }
    case CXFW_OP_QUERY_UMEM:
        *outlen += CXFW_MTT_ENTRY_SIZE;
        break;
    case CXFW_OP_CREATE_MKEY: {
        uint8_t *mkc = in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));

        cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_valid), 1);
        cxfw_set(mkc, CXFW_FLD(mkc, access_mode_1_0),
                 CXFW_MKC_ACCESS_MODE_MTT);
        cxfw_set(mkc, CXFW_FLD(mkc, lr), 1);
        cxfw_set(mkc, CXFW_FLD(mkc, lw), 1);
        cxfw_set(mkc, CXFW_FLD(mkc, qpn), 0xffffff);
        cxfw_set(mkc, CXFW_FLD(mkc, start_addr), VA);
        cxfw_set(mkc, CXFW_FLD(mkc, len), PAGE);
        break;
    }
    case CXFW_OP_DESTROY_UCTX:
        cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), a->w.spare);
        break;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(refs); i++) {
        if (refs[i].opcode == opcode) {
            uint8_t *base = refs[i].in_mkc ?
                in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc)) : in;

            cxfw_set(base, refs[i].field, obj[refs[i].slot]);
        }
    }
}

/* ---- the world ---- */

static bool create_uctx(CxfwAudit *a, uint32_t cap, uint16_t *uid)
{
    uint32_t inlen, outlen;

    build(a, CXFW_OP_CREATE_UCTX, 0, a->w.none, &inlen, &outlen);
    cxfw_set(a->in, CXFW_FLD(create_uctx_in, cap), cap);
    if (!setup_cmd(a, 0, a->in, inlen, outlen, "CREATE_UCTX")) {
        return false;
    }
    *uid = cxfw_get(a->out, CXFW_FLD(create_uctx_out, uid));
    return true;
}

static bool create_objects(CxfwAudit *a, uint16_t uid, uint32_t *obj)
{
    uint32_t inlen, outlen;

    obj[SLOT_UCTX] = uid;
    for (unsigned i = 0; i < G_N_ELEMENTS(creators); i++) {
        if (!cxfw_command_find(creators[i].opcode)) {
            continue;
        }
        build(a, creators[i].opcode, 0, obj, &inlen, &outlen);
        if (!setup_cmd(a, uid, a->in, inlen, outlen,
                       cxfw_opcode_name(creators[i].opcode))) {
            return false;
        }
        obj[creators[i].slot] = cxfw_get(a->out, creators[i].number);
    }
    return true;
}

static void note_max(uint32_t *max, const uint32_t *obj)
{
    for (unsigned s = 0; s < SLOTS; s++) {
        max[slot_space[s]] = MAX(max[slot_space[s]], obj[s]);
    }
}

/* Numbers no object has, and the objects of callers that own none. */
static void world_numbers(World *w)
{
    uint32_t max[SLOTS] = { 0 };
    uint16_t top = w->victim;

    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        note_max(max, w->obj[c]);
        top = MAX(top, w->uid[c]);
    }
    note_max(max, w->victim_obj);
    top = MAX(top, w->spare);
    w->uid[CXFW_AUDIT_NEVER_ISSUED] = top + NEVER_ISSUED_GAP;
    for (unsigned s = 0; s < SLOTS; s++) {
        w->none[s] = max[slot_space[s]] + 1;
    }
    w->none[SLOT_UCTX] = w->uid[CXFW_AUDIT_NEVER_ISSUED];
    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        if (!callers[c].owns || w->before_init) {
            memcpy(w->obj[c], w->none, sizeof(w->none));
            w->obj[c][SLOT_UCTX] = w->uid[c];
        }
    }
}

static bool world_build(CxfwAudit *a, bool before_init)
{
    World *w = &a->w;
    uint32_t inlen, outlen;

    memset(w, 0, sizeof(*w));
    g_clear_pointer(&a->setup_error, g_free);
    w->before_init = before_init;
    if (!a->ops->reset(a->opaque)) {
        a->setup_error = g_strdup("the host's reset failed");
        return false;
    }
    w->hca_state = CXFW_HCA_INITIALIZED;
    w->live[CXFW_AUDIT_KERNEL] = true;
    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        if (callers[c].context) {
            if (!create_uctx(a, callers[c].cap, &w->uid[c])) {
                return false;
            }
            w->live[c] = true;
        }
    }
    if (!create_uctx(a, TOOLS, &w->victim) ||
        !create_uctx(a, 0, &w->spare)) {
        return false;
    }
    if (before_init) {
        /* TEARDOWN_HCA frees every context: the state before INIT_HCA */
        build(a, CXFW_OP_TEARDOWN_HCA, 0, w->none, &inlen, &outlen);
        if (!setup_cmd(a, 0, a->in, inlen, outlen, "TEARDOWN_HCA")) {
            return false;
        }
        memset(w->live + 1, 0, sizeof(w->live) - sizeof(w->live[0]));
        w->hca_state = CXFW_HCA_ENABLED;
    } else {
        for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
            if (callers[c].owns &&
                !create_objects(a, w->uid[c], w->obj[c])) {
                return false;
            }
        }
        if (!create_objects(a, w->victim, w->victim_obj)) {
            return false;
        }
        build(a, CXFW_OP_DESTROY_UCTX, CXFW_DESTROY_UCTX_WITH_OBJECTS,
              w->none, &inlen, &outlen);
        cxfw_set(a->in, CXFW_FLD(destroy_uctx_in, uid),
                 w->uid[CXFW_AUDIT_DESTROYED]);
        if (!setup_cmd(a, 0, a->in, inlen, outlen, "DESTROY_UCTX")) {
            return false;
        }
        w->live[CXFW_AUDIT_DESTROYED] = false;
    }
    world_numbers(w);
    w->built = true;
    return true;
}

static bool world_ensure(CxfwAudit *a, bool before_init)
{
    World *w = &a->w;

    if (w->built && !w->dirty && w->before_init == before_init) {
        return true;
    }
    w->built = false;
    return world_build(a, before_init);
}

/* ---- expectations ---- */

static void refuse(CxfwAuditExpect *e, uint8_t status, uint32_t syndrome,
                   const char *rule)
{
    *e = (CxfwAuditExpect) { CXFW_AUDIT_REFUSED, status, syndrome, rule };
}

static bool register_implemented(uint16_t id)
{
    unsigned n;
    const CxfwRegister *t = cxfw_registers(&n);

    for (unsigned i = 0; i < n; i++) {
        if (t[i].id == id) {
            return true;
        }
    }
    return false;
}

/*
 * What the policy and the shared checks say caller c must get for row r
 * in the current world.  The order is dispatch's: opcode, op_mod, HCA
 * state, a live uid, the command's policy row, then ACCESS_REG's register
 * (known, then its row); a command naming another context's object then
 * answers as one naming nothing, except QUERY_UCTX from uid 0 (the driver
 * may ask about any context: contexts are not objects a uid owns).
 */
static void expect(const World *w, const Row *r, CxfwAuditCaller c,
                   CxfwAuditExpect *e)
{
    const CxfwCommandDesc *d = cxfw_command_find(r->opcode);
    bool kernel = c == CXFW_AUDIT_KERNEL;
    uint32_t cap = callers[c].cap;
    uint32_t synd;

    if (!d) {
        refuse(e, CXFW_STATUS_BAD_OP, CXFW_SYND_BAD_OPCODE,
               "opcode not implemented");
        return;
    }
    if (d->op_mods != CXFW_OP_MOD_ANY &&
        (r->op_mod >= 32 || !(d->op_mods & (1u << r->op_mod)))) {
        refuse(e, CXFW_STATUS_BAD_PARAM, CXFW_SYND_BAD_OP_MOD,
               "op_mod not accepted");
        return;
    }
    if (w->hca_state < d->min_state) {
        refuse(e, CXFW_STATUS_BAD_SYS_STATE,
               w->hca_state == CXFW_HCA_DISABLED ?
               CXFW_SYND_HCA_NOT_ENABLED : CXFW_SYND_HCA_NOT_INITIALIZED,
               "HCA state");
        return;
    }
    if (d->before_init_only && w->hca_state >= CXFW_HCA_INITIALIZED) {
        refuse(e, CXFW_STATUS_BAD_SYS_STATE,
               CXFW_SYND_HCA_ALREADY_INITIALIZED, "HCA state");
        return;
    }
    if (!kernel && !w->live[c]) {
        refuse(e, CXFW_STATUS_BAD_PARAM, CXFW_SYND_UID_UNKNOWN,
               "uid names no context");
        return;
    }
    synd = cxfw_policy_verdict(cxfw_policy_command(r->opcode, r->op_mod),
                               kernel, cap);
    if (synd) {
        refuse(e, CXFW_STATUS_BAD_PARAM, synd, "policy");
        return;
    }
    if (r->kind == ROW_REGISTER) {
        if (!register_implemented(r->reg) && !cxfw_policy_register(r->reg)) {
            refuse(e, CXFW_STATUS_BAD_PARAM, CXFW_SYND_REG_UNKNOWN,
                   "register unknown");
            return;
        }
        synd = cxfw_policy_register_verdict(
            cxfw_policy_register(r->reg), r->op_mod == CXFW_REG_OP_WRITE,
            kernel, cap);
        if (synd) {
            refuse(e, CXFW_STATUS_BAD_PARAM, synd, "policy (register)");
            return;
        }
    }
    if (r->kind == ROW_OTHERS_OBJECT &&
        !(kernel && r->ref->slot == SLOT_UCTX)) {
        *e = (CxfwAuditExpect) { CXFW_AUDIT_AS_NONE, 0, 0,
                                 "another context's object" };
        return;
    }
    *e = (CxfwAuditExpect) { CXFW_AUDIT_ALLOWED, 0, 0, "policy" };
}

/* ---- running cells ---- */

static uint32_t build_register(CxfwAudit *a, const Row *r)
{
    unsigned n;
    const CxfwRegister *t = cxfw_registers(&n);
    uint32_t size = 16;

    for (unsigned i = 0; i < n; i++) {
        if (t[i].id == r->reg) {
            size = t[i].size;
        }
    }
    memset(a->in, 0, BUF_LEN);
    cxfw_set(a->in, CXFW_FLD(create_eq_in, opcode), CXFW_OP_ACCESS_REG);
    cxfw_set(a->in, CXFW_FLD(create_eq_in, op_mod), r->op_mod);
    cxfw_set(a->in, CXFW_FLD(access_register_in, register_id), r->reg);
    return MIN(cxfw_field_byte(CXFW_FLD(access_register_in, register_data)) +
               size, BUF_LEN);
}

/* Does a successful r change what later cells see? */
static bool changes_device(const Row *r)
{
    const char *name = cxfw_opcode_name(r->opcode);

    if (r->kind == ROW_REGISTER) {
        return r->op_mod == CXFW_REG_OP_WRITE;
    }
    return !name || !(g_str_has_prefix(name, "QUERY_") ||
                      r->opcode == CXFW_OP_NOP);
}

/* The owner's command showing its object (ref's slot) is still there. */
static bool survived(CxfwAudit *a, const ObjRef *ref)
{
    const char *name = cxfw_opcode_name(ref->survival);
    uint32_t obj[SLOTS], inlen, outlen;

    memcpy(obj, a->w.victim_obj, sizeof(obj));
    for (unsigned i = 0; i < G_N_ELEMENTS(refs); i++) {
        if (refs[i].opcode == ref->survival) {
            obj[refs[i].slot] = a->w.victim_obj[ref->slot];
        }
    }
    build(a, ref->survival, 0, obj, &inlen, &outlen);
    if (!name || !g_str_has_prefix(name, "QUERY_")) {
        a->w.dirty = true;      /* it freed the object to show it */
    }
    return !send(a, a->w.victim, a->in, inlen, a->none_out, outlen) &&
           cxfw_get(a->none_out, FLD_STATUS) == CXFW_STATUS_OK;
}

static void run_cell(CxfwAudit *a, Row *r, CxfwAuditCaller c)
{
    Cell *cell = &r->cells[c];
    CxfwAuditObs *o = &cell->obs;
    World *w = &a->w;
    uint32_t obj[SLOTS], inlen, outlen = 0;
    g_autofree char *why = NULL;

    memset(o, 0, sizeof(*o));
    o->survived = true;
    o->invariants_ok = true;
    if (!world_ensure(a, r->kind == ROW_BEFORE_INIT)) {
        cell->expect = (CxfwAuditExpect) { CXFW_AUDIT_ALLOWED, 0, 0,
                                           "no world" };
        cell->verdict = CXFW_AUDIT_DIVERGENCE;
        cell->reason = "the audit could not set up its contexts";
        o->delivery = 0xff;
        return;
    }
    expect(w, r, c, &cell->expect);
    memcpy(obj, w->obj[c], sizeof(obj));

    if (cell->expect.kind == CXFW_AUDIT_AS_NONE) {
        obj[r->ref->slot] = w->none[r->ref->slot];
        build(a, r->opcode, r->op_mod, obj, &inlen, &outlen);
        o->none_delivery = send(a, w->uid[c], a->in, inlen, a->none_out,
                                outlen);
        o->none_status = cxfw_get(a->none_out, FLD_STATUS);
        o->none_syndrome = cxfw_get(a->none_out, FLD_SYNDROME);
    }
    if (r->kind == ROW_OTHERS_OBJECT) {
        obj[r->ref->slot] = w->victim_obj[r->ref->slot];
    }
    if (r->kind == ROW_REGISTER) {
        inlen = outlen = build_register(a, r);
    } else {
        build(a, r->opcode, r->op_mod, obj, &inlen, &outlen);
    }
    o->delivery = send(a, w->uid[c], a->in, inlen, a->out, outlen);
    o->status = cxfw_get(a->out, FLD_STATUS);
    o->syndrome = cxfw_get(a->out, FLD_SYNDROME);
    if (cell->expect.kind == CXFW_AUDIT_AS_NONE) {
        o->same_output = !memcmp(a->out, a->none_out, MAX(outlen, HDR));
    }
    if (o->status == CXFW_STATUS_OK && changes_device(r)) {
        w->dirty = true;
    }
    if (r->kind == ROW_OTHERS_OBJECT && r->ref->survival) {
        o->survived = survived(a, r->ref);
    }
    if (a->ops->check && !a->ops->check(a->opaque, &why)) {
        o->invariants_ok = false;
    }
    cell->verdict = cxfw_audit_judge(&cell->expect, o, &cell->reason);
    if (cell->verdict == CXFW_AUDIT_DIVERGENCE) {
        w->dirty = true;        /* whatever happened, start afresh */
    }
}

unsigned cxfw_audit_run_row(CxfwAudit *a, unsigned row)
{
    Row *r = g_ptr_array_index(a->rows, row);
    unsigned n = 0;

    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        run_cell(a, r, c);
        n += r->cells[c].verdict == CXFW_AUDIT_DIVERGENCE;
    }
    return n;
}

unsigned cxfw_audit_run(CxfwAudit *a)
{
    unsigned n = 0;

    for (unsigned i = 0; i < a->rows->len; i++) {
        n += cxfw_audit_run_row(a, i);
    }
    return n;
}

/* ---- rows ---- */

static char *path_of(const char *label)
{
    GString *s = g_string_new(NULL);

    for (const char *p = label; *p; p++) {
        if (g_ascii_isalnum(*p) || *p == '_') {
            g_string_append_c(s, *p);
        } else if (s->len && s->str[s->len - 1] != '-') {
            g_string_append_c(s, '-');
        }
    }
    while (s->len && s->str[s->len - 1] == '-') {
        g_string_truncate(s, s->len - 1);
    }
    return g_string_free(s, false);
}

static Row *add_row(CxfwAudit *a, RowKind kind, const char *section,
                    uint16_t opcode, uint16_t op_mod, char *label)
{
    Row *r = g_new0(Row, 1);

    r->kind = kind;
    r->section = section;
    r->opcode = opcode;
    r->op_mod = op_mod;
    r->label = label;
    r->path = path_of(label);
    g_ptr_array_add(a->rows, r);
    return r;
}

/* The op_mods to send: each accepted one; for "any", 0, 1 and the rows'. */
static unsigned op_mods_of(uint16_t opcode, uint32_t accepted,
                           uint16_t *list)
{
    unsigned n = 0, rows;
    const CxfwPolicyRule *p = cxfw_policy_commands(&rows);

    if (accepted != CXFW_OP_MOD_ANY) {
        for (unsigned i = 0; i < 32 && n < OP_MODS_MAX; i++) {
            if (accepted & (1u << i)) {
                list[n++] = i;
            }
        }
        return n;
    }
    list[n++] = 0;
    list[n++] = 1;
    for (unsigned i = 0; i < rows && n < OP_MODS_MAX; i++) {
        if (p[i].opcode == opcode && p[i].op_mod > 1 &&
            p[i].op_mod != CXSIM_OP_MOD_ANY) {
            list[n++] = p[i].op_mod;
        }
    }
    return n;
}

static void add_register_rows(CxfwAudit *a, const char *name)
{
    unsigned nf, np;
    const CxfwRegister *fw = cxfw_registers(&nf);
    const CxfwRegisterRule *pol = cxfw_policy_registers(&np);
    g_autoptr(GArray) ids = g_array_new(false, false, sizeof(uint16_t));
    uint16_t unknown = UNKNOWN_REGISTER;

    for (unsigned i = 0; i < nf + np; i++) {
        uint16_t id = i < nf ? fw[i].id : pol[i - nf].id;
        bool seen = false;

        for (unsigned j = 0; j < ids->len; j++) {
            seen |= g_array_index(ids, uint16_t, j) == id;
        }
        if (!seen) {
            g_array_append_val(ids, id);
        }
    }
    while (register_implemented(unknown) || cxfw_policy_register(unknown)) {
        unknown++;
    }
    g_array_append_val(ids, unknown);
    for (unsigned i = 0; i < ids->len; i++) {
        uint16_t id = g_array_index(ids, uint16_t, i);
        const CxfwRegisterRule *rule = cxfw_policy_register(id);
        const char *reg = rule ? rule->name :
                          register_implemented(id) ? "(no policy row)" :
                          "(unknown register)";

        for (unsigned write = 0; write < 2; write++) {
            Row *r = add_row(a, ROW_REGISTER, SECTION_IMPLEMENTED,
                             CXFW_OP_ACCESS_REG,
                             write ? CXFW_REG_OP_WRITE : CXFW_REG_OP_READ,
                             g_strdup_printf("0x%04x %s %s 0x%04x %s",
                                             CXFW_OP_ACCESS_REG, name,
                                             write ? "write" : "read", id,
                                             reg));

            r->reg = id;
        }
    }
}

static void add_implemented_rows(CxfwAudit *a)
{
    unsigned n;
    const CxfwCommandDesc *const *t = cxfw_commands(&n);

    for (unsigned i = 0; i < n; i++) {
        const CxfwCommandDesc *d = t[i];
        uint16_t op_mods[OP_MODS_MAX];
        unsigned nm = op_mods_of(d->opcode, d->op_mods, op_mods);

        if (d->opcode == CXFW_OP_ACCESS_REG) {
            add_register_rows(a, d->name);
            continue;
        }
        for (unsigned m = 0; m < nm; m++) {
            add_row(a, ROW_COMMAND, SECTION_IMPLEMENTED, d->opcode,
                    op_mods[m], g_strdup_printf("0x%04x %s op_mod %u",
                                                d->opcode, d->name,
                                                op_mods[m]));
        }
        for (unsigned m = 0; d->before_init_only && m < nm; m++) {
            add_row(a, ROW_BEFORE_INIT, SECTION_IMPLEMENTED, d->opcode,
                    op_mods[m],
                    g_strdup_printf("0x%04x %s op_mod %u, before INIT_HCA",
                                    d->opcode, d->name, op_mods[m]));
        }
        for (unsigned j = 0; j < G_N_ELEMENTS(refs); j++) {
            if (refs[j].opcode == d->opcode) {
                Row *r = add_row(a, ROW_OTHERS_OBJECT, SECTION_IMPLEMENTED,
                                 d->opcode, op_mods[0],
                                 g_strdup_printf("0x%04x %s, another "
                                                 "context's %s", d->opcode,
                                                 d->name, refs[j].what));

                r->ref = &refs[j];
            }
        }
    }
}

/* An op_mod the rule matches and no earlier row of its opcode does. */
static uint16_t op_mod_for_rule(const CxfwPolicyRule *p, unsigned i)
{
    uint16_t op_mod = 0;

    if (p[i].op_mod != CXSIM_OP_MOD_ANY) {
        return p[i].op_mod;
    }
    while (cxfw_policy_command(p[i].opcode, op_mod) != &p[i]) {
        op_mod++;
    }
    return op_mod;
}

static bool policy_lists(uint16_t opcode)
{
    unsigned n;
    const CxfwPolicyRule *p = cxfw_policy_commands(&n);

    for (unsigned i = 0; i < n; i++) {
        if (p[i].opcode == opcode) {
            return true;
        }
    }
    return false;
}

static bool has_opcode(const CxfwAudit *a, uint16_t opcode)
{
    for (unsigned i = 0; i < a->rows->len; i++) {
        if (((const Row *)g_ptr_array_index(a->rows, i))->opcode == opcode) {
            return true;
        }
    }
    return false;
}

static void add_unimplemented_rows(CxfwAudit *a)
{
    unsigned n;
    const CxfwPolicyRule *p = cxfw_policy_commands(&n);
    uint32_t seed = RANDOM_SEED;
    unsigned added = 0;

    for (unsigned i = 0; i < n; i++) {
        uint16_t op_mod = op_mod_for_rule(p, i);

        if (cxfw_command_find(p[i].opcode)) {
            continue;
        }
        add_row(a, ROW_COMMAND, SECTION_LACKING, p[i].opcode, op_mod,
                g_strdup_printf("0x%04x %s op_mod %u", p[i].opcode,
                                p[i].name, op_mod));
    }
    /* a few more, neither implemented nor listed: a fixed seed, same rows */
    while (added < RANDOM_OPCODES) {
        uint16_t opcode;

        seed = seed * 1103515245u + 12345u;
        opcode = seed >> 16;
        if (cxfw_command_find(opcode) || policy_lists(opcode) ||
            has_opcode(a, opcode)) {
            continue;
        }
        add_row(a, ROW_COMMAND, SECTION_UNLISTED, opcode, 0,
                g_strdup_printf("0x%04x (no policy row) op_mod 0", opcode));
        added++;
    }
}

CxfwAudit *cxfw_audit_new(const CxfwAuditOps *ops, void *opaque,
                          const char *title)
{
    CxfwAudit *a = g_new0(CxfwAudit, 1);

    a->ops = ops;
    a->opaque = opaque;
    a->title = g_strdup(title);
    a->rows = g_ptr_array_new();
    a->in = g_malloc0(BUF_LEN);
    a->out = g_malloc0(BUF_LEN);
    a->none_out = g_malloc0(BUF_LEN);
    add_implemented_rows(a);
    add_unimplemented_rows(a);
    return a;
}

void cxfw_audit_free(CxfwAudit *a)
{
    if (!a) {
        return;
    }
    for (unsigned i = 0; i < a->rows->len; i++) {
        Row *r = g_ptr_array_index(a->rows, i);

        g_free(r->label);
        g_free(r->path);
        g_free(r);
    }
    g_ptr_array_free(a->rows, true);
    g_free(a->title);
    g_free(a->setup_error);
    g_free(a->in);
    g_free(a->out);
    g_free(a->none_out);
    g_free(a);
}

unsigned cxfw_audit_rows(const CxfwAudit *a)
{
    return a->rows->len;
}

static const Row *row_at(const CxfwAudit *a, unsigned row)
{
    return g_ptr_array_index(a->rows, row);
}

const char *cxfw_audit_row_label(const CxfwAudit *a, unsigned row)
{
    return row_at(a, row)->label;
}

const char *cxfw_audit_row_path(const CxfwAudit *a, unsigned row)
{
    return row_at(a, row)->path;
}

int cxfw_audit_find_row(const CxfwAudit *a, const char *label)
{
    for (unsigned i = 0; label && i < a->rows->len; i++) {
        if (!strcmp(row_at(a, i)->label, label)) {
            return i;
        }
    }
    return -1;
}

CxfwAuditVerdict cxfw_audit_cell(const CxfwAudit *a, unsigned row,
                                 CxfwAuditCaller c,
                                 const CxfwAuditExpect **expect_out,
                                 const CxfwAuditObs **obs)
{
    const Cell *cell = &row_at(a, row)->cells[c];

    if (expect_out) {
        *expect_out = &cell->expect;
    }
    if (obs) {
        *obs = &cell->obs;
    }
    return cell->verdict;
}

static unsigned count(const CxfwAudit *a, bool divergent)
{
    unsigned n = 0;

    for (unsigned i = 0; i < a->rows->len; i++) {
        for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
            CxfwAuditVerdict v = row_at(a, i)->cells[c].verdict;

            n += divergent ? v == CXFW_AUDIT_DIVERGENCE :
                 v != CXFW_AUDIT_NOT_RUN;
        }
    }
    return n;
}

unsigned cxfw_audit_cells(const CxfwAudit *a)
{
    return count(a, false);
}

unsigned cxfw_audit_divergences(const CxfwAudit *a)
{
    return count(a, true);
}

/* ---- reports ---- */

static void append_answer(GString *s, uint8_t status, uint32_t syndrome)
{
    const char *st = cxfw_status_name(status);
    const char *sy = cxfw_syndrome_name(syndrome);

    if (st) {
        g_string_append(s, st);
    } else {
        g_string_append_printf(s, "status 0x%02x", status);
    }
    if (sy) {
        g_string_append_printf(s, " %s", sy);
    } else if (syndrome) {
        g_string_append_printf(s, " 0x%08x", syndrome);
    }
}

static void append_expected(GString *s, const CxfwAuditExpect *e)
{
    switch (e->kind) {
    case CXFW_AUDIT_ALLOWED:
        g_string_append(s, "allowed");
        break;
    case CXFW_AUDIT_REFUSED:
        append_answer(s, e->status, e->syndrome);
        break;
    case CXFW_AUDIT_AS_NONE:
        g_string_append(s, "as a number naming nothing");
        break;
    }
    g_string_append_printf(s, " (%s)", e->rule);
}

static void append_observed(GString *s, const Cell *cell)
{
    const CxfwAuditObs *o = &cell->obs;

    if (o->delivery) {
        g_string_append_printf(s, "delivery status 0x%02x", o->delivery);
    } else {
        append_answer(s, o->status, o->syndrome);
    }
    if (cell->expect.kind == CXFW_AUDIT_AS_NONE) {
        g_string_append(s, "; naming nothing: ");
        append_answer(s, o->none_status, o->none_syndrome);
    }
}

static void append_line(GString *s, const Row *r, CxfwAuditCaller c)
{
    const Cell *cell = &r->cells[c];

    g_string_append_printf(s, "%s | %s | ", r->label, callers[c].name);
    append_expected(s, &cell->expect);
    g_string_append(s, " | ");
    append_observed(s, cell);
    if (cell->verdict == CXFW_AUDIT_DIVERGENCE) {
        g_string_append_printf(s, " | DIVERGENCE: %s\n", cell->reason);
    } else {
        g_string_append(s, " | pass\n");
    }
}

char *cxfw_audit_row_divergences(const CxfwAudit *a, unsigned row)
{
    const Row *r = row_at(a, row);
    GString *s = g_string_new(NULL);

    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        if (r->cells[c].verdict == CXFW_AUDIT_DIVERGENCE) {
            append_line(s, r, c);
        }
    }
    if (a->setup_error && s->len) {
        g_string_append_printf(s, "(%s)\n", a->setup_error);
    }
    if (!s->len) {
        g_string_free(s, true);
        return NULL;
    }
    return g_string_free(s, false);
}

char *cxfw_audit_text(const CxfwAudit *a)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "# cxsim policy audit: %s\n"
                           "# expected from firmware-sim/policy/"
                           "cxsim-policy.def and the opcode table's "
                           "shared checks\n"
                           "# row | caller | expected (rule) | observed | "
                           "verdict\n", a->title);
    for (unsigned i = 0; i < a->rows->len; i++) {
        for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
            if (row_at(a, i)->cells[c].verdict != CXFW_AUDIT_NOT_RUN) {
                append_line(s, row_at(a, i), c);
            }
        }
    }
    g_string_append_printf(s, "%u cells, %u divergences\n",
                           cxfw_audit_cells(a), cxfw_audit_divergences(a));
    return g_string_free(s, false);
}

static void append_escaped(GString *s, const char *text)
{
    g_autofree char *e = g_markup_escape_text(text, -1);

    g_string_append(s, e);
}

static const char *const html_head =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>cxsim policy audit</title>\n<style>\n"
    "body { font-family: sans-serif; font-size: 13px; }\n"
    "table { border-collapse: collapse; }\n"
    "th, td { border: 1px solid #888; padding: 2px 4px; }\n"
    "th.row { text-align: left; font-weight: normal; "
    "font-family: monospace; }\n"
    "th.section { text-align: left; background: #ddd; }\n"
    "td { font-family: monospace; font-size: 11px; text-align: center; }\n"
    "td.allowed { background: #8fd18f; }\n"
    "td.refused { background: #c8c8c8; }\n"
    "td.divergence { background: #e05050; color: #fff; "
    "font-weight: bold; }\n"
    "td.notrun { background: #fff; }\n"
    "</style>\n</head>\n<body>\n";

static void html_legend(GString *s)
{
    g_string_append(
        s, "<table>\n"
        "<tr><td class=\"allowed\">OK</td><td style=\"text-align:left\">"
        "allowed, as the policy expects (the text is the firmware's "
        "answer: an allowed command may still fail on its payload)</td>"
        "</tr>\n<tr><td class=\"refused\">SYNDROME</td>"
        "<td style=\"text-align:left\">refused exactly as expected (a "
        "policy refusal, a shared check, or another context's object "
        "answered as a number naming nothing)</td></tr>\n"
        "<tr><td class=\"divergence\">SYNDROME</td>"
        "<td style=\"text-align:left\">divergence: the firmware's answer "
        "is not what the policy says</td></tr>\n"
        "<tr><td class=\"notrun\">-</td><td style=\"text-align:left\">"
        "not run</td></tr>\n</table>\n<p>Hover over a cell for the "
        "expected and observed status and syndrome.</p>\n<h2>Callers</h2>\n"
        "<ul>\n");
    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        g_string_append(s, "<li><b>");
        append_escaped(s, callers[c].name);
        g_string_append(s, "</b>: ");
        append_escaped(s, callers[c].desc);
        g_string_append(s, "</li>\n");
    }
    g_string_append(s, "</ul>\n");
}

static void html_cell(GString *s, const Cell *cell)
{
    static const char *const classes[] = {
        [CXFW_AUDIT_NOT_RUN] = "notrun",
        [CXFW_AUDIT_PASS_ALLOWED] = "allowed",
        [CXFW_AUDIT_PASS_REFUSED] = "refused",
        [CXFW_AUDIT_DIVERGENCE] = "divergence",
    };
    g_autoptr(GString) title = g_string_new("expected: ");
    g_auto(GStrv) lines = NULL;
    const char *text = cxfw_syndrome_name(cell->obs.syndrome);

    if (cell->verdict == CXFW_AUDIT_NOT_RUN) {
        g_string_append(s, "<td class=\"notrun\">-</td>");
        return;
    }
    append_expected(title, &cell->expect);
    g_string_append(title, "\nobserved: ");
    append_observed(title, cell);
    g_string_append_printf(title, "\n%s", cell->reason);
    lines = g_strsplit(title->str, "\n", -1);
    if (cell->obs.delivery) {
        text = "NOT DELIVERED";
    } else if (!text) {
        text = cxfw_status_name(cell->obs.status);
    }
    g_string_append_printf(s, "<td class=\"%s\" title=\"",
                           classes[cell->verdict]);
    for (char **line = lines; *line; line++) {
        g_string_append(s, line == lines ? "" : "&#10;");
        append_escaped(s, *line);
    }
    g_string_append(s, "\">");
    append_escaped(s, text ? text : "?");
    g_string_append(s, "</td>");
}

char *cxfw_audit_html(const CxfwAudit *a)
{
    GString *s = g_string_new(html_head);
    const char *section = NULL;

    g_string_append(s, "<h1>cxsim policy audit: ");
    append_escaped(s, a->title);
    g_string_append_printf(s, "</h1>\n<p>Expected answers from "
                           "<code>firmware-sim/policy/cxsim-policy.def"
                           "</code> and the opcode table's shared checks; "
                           "docs/security-model.md, \"Running the "
                           "audit\".</p>\n<p><b>%u cells, %u divergences"
                           "</b></p>\n", cxfw_audit_cells(a),
                           cxfw_audit_divergences(a));
    html_legend(s);
    g_string_append(s, "<table>\n<tr><th>row</th>");
    for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
        g_string_append(s, "<th>");
        append_escaped(s, callers[c].name);
        g_string_append(s, "</th>");
    }
    g_string_append(s, "</tr>\n");
    for (unsigned i = 0; i < a->rows->len; i++) {
        const Row *r = row_at(a, i);

        if (r->section != section) {
            section = r->section;
            g_string_append_printf(s, "<tr><th class=\"section\" "
                                   "colspan=\"%u\">%s</th></tr>\n",
                                   CXFW_AUDIT_CALLERS + 1, section);
        }
        g_string_append(s, "<tr><th class=\"row\">");
        append_escaped(s, r->label);
        g_string_append(s, "</th>");
        for (unsigned c = 0; c < CXFW_AUDIT_CALLERS; c++) {
            html_cell(s, &r->cells[c]);
        }
        g_string_append(s, "</tr>\n");
    }
    g_string_append(s, "</table>\n</body>\n</html>\n");
    return g_string_free(s, false);
}

bool cxfw_audit_write(const CxfwAudit *a, const char *dir, GError **err)
{
    g_autofree char *text = cxfw_audit_text(a);
    g_autofree char *html = cxfw_audit_html(a);
    g_autofree char *txt_path = g_build_filename(dir, "audit.txt", NULL);
    g_autofree char *html_path = g_build_filename(dir, "audit.html", NULL);

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", dir, g_strerror(errno));
        return false;
    }
    return g_file_set_contents(txt_path, text, -1, err) &&
           g_file_set_contents(html_path, html, -1, err);
}
