/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware state as dump records: one table per kind of state (user
 * contexts, umems, memory keys, PDs, EQs, UARs, pages, counters), each
 * object one resource segment (mlx5_ifc resource_dump_resource_segment:
 * header, index1 = the object's number, index2 = its owner's uid, then a
 * payload in cxsim's layout, cxfw-fields.def dump_*).  RESOURCE_DUMP offers
 * each table as a segment; the CORE_DUMP image has a section of the same
 * records.
 *
 * What a caller sees: uid 0 (the function's driver) every object; a user
 * context only the objects it owns, and of the counters only those of its
 * own objects.  The pages the driver gave are uid 0's alone.  No record
 * holds a bus address except the pages table's (uid 0's own pages), so a
 * user context never learns where host memory is.
 *
 * Records are in key order (object number; pages by address), so the same
 * state always dumps to the same bytes.
 */
#include <stddef.h>
#include <string.h>

#include "cxfw-dump.h"

#define SEG(field) CXFW_FLD(resource_dump_resource_segment, field)
#define HDR(field) CXFW_FLD(resource_dump_segment_header, field)

static bool visible(uint16_t uid, uint16_t owner)
{
    return uid == CXFW_UID_KERNEL || owner == uid;
}

static void add_item(GArray *items, uint64_t key, uint16_t owner,
                     const void *obj)
{
    CxfwDumpItem item = {
        .key = key, .index1 = (uint32_t)key, .owner = owner, .obj = obj,
    };

    g_array_append_val(items, item);
}

/* The visible objects of a numbered table (umems, PDs, memory keys). */
static void collect_objects(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                            GArray *items)
{
    GHashTable *table = *(GHashTable **)((char *)fw + t->objects);
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const CxfwObject *obj = value;

        if (visible(uid, obj->uid)) {
            add_item(items, obj->number, obj->uid, obj);
        }
    }
}

/* ---- user contexts ---- */

static void uctx_collect(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                         GArray *items)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, fw->uctxs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const CxfwUctx *u = value;

        if (visible(uid, u->uid)) {
            add_item(items, u->uid, u->uid, u);
        }
    }
}

static void uctx_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                      uint8_t *p)
{
    const CxfwUctx *u = item->obj;

    cxfw_set(p, CXFW_FLD(dump_uctx, cap), u->cap);
    cxfw_set(p, CXFW_FLD(dump_uctx, objects), u->objects);
}

/* ---- umems, memory keys, PDs ---- */

static void umem_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                      uint8_t *p)
{
    const CxfwUmem *umem = item->obj;

    cxfw_set(p, CXFW_FLD(dump_umem, all_readable), umem->all_readable);
    cxfw_set(p, CXFW_FLD(dump_umem, all_writable), umem->all_writable);
    cxfw_set(p, CXFW_FLD(dump_umem, log_page_size),
             umem->page_shift - CXFW_UMEM_PAGE_SHIFT);
    cxfw_set(p, CXFW_FLD(dump_umem, page_offset), umem->page_offset);
    cxfw_set(p, CXFW_FLD(dump_umem, num_of_mtt), umem->npages);
    cxfw_set(p, CXFW_FLD(dump_umem, mkeys), umem->mkeys);
}

static void mkey_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                      uint8_t *p)
{
    const CxfwMkey *m = item->obj;

    cxfw_set(p, CXFW_FLD(dump_mkey, access), m->access);
    cxfw_set(p, CXFW_FLD(dump_mkey, mkey_7_0), m->variant);
    cxfw_set(p, CXFW_FLD(dump_mkey, pd), m->pd->obj.number);
    cxfw_set(p, CXFW_FLD(dump_mkey, umem_id), m->umem->obj.number);
    cxfw_set(p, CXFW_FLD(dump_mkey, start_addr), m->start);
    cxfw_set(p, CXFW_FLD(dump_mkey, len), m->len);
    cxfw_set(p, CXFW_FLD(dump_mkey, umem_offset), m->umem_offset);
}

static void pd_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                    uint8_t *p)
{
    const CxfwPd *pd = item->obj;

    cxfw_set(p, CXFW_FLD(dump_pd, mkeys), pd->mkeys);
}

/* ---- event queues and UARs ---- */

static void eq_collect(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                       GArray *items)
{
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        const CxfwEq *eq = fw->eqs[i];

        if (eq && visible(uid, eq->uid)) {
            add_item(items, eq->eqn, eq->uid, eq);
        }
    }
}

static void eq_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                    uint8_t *p)
{
    const CxfwEq *eq = item->obj;
    uint8_t *mask = p + cxfw_field_byte(CXFW_FLD(dump_eq, event_bitmask));

    cxfw_set(p, CXFW_FLD(dump_eq, armed), eq->armed);
    cxfw_set(p, CXFW_FLD(dump_eq, log_eq_size), eq->log_size);
    cxfw_set(p, CXFW_FLD(dump_eq, log_page_size), eq->log_page_size);
    cxfw_set(p, CXFW_FLD(dump_eq, intr), eq->intr);
    cxfw_set(p, CXFW_FLD(dump_eq, uar_page), eq->uar);
    cxfw_set(p, CXFW_FLD(dump_eq, producer_counter), eq->producer);
    cxfw_set(p, CXFW_FLD(dump_eq, consumer_counter), eq->consumer);
    /* as in create_eq_in: word i holds event types 64 * i .. 64 * i + 63 */
    for (unsigned i = 0; i < G_N_ELEMENTS(eq->event_mask); i++) {
        cxfw_put_be64(mask + 8 * i, eq->event_mask[i]);
    }
}

static void uar_collect(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                        GArray *items)
{
    for (uint32_t i = CXFW_UAR_FIRST; i < fw->uars->len; i++) {
        const CxfwUar *u = &g_array_index(fw->uars, CxfwUar, i);

        if (u->live && visible(uid, u->uid)) {
            add_item(items, i, u->uid, u);
        }
    }
}

static void uar_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                     uint8_t *p)
{
    uint32_t eqs = 0;

    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        eqs += fw->eqs[i] && fw->eqs[i]->uar == item->index1;
    }
    cxfw_set(p, CXFW_FLD(dump_uar, eqs), eqs);
}

/* ---- pages: the function's, uid 0's alone ---- */

static void page_collect(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                         GArray *items)
{
    GHashTableIter it;
    gpointer key;

    if (uid != CXFW_UID_KERNEL) {
        return;
    }
    g_hash_table_iter_init(&it, fw->pages);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        add_item(items, *(const uint64_t *)key, CXFW_UID_KERNEL, NULL);
    }
}

static void page_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                      uint8_t *p)
{
    cxfw_set(p, CXFW_FLD(dump_page, address), item->key);
}

/* ---- counters ---- */

/*
 * A counter: uid 0 sees the device's (a CxfwStats member); a user context
 * sees those with an own view, counted over its own objects: the records
 * of table own_table it may see, or own().
 */
typedef struct DumpCounter {
    const char *name;
    size_t stat, stat_size;     /* the CxfwStats member: offset, size */
    uint16_t own_table;
    uint64_t (*own)(Cxfw *fw, uint16_t uid);
} DumpCounter;

static uint64_t own_umem_bytes(Cxfw *fw, uint16_t uid)
{
    GHashTableIter it;
    gpointer value;
    uint64_t bytes = 0;

    g_hash_table_iter_init(&it, fw->umems);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const CxfwUmem *umem = value;

        if (umem->obj.uid == uid) {
            bytes += umem->npages << umem->page_shift;
        }
    }
    return bytes;
}

#define STAT(field) \
    .name = #field, .stat = offsetof(CxfwStats, field), \
    .stat_size = sizeof(((CxfwStats *)0)->field)

/* index1 of a counter is its position here plus one. */
static const DumpCounter counters[] = {
    { STAT(commands) },
    { STAT(command_errors) },
    { STAT(delivery_errors) },
    { STAT(unsupported) },
    { STAT(events) },
    { STAT(events_dropped) },
    { STAT(interrupts) },
    { STAT(guest_errors) },
    { STAT(dma_bytes) },
    { STAT(dma_errors) },
    { STAT(live_uctxs) },
    { STAT(live_eqs), .own_table = CXFW_DUMP_SEG_EQ },
    { STAT(live_uars), .own_table = CXFW_DUMP_SEG_UAR },
    { STAT(live_umems), .own_table = CXFW_DUMP_SEG_UMEM },
    { STAT(live_pds), .own_table = CXFW_DUMP_SEG_PD },
    { STAT(live_mkeys), .own_table = CXFW_DUMP_SEG_MKEY },
    { STAT(umem_bytes), .own = own_umem_bytes },
    { STAT(pages_owned) },
};

static bool counter_per_uid(const DumpCounter *c)
{
    return c->own_table || c->own;
}

static void counter_collect(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                            GArray *items)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(counters); i++) {
        if (uid == CXFW_UID_KERNEL || counter_per_uid(&counters[i])) {
            add_item(items, i + 1, uid, &counters[i]);
        }
    }
}

/* A CxfwStats member of 32 or 64 bits. */
static uint64_t stat_value(const CxfwStats *st, const DumpCounter *c)
{
    const char *p = (const char *)st + c->stat;

    return c->stat_size == sizeof(uint32_t) ? *(const uint32_t *)p :
                                              *(const uint64_t *)p;
}

static void counter_fill(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                         uint8_t *p)
{
    const DumpCounter *c = item->obj;
    CxfwStats stats;
    uint64_t value;

    if (uid == CXFW_UID_KERNEL) {
        cxfw_get_stats(fw, &stats);
        value = stat_value(&stats, c);
    } else if (c->own) {
        value = c->own(fw, uid);
    } else {
        GArray *items = cxfw_dump_items(fw, cxfw_dump_table_find(c->own_table),
                                        uid, 0, UINT32_MAX, NULL);

        value = items->len;
        g_array_unref(items);
    }
    strncpy((char *)p + cxfw_field_byte(CXFW_FLD(dump_counter, name)),
            c->name, 16);
    cxfw_set(p, CXFW_FLD(dump_counter, value), value);
}

#define TABLE(seg, nm, idx, layout, collect_fn, fill_fn) \
    .type = CXFW_DUMP_SEG_##seg, .name = nm, .index1_name = idx, \
    .payload = CXFW_SIZEOF(layout), .collect = collect_fn, .fill = fill_fn
#define NUMBERED(member) .objects = offsetof(Cxfw, member)

static const CxfwDumpTable tables[] = {
    { TABLE(UCTX, "UCTX", "UID", dump_uctx, uctx_collect, uctx_fill) },
    { TABLE(UMEM, "UMEM", "UMEM_ID", dump_umem, collect_objects, umem_fill),
      NUMBERED(umems) },
    { TABLE(MKEY, "MKEY", "MKEY_INDEX", dump_mkey, collect_objects,
            mkey_fill), NUMBERED(mkeys) },
    { TABLE(PD, "PD", "PD", dump_pd, collect_objects, pd_fill),
      NUMBERED(pds) },
    { TABLE(EQ, "EQ", "EQN", dump_eq, eq_collect, eq_fill) },
    { TABLE(UAR, "UAR", "UAR_INDEX", dump_uar, uar_collect, uar_fill) },
    { TABLE(PAGES, "PAGES", "PAGE_POSITION", dump_page, page_collect,
            page_fill), .ordinal = true },
    { TABLE(COUNTERS, "COUNTERS", "COUNTER_ID", dump_counter,
            counter_collect, counter_fill) },
};

/* Every record fits the smallest memory a resource dump may be given. */
G_STATIC_ASSERT(CXFW_SIZEOF(resource_dump_resource_segment) +
                CXFW_SIZEOF(dump_eq) <= CXFW_RSC_DUMP_MIN_SIZE);

const CxfwDumpTable *cxfw_dump_tables(unsigned *count)
{
    *count = G_N_ELEMENTS(tables);
    return tables;
}

const CxfwDumpTable *cxfw_dump_table_find(uint16_t type)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(tables); i++) {
        if (tables[i].type == type) {
            return &tables[i];
        }
    }
    return NULL;
}

uint32_t cxfw_dump_record_size(const CxfwDumpTable *t)
{
    return CXFW_SIZEOF(resource_dump_resource_segment) + t->payload;
}

/*
 * Sort items by key (unique), least significant byte first, skipping the
 * bytes every key shares: object numbers take three passes.  A core dump
 * sorts every table each time, so this is not a comparison sort.
 */
static void items_sort(GArray *items)
{
    guint n = items->len;
    CxfwDumpItem *a = (CxfwDumpItem *)items->data;
    g_autofree CxfwDumpItem *tmp = g_new(CxfwDumpItem, MAX(n, 1));

    for (unsigned shift = 0; shift < 64 && n > 1; shift += 8) {
        guint count[256] = { 0 }, pos = 0;

        for (guint i = 0; i < n; i++) {
            count[(a[i].key >> shift) & 0xff]++;
        }
        if (count[(a[0].key >> shift) & 0xff] == n) {
            continue;
        }
        for (unsigned b = 0; b < 256; b++) {
            guint c = count[b];

            count[b] = pos;
            pos += c;
        }
        for (guint i = 0; i < n; i++) {
            tmp[count[(a[i].key >> shift) & 0xff]++] = a[i];
        }
        memcpy(a, tmp, n * sizeof(*a));
    }
}

GArray *cxfw_dump_items(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                        uint32_t first, uint32_t max, uint32_t *total)
{
    GArray *items = g_array_new(FALSE, FALSE, sizeof(CxfwDumpItem));
    guint skip = 0;

    t->collect(fw, t, uid, items);
    items_sort(items);
    for (guint i = 0; i < items->len; i++) {
        CxfwDumpItem *item = &g_array_index(items, CxfwDumpItem, i);

        if (t->ordinal) {
            item->index1 = i;
        }
        skip += item->index1 < first;
    }
    g_array_remove_range(items, 0, skip);
    if (total) {
        *total = items->len;
    }
    if (items->len > max) {
        g_array_set_size(items, max);
    }
    return items;
}

void cxfw_dump_segment_header(uint8_t *seg, uint16_t type, uint32_t bytes)
{
    cxfw_set(seg, HDR(length_dw), bytes / 4);
    cxfw_set(seg, HDR(segment_type), type);
}

void cxfw_dump_records(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                       const CxfwDumpItem *items, unsigned n, uint8_t *dst)
{
    uint32_t size = cxfw_dump_record_size(t);

    memset(dst, 0, (size_t)n * size);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *seg = dst + (size_t)i * size;

        cxfw_dump_segment_header(seg, t->type, size);
        cxfw_set(seg, SEG(index1), items[i].index1);
        cxfw_set(seg, SEG(index2), items[i].owner);
        t->fill(fw, uid, &items[i], seg + cxfw_field_byte(SEG(payload)));
    }
}

bool cxfw_dump_vhca_is_self(Cxfw *fw, uint32_t vhca_id)
{
    return vhca_id == cxfw_get(fw->cap_general_cur,
                               CXFW_FLD(cmd_hca_cap, vhca_id));
}
