/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostic counters: SET_DIAGNOSTIC_PARAMS selects counters and how to
 * sample them, QUERY_DIAGNOSTIC_PARAMS reports the selection and
 * QUERY_DIAGNOSTIC_COUNTERS returns the samples.
 *
 * Counters.  Each is one of the function's 64-bit statistics (the table
 * in cxfw-diag-counters.def, which also builds the debug capability's
 * counter list); a value is the statistic's growth since the last clear
 * (SET with clear 1) or HCA reset.  There is one selection per function,
 * whoever (uid 0 or a tools user context) set it.
 *
 * Time.  The firmware's clock is the host's clock_ns (the internal timer:
 * nanoseconds; QEMU's virtual clock).  The firmware reads it once each
 * time its host hands it work, in cxfw_diag_sync(): a doorbell,
 * cxfw_exec() or a UAR write.  Everything done in that call happens at
 * that instant, after sampling was brought up to it.  As counters move
 * only inside such calls, a sample due at any instant between two calls
 * holds exactly the values the counters had then, however late it is
 * written: sampling is exact, and deterministic for a given clock.  A
 * sample at the instant of a call holds the values from before that
 * call's work.
 *
 * Sampling.  SET with enable 1 starts a session at its instant t0, with
 * a buffer of N = 1 << log_num_of_samples slots, each holding one value
 * per selected counter, in SET's order.  Periodic sampling (on_demand 0):
 * sample i is taken at t0 + (i + 1) * 2^log_sample_period ns into slot
 * i mod N; single mode stops after N samples, repetitive mode goes on,
 * overwriting the oldest.  On-demand sampling (on_demand 1): each
 * QUERY_DIAGNOSTIC_COUNTERS first takes a sample at its instant into the
 * next slot, wrapping in either mode, so that a query always sees fresh
 * values.  A sample's sample_id is i mod 2^16, its time stamp the low 32
 * bits of its instant.  SET with enable 0 stops sampling and keeps the
 * samples readable; with clear 1 as well it forgets the selection.
 */
#include <stddef.h>
#include <string.h>

#include "cxfw-internal.h"

#define CTX(f)          CXFW_FLD(diagnostic_params_context, f)
#define DEBUG_CAP(f)    CXFW_FLD(debug_cap, f)
#define SAMPLE(f)       CXFW_FLD(diagnostic_cntr_struct, f)
#define MAX_LOG_PERIOD  63      /* periods of 2^64 ns do not fit the clock */

const CxfwDiagCounter cxfw_diag_counters[] = {
#define CXFW_DIAG_COUNTER(id, name, stat, desc) \
    { id, #name, #stat, offsetof(CxfwStats, stat), desc },
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER
};

G_STATIC_ASSERT(G_N_ELEMENTS(cxfw_diag_counters) == CXFW_DIAG_NUM_COUNTERS);
/* every counter reads a 64-bit statistic */
#define CXFW_DIAG_COUNTER(id, name, stat, desc) \
    G_STATIC_ASSERT(sizeof(((CxfwStats *)0)->stat) == sizeof(uint64_t));
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER

typedef struct DiagSlot {
    uint64_t number;            /* the sample it holds: 0, 1, ... */
    uint64_t stamp;             /* the sample's instant, ns */
} DiagSlot;

/* What the last SET_DIAGNOSTIC_PARAMS selected; num_counters 0: nothing. */
typedef struct DiagSession {
    bool enable, single, repetitive, sync, on_demand;
    uint8_t log_num_of_samples, log_sample_period;
    uint16_t num_counters;
    uint8_t rows[CXFW_DIAG_NUM_COUNTERS];   /* counter table rows */
    uint64_t start;             /* t0 */
    uint64_t taken;             /* samples taken since t0 */
    DiagSlot *slots;            /* 1 << log_num_of_samples */
    uint64_t *values;           /* num_counters per slot */
} DiagSession;

struct CxfwDiag {
    uint64_t now;               /* the instant of the current host call */
    uint64_t baseline[CXFW_DIAG_NUM_COUNTERS];  /* statistics at the clear */
    DiagSession s;
};

/* A SET_DIAGNOSTIC_PARAMS input's diagnostic_params_context. */
typedef struct DiagParams {
    uint32_t num_counters;
    uint32_t log_num_of_samples, log_sample_period;
    bool single, repetitive, sync, clear, on_demand, enable;
} DiagParams;

static uint64_t stat_value(const Cxfw *fw, unsigned row)
{
    uint64_t v;

    memcpy(&v, (const uint8_t *)&fw->stats + cxfw_diag_counters[row].offset,
           sizeof(v));
    return v;
}

static uint32_t num_slots(const DiagSession *s)
{
    return 1u << s->log_num_of_samples;
}

static void session_free(DiagSession *s)
{
    g_free(s->slots);
    g_free(s->values);
    memset(s, 0, sizeof(*s));
}

/* Every counter restarts from 0. */
static void clear_counters(Cxfw *fw)
{
    for (unsigned row = 0; row < CXFW_DIAG_NUM_COUNTERS; row++) {
        fw->diag->baseline[row] = stat_value(fw, row);
    }
}

/* Sample number n, at instant stamp: the counters' values now. */
static void take_sample(Cxfw *fw, uint64_t n, uint64_t stamp)
{
    CxfwDiag *g = fw->diag;
    DiagSession *s = &g->s;
    uint32_t slot = n & (num_slots(s) - 1);
    uint64_t *v = s->values + (size_t)slot * s->num_counters;

    s->slots[slot] = (DiagSlot) { n, stamp };
    for (unsigned c = 0; c < s->num_counters; c++) {
        v[c] = stat_value(fw, s->rows[c]) - g->baseline[s->rows[c]];
    }
}

void cxfw_diag_new(Cxfw *fw)
{
    fw->diag = g_new0(CxfwDiag, 1);
}

void cxfw_diag_free(Cxfw *fw)
{
    session_free(&fw->diag->s);
    g_free(fw->diag);
    fw->diag = NULL;
}

void cxfw_diag_reset(Cxfw *fw)
{
    session_free(&fw->diag->s);
    clear_counters(fw);
}

void cxfw_diag_sync(Cxfw *fw)
{
    CxfwDiag *g = fw->diag;
    DiagSession *s = &g->s;
    uint64_t due, first;

    g->now = fw->ops.clock_ns ? fw->ops.clock_ns(fw->opaque) : 0;
    if (!s->enable || s->on_demand || g->now < s->start) {
        return;
    }
    /* samples 0 .. due - 1 are due by now */
    due = (g->now - s->start) >> s->log_sample_period;
    if (s->single) {
        due = MIN(due, num_slots(s));
    }
    if (due <= s->taken) {
        return;
    }
    /* only the last num_slots of them can still be in the buffer */
    first = due > num_slots(s) ? due - num_slots(s) : 0;
    for (uint64_t n = MAX(first, s->taken); n < due; n++) {
        take_sample(fw, n, s->start + ((n + 1) << s->log_sample_period));
    }
    s->taken = due;
}

void cxfw_diag_cap_counters(uint8_t *cap)
{
    uint8_t *list = cap + cxfw_field_byte(DEBUG_CAP(diagnostic_counter));

    for (unsigned row = 0; row < CXFW_DIAG_NUM_COUNTERS; row++) {
        uint8_t *e = list + row * CXFW_SIZEOF(diagnostic_cntr_layout);

        /* one host call is one instant: all counters sample together */
        cxfw_set(e, CXFW_FLD(diagnostic_cntr_layout, sync), 1);
        cxfw_set(e, CXFW_FLD(diagnostic_cntr_layout, counter_id),
                 cxfw_diag_counters[row].id);
    }
}

static uint8_t *counter_id_entry(const uint8_t *ctx, uint32_t i)
{
    return (uint8_t *)ctx + cxfw_field_byte(CTX(counter_id)) +
           i * CXFW_SIZEOF(counter_id);
}

static DiagParams read_params(const uint8_t *ctx)
{
    return (DiagParams) {
        .num_counters = cxfw_get(ctx, CTX(num_of_counters)),
        .log_num_of_samples = cxfw_get(ctx, CTX(log_num_of_samples)),
        .log_sample_period = cxfw_get(ctx, CTX(log_sample_period)),
        .single = cxfw_get(ctx, CTX(single)),
        .repetitive = cxfw_get(ctx, CTX(repetitive)),
        .sync = cxfw_get(ctx, CTX(sync)),
        .clear = cxfw_get(ctx, CTX(clear)),
        .on_demand = cxfw_get(ctx, CTX(on_demand)),
        .enable = cxfw_get(ctx, CTX(enable)),
    };
}

/* The counter table row of a counter id the capability lists, or -1. */
static int listed_row(const uint8_t *cap, uint32_t listed, uint32_t id)
{
    const uint8_t *list = cap + cxfw_field_byte(DEBUG_CAP(diagnostic_counter));
    bool found = false;

    for (uint32_t j = 0; j < listed && !found; j++) {
        found = cxfw_get(list + j * CXFW_SIZEOF(diagnostic_cntr_layout),
                         CXFW_FLD(diagnostic_cntr_layout, counter_id)) == id;
    }
    for (unsigned row = 0; found && row < CXFW_DIAG_NUM_COUNTERS; row++) {
        if (cxfw_diag_counters[row].id == id) {
            return row;
        }
    }
    return -1;
}

/*
 * An enabling SET, checked against the capabilities it is offered by (the
 * general cap's num_of_diagnostic_counters, the debug cap's counter list,
 * modes and limits); the selected counters' rows go to rows[].
 */
static uint8_t check_params(Cxfw *fw, CxfwCmd *cmd, const DiagParams *p,
                            const uint8_t *ctx, uint8_t *rows)
{
    uint8_t cap[CXFW_CAP_SIZE];
    uint32_t listed = MIN(cxfw_get(fw->cap_general_cur,
                                   CXFW_FLD(cmd_hca_cap,
                                            num_of_diagnostic_counters)),
                          CXFW_DIAG_NUM_COUNTERS);
    bool seen[CXFW_DIAG_NUM_COUNTERS] = { false };
    uint32_t log_max;

    cxfw_profile_cap_debug(fw->profile, cap);
    log_max = cxfw_get(cap, DEBUG_CAP(log_max_samples));
    if (p->num_counters == 0) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_NO_COUNTERS);
    }
    if (p->num_counters > listed) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_TOO_MANY_COUNTERS);
    }
    if (cmd->inlen <
        (uint64_t)(counter_id_entry(ctx, p->num_counters) - cmd->in)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                         CXFW_SYND_DIAG_COUNTERS_LEN);
    }
    for (uint32_t i = 0; i < p->num_counters; i++) {
        int row = listed_row(cap, listed,
                             cxfw_get(counter_id_entry(ctx, i),
                                      CXFW_FLD(counter_id, counter_id)));

        if (row < 0) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_DIAG_COUNTER_UNKNOWN);
        }
        if (seen[row]) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_DIAG_COUNTER_DUPLICATE);
        }
        seen[row] = true;
        rows[i] = row;
    }
    if (p->single == p->repetitive ||
        !cxfw_get(cap, p->single ? DEBUG_CAP(single) :
                                   DEBUG_CAP(repetitive))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_DIAG_MODE);
    }
    /* the buffer holds 1 << log_max_samples counter values */
    if (p->log_num_of_samples > log_max ||
        (uint64_t)p->num_counters << p->log_num_of_samples >
        1ull << log_max) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_SAMPLES_EXCEED_MAX);
    }
    if (!p->on_demand &&
        p->log_sample_period < cxfw_get(cap,
                                        DEBUG_CAP(log_min_sample_period))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_PERIOD_TOO_SHORT);
    }
    if (!p->on_demand && p->log_sample_period > MAX_LOG_PERIOD) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_PERIOD_TOO_LONG);
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_set_diag_params(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwDiag *g = fw->diag;
    DiagSession *s = &g->s;
    const uint8_t *ctx = cmd->in + cxfw_field_byte(
        CXFW_FLD(set_diagnostic_params_in, diagnostic_params_context));
    DiagParams p = read_params(ctx);
    uint8_t rows[CXFW_DIAG_NUM_COUNTERS];
    uint8_t status;

    if (!p.enable) {
        /* stop; the samples stay readable unless cleared */
        s->enable = false;
        if (p.clear) {
            session_free(s);
            clear_counters(fw);
        }
        return CXFW_STATUS_OK;
    }
    status = check_params(fw, cmd, &p, ctx, rows);
    if (status != CXFW_STATUS_OK) {
        return status;
    }
    /* a new session, from this instant */
    session_free(s);
    if (p.clear) {
        clear_counters(fw);
    }
    s->enable = true;
    s->single = p.single;
    s->repetitive = p.repetitive;
    s->sync = p.sync;
    s->on_demand = p.on_demand;
    s->log_num_of_samples = p.log_num_of_samples;
    s->log_sample_period = p.log_sample_period;
    s->num_counters = p.num_counters;
    memcpy(s->rows, rows, p.num_counters);
    s->start = g->now;
    s->slots = g_new0(DiagSlot, num_slots(s));
    s->values = g_new0(uint64_t, (size_t)num_slots(s) * s->num_counters);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_diag_params(Cxfw *fw, CxfwCmd *cmd)
{
    const DiagSession *s = &fw->diag->s;
    uint8_t *ctx = cmd->out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_params_out, diagnostic_params_context));
    /* as many counter ids as the output has room for (>= 0: min_outlen) */
    uint32_t ids = counter_id_entry(ctx, 0) - cmd->out;
    uint32_t room = (cmd->outlen - ids) / CXFW_SIZEOF(counter_id);

    cxfw_set(ctx, CTX(num_of_counters), s->num_counters);
    cxfw_set(ctx, CTX(log_num_of_samples), s->log_num_of_samples);
    cxfw_set(ctx, CTX(single), s->single);
    cxfw_set(ctx, CTX(repetitive), s->repetitive);
    cxfw_set(ctx, CTX(sync), s->sync);
    cxfw_set(ctx, CTX(on_demand), s->on_demand);
    cxfw_set(ctx, CTX(enable), s->enable);
    cxfw_set(ctx, CTX(log_sample_period), s->log_sample_period);
    for (uint32_t i = 0; i < MIN(s->num_counters, room); i++) {
        cxfw_set(counter_id_entry(ctx, i), CXFW_FLD(counter_id, counter_id),
                 cxfw_diag_counters[s->rows[i]].id);
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_diag_counters(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwDiag *g = fw->diag;
    DiagSession *s = &g->s;
    uint32_t count = cxfw_get(cmd->in, CXFW_FLD(query_diagnostic_counters_in,
                                                num_of_samples));
    uint32_t first = cxfw_get(cmd->in, CXFW_FLD(query_diagnostic_counters_in,
                                                sample_index));
    uint8_t *e = cmd->out + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_counters_out, diag_counter));

    if (!s->num_counters) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_SYS_STATE,
                         CXFW_SYND_DIAG_NOT_CONFIGURED);
    }
    if (first >= num_slots(s)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_SAMPLE_INDEX);
    }
    if (count > num_slots(s)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_DIAG_NUM_SAMPLES);
    }
    if (cmd->outlen < (uint64_t)(e - cmd->out) +
        (uint64_t)count * s->num_counters *
        CXFW_SIZEOF(diagnostic_cntr_struct)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_OUTP_LEN,
                         CXFW_SYND_DIAG_OUT_LEN);
    }
    if (s->enable && s->on_demand) {
        take_sample(fw, s->taken++, g->now);
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t slot = (first + i) & (num_slots(s) - 1);
        const DiagSlot *d = &s->slots[slot];
        const uint64_t *v = s->values + (size_t)slot * s->num_counters;

        for (unsigned c = 0; c < s->num_counters; c++) {
            /* a slot no sample reached yet reads as zeros (counter_id 0) */
            if (s->taken > slot) {
                cxfw_set(e, SAMPLE(counter_id),
                         cxfw_diag_counters[s->rows[c]].id);
                cxfw_set(e, SAMPLE(sample_id), d->number & 0xffff);
                cxfw_set(e, SAMPLE(time_stamp_31_0), (uint32_t)d->stamp);
                cxfw_set(e, SAMPLE(counter_value), v[c]);
            }
            e += CXFW_SIZEOF(diagnostic_cntr_struct);
        }
    }
    return CXFW_STATUS_OK;
}

#define FAIL(...) do { *why = g_strdup_printf(__VA_ARGS__); return false; } \
    while (0)

bool cxfw_diag_check(Cxfw *fw, char **why)
{
    const DiagSession *s = &fw->diag->s;
    bool seen[CXFW_DIAG_NUM_COUNTERS] = { false };

    if (s->num_counters > CXFW_DIAG_NUM_COUNTERS) {
        FAIL("diag: %u counters selected", s->num_counters);
    }
    if (s->enable && !s->num_counters) {
        FAIL("diag: sampling enabled with no counters");
    }
    if (s->num_counters && (!s->slots || !s->values)) {
        FAIL("diag: a selection without a sample buffer");
    }
    for (unsigned c = 0; c < s->num_counters; c++) {
        if (s->rows[c] >= CXFW_DIAG_NUM_COUNTERS || seen[s->rows[c]]) {
            FAIL("diag: counter %u is row %u", c, s->rows[c]);
        }
        seen[s->rows[c]] = true;
    }
    if (s->num_counters && s->single && !s->on_demand &&
        s->taken > num_slots(s)) {
        FAIL("diag: single mode took %" G_GUINT64_FORMAT " samples into %u "
             "slots", s->taken, num_slots(s));
    }
    return true;
}

/*
 * Migration (cxfw-state.c): the baseline, then the session as
 * CXFW_DIAG_STATE_TYPE: its flags, sizes, counter rows, t0, samples taken,
 * and the sample buffer (slots and values).
 */
#define DIAG_STATE_FORMAT "(@atbbbbbyy@aytt@a(tt)@at)"

GVariant *cxfw_diag_save(Cxfw *fw)
{
    const CxfwDiag *g = fw->diag;
    const DiagSession *s = &g->s;
    uint32_t slots = s->num_counters ? num_slots(s) : 0;
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(tt)"));
    for (uint32_t i = 0; i < slots; i++) {
        g_variant_builder_add(&b, "(tt)", s->slots[i].number,
                              s->slots[i].stamp);
    }
    return g_variant_new(DIAG_STATE_FORMAT,
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, g->baseline,
                                  CXFW_DIAG_NUM_COUNTERS, sizeof(uint64_t)),
        (gboolean)s->enable, (gboolean)s->single, (gboolean)s->repetitive,
        (gboolean)s->sync, (gboolean)s->on_demand, s->log_num_of_samples,
        s->log_sample_period,
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, s->rows,
                                  s->num_counters, 1),
        s->start, s->taken, g_variant_builder_end(&b),
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, s->values,
                                  (size_t)slots * s->num_counters,
                                  sizeof(uint64_t)));
}

/*
 * What SET_DIAGNOSTIC_PARAMS would have accepted (check_params).  Without
 * counters there is no session at all: only an enabling SET, which needs
 * counters, sets its fields, and a clear or a reset zeroes them all; and
 * a disabled HCA (whose reset cleared it, and which runs no SET) has none.
 */
static bool session_valid(Cxfw *fw, const DiagSession *s, char **why)
{
    uint8_t cap[CXFW_CAP_SIZE];
    uint32_t log_max, listed;

    if (!s->num_counters) {
        if (s->enable || s->single || s->repetitive || s->sync ||
            s->on_demand || s->log_num_of_samples || s->log_sample_period ||
            s->start || s->taken) {
            FAIL("diag: a session without counters");
        }
        return true;
    }
    if (fw->hca_state == CXFW_HCA_DISABLED) {
        FAIL("diag: a selection on a disabled HCA");
    }
    cxfw_profile_cap_debug(fw->profile, cap);
    log_max = cxfw_get(cap, DEBUG_CAP(log_max_samples));
    listed = MIN(cxfw_get(fw->cap_general_cur,
                          CXFW_FLD(cmd_hca_cap, num_of_diagnostic_counters)),
                 CXFW_DIAG_NUM_COUNTERS);
    if (s->single == s->repetitive ||
        !cxfw_get(cap, s->single ? DEBUG_CAP(single) :
                                   DEBUG_CAP(repetitive)) ||
        s->num_counters > listed ||
        s->log_num_of_samples > log_max ||
        (uint64_t)s->num_counters << s->log_num_of_samples > 1ull << log_max) {
        FAIL("diag: mode, counters or sample buffer size out of range");
    }
    if (!s->on_demand &&
        (s->log_sample_period < cxfw_get(cap,
                                         DEBUG_CAP(log_min_sample_period)) ||
         s->log_sample_period > MAX_LOG_PERIOD)) {
        FAIL("diag: sample period 2^%u ns out of range", s->log_sample_period);
    }
    return true;
}

bool cxfw_diag_load(Cxfw *fw, GVariant *v, char **why)
{
    g_autoptr(GVariant) baseline = NULL;
    g_autoptr(GVariant) rows = NULL;
    g_autoptr(GVariant) slots = NULL;
    g_autoptr(GVariant) values = NULL;
    DiagSession s = { 0 };
    gboolean enable, single, repetitive, sync, on_demand;
    const uint64_t *base, *vals;
    const uint8_t *row;
    gsize n_base, n_rows, n_slots, n_vals;
    GVariantIter it;
    uint32_t i = 0;

    g_variant_get(v, DIAG_STATE_FORMAT, &baseline, &enable, &single,
                  &repetitive, &sync, &on_demand, &s.log_num_of_samples,
                  &s.log_sample_period, &rows, &s.start, &s.taken, &slots,
                  &values);
    s.enable = enable;
    s.single = single;
    s.repetitive = repetitive;
    s.sync = sync;
    s.on_demand = on_demand;
    base = g_variant_get_fixed_array(baseline, &n_base, sizeof(uint64_t));
    row = g_variant_get_fixed_array(rows, &n_rows, 1);
    vals = g_variant_get_fixed_array(values, &n_vals, sizeof(uint64_t));
    n_slots = g_variant_n_children(slots);
    if (n_base != CXFW_DIAG_NUM_COUNTERS || n_rows > CXFW_DIAG_NUM_COUNTERS) {
        FAIL("diag: %zu baselines, %zu counters selected", (size_t)n_base,
             (size_t)n_rows);
    }
    /* a baseline is a statistic's value at a clear; statistics only grow */
    for (unsigned r = 0; r < CXFW_DIAG_NUM_COUNTERS; r++) {
        if (base[r] > stat_value(fw, r)) {
            FAIL("diag: the baseline of %s is above its statistic",
                 cxfw_diag_counters[r].name);
        }
    }
    s.num_counters = n_rows;
    if (n_rows) {
        memcpy(s.rows, row, n_rows);
    }
    if (!session_valid(fw, &s, why)) {
        return false;
    }
    if (n_slots != (n_rows ? num_slots(&s) : 0) ||
        n_vals != n_slots * n_rows) {
        FAIL("diag: a sample buffer of %zu slots and %zu values",
             (size_t)n_slots, (size_t)n_vals);
    }
    memcpy(fw->diag->baseline, base, sizeof(fw->diag->baseline));
    if (n_rows) {
        s.slots = g_new0(DiagSlot, n_slots);
        s.values = g_memdup2(vals, n_vals * sizeof(uint64_t));
        g_variant_iter_init(&it, slots);
        while (g_variant_iter_next(&it, "(tt)", &s.slots[i].number,
                                   &s.slots[i].stamp)) {
            i++;
        }
    }
    session_free(&fw->diag->s);
    fw->diag->s = s;
    /* rows, single mode's sample count: the instance's own check */
    return cxfw_diag_check(fw, why);
}
