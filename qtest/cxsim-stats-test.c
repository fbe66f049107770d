/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: the firmware statistics window (BAR0 page 3, a cxsim
 * extension, docs/prm-coverage.md) as a driver's test reads it: present
 * with the HCA disabled, following the objects and pages the test creates
 * and destroys, equal to the device's firmware-stats, deaf to writes.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"

#define PAGES_PROFILE       ",profile=cx6dx-pages"

/* The documented layout, written down independently of the firmware. */
#define STATS               0x3000  /* BAR0 offset */
#define STATS_SIZE          0x1000
#define STATS_MAGIC         0x63787301  /* "cxs", version 1 */

static const struct {
    uint32_t offset;
    const char *name;
} regs[] = {
    { 0x04, "live_uctxs" }, { 0x08, "live_eqs" }, { 0x0c, "live_uars" },
    { 0x10, "live_umems" }, { 0x14, "live_pds" }, { 0x18, "live_mkeys" },
    { 0x1c, "pages_owned" }, { 0x20, "hca_state" }, { 0x24, "commands" },
    { 0x28, "command_errors" }, { 0x2c, "unsupported" },
};

static uint32_t window(CxsimDev *d, const char *name)
{
    int i;

    if (!strcmp(name, "magic")) {
        return cxsim_rd32(d, STATS);
    }
    for (i = 0; i < ARRAY_SIZE(regs); i++) {
        if (!strcmp(regs[i].name, name)) {
            return cxsim_rd32(d, STATS + regs[i].offset);
        }
    }
    g_assert_not_reached();
}

/* Every register equals what the host sees, 64-bit counters truncated. */
static void assert_window_is_stats(CxsimDev *d, const char *id)
{
    int i;

    g_assert_cmphex(window(d, "magic"), ==, STATS_MAGIC);
    for (i = 0; i < ARRAY_SIZE(regs); i++) {
        g_test_message("%s", regs[i].name);
        g_assert_cmpuint(cxsim_rd32(d, STATS + regs[i].offset), ==,
                         (uint32_t)cxsim_firmware_stat(d, id, regs[i].name));
    }
}

/* What a driver's unload must leave: nothing at all. */
static void assert_idle(CxsimDev *d)
{
    int i;

    g_assert_cmphex(window(d, "magic"), ==, STATS_MAGIC);
    for (i = 0; i < ARRAY_SIZE(regs); i++) {
        if (g_str_has_prefix(regs[i].name, "live_") ||
            !strcmp(regs[i].name, "pages_owned") ||
            !strcmp(regs[i].name, "hca_state")) {
            g_test_message("%s", regs[i].name);
            g_assert_cmpuint(cxsim_rd32(d, STATS + regs[i].offset), ==, 0);
        }
    }
}

/* Readable before any driver, HCA disabled: magic, zeros, 0 elsewhere. */
static void test_power_on(void)
{
    static const uint32_t empty[] = {
        0x30, 0x34, 0x100, 0x800, STATS_SIZE - 4,
    };
    CxsimDev *d = cxsim_start(",id=cx0");
    int i;

    assert_idle(d);
    g_assert_cmpuint(window(d, "commands"), ==, 0);
    assert_window_is_stats(d, "cx0");
    for (i = 0; i < ARRAY_SIZE(empty); i++) {
        g_assert_cmphex(cxsim_rd32(d, STATS + empty[i]), ==, 0);
    }
    /* the pages around it are unchanged: init segment padding, no UAR */
    g_assert_cmphex(cxsim_rd32(d, STATS - 4), ==, 0);
    g_assert_cmphex(cxsim_rd32(d, STATS + STATS_SIZE), ==, 0);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV) >> 16, ==, 5);
    cxsim_stop(d);
}

/* The window follows what the test creates and destroys, step by step. */
static void test_follows_objects(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE ",id=cx0");
    uint8_t out[CXSIM_HDR_LEN];
    uint32_t commands, errors, got = 0;
    CxsimEq eq;

    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "hca_state"), ==, 1);
    g_assert_cmpuint(window(d, "commands"), ==, 1);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    assert_idle(d);

    cxsim_bringup(d);
    g_assert_cmpuint(window(d, "hca_state"), ==, 2);
    g_assert_cmpuint(window(d, "live_uars"), ==, 1);
    g_assert_cmpuint(window(d, "pages_owned"), ==, d->pages->len);
    g_assert_cmpuint(d->pages->len, >, 0);
    g_assert_cmpuint(window(d, "live_eqs"), ==, 0);
    assert_window_is_stats(d, "cx0");

    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "live_eqs"), ==, 1);
    assert_window_is_stats(d, "cx0");

    commands = window(d, "commands");
    errors = window(d, "command_errors");
    cxsim_cmd_simple(d, 0x7ff, 0, 0, 0, out);
    g_assert_cmpuint(window(d, "commands"), ==, commands + 1);
    g_assert_cmpuint(window(d, "command_errors"), ==, errors + 1);
    g_assert_cmpuint(window(d, "unsupported"), ==, 1);

    /* down again, as a driver's unload goes */
    g_assert_cmphex(cxsim_destroy_eq(d, &eq), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "live_eqs"), ==, 0);
    g_assert_cmphex(cxsim_dealloc_uar(d, d->uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "live_uars"), ==, 0);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "hca_state"), ==, 1);
    g_assert_cmphex(cxsim_take_pages(d, d->pages->len, &got, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(got, >, 0);
    g_assert_cmpuint(window(d, "pages_owned"), ==, 0);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    assert_idle(d);
    assert_window_is_stats(d, "cx0");

    /* a system reset: nothing held, the command counters go on */
    cxsim_bringup(d);
    commands = window(d, "commands");
    qtest_system_reset(d->qts);
    cxsim_restore_pci(d);
    assert_idle(d);
    g_assert_cmpuint(window(d, "commands"), ==, commands);
    cxsim_stop(d);
}

/* Writes to the window change nothing; each is a guest error. */
static void test_writes_ignored(void)
{
    CxsimDev *d = cxsim_start(",id=cx0");
    uint32_t before[STATS_SIZE / 4];
    uint64_t errors;
    uint32_t off;
    int writes = 0;

    cxsim_cmdq_init(d);
    cxsim_bringup(d);
    for (off = 0; off < STATS_SIZE; off += 4) {
        before[off / 4] = cxsim_rd32(d, STATS + off);
    }
    errors = cxsim_firmware_stat(d, "cx0", "guest_errors");
    for (off = 0; off < STATS_SIZE; off += off < 0x40 ? 4 : 0x100) {
        cxsim_wr32(d, STATS + off, 0xffffffff);
        cxsim_wr32(d, STATS + off, 0);
        writes += 2;
    }
    for (off = 0; off < STATS_SIZE; off += 4) {
        g_assert_cmphex(cxsim_rd32(d, STATS + off), ==, before[off / 4]);
    }
    g_assert_cmpuint(cxsim_firmware_stat(d, "cx0", "guest_errors") - errors, ==,
                     writes);
    /* the device still works, and the window still follows it */
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(window(d, "commands"), ==, before[0x24 / 4] + 1);
    assert_window_is_stats(d, "cx0");
    cxsim_stop(d);
}

/* Each function's window shows its own firmware only. */
static void test_two_devices(void)
{
    CxsimVM *vm = cxsim_vm_start("-device cxsim,id=cx0 -device cxsim,id=cx1");
    CxsimDev *a, *b;

    g_assert_cmpint(vm->ndevs, ==, 2);
    a = vm->devs[0];
    b = vm->devs[1];
    cxsim_cmdq_init(a);
    cxsim_bringup(a);
    g_assert_cmpuint(window(a, "live_uars"), ==, 1);
    assert_idle(b);
    g_assert_cmpuint(window(b, "commands"), ==, 0);
    cxsim_vm_stop(vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/stats/power-on", test_power_on);
    qtest_add_func("/cxsim/stats/follows-objects", test_follows_objects);
    qtest_add_func("/cxsim/stats/writes-ignored", test_writes_ignored);
    qtest_add_func("/cxsim/stats/two-devices", test_two_devices);

    return g_test_run();
}
