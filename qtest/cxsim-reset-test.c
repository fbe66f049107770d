/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: everything that returns the firmware to power-on state
 * (system reset, FLR, a new command queue address, DISABLE_HCA) forgets
 * every object, and commands racing a reset never run.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"
#include "hw/pci/pci_regs.h"
#include "qemu/timer.h"

#define PAGES_PROFILE ",profile=cx6dx-pages"

/* A running function: HCA initialized, a UAR, a command EQ. */
static void bring_up_with_eq(CxsimDev *d, CxsimEq *eq)
{
    uint8_t eqe[CXFW_EQE_SIZE];

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_create_eq(d, eq, 4, CXSIM_EVENT_MASK_CMD, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    while (cxsim_eq_poll(d, eq, eqe)) {
        /* the CREATE_EQ completion */
    }
    cxsim_eq_doorbell(d, eq, false);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_true(cxsim_eq_poll(d, eq, eqe));
}

/*
 * The firmware is at power-on: HCA disabled, pages forgotten, and once
 * brought up again the old EQ and UAR are gone.
 */
static void assert_fresh(CxsimDev *d, CxsimEq *old)
{
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    uint32_t uar = 0;
    int32_t boot = 0;

    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    cxsim_assert_status(d, CXFW_STATUS_BAD_SYS_STATE,
                        CXFW_SYND_HCA_NOT_ENABLED);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    /* Pages given before are forgotten: all boot pages asked for again. */
    g_assert_cmphex(cxsim_query_pages(d, CXFW_PAGES_BOOT, &boot), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpint(boot, ==, 16);
    g_array_set_size(d->pages, 0);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);

    cxsim_bringup(d);
    g_assert_cmpuint(d->uar, ==, CXSIM_FIRST_UAR);
    g_assert_cmphex(cxsim_query_eq(d, old->eqn, out), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(cxsim_alloc_uar(d, &uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(uar, ==, CXSIM_FIRST_UAR + 1);
}

/* The queue registers read back their power-on value. */
static void assert_queue_reset(CxsimDev *d)
{
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ), ==,
                    CXSIM_CMDQ_SZ_VALUE);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_H), ==, 0);
}

/* system_reset: firmware state, queue address and PCI state are reset. */
static void test_system_reset(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE);
    uint32_t c0;
    CxsimEq eq;

    cxsim_msix_enable(d);
    bring_up_with_eq(d, &eq);
    qtest_system_reset(d->qts);

    /* PCI: memory decoding off, BARs cleared until the driver returns. */
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_COMMAND) &
                    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER), ==, 0);
    cxsim_restore_pci(d);
    assert_queue_reset(d);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_INITIALIZING), ==, 0);

    /* The health counter still runs. */
    c0 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    qtest_clock_step(d->qts, 2 * NANOSECONDS_PER_SECOND);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER), !=, c0);

    cxsim_cmdq_init(d);
    assert_fresh(d, &eq);
    cxsim_stop(d);
}

static void flr(CxsimDev *d)
{
    uint8_t exp = cxsim_find_cap(d, PCI_CAP_ID_EXP);
    uint16_t ctl;

    g_assert_cmphex(exp, !=, 0);
    g_assert_cmphex(qpci_config_readl(d->pdev, exp + PCI_EXP_DEVCAP) &
                    PCI_EXP_DEVCAP_FLR, !=, 0);
    ctl = qpci_config_readw(d->pdev, exp + PCI_EXP_DEVCTL);
    qpci_config_writew(d->pdev, exp + PCI_EXP_DEVCTL,
                       ctl | PCI_EXP_DEVCTL_BCR_FLR);
}

/* FLR: same as a reset, for this function only. */
static void test_flr(void)
{
    CxsimVM *vm = cxsim_vm_start("-device cxsim%s -device cxsim%s",
                                 PAGES_PROFILE, PAGES_PROFILE);
    CxsimDev *d, *other;
    CxsimEq eq, other_eq;

    g_assert_cmpint(vm->ndevs, ==, 2);
    d = vm->devs[0];
    other = vm->devs[1];
    cxsim_msix_enable(d);
    bring_up_with_eq(d, &eq);
    bring_up_with_eq(other, &other_eq);

    flr(d);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_COMMAND) &
                    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER), ==, 0);
    cxsim_restore_pci(d);
    assert_queue_reset(d);
    cxsim_cmdq_init(d);
    assert_fresh(d, &eq);

    /* The other function kept everything. */
    g_assert_cmphex(cxsim_nop(other), ==, CXFW_STATUS_OK);
    {
        uint8_t out[CXSIM_QUERY_EQ_OUTLEN];

        g_assert_cmphex(cxsim_query_eq(other, other_eq.eqn, out), ==,
                        CXFW_STATUS_OK);
    }
    cxsim_vm_stop(vm);
}

/*
 * A new command queue address is a new driver instance: the firmware
 * starts from scratch; PCI state is untouched.
 */
static void test_cmdq_write_resets(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE);
    CxsimEq eq;

    bring_up_with_eq(d, &eq);
    cxsim_cmdq_set(d, d->cmdq, 0);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_COMMAND) &
                    PCI_COMMAND_MASTER, !=, 0);
    assert_fresh(d, &eq);

    /* A different queue address works the same. */
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, 0, d->uar), ==,
                    CXFW_STATUS_OK);
    cxsim_cmdq_init(d);
    assert_fresh(d, &eq);
    cxsim_stop(d);
}

/* nic_interface != 0 (disabled / sw reset): doorbells are ignored. */
static void test_nic_interface(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint64_t q = cxsim_alloc(d, CXSIM_PAGE_SIZE);
    CxsimMsg *m;

    cxsim_cmdq_set(d, q, 1);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ) &
                    CXSIM_CMDQ_NIC_IF_MASK, ==, 1 << CXSIM_CMDQ_NIC_IF_SHIFT);
    cx_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    m = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    cxsim_ring(d, 1);
    g_assert_true(cxsim_idle(d, 0));

    /* sw reset (7): read back as written, all three bits. */
    cxsim_cmdq_set(d, q, 7);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ) &
                    CXSIM_CMDQ_NIC_IF_MASK, ==, 7 << CXSIM_CMDQ_NIC_IF_SHIFT);
    cxsim_ring(d, 1);
    g_assert_true(cxsim_idle(d, 0));

    /* Back to normal: the same entry now runs when rung. */
    cxsim_cmdq_set(d, q, 0);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ), ==,
                    (uint32_t)q | CXSIM_CMDQ_SZ_VALUE);
    g_assert_cmphex(cxsim_status_own(d, 0), ==, CXSIM_OWN_HW);
    cxsim_ring(d, 1);
    g_assert_true(cxsim_wait(d, 0));
    g_assert_cmphex(cxsim_status_own(d, 0), ==, 0);
    cxsim_msg_free(d, m);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* DISABLE_HCA frees everything, pages included. */
static void test_disable_hca_frees(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE);
    CxsimEq eq;

    bring_up_with_eq(d, &eq);
    g_assert_cmphex(cxsim_disable_hca(d), ==, CXFW_STATUS_OK);
    assert_fresh(d, &eq);
    cxsim_stop(d);
}

/* TEARDOWN_HCA frees EQs and UARs; pages stay until taken back. */
static void test_teardown_frees(void)
{
    CxsimDev *d = cxsim_start(PAGES_PROFILE);
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    uint32_t given, got = 0, uar = 0;
    CxsimEq eq;

    bring_up_with_eq(d, &eq);
    given = d->pages->len;
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_BAD_RES);
    cxsim_assert_status(d, CXFW_STATUS_BAD_RES, CXFW_SYND_EQ_UNKNOWN);
    g_assert_cmphex(cxsim_alloc_uar(d, &uar), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(uar, ==, CXSIM_FIRST_UAR);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_take_pages(d, given, &got, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, given);
    cxsim_stop(d);
}

/*
 * Post a command in slot 0 with a recognizable output area, then run
 * "doorbell + reset" as one batch of qtest commands: QEMU executes them in
 * one pass of its main loop, before the doorbell's bottom half can run.
 */
static CxsimMsg *post_marked(CxsimDev *d, uint16_t opcode)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t mark[CXSIM_HDR_LEN];
    CxsimMsg *m;

    cx_hdr(in, opcode, 0);
    m = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    memset(mark, 0xa5, sizeof(mark));
    qtest_memwrite(d->qts, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT, mark,
                   sizeof(mark));
    return m;
}

static char *doorbell_line(CxsimDev *d, uint32_t mask)
{
    return g_strdup_printf("writel 0x%" PRIx64 " 0x%x\n",
                           d->bar0.addr + CXSIM_ISEG_CMD_DBELL,
                           bswap32(mask));
}

/* The raced command never ran: the entry is still the driver's post. */
static void assert_not_run(CxsimDev *d)
{
    uint8_t out[CXSIM_HDR_LEN], mark[CXSIM_HDR_LEN];

    memset(mark, 0xa5, sizeof(mark));
    g_assert_cmphex(cxsim_status_own(d, 0), ==, CXSIM_OWN_HW);
    qtest_memread(d->qts, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT, out,
                  sizeof(out));
    g_assert_cmpmem(out, sizeof(out), mark, sizeof(mark));
}

/*
 * After a reset that raced a doorbell: only what is rung now runs, the
 * stale slot 0 stays untouched, and the device works.
 */
static void assert_usable_after_race(CxsimDev *d)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;

    cx_hdr(in, CXFW_OP_NOP, 0);
    m = cxsim_msg_new(d, in, sizeof(in), sizeof(out));
    cxsim_msg_post(d, 1, m);
    cxsim_ring(d, 1u << 1);
    g_assert_true(cxsim_wait(d, 1));
    cxsim_msg_read_out(d, 1, m, out);
    /* Fresh firmware: the ENABLE_HCA of slot 0 never happened. */
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_BAD_SYS_STATE);
    assert_not_run(d);
    cxsim_msg_free(d, m);

    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
}

/* Doorbell, then a guest-initiated system reset (port 0xcf9). */
static void test_race_system_reset(void)
{
    CxsimDev *d = cxsim_start(NULL);
    g_autofree char *db = NULL;
    g_autofree char *batch = NULL;
    uint64_t q;
    CxsimMsg *m;

    cxsim_cmdq_init(d);
    q = d->cmdq;
    m = post_marked(d, CXFW_OP_ENABLE_HCA);
    db = doorbell_line(d, 1);
    batch = g_strdup_printf("%soutb 0xcf9 0x6\n", db);
    cxsim_qtest_batch(d->vm, batch);
    qtest_qmp_eventwait(d->qts, "RESET");

    assert_not_run(d);
    cxsim_restore_pci(d);
    assert_queue_reset(d);
    /* Give the queue back: a stale doorbell must not be replayed. */
    cxsim_cmdq_set(d, q, 0);
    assert_usable_after_race(d);
    cxsim_msg_free(d, m);
    cxsim_stop(d);
}

/* Doorbell, then FLR through configuration space. */
static void test_race_flr(void)
{
    CxsimDev *d = cxsim_start(NULL);
    uint8_t exp = cxsim_find_cap(d, PCI_CAP_ID_EXP);
    g_autofree char *db = NULL;
    g_autofree char *batch = NULL;
    uint16_t ctl;
    uint64_t q;
    CxsimMsg *m;

    ctl = qpci_config_readw(d->pdev, exp + PCI_EXP_DEVCTL);
    cxsim_cmdq_init(d);
    q = d->cmdq;
    m = post_marked(d, CXFW_OP_ENABLE_HCA);
    db = doorbell_line(d, 1);
    batch = g_strdup_printf("%soutl 0xcf8 0x%x\noutw 0xcfc 0x%x\n", db,
                            (1u << 31) | (d->pdev->devfn << 8) |
                            (exp + PCI_EXP_DEVCTL),
                            ctl | PCI_EXP_DEVCTL_BCR_FLR);
    cxsim_qtest_batch(d->vm, batch);

    assert_not_run(d);
    cxsim_restore_pci(d);
    assert_queue_reset(d);
    cxsim_cmdq_set(d, q, 0);
    assert_usable_after_race(d);
    cxsim_msg_free(d, m);
    cxsim_stop(d);
}

/*
 * Doorbell, then a new queue address: the firmware is reset at once, so
 * the rung command either does not run or runs against the fresh firmware
 * (never against the state the old driver instance built).
 */
static void test_race_cmdq_write(void)
{
    CxsimDev *d = cxsim_start(NULL);
    g_autofree char *db = NULL;
    g_autofree char *batch = NULL;
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;

    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    m = post_marked(d, CXFW_OP_NOP);
    db = doorbell_line(d, 1);
    batch = g_strdup_printf("%swritel 0x%" PRIx64 " 0x%x\n", db,
                            d->bar0.addr + CXSIM_ISEG_CMDQ_ADDR_L_SZ,
                            bswap32((uint32_t)d->cmdq));
    cxsim_qtest_batch(d->vm, batch);

    if (cxsim_wait(d, 0)) {
        g_assert_cmphex(cxsim_status_own(d, 0), ==, 0);
        cxsim_msg_read_out(d, 0, m, out);
        g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_BAD_SYS_STATE);
        g_assert_cmphex(cx_syndrome(out), ==, CXFW_SYND_HCA_NOT_ENABLED);
    }
    cxsim_msg_free(d, m);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* Many resets in a row with work in flight: no leak, no crash. */
static void test_reset_loop(void)
{
    CxsimDev *d = cxsim_start(NULL);
    CxsimEq eq;
    int i;

    for (i = 0; i < 5; i++) {
        cxsim_cmdq_init(d);
        bring_up_with_eq(d, &eq);
        cxsim_eq_doorbell(d, &eq, true);
        cxsim_msg_free(d, post_marked(d, CXFW_OP_NOP));
        cxsim_ring(d, 1);
        if (i & 1) {
            flr(d);
        } else {
            qtest_system_reset(d->qts);
        }
        cxsim_restore_pci(d);
    }
    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/reset/system-reset", test_system_reset);
    qtest_add_func("/cxsim/reset/flr", test_flr);
    qtest_add_func("/cxsim/reset/cmdq-write", test_cmdq_write_resets);
    qtest_add_func("/cxsim/reset/nic-interface", test_nic_interface);
    qtest_add_func("/cxsim/reset/disable-hca", test_disable_hca_frees);
    qtest_add_func("/cxsim/reset/teardown-hca", test_teardown_frees);
    qtest_add_func("/cxsim/reset/race-system-reset", test_race_system_reset);
    qtest_add_func("/cxsim/reset/race-flr", test_race_flr);
    qtest_add_func("/cxsim/reset/race-cmdq-write", test_race_cmdq_write);
    qtest_add_func("/cxsim/reset/loop", test_reset_loop);

    return g_test_run();
}
