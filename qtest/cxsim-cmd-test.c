/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: every command of docs/prm-coverage.md through the real
 * transport (queue entry, mailbox chains, doorbell), the HCA state machine
 * and multi-mailbox input and output.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"

/* A device with a command queue and nothing else. */
static CxsimDev *start_queue(void)
{
    CxsimDev *d = cxsim_start(NULL);

    cxsim_cmdq_init(d);
    return d;
}

/* The profile that asks for boot and init pages. */
#define PAGES_PROFILE ",profile=cx6dx-pages"

static CxsimDev *start_queue_pages(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE);

    cxsim_cmdq_init(d);
    return d;
}

/* NOP: refused before ENABLE_HCA, OK after. */
static void test_nop(void)
{
    CxsimDev *d = start_queue();
    uint8_t out[CXSIM_HDR_LEN];

    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_cmd_simple(d, CXFW_OP_NOP, 0, 0, 0, out), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cx_syndrome(out), ==, 0);
    cxsim_stop(d);
}

/* ENABLE_HCA is idempotent and only knows function 0; DISABLE_HCA undoes. */
static void test_enable_disable_hca(void)
{
    CxsimDev *d = start_queue();
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    /* DISABLE_HCA needs an enabled HCA. */
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);

    /* function_id 1: this device has no other function. */
    cx_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    cx_put32(in, 8, 1);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);

    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/*
 * mlx5_core sends every command with the mlx5_ifc.h sizes of its _in and
 * _out layouts (mlx5_cmd_exec_inout()); enable_hca_out and disable_hca_out
 * are 12 bytes.  The firmware must accept them.
 */
static void test_stock_lengths(void)
{
    CxsimDev *d = start_queue();
    uint8_t in[CXSIM_INIT_HCA_INLEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    g_assert_cmphex(cxsim_cmd(d, in, CXSIM_HDR_LEN, out,
                              CXSIM_ENABLE_HCA_OUTLEN), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cx_hdr(in, CXFW_OP_DISABLE_HCA, 0);
    g_assert_cmphex(cxsim_cmd(d, in, CXSIM_HDR_LEN, out,
                              CXSIM_ENABLE_HCA_OUTLEN), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_stop(d);
}

/* QUERY_ISSI reports 0 and 1 supported; SET_ISSI accepts only those. */
static void test_issi(void)
{
    CxsimDev *d = start_queue();
    uint32_t supported = 0;
    uint16_t cur = 0xffff;

    g_assert_cmphex(cxsim_query_issi(d, NULL, NULL), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, &cur, &supported), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(supported, ==, 0x3);
    g_assert_cmpuint(cur, ==, 0);

    g_assert_cmphex(cxsim_set_issi(d, 1), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, &cur, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cur, ==, 1);

    g_assert_cmphex(cxsim_set_issi(d, 2), ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_ISSI_UNSUPPORTED);
    g_assert_cmphex(cxsim_query_issi(d, &cur, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cur, ==, 1);

    g_assert_cmphex(cxsim_set_issi(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, &cur, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cur, ==, 0);
    cxsim_stop(d);
}

/* QUERY_PAGES counts down as MANAGE_PAGES gives what was asked for. */
static void test_pages_accounting(void)
{
    CxsimDev *d = start_queue_pages();
    int32_t boot = -1, init = -1, num = -1;

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &boot), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_INIT, &init), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(boot, >, 0);
    g_assert_cmpint(init, >=, 0);

    /* Part of the boot pages: the rest is still asked for. */
    g_assert_cmphex(cxsim_give_pages(d, 1), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, ==, boot - 1);
    if (boot > 1) {
        g_assert_cmphex(cxsim_give_pages(d, boot - 1), ==, CXFW_STATUS_OK);
    }
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, ==, 0);

    cxsim_satisfy_pages(d, CXFW_PAGES_INIT);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_INIT, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, ==, 0);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_REGULAR, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, >=, 0);

    /* op_mod outside boot/init/regular */
    g_assert_cmphex(cxsim_query_pages(d, 7, &num), ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_BAD_OP_MOD);
    cxsim_stop(d);
}

/* MANAGE_PAGES give: pages must be 4 KiB aligned and not given twice. */
static void test_pages_give_checks(void)
{
    CxsimDev *d = start_queue_pages();
    uint64_t page = cxsim_alloc(d, 2 * CXSIM_PAGE_SIZE);
    uint64_t pas[2];

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    pas[0] = page + 0x800;
    g_assert_cmphex(cxsim_give_page_list(d, pas, 1), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_PAGE_MISALIGNED);

    pas[0] = page;
    g_assert_cmphex(cxsim_give_page_list(d, pas, 1), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_give_page_list(d, pas, 1), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_PAGE_DUPLICATE);

    /* A duplicate within one command is a duplicate too. */
    pas[0] = pas[1] = page + CXSIM_PAGE_SIZE;
    g_assert_cmphex(cxsim_give_page_list(d, pas, 2), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_PAGE_DUPLICATE);

    /* input_num_entries larger than the input carries */
    {
        uint8_t in[CXSIM_HDR_LEN + 8] = { 0 };
        uint8_t out[CXSIM_HDR_LEN];

        cx_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
        cx_put32(in, 0x0c, 2);
        cx_put64(in, CXSIM_HDR_LEN, page + CXSIM_PAGE_SIZE);
        g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                        CXFW_STATUS_BAD_INP_LEN);
        cxsim_assert_status(d, CXFW_STATUS_BAD_INP_LEN,
                            CXFW_SYND_PAGES_ENTRIES_LEN);
    }
    cxsim_stop(d);
}

static bool page_in(GArray *given, uint64_t pa)
{
    guint i;

    for (i = 0; i < given->len; i++) {
        if (g_array_index(given, uint64_t, i) == pa) {
            return true;
        }
    }
    return false;
}

/*
 * 200 pages in one MANAGE_PAGES give: 1616 bytes of input, i.e. the inline
 * 16 bytes plus four mailboxes.  After TEARDOWN_HCA one take of 200+ pages
 * (multi-mailbox output) returns every page given, each exactly once.
 */
static void test_pages_multi_mailbox(void)
{
    CxsimDev *d = start_queue_pages();
    g_autoptr(GArray) given = NULL;
    g_autofree uint64_t *back = NULL;
    int32_t num = -1;
    uint32_t got = 0, total, i, j;

    cxsim_bringup_enabled(d);
    g_assert_cmpuint(cxsim_blocks(CXSIM_HDR_LEN + 8 * 200), ==, 4);
    g_assert_cmphex(cxsim_give_pages(d, 200), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);

    /* The extra pages did not disturb the regular accounting. */
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_REGULAR, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, >=, 0);

    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    given = g_array_copy(d->pages);
    total = given->len;
    g_assert_cmpuint(total, >=, 200);
    back = g_new0(uint64_t, total + 64);
    g_assert_cmphex(cxsim_take_pages(d, total + 64, &got, back), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, total);
    for (i = 0; i < got; i++) {
        g_assert_true(page_in(given, back[i]));
        for (j = 0; j < i; j++) {
            g_assert_cmphex(back[j], !=, back[i]);
        }
    }
    g_assert_cmpuint(d->pages->len, ==, 0);

    /* Nothing left to take. */
    g_assert_cmphex(cxsim_take_pages(d, 8, &got, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, 0);
    cxsim_stop(d);
}

/* Take returns only pages that were given; a short take leaves the rest. */
static void test_pages_take(void)
{
    CxsimDev *d = start_queue_pages();
    g_autoptr(GArray) given = NULL;
    uint64_t back[4];
    uint32_t got = 0, total;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    given = g_array_copy(d->pages);
    total = given->len;
    g_assert_cmpuint(total, >, 0);

    g_assert_cmphex(cxsim_take_pages(d, 1, &got, back), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, 1);
    g_assert_true(page_in(given, back[0]));
    g_assert_cmpuint(d->pages->len, ==, total - 1);

    /* Output too short for the pages asked for. */
    {
        uint8_t in[CXSIM_HDR_LEN] = { 0 };
        uint8_t out[CXSIM_HDR_LEN + 8];

        cx_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
        cx_put32(in, 0x0c, 4);
        g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                        CXFW_STATUS_BAD_OUTP_LEN);
        cxsim_assert_status(d, CXFW_STATUS_BAD_OUTP_LEN,
                            CXFW_SYND_PAGES_OUT_LEN);
    }

    g_assert_cmphex(cxsim_take_pages(d, total, &got, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, total - 1);
    g_assert_cmpuint(d->pages->len, ==, 0);
    cxsim_stop(d);
}

/* While the HCA runs, take returns only the pages beyond its need. */
static void test_pages_take_running(void)
{
    CxsimDev *d = start_queue_pages();
    uint32_t needed, got = 0;
    int32_t num = -1;

    cxsim_bringup(d);
    /* the running HCA also wants its regular pages (page request) */
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_REGULAR, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, >, 0);
    g_assert_cmphex(cxsim_give_pages(d, num), ==, CXFW_STATUS_OK);
    needed = d->pages->len;
    g_assert_cmpuint(needed, >, 0);
    g_assert_cmphex(cxsim_take_pages(d, 4, &got, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, 0);

    g_assert_cmphex(cxsim_give_pages(d, 10), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_take_pages(d, needed + 10, &got, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, 10);
    g_assert_cmpuint(d->pages->len, ==, needed);
    /* The firmware still has what it needs: nothing asked for. */
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_REGULAR, &num), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(num, ==, 0);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/*
 * QUERY_HCA_CAP: 0x1010 bytes of output (inline 16 + 8 mailboxes).  The
 * general capabilities the stock driver depends on.
 */
static void test_query_hca_cap(void)
{
    CxsimDev *d = start_queue();
    g_autofree uint8_t *max = g_malloc0(CXSIM_CAP_LEN);
    g_autofree uint8_t *cur = g_malloc0(CXSIM_CAP_LEN);

    g_assert_cmpuint(cxsim_blocks(CXSIM_QUERY_CAP_OUTLEN), ==, 8);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cur), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, false, max), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cur), ==,
                    CXFW_STATUS_OK);

    /* log_max_eq >= 4 (mlx5_core refuses fewer), sane EQ size */
    g_assert_cmpuint(cx_get_bits(cur, CXSIM_CAP_LOG_MAX_EQ, 0, 4), >=, 4);
    g_assert_cmpuint(cx_get_bits(cur, CXSIM_CAP_LOG_MAX_EQ_SZ, 24, 8), >=, 6);
    /* user contexts offered: mlx5_fwctl binds */
    g_assert_cmphex(cx_get32(cur, CXSIM_CAP_UCTX_CAP), !=, 0);
    /* port_type 0: no Ethernet data path */
    g_assert_cmpuint(cx_get_bits(cur, CXSIM_CAP_PORT_TYPE, 8, 2), ==, 0);
    /* no command signatures */
    g_assert_cmpuint(cx_get_bits(cur, CXSIM_CAP_CMDIF_CHECKSUM, 14, 2), ==, 0);
    g_assert_cmpuint(cx_get_bits(max, CXSIM_CAP_CMDIF_CHECKSUM, 14, 2), ==, 0);

    /* current never exceeds maximum for these */
    g_assert_cmpuint(cx_get_bits(cur, CXSIM_CAP_LOG_MAX_EQ, 0, 4), <=,
                     cx_get_bits(max, CXSIM_CAP_LOG_MAX_EQ, 0, 4));
    g_assert_cmphex(cx_get32(cur, CXSIM_CAP_UCTX_CAP) &
                    ~cx_get32(max, CXSIM_CAP_UCTX_CAP), ==, 0);

    /* A capability type the profile does not offer. */
    g_assert_cmphex(cxsim_query_hca_cap(d, 0x3f, true, NULL), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    cxsim_stop(d);
}

/* cmd_hca_cap.log_max_qp: bits 4:0 of the dword at 0x10 */
#define CAP_LOG_MAX_QP 0x10

/*
 * SET_HCA_CAP: current caps accepted before INIT_HCA, refused after;
 * settable fields are bounded by the maximum.
 */
static void test_set_hca_cap(void)
{
    CxsimDev *d = start_queue();
    g_autofree uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    g_autofree uint8_t *cap2 = g_malloc0(CXSIM_CAP_LEN);

    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);

    cxsim_bringup_enabled(d);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap2), ==,
                    CXFW_STATUS_OK);
    /* Setting the current values changes nothing the driver can see. */
    g_assert_cmpmem(cap, CXSIM_CAP_LEN, cap2, CXSIM_CAP_LEN);

    /* A capability type the profile does not offer. */
    {
        g_autofree uint8_t *in = g_malloc0(CXSIM_SET_CAP_INLEN);
        uint8_t out[CXSIM_HDR_LEN];

        cx_hdr(in, CXFW_OP_SET_HCA_CAP, 0x3f << 1);
        g_assert_cmphex(cxsim_cmd(d, in, CXSIM_SET_CAP_INLEN, out,
                                  sizeof(out)), ==, CXFW_STATUS_BAD_PARAM);
        cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM,
                            CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    }

    /* log_max_qp is settable up to the maximum. */
    g_assert_cmpuint(cx_get_bits(cap, CAP_LOG_MAX_QP, 0, 5), >, 10);
    cx_put_bits(cap2, CAP_LOG_MAX_QP, 0, 5, 31);
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap2), ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_CAP_EXCEEDS_MAX);
    cx_put_bits(cap2, CAP_LOG_MAX_QP, 0, 5, 10);
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap2), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap2), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(cap2, CAP_LOG_MAX_QP, 0, 5), ==, 10);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, false, cap2), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(cap2, CAP_LOG_MAX_QP, 0, 5), ==,
                     cx_get_bits(cap, CAP_LOG_MAX_QP, 0, 5));

    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_ALREADY_INITIALIZED);
    cxsim_stop(d);
}

/* INIT_HCA needs the boot and init pages, and happens once. */
static void test_init_hca(void)
{
    CxsimDev *d = start_queue_pages();
    int32_t boot = 0, init = 0;

    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &boot), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_INIT, &init), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(boot + init, >, 0);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_NO_RES);
    cxsim_assert_status(d, CXFW_STATUS_NO_RES, CXFW_SYND_PAGES_MISSING);

    cxsim_satisfy_pages(d, CXFW_PAGES_BOOT);
    if (init > 0) {
        g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_NO_RES);
        cxsim_assert_status(d, CXFW_STATUS_NO_RES, CXFW_SYND_PAGES_MISSING);
    }
    cxsim_satisfy_pages(d, CXFW_PAGES_INIT);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_ALREADY_INITIALIZED);
    cxsim_stop(d);
}

/* TEARDOWN_HCA: graceful only, back to ENABLED. */
static void test_teardown_hca(void)
{
    CxsimDev *d = start_queue();
    uint32_t uar;

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_INITIALIZED);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_teardown_hca(d, 1), ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_TEARDOWN_PROFILE);
    g_assert_cmphex(cxsim_teardown_hca(d, 2), ==, CXFW_STATUS_BAD_PARAM);
    /* still initialized */
    g_assert_cmphex(cxsim_alloc_uar(d, &uar), ==, CXFW_STATUS_OK);

    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &uar), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_INITIALIZED);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* QUERY_ADAPTER: the vendor is Mellanox, a PSID is set. */
static void test_query_adapter(void)
{
    CxsimDev *d = start_queue();
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_QUERY_ADAPTER_OUTLEN];

    cx_hdr(in, CXFW_OP_QUERY_ADAPTER, 0);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    /* query_adapter_param_block at 0x10 */
    g_assert_cmphex(cx_get32(out, 0x10 + 0x1c) & 0xffff, ==, CXSIM_VENDOR_ID);
    g_assert_cmphex(cx_get8(out, 0x10 + 0xf0), !=, 0);     /* PSID */
    cxsim_stop(d);
}

/* ALLOC_UAR: lowest free index from 16 up; DEALLOC_UAR frees it. */
static void test_uar(void)
{
    CxsimDev *d = start_queue();
    uint32_t a = 0, b = 0, c = 0;

    cxsim_bringup_enabled(d);
    g_assert_cmphex(cxsim_alloc_uar(d, &a), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_INITIALIZED);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);

    g_assert_cmphex(cxsim_alloc_uar(d, &a), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &b), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(a, ==, CXSIM_FIRST_UAR);
    g_assert_cmpuint(b, ==, CXSIM_FIRST_UAR + 1);
    /* The UAR page lies inside BAR0. */
    g_assert_cmpuint((uint64_t)(b + 1) * CXSIM_PAGE_SIZE, <=, d->bar0_size);

    g_assert_cmphex(cxsim_dealloc_uar(d, a), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_dealloc_uar(d, a), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_UAR_UNKNOWN);
    g_assert_cmphex(cxsim_dealloc_uar(d, 3), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_UAR_UNKNOWN);
    g_assert_cmphex(cxsim_alloc_uar(d, &c), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(c, ==, a);
    cxsim_stop(d);
}

/* ALLOC_UAR until the BAR runs out: NO_RES, and the last index fits. */
static void test_uar_exhaustion(void)
{
    CxsimDev *d = start_queue();
    uint32_t uar = 0, last = 0, n = 0;

    cxsim_bringup(d);
    while (cxsim_alloc_uar(d, &uar) == CXFW_STATUS_OK) {
        g_assert_cmpuint(uar, >, last);
        last = uar;
        g_assert_cmpuint(++n, <, 1024);
    }
    cxsim_assert_status(d, CXFW_STATUS_NO_RES, CXFW_SYND_UAR_EXHAUSTED);
    g_assert_cmpuint((uint64_t)(last + 1) * CXSIM_PAGE_SIZE, <=,
                     d->bar0_size);
    g_assert_cmpuint(last, ==, CXSIM_BAR0_SIZE / CXSIM_PAGE_SIZE - 1);
    g_assert_cmphex(cxsim_dealloc_uar(d, last), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(uar, ==, last);
    cxsim_stop(d);
}

/* CREATE_EQ, QUERY_EQ and DESTROY_EQ round trip. */
static void test_eq_lifecycle(void)
{
    CxsimDev *d = start_queue();
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    CxsimEq eq, eq2;
    uint32_t uar2;

    cxsim_bringup_enabled(d);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 0, 16),
                    ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_INITIALIZED);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &uar2), ==, CXFW_STATUS_OK);

    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 1,
                                    d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_create_eq(d, &eq2, 7, 0, 3, uar2), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(eq.eqn, !=, eq2.eqn);

    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_LOG_SZ_UAR, 24, 5), ==, 4);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_LOG_SZ_UAR, 0, 24), ==,
                     d->uar);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_INTR, 0, 8), ==, 1);
    /* Nothing consumed yet (command completions may have been produced). */
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==, 0);

    g_assert_cmphex(cxsim_query_eq(d, eq2.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_LOG_SZ_UAR, 24, 5), ==, 7);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_LOG_SZ_UAR, 0, 24), ==, uar2);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_INTR, 0, 8), ==, 3);
    /* Subscribed to no event: nothing ever produced. */
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_PRODUCER, 0, 24), ==, 0);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==, 0);

    /* The UAR is busy while an EQ uses it. */
    g_assert_cmphex(cxsim_dealloc_uar(d, uar2), ==, CXFW_STATUS_RES_BUSY);
    cxsim_assert_status(d, CXFW_STATUS_RES_BUSY, CXFW_SYND_UAR_IN_USE);

    g_assert_cmphex(cxsim_destroy_eq(d, &eq2), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_eq(d, eq2.eqn, out), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(cxsim_destroy_eq(d, &eq2), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(cxsim_dealloc_uar(d, uar2), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_destroy_eqn(d, 0xff), ==, CXFW_STATUS_BAD_RES);

    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_destroy_eq(d, &eq), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* CREATE_EQ parameter checks. */
static void test_eq_bad_params(void)
{
    CxsimDev *d = start_queue();
    uint8_t out[CXSIM_HDR_LEN];
    g_autofree uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    uint8_t in[CXSIM_CREATE_EQ_PAS + 8];
    unsigned log_max_eq_sz;
    uint64_t page;
    CxsimEq eq;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap), ==, CXFW_STATUS_OK);
    log_max_eq_sz = cx_get_bits(cap, CXSIM_CAP_LOG_MAX_EQ_SZ, 24, 8);
    g_assert_cmpuint(log_max_eq_sz, <, 31);

    page = cxsim_alloc(d, 2 * CXSIM_PAGE_SIZE);
    memset(in, 0, sizeof(in));
    cx_hdr(in, CXFW_OP_CREATE_EQ, 0);
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 0, 24, d->uar);
    cx_put64(in, CXSIM_CREATE_EQ_PAS, page);

    /* Larger than log_max_eq_sz. */
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 24, 5, log_max_eq_sz + 1);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_SIZE);

    /* UAR not allocated. */
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, 0, d->uar + 1), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_UAR);


    /* 128 entries = 2 pages, but only one pas entry. */
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 24, 5, 7);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_INP_LEN);
    cxsim_assert_status(d, CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_EQ_PAS_LEN);

    /* One page (16 entries) at a misaligned address. */
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 24, 5, 4);
    cx_put64(in, CXSIM_CREATE_EQ_PAS, page + 0x40);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_PAS_MISALIGNED);

    /* log_page_size absurd */
    cx_put64(in, CXSIM_CREATE_EQ_PAS, page);
    cx_put_bits(in, CXSIM_EQC_LOG_PAGE_SIZE, 24, 5, 31);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_PAGE_SIZE);

    /*
     * And the same input with sane values works, subscribed to every event
     * type (the firmware accepts any mask, as mlx5_core's async EQ needs).
     */
    cx_put_bits(in, CXSIM_EQC_LOG_PAGE_SIZE, 24, 5, 0);
    for (int i = 0; i < 4; i++) {
        cx_put64(in, CXSIM_CREATE_EQ_MASK + 8 * i, UINT64_MAX);
    }
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* EQ numbers run out at max_num_eqs / 2^log_max_eq. */
static void test_eq_exhaustion(void)
{
    CxsimDev *d = start_queue();
    g_autofree uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    uint32_t limit, n = 0;
    CxsimEq eq, first = { 0 };

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap), ==, CXFW_STATUS_OK);
    limit = 1u << cx_get_bits(cap, CXSIM_CAP_LOG_MAX_EQ, 0, 4);
    if (cx_get_bits(cap, CXSIM_CAP_MAX_NUM_EQS, 0, 16)) {
        limit = MIN(limit, cx_get_bits(cap, CXSIM_CAP_MAX_NUM_EQS, 0, 16));
    }
    g_assert_cmpuint(limit, <=, 256);
    while (cxsim_create_eq(d, &eq, 2, 0, 0, d->uar) == CXFW_STATUS_OK) {
        if (!n) {
            first = eq;
        }
        g_assert_cmpuint(++n, <=, limit);
    }
    cxsim_assert_status(d, CXFW_STATUS_NO_RES, CXFW_SYND_EQ_EXHAUSTED);
    g_assert_cmpuint(n, >=, 4);
    g_assert_cmphex(cxsim_destroy_eq(d, &first), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 2, 0, 0, d->uar), ==,
                    CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* ACCESS_REG HOST_ENDIANNESS: what is written is read back. */
static void test_access_reg(void)
{
    CxsimDev *d = start_queue();
    uint8_t he[CXSIM_REG_HOST_ENDIANNESS_LEN] = { 0 };
    uint8_t back[CXSIM_REG_HOST_ENDIANNESS_LEN];

    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_READ,
                                     CXFW_REG_HOST_ENDIANNESS, 0, NULL, back,
                                     sizeof(back)), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);

    he[0] = 0x80;   /* big-endian host */
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_WRITE,
                                     CXFW_REG_HOST_ENDIANNESS, 0, he, NULL,
                                     sizeof(he)), ==, CXFW_STATUS_OK);
    memset(back, 0x5a, sizeof(back));
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_READ,
                                     CXFW_REG_HOST_ENDIANNESS, 0, NULL, back,
                                     sizeof(back)), ==, CXFW_STATUS_OK);
    g_assert_cmphex(back[0] & 0x80, ==, 0x80);

    he[0] = 0;      /* little-endian host, what mlx5_core writes on x86 */
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_WRITE,
                                     CXFW_REG_HOST_ENDIANNESS, 0, he, NULL,
                                     sizeof(he)), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_READ,
                                     CXFW_REG_HOST_ENDIANNESS, 0, NULL, back,
                                     sizeof(back)), ==, CXFW_STATUS_OK);
    g_assert_cmphex(back[0] & 0x80, ==, 0);

    /* Unknown register id. */
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_READ, 0x1234, 0, NULL,
                                     back, sizeof(back)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_REG_UNKNOWN);
    /* op_mod other than read/write */
    g_assert_cmphex(cxsim_access_reg(d, 7, CXFW_REG_HOST_ENDIANNESS, 0, NULL,
                                     back, sizeof(back)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_BAD_OP_MOD);
    cxsim_stop(d);
}

/* State machine: what each state refuses, with the documented syndrome. */
static void test_state_machine(void)
{
    static const uint16_t need_enabled[] = {
        CXFW_OP_NOP, CXFW_OP_QUERY_ISSI, CXFW_OP_SET_ISSI,
        CXFW_OP_QUERY_PAGES, CXFW_OP_MANAGE_PAGES, CXFW_OP_QUERY_HCA_CAP,
        CXFW_OP_QUERY_ADAPTER, CXFW_OP_INIT_HCA, CXFW_OP_DISABLE_HCA,
    };
    static const uint16_t need_initialized[] = {
        CXFW_OP_ALLOC_UAR, CXFW_OP_DEALLOC_UAR, CXFW_OP_DESTROY_EQ,
        CXFW_OP_QUERY_EQ, CXFW_OP_TEARDOWN_HCA,
    };
    g_autofree uint8_t *in = g_malloc0(CXSIM_SET_CAP_INLEN);
    g_autofree uint8_t *out = g_malloc0(CXSIM_QUERY_CAP_OUTLEN);
    CxsimDev *d = start_queue();
    int i;

    /* Valid lengths for every opcode used: the state check must decide. */
    for (i = 0; i < ARRAY_SIZE(need_enabled); i++) {
        uint16_t op = need_enabled[i];
        uint16_t op_mod = op == CXFW_OP_QUERY_PAGES ? CXFW_PAGES_BOOT : 0;
        uint32_t outlen = op == CXFW_OP_QUERY_HCA_CAP ? CXSIM_QUERY_CAP_OUTLEN
                        : op == CXFW_OP_QUERY_ISSI ? CXSIM_QUERY_ISSI_OUTLEN
                        : op == CXFW_OP_QUERY_ADAPTER ?
                          CXSIM_QUERY_ADAPTER_OUTLEN
                        : op == CXFW_OP_QUERY_EQ ? CXSIM_QUERY_EQ_OUTLEN
                        : CXSIM_HDR_LEN;

        g_test_message("opcode 0x%x before ENABLE_HCA", op);
        memset(in, 0, CXSIM_HDR_LEN);
        cx_hdr(in, op, op_mod);
        g_assert_cmphex(cxsim_cmd(d, in, CXSIM_HDR_LEN, out, outlen), ==,
                        CXFW_STATUS_BAD_SYS_STATE);
        cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                            CXFW_SYND_HCA_NOT_ENABLED);
    }
    /* Commands of the initialized state are refused too. */
    for (i = 0; i < ARRAY_SIZE(need_initialized); i++) {
        uint16_t op = need_initialized[i];
        uint32_t outlen = op == CXFW_OP_QUERY_EQ ? CXSIM_QUERY_EQ_OUTLEN
                                                 : CXSIM_HDR_LEN;

        memset(in, 0, CXSIM_HDR_LEN);
        cx_hdr(in, op, 0);
        g_assert_cmphex(cxsim_cmd(d, in, CXSIM_HDR_LEN, out, outlen), ==,
                        CXFW_STATUS_BAD_SYS_STATE);
    }

    cxsim_bringup_enabled(d);
    for (i = 0; i < ARRAY_SIZE(need_initialized); i++) {
        uint16_t op = need_initialized[i];
        uint32_t outlen = op == CXFW_OP_QUERY_EQ ? CXSIM_QUERY_EQ_OUTLEN
                                                 : CXSIM_HDR_LEN;

        g_test_message("opcode 0x%x before INIT_HCA", op);
        memset(in, 0, CXSIM_HDR_LEN);
        cx_hdr(in, op, 0);
        cx_put32(in, 8, op == CXFW_OP_DEALLOC_UAR ? CXSIM_FIRST_UAR : 0);
        g_assert_cmphex(cxsim_cmd(d, in, CXSIM_HDR_LEN, out, outlen), ==,
                        CXFW_STATUS_BAD_SYS_STATE);
        cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                            CXFW_SYND_HCA_NOT_INITIALIZED);
    }

    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    /* Commands of the enabled state still work when initialized. */
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, NULL, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, NULL), ==,
                    CXFW_STATUS_OK);
    /* SET_ISSI and SET_HCA_CAP belong before INIT_HCA. */
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, out + CXSIM_HDR_LEN), ==,
                    CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_ALREADY_INITIALIZED);
    cxsim_stop(d);
}

/* A uid other than 0 names no user context (none exist). */
static void test_uid_unknown(void)
{
    CxsimDev *d = start_queue();
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    cx_hdr(in, CXFW_OP_NOP, 0);
    cx_put16(in, 2, 1);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_UID_UNKNOWN);
    cx_put16(in, 2, 0xffff);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_UID_UNKNOWN);
    cxsim_stop(d);
}

/* The stock driver's bring-up, twice in a row (DISABLE_HCA in between). */
static void test_bringup(void)
{
    CxsimDev *d = start_queue_pages();

    cxsim_bringup(d);
    g_assert_cmpuint(d->uar, >=, CXSIM_FIRST_UAR);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_take_pages(d, d->pages->len, NULL, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(d->pages->len, ==, 0);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    cxsim_bringup(d);
    cxsim_stop(d);
}

/*
 * 31 slots in one doorbell (the driver's regular slots), each a different
 * command with its own token: every one completes with its own output.
 */
static void test_31_slots(void)
{
    CxsimDev *d = start_queue();
    CxsimMsg *m[31];
    uint8_t in[CXSIM_HDR_LEN];
    uint8_t out[CXSIM_QUERY_ISSI_OUTLEN];
    int i;

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    for (i = 0; i < 31; i++) {
        memset(in, 0, sizeof(in));
        if (i % 3 == 0) {
            cx_hdr(in, CXFW_OP_QUERY_ISSI, 0);
            m[i] = cxsim_msg_new(d, in, sizeof(in), CXSIM_QUERY_ISSI_OUTLEN);
        } else if (i % 3 == 1) {
            cx_hdr(in, CXFW_OP_NOP, 0);
            m[i] = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
        } else {
            cx_hdr(in, 0x7ff, 0);   /* bad opcode: fails alone */
            m[i] = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
        }
        cxsim_msg_post(d, i, m[i]);
    }
    cxsim_ring(d, 0x7fffffff);
    for (i = 0; i < 31; i++) {
        g_assert_true(cxsim_wait(d, i));
        g_assert_cmphex(cxsim_status_own(d, i), ==, 0);
        g_assert_cmphex(cxsim_mem_rd8(d, cxsim_slot_addr(d, i) +
                                      CXSIM_ENT_TOKEN), ==, m[i]->token);
        cxsim_msg_read_out(d, i, m[i], out);
        if (i % 3 == 0) {
            g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
            g_assert_cmphex(cx_get32(out, 0x6c), ==, 0x3);
        } else if (i % 3 == 1) {
            g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
        } else {
            g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_BAD_OP);
            g_assert_cmphex(cx_syndrome(out), ==, CXFW_SYND_BAD_OPCODE);
        }
        cxsim_msg_free(d, m[i]);
    }
    /* The page slot (31) was not rung: untouched. */
    g_assert_cmphex(cxsim_status_own(d, 31), ==, 0);
    g_assert_cmphex(cxsim_mem_rd8(d, cxsim_slot_addr(d, 31)), ==, 0);
    cxsim_stop(d);
}

/* The page slot (31) works like any other. */
static void test_page_slot(void)
{
    CxsimDev *d = start_queue();
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];
    int32_t boot = 0;
    CxsimMsg *m;

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    cx_hdr(in, CXFW_OP_QUERY_PAGES, CXFW_PAGES_BOOT);
    m = cxsim_msg_new(d, in, sizeof(in), sizeof(out));
    cxsim_msg_post(d, 31, m);
    cxsim_ring(d, 1u << 31);
    g_assert_true(cxsim_wait(d, 31));
    g_assert_cmphex(cxsim_status_own(d, 31), ==, 0);
    cxsim_msg_read_out(d, 31, m, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &boot), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint((int32_t)cx_get32(out, 0x0c), ==, boot);
    cxsim_msg_free(d, m);
    cxsim_stop(d);
}

/* SET_HCA_CAP: 0x1010 bytes of input, eight input mailboxes. */
static void test_set_hca_cap_mailboxes(void)
{
    CxsimDev *d = start_queue();
    g_autofree uint8_t *in = g_malloc0(CXSIM_SET_CAP_INLEN);
    g_autofree uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    g_autofree uint8_t *out = g_malloc0(CXSIM_QUERY_CAP_OUTLEN);
    uint32_t i;

    /*
     * SET_HCA_CAP carries 0x1010 bytes: 8 input mailboxes.  Fill the
     * capability with what QUERY_HCA_CAP returned and check that the
     * firmware reassembled every block in order: the same data reads back.
     */
    cxsim_bringup_enabled(d);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap), ==, CXFW_STATUS_OK);
    cx_hdr(in, CXFW_OP_SET_HCA_CAP, 0);
    memcpy(in + CXSIM_HDR_LEN, cap, CXSIM_CAP_LEN);
    g_assert_cmphex(cxsim_cmd(d, in, CXSIM_SET_CAP_INLEN, out, CXSIM_HDR_LEN),
                    ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, out), ==, CXFW_STATUS_OK);
    for (i = 0; i < CXSIM_CAP_LEN; i += 4) {
        g_assert_cmphex(cx_get32(out, i), ==, cx_get32(cap, i));
    }
    cxsim_stop(d);
}

/*
 * The firmware-stats property the guest runner reads: live objects and the
 * opcodes the guest sent that the firmware does not implement.
 */
static void test_firmware_stats(void)
{
    CxsimDev *d = cxsim_start(",id=cx0");
    uint8_t out[CXSIM_HDR_LEN];
    g_autofree char *idle = NULL, *busy = NULL, *after = NULL;

    idle = cxsim_firmware_stats(d, "cx0");
    g_assert_nonnull(strstr(idle, "hca_state=0 "));
    g_assert_nonnull(strstr(idle, " live_umems=0 live_pds=0 live_mkeys=0 "
                                  "umem_bytes=0 dma_bytes=0 dma_errors=0 "));
    g_assert_nonnull(strstr(idle, " unsupported=0 unsupported_opcodes=none"));

    cxsim_cmdq_init(d);
    cxsim_bringup(d);
    cxsim_cmd_simple(d, 0x7ff, 0, 0, 0, out);
    cxsim_cmd_simple(d, 0x7ff, 0, 0, 0, out);
    busy = cxsim_firmware_stats(d, "cx0");
    g_assert_nonnull(strstr(busy, "hca_state=2 "));
    g_assert_nonnull(strstr(busy, " live_uars=1 "));
    g_assert_nonnull(strstr(busy, " unsupported=2 unsupported_opcodes=0x7ff:2"));

    g_assert_cmphex(cxsim_dealloc_uar(d, d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    after = cxsim_firmware_stats(d, "cx0");
    g_assert_nonnull(strstr(after, "hca_state=0 "));
    g_assert_nonnull(strstr(after, " live_uars=0 "));
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/cmd/nop", test_nop);
    qtest_add_func("/cxsim/cmd/firmware-stats", test_firmware_stats);
    qtest_add_func("/cxsim/cmd/enable-disable-hca", test_enable_disable_hca);
    qtest_add_func("/cxsim/cmd/issi", test_issi);
    qtest_add_func("/cxsim/cmd/pages-accounting", test_pages_accounting);
    qtest_add_func("/cxsim/cmd/pages-give-checks", test_pages_give_checks);
    qtest_add_func("/cxsim/cmd/pages-multi-mailbox", test_pages_multi_mailbox);
    qtest_add_func("/cxsim/cmd/pages-take", test_pages_take);
    qtest_add_func("/cxsim/cmd/pages-take-running", test_pages_take_running);
    qtest_add_func("/cxsim/cmd/query-hca-cap", test_query_hca_cap);
    qtest_add_func("/cxsim/cmd/set-hca-cap", test_set_hca_cap);
    qtest_add_func("/cxsim/cmd/init-hca", test_init_hca);
    qtest_add_func("/cxsim/cmd/teardown-hca", test_teardown_hca);
    qtest_add_func("/cxsim/cmd/query-adapter", test_query_adapter);
    qtest_add_func("/cxsim/cmd/uar", test_uar);
    qtest_add_func("/cxsim/cmd/uar-exhaustion", test_uar_exhaustion);
    qtest_add_func("/cxsim/cmd/eq-lifecycle", test_eq_lifecycle);
    qtest_add_func("/cxsim/cmd/eq-bad-params", test_eq_bad_params);
    qtest_add_func("/cxsim/cmd/eq-exhaustion", test_eq_exhaustion);
    qtest_add_func("/cxsim/cmd/access-reg", test_access_reg);
    qtest_add_func("/cxsim/cmd/state-machine", test_state_machine);
    qtest_add_func("/cxsim/cmd/uid-unknown", test_uid_unknown);
    qtest_add_func("/cxsim/cmd/bringup", test_bringup);
    qtest_add_func("/cxsim/cmd/31-slots", test_31_slots);
    qtest_add_func("/cxsim/cmd/page-slot", test_page_slot);
    qtest_add_func("/cxsim/cmd/set-hca-cap-mailboxes",
                   test_set_hca_cap_mailboxes);
    qtest_add_func("/cxsim/cmd/stock-lengths", test_stock_lengths);

    return g_test_run();
}
