/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal consistency of a firmware instance, for fuzzers and tests: the
 * counters match the objects, every object belongs to a live owner, no
 * object of one uid hangs off another uid's object, and nothing exists
 * that the HCA state forbids.
 */
#include "cxfw-internal.h"

#define FAIL(...) do { *why = g_strdup_printf(__VA_ARGS__); return false; } \
    while (0)

static bool owner_live(Cxfw *fw, uint16_t uid)
{
    return uid == 0 || cxfw_uctx_find(fw, uid) != NULL;
}

/* Count one object of uid in the per-uid tally. */
static void tally(GHashTable *per_uid, uint16_t uid)
{
    gpointer key = GUINT_TO_POINTER(uid);

    g_hash_table_insert(per_uid, key, GUINT_TO_POINTER(
        GPOINTER_TO_UINT(g_hash_table_lookup(per_uid, key)) + 1));
}

bool cxfw_check_invariants(Cxfw *fw, char **why)
{
    g_autoptr(GHashTable) per_uid = g_hash_table_new(g_direct_hash,
                                                     g_direct_equal);
    uint32_t eqs = 0, uars = 0;
    GHashTableIter it;
    gpointer value;

    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        CxfwEq *eq = fw->eqs[i];
        uint32_t nent;

        if (!eq) {
            continue;
        }
        eqs++;
        nent = 1u << eq->log_size;
        if (eq->eqn != i || i == 0) {
            FAIL("EQ slot %u holds eq %u", i, eq->eqn);
        }
        if (!owner_live(fw, eq->uid)) {
            FAIL("EQ %u owned by dead uid %u", i, eq->uid);
        }
        if (!cxfw_uar_owned(fw, eq->uar, eq->uid)) {
            FAIL("EQ %u (uid %u) uses UAR %u it does not own", i, eq->uid,
                 eq->uar);
        }
        if (((eq->producer - eq->consumer) & 0xffffff) > nent) {
            FAIL("EQ %u: %u entries outstanding in a queue of %u", i,
                 (eq->producer - eq->consumer) & 0xffffff, nent);
        }
        if ((uint64_t)eq->npas * (CXFW_PAGE_SIZE << eq->log_page_size) <
            (uint64_t)nent * CXFW_EQE_SIZE) {
            FAIL("EQ %u: %u pages cannot hold %u entries", i, eq->npas, nent);
        }
        tally(per_uid, eq->uid);
    }
    if (eqs != fw->live_eqs) {
        FAIL("live_eqs %u, but %u EQs exist", fw->live_eqs, eqs);
    }
    for (uint32_t i = 0; i < fw->uars->len; i++) {
        CxfwUar *uar = &g_array_index(fw->uars, CxfwUar, i);

        if (!uar->live) {
            continue;
        }
        uars++;
        if (i < CXFW_UAR_FIRST) {
            FAIL("UAR %u aliases the init segment", i);
        }
        if (!owner_live(fw, uar->uid)) {
            FAIL("UAR %u owned by dead uid %u", i, uar->uid);
        }
        tally(per_uid, uar->uid);
    }
    if (uars != fw->live_uars) {
        FAIL("live_uars %u, but %u UARs exist", fw->live_uars, uars);
    }
    g_hash_table_iter_init(&it, fw->uctxs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        CxfwUctx *u = value;

        uint32_t n = GPOINTER_TO_UINT(g_hash_table_lookup(
            per_uid, GUINT_TO_POINTER(u->uid)));

        if (u->uid == 0) {
            FAIL("a user context has uid 0");
        }
        if (u->objects != n) {
            FAIL("uid %u counts %u objects, owns %u", u->uid, u->objects, n);
        }
    }
    if (fw->hca_state != CXFW_HCA_INITIALIZED &&
        (eqs || uars || g_hash_table_size(fw->uctxs))) {
        FAIL("HCA state %u with %u EQs, %u UARs, %u contexts", fw->hca_state,
             eqs, uars, g_hash_table_size(fw->uctxs));
    }
    if (g_hash_table_size(fw->pages) > fw->profile->max_pages) {
        FAIL("%u pages owned, limit %u", g_hash_table_size(fw->pages),
             fw->profile->max_pages);
    }
    return true;
}
