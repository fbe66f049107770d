/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: diagnostic counters through the device.  The debug
 * capability, SET_DIAGNOSTIC_PARAMS / QUERY_DIAGNOSTIC_PARAMS /
 * QUERY_DIAGNOSTIC_COUNTERS with repetitive sampling on QEMU's virtual
 * clock (which only qtest moves), on-demand samples against the
 * firmware-stats property, a user context's refusal, and a new driver
 * instance forgetting the selection.  Layouts are written out by byte
 * and bit here, as a driver would (the PRM's, not cxfw's tables).
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"

/* debug capability (QUERY_HCA_CAP type 0xd) */
#define DBG_LOG_MAX_SAMPLES     0x00    /* bits 7:0 */
#define DBG_MODES               0x04    /* single 31, repetitive 30 */
#define DBG_LOG_MIN_PERIOD      0x04    /* bits 7:0 */
#define DBG_COUNTERS            0x40    /* 4 bytes each: sync 31, id 15:0 */
/* general capability */
#define CAP_DEBUG               0x30    /* bit 28 */
#define CAP_NUM_DIAG_COUNTERS   0x50    /* bits 31:16 */

/* diagnostic_params_context at byte 8 of SET in and QUERY_PARAMS out */
#define CTX_NUM_LOG_SAMPLES     0x08    /* num 31:16, log_num_of_samples 7:0 */
#define CTX_FLAGS_PERIOD        0x0c    /* see below, log_sample_period 7:0 */
#define CTX_IDS                 0x20    /* 4 bytes each, id 15:0 */
#define F_SINGLE                (1u << 31)
#define F_REPETITIVE            (1u << 30)
#define F_CLEAR                 (1u << 28)
#define F_ON_DEMAND             (1u << 27)
#define F_ENABLE                (1u << 26)

/* QUERY_DIAGNOSTIC_COUNTERS: in dword 2 num_of_samples 31:16, index 15:0 */
#define SAMPLE_LEN              16      /* id 31:16 | sample_id, stamp, value */

#define LOG_PERIOD              24      /* 2^24 ns, about 17 ms */
#define PERIOD                  (1ull << LOG_PERIOD)
#define UCTX_CAP_RAW_TX         0x1

static uint8_t set_params(CxsimDev *d, uint16_t uid, uint32_t flags,
                          unsigned log_samples, const uint16_t *ids,
                          unsigned n)
{
    uint8_t in[CXSIM_HDR_LEN + 16 + 4 * 16] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    g_assert_cmpuint(n, <=, 16);
    cx_hdr(in, CXFW_OP_SET_DIAGNOSTIC_PARAMS, 0);
    cx_put16(in, 2, uid);
    cx_put32(in, CTX_NUM_LOG_SAMPLES, n << 16 | log_samples);
    cx_put32(in, CTX_FLAGS_PERIOD, flags | LOG_PERIOD);
    for (unsigned i = 0; i < n; i++) {
        cx_put32(in, CTX_IDS + 4 * i, ids[i]);
    }
    return cxsim_cmd(d, in, CTX_IDS + 4 * n, out, sizeof(out));
}

/* count samples of n counters from slot index into out */
static uint8_t query_counters(CxsimDev *d, unsigned count, unsigned index,
                              unsigned n, uint8_t *out)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };

    cx_hdr(in, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0);
    cx_put32(in, 8, count << 16 | index);
    return cxsim_cmd(d, in, sizeof(in), out,
                     CXSIM_HDR_LEN + count * n * SAMPLE_LEN);
}

static const uint8_t *entry(const uint8_t *out, unsigned i)
{
    return out + CXSIM_HDR_LEN + i * SAMPLE_LEN;
}

static uint64_t timer_now(CxsimDev *d)
{
    uint32_t hi = cxsim_rd32(d, CXSIM_ISEG_TIMER_H);

    return (uint64_t)hi << 32 | cxsim_rd32(d, CXSIM_ISEG_TIMER_L);
}

/* The general cap offers the debug type; it lists the counters. */
static void test_caps(void)
{
    CxsimDev *d = cxsim_start("");
    g_autofree uint8_t *gen = g_malloc0(CXSIM_CAP_LEN);
    g_autofree uint8_t *dbg = g_malloc0(CXSIM_CAP_LEN);
    unsigned n;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, gen), ==, 0);
    g_assert_cmpuint(cx_get_bits(gen, CAP_DEBUG, 28, 1), ==, 1);
    n = cx_get_bits(gen, CAP_NUM_DIAG_COUNTERS, 16, 16);
    g_assert_cmpuint(n, ==, CXFW_DIAG_NUM_COUNTERS);
    g_assert_cmphex(cxsim_query_hca_cap(d, CXFW_CAP_TYPE_DEBUG, true, dbg),
                    ==, 0);
    g_assert_cmpuint(cx_get_bits(dbg, DBG_LOG_MAX_SAMPLES, 0, 8), ==, 12);
    g_assert_cmpuint(cx_get_bits(dbg, DBG_MODES, 30, 2), ==, 3);
    g_assert_cmpuint(cx_get_bits(dbg, DBG_LOG_MIN_PERIOD, 0, 8), ==, 10);
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmphex(cx_get32(dbg, DBG_COUNTERS + 4 * i), ==,
                        0x80000000u | (CXFW_DIAG_COMMANDS + i));
    }
    g_assert_cmphex(cx_get32(dbg, DBG_COUNTERS + 4 * n), ==, 0);
    cxsim_stop(d);
}

/*
 * Repetitive sampling, 4 slots of (COMMANDS, COMMAND_ERRORS), one sample
 * every 2^24 ns of virtual time from the SET; commands run mid-period.
 */
static void test_repetitive(void)
{
    static const uint16_t ids[] = { CXFW_DIAG_COMMANDS,
                                    CXFW_DIAG_COMMAND_ERRORS };
    /* slot -> the sample it holds after 5 samples, and its values */
    static const struct {
        unsigned sample;
        uint64_t commands, errors;
    } slots[4] = { { 4, 4, 1 }, { 1, 3, 1 }, { 2, 4, 1 }, { 3, 4, 1 } };
    CxsimDev *d = cxsim_start("");
    uint8_t out[CXSIM_HDR_LEN + 4 * 2 * SAMPLE_LEN];
    uint8_t pin[CXSIM_HDR_LEN] = { 0 }, pout[CXSIM_HDR_LEN + 16 + 8];
    uint64_t before, after;
    uint32_t t0;

    cxsim_bringup(d);
    before = timer_now(d);
    g_assert_cmphex(set_params(d, 0, F_ENABLE | F_REPETITIVE | F_CLEAR, 2,
                               ids, 2), ==, CXFW_STATUS_OK);     /* 1 */
    after = timer_now(d);
    qtest_clock_step(d->qts, PERIOD / 2);
    g_assert_cmphex(cxsim_nop(d), ==, 0);                          /* 2 */
    qtest_clock_step(d->qts, PERIOD);
    cxsim_cmd_simple(d, 0x7ff, 0, 0, 0, NULL);                     /* 3 */
    cxsim_assert_status(d, CXFW_STATUS_BAD_OP, CXFW_SYND_BAD_OPCODE);
    qtest_clock_step(d->qts, PERIOD);
    g_assert_cmphex(cxsim_nop(d), ==, 0);                          /* 4 */
    qtest_clock_step(d->qts, 3 * PERIOD);
    g_assert_cmphex(query_counters(d, 4, 0, 2, out), ==, CXFW_STATUS_OK);

    /* sample n at t0 + (n + 1) * period, t0 the SET's instant */
    t0 = cx_get32(entry(out, 2), 4) - 2 * PERIOD;
    g_assert_cmpuint(t0, >=, (uint32_t)before);
    g_assert_cmpuint(t0, <=, (uint32_t)after);
    for (unsigned s = 0; s < 4; s++) {
        for (unsigned c = 0; c < 2; c++) {
            const uint8_t *e = entry(out, 2 * s + c);

            g_assert_cmphex(cx_get32(e, 0), ==,
                            (uint32_t)ids[c] << 16 | slots[s].sample);
            g_assert_cmpuint(cx_get32(e, 4), ==,
                             (uint32_t)(t0 + (slots[s].sample + 1) * PERIOD));
            g_assert_cmpuint(cx_get64(e, 8), ==,
                             c ? slots[s].errors : slots[s].commands);
        }
    }

    /* the selection as QUERY_DIAGNOSTIC_PARAMS reports it */
    cx_hdr(pin, CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, 0);
    g_assert_cmphex(cxsim_cmd(d, pin, sizeof(pin), pout, sizeof(pout)),
                    ==, CXFW_STATUS_OK);
    g_assert_cmphex(cx_get32(pout, CTX_NUM_LOG_SAMPLES), ==, 2 << 16 | 2);
    g_assert_cmphex(cx_get32(pout, CTX_FLAGS_PERIOD), ==,
                    F_REPETITIVE | F_ENABLE | LOG_PERIOD);
    g_assert_cmphex(cx_get32(pout, CTX_IDS), ==, CXFW_DIAG_COMMANDS);
    g_assert_cmphex(cx_get32(pout, CTX_IDS + 4), ==, CXFW_DIAG_COMMAND_ERRORS);
    cxsim_stop(d);
}

/*
 * On demand: a query's sample holds exactly what firmware-stats counted
 * since the clearing SET; a context without TOOLS_RESOURCES may not set;
 * a new driver instance (queue address write) forgets the selection.
 */
static void test_on_demand_policy_reset(void)
{
    static const uint16_t ids[] = { CXFW_DIAG_COMMANDS,
                                    CXFW_DIAG_COMMAND_ERRORS,
                                    CXFW_DIAG_PAGES_GIVEN };
    static const char *const keys[] = { "commands", "command_errors", NULL };
    CxsimDev *d = cxsim_start(",id=cx0");
    uint8_t out[CXSIM_HDR_LEN + 3 * SAMPLE_LEN];
    uint8_t uctx_in[64] = { 0 }, uctx_out[CXSIM_HDR_LEN];
    uint64_t base[2], want[2], t1, t2;
    uint16_t uid;

    cxsim_bringup(d);
    for (unsigned k = 0; keys[k]; k++) {
        base[k] = cxsim_firmware_stat(d, "cx0", keys[k]);
    }
    g_assert_cmphex(set_params(d, 0, F_ENABLE | F_SINGLE | F_ON_DEMAND |
                               F_CLEAR, 0, ids, 3), ==, CXFW_STATUS_OK);
    for (unsigned i = 0; i < 5; i++) {
        g_assert_cmphex(cxsim_nop(d), ==, 0);
    }
    g_assert_cmphex(cxsim_give_pages(d, 3), ==, 0);
    cxsim_cmd_simple(d, CXFW_OP_INIT_HCA, 0, 0, 0, NULL);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_ALREADY_INITIALIZED);
    qtest_clock_step(d->qts, 12345);
    for (unsigned k = 0; keys[k]; k++) {
        want[k] = cxsim_firmware_stat(d, "cx0", keys[k]) - base[k];
    }
    t1 = timer_now(d);
    g_assert_cmphex(query_counters(d, 1, 0, 3, out), ==, CXFW_STATUS_OK);
    t2 = timer_now(d);
    for (unsigned k = 0; k < 3; k++) {
        g_assert_cmphex(cx_get32(entry(out, k), 0), ==,
                        (uint32_t)ids[k] << 16 | 0);
        /* the query's own instant */
        g_assert_cmpuint(cx_get32(entry(out, k), 4), >=, (uint32_t)t1);
        g_assert_cmpuint(cx_get32(entry(out, k), 4), <=, (uint32_t)t2);
    }
    /* SET, 5 NOPs, MANAGE_PAGES, INIT_HCA; the INIT_HCA failed */
    g_assert_cmpuint(cx_get64(entry(out, 0), 8), ==, want[0]);
    g_assert_cmpuint(want[0], ==, 8);
    g_assert_cmpuint(cx_get64(entry(out, 1), 8), ==, want[1]);
    g_assert_cmpuint(want[1], ==, 1);
    g_assert_cmpuint(cx_get64(entry(out, 2), 8), ==, 3);

    /* a context without TOOLS_RESOURCES: refused, nothing changed */
    cx_hdr(uctx_in, CXFW_OP_CREATE_UCTX, 0);
    cx_put32(uctx_in, 16, UCTX_CAP_RAW_TX);
    g_assert_cmphex(cxsim_cmd(d, uctx_in, sizeof(uctx_in), uctx_out,
                              sizeof(uctx_out)), ==, CXFW_STATUS_OK);
    uid = cx_get16(uctx_out, 10);
    g_assert_cmphex(set_params(d, uid, F_ENABLE | F_REPETITIVE, 2, ids, 1),
                    ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_TOOLS_RESOURCES_REQUIRED);
    g_assert_cmphex(query_counters(d, 1, 0, 3, out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cx_get32(entry(out, 0), 0), ==,
                    (uint32_t)CXFW_DIAG_COMMANDS << 16 | 1);

    /* a new driver instance (its queue address write resets): no selection */
    cxsim_cmdq_init(d);
    cxsim_bringup(d);
    g_assert_cmphex(query_counters(d, 1, 0, 3, out), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_DIAG_NOT_CONFIGURED);
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/diag/caps", test_caps);
    qtest_add_func("/cxsim/diag/repetitive", test_repetitive);
    qtest_add_func("/cxsim/diag/on-demand-policy-reset",
                   test_on_demand_policy_reset);

    return g_test_run();
}
