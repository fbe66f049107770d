/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event queues: CREATE/DESTROY/QUERY_EQ, writing EQEs into host memory with
 * the owner-bit protocol, the UAR doorbell (consumer index, arming) and
 * MSI-X notification.
 */
#include <string.h>

#include "cxfw-internal.h"

#define EQ_IN(field) CXFW_FLD(create_eq_in, field)
#define EQ_QUERY(field) CXFW_FLD(query_eq_out, field)
#define EQE(field) CXFW_FLD(eqe, field)
#define COUNTER_MASK 0xffffff   /* producer/consumer counters are 24 bits */
#define MAX_LOG_PAGE_SIZE 8     /* EQ pages up to 1 MiB */
#define PAS_ENTRY 8

static CxfwEq *eq_lookup(Cxfw *fw, uint32_t eqn, uint16_t uid)
{
    CxfwEq *eq = eqn < CXFW_MAX_EQS ? fw->eqs[eqn] : NULL;

    return eq && eq->uid == uid ? eq : NULL;
}

static void eq_free(Cxfw *fw, CxfwEq *eq)
{
    cxfw_uid_release(fw, eq->uid);
    fw->eqs[eq->eqn] = NULL;
    fw->live_eqs--;
    g_free(eq->pas);
    g_free(eq);
}

void cxfw_eq_destroy_all(Cxfw *fw, int owner)
{
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        if (fw->eqs[i] &&
            (owner == CXFW_ANY_OWNER || fw->eqs[i]->uid == owner)) {
            eq_free(fw, fw->eqs[i]);
        }
    }
}

bool cxfw_uar_in_use(Cxfw *fw, uint32_t index)
{
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        if (fw->eqs[i] && fw->eqs[i]->uar == index) {
            return true;
        }
    }
    return false;
}

static uint32_t eq_outstanding(const CxfwEq *eq)
{
    return (eq->producer - eq->consumer) & COUNTER_MASK;
}

static void eq_notify(Cxfw *fw, CxfwEq *eq)
{
    eq->armed = false;
    fw->stats.interrupts++;
    fw->ops.notify(fw->opaque, eq->intr);
}

/* Write one EQE; false if the queue is full or its memory unwritable. */
static bool eq_write(Cxfw *fw, CxfwEq *eq, uint8_t type, uint8_t sub_type,
                     const uint8_t data[28])
{
    uint8_t eqe[CXFW_EQE_SIZE] = { 0 };
    uint32_t nent = 1u << eq->log_size;
    uint64_t page_size = (uint64_t)CXFW_PAGE_SIZE << eq->log_page_size;
    uint64_t off = (uint64_t)(eq->producer & (nent - 1)) * CXFW_EQE_SIZE;
    uint64_t addr = eq->pas[off / page_size] + off % page_size;

    if (eq_outstanding(eq) >= nent) {
        /* never overwrite entries the driver has not consumed */
        return false;
    }
    cxfw_set(eqe, EQE(type), type);
    cxfw_set(eqe, EQE(sub_type), sub_type);
    memcpy(eqe + cxfw_field_byte(EQE(cmd_vector)), data, 28);
    cxfw_set(eqe, EQE(owner), (eq->producer >> eq->log_size) & 1);
    /* the owner byte last: it is what makes the entry valid */
    if (!cxfw_dma_write(fw, addr, eqe, CXFW_EQE_SIZE - 1) ||
        !cxfw_dma_write(fw, addr + CXFW_EQE_SIZE - 1,
                        eqe + CXFW_EQE_SIZE - 1, 1)) {
        cxfw_guest_error(fw, "event queue memory not writable", addr);
        return false;
    }
    eq->producer = (eq->producer + 1) & COUNTER_MASK;
    return true;
}

/*
 * The events posted here (command completions, page requests) are the
 * function's: only its driver's (uid 0) queues receive them.
 */
void cxfw_eq_post(Cxfw *fw, uint8_t type, uint8_t sub_type,
                  const uint8_t data[28], uint64_t created_before)
{
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        CxfwEq *eq = fw->eqs[i];

        if (!eq || eq->uid != CXFW_UID_KERNEL ||
            !(eq->event_mask[type / 64] & (1ull << (type % 64))) ||
            eq->created_seq >= created_before) {
            continue;
        }
        if (!eq_write(fw, eq, type, sub_type, data)) {
            fw->stats.events_dropped++;
            continue;
        }
        fw->stats.events++;
        if (eq->armed) {
            eq_notify(fw, eq);
        }
    }
}

static uint8_t eq_alloc_number(Cxfw *fw)
{
    uint32_t limit = cxfw_cap_limit(fw, CXFW_FLD(cmd_hca_cap, log_max_eq),
                                    CXFW_MAX_EQS);

    if (fw->live_eqs >= limit) {
        return 0;
    }
    /* numbers are unique and non-zero */
    for (unsigned n = 1; n < CXFW_MAX_EQS; n++) {
        if (!fw->eqs[n]) {
            return n;
        }
    }
    return 0;
}

uint8_t cxfw_cmd_create_eq(Cxfw *fw, CxfwCmd *cmd)
{
    const uint8_t *in = cmd->in;
    uint32_t log_size = cxfw_get(in, EQ_IN(eqc_log_eq_size));
    uint32_t log_page = cxfw_get(in, EQ_IN(eqc_log_page_size));
    uint32_t intr = cxfw_get(in, EQ_IN(eqc_intr));
    uint32_t uar = cxfw_get(in, EQ_IN(eqc_uar_page));
    uint32_t pas_off = cxfw_field_byte(EQ_IN(pas));
    uint64_t mask[4], page_size, npas;
    uint32_t max_log = cxfw_get(fw->cap_general_cur,
                                CXFW_FLD(cmd_hca_cap, log_max_eq_sz));
    CxfwEq *eq;
    uint8_t eqn;

    /* 24-bit counters: a full 2^24-entry queue would look empty */
    if (log_size > max_log || log_size > 23) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_SIZE);
    }
    if (log_page > MAX_LOG_PAGE_SIZE) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_PAGE_SIZE);
    }
    page_size = (uint64_t)CXFW_PAGE_SIZE << log_page;
    npas = ((uint64_t)CXFW_EQE_SIZE << log_size) / page_size;
    npas = MAX(npas, 1);
    if (cmd->inlen < pas_off || (cmd->inlen - pas_off) / PAS_ENTRY < npas) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_EQ_PAS_LEN);
    }
    if (intr >= fw->msix_vectors) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_VECTOR);
    }
    if (!cxfw_uar_owned(fw, uar, cmd->uid)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_UAR);
    }
    for (unsigned i = 0; i < 4; i++) {
        mask[i] = cxfw_be64(in + cxfw_field_byte(EQ_IN(event_bitmask)) +
                            i * 8);
    }
    /*
     * Any event type may be subscribed to (mlx5_core's async EQ asks for a
     * dozen); the firmware generates command completions only.  Events
     * are the function's: a user context's queue subscribes to none (it
     * would otherwise see the driver's command completions).
     */
    if (cmd->uid != CXFW_UID_KERNEL &&
        (mask[0] | mask[1] | mask[2] | mask[3])) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_EQ_EVENTS_KERNEL_ONLY);
    }
    for (uint64_t i = 0; i < npas; i++) {
        if (cxfw_be64(in + pas_off + i * PAS_ENTRY) % page_size) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_EQ_PAS_MISALIGNED);
        }
    }
    eqn = eq_alloc_number(fw);
    if (!eqn) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_EQ_EXHAUSTED);
    }

    eq = g_new0(CxfwEq, 1);
    eq->eqn = eqn;
    eq->created_seq = fw->stats.commands;
    eq->uid = cmd->uid;
    eq->log_size = log_size;
    eq->log_page_size = log_page;
    eq->intr = intr;
    eq->uar = uar;
    memcpy(eq->event_mask, mask, sizeof(mask));
    eq->npas = npas;
    eq->pas = g_new(uint64_t, npas);
    for (uint64_t i = 0; i < npas; i++) {
        eq->pas[i] = cxfw_be64(in + pas_off + i * PAS_ENTRY);
    }
    fw->eqs[eqn] = eq;
    fw->live_eqs++;
    cxfw_uid_hold(fw, eq->uid);
    cxfw_set(cmd->out, CXFW_FLD(create_eq_out, eq_number), eqn);
    /*
     * The firmware asks for its regular pages as soon as the driver can
     * hear it: when the queue for page requests appears.  The EQE waits in
     * the new queue until the driver arms it.
     */
    if (mask[0] & (1ull << CXFW_EVENT_PAGE_REQUEST)) {
        cxfw_pages_request(fw);
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_destroy_eq(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwEq *eq = eq_lookup(fw, cxfw_get(cmd->in,
                                        CXFW_FLD(destroy_eq_in, eq_number)),
                           cmd->uid);

    if (!eq) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    }
    eq_free(fw, eq);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_eq(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwEq *eq = eq_lookup(fw, cxfw_get(cmd->in,
                                        CXFW_FLD(query_eq_in, eq_number)),
                           cmd->uid);
    uint8_t *out = cmd->out;

    if (!eq) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    }
    /* st: 0x9 armed, 0xa fired (PRM EQ states) */
    cxfw_set(out, EQ_QUERY(eqc_st), eq->armed ? 0x9 : 0xa);
    cxfw_set(out, EQ_QUERY(eqc_log_eq_size), eq->log_size);
    cxfw_set(out, EQ_QUERY(eqc_uar_page), eq->uar);
    cxfw_set(out, EQ_QUERY(eqc_intr), eq->intr);
    cxfw_set(out, EQ_QUERY(eqc_log_page_size), eq->log_page_size);
    cxfw_set(out, EQ_QUERY(eqc_consumer_counter), eq->consumer);
    cxfw_set(out, EQ_QUERY(eqc_producer_counter), eq->producer);
    cxfw_set(out, EQ_QUERY(event_bitmask), eq->event_mask[0]);
    return CXFW_STATUS_OK;
}

void cxfw_uar_write(Cxfw *fw, uint32_t uar_index, uint32_t offset,
                    uint32_t value)
{
    uint32_t eqn = value >> 24, ci = value & COUNTER_MASK;
    CxfwEq *eq = eqn < CXFW_MAX_EQS ? fw->eqs[eqn] : NULL;

    cxfw_diag_sync(fw);
    if (offset != CXFW_UAR_EQ_ARM && offset != CXFW_UAR_EQ_UPDATE) {
        cxfw_guest_error(fw, "UAR write to an unmodelled doorbell", offset);
        return;
    }
    if (!eq || eq->uar != uar_index) {
        cxfw_guest_error(fw, "EQ doorbell for no EQ of this UAR page", value);
        return;
    }
    /* the consumer may not pass the producer */
    if (((eq->producer - ci) & COUNTER_MASK) >
        eq_outstanding(eq)) {
        cxfw_guest_error(fw, "EQ consumer index beyond the producer", value);
        return;
    }
    eq->consumer = ci;
    if (offset == CXFW_UAR_EQ_ARM) {
        eq->armed = true;
        if (eq_outstanding(eq)) {
            eq_notify(fw, eq);
        }
    }
}
