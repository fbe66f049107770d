/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every object type shares: numbers, ownership and teardown.
 *
 * Object numbers (uids, umem ids, PD and mkey numbers) are handed out
 * round-robin after the last one given, skipping live ones, so that a
 * number a driver or user still holds after destroying its object names
 * nothing for as long as possible, rather than somebody else's new object.
 *
 * A numbered memory object is found by number and owner together, so that
 * another uid's object answers exactly as none, and holds its owner's
 * context while it exists.
 *
 * Teardown (DISABLE_HCA, TEARDOWN_HCA, reset) frees every object in
 * dependency order: memory keys before the umems and PDs they hold, and
 * every object before the user context that owns it; resource dumps in
 * progress (snapshots of those objects) go with them.
 */
#include "cxfw-dump.h"

/* Each type starts with its CxfwObject, which release callbacks cast. */
G_STATIC_ASSERT(G_STRUCT_OFFSET(CxfwUmem, obj) == 0);
G_STATIC_ASSERT(G_STRUCT_OFFSET(CxfwPd, obj) == 0);
G_STATIC_ASSERT(G_STRUCT_OFFSET(CxfwMkey, obj) == 0);

uint32_t cxfw_id_alloc(GHashTable *live, uint32_t *cursor, uint32_t max)
{
    uint32_t id = *cursor;

    /* at most size + 1 probes find a free number, if there is one */
    for (uint64_t i = 0; i <= g_hash_table_size(live) && i < max; i++) {
        id = id >= max ? 1 : id + 1;
        if (!g_hash_table_contains(live, GUINT_TO_POINTER(id))) {
            *cursor = id;
            return id;
        }
    }
    return 0;
}

uint32_t cxfw_object_number(Cxfw *fw, GHashTable *live, uint32_t *cursor,
                            CxfwFieldId log_cap, uint32_t max)
{
    if (g_hash_table_size(live) >= cxfw_cap_limit(fw, log_cap, max)) {
        return 0;
    }
    return cxfw_id_alloc(live, cursor, max);
}

void *cxfw_object_find(GHashTable *table, uint32_t number, uint16_t uid)
{
    CxfwObject *obj = g_hash_table_lookup(table, GUINT_TO_POINTER(number));

    return obj && obj->uid == uid ? obj : NULL;
}

void cxfw_object_add(Cxfw *fw, GHashTable *table, CxfwObject *obj,
                     uint32_t number, uint16_t uid)
{
    obj->number = number;
    obj->uid = uid;
    g_hash_table_insert(table, GUINT_TO_POINTER(number), obj);
    cxfw_uid_hold(fw, uid);
}

void cxfw_object_remove(Cxfw *fw, GHashTable *table, CxfwObject *obj,
                        CxfwRelease release)
{
    g_hash_table_remove(table, GUINT_TO_POINTER(obj->number));
    cxfw_uid_release(fw, obj->uid);
    release(fw, obj);
}

void cxfw_objects_drain(Cxfw *fw, GHashTable *table, CxfwRelease release,
                        int owner)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        CxfwObject *obj = value;

        if (owner != CXFW_ANY_OWNER && obj->uid != owner) {
            continue;
        }
        g_hash_table_iter_remove(&it);
        cxfw_uid_release(fw, obj->uid);
        release(fw, obj);
    }
}

static void objects_free(Cxfw *fw, int owner)
{
    cxfw_mkey_destroy_all(fw, owner);
    cxfw_umem_destroy_all(fw, owner);
    cxfw_pd_free_all(fw, owner);
    cxfw_eq_destroy_all(fw, owner);
    cxfw_uar_free_all(fw, owner);
}

void cxfw_objects_free_all(Cxfw *fw)
{
    objects_free(fw, CXFW_ANY_OWNER);
    /* a context's dump in progress goes with it; the driver's goes too */
    cxfw_uctx_free_all(fw);
    cxfw_rsc_dump_free(fw->rsc_dump);
    fw->rsc_dump = NULL;
}

void cxfw_objects_free_owned(Cxfw *fw, uint16_t uid)
{
    objects_free(fw, uid);
}
