/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User contexts (docs/prm-coverage.md, "User contexts"): CREATE/QUERY/
 * DESTROY_UCTX, the caller checks in dispatch (a header uid must name a
 * live context, kernel-class commands need uid 0), object ownership (a uid
 * reaches only its own EQs and UARs, and another uid's object answers
 * exactly like one that does not exist) and freeing on teardown and reset.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-commands.h"
#include "cxfw-policy.h"

#define CAP(field) CXFW_FLD(cmd_hca_cap, field)
#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define DEV_UCTX_CAP 0x7        /* the default profile's uctx_cap */
#define MAX_UCTX 256            /* 1 << log_max_uctx (8) */
#define QUERY_UCTX_OUTLEN CXFW_SIZEOF(query_uctx_out)
#define BUF_LEN 0x2000

/* ---- commands as a given uid ---- */

static uint8_t exec_as(FakeHost *fh, uint16_t uid, void *in, uint32_t inlen,
                       void *out, uint32_t outlen)
{
    cxfw_set(in, FH_UID, uid);
    return fh_exec(fh, in, inlen, out, outlen);
}

static uint8_t simple_as(FakeHost *fh, uint16_t uid, uint16_t opcode,
                         uint32_t *synd)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];
    uint8_t status;

    fh_hdr(in, opcode, 0);
    status = exec_as(fh, uid, in, sizeof(in), out, sizeof(out));
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

static uint8_t uctx_create_as(FakeHost *fh, uint16_t caller, uint32_t cap,
                              uint16_t *uid, uint32_t *synd)
{
    uint8_t in[CXFW_SIZEOF(create_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_uctx_out)];
    uint8_t status;

    fh_hdr(in, CXFW_OP_CREATE_UCTX, 0);
    cxfw_set(in, CXFW_FLD(create_uctx_in, cap), cap);
    status = exec_as(fh, caller, in, sizeof(in), out, sizeof(out));
    if (uid) {
        *uid = cxfw_get(out, CXFW_FLD(create_uctx_out, uid));
    }
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

/* A new context created by the driver; fails the test if refused. */
static uint16_t new_uctx(FakeHost *fh, uint32_t cap)
{
    uint16_t uid = 0;
    uint32_t synd = 0;

    g_assert_cmphex(uctx_create_as(fh, 0, cap, &uid, &synd), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(synd, ==, 0);
    g_assert_cmpuint(uid, !=, 0);
    return uid;
}

static uint8_t uctx_destroy_as(FakeHost *fh, uint16_t caller, uint16_t uid,
                               uint32_t *synd)
{
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(destroy_uctx_out)];
    uint8_t status;

    fh_hdr(in, CXFW_OP_DESTROY_UCTX, 0);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    status = exec_as(fh, caller, in, sizeof(in), out, sizeof(out));
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

/* QUERY_UCTX as caller about payload uid; out holds the whole output. */
static uint8_t uctx_query_as(FakeHost *fh, uint16_t caller, uint16_t uid,
                             uint8_t out[QUERY_UCTX_OUTLEN])
{
    uint8_t in[CXFW_SIZEOF(query_uctx_in)] = { 0 };

    fh_hdr(in, CXFW_OP_QUERY_UCTX, 0);
    cxfw_set(in, CXFW_FLD(query_uctx_in, uid), uid);
    memset(out, 0xee, QUERY_UCTX_OUTLEN);
    return exec_as(fh, caller, in, sizeof(in), out, QUERY_UCTX_OUTLEN);
}

static uint8_t alloc_uar_as(FakeHost *fh, uint16_t uid, uint32_t *uar,
                            uint32_t *synd)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];
    uint8_t status;

    fh_hdr(in, CXFW_OP_ALLOC_UAR, 0);
    status = exec_as(fh, uid, in, sizeof(in), out, sizeof(out));
    if (uar) {
        *uar = cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
    }
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

static uint32_t uar_of(FakeHost *fh, uint16_t uid)
{
    uint32_t uar = 0;

    g_assert_cmphex(alloc_uar_as(fh, uid, &uar, NULL), ==, CXFW_STATUS_OK);
    return uar;
}

static uint8_t dealloc_uar_as(FakeHost *fh, uint16_t uid, uint32_t uar,
                              uint8_t out[FH_HDR_LEN])
{
    uint8_t in[FH_HDR_LEN] = { 0 };

    fh_hdr(in, CXFW_OP_DEALLOC_UAR, 0);
    cxfw_set(in, CXFW_FLD(dealloc_uar_in, uar), uar);
    memset(out, 0xee, FH_HDR_LEN);
    return exec_as(fh, uid, in, sizeof(in), out, FH_HDR_LEN);
}

/* CREATE_EQ as uid; the whole 16-byte output in out. */
static uint8_t eq_create_as(FakeHost *fh, uint16_t uid, uint32_t uar,
                            uint64_t event_mask, uint8_t *eqn,
                            uint8_t out[FH_HDR_LEN])
{
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(fh, 4, event_mask, 0, uar, &inlen);
    uint8_t status;

    memset(out, 0xee, FH_HDR_LEN);
    status = exec_as(fh, uid, in, inlen, out, FH_HDR_LEN);
    if (eqn) {
        *eqn = cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));
    }
    return status;
}

static uint8_t eq_of(FakeHost *fh, uint16_t uid, uint32_t uar)
{
    uint8_t out[FH_HDR_LEN], eqn = 0;

    g_assert_cmphex(eq_create_as(fh, uid, uar, 0, &eqn, out), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(eqn, !=, 0);
    return eqn;
}

/* QUERY_EQ or DESTROY_EQ of eqn as uid; the whole output in out. */
static uint8_t eq_cmd_as(FakeHost *fh, uint16_t uid, uint16_t opcode,
                         uint8_t eqn, uint8_t out[FH_QUERY_EQ_OUTLEN])
{
    uint8_t in[FH_HDR_LEN] = { 0 };

    /* destroy_eq_in and query_eq_in put eq_number at the same place */
    G_STATIC_ASSERT(CXFW_FLD(destroy_eq_in, eq_number) ==
                    CXFW_FLD(query_eq_in, eq_number));
    fh_hdr(in, opcode, 0);
    cxfw_set(in, CXFW_FLD(query_eq_in, eq_number), eqn);
    memset(out, 0xee, FH_QUERY_EQ_OUTLEN);
    return exec_as(fh, uid, in, sizeof(in), out, FH_QUERY_EQ_OUTLEN);
}

static FakeHost *setup(void)
{
    FakeHost *fh = fh_new(NULL);

    fh_bringup(fh);
    return fh;
}

/* ---- CREATE / QUERY / DESTROY ---- */

static void test_create_query_destroy(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[QUERY_UCTX_OUTLEN];
    uint16_t a, b;
    uint32_t synd;

    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 0);
    a = new_uctx(fh, TOOLS);
    b = new_uctx(fh, CXFW_UCTX_CAP_RAW_TX | CXFW_UCTX_CAP_INTERNAL_DEV_RES);
    g_assert_cmpuint(a, ==, 1);
    g_assert_cmpuint(b, ==, 2);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 2);

    /* the driver asks about any context by payload uid */
    g_assert_cmphex(uctx_query_as(fh, 0, a, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(query_uctx_out, uid)), ==, a);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, TOOLS);
    g_assert_cmphex(uctx_query_as(fh, 0, b, out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, 0x3);
    /* a context about itself: payload 0 means the header's uid */
    g_assert_cmphex(uctx_query_as(fh, a, 0, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(query_uctx_out, uid)), ==, a);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, TOOLS);
    g_assert_cmphex(uctx_query_as(fh, b, b, out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, 0x3);
    /* nothing else in the output */
    for (unsigned i = 0x14; i < QUERY_UCTX_OUTLEN; i++) {
        g_assert_cmphex(out[i], ==, 0);
    }

    g_assert_cmphex(uctx_destroy_as(fh, 0, a, &synd), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
    g_assert_cmphex(uctx_query_as(fh, 0, a, out), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UCTX_UNKNOWN);
    /* double destroy, uid 0 and never-created uids */
    g_assert_cmphex(uctx_destroy_as(fh, 0, a, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_UNKNOWN);
    g_assert_cmphex(uctx_destroy_as(fh, 0, 0, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_UNKNOWN);
    g_assert_cmphex(uctx_destroy_as(fh, 0, 0xffff, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_UNKNOWN);
    /* uid 0 is not a context */
    g_assert_cmphex(uctx_query_as(fh, 0, 0, out), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UCTX_UNKNOWN);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
    g_assert_cmphex(uctx_destroy_as(fh, 0, b, &synd), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 0);
}

/* The same, through the command queue: the entry's header carries the uid. */
static void test_through_queue(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t in[CXFW_SIZEOF(create_uctx_in)] = { 0 };
    uint8_t out[QUERY_UCTX_OUTLEN];
    uint16_t uid;

    fh_hdr(in, CXFW_OP_CREATE_UCTX, 0);
    cxfw_set(in, CXFW_FLD(create_uctx_in, cap), TOOLS);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out,
                           CXFW_SIZEOF(create_uctx_out)), ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    uid = cxfw_get(out, CXFW_FLD(create_uctx_out, uid));
    g_assert_cmpuint(uid, ==, 1);

    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_QUERY_UCTX, 0);
    cxfw_set(in, FH_UID, uid);
    g_assert_cmphex(fh_cmd(fh, in, CXFW_SIZEOF(query_uctx_in), out,
                           sizeof(out)), ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, TOOLS);
    /* the uid in the entry's inline header is the one checked */
    cxfw_set(in, FH_UID, uid + 1);
    g_assert_cmphex(fh_cmd(fh, in, CXFW_SIZEOF(query_uctx_in), out,
                           sizeof(out)), ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UID_UNKNOWN);
    g_assert_cmphex(fh->last_done_syndrome, ==, CXFW_SYND_UID_UNKNOWN);
}

/* Requested caps must be a subset of the device's uctx_cap. */
static void test_cap_subset(void)
{
    static const uint32_t bad[] = {
        CXFW_UCTX_CAP_RDMA_CTRL, CXFW_UCTX_CAP_RDMA_CTRL_OTHER_VHCA,
        TOOLS | CXFW_UCTX_CAP_RDMA_CTRL, 0x20, 0x80000000, 0xffffffff,
    };
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[QUERY_UCTX_OUTLEN];
    uint32_t synd;
    uint16_t uid;

    for (uint32_t cap = 0; cap <= DEV_UCTX_CAP; cap++) {
        uid = new_uctx(fh, cap);
        g_assert_cmphex(uctx_query_as(fh, uid, 0, out), ==, CXFW_STATUS_OK);
        g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==,
                        cap);
    }
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, DEV_UCTX_CAP + 1);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("cap 0x%x", bad[i]);
        uid = 0x1234;
        g_assert_cmphex(uctx_create_as(fh, 0, bad[i], &uid, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_CAP_UNSUPPORTED);
        g_assert_cmpuint(uid, ==, 0);
    }
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, DEV_UCTX_CAP + 1);
    /* a refused create consumed no uid */
    g_assert_cmpuint(new_uctx(fh, 0), ==, DEV_UCTX_CAP + 2);
}

/* At most 1 << log_max_uctx live contexts. */
static void test_limit(void)
{
    g_autoptr(FakeHost) fh = setup();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash,
                                                  g_direct_equal);
    uint8_t cap[FH_QUERY_HCA_CAP_OUTLEN], in[FH_HDR_LEN] = { 0 };
    uint32_t synd;
    uint16_t uid;

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), cap, sizeof(cap)), ==, 0);
    g_assert_cmpuint(1u << cxfw_get(cap + cxfw_field_byte(
                         CXFW_FLD(query_hca_cap_out, capability)),
                         CAP(log_max_uctx)), ==, MAX_UCTX);

    for (unsigned i = 0; i < MAX_UCTX; i++) {
        uid = new_uctx(fh, TOOLS);
        g_assert_false(g_hash_table_contains(seen, GUINT_TO_POINTER(uid)));
        g_hash_table_add(seen, GUINT_TO_POINTER(uid));
    }
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, MAX_UCTX);
    g_assert_cmphex(uctx_create_as(fh, 0, TOOLS, &uid, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_EXHAUSTED);
    g_assert_cmphex(uctx_create_as(fh, 0, 0, &uid, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, MAX_UCTX);
    /* one freed: one more fits, and the limit holds again */
    g_assert_cmphex(uctx_destroy_as(fh, 0, 77, &synd), ==, CXFW_STATUS_OK);
    uid = new_uctx(fh, TOOLS);
    g_assert_cmpuint(uid, ==, MAX_UCTX + 1);
    g_assert_cmphex(uctx_create_as(fh, 0, TOOLS, &uid, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_EXHAUSTED);
}

/* uids are handed out round-robin: a freed uid is not reissued at once. */
static void test_uid_round_robin(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t a, b, c;

    a = new_uctx(fh, TOOLS);
    b = new_uctx(fh, TOOLS);
    g_assert_cmphex(uctx_destroy_as(fh, 0, a, NULL), ==, 0);
    c = new_uctx(fh, TOOLS);
    g_assert_cmpuint(a, ==, 1);
    g_assert_cmpuint(b, ==, 2);
    g_assert_cmpuint(c, ==, 3);
    g_assert_cmphex(uctx_destroy_as(fh, 0, b, NULL), ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, 0, c, NULL), ==, 0);
    /* none live: numbering still moves on */
    g_assert_cmpuint(new_uctx(fh, TOOLS), ==, 4);
    /* the old uids name nothing */
    g_assert_cmphex(simple_as(fh, a, CXFW_OP_NOP, NULL), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(simple_as(fh, c, CXFW_OP_NOP, NULL), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(simple_as(fh, 4, CXFW_OP_NOP, NULL), ==, 0);
}

/*
 * Over the whole uid space: uids wrap from 0xffff to 1, never 0, and skip
 * every uid still held by a live context (here one that owns an EQ and
 * one that owns nothing).
 */
static void test_uid_wrap_skips_live(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_QUERY_EQ_OUTLEN];
    uint16_t first, held, uid = 0, prev;
    uint32_t uar;
    uint8_t eqn;
    unsigned issued = 0;

    first = new_uctx(fh, TOOLS);                     /* 1 */
    uar = uar_of(fh, first);
    eqn = eq_of(fh, first, uar);
    new_uctx(fh, TOOLS);                             /* 2, freed below */
    held = new_uctx(fh, 0);                          /* 3 */
    g_assert_cmphex(uctx_destroy_as(fh, 0, 2, NULL), ==, 0);
    prev = held;
    /* cycle until the cursor has wrapped past 3 again */
    while (issued < 0x10000) {
        uid = new_uctx(fh, 0);
        issued++;
        g_assert_cmpuint(uid, !=, 0);
        g_assert_cmpuint(uid, !=, first);
        g_assert_cmpuint(uid, !=, held);
        if (uid != (uint16_t)(prev + 1)) {
            /* the only jumps: 0xffff -> 2 (1 held) and 2 -> 4 (3 held) */
            g_assert_true((prev == 0xffff && uid == 2) ||
                          (prev == 2 && uid == 4));
        }
        g_assert_cmphex(uctx_destroy_as(fh, 0, uid, NULL), ==, 0);
        if (prev == 2 && uid == 4) {
            break;
        }
        prev = uid;
    }
    g_assert_cmpuint(uid, ==, 4);
    g_assert_cmpuint(issued, ==, 0xffff - 3 + 2);
    /* the held contexts and their objects are untouched */
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 2);
    g_assert_cmphex(eq_cmd_as(fh, first, CXFW_OP_QUERY_EQ, eqn, out), ==, 0);
}

/* DESTROY_UCTX is refused while the context owns an EQ or a UAR. */
static void test_destroy_busy(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_QUERY_EQ_OUTLEN];
    uint16_t uid = new_uctx(fh, TOOLS);
    uint32_t uar, uar2, synd;
    uint8_t eqn;

    uar = uar_of(fh, uid);
    uar2 = uar_of(fh, uid);
    eqn = eq_of(fh, uid, uar);
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, &synd), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_BUSY);
    /* the refusal changed nothing */
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
    g_assert_cmphex(eq_cmd_as(fh, uid, CXFW_OP_QUERY_EQ, eqn, out), ==, 0);

    g_assert_cmphex(eq_cmd_as(fh, uid, CXFW_OP_DESTROY_EQ, eqn, out), ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, &synd), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(dealloc_uar_as(fh, uid, uar, out), ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, &synd), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_BUSY);
    g_assert_cmphex(dealloc_uar_as(fh, uid, uar2, out), ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, &synd), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 0);
    /* the driver's own objects never pinned anything */
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
}

/* Objects failed to create take no hold on the context. */
static void test_failed_create_no_hold(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_HDR_LEN];
    uint16_t uid = new_uctx(fh, TOOLS);
    uint32_t uar = uar_of(fh, uid);

    /* a vector the function does not have */
    {
        uint32_t inlen;
        g_autofree uint8_t *in = fh_eq_in(fh, 4, 0, FH_MSIX_VECTORS, uar,
                                          &inlen);

        g_assert_cmphex(exec_as(fh, uid, in, inlen, out, sizeof(out)), ==,
                        CXFW_STATUS_BAD_PARAM);
    }
    g_assert_cmphex(eq_create_as(fh, uid, uar, 1ull << CXFW_EVENT_CMD, NULL,
                                 out), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
    g_assert_cmphex(dealloc_uar_as(fh, uid, uar, out), ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, NULL), ==, CXFW_STATUS_OK);
}

/* ---- ownership ---- */

/*
 * Another uid's EQ answers QUERY_EQ and DESTROY_EQ byte for byte like an
 * eq_number that names nothing, in both directions between two contexts
 * and between a context and the driver.
 */
static void test_cross_uid_eq(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_QUERY_EQ_OUTLEN], none[FH_QUERY_EQ_OUTLEN];
    uint16_t a = new_uctx(fh, TOOLS), b = new_uctx(fh, TOOLS);
    uint8_t eq_a = eq_of(fh, a, uar_of(fh, a));
    uint8_t eq_k = eq_of(fh, 0, fh->uar);
    uint8_t unused = 200;
    static const uint16_t ops[] = { CXFW_OP_QUERY_EQ, CXFW_OP_DESTROY_EQ };
    const struct {
        uint16_t caller;
        uint8_t eqn;
    } foreign[] = { { b, eq_a }, { 0, eq_a }, { a, eq_k }, { b, eq_k } };

    for (unsigned o = 0; o < G_N_ELEMENTS(ops); o++) {
        for (unsigned i = 0; i < G_N_ELEMENTS(foreign); i++) {
            g_test_message("op 0x%x uid %u eq %u", ops[o], foreign[i].caller,
                           foreign[i].eqn);
            g_assert_cmphex(eq_cmd_as(fh, foreign[i].caller, ops[o], unused,
                                      none), ==, CXFW_STATUS_BAD_RES);
            g_assert_cmphex(fh_syndrome(none), ==, CXFW_SYND_EQ_UNKNOWN);
            g_assert_cmphex(eq_cmd_as(fh, foreign[i].caller, ops[o],
                                      foreign[i].eqn, out), ==,
                            CXFW_STATUS_BAD_RES);
            g_assert_cmpmem(out, sizeof(out), none, sizeof(none));
        }
    }
    /* both EQs survived and their owners still reach them */
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 2);
    g_assert_cmphex(eq_cmd_as(fh, a, CXFW_OP_QUERY_EQ, eq_a, out), ==, 0);
    g_assert_cmphex(eq_cmd_as(fh, 0, CXFW_OP_QUERY_EQ, eq_k, out), ==, 0);
    g_assert_cmphex(eq_cmd_as(fh, a, CXFW_OP_DESTROY_EQ, eq_a, out), ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 1);
}

/*
 * UARs record the uid that allocated them: another uid's UAR answers
 * DEALLOC_UAR like a free index, and CREATE_EQ on it like an unallocated
 * UAR.
 */
static void test_cross_uid_uar(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_HDR_LEN], none[FH_HDR_LEN];
    uint16_t a = new_uctx(fh, TOOLS), b = new_uctx(fh, TOOLS);
    uint32_t uar_a = uar_of(fh, a);
    uint32_t free_uar = 400;
    const struct {
        uint16_t caller;
        uint32_t uar;
    } foreign[] = { { b, uar_a }, { 0, uar_a }, { a, fh->uar },
                    { b, fh->uar } };

    g_assert_cmpuint(uar_a, ==, fh->uar + 1);
    for (unsigned i = 0; i < G_N_ELEMENTS(foreign); i++) {
        uint16_t caller = foreign[i].caller;

        g_test_message("uid %u uar %u", caller, foreign[i].uar);
        g_assert_cmphex(dealloc_uar_as(fh, caller, free_uar, none), ==,
                        CXFW_STATUS_BAD_RES);
        g_assert_cmphex(fh_syndrome(none), ==, CXFW_SYND_UAR_UNKNOWN);
        g_assert_cmphex(dealloc_uar_as(fh, caller, foreign[i].uar, out), ==,
                        CXFW_STATUS_BAD_RES);
        g_assert_cmpmem(out, sizeof(out), none, sizeof(none));

        g_assert_cmphex(eq_create_as(fh, caller, free_uar, 0, NULL, none), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(none), ==, CXFW_SYND_EQ_UAR);
        g_assert_cmphex(eq_create_as(fh, caller, foreign[i].uar, 0, NULL,
                                     out), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmpmem(out, sizeof(out), none, sizeof(none));
    }
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 2);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
    /* the owner may use and free its own */
    eq_of(fh, a, uar_a);
    g_assert_cmphex(dealloc_uar_as(fh, a, uar_a, out), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UAR_IN_USE);
}

/* A context's EQ works through its own UAR page and sees no events. */
static void test_user_eq(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[FH_QUERY_EQ_OUTLEN];
    uint16_t uid = new_uctx(fh, TOOLS);
    uint32_t uar = uar_of(fh, uid);
    FhEq k;
    uint8_t eqn;
    unsigned errors;

    /* events are the function's: a user EQ may not subscribe to any */
    for (unsigned t = 0; t < 64; t += 9) {
        g_assert_cmphex(eq_create_as(fh, uid, uar, 1ull << t, NULL, out), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==,
                        CXFW_SYND_EQ_EVENTS_KERNEL_ONLY);
    }
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
    eqn = eq_of(fh, uid, uar);
    /* the driver's command EQ gets completions; the user's none */
    g_assert_cmphex(fh_eq_create(fh, &k, 4, 1ull << CXFW_EVENT_CMD, 0,
                                 fh->uar, NULL), ==, 0);
    for (unsigned i = 0; i < 3; i++) {
        uint8_t in[FH_HDR_LEN] = { 0 };

        fh_hdr(in, CXFW_OP_NOP, 0);
        cxfw_set(in, FH_UID, uid);
        g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, FH_HDR_LEN), ==, 0);
        g_assert_cmphex(fh_status(out), ==, 0);
    }
    g_assert_cmphex(eq_cmd_as(fh, uid, CXFW_OP_QUERY_EQ, eqn, out), ==, 0);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(query_eq_out,
                                            eqc_producer_counter)), ==, 0);
    g_assert_cmphex(fh_eq_query(fh, k.eqn, out, sizeof(out)), ==, 0);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(query_eq_out,
                                            eqc_producer_counter)), ==, 3);
    /* its doorbell on its own UAR page is honoured, not on the driver's */
    errors = fh->guest_errors;
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_ARM, (uint32_t)eqn << 24);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    g_assert_cmphex(eq_cmd_as(fh, uid, CXFW_OP_QUERY_EQ, eqn, out), ==, 0);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_eq_out, eqc_st)), ==, 0xa);
    cxfw_uar_write(fh->fw, uar, CXFW_UAR_EQ_ARM, (uint32_t)eqn << 24);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    g_assert_cmphex(eq_cmd_as(fh, uid, CXFW_OP_QUERY_EQ, eqn, out), ==, 0);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_eq_out, eqc_st)), ==, 0x9);
}

/* A context asking about another uid gets the answer for a uid of none. */
static void test_query_foreign_uctx(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[QUERY_UCTX_OUTLEN], none[QUERY_UCTX_OUTLEN];
    uint16_t a = new_uctx(fh, TOOLS), b = new_uctx(fh, 0x3);

    g_assert_cmphex(uctx_query_as(fh, a, 0x4321, none), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(none), ==, CXFW_SYND_UCTX_UNKNOWN);
    g_assert_cmphex(uctx_query_as(fh, a, b, out), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmpmem(out, sizeof(out), none, sizeof(none));
    g_assert_cmphex(uctx_query_as(fh, b, a, out), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmpmem(out, sizeof(out), none, sizeof(none));
    g_assert_cmphex(uctx_query_as(fh, a, a, out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxfw_get(out, CXFW_FLD(query_uctx_out, cap)), ==, TOOLS);
}

/*
 * Kernel-class commands need uid 0: a live context gets BAD_PARAM /
 * KERNEL_UID_REQUIRED and nothing changes.  Commands a context may issue
 * work with its uid.
 */
static void test_kernel_commands_refused(void)
{
    static const uint16_t allowed[] = {
        CXFW_OP_NOP, CXFW_OP_QUERY_ISSI, CXFW_OP_QUERY_ADAPTER,
    };
    g_autoptr(FakeHost) fh = setup();
    g_autofree uint8_t *in = g_malloc0(BUF_LEN);
    g_autofree uint8_t *out = g_malloc0(BUF_LEN);
    uint16_t uid = new_uctx(fh, DEV_UCTX_CAP);
    const CxfwCommandDesc *const *t;
    unsigned n, checked = 0;
    CxfwStats before;
    FhEq eq;

    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_CMD, 0,
                                 fh->uar, NULL), ==, 0);
    before = fh_stats(fh);
    t = cxfw_commands(&n);
    for (unsigned i = 0; i < n; i++) {
        const CxfwCommandDesc *d = t[i];

        const CxfwPolicyRule *r = cxfw_policy_command(d->opcode, 0);

        if (!r || r->who != CXFW_WHO_KERNEL || d->before_init_only) {
            continue;
        }
        g_test_message("%s", d->name);
        memset(in, 0, BUF_LEN);
        fh_hdr(in, d->opcode, 0);
        /* payloads that would succeed for uid 0 */
        if (d->opcode == CXFW_OP_DESTROY_UCTX) {
            cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
        }
        g_assert_cmphex(exec_as(fh, uid, in, d->min_inlen, out,
                                d->min_outlen), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_KERNEL_UID_REQUIRED);
        checked++;
    }
    g_assert_cmpuint(checked, >=, 7);
    /* the commands that must run once initialized are refused by state */
    g_assert_cmphex(simple_as(fh, uid, CXFW_OP_INIT_HCA, NULL), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    /* nothing happened: same state, objects and contexts */
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, before.live_uctxs);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, before.live_eqs);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, before.live_uars);
    g_assert_cmpuint(fh_stats(fh).pages_owned, ==, before.pages_owned);

    for (unsigned i = 0; i < G_N_ELEMENTS(allowed); i++) {
        memset(in, 0, BUF_LEN);
        fh_hdr(in, allowed[i], 0);
        g_assert_cmphex(exec_as(fh, uid, in, FH_HDR_LEN, out, BUF_LEN), ==,
                        CXFW_STATUS_OK);
    }
    /* and the driver still may */
    g_assert_cmphex(uctx_destroy_as(fh, 0, uid, NULL), ==, CXFW_STATUS_OK);
}

/* A context cannot create contexts, even with every capability. */
static void test_user_cannot_create_uctx(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = new_uctx(fh, DEV_UCTX_CAP), got = 0x55;
    uint32_t synd;

    g_assert_cmphex(uctx_create_as(fh, uid, 0, &got, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_KERNEL_UID_REQUIRED);
    g_assert_cmpuint(got, ==, 0);
    g_assert_cmphex(uctx_destroy_as(fh, uid, uid, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_KERNEL_UID_REQUIRED);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
}

/*
 * A header uid naming no context (never created, destroyed, out of the
 * allocated range) is refused before the handler: nothing is created.
 */
static void test_uid_spoofing(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t out[QUERY_UCTX_OUTLEN];
    uint16_t live = new_uctx(fh, TOOLS), gone = new_uctx(fh, TOOLS);
    const uint16_t spoofed[] = { gone, live + 2, 0x100, 0x8000, 0xffff };
    static const uint16_t ops[] = {
        CXFW_OP_NOP, CXFW_OP_ALLOC_UAR, CXFW_OP_QUERY_HCA_CAP,
        CXFW_OP_QUERY_UCTX, CXFW_OP_CREATE_UCTX, CXFW_OP_DISABLE_HCA,
    };
    uint32_t synd;

    g_assert_cmphex(uctx_destroy_as(fh, 0, gone, NULL), ==, 0);
    for (unsigned i = 0; i < G_N_ELEMENTS(spoofed); i++) {
        for (unsigned o = 0; o < G_N_ELEMENTS(ops); o++) {
            g_autofree uint8_t *in = g_malloc0(BUF_LEN);
            g_autofree uint8_t *o_buf = g_malloc0(BUF_LEN);

            g_test_message("uid 0x%x op 0x%x", spoofed[i], ops[o]);
            fh_hdr(in, ops[o], ops[o] == CXFW_OP_QUERY_HCA_CAP);
            g_assert_cmphex(exec_as(fh, spoofed[i], in, 0x1010, o_buf,
                                    0x1010), ==, CXFW_STATUS_BAD_PARAM);
            g_assert_cmphex(fh_syndrome(o_buf), ==, CXFW_SYND_UID_UNKNOWN);
        }
        /* QUERY_UCTX about the live context, from a spoofed uid */
        g_assert_cmphex(uctx_query_as(fh, spoofed[i], live, out), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UID_UNKNOWN);
    }
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
    /* the live one still works, and its uid was not reissued */
    g_assert_cmphex(simple_as(fh, live, CXFW_OP_NOP, &synd), ==, 0);
    g_assert_cmpuint(new_uctx(fh, TOOLS), ==, gone + 1);
}

/* ---- teardown and reset ---- */

typedef void (*FreeFn)(FakeHost *fh);

static void by_disable_hca(FakeHost *fh)
{
    g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==, 0);
}

static void by_teardown_hca(FakeHost *fh)
{
    g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==, 0);
}

static void by_cmdq_write(FakeHost *fh)
{
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
}

static void by_reset(FakeHost *fh)
{
    cxfw_reset(fh->fw);
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
}

/*
 * Contexts and the objects they own are freed; their uids name nothing
 * afterwards.  next_uid: what the next context gets (numbering restarts
 * only on a device reset).
 */
static void check_frees(FreeFn fn, uint16_t next_uid)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t a = new_uctx(fh, TOOLS), b = new_uctx(fh, 0x1);
    uint32_t synd;

    eq_of(fh, a, uar_of(fh, a));
    uar_of(fh, b);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 2);
    fn(fh);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 0);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_DISABLED);

    fh_bringup(fh);
    g_assert_cmphex(simple_as(fh, a, CXFW_OP_NOP, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_UID_UNKNOWN);
    g_assert_cmphex(simple_as(fh, b, CXFW_OP_NOP, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(uctx_destroy_as(fh, 0, a, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UCTX_UNKNOWN);
    g_assert_cmpuint(new_uctx(fh, TOOLS), ==, next_uid);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 1);
}

static void test_disable_hca_frees(void)
{
    check_frees(by_disable_hca, 3);
}

static void test_teardown_hca_frees(void)
{
    check_frees(by_teardown_hca, 3);
}

static void test_cmdq_write_frees(void)
{
    check_frees(by_cmdq_write, 3);
}

static void test_reset_frees(void)
{
    check_frees(by_reset, 1);
}

/* TEARDOWN_HCA alone (HCA stays enabled) frees contexts too. */
static void test_teardown_then_init(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t a = new_uctx(fh, TOOLS);
    uint32_t synd;

    eq_of(fh, a, uar_of(fh, a));
    g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, 0);
    /* while only enabled, the uid names nothing either */
    g_assert_cmphex(simple_as(fh, a, CXFW_OP_NOP, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_UID_UNKNOWN);
    /* and contexts need an initialized HCA */
    g_assert_cmphex(uctx_create_as(fh, 0, TOOLS, NULL, &synd), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(synd, ==, CXFW_SYND_HCA_NOT_INITIALIZED);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==, 0);
    g_assert_cmpuint(new_uctx(fh, TOOLS), ==, a + 1);
}

/* ACCESS_REG as a user context: per-register rules (cxfw-reg.c). */
static uint8_t reg_as(FakeHost *fh, uint16_t uid, uint16_t op_mod,
                      uint16_t reg, uint32_t *syndrome)
{
    uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                             register_data));
    uint8_t in[64] = { 0 }, out[64];
    uint8_t status;

    fh_hdr(in, CXFW_OP_ACCESS_REG, op_mod);
    cxfw_set(in, FH_UID, uid);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id), reg);
    status = fh_exec(fh, in, data + 16, out, data + 16);
    *syndrome = fh_syndrome(out);
    return status;
}

static void test_register_access(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint16_t tools, raw;
    uint32_t synd;

    fh_bringup(fh);
    tools = new_uctx(fh, TOOLS);
    raw = new_uctx(fh, CXFW_UCTX_CAP_RAW_TX);
    /* a tools context reads a tools-readable register */
    g_assert_cmphex(reg_as(fh, tools, CXFW_REG_OP_READ,
                           CXFW_REG_HOST_ENDIANNESS, &synd), ==, 0);
    /* ... but writes nothing */
    g_assert_cmphex(reg_as(fh, tools, CXFW_REG_OP_WRITE,
                           CXFW_REG_HOST_ENDIANNESS, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_REG_ACCESS_DENIED);
    /* a context without TOOLS_RESOURCES reads nothing */
    g_assert_cmphex(reg_as(fh, raw, CXFW_REG_OP_READ,
                           CXFW_REG_HOST_ENDIANNESS, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_REG_ACCESS_DENIED);
    /* an unknown register is unknown to everyone */
    g_assert_cmphex(reg_as(fh, tools, CXFW_REG_OP_READ, 0x1234, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_REG_UNKNOWN);
    /* the driver still writes */
    g_assert_cmphex(reg_as(fh, 0, CXFW_REG_OP_WRITE,
                           CXFW_REG_HOST_ENDIANNESS, &synd), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/uctx/create-query-destroy", test_create_query_destroy);
    g_test_add_func("/uctx/register-access", test_register_access);
    g_test_add_func("/uctx/through-queue", test_through_queue);
    g_test_add_func("/uctx/cap-subset", test_cap_subset);
    g_test_add_func("/uctx/limit", test_limit);
    g_test_add_func("/uctx/uid-round-robin", test_uid_round_robin);
    g_test_add_func("/uctx/uid-wrap-skips-live", test_uid_wrap_skips_live);
    g_test_add_func("/uctx/destroy-busy", test_destroy_busy);
    g_test_add_func("/uctx/failed-create-no-hold",
                    test_failed_create_no_hold);
    g_test_add_func("/uctx/cross-uid-eq", test_cross_uid_eq);
    g_test_add_func("/uctx/cross-uid-uar", test_cross_uid_uar);
    g_test_add_func("/uctx/user-eq", test_user_eq);
    g_test_add_func("/uctx/query-foreign-uctx", test_query_foreign_uctx);
    g_test_add_func("/uctx/kernel-commands-refused",
                    test_kernel_commands_refused);
    g_test_add_func("/uctx/user-cannot-create-uctx",
                    test_user_cannot_create_uctx);
    g_test_add_func("/uctx/uid-spoofing", test_uid_spoofing);
    g_test_add_func("/uctx/disable-hca-frees", test_disable_hca_frees);
    g_test_add_func("/uctx/teardown-hca-frees", test_teardown_hca_frees);
    g_test_add_func("/uctx/cmdq-write-frees", test_cmdq_write_frees);
    g_test_add_func("/uctx/reset-frees", test_reset_frees);
    g_test_add_func("/uctx/teardown-then-init", test_teardown_then_init);
    return g_test_run();
}
