/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: event queues as mlx5_core uses them for command
 * completions: EQE layout, the owner-bit protocol, consumer index
 * doorbells, arming and MSI-X delivery, and a full queue.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"

/* Guest RAM word an MSI-X vector is pointed at, and the data it writes. */
typedef struct MsiSink {
    uint64_t addr;
    uint32_t data;
} MsiSink;

static MsiSink msi_sink(CxsimDev *d, unsigned vector)
{
    MsiSink s = { cxsim_alloc(d, CXSIM_PAGE_SIZE), 0xc0de0000 | vector };

    cxsim_msix_route(d, vector, s.addr, s.data);
    return s;
}

/* Did the vector fire since the last call?  Consumes the message. */
static bool msi_fired(CxsimDev *d, MsiSink *s)
{
    uint32_t v = qtest_readl(d->qts, s->addr);

    if (!v) {
        return false;
    }
    g_assert_cmphex(v, ==, s->data);
    qtest_writel(d->qts, s->addr, 0);
    return true;
}

/* Bring up, create a command EQ and consume what is already in it. */
static void setup_cmd_eq(CxsimDev *d, CxsimEq *eq, unsigned log_size,
                         unsigned vector)
{
    uint8_t eqe[CXFW_EQE_SIZE];

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_create_eq(d, eq, log_size, CXSIM_EVENT_MASK_CMD,
                                    vector, d->uar), ==, CXFW_STATUS_OK);
    /* The CREATE_EQ completion itself may already be in the new queue. */
    while (cxsim_eq_poll(d, eq, eqe)) {
        g_assert_cmphex(eqe[CXSIM_EQE_TYPE], ==, CXFW_EVENT_CMD);
    }
    cxsim_eq_doorbell(d, eq, false);
}

/* Run a NOP in slot and wait for it. */
static void nop_in_slot(CxsimDev *d, unsigned slot)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;

    cx_hdr(in, CXFW_OP_NOP, 0);
    m = cxsim_msg_new(d, in, sizeof(in), sizeof(out));
    cxsim_msg_post(d, slot, m);
    cxsim_ring(d, 1u << slot);
    g_assert_true(cxsim_wait(d, slot));
    cxsim_msg_read_out(d, slot, m, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    cxsim_msg_free(d, m);
}

static void assert_cmd_eqe(const uint8_t *eqe, uint32_t vector)
{
    g_assert_cmphex(eqe[CXSIM_EQE_TYPE], ==, CXFW_EVENT_CMD);
    g_assert_cmphex(eqe[CXSIM_EQE_SUB_TYPE], ==, 0);
    g_assert_cmphex(cx_get32(eqe, CXSIM_EQE_DATA), ==, vector);
}

/* A command completion: EQE type 0x0a carrying the slot's bit. */
static void test_cmd_eqe(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    CxsimEq eq, other;

    setup_cmd_eq(d, &eq, 4, 0);
    /* An EQ that did not subscribe to command events. */
    g_assert_cmphex(cxsim_create_eq(d, &other, 4, 0, 0, d->uar), ==,
                    CXFW_STATUS_OK);
    while (cxsim_eq_poll(d, &eq, eqe)) {
        /* the second CREATE_EQ's completion */
        assert_cmd_eqe(eqe, 1);
    }
    cxsim_eq_doorbell(d, &eq, false);

    nop_in_slot(d, 3);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 1u << 3);
    g_assert_cmphex(eqe[CXSIM_EQE_OWNER] & 1, ==, 0);
    /* Exactly one EQE per doorbell. */
    g_assert_false(cxsim_eq_poll(d, &eq, eqe));
    g_assert_false(cxsim_eq_poll(d, &other, eqe));

    nop_in_slot(d, 17);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 1u << 17);
    g_assert_false(cxsim_eq_poll(d, &other, eqe));
    cxsim_stop(d);
}

/* One doorbell, several slots: one EQE whose vector has all their bits. */
static void test_cmd_eqe_mask(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t eqe[CXFW_EQE_SIZE];
    CxsimMsg *m[3];
    CxsimEq eq;
    int i;

    setup_cmd_eq(d, &eq, 4, 0);
    cx_hdr(in, CXFW_OP_NOP, 0);
    for (i = 0; i < 3; i++) {
        m[i] = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
        cxsim_msg_post(d, 4 + i * 2, m[i]);
    }
    cxsim_ring(d, (1u << 4) | (1u << 6) | (1u << 8));
    for (i = 0; i < 3; i++) {
        g_assert_true(cxsim_wait(d, 4 + i * 2));
        cxsim_msg_free(d, m[i]);
    }
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, (1u << 4) | (1u << 6) | (1u << 8));
    g_assert_false(cxsim_eq_poll(d, &eq, eqe));
    cxsim_stop(d);
}

/*
 * Owner bit protocol on a 4-entry EQ: pass p writes owner p & 1; the driver
 * consumes and updates its consumer index, and the queue wraps three times.
 */
static void test_owner_wrap(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    uint8_t eqe[CXFW_EQE_SIZE];
    uint32_t i, pi;
    CxsimEq eq;

    setup_cmd_eq(d, &eq, 2, 0);
    for (i = 0; i < 13; i++) {
        unsigned slot = i % 31;

        pi = eq.ci;
        nop_in_slot(d, slot);
        /* The raw entry: owner = (pi >> log_size) & 1, written last. */
        g_assert_cmphex(cxsim_mem_rd8(d, cxsim_eqe_addr(&eq, pi) +
                                      CXSIM_EQE_OWNER) & 1, ==,
                        (pi >> 2) & 1);
        g_assert_true(cxsim_eq_poll(d, &eq, eqe));
        assert_cmd_eqe(eqe, 1u << slot);
        g_assert_false(cxsim_eq_poll(d, &eq, eqe));
        cxsim_eq_doorbell(d, &eq, false);
    }
    g_assert_cmpuint(eq.ci, >, 3 * eq.nent);

    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_PRODUCER, 0, 24), ==, eq.ci);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==, eq.ci);
    cxsim_stop(d);
}

/* QUERY_EQ reports the producer and the consumer index the driver wrote. */
static void test_counters(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    uint8_t eqe[CXFW_EQE_SIZE];
    uint32_t base;
    CxsimEq eq;

    setup_cmd_eq(d, &eq, 4, 0);
    base = eq.ci;
    nop_in_slot(d, 0);
    nop_in_slot(d, 1);
    nop_in_slot(d, 2);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    cxsim_eq_doorbell(d, &eq, false);
    /* QUERY_EQ completes after the query: the 4th EQE comes later. */
    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_PRODUCER, 0, 24), ==,
                     base + 3);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==,
                     base + 2);

    /* A consumer index beyond the producer is ignored. */
    cxsim_eq_doorbell_at(d, eq.uar, CXFW_UAR_EQ_UPDATE, eq.eqn, base + 9);
    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==,
                     base + 2);
    cxsim_stop(d);
}

/*
 * MSI-X: an armed EQ fires once when an EQE is written, then disarms;
 * an EQ that is not armed only writes EQEs.
 */
static void test_msix_armed(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    MsiSink sink;
    CxsimEq eq;

    cxsim_msix_enable(d);
    sink = msi_sink(d, 1);
    setup_cmd_eq(d, &eq, 4, 1);
    g_assert_false(msi_fired(d, &sink));

    /* Not armed: EQE, no interrupt. */
    nop_in_slot(d, 0);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 1);
    g_assert_false(msi_fired(d, &sink));
    /* Update-only doorbell: still nothing. */
    cxsim_eq_doorbell(d, &eq, false);
    g_assert_false(msi_fired(d, &sink));

    /* Arm with nothing pending: no interrupt yet. */
    cxsim_eq_doorbell(d, &eq, true);
    g_assert_false(msi_fired(d, &sink));
    nop_in_slot(d, 0);
    g_assert_true(msi_fired(d, &sink));
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));

    /* Fired once: disarmed until the next arm. */
    nop_in_slot(d, 1);
    g_assert_false(msi_fired(d, &sink));
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 2);

    /* The driver's loop: consume, arm, next command fires again. */
    cxsim_eq_doorbell(d, &eq, true);
    g_assert_false(msi_fired(d, &sink));
    nop_in_slot(d, 2);
    g_assert_true(msi_fired(d, &sink));
    cxsim_stop(d);
}

/* Arming while unconsumed EQEs are pending fires at once. */
static void test_arm_pending(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    MsiSink sink;
    CxsimEq eq;

    cxsim_msix_enable(d);
    sink = msi_sink(d, 3);
    setup_cmd_eq(d, &eq, 4, 3);
    nop_in_slot(d, 0);
    nop_in_slot(d, 1);
    g_assert_false(msi_fired(d, &sink));

    /* Arm without consuming: two EQEs pending, fires immediately. */
    cxsim_eq_doorbell(d, &eq, true);
    g_assert_true(msi_fired(d, &sink));
    g_assert_false(msi_fired(d, &sink));

    /* Consume both, arm with the consumer index caught up: quiet. */
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    g_assert_false(cxsim_eq_poll(d, &eq, eqe));
    cxsim_eq_doorbell(d, &eq, true);
    g_assert_false(msi_fired(d, &sink));
    nop_in_slot(d, 2);
    g_assert_true(msi_fired(d, &sink));
    cxsim_stop(d);
}

/*
 * With the vector masked (MSI-X enabled, entries masked after reset) the
 * interrupt shows up as the vector's pending bit, and only that vector's.
 */
static void test_msix_pending_bit(void)
{
    CxsimDev *d = cxsim_start(NULL);
    CxsimEq eq;
    int v;

    cxsim_msix_enable(d);
    setup_cmd_eq(d, &eq, 4, 5);
    g_assert_true(qpci_msix_masked(d->pdev, 5));
    g_assert_false(qpci_msix_pending(d->pdev, 5));
    cxsim_eq_doorbell(d, &eq, true);
    nop_in_slot(d, 0);
    for (v = 0; v < CXSIM_DEFAULT_MSIX; v++) {
        g_assert_cmpint(qpci_msix_pending(d->pdev, v), ==, v == 5);
    }
    cxsim_stop(d);
}

/* MSI-X disabled on the function: EQEs are still written, no crash. */
static void test_msix_disabled(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    CxsimEq eq;

    setup_cmd_eq(d, &eq, 4, 7);
    cxsim_eq_doorbell(d, &eq, true);
    nop_in_slot(d, 0);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 1);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/*
 * A full EQ drops events instead of overwriting entries the driver has
 * not consumed; once the driver catches up, events flow again.
 */
static void test_full_drops(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    uint32_t base;
    CxsimEq eq;
    int i;

    setup_cmd_eq(d, &eq, 2, 0);
    base = eq.ci;
    /* Six completions, slots 0..5, into four entries. */
    for (i = 0; i < 6; i++) {
        nop_in_slot(d, i);
    }
    for (i = 0; i < 4; i++) {
        g_assert_true(cxsim_eq_poll(d, &eq, eqe));
        assert_cmd_eqe(eqe, 1u << i);
    }
    /* Slots 4 and 5 were dropped: nothing overwrote entry base. */
    g_assert_false(cxsim_eq_poll(d, &eq, eqe));
    g_assert_cmphex(cxsim_mem_rd8(d, cxsim_eqe_addr(&eq, base) +
                                  CXSIM_EQE_OWNER) & 1, ==, (base >> 2) & 1);

    /* Consumed and told: the next completion lands. */
    cxsim_eq_doorbell(d, &eq, false);
    nop_in_slot(d, 9);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));
    assert_cmd_eqe(eqe, 1u << 9);
    g_assert_false(cxsim_eq_poll(d, &eq, eqe));
    cxsim_stop(d);
}

/* A destroyed EQ receives nothing: its memory is the driver's again. */
static void test_destroyed_eq_quiet(void)
{
    CxsimDev *d = cxsim_start(NULL);
    g_autofree uint8_t *before = g_malloc(CXSIM_PAGE_SIZE);
    g_autofree uint8_t *after = g_malloc(CXSIM_PAGE_SIZE);
    CxsimEq eq;

    setup_cmd_eq(d, &eq, 4, 0);
    g_assert_cmphex(cxsim_destroy_eq(d, &eq), ==, CXFW_STATUS_OK);
    qtest_memread(d->qts, eq.buf, before, CXSIM_PAGE_SIZE);
    nop_in_slot(d, 0);
    nop_in_slot(d, 1);
    qtest_memread(d->qts, eq.buf, after, CXSIM_PAGE_SIZE);
    g_assert_cmpmem(before, CXSIM_PAGE_SIZE, after, CXSIM_PAGE_SIZE);
    cxsim_stop(d);
}

/*
 * An EQ spanning several pages, given out of order: each entry lands at
 * pas[offset / 4 KiB] + offset % 4 KiB.
 */
static void test_multi_page_eq(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    uint64_t area, pas[4];
    CxsimEq eq;
    int i;

    cxsim_bringup(d);
    /* 256 entries = 4 pages: queue pages 0..3 are area pages 2, 0, 3, 1. */
    area = cxsim_alloc(d, 4 * CXSIM_PAGE_SIZE);
    pas[0] = area + 2 * CXSIM_PAGE_SIZE;
    pas[1] = area;
    pas[2] = area + 3 * CXSIM_PAGE_SIZE;
    pas[3] = area + CXSIM_PAGE_SIZE;
    g_assert_cmphex(cxsim_create_eq_pas(d, &eq, 8, CXSIM_EVENT_MASK_CMD, 0,
                                        d->uar, pas), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(eq.npages, ==, 4);
    while (cxsim_eq_poll(d, &eq, eqe)) {
        /* the CREATE_EQ completion */
    }
    while (eq.ci < 140) {
        nop_in_slot(d, eq.ci % 31);
        g_assert_true(cxsim_eq_poll(d, &eq, eqe));
        assert_cmd_eqe(eqe, 1u << ((eq.ci - 1) % 31));
        cxsim_eq_doorbell(d, &eq, false);
    }
    /* Entry 64 is the first of queue page 1, entry 128 of page 2. */
    g_assert_cmphex(cxsim_mem_rd8(d, area + CXSIM_EQE_TYPE), ==,
                    CXFW_EVENT_CMD);
    g_assert_cmphex(cxsim_mem_rd8(d, area + 3 * CXSIM_PAGE_SIZE +
                                  CXSIM_EQE_TYPE), ==, CXFW_EVENT_CMD);
    /* Queue page 3 (area page 1) and the rest of page 2 are untouched. */
    for (i = 140; i < 256; i++) {
        g_assert_cmphex(cxsim_mem_rd8(d, cxsim_eqe_addr(&eq, i) +
                                      CXSIM_EQE_OWNER), ==, 1);
        g_assert_cmphex(cxsim_mem_rd8(d, cxsim_eqe_addr(&eq, i) +
                                      CXSIM_EQE_TYPE), ==, 0);
    }
    cxsim_stop(d);
}

/*
 * The three EQs mlx5_core creates at probe (create_async_eqs()): the
 * command EQ (256 entries, event 0x0a), the async EQ (8192 entries in 128
 * pages, so the pas list spans three input mailboxes, MLX5_ASYNC_EVENT_MASK
 * 0x1f02be) and the pages EQ (256 entries, event 0x0b), all on vector 0.
 * Command completions then go to the command EQ only.
 */
static void test_stock_eqs(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    CxsimEq cmd_eq, async_eq, pages_eq;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_create_eq(d, &cmd_eq, 8, CXSIM_EVENT_MASK_CMD, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    cxsim_eq_doorbell(d, &cmd_eq, true);
    g_assert_cmphex(cxsim_create_eq(d, &async_eq, 13, 0x1f02beULL, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(async_eq.npages, ==, 128);
    g_assert_cmphex(cxsim_create_eq(d, &pages_eq, 8,
                                    1ULL << CXFW_EVENT_PAGE_REQUEST, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cmd_eq.eqn, !=, async_eq.eqn);
    g_assert_cmpuint(async_eq.eqn, !=, pages_eq.eqn);
    g_assert_cmpuint(cmd_eq.eqn, !=, pages_eq.eqn);

    while (cxsim_eq_poll(d, &cmd_eq, eqe)) {
        assert_cmd_eqe(eqe, 1);
    }
    cxsim_eq_doorbell(d, &cmd_eq, true);
    nop_in_slot(d, 2);
    g_assert_true(cxsim_eq_poll(d, &cmd_eq, eqe));
    assert_cmd_eqe(eqe, 1u << 2);
    g_assert_false(cxsim_eq_poll(d, &async_eq, eqe));
    g_assert_false(cxsim_eq_poll(d, &pages_eq, eqe));

    g_assert_cmphex(cxsim_destroy_eq(d, &pages_eq), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_destroy_eq(d, &async_eq), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_destroy_eq(d, &cmd_eq), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/eq/cmd-eqe", test_cmd_eqe);
    qtest_add_func("/cxsim/eq/cmd-eqe-mask", test_cmd_eqe_mask);
    qtest_add_func("/cxsim/eq/owner-wrap", test_owner_wrap);
    qtest_add_func("/cxsim/eq/counters", test_counters);
    qtest_add_func("/cxsim/eq/msix-armed", test_msix_armed);
    qtest_add_func("/cxsim/eq/arm-pending", test_arm_pending);
    qtest_add_func("/cxsim/eq/msix-pending-bit", test_msix_pending_bit);
    qtest_add_func("/cxsim/eq/msix-disabled", test_msix_disabled);
    qtest_add_func("/cxsim/eq/full-drops", test_full_drops);
    qtest_add_func("/cxsim/eq/destroyed-quiet", test_destroyed_eq_quiet);
    qtest_add_func("/cxsim/eq/multi-page", test_multi_page_eq);
    qtest_add_func("/cxsim/eq/stock-eqs", test_stock_eqs);

    return g_test_run();
}
