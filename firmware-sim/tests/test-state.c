/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration of the firmware state (cxfw_state_save/cxfw_state_load,
 * docs/migration.md): a busy firmware (contexts of every kind, UARs, EQs
 * of the driver and of a context, umems, PDs, memory keys, resource dumps
 * in progress, diagnostic sampling, an unsupported opcode) saved and
 * loaded into a second instance behaves exactly as the first from then
 * on; a stream of another device is refused with a message that names the
 * difference; a stream whose meaning is wrong (each of the checks, the
 * canonical order among them) or whose bytes are damaged is refused and
 * leaves the instance untouched, and a damaged one that is taken saves
 * back to the bytes it was.
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
#define CD(field) CXFW_FLD(core_dump_reg, field)
#define CD_SIZE CXFW_SIZEOF(core_dump_reg)
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

/*
 * Every migrated object queried by its owner: both EQs, both umems (the
 * user's page_offset and entries included), both keys; the diagnostic
 * selection and the page count.
 */
static void same_objects(FakeHost *src, FakeHost *dst, const World *w)
{
    const struct {
        uint16_t uid, opcode;
        uint32_t number, outlen;
    } queries[] = {
        { 0, CXFW_OP_QUERY_EQ, w->kernel_eq.eqn, FH_QUERY_EQ_OUTLEN },
        { w->user, CXFW_OP_QUERY_EQ, w->user_eqn, FH_QUERY_EQ_OUTLEN },
        { w->user, CXFW_OP_QUERY_UMEM, w->user_buf.umem,
          FH_CREATE_UMEM_INLEN(w->user_buf.npages) },
        { w->tools, CXFW_OP_QUERY_UMEM, w->tools_buf.umem,
          FH_CREATE_UMEM_INLEN(w->tools_buf.npages) },
        { w->user, CXFW_OP_QUERY_MKEY, w->user_buf.mkey >> 8,
          CXFW_SIZEOF(query_mkey_out) },
        { w->tools, CXFW_OP_QUERY_MKEY, w->tools_buf.mkey >> 8,
          CXFW_SIZEOF(query_mkey_out) },
    };
    FakeHost *hosts[] = { src, dst };
    uint8_t in[16] = { 0 };
    uint8_t umem[FH_CREATE_UMEM_INLEN(4)];
    const uint8_t *u = umem + cxfw_field_byte(CXFW_FLD(query_umem_out, umem));
    const uint8_t *mtt = u + cxfw_field_byte(CXFW_FLD(umem, mtt));

    /* eq_number is the low byte of the 24 bits fh_obj_cmd sets */
    for (unsigned i = 0; i < G_N_ELEMENTS(queries); i++) {
        same_obj(src, dst, queries[i].uid, queries[i].opcode,
                 queries[i].number, queries[i].outlen, CXFW_STATUS_OK);
    }
    /* the user umem came back whole: its offset and every entry (asked
     * of both, so that the diagnostic counters count both the same) */
    g_assert_cmpuint(w->user_buf.npages, ==, 4);
    for (unsigned h = 0; h < G_N_ELEMENTS(hosts); h++) {
        g_assert_cmphex(fh_obj_cmd(hosts[h], w->user, CXFW_OP_QUERY_UMEM,
                                   w->user_buf.umem, umem, sizeof(umem)), ==,
                        CXFW_STATUS_OK);
        g_assert_cmpuint(cxfw_get(u, CXFW_FLD(umem, page_offset)), ==, 100);
        g_assert_cmpuint(cxfw_get(u, CXFW_FLD(umem, num_of_mtt)), ==, 4);
        for (unsigned i = 0; i < 4; i++) {
            g_assert_cmphex(cxfw_be64(mtt + i * CXFW_MTT_ENTRY_SIZE) &
                            ~0xfffull, ==, w->user_buf.pages[i]);
        }
    }
    same(src, dst, 0, CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, 0, in, sizeof(in),
         CXFW_SIZEOF(query_diagnostic_params_out), CXFW_STATUS_OK);
    same(src, dst, 0, CXFW_OP_QUERY_PAGES, CXFW_PAGES_REGULAR, in,
         sizeof(in), CXFW_SIZEOF(query_pages_out), CXFW_STATUS_OK);
}

/*
 * Dumps the DMA engine writes through keys, into guest memory compared
 * byte for byte: a table segment (the umems) through the tools key, and
 * a CORE_DUMP (2 MiB) into a buffer the tools context registers on both.
 */
static void same_dumps(FakeHost *src, FakeHost *dst, const World *w)
{
    uint8_t dump[RD_SIZE] = { 0 }, core[CD_SIZE] = { 0 };
    FhBuf buf_a, buf_b;

    cxfw_set(dump, RD(segment_type), CXFW_DUMP_SEG_UMEM);
    cxfw_set(dump, RD(mkey), w->tools_buf.mkey);
    cxfw_set(dump, RD(address), w->tools_buf.va);
    cxfw_set(dump, RD(size), w->tools_buf.size);
    same_reg(src, dst, w->tools, CXFW_REG_RESOURCE_DUMP, dump, RD_SIZE,
             CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(dump, RD(more_dump)), ==, 0);
    g_assert_cmpuint(cxfw_get(dump, RD(size)), >, 0);
    g_assert_cmpmem(src->mem, FH_MEM_SIZE, dst->mem, FH_MEM_SIZE);

    fh_buf_new(src, &buf_a, w->tools, CXFW_CORE_DUMP_SIZE, 0, false, RW,
               LRW);
    fh_buf_new(dst, &buf_b, w->tools, CXFW_CORE_DUMP_SIZE, 0, false, RW,
               LRW);
    g_assert_cmpuint(buf_a.mkey, ==, buf_b.mkey);
    cxfw_set(core, CD(core_dump_type), CXFW_CORE_DUMP_TYPE_CR);
    cxfw_set(core, CD(mkey), buf_a.mkey);
    cxfw_set(core, CD(address), buf_a.va);
    cxfw_set(core, CD(size), buf_a.size);
    same_reg(src, dst, w->tools, CXFW_REG_CORE_DUMP, core, CD_SIZE,
             CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(core, CD(size)), ==, CXFW_CORE_DUMP_SIZE);
    g_assert_cmpmem(src->mem, FH_MEM_SIZE, dst->mem, FH_MEM_SIZE);
    fh_buf_free(&buf_a);
    fh_buf_free(&buf_b);
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
    same_objects(src, dst, &w);
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
    same_dumps(src, dst, &w);
    /* teardown frees the same things */
    memset(in, 0, sizeof(in));
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), w.user);
    same(src, dst, 0, CXFW_OP_DESTROY_UCTX, 1, in,
         CXFW_SIZEOF(destroy_uctx_in), 16, CXFW_STATUS_OK);
    /* the tools context's keys stay: its buffer's and the core dump's */
    g_assert_cmpuint(fh_stats(dst).live_mkeys, ==, 2);
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

/* Editing a stream (in the host's byte order: cxfw_state_byte_order). */
static GVariant *parsed(GBytes *state)
{
    return cxfw_state_byte_order(g_variant_ref_sink(g_variant_new_from_bytes(
        G_VARIANT_TYPE(CXFW_STATE_TYPE), state, FALSE)));
}

/* The stream of state (taken). */
static GBytes *serialized(GVariant *state)
{
    g_autoptr(GVariant) v = cxfw_state_byte_order(g_variant_ref_sink(state));

    return g_variant_get_data_as_bytes(v);
}

/*
 * A container like v (tuple, array, dict entry or variant) with children
 * [at, at + n_drop) replaced by the n_add of add (taken).
 */
static GVariant *spliced(GVariant *v, gsize at, gsize n_drop,
                         GVariant *const *add, gsize n_add)
{
    const GVariantType *type = g_variant_get_type(v);
    gsize n = g_variant_n_children(v), m = n - n_drop + n_add, k = 0;
    g_autofree GVariant **c = g_new(GVariant *, MAX(m, 1));
    GVariant *out;

    g_assert_cmpuint(at + n_drop, <=, n);
    for (gsize i = 0; i < at; i++) {
        c[k++] = g_variant_get_child_value(v, i);
    }
    for (gsize i = 0; i < n_add; i++) {
        c[k++] = g_variant_take_ref(add[i]);
    }
    for (gsize i = at + n_drop; i < n; i++) {
        c[k++] = g_variant_get_child_value(v, i);
    }
    if (g_variant_type_is_tuple(type)) {
        out = g_variant_new_tuple(c, m);
    } else if (g_variant_type_is_dict_entry(type)) {
        out = g_variant_new_dict_entry(c[0], c[1]);
    } else if (g_variant_type_is_variant(type)) {
        out = g_variant_new_variant(c[0]);
    } else {
        out = g_variant_new_array(g_variant_type_element(type), c, m);
    }
    for (gsize i = 0; i < m; i++) {
        g_variant_unref(c[i]);
    }
    return out;
}

/* v with child i replaced by child (taken). */
static GVariant *with_child(GVariant *v, gsize i, GVariant *child)
{
    return spliced(v, i, 1, &child, 1);
}

/* A path of child indices, for child_at() and replaced(). */
#define AT(...) (const gsize[]){ __VA_ARGS__ }, \
                G_N_ELEMENTS(((const gsize[]){ __VA_ARGS__ }))

static GVariant *child_at(GVariant *v, const gsize *path, gsize n)
{
    GVariant *c = g_variant_ref(v);

    for (gsize i = 0; i < n; i++) {
        GVariant *next = g_variant_get_child_value(c, path[i]);

        g_variant_unref(c);
        c = next;
    }
    return c;
}

/* v with the value at path replaced by leaf (taken). */
static GVariant *replaced(GVariant *v, const gsize *path, gsize n,
                          GVariant *leaf)
{
    g_autoptr(GVariant) child = NULL;

    if (!n) {
        return leaf;
    }
    child = g_variant_get_child_value(v, path[0]);
    return with_child(v, path[0], replaced(child, path + 1, n - 1, leaf));
}

/* Children i < j exchanged. */
static GVariant *swapped(GVariant *v, gsize i, gsize j)
{
    g_autoptr(GVariant) first = g_variant_ref_sink(
        with_child(v, i, g_variant_get_child_value(v, j)));

    return with_child(first, j, g_variant_get_child_value(v, i));
}

static unsigned section_index(const char *name)
{
    for (unsigned i = 0; cxfw_state_section_name(i); i++) {
        if (!strcmp(cxfw_state_section_name(i), name)) {
            return i;
        }
    }
    g_assert_not_reached();
}

/* state with section name's value replaced by value (taken). */
static GBytes *with_section(GBytes *state, const char *name, GVariant *value)
{
    g_autoptr(GVariant) v = parsed(state);

    return serialized(replaced(v, AT(1, section_index(name), 1, 0), value));
}

static GVariant *section_of(GBytes *state, const char *name)
{
    g_autoptr(GVariant) v = parsed(state);

    return child_at(v, AT(1, section_index(name), 1, 0));
}

static GVariant *u64s(const uint64_t *v, gsize n)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, v, n,
                                     sizeof(*v));
}

static GVariant *bytes_of(const uint8_t *v, gsize n)
{
    return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, v, n, 1);
}

/* The children of the diag section (CXFW_DIAG_STATE_TYPE). */
enum {
    DIAG_BASELINE, DIAG_ENABLE, DIAG_SINGLE, DIAG_REPETITIVE,
    DIAG_LOG_SAMPLES = 6, DIAG_LOG_PERIOD, DIAG_ROWS, DIAG_TAKEN = 10,
    DIAG_VALUES = 12,
};

/* The children of a resource dump (CXFW_RSC_DUMP_STATE_TYPE). */
enum { DUMP_OPAQUE = 5 };

/*
 * Streams that are well formed but wrong: each made by damaging one thing
 * in the source's state, saving, and repairing it (apply), or, for what no
 * state can be saved as, by editing one section of the saved stream (edit
 * of section's value; with section NULL, of the a{sv} of all sections).
 */
typedef struct Damage {
    const char *what;
    const char *message;
    void (*apply)(World *w, bool undo);
    const char *section;
    GVariant *(*edit)(World *w, GVariant *v);
} Damage;

#define IN_STATE(name, fn, msg) { .what = name, .message = msg, .apply = fn }
#define IN_STREAM(name, sect, fn, msg) \
    { .what = name, .message = msg, .section = sect, .edit = fn }

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

static CxfwUar *uar_of(World *w, uint32_t index)
{
    return &g_array_index(w->fh->fw->uars, CxfwUar, index);
}

/* By number alone: a damage may change the owner and undo it. */
static void *object_of(GHashTable *table, uint32_t number)
{
    return g_hash_table_lookup(table, GUINT_TO_POINTER(number));
}

static CxfwUmem *tools_umem(World *w)
{
    return object_of(w->fh->fw->umems, w->tools_buf.umem);
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
    SWAP_FIELD(tools_umem(w)->obj.uid, 4000);
}

/* log_max_qp is settable up to the profile's 18 */
static void cap_above_max(World *w, bool undo)
{
    static uint8_t saved[CXFW_CAP_SIZE];
    uint8_t *cap = w->fh->fw->cap_general_cur;

    if (undo) {
        memcpy(cap, saved, CXFW_CAP_SIZE);
        return;
    }
    memcpy(saved, cap, CXFW_CAP_SIZE);
    cxfw_set(cap, CXFW_FLD(cmd_hca_cap, log_max_qp), 19);
}

static void health_wide(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->health_counter, 1u << 24);
}

static void nic_while_running(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->nic_interface, 1);
}

static void issi_range(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->issi, 2);
}

static void uar_dead_owner(World *w, bool undo)
{
    SWAP_FIELD(uar_of(w, w->user_uar)->uid, 777);
}

/* A scope-labelled context may send none of the creating commands. */
static void uar_labelled(World *w, bool undo)
{
    SWAP_FIELD(uar_of(w, w->user_uar)->uid, w->labelled);
}

static void eq_labelled(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->uid, w->labelled);
}

static void umem_labelled(World *w, bool undo)
{
    SWAP_FIELD(tools_umem(w)->obj.uid, w->labelled);
}

static void pd_labelled(World *w, bool undo)
{
    CxfwPd *pd = object_of(w->fh->fw->pds, w->tools_buf.pd);

    SWAP_FIELD(pd->obj.uid, w->labelled);
}

static void mkey_labelled(World *w, bool undo)
{
    CxfwMkey *key = object_of(w->fh->fw->mkeys, w->user_buf.mkey >> 8);

    SWAP_FIELD(key->obj.uid, w->labelled);
}

static void eq_log_size(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->log_size, 24);
}

/* the user EQ's 8 entries need one page */
static void eq_page_count(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->npas, 0);
}

static void eq_page_misaligned(World *w, bool undo)
{
    SWAP_FIELD(user_eq(w)->pas[0], user_eq(w)->pas[0] + 64);
}

static void umem_number(World *w, bool undo)
{
    SWAP_FIELD(tools_umem(w)->obj.number, 0);
}

static void umem_offset(World *w, bool undo)
{
    SWAP_FIELD(umem_of_uid(w, w->user_buf.umem, w->user)->page_offset,
               FH_PAGE_SIZE);
}

/* 16 pages of 1 GiB: over the profile's 1 GiB of registered memory */
static void umem_budget(World *w, bool undo)
{
    SWAP_FIELD(tools_umem(w)->page_shift,
               CXFW_UMEM_PAGE_SHIFT + CXFW_UMEM_MAX_LOG_PAGE_SIZE);
}

static void mkey_access(World *w, bool undo)
{
    SWAP_FIELD(user_mkey(w)->access, 0x20);
}

/* the world received one unsupported opcode */
static void unsupported_above(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->stats.unsupported, 0);
}

static void unsupported_below(World *w, bool undo)
{
    SWAP_FIELD(w->fh->fw->stats.unsupported, 3);
}

/* Edits of a table (or of the sections): what no save writes. */
static GVariant *first_two_swapped(World *w, GVariant *v)
{
    return swapped(v, 0, 1);
}

static GVariant *second_twice(World *w, GVariant *v)
{
    GVariant *again = g_variant_get_child_value(v, 1);

    return spliced(v, 1, 0, &again, 1);
}

static GVariant *last_dropped(World *w, GVariant *v)
{
    return spliced(v, g_variant_n_children(v) - 1, 1, NULL, 0);
}

static GVariant *section_retyped(World *w, GVariant *v)
{
    return replaced(v, AT(section_index("cursors"), 1, 0),
                    g_variant_new("(uuu)", 0, 0, 0));
}

static GVariant *stat_extra(World *w, GVariant *v)
{
    GVariant *extra = g_variant_new("{st}", "extra", (uint64_t)0);

    return spliced(v, g_variant_n_children(v), 0, &extra, 1);
}

static GVariant *caps_short(World *w, GVariant *v)
{
    const uint8_t cap[100] = { 0 };

    return with_child(v, 2, bytes_of(cap, sizeof(cap)));
}

static GVariant *uctx_uid_0(World *w, GVariant *v)
{
    return replaced(v, AT(0, 0), g_variant_new_uint16(0));
}

/* Plain contexts of uids 1, 2, ... one more than log_max_uctx allows. */
static GVariant *uctxs_over_limit(World *w, GVariant *v)
{
    uint32_t max = cxfw_cap_limit(w->fh->fw,
                                  CXFW_FLD(cmd_hca_cap, log_max_uctx),
                                  CXFW_UID_MAX);
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(qu)"));
    for (uint32_t uid = 1; uid <= max + 1; uid++) {
        g_variant_builder_add(&b, "(qu)", (uint16_t)uid, 0u);
    }
    return g_variant_builder_end(&b);
}

static GVariant *eq_number_0(World *w, GVariant *v)
{
    return replaced(v, AT(0, 0), g_variant_new_byte(0));
}

static GVariant *diag_baselines(World *w, GVariant *v)
{
    const uint64_t zeros[CXFW_DIAG_NUM_COUNTERS] = { 0 };

    return with_child(v, DIAG_BASELINE,
                      u64s(zeros, CXFW_DIAG_NUM_COUNTERS - 1));
}

static GVariant *diag_period(World *w, GVariant *v)
{
    return with_child(v, DIAG_LOG_PERIOD, g_variant_new_byte(64));
}

static GVariant *diag_values(World *w, GVariant *v)
{
    return with_child(v, DIAG_VALUES, u64s(NULL, 0));
}

static GVariant *diag_row_twice(World *w, GVariant *v)
{
    const uint8_t rows[2] = { 0, 0 };

    return with_child(v, DIAG_ROWS, bytes_of(rows, 2));
}

/* rsc-dumps is (serial, dumps): uid 0's first, the tools context's */
static GVariant *dumps_swapped(World *w, GVariant *v)
{
    g_autoptr(GVariant) dumps = g_variant_get_child_value(v, 1);

    return with_child(v, 1, swapped(dumps, 0, 1));
}

static GVariant *dumps_twice(World *w, GVariant *v)
{
    g_autoptr(GVariant) dumps = g_variant_get_child_value(v, 1);

    return with_child(v, 1, second_twice(w, dumps));
}

static GVariant *dump_dead_uid(World *w, GVariant *v)
{
    return replaced(v, AT(1, 1, 0), g_variant_new_uint16(777));
}

/* a plain context may not read RESOURCE_DUMP */
static GVariant *dump_of_user(World *w, GVariant *v)
{
    return replaced(v, AT(1, 1, 0), g_variant_new_uint16(w->user));
}

static GVariant *dump_retyped(World *w, GVariant *v)
{
    return replaced(v, AT(1, 1, 1),
                    g_variant_new_variant(g_variant_new_uint32(0)));
}

static GVariant *dump_opaque(World *w, GVariant *v, uint64_t opaque)
{
    return replaced(v, AT(1, 1, 1, 0, DUMP_OPAQUE),
                    g_variant_new_uint64(opaque));
}

static GVariant *dump_opaque_uid(World *w, GVariant *v)
{
    return dump_opaque(w, v, 1ull << 16 | w->user);
}

static GVariant *dump_opaque_no_serial(World *w, GVariant *v)
{
    return dump_opaque(w, v, w->tools);
}

static GVariant *dump_opaque_ahead(World *w, GVariant *v)
{
    return dump_opaque(w, v, (w->fh->fw->rsc_dump_serial + 1) << 16 |
                             w->tools);
}

static GVariant *unsupported_implemented(World *w, GVariant *v)
{
    return replaced(v, AT(0, 0), g_variant_new_uint16(CXFW_OP_QUERY_HCA_CAP));
}

/* the world's one unsupported opcode is 0x0999 */
static GVariant *unsupported_swapped(World *w, GVariant *v)
{
    GVariant *before = g_variant_new("(qt)", 0x0998, (uint64_t)1);

    return spliced(v, 1, 0, &before, 1);
}

static const Damage damages[] = {
    IN_STATE("EQ vector", eq_vector, "vector 99"),
    IN_STATE("EQ owner", eq_owner, "uid 777, which has no context"),
    IN_STATE("EQ on another uid's UAR", eq_foreign_uar, "does not own UAR"),
    IN_STATE("user EQ with events", eq_events, "subscribes to events"),
    IN_STATE("EQ counters", eq_counters, "producer"),
    IN_STATE("EQ from the future", eq_future, "after the last command"),
    IN_STATE("mkey over another uid's umem", mkey_foreign_umem,
             "owns no umem"),
    IN_STATE("mkey beyond its umem", mkey_beyond, "outside umem"),
    IN_STATE("umem page entry", umem_page_entry, "page entry"),
    IN_STATE("umem page shift", umem_page_shift, "page shift 40"),
    IN_STATE("umem page past the end of the bus", umem_page_wraps,
             "page entry"),
    IN_STATE("more EQs than log_max_eq", eqs_over_limit,
             "17 EQs, at most 16"),
    IN_STATE("UAR in the init segment", uar_in_iseg, "not a UAR page"),
    IN_STATE("context capabilities", uctx_cap, "cannot grant"),
    IN_STATE("capability not settable", cap_unsettable,
             "outside the settable"),
    IN_STATE("settable capability above its maximum", cap_above_max,
             "settable capability 0 (of 10) above the maximum"),
    IN_STATE("HCA state", hca_state, "HCA state 7"),
    IN_STATE("command queue address", cmdq_misaligned, "not page aligned"),
    IN_STATE("number cursor", cursor_range, "cursor"),
    IN_STATE("object of no context", dead_owner, "no context"),
    IN_STATE("health counter above 24 bits", health_wide,
             "health counter 0x1000000"),
    IN_STATE("nic_interface with a running HCA", nic_while_running,
             "with nic_interface 1"),
    IN_STATE("ISSI out of range", issi_range, "ISSI 2"),
    IN_STATE("UAR of no context", uar_dead_owner,
             "uid 777, which has no context"),
    IN_STATE("UAR of a labelled context", uar_labelled,
             "may not send ALLOC_UAR"),
    IN_STATE("EQ of a labelled context", eq_labelled,
             "may not send CREATE_EQ"),
    IN_STATE("umem of a labelled context", umem_labelled,
             "may not send CREATE_UMEM"),
    IN_STATE("PD of a labelled context", pd_labelled,
             "may not send ALLOC_PD"),
    IN_STATE("mkey of a labelled context", mkey_labelled,
             "may not send CREATE_MKEY"),
    IN_STATE("EQ log size", eq_log_size, "log size 24"),
    IN_STATE("EQ page count", eq_page_count, "0 pages, its size needs 1"),
    IN_STATE("EQ page misaligned", eq_page_misaligned, "misaligned"),
    IN_STATE("umem number 0", umem_number, "umem 0 is out of range"),
    IN_STATE("umem page offset", umem_offset, "at offset 4096"),
    IN_STATE("umem over the byte budget", umem_budget, "over the limit"),
    IN_STATE("mkey access bits", mkey_access, "access 0x20"),
    IN_STATE("unsupported counts above the statistic", unsupported_above,
             "more often than the statistic's 0"),
    IN_STATE("unsupported counts below the statistic", unsupported_below,
             "add up to 1, the statistic says 3"),
    IN_STREAM("sections out of order", NULL, first_two_swapped,
              "section 'identity' (type (s(qqq)u)) missing: section 0 is "
              "'iseg'"),
    IN_STREAM("a section of another type", NULL, section_retyped,
              "section 'cursors' of type (uuu), not (uuuu)"),
    IN_STREAM("a section missing", NULL, last_dropped,
              "14 sections, version 1 has 15"),
    IN_STREAM("statistics out of order", "stats", first_two_swapped,
              "counter 0 is 'command_errors', not 'commands'"),
    IN_STREAM("a statistic missing", "stats", last_dropped,
              "statistics of 13 counters, not 14"),
    IN_STREAM("a statistic extra", "stats", stat_extra,
              "statistics of 15 counters, not 14"),
    IN_STREAM("capabilities of another size", "hca", caps_short,
              "general capabilities of 100 bytes"),
    IN_STREAM("context of uid 0", "uctxs", uctx_uid_0,
              "a user context of uid 0"),
    IN_STREAM("contexts out of order", "uctxs", first_two_swapped,
              "uid 1 after 2: not in ascending order"),
    IN_STREAM("more contexts than log_max_uctx", "uctxs", uctxs_over_limit,
              "257 user contexts, at most 256"),
    IN_STREAM("UARs out of order", "uars", first_two_swapped,
              "UAR 16 after 17: not in ascending order"),
    IN_STREAM("UAR listed twice", "uars", second_twice,
              "UAR 17 after 17: not in ascending order, or listed twice"),
    IN_STREAM("EQ 0", "eqs", eq_number_0, "EQ 0, a number"),
    IN_STREAM("EQs out of order", "eqs", first_two_swapped,
              "EQ 1 after 2"),
    IN_STREAM("umems out of order", "umems", first_two_swapped,
              "umem 1 after 2"),
    IN_STREAM("PDs out of order", "pds", first_two_swapped, "PD 1 after 2"),
    IN_STREAM("mkeys out of order", "mkeys", first_two_swapped,
              "mkey 1 after 2"),
    IN_STREAM("diag baselines", "diag", diag_baselines,
              "11 baselines, 2 counters selected"),
    IN_STREAM("diag sample period", "diag", diag_period,
              "sample period 2^64 ns"),
    IN_STREAM("diag sample buffer", "diag", diag_values,
              "a sample buffer of 4 slots and 0 values"),
    IN_STREAM("diag counter selected twice", "diag", diag_row_twice,
              "counter 1 is row 0"),
    IN_STREAM("resource dumps out of order", "rsc-dumps", dumps_swapped,
              "resource dump of uid 0 after 2"),
    IN_STREAM("two resource dumps of a uid", "rsc-dumps", dumps_twice,
              "resource dump of uid 2 after 2"),
    IN_STREAM("resource dump of no context", "rsc-dumps", dump_dead_uid,
              "uid 777, which has no context"),
    IN_STREAM("resource dump of a plain context", "rsc-dumps", dump_of_user,
              "uid 1, which may not read RESOURCE_DUMP"),
    IN_STREAM("resource dump of another type", "rsc-dumps", dump_retyped,
              "a resource dump of type u"),
    IN_STREAM("resource dump of another uid's opaque", "rsc-dumps",
              dump_opaque_uid, "device_opaque 0x10001"),
    IN_STREAM("resource dump opaque without a serial", "rsc-dumps",
              dump_opaque_no_serial, "device_opaque 0x2:"),
    IN_STREAM("resource dump opaque of a later serial", "rsc-dumps",
              dump_opaque_ahead, "device_opaque 0x30002"),
    IN_STREAM("unsupported opcode implemented", "unsupported",
              unsupported_implemented, "0x100: implemented"),
    IN_STREAM("unsupported opcodes out of order", "unsupported",
              unsupported_swapped, "opcode 0x998 after 0x999"),
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
    if (d->apply) {
        d->apply(&w, false);
        state = save(w.fh->fw);
        d->apply(&w, true);
        check_fw(w.fh->fw);
    } else {
        g_autoptr(GBytes) good = save(w.fh->fw);
        g_autoptr(GVariant) all = parsed(good);

        if (d->section) {
            g_autoptr(GVariant) v = section_of(good, d->section);

            state = with_section(good, d->section, d->edit(&w, v));
        } else {
            g_autoptr(GVariant) sections = g_variant_get_child_value(all, 1);

            state = serialized(with_child(all, 1, d->edit(&w, sections)));
        }
    }

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
 * when the flip hit a value any state may hold, taken consistently: the
 * stream is canonical, so the loaded state saves to the very bytes taken.
 */
static void check_damaged(Cxfw *fw, GBytes *bad, GBytes *good_target,
                          unsigned *refused)
{
    g_autofree char *err = NULL;
    g_autoptr(GBytes) now = NULL;

    if (!load(fw, bad, &err)) {
        now = save(fw);
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err, "cxsim firmware state: "));
        g_assert_true(g_bytes_equal(now, good_target));
        (*refused)++;
        return;
    }
    check_fw(fw);
    now = save(fw);
    g_assert_true(g_bytes_equal(now, bad));
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
            CXFW_RSC_DUMP_STATE_FORMAT, CXFW_DUMP_SEG_MENU, 0, 0, 0, 0,
            (uint64_t)0x10001, cases[i].seq,
            g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes,
                                      cases[i].bytes, 1),
            g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, cases[i].ends,
                                      cases[i].n_ends, sizeof(uint32_t)),
            cases[i].next));
        g_autofree char *why = NULL;
        CxfwRscDump *d = cxfw_rsc_dump_load(v, 1, 1, &why);

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
              with_child(diag, DIAG_BASELINE,
                         u64s(zeros, CXFW_DIAG_NUM_COUNTERS)),
              "disabled HCA" },
            { "ISSI 1", "hca", with_child(hca, 1, g_variant_new_uint16(1)),
              "disabled HCA" },
        };

        assert_sections_refused(dst->fw, off, cases, G_N_ELEMENTS(cases));
    }
    world_free(&w);
}

/*
 * The pages of a profile that needs them (boot, init and regular pages
 * given, the HCA initialized), each time wrong in one way MANAGE_PAGES,
 * INIT_HCA or a take rules out.
 */
static void test_pages_checks(void)
{
    g_autoptr(FakeHost) src = fh_new("cx6dx-pages");
    g_autoptr(FakeHost) dst = fh_new("cx6dx-pages");
    g_autoptr(GBytes) state = NULL;
    g_autoptr(GVariant) pages = NULL;
    g_autofree uint64_t *many = NULL;
    const uint64_t *addrs;
    uint32_t max, needed;
    gsize n;

    fh_bringup(src);
    state = save(src->fw);
    pages = section_of(state, "pages");
    addrs = g_variant_get_fixed_array(pages, &n, sizeof(uint64_t));
    max = src->fw->profile->max_pages;
    needed = src->fw->profile->boot_pages + src->fw->profile->init_pages;
    g_assert_cmpuint(n, >=, needed);
    many = g_new(uint64_t, max + 1);
    for (uint32_t i = 0; i <= max; i++) {
        many[i] = (uint64_t)i * FH_PAGE_SIZE;
    }
    {
        const BadSection cases[] = {
            { "a page misaligned", "pages",
              with_child(pages, 0, g_variant_new_uint64(addrs[0] + 8)),
              "misaligned" },
            { "pages out of order", "pages", swapped(pages, 0, 1),
              "not in ascending order" },
            { "a page given twice", "pages",
              with_child(pages, 1, g_variant_new_uint64(addrs[0])),
              "listed twice" },
            { "more pages than max_pages", "pages", u64s(many, max + 1),
              "the firmware takes at most" },
            { "an initialized HCA short of its pages", "pages",
              u64s(addrs, needed - 1), "INIT_HCA needs 80" },
        };

        assert_sections_refused(dst->fw, state, cases, G_N_ELEMENTS(cases));
    }
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
    repetitive = g_variant_ref_sink(with_child(diag, DIAG_REPETITIVE,
                                               g_variant_new_boolean(true)));
    {
        const BadSection in_session[] = {
            { "a mode the device lacks", "diag",
              with_child(repetitive, DIAG_SINGLE,
                         g_variant_new_boolean(false)), "mode" },
            { "a baseline above its statistic", "diag",
              with_child(diag, DIAG_BASELINE,
                         u64s(high, CXFW_DIAG_NUM_COUNTERS)),
              "baseline of COMMANDS" },
            { "single mode, more samples than slots", "diag",
              with_child(diag, DIAG_TAKEN, g_variant_new_uint64(5)),
              "single mode took 5 samples into 4 slots" },
        };
        const BadSection no_session[] = {
            { "no counters, a sample buffer size", "diag",
              with_child(empty, DIAG_LOG_SAMPLES, g_variant_new_byte(3)),
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

    /*
     * "(ua{sv})": the version is the first 4 bytes, little-endian: the
     * stream is little-endian on every host (cxfw-state.c), so this holds
     * by definition, a big-endian host included.
     */
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
    g_test_add_func("/state/pages-checks", test_pages_checks);
    for (unsigned i = 0; i < G_N_ELEMENTS(damages); i++) {
        g_autofree char *path = g_strdup_printf("/state/damaged/%s",
                                                damages[i].what);

        g_test_add_data_func(path, &damages[i], test_damaged_meaning);
    }
    return g_test_run();
}
