/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware's whole state as bytes, for migration (cxfw_state_save(),
 * cxfw_state_load()).
 *
 * The stream is a GVariant "(ua{sv})", little-endian on every host: a
 * format version, then one named section per part of the state, each
 * with its own type (sections[]).  GVariant is GLib's serialization: it
 * reads untrusted bytes safely (g_variant_new_from_bytes with trusted
 * FALSE) and checks every type, so this file only has to check meaning.
 * It does not trust the stream either: a migration stream is
 * guest-influenced, and the state it names drives DMA.  Every section is
 * validated as it is loaded (ranges, limits, owners and what the policy
 * lets them create, references, what SET_HCA_CAP may have changed), into
 * a fresh instance, and the result must pass cxfw_check_invariants();
 * only then does the running instance take the loaded state.  A refused
 * stream leaves the instance exactly as it was.
 *
 * The stream is canonical: the sections in sections[] order, the
 * statistics in counters[] order, every table in ascending key order with
 * each key once, GVariant's normal form.  That is what the save writes
 * and all the load accepts, so an accepted stream saves again to the same
 * bytes: nothing in a stream can go unseen by the load.
 *
 * Not in the stream: what is derived (counts, reference counts, the umem
 * byte total, a umem's all_readable/all_writable), the core dump image
 * (a cache, rebuilt by the next CORE_DUMP), scratch buffers and the host's
 * callbacks.  The clock is the host's (QEMU's virtual clock migrates).
 */
#include <string.h>

#include "cxfw-dump.h"
#include "cxfw-policy.h"

#define CXFW_STATE_VERSION      1
#define EQ_COUNTER_MASK         0xffffff
#define EQ_MAX_LOG_PAGE_SIZE    8

#define FAIL(...) do { *why = g_strdup_printf(__VA_ARGS__); return false; } \
    while (0)

/* The statistics that accumulate (the live counts are derived). */
static const struct {
    const char *name;
    size_t offset;
} counters[] = {
#define COUNTER(f) { #f, offsetof(CxfwStats, f) }
    COUNTER(commands), COUNTER(command_errors), COUNTER(delivery_errors),
    COUNTER(unsupported), COUNTER(events), COUNTER(events_dropped),
    COUNTER(interrupts), COUNTER(guest_errors), COUNTER(dma_bytes),
    COUNTER(dma_errors), COUNTER(pages_given), COUNTER(pages_taken),
    COUNTER(umems_created), COUNTER(mkeys_created),
#undef COUNTER
};

static uint64_t *counter(Cxfw *fw, unsigned i)
{
    return (uint64_t *)((uint8_t *)&fw->stats + counters[i].offset);
}

/* Keys of a table in ascending order, so that a save is deterministic. */
static gint compare_keys(gconstpointer a, gconstpointer b)
{
    uint64_t x = GPOINTER_TO_SIZE(*(gpointer const *)a);
    uint64_t y = GPOINTER_TO_SIZE(*(gpointer const *)b);

    return x < y ? -1 : x > y;
}

static gint compare_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* The keys of a table keyed by small integers, ascending. */
static GPtrArray *sorted_keys(GHashTable *table)
{
    GPtrArray *keys = g_ptr_array_sized_new(g_hash_table_size(table));
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_ptr_array_add(keys, key);
    }
    g_ptr_array_sort(keys, compare_keys);
    return keys;
}

static GPtrArray *sorted_values(GHashTable *table)
{
    GPtrArray *keys = sorted_keys(table);

    for (guint i = 0; i < keys->len; i++) {
        keys->pdata[i] = g_hash_table_lookup(table, keys->pdata[i]);
    }
    return keys;
}

static GVariant *u64_array(const uint64_t *v, size_t n)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, v, n,
                                     sizeof(*v));
}

static GVariant *byte_array(const uint8_t *v, size_t n)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, v, n, 1);
}

/* A byte swap is its own inverse: one function for save and load. */
GVariant *cxfw_state_byte_order(GVariant *v)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
    GVariant *swapped = g_variant_byteswap(v);

    g_variant_unref(v);
    return swapped;
#else
    return v;
#endif
}

/*
 * The keys of a table as the stream lists them: ascending, each once (the
 * save's order; a table in any other order would not save the same).
 */
typedef struct KeyOrder {
    const char *key;            /* what the key is, for the message */
    bool hex;
    bool any;
    uint64_t last;
} KeyOrder;

static bool key_in_order(KeyOrder *o, uint64_t key, char **why)
{
    if (o->any && key <= o->last) {
        if (o->hex) {
            FAIL("%s 0x%" G_GINT64_MODIFIER "x after 0x%" G_GINT64_MODIFIER
                 "x: not in ascending order, or listed twice", o->key, key,
                 o->last);
        }
        FAIL("%s %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT ": not in "
             "ascending order, or listed twice", o->key, key, o->last);
    }
    o->any = true;
    o->last = key;
    return true;
}

/* The capabilities of uid's context (0 for uid 0); false: it has none. */
static bool owner_cap(Cxfw *fw, uint16_t uid, uint32_t *cap)
{
    const CxfwUctx *u = cxfw_uctx_find(fw, uid);

    *cap = u ? u->cap : 0;
    return uid == CXFW_UID_KERNEL || u;
}

/*
 * An object's owner must be one that could have created it: uid 0 or a
 * live context that the creating command's policy row lets send it (no
 * scope-labelled context creates anything).
 */
static bool owner_may_create(Cxfw *fw, uint16_t opcode, const char *kind,
                             uint32_t number, uint16_t uid, char **why)
{
    uint32_t cap, synd;

    if (!owner_cap(fw, uid, &cap)) {
        FAIL("%s %u owned by uid %u, which has no context", kind, number,
             uid);
    }
    synd = cxfw_policy_verdict(cxfw_policy_command(opcode, 0),
                               uid == CXFW_UID_KERNEL, cap);
    if (synd) {
        FAIL("%s %u owned by uid %u, which may not send %s (syndrome 0x%x)",
             kind, number, uid, cxfw_opcode_name(opcode), synd);
    }
    return true;
}

/* identity: the device the state belongs to must be this one */

static GVariant *save_identity(Cxfw *fw)
{
    return g_variant_new("(s(qqq)u)", fw->profile->name, fw->fw_major,
                         fw->fw_minor, fw->fw_subminor, fw->msix_vectors);
}

static bool load_identity(Cxfw *fw, GVariant *v, char **why)
{
    const char *profile;
    uint16_t major, minor, sub;
    uint32_t vectors;

    g_variant_get(v, "(&s(qqq)u)", &profile, &major, &minor, &sub, &vectors);
    if (strcmp(profile, fw->profile->name)) {
        FAIL("the state is of profile '%s', this device has profile '%s'",
             profile, fw->profile->name);
    }
    if (major != fw->fw_major || minor != fw->fw_minor ||
        sub != fw->fw_subminor) {
        FAIL("the state is of firmware %u.%u.%u, this device runs %u.%u.%u",
             major, minor, sub, fw->fw_major, fw->fw_minor, fw->fw_subminor);
    }
    if (vectors != fw->msix_vectors) {
        FAIL("the state is of a device with %u MSI-X vectors, this one has "
             "%u", vectors, fw->msix_vectors);
    }
    return true;
}

/* iseg: the command queue address, interface mode, health counter */

static GVariant *save_iseg(Cxfw *fw)
{
    return g_variant_new("(tyu)", fw->cmdq_addr, fw->nic_interface,
                         fw->health_counter);
}

static bool load_iseg(Cxfw *fw, GVariant *v, char **why)
{
    g_variant_get(v, "(tyu)", &fw->cmdq_addr, &fw->nic_interface,
                  &fw->health_counter);
    if (fw->cmdq_addr & (CXFW_PAGE_SIZE - 1)) {
        FAIL("command queue address 0x%" G_GINT64_MODIFIER "x is not page "
             "aligned", fw->cmdq_addr);
    }
    /* nic_interface is the register's 3 bits: 7 is mlx5_core's sw reset */
    if (fw->nic_interface > 7 || fw->health_counter > 0xffffff) {
        FAIL("nic_interface %u, health counter 0x%x out of range",
             fw->nic_interface, fw->health_counter);
    }
    return true;
}

/* hca: state, ISSI, current general capabilities, host endianness */

/*
 * A disabled HCA holds what cxfw_hca_reset() left (ENABLE_HCA is the only
 * command it runs): the power-on ISSI, endianness and capabilities, no
 * pages, no diagnostic selection, no dump of uid 0 (nor contexts, which
 * the invariants check).
 */
static bool hca_as_reset(Cxfw *fw)
{
    uint8_t cap[CXFW_CAP_SIZE];

    cxfw_profile_cap_general(fw->profile, cap);
    return !fw->issi && !fw->host_endianness &&
           !memcmp(cap, fw->cap_general_cur, CXFW_CAP_SIZE);
}

static GVariant *save_hca(Cxfw *fw)
{
    return g_variant_new("(yq@ayy)", fw->hca_state, fw->issi,
                         byte_array(fw->cap_general_cur, CXFW_CAP_SIZE),
                         fw->host_endianness);
}

static bool load_hca(Cxfw *fw, GVariant *v, char **why)
{
    g_autoptr(GVariant) cap = NULL;
    const uint8_t *bytes;
    gsize n;

    g_variant_get(v, "(yq@ayy)", &fw->hca_state, &fw->issi, &cap,
                  &fw->host_endianness);
    if (fw->hca_state > CXFW_HCA_INITIALIZED) {
        FAIL("HCA state %u unknown", fw->hca_state);
    }
    /*
     * The CMDQ_ADDR_L write that set nic_interface reset the HCA, and the
     * queue (the device's only way in for commands) runs none until it is
     * 0 again (cxfw-iseg.c, cxfw_cmd_doorbell).
     */
    if (fw->nic_interface && fw->hca_state != CXFW_HCA_DISABLED) {
        FAIL("HCA state %u with nic_interface %u, whose write reset the HCA "
             "and stopped the command queue", fw->hca_state,
             fw->nic_interface);
    }
    if (fw->issi > 1 || fw->host_endianness > 1) {
        FAIL("ISSI %u, host endianness %u out of range", fw->issi,
             fw->host_endianness);
    }
    bytes = g_variant_get_fixed_array(cap, &n, 1);
    if (n != CXFW_CAP_SIZE) {
        FAIL("general capabilities of %zu bytes, not %u", (size_t)n,
             CXFW_CAP_SIZE);
    }
    if (!cxfw_caps_general_reachable(fw, bytes, why)) {
        return false;
    }
    memcpy(fw->cap_general_cur, bytes, CXFW_CAP_SIZE);
    if (fw->hca_state == CXFW_HCA_DISABLED && !hca_as_reset(fw)) {
        FAIL("a disabled HCA with ISSI %u, host endianness %u or "
             "capabilities set, which its reset cleared", fw->issi,
             fw->host_endianness);
    }
    return true;
}

/* pages: the addresses the driver gave */

static GVariant *save_pages(Cxfw *fw)
{
    g_autoptr(GArray) addrs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, fw->pages);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_array_append_val(addrs, *(uint64_t *)key);
    }
    g_array_sort(addrs, compare_u64);
    return u64_array((uint64_t *)addrs->data, addrs->len);
}

static bool load_pages(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "page", .hex = true };
    gsize n;
    const uint64_t *addrs = g_variant_get_fixed_array(v, &n,
                                                      sizeof(uint64_t));

    if (n > fw->profile->max_pages) {
        FAIL("%zu pages, the firmware takes at most %u", (size_t)n,
             fw->profile->max_pages);
    }
    if (n && fw->hca_state == CXFW_HCA_DISABLED) {
        FAIL("%zu pages given to a disabled HCA", (size_t)n);
    }
    for (gsize i = 0; i < n; i++) {
        if (addrs[i] % CXFW_PAGE_SIZE) {
            FAIL("page 0x%" G_GINT64_MODIFIER "x misaligned", addrs[i]);
        }
        if (!key_in_order(&order, addrs[i], why)) {
            return false;
        }
        g_hash_table_add(fw->pages, g_memdup2(&addrs[i], sizeof(addrs[i])));
    }
    /* INIT_HCA needs boot and init pages, and a take leaves them */
    if (fw->hca_state == CXFW_HCA_INITIALIZED &&
        cxfw_pages_needed(fw, CXFW_PAGES_INIT)) {
        FAIL("an initialized HCA with %zu pages, INIT_HCA needs %u", (size_t)n,
             fw->profile->boot_pages + fw->profile->init_pages);
    }
    return true;
}

/* uctxs: every user context (before anything a context may own) */

static GVariant *save_uctxs(Cxfw *fw)
{
    g_autoptr(GPtrArray) all = sorted_values(fw->uctxs);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(qu)"));
    for (guint i = 0; i < all->len; i++) {
        CxfwUctx *u = all->pdata[i];

        g_variant_builder_add(&b, "(qu)", u->uid, u->cap);
    }
    return g_variant_builder_end(&b);
}

static bool load_uctxs(Cxfw *fw, GVariant *v, char **why)
{
    uint32_t max = cxfw_cap_limit(fw, CXFW_FLD(cmd_hca_cap, log_max_uctx),
                                  CXFW_UID_MAX);
    uint32_t dev_cap = cxfw_get(fw->cap_general_cur,
                                CXFW_FLD(cmd_hca_cap, uctx_cap));
    KeyOrder order = { .key = "uid" };
    GVariantIter it;
    uint16_t uid;
    uint32_t cap;

    if (g_variant_n_children(v) > max) {
        FAIL("%zu user contexts, at most %u", g_variant_n_children(v), max);
    }
    g_variant_iter_init(&it, v);
    while (g_variant_iter_next(&it, "(qu)", &uid, &cap)) {
        uint32_t label = cap & CXFW_UCTX_CAP_SCOPE_MASK;
        CxfwUctx *u;

        if (uid == CXFW_UID_KERNEL) {
            FAIL("a user context of uid 0, the driver's");
        }
        if (!key_in_order(&order, uid, why)) {
            return false;
        }
        /* what CREATE_UCTX accepts */
        if ((cap & ~dev_cap) ||
            (label && ((label & (label - 1)) ||
                       !(cap & CXFW_UCTX_CAP_TOOLS_RESOURCES)))) {
            FAIL("uid %u: capabilities 0x%x the device cannot grant", uid,
                 cap);
        }
        u = g_new0(CxfwUctx, 1);
        u->uid = uid;
        u->cap = cap;
        g_hash_table_insert(fw->uctxs, GUINT_TO_POINTER(uid), u);
    }
    return true;
}

/* cursors: where number allocation continues */

static GVariant *save_cursors(Cxfw *fw)
{
    return g_variant_new("(uuuu)", fw->last_uid, fw->last_umem_id,
                         fw->last_pdn, fw->last_mkey_index);
}

static bool load_cursors(Cxfw *fw, GVariant *v, char **why)
{
    g_variant_get(v, "(uuuu)", &fw->last_uid, &fw->last_umem_id,
                  &fw->last_pdn, &fw->last_mkey_index);
    if (fw->last_uid > CXFW_UID_MAX || fw->last_umem_id > CXFW_OBJ_ID_MAX ||
        fw->last_pdn > CXFW_OBJ_ID_MAX ||
        fw->last_mkey_index > CXFW_OBJ_ID_MAX) {
        FAIL("a number cursor is out of range");
    }
    return true;
}

/* uars: the allocated UAR pages */

static GVariant *save_uars(Cxfw *fw)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uq)"));
    for (uint32_t i = 0; i < fw->uars->len; i++) {
        CxfwUar *uar = &g_array_index(fw->uars, CxfwUar, i);

        if (uar->live) {
            g_variant_builder_add(&b, "(uq)", i, uar->uid);
        }
    }
    return g_variant_builder_end(&b);
}

static bool load_uars(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "UAR" };
    GVariantIter it;
    uint32_t index;
    uint16_t uid;

    g_variant_iter_init(&it, v);
    while (g_variant_iter_next(&it, "(uq)", &index, &uid)) {
        CxfwUar *uar;

        if (index < CXFW_UAR_FIRST || index >= fw->uars->len) {
            FAIL("UAR %u is not a UAR page of this device", index);
        }
        if (!key_in_order(&order, index, why) ||
            !owner_may_create(fw, CXFW_OP_ALLOC_UAR, "UAR", index, uid,
                              why)) {
            return false;
        }
        uar = &g_array_index(fw->uars, CxfwUar, index);
        uar->live = true;
        uar->uid = uid;
        fw->live_uars++;
        cxfw_uid_hold(fw, uid);
    }
    return true;
}

/* eqs: event queues with their pages, counters and arming */

#define EQ_TYPE "(yqtyyqu(tttt)@atuub)"

static GVariant *save_eqs(Cxfw *fw)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(yqtyyqu(tttt)atuub)"));
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        CxfwEq *eq = fw->eqs[i];

        if (!eq) {
            continue;
        }
        g_variant_builder_add(&b, EQ_TYPE, eq->eqn, eq->uid, eq->created_seq,
                              eq->log_size, eq->log_page_size, eq->intr,
                              eq->uar, eq->event_mask[0], eq->event_mask[1],
                              eq->event_mask[2], eq->event_mask[3],
                              u64_array(eq->pas, eq->npas), eq->producer,
                              eq->consumer, (gboolean)eq->armed);
    }
    return g_variant_builder_end(&b);
}

/* What CREATE_EQ checks, again: the stream may name anything. */
static bool eq_valid(Cxfw *fw, const CxfwEq *eq, const uint64_t *pas,
                     gsize npas, char **why)
{
    uint32_t max_log = cxfw_get(fw->cap_general_cur,
                                CXFW_FLD(cmd_hca_cap, log_max_eq_sz));
    uint64_t page_size, need;

    if (eq->eqn == 0) {
        FAIL("EQ 0, a number CREATE_EQ never gives");
    }
    if (!owner_may_create(fw, CXFW_OP_CREATE_EQ, "EQ", eq->eqn, eq->uid,
                          why)) {
        return false;
    }
    if (!cxfw_uar_owned(fw, eq->uar, eq->uid)) {
        FAIL("EQ %u: uid %u does not own UAR %u", eq->eqn, eq->uid, eq->uar);
    }
    if (eq->log_size > max_log || eq->log_size > 23 ||
        eq->log_page_size > EQ_MAX_LOG_PAGE_SIZE) {
        FAIL("EQ %u: log size %u, log page size %u out of range", eq->eqn,
             eq->log_size, eq->log_page_size);
    }
    if (eq->intr >= fw->msix_vectors) {
        FAIL("EQ %u: vector %u, the device has %u", eq->eqn, eq->intr,
             fw->msix_vectors);
    }
    if (eq->uid != CXFW_UID_KERNEL &&
        (eq->event_mask[0] | eq->event_mask[1] | eq->event_mask[2] |
         eq->event_mask[3])) {
        FAIL("EQ %u of uid %u subscribes to events", eq->eqn, eq->uid);
    }
    page_size = (uint64_t)CXFW_PAGE_SIZE << eq->log_page_size;
    need = MAX(((uint64_t)CXFW_EQE_SIZE << eq->log_size) / page_size, 1);
    if (npas != need) {
        FAIL("EQ %u: %zu pages, its size needs %" G_GUINT64_FORMAT, eq->eqn,
             (size_t)npas, need);
    }
    for (gsize i = 0; i < npas; i++) {
        if (pas[i] % page_size) {
            FAIL("EQ %u: page 0x%" G_GINT64_MODIFIER "x misaligned", eq->eqn,
                 pas[i]);
        }
    }
    if (eq->producer > EQ_COUNTER_MASK || eq->consumer > EQ_COUNTER_MASK ||
        ((eq->producer - eq->consumer) & EQ_COUNTER_MASK) >
        (1u << eq->log_size)) {
        FAIL("EQ %u: producer 0x%x, consumer 0x%x", eq->eqn, eq->producer,
             eq->consumer);
    }
    if (eq->created_seq > fw->stats.commands) {
        FAIL("EQ %u created after the last command", eq->eqn);
    }
    return true;
}

static bool load_eqs(Cxfw *fw, GVariant *v, char **why)
{
    uint32_t max = cxfw_cap_limit(fw, CXFW_FLD(cmd_hca_cap, log_max_eq),
                                  CXFW_MAX_EQS);
    KeyOrder order = { .key = "EQ" };
    GVariantIter it;
    GVariant *child;

    if (g_variant_n_children(v) > max) {
        FAIL("%zu EQs, at most %u", g_variant_n_children(v), max);
    }
    g_variant_iter_init(&it, v);
    while ((child = g_variant_iter_next_value(&it))) {
        g_autoptr(GVariant) entry = child;
        g_autoptr(GVariant) pas = NULL;
        CxfwEq eq = { 0 };
        const uint64_t *addrs;
        gboolean armed;
        gsize npas;

        g_variant_get(entry, EQ_TYPE, &eq.eqn, &eq.uid, &eq.created_seq,
                      &eq.log_size, &eq.log_page_size, &eq.intr, &eq.uar,
                      &eq.event_mask[0], &eq.event_mask[1],
                      &eq.event_mask[2], &eq.event_mask[3], &pas,
                      &eq.producer, &eq.consumer, &armed);
        addrs = g_variant_get_fixed_array(pas, &npas, sizeof(uint64_t));
        if (!key_in_order(&order, eq.eqn, why) ||
            !eq_valid(fw, &eq, addrs, npas, why)) {
            return false;
        }
        eq.armed = armed;
        eq.npas = npas;
        eq.pas = g_memdup2(addrs, npas * sizeof(uint64_t));
        fw->eqs[eq.eqn] = g_memdup2(&eq, sizeof(eq));
        fw->live_eqs++;
        cxfw_uid_hold(fw, eq.uid);
    }
    return true;
}

/* umems: page lists with their access bits */

#define UMEM_TYPE "(uqyu@at)"

static GVariant *save_umems(Cxfw *fw)
{
    g_autoptr(GPtrArray) all = sorted_values(fw->umems);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uqyuat)"));
    for (guint i = 0; i < all->len; i++) {
        CxfwUmem *u = all->pdata[i];

        g_variant_builder_add(&b, UMEM_TYPE, u->obj.number, u->obj.uid,
                              u->page_shift, u->page_offset,
                              u64_array(u->pages, u->npages));
    }
    return g_variant_builder_end(&b);
}

/*
 * A numbered object (umem, PD, mkey): its number in range and after the
 * table's last, its owner one that opcode's policy lets create it.
 */
static bool number_ok(Cxfw *fw, KeyOrder *order, uint16_t opcode,
                      uint32_t number, uint16_t uid, char **why)
{
    if (number == 0 || number > CXFW_OBJ_ID_MAX) {
        FAIL("%s %u is out of range", order->key, number);
    }
    return key_in_order(order, number, why) &&
           owner_may_create(fw, opcode, order->key, number, uid, why);
}

static bool umem_valid(Cxfw *fw, KeyOrder *order, const CxfwUmem *u,
                       const uint64_t *pages, char **why)
{
    uint64_t page_size;

    if (!number_ok(fw, order, CXFW_OP_CREATE_UMEM, u->obj.number, u->obj.uid,
                   why)) {
        return false;
    }
    if (u->page_shift < CXFW_UMEM_PAGE_SHIFT ||
        u->page_shift > CXFW_UMEM_PAGE_SHIFT + CXFW_UMEM_MAX_LOG_PAGE_SIZE) {
        FAIL("umem %u: page shift %u", u->obj.number, u->page_shift);
    }
    page_size = 1ull << u->page_shift;
    if (u->npages == 0 || u->page_offset >= page_size ||
        u->npages > (fw->profile->max_umem_bytes - fw->umem_bytes) /
                    page_size) {
        FAIL("umem %u: %" G_GUINT64_FORMAT " pages at offset %u, over the "
             "limit or empty", u->obj.number, u->npages, u->page_offset);
    }
    /* as CREATE_UMEM: access, alignment, no page past the bus's end */
    for (uint64_t i = 0; i < u->npages; i++) {
        uint64_t addr = pages[i] & ~CXFW_UMEM_PAGE_FLAGS;

        if (!(pages[i] & CXFW_UMEM_PAGE_FLAGS) || addr & (page_size - 1) ||
            addr > UINT64_MAX - page_size) {
            FAIL("umem %u: page entry 0x%" G_GINT64_MODIFIER "x",
                 u->obj.number, pages[i]);
        }
    }
    return true;
}

static bool load_umems(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "umem" };
    GVariantIter it;
    GVariant *child;

    g_variant_iter_init(&it, v);
    while ((child = g_variant_iter_next_value(&it))) {
        g_autoptr(GVariant) entry = child;
        g_autoptr(GVariant) pages = NULL;
        CxfwUmem u = { 0 }, *umem;
        const uint64_t *entries;
        uint32_t number;
        uint16_t uid;
        gsize n;

        g_variant_get(entry, UMEM_TYPE, &number, &uid, &u.page_shift,
                      &u.page_offset, &pages);
        entries = g_variant_get_fixed_array(pages, &n, sizeof(uint64_t));
        u.obj = (CxfwObject) { number, uid };
        u.npages = n;
        if (!umem_valid(fw, &order, &u, entries, why)) {
            return false;
        }
        umem = g_memdup2(&u, sizeof(u));
        umem->pages = g_memdup2(entries, n * sizeof(uint64_t));
        umem->all_readable = umem->all_writable = true;
        for (gsize i = 0; i < n; i++) {
            umem->all_readable &= !!(entries[i] & CXFW_UMEM_PAGE_RD);
            umem->all_writable &= !!(entries[i] & CXFW_UMEM_PAGE_WR);
        }
        fw->umem_bytes += umem->npages << umem->page_shift;
        cxfw_object_add(fw, fw->umems, &umem->obj, number, uid);
    }
    return true;
}

/* pds */

static GVariant *save_pds(Cxfw *fw)
{
    g_autoptr(GPtrArray) all = sorted_values(fw->pds);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(uq)"));
    for (guint i = 0; i < all->len; i++) {
        CxfwPd *pd = all->pdata[i];

        g_variant_builder_add(&b, "(uq)", pd->obj.number, pd->obj.uid);
    }
    return g_variant_builder_end(&b);
}

static bool load_pds(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "PD" };
    GVariantIter it;
    uint32_t number;
    uint16_t uid;

    g_variant_iter_init(&it, v);
    while (g_variant_iter_next(&it, "(uq)", &number, &uid)) {
        CxfwPd *pd;

        if (!number_ok(fw, &order, CXFW_OP_ALLOC_PD, number, uid, why)) {
            return false;
        }
        pd = g_new0(CxfwPd, 1);
        cxfw_object_add(fw, fw->pds, &pd->obj, number, uid);
    }
    return true;
}

/* mkeys: each over a umem and in a PD of its own uid */

#define MKEY_TYPE "(uqyytttuu)"

static GVariant *save_mkeys(Cxfw *fw)
{
    g_autoptr(GPtrArray) all = sorted_values(fw->mkeys);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a" MKEY_TYPE));
    for (guint i = 0; i < all->len; i++) {
        CxfwMkey *m = all->pdata[i];

        g_variant_builder_add(&b, MKEY_TYPE, m->obj.number, m->obj.uid,
                              m->variant, m->access, m->start, m->len,
                              m->umem_offset, m->umem->obj.number,
                              m->pd->obj.number);
    }
    return g_variant_builder_end(&b);
}

static bool load_mkeys(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "mkey" };
    GVariantIter it;
    GVariant *child;

    g_variant_iter_init(&it, v);
    while ((child = g_variant_iter_next_value(&it))) {
        g_autoptr(GVariant) entry = child;
        CxfwMkey m = { 0 }, *key;
        uint32_t number, umem, pd;
        uint16_t uid;
        uint64_t size;

        g_variant_get(entry, MKEY_TYPE, &number, &uid, &m.variant, &m.access,
                      &m.start, &m.len, &m.umem_offset, &umem, &pd);
        if (!number_ok(fw, &order, CXFW_OP_CREATE_MKEY, number, uid, why)) {
            return false;
        }
        m.umem = cxfw_object_find(fw->umems, umem, uid);
        m.pd = cxfw_object_find(fw->pds, pd, uid);
        if (!m.umem || !m.pd) {
            FAIL("mkey %u: uid %u owns no umem %u or no PD %u", number, uid,
                 umem, pd);
        }
        size = cxfw_umem_size(m.umem);
        if (m.access & ~0x1fu || m.len > size ||
            m.umem_offset > size - m.len || m.start > UINT64_MAX - m.len) {
            FAIL("mkey %u: access 0x%x or its range is outside umem %u",
                 number, m.access, umem);
        }
        key = g_memdup2(&m, sizeof(m));
        key->umem->mkeys++;
        key->pd->mkeys++;
        cxfw_object_add(fw, fw->mkeys, &key->obj, number, uid);
    }
    return true;
}

/* diag: diagnostic counter sampling (cxfw-diag.c owns its layout) */

static GVariant *save_diag(Cxfw *fw)
{
    return cxfw_diag_save(fw);
}

static bool load_diag(Cxfw *fw, GVariant *v, char **why)
{
    return cxfw_diag_load(fw, v, why);
}

/* rsc-dumps: the dumps in progress, by uid (cxfw-rsc-dump.c's layout) */

static GVariant *save_rsc_dumps(Cxfw *fw)
{
    g_autoptr(GPtrArray) all = sorted_values(fw->uctxs);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(qv)"));
    if (fw->rsc_dump) {
        g_variant_builder_add(&b, "(qv)", CXFW_UID_KERNEL,
                              cxfw_rsc_dump_save(fw->rsc_dump));
    }
    for (guint i = 0; i < all->len; i++) {
        CxfwUctx *u = all->pdata[i];

        if (u->rsc_dump) {
            g_variant_builder_add(&b, "(qv)", u->uid,
                                  cxfw_rsc_dump_save(u->rsc_dump));
        }
    }
    return g_variant_new("(t@a(qv))", fw->rsc_dump_serial,
                         g_variant_builder_end(&b));
}

/* A dump is started by a read of RESOURCE_DUMP: uid must be let read it. */
static bool dump_reader_ok(Cxfw *fw, uint16_t uid, char **why)
{
    bool kernel = uid == CXFW_UID_KERNEL;
    uint32_t cap;

    if (!owner_cap(fw, uid, &cap)) {
        FAIL("a resource dump of uid %u, which has no context", uid);
    }
    if (kernel && fw->hca_state == CXFW_HCA_DISABLED) {
        FAIL("a resource dump of uid 0 on a disabled HCA");
    }
    /* the ACCESS_REG row, then the register's (cxfw_cmd_access_reg) */
    if (cxfw_policy_verdict(cxfw_policy_command(CXFW_OP_ACCESS_REG,
                                                CXFW_REG_OP_READ),
                            kernel, cap) ||
        cxfw_policy_register_verdict(
            cxfw_policy_register(CXFW_REG_RESOURCE_DUMP), false, kernel,
            cap)) {
        FAIL("a resource dump of uid %u, which may not read RESOURCE_DUMP",
             uid);
    }
    return true;
}

static bool load_rsc_dumps(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "resource dump of uid" };
    g_autoptr(GVariant) dumps = NULL;
    GVariantIter it;
    GVariant *child;

    g_variant_get(v, "(t@a(qv))", &fw->rsc_dump_serial, &dumps);
    g_variant_iter_init(&it, dumps);
    while ((child = g_variant_iter_next_value(&it))) {
        g_autoptr(GVariant) entry = child;
        g_autoptr(GVariant) dump = NULL;
        CxfwRscDump **slot;
        CxfwUctx *u;
        uint16_t uid;

        g_variant_get(entry, "(qv)", &uid, &dump);
        /* ascending uids: uid 0's first, and one dump per uid */
        if (!key_in_order(&order, uid, why) ||
            !dump_reader_ok(fw, uid, why)) {
            return false;
        }
        u = cxfw_uctx_find(fw, uid);
        slot = u ? &u->rsc_dump : &fw->rsc_dump;
        *slot = cxfw_rsc_dump_load(dump, uid, fw->rsc_dump_serial, why);
        if (!*slot) {
            return false;
        }
    }
    return true;
}

/* stats: the accumulated counters, by name */

static GVariant *save_stats(Cxfw *fw)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a{st}"));
    for (unsigned i = 0; i < G_N_ELEMENTS(counters); i++) {
        g_variant_builder_add(&b, "{st}", counters[i].name, *counter(fw, i));
    }
    return g_variant_builder_end(&b);
}

/* Each counter once, in counters[] order (the save's). */
static bool load_stats(Cxfw *fw, GVariant *v, char **why)
{
    if (g_variant_n_children(v) != G_N_ELEMENTS(counters)) {
        FAIL("statistics of %zu counters, not %zu", g_variant_n_children(v),
             G_N_ELEMENTS(counters));
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(counters); i++) {
        const char *name;

        g_variant_get_child(v, i, "{&st}", &name, counter(fw, i));
        if (strcmp(name, counters[i].name)) {
            FAIL("statistics: counter %u is '%s', not '%s'", i, name,
                 counters[i].name);
        }
    }
    return true;
}

/* unsupported: opcodes received that no handler implements */

static GVariant *save_unsupported(Cxfw *fw)
{
    g_autoptr(GPtrArray) keys = sorted_keys(fw->unsupported);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(qt)"));
    for (guint i = 0; i < keys->len; i++) {
        gpointer count = g_hash_table_lookup(fw->unsupported,
                                             keys->pdata[i]);

        g_variant_builder_add(&b, "(qt)", GPOINTER_TO_UINT(keys->pdata[i]),
                              (uint64_t)GPOINTER_TO_SIZE(count));
    }
    return g_variant_builder_end(&b);
}

/* The counts add up to stats.unsupported: each one counted both. */
static bool load_unsupported(Cxfw *fw, GVariant *v, char **why)
{
    KeyOrder order = { .key = "unsupported opcode", .hex = true };
    uint64_t left = fw->stats.unsupported;
    GVariantIter it;
    uint16_t opcode;
    uint64_t count;

    g_variant_iter_init(&it, v);
    while (g_variant_iter_next(&it, "(qt)", &opcode, &count)) {
        if (count == 0 || count > G_MAXSIZE || cxfw_opcode_name(opcode)) {
            FAIL("unsupported opcode 0x%x: implemented or never received",
                 opcode);
        }
        if (!key_in_order(&order, opcode, why)) {
            return false;
        }
        if (count > left) {
            FAIL("unsupported opcodes received more often than the "
                 "statistic's %" G_GUINT64_FORMAT, fw->stats.unsupported);
        }
        left -= count;
        g_hash_table_insert(fw->unsupported, GUINT_TO_POINTER(opcode),
                            GSIZE_TO_POINTER(count));
    }
    if (left) {
        FAIL("the unsupported opcodes' counts add up to %" G_GUINT64_FORMAT
             ", the statistic says %" G_GUINT64_FORMAT,
             fw->stats.unsupported - left, fw->stats.unsupported);
    }
    return true;
}

/*
 * The sections, in load order: a section may refer only to what the ones
 * before it loaded (owners before objects, umems and PDs before keys).
 */
static const struct {
    const char *name;
    const char *type;
    GVariant *(*save)(Cxfw *fw);
    bool (*load)(Cxfw *fw, GVariant *v, char **why);
} sections[] = {
    { "identity", "(s(qqq)u)", save_identity, load_identity },
    { "iseg", "(tyu)", save_iseg, load_iseg },
    { "stats", "a{st}", save_stats, load_stats },
    { "hca", "(yqayy)", save_hca, load_hca },
    { "pages", "at", save_pages, load_pages },
    { "uctxs", "a(qu)", save_uctxs, load_uctxs },
    { "cursors", "(uuuu)", save_cursors, load_cursors },
    { "uars", "a(uq)", save_uars, load_uars },
    { "eqs", "a(yqtyyqu(tttt)atuub)", save_eqs, load_eqs },
    { "umems", "a(uqyuat)", save_umems, load_umems },
    { "pds", "a(uq)", save_pds, load_pds },
    { "mkeys", "a" MKEY_TYPE, save_mkeys, load_mkeys },
    { "diag", CXFW_DIAG_STATE_TYPE, save_diag, load_diag },
    { "rsc-dumps", "(ta(qv))", save_rsc_dumps, load_rsc_dumps },
    { "unsupported", "a(qt)", save_unsupported, load_unsupported },
};

const char *cxfw_state_section_name(unsigned i)
{
    return i < G_N_ELEMENTS(sections) ? sections[i].name : NULL;
}

uint8_t *cxfw_state_save(Cxfw *fw, size_t *len)
{
    g_autoptr(GVariant) state = NULL;
    GVariantBuilder b;
    uint8_t *buf;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
    for (unsigned i = 0; i < G_N_ELEMENTS(sections); i++) {
        g_variant_builder_add(&b, "{sv}", sections[i].name,
                              sections[i].save(fw));
    }
    state = cxfw_state_byte_order(g_variant_ref_sink(
        g_variant_new("(u@a{sv})", CXFW_STATE_VERSION,
                      g_variant_builder_end(&b))));
    *len = g_variant_get_size(state);
    buf = g_malloc(*len ? *len : 1);
    g_variant_store(state, buf);
    return buf;
}

/* Every section, in order, into fw (a fresh instance). */
static bool load_sections(Cxfw *fw, GVariant *state, char **why)
{
    g_autoptr(GVariant) all = NULL;
    uint32_t version;

    g_variant_get(state, "(u@a{sv})", &version, &all);
    if (version != CXFW_STATE_VERSION) {
        FAIL("state format version %u, this firmware reads version %u",
             version, CXFW_STATE_VERSION);
    }
    if (g_variant_n_children(all) != G_N_ELEMENTS(sections)) {
        FAIL("%zu sections, version %u has %zu", g_variant_n_children(all),
             CXFW_STATE_VERSION, G_N_ELEMENTS(sections));
    }
    /* child i is sections[i]: the save's order */
    for (unsigned i = 0; i < G_N_ELEMENTS(sections); i++) {
        g_autoptr(GVariant) v = NULL;
        const char *name;

        g_variant_get_child(all, i, "{&sv}", &name, &v);
        if (strcmp(name, sections[i].name)) {
            FAIL("section '%s' (type %s) missing: section %u is '%s' (the "
                 "sections go in the order the save writes them)",
                 sections[i].name, sections[i].type, i, name);
        }
        if (!g_variant_is_of_type(v, G_VARIANT_TYPE(sections[i].type))) {
            FAIL("section '%s' of type %s, not %s", name,
                 g_variant_get_type_string(v), sections[i].type);
        }
        if (!sections[i].load(fw, v, why)) {
            g_autofree char *detail = *why;

            FAIL("section '%s': %s", sections[i].name, detail);
        }
    }
    return true;
}

static char *fw_version_string(const Cxfw *fw)
{
    return g_strdup_printf("%u.%u.%u", fw->fw_major, fw->fw_minor,
                           fw->fw_subminor);
}

bool cxfw_state_load(Cxfw *fw, const void *buf, size_t len, char **errmsg)
{
    g_autofree char *version = fw_version_string(fw);
    CxfwConfig cfg = {
        .profile = fw->profile->name,
        .fw_version = version,
        .msix_vectors = fw->msix_vectors,
    };
    /*
     * Not copied: the state and every value taken from it are released
     * before the return, and what the instance keeps is copied out of them.
     */
    g_autoptr(GBytes) bytes = g_bytes_new_static(buf, len);
    g_autoptr(GVariant) state = NULL;
    char *why = NULL;
    Cxfw *loaded, swap;

    state = g_variant_ref_sink(g_variant_new_from_bytes(
        G_VARIANT_TYPE(CXFW_STATE_TYPE), bytes, FALSE));
    /* a serialized GVariant not in normal form is not one we wrote */
    if (!g_variant_is_normal_form(state)) {
        *errmsg = g_strdup("cxsim firmware state: not a well-formed state "
                           "stream");
        return false;
    }
    state = cxfw_state_byte_order(state);
    loaded = cxfw_new(&cfg, &fw->ops, fw->opaque, &why);
    if (!loaded) {
        *errmsg = g_strdup_printf("cxsim firmware state: %s", why);
        g_free(why);
        return false;
    }
    if (!load_sections(loaded, state, &why) ||
        !cxfw_check_invariants(loaded, &why)) {
        *errmsg = g_strdup_printf("cxsim firmware state: %s", why);
        g_free(why);
        cxfw_free(loaded);
        return false;
    }
    /* nothing outside points into an instance: exchange the contents */
    swap = *fw;
    *fw = *loaded;
    *loaded = swap;
    cxfw_free(loaded);
    return true;
}
