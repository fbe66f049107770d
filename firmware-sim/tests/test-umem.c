/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory objects (docs/prm-coverage.md, "Memory objects and the DMA
 * engine"): CREATE/QUERY/DESTROY_UMEM with every MTT check, ALLOC/
 * DEALLOC_PD, CREATE/QUERY/DESTROY_MKEY over a umem, ownership (another
 * uid's object answers exactly like none), references (a umem or PD a key
 * uses cannot go), limits, number allocation, teardown, and the DMA engine
 * writing and reading through memory keys.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-commands.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define PAGE FH_PAGE_SIZE
#define RW (FH_MTT_RD | FH_MTT_WR)
#define LRW (FH_MKEY_LR | FH_MKEY_LW)
#define VA_BASE 0x7f0000000000ull   /* a user virtual address */
#define MAX_PAGES 64
#define NO_SUCH_ID 0x777777
#define QUERY_MKEY_OUTLEN CXFW_SIZEOF(query_mkey_out)
#define UMEM(field) CXFW_FLD(umem, field)
#define MKC(field) CXFW_FLD(mkc, field)

static FakeHost *setup_profile(const char *profile)
{
    FakeHost *fh = fh_new(profile);

    fh_bringup(fh);
    return fh;
}

static FakeHost *setup(void)
{
    return setup_profile(NULL);
}

static void check_fw(FakeHost *fh)
{
    g_autofree char *why = NULL;

    if (!cxfw_check_invariants(fh->fw, &why)) {
        g_error("firmware invariant violated: %s", why);
    }
}

/* n fresh pages of size bytes, none contiguous with the one before. */
static void pages_apart(FakeHost *fh, uint64_t *addrs, uint32_t n,
                        uint64_t size)
{
    for (uint32_t i = 0; i < n; i++) {
        addrs[i] = fh_alloc(fh, size, size);
        fh_alloc(fh, PAGE, PAGE);
    }
}

static uint32_t umem_new(FakeHost *fh, uint16_t uid, uint32_t log_page_size,
                         uint32_t page_offset, const uint64_t *addrs,
                         uint32_t n, unsigned access)
{
    uint32_t inlen, id = 0, synd = 0;
    g_autofree uint8_t *in = fh_umem_in(log_page_size, page_offset, addrs, n,
                                        access, &inlen);

    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &id, &synd), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(synd, ==, 0);
    g_assert_cmpuint(id, !=, 0);
    return id;
}

static uint32_t pd_new(FakeHost *fh, uint16_t uid)
{
    uint32_t pdn = 0;

    g_assert_cmphex(fh_pd_alloc(fh, uid, &pdn, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(pdn, !=, 0);
    return pdn;
}

static uint32_t mkey_new(FakeHost *fh, uint16_t uid, uint32_t pdn,
                         uint32_t umem, uint64_t offset, uint64_t start,
                         uint64_t len, unsigned access, uint8_t variant)
{
    uint8_t in[CXFW_SIZEOF(create_mkey_in)];
    uint32_t mkey = 0, synd = 0;

    fh_mkey_in(in, pdn, umem, offset, start, len, access, variant);
    g_assert_cmphex(fh_mkey_create(fh, uid, in, &mkey, &synd), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(synd, ==, 0);
    return mkey;
}

/*
 * A buffer registered the way mlx5ctl does it, with a key over all of it:
 * pages at addrs[], the buffer starting page_offset into the first, at
 * virtual address va (whose offset in its page is page_offset).
 */
typedef struct Mem {
    uint16_t uid;
    uint32_t log_page_size, page_offset, n;
    uint64_t addrs[MAX_PAGES];
    uint32_t umem, pd, mkey;
    uint64_t va, size;
} Mem;

static void mem_new_at(FakeHost *fh, Mem *m, uint16_t uid,
                       uint32_t log_page_size, uint32_t page_offset,
                       const uint64_t *addrs, uint32_t n, unsigned access)
{
    uint64_t page_size = (uint64_t)PAGE << log_page_size;

    g_assert_cmpuint(n, <=, MAX_PAGES);
    memset(m, 0, sizeof(*m));
    m->uid = uid;
    m->log_page_size = log_page_size;
    m->page_offset = page_offset;
    m->n = n;
    memcpy(m->addrs, addrs, n * sizeof(addrs[0]));
    m->umem = umem_new(fh, uid, log_page_size, page_offset, addrs, n,
                       access);
    m->pd = pd_new(fh, uid);
    m->size = n * page_size - page_offset;
    m->va = VA_BASE + page_offset;
    m->mkey = mkey_new(fh, uid, m->pd, m->umem, 0, m->va, m->size, LRW,
                       0x5a);
}

static void mem_new(FakeHost *fh, Mem *m, uint16_t uid, uint32_t n,
                    uint32_t page_offset, unsigned access)
{
    uint64_t addrs[MAX_PAGES];

    pages_apart(fh, addrs, n, PAGE);
    mem_new_at(fh, m, uid, 0, page_offset, addrs, n, access);
}

/* The bus address of buffer byte off (the test's own translation). */
static uint64_t mem_bus(const Mem *m, uint64_t off)
{
    uint64_t pos = m->page_offset + off;
    uint32_t shift = 12 + m->log_page_size;

    return m->addrs[pos >> shift] + (pos & ((1ull << shift) - 1));
}

static uint8_t pattern(uint64_t i)
{
    return i % 251 + 1;         /* never 0 */
}

/* Nonzero bytes in all the buffer's pages. */
static uint64_t mem_nonzero(FakeHost *fh, const Mem *m)
{
    uint64_t page_size = (uint64_t)PAGE << m->log_page_size, n = 0;

    for (uint32_t p = 0; p < m->n; p++) {
        const uint8_t *b = fh_ptr(fh, m->addrs[p]);

        for (uint64_t i = 0; i < page_size; i++) {
            n += b[i] != 0;
        }
    }
    return n;
}

static uint8_t mem_write(FakeHost *fh, const Mem *m, uint64_t off,
                         uint64_t len, uint32_t *synd)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));

    for (uint64_t i = 0; i < len; i++) {
        buf[i] = pattern(off + i);
    }
    *synd = 0;
    return cxfw_mkey_write(fh->fw, m->uid, m->mkey, m->va + off, buf, len,
                           synd);
}

/* Bytes [off, off + len) of the buffer hold the pattern. */
static void mem_expect(FakeHost *fh, const Mem *m, uint64_t off,
                       uint64_t len)
{
    for (uint64_t i = off; i < off + len; i++) {
        const uint8_t *b = fh_ptr(fh, mem_bus(m, i));

        if (*b != pattern(i)) {
            g_error("buffer byte %" G_GUINT64_FORMAT " (bus 0x%"
                    G_GINT64_MODIFIER "x): 0x%02x, want 0x%02x", i,
                    mem_bus(m, i), *b, pattern(i));
        }
    }
}

static void clear_pages(FakeHost *fh, const Mem *m)
{
    for (uint32_t p = 0; p < m->n; p++) {
        memset(fh_ptr(fh, m->addrs[p]), 0, (size_t)PAGE << m->log_page_size);
    }
}

/* ---- CREATE / QUERY / DESTROY_UMEM ---- */

static void test_umem_lifecycle(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addrs[3];
    uint8_t out[FH_CREATE_UMEM_INLEN(3)];
    const uint8_t *umem = out + cxfw_field_byte(CXFW_FLD(query_umem_out,
                                                         umem));
    const uint8_t *mtt = umem + cxfw_field_byte(UMEM(mtt));
    uint32_t id, inlen;
    g_autofree uint8_t *in = NULL;

    pages_apart(fh, addrs, 3, PAGE);
    in = fh_umem_in(0, 0x123, addrs, 3, RW, &inlen);
    fh_umem_set_mtt(in, 1, addrs[1], FH_MTT_RD);
    fh_umem_set_mtt(in, 2, addrs[2], FH_MTT_WR);
    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &id, NULL), ==, 0);
    g_assert_cmpuint(id, ==, 1);
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, 1);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 3 * PAGE);

    /* the whole umem back, MTTs as given */
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_UMEM, id, out,
                               sizeof(out)), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(query_umem_out, umem_id)), ==,
                     id);
    g_assert_cmpuint(cxfw_get(umem, UMEM(log_page_size)), ==, 0);
    g_assert_cmphex(cxfw_get(umem, UMEM(page_offset)), ==, 0x123);
    g_assert_cmpuint(cxfw_get(umem, UMEM(num_of_mtt)), ==, 3);
    g_assert_cmpmem(mtt, 3 * CXFW_MTT_ENTRY_SIZE,
                    in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem)) +
                    cxfw_field_byte(UMEM(mtt)), 3 * CXFW_MTT_ENTRY_SIZE);
    g_assert_cmpuint(cxfw_get(mtt + 8, CXFW_FLD(mtt, wr_en)), ==, 0);
    g_assert_cmpuint(cxfw_get(mtt + 16, CXFW_FLD(mtt, rd_en)), ==, 0);
    /* a shorter output: as many entries as fit, the count says all */
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_UMEM, id, out,
                               FH_CREATE_UMEM_INLEN(1) + 4), ==, 0);
    g_assert_cmpuint(cxfw_get(umem, UMEM(num_of_mtt)), ==, 3);
    g_assert_cmphex(cxfw_be64(mtt) & ~0xffull, ==, addrs[0]);
    g_assert_cmphex(out[FH_CREATE_UMEM_INLEN(1)], ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_UMEM, id, out,
                               CXFW_SIZEOF(query_umem_out)), ==, 0);
    g_assert_cmpuint(cxfw_get(umem, UMEM(num_of_mtt)), ==, 3);

    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, id, out,
                               FH_HDR_LEN), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, 0);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_UMEM, id, out,
                               sizeof(out)), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UMEM_UNKNOWN);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, id, out,
                               FH_HDR_LEN), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UMEM_UNKNOWN);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, 0, out,
                               FH_HDR_LEN), ==, CXFW_STATUS_BAD_RES);

    /* uid 0 owns umems too (umem_uid_0), larger pages, last byte offset */
    pages_apart(fh, addrs, 2, 4 * PAGE);
    id = umem_new(fh, 0, 2, 4 * PAGE - 1, addrs, 2, FH_MTT_WR);
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_QUERY_UMEM, id, out,
                               sizeof(out)), ==, 0);
    g_assert_cmpuint(cxfw_get(umem, UMEM(log_page_size)), ==, 2);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 8 * PAGE);
}

/* A long MTT list through the command queue (five input mailboxes). */
static void test_umem_through_queue(void)
{
    g_autoptr(FakeHost) fh = setup();
    enum { N = 300 };
    g_autofree uint64_t *addrs = g_new(uint64_t, N);
    g_autofree uint8_t *out = g_malloc(FH_CREATE_UMEM_INLEN(N));
    g_autofree uint8_t *in = NULL;
    uint32_t inlen, id;

    for (unsigned i = 0; i < N; i++) {
        addrs[i] = 0x40000000ull + (uint64_t)i * 2 * PAGE;
    }
    in = fh_umem_in(0, 0, addrs, N, RW, &inlen);
    g_assert_cmpuint(fh_blocks_for(inlen), ==, 5);
    g_assert_cmphex(fh_cmd(fh, in, inlen, out, CXFW_SIZEOF(create_umem_out)),
                    ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    id = cxfw_get(out, CXFW_FLD(create_umem_out, umem_id));

    memset(in, 0, FH_HDR_LEN);
    fh_hdr(in, CXFW_OP_QUERY_UMEM, 0);
    cxfw_set(in, CXFW_FLD(query_umem_in, umem_id), id);
    g_assert_cmphex(fh_cmd(fh, in, CXFW_SIZEOF(query_umem_in), out,
                           FH_CREATE_UMEM_INLEN(N)), ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    for (unsigned i = 0; i < N; i++) {
        g_assert_cmphex(cxfw_be64(out + FH_CREATE_UMEM_INLEN(i)) & ~0xffull,
                        ==, addrs[i]);
    }
}

/* ---- CREATE_UMEM validation: one case per error ---- */

typedef struct UmemCase {
    const char *name;
    void (*mutate)(uint8_t *in, uint32_t *inlen);
    uint8_t status;
    uint32_t syndrome;
} UmemCase;

static void set_umem(uint8_t *in, CxfwFieldId f, uint64_t v)
{
    cxfw_set(in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem)), f, v);
}

static void mut_ats(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(ats), 1);
}

static void mut_log_page_19(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(log_page_size), 19);
}

static void mut_log_page_31(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(log_page_size), 31);
}

static void mut_offset_page(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(page_offset), PAGE);
}

static void mut_offset_page_8k(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(log_page_size), 1);
    set_umem(in, UMEM(page_offset), 2 * PAGE);
}

static void mut_offset_max(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(page_offset), UINT32_MAX);
}

static void mut_no_mtt(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(num_of_mtt), 0);
}

static void mut_one_more_mtt(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(num_of_mtt), 4);
}

static void mut_huge_mtt(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(num_of_mtt), 1ull << 63);
}

static void mut_inlen_short(uint8_t *in, uint32_t *inlen)
{
    *inlen -= 1;
}

static void mut_reserved_bit2(uint8_t *in, uint32_t *inlen)
{
    fh_umem_set_mtt_raw(in, 1, 0x40000000ull | 0x4 | 0x3);
}

static void mut_reserved_bit7(uint8_t *in, uint32_t *inlen)
{
    fh_umem_set_mtt_raw(in, 2, 0x40000000ull | 0x80 | 0x1);
}

static void mut_no_access(uint8_t *in, uint32_t *inlen)
{
    fh_umem_set_mtt(in, 2, 0x40000000ull, 0);
}

static void mut_misaligned(uint8_t *in, uint32_t *inlen)
{
    fh_umem_set_mtt(in, 0, 0x40000100ull, RW);
}

static void mut_misaligned_8k(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(log_page_size), 1);
    fh_umem_set_mtt(in, 0, 0x40000000ull, RW);
    fh_umem_set_mtt(in, 1, 0x40003000ull, RW);
    fh_umem_set_mtt(in, 2, 0x40008000ull, RW);
}

static void mut_overflow(uint8_t *in, uint32_t *inlen)
{
    fh_umem_set_mtt(in, 2, 0xfffffffffffff000ull, RW);
}

static void mut_overflow_8k(uint8_t *in, uint32_t *inlen)
{
    set_umem(in, UMEM(log_page_size), 1);
    fh_umem_set_mtt(in, 0, 0x40000000ull, RW);
    fh_umem_set_mtt(in, 1, 0xffffffffffffe000ull, RW);
    fh_umem_set_mtt(in, 2, 0x40008000ull, RW);
}

static const UmemCase umem_cases[] = {
    { "ats", mut_ats, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_ATS_UNSUPPORTED },
    { "log_page_size 19", mut_log_page_19, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_PAGE_SIZE },
    { "log_page_size 31", mut_log_page_31, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_PAGE_SIZE },
    { "page_offset 4096", mut_offset_page, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_PAGE_OFFSET },
    { "page_offset 8192 in 8 KiB pages", mut_offset_page_8k,
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_UMEM_PAGE_OFFSET },
    { "page_offset 0xffffffff", mut_offset_max, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_PAGE_OFFSET },
    { "num_of_mtt 0", mut_no_mtt, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_NO_MTT },
    { "num_of_mtt beyond inlen", mut_one_more_mtt, CXFW_STATUS_BAD_INP_LEN,
      CXFW_SYND_UMEM_MTT_LEN },
    { "num_of_mtt 2^63", mut_huge_mtt, CXFW_STATUS_BAD_INP_LEN,
      CXFW_SYND_UMEM_MTT_LEN },
    { "inlen one byte short", mut_inlen_short, CXFW_STATUS_BAD_INP_LEN,
      CXFW_SYND_UMEM_MTT_LEN },
    { "mtt reserved bit 2", mut_reserved_bit2, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_MTT_RESERVED },
    { "mtt reserved bit 7", mut_reserved_bit7, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_MTT_RESERVED },
    { "mtt neither read nor write", mut_no_access, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_MTT_NO_ACCESS },
    { "mtt address bit 8", mut_misaligned, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_MTT_MISALIGNED },
    { "mtt 4 KiB aligned in 8 KiB pages", mut_misaligned_8k,
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_UMEM_MTT_MISALIGNED },
    { "mtt last 4 KiB page of the bus", mut_overflow, CXFW_STATUS_BAD_PARAM,
      CXFW_SYND_UMEM_MTT_OVERFLOW },
    { "mtt last 8 KiB page of the bus", mut_overflow_8k,
      CXFW_STATUS_BAD_PARAM, CXFW_SYND_UMEM_MTT_OVERFLOW },
};

static void test_umem_errors(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addrs[3] = { 0x40000000ull, 0x40002000ull, 0x40004000ull };
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 }, out[FH_HDR_LEN];

    for (unsigned i = 0; i < G_N_ELEMENTS(umem_cases); i++) {
        const UmemCase *c = &umem_cases[i];
        uint32_t inlen, id = 0x1234, synd = 0;
        g_autofree uint8_t *umem = fh_umem_in(0, 0x10, addrs, 3, RW,
                                              &inlen);

        g_test_message("%s", c->name);
        c->mutate(umem, &inlen);
        g_assert_cmphex(fh_umem_create(fh, uid, umem, inlen, &id, &synd), ==,
                        c->status);
        g_assert_cmphex(synd, ==, c->syndrome);
        g_assert_cmpuint(id, ==, 0);
        g_assert_cmpuint(fh_stats(fh).live_umems, ==, 0);
        g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 0);
    }
    /* no refusal consumed an id or left a hold on the context */
    g_assert_cmpuint(umem_new(fh, uid, 0, 0x10, addrs, 3, RW), ==, 1);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, 1, out,
                               sizeof(out)), ==, 0);
    fh_hdr(in, CXFW_OP_DESTROY_UCTX, 0);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
}

/* Edges that are valid: the largest page, offset and address. */
static void test_umem_edges(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint64_t gib = 1ull << 30;
    uint64_t top = 0xffffffffffffe000ull, big = gib;
    uint8_t out[FH_HDR_LEN];

    /* the last page but one of the bus; page_offset just inside */
    umem_new(fh, 0, 0, PAGE - 1, &top, 1, FH_MTT_RD);
    /* one 1 GiB page fills the default profile's byte limit exactly */
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DESTROY_UMEM, 1, out,
                               sizeof(out)), ==, 0);
    umem_new(fh, 0, 18, 0, &big, 1, RW);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, gib);
}

/* Live umems and registered bytes are limited (profile cx6dx-small). */
static void test_umem_limits(void)
{
    g_autoptr(FakeHost) fh = setup_profile("cx6dx-small");
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addrs[16];
    uint32_t inlen, synd, id, ids[8];
    uint8_t out[FH_HDR_LEN];
    g_autofree uint8_t *in = NULL;

    for (unsigned i = 0; i < 16; i++) {
        addrs[i] = 0x40000000ull + i * PAGE;
    }
    /* 64 KiB in all: 16 pages fit, a 17th does not */
    ids[0] = umem_new(fh, uid, 0, 0, addrs, 15, RW);
    ids[1] = umem_new(fh, 0, 0, 0, addrs, 1, RW);
    in = fh_umem_in(0, 0, addrs, 1, RW, &inlen);
    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &id, &synd), ==,
                    CXFW_STATUS_LIM);
    g_assert_cmphex(synd, ==, CXFW_SYND_UMEM_BYTES_EXCEEDED);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 16 * PAGE);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, ids[0], out,
                               sizeof(out)), ==, 0);
    /* a 64 KiB page is counted whole: it does not fit beside the other */
    g_free(in);
    in = fh_umem_in(4, PAGE, addrs, 1, RW, &inlen);
    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &id, &synd), ==,
                    CXFW_STATUS_LIM);
    g_assert_cmphex(synd, ==, CXFW_SYND_UMEM_BYTES_EXCEEDED);

    /* 1 << log_max_umem (8) live umems, whoever owns them */
    for (unsigned i = 2; i < 8; i++) {
        ids[i] = umem_new(fh, i % 2 ? uid : 0, 0, 0, addrs, 1, RW);
    }
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, 7);
    ids[0] = umem_new(fh, uid, 0, 0, addrs, 1, RW);
    g_free(in);
    in = fh_umem_in(0, 0, addrs, 1, RW, &inlen);
    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &id, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_UMEM_EXHAUSTED);
    g_assert_cmphex(fh_umem_create(fh, 0, in, inlen, &id, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, 8);
    g_assert_cmpuint(fh_stats(fh).umem_bytes, ==, 8 * PAGE);
    /* one freed, one fits again */
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DESTROY_UMEM, ids[2], out,
                               sizeof(out)), ==, 0);
    umem_new(fh, uid, 0, 0, addrs, 1, RW);
}

/* The default profile's limits, as the capabilities report them. */
static void test_default_limits(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);
    const uint8_t *cap = out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                        capability));

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out,
                            FH_QUERY_HCA_CAP_OUTLEN), ==, 0);
    g_assert_cmpuint(cxfw_get(cap, CXFW_FLD(cmd_hca_cap, log_max_umem)), ==,
                     16);
    g_assert_cmpuint(cxfw_get(cap, CXFW_FLD(cmd_hca_cap, log_max_pd)), ==,
                     23);
    g_assert_cmpuint(cxfw_get(cap, CXFW_FLD(cmd_hca_cap, log_max_mkey)), ==,
                     24);
    g_assert_cmpuint(cxfw_get(cap, CXFW_FLD(cmd_hca_cap, umem_uid_0)), ==,
                     1);
    g_assert_cmpuint(cxfw_get(cap, CXFW_FLD(cmd_hca_cap, ats)), ==, 0);
}

/* ---- ALLOC_PD / DEALLOC_PD ---- */

static void test_pd(void)
{
    g_autoptr(FakeHost) fh = setup_profile("cx6dx-small");
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint8_t out[FH_HDR_LEN];
    uint32_t pds[4], pdn = 0x1234, synd;

    pds[0] = pd_new(fh, uid);
    pds[1] = pd_new(fh, 0);
    g_assert_cmpuint(pds[0], ==, 1);
    g_assert_cmpuint(pds[1], ==, 2);
    g_assert_cmpuint(fh_stats(fh).live_pds, ==, 2);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, pds[0], out,
                               sizeof(out)), ==, CXFW_STATUS_OK);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, pds[0], out,
                               sizeof(out)), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_PD_UNKNOWN);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, 0, out,
                               sizeof(out)), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_PD_UNKNOWN);
    /* 1 << log_max_pd (4) live */
    pds[0] = pd_new(fh, uid);
    pds[2] = pd_new(fh, uid);
    pds[3] = pd_new(fh, 0);
    g_assert_cmphex(fh_pd_alloc(fh, uid, &pdn, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_PD_EXHAUSTED);
    g_assert_cmpuint(pdn, ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_pds, ==, 4);
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DEALLOC_PD, pds[3], out,
                               sizeof(out)), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(pd_new(fh, 0), ==, 6);
}

/* ---- CREATE / QUERY / DESTROY_MKEY ---- */

static void test_mkey_lifecycle(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addrs[4];
    uint8_t out[QUERY_MKEY_OUTLEN];
    const uint8_t *mkc = out + cxfw_field_byte(CXFW_FLD(query_mkey_out, mkc));
    uint32_t umem, pd, mkey, size = 4 * PAGE - 0x100;

    pages_apart(fh, addrs, 4, PAGE);
    umem = umem_new(fh, uid, 0, 0x100, addrs, 4, RW);
    pd = pd_new(fh, uid);
    mkey = mkey_new(fh, uid, pd, umem, 0x10, VA_BASE + 0x110, size - 0x10,
                    FH_MKEY_LR | FH_MKEY_LW | FH_MKEY_RW | FH_MKEY_A, 0x42);
    g_assert_cmphex(mkey, ==, 1 << 8 | 0x42);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 1);

    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_MKEY, mkey >> 8, out,
                               sizeof(out)), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(mkc, MKC(free)), ==, 0);
    g_assert_cmpuint(cxfw_get(mkc, MKC(access_mode_4_2)), ==, 0);
    g_assert_cmpuint(cxfw_get(mkc, MKC(access_mode_1_0)), ==,
                     CXFW_MKC_ACCESS_MODE_MTT);
    g_assert_cmpuint(cxfw_get(mkc, MKC(lr)), ==, 1);
    g_assert_cmpuint(cxfw_get(mkc, MKC(lw)), ==, 1);
    g_assert_cmpuint(cxfw_get(mkc, MKC(rr)), ==, 0);
    g_assert_cmpuint(cxfw_get(mkc, MKC(rw)), ==, 1);
    g_assert_cmpuint(cxfw_get(mkc, MKC(a)), ==, 1);
    g_assert_cmphex(cxfw_get(mkc, MKC(qpn)), ==, 0xffffff);
    g_assert_cmphex(cxfw_get(mkc, MKC(mkey_7_0)), ==, 0x42);
    g_assert_cmpuint(cxfw_get(mkc, MKC(pd)), ==, pd);
    g_assert_cmphex(cxfw_get(mkc, MKC(start_addr)), ==, VA_BASE + 0x110);
    g_assert_cmpuint(cxfw_get(mkc, MKC(len)), ==, size - 0x10);
    g_assert_cmpuint(cxfw_get(mkc, MKC(log_page_size)), ==, 12);

    /* a key of length 0 at the umem's very end is a key */
    mkey_new(fh, uid, pd, umem, size, VA_BASE, 0, FH_MKEY_LR, 0);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 2);

    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, mkey >> 8, out,
                               FH_HDR_LEN), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 1);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_QUERY_MKEY, mkey >> 8, out,
                               sizeof(out)), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_MKEY_UNKNOWN);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, mkey >> 8, out,
                               FH_HDR_LEN), ==, CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_MKEY_UNKNOWN);
}

/* ---- CREATE_MKEY validation: one case per error ---- */

typedef struct MkeyFixture {
    uint16_t uid, other;
    uint32_t umem, pd, size;
    uint32_t other_umem, other_pd, freed_umem, freed_pd;
} MkeyFixture;

typedef struct MkeyCase {
    const char *name;
    void (*mutate)(uint8_t *in, const MkeyFixture *f);
    uint32_t syndrome;          /* all BAD_PARAM */
} MkeyCase;

static void set_mkc(uint8_t *in, CxfwFieldId f, uint64_t v)
{
    cxfw_set(in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc)), f, v);
}

static void mk_no_umem(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_valid), 0);
}

static void mk_mode_pa(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(access_mode_1_0), CXFW_MKC_ACCESS_MODE_PA);
}

static void mk_mode_klm(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(access_mode_1_0), 2);
}

static void mk_mode_high(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(access_mode_4_2), 1);      /* 5: MEMIC */
}

static void mk_pd_0(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(pd), 0);
}

static void mk_pd_other(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(pd), f->other_pd);
}

static void mk_pd_freed(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(pd), f->freed_pd);
}

static void mk_umem_0(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_id), 0);
}

static void mk_umem_other(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_id), f->other_umem);
}

static void mk_umem_freed(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_id), f->freed_umem);
}

static void mk_len_over(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(len), f->size + 1);
}

static void mk_offset_len_over(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_offset), 1);
}

static void mk_offset_over(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_offset), f->size + 1);
    set_mkc(in, MKC(len), 0);
}

static void mk_offset_huge(uint8_t *in, const MkeyFixture *f)
{
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_offset), UINT64_MAX);
    set_mkc(in, MKC(len), 2);
}

static void mk_length64(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(length64), 1);
}

static void mk_va_wraps(uint8_t *in, const MkeyFixture *f)
{
    set_mkc(in, MKC(start_addr), UINT64_MAX - 10);
}

static const MkeyCase mkey_cases[] = {
    { "mkey_umem_valid 0", mk_no_umem, CXFW_SYND_MKEY_UMEM_REQUIRED },
    { "access mode PA", mk_mode_pa, CXFW_SYND_MKEY_ACCESS_MODE },
    { "access mode KLM", mk_mode_klm, CXFW_SYND_MKEY_ACCESS_MODE },
    { "access mode 5", mk_mode_high, CXFW_SYND_MKEY_ACCESS_MODE },
    { "pd 0", mk_pd_0, CXFW_SYND_MKEY_PD },
    { "another uid's pd", mk_pd_other, CXFW_SYND_MKEY_PD },
    { "a freed pd", mk_pd_freed, CXFW_SYND_MKEY_PD },
    { "umem 0", mk_umem_0, CXFW_SYND_MKEY_UMEM },
    { "another uid's umem", mk_umem_other, CXFW_SYND_MKEY_UMEM },
    { "a freed umem", mk_umem_freed, CXFW_SYND_MKEY_UMEM },
    { "len beyond the umem", mk_len_over, CXFW_SYND_MKEY_RANGE },
    { "offset + len beyond the umem", mk_offset_len_over,
      CXFW_SYND_MKEY_RANGE },
    { "offset beyond the umem", mk_offset_over, CXFW_SYND_MKEY_RANGE },
    { "offset + len wraps", mk_offset_huge, CXFW_SYND_MKEY_RANGE },
    { "length64", mk_length64, CXFW_SYND_MKEY_RANGE },
    { "start_addr + len wraps", mk_va_wraps, CXFW_SYND_MKEY_RANGE },
};

static void test_mkey_errors(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint64_t addrs[4];
    uint8_t out[FH_HDR_LEN];
    MkeyFixture f = { 0 };

    pages_apart(fh, addrs, 4, PAGE);
    f.uid = fh_uctx_new(fh, TOOLS);
    f.other = fh_uctx_new(fh, TOOLS);
    f.umem = umem_new(fh, f.uid, 0, 0x100, addrs, 4, RW);
    f.size = 4 * PAGE - 0x100;
    f.pd = pd_new(fh, f.uid);
    f.other_umem = umem_new(fh, f.other, 0, 0, addrs, 4, RW);
    f.other_pd = pd_new(fh, f.other);
    f.freed_umem = umem_new(fh, f.uid, 0, 0, addrs, 1, RW);
    f.freed_pd = pd_new(fh, f.uid);
    g_assert_cmphex(fh_obj_cmd(fh, f.uid, CXFW_OP_DESTROY_UMEM, f.freed_umem,
                               out, sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, f.uid, CXFW_OP_DEALLOC_PD, f.freed_pd,
                               out, sizeof(out)), ==, 0);

    for (unsigned i = 0; i < G_N_ELEMENTS(mkey_cases); i++) {
        const MkeyCase *c = &mkey_cases[i];
        uint8_t in[CXFW_SIZEOF(create_mkey_in)];
        uint32_t mkey = 0x1234, synd = 0;

        g_test_message("%s", c->name);
        fh_mkey_in(in, f.pd, f.umem, 0, VA_BASE, f.size, LRW, 0);
        c->mutate(in, &f);
        g_assert_cmphex(fh_mkey_create(fh, f.uid, in, &mkey, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, c->syndrome);
        g_assert_cmphex(mkey, ==, 0);
        g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 0);
    }
    /* the refusals left no reference: umem and PD go, then the context */
    g_assert_cmphex(fh_obj_cmd(fh, f.uid, CXFW_OP_DESTROY_UMEM, f.umem, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, f.uid, CXFW_OP_DEALLOC_PD, f.pd, out,
                               sizeof(out)), ==, 0);
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, 1);
    g_assert_cmpuint(fh_stats(fh).live_pds, ==, 1);
}

/* 1 << log_max_mkey live keys (profile cx6dx-small: 4). */
static void test_mkey_limit(void)
{
    g_autoptr(FakeHost) fh = setup_profile("cx6dx-small");
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addr = fh_alloc(fh, PAGE, PAGE);
    uint32_t umem = umem_new(fh, uid, 0, 0, &addr, 1, RW);
    uint32_t pd = pd_new(fh, uid), mkey, synd;
    uint8_t in[CXFW_SIZEOF(create_mkey_in)], out[FH_HDR_LEN];

    for (unsigned i = 0; i < 4; i++) {
        mkey_new(fh, uid, pd, umem, 0, VA_BASE, PAGE, LRW, i);
    }
    fh_mkey_in(in, pd, umem, 0, VA_BASE, PAGE, LRW, 0);
    g_assert_cmphex(fh_mkey_create(fh, uid, in, &mkey, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_MKEY_EXHAUSTED);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, 4);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, 2, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_mkey_create(fh, uid, in, &mkey, &synd), ==, 0);
    g_assert_cmphex(mkey, ==, 5 << 8);
}

/* ---- ownership and references ---- */

/*
 * Every command naming a memory object by number: another uid's object
 * answers byte for byte like a number that names nothing, uid 0 included.
 */
static void test_cross_uid(void)
{
    static const struct {
        uint16_t opcode;
        uint32_t outlen;
        uint32_t syndrome;
    } cmds[] = {
        { CXFW_OP_QUERY_UMEM, CXFW_SIZEOF(query_umem_out) + 64,
          CXFW_SYND_UMEM_UNKNOWN },
        { CXFW_OP_QUERY_MKEY, QUERY_MKEY_OUTLEN, CXFW_SYND_MKEY_UNKNOWN },
        { CXFW_OP_DESTROY_MKEY, FH_HDR_LEN, CXFW_SYND_MKEY_UNKNOWN },
        { CXFW_OP_DESTROY_UMEM, FH_HDR_LEN, CXFW_SYND_UMEM_UNKNOWN },
        { CXFW_OP_DEALLOC_PD, FH_HDR_LEN, CXFW_SYND_PD_UNKNOWN },
    };
    g_autoptr(FakeHost) fh = setup();
    uint16_t a = fh_uctx_new(fh, TOOLS), b = fh_uctx_new(fh, TOOLS);
    uint16_t others[] = { b, 0 };
    uint8_t foreign[QUERY_MKEY_OUTLEN], none[QUERY_MKEY_OUTLEN];
    uint8_t in[CXFW_SIZEOF(create_mkey_in)];
    uint32_t synd, mkey;
    Mem m;

    mem_new(fh, &m, a, 2, 0, RW);
    for (unsigned i = 0; i < G_N_ELEMENTS(cmds); i++) {
        uint32_t number = cmds[i].opcode == CXFW_OP_DEALLOC_PD ? m.pd :
                          cmds[i].opcode == CXFW_OP_QUERY_UMEM ||
                          cmds[i].opcode == CXFW_OP_DESTROY_UMEM ? m.umem :
                          m.mkey >> 8;

        for (unsigned o = 0; o < G_N_ELEMENTS(others); o++) {
            g_test_message("%s as uid %u", cxfw_opcode_name(cmds[i].opcode),
                           others[o]);
            g_assert_cmphex(fh_obj_cmd(fh, others[o], cmds[i].opcode, number,
                                       foreign, cmds[i].outlen), ==,
                            CXFW_STATUS_BAD_RES);
            g_assert_cmphex(fh_syndrome(foreign), ==, cmds[i].syndrome);
            g_assert_cmphex(fh_obj_cmd(fh, others[o], cmds[i].opcode,
                                       NO_SUCH_ID, none, cmds[i].outlen),
                            ==, CXFW_STATUS_BAD_RES);
            g_assert_cmpmem(foreign, cmds[i].outlen, none, cmds[i].outlen);
        }
    }
    /* b cannot build a key on a's umem or in a's PD */
    fh_mkey_in(in, pd_new(fh, b), m.umem, 0, VA_BASE, PAGE, LRW, 0);
    g_assert_cmphex(fh_mkey_create(fh, b, in, &mkey, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_MKEY_UMEM);
    fh_mkey_in(in, m.pd, umem_new(fh, b, 0, 0, m.addrs, 1, RW), 0, VA_BASE,
               PAGE, LRW, 0);
    g_assert_cmphex(fh_mkey_create(fh, b, in, &mkey, &synd), ==,
                    CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_MKEY_PD);
    /* nor write through a's key */
    for (unsigned o = 0; o < G_N_ELEMENTS(others); o++) {
        uint8_t byte = 1;

        g_assert_cmphex(cxfw_mkey_write(fh->fw, others[o], m.mkey, m.va,
                                        &byte, 1, &synd), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_DMA_MKEY_UNKNOWN);
    }
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, 0);
    /* a's objects are all still there and a's */
    g_assert_cmphex(fh_obj_cmd(fh, a, CXFW_OP_QUERY_MKEY, m.mkey >> 8, none,
                               QUERY_MKEY_OUTLEN), ==, CXFW_STATUS_OK);
    g_assert_cmphex(mem_write(fh, &m, 0, m.size, &synd), ==, 0);
    mem_expect(fh, &m, 0, m.size);
    check_fw(fh);
}

/* A umem or PD a key uses cannot go, nor a context that owns objects. */
static void test_destroy_busy(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 }, out[FH_HDR_LEN];
    uint32_t second;
    Mem m;

    mem_new(fh, &m, uid, 2, 0, RW);
    second = mkey_new(fh, uid, m.pd, m.umem, 0, VA_BASE, PAGE, LRW, 1);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, m.umem, out,
                               sizeof(out)), ==, CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UMEM_IN_USE);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, m.pd, out,
                               sizeof(out)), ==, CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_PD_IN_USE);
    fh_hdr(in, CXFW_OP_DESTROY_UCTX, 0);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UCTX_BUSY);

    /* one key gone: still busy; both gone: free */
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, m.mkey >> 8,
                               out, sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, m.umem, out,
                               sizeof(out)), ==, CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, m.pd, out,
                               sizeof(out)), ==, CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, second >> 8,
                               out, sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_UMEM, m.umem, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_RES_BUSY);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DEALLOC_PD, m.pd, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
}

/*
 * DESTROY_UCTX op_mod 1 (how cxctl reclaims a closed file's context):
 * every object of that uid goes, in dependency order, with the context;
 * another context's objects and the driver's stay; no DMA through the
 * destroyed key is possible afterwards.
 */
static void test_destroy_uctx_with_objects(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS), other = fh_uctx_new(fh, TOOLS);
    uint8_t in[CXFW_SIZEOF(destroy_uctx_in)] = { 0 }, out[FH_HDR_LEN];
    uint8_t uar_in[CXFW_SIZEOF(alloc_uar_in)] = { 0 };
    uint8_t uar_out[CXFW_SIZEOF(alloc_uar_out)];
    uint8_t byte = 0x77;
    uint32_t synd = 0;
    CxfwStats before;
    Mem m, keep;

    mem_new(fh, &m, uid, 2, 0, RW);
    mkey_new(fh, uid, m.pd, m.umem, 0, VA_BASE, PAGE, LRW, 1);
    fh_hdr(uar_in, CXFW_OP_ALLOC_UAR, 0);
    g_assert_cmphex(fh_exec_as(fh, uid, uar_in, sizeof(uar_in), uar_out,
                               sizeof(uar_out)), ==, 0);
    mem_new(fh, &keep, other, 1, 0, RW);
    before = fh_stats(fh);

    fh_hdr(in, CXFW_OP_DESTROY_UCTX, CXFW_DESTROY_UCTX_WITH_OBJECTS);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    /* a user context may not use it on itself or another */
    g_assert_cmphex(fh_exec_as(fh, other, in, sizeof(in), out, sizeof(out)),
                    ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_KERNEL_UID_REQUIRED);
    memset(in, 0, sizeof(in));  /* the header uid back to 0 */
    fh_hdr(in, CXFW_OP_DESTROY_UCTX, CXFW_DESTROY_UCTX_WITH_OBJECTS);
    cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);

    g_assert_cmpuint(fh_stats(fh).live_uctxs, ==, before.live_uctxs - 1);
    g_assert_cmpuint(fh_stats(fh).live_mkeys, ==, before.live_mkeys - 2);
    g_assert_cmpuint(fh_stats(fh).live_umems, ==, before.live_umems - 1);
    g_assert_cmpuint(fh_stats(fh).live_pds, ==, before.live_pds - 1);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, before.live_uars - 1);
    check_fw(fh);
    /* the other context's memory still works; the destroyed uid's is gone */
    g_assert_cmphex(mem_write(fh, &keep, 0, 1, &synd), ==, 0);
    g_assert_cmphex(cxfw_mkey_write(fh->fw, uid, m.mkey, m.va, &byte, 1,
                                    &synd), !=, 0);
    g_assert_cmphex(mem_nonzero(fh, &m), ==, 0);
    /* and the uid names nothing */
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_RES);
    g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_UCTX_UNKNOWN);
}

/* ---- teardown ---- */

typedef enum Teardown {
    BY_TEARDOWN_HCA,
    BY_DISABLE_HCA,
    BY_RESET,
    BY_CMDQ_WRITE,
} Teardown;

static void test_teardown(gconstpointer data)
{
    Teardown how = GPOINTER_TO_INT(data);
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    CxfwStats st;
    uint32_t synd;
    uint8_t byte = 1;
    Mem user, kernel;

    mem_new(fh, &user, uid, 2, 0x10, RW);
    mem_new(fh, &kernel, 0, 1, 0, RW);
    st = fh_stats(fh);
    g_assert_cmpuint(st.live_umems, ==, 2);
    g_assert_cmpuint(st.live_pds, ==, 2);
    g_assert_cmpuint(st.live_mkeys, ==, 2);

    switch (how) {
    case BY_TEARDOWN_HCA:
        g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
        break;
    case BY_DISABLE_HCA:
        g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==, 0);
        break;
    case BY_RESET:
        cxfw_reset(fh->fw);
        break;
    case BY_CMDQ_WRITE:
        fh_cmdq_init(fh);
        break;
    }
    check_fw(fh);
    st = fh_stats(fh);
    g_assert_cmpuint(st.live_umems, ==, 0);
    g_assert_cmpuint(st.live_pds, ==, 0);
    g_assert_cmpuint(st.live_mkeys, ==, 0);
    g_assert_cmpuint(st.umem_bytes, ==, 0);
    g_assert_cmpuint(st.live_uctxs, ==, 0);
    /* the keys are gone for the DMA engine too */
    g_assert_cmphex(cxfw_mkey_write(fh->fw, 0, kernel.mkey, kernel.va, &byte,
                                    1, &synd), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_DMA_MKEY_UNKNOWN);
}

/* ---- numbers ---- */

/*
 * umem ids, PD and mkey numbers move on round-robin: a freed number is not
 * reissued at once, also across TEARDOWN_HCA; a reset starts over.
 */
static void test_numbers_round_robin(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint64_t addr = fh_alloc(fh, PAGE, PAGE);
    uint8_t out[FH_HDR_LEN];
    uint32_t umem, pd, mkey;

    umem = umem_new(fh, 0, 0, 0, &addr, 1, RW);
    pd = pd_new(fh, 0);
    mkey = mkey_new(fh, 0, pd, umem, 0, VA_BASE, PAGE, LRW, 0);
    g_assert_cmpuint(umem, ==, 1);
    g_assert_cmpuint(pd, ==, 1);
    g_assert_cmphex(mkey, ==, 1 << 8);
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DESTROY_MKEY, 1, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DESTROY_UMEM, 1, out,
                               sizeof(out)), ==, 0);
    g_assert_cmphex(fh_obj_cmd(fh, 0, CXFW_OP_DEALLOC_PD, 1, out,
                               sizeof(out)), ==, 0);
    umem = umem_new(fh, 0, 0, 0, &addr, 1, RW);
    pd = pd_new(fh, 0);
    g_assert_cmpuint(umem, ==, 2);
    g_assert_cmpuint(pd, ==, 2);
    g_assert_cmphex(mkey_new(fh, 0, pd, umem, 0, VA_BASE, PAGE, LRW, 0), ==,
                    2 << 8);

    g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==, 0);
    umem = umem_new(fh, 0, 0, 0, &addr, 1, RW);
    pd = pd_new(fh, 0);
    g_assert_cmpuint(umem, ==, 3);
    g_assert_cmpuint(pd, ==, 3);
    g_assert_cmphex(mkey_new(fh, 0, pd, umem, 0, VA_BASE, PAGE, LRW, 0), ==,
                    3 << 8);

    cxfw_reset(fh->fw);
    fh_cmdq_init(fh);
    fh_bringup(fh);
    g_assert_cmpuint(umem_new(fh, 0, 0, 0, &addr, 1, RW), ==, 1);
    g_assert_cmpuint(pd_new(fh, 0), ==, 1);
}

/* The allocator over a whole number space: wraps to 1, skips live ones. */
static void test_id_alloc(void)
{
    g_autoptr(GHashTable) live = g_hash_table_new(g_direct_hash,
                                                  g_direct_equal);
    uint32_t cursor = 0;

    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 1);
    g_hash_table_add(live, GUINT_TO_POINTER(1));
    g_hash_table_add(live, GUINT_TO_POINTER(3));
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 2);
    g_hash_table_add(live, GUINT_TO_POINTER(2));
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 4);
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 5);
    g_hash_table_add(live, GUINT_TO_POINTER(5));
    /* 4 is free again: after 5 comes 1 (held), 2, 3 (held), then 4 */
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 4);
    g_hash_table_add(live, GUINT_TO_POINTER(4));
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, 5), ==, 0);
    g_assert_cmpuint(cursor, ==, 4);
    /* the largest space: wraps from CXFW_OBJ_ID_MAX to 1, never 0 */
    cursor = CXFW_OBJ_ID_MAX - 1;
    g_hash_table_remove_all(live);
    g_hash_table_add(live, GUINT_TO_POINTER(1));
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, CXFW_OBJ_ID_MAX), ==,
                     CXFW_OBJ_ID_MAX);
    g_assert_cmpuint(cxfw_id_alloc(live, &cursor, CXFW_OBJ_ID_MAX), ==, 2);
}

/* ---- the DMA engine ---- */

/*
 * Writes land at the right bus addresses: pages apart and contiguous,
 * page_offset, across every page boundary, from any offset, and each run
 * of bus-contiguous pages in one host call.
 */
static void test_dma_write_translation(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t addrs[6], run_a = fh_alloc(fh, 3 * PAGE, PAGE), other, bytes;
    uint32_t synd;
    unsigned writes;
    Mem m;

    /* pages 0-2 contiguous, 3 alone, 4-5 contiguous: three runs */
    fh_alloc(fh, PAGE, PAGE);
    pages_apart(fh, &other, 1, PAGE);
    addrs[0] = run_a;
    addrs[1] = run_a + PAGE;
    addrs[2] = run_a + 2 * PAGE;
    addrs[3] = other;
    addrs[4] = fh_alloc(fh, 2 * PAGE, PAGE);
    addrs[5] = addrs[4] + PAGE;
    mem_new_at(fh, &m, uid, 0, 0x234, addrs, 6, RW);
    g_assert_cmpuint(m.size, ==, 6 * PAGE - 0x234);

    writes = fh->dma_writes;
    bytes = fh_stats(fh).dma_bytes;
    g_assert_cmphex(mem_write(fh, &m, 0, m.size, &synd), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh->dma_writes - writes, ==, 3);
    g_assert_cmpuint(fh_stats(fh).dma_bytes - bytes, ==, m.size);
    mem_expect(fh, &m, 0, m.size);
    /* the page_offset bytes before the buffer were not touched */
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, m.size);

    /* pieces from every offset across the boundaries */
    for (uint64_t off = 0; off < m.size; off += 0x3f1) {
        uint64_t len = MIN(m.size - off, 0x1000 + off % 0x777);

        clear_pages(fh, &m);
        g_assert_cmphex(mem_write(fh, &m, off, len, &synd), ==, 0);
        mem_expect(fh, &m, off, len);
        g_assert_cmpuint(mem_nonzero(fh, &m), ==, len);
    }
    /* one byte at each end; nothing at all */
    clear_pages(fh, &m);
    g_assert_cmphex(mem_write(fh, &m, 0, 1, &synd), ==, 0);
    g_assert_cmphex(mem_write(fh, &m, m.size - 1, 1, &synd), ==, 0);
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, 2);
    writes = fh->dma_writes;
    g_assert_cmphex(mem_write(fh, &m, m.size, 0, &synd), ==, 0);
    g_assert_cmpuint(fh->dma_writes, ==, writes);
}

/* The same with 8 KiB umem pages and a key starting inside the umem. */
static void test_dma_large_pages(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint64_t addrs[3];
    uint32_t synd;
    Mem m;

    pages_apart(fh, addrs, 3, 2 * PAGE);
    mem_new_at(fh, &m, 0, 1, 0x1800, addrs, 3, RW);
    g_assert_cmphex(mem_write(fh, &m, 0, m.size, &synd), ==, 0);
    mem_expect(fh, &m, 0, m.size);
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, m.size);

    /* a key over umem bytes [0x1000, 0x4000) at another address */
    clear_pages(fh, &m);
    m.mkey = mkey_new(fh, 0, m.pd, m.umem, 0x1000, 0x10000, 0x3000, LRW, 7);
    {
        uint8_t buf[0x3000];

        for (unsigned i = 0; i < sizeof(buf); i++) {
            buf[i] = pattern(0x1000 + i);
        }
        g_assert_cmphex(cxfw_mkey_write(fh->fw, 0, m.mkey, 0x10000, buf,
                                        sizeof(buf), &synd), ==, 0);
    }
    mem_expect(fh, &m, 0x1000, 0x3000);
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, 0x3000);
}

/*
 * What cxctl registers: one MTT per 4 KiB CPU page of a user buffer, read
 * and write enabled, page_offset = addr & 0xfff, a key at the buffer's own
 * address over all of it.
 */
static void test_dma_cxctl_buffer(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint16_t uid = fh_uctx_new(fh, TOOLS);
    uint64_t user_addr = VA_BASE + 0x5000 + 0x7a8, len = 10000;
    uint32_t npages = ((user_addr & 0xfff) + len + PAGE - 1) / PAGE;
    uint64_t addrs[MAX_PAGES];
    g_autofree uint8_t *buf = g_malloc(len);
    uint8_t out[FH_HDR_LEN];
    uint32_t synd;
    Mem m;

    pages_apart(fh, addrs, npages, PAGE);
    mem_new_at(fh, &m, uid, 0, user_addr & 0xfff, addrs, npages, RW);
    g_assert_cmphex(fh_obj_cmd(fh, uid, CXFW_OP_DESTROY_MKEY, m.mkey >> 8,
                               out, sizeof(out)), ==, 0);
    m.mkey = mkey_new(fh, uid, m.pd, m.umem, 0, user_addr, len, LRW, 0);
    m.va = user_addr;
    for (uint64_t i = 0; i < len; i++) {
        buf[i] = pattern(i);
    }
    g_assert_cmphex(cxfw_mkey_write(fh->fw, uid, m.mkey, user_addr, buf, len,
                                    &synd), ==, 0);
    mem_expect(fh, &m, 0, len);
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, len);
    /* and it reads back the same way */
    memset(buf, 0, len);
    g_assert_cmphex(cxfw_mkey_read(fh->fw, uid, m.mkey, user_addr, buf, len,
                                   &synd), ==, 0);
    for (uint64_t i = 0; i < len; i++) {
        g_assert_cmphex(buf[i], ==, pattern(i));
    }
}

/* ---- DMA engine refusals: one case per error, nothing moves ---- */

typedef struct DmaFixture {
    FakeHost *fh;
    uint16_t uid, other;
    Mem m;                      /* pages 0-1 rw, 2 read-only, 3 write-only */
    uint32_t ro_key, wo_key;    /* lr only, lw only */
} DmaFixture;

typedef struct DmaCase {
    const char *name;
    bool write;
    int uid;                    /* 0: the owner, 1: the other context,
                                 * 2: uid 0 */
    int key;                    /* 0: rw, 1: read-only, 2: write-only,
                                 * 3: unknown index, 4: wrong variant */
    int64_t off;                /* from the key's start */
    uint64_t len;
    uint32_t syndrome;          /* all BAD_PARAM */
} DmaCase;

static const DmaCase dma_cases[] = {
    { "unknown index", true, 0, 3, 0, 1, CXFW_SYND_DMA_MKEY_UNKNOWN },
    { "wrong variant byte", true, 0, 4, 0, 1, CXFW_SYND_DMA_MKEY_UNKNOWN },
    { "read, unknown index", false, 0, 3, 0, 1, CXFW_SYND_DMA_MKEY_UNKNOWN },
    { "another context's key", true, 1, 0, 0, 1,
      CXFW_SYND_DMA_MKEY_UNKNOWN },
    { "a context's key as uid 0", true, 2, 0, 0, 1,
      CXFW_SYND_DMA_MKEY_UNKNOWN },
    { "write without lw", true, 0, 1, 0, 1, CXFW_SYND_DMA_ACCESS_DENIED },
    { "read without lr", false, 0, 2, 0, 1, CXFW_SYND_DMA_ACCESS_DENIED },
    { "below the key", true, 0, 0, -1, 2, CXFW_SYND_DMA_OUT_OF_RANGE },
    { "one byte past the key", true, 0, 0, 1, 4 * PAGE - 0x40,
      CXFW_SYND_DMA_OUT_OF_RANGE },
    { "longer than the key", true, 0, 0, 0, 4 * PAGE,
      CXFW_SYND_DMA_OUT_OF_RANGE },
    { "length 0 past the key", true, 0, 0, 4 * PAGE, 0,
      CXFW_SYND_DMA_OUT_OF_RANGE },
    { "read past the key", false, 0, 0, PAGE, 3 * PAGE,
      CXFW_SYND_DMA_OUT_OF_RANGE },
    { "into the read-only page", true, 0, 0, 0, 2 * PAGE,
      CXFW_SYND_DMA_MTT_WRITE_DISABLED },
    { "across the read-only page", true, 0, 2, PAGE, 2 * PAGE,
      CXFW_SYND_DMA_MTT_WRITE_DISABLED },
    { "from the write-only page", false, 0, 0, 3 * PAGE - 0x40, 1,
      CXFW_SYND_DMA_MTT_READ_DISABLED },
    { "across the write-only page", false, 0, 1, 0, 4 * PAGE - 0x40,
      CXFW_SYND_DMA_MTT_READ_DISABLED },
};

static void dma_fixture(DmaFixture *f)
{
    uint64_t addrs[4];
    uint32_t inlen, synd;
    g_autofree uint8_t *in = NULL;
    Mem *m = &f->m;

    f->fh = setup();
    f->uid = fh_uctx_new(f->fh, TOOLS);
    f->other = fh_uctx_new(f->fh, TOOLS);
    pages_apart(f->fh, addrs, 4, PAGE);
    in = fh_umem_in(0, 0x40, addrs, 4, RW, &inlen);
    fh_umem_set_mtt(in, 2, addrs[2], FH_MTT_RD);
    fh_umem_set_mtt(in, 3, addrs[3], FH_MTT_WR);
    memset(m, 0, sizeof(*m));
    m->uid = f->uid;
    m->page_offset = 0x40;
    m->n = 4;
    memcpy(m->addrs, addrs, sizeof(addrs));
    g_assert_cmphex(fh_umem_create(f->fh, f->uid, in, inlen, &m->umem,
                                   &synd), ==, 0);
    m->pd = pd_new(f->fh, f->uid);
    m->size = 4 * PAGE - 0x40;
    m->va = VA_BASE + 0x40;
    m->mkey = mkey_new(f->fh, f->uid, m->pd, m->umem, 0, m->va, m->size,
                       LRW, 0x11);
    f->ro_key = mkey_new(f->fh, f->uid, m->pd, m->umem, 0, m->va, m->size,
                         FH_MKEY_LR | FH_MKEY_RW, 0x22);
    f->wo_key = mkey_new(f->fh, f->uid, m->pd, m->umem, 0, m->va, m->size,
                         FH_MKEY_LW | FH_MKEY_RR, 0x33);
}

static void test_dma_refused(void)
{
    DmaFixture f;
    g_autofree uint8_t *snapshot = g_malloc(FH_MEM_SIZE);
    g_autofree uint8_t *buf = g_malloc(8 * PAGE);

    dma_fixture(&f);
    for (unsigned i = 0; i < G_N_ELEMENTS(dma_cases); i++) {
        const DmaCase *c = &dma_cases[i];
        uint16_t uid = c->uid == 0 ? f.uid : c->uid == 1 ? f.other : 0;
        uint32_t keys[] = {
            f.m.mkey, f.ro_key, f.wo_key,
            (f.m.mkey & 0xff) | 0x777700, f.m.mkey ^ 1,
        };
        unsigned reads = f.fh->dma_reads, writes = f.fh->dma_writes;
        CxfwStats before = fh_stats(f.fh);
        uint32_t synd = 0;
        uint8_t status;

        g_test_message("%s", c->name);
        memcpy(snapshot, f.fh->mem, FH_MEM_SIZE);
        memset(buf, 0xee, 8 * PAGE);
        if (c->write) {
            status = cxfw_mkey_write(f.fh->fw, uid, keys[c->key],
                                     f.m.va + c->off, buf, c->len, &synd);
        } else {
            status = cxfw_mkey_read(f.fh->fw, uid, keys[c->key],
                                    f.m.va + c->off, buf, c->len, &synd);
        }
        g_assert_cmphex(status, ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, c->syndrome);
        /* nothing moved, either way */
        g_assert_cmpuint(f.fh->dma_reads, ==, reads);
        g_assert_cmpuint(f.fh->dma_writes, ==, writes);
        g_assert_true(memcmp(snapshot, f.fh->mem, FH_MEM_SIZE) == 0);
        for (unsigned b = 0; b < 8 * PAGE; b++) {
            g_assert_cmphex(buf[b], ==, 0xee);
        }
        g_assert_cmpuint(fh_stats(f.fh).dma_bytes, ==, before.dma_bytes);
        g_assert_cmpuint(fh_stats(f.fh).dma_errors, ==,
                         before.dma_errors + 1);
        /* the checks alone refuse the same, and move nothing either */
        g_assert_cmphex(cxfw_mkey_check(f.fh->fw, uid, keys[c->key],
                                        f.m.va + c->off, c->len, c->write,
                                        &synd), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, c->syndrome);
        g_assert_cmpuint(f.fh->dma_reads, ==, reads);
        g_assert_cmpuint(f.fh->dma_writes, ==, writes);
    }
    /* the pages the keys allow still work */
    {
        uint32_t synd;

        g_assert_cmphex(cxfw_mkey_check(f.fh->fw, f.uid, f.m.mkey, f.m.va,
                                        2 * PAGE - 0x40, true, &synd), ==, 0);
        g_assert_cmphex(mem_write(f.fh, &f.m, 0, 2 * PAGE - 0x40, &synd),
                        ==, 0);
        mem_expect(f.fh, &f.m, 0, 2 * PAGE - 0x40);
        g_assert_cmphex(cxfw_mkey_read(f.fh->fw, f.uid, f.ro_key, f.m.va,
                                       buf, 3 * PAGE - 0x40, &synd), ==, 0);
        g_assert_cmphex(cxfw_mkey_write(f.fh->fw, f.uid, f.wo_key,
                                        f.m.va + 3 * PAGE - 0x40, buf, PAGE,
                                        &synd), ==, 0);
    }
    check_fw(f.fh);
    fh_free(f.fh);
}

/*
 * The host refusing a DMA (an unmapped page, bus mastering off) is found
 * only while transferring: INT_ERR DMA_HOST_FAILED, the pages before the
 * failing run written.
 */
static void test_dma_host_failure(void)
{
    g_autoptr(FakeHost) fh = setup();
    uint32_t synd;
    Mem m;

    mem_new(fh, &m, 0, 3, 0, RW);
    fh_set_hole(fh, m.addrs[1], PAGE, true, true);
    g_assert_cmphex(mem_write(fh, &m, 0, m.size, &synd), ==,
                    CXFW_STATUS_INT_ERR);
    g_assert_cmphex(synd, ==, CXFW_SYND_DMA_HOST_FAILED);
    mem_expect(fh, &m, 0, PAGE);
    g_assert_cmpuint(mem_nonzero(fh, &m), ==, PAGE);
    g_assert_cmpuint(fh_stats(fh).dma_bytes, ==, PAGE);
    g_assert_cmpuint(fh_stats(fh).dma_errors, ==, 1);
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    /* the rest of the buffer still works */
    fh_clear_hole(fh);
    g_assert_cmphex(mem_write(fh, &m, PAGE, 2 * PAGE, &synd), ==, 0);
    mem_expect(fh, &m, 0, m.size);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/umem/lifecycle", test_umem_lifecycle);
    g_test_add_func("/umem/through-queue", test_umem_through_queue);
    g_test_add_func("/umem/errors", test_umem_errors);
    g_test_add_func("/umem/edges", test_umem_edges);
    g_test_add_func("/umem/limits", test_umem_limits);
    g_test_add_func("/umem/default-limits", test_default_limits);
    g_test_add_func("/umem/pd", test_pd);
    g_test_add_func("/umem/mkey-lifecycle", test_mkey_lifecycle);
    g_test_add_func("/umem/mkey-errors", test_mkey_errors);
    g_test_add_func("/umem/mkey-limit", test_mkey_limit);
    g_test_add_func("/umem/cross-uid", test_cross_uid);
    g_test_add_func("/umem/destroy-busy", test_destroy_busy);
    g_test_add_func("/umem/destroy-uctx-with-objects",
                    test_destroy_uctx_with_objects);
    g_test_add_data_func("/umem/teardown/teardown-hca",
                         GINT_TO_POINTER(BY_TEARDOWN_HCA), test_teardown);
    g_test_add_data_func("/umem/teardown/disable-hca",
                         GINT_TO_POINTER(BY_DISABLE_HCA), test_teardown);
    g_test_add_data_func("/umem/teardown/reset",
                         GINT_TO_POINTER(BY_RESET), test_teardown);
    g_test_add_data_func("/umem/teardown/cmdq-write",
                         GINT_TO_POINTER(BY_CMDQ_WRITE), test_teardown);
    g_test_add_func("/umem/numbers-round-robin", test_numbers_round_robin);
    g_test_add_func("/umem/id-alloc", test_id_alloc);
    g_test_add_func("/umem/dma/translation", test_dma_write_translation);
    g_test_add_func("/umem/dma/large-pages", test_dma_large_pages);
    g_test_add_func("/umem/dma/cxctl-buffer", test_dma_cxctl_buffer);
    g_test_add_func("/umem/dma/refused", test_dma_refused);
    g_test_add_func("/umem/dma/host-failure", test_dma_host_failure);
    return g_test_run();
}
