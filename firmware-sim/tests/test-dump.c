/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dump registers (docs/prm-coverage.md, "Dumps"): RESOURCE_DUMP's
 * menu and every segment as uid 0 and as user contexts (each seeing only
 * its own objects), inline continuation against dumps to memory, the bus
 * addresses a dump lands at, every refusal (nothing written, nothing
 * changed), snapshots and their end at teardown and reset; CORE_DUMP's
 * image (header, sections tiling the image, the CRC-32, the filler, the
 * same records as RESOURCE_DUMP), its determinism and its refusals.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-dump.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define RW (FH_MTT_RD | FH_MTT_WR)
#define LRW (FH_MKEY_LR | FH_MKEY_LW)
#define RD(field) CXFW_FLD(resource_dump, field)
#define SEGHDR(field) CXFW_FLD(resource_dump_segment_header, field)
#define RSEG(field) CXFW_FLD(resource_dump_resource_segment, field)
#define REC(field) CXFW_FLD(resource_dump_menu_record, field)
#define CD(field) CXFW_FLD(core_dump_reg, field)
#define CH(field) CXFW_FLD(core_dump_header, field)
#define CS(field) CXFW_FLD(core_dump_section, field)
#define RD_SIZE CXFW_SIZEOF(resource_dump)
#define CD_SIZE CXFW_SIZEOF(core_dump_reg)
#define IMAGE CXFW_CORE_DUMP_SIZE
#define CANARY 0xa5
#define MAX_READS 100000

static void check_fw(FakeHost *fh)
{
    g_autofree char *why = NULL;

    if (!cxfw_check_invariants(fh->fw, &why)) {
        g_error("firmware invariant violated: %s", why);
    }
}

/* ---- RESOURCE_DUMP requests and replies ---- */

/* A first read (more_dump 0) of segment type, inline or to memory. */
static void rd_request(uint8_t *reg, uint16_t type, uint32_t index1,
                       uint16_t num_of_obj1, const FhBuf *b, uint32_t size)
{
    memset(reg, 0, RD_SIZE);
    cxfw_set(reg, RD(segment_type), type);
    cxfw_set(reg, RD(index1), index1);
    cxfw_set(reg, RD(num_of_obj1), num_of_obj1);
    cxfw_set(reg, RD(inline_dump), b == NULL);
    if (b) {
        cxfw_set(reg, RD(mkey), b->mkey);
        cxfw_set(reg, RD(address), b->va);
        cxfw_set(reg, RD(size), size);
    }
}

static uint8_t rd_read(FakeHost *fh, uint16_t uid, const uint8_t *in,
                       uint8_t *out, uint32_t *synd)
{
    return fh_reg_read(fh, uid, CXFW_REG_RESOURCE_DUMP, in, out, RD_SIZE,
                       synd);
}

/*
 * A whole dump, read on the way mlx5_core does it (each request is the
 * previous reply): inline when b is NULL, else through b's key with
 * `size` bytes of room.  Checks the protocol fields of every reply;
 * returns the stream, *reads the replies it took.
 */
static GByteArray *dump_all(FakeHost *fh, uint16_t uid, uint16_t type,
                            uint32_t index1, uint16_t num_of_obj1,
                            const FhBuf *b, uint32_t size, unsigned *reads)
{
    GByteArray *s = g_byte_array_new();
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    uint64_t opaque = 0;
    unsigned n = 0;
    uint32_t synd;

    rd_request(reg, type, index1, num_of_obj1, b, size);
    for (;;) {
        uint32_t len;
        uint8_t seq = cxfw_get(reg, RD(seq_num));

        g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==, 0);
        g_assert_cmpuint(cxfw_get(out, RD(seq_num)), ==, (seq + 1) & 0xf);
        g_assert_cmpuint(cxfw_get(out, RD(segment_type)), ==, type);
        g_assert_cmpuint(cxfw_get(out, RD(index1)), ==, index1);
        len = cxfw_get(out, RD(size));
        g_assert_cmpuint(len, >, 0);
        g_assert_cmpuint(len % 4, ==, 0);
        if (b) {
            g_assert_cmpuint(len, <=, size);
            g_assert_cmpuint(cxfw_get(out, RD(mkey)), ==, b->mkey);
            g_byte_array_set_size(s, s->len + len);
            fh_buf_read(fh, b, 0, s->data + s->len - len, len);
        } else {
            g_assert_cmpuint(len, <=, CXFW_RSC_DUMP_INLINE_LEN);
            g_byte_array_append(s, out + cxfw_field_byte(RD(inline_data)),
                                len);
        }
        n++;
        g_assert_cmpuint(n, <, MAX_READS);
        if (!cxfw_get(out, RD(more_dump))) {
            g_assert_cmphex(cxfw_get(out, RD(device_opaque)), ==, 0);
            break;
        }
        /* one device_opaque for the whole dump */
        g_assert_cmphex(cxfw_get(out, RD(device_opaque)), !=, 0);
        if (opaque) {
            g_assert_cmphex(cxfw_get(out, RD(device_opaque)), ==, opaque);
        }
        opaque = cxfw_get(out, RD(device_opaque));
        memcpy(reg, out, RD_SIZE);
        /* the reply's size is what it carried; ask for the room again */
        cxfw_set(reg, RD(size), size);
    }
    if (reads) {
        *reads = n;
    }
    return s;
}

static GByteArray *dump_inline(FakeHost *fh, uint16_t uid, uint16_t type)
{
    return dump_all(fh, uid, type, 0, 0, NULL, 0, NULL);
}

/* The segments of a stream: their offsets; checks info first, terminate last. */
static GArray *stream_segments(const GByteArray *s)
{
    GArray *offs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    uint32_t off = 0, last = 0;

    while (off < s->len) {
        uint32_t len = cxfw_get(s->data + off, SEGHDR(length_dw)) * 4;

        g_assert_cmpuint(len, >=, 4);
        g_array_append_val(offs, off);
        last = off;
        off += len;
    }
    g_assert_cmpuint(off, ==, s->len);
    g_assert_cmpuint(offs->len, >=, 3);
    g_assert_cmphex(cxfw_get(s->data, SEGHDR(segment_type)), ==,
                    CXFW_DUMP_SEG_INFO);
    g_assert_cmphex(cxfw_get(s->data + g_array_index(offs, uint32_t, 1),
                             SEGHDR(segment_type)), ==,
                    CXFW_DUMP_SEG_COMMAND);
    g_assert_cmphex(cxfw_get(s->data + last, SEGHDR(segment_type)), ==,
                    CXFW_DUMP_SEG_TERMINATE);
    g_assert_cmpuint(s->len - last, ==,
                     CXFW_SIZEOF(resource_dump_terminate_segment));
    return offs;
}

/* The resource segments of a table's stream (between command and end). */
static GPtrArray *stream_records(const GByteArray *s, uint16_t type)
{
    g_autoptr(GArray) offs = stream_segments(s);
    GPtrArray *recs = g_ptr_array_new();

    for (guint i = 2; i + 1 < offs->len; i++) {
        const uint8_t *seg = s->data + g_array_index(offs, uint32_t, i);

        g_assert_cmphex(cxfw_get(seg, SEGHDR(segment_type)), ==, type);
        g_ptr_array_add(recs, (gpointer)seg);
    }
    return recs;
}

static const uint8_t *payload(const uint8_t *seg)
{
    return seg + cxfw_field_byte(RSEG(payload));
}

/* ---- the menu ---- */

static const struct {
    uint16_t type;
    const char *name, *index1_name, *index2_name;
} menu_expected[] = {
    { CXFW_DUMP_SEG_DEVICE, "DEVICE", "COOKIE_LOW", "COOKIE_HIGH" },
    { CXFW_DUMP_SEG_UCTX, "UCTX", "UID", NULL },
    { CXFW_DUMP_SEG_UMEM, "UMEM", "UMEM_ID", NULL },
    { CXFW_DUMP_SEG_MKEY, "MKEY", "MKEY_INDEX", NULL },
    { CXFW_DUMP_SEG_PD, "PD", "PD", NULL },
    { CXFW_DUMP_SEG_EQ, "EQ", "EQN", NULL },
    { CXFW_DUMP_SEG_UAR, "UAR", "UAR_INDEX", NULL },
    { CXFW_DUMP_SEG_PAGES, "PAGES", "PAGE_POSITION", NULL },
    { CXFW_DUMP_SEG_COUNTERS, "COUNTERS", "COUNTER_ID", NULL },
};

static void check_menu(Cxfw *fw, const GByteArray *s)
{
    g_autoptr(GArray) offs = stream_segments(s);
    const uint8_t *info = s->data;
    const uint8_t *cmd = s->data + g_array_index(offs, uint32_t, 1);
    const uint8_t *menu = s->data + g_array_index(offs, uint32_t, 2);
    const uint8_t *rec = menu + cxfw_field_byte(
        CXFW_FLD(resource_dump_menu_segment, record));
    uint32_t rec_size = CXFW_SIZEOF(resource_dump_menu_record);
    unsigned n = G_N_ELEMENTS(menu_expected);

    g_assert_cmpuint(offs->len, ==, 4);
    g_assert_cmpuint(cxfw_get(info, CXFW_FLD(resource_dump_info_segment,
                                             dump_version)), ==, 1);
    g_assert_cmphex(cxfw_get(info, CXFW_FLD(resource_dump_info_segment,
                                            hw_version)), ==, 0x212);
    g_assert_cmphex(cxfw_get(info, CXFW_FLD(resource_dump_info_segment,
                                            fw_version)), ==,
                    cxfw_health_fw_version(fw));
    g_assert_cmphex(cxfw_get(cmd, CXFW_FLD(resource_dump_command_segment,
                                           segment_called)), ==,
                    CXFW_DUMP_SEG_MENU);
    g_assert_cmphex(cxfw_get(menu, SEGHDR(segment_type)), ==,
                    CXFW_DUMP_SEG_MENU);
    g_assert_cmpuint(cxfw_get(menu, SEGHDR(length_dw)) * 4, ==,
                     CXFW_SIZEOF(resource_dump_menu_segment) + n * rec_size);
    g_assert_cmpuint(cxfw_get(menu, CXFW_FLD(resource_dump_menu_segment,
                                             num_of_records)), ==, n);
    for (unsigned i = 0; i < n; i++, rec += rec_size) {
        g_assert_cmphex(cxfw_get(rec, REC(segment_type)), ==,
                        menu_expected[i].type);
        g_assert_cmpstr((const char *)rec +
                        cxfw_field_byte(REC(segment_name)), ==,
                        menu_expected[i].name);
        g_assert_cmpstr((const char *)rec +
                        cxfw_field_byte(REC(index1_name)), ==,
                        menu_expected[i].index1_name);
        g_assert_cmpstr((const char *)rec +
                        cxfw_field_byte(REC(index2_name)), ==,
                        menu_expected[i].index2_name ?: "");
        g_assert_cmpuint(cxfw_get(rec, REC(support_index1)), ==, 1);
        /* the device dump has no objects to count */
        g_assert_cmpuint(cxfw_get(rec, REC(support_num_of_obj1)), ==,
                         menu_expected[i].type != CXFW_DUMP_SEG_DEVICE);
        g_assert_cmpuint(cxfw_get(rec, REC(num_of_obj1_supports_all)), ==,
                         menu_expected[i].type != CXFW_DUMP_SEG_DEVICE);
    }
}

/*
 * The menu as mlx5_core reads it (diag/rsc_dump.c,
 * mlx5_rsc_dump_read_menu_sgmt): the first reply's header, then records
 * by name until num_of_records.  Returns the segment type of name.
 */
static uint16_t stock_menu_lookup(const uint8_t *page, uint32_t size,
                                  const char *name)
{
    uint32_t hdr = CXFW_SIZEOF(resource_dump_info_segment) +
                   CXFW_SIZEOF(resource_dump_command_segment) +
                   CXFW_SIZEOF(resource_dump_menu_segment);
    uint32_t rec_size = CXFW_SIZEOF(resource_dump_menu_record);
    const uint8_t *menu = page + CXFW_SIZEOF(resource_dump_info_segment) +
                          CXFW_SIZEOF(resource_dump_command_segment);
    uint32_t n = cxfw_get(menu, CXFW_FLD(resource_dump_menu_segment,
                                         num_of_records));

    for (uint32_t i = 0; i < n && hdr + (i + 1) * rec_size < size; i++) {
        const uint8_t *rec = page + hdr + i * rec_size;

        if (!strcmp((const char *)rec + cxfw_field_byte(REC(segment_name)),
                    name)) {
            return cxfw_get(rec, REC(segment_type));
        }
    }
    return 0;
}

static void test_menu(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint16_t tools;
    unsigned reads;
    FhBuf b;

    fh_bringup(fh);
    tools = fh_uctx_new(fh, TOOLS);
    fh_buf_new(fh, &b, 0, FH_PAGE_SIZE, 0, false, RW, LRW);
    /* inline: 208 bytes a read, the same menu for every caller */
    for (unsigned u = 0; u < 2; u++) {
        g_autoptr(GByteArray) s = dump_all(fh, u ? tools : 0,
                                           CXFW_DUMP_SEG_MENU, 0, 0, NULL, 0,
                                           &reads);

        check_menu(fh->fw, s);
        g_assert_cmpuint(reads, ==, 3);
    }
    /* to memory, one page, as mlx5_core asks: one reply, names to types */
    {
        g_autoptr(GByteArray) s = dump_all(fh, 0, CXFW_DUMP_SEG_MENU, 0, 0,
                                           &b, FH_PAGE_SIZE, &reads);

        g_assert_cmpuint(reads, ==, 1);
        check_menu(fh->fw, s);
        for (unsigned i = 0; i < G_N_ELEMENTS(menu_expected); i++) {
            g_assert_cmphex(stock_menu_lookup(s->data, s->len,
                                              menu_expected[i].name), ==,
                            menu_expected[i].type);
        }
    }
    fh_buf_free(&b);
    check_fw(fh);
}

/* ---- the state segments, as each caller sees them ---- */

/* What the test created: the objects a dump must show. */
typedef struct Obj {
    uint16_t type;
    uint32_t number;
    uint16_t owner;
    uint64_t a, b;              /* per type: what the payload must say */
} Obj;

typedef struct World {
    FakeHost *fh;
    uint16_t user_a, user_b, empty, raw;
    GArray *objs;               /* of Obj */
    FhBuf buf0, buf_a, buf_b, out0;
} World;

static void world_add(World *w, uint16_t type, uint32_t number,
                      uint16_t owner, uint64_t a, uint64_t b)
{
    Obj o = { type, number, owner, a, b };

    g_array_append_val(w->objs, o);
}

static void world_buf(World *w, FhBuf *b, uint16_t uid, uint64_t size,
                      uint32_t page_offset)
{
    fh_buf_new(w->fh, b, uid, size, page_offset, true, RW, LRW);
    world_add(w, CXFW_DUMP_SEG_UMEM, b->umem, uid, b->npages, page_offset);
    world_add(w, CXFW_DUMP_SEG_PD, b->pd, uid, 1, 0);
    world_add(w, CXFW_DUMP_SEG_MKEY, b->mkey >> 8, uid, b->umem, b->pd);
}

static uint32_t uar_as(World *w, uint16_t uid)
{
    uint8_t in[CXFW_SIZEOF(alloc_uar_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(alloc_uar_out)];

    fh_hdr(in, CXFW_OP_ALLOC_UAR, 0);
    g_assert_cmphex(fh_exec_as(w->fh, uid, in, sizeof(in), out, sizeof(out)),
                    ==, 0);
    return cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
}

static uint8_t eq_as(World *w, uint16_t uid, uint32_t uar, uint64_t events,
                     unsigned vector)
{
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(w->fh, 3, events, vector, uar, &inlen);
    uint8_t out[CXFW_SIZEOF(create_eq_out)];

    g_assert_cmphex(fh_exec_as(w->fh, uid, in, inlen, out, sizeof(out)), ==,
                    0);
    return cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));
}

/*
 * uid 0 with pages, a UAR, an EQ and a registered buffer; users A and B
 * with buffers, A with a UAR, an EQ and a second PD; an empty tools
 * context; a context without TOOLS_RESOURCES.
 */
static void world_new(World *w)
{
    uint64_t pages[5];
    uint32_t uar, pd;
    uint8_t eqn;

    memset(w, 0, sizeof(*w));
    w->fh = fh_new(NULL);
    w->objs = g_array_new(FALSE, FALSE, sizeof(Obj));
    fh_bringup(w->fh);
    world_add(w, CXFW_DUMP_SEG_UAR, w->fh->uar, 0, 1, 0);
    fh_give_pages(w->fh, G_N_ELEMENTS(pages), pages);
    for (unsigned i = 0; i < G_N_ELEMENTS(pages); i++) {
        world_add(w, CXFW_DUMP_SEG_PAGES, i, 0, pages[i], 0);
    }
    eqn = eq_as(w, 0, w->fh->uar, 1ull << CXFW_EVENT_CMD, 1);
    world_add(w, CXFW_DUMP_SEG_EQ, eqn, 0, w->fh->uar, 1);
    w->user_a = fh_uctx_new(w->fh, TOOLS);
    w->user_b = fh_uctx_new(w->fh, TOOLS | CXFW_UCTX_CAP_RAW_TX);
    w->empty = fh_uctx_new(w->fh, TOOLS);
    w->raw = fh_uctx_new(w->fh, CXFW_UCTX_CAP_RAW_TX);
    world_buf(w, &w->buf0, 0, 3 * FH_PAGE_SIZE, 0);
    world_buf(w, &w->buf_a, w->user_a, 2 * FH_PAGE_SIZE - 100, 100);
    world_buf(w, &w->buf_b, w->user_b, 5000, 0x800);
    uar = uar_as(w, w->user_a);
    world_add(w, CXFW_DUMP_SEG_UAR, uar, w->user_a, 1, 0);
    eqn = eq_as(w, w->user_a, uar, 0, 2);
    world_add(w, CXFW_DUMP_SEG_EQ, eqn, w->user_a, uar, 2);
    g_assert_cmphex(fh_pd_alloc(w->fh, w->user_a, &pd, NULL), ==, 0);
    world_add(w, CXFW_DUMP_SEG_PD, pd, w->user_a, 0, 0);
    world_add(w, CXFW_DUMP_SEG_UCTX, w->user_a, w->user_a, TOOLS, 6);
    world_add(w, CXFW_DUMP_SEG_UCTX, w->user_b, w->user_b,
              TOOLS | CXFW_UCTX_CAP_RAW_TX, 3);
    world_add(w, CXFW_DUMP_SEG_UCTX, w->empty, w->empty, TOOLS, 0);
    world_add(w, CXFW_DUMP_SEG_UCTX, w->raw, w->raw, CXFW_UCTX_CAP_RAW_TX, 0);
    /* where uid 0 dumps to memory (its own umem, PD and key: in the world) */
    world_buf(w, &w->out0, 0, 16 * FH_PAGE_SIZE, 0);
}

static void world_free(World *w)
{
    fh_buf_free(&w->buf0);
    fh_buf_free(&w->buf_a);
    fh_buf_free(&w->buf_b);
    fh_buf_free(&w->out0);
    g_array_unref(w->objs);
    fh_free(w->fh);
}

/* The objects of type uid may see, by number. */
static GArray *expected(World *w, uint16_t type, uint16_t uid)
{
    GArray *want = g_array_new(FALSE, FALSE, sizeof(Obj));

    for (guint i = 0; i < w->objs->len; i++) {
        const Obj *o = &g_array_index(w->objs, Obj, i);

        if (o->type == type && (uid == 0 || o->owner == uid)) {
            g_array_append_val(want, *o);
        }
    }
    return want;
}

/* The payload of each table's records against what the world holds. */
static void check_payload(World *w, const Obj *o, const uint8_t *p)
{
    switch (o->type) {
    case CXFW_DUMP_SEG_UCTX:
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_uctx, cap)), ==, o->a);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_uctx, objects)), ==, o->b);
        break;
    case CXFW_DUMP_SEG_UMEM:
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_umem, num_of_mtt)), ==,
                         o->a);
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_umem, page_offset)), ==,
                        o->b);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_umem, log_page_size)), ==,
                         0);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_umem, all_readable)), ==,
                         1);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_umem, all_writable)), ==,
                         1);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_umem, mkeys)), ==, 1);
        break;
    case CXFW_DUMP_SEG_MKEY:
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_mkey, umem_id)), ==, o->a);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_mkey, pd)), ==, o->b);
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_mkey, mkey_7_0)), ==, 0x42);
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_mkey, access)), ==,
                        CXFW_MKEY_LR | CXFW_MKEY_LW);
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_mkey, start_addr)) &
                        ~0xfffull, ==, FH_BUF_VA);
        break;
    case CXFW_DUMP_SEG_PD:
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_pd, mkeys)), ==, o->a);
        break;
    case CXFW_DUMP_SEG_EQ:
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_eq, uar_page)), ==, o->a);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_eq, intr)), ==, o->b);
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_eq, log_eq_size)), ==, 3);
        g_assert_cmphex(cxfw_be64(p + cxfw_field_byte(
                            CXFW_FLD(dump_eq, event_bitmask))), ==,
                        o->owner ? 0 : 1ull << CXFW_EVENT_CMD);
        break;
    case CXFW_DUMP_SEG_UAR:
        g_assert_cmpuint(cxfw_get(p, CXFW_FLD(dump_uar, eqs)), ==, o->a);
        break;
    case CXFW_DUMP_SEG_PAGES:
        g_assert_cmphex(cxfw_get(p, CXFW_FLD(dump_page, address)), ==, o->a);
        break;
    default:
        g_assert_not_reached();
    }
}

/* Counters: uid 0 the device's, a user its own objects' (names, values). */
static void check_counters(World *w, uint16_t uid, GPtrArray *recs,
                           const CxfwStats *st)
{
    static const char *const device[] = {
        "commands", "command_errors", "delivery_errors", "unsupported",
        "events", "events_dropped", "interrupts", "guest_errors",
        "dma_bytes", "dma_errors", "live_uctxs", "live_eqs", "live_uars",
        "live_umems", "live_pds", "live_mkeys", "umem_bytes", "pages_owned",
    };
    const uint64_t device_values[] = {
        st->commands, st->command_errors, st->delivery_errors,
        st->unsupported, st->events, st->events_dropped, st->interrupts,
        st->guest_errors, st->dma_bytes, st->dma_errors, st->live_uctxs,
        st->live_eqs, st->live_uars, st->live_umems, st->live_pds,
        st->live_mkeys, st->umem_bytes, st->pages_owned,
    };
    static const uint16_t own_types[] = {
        CXFW_DUMP_SEG_EQ, CXFW_DUMP_SEG_UAR, CXFW_DUMP_SEG_UMEM,
        CXFW_DUMP_SEG_PD, CXFW_DUMP_SEG_MKEY,
    };

    if (uid == 0) {
        g_assert_cmpuint(recs->len, ==, G_N_ELEMENTS(device));
        for (guint i = 0; i < recs->len; i++) {
            const uint8_t *seg = recs->pdata[i];

            g_assert_cmpuint(cxfw_get(seg, RSEG(index1)), ==, i + 1);
            g_assert_cmpstr((const char *)payload(seg), ==, device[i]);
            g_assert_cmpuint(cxfw_get(payload(seg), CXFW_FLD(dump_counter,
                                                             value)), ==,
                             device_values[i]);
        }
        return;
    }
    /* live_eqs, live_uars, live_umems, live_pds, live_mkeys, umem_bytes */
    g_assert_cmpuint(recs->len, ==, 6);
    for (guint i = 0; i < recs->len; i++) {
        const uint8_t *seg = recs->pdata[i];
        uint64_t value = cxfw_get(payload(seg), CXFW_FLD(dump_counter,
                                                         value));

        g_assert_cmpuint(cxfw_get(seg, RSEG(index1)), ==, 12 + i);
        g_assert_cmpuint(cxfw_get(seg, RSEG(index2)), ==, uid);
        g_assert_cmpstr((const char *)payload(seg), ==, device[11 + i]);
        if (i < G_N_ELEMENTS(own_types)) {
            g_autoptr(GArray) want = expected(w, own_types[i], uid);

            g_assert_cmpuint(value, ==, want->len);
        } else {
            g_autoptr(GArray) want = expected(w, CXFW_DUMP_SEG_UMEM, uid);
            uint64_t bytes = 0;

            for (guint j = 0; j < want->len; j++) {
                bytes += g_array_index(want, Obj, j).a * FH_PAGE_SIZE;
            }
            g_assert_cmpuint(value, ==, bytes);
        }
    }
}

/* Every record of a table's dump is one the caller may see, and all are. */
static void check_table(World *w, uint16_t uid, uint16_t type,
                        const GByteArray *s, const CxfwStats *st)
{
    g_autoptr(GPtrArray) recs = stream_records(s, type);
    g_autoptr(GArray) want = expected(w, type, uid);
    const CxfwDumpTable *t = cxfw_dump_table_find(type);

    for (guint i = 0; i < recs->len; i++) {
        g_assert_cmpuint(cxfw_get(recs->pdata[i], SEGHDR(length_dw)) * 4, ==,
                         cxfw_dump_record_size(t));
    }
    if (type == CXFW_DUMP_SEG_COUNTERS) {
        check_counters(w, uid, recs, st);
        return;
    }
    /* the world lists objects in creation order; the dump in number order */
    g_assert_cmpuint(recs->len, ==, want->len);
    for (guint i = 0; i < recs->len; i++) {
        const uint8_t *seg = recs->pdata[i];
        const Obj *o = NULL;

        for (guint j = 0; j < want->len; j++) {
            const Obj *c = &g_array_index(want, Obj, j);

            if (c->number == cxfw_get(seg, RSEG(index1))) {
                o = c;
            }
        }
        g_assert_nonnull(o);
        g_assert_cmpuint(cxfw_get(seg, RSEG(index2)), ==, o->owner);
        if (uid) {
            g_assert_cmpuint(o->owner, ==, uid);
        }
        if (i) {
            g_assert_cmpuint(cxfw_get(seg, RSEG(index1)), >,
                             cxfw_get(recs->pdata[i - 1], RSEG(index1)));
        }
        check_payload(w, o, payload(seg));
    }
}

static void test_segments(void)
{
    World w;
    unsigned n;
    const CxfwDumpTable *tables = cxfw_dump_tables(&n);

    world_new(&w);
    /* every table, and the device dump */
    g_assert_cmpuint(n + 1, ==, G_N_ELEMENTS(menu_expected));
    for (unsigned t = 0; t < n; t++) {
        const uint16_t callers[] = { 0, w.user_a, w.user_b, w.empty };

        for (unsigned c = 0; c < G_N_ELEMENTS(callers); c++) {
            g_autoptr(GByteArray) inl = NULL;
            g_autoptr(GByteArray) mem = NULL;
            CxfwStats st = fh_stats(w.fh);

            g_test_message("segment %s as uid %u", tables[t].name,
                           callers[c]);
            if (callers[c] == 0) {
                mem = dump_all(w.fh, 0, tables[t].type, 0, 0, &w.out0,
                               w.out0.size, NULL);
                check_table(&w, 0, tables[t].type, mem, &st);
            } else {
                inl = dump_inline(w.fh, callers[c], tables[t].type);
                check_table(&w, callers[c], tables[t].type, inl, &st);
            }
        }
    }
    check_fw(w.fh);
    world_free(&w);
}

/* ---- continuation ---- */

/* Many PDs: a dump of many inline reads, the same bytes in every mode. */
static void test_inline_vs_memory(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autoptr(GByteArray) inl = NULL;
    g_autoptr(GByteArray) big = NULL;
    g_autoptr(GByteArray) small = NULL;
    uint16_t tools;
    unsigned reads;
    uint32_t pdn;
    FhBuf b;

    fh_bringup(fh);
    tools = fh_uctx_new(fh, TOOLS);
    fh_buf_new(fh, &b, tools, 8 * FH_PAGE_SIZE, 0x10, true, RW, LRW);
    for (unsigned i = 0; i < 300; i++) {
        g_assert_cmphex(fh_pd_alloc(fh, tools, &pdn, NULL), ==, 0);
    }
    inl = dump_all(fh, tools, CXFW_DUMP_SEG_PD, 0, 0, NULL, 0, &reads);
    /* 301 records of 24 bytes, 8 in each 208-byte reply */
    g_assert_cmpuint(inl->len, ==, 16 + 20 + 301 * 24 + 4);
    g_assert_cmpuint(reads, ==, 38);
    big = dump_all(fh, tools, CXFW_DUMP_SEG_PD, 0, 0, &b, b.size, &reads);
    g_assert_cmpuint(reads, ==, 1);
    g_assert_cmpmem(inl->data, inl->len, big->data, big->len);
    small = dump_all(fh, tools, CXFW_DUMP_SEG_PD, 0, 0, &b,
                     CXFW_RSC_DUMP_MIN_SIZE, &reads);
    /* info, command and a record, then two records a reply */
    g_assert_cmpuint(reads, ==, 1 + 300 / 2);
    g_assert_cmpmem(inl->data, inl->len, small->data, small->len);
    /* the device's view of the same: every PD, the same records order */
    {
        g_autoptr(GByteArray) all = dump_inline(fh, 0, CXFW_DUMP_SEG_PD);
        g_autoptr(GPtrArray) recs = stream_records(all, CXFW_DUMP_SEG_PD);

        g_assert_cmpuint(recs->len, ==, 301);
    }
    fh_buf_free(&b);
    check_fw(fh);
}

/* index1 and num_of_obj1 select a run of objects in number order. */
static void test_select(void)
{
    static const struct {
        uint32_t index1;
        uint16_t num;
        uint32_t first, count;
    } cases[] = {
        { 0, 0, 1, 20 },
        { 0, 0xffff, 1, 20 },
        { 5, 0, 5, 16 },
        { 5, 3, 5, 3 },
        { 20, 10, 20, 1 },
        { 21, 0, 0, 0 },
        { 0, 1, 1, 1 },
    };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t pdn;

    fh_bringup(fh);
    for (unsigned i = 0; i < 20; i++) {
        g_assert_cmphex(fh_pd_alloc(fh, 0, &pdn, NULL), ==, 0);
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) s = dump_all(fh, 0, CXFW_DUMP_SEG_PD,
                                           cases[i].index1, cases[i].num,
                                           NULL, 0, NULL);
        g_autoptr(GPtrArray) recs = stream_records(s, CXFW_DUMP_SEG_PD);
        g_autoptr(GArray) offs = stream_segments(s);
        const uint8_t *cmd = s->data + g_array_index(offs, uint32_t, 1);

        g_assert_cmpuint(cxfw_get(cmd, CXFW_FLD(resource_dump_command_segment,
                                                index1)), ==,
                         cases[i].index1);
        g_assert_cmpuint(cxfw_get(cmd, CXFW_FLD(resource_dump_command_segment,
                                                num_of_obj1)), ==,
                         cases[i].num);
        g_assert_cmpuint(recs->len, ==, cases[i].count);
        for (guint r = 0; r < recs->len; r++) {
            g_assert_cmpuint(cxfw_get(recs->pdata[r], RSEG(index1)), ==,
                             cases[i].first + r);
        }
    }
}

/* A dump into memory lands at the bus addresses of the key's pages. */
static void test_bus_addresses(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autoptr(GByteArray) ref = NULL;
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    uint64_t off = FH_PAGE_SIZE - 0x123;   /* straddles two pages */
    uint32_t synd, len, canaries_in_dump = 0;
    FhBuf b;

    fh_bringup(fh);
    fh_buf_new(fh, &b, 0, 4 * FH_PAGE_SIZE, 0x321, true, RW, LRW);
    ref = dump_inline(fh, 0, CXFW_DUMP_SEG_MENU);
    fh_buf_fill(fh, &b, CANARY);
    rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, &b, 2 * FH_PAGE_SIZE);
    cxfw_set(reg, RD(address), b.va + off);
    g_assert_cmphex(rd_read(fh, 0, reg, out, &synd), ==, 0);
    len = cxfw_get(out, RD(size));
    g_assert_cmpuint(len, ==, ref->len);
    g_assert_cmpuint(cxfw_get(out, RD(more_dump)), ==, 0);
    /* byte by byte at the test's own translation of the buffer */
    for (uint32_t i = 0; i < len; i++) {
        g_assert_cmphex(*(uint8_t *)fh_ptr(fh, fh_buf_bus(&b, off + i)), ==,
                        ref->data[i]);
    }
    /* and nothing else of the pages moved */
    for (uint32_t i = 0; i < len; i++) {
        canaries_in_dump += ref->data[i] == CANARY;
    }
    g_assert_cmpuint(fh_buf_count(fh, &b, CANARY), ==,
                     (uint64_t)b.npages * FH_PAGE_SIZE - len +
                     canaries_in_dump);
    g_assert_cmpuint(fh_stats(fh).dma_bytes, ==, len);
    fh_buf_free(&b);
}

/* The reply's seq_num is the request's plus one, wrapping at 16. */
static void test_seq_wraps(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    uint32_t synd, pdn;
    unsigned reads = 0;

    fh_bringup(fh);
    for (unsigned i = 0; i < 200; i++) {
        g_assert_cmphex(fh_pd_alloc(fh, 0, &pdn, NULL), ==, 0);
    }
    rd_request(reg, CXFW_DUMP_SEG_PD, 0, 0, NULL, 0);
    cxfw_set(reg, RD(seq_num), 9);  /* a first read may start anywhere */
    do {
        uint8_t seq = cxfw_get(reg, RD(seq_num));

        g_assert_cmphex(rd_read(fh, 0, reg, out, &synd), ==, 0);
        g_assert_cmpuint(cxfw_get(out, RD(seq_num)), ==, (seq + 1) % 16);
        memcpy(reg, out, RD_SIZE);
        reads++;
    } while (cxfw_get(out, RD(more_dump)));
    g_assert_cmpuint(reads, >, 16);
}

/* A dump is a snapshot of its first read; the next dump sees the change. */
static void test_snapshot(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) got = g_byte_array_new();
    g_autoptr(GByteArray) after = NULL;
    uint32_t synd, pdn, first;

    fh_bringup(fh);
    for (unsigned i = 0; i < 30; i++) {
        g_assert_cmphex(fh_pd_alloc(fh, 0, &pdn, NULL), ==, 0);
    }
    first = pdn - 29;
    before = dump_inline(fh, 0, CXFW_DUMP_SEG_PD);
    rd_request(reg, CXFW_DUMP_SEG_PD, 0, 0, NULL, 0);
    do {
        g_assert_cmphex(rd_read(fh, 0, reg, out, &synd), ==, 0);
        g_byte_array_append(got, out + cxfw_field_byte(RD(inline_data)),
                            cxfw_get(out, RD(size)));
        memcpy(reg, out, RD_SIZE);
        /* the state moves between the reads */
        g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DEALLOC_PD, first++, out,
                                   FH_HDR_LEN), ==, 0);
        g_assert_cmphex(fh_pd_alloc(fh, 0, &pdn, NULL), ==, 0);
    } while (cxfw_get(reg, RD(more_dump)));
    g_assert_cmpmem(got->data, got->len, before->data, before->len);
    after = dump_inline(fh, 0, CXFW_DUMP_SEG_PD);
    g_assert_cmpuint(after->len, ==, before->len);
    g_assert_false(memcmp(after->data, before->data, after->len) == 0);
}

/* An unknown segment type: a dump whose third segment is an error. */
static void test_error_segment(void)
{
    static const uint16_t types[] = {
        0, 0x1234, CXFW_DUMP_SEG_NOTICE,
        CXFW_DUMP_SEG_TERMINATE, CXFW_DUMP_SEG_ERROR, CXFW_DUMP_SEG_INFO,
        0x2009, 0x2100,
    };
    g_autoptr(FakeHost) fh = fh_new(NULL);

    fh_bringup(fh);
    for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(GByteArray) s = dump_inline(fh, 0, types[i]);
        g_autoptr(GArray) offs = stream_segments(s);
        const uint8_t *err = s->data + g_array_index(offs, uint32_t, 2);

        g_assert_cmpuint(offs->len, ==, 4);
        g_assert_cmphex(cxfw_get(err, SEGHDR(segment_type)), ==,
                        CXFW_DUMP_SEG_ERROR);
        g_assert_cmpuint(cxfw_get(err, SEGHDR(length_dw)) * 4, ==,
                         CXFW_SIZEOF(resource_dump_error_segment));
        g_assert_cmpuint(cxfw_get(err, CXFW_FLD(resource_dump_error_segment,
                                                syndrome_id)), ==,
                         CXFW_RSC_DUMP_ERR_SEGMENT);
        g_assert_cmpstr((const char *)err + cxfw_field_byte(CXFW_FLD(
                            resource_dump_error_segment, error)), ==,
                        "segment type not offered");
    }
}

/* ---- refusals: the status, the syndrome, nothing written or changed ---- */

typedef struct RdFixture {
    World w;
    FhBuf ro, nolw;             /* A's read-only pages, A's key without lw */
    uint8_t cont[RD_SIZE];      /* A's dump in progress: the next request */
    GByteArray *got;            /* what its first reply carried */
} RdFixture;

typedef struct RdCase {
    const char *name;
    bool as_raw;                /* as the context without TOOLS_RESOURCES */
    uint16_t op_mod;            /* 1: read */
    uint32_t inlen_cut;         /* bytes short of the whole register */
    void (*prep)(RdFixture *f, uint8_t *reg);
    uint8_t status;
    uint32_t syndrome;
} RdCase;

static void rd_to_a(RdFixture *f, uint8_t *reg)
{
    rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, &f->w.buf_a, f->w.buf_a.size);
}

static void rd_small(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(size), CXFW_RSC_DUMP_MIN_SIZE - 1);
}

static void rd_bad_mkey(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(mkey), 0x777700);
}

static void rd_mkey_variant(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(mkey), f->w.buf_a.mkey ^ 1);
}

static void rd_mkey_of_b(RdFixture *f, uint8_t *reg)
{
    rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, &f->w.buf_b, f->w.buf_b.size);
}

static void rd_write_disabled(RdFixture *f, uint8_t *reg)
{
    rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, &f->ro, f->ro.size);
}

static void rd_no_lw(RdFixture *f, uint8_t *reg)
{
    rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, &f->nolw, f->nolw.size);
}

static void rd_past_key(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(address), f->w.buf_a.va + f->w.buf_a.size - 100);
}

static void rd_before_key(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(address), f->w.buf_a.va - 4);
}

static void rd_vhca(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
    cxfw_set(reg, RD(vhca_id), 1);
}

static void rd_bad_seq(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(seq_num), (cxfw_get(reg, RD(seq_num)) + 1) & 0xf);
}

static void rd_stale(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(device_opaque), cxfw_get(reg, RD(device_opaque)) + 1);
}

static void rd_opaque_zero(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(device_opaque), 0);
}

static void rd_other_segment(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(segment_type), CXFW_DUMP_SEG_UMEM);
}

static void rd_other_index(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(index1), 1);
}

static void rd_cont_small(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(inline_dump), 0);
    cxfw_set(reg, RD(size), 8);
}

static void rd_cont_bad_key(RdFixture *f, uint8_t *reg)
{
    memcpy(reg, f->cont, RD_SIZE);
    cxfw_set(reg, RD(inline_dump), 0);
    cxfw_set(reg, RD(mkey), f->w.buf_b.mkey);
    cxfw_set(reg, RD(address), f->w.buf_b.va);
    cxfw_set(reg, RD(size), f->w.buf_b.size);
}

static void rd_none(RdFixture *f, uint8_t *reg)
{
    rd_to_a(f, reg);
}

#define ST(s) CXFW_STATUS_##s
#define SY(s) CXFW_SYND_##s

static const RdCase rd_cases[] = {
    { "size-too-small", false, 1, 0, rd_small, ST(BAD_PARAM),
      SY(RSC_DUMP_SIZE) },
    { "bad-mkey", false, 1, 0, rd_bad_mkey, ST(BAD_PARAM),
      SY(DMA_MKEY_UNKNOWN) },
    { "mkey-variant", false, 1, 0, rd_mkey_variant, ST(BAD_PARAM),
      SY(DMA_MKEY_UNKNOWN) },
    { "mkey-of-another-uid", false, 1, 0, rd_mkey_of_b, ST(BAD_PARAM),
      SY(DMA_MKEY_UNKNOWN) },
    { "mtt-write-disabled", false, 1, 0, rd_write_disabled, ST(BAD_PARAM),
      SY(DMA_MTT_WRITE_DISABLED) },
    { "mkey-without-lw", false, 1, 0, rd_no_lw, ST(BAD_PARAM),
      SY(DMA_ACCESS_DENIED) },
    { "past-the-key", false, 1, 0, rd_past_key, ST(BAD_PARAM),
      SY(DMA_OUT_OF_RANGE) },
    { "before-the-key", false, 1, 0, rd_before_key, ST(BAD_PARAM),
      SY(DMA_OUT_OF_RANGE) },
    { "vhca-id", false, 1, 0, rd_vhca, ST(BAD_PARAM), SY(DUMP_VHCA_ID) },
    { "bad-seq", false, 1, 0, rd_bad_seq, ST(BAD_PARAM), SY(RSC_DUMP_SEQ) },
    { "stale-opaque", false, 1, 0, rd_stale, ST(BAD_PARAM),
      SY(RSC_DUMP_STALE) },
    { "opaque-zero", false, 1, 0, rd_opaque_zero, ST(BAD_PARAM),
      SY(RSC_DUMP_STALE) },
    { "other-segment", false, 1, 0, rd_other_segment, ST(BAD_PARAM),
      SY(RSC_DUMP_MISMATCH) },
    { "other-index1", false, 1, 0, rd_other_index, ST(BAD_PARAM),
      SY(RSC_DUMP_MISMATCH) },
    { "continuation-too-small", false, 1, 0, rd_cont_small, ST(BAD_PARAM),
      SY(RSC_DUMP_SIZE) },
    { "continuation-foreign-key", false, 1, 0, rd_cont_bad_key,
      ST(BAD_PARAM), SY(DMA_MKEY_UNKNOWN) },
    { "unprivileged-uid", true, 1, 0, rd_none, ST(BAD_PARAM),
      SY(REG_ACCESS_DENIED) },
    { "write", false, 0, 0, rd_none, ST(BAD_PARAM), SY(REG_ACCESS_DENIED) },
    { "short-input", false, 1, 4, rd_none, ST(BAD_INP_LEN), SY(REG_LEN) },
};

static void rd_fixture(RdFixture *f)
{
    uint8_t out[RD_SIZE];
    uint32_t synd;

    world_new(&f->w);
    fh_buf_new(f->w.fh, &f->ro, f->w.user_a, FH_PAGE_SIZE, 0, false,
               FH_MTT_RD, LRW);
    fh_buf_new(f->w.fh, &f->nolw, f->w.user_a, FH_PAGE_SIZE, 0, false, RW,
               FH_MKEY_LR);
    /* A's inline dump of its PDs in progress after one reply */
    for (unsigned i = 0; i < 10; i++) {
        uint32_t pdn;

        g_assert_cmphex(fh_pd_alloc(f->w.fh, f->w.user_a, &pdn, NULL), ==, 0);
    }
    rd_request(f->cont, CXFW_DUMP_SEG_PD, 0, 0, NULL, 0);
    g_assert_cmphex(rd_read(f->w.fh, f->w.user_a, f->cont, out, &synd), ==,
                    0);
    g_assert_cmpuint(cxfw_get(out, RD(more_dump)), ==, 1);
    memcpy(f->cont, out, RD_SIZE);
    f->got = g_byte_array_new();
    g_byte_array_append(f->got, out + cxfw_field_byte(RD(inline_data)),
                        cxfw_get(out, RD(size)));
}

/* Every buffer of the world still holds the canary. */
static void canaries(RdFixture *f, bool check)
{
    const FhBuf *bufs[] = {
        &f->w.buf0, &f->w.buf_a, &f->w.buf_b, &f->w.out0, &f->ro, &f->nolw,
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(bufs); i++) {
        if (check) {
            g_assert_cmpuint(fh_buf_count(f->w.fh, bufs[i], CANARY), ==,
                             (uint64_t)bufs[i]->npages * FH_PAGE_SIZE);
        } else {
            fh_buf_fill(f->w.fh, bufs[i], CANARY);
        }
    }
}

static void test_rd_refused(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(rd_cases); i++) {
        const RdCase *c = &rd_cases[i];
        uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                                 register_data));
        uint8_t in[16 + RD_SIZE] = { 0 }, out[16 + RD_SIZE];
        g_autoptr(GByteArray) whole = NULL;
        uint8_t reg[RD_SIZE];
        RdFixture f;
        CxfwStats before;
        uint32_t synd;

        g_test_message("case %s", c->name);
        rd_fixture(&f);
        c->prep(&f, reg);
        canaries(&f, false);
        before = fh_stats(f.w.fh);
        fh_hdr(in, CXFW_OP_ACCESS_REG, c->op_mod);
        cxfw_set(in, CXFW_FLD(access_register_in, register_id),
                 CXFW_REG_RESOURCE_DUMP);
        memcpy(in + data, reg, RD_SIZE);
        g_assert_cmphex(fh_exec_as(f.w.fh, c->as_raw ? f.w.raw : f.w.user_a,
                                   in, sizeof(in) - c->inlen_cut, out,
                                   sizeof(out)), ==, c->status);
        g_assert_cmphex(fh_syndrome(out), ==, c->syndrome);
        /* a failed command returns its header only */
        for (unsigned b = FH_HDR_LEN; b < sizeof(out); b++) {
            g_assert_cmphex(out[b], ==, 0);
        }
        canaries(&f, true);
        g_assert_cmpuint(fh_stats(f.w.fh).dma_bytes, ==, before.dma_bytes);
        /* A's dump in progress is untouched: it reads on to its end */
        while (cxfw_get(f.cont, RD(more_dump))) {
            g_assert_cmphex(rd_read(f.w.fh, f.w.user_a, f.cont, reg, &synd),
                            ==, 0);
            g_byte_array_append(f.got, reg + cxfw_field_byte(RD(inline_data)),
                                cxfw_get(reg, RD(size)));
            memcpy(f.cont, reg, RD_SIZE);
        }
        whole = dump_inline(f.w.fh, f.w.user_a, CXFW_DUMP_SEG_PD);
        g_assert_cmpmem(f.got->data, f.got->len, whole->data, whole->len);
        g_byte_array_unref(f.got);
        check_fw(f.w.fh);
        fh_buf_free(&f.ro);
        fh_buf_free(&f.nolw);
        world_free(&f.w);
    }
}

/* uid 0 is no exception: another uid's key is nobody's for it. */
static void test_rd_foreign_umem(void)
{
    World w;
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    uint32_t synd;
    const FhBuf *targets[] = { &w.buf_a, &w.buf_b };

    world_new(&w);
    for (unsigned i = 0; i < G_N_ELEMENTS(targets); i++) {
        const uint16_t callers[] = { 0, w.empty, i ? w.user_a : w.user_b };

        for (unsigned c = 0; c < G_N_ELEMENTS(callers); c++) {
            fh_buf_fill(w.fh, targets[i], CANARY);
            rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, targets[i],
                       targets[i]->size);
            g_assert_cmphex(rd_read(w.fh, callers[c], reg, out, &synd), ==,
                            CXFW_STATUS_BAD_PARAM);
            g_assert_cmphex(synd, ==, CXFW_SYND_DMA_MKEY_UNKNOWN);
            g_assert_cmpuint(fh_buf_count(w.fh, targets[i], CANARY), ==,
                             (uint64_t)targets[i]->npages * FH_PAGE_SIZE);
        }
        /* its owner's dump lands there */
        rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, targets[i],
                   targets[i]->size);
        g_assert_cmphex(rd_read(w.fh, targets[i]->uid, reg, out, &synd), ==,
                        0);
        g_assert_cmpuint(fh_buf_count(w.fh, targets[i], CANARY), <,
                         (uint64_t)targets[i]->npages * FH_PAGE_SIZE);
    }
    world_free(&w);
}

/* ---- the end of a dump in progress ---- */

typedef enum Interrupt {
    INT_DISABLE_HCA, INT_TEARDOWN_HCA, INT_RESET, INT_CMDQ_WRITE,
    INT_NEW_DUMP, INT_DESTROY_UCTX, INT_FINISHED,
} Interrupt;

static void interrupt_dump(FakeHost *fh, Interrupt how, uint16_t uid)
{
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 }, out[FH_HDR_LEN];

    switch (how) {
    case INT_DISABLE_HCA:
        g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==, 0);
        break;
    case INT_TEARDOWN_HCA:
        g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
        break;
    case INT_RESET:
        cxfw_reset(fh->fw);
        break;
    case INT_CMDQ_WRITE:
        fh_write_cmdq_addr(fh, fh->cmdq ? fh->cmdq : FH_MEM_BASE, 0);
        break;
    case INT_NEW_DUMP:
        g_byte_array_unref(dump_inline(fh, uid, CXFW_DUMP_SEG_MENU));
        break;
    case INT_DESTROY_UCTX:
        fh_hdr(in, CXFW_OP_DESTROY_UCTX, CXFW_DESTROY_UCTX_WITH_OBJECTS);
        cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
        g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
        break;
    case INT_FINISHED:
        break;
    }
}

static void test_interrupted(gconstpointer data)
{
    Interrupt how = GPOINTER_TO_INT(data);

    for (unsigned user = 0; user < 2; user++) {
        g_autoptr(FakeHost) fh = fh_new(NULL);
        uint8_t reg[RD_SIZE], out[RD_SIZE];
        uint16_t uid = 0;
        uint32_t synd;

        if (how == INT_DESTROY_UCTX && !user) {
            continue;           /* uid 0 is no context */
        }
        fh_bringup(fh);
        if (user) {
            uid = fh_uctx_new(fh, TOOLS);
        }
        rd_request(reg, CXFW_DUMP_SEG_MENU, 0, 0, NULL, 0);
        g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==, 0);
        g_assert_cmpuint(cxfw_get(out, RD(more_dump)), ==, 1);
        memcpy(reg, out, RD_SIZE);
        if (how == INT_FINISHED) {
            /* read it to its end: then there is nothing to continue */
            g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==, 0);
            g_assert_cmphex(rd_read(fh, uid, out, out, &synd), ==, 0);
            g_assert_cmpuint(cxfw_get(out, RD(more_dump)), ==, 0);
        }
        interrupt_dump(fh, how, uid);
        /* the continuation fails while the HCA is down ... */
        if (how == INT_DISABLE_HCA || how == INT_RESET ||
            how == INT_CMDQ_WRITE) {
            g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==,
                            CXFW_STATUS_BAD_SYS_STATE);
            fh_bringup(fh);
        } else if (how == INT_TEARDOWN_HCA) {
            g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==, 0);
        }
        /* ... and after: the uid is gone, or its dump is */
        if (user && how != INT_NEW_DUMP && how != INT_FINISHED) {
            g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==,
                            CXFW_STATUS_BAD_PARAM);
            g_assert_cmphex(synd, ==, CXFW_SYND_UID_UNKNOWN);
            uid = fh_uctx_new(fh, TOOLS);
        }
        g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_RSC_DUMP_STALE);
        /* a new dump starts cleanly */
        {
            g_autoptr(GByteArray) s = dump_inline(fh, uid,
                                                  CXFW_DUMP_SEG_MENU);

            check_menu(fh->fw, s);
        }
        check_fw(fh);
    }
}

/* Dumps of different uids are independent. */
static void test_per_uid(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t a[RD_SIZE], b[RD_SIZE];
    uint16_t ua, ub;
    uint32_t synd;

    fh_bringup(fh);
    ua = fh_uctx_new(fh, TOOLS);
    ub = fh_uctx_new(fh, TOOLS);
    rd_request(a, CXFW_DUMP_SEG_MENU, 0, 0, NULL, 0);
    g_assert_cmphex(rd_read(fh, ua, a, a, &synd), ==, 0);
    rd_request(b, CXFW_DUMP_SEG_MENU, 0, 0, NULL, 0);
    g_assert_cmphex(rd_read(fh, ub, b, b, &synd), ==, 0);
    /* B cannot read on A's dump, even with A's device_opaque */
    g_assert_cmphex(rd_read(fh, ub, a, b, &synd), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_RSC_DUMP_STALE);
    g_assert_cmphex(rd_read(fh, 0, a, b, &synd), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_RSC_DUMP_STALE);
    /* A's own goes on */
    g_assert_cmphex(rd_read(fh, ua, a, a, &synd), ==, 0);
    g_assert_cmpuint(cxfw_get(a, RD(more_dump)), ==, 1);
}

/* Through the queue: 256 bytes of register each way, in mailboxes. */
static void test_rd_through_queue(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autoptr(GByteArray) ref = NULL;
    uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                             register_data));
    uint8_t in[16 + RD_SIZE] = { 0 }, out[16 + RD_SIZE];

    fh_cmdq_init(fh);           /* a queue address write resets */
    fh_bringup(fh);
    ref = dump_inline(fh, 0, CXFW_DUMP_SEG_MENU);
    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_RESOURCE_DUMP);
    rd_request(in + data, CXFW_DUMP_SEG_MENU, 0, 0, NULL, 0);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, 0);
    g_assert_cmpmem(out + data + cxfw_field_byte(RD(inline_data)),
                    cxfw_get(out + data, RD(size)), ref->data,
                    cxfw_get(out + data, RD(size)));
}

/* ---- CORE_DUMP ---- */

static void cd_request(uint8_t *reg, uint32_t type, const FhBuf *b,
                       uint32_t size, uint64_t cookie)
{
    memset(reg, 0, CD_SIZE);
    cxfw_set(reg, CD(core_dump_type), type);
    cxfw_set(reg, CD(mkey), b->mkey);
    cxfw_set(reg, CD(address), b->va);
    cxfw_set(reg, CD(size), size);
    cxfw_set(reg, CD(cookie), cookie);
}

static uint8_t cd_read(FakeHost *fh, uint16_t uid, const uint8_t *in,
                       uint8_t *out, uint32_t *synd)
{
    return fh_reg_read(fh, uid, CXFW_REG_CORE_DUMP, in, out, CD_SIZE, synd);
}

/* The test's own CRC-32 (byte at a time, zlib's parameters). */
static uint32_t ref_crc32(const uint8_t *p, size_t len)
{
    static uint32_t table[256];
    uint32_t c = 0xffffffff;

    if (!table[1]) {
        for (uint32_t n = 0; n < 256; n++) {
            uint32_t v = n;

            for (int k = 0; k < 8; k++) {
                v = v & 1 ? 0xedb88320 ^ (v >> 1) : v >> 1;
            }
            table[n] = v;
        }
    }
    while (len--) {
        c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xffffffff;
}

/* What a tool does: the checksum field as zero, CRC-32 of the image. */
static uint32_t image_crc(const uint8_t *img)
{
    g_autofree uint8_t *copy = g_memdup2(img, IMAGE);

    cxfw_set(copy, CH(checksum), 0);
    return ref_crc32(copy, IMAGE);
}

/* The documented filler: splitmix64 from FNV-1a 64 of the identity. */
static uint64_t filler_word(uint64_t seed, uint64_t offset)
{
    uint64_t z = seed + (offset / 8 + 1) * 0x9e3779b97f4a7c15ull;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t identity_seed(const char *identity)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (const char *s = identity; *s; s++) {
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    }
    return h;
}

static const uint8_t *image_section(const uint8_t *img, uint32_t type,
                                    uint64_t *len, const uint8_t **entry)
{
    uint32_t n = cxfw_get(img, CH(section_count));

    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = img + cxfw_get(img, CH(section_table)) +
                           i * CXFW_SIZEOF(core_dump_section);

        if (cxfw_get(e, CS(type)) == type) {
            *len = cxfw_get(e, CS(length));
            if (entry) {
                *entry = e;
            }
            return img + cxfw_get(e, CS(offset));
        }
    }
    g_assert_not_reached();
}

/*
 * Everything a tool checks: header, sections tiling the image in table
 * order, the CRC, the filler, the fixed sections' contents.
 */
static void check_image(FakeHost *fh, const uint8_t *img, uint16_t uid,
                        uint64_t cookie)
{
    static const uint32_t order[] = {
        CXFW_CORE_SEC_HCA, CXFW_CORE_SEC_CAPS_CUR, CXFW_CORE_SEC_CAPS_MAX,
        CXFW_CORE_SEC_CAPS_DEBUG, CXFW_DUMP_SEG_COUNTERS, CXFW_DUMP_SEG_UCTX, CXFW_DUMP_SEG_UMEM,
        CXFW_DUMP_SEG_MKEY, CXFW_DUMP_SEG_PD, CXFW_DUMP_SEG_EQ,
        CXFW_DUMP_SEG_UAR, CXFW_DUMP_SEG_PAGES, CXFW_CORE_SEC_FILLER,
    };
    static const struct {
        uint32_t section;
        uint16_t op_mod;        /* type << 1 | current */
    } caps[] = {
        { CXFW_CORE_SEC_CAPS_CUR, 1 },
        { CXFW_CORE_SEC_CAPS_MAX, 0 },
        { CXFW_CORE_SEC_CAPS_DEBUG, 0xd << 1 | 1 },
        { CXFW_CORE_SEC_CAPS_DEBUG, 0xd << 1 },
    };
    uint8_t capout[FH_QUERY_HCA_CAP_OUTLEN], capin[FH_HDR_LEN] = { 0 };
    uint64_t pos, seed, len;
    const uint8_t *p;

    g_assert_cmphex(cxfw_be64(img), ==, 0x435853494d435244ull);
    g_assert_cmpmem(img, 8, "CXSIMCRD", 8);
    g_assert_cmpuint(cxfw_get(img, CH(version)), ==, 1);
    g_assert_cmpuint(cxfw_get(img, CH(header_size)), ==, 64);
    g_assert_cmpuint(cxfw_get(img, CH(total_size)), ==, IMAGE);
    g_assert_cmpuint(cxfw_get(img, CH(section_table)), ==, 64);
    g_assert_cmpuint(cxfw_get(img, CH(section_entry_size)), ==, 32);
    g_assert_cmpuint(cxfw_get(img, CH(section_count)), ==,
                     G_N_ELEMENTS(order));
    g_assert_cmphex(cxfw_get(img, CH(cookie)), ==, cookie);
    g_assert_cmpuint(cxfw_get(img, CH(uid)), ==, uid);
    g_assert_cmphex(cxfw_get(img, CH(checksum)), ==, image_crc(img));

    pos = 64 + 32 * G_N_ELEMENTS(order);
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        const uint8_t *e = img + 64 + 32 * i;

        g_assert_cmphex(cxfw_get(e, CS(type)), ==, order[i]);
        g_assert_cmpuint(cxfw_get(e, CS(offset)), ==, pos);
        g_assert_cmpuint(cxfw_get(e, CS(length)) % 8, ==, 0);
        g_assert_cmpuint(cxfw_get(e, CS(count)), <=, cxfw_get(e, CS(total)));
        g_assert_cmpuint(cxfw_get(e, CS(truncated)), ==,
                         cxfw_get(e, CS(count)) < cxfw_get(e, CS(total)));
        pos += cxfw_get(e, CS(length));
    }
    g_assert_cmpuint(pos, ==, IMAGE);

    /* the filler, from the identity alone */
    seed = identity_seed("cx6dx/CXS0000000001/22.40.1000");
    g_assert_cmphex(cxfw_get(img, CH(filler_seed)), ==, seed);
    p = image_section(img, CXFW_CORE_SEC_FILLER, &len, NULL);
    for (uint64_t off = p - img; off < IMAGE; off += 8) {
        if (cxfw_be64(img + off) != filler_word(seed, off)) {
            g_error("filler word at 0x%" G_GINT64_MODIFIER "x", off);
        }
    }

    p = image_section(img, CXFW_CORE_SEC_HCA, &len, NULL);
    g_assert_cmpuint(len, ==, CXFW_SIZEOF(core_dump_hca));
    g_assert_cmpuint(cxfw_get(p, CXFW_FLD(core_dump_hca, hca_state)), ==,
                     CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(cxfw_get(p, CXFW_FLD(core_dump_hca, fw_rev_major)), ==,
                     22);
    g_assert_cmpuint(cxfw_get(p, CXFW_FLD(core_dump_hca, fw_rev_subminor)),
                     ==, 1000);
    g_assert_cmpuint(cxfw_get(p, CXFW_FLD(core_dump_hca, issi)), ==, 1);
    g_assert_cmpstr((const char *)p + cxfw_field_byte(
                        CXFW_FLD(core_dump_hca, psid)), ==, "CXS0000000001");
    g_assert_cmpstr((const char *)p + cxfw_field_byte(
                        CXFW_FLD(core_dump_hca, profile)), ==, "cx6dx");

    /* the capabilities as QUERY_HCA_CAP gives them */
    for (unsigned i = 0; i < G_N_ELEMENTS(caps); i++) {
        fh_hdr(capin, CXFW_OP_QUERY_HCA_CAP, caps[i].op_mod);
        g_assert_cmphex(fh_exec(fh, capin, sizeof(capin), capout,
                                sizeof(capout)), ==, 0);
        p = image_section(img, caps[i].section, &len, NULL);
        g_assert_cmpmem(p, len, capout + cxfw_field_byte(
                            CXFW_FLD(query_hca_cap_out, capability)),
                        FH_CAP_SIZE);
    }
}

/* Each object table section holds the records RESOURCE_DUMP gives. */
static void check_image_tables(FakeHost *fh, const uint8_t *img,
                               uint16_t uid)
{
    unsigned n;
    const CxfwDumpTable *t = cxfw_dump_tables(&n);

    for (unsigned i = 0; i < n; i++) {
        g_autoptr(GByteArray) s = NULL;
        g_autoptr(GArray) offs = NULL;
        const uint8_t *entry, *p;
        uint64_t len;
        uint32_t first;

        if (t[i].type == CXFW_DUMP_SEG_COUNTERS) {
            continue;           /* they moved since */
        }
        s = dump_inline(fh, uid, t[i].type);
        offs = stream_segments(s);
        first = g_array_index(offs, uint32_t, 2);
        p = image_section(img, t[i].type, &len, &entry);
        g_assert_cmpuint(cxfw_get(entry, CS(truncated)), ==, 0);
        g_assert_cmpuint(cxfw_get(entry, CS(count)), ==,
                         len / cxfw_dump_record_size(&t[i]));
        g_assert_cmpmem(p, len, s->data + first,
                        s->len - first -
                        CXFW_SIZEOF(resource_dump_terminate_segment));
    }
}

/* A 2 MiB buffer of uid's for the image (contiguous pages). */
static void image_buf(FakeHost *fh, FhBuf *b, uint16_t uid)
{
    fh_buf_new(fh, b, uid, IMAGE, 0, false, RW, LRW);
}

static void take_core_dump(FakeHost *fh, uint16_t uid, const FhBuf *b,
                           uint64_t cookie, uint8_t *img)
{
    uint8_t reg[CD_SIZE], out[CD_SIZE];
    uint32_t synd;

    cd_request(reg, CXFW_CORE_DUMP_TYPE_CR, b, b->size, cookie);
    cxfw_set(reg, CD(qpn), 0x123);
    g_assert_cmphex(cd_read(fh, uid, reg, out, &synd), ==, 0);
    /* the request echoed, size: the bytes written */
    g_assert_cmpuint(cxfw_get(out, CD(size)), ==, IMAGE);
    g_assert_cmphex(cxfw_get(out, CD(cookie)), ==, cookie);
    g_assert_cmphex(cxfw_get(out, CD(mkey)), ==, b->mkey);
    g_assert_cmphex(cxfw_get(out, CD(address)), ==, b->va);
    g_assert_cmphex(cxfw_get(out, CD(qpn)), ==, 0x123);
    g_assert_cmpuint(cxfw_get(out, CD(core_dump_type)), ==, 2);
    g_assert_cmpuint(cxfw_get(out, CD(more_dump)), ==, 0);
    fh_buf_read(fh, b, 0, img, IMAGE);
}

/*
 * The device dump (segment 0x1000): its segments' bodies are the core
 * dump image the caller gets with cookie index2 << 32 | index1, inline or
 * through a key.
 */
static GByteArray *device_image(const GByteArray *s)
{
    g_autoptr(GArray) offs = stream_segments(s);
    GByteArray *img = g_byte_array_new();
    uint32_t hdr = CXFW_SIZEOF(resource_dump_segment_header);

    for (guint i = 2; i + 1 < offs->len; i++) {
        const uint8_t *seg = s->data + g_array_index(offs, uint32_t, i);
        uint32_t len = cxfw_get(seg, SEGHDR(length_dw)) * 4;

        g_assert_cmphex(cxfw_get(seg, SEGHDR(segment_type)), ==,
                        CXFW_DUMP_SEG_DEVICE);
        g_assert_cmpuint(len, <=, CXFW_RSC_DUMP_MIN_SIZE);
        g_byte_array_append(img, seg + hdr, len - hdr);
    }
    return img;
}

static GByteArray *device_dump(FakeHost *fh, uint16_t uid, uint64_t cookie,
                               const FhBuf *b, unsigned *reads)
{
    g_autoptr(GByteArray) s = g_byte_array_new();
    uint8_t reg[RD_SIZE], out[RD_SIZE];
    unsigned n = 0;
    uint32_t synd;

    rd_request(reg, CXFW_DUMP_SEG_DEVICE, (uint32_t)cookie, 0, b,
               b ? b->size : 0);
    cxfw_set(reg, RD(index2), cookie >> 32);
    do {
        uint32_t len;

        g_assert_cmphex(rd_read(fh, uid, reg, out, &synd), ==, 0);
        len = cxfw_get(out, RD(size));
        if (b) {
            g_byte_array_set_size(s, s->len + len);
            fh_buf_read(fh, b, 0, s->data + s->len - len, len);
        } else {
            g_byte_array_append(s, out + cxfw_field_byte(RD(inline_data)),
                                len);
        }
        memcpy(reg, out, RD_SIZE);
        if (b) {
            cxfw_set(reg, RD(size), b->size);
        }
        n++;
    } while (cxfw_get(out, RD(more_dump)));
    *reads = n;
    return device_image(s);
}

/* a and b but for the checksum, the HCA section and the counters */
static void device_unmoved(uint8_t *a, const uint8_t *b)
{
    g_autofree uint8_t *c = g_memdup2(b, IMAGE);
    static const uint32_t moving[] = {
        CXFW_CORE_SEC_HCA, CXFW_DUMP_SEG_COUNTERS,
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(moving); i++) {
        uint64_t len;
        uint8_t *p = (uint8_t *)image_section(a, moving[i], &len, NULL);

        memset(p, 0, len);
        memset(c + (p - a), 0, len);
    }
    cxfw_set(a, CH(checksum), 0);
    cxfw_set(c, CH(checksum), 0);
    g_assert_cmpmem(a, IMAGE, c, IMAGE);
}

static void test_device_dump(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint8_t *img = g_malloc(IMAGE);
    uint64_t cookie = 0x0123456789abcdefull;
    uint16_t tools;
    unsigned reads;
    FhBuf b, tb;

    fh_bringup(fh);
    tools = fh_uctx_new(fh, TOOLS);
    for (unsigned u = 0; u < 2; u++) {
        uint16_t uid = u ? tools : 0;
        g_autoptr(GByteArray) in = NULL, mem = NULL;

        if (uid) {
            image_buf(fh, &tb, uid);
            take_core_dump(fh, uid, &tb, cookie, img);
            fh_buf_free(&tb);
        } else {
            image_buf(fh, &b, 0);
            take_core_dump(fh, uid, &b, cookie, img);
        }
        check_image(fh, img, uid, cookie);
        /* inline: 60 image bytes a segment, three segments a read */
        in = device_dump(fh, uid, cookie, NULL, &reads);
        g_assert_cmpuint(in->len, ==, IMAGE);
        g_assert_cmphex(image_crc(in->data), ==,
                        cxfw_get(in->data, CH(checksum)));
        check_image(fh, in->data, uid, cookie);
        g_assert_cmpuint(reads, ==, (IMAGE / 60 + 1 + 2) / 3 + 1);
        if (!uid) {
            /* uid 0's counters moved with the commands: the rest is equal */
            device_unmoved(in->data, img);
            /* through the 2 MiB key: the stream's 2.2 MB in two reads */
            mem = device_dump(fh, uid, cookie, &b, &reads);
            g_assert_cmpuint(reads, ==, 2);
            device_unmoved(mem->data, img);
            fh_buf_free(&b);
            continue;
        }
        /* a context's image is its state's: the same bytes either way */
        g_assert_cmpmem(in->data, in->len, img, IMAGE);
    }
    check_fw(fh);
}

static void test_core_image(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint8_t *img = g_malloc(IMAGE);
    uint64_t before;
    uint16_t tools;
    FhBuf b, tb, extra;

    fh_bringup(fh);
    tools = fh_uctx_new(fh, TOOLS);
    fh_buf_new(fh, &extra, tools, 3 * FH_PAGE_SIZE, 7, true, RW, LRW);
    image_buf(fh, &b, 0);
    before = fh_stats(fh).dma_bytes;
    take_core_dump(fh, 0, &b, 0x1122334455667788ull, img);
    g_assert_cmpuint(fh_stats(fh).dma_bytes - before, ==, IMAGE);
    check_image(fh, img, 0, 0x1122334455667788ull);
    check_image_tables(fh, img, 0);
    fh_buf_free(&b);

    /* a tools context's image: the same format, its own objects only */
    image_buf(fh, &tb, tools);
    take_core_dump(fh, tools, &tb, 7, img);
    check_image(fh, img, tools, 7);
    check_image_tables(fh, img, tools);
    {
        uint64_t len;
        const uint8_t *e;

        image_section(img, CXFW_DUMP_SEG_PAGES, &len, &e);
        g_assert_cmpuint(len, ==, 0);
        image_section(img, CXFW_DUMP_SEG_UMEM, &len, &e);
        g_assert_cmpuint(cxfw_get(e, CS(count)), ==, 2);
    }
    fh_buf_free(&tb);
    fh_buf_free(&extra);
    check_fw(fh);
}

/*
 * n PDs of uid 0 straight through cxfw_exec (fh_exec checks every
 * invariant after each command, which is quadratic over many objects).
 */
static void many_pds(FakeHost *fh, unsigned n)
{
    uint8_t in[CXFW_SIZEOF(alloc_pd_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(alloc_pd_out)];

    fh_hdr(in, CXFW_OP_ALLOC_PD, 0);
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmphex(cxfw_exec(fh->fw, in, sizeof(in), out, sizeof(out)),
                        ==, 0);
    }
    check_fw(fh);
}

static void core_world(FakeHost *fh, unsigned pds)
{
    fh_bringup(fh);
    many_pds(fh, pds);
}

static void test_core_determinism(void)
{
    g_autoptr(FakeHost) one = fh_new(NULL);
    g_autoptr(FakeHost) two = fh_new(NULL);
    g_autofree uint8_t *a = g_malloc(IMAGE);
    g_autofree uint8_t *b = g_malloc(IMAGE);
    uint64_t off, len;
    const uint8_t *counters;
    FhBuf ba, bb;

    core_world(one, 500);
    core_world(two, 500);
    image_buf(one, &ba, 0);
    image_buf(two, &bb, 0);
    take_core_dump(one, 0, &ba, 42, a);
    take_core_dump(two, 0, &bb, 42, b);
    g_assert_cmpmem(a, IMAGE, b, IMAGE);

    /* again on one: only the counters (and so the checksum) moved */
    take_core_dump(one, 0, &ba, 42, b);
    counters = image_section(a, CXFW_DUMP_SEG_COUNTERS, &len, NULL);
    off = counters - a;
    g_assert_false(memcmp(a + off, b + off, len) == 0);
    memcpy(b + off, a + off, len);
    cxfw_set(b, CH(checksum), cxfw_get(a, CH(checksum)));
    g_assert_cmpmem(a, IMAGE, b, IMAGE);

    /* fewer objects: a smaller state, the filler restored behind it */
    for (unsigned i = 0; i < 400; i++) {
        g_assert_cmphex(fh_obj_cmd(one, 0, CXFW_OP_DEALLOC_PD, i + 1, a,
                                   FH_HDR_LEN), ==, 0);
    }
    take_core_dump(one, 0, &ba, 43, a);
    check_image(one, a, 0, 43);
    check_image_tables(one, a, 0);
    /* more again */
    many_pds(one, 1000);
    take_core_dump(one, 0, &ba, 44, a);
    check_image(one, a, 0, 44);
    fh_buf_free(&ba);
    fh_buf_free(&bb);
}

/* More state than 2 MiB holds: the object tables are cut, flagged. */
static void test_core_truncated(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint8_t *img = g_malloc(IMAGE);
    uint32_t rec = CXFW_SIZEOF(resource_dump_resource_segment) +
                   CXFW_SIZEOF(dump_pd);
    unsigned pds = IMAGE / rec + 10;
    const uint8_t *e;
    uint64_t len;
    FhBuf b;

    core_world(fh, pds);
    image_buf(fh, &b, 0);
    take_core_dump(fh, 0, &b, 1, img);
    check_image(fh, img, 0, 1);
    image_section(img, CXFW_DUMP_SEG_PD, &len, &e);
    g_assert_cmpuint(cxfw_get(e, CS(truncated)), ==, 1);
    g_assert_cmpuint(cxfw_get(e, CS(total)), ==, pds + 1);
    g_assert_cmpuint(cxfw_get(e, CS(count)), <, pds);
    g_assert_cmpuint(len, ==, cxfw_get(e, CS(count)) * rec);
    /* the EQ and UAR tables after it get no room: cut too */
    image_section(img, CXFW_DUMP_SEG_UAR, &len, &e);
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpuint(cxfw_get(e, CS(total)), ==, 1);
    g_assert_cmpuint(cxfw_get(e, CS(truncated)), ==, 1);
    image_section(img, CXFW_CORE_SEC_FILLER, &len, &e);
    g_assert_cmpuint(len, <, rec);
    fh_buf_free(&b);
}

typedef struct CdCase {
    const char *name;
    bool as_raw;
    uint16_t op_mod;
    uint32_t type;
    int64_t size_delta;         /* from the image size */
    unsigned buf;               /* 0: the tools context's own, 1: another's,
                                   2: read-only pages, 3: a short key */
    uint32_t vhca_id;
    uint8_t status;
    uint32_t syndrome;
} CdCase;

static const CdCase cd_cases[] = {
    { "size-too-small", false, 1, 2, -1, 0, 0, ST(BAD_PARAM),
      SY(CORE_DUMP_SIZE) },
    { "size-zero", false, 1, 2, -(int64_t)IMAGE, 0, 0, ST(BAD_PARAM),
      SY(CORE_DUMP_SIZE) },
    { "type-general", false, 1, 0, 0, 0, 0, ST(BAD_PARAM),
      SY(CORE_DUMP_TYPE) },
    { "type-qp", false, 1, 1, 0, 0, 0, ST(BAD_PARAM), SY(CORE_DUMP_TYPE) },
    { "type-3", false, 1, 3, 0, 0, 0, ST(BAD_PARAM), SY(CORE_DUMP_TYPE) },
    { "vhca-id", false, 1, 2, 0, 0, 5, ST(BAD_PARAM), SY(DUMP_VHCA_ID) },
    { "mkey-of-another-uid", false, 1, 2, 0, 1, 0, ST(BAD_PARAM),
      SY(DMA_MKEY_UNKNOWN) },
    { "mtt-write-disabled", false, 1, 2, 0, 2, 0, ST(BAD_PARAM),
      SY(DMA_MTT_WRITE_DISABLED) },
    { "key-too-short", false, 1, 2, 0, 3, 0, ST(BAD_PARAM),
      SY(DMA_OUT_OF_RANGE) },
    { "unprivileged-uid", true, 1, 2, 0, 0, 0, ST(BAD_PARAM),
      SY(REG_ACCESS_DENIED) },
    { "write", false, 0, 2, 0, 0, 0, ST(BAD_PARAM), SY(REG_ACCESS_DENIED) },
};

static void test_core_refused(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint16_t tools, other, raw;
    FhBuf bufs[4];

    fh_bringup(fh);
    tools = fh_uctx_new(fh, TOOLS);
    other = fh_uctx_new(fh, TOOLS);
    raw = fh_uctx_new(fh, CXFW_UCTX_CAP_RAW_TX);
    image_buf(fh, &bufs[0], tools);
    image_buf(fh, &bufs[1], other);
    fh_buf_new(fh, &bufs[2], tools, IMAGE, 0, false, FH_MTT_RD, LRW);
    fh_buf_new(fh, &bufs[3], tools, IMAGE / 2, 0, false, RW, LRW);
    for (unsigned i = 0; i < G_N_ELEMENTS(cd_cases); i++) {
        const CdCase *c = &cd_cases[i];
        uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                                 register_data));
        uint8_t in[16 + CD_SIZE] = { 0 }, out[16 + CD_SIZE];
        uint64_t dma = fh_stats(fh).dma_bytes;

        g_test_message("case %s", c->name);
        for (unsigned j = 0; j < G_N_ELEMENTS(bufs); j++) {
            fh_buf_fill(fh, &bufs[j], CANARY);
        }
        fh_hdr(in, CXFW_OP_ACCESS_REG, c->op_mod);
        cxfw_set(in, CXFW_FLD(access_register_in, register_id),
                 CXFW_REG_CORE_DUMP);
        cd_request(in + data, c->type, &bufs[c->buf], IMAGE + c->size_delta,
                   9);
        if (c->buf == 3) {
            /* the key is short, the size the caller claims is not */
            cxfw_set(in + data, CD(size), IMAGE);
        }
        cxfw_set(in + data, CD(vhca_id), c->vhca_id);
        g_assert_cmphex(fh_exec_as(fh, c->as_raw ? raw : tools, in,
                                   sizeof(in), out, sizeof(out)), ==,
                        c->status);
        g_assert_cmphex(fh_syndrome(out), ==, c->syndrome);
        g_assert_cmpuint(fh_stats(fh).dma_bytes, ==, dma);
        for (unsigned j = 0; j < G_N_ELEMENTS(bufs); j++) {
            g_assert_cmpuint(fh_buf_count(fh, &bufs[j], CANARY), ==,
                             (uint64_t)bufs[j].npages * FH_PAGE_SIZE);
        }
    }
    /* uid 0: writes refused for everyone, the register is read-only */
    {
        const uint16_t regs[] = { CXFW_REG_CORE_DUMP, CXFW_REG_RESOURCE_DUMP };

        for (unsigned r = 0; r < G_N_ELEMENTS(regs); r++) {
            uint8_t in[16 + RD_SIZE] = { 0 }, out[16 + RD_SIZE];

            fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE);
            cxfw_set(in, CXFW_FLD(access_register_in, register_id), regs[r]);
            g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)),
                            ==, CXFW_STATUS_BAD_PARAM);
            g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_REG_READ_ONLY);
        }
    }
    /* and the tools context's own buffer takes the image */
    {
        g_autofree uint8_t *img = g_malloc(IMAGE);

        take_core_dump(fh, tools, &bufs[0], 9, img);
        check_image(fh, img, tools, 9);
    }
    for (unsigned j = 0; j < G_N_ELEMENTS(bufs); j++) {
        fh_buf_free(&bufs[j]);
    }
    check_fw(fh);
}

/* CRC-32: the check value, and joining pieces equals the whole. */
static void test_crc32(void)
{
    g_autofree uint8_t *buf = g_malloc(70000);

    g_assert_cmphex(cxfw_crc32(0, "123456789", 9), ==, 0xcbf43926);
    g_assert_cmphex(cxfw_crc32(0, "", 0), ==, 0);
    for (unsigned i = 0; i < 70000; i++) {
        buf[i] = g_test_rand_int();
    }
    g_assert_cmphex(cxfw_crc32(0, buf, 70000), ==, ref_crc32(buf, 70000));
    for (unsigned i = 0; i < 200; i++) {
        uint32_t split = g_test_rand_int_range(0, 70000);
        uint32_t whole = cxfw_crc32(0, buf, 70000);
        uint32_t a = cxfw_crc32(0, buf, split);
        uint32_t b = cxfw_crc32(0, buf + split, 70000 - split);

        g_assert_cmphex(cxfw_crc32(a, buf + split, 70000 - split), ==, whole);
        g_assert_cmphex(cxfw_crc32_combine(a, b, 70000 - split), ==, whole);
    }
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        Interrupt how;
    } interrupts[] = {
        { "disable-hca", INT_DISABLE_HCA },
        { "teardown-hca", INT_TEARDOWN_HCA },
        { "reset", INT_RESET },
        { "cmdq-write", INT_CMDQ_WRITE },
        { "new-dump", INT_NEW_DUMP },
        { "destroy-uctx", INT_DESTROY_UCTX },
        { "finished", INT_FINISHED },
    };

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dump/menu", test_menu);
    g_test_add_func("/dump/segments", test_segments);
    g_test_add_func("/dump/inline-vs-memory", test_inline_vs_memory);
    g_test_add_func("/dump/select", test_select);
    g_test_add_func("/dump/bus-addresses", test_bus_addresses);
    g_test_add_func("/dump/seq-wraps", test_seq_wraps);
    g_test_add_func("/dump/snapshot", test_snapshot);
    g_test_add_func("/dump/error-segment", test_error_segment);
    g_test_add_func("/dump/refused", test_rd_refused);
    g_test_add_func("/dump/foreign-umem", test_rd_foreign_umem);
    g_test_add_func("/dump/per-uid", test_per_uid);
    g_test_add_func("/dump/through-queue", test_rd_through_queue);
    for (unsigned i = 0; i < G_N_ELEMENTS(interrupts); i++) {
        g_autofree char *path = g_strdup_printf("/dump/interrupted/%s",
                                                interrupts[i].name);

        g_test_add_data_func(path, GINT_TO_POINTER(interrupts[i].how),
                             test_interrupted);
    }
    g_test_add_func("/core/image", test_core_image);
    g_test_add_func("/core/device-dump", test_device_dump);
    g_test_add_func("/core/determinism", test_core_determinism);
    g_test_add_func("/core/truncated", test_core_truncated);
    g_test_add_func("/core/refused", test_core_refused);
    g_test_add_func("/core/crc32", test_crc32);
    return g_test_run();
}
