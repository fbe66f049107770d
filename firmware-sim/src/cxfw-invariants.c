/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal consistency of a firmware instance, for fuzzers and tests: the
 * counters match the objects, every object belongs to a live owner, no
 * object of one uid hangs off another uid's object (an EQ off a UAR, a
 * memory key off a umem or a PD), reference counts match the references,
 * limits hold, and nothing exists that the HCA state forbids.
 */
#include "cxfw-internal.h"

#define CAP(field) CXFW_FLD(cmd_hca_cap, field)
#define FAIL(...) do { *why = g_strdup_printf(__VA_ARGS__); return false; } \
    while (0)

static bool owner_live(Cxfw *fw, uint16_t uid)
{
    return uid == 0 || cxfw_uctx_find(fw, uid) != NULL;
}

/* Count one object under key (a uid, a umem, a PD) in a tally. */
static void tally(GHashTable *counts, gconstpointer key)
{
    g_hash_table_insert(counts, (gpointer)key, GUINT_TO_POINTER(
        GPOINTER_TO_UINT(g_hash_table_lookup(counts, key)) + 1));
}

static uint32_t tallied(GHashTable *counts, gconstpointer key)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(counts, key));
}

/* A numbered object: in its slot, numbered 1..max, its owner alive. */
static bool check_object(Cxfw *fw, gpointer key, const CxfwObject *obj,
                         const char *kind, GHashTable *per_uid, char **why)
{
    if (obj->number != GPOINTER_TO_UINT(key) || obj->number == 0 ||
        obj->number > CXFW_OBJ_ID_MAX) {
        FAIL("%s slot %u holds %s %u", kind, GPOINTER_TO_UINT(key), kind,
             obj->number);
    }
    if (!owner_live(fw, obj->uid)) {
        FAIL("%s %u owned by dead uid %u", kind, obj->number, obj->uid);
    }
    tally(per_uid, GUINT_TO_POINTER(obj->uid));
    return true;
}

/*
 * Memory keys: each in its owner's umem and PD, inside the umem; the
 * references each umem and PD counts are tallied in refs.
 */
static bool check_mkeys(Cxfw *fw, GHashTable *per_uid, GHashTable *refs,
                        char **why)
{
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, fw->mkeys);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        CxfwMkey *m = value;
        uint32_t n = m->obj.number;

        if (!check_object(fw, key, &m->obj, "mkey", per_uid, why)) {
            return false;
        }
        if (cxfw_object_find(fw->umems, m->umem->obj.number,
                             m->obj.uid) != m->umem) {
            FAIL("mkey %u (uid %u) maps umem %u it does not own", n,
                 m->obj.uid, m->umem->obj.number);
        }
        if (cxfw_object_find(fw->pds, m->pd->obj.number,
                             m->obj.uid) != m->pd) {
            FAIL("mkey %u (uid %u) in PD %u it does not own", n, m->obj.uid,
                 m->pd->obj.number);
        }
        if (m->len > cxfw_umem_size(m->umem) ||
            m->umem_offset > cxfw_umem_size(m->umem) - m->len ||
            m->start > UINT64_MAX - m->len) {
            FAIL("mkey %u maps beyond umem %u", n, m->umem->obj.number);
        }
        tally(refs, m->umem);
        tally(refs, m->pd);
    }
    return true;
}

/* umems: well formed, counted, their mkey references right. */
static bool check_umems(Cxfw *fw, GHashTable *per_uid, GHashTable *refs,
                        char **why)
{
    GHashTableIter it;
    gpointer key, value;
    uint64_t bytes = 0;

    g_hash_table_iter_init(&it, fw->umems);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        CxfwUmem *u = value;
        uint64_t page_size = 1ull << u->page_shift;
        uint32_t n = u->obj.number;
        bool rd = true, wr = true;

        if (!check_object(fw, key, &u->obj, "umem", per_uid, why)) {
            return false;
        }
        if (u->npages == 0 || u->page_offset >= page_size) {
            FAIL("umem %u: %" G_GUINT64_FORMAT " pages, offset %u", n,
                 u->npages, u->page_offset);
        }
        for (uint64_t i = 0; i < u->npages; i++) {
            uint64_t page = u->pages[i];

            if (!(page & CXFW_UMEM_PAGE_FLAGS) ||
                ((page & ~CXFW_UMEM_PAGE_FLAGS) & (page_size - 1))) {
                FAIL("umem %u page %" G_GUINT64_FORMAT ": entry 0x%"
                     G_GINT64_MODIFIER "x", n, i, page);
            }
            rd &= !!(page & CXFW_UMEM_PAGE_RD);
            wr &= !!(page & CXFW_UMEM_PAGE_WR);
        }
        if (rd != u->all_readable || wr != u->all_writable) {
            FAIL("umem %u: stale all_readable/all_writable", n);
        }
        if (u->mkeys != tallied(refs, u)) {
            FAIL("umem %u counts %u mkeys, %u map it", n, u->mkeys,
                 tallied(refs, u));
        }
        bytes += u->npages << u->page_shift;
    }
    if (bytes != fw->umem_bytes || bytes > fw->profile->max_umem_bytes) {
        FAIL("umem_bytes %" G_GUINT64_FORMAT ", umems hold %" G_GUINT64_FORMAT
             ", limit %" G_GUINT64_FORMAT, fw->umem_bytes, bytes,
             fw->profile->max_umem_bytes);
    }
    return true;
}

static bool check_pds(Cxfw *fw, GHashTable *per_uid, GHashTable *refs,
                      char **why)
{
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, fw->pds);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        CxfwPd *pd = value;

        if (!check_object(fw, key, &pd->obj, "PD", per_uid, why)) {
            return false;
        }
        if (pd->mkeys != tallied(refs, pd)) {
            FAIL("PD %u counts %u mkeys, %u use it", pd->obj.number,
                 pd->mkeys, tallied(refs, pd));
        }
    }
    return true;
}

bool cxfw_check_invariants(Cxfw *fw, char **why)
{
    g_autoptr(GHashTable) per_uid = g_hash_table_new(g_direct_hash,
                                                     g_direct_equal);
    g_autoptr(GHashTable) refs = g_hash_table_new(g_direct_hash,
                                                  g_direct_equal);
    uint32_t eqs = 0, uars = 0, memory_objects;
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
        tally(per_uid, GUINT_TO_POINTER(eq->uid));
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
        tally(per_uid, GUINT_TO_POINTER(uar->uid));
    }
    if (uars != fw->live_uars) {
        FAIL("live_uars %u, but %u UARs exist", fw->live_uars, uars);
    }
    /* mkeys first: they tally the references umems and PDs count */
    if (!check_mkeys(fw, per_uid, refs, why) ||
        !check_umems(fw, per_uid, refs, why) ||
        !check_pds(fw, per_uid, refs, why)) {
        return false;
    }
    g_hash_table_iter_init(&it, fw->uctxs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        CxfwUctx *u = value;

        uint32_t n = tallied(per_uid, GUINT_TO_POINTER(u->uid));

        if (u->uid == 0) {
            FAIL("a user context has uid 0");
        }
        if (u->objects != n) {
            FAIL("uid %u counts %u objects, owns %u", u->uid, u->objects, n);
        }
    }
    if (g_hash_table_size(fw->umems) >
            cxfw_cap_limit(fw, CAP(log_max_umem), CXFW_OBJ_ID_MAX) ||
        g_hash_table_size(fw->pds) >
            cxfw_cap_limit(fw, CAP(log_max_pd), CXFW_OBJ_ID_MAX) ||
        g_hash_table_size(fw->mkeys) >
            cxfw_cap_limit(fw, CAP(log_max_mkey), CXFW_OBJ_ID_MAX)) {
        FAIL("%u umems, %u PDs, %u mkeys: over the limits",
             g_hash_table_size(fw->umems), g_hash_table_size(fw->pds),
             g_hash_table_size(fw->mkeys));
    }
    memory_objects = g_hash_table_size(fw->umems) +
                     g_hash_table_size(fw->pds) +
                     g_hash_table_size(fw->mkeys);
    if (fw->hca_state != CXFW_HCA_INITIALIZED &&
        (eqs || uars || memory_objects || g_hash_table_size(fw->uctxs))) {
        FAIL("HCA state %u with %u EQs, %u UARs, %u umems/PDs/mkeys, "
             "%u contexts", fw->hca_state, eqs, uars, memory_objects,
             g_hash_table_size(fw->uctxs));
    }
    if (g_hash_table_size(fw->pages) > fw->profile->max_pages) {
        FAIL("%u pages owned, limit %u", g_hash_table_size(fw->pages),
             fw->profile->max_pages);
    }
    return cxfw_diag_check(fw, why);
}
