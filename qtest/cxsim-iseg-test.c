/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: PCI identity, BARs, properties and the initialization
 * segment as the stock driver reads them at probe.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"
#include "hw/pci/pci_regs.h"

#define NS_PER_SEC 1000000000LL

/* fw-version "major.minor.subminor" lands in fw_rev and cmdif_rev_fw_sub. */
static void test_fw_rev(void)
{
    CxsimDev *d = cxsim_start(",fw-version=22.40.1000");

    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_FW_REV), ==, (40 << 16) | 22);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV), ==,
                    (5 << 16) | 1000);
    cxsim_stop(d);

    d = cxsim_start(",fw-version=16.35.2010");
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_FW_REV), ==, (35 << 16) | 16);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV), ==,
                    (5 << 16) | 2010);
    cxsim_stop(d);
}

/* Without the property: the profile's version, command interface rev 5. */
static void test_fw_rev_default(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint32_t rev = cxsim_rd32(d, CXSIM_ISEG_FW_REV);

    /* mlx5_cmd_enable() refuses anything but cmdif rev 5. */
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV) >> 16, ==, 5);
    g_assert_cmphex(rev & 0xffff, !=, 0);
    g_assert_cmphex(rev, !=, 0xffffffff);
    cxsim_stop(d);
}

/* log_cmdq_size 5 / stride 6 survive any write of cmdq_addr_l_sz. */
static void test_cmdq_size_readonly(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint64_t q = cxsim_alloc(d, CXSIM_PAGE_SIZE);
    uint32_t v;

    v = cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ);
    g_assert_cmphex(v & CXSIM_CMDQ_SZ_MASK, ==, CXSIM_CMDQ_SZ_VALUE);
    g_assert_cmphex(v & CXSIM_CMDQ_NIC_IF_MASK, ==, 0);

    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_H, 0);
    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ, (uint32_t)q | 0xff);
    v = cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ);
    g_assert_cmphex(v & CXSIM_CMDQ_SZ_MASK, ==, CXSIM_CMDQ_SZ_VALUE);
    g_assert_cmphex(v & ~0xfffu, ==, (uint32_t)q);

    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ, (uint32_t)q);
    v = cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ);
    g_assert_cmphex(v, ==, (uint32_t)q | CXSIM_CMDQ_SZ_VALUE);

    /* The high half is latched. */
    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_H, 0x12345678);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_H), ==, 0x12345678);
    cxsim_stop(d);
}

/* initializing = 0 (ready, not an embedded CPU), no DTOR override. */
static void test_initializing(void)
{
    CxsimDev *d = cxsim_start(NULL);

    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_INITIALIZING), ==, 0);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMD_Q_INIT_TO), ==, 0);
    /* Still 0 after the queue address is written. */
    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_INITIALIZING), ==, 0);
    cxsim_stop(d);
}

/* Health buffer: fw_ver set, no syndrome, no reset-for-recovery request. */
static void test_health_buffer(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint32_t off, fw_ver;

    fw_ver = cxsim_rd32(d, CXSIM_ISEG_HEALTH_FW_VER);
    g_assert_cmphex(fw_ver, !=, 0);
    g_assert_cmphex(fw_ver, !=, 0xffffffff);
    for (off = CXSIM_ISEG_HEALTH; off < CXSIM_ISEG_HEALTH + 0x20; off += 4) {
        g_assert_cmphex(cxsim_rd32(d, off), ==, 0);     /* assert_var[] */
    }
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_HEALTH_RFR) >> 24, ==, 0);
    g_assert_cmphex((cxsim_rd32(d, CXSIM_ISEG_HEALTH_SYND) >> 16) & 0xff,
                    ==, 0);
    cxsim_stop(d);
}

/* The health counter ticks once per second of virtual time, no faster. */
static void test_health_counter(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint32_t c0, c1, c2;

    c0 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    /* Without virtual time passing it must not move. */
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER), ==, c0);
    qtest_clock_step(d->qts, NS_PER_SEC / 2);
    c1 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    qtest_clock_step(d->qts, NS_PER_SEC / 2 + 1000);
    c2 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    /* One tick happened within this second (the driver polls every 2 s). */
    g_assert_cmpuint((c2 - c0) & 0xffffff, ==, 1);
    g_assert_cmpuint((c1 - c0) & 0xffffff, <=, 1);

    /* Ten more seconds: ten more ticks, and never the same value twice. */
    qtest_clock_step(d->qts, 10 * NS_PER_SEC);
    c1 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    g_assert_cmpuint((c1 - c2) & 0xffffff, ==, 10);
    cxsim_stop(d);
}

static uint64_t read_timer(CxsimDev *d)
{
    uint32_t h, l, h2;

    do {
        h = cxsim_rd32(d, CXSIM_ISEG_TIMER_H);
        l = cxsim_rd32(d, CXSIM_ISEG_TIMER_L);
        h2 = cxsim_rd32(d, CXSIM_ISEG_TIMER_H);
    } while (h != h2);
    return ((uint64_t)h << 32) | l;
}

/* The internal timer counts nanoseconds of virtual time. */
static void test_internal_timer(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint64_t t0, t1;

    t0 = read_timer(d);
    g_assert_cmpuint(read_timer(d), ==, t0);
    qtest_clock_step(d->qts, 123456);
    t1 = read_timer(d);
    g_assert_cmpuint(t1 - t0, ==, 123456);
    qtest_clock_step(d->qts, 5 * NS_PER_SEC);
    g_assert_cmpuint(read_timer(d) - t1, ==, 5 * NS_PER_SEC);
    cxsim_stop(d);
}

/* PCI ids: vendor 0x15b3, device 0x101d unless the property says else. */
static void test_pci_ids(void)
{
    CxsimDev *d = cxsim_start(NULL);

    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_VENDOR_ID), ==,
                    CXSIM_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_DEVICE_ID), ==,
                    CXSIM_DEVICE_ID);
    cxsim_stop(d);

    d = cxsim_start(",device-id=0x1017");
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_VENDOR_ID), ==,
                    CXSIM_VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_DEVICE_ID), ==, 0x1017);
    /* The device works whatever its id. */
    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/*
 * No vendor-specific capability (the stock driver would take it for its
 * crash-dump gateway); PCIe with FLR and MSI-X are present.
 */
static void test_capabilities(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t pos = qpci_config_readb(d->pdev, PCI_CAPABILITY_LIST);
    bool msix = false, exp = false;
    int guard = 0;

    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_STATUS) &
                    PCI_STATUS_CAP_LIST, !=, 0);
    while (pos) {
        uint8_t id = qpci_config_readb(d->pdev, pos);

        g_assert_cmpint(++guard, <, 48);
        g_assert_cmphex(id, !=, PCI_CAP_ID_VNDR);
        msix |= id == PCI_CAP_ID_MSIX;
        exp |= id == PCI_CAP_ID_EXP;
        pos = qpci_config_readb(d->pdev, pos + PCI_CAP_LIST_NEXT);
    }
    g_assert_true(msix);
    g_assert_true(exp);
    pos = cxsim_find_cap(d, PCI_CAP_ID_EXP);
    g_assert_cmphex(qpci_config_readl(d->pdev, pos + PCI_EXP_DEVCAP) &
                    PCI_EXP_DEVCAP_FLR, !=, 0);
    cxsim_stop(d);
}

static uint64_t bar_size(CxsimDev *d, int barno, bool *is64)
{
    uint8_t reg = PCI_BASE_ADDRESS_0 + barno * 4;
    uint32_t old_lo = qpci_config_readl(d->pdev, reg);
    uint32_t lo, hi = 0xffffffff;

    *is64 = (old_lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
            PCI_BASE_ADDRESS_MEM_TYPE_64;
    g_assert_cmphex(old_lo & PCI_BASE_ADDRESS_SPACE, ==,
                    PCI_BASE_ADDRESS_SPACE_MEMORY);
    qpci_config_writel(d->pdev, reg, 0xffffffff);
    lo = qpci_config_readl(d->pdev, reg) & PCI_BASE_ADDRESS_MEM_MASK;
    if (*is64) {
        uint32_t old_hi = qpci_config_readl(d->pdev, reg + 4);

        qpci_config_writel(d->pdev, reg + 4, 0xffffffff);
        hi = qpci_config_readl(d->pdev, reg + 4);
        qpci_config_writel(d->pdev, reg + 4, old_hi);
    }
    qpci_config_writel(d->pdev, reg, old_lo);
    return ~(((uint64_t)hi << 32) | lo) + 1;
}

/* BAR0: 64-bit memory, 2 MiB.  MSI-X table and PBA in BAR2. */
static void test_bars(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t cap;
    bool is64;

    g_assert_cmpuint(d->bar0_size, ==, CXSIM_BAR0_SIZE);
    g_assert_cmpuint(bar_size(d, 0, &is64), ==, CXSIM_BAR0_SIZE);
    g_assert_true(is64);

    cap = cxsim_find_cap(d, PCI_CAP_ID_MSIX);
    g_assert_cmphex(cap, !=, 0);
    g_assert_cmpuint(qpci_config_readl(d->pdev, cap + PCI_MSIX_TABLE) &
                     PCI_MSIX_FLAGS_BIRMASK, ==, 2);
    g_assert_cmpuint(qpci_config_readl(d->pdev, cap + PCI_MSIX_PBA) &
                     PCI_MSIX_FLAGS_BIRMASK, ==, 2);
    g_assert_cmpuint(bar_size(d, 2, &is64), >=,
                     CXSIM_DEFAULT_MSIX * PCI_MSIX_ENTRY_SIZE);
    g_assert_cmpuint(qpci_msix_table_size(d->pdev), ==, CXSIM_DEFAULT_MSIX);

    /* After the sizing dance, BAR0 still decodes the init segment. */
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV) >> 16, ==, 5);
    cxsim_stop(d);
}

/* msix-vectors sets the table size, 1..64. */
static void test_msix_vectors(void)
{
    static const unsigned counts[] = { 1, 2, 64 };
    int i;

    for (i = 0; i < ARRAY_SIZE(counts); i++) {
        g_autofree char *props = g_strdup_printf(",msix-vectors=%u",
                                                 counts[i]);
        CxsimDev *d = cxsim_start(props);

        g_assert_cmpuint(qpci_msix_table_size(d->pdev), ==, counts[i]);
        cxsim_stop(d);
    }
}

/* Bad property values are refused at realize: QEMU does not start. */
static void test_bad_properties(void)
{
    static const char *const bad[] = {
        "msix-vectors=0",
        "msix-vectors=65",
        "msix-vectors=4096",
        "fw-version=banana",
        "fw-version=22.40",
        "profile=no-such-profile",
    };
    g_autofree char *err = NULL;
    int i;

    /* The harness itself: a valid configuration starts and quits. */
    g_assert_cmpint(cxsim_run_qemu("-device cxsim,msix-vectors=64", &err),
                    ==, 0);

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *args = g_strdup_printf("-device cxsim,%s", bad[i]);
        g_autofree char *msg = NULL;

        g_test_message("cxsim,%s", bad[i]);
        g_assert_cmpint(cxsim_run_qemu(args, &msg), ==, 1);
        g_assert_nonnull(strstr(msg, "cxsim"));
    }
}

/* Two functions in one machine are independent. */
static void test_two_devices(void)
{
    CxsimVM *vm = cxsim_vm_start("-device cxsim,fw-version=22.40.1000 "
                                 "-device cxsim,fw-version=22.41.1001");
    CxsimDev *a, *b;

    g_assert_cmpint(vm->ndevs, ==, 2);
    a = vm->devs[0];
    b = vm->devs[1];
    g_assert_cmphex(cxsim_rd32(a, CXSIM_ISEG_FW_REV) ^
                    cxsim_rd32(b, CXSIM_ISEG_FW_REV), ==, 1 << 16);
    cxsim_cmdq_init(a);
    cxsim_cmdq_init(b);
    g_assert_cmphex(cxsim_enable_hca(a), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(a), ==, CXFW_STATUS_OK);
    /* b was not enabled: its firmware state is its own. */
    g_assert_cmphex(cxsim_nop(b), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_vm_stop(vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/iseg/fw-rev", test_fw_rev);
    qtest_add_func("/cxsim/iseg/fw-rev-default", test_fw_rev_default);
    qtest_add_func("/cxsim/iseg/cmdq-size-readonly", test_cmdq_size_readonly);
    qtest_add_func("/cxsim/iseg/initializing", test_initializing);
    qtest_add_func("/cxsim/iseg/health-buffer", test_health_buffer);
    qtest_add_func("/cxsim/iseg/health-counter", test_health_counter);
    qtest_add_func("/cxsim/iseg/internal-timer", test_internal_timer);
    qtest_add_func("/cxsim/pci/ids", test_pci_ids);
    qtest_add_func("/cxsim/pci/capabilities", test_capabilities);
    qtest_add_func("/cxsim/pci/bars", test_bars);
    qtest_add_func("/cxsim/pci/msix-vectors", test_msix_vectors);
    qtest_add_func("/cxsim/pci/bad-properties", test_bad_properties);
    qtest_add_func("/cxsim/pci/two-devices", test_two_devices);

    return g_test_run();
}
