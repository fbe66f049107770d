/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware page accounting: QUERY_PAGES and MANAGE_PAGES (give, take,
 * alloc-fail), the pages INIT_HCA needs, and what teardown returns.
 */
#include <string.h>

#include "fake-host.h"

#define PAGES_IN(field) CXFW_FLD(manage_pages_in, field)
#define PAGES_OUT(field) CXFW_FLD(manage_pages_out, field)
/* the profiles' page limit: 1 GiB of 4 KiB pages */
#define MAX_PAGES (1u << 18)
#define BOOT_PAGES 16           /* cx6dx-pages */
#define INIT_PAGES 64
#define REGULAR_PAGES 32

static uint32_t pas_in(void)
{
    return cxfw_field_byte(PAGES_IN(pas));
}

static uint32_t pas_out(void)
{
    return cxfw_field_byte(PAGES_OUT(pas));
}

/* MANAGE_PAGES give with n entries in an input of inlen (0: exact) bytes. */
static uint8_t give(FakeHost *fh, const uint64_t *addrs, uint32_t n,
                    uint32_t inlen, uint32_t *synd)
{
    uint32_t len = inlen ? inlen : pas_in() + n * FH_PAS_ENTRY;
    g_autofree uint8_t *in = g_malloc0(len);
    uint8_t out[FH_HDR_LEN];
    uint8_t status;

    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
    cxfw_set(in, PAGES_IN(input_num_entries), n);
    /* the entries that fit in the input */
    for (uint32_t i = 0;
         addrs && i < n && pas_in() + (i + 1) * FH_PAS_ENTRY <= len; i++) {
        cxfw_put_be64(in + pas_in() + i * FH_PAS_ENTRY, addrs[i]);
    }
    status = fh_exec(fh, in, len, out, sizeof(out));
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

/*
 * MANAGE_PAGES take of n pages with an output of outlen (0: exact) bytes;
 * the addresses returned go to a new table, their count to *count.
 */
static uint8_t take(FakeHost *fh, uint32_t n, uint32_t outlen,
                    GHashTable **returned, uint32_t *count, uint32_t *synd)
{
    uint32_t len = outlen ? outlen : pas_out() + n * FH_PAS_ENTRY;
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc0(len);
    uint8_t status;

    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
    cxfw_set(in, PAGES_IN(input_num_entries), n);
    status = fh_exec(fh, in, sizeof(in), out, len);
    if (synd) {
        *synd = fh_syndrome(out);
    }
    if (count) {
        *count = cxfw_get(out, PAGES_OUT(output_num_entries));
    }
    if (returned) {
        uint32_t got = cxfw_get(out, PAGES_OUT(output_num_entries));

        *returned = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                          g_free, NULL);
        g_assert_cmpuint(got, <=, n);
        for (uint32_t i = 0; i < got && i < n; i++) {
            uint64_t *a = g_new(uint64_t, 1);

            *a = cxfw_be64(out + pas_out() + i * FH_PAS_ENTRY);
            /* never the same page twice */
            g_assert_true(g_hash_table_add(*returned, a));
        }
    }
    return status;
}

static uint32_t query(FakeHost *fh, unsigned stage)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_QUERY_PAGES, stage);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    return cxfw_get(out, CXFW_FLD(query_pages_out, num_pages));
}

static uint32_t owned(FakeHost *fh)
{
    return fh_stats(fh).pages_owned;
}

/* n distinct page addresses, spread over the whole 64-bit space. */
static uint64_t *page_list(uint32_t n, uint64_t seed)
{
    uint64_t *a = g_new(uint64_t, n);

    for (uint32_t i = 0; i < n; i++) {
        a[i] = (seed + (uint64_t)i * 0x10003000ull) & ~0xfffull;
    }
    return a;
}

static void test_query_default_profile(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    fh_enable(fh);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_INIT), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_REGULAR), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==, 0);
}

/* The order a driver asks in: boot pages, then init pages. */
static void test_query_stages(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");

    fh_enable(fh);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, BOOT_PAGES);
    g_assert_cmphex(fh_give_pages(fh, 5, NULL), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, BOOT_PAGES - 5);
    g_assert_cmphex(fh_give_pages(fh, BOOT_PAGES - 5, NULL), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_INIT), ==, INIT_PAGES);
    g_assert_cmphex(fh_give_pages(fh, INIT_PAGES, NULL), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_INIT), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_REGULAR), ==, 0);
    /* more than needed: still 0, never negative */
    g_assert_cmphex(fh_give_pages(fh, 3, NULL), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_INIT), ==, 0);
    g_assert_cmpuint(owned(fh), ==, BOOT_PAGES + INIT_PAGES + 3);
}

static void test_give_take_accounting(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(10, 0x200000);
    uint32_t count;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 10, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 10);
    g_assert_cmphex(give(fh, NULL, 0, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 10);
    g_assert_cmphex(take(fh, 4, 0, NULL, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 4);
    g_assert_cmpuint(owned(fh), ==, 6);
    /* asking for more than owned returns what there is */
    g_assert_cmphex(take(fh, 100, 0, NULL, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 6);
    g_assert_cmpuint(owned(fh), ==, 0);
    g_assert_cmphex(take(fh, 1, 0, NULL, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 0);
    /* taken pages can be given again */
    g_assert_cmphex(give(fh, a, 10, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 10);
}

static void test_take_exact_addresses(void)
{
    enum { N = 50 };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(N, 0xfffff00000000000ull);
    g_autoptr(GHashTable) got = NULL;
    g_autoptr(GHashTable) more = NULL;
    uint32_t count;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, N, 0, NULL), ==, 0);
    g_assert_cmphex(take(fh, 20, 0, &got, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 20);
    g_assert_cmphex(take(fh, N, 0, &more, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, N - 20);
    for (unsigned i = 0; i < N; i++) {
        /* each page given comes back exactly once */
        g_assert_cmpuint(g_hash_table_contains(got, &a[i]) +
                         g_hash_table_contains(more, &a[i]), ==, 1);
    }
}

/* A refused give changes nothing: the whole list is checked first. */
static void test_duplicate_in_batch(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint64_t a[] = { 0x1000, 0x2000, 0x3000, 0x2000 };
    uint32_t synd;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 4, 0, &synd), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGE_DUPLICATE);
    g_assert_cmpuint(owned(fh), ==, 0);
    g_assert_cmphex(give(fh, a, 3, 0, &synd), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 3);
}

static void test_duplicate_owned(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint64_t first[] = { 0x7000 };
    uint64_t second[] = { 0x8000, 0x9000, 0x7000 };
    g_autoptr(GHashTable) got = NULL;
    uint32_t synd, count;

    fh_enable(fh);
    g_assert_cmphex(give(fh, first, 1, 0, NULL), ==, 0);
    g_assert_cmphex(give(fh, second, 3, 0, &synd), ==, CXFW_STATUS_BAD_PARAM);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGE_DUPLICATE);
    g_assert_cmpuint(owned(fh), ==, 1);
    g_assert_cmphex(take(fh, 4, 0, &got, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 1);
    g_assert_true(g_hash_table_contains(got, &first[0]));
}

static void test_misaligned(void)
{
    static const uint64_t offs[] = { 1, 8, 0x800, 0xfff };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t synd;

    fh_enable(fh);
    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        uint64_t a[] = { 0x10000, 0x11000, 0x12000 + offs[i], 0x13000 };

        g_assert_cmphex(give(fh, a, 4, 0, &synd), ==, CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(synd, ==, CXFW_SYND_PAGE_MISALIGNED);
        g_assert_cmpuint(owned(fh), ==, 0);
    }
}

/* cx6dx-pages bring-up with the addresses recorded; returns their count. */
static uint32_t bringup_pages(FakeHost *fh, uint64_t *addrs)
{
    uint32_t n;

    fh_enable(fh);
    n = query(fh, CXFW_PAGES_BOOT);
    g_assert_cmpuint(n, ==, BOOT_PAGES);
    g_assert_cmphex(fh_give_pages(fh, n, addrs), ==, 0);
    n = query(fh, CXFW_PAGES_INIT);
    g_assert_cmpuint(n, ==, INIT_PAGES);
    g_assert_cmphex(fh_give_pages(fh, n, addrs + BOOT_PAGES), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==, 0);
    return BOOT_PAGES + INIT_PAGES;
}

/* While initialized only pages above the firmware's need come back. */
static void test_take_limited_while_initialized(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint64_t addrs[BOOT_PAGES + INIT_PAGES], extra[REGULAR_PAGES + 10];
    g_autoptr(GHashTable) got = NULL;
    uint32_t count;

    bringup_pages(fh, addrs);
    g_assert_cmphex(take(fh, 100, 0, NULL, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 0);
    g_assert_cmpuint(owned(fh), ==, BOOT_PAGES + INIT_PAGES);
    /* the running HCA wants its regular pages too */
    g_assert_cmpuint(query(fh, CXFW_PAGES_REGULAR), ==, REGULAR_PAGES);

    g_assert_cmphex(fh_give_pages(fh, REGULAR_PAGES + 10, extra), ==, 0);
    g_assert_cmphex(take(fh, 100, 0, &got, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, 10);
    g_assert_cmpuint(owned(fh), ==, BOOT_PAGES + INIT_PAGES + REGULAR_PAGES);
    g_assert_cmpuint(query(fh, CXFW_PAGES_REGULAR), ==, 0);
}

/*
 * The firmware asks for its regular pages with a page request EQE as soon
 * as an EQ for page requests exists, and not again once it has them.
 */
static void test_page_request_event(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint64_t addrs[BOOT_PAGES + INIT_PAGES], regular[REGULAR_PAGES];
    uint8_t *eqe;
    FhEq eq, eq2;

    bringup_pages(fh, addrs);
    g_assert_cmpuint(fh_alloc_uar(fh), !=, 0);
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_PAGE_REQUEST,
                                 0, 16, NULL), ==, 0);
    /* the EQE waited in the new queue: arming it raises its vector once */
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh->notify_count[0], ==, 1);
    eqe = fh_eq_next(fh, &eq);
    g_assert_nonnull(eqe);
    g_assert_cmpuint(cxfw_get(eqe, CXFW_FLD(eqe, type)), ==,
                     CXFW_EVENT_PAGE_REQUEST);
    /* struct mlx5_eqe_page_req: func_id 0, num_pages */
    g_assert_cmpuint(cxfw_be32(eqe + 0x20), ==, 0);
    g_assert_cmpuint(cxfw_be32(eqe + 0x24), ==, REGULAR_PAGES);
    g_assert_null(fh_eq_next(fh, &eq));

    g_assert_cmphex(fh_give_pages(fh, REGULAR_PAGES, regular), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_REGULAR), ==, 0);
    /* satisfied: another page-request EQ gets no request */
    g_assert_cmphex(fh_eq_create(fh, &eq2, 4, 1ull << CXFW_EVENT_PAGE_REQUEST,
                                 0, 16, NULL), ==, 0);
    g_assert_null(fh_eq_next(fh, &eq2));
}

/* Once torn down, every page given comes back, exactly those. */
static void test_all_after_teardown(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint64_t addrs[BOOT_PAGES + INIT_PAGES];
    g_autoptr(GHashTable) got = NULL;
    uint32_t n = bringup_pages(fh, addrs), count;

    g_assert_cmphex(fh_simple(fh, CXFW_OP_TEARDOWN_HCA, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, n);
    g_assert_cmphex(take(fh, 200, 0, &got, &count, NULL), ==, 0);
    g_assert_cmpuint(count, ==, n);
    g_assert_cmpuint(owned(fh), ==, 0);
    for (unsigned i = 0; i < n; i++) {
        g_assert_true(g_hash_table_contains(got, &addrs[i]));
    }
}

static void test_init_needs_pages(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint32_t synd;

    fh_enable(fh);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_MISSING);
    g_assert_cmphex(fh_give_pages(fh, BOOT_PAGES, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_MISSING);
    g_assert_cmphex(fh_give_pages(fh, INIT_PAGES - 1, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_ENABLED);
    g_assert_cmphex(fh_give_pages(fh, 1, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, &synd), ==, 0);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
}

static void test_entries_len(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(5, 0x40000);
    uint32_t synd;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 5, pas_in() + 4 * FH_PAS_ENTRY, &synd), ==,
                    CXFW_STATUS_BAD_INP_LEN);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_ENTRIES_LEN);
    g_assert_cmphex(give(fh, NULL, UINT32_MAX, pas_in() + 5 * FH_PAS_ENTRY,
                         &synd), ==, CXFW_STATUS_BAD_INP_LEN);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_ENTRIES_LEN);
    g_assert_cmpuint(owned(fh), ==, 0);
    /* a longer input than the entries need is fine */
    g_assert_cmphex(give(fh, a, 4, pas_in() + 5 * FH_PAS_ENTRY, &synd), ==,
                    0);
    g_assert_cmpuint(owned(fh), ==, 4);
}

static void test_out_len(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(5, 0x40000);
    uint32_t synd;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 5, 0, NULL), ==, 0);
    g_assert_cmphex(take(fh, 5, pas_out() + 4 * FH_PAS_ENTRY, NULL, NULL,
                         &synd), ==, CXFW_STATUS_BAD_OUTP_LEN);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_OUT_LEN);
    g_assert_cmpuint(owned(fh), ==, 5);
    g_assert_cmphex(take(fh, UINT32_MAX, FH_HDR_LEN, NULL, NULL, &synd), ==,
                    CXFW_STATUS_BAD_OUTP_LEN);
    g_assert_cmpuint(owned(fh), ==, 5);
}

static void test_too_many(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(10, 0x80000);
    uint32_t synd;

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 10, 0, NULL), ==, 0);
    /* refused before the (here all-zero) list is even looked at */
    g_assert_cmphex(give(fh, NULL, MAX_PAGES - 10 + 1, 0, &synd), ==,
                    CXFW_STATUS_NO_RES);
    g_assert_cmphex(synd, ==, CXFW_SYND_PAGES_TOO_MANY);
    g_assert_cmpuint(owned(fh), ==, 10);
}

static void test_alloc_fail(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_enable(fh);
    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_ALLOC_FAIL);
    cxfw_set(in, PAGES_IN(input_num_entries), 16);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 0);
    g_assert_cmpuint(query(fh, CXFW_PAGES_BOOT), ==, BOOT_PAGES);
}

static void test_function_id(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN + FH_PAS_ENTRY] = { 0 }, out[64];

    fh_enable(fh);
    for (unsigned ecpf = 0; ecpf < 2; ecpf++) {
        memset(in, 0, sizeof(in));
        fh_hdr(in, CXFW_OP_QUERY_PAGES, CXFW_PAGES_BOOT);
        cxfw_set(in, CXFW_FLD(query_pages_in, embedded_cpu_function), ecpf);
        cxfw_set(in, CXFW_FLD(query_pages_in, function_id), !ecpf);
        g_assert_cmphex(fh_exec(fh, in, FH_HDR_LEN, out, FH_HDR_LEN), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_FUNCTION_ID);

        memset(in, 0, sizeof(in));
        fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
        cxfw_set(in, PAGES_IN(embedded_cpu_function), ecpf);
        cxfw_set(in, PAGES_IN(function_id), !ecpf);
        cxfw_set(in, PAGES_IN(input_num_entries), 1);
        cxfw_put_be64(in + pas_in(), 0x5000);
        g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, FH_HDR_LEN), ==,
                        CXFW_STATUS_BAD_PARAM);
        g_assert_cmphex(fh_syndrome(out), ==, CXFW_SYND_FUNCTION_ID);
    }
    g_assert_cmpuint(owned(fh), ==, 0);
}

/* DISABLE_HCA forgets the pages: the same addresses can be given again. */
static void test_disable_forgets(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    g_autofree uint64_t *a = page_list(8, 0x90000);

    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 8, 0, NULL), ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 0);
    fh_enable(fh);
    g_assert_cmphex(give(fh, a, 8, 0, NULL), ==, 0);
    g_assert_cmpuint(owned(fh), ==, 8);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/pages/query-default-profile",
                    test_query_default_profile);
    g_test_add_func("/pages/query-stages", test_query_stages);
    g_test_add_func("/pages/give-take-accounting", test_give_take_accounting);
    g_test_add_func("/pages/take-exact-addresses", test_take_exact_addresses);
    g_test_add_func("/pages/duplicate-in-batch", test_duplicate_in_batch);
    g_test_add_func("/pages/duplicate-owned", test_duplicate_owned);
    g_test_add_func("/pages/misaligned", test_misaligned);
    g_test_add_func("/pages/page-request-event", test_page_request_event);
    g_test_add_func("/pages/take-limited-while-initialized",
                    test_take_limited_while_initialized);
    g_test_add_func("/pages/all-after-teardown", test_all_after_teardown);
    g_test_add_func("/pages/init-needs-pages", test_init_needs_pages);
    g_test_add_func("/pages/entries-len", test_entries_len);
    g_test_add_func("/pages/out-len", test_out_len);
    g_test_add_func("/pages/too-many", test_too_many);
    g_test_add_func("/pages/alloc-fail", test_alloc_fail);
    g_test_add_func("/pages/function-id", test_function_id);
    g_test_add_func("/pages/disable-forgets", test_disable_forgets);
    return g_test_run();
}
