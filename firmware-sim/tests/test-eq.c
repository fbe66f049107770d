/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event queues: CREATE/DESTROY/QUERY_EQ, EQEs in host memory with the owner
 * bit protocol, the UAR doorbell, arming and MSI-X notification
 * (docs/prm-coverage.md, "Event queues").
 */
#include <string.h>

#include "fake-host.h"

#define EQE(field) CXFW_FLD(eqe, field)
#define EQ_IN(field) CXFW_FLD(create_eq_in, field)
#define EQ_Q(field) CXFW_FLD(query_eq_out, field)
#define CMD_EVENTS (1ull << CXFW_EVENT_CMD)
#define EQ_ST_ARMED 0x9
#define EQ_ST_FIRED 0xa

/* One command completion: a NOP in slot through the whole transport. */
static void complete_nop(FakeHost *fh, unsigned slot)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmphex(fh_cmd_slot(fh, slot, in, sizeof(in), out, sizeof(out)),
                    ==, CXFW_DELIV_OK);
}

static FakeHost *setup(FhEq *eq, unsigned log_size, unsigned vector)
{
    FakeHost *fh = fh_new(NULL);

    fh_bringup(fh);
    g_assert_cmphex(fh_eq_create(fh, eq, log_size, CMD_EVENTS, vector,
                                 fh->uar, NULL), ==, CXFW_STATUS_OK);
    return fh;
}

/* QUERY_EQ field of eq. */
static uint64_t q(FakeHost *fh, const FhEq *eq, CxfwFieldId f)
{
    uint8_t out[FH_QUERY_EQ_OUTLEN];

    g_assert_cmphex(fh_eq_query(fh, eq->eqn, out, sizeof(out)), ==, 0);
    return cxfw_get(out, f);
}

static void test_create_query(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEq a, b;

    fh_bringup(fh);
    g_assert_cmphex(fh_eq_create(fh, &a, 4, CMD_EVENTS, 3, fh->uar, NULL),
                    ==, 0);
    g_assert_cmphex(fh_eq_create(fh, &b, 7, 1ull << CXFW_EVENT_PAGE_REQUEST,
                                 5, fh->uar, NULL), ==, 0);
    g_assert_cmpuint(a.eqn, !=, 0);
    g_assert_cmpuint(b.eqn, !=, 0);
    g_assert_cmpuint(a.eqn, !=, b.eqn);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 2);

    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_log_eq_size)), ==, 4);
    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_uar_page)), ==, fh->uar);
    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_intr)), ==, 3);
    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_log_page_size)), ==, 0);
    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_producer_counter)), ==, 0);
    g_assert_cmpuint(q(fh, &a, EQ_Q(eqc_consumer_counter)), ==, 0);
    g_assert_cmphex(q(fh, &a, EQ_Q(event_bitmask)), ==, CMD_EVENTS);
    g_assert_cmphex(q(fh, &a, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    g_assert_cmpuint(q(fh, &b, EQ_Q(eqc_log_eq_size)), ==, 7);
    g_assert_cmpuint(q(fh, &b, EQ_Q(eqc_intr)), ==, 5);
    g_assert_cmphex(q(fh, &b, EQ_Q(event_bitmask)), ==,
                    1ull << CXFW_EVENT_PAGE_REQUEST);
}

/* A command completion EQE as mlx5_eq_async_int reads it. */
static void test_cmd_eqe_layout(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    uint8_t *eqe;

    complete_nop(fh, 3);
    eqe = fh_eq_next(fh, &eq);
    g_assert_nonnull(eqe);
    if (!eqe) {
        return;
    }
    g_assert_true(eqe == fh_eqe(fh, &eq, 0));
    g_assert_cmphex(cxfw_get(eqe, EQE(type)), ==, CXFW_EVENT_CMD);
    g_assert_cmphex(cxfw_get(eqe, EQE(sub_type)), ==, 0);
    g_assert_cmphex(cxfw_get(eqe, EQE(cmd_vector)), ==, 1u << 3);
    g_assert_cmphex(cxfw_get(eqe, EQE(owner)), ==, 0);
    g_assert_cmphex(cxfw_get(eqe, EQE(signature)), ==, 0);
    /* nothing else is set */
    for (unsigned i = 0; i < CXFW_EQE_SIZE; i++) {
        if (i == cxfw_field_byte(EQE(type)) ||
            (i >= cxfw_field_byte(EQE(cmd_vector)) &&
             i < cxfw_field_byte(EQE(cmd_vector)) + 4)) {
            continue;
        }
        g_assert_cmphex(eqe[i], ==, 0);
    }
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(fh_stats(fh).events, ==, 1);
}

/* The owner bit flips on every pass over the queue. */
static void test_owner_wraparound(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 2, 0);

    for (unsigned pass = 0; pass < 5; pass++) {
        for (unsigned i = 0; i < 4; i++) {
            uint8_t *eqe;

            g_assert_null(fh_eq_peek(fh, &eq));
            complete_nop(fh, i);
            eqe = fh_eq_next(fh, &eq);
            g_assert_nonnull(eqe);
            if (!eqe) {
                return;
            }
            g_assert_true(eqe == fh_eqe(fh, &eq, i));
            g_assert_cmpuint(cxfw_get(eqe, EQE(owner)), ==, pass & 1);
            g_assert_cmphex(cxfw_get(eqe, EQE(cmd_vector)), ==, 1u << i);
            fh_eq_doorbell(fh, &eq, false);
        }
    }
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 20);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 20);
    g_assert_cmpuint(fh_stats(fh).events_dropped, ==, 0);
}

/* EQEs follow the pas list: entry 64 of a 2-page queue is on page 1. */
static void test_multi_page(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 7, 0);
    uint8_t *gap;

    g_assert_cmpuint(eq.npas, ==, 2);
    g_assert_cmphex(eq.pas[1], !=, eq.pas[0] + FH_PAGE_SIZE);
    for (unsigned i = 0; i < 70; i++) {
        complete_nop(fh, i % 32);
        g_assert_true(fh_eq_next(fh, &eq) == fh_eqe(fh, &eq, i));
        fh_eq_doorbell(fh, &eq, false);
    }
    g_assert_cmphex(fh_eqe_addr(&eq, 64), ==, eq.pas[1]);
    g_assert_cmphex(cxfw_get(fh_eqe(fh, &eq, 64), EQE(cmd_vector)), ==,
                    1u << 0);
    /* the page after pas[0] is not the queue's and stays untouched */
    gap = fh_ptr(fh, eq.pas[0] + FH_PAGE_SIZE);
    for (unsigned i = 0; i < FH_PAGE_SIZE; i++) {
        g_assert_cmphex(gap[i], ==, 0);
    }
}

static void test_arm_notify_once(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 5);

    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);       /* not armed yet */
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh->notify_total, ==, 0);       /* nothing pending */
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_ARMED);

    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_count[5], ==, 1);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    complete_nop(fh, 0);
    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_count[5], ==, 1);    /* disarmed */
    g_assert_cmpuint(fh->notify_total, ==, 1);

    while (fh_eq_next(fh, &eq)) {
    }
    g_assert_cmpuint(eq.cc, ==, 4);
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh->notify_total, ==, 1);
    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_count[5], ==, 2);
    g_assert_cmpuint(fh_stats(fh).interrupts, ==, fh->notify_total);
}

/* Arming while EQEs are unconsumed notifies at once. */
static void test_arm_with_pending(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 1);

    complete_nop(fh, 0);
    complete_nop(fh, 0);
    fh_eq_doorbell(fh, &eq, true);                   /* cc 0: 2 pending */
    g_assert_cmpuint(fh->notify_count[1], ==, 1);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, true);                   /* 1 pending */
    g_assert_cmpuint(fh->notify_count[1], ==, 2);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, true);                   /* none */
    g_assert_cmpuint(fh->notify_count[1], ==, 2);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_ARMED);
}

/* The update-only doorbell moves the consumer but does not arm. */
static void test_update_only(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);

    complete_nop(fh, 0);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, false);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 1);
    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);
    /* and does not disarm an armed queue */
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, true);
    fh_eq_doorbell(fh, &eq, false);
    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_total, ==, 1);
}

/* A full queue drops events and never overwrites unconsumed EQEs. */
static void test_full_drops(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 2, 0);
    uint8_t *eqe;

    for (unsigned i = 0; i < 6; i++) {
        complete_nop(fh, i);
    }
    g_assert_cmpuint(fh_stats(fh).events, ==, 4);
    g_assert_cmpuint(fh_stats(fh).events_dropped, ==, 2);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 4);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(cxfw_get(fh_eqe(fh, &eq, i), EQE(cmd_vector)), ==,
                        1u << i);
    }
    /* one consumed: room for one more, in entry 0 with owner 1 */
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, false);
    complete_nop(fh, 9);
    complete_nop(fh, 10);
    g_assert_cmpuint(fh_stats(fh).events_dropped, ==, 3);
    eqe = fh_eqe(fh, &eq, 4);
    g_assert_cmphex(cxfw_get(eqe, EQE(cmd_vector)), ==, 1u << 9);
    g_assert_cmpuint(cxfw_get(eqe, EQE(owner)), ==, 1);
    g_assert_cmphex(cxfw_get(fh_eqe(fh, &eq, 1), EQE(cmd_vector)), ==, 1u << 1);
}

/* A doorbell counts only on the UAR page the EQ was created with. */
static void test_wrong_uar(void)
{
    static const uint32_t others[] = { 0, 15, 17, 18, 511 };
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    uint32_t other = fh_alloc_uar(fh);

    g_assert_cmpuint(other, ==, 17);
    complete_nop(fh, 0);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    for (unsigned i = 0; i < G_N_ELEMENTS(others); i++) {
        unsigned errors = fh->guest_errors;

        cxfw_uar_write(fh->fw, others[i], CXFW_UAR_EQ_ARM,
                       (uint32_t)eq.eqn << 24 | eq.cc);
        g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    }
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 0);
    complete_nop(fh, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);
    /* an eqn that does not exist */
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_ARM,
                   (uint32_t)(eq.eqn + 1) << 24);
    g_assert_cmpuint(fh->notify_total, ==, 0);
}

static void test_consumer_beyond_producer(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    unsigned errors;

    complete_nop(fh, 0);
    complete_nop(fh, 0);
    errors = fh->guest_errors;
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_ARM,
                   (uint32_t)eq.eqn << 24 | 3);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 0);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    g_assert_cmpuint(fh->notify_total, ==, 0);
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_UPDATE,
                   (uint32_t)eq.eqn << 24 | 0xffffff);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 0);
    /* up to the producer is fine */
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_UPDATE,
                   (uint32_t)eq.eqn << 24 | 2);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 2);
    /* and the consumer does not go back */
    errors = fh->guest_errors;
    cxfw_uar_write(fh->fw, fh->uar, CXFW_UAR_EQ_UPDATE,
                   (uint32_t)eq.eqn << 24 | 1);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 2);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
}

static uint8_t eq_cmd(FakeHost *fh, uint16_t opcode, uint32_t eqn,
                      uint32_t *synd)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_QUERY_EQ_OUTLEN];
    uint8_t status;

    fh_hdr(in, opcode, 0);
    /* destroy_eq_in and query_eq_in share the layout */
    cxfw_set(in, opcode == CXFW_OP_DESTROY_EQ ?
             CXFW_FLD(destroy_eq_in, eq_number) :
             CXFW_FLD(query_eq_in, eq_number), eqn);
    status = fh_exec(fh, in, sizeof(in), out, sizeof(out));
    *synd = fh_syndrome(out);
    return status;
}

static void test_destroy(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    uint8_t before[FH_PAGE_SIZE];
    uint32_t synd;

    fh_eq_doorbell(fh, &eq, true);
    memcpy(before, fh_ptr(fh, eq.pas[0]), sizeof(before));
    g_assert_cmphex(eq_cmd(fh, CXFW_OP_DESTROY_EQ, eq.eqn, &synd), ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
    complete_nop(fh, 0);
    g_assert_cmpmem(fh_ptr(fh, eq.pas[0]), sizeof(before), before,
                    sizeof(before));
    g_assert_cmpuint(fh_stats(fh).events, ==, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);

    g_assert_cmphex(eq_cmd(fh, CXFW_OP_DESTROY_EQ, eq.eqn, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(eq_cmd(fh, CXFW_OP_QUERY_EQ, eq.eqn, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(eq_cmd(fh, CXFW_OP_DESTROY_EQ, 0, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(eq_cmd(fh, CXFW_OP_QUERY_EQ, 255, &synd), ==,
                    CXFW_STATUS_BAD_RES);
    /* the doorbell of a destroyed EQ is ignored */
    fh->guest_errors = 0;
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    /* and its number can be used again */
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, CMD_EVENTS, 0, fh->uar, NULL),
                    ==, 0);
    complete_nop(fh, 1);
    g_assert_nonnull(fh_eq_next(fh, &eq));
}

static void test_query_counters(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);

    for (unsigned i = 0; i < 3; i++) {
        complete_nop(fh, 0);
    }
    g_assert_nonnull(fh_eq_next(fh, &eq));
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, false);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 3);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 2);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_FIRED);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 3);
    g_assert_cmphex(q(fh, &eq, EQ_Q(eqc_st)), ==, EQ_ST_ARMED);
    /* counters keep counting past the queue size */
    for (unsigned i = 0; i < 40; i++) {
        complete_nop(fh, 0);
        fh_eq_next(fh, &eq);
        fh_eq_doorbell(fh, &eq, false);
    }
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 43);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 43);
}

static void test_uar_in_use(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];
    uint32_t synd;

    fh_hdr(in, CXFW_OP_DEALLOC_UAR, 0);
    cxfw_set(in, CXFW_FLD(dealloc_uar_in, uar), fh->uar);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UAR_IN_USE);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
    g_assert_cmphex(eq_cmd(fh, CXFW_OP_DESTROY_EQ, eq.eqn, &synd), ==, 0);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 0);
}

/* CREATE_EQ from a prepared input, returning the syndrome. */
static uint32_t create_synd(FakeHost *fh, uint8_t *in, uint32_t inlen,
                            uint8_t *status)
{
    uint8_t out[FH_HDR_LEN];

    *status = fh_exec(fh, in, inlen, out, sizeof(out));
    return fh_syndrome(out);
}

static void expect_create_error(FakeHost *fh, uint8_t *in, uint32_t inlen,
                                uint8_t status, uint32_t synd)
{
    uint8_t st;

    g_assert_cmphex(create_synd(fh, in, inlen, &st), ==, synd);
    g_assert_cmphex(st, ==, status);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
}

static void test_create_errors(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t pas = cxfw_field_byte(EQ_IN(pas));
    uint32_t inlen, inlen7;
    g_autofree uint8_t *in = NULL;
    g_autofree uint8_t *in7 = NULL;
    uint8_t st;

    fh_bringup(fh);
    in = fh_eq_in(fh, 4, CMD_EVENTS, 0, fh->uar, &inlen);
    in7 = fh_eq_in(fh, 7, CMD_EVENTS, 0, fh->uar, &inlen7);

    /* size: above log_max_eq_sz (22) */
    cxfw_set(in, EQ_IN(eqc_log_eq_size), 23);
    expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_SIZE);
    cxfw_set(in, EQ_IN(eqc_log_eq_size), 31);
    expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_SIZE);
    cxfw_set(in, EQ_IN(eqc_log_eq_size), 4);

    /* page size */
    cxfw_set(in, EQ_IN(eqc_log_page_size), 9);
    expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_PAGE_SIZE);
    /* 8 KiB pages: the 4 KiB aligned page is misaligned */
    cxfw_set(in, EQ_IN(eqc_log_page_size), 1);
    if (cxfw_be64(in + pas) % 8192) {
        expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                            CXFW_SYND_EQ_PAS_MISALIGNED);
    }
    cxfw_set(in, EQ_IN(eqc_log_page_size), 0);

    /* pas count: none, or fewer than the queue's pages */
    expect_create_error(fh, in, pas, CXFW_STATUS_BAD_INP_LEN,
                        CXFW_SYND_EQ_PAS_LEN);
    expect_create_error(fh, in, pas + 7, CXFW_STATUS_BAD_INP_LEN,
                        CXFW_SYND_EQ_PAS_LEN);
    expect_create_error(fh, in7, inlen7 - FH_PAS_ENTRY,
                        CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_EQ_PAS_LEN);
    /* pas alignment, in any entry */
    cxfw_put_be64(in7 + pas + FH_PAS_ENTRY,
                  cxfw_be64(in7 + pas + FH_PAS_ENTRY) + 0x800);
    expect_create_error(fh, in7, inlen7, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_PAS_MISALIGNED);

    /* vector: the function has FH_MSIX_VECTORS */
    cxfw_set(in, EQ_IN(eqc_intr), FH_MSIX_VECTORS);
    expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_VECTOR);
    cxfw_set(in, EQ_IN(eqc_intr), 0xfff);
    expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_EQ_VECTOR);
    cxfw_set(in, EQ_IN(eqc_intr), 0);

    /* UAR not allocated */
    for (uint32_t uar = 0; uar < 20; uar += 5) {
        cxfw_set(in, EQ_IN(eqc_uar_page), uar == 15 ? 17 : uar);
        expect_create_error(fh, in, inlen, CXFW_STATUS_BAD_PARAM,
                            CXFW_SYND_EQ_UAR);
    }
    cxfw_set(in, EQ_IN(eqc_uar_page), fh->uar);

    /* all fixed: accepted, and the largest vector is fine */
    cxfw_set(in, EQ_IN(eqc_intr), FH_MSIX_VECTORS - 1);
    create_synd(fh, in, inlen, &st);
    g_assert_cmphex(st, ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 1);
}

/* Any event type may be subscribed to; only completions are generated. */
static void test_any_event_mask(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t mask_off = cxfw_field_byte(EQ_IN(event_bitmask));
    uint32_t inlen;
    g_autofree uint8_t *in = NULL;
    uint8_t out[FH_HDR_LEN];
    FhEq eq;

    fh_bringup(fh);
    in = fh_eq_in(fh, 4, 0, 0, fh->uar, &inlen);
    memset(in + mask_off, 0xff, 32);
    g_assert_cmphex(fh_exec(fh, in, inlen, out, sizeof(out)), ==, 0);
    eq = (FhEq) {
        .eqn = cxfw_get(out, CXFW_FLD(create_eq_out, eq_number)),
        .log_size = 4, .uar = fh->uar, .npas = 1,
        .pas = { cxfw_be64(in + FH_CREATE_EQ_INLEN) },
    };
    g_assert_cmphex(q(fh, &eq, EQ_Q(event_bitmask)), ==, UINT64_MAX);
    complete_nop(fh, 6);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(fh_stats(fh).events, ==, 1);
}

/*
 * Completions go to the EQs that existed when the doorbell rang: an EQ
 * created by a command of that doorbell gets none (no stale completion in
 * a command EQ created in polling mode).
 */
static void test_new_eq_no_stale_completion(void)
{
    FhEq old;
    g_autoptr(FakeHost) fh = setup(&old, 4, 0);
    uint8_t nop[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(fh, 4, CMD_EVENTS, 1, fh->uar,
                                      &inlen);
    uint8_t *eqe;
    FhEntry create, e;
    FhEq eq;

    fh_hdr(nop, CXFW_OP_NOP, 0);
    fh_entry_build(fh, &create, 0, in, inlen, FH_HDR_LEN);
    fh_entry_build(fh, &e, 1, nop, sizeof(nop), FH_HDR_LEN);
    fh_ring(fh, 0x3);
    fh_entry_output(fh, &create, out, FH_HDR_LEN);
    g_assert_cmphex(fh_entry_delivery(fh, 0), ==, 0);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    eq = (FhEq) {
        .eqn = cxfw_get(out, CXFW_FLD(create_eq_out, eq_number)),
        .log_size = 4, .vector = 1, .uar = fh->uar, .npas = 1,
        .pas = { cxfw_be64(in + FH_CREATE_EQ_INLEN) },
    };
    g_assert_cmpuint(eq.eqn, !=, old.eqn);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 2);
    /* the old EQ has the doorbell's completion, the new one nothing */
    eqe = fh_eq_next(fh, &old);
    g_assert_nonnull(eqe);
    if (eqe) {
        g_assert_cmphex(cxfw_get(eqe, EQE(cmd_vector)), ==, 0x3);
    }
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 0);
    /* from the next doorbell on, both get completions */
    complete_nop(fh, 2);
    g_assert_nonnull(fh_eq_next(fh, &old));
    eqe = fh_eq_next(fh, &eq);
    g_assert_nonnull(eqe);
    if (eqe) {
        g_assert_cmphex(cxfw_get(eqe, EQE(cmd_vector)), ==, 1u << 2);
    }
}

/* log_max_eq = 4: sixteen EQs, then NO_RES. */
static void test_exhausted(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t synd;
    FhEq eq;

    fh_bringup(fh);
    for (unsigned i = 0; i < 16; i++) {
        g_assert_cmphex(fh_eq_create(fh, &eq, 1, 0, 0, fh->uar, &synd), ==,
                        0);
    }
    g_assert_cmphex(fh_eq_create(fh, &eq, 1, 0, 0, fh->uar, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_EQ_EXHAUSTED);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 16);
}

static void test_not_subscribed(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEq eq;

    fh_bringup(fh);
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_PAGE_REQUEST,
                                 0, fh->uar, NULL), ==, 0);
    fh_eq_doorbell(fh, &eq, true);
    complete_nop(fh, 0);
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(fh_stats(fh).events, ==, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);
}

static void test_two_eqs(void)
{
    FhEq a, b;
    g_autoptr(FakeHost) fh = setup(&a, 4, 2);

    g_assert_cmphex(fh_eq_create(fh, &b, 5, CMD_EVENTS, 6, fh->uar, NULL),
                    ==, 0);
    fh_eq_doorbell(fh, &a, true);
    fh_eq_doorbell(fh, &b, true);
    complete_nop(fh, 4);
    g_assert_nonnull(fh_eq_next(fh, &a));
    g_assert_nonnull(fh_eq_next(fh, &b));
    g_assert_cmpuint(fh->notify_count[2], ==, 1);
    g_assert_cmpuint(fh->notify_count[6], ==, 1);
    g_assert_cmpuint(fh->notify_total, ==, 2);
    g_assert_cmpuint(fh_stats(fh).events, ==, 2);
}

/* EQ memory the device cannot write: the event is dropped. */
static void test_unwritable_memory(void)
{
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);
    unsigned errors;

    fh_eq_doorbell(fh, &eq, true);
    fh_set_hole(fh, eq.pas[0], FH_PAGE_SIZE, false, true);
    errors = fh->guest_errors;
    complete_nop(fh, 0);
    g_assert_cmpuint(fh_stats(fh).events_dropped, ==, 1);
    g_assert_cmpuint(fh_stats(fh).events, ==, 0);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    g_assert_cmpuint(fh->notify_total, ==, 0);
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_producer_counter)), ==, 0);
    g_assert_null(fh_eq_peek(fh, &eq));
    /* and works again once the memory is back */
    fh_clear_hole(fh);
    complete_nop(fh, 0);
    g_assert_nonnull(fh_eq_next(fh, &eq));
    g_assert_cmpuint(fh->notify_total, ==, 1);
}

static void test_uar_other_offsets(void)
{
    static const uint32_t offs[] = { 0x0, 0x20, 0x44, 0x4c, 0x800 };
    FhEq eq;
    g_autoptr(FakeHost) fh = setup(&eq, 4, 0);

    complete_nop(fh, 0);
    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        unsigned errors = fh->guest_errors;

        cxfw_uar_write(fh->fw, fh->uar, offs[i], (uint32_t)eq.eqn << 24 | 1);
        g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    }
    g_assert_cmpuint(q(fh, &eq, EQ_Q(eqc_consumer_counter)), ==, 0);
    g_assert_cmpuint(fh->notify_total, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/eq/create-query", test_create_query);
    g_test_add_func("/eq/cmd-eqe-layout", test_cmd_eqe_layout);
    g_test_add_func("/eq/owner-wraparound", test_owner_wraparound);
    g_test_add_func("/eq/multi-page", test_multi_page);
    g_test_add_func("/eq/arm-notify-once", test_arm_notify_once);
    g_test_add_func("/eq/arm-with-pending", test_arm_with_pending);
    g_test_add_func("/eq/update-only", test_update_only);
    g_test_add_func("/eq/full-drops", test_full_drops);
    g_test_add_func("/eq/wrong-uar", test_wrong_uar);
    g_test_add_func("/eq/consumer-beyond-producer",
                    test_consumer_beyond_producer);
    g_test_add_func("/eq/destroy", test_destroy);
    g_test_add_func("/eq/query-counters", test_query_counters);
    g_test_add_func("/eq/uar-in-use", test_uar_in_use);
    g_test_add_func("/eq/create-errors", test_create_errors);
    g_test_add_func("/eq/any-event-mask", test_any_event_mask);
    g_test_add_func("/eq/new-eq-no-stale-completion",
                    test_new_eq_no_stale_completion);
    g_test_add_func("/eq/exhausted", test_exhausted);
    g_test_add_func("/eq/not-subscribed", test_not_subscribed);
    g_test_add_func("/eq/two-eqs", test_two_eqs);
    g_test_add_func("/eq/unwritable-memory", test_unwritable_memory);
    g_test_add_func("/eq/uar-other-offsets", test_uar_other_offsets);
    return g_test_run();
}
