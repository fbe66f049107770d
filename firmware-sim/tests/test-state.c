/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration of the firmware state (cxfw_state_save/cxfw_state_load,
 * docs/migration.md): a busy firmware (contexts of every kind, UARs, EQs
 * of the driver and of a context, umems, PDs, memory keys, resource dumps
 * in progress, diagnostic sampling, an unsupported opcode) saved and
 * loaded into a second instance behaves exactly as the first from then
 * on; a stream of another device is refused with a message that names the
 * difference; a stream whose meaning is wrong (each of the checks) or
 * whose bytes are damaged is refused and leaves the instance untouched.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-dump.h"
#include "cxfw-internal.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define RW (FH_MTT_RD | FH_MTT_WR)
#define LRW (FH_MKEY_LR | FH_MKEY_LW)
#define RD(field) CXFW_FLD(resource_dump, field)
#define RD_SIZE CXFW_SIZEOF(resource_dump)
#define CTX(f) CXFW_FLD(diagnostic_params_context, f)
#define DIAG_SET_INLEN (CXFW_SIZEOF(set_diagnostic_params_in) + \
                        2 * CXFW_SIZEOF(counter_id))
#define DIAG_QUERY_OUTLEN (CXFW_SIZEOF(query_diagnostic_counters_out) + \
                           8 * CXFW_SIZEOF(diagnostic_cntr_struct))
#define EVENT_CMD (1ull << 0x0a)        /* command completion events */
#define MAX_OUT 0x1000

/* A firmware with something in every part of its state. */
typedef struct World {
    FakeHost *fh;
    uint16_t user, tools, labelled;
    uint32_t user_uar;
    FhEq kernel_eq;
    uint8_t user_eqn;
    FhBuf user_buf, tools_buf;
    uint8_t tools_dump[RD_SIZE];        /* the reply to its first read */
} World;

static void check_fw(Cxfw *fw)
{
    g_autofree char *why = NULL;

    if (!cxfw_check_invariants(fw, &why)) {
        g_error("firmware invariant violated: %s", why);
    }
}

static uint8_t exec_as(FakeHost *fh, uint16_t uid, uint16_t opcode,
                       uint16_t op_mod, uint8_t *in, uint32_t inlen,
                       uint8_t *out, uint32_t outlen)
{
    fh_hdr(in, opcode, op_mod);
    return fh_exec_as(fh, uid, in, inlen, out, outlen);
}

static uint32_t user_uar_new(FakeHost *fh, uint16_t uid)
{
    uint8_t in[CXFW_SIZEOF(alloc_uar_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(alloc_uar_out)] = { 0 };

    g_assert_cmphex(exec_as(fh, uid, CXFW_OP_ALLOC_UAR, 0, in, sizeof(in),
                            out, sizeof(out)), ==, CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
}

static uint8_t user_eq_new(FakeHost *fh, uint16_t uid, uint32_t uar)
{
    uint8_t out[CXFW_SIZEOF(create_eq_out)] = { 0 };
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(fh, 3, 0, 2, uar, &inlen);

    g_assert_cmphex(fh_exec_as(fh, uid, in, inlen, out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));
}

/* The first inline read of the dump menu: more remains. */
static void dump_start(FakeHost *fh, uint16_t uid, uint8_t *reply)
{
    uint8_t reg[RD_SIZE] = { 0 };

    cxfw_set(reg, RD(segment_type), CXFW_DUMP_SEG_MENU);
    cxfw_set(reg, RD(inline_dump), 1);
    g_assert_cmphex(fh_reg_read(fh, uid, CXFW_REG_RESOURCE_DUMP, reg, reply,
                                RD_SIZE, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(reply, RD(more_dump)), ==, 1);
}

/* Sampling of the first two counters, every 2^log_period ns. */
static void diag_start(FakeHost *fh, bool repetitive, unsigned log_period)
{
    uint8_t in[DIAG_SET_INLEN] = { 0 };
    uint8_t out[CXFW_SIZEOF(set_diagnostic_params_out)];
    uint8_t *ctx = in + cxfw_field_byte(
        CXFW_FLD(set_diagnostic_params_in, diagnostic_params_context));
    uint8_t *ids = ctx + cxfw_field_byte(CTX(counter_id));

    cxfw_set(ctx, CTX(num_of_counters), 2);
    cxfw_set(ctx, CTX(log_num_of_samples), 2);
    cxfw_set(ctx, CTX(log_sample_period), log_period);
    cxfw_set(ctx, CTX(repetitive), repetitive);
    cxfw_set(ctx, CTX(single), !repetitive);
    cxfw_set(ctx, CTX(enable), 1);
    for (unsigned i = 0; i < 2; i++) {
        cxfw_set(ids + i * CXFW_SIZEOF(counter_id),
                 CXFW_FLD(counter_id, counter_id),
                 cxfw_diag_counters[i].id);
    }
    g_assert_cmphex(exec_as(fh, 0, CXFW_OP_SET_DIAGNOSTIC_PARAMS, 0, in,
                            sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
}

static void world_new(World *w)
{
    FakeHost *fh = fh_new(NULL);
    uint8_t kernel_dump[RD_SIZE];
    uint32_t synd;

    w->fh = fh;
    fh_bringup(fh);
    g_assert_cmphex(fh_eq_create(fh, &w->kernel_eq, 4, EVENT_CMD, 1, fh->uar,
                                 &synd), ==, CXFW_STATUS_OK);
    w->user = fh_uctx_new(fh, 0);
    w->tools = fh_uctx_new(fh, TOOLS);
    w->labelled = fh_uctx_new(fh, TOOLS | CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE);
    w->user_uar = user_uar_new(fh, w->user);
    w->user_eqn = user_eq_new(fh, w->user, w->user_uar);
    fh_buf_new(fh, &w->user_buf, w->user, 3 * FH_PAGE_SIZE + 100, 100, true,
               RW, LRW);
    fh_buf_new(fh, &w->tools_buf, w->tools, 16 * FH_PAGE_SIZE, 0, false, RW,
               LRW);
    dump_start(fh, w->tools, w->tools_dump);
    dump_start(fh, 0, kernel_dump);
    fh->clock_ns = 1000;
    diag_start(fh, true, 12);
    fh->clock_ns += 5 << 12;
    g_assert_cmphex(fh_simple(fh, 0x0999, 0, &synd), ==,
                    CXFW_STATUS_BAD_OP);
    check_fw(fh->fw);
}

static void world_free(World *w)
{
    fh_buf_free(&w->user_buf);
    fh_buf_free(&w->tools_buf);
    fh_free(w->fh);
}

static GBytes *save(Cxfw *fw)
{
    size_t len;
    uint8_t *buf = cxfw_state_save(fw, &len);

    return g_bytes_new_take(buf, len);
}

static bool load(Cxfw *fw, GBytes *state, char **err)
{
    gsize len;
    const void *data = g_bytes_get_data(state, &len);

    return cxfw_state_load(fw, data, len, err);
}

/*
 * Migrate src the way QEMU does: guest memory and the driver's view
 * (both are the guest's) copied, the firmware saved and loaded.
 */
static FakeHost *migrate(FakeHost *src, const CxfwConfig *cfg)
{
    g_autoptr(GBytes) state = save(src->fw);
    g_autoptr(GBytes) again = NULL;
    FakeHost *dst = cfg ? fh_new_cfg(cfg) : fh_new(NULL);
    g_autofree char *err = NULL;

    memcpy(dst->mem, src->mem, FH_MEM_SIZE);
    dst->next_free = src->next_free;
    dst->cmdq = src->cmdq;
    dst->next_token = src->next_token;
    dst->uar = src->uar;
    dst->clock_ns = src->clock_ns;
    if (!load(dst->fw, state, &err)) {
        g_error("load: %s", err);
    }
    check_fw(dst->fw);
    again = save(dst->fw);
    g_assert_true(g_bytes_equal(state, again));
    return dst;
}

static void test_round_trip(void)
{
    World w;
    g_autoptr(FakeHost) dst = NULL;
    CxfwStats a, b;

    world_new(&w);
    dst = migrate(w.fh, NULL);
    cxfw_get_stats(w.fh->fw, &a);
    cxfw_get_stats(dst->fw, &b);
    g_assert_cmpmem(&a, sizeof(a), &b, sizeof(b));
    g_assert_cmpuint(b.live_uctxs, ==, 3);
    g_assert_cmpuint(b.live_eqs, ==, 2);
    g_assert_cmpuint(b.live_mkeys, ==, 2);
    g_assert_cmpuint(b.unsupported, ==, 1);
    world_free(&w);
}

/* One command on both instances: the same status and output. */
static void same(FakeHost *a, FakeHost *b, uint16_t uid, uint16_t opcode,
                 uint16_t op_mod, const uint8_t *in, uint32_t inlen,
                 uint32_t outlen, uint8_t expect)
{
    g_autofree uint8_t *ia = g_memdup2(in, inlen);
    g_autofree uint8_t *ib = g_memdup2(in, inlen);
    uint8_t oa[MAX_OUT] = { 0 }, ob[MAX_OUT] = { 0 };
    uint8_t sa, sb;

    g_assert_cmpuint(outlen, <=, MAX_OUT);
    sa = exec_as(a, uid, opcode, op_mod, ia, inlen, oa, outlen);
    sb = exec_as(b, uid, opcode, op_mod, ib, inlen, ob, outlen);
    g_assert_cmphex(sa, ==, expect);
    g_assert_cmphex(sb, ==, sa);
    g_assert_cmpmem(oa, outlen, ob, outlen);
}

/* A command naming one object by number (fh_obj_cmd) on both. */
static void same_obj(FakeHost *a, FakeHost *b, uint16_t uid, uint16_t opcode,
                     uint32_t number, uint32_t outlen, uint8_t expect)
{
    uint8_t oa[MAX_OUT] = { 0 }, ob[MAX_OUT] = { 0 };

    g_assert_cmphex(fh_obj_cmd(a, uid, opcode, number, oa, outlen), ==,
                    expect);
    g_assert_cmphex(fh_obj_cmd(b, uid, opcode, number, ob, outlen), ==,
                    expect);
    g_assert_cmpmem(oa, outlen, ob, outlen);
}

/* A register read on both; the reply is the next request. */
static void same_reg(FakeHost *a, FakeHost *b, uint16_t uid, uint16_t reg,
                     uint8_t *data, uint32_t size, uint8_t expect)
{
    g_autofree uint8_t *da = g_malloc0(size), *db = g_malloc0(size);
    uint32_t syn_a = 0, syn_b = 0;

    g_assert_cmphex(fh_reg_read(a, uid, reg, data, da, size, &syn_a), ==,
                    expect);
    g_assert_cmphex(fh_reg_read(b, uid, reg, data, db, size, &syn_b), ==,
                    expect);
    g_assert_cmphex(syn_a, ==, syn_b);
    g_assert_cmpmem(da, size, db, size);
    memcpy(data, da, size);
}

/* After the migration both instances answer everything the same way. */
static void test_behaves_the_same(void)
{
    World w;
    g_autoptr(FakeHost) dst = NULL;
    FakeHost *src;
    uint8_t in[64] = { 0 }, dump[RD_SIZE];
    uint8_t out_a[16], out_b[16];
    unsigned notified;
    FhEq eq_b;

    world_new(&w);
    src = w.fh;
    dst = migrate(src, NULL);

    /* the resource dump goes on where it stood, for both owners */
    memcpy(dump, w.tools_dump, RD_SIZE);
    while (cxfw_get(dump, RD(more_dump))) {
        same_reg(src, dst, w.tools, CXFW_REG_RESOURCE_DUMP, dump, RD_SIZE,
                 CXFW_STATUS_OK);
    }
    /* the contexts, their caps, objects and limits */
    for (uint16_t uid = 0; uid <= w.labelled + 1; uid++) {
        memset(in, 0, sizeof(in));
        cxfw_set(in, CXFW_FLD(query_uctx_in, uid), uid);
        same(src, dst, 0, CXFW_OP_QUERY_UCTX, 0, in, 16,
             CXFW_SIZEOF(query_uctx_out),
             uid && uid <= w.labelled ? CXFW_STATUS_OK : CXFW_STATUS_BAD_RES);
    }
    same_obj(src, dst, w.user, CXFW_OP_QUERY_MKEY, w.user_buf.mkey >> 8,
             CXFW_SIZEOF(query_mkey_out), CXFW_STATUS_OK);
    same_obj(src, dst, w.tools, CXFW_OP_QUERY_UMEM, w.user_buf.umem,
             CXFW_SIZEOF(query_umem_out), CXFW_STATUS_BAD_RES);
    same_obj(src, dst, w.user, CXFW_OP_DESTROY_UMEM, w.user_buf.umem,
             16, CXFW_STATUS_RES_BUSY);
    /* diagnostic samples keep their clock */
    src->clock_ns += 3 << 12;
    dst->clock_ns += 3 << 12;
    memset(in, 0, sizeof(in));
    cxfw_set(in, CXFW_FLD(query_diagnostic_counters_in, num_of_samples), 4);
    same(src, dst, 0, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0, in,
         CXFW_SIZEOF(query_diagnostic_counters_in), DIAG_QUERY_OUTLEN,
         CXFW_STATUS_OK);
    /* numbers continue from the same cursors */
    g_assert_cmpuint(fh_uctx_new(src, 0), ==, fh_uctx_new(dst, 0));
    /* a command through the queue completes into the migrated EQ */
    eq_b = w.kernel_eq;
    notified = src->notify_count[1];
    fh_eq_doorbell(src, &w.kernel_eq, true);
    fh_eq_doorbell(dst, &eq_b, true);
    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmpuint(fh_cmd(src, in, 16, out_a, 16), ==, 0);
    g_assert_cmpuint(fh_cmd(dst, in, 16, out_b, 16), ==, 0);
    g_assert_cmpmem(out_a, 16, out_b, 16);
    g_assert_cmpuint(dst->notify_count[1], >=, 1);
    g_assert_cmpuint(src->notify_count[1] - notified, ==,
                     dst->notify_count[1]);
    g_assert_nonnull(fh_eq_next(dst, &eq_b));
    /* the DMA engine writes through a migrated key into guest memory */
    memset(dump, 0, RD_SIZE);
    cxfw_set(dump, RD(segment_type), CXFW_DUMP_SEG_MENU);
    cxfw_set(dump, RD(mkey), w.tools_buf.mkey);
    cxfw_set(dump, RD(address), w.tools_buf.va);
    cxfw_set(dump, RD(size), w.tools_buf.size);
    same_reg(src, dst, w.tools, CXFW_REG_RESOURCE_DUMP, dump, RD_SIZE,
             CXFW_STATUS_OK);
    g_assert_cmpmem(src->mem, FH_MEM_SIZE, dst->mem, FH_MEM_SIZE);
    /* teardown frees the same things */
    memset(in, 0, sizeof(in));
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), w.user);
    same(src, dst, 0, CXFW_OP_DESTROY_UCTX, 1, in,
         CXFW_SIZEOF(destroy_uctx_in), 16, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(dst).live_mkeys, ==, 1);
    g_assert_cmpuint(fh_simple(dst, CXFW_OP_NOP, 0, NULL), ==,
                     CXFW_STATUS_OK);
    check_fw(dst->fw);
    world_free(&w);
}

/* A stream of another device: refused, naming the difference. */
static void test_other_device(void)
{
    static const struct {
        CxfwConfig cfg;
        const char *message;
    } devices[] = {
        { { .msix_vectors = FH_MSIX_VECTORS - 4 }, "MSI-X vectors" },
        { { .profile = "cx6dx-small", .msix_vectors = FH_MSIX_VECTORS },
          "profile" },
        { { .fw_version = "1.2.3", .msix_vectors = FH_MSIX_VECTORS },
          "firmware 22.40.1000" },
    };
    World w;
    g_autoptr(GBytes) state = NULL;

    world_new(&w);
    state = save(w.fh->fw);
    for (unsigned i = 0; i < G_N_ELEMENTS(devices); i++) {
        g_autoptr(FakeHost) dst = fh_new_cfg(&devices[i].cfg);
        g_autoptr(GBytes) before = save(dst->fw);
        g_autoptr(GBytes) after = NULL;
        g_autofree char *err = NULL;

        g_assert_false(load(dst->fw, state, &err));
        g_test_message("%s", err);
        g_assert_nonnull(strstr(err, devices[i].message));
        after = save(dst->fw);
        g_assert_true(g_bytes_equal(before, after));
    }
    world_free(&w);
}

/*
 * Streams that are well formed but wrong: each made by damaging one thing
 * in the source's state, saving, and repairing it.
 */
typedef struct Damage {
    const char *what;
    void (*apply)(World *w, bool undo);
    const char *message;
} Damage;

static CxfwEq *user_eq(World *w)
{
    return w->fh->fw->eqs[w->user_eqn];
}

static CxfwMkey *user_mkey(World *w)
{
    return cxfw_mkey_find(w->fh->fw, w->user_buf.mkey, w->user);
}

static CxfwUmem *umem_of_uid(World *w, uint32_t id, uint16_t uid)
{
    return cxfw_object_find(w->fh->fw->umems, id, uid);
}

#define SWAP_FIELD(field, bad) do {                     \
        static __typeof__(field) saved;                 \
        if (!undo) {                                    \
            saved = (field);                            \
            (field) = (bad);                            \
        } else {                                        \
            (field) = saved;                            \
        }                                               \
    } while (0)

static void eq_vector(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->intr, 99);
}

static void eq_owner(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->uid, 777);
}

static void eq_foreign_uar(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->uar, w->fh->uar);
}

static void eq_events(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->event_mask[0], EVENT_CMD);
}

static void eq_counters(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->producer, 100);
}

static void eq_future(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->created_seq, 1ull << 40);
}

static void mkey_foreign_umem(World *w, bool undo)
{
    SWAP_FIELD(user_mkey(w)->umem,
               umem_of_uid(w, w->tools_buf.umem, w->tools));
}

static void mkey_beyond(World *w, bool undo)
{
    SWAP_FIELD(user_mkey(w)->len, 1ull << 30);
}

static void umem_page_entry(World *w, bool undo)
{
    SWAP_FIELD(umem_of_uid(w, w->user_buf.umem, w->user)->pages[1],
               0x123456789000ull);
}

static void umem_page_shift(World *w, bool undo)
{
    SWAP_FIELD(umem_of_uid(w, w->user_buf.umem, w->user)->page_shift, 40);
}

static void uar_in_iseg(World *w, bool undo)
{
    CxfwUar *uars = (CxfwUar *)w->fh->fw->uars->data;

    SWAP_FIELD(uars[3].live, true);
}

static void uctx_cap(World *w, bool undo)
{
    SWAP_FIELD(cxfw_uctx_find(w->fh->fw, w->user)->cap,
               CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE);
}

static void cap_unsettable(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->cap_general_cur[0x10], 0x5a);
}

static void hca_state(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->hca_state, 7);
}

static void cmdq_misaligned(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->cmdq_addr, w->fh->cmdq + 8);
}

static void cursor_range(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->last_mkey_index, 1u << 30);
}

/* mtt_check's rule: the page must not run past the end of the bus */
static void umem_page_wraps(World *w, bool undo)
{
    SWAP_FIELD(umem_of_uid(w, w->user_buf.umem, w->user)->pages[1],
               0xfffffffffffff000ull | CXFW_UMEM_PAGE_RD |
               CXFW_UMEM_PAGE_WR);
}

/* EQs of uid 0 (copies of its own) up to one more than log_max_eq allows */
static void eqs_over_limit(World *w, bool undo)
{
    Cxfw *fw = w->fh->fw;
    CxfwEq *model = fw->eqs[w->kernel_eq.eqn];
    static unsigned added[CXFW_MAX_EQS], n_added;
    uint32_t max;

    if (undo) {
        while (n_added) {
            CxfwEq *eq = fw->eqs[added[--n_added]];

            fw->eqs[eq->eqn] = NULL;
            fw->live_eqs--;
            g_free(eq->pas);
            g_free(eq);
        }
        return;
    }
    max = cxfw_cap_limit(fw, CXFW_FLD(cmd_hca_cap, log_max_eq), CXFW_MAX_EQS);
    for (unsigned n = 1; fw->live_eqs <= max && n < CXFW_MAX_EQS; n++) {
        if (!fw->eqs[n]) {
            CxfwEq *eq = g_memdup2(model, sizeof(*model));

            eq->eqn = n;
            eq->pas = g_memdup2(model->pas, model->npas * sizeof(uint64_t));
            fw->eqs[n] = eq;
            fw->live_eqs++;
            added[n_added++] = n;
        }
    }
}

static void dead_owner(World *w, bool undo)
{
    CxfwUmem *u = g_hash_table_lookup(w->fh->fw->umems,
                                      GUINT_TO_POINTER(w->tools_buf.umem));

    SWAP_FIELD(u->obj.uid, 4000);
}

static const Damage damages[] = {
    { "EQ vector", eq_vector, "vector 99" },
    { "EQ owner", eq_owner, "uid 777 has no context" },
    { "EQ on another uid's UAR", eq_foreign_uar, "does not own UAR" },
    { "user EQ with events", eq_events, "subscribes to events" },
    { "EQ counters", eq_counters, "producer" },
    { "EQ from the future", eq_future, "after the last command" },
    { "mkey over another uid's umem", mkey_foreign_umem, "owns no umem" },
    { "mkey beyond its umem", mkey_beyond, "outside umem" },
    { "umem page entry", umem_page_entry, "page entry" },
    { "umem page shift", umem_page_shift, "page shift 40" },
    { "umem page past the end of the bus", umem_page_wraps, "page entry" },
    { "more EQs than log_max_eq", eqs_over_limit, "17 EQs, at most 16" },
    { "UAR in the init segment", uar_in_iseg, "not a UAR page" },
    { "context capabilities", uctx_cap, "cannot grant" },
    { "capability not settable", cap_unsettable, "outside the settable" },
    { "HCA state", hca_state, "HCA state 7" },
    { "command queue address", cmdq_misaligned, "not page aligned" },
    { "number cursor", cursor_range, "cursor" },
    { "object of no context", dead_owner, "no context" },
};

/* fw refuses state, saying message, and keeps its own state. */
static void assert_refused(Cxfw *fw, GBytes *state, const char *what,
                           const char *message)
{
    g_autoptr(GBytes) before = save(fw);
    g_autoptr(GBytes) after = NULL;
    g_autofree char *err = NULL;

    g_assert_false(load(fw, state, &err));
    g_test_message("%s: %s", what, err);
    g_assert_nonnull(strstr(err, message));
    after = save(fw);
    g_assert_true(g_bytes_equal(before, after));
    check_fw(fw);
}

static void test_damaged_meaning(gconstpointer data)
{
    const Damage *d = data;
    World w, target;
    g_autoptr(GBytes) state = NULL;

    world_new(&w);
    d->apply(&w, false);
    state = save(w.fh->fw);
    d->apply(&w, true);
    check_fw(w.fh->fw);

    /* into a busy instance, which must keep its own state */
    world_new(&target);
    fh_uctx_new(target.fh, 0);
    assert_refused(target.fh->fw, state, d->what, d->message);
    world_free(&target);
    world_free(&w);
}

/*
 * Damaged bytes: every prefix of a sample of lengths, and seeded bit
 * flips.  Each load is refused with a message (and changes nothing) or,
 * when the flip hit a value any state may hold, taken consistently.
 */
static void check_damaged(Cxfw *fw, GBytes *bad, GBytes *good_target,
                          unsigned *refused)
{
    g_autofree char *err = NULL;

    if (!load(fw, bad, &err)) {
        g_autoptr(GBytes) now = save(fw);

        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err, "cxsim firmware state: "));
        g_assert_true(g_bytes_equal(now, good_target));
        (*refused)++;
        return;
    }
    check_fw(fw);
    /* restore the reference state for the next damaged stream */
    g_assert_true(load(fw, good_target, &err));
}

static void test_damaged_bytes(void)
{
    World w;
    g_autoptr(GBytes) state = NULL;
    g_autoptr(FakeHost) dst = fh_new(NULL);
    g_autoptr(GBytes) target = save(dst->fw);
    g_autoptr(GRand) rand = g_rand_new_with_seed(20261201);
    const uint8_t *bytes;
    unsigned refused = 0, tries = 0;
    gsize len;

    world_new(&w);
    state = save(w.fh->fw);
    bytes = g_bytes_get_data(state, &len);
    for (gsize cut = 0; cut < len; cut += 1 + len / 61, tries++) {
        g_autoptr(GBytes) bad = g_bytes_new(bytes, cut);

        check_damaged(dst->fw, bad, target, &refused);
    }
    g_assert_cmpuint(refused, ==, tries);
    for (unsigned i = 0; i < 2000; i++) {
        g_autofree uint8_t *copy = g_memdup2(bytes, len);
        g_autoptr(GBytes) bad = NULL;

        copy[g_rand_int_range(rand, 0, len)] ^= 1u << g_rand_int_range(rand,
                                                                      0, 8);
        bad = g_bytes_new(copy, len);
        check_damaged(dst->fw, bad, target, &refused);
    }
    g_test_message("%u of %u damaged streams refused", refused, tries + 2000);
    g_assert_cmpuint(refused, >, tries);
    world_free(&w);
}

/*
 * A resource dump in progress as the stream holds it: the checks that
 * keep the reader inside the stream (cxfw_rsc_dump_load).
 */
static void test_rsc_dump_checks(void)
{
    static const uint32_t good[] = { 16, 80, 96 };
    static const uint32_t backwards[] = { 16, 8, 96 };
    static const uint32_t too_long[] = { 16, 96 };
    static const struct {
        const char *what;
        const uint32_t *ends;
        unsigned n_ends;
        uint32_t bytes, next;
        uint8_t seq;
        const char *message;    /* NULL: accepted */
    } cases[] = {
        { "in progress", good, 3, 96, 1, 3, NULL },
        { "units out of order", backwards, 3, 96, 1, 3, "unit 1 ends at 8" },
        { "a unit over 64 bytes", too_long, 2, 96, 0, 0, "unit 1 ends at 96" },
        { "bytes past the last unit", good, 3, 100, 0, 0, "100 bytes" },
        { "read to its end", good, 3, 96, 3, 0, "at unit 3" },
        { "seq_num of 5 bits", good, 3, 96, 0, 16, "seq 16" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree uint8_t *bytes = g_malloc0(cases[i].bytes);
        g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new(
            "(quuqqty@ay@auu)", CXFW_DUMP_SEG_MENU, 0, 0, 0, 0,
            (uint64_t)0x10001, cases[i].seq,
            g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes,
                                      cases[i].bytes, 1),
            g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, cases[i].ends,
                                      cases[i].n_ends, sizeof(uint32_t)),
            cases[i].next));
        g_autofree char *why = NULL;
        CxfwRscDump *d = cxfw_rsc_dump_load(v, &why);

        g_test_message("%s: %s", cases[i].what, why ? why : "accepted");
        if (!cases[i].message) {
            g_assert_nonnull(d);
            cxfw_rsc_dump_free(d);
            continue;
        }
        g_assert_null(d);
        g_assert_nonnull(strstr(why, cases[i].message));
    }
}

/*
 * Every nic_interface the register's 3 bits hold migrates, 7 (mlx5_core's
 * sw reset) included: the load took only 0..3, so a guest that reset its
 * device that way could not migrate.
 */
static void test_nic_interface(void)
{
    for (unsigned nic = 0; nic < 8; nic++) {
        g_autoptr(FakeHost) src = fh_new(NULL);
        g_autoptr(FakeHost) dst = NULL;

        fh_write_cmdq_addr(src, FH_MEM_BASE, nic);
        dst = migrate(src, NULL);
        g_assert_cmphex(cxfw_iseg_read(dst->fw, CXFW_ISEG_CMDQ_ADDR_L), ==,
                        cxfw_iseg_read(src->fw, CXFW_ISEG_CMDQ_ADDR_L));
    }
}

/* state with section name's value replaced by value (sunk here). */
static GBytes *with_section(GBytes *state, const char *name, GVariant *value)
{
    g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_from_bytes(
        G_VARIANT_TYPE("(ua{sv})"), state, FALSE));
    g_autoptr(GVariant) all = g_variant_get_child_value(v, 1);
    g_autoptr(GVariant) out = NULL;
    GVariantBuilder b;
    GVariantIter it;
    const char *key;
    GVariant *child;
    uint32_t version;

    g_variant_ref_sink(value);
    g_variant_get_child(v, 0, "u", &version);
    g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
    g_variant_iter_init(&it, all);
    while (g_variant_iter_next(&it, "{&sv}", &key, &child)) {
        g_variant_builder_add(&b, "{sv}", key,
                              strcmp(key, name) ? child : value);
        g_variant_unref(child);
    }
    g_variant_unref(value);
    out = g_variant_ref_sink(g_variant_new("(u@a{sv})", version,
                                           g_variant_builder_end(&b)));
    return g_variant_get_data_as_bytes(out);
}

static GVariant *section_of(GBytes *state, const char *name)
{
    g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_from_bytes(
        G_VARIANT_TYPE("(ua{sv})"), state, FALSE));
    g_autoptr(GVariant) all = g_variant_get_child_value(v, 1);

    return g_variant_lookup_value(all, name, NULL);
}

/* A tuple with child i replaced by child (sunk here). */
static GVariant *tuple_with(GVariant *tuple, gsize i, GVariant *child)
{
    gsize n = g_variant_n_children(tuple);
    g_autofree GVariant **children = g_new(GVariant *, n);
    GVariant *t;

    for (gsize j = 0; j < n; j++) {
        children[j] = j == i ? g_variant_ref_sink(child) :
                      g_variant_get_child_value(tuple, j);
    }
    t = g_variant_new_tuple(children, n);
    for (gsize j = 0; j < n; j++) {
        g_variant_unref(children[j]);
    }
    return t;
}

/* The children of the diag section (CXFW_DIAG_STATE_TYPE). */
enum {
    DIAG_BASELINE, DIAG_ENABLE, DIAG_SINGLE, DIAG_REPETITIVE,
    DIAG_LOG_SAMPLES = 6,
};

/* A refusal case: section replaced by value, and the message expected. */
typedef struct BadSection {
    const char *what;
    const char *section;
    GVariant *value;
    const char *message;
} BadSection;

/* Each case's stream, state with its section replaced: refused by fw. */
static void assert_sections_refused(Cxfw *fw, GBytes *state,
                                    const BadSection *cases, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        g_autoptr(GBytes) bad = with_section(state, cases[i].section,
                                             cases[i].value);

        assert_refused(fw, bad, cases[i].what, cases[i].message);
    }
}

static GVariant *u64s(const uint64_t *v, gsize n)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, v, n,
                                     sizeof(*v));
}

/*
 * What a reset leaves, a disabled HCA holds (it runs ENABLE_HCA only):
 * no pages, no dump of uid 0, no diagnostic selection, the power-on ISSI.
 * Each refused when put into a disabled firmware's state.
 */
static void test_disabled_hca(void)
{
    World w;
    g_autoptr(FakeHost) dst = fh_new(NULL);
    g_autoptr(GBytes) off = save(dst->fw);
    g_autoptr(GBytes) busy = NULL;
    g_autoptr(GVariant) dumps = NULL, list = NULL, dump = NULL;
    g_autoptr(GVariant) diag = NULL, hca = section_of(off, "hca");
    const uint64_t page = FH_MEM_BASE;
    const uint64_t zeros[CXFW_DIAG_NUM_COUNTERS] = { 0 };
    uint64_t serial;

    world_new(&w);
    busy = save(w.fh->fw);
    dumps = section_of(busy, "rsc-dumps");
    g_variant_get(dumps, "(t@a(qv))", &serial, &list);
    dump = g_variant_get_child_value(list, 0);      /* uid 0's, first */
    diag = section_of(busy, "diag");
    {
        const BadSection cases[] = {
            { "pages", "pages", u64s(&page, 1), "disabled HCA" },
            { "uid 0's dump", "rsc-dumps",
              g_variant_new("(t@a(qv))", serial,
                            g_variant_new_array(NULL, &dump, 1)),
              "disabled HCA" },
            { "a diagnostic selection", "diag",
              tuple_with(diag, DIAG_BASELINE,
                         u64s(zeros, CXFW_DIAG_NUM_COUNTERS)),
              "disabled HCA" },
            { "ISSI 1", "hca", tuple_with(hca, 1, g_variant_new_uint16(1)),
              "disabled HCA" },
        };

        assert_sections_refused(dst->fw, off, cases, G_N_ELEMENTS(cases));
    }
    world_free(&w);
}

/*
 * A diagnostic session as the stream holds it, each time wrong in one
 * way that SET_DIAGNOSTIC_PARAMS or the statistics rule out; the small
 * profile's debug capability offers single mode only.
 */
static void test_diag_checks(void)
{
    g_autoptr(FakeHost) small = fh_new("cx6dx-small");
    g_autoptr(FakeHost) dst = fh_new("cx6dx-small");
    g_autoptr(FakeHost) copy = fh_new("cx6dx-small");
    g_autoptr(GBytes) none = save(dst->fw);
    g_autoptr(GBytes) state = NULL;
    g_autoptr(GVariant) diag = NULL, empty = section_of(none, "diag");
    g_autoptr(GVariant) repetitive = NULL;
    const uint64_t high[CXFW_DIAG_NUM_COUNTERS] = { [0] = UINT64_MAX };
    g_autofree char *err = NULL;

    fh_bringup(small);
    diag_start(small, false, 16);
    state = save(small->fw);
    diag = section_of(state, "diag");
    repetitive = g_variant_ref_sink(tuple_with(diag, DIAG_REPETITIVE,
                                               g_variant_new_boolean(true)));
    {
        const BadSection in_session[] = {
            { "a mode the device lacks", "diag",
              tuple_with(repetitive, DIAG_SINGLE,
                         g_variant_new_boolean(false)), "mode" },
            { "a baseline above its statistic", "diag",
              tuple_with(diag, DIAG_BASELINE,
                         u64s(high, CXFW_DIAG_NUM_COUNTERS)),
              "baseline of COMMANDS" },
        };
        const BadSection no_session[] = {
            { "no counters, a sample buffer size", "diag",
              tuple_with(empty, DIAG_LOG_SAMPLES, g_variant_new_byte(3)),
              "without counters" },
        };

        assert_sections_refused(dst->fw, state, in_session,
                                G_N_ELEMENTS(in_session));
        assert_sections_refused(dst->fw, none, no_session,
                                G_N_ELEMENTS(no_session));
    }
    /* the session itself migrates */
    g_assert_true(load(copy->fw, state, &err));
}

/* A format version this firmware does not read. */
static void test_version(void)
{
    g_autoptr(FakeHost) src = fh_new(NULL);
    g_autoptr(FakeHost) dst = fh_new(NULL);
    size_t len;
    g_autofree uint8_t *buf = cxfw_state_save(src->fw, &len);
    g_autofree char *err = NULL;
    uint32_t version;

    /* "(ua{sv})": the version is the first 4 bytes, little endian */
    memcpy(&version, buf, sizeof(version));
    g_assert_cmpuint(GUINT32_FROM_LE(version), ==, 1);
    version = GUINT32_TO_LE(2);
    memcpy(buf, &version, sizeof(version));
    g_assert_false(cxfw_state_load(dst->fw, buf, len, &err));
    g_assert_nonnull(strstr(err, "version 2"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/state/round-trip", test_round_trip);
    g_test_add_func("/state/behaves-the-same", test_behaves_the_same);
    g_test_add_func("/state/other-device", test_other_device);
    g_test_add_func("/state/version", test_version);
    g_test_add_func("/state/damaged-bytes", test_damaged_bytes);
    g_test_add_func("/state/rsc-dump-checks", test_rsc_dump_checks);
    g_test_add_func("/state/nic-interface", test_nic_interface);
    g_test_add_func("/state/disabled-hca", test_disabled_hca);
    g_test_add_func("/state/diag-checks", test_diag_checks);
    for (unsigned i = 0; i < G_N_ELEMENTS(damages); i++) {
        g_autofree char *path = g_strdup_printf("/state/damaged/%s",
                                                damages[i].what);

        g_test_add_data_func(path, &damages[i], test_damaged_meaning);
    }
    return g_test_run();
}
