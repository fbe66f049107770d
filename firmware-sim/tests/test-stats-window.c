/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The statistics window (BAR0 page 3, a cxsim extension): its layout, its
 * values following the firmware's objects and pages from power-on through
 * bring-up to teardown and reset, and writes that change nothing.
 */
#include <string.h>

#include "fake-host.h"
#include "cxfw-internal.h"

#define TOOLS CXFW_UCTX_CAP_TOOLS_RESOURCES
#define RW (FH_MTT_RD | FH_MTT_WR)
#define VA_BASE 0x7f0000000000ull

/* The documented layout (docs/prm-coverage.md), independent of the table. */
static const struct {
    uint32_t offset;
    const char *name;
} layout[] = {
    { 0x00, "magic" }, { 0x04, "live_uctxs" }, { 0x08, "live_eqs" },
    { 0x0c, "live_uars" }, { 0x10, "live_umems" }, { 0x14, "live_pds" },
    { 0x18, "live_mkeys" }, { 0x1c, "pages_owned" }, { 0x20, "hca_state" },
    { 0x24, "commands" }, { 0x28, "command_errors" },
    { 0x2c, "unsupported" },
};

static uint32_t win(FakeHost *fh, const char *name)
{
    const CxfwStatsWindowReg *r;

    for (unsigned i = 0; (r = cxfw_stats_window_reg(i)); i++) {
        if (!strcmp(r->name, name)) {
            return cxfw_stats_window_read(fh->fw, r->offset);
        }
    }
    g_error("no window register %s", name);
}

/* Every register against the statistics it shows, named one by one. */
static void check_window(FakeHost *fh)
{
    CxfwStats st = fh_stats(fh);

    g_assert_cmphex(win(fh, "magic"), ==, CXFW_STATS_WINDOW_MAGIC);
    g_assert_cmpuint(win(fh, "live_uctxs"), ==, st.live_uctxs);
    g_assert_cmpuint(win(fh, "live_eqs"), ==, st.live_eqs);
    g_assert_cmpuint(win(fh, "live_uars"), ==, st.live_uars);
    g_assert_cmpuint(win(fh, "live_umems"), ==, st.live_umems);
    g_assert_cmpuint(win(fh, "live_pds"), ==, st.live_pds);
    g_assert_cmpuint(win(fh, "live_mkeys"), ==, st.live_mkeys);
    g_assert_cmpuint(win(fh, "pages_owned"), ==, st.pages_owned);
    g_assert_cmpuint(win(fh, "hca_state"), ==, st.hca_state);
    g_assert_cmpuint(win(fh, "commands"), ==, (uint32_t)st.commands);
    g_assert_cmpuint(win(fh, "command_errors"), ==,
                     (uint32_t)st.command_errors);
    g_assert_cmpuint(win(fh, "unsupported"), ==, (uint32_t)st.unsupported);
}

/* Nothing live, no page: what a driver's unload must leave. */
static void check_idle(FakeHost *fh)
{
    static const char *const counts[] = {
        "live_uctxs", "live_eqs", "live_uars", "live_umems", "live_pds",
        "live_mkeys", "pages_owned", "hca_state",
    };

    check_window(fh);
    for (unsigned i = 0; i < G_N_ELEMENTS(counts); i++) {
        g_assert_cmpuint(win(fh, counts[i]), ==, 0);
    }
}

static void test_layout(void)
{
    const CxfwStatsWindowReg *r;
    unsigned i;

    g_assert_cmphex(CXFW_STATS_WINDOW_MAGIC >> 8, ==, 0x637873);   /* cxs */
    g_assert_cmphex(CXFW_STATS_WINDOW_MAGIC & 0xff, ==, 1);
    for (i = 0; (r = cxfw_stats_window_reg(i)); i++) {
        g_assert_cmpuint(i, <, G_N_ELEMENTS(layout));
        g_assert_cmphex(r->offset, ==, layout[i].offset);
        g_assert_cmpstr(r->name, ==, layout[i].name);
        g_assert_nonnull(r->desc);
        g_assert_cmpuint(r->offset % 4, ==, 0);
        g_assert_cmpuint(r->offset, <, CXFW_STATS_WINDOW_SIZE);
    }
    g_assert_cmpuint(i, ==, G_N_ELEMENTS(layout));
    /* in BAR0 between the init segment's pages and the first UAR */
    g_assert_cmphex(CXFW_STATS_WINDOW, >=, 3 * CXFW_UAR_PAGE_SIZE);
    g_assert_cmphex(CXFW_STATS_WINDOW + CXFW_STATS_WINDOW_SIZE, <=,
                    CXFW_UAR_FIRST * CXFW_UAR_PAGE_SIZE);
}

/* Offsets without a register, unaligned ones and those past the end: 0. */
static void test_other_offsets(void)
{
    static const uint32_t offsets[] = {
        0x01, 0x02, 0x03, 0x05, 0x30, 0x34, 0x800, 0xffc,
        CXFW_STATS_WINDOW_SIZE, CXFW_STATS_WINDOW_SIZE + 4, 0xffffffff,
    };
    g_autoptr(FakeHost) fh = fh_new(NULL);

    fh_bringup(fh);
    g_assert_cmpuint(win(fh, "live_uars"), ==, 1);
    for (unsigned i = 0; i < G_N_ELEMENTS(offsets); i++) {
        g_assert_cmphex(cxfw_stats_window_read(fh->fw, offsets[i]), ==, 0);
    }
}

/* At power-on, and with the HCA disabled, the window reads: all zero. */
static void test_power_on(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    check_idle(fh);
    g_assert_cmpuint(win(fh, "commands"), ==, 0);
    fh_cmdq_init(fh);
    check_idle(fh);
}

/* The window follows every object and page, up and down. */
static void test_follows_objects(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint8_t mkey_in[CXFW_SIZEOF(create_mkey_in)];
    uint32_t inlen, umem = 0, pdn = 0, mkey = 0, pages, c;
    g_autofree uint8_t *umem_in = NULL;
    uint64_t page;
    uint16_t uid;
    FhEq eq;

    fh_enable(fh);
    check_window(fh);
    g_assert_cmpuint(win(fh, "hca_state"), ==, CXFW_HCA_ENABLED);
    g_assert_cmpuint(win(fh, "commands"), >, 0);
    fh_write_cmdq_addr(fh, fh->cmdq, 0);    /* a new driver: from scratch */
    check_idle(fh);

    fh_bringup(fh);
    check_window(fh);
    pages = win(fh, "pages_owned");
    g_assert_cmpuint(pages, >, 0);
    g_assert_cmpuint(win(fh, "hca_state"), ==, CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(win(fh, "live_uars"), ==, 1);
    g_assert_cmpuint(win(fh, "live_eqs"), ==, 0);

    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_CMD, 0,
                                 fh->uar, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "live_eqs"), ==, 1);

    uid = fh_uctx_new(fh, TOOLS);
    g_assert_cmpuint(win(fh, "live_uctxs"), ==, 1);
    page = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
    umem_in = fh_umem_in(0, 0, &page, 1, RW, &inlen);
    g_assert_cmphex(fh_umem_create(fh, uid, umem_in, inlen, &umem, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "live_umems"), ==, 1);
    g_assert_cmphex(fh_pd_alloc(fh, uid, &pdn, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "live_pds"), ==, 1);
    fh_mkey_in(mkey_in, pdn, umem, 0, VA_BASE, FH_PAGE_SIZE,
               FH_MKEY_LR | FH_MKEY_LW, 0);
    g_assert_cmphex(fh_mkey_create(fh, uid, mkey_in, &mkey, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "live_mkeys"), ==, 1);
    check_window(fh);

    /* MANAGE_PAGES give: one more */
    g_assert_cmphex(fh_give_pages(fh, 1, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "pages_owned"), ==, pages + 1);

    /* DISABLE_HCA frees everything; the pages are forgotten */
    g_assert_cmphex(fh_simple(fh, CXFW_OP_DISABLE_HCA, 0, NULL), ==,
                    CXFW_STATUS_OK);
    check_idle(fh);
    g_assert_cmpuint(win(fh, "commands"), >, 0);

    /* a device reset too (the command counters go on) */
    fh_bringup(fh);
    g_assert_cmpuint(win(fh, "live_uars"), ==, 1);
    c = win(fh, "commands");
    cxfw_reset(fh->fw);
    check_idle(fh);
    g_assert_cmpuint(win(fh, "commands"), ==, c);
}

/* commands, command_errors, unsupported; the low 32 bits of each. */
static void test_command_counters(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t c0, e0, u0;

    fh_enable(fh);
    c0 = win(fh, "commands");
    e0 = win(fh, "command_errors");
    u0 = win(fh, "unsupported");
    g_assert_cmphex(fh_simple(fh, CXFW_OP_NOP, 0, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(win(fh, "commands"), ==, c0 + 1);
    g_assert_cmpuint(win(fh, "command_errors"), ==, e0);
    g_assert_cmphex(fh_simple(fh, 0xfff0, 0, NULL), ==, CXFW_STATUS_BAD_OP);
    g_assert_cmpuint(win(fh, "commands"), ==, c0 + 2);
    g_assert_cmpuint(win(fh, "command_errors"), ==, e0 + 1);
    g_assert_cmpuint(win(fh, "unsupported"), ==, u0 + 1);
    check_window(fh);

    /* past 2^32: the registers wrap, the statistics do not */
    fh->fw->stats.commands = 0x100000005ull;
    fh->fw->stats.command_errors = 0x2ffffffffull;
    fh->fw->stats.unsupported = 0x300000007ull;
    g_assert_cmphex(win(fh, "commands"), ==, 5);
    g_assert_cmphex(win(fh, "command_errors"), ==, 0xffffffff);
    g_assert_cmphex(win(fh, "unsupported"), ==, 7);
}

/* Writes anywhere in the window change nothing and are guest errors. */
static void test_writes_ignored(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t before[CXFW_STATS_WINDOW_SIZE / 4];
    unsigned host_errors;
    uint64_t fw_errors;
    uint32_t off;

    fh_bringup(fh);
    for (off = 0; off < CXFW_STATS_WINDOW_SIZE; off += 4) {
        before[off / 4] = cxfw_stats_window_read(fh->fw, off);
    }
    host_errors = fh->guest_errors;
    fw_errors = fh_stats(fh).guest_errors;
    for (off = 0; off < CXFW_STATS_WINDOW_SIZE; off += 4) {
        cxfw_stats_window_write(fh->fw, off, 0);
        cxfw_stats_window_write(fh->fw, off, 0xffffffff);
    }
    for (off = 0; off < CXFW_STATS_WINDOW_SIZE; off += 4) {
        g_assert_cmphex(cxfw_stats_window_read(fh->fw, off), ==,
                        before[off / 4]);
    }
    g_assert_cmpuint(fh->guest_errors - host_errors, ==,
                     CXFW_STATS_WINDOW_SIZE / 2);
    g_assert_cmpuint(fh_stats(fh).guest_errors - fw_errors, ==,
                     CXFW_STATS_WINDOW_SIZE / 2);
    g_assert_nonnull(strstr(fh->last_guest_error, "statistics window"));
    /* the firmware still works */
    g_assert_cmphex(fh_simple(fh, CXFW_OP_NOP, 0, NULL), ==, CXFW_STATUS_OK);
    check_window(fh);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/stats-window/layout", test_layout);
    g_test_add_func("/stats-window/other-offsets", test_other_offsets);
    g_test_add_func("/stats-window/power-on", test_power_on);
    g_test_add_func("/stats-window/follows-objects", test_follows_objects);
    g_test_add_func("/stats-window/command-counters", test_command_counters);
    g_test_add_func("/stats-window/writes-ignored", test_writes_ignored);
    return g_test_run();
}
