/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: a hostile driver.  Every bad input gets the status a real
 * device gives (delivery status or command status + syndrome), nothing
 * aborts QEMU or hangs the device, and the device keeps working after.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"
#include "hw/pci/pci_regs.h"

/* Far beyond guest RAM and every device window: DMA there fails. */
#define UNMAPPED_ADDR   0x10000000000ULL

static CxsimDev *start_enabled(const char *props)
{
    CxsimDev *d = cxsim_start(props);

    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    return d;
}

/* The device still executes commands correctly. */
static void assert_alive(CxsimDev *d)
{
    uint32_t supported = 0;

    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, NULL, &supported), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(supported, ==, 0x3);
}

/* Ring slot 0 (already posted), wait; returns the delivery status. */
static uint8_t run_slot0(CxsimDev *d)
{
    cxsim_ring(d, 1);
    g_assert_true(cxsim_wait(d, 0));
    return cxsim_status_own(d, 0) >> 1;
}

/* A command with an input and output of the given lengths (NOP). */
static CxsimMsg *nop_msg(CxsimDev *d, uint32_t inlen, uint32_t outlen)
{
    g_autofree uint8_t *in = g_malloc0(MAX(inlen, CXSIM_HDR_LEN));

    cx_hdr(in, CXFW_OP_NOP, 0);
    return cxsim_msg_new(d, in, inlen, outlen);
}

/* Let any scheduled bottom half run: each qtest command is a main loop pass */
static void settle(CxsimDev *d)
{
    int i;

    for (i = 0; i < 16; i++) {
        cxsim_rd32(d, CXSIM_ISEG_FW_REV);
    }
}

/* Output header of slot 0 after the command ran. */
static void slot0_out(CxsimDev *d, uint8_t *out16)
{
    qtest_memread(d->qts, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT, out16,
                  CXSIM_HDR_LEN);
}

/* Unknown opcodes: BAD_OP with the BAD_OPCODE syndrome, in any state. */
static void test_bad_opcode(void)
{
    static const uint16_t ops[] = { 0x0000, 0x7ff, 0x106, 0xa0b, 0xffff };
    CxsimDev *d = cxsim_start(NULL);
    uint8_t out[CXSIM_HDR_LEN];
    int i;

    cxsim_cmdq_init(d);
    for (i = 0; i < ARRAY_SIZE(ops); i++) {
        g_assert_cmphex(cxsim_cmd_simple(d, ops[i], 0, 0, 0, out), ==,
                        CXFW_STATUS_BAD_OP);
        cxsim_assert_status(d, CXFW_STATUS_BAD_OP, CXFW_SYND_BAD_OPCODE);
        if (i == 0) {
            g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
        }
    }
    assert_alive(d);
    cxsim_stop(d);
}

/* Lengths shorter than the command's layout. */
static void test_short_lengths(void)
{
    static const struct {
        uint32_t inlen, outlen;
        uint8_t status;
        uint32_t syndrome;
    } cases[] = {
        { 8, CXSIM_HDR_LEN, CXFW_STATUS_BAD_INP_LEN,
          CXFW_SYND_INLEN_TOO_SHORT },
        /* the opcode fits, uid and op_mod do not */
        { 2, CXSIM_HDR_LEN, CXFW_STATUS_BAD_INP_LEN,
          CXFW_SYND_INLEN_TOO_SHORT },
        /* inlen 0: input bytes beyond inlen read as 0, so opcode 0 */
        { 0, CXSIM_HDR_LEN, CXFW_STATUS_BAD_OP, CXFW_SYND_BAD_OPCODE },
        /* output shorter than the header: the header is still written */
        { CXSIM_HDR_LEN, 8, CXFW_STATUS_BAD_OUTP_LEN,
          CXFW_SYND_OUTLEN_TOO_SHORT },
    };
    CxsimDev *d = start_enabled(NULL);
    uint8_t out[CXSIM_HDR_LEN];
    uint8_t in[0x100] = { 0 };
    CxsimMsg *m;
    int i;

    cxsim_bringup(d);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        m = nop_msg(d, cases[i].inlen, cases[i].outlen);
        cxsim_msg_post(d, 0, m);
        g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
        slot0_out(d, out);
        g_assert_cmphex(cx_status(out), ==, cases[i].status);
        g_assert_cmphex(cx_syndrome(out), ==, cases[i].syndrome);
        cxsim_msg_free(d, m);
    }

    /* CREATE_EQ without its pas list header area. */
    cx_hdr(in, CXFW_OP_CREATE_EQ, 0);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_BAD_INP_LEN);
    cxsim_assert_status(d, CXFW_STATUS_BAD_INP_LEN,
                        CXFW_SYND_INLEN_TOO_SHORT);

    /* QUERY_HCA_CAP into a 0x100-byte buffer. */
    {
        uint8_t qin[CXSIM_HDR_LEN] = { 0 };
        uint8_t qout[0x100];

        cx_hdr(qin, CXFW_OP_QUERY_HCA_CAP, 1);
        g_assert_cmphex(cxsim_cmd(d, qin, sizeof(qin), qout, sizeof(qout)),
                        ==, CXFW_STATUS_BAD_OUTP_LEN);
        cxsim_assert_status(d, CXFW_STATUS_BAD_OUTP_LEN,
                            CXFW_SYND_OUTLEN_TOO_SHORT);
    }
    /* The refused CREATE_EQ created nothing. */
    {
        uint8_t qout[CXSIM_QUERY_EQ_OUTLEN];

        g_assert_cmphex(cxsim_query_eq(d, 1, qout), ==, CXFW_STATUS_BAD_RES);
    }
    assert_alive(d);
    cxsim_stop(d);
}

/*
 * Longer than the layout but within the transport limit: accepted (the
 * driver may round up).  Above 16 + 1024 * 512: delivery status 7 / 8,
 * before any mailbox is touched.
 */
static void test_long_lengths(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;

    m = nop_msg(d, CXSIM_HDR_LEN + 3 * 512, CXSIM_HDR_LEN + 2 * 512);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
    slot0_out(d, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    cxsim_msg_free(d, m);

    m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_INLEN,
                   CXFW_MAX_MSG_LEN + 1);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_IN_LENGTH);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_INLEN, 0xffffffff);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_IN_LENGTH);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUTLEN,
                   CXFW_MAX_MSG_LEN + 1);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OUT_LENGTH);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUTLEN, 0xffffffff);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OUT_LENGTH);
    cxsim_msg_free(d, m);

    /* Exactly the limit, with a full 1024-block chain: fine. */
    m = nop_msg(d, CXFW_MAX_MSG_LEN, CXSIM_HDR_LEN);
    g_assert_cmpuint(m->in_blocks, ==, CXFW_MAX_MAILBOXES);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
    slot0_out(d, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/* Cyclic chains end in a block-number error, in and out. */
static void test_cyclic_chain(void)
{
    CxsimDev *d = start_enabled(NULL);
    CxsimMsg *m;

    /* 4 input blocks; block 1 points back to block 0. */
    m = nop_msg(d, CXSIM_HDR_LEN + 4 * 512, CXSIM_HDR_LEN);
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 1) + CXSIM_MB_NEXT,
                   cxsim_msg_in_block(m, 0));
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_BLOCK_NUMBER);

    /* Block 0 points to itself. */
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_in_block(m, 0));
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_BLOCK_NUMBER);

    /* The longest chain the transport walks, as a loop of two blocks. */
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_in_block(m, 1));
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_INLEN,
                   CXFW_MAX_MSG_LEN);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_BLOCK_NUMBER);
    cxsim_msg_free(d, m);

    /* Output chain: 3 blocks, block 2 points back to block 1. */
    m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN + 4 * 512);
    cxsim_mem_wr64(d, cxsim_msg_out_block(m, 2) + CXSIM_MB_NEXT,
                   cxsim_msg_out_block(m, 1));
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_BLOCK_NUMBER);
    cxsim_msg_free(d, m);

    /* A chain longer than the length needs is fine. */
    m = nop_msg(d, CXSIM_HDR_LEN + 4 * 512, CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr32(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_INLEN,
                   CXSIM_HDR_LEN + 512 + 1);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/* A mailbox whose token differs from the entry's: delivery status 2. */
static void test_bad_token(void)
{
    CxsimDev *d = start_enabled(NULL);
    CxsimMsg *m;

    m = nop_msg(d, CXSIM_HDR_LEN + 3 * 512, CXSIM_HDR_LEN + 512);
    cxsim_mem_wr8(d, cxsim_msg_in_block(m, 2) + CXSIM_MB_TOKEN,
                  m->token ^ 0x5a);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_TOKEN);

    /* Entry token changed instead: the first block no longer matches. */
    cxsim_mem_wr8(d, cxsim_msg_in_block(m, 2) + CXSIM_MB_TOKEN, m->token);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr8(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_TOKEN, m->token + 1);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_TOKEN);

    /* Output mailbox. */
    cxsim_mem_wr8(d, cxsim_msg_out_block(m, 0) + CXSIM_MB_TOKEN,
                  m->token ^ 0xff);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_TOKEN);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/* Pointer alignment: in_ptr/out_ptr 512 bytes, next 1 KiB. */
static void test_misaligned_pointers(void)
{
    CxsimDev *d = start_enabled(NULL);
    CxsimMsg *m;

    m = nop_msg(d, CXSIM_HDR_LEN + 2 * 512, CXSIM_HDR_LEN + 2 * 512);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_IN_PTR,
                   m->in_mb + 0x40);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_IN_PTR_ALIGN);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT_PTR,
                   m->out_mb + 0x100);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OUT_PTR_ALIGN);

    /* next pointers 512- but not 1 KiB-aligned */
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_in_block(m, 1) + 0x200);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_IN_PTR_ALIGN);
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_in_block(m, 1));

    cxsim_mem_wr64(d, cxsim_msg_out_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_out_block(m, 1) + 0x200);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OUT_PTR_ALIGN);
    cxsim_mem_wr64(d, cxsim_msg_out_block(m, 0) + CXSIM_MB_NEXT,
                   cxsim_msg_out_block(m, 1));

    /* Repaired: the same message goes through. */
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
    cxsim_msg_free(d, m);

    /* Pointers are not looked at when no mailbox is needed. */
    m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_IN_PTR, 0x123);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT_PTR, 0x456);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_OK);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/*
 * Mailboxes the device cannot reach: delivery status 0x10.  An output
 * chain that cannot be delivered stops the command from running at all.
 */
static void test_unmapped_pointers(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint32_t got = 0;
    CxsimMsg *m;

    m = nop_msg(d, CXSIM_HDR_LEN + 512, CXSIM_HDR_LEN + 512);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_IN_PTR,
                   UNMAPPED_ADDR);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT_PTR,
                   UNMAPPED_ADDR);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);

    /* A next pointer into nowhere, and one that wraps the address space. */
    cxsim_msg_free(d, m);
    m = nop_msg(d, CXSIM_HDR_LEN + 2 * 512, CXSIM_HDR_LEN);
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   UNMAPPED_ADDR);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_mem_wr64(d, cxsim_msg_in_block(m, 0) + CXSIM_MB_NEXT,
                   0xfffffffffffffc00ULL);
    cxsim_msg_post(d, 0, m);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_msg_free(d, m);

    /*
     * MANAGE_PAGES take with an unreachable output chain: no page leaves
     * the firmware.
     */
    cxsim_bringup(d);
    g_assert_cmphex(cxsim_teardown_hca(d, 0), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_give_pages(d, 80), ==, CXFW_STATUS_OK);
    cx_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
    cx_put32(in, 0x0c, 80);
    m = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN + 8 * 80);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT_PTR,
                   UNMAPPED_ADDR);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_msg_free(d, m);
    g_assert_cmphex(cxsim_take_pages(d, 100, &got, NULL), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(got, ==, 80);

    /* A command queue the device cannot read: the doorbell is dropped. */
    cxsim_cmdq_set(d, UNMAPPED_ADDR, 0);
    cxsim_ring(d, 0xffffffff);
    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    assert_alive(d);
    cxsim_stop(d);
}

/* An entry whose type is not 7 (PCIe transport): delivery status 0x10. */
static void test_bad_type(void)
{
    CxsimDev *d = start_enabled(NULL);
    CxsimMsg *m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN);

    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr8(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_TYPE, 0);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr8(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_TYPE, 0xff);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/*
 * Doorbells for slots the hardware does not own: nothing is written
 * back; ringing all 32 bits runs only the owned slot.
 */
static void test_not_owned(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint8_t before[CXSIM_PAGE_SIZE], after[CXSIM_PAGE_SIZE];
    GRand *rand = g_rand_new_with_seed(0x0ddba11);
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;
    int i;

    /* Garbage in every slot, ownership bit clear. */
    for (i = 0; i < sizeof(before); i++) {
        before[i] = g_rand_int(rand);
    }
    for (i = 0; i < CXSIM_CMDQ_SLOTS; i++) {
        before[i * CXFW_CMD_ENTRY_SIZE + CXSIM_ENT_TYPE] =
            CXFW_CMD_TRANSPORT_PCIE;
        before[i * CXFW_CMD_ENTRY_SIZE + CXSIM_ENT_STATUS_OWN] &= ~1;
    }
    qtest_memwrite(d->qts, d->cmdq, before, sizeof(before));
    cxsim_ring(d, 1u << 5);
    cxsim_ring(d, 0x7fffffff);
    settle(d);
    qtest_memread(d->qts, d->cmdq, after, sizeof(after));
    g_assert_cmpmem(before, sizeof(before), after, sizeof(after));

    /* Slot 0 owned, the other 31 not: ring them all. */
    m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN);
    cxsim_msg_post(d, 0, m);
    qtest_memread(d->qts, d->cmdq, before, sizeof(before));
    cxsim_ring(d, 0xffffffff);
    g_assert_true(cxsim_wait(d, 0));
    slot0_out(d, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    qtest_memread(d->qts, d->cmdq, after, sizeof(after));
    g_assert_cmpmem(before + CXFW_CMD_ENTRY_SIZE,
                    sizeof(before) - CXFW_CMD_ENTRY_SIZE,
                    after + CXFW_CMD_ENTRY_SIZE,
                    sizeof(after) - CXFW_CMD_ENTRY_SIZE);
    cxsim_msg_free(d, m);
    g_rand_free(rand);
    assert_alive(d);
    cxsim_stop(d);
}

/* Bus mastering off: the device cannot even read the entry; nothing. */
static void test_bus_master_off(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint16_t cmd = qpci_config_readw(d->pdev, PCI_COMMAND);
    CxsimMsg *m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN);

    qpci_config_writew(d->pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
    cxsim_msg_post(d, 0, m);
    cxsim_ring(d, 1);
    g_assert_true(cxsim_idle(d, 0));
    qpci_config_writew(d->pdev, PCI_COMMAND, cmd);
    /* Still the driver's to ring again. */
    g_assert_cmphex(cxsim_status_own(d, 0), ==, CXSIM_OWN_HW);
    cxsim_ring(d, 1);
    g_assert_true(cxsim_wait(d, 0));
    g_assert_cmphex(cxsim_status_own(d, 0), ==, 0);
    cxsim_msg_free(d, m);
    assert_alive(d);
    cxsim_stop(d);
}

/*
 * DMA aimed at the device's own BAR (queue, mailboxes, MSI-X message):
 * blocked as re-entrant I/O, never a loop or a crash.
 */
static void test_dma_to_own_bar(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    uint64_t q = d->cmdq;
    CxsimMsg *m;
    CxsimEq eq;
    int i;

    /* The queue itself in BAR0: the entry read is blocked, nothing runs. */
    cxsim_cmdq_set(d, d->bar0.addr + 64 * CXSIM_PAGE_SIZE, 0);
    cxsim_ring(d, 0xffffffff);
    cxsim_cmdq_set(d, q, 0);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);

    /* An output mailbox over the doorbell register. */
    m = nop_msg(d, CXSIM_HDR_LEN, CXSIM_HDR_LEN + 512);
    cxsim_msg_post(d, 0, m);
    cxsim_mem_wr64(d, cxsim_slot_addr(d, 0) + CXSIM_ENT_OUT_PTR,
                   d->bar0.addr);
    g_assert_cmphex(run_slot0(d), ==, CXFW_DELIV_BAD_DESCRIPTOR);
    cxsim_msg_free(d, m);

    /* The command EQ's MSI-X message aimed at the doorbell (slot 0). */
    cxsim_bringup(d);
    cxsim_msix_enable(d);
    cxsim_msix_route(d, 0, d->bar0.addr + CXSIM_ISEG_CMD_DBELL,
                     bswap32(1));
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 0,
                                    d->uar), ==, CXFW_STATUS_OK);
    for (i = 0; i < 4; i++) {
        while (cxsim_eq_poll(d, &eq, eqe)) {
            /* drain */
        }
        cxsim_eq_doorbell(d, &eq, true);
        g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    }
    /* And an EQ buffer inside BAR0: events are dropped. */
    {
        uint64_t pas[1] = { d->bar0.addr + 100 * CXSIM_PAGE_SIZE };
        CxsimEq bad;

        g_assert_cmphex(cxsim_destroy_eq(d, &eq), ==, CXFW_STATUS_OK);
        g_assert_cmphex(cxsim_create_eq_pas(d, &bad, 4, CXSIM_EVENT_MASK_CMD,
                                            0, d->uar, pas), ==,
                        CXFW_STATUS_OK);
        g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    }
    assert_alive(d);
    cxsim_stop(d);
}

/* CREATE_EQ with an MSI-X vector the function does not have. */
static void test_eq_vector_range(void)
{
    CxsimDev *d = start_enabled(",msix-vectors=2");
    CxsimEq eq;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, 2, d->uar), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_VECTOR);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, 255, d->uar), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_VECTOR);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, 1, d->uar), ==,
                    CXFW_STATUS_OK);
    cxsim_stop(d);

    d = start_enabled(NULL);
    cxsim_bringup(d);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, CXSIM_DEFAULT_MSIX,
                                    d->uar), ==, CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM, CXFW_SYND_EQ_VECTOR);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, 0, CXSIM_DEFAULT_MSIX - 1,
                                    d->uar), ==, CXFW_STATUS_OK);
    cxsim_stop(d);
}

/* An EQ doorbell counts only on the UAR page the EQ was created with. */
static void test_eq_doorbell_wrong_uar(void)
{
    CxsimDev *d = start_enabled(NULL);
    uint8_t eqe[CXFW_EQE_SIZE];
    uint8_t out[CXSIM_QUERY_EQ_OUTLEN];
    uint64_t sink;
    uint32_t other;
    CxsimEq eq;

    cxsim_bringup(d);
    g_assert_cmphex(cxsim_alloc_uar(d, &other), ==, CXFW_STATUS_OK);
    cxsim_msix_enable(d);
    sink = cxsim_alloc(d, CXSIM_PAGE_SIZE);
    cxsim_msix_route(d, 2, sink, 0x1234);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 2,
                                    d->uar), ==, CXFW_STATUS_OK);
    while (cxsim_eq_poll(d, &eq, eqe)) {
        /* the CREATE_EQ completion */
    }

    /*
     * Arm through another allocated UAR page, an unallocated one, and a
     * page below the first UAR.
     */
    cxsim_eq_doorbell_at(d, other, CXFW_UAR_EQ_ARM, eq.eqn, eq.ci);
    cxsim_eq_doorbell_at(d, 300, CXFW_UAR_EQ_ARM, eq.eqn, eq.ci);
    cxsim_eq_doorbell_at(d, 3, CXFW_UAR_EQ_ARM, eq.eqn, eq.ci);
    /* Right page, wrong offset. */
    cxsim_eq_doorbell_at(d, eq.uar, 0x44, eq.eqn, eq.ci);
    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    /* None of them moved the consumer counter or armed the EQ. */
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==, 0);
    g_assert_true(cxsim_eq_poll(d, &eq, eqe));  /* QUERY_EQ's completion */
    g_assert_cmphex(qtest_readl(d->qts, sink), ==, 0);

    /* The right page arms it. */
    cxsim_eq_doorbell(d, &eq, true);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(qtest_readl(d->qts, sink), ==, 0x1234);
    g_assert_cmphex(cxsim_query_eq(d, eq.eqn, out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cx_get_bits(out, CXSIM_EQC_CONSUMER, 0, 24), ==, eq.ci);

    /* Doorbells for EQ numbers that do not exist. */
    cxsim_eq_doorbell_at(d, eq.uar, CXFW_UAR_EQ_ARM, 0, 0);
    cxsim_eq_doorbell_at(d, eq.uar, CXFW_UAR_EQ_ARM, 0xff, 0xffffff);
    assert_alive(d);
    cxsim_stop(d);
}

/* Random accesses of every size over BAR0, then reads, with a fixed seed. */
static void mmio_storm(CxsimDev *d, GRand *rand, int count)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    int i;

    for (i = 0; i < count; i++) {
        unsigned size = sizes[g_rand_int_range(rand, 0, 4)];
        uint64_t off;
        uint64_t val = ((uint64_t)g_rand_int(rand) << 32) | g_rand_int(rand);
        uint64_t addr;

        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:     /* the registers */
            off = g_rand_int_range(rand, 0, 0x2010);
            break;
        case 1:     /* the doorbell, cmdq and UAR doorbells */
            off = g_rand_boolean(rand) ? CXSIM_ISEG_CMD_DBELL :
                  (uint64_t)g_rand_int_range(rand, 0, 512) * CXSIM_PAGE_SIZE +
                  (g_rand_boolean(rand) ? CXFW_UAR_EQ_ARM :
                                          CXFW_UAR_EQ_UPDATE);
            break;
        default:    /* anywhere, including the last bytes */
            off = g_rand_int_range(rand, 0, CXSIM_BAR0_SIZE);
            break;
        }
        if (g_rand_int_range(rand, 0, 4) == 0) {
            off &= ~3ULL;
        }
        if (off + size > CXSIM_BAR0_SIZE) {
            off = CXSIM_BAR0_SIZE - size;
        }
        addr = d->bar0.addr + off;
        if (g_rand_int_range(rand, 0, 5) == 0) {
            switch (size) {
            case 1:
                qtest_readb(d->qts, addr);
                break;
            case 2:
                qtest_readw(d->qts, addr);
                break;
            case 4:
                qtest_readl(d->qts, addr);
                break;
            default:
                qtest_readq(d->qts, addr);
                break;
            }
            continue;
        }
        /* Keep the queue in guest RAM most of the time: real parsing. */
        if (off == CXSIM_ISEG_CMDQ_ADDR_H && (val & 3)) {
            val = 0;
        }
        switch (size) {
        case 1:
            qtest_writeb(d->qts, addr, val);
            break;
        case 2:
            qtest_writew(d->qts, addr, val);
            break;
        case 4:
            qtest_writel(d->qts, addr, val);
            break;
        default:
            qtest_writeq(d->qts, addr, val);
            break;
        }
    }
}

/*
 * Fill a queue with random entries (some owned, some with the PCIe type,
 * pointers into a mailbox area of random bytes) so that random doorbells
 * exercise the transport's parsing, not only the ownership check.
 */
static uint64_t random_queue(CxsimDev *d, GRand *rand, uint64_t area)
{
    uint64_t q = cxsim_alloc(d, CXSIM_PAGE_SIZE);
    uint8_t buf[CXSIM_PAGE_SIZE];
    int i;

    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = g_rand_int(rand);
    }
    qtest_memwrite(d->qts, area, buf, sizeof(buf));
    for (i = 0; i < CXSIM_CMDQ_SLOTS; i++) {
        uint8_t *e = buf + i * CXFW_CMD_ENTRY_SIZE;

        if (g_rand_boolean(rand)) {
            e[CXSIM_ENT_TYPE] = CXFW_CMD_TRANSPORT_PCIE;
        }
        if (g_rand_boolean(rand)) {
            cx_put32(e, CXSIM_ENT_INLEN, g_rand_int_range(rand, 0, 4096));
            cx_put32(e, CXSIM_ENT_OUTLEN, g_rand_int_range(rand, 0, 4096));
            cx_put64(e, CXSIM_ENT_IN_PTR, area);
            cx_put64(e, CXSIM_ENT_OUT_PTR, area + 2048);
            cx_put16(e, CXSIM_ENT_IN, g_rand_boolean(rand) ?
                     CXFW_OP_CREATE_EQ : g_rand_int_range(rand, 0x100, 0x110));
        }
        e[CXSIM_ENT_STATUS_OWN] |= 1;
    }
    qtest_memwrite(d->qts, q, buf, sizeof(buf));
    return q;
}

static void test_random_mmio(void)
{
    CxsimDev *d = start_enabled(NULL);
    GRand *rand = g_rand_new_with_seed(0xc05e7);
    uint64_t area;
    CxsimEq eq;
    int round;

    cxsim_bringup(d);
    cxsim_msix_enable(d);
    g_assert_cmphex(cxsim_create_eq(d, &eq, 4, CXSIM_EVENT_MASK_CMD, 1,
                                    d->uar), ==, CXFW_STATUS_OK);
    area = cxsim_alloc(d, 64 * CXSIM_PAGE_SIZE);

    for (round = 0; round < 8; round++) {
        uint64_t q = random_queue(d, rand, area);

        cxsim_cmdq_set(d, q, 0);
        cxsim_bringup(d);
        g_assert_cmphex(cxsim_create_eq(d, &eq, 2, CXSIM_EVENT_MASK_CMD,
                                        round % CXSIM_DEFAULT_MSIX, d->uar),
                        ==, CXFW_STATUS_OK);
        cxsim_cmdq_set(d, random_queue(d, rand, area), 0);
        cxsim_ring(d, g_rand_int(rand));
        mmio_storm(d, rand, 2500);
        qtest_clock_step(d->qts, g_rand_int_range(rand, 0, 3000000));
    }
    g_rand_free(rand);

    /* Whatever the storm left behind, a new driver instance works. */
    cxsim_restore_pci(d);
    cxsim_cmdq_init(d);
    g_assert_cmphex(cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV) >> 16, ==, 5);
    g_assert_cmphex(cxsim_nop(d), ==, CXFW_STATUS_BAD_SYS_STATE);
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    assert_alive(d);
    cxsim_bringup(d);
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/malicious/bad-opcode", test_bad_opcode);
    qtest_add_func("/cxsim/malicious/short-lengths", test_short_lengths);
    qtest_add_func("/cxsim/malicious/long-lengths", test_long_lengths);
    qtest_add_func("/cxsim/malicious/cyclic-chain", test_cyclic_chain);
    qtest_add_func("/cxsim/malicious/bad-token", test_bad_token);
    qtest_add_func("/cxsim/malicious/misaligned-pointers",
                   test_misaligned_pointers);
    qtest_add_func("/cxsim/malicious/unmapped-pointers",
                   test_unmapped_pointers);
    qtest_add_func("/cxsim/malicious/bad-type", test_bad_type);
    qtest_add_func("/cxsim/malicious/not-owned", test_not_owned);
    qtest_add_func("/cxsim/malicious/bus-master-off", test_bus_master_off);
    qtest_add_func("/cxsim/malicious/dma-to-own-bar", test_dma_to_own_bar);
    qtest_add_func("/cxsim/malicious/eq-vector-range", test_eq_vector_range);
    qtest_add_func("/cxsim/malicious/eq-doorbell-wrong-uar",
                   test_eq_doorbell_wrong_uar);
    qtest_add_func("/cxsim/malicious/random-mmio", test_random_mmio);

    return g_test_run();
}
