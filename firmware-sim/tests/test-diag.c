/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostic counters (docs/prm-coverage.md, "Diagnostic counters"):
 * the debug capability and its agreement with SET_DIAGNOSTIC_PARAMS's
 * checks, every SET and QUERY_DIAGNOSTIC_COUNTERS refusal, single,
 * repetitive and on-demand sampling over known event sequences with exact
 * values and time stamps, every counter counting what it says, who may
 * set and query, and what stops and clears sampling.
 */
#include <stddef.h>
#include <string.h>

#include "fake-host.h"
#include "cxfw-internal.h"

#define CTX(f)          CXFW_FLD(diagnostic_params_context, f)
#define DEBUG_CAP(f)    CXFW_FLD(debug_cap, f)
#define SAMPLE(f)       CXFW_FLD(diagnostic_cntr_struct, f)
#define SAMPLE_LEN      CXFW_SIZEOF(diagnostic_cntr_struct)
#define ID_LEN          CXFW_SIZEOF(counter_id)
#define SET_INLEN(n)    (CXFW_SIZEOF(set_diagnostic_params_in) + (n) * ID_LEN)
#define PARAMS_OUTLEN(n) \
    (CXFW_SIZEOF(query_diagnostic_params_out) + (n) * ID_LEN)
#define COUNTERS_OUTLEN(n) \
    (CXFW_SIZEOF(query_diagnostic_counters_out) + (n) * SAMPLE_LEN)
#define MAX_IDS         16
#define T0              1000    /* the clock when sampling starts */
#define P               1024    /* 2^10 ns, the default minimum period */
#define TOOLS           CXFW_UCTX_CAP_TOOLS_RESOURCES

enum {
    S  = 1 << 0,                /* single */
    R  = 1 << 1,                /* repetitive */
    SY = 1 << 2,                /* sync */
    CL = 1 << 3,                /* clear */
    OD = 1 << 4,                /* on_demand */
    EN = 1 << 5,                /* enable */
};

#define CMDS        CXFW_DIAG_COMMANDS
#define ERRS        CXFW_DIAG_COMMAND_ERRORS

typedef struct Params {
    uint32_t num;               /* num_of_counters, and ids written */
    uint16_t ids[MAX_IDS];
    uint8_t log_samples, log_period;
    unsigned flags;
    int inlen_delta;            /* to SET_INLEN(num) */
} Params;

/* One sample entry as the firmware returns it. */
typedef struct Sample {
    uint16_t id;
    uint16_t sample_id;
    uint32_t stamp;
    uint64_t value;
} Sample;

static void check_fw(FakeHost *fh)
{
    g_autofree char *why = NULL;

    if (!cxfw_check_invariants(fh->fw, &why)) {
        g_error("firmware invariant violated: %s", why);
    }
}

static FakeHost *setup(const char *profile)
{
    FakeHost *fh = fh_new(profile);

    fh_bringup(fh);
    return fh;
}

/* With a command queue (programmed first: its address resets firmware). */
static FakeHost *setup_queue(void)
{
    FakeHost *fh = fh_new(NULL);

    fh_cmdq_init(fh);
    fh_bringup(fh);
    return fh;
}

static uint8_t set_params(FakeHost *fh, uint16_t uid, const Params *p,
                          uint32_t *synd)
{
    uint8_t in[SET_INLEN(MAX_IDS) + 64] = { 0 };
    uint8_t out[CXFW_SIZEOF(set_diagnostic_params_out)];
    uint8_t *ctx = in + cxfw_field_byte(
        CXFW_FLD(set_diagnostic_params_in, diagnostic_params_context));
    uint8_t *ids = ctx + cxfw_field_byte(CTX(counter_id));
    uint8_t status;

    fh_hdr(in, CXFW_OP_SET_DIAGNOSTIC_PARAMS, 0);
    cxfw_set(ctx, CTX(num_of_counters), p->num);
    cxfw_set(ctx, CTX(log_num_of_samples), p->log_samples);
    cxfw_set(ctx, CTX(log_sample_period), p->log_period);
    cxfw_set(ctx, CTX(single), !!(p->flags & S));
    cxfw_set(ctx, CTX(repetitive), !!(p->flags & R));
    cxfw_set(ctx, CTX(sync), !!(p->flags & SY));
    cxfw_set(ctx, CTX(clear), !!(p->flags & CL));
    cxfw_set(ctx, CTX(on_demand), !!(p->flags & OD));
    cxfw_set(ctx, CTX(enable), !!(p->flags & EN));
    for (uint32_t i = 0; i < MIN(p->num, MAX_IDS); i++) {
        cxfw_set(ids + i * ID_LEN, CXFW_FLD(counter_id, counter_id),
                 p->ids[i]);
    }
    status = fh_exec_as(fh, uid, in,
                        SET_INLEN(MIN(p->num, MAX_IDS)) + p->inlen_delta,
                        out, sizeof(out));
    *synd = fh_syndrome(out);
    return status;
}

static void set_ok(FakeHost *fh, const Params *p)
{
    uint32_t synd;

    g_assert_cmphex(set_params(fh, 0, p, &synd), ==, CXFW_STATUS_OK);
}

static uint8_t query_params(FakeHost *fh, uint16_t uid, uint8_t *out,
                            uint32_t outlen)
{
    uint8_t in[CXFW_SIZEOF(query_diagnostic_params_in)] = { 0 };

    fh_hdr(in, CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, 0);
    memset(out, 0xa5, outlen);
    return fh_exec_as(fh, uid, in, sizeof(in), out, outlen);
}

/*
 * QUERY_DIAGNOSTIC_COUNTERS as uid; the entries go to samples[] (room
 * for count * counters of them), decoded.
 */
static uint8_t query_counters(FakeHost *fh, uint16_t uid, uint32_t count,
                              uint32_t index, uint32_t entries,
                              Sample *samples, uint32_t *synd)
{
    uint8_t in[CXFW_SIZEOF(query_diagnostic_counters_in)] = { 0 };
    uint32_t outlen = COUNTERS_OUTLEN(entries);
    g_autofree uint8_t *out = g_malloc(outlen);
    const uint8_t *e = out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_counters_out, diag_counter));
    uint8_t status;

    fh_hdr(in, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0);
    cxfw_set(in, CXFW_FLD(query_diagnostic_counters_in, num_of_samples),
             count);
    cxfw_set(in, CXFW_FLD(query_diagnostic_counters_in, sample_index),
             index);
    status = fh_exec_as(fh, uid, in, sizeof(in), out, outlen);
    *synd = fh_syndrome(out);
    for (uint32_t i = 0; samples && i < entries; i++, e += SAMPLE_LEN) {
        samples[i] = (Sample) {
            cxfw_get(e, SAMPLE(counter_id)), cxfw_get(e, SAMPLE(sample_id)),
            cxfw_get(e, SAMPLE(time_stamp_31_0)),
            cxfw_get(e, SAMPLE(counter_value)),
        };
    }
    return status;
}

/* count samples of ncounters from index, which must succeed */
static void samples_of(FakeHost *fh, uint32_t count, uint32_t index,
                       uint32_t ncounters, Sample *samples)
{
    uint32_t synd;

    g_assert_cmphex(query_counters(fh, 0, count, index, count * ncounters,
                                   samples, &synd), ==, CXFW_STATUS_OK);
}

static void expect_sample(const Sample *got, uint16_t id, uint16_t sample_id,
                          uint32_t stamp, uint64_t value)
{
    g_assert_cmphex(got->id, ==, id);
    g_assert_cmpuint(got->sample_id, ==, sample_id);
    g_assert_cmpuint(got->stamp, ==, stamp);
    g_assert_cmpuint(got->value, ==, value);
}

/* A command at instant t (the firmware reads the clock on entry). */
static uint8_t at(FakeHost *fh, uint64_t t, uint16_t opcode)
{
    fh->clock_ns = t;
    return fh_simple(fh, opcode, 0, NULL);
}

static void query_cap(FakeHost *fh, unsigned type, bool current,
                      uint8_t *cap)
{
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, type << 1 | current);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out,
                            FH_QUERY_HCA_CAP_OUTLEN), ==, CXFW_STATUS_OK);
    memcpy(cap, out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                               capability)), FH_CAP_SIZE);
}

static const uint8_t *cap_counter(const uint8_t *cap, unsigned i)
{
    return cap + cxfw_field_byte(DEBUG_CAP(diagnostic_counter)) +
           i * CXFW_SIZEOF(diagnostic_cntr_layout);
}

/*
 * The capabilities: the general cap offers the debug type and counts the
 * counters; the debug cap (maximum == current) lists exactly the counter
 * table, each with sync; SET_HCA_CAP cannot change it.
 */
static void test_caps(void)
{
    static const struct {
        const char *profile;
        unsigned log_max_samples, single, repetitive, log_min_period;
    } profiles[] = {
        { NULL, 12, 1, 1, 10 },
        { "cx6dx-pages", 12, 1, 1, 10 },
        { "cx6dx-small", 4, 1, 0, 16 },
    };

    for (unsigned p = 0; p < G_N_ELEMENTS(profiles); p++) {
        g_autoptr(FakeHost) fh = fh_new(profiles[p].profile);
        uint8_t gen[FH_CAP_SIZE], max[FH_CAP_SIZE], cur[FH_CAP_SIZE];
        g_autofree uint8_t *in = g_malloc0(FH_SET_HCA_CAP_INLEN);
        uint8_t out[FH_HDR_LEN];

        g_test_message("profile %s", profiles[p].profile ?: "default");
        fh_enable(fh);
        query_cap(fh, CXFW_CAP_TYPE_GENERAL, true, gen);
        g_assert_cmpuint(cxfw_get(gen, CXFW_FLD(cmd_hca_cap, debug)), ==, 1);
        g_assert_cmpuint(cxfw_get(gen, CXFW_FLD(cmd_hca_cap,
                                               num_of_diagnostic_counters)),
                         ==, CXFW_DIAG_NUM_COUNTERS);
        query_cap(fh, CXFW_CAP_TYPE_DEBUG, false, max);
        query_cap(fh, CXFW_CAP_TYPE_DEBUG, true, cur);
        g_assert_cmpmem(max, sizeof(max), cur, sizeof(cur));
        g_assert_cmpuint(cxfw_get(cur, DEBUG_CAP(log_max_samples)), ==,
                         profiles[p].log_max_samples);
        g_assert_cmpuint(cxfw_get(cur, DEBUG_CAP(single)), ==,
                         profiles[p].single);
        g_assert_cmpuint(cxfw_get(cur, DEBUG_CAP(repetitive)), ==,
                         profiles[p].repetitive);
        g_assert_cmpuint(cxfw_get(cur, DEBUG_CAP(log_min_sample_period)), ==,
                         profiles[p].log_min_period);
        for (unsigned i = 0; i < CXFW_DIAG_NUM_COUNTERS; i++) {
            const uint8_t *e = cap_counter(cur, i);

            g_assert_cmphex(cxfw_get(e, CXFW_FLD(diagnostic_cntr_layout,
                                                 counter_id)), ==,
                            cxfw_diag_counters[i].id);
            g_assert_cmpuint(cxfw_get(e, CXFW_FLD(diagnostic_cntr_layout,
                                                  sync)), ==, 1);
            for (unsigned j = 0; j < i; j++) {
                g_assert_cmphex(cxfw_diag_counters[j].id, !=,
                                cxfw_diag_counters[i].id);
            }
        }
        /* nothing after the list */
        g_assert_cmphex(cxfw_be32(cap_counter(cur, CXFW_DIAG_NUM_COUNTERS)),
                        ==, 0);

        /* the debug capability is not settable */
        fh_hdr(in, CXFW_OP_SET_HCA_CAP, CXFW_CAP_TYPE_DEBUG << 1);
        memcpy(in + cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability)),
               cur, FH_CAP_SIZE);
        g_assert_cmphex(fh_exec(fh, in, FH_SET_HCA_CAP_INLEN, out,
                                sizeof(out)), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_CAP_NOT_SETTABLE);
    }
}

/* The counter table's ids are the ones the headers publish. */
static void test_table(void)
{
#define CXFW_DIAG_COUNTER(cid, cname, cstat, cdesc) \
    g_assert_cmphex(cxfw_diag_counters[CXFW_DIAG_INDEX_##cname].id, ==, \
                    CXFW_DIAG_##cname); \
    g_assert_cmphex(CXFW_DIAG_##cname, ==, cid); \
    g_assert_cmpstr(cxfw_diag_counters[CXFW_DIAG_INDEX_##cname].name, ==, \
                    #cname); \
    g_assert_cmpuint(cxfw_diag_counters[CXFW_DIAG_INDEX_##cname].offset, \
                     ==, offsetof(CxfwStats, cstat));
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER
}

#define ALL_IDS \
    { 0xc001, 0xc002, 0xc003, 0xc004, 0xc005, 0xc006, 0xc007, 0xc008, \
      0xc009, 0xc00a, 0xc00b, 0xc00c, 0xc00c }

/*
 * Every refusal of SET_DIAGNOSTIC_PARAMS, in the order the firmware
 * checks, with the boundary cases that pass; each case against a fresh
 * firmware whose earlier selection must survive a refused SET.
 */
static const struct SetCase {
    const char *what;
    const char *profile;
    Params p;
    uint8_t status;
    uint32_t synd;
} set_cases[] = {
    { "no counters", NULL, { 0, { 0 }, 2, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_NO_COUNTERS },
    { "more counters than listed", NULL, { 13, ALL_IDS, 0, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_TOO_MANY_COUNTERS },
    { "input one id short", NULL, { 2, { CMDS, ERRS }, 2, 10, EN | S, -4 },
      CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_DIAG_COUNTERS_LEN },
    { "input without ids", NULL, { 1, { CMDS }, 2, 10, EN | S, -4 },
      CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_DIAG_COUNTERS_LEN },
    { "counter id 0", NULL, { 2, { CMDS, 0 }, 2, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_COUNTER_UNKNOWN },
    { "counter id past the table", NULL, { 1, { 0xc00d }, 2, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_COUNTER_UNKNOWN },
    { "an NVIDIA counter id", NULL, { 1, { 0x0401 }, 2, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_COUNTER_UNKNOWN },
    { "a counter twice", NULL, { 3, { CMDS, ERRS, CMDS }, 2, 10, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_COUNTER_DUPLICATE },
    { "neither single nor repetitive", NULL, { 1, { CMDS }, 2, 10, EN, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_MODE },
    { "single and repetitive", NULL, { 1, { CMDS }, 2, 10, EN | S | R, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_MODE },
    { "on demand, no mode", NULL, { 1, { CMDS }, 0, 0, EN | OD, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_MODE },
    { "log_num_of_samples above log_max_samples", NULL,
      { 1, { CMDS }, 13, 10, EN | R, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_SAMPLES_EXCEED_MAX },
    { "12 counters x 512 samples", NULL, { 12, ALL_IDS, 9, 10, EN | R, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_SAMPLES_EXCEED_MAX },
    { "12 counters x 256 samples", NULL, { 12, ALL_IDS, 8, 10, EN | R, 0 },
      CXFW_STATUS_OK, 0 },
    { "1 counter x 4096 samples", NULL, { 1, { CMDS }, 12, 10, EN | S, 0 },
      CXFW_STATUS_OK, 0 },
    { "period below the minimum", NULL, { 1, { CMDS }, 2, 9, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_PERIOD_TOO_SHORT },
    { "period 2^64 ns", NULL, { 1, { CMDS }, 2, 64, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_PERIOD_TOO_LONG },
    { "period 2^255 ns", NULL, { 1, { CMDS }, 2, 255, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_PERIOD_TOO_LONG },
    { "period 2^63 ns", NULL, { 1, { CMDS }, 2, 63, EN | S, 0 },
      CXFW_STATUS_OK, 0 },
    { "on demand: no period checks", NULL, { 1, { CMDS }, 0, 0, EN | OD | S, 0 },
      CXFW_STATUS_OK, 0 },
    { "on demand: period 2^255", NULL, { 1, { CMDS }, 0, 255, EN | OD | R, 0 },
      CXFW_STATUS_OK, 0 },
    { "longer input", NULL, { 1, { CMDS }, 2, 10, EN | S | SY | CL, 64 },
      CXFW_STATUS_OK, 0 },
    { "small: repetitive not offered", "cx6dx-small",
      { 1, { CMDS }, 2, 16, EN | R, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_MODE },
    { "small: 2 counters x 16 samples", "cx6dx-small",
      { 2, { CMDS, ERRS }, 4, 16, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_SAMPLES_EXCEED_MAX },
    { "small: 2 counters x 8 samples", "cx6dx-small",
      { 2, { CMDS, ERRS }, 3, 16, EN | S, 0 },
      CXFW_STATUS_OK, 0 },
    { "small: period 2^15", "cx6dx-small", { 1, { CMDS }, 2, 15, EN | S, 0 },
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_PERIOD_TOO_SHORT },
    /* disabling checks nothing */
    { "disable with garbage", NULL, { 13, ALL_IDS, 99, 1, S | R, -52 },
      CXFW_STATUS_OK, 0 },
};

/* The selections the cases start from, per profile. */
static const Params before = { 1, { ERRS }, 1, 11, EN | R | CL, 0 };
static const Params small_before = { 1, { CMDS }, 2, 16, EN | S | CL, 0 };

static void expect_selection(FakeHost *fh, const Params *p, bool enabled)
{
    uint8_t out[PARAMS_OUTLEN(MAX_IDS)];
    uint8_t *ctx = out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_params_out, diagnostic_params_context));

    g_assert_cmphex(query_params(fh, 0, out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(ctx, CTX(num_of_counters)), ==, p->num);
    g_assert_cmpuint(cxfw_get(ctx, CTX(log_num_of_samples)), ==,
                     p->log_samples);
    g_assert_cmpuint(cxfw_get(ctx, CTX(log_sample_period)), ==,
                     p->log_period);
    g_assert_cmpuint(cxfw_get(ctx, CTX(single)), ==, !!(p->flags & S));
    g_assert_cmpuint(cxfw_get(ctx, CTX(repetitive)), ==, !!(p->flags & R));
    g_assert_cmpuint(cxfw_get(ctx, CTX(sync)), ==, !!(p->flags & SY));
    g_assert_cmpuint(cxfw_get(ctx, CTX(on_demand)), ==, !!(p->flags & OD));
    g_assert_cmpuint(cxfw_get(ctx, CTX(clear)), ==, 0);
    g_assert_cmpuint(cxfw_get(ctx, CTX(enable)), ==, enabled);
    for (uint32_t i = 0; i < MIN(p->num, MAX_IDS); i++) {
        g_assert_cmphex(cxfw_get(ctx + cxfw_field_byte(CTX(counter_id)) +
                                 i * ID_LEN,
                                 CXFW_FLD(counter_id, counter_id)), ==,
                        p->ids[i]);
    }
}

static void test_set_checks(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(set_cases); i++) {
        const struct SetCase *c = &set_cases[i];
        g_autoptr(FakeHost) fh = setup(c->profile);
        const Params *from = c->profile ? &small_before : &before;
        uint32_t synd;

        g_test_message("%s", c->what);
        set_ok(fh, from);
        g_assert_cmphex(set_params(fh, 0, &c->p, &synd), ==, c->status);
        g_assert_cmphex(synd, ==, c->synd);
        if (c->status != CXFW_STATUS_OK) {
            expect_selection(fh, from, true);
        } else if (c->p.flags & EN) {
            expect_selection(fh, &c->p, true);
        } else {
            expect_selection(fh, from, false);
        }
        check_fw(fh);
    }
}

/* Every refusal of QUERY_DIAGNOSTIC_COUNTERS; N = 4 slots, 2 counters. */
static void test_query_checks(void)
{
    static const struct {
        const char *what;
        uint32_t count, index, entries;
        uint8_t status;
        uint32_t synd;
    } cases[] = {
        { "sample_index past the buffer", 1, 4, 2,
          CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_SAMPLE_INDEX },
        { "sample_index 0xffff", 1, 0xffff, 2,
          CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_SAMPLE_INDEX },
        { "more samples than the buffer", 5, 0, 10,
          CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_NUM_SAMPLES },
        { "output one entry short", 4, 0, 7,
          CXFW_STATUS_BAD_OUTP_LEN, CXFW_SYND_DIAG_OUT_LEN },
        { "output of the header only", 1, 3, 0,
          CXFW_STATUS_BAD_OUTP_LEN, CXFW_SYND_DIAG_OUT_LEN },
        { "the whole buffer", 4, 0, 8, CXFW_STATUS_OK, 0 },
        { "the whole buffer from the last slot", 4, 3, 8, CXFW_STATUS_OK, 0 },
        { "no samples", 0, 3, 0, CXFW_STATUS_OK, 0 },
    };
    g_autoptr(FakeHost) fh = setup(NULL);
    uint32_t synd;

    g_assert_cmphex(query_counters(fh, 0, 1, 0, 2, NULL, &synd), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(synd, ==, CXFW_SYND_DIAG_NOT_CONFIGURED);
    set_ok(fh, &(Params) { 2, { CMDS, ERRS }, 2, 10, EN | S, 0 });
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].what);
        g_assert_cmphex(query_counters(fh, 0, cases[i].count, cases[i].index,
                                       cases[i].entries, NULL, &synd), ==,
                        cases[i].status);
        g_assert_cmphex(synd, ==, cases[i].synd);
    }
}

/*
 * Single mode: 4 samples of (COMMAND_ERRORS, COMMANDS), one every 1024 ns
 * from T0, then nothing.  The values count from the SET (clear): the SET
 * itself is the first command.  Slots that no sample reached read zeros.
 */
static void test_single(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    Sample s[8];

    fh->clock_ns = T0;
    set_ok(fh, &(Params) { 2, { ERRS, CMDS }, 2, 10, EN | S | CL, 0 });
    /* nothing due yet: zeros */
    fh->clock_ns = T0 + P - 1;
    samples_of(fh, 4, 0, 2, s);                     /* commands: 2 */
    for (unsigned i = 0; i < 8; i++) {
        expect_sample(&s[i], 0, 0, 0, 0);
    }

    g_assert_cmphex(at(fh, T0 + P, CXFW_OP_NOP), ==, 0);        /* 3 */
    g_assert_cmphex(at(fh, T0 + P, 0x7ff), ==, CXFW_STATUS_BAD_OP); /* 4 */
    g_assert_cmphex(at(fh, T0 + 3 * P + 5, CXFW_OP_NOP), ==, 0);    /* 5 */
    g_assert_cmphex(at(fh, T0 + 10 * P, CXFW_OP_NOP), ==, 0);       /* 6 */
    g_assert_cmphex(at(fh, T0 + 1000 * P, CXFW_OP_NOP), ==, 0);     /* 7 */

    samples_of(fh, 4, 0, 2, s);
    expect_sample(&s[0], ERRS, 0, T0 + P, 0);
    expect_sample(&s[1], CMDS, 0, T0 + P, 2);
    expect_sample(&s[2], ERRS, 1, T0 + 2 * P, 1);
    expect_sample(&s[3], CMDS, 1, T0 + 2 * P, 4);
    expect_sample(&s[4], ERRS, 2, T0 + 3 * P, 1);
    expect_sample(&s[5], CMDS, 2, T0 + 3 * P, 4);
    expect_sample(&s[6], ERRS, 3, T0 + 4 * P, 1);
    expect_sample(&s[7], CMDS, 3, T0 + 4 * P, 5);

    /* reading wraps around the buffer: slots 3, 0 */
    samples_of(fh, 2, 3, 2, s);
    expect_sample(&s[0], ERRS, 3, T0 + 4 * P, 1);
    expect_sample(&s[2], ERRS, 0, T0 + P, 0);
    expect_selection(fh, &(Params) { 2, { ERRS, CMDS }, 2, 10, S, 0 }, true);
    check_fw(fh);
}

/*
 * Repetitive mode: one NOP per period, so sample i holds i + 1 commands;
 * after 6 samples the 4 slots hold samples 4, 5, 2, 3.  A long idle time
 * then leaves only the last 4 samples due, all with the same values, and
 * sample ids wrap at 2^16.
 */
static void test_repetitive(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    static const unsigned slot_holds[4] = { 4, 5, 2, 3 };
    const uint64_t far = 70000;
    Sample s[4];

    fh->clock_ns = T0;
    set_ok(fh, &(Params) { 1, { CMDS }, 2, 10, EN | R | CL, 0 });
    for (unsigned k = 1; k <= 6; k++) {
        g_assert_cmphex(at(fh, T0 + k * P, CXFW_OP_NOP), ==, 0);
    }
    samples_of(fh, 4, 0, 1, s);                 /* at T0 + 6 P: 7 commands */
    for (unsigned slot = 0; slot < 4; slot++) {
        unsigned n = slot_holds[slot];

        expect_sample(&s[slot], CMDS, n, T0 + (n + 1) * P, n + 1);
    }
    /* 70000 periods later: samples 69996..69999, 8 commands each */
    g_assert_cmphex(at(fh, T0 + (far + 1) * P - 1, CXFW_OP_NOP), ==, 0);
    samples_of(fh, 4, 0, 1, s);
    for (unsigned slot = 0; slot < 4; slot++) {
        uint64_t n = far - 4 + slot;

        expect_sample(&s[slot], CMDS, n & 0xffff,
                      (uint32_t)(T0 + (n + 1) * P), 8);
    }
    check_fw(fh);
}

/*
 * On demand (as FreeBSD's mlx5 uses it: single, one sample, period 0):
 * every query samples at its own instant, before it is counted itself.
 */
static void test_on_demand(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    Sample s[2];

    fh->clock_ns = 5;
    set_ok(fh, &(Params) { 2, { CMDS, ERRS }, 0, 0, EN | S | OD | CL, 0 });
    fh->clock_ns = 77;
    samples_of(fh, 1, 0, 2, s);
    expect_sample(&s[0], CMDS, 0, 77, 1);
    expect_sample(&s[1], ERRS, 0, 77, 0);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmphex(at(fh, 1u << 20, CXFW_OP_NOP), ==, 0);
    }
    g_assert_cmphex(at(fh, 1u << 20, 0x7ff), ==, CXFW_STATUS_BAD_OP);
    fh->clock_ns = 0x100000123ull;
    samples_of(fh, 1, 0, 2, s);
    expect_sample(&s[0], CMDS, 1, 0x123, 6);
    expect_sample(&s[1], ERRS, 1, 0x123, 1);
    /* no periodic sampling in between: still sample 1 */
    fh->clock_ns += 1ull << 40;
    g_assert_cmphex(fh_simple(fh, CXFW_OP_NOP, 0, NULL), ==, 0);
    samples_of(fh, 1, 0, 2, s);
    g_assert_cmpuint(s[0].sample_id, ==, 2);
    check_fw(fh);
}

/* Every counter counts what the table says, and only that. */
static void test_counting(void)
{
    g_autoptr(FakeHost) fh = setup_queue();
    Params all = { CXFW_DIAG_NUM_COUNTERS, ALL_IDS, 0, 0, EN | R | OD | CL,
                   0 };
    CxfwStats s0, s1;
    Sample s[CXFW_DIAG_NUM_COUNTERS];
    uint64_t want[CXFW_DIAG_NUM_COUNTERS] = { 0 };
    uint64_t addrs[4], va = 0x7f0000001000ull;
    uint8_t buf[3000], in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN + 8 * 3];
    uint32_t inlen, umem, pdn, mkey, synd;
    g_autofree uint8_t *umem_in = NULL;
    uint8_t mkey_in[CXFW_SIZEOF(create_mkey_in)];
    FhEntry e;
    FhEq eq;

    s0 = fh_stats(fh);
    set_ok(fh, &all);                                   /* 1 command */
    for (unsigned i = 0; i < 5; i++) {                  /* 5 */
        g_assert_cmphex(fh_simple(fh, CXFW_OP_NOP, 0, NULL), ==, 0);
    }
    for (unsigned i = 0; i < 3; i++) {                  /* 3, failing */
        g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==,
                        CXFW_STATUS_BAD_SYS_STATE);
    }
    /* pages: 4 given, all 4 taken back in two takes of 3 */
    g_assert_cmphex(fh_give_pages(fh, 4, NULL), ==, 0);
    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), 3);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(manage_pages_out,
                                            output_num_entries)), ==, 1);
    /* a umem over 4 pages, a PD, a key, a refused key, a key */
    for (unsigned i = 0; i < 4; i++) {
        addrs[i] = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
    }
    umem_in = fh_umem_in(0, 0, addrs, 4, FH_MTT_RD | FH_MTT_WR, &inlen);
    g_assert_cmphex(fh_umem_create(fh, 0, umem_in, inlen, &umem, NULL), ==, 0);
    g_assert_cmphex(fh_pd_alloc(fh, 0, &pdn, NULL), ==, 0);
    fh_mkey_in(mkey_in, pdn, umem, 0, va, 4 * FH_PAGE_SIZE,
               FH_MKEY_LR | FH_MKEY_LW, 0x42);
    g_assert_cmphex(fh_mkey_create(fh, 0, mkey_in, &mkey, NULL), ==, 0);
    fh_mkey_in(mkey_in, pdn, umem, 0, va, 5 * FH_PAGE_SIZE,
               FH_MKEY_LR | FH_MKEY_LW, 0x42);
    g_assert_cmphex(fh_mkey_create(fh, 0, mkey_in, &mkey, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    fh_mkey_in(mkey_in, pdn, umem, 0, va, 4 * FH_PAGE_SIZE,
               FH_MKEY_LR | FH_MKEY_LW, 0x42);
    g_assert_cmphex(fh_mkey_create(fh, 0, mkey_in, &mkey, NULL), ==, 0);
    /* DMA: 3000 + 3000 written, 3000 read; one refused (out of range) */
    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmphex(cxfw_mkey_write(fh->fw, 0, mkey, va + 100, buf,
                                    sizeof(buf), &synd), ==, 0);
    g_assert_cmphex(cxfw_mkey_write(fh->fw, 0, mkey, va + 4000, buf,
                                    sizeof(buf), &synd), ==, 0);
    g_assert_cmphex(cxfw_mkey_read(fh->fw, 0, mkey, va, buf, sizeof(buf),
                                   &synd), ==, 0);
    g_assert_cmphex(cxfw_mkey_read(fh->fw, 0, mkey, va + 4 * FH_PAGE_SIZE,
                                   buf, 1, &synd), ==, CXFW_STATUS_BAD_PARAM);
    /* the queue: a command EQ, 2 NOPs through it, 1 bad entry, arming */
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_CMD, 1,
                                 fh->uar, &synd), ==, 0);
    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, FH_HDR_LEN), ==, 0);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, FH_HDR_LEN), ==, 0);
    fh_entry_build(fh, &e, 2, in, sizeof(in), FH_HDR_LEN);
    fh_entry_set(fh, 2, CXFW_FLD(cmd_queue_entry, type), 0);
    fh_ring(fh, 1u << 2);
    g_assert_cmphex(fh_entry_delivery(fh, 2), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    fh_eq_doorbell(fh, &eq, true);

    s1 = fh_stats(fh);
    samples_of(fh, 1, 0, CXFW_DIAG_NUM_COUNTERS, s);
    /* what the steps above did, counted by hand */
    /* SET, NOPs, INIT_HCAs, pages, umem, PD, keys, CREATE_EQ, queue NOPs */
    want[CXFW_DIAG_INDEX_COMMANDS] = 1 + 5 + 3 + 1 + 2 + 1 + 1 + 3 + 1 + 2;
    want[CXFW_DIAG_INDEX_COMMAND_ERRORS] = 3 + 1;
    want[CXFW_DIAG_INDEX_DELIVERY_ERRORS] = 1;
    want[CXFW_DIAG_INDEX_EVENTS] = 3;
    want[CXFW_DIAG_INDEX_INTERRUPTS] = 1;
    want[CXFW_DIAG_INDEX_DMA_BYTES] = 9000;
    want[CXFW_DIAG_INDEX_DMA_ERRORS] = 1;
    want[CXFW_DIAG_INDEX_PAGES_GIVEN] = 4;
    want[CXFW_DIAG_INDEX_PAGES_TAKEN] = 4;
    want[CXFW_DIAG_INDEX_UMEMS_CREATED] = 1;
    want[CXFW_DIAG_INDEX_MKEYS_CREATED] = 2;
    for (unsigned i = 0; i < CXFW_DIAG_NUM_COUNTERS; i++) {
        const CxfwDiagCounter *c = &cxfw_diag_counters[i];
        uint64_t a, b;

        memcpy(&a, (uint8_t *)&s0 + c->offset, sizeof(a));
        memcpy(&b, (uint8_t *)&s1 + c->offset, sizeof(b));
        g_test_message("%s", c->name);
        g_assert_cmphex(s[i].id, ==, c->id);
        g_assert_cmpuint(s[i].value, ==, want[i]);
        g_assert_cmpuint(s[i].value, ==, b - a);
    }
    check_fw(fh);
}

/*
 * Who: uid 0 and tools contexts set (the selection is the function's, one
 * for all); a context without TOOLS_RESOURCES is refused SET but may
 * query (policy rows: SET TOOLS, the queries USER); scope labels follow
 * the fwctl allow-list (SET needs DEBUG_WRITE, the queries DEBUG_READ_ONLY).
 */
static void test_policy(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    const Params p1 = { 1, { CMDS }, 2, 10, EN | S, 0 };
    const Params p2 = { 1, { ERRS }, 3, 11, EN | R, 0 };
    uint16_t plain = fh_uctx_new(fh, CXFW_UCTX_CAP_RAW_TX);
    uint16_t tools = fh_uctx_new(fh, TOOLS);
    uint16_t ro = fh_uctx_new(fh, TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_READ_ONLY);
    uint16_t rw = fh_uctx_new(fh, TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE);
    /* function-wide activity: the queries are tools' too */
    const uint16_t readers[] = { 0, tools, ro, rw };
    uint8_t out[PARAMS_OUTLEN(1)];
    uint32_t synd;

    g_assert_cmphex(set_params(fh, plain, &p1, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_TOOLS_RESOURCES_REQUIRED);
    g_assert_cmphex(set_params(fh, ro, &p1, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_SCOPE_DENIED);
    expect_selection(fh, &(Params) { 0 }, false);

    g_assert_cmphex(set_params(fh, tools, &p1, &synd), ==, CXFW_STATUS_OK);
    expect_selection(fh, &p1, true);
    g_assert_cmphex(set_params(fh, rw, &p2, &synd), ==, CXFW_STATUS_OK);
    expect_selection(fh, &p2, true);
    set_ok(fh, &p1);
    for (unsigned i = 0; i < G_N_ELEMENTS(readers); i++) {
        g_test_message("reader uid %u", readers[i]);
        g_assert_cmphex(query_params(fh, readers[i], out, sizeof(out)), ==,
                        CXFW_STATUS_OK);
        g_assert_cmphex(query_counters(fh, readers[i], 1, 0, 1, NULL, &synd),
                        ==, CXFW_STATUS_OK);
    }
    g_assert_cmphex(query_params(fh, plain, out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_TOOLS_RESOURCES_REQUIRED);
    g_assert_cmphex(query_counters(fh, plain, 1, 0, 1, NULL, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_TOOLS_RESOURCES_REQUIRED);
    /* a uid naming no context is refused first */
    g_assert_cmphex(set_params(fh, 0x7777, &p1, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_UID_UNKNOWN);
    check_fw(fh);
}

/*
 * Stop and clear: enable 0 stops sampling and keeps the samples; clear
 * forgets the selection and restarts the counters; a reset, DISABLE_HCA
 * and a command queue address write do both.
 */
static void test_stop_clear_reset(void)
{
    static const Params p = { 1, { CMDS }, 1, 10, EN | R | CL, 0 };
    static const Params stop = { 0, { 0 }, 0, 0, 0, 0 };
    static const Params wipe = { 0, { 0 }, 0, 0, CL, 0 };
    enum { RESET, DISABLE_HCA, CMDQ_WRITE, CLEAR };
    g_autoptr(FakeHost) fh = setup(NULL);
    Sample s[2];
    uint32_t synd;

    fh->clock_ns = T0;
    set_ok(fh, &p);
    g_assert_cmphex(at(fh, T0 + P, CXFW_OP_NOP), ==, 0);
    fh->clock_ns = T0 + 2 * P;
    set_ok(fh, &stop);                  /* sample 1 taken, then stopped */
    g_assert_cmphex(at(fh, T0 + 50 * P, CXFW_OP_NOP), ==, 0);
    samples_of(fh, 2, 0, 1, s);
    expect_sample(&s[0], CMDS, 0, T0 + P, 1);
    expect_sample(&s[1], CMDS, 1, T0 + 2 * P, 2);
    expect_selection(fh, &(Params) { 1, { CMDS }, 1, 10, R, 0 }, false);

    for (unsigned how = RESET; how <= CLEAR; how++) {
        g_test_message("forget by %u", how);
        fh->clock_ns = T0;
        set_ok(fh, &p);
        /* an error before: counting from the start would see it */
        g_assert_cmphex(at(fh, T0, 0x7ff), ==, CXFW_STATUS_BAD_OP);
        switch (how) {
        case RESET:
            cxfw_reset(fh->fw);
            fh->cmdq = 0;
            fh_bringup(fh);
            break;
        case DISABLE_HCA:
            g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==,
                            0);
            fh_bringup(fh);
            break;
        case CMDQ_WRITE:
            fh_cmdq_init(fh);
            fh_bringup(fh);
            break;
        case CLEAR:
            set_ok(fh, &wipe);
            break;
        }
        g_assert_cmphex(query_counters(fh, 0, 1, 0, 1, NULL, &synd), ==,
                        CXFW_STATUS_BAD_SYS_STATE);
        g_assert_cmphex(synd, ==, CXFW_SYND_DIAG_NOT_CONFIGURED);
        expect_selection(fh, &stop, false);
        /*
         * Counting restarted: a new selection without clear sees only the
         * refused query above.
         */
        set_ok(fh, &(Params) { 1, { ERRS }, 0, 0, EN | S | OD, 0 });
        samples_of(fh, 1, 0, 1, s);
        expect_sample(&s[0], ERRS, 0, (uint32_t)fh->clock_ns, 1);
        set_ok(fh, &wipe);
        check_fw(fh);
    }
}

/* QUERY_DIAGNOSTIC_PARAMS fills in the ids it has room for. */
static void test_params_room(void)
{
    g_autoptr(FakeHost) fh = setup(NULL);
    const Params p = { 5, { 0xc005, 0xc003, 0xc001, 0xc00c, 0xc002 }, 0, 10,
                       EN | S | SY, 0 };
    uint8_t out[PARAMS_OUTLEN(5)];
    uint8_t *ctx = out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_params_out, diagnostic_params_context));
    uint8_t *ids = ctx + cxfw_field_byte(CTX(counter_id));

    set_ok(fh, &p);
    expect_selection(fh, &p, true);
    memset(out, 0xa5, sizeof(out));
    g_assert_cmphex(query_params(fh, 0, out, PARAMS_OUTLEN(2)), ==, 0);
    g_assert_cmpuint(cxfw_get(ctx, CTX(num_of_counters)), ==, 5);
    g_assert_cmphex(cxfw_be32(ids), ==, 0xc005);
    g_assert_cmphex(cxfw_be32(ids + ID_LEN), ==, 0xc003);
    /* the bytes past the output are not the firmware's */
    g_assert_cmphex(ids[2 * ID_LEN], ==, 0xa5);
}

/*
 * The largest query through the command queue: 256 samples of 12
 * counters (49168 bytes of mailboxes), the layout intact.
 */
static void test_through_queue(void)
{
    g_autoptr(FakeHost) fh = setup_queue();
    const Params p = { 12, ALL_IDS, 8, 10, EN | R | CL, 0 };
    uint32_t entries = 256 * 12, outlen = COUNTERS_OUTLEN(entries);
    uint8_t in[CXFW_SIZEOF(query_diagnostic_counters_in)] = { 0 };
    g_autofree uint8_t *out = g_malloc0(outlen);
    const uint8_t *e = out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_counters_out, diag_counter));

    fh->clock_ns = T0;
    set_ok(fh, &p);
    fh->clock_ns = T0 + 300 * P;
    fh_hdr(in, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0);
    cxfw_set(in, CXFW_FLD(query_diagnostic_counters_in, num_of_samples), 256);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, outlen), ==,
                    CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    for (uint32_t i = 0; i < entries; i++, e += SAMPLE_LEN) {
        /* slot k holds sample 256 + k for k < 44, else sample k */
        uint32_t slot = i / 12, n = slot < 300 - 256 ? slot + 256 : slot;

        g_assert_cmphex(cxfw_get(e, SAMPLE(counter_id)), ==, p.ids[i % 12]);
        g_assert_cmpuint(cxfw_get(e, SAMPLE(sample_id)), ==, n);
        g_assert_cmpuint(cxfw_get(e, SAMPLE(time_stamp_31_0)), ==,
                         T0 + (n + 1) * P);
    }
    check_fw(fh);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diag/caps", test_caps);
    g_test_add_func("/diag/table", test_table);
    g_test_add_func("/diag/set-checks", test_set_checks);
    g_test_add_func("/diag/query-checks", test_query_checks);
    g_test_add_func("/diag/single", test_single);
    g_test_add_func("/diag/repetitive", test_repetitive);
    g_test_add_func("/diag/on-demand", test_on_demand);
    g_test_add_func("/diag/counting", test_counting);
    g_test_add_func("/diag/policy", test_policy);
    g_test_add_func("/diag/stop-clear-reset", test_stop_clear_reset);
    g_test_add_func("/diag/params-room", test_params_room);
    g_test_add_func("/diag/through-queue", test_through_queue);
    return g_test_run();
}
