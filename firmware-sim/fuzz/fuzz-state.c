/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "state": the input is a firmware state stream, the bytes
 * cxfw_state_load() takes from a migration stream (docs/migration.md).
 * Whoever writes that stream chooses every byte of it.
 *
 * A refused stream must be refused with a message that names the firmware
 * state, and leave the instance exactly as it was (saved before and after:
 * the same bytes).  An accepted one must save to the very bytes it was:
 * the stream is canonical (one order, GVariant's normal form), so a
 * difference is a byte the load ignored or altered.  It must hold the
 * invariants, load into another instance and save again to the same bytes
 * (fuzz_migrate), and the firmware must go on from it: QUERY_PAGES, a NOP,
 * QUERY_UCTX of uids 1..8, a step of every resource dump in progress, the
 * diagnostic sample buffer read at two instants, a resource dump through
 * every loaded memory key, a health tick, every EQ armed through its UAR,
 * a NOP through the command queue, then DISABLE_HCA, which must leave
 * nothing; the invariants are checked after each.
 *
 * Guest memory.  The state names guest addresses itself (the command
 * queue, EQ pages, umem pages), so it may name the canary's as well as any
 * other, and a device writing there would only be doing what the state
 * says: here the canary is a hole, as in fuzz-transport (DMA to it fails,
 * which also exercises a queue or an EQ the device cannot write).  The
 * tripwire is instead every page the state gives the device nothing to
 * write in during those commands: all but its command queue page, the
 * pages of uid 0's EQs that take command completions and the writable
 * pages of umems (the device writes them through keys: a resource dump
 * through every loaded key, as its owner, does).  Those pages must not
 * change.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"
#include "cxfw-dump.h"          /* a resource dump in progress */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RD(f) CXFW_FLD(resource_dump, f)
#define CTX(f) CXFW_FLD(diagnostic_params_context, f)
#define REFUSED "cxsim firmware state: "
#define LATER_NS (1ull << 40)   /* a second instant for diagnostic sampling */

static uint8_t run(FuzzHost *fh, uint16_t uid, uint16_t opcode,
                   uint16_t op_mod, uint8_t *in, uint32_t inlen, uint8_t *out,
                   uint32_t outlen)
{
    uint8_t status = fuzz_cmd(fh, uid, opcode, op_mod, in, inlen, out,
                              outlen);

    fuzz_check(fh);
    return status;
}

static uint8_t simple(FuzzHost *fh, uint16_t opcode, uint16_t op_mod)
{
    uint8_t in[16] = { 0 }, out[16];

    return run(fh, 0, opcode, op_mod, in, sizeof(in), out, sizeof(out));
}

/* The 4 KiB pages of guest memory that [addr, addr + len) touches. */
static uint64_t pages_of(uint64_t addr, uint64_t len)
{
    uint64_t mask = 0;

    for (unsigned p = 0; p < FUZZ_PAGES; p++) {
        uint64_t page = FUZZ_MEM_BASE + p * 4096ull;

        if (page >= addr ? page - addr < len : addr - page < 4096) {
            mask |= 1ull << p;
        }
    }
    return mask;
}

/* The pages of umems with wr_en: a key may let the device write them. */
static uint64_t umem_writable_pages(Cxfw *fw)
{
    GHashTableIter it;
    gpointer value;
    uint64_t mask = 0;

    g_hash_table_iter_init(&it, fw->umems);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        CxfwUmem *u = value;

        for (uint64_t i = 0; i < u->npages; i++) {
            if (u->pages[i] & CXFW_UMEM_PAGE_WR) {
                mask |= pages_of(u->pages[i] & ~CXFW_UMEM_PAGE_FLAGS,
                                 1ull << u->page_shift);
            }
        }
    }
    return mask;
}

/* The pages the state lets the device write in (see the top comment). */
static uint64_t writable_pages(Cxfw *fw)
{
    uint64_t mask = pages_of(fw->cmdq_addr, CXFW_PAGE_SIZE);

    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        CxfwEq *eq = fw->eqs[i];

        if (!eq || eq->uid != CXFW_UID_KERNEL ||
            !(eq->event_mask[0] & (1ull << CXFW_EVENT_CMD))) {
            continue;
        }
        for (uint32_t j = 0; j < eq->npas; j++) {
            mask |= pages_of(eq->pas[j],
                             (uint64_t)CXFW_PAGE_SIZE << eq->log_page_size);
        }
    }
    return mask | umem_writable_pages(fw);
}

/* One more read of the dump uid has in progress, inline. */
static void dump_step(FuzzHost *fh, uint16_t uid, CxfwRscDump *d)
{
    g_autoptr(GVariant) v = g_variant_ref_sink(cxfw_rsc_dump_save(d));
    uint8_t in[16 + CXFW_SIZEOF(resource_dump)] = { 0 };
    uint8_t out[sizeof(in)];
    uint8_t *reg = in + 16, *reply = out + 16;
    uint16_t type, n1, n2;
    uint32_t i1, i2;
    uint64_t opaque;
    uint8_t seq;

    g_variant_get(v, CXFW_RSC_DUMP_STATE_FORMAT, &type, &i1, &i2, &n1, &n2,
                  &opaque, &seq, NULL, NULL, NULL);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_RESOURCE_DUMP);
    cxfw_set(reg, RD(more_dump), 1);
    cxfw_set(reg, RD(inline_dump), 1);
    cxfw_set(reg, RD(seq_num), seq);
    cxfw_set(reg, RD(segment_type), type);
    cxfw_set(reg, RD(index1), i1);
    cxfw_set(reg, RD(index2), i2);
    cxfw_set(reg, RD(num_of_obj1), n1);
    cxfw_set(reg, RD(num_of_obj2), n2);
    cxfw_set(reg, RD(device_opaque), opaque);
    if (run(fh, uid, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ, in, sizeof(in),
            out, sizeof(out))) {
        return;
    }
    if (cxfw_get(reply, RD(seq_num)) != ((seq + 1) & 0xf) ||
        cxfw_get(reply, RD(size)) > CXFW_RSC_DUMP_INLINE_LEN) {
        fuzz_fail("a migrated dump's reply: seq_num %u after %u, size %u",
                  (unsigned)cxfw_get(reply, RD(seq_num)), seq,
                  (unsigned)cxfw_get(reply, RD(size)));
    }
}

/* Every dump in progress, uid 0's and each context's, one step further. */
static void dump_steps(FuzzHost *fh)
{
    g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, fh->fw->uctxs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        g_array_append_val(uids, ((CxfwUctx *)value)->uid);
    }
    if (fh->fw->rsc_dump) {
        dump_step(fh, CXFW_UID_KERNEL, fh->fw->rsc_dump);
    }
    for (guint i = 0; i < uids->len; i++) {
        CxfwUctx *u = cxfw_uctx_find(fh->fw, g_array_index(uids, uint16_t,
                                                           i));

        if (u && u->rsc_dump) {
            dump_step(fh, u->uid, u->rsc_dump);
        }
    }
}

/*
 * A first read of the dump menu through every loaded key, as the key's
 * owner, into the start of its range: the DMA engine writing through
 * loaded keys and umems (it refuses what the key or the umem's pages do
 * not allow, and a plain user context may not read the register).
 */
static void key_dumps(FuzzHost *fh)
{
    g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(CxfwMkey));
    GHashTableIter it;
    gpointer value;

    /* a copy: a dump changes no key, but the table is not walked while
     * commands run */
    g_hash_table_iter_init(&it, fh->fw->mkeys);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        g_array_append_vals(keys, value, 1);
    }
    for (guint i = 0; i < keys->len; i++) {
        const CxfwMkey *m = &g_array_index(keys, CxfwMkey, i);
        uint8_t in[16 + CXFW_SIZEOF(resource_dump)] = { 0 };
        uint8_t out[sizeof(in)];
        uint8_t *reg = in + 16;

        cxfw_set(in, CXFW_FLD(access_register_in, register_id),
                 CXFW_REG_RESOURCE_DUMP);
        cxfw_set(reg, RD(segment_type), CXFW_DUMP_SEG_MENU);
        cxfw_set(reg, RD(mkey), m->obj.number << 8 | m->variant);
        cxfw_set(reg, RD(address), m->start);
        cxfw_set(reg, RD(size), MIN(m->len, CXFW_PAGE_SIZE));
        run(fh, m->obj.uid, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ, in,
            sizeof(in), out, sizeof(out));
    }
}

/* The whole sample buffer, as the selection says it is. */
static void diag_read(FuzzHost *fh)
{
    uint8_t in[CXFW_SIZEOF(query_diagnostic_counters_in)] = { 0 };
    uint8_t params[CXFW_SIZEOF(query_diagnostic_params_out)];
    const uint8_t *ctx = params + cxfw_field_byte(
        CXFW_FLD(query_diagnostic_params_out, diagnostic_params_context));
    g_autofree uint8_t *out = NULL;
    uint32_t slots, outlen;

    if (run(fh, 0, CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, 0, in, 16, params,
            sizeof(params))) {
        return;
    }
    slots = 1u << MIN(cxfw_get(ctx, CTX(log_num_of_samples)), 16);
    outlen = CXFW_SIZEOF(query_diagnostic_counters_out) +
             slots * cxfw_get(ctx, CTX(num_of_counters)) *
             CXFW_SIZEOF(diagnostic_cntr_struct);
    out = g_malloc0(outlen);
    cxfw_set(in, CXFW_FLD(query_diagnostic_counters_in, num_of_samples),
             slots);
    run(fh, 0, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0, in, sizeof(in), out,
        outlen);
}

/* Every EQ's doorbell, arming it where its consumer stands. */
static void arm_eqs(FuzzHost *fh)
{
    for (unsigned i = 0; i < CXFW_MAX_EQS; i++) {
        CxfwEq *eq = fh->fw->eqs[i];

        if (eq) {
            cxfw_uar_write(fh->fw, eq->uar, CXFW_UAR_EQ_ARM,
                           i << 24 | eq->consumer);
            fuzz_check(fh);
        }
    }
}

/* A NOP through the command queue, where the queue is guest memory. */
static void queue_nop(FuzzHost *fh)
{
    uint64_t cmdq = fh->fw->cmdq_addr;

    if (cmdq >= FUZZ_MEM_BASE &&
        cmdq - FUZZ_MEM_BASE <= FUZZ_MEM_SIZE - CXFW_PAGE_SIZE) {
        fuzz_queue_nop(fh, cmdq, 0, CXFW_UID_KERNEL, true);
    }
    cxfw_cmd_doorbell(fh->fw, 1);
    fuzz_check(fh);
}

/* DISABLE_HCA frees everything, whatever the state held. */
static void disable(FuzzHost *fh)
{
    CxfwStats st;

    if (simple(fh, CXFW_OP_DISABLE_HCA, 0)) {
        return;
    }
    cxfw_get_stats(fh->fw, &st);
    if (st.live_eqs || st.live_uars || st.live_uctxs || st.live_umems ||
        st.live_pds || st.live_mkeys || st.umem_bytes || st.pages_owned ||
        fh->fw->rsc_dump) {
        fuzz_fail("DISABLE_HCA left %u EQs, %u UARs, %u contexts, %u umems, "
                  "%u PDs, %u mkeys, %u pages or a dump", st.live_eqs,
                  st.live_uars, st.live_uctxs, st.live_umems, st.live_pds,
                  st.live_mkeys, st.pages_owned);
    }
}

/* The commands an accepted state runs (see the top comment). */
static void exercise(FuzzHost *fh)
{
    uint8_t in[CXFW_SIZEOF(query_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(query_uctx_out)];
    uint64_t writable = writable_pages(fh->fw);
    g_autofree uint8_t *before = g_memdup2(fh->mem, FUZZ_MEM_SIZE);

    simple(fh, CXFW_OP_QUERY_PAGES, CXFW_PAGES_REGULAR);
    simple(fh, CXFW_OP_NOP, 0);
    for (uint16_t uid = 1; uid <= 8; uid++) {
        cxfw_set(in, CXFW_FLD(query_uctx_in, uid), uid);
        run(fh, 0, CXFW_OP_QUERY_UCTX, 0, in, sizeof(in), out, sizeof(out));
    }
    dump_steps(fh);
    key_dumps(fh);
    diag_read(fh);
    fh->clock_ns = LATER_NS;
    diag_read(fh);
    cxfw_health_tick(fh->fw);
    arm_eqs(fh);
    queue_nop(fh);
    disable(fh);
    for (unsigned p = 0; p < FUZZ_PAGES; p++) {
        if (!(writable & (1ull << p)) &&
            memcmp(before + p * 4096, fh->mem + p * 4096, 4096)) {
            fuzz_fail("guest page %u (0x%llx) written: the state gives the "
                      "device no queue or EQ there", p,
                      (unsigned long long)(FUZZ_MEM_BASE + p * 4096ull));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzHost *fh = fuzz_host_new();
    g_autoptr(GBytes) before = fuzz_state_save(fh);
    g_autoptr(GBytes) input = g_bytes_new_static(data, size);
    g_autoptr(GBytes) saved = NULL;
    g_autofree char *err = NULL;

    /* the state names addresses itself: the canary is a hole (above) */
    fh->canary_unmapped = true;
    if (!cxfw_state_load(fh->fw, data, size, &err)) {
        g_autoptr(GBytes) after = fuzz_state_save(fh);

        if (!err || !g_str_has_prefix(err, REFUSED) ||
            !err[strlen(REFUSED)]) {
            fuzz_fail("a refused state's message: '%s'", err ? err : "");
        }
        fuzz_same_state(before, after, "a refused load");
        fuzz_host_free(fh);
        return 0;
    }
    saved = fuzz_state_save(fh);
    fuzz_same_state(input, saved, "an accepted state, saved again");
    fuzz_check(fh);
    fuzz_migrate(fh);
    exercise(fh);
    fuzz_host_free(fh);
    return 0;
}
