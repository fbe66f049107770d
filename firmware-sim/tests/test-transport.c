/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command queue transport: queue entries, mailbox chains, delivery
 * statuses, ownership and completion events (docs/prm-coverage.md,
 * "Command transport").
 */
#include <string.h>

#include "fake-host.h"

#define QE(field) CXFW_FLD(cmd_queue_entry, field)
#define BOX(field) CXFW_FLD(cmd_if_box, field)

/* Two mailboxes' worth of input and output: both chains have 2 blocks. */
#define CHAIN2_LEN (FH_HDR_LEN + CXFW_MAILBOX_DATA_LEN + 100)
/* Three blocks. */
#define CHAIN3_LEN (FH_HDR_LEN + 2 * CXFW_MAILBOX_DATA_LEN + 1)

/*
 * Build slot's entry for an opcode with zeroed parameters and the given
 * lengths.  ENABLE_HCA accepts longer input and output than its layout, so
 * it carries chains of any length and its effect (the HCA state) shows
 * whether it ran.
 */
static void build(FakeHost *fh, FhEntry *e, unsigned slot, uint16_t opcode,
                  uint32_t inlen, uint32_t outlen)
{
    g_autofree uint8_t *in = g_malloc0(MAX(inlen, FH_HDR_LEN));

    fh_hdr(in, opcode, 0);
    fh_entry_build(fh, e, slot, in, inlen, outlen);
}

static uint8_t hca_state(FakeHost *fh)
{
    return fh_stats(fh).hca_state;
}

/* Ring slot and expect a completed entry with this delivery status. */
static void ring_expect(FakeHost *fh, unsigned slot, uint8_t deliv)
{
    fh_ring(fh, 1u << slot);
    g_assert_false(fh_entry_owned_by_hw(fh, slot));
    g_assert_cmphex(fh_entry_delivery(fh, slot), ==, deliv);
    g_assert_cmphex(fh_entry_status_own(fh, slot), ==, deliv << 1);
}

/* A failed delivery: status set, the command never ran. */
static void expect_undelivered(FakeHost *fh, unsigned slot, uint8_t deliv)
{
    CxfwStats before = fh_stats(fh);
    unsigned errors = fh->guest_errors;

    ring_expect(fh, slot, deliv);
    g_assert_cmpuint(hca_state(fh), ==, before.hca_state);
    g_assert_cmpuint(fh_stats(fh).commands, ==, before.commands);
    g_assert_cmpuint(fh_stats(fh).delivery_errors, ==,
                     before.delivery_errors + 1);
    g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
}

static void test_nop(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_enable(fh);
    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    g_assert_cmphex(fh_entry_status_own(fh, 0), ==, 0);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    g_assert_cmphex(fh_syndrome(out), ==, 0);
    g_assert_cmpuint(fh->commands_done, ==, 1);
    g_assert_cmphex(fh->last_done_opcode, ==, CXFW_OP_NOP);
    g_assert_cmpuint(fh_stats(fh).delivery_errors, ==, 0);
    g_assert_cmpuint(fh->guest_errors, ==, 0);
}

/* Everything but the output area and status_own is left as written. */
static void test_entry_fields_preserved(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t out_off = cxfw_field_byte(QE(command_output_inline_data));
    uint8_t before[CXFW_CMD_ENTRY_SIZE], *qe;
    FhEntry e;

    build(fh, &e, 3, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, CHAIN2_LEN);
    qe = fh_ptr(fh, fh_entry_addr(fh, 3));
    memcpy(before, qe, sizeof(before));
    ring_expect(fh, 3, CXFW_DELIV_OK);
    g_assert_cmpmem(qe, out_off, before, out_off);
    g_assert_cmpmem(qe + out_off + FH_HDR_LEN,
                    CXFW_CMD_ENTRY_SIZE - 1 - out_off - FH_HDR_LEN,
                    before + out_off + FH_HDR_LEN,
                    CXFW_CMD_ENTRY_SIZE - 1 - out_off - FH_HDR_LEN);
    g_assert_cmpuint(fh_entry_get(fh, 3, QE(token)), ==, e.token);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
}

static void test_bad_type(void)
{
    static const uint8_t types[] = { 0, 1, 6, 8, 0xff };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
        fh_entry_set(fh, 0, QE(type), types[i]);
        expect_undelivered(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    }
    g_assert_cmpuint(fh->commands_done, ==, 0);
}

static void test_length_over_max(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set(fh, 0, QE(input_length), CXFW_MAX_MSG_LEN + 1);
    expect_undelivered(fh, 0, CXFW_DELIV_IN_LENGTH);

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set(fh, 0, QE(output_length), CXFW_MAX_MSG_LEN + 1);
    expect_undelivered(fh, 0, CXFW_DELIV_OUT_LENGTH);

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set(fh, 0, QE(input_length), UINT32_MAX);
    fh_entry_set(fh, 0, QE(output_length), UINT32_MAX);
    expect_undelivered(fh, 0, CXFW_DELIV_IN_LENGTH);
}

/* The longest message the transport takes, in and out: 1024 blocks. */
static void test_max_length(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint64_t box;
    FhEntry e;
    unsigned dirty = 0;

    fh_enable(fh);
    build(fh, &e, 0, CXFW_OP_NOP, CXFW_MAX_MSG_LEN, CXFW_MAX_MSG_LEN);
    g_assert_cmpuint(fh_blocks_for(CXFW_MAX_MSG_LEN), ==, CXFW_MAX_MAILBOXES);
    /* every output byte is written: poison the output data first */
    box = e.out_ptr;
    for (unsigned i = 0; i < CXFW_MAX_MAILBOXES; i++) {
        memset((uint8_t *)fh_ptr(fh, box) + data_off, 0xa5,
               CXFW_MAILBOX_DATA_LEN);
        box = fh_chain_block(fh, box, 1);
    }
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmphex(fh_entry_cmd_status(fh, 0), ==, CXFW_STATUS_OK);
    box = e.out_ptr;
    for (unsigned i = 0; i < CXFW_MAX_MAILBOXES; i++) {
        uint8_t *d = (uint8_t *)fh_ptr(fh, box) + data_off;

        for (unsigned j = 0; j < CXFW_MAILBOX_DATA_LEN; j++) {
            dirty += d[j] != 0;
        }
        box = fh_chain_block(fh, box, 1);
    }
    g_assert_cmpuint(dirty, ==, 0);
}

static void test_in_ptr_misaligned(void)
{
    static const uint64_t offs[] = { 1, 8, 0x100, 0x1ff };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, FH_HDR_LEN);
        fh_entry_set_in_ptr(fh, 0, e.in_ptr + offs[i]);
        expect_undelivered(fh, 0, CXFW_DELIV_IN_PTR_ALIGN);
    }
    /* high bits are part of the pointer, not the alignment */
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, FH_HDR_LEN);
    fh_entry_set_in_ptr(fh, 0, e.in_ptr | 1ull << 40);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    /* no input chain needed: the pointer is not looked at */
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set_in_ptr(fh, 0, 0x1234567);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
}

static void test_out_ptr_misaligned(void)
{
    static const uint64_t offs[] = { 1, 8, 0x100, 0x1ff };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN2_LEN);
        fh_entry_set_out_ptr(fh, 0, e.out_ptr + offs[i]);
        expect_undelivered(fh, 0, CXFW_DELIV_OUT_PTR_ALIGN);
    }
    /* input is checked first */
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, CHAIN2_LEN);
    fh_entry_set_in_ptr(fh, 0, e.in_ptr + 8);
    fh_entry_set_out_ptr(fh, 0, e.out_ptr + 8);
    expect_undelivered(fh, 0, CXFW_DELIV_IN_PTR_ALIGN);
    /* no output chain needed: the pointer is not looked at */
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set_out_ptr(fh, 0, 0x1234567);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
}

/* A first block needs 512-byte alignment only; next pointers need 1 KiB. */
static void test_first_block_512_aligned(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint64_t area = fh_alloc(fh, 2 * CXFW_MAILBOX_NEXT_ALIGN,
                             CXFW_MAILBOX_NEXT_ALIGN);
    uint64_t box = area + CXFW_MAILBOX_PTR_ALIGN;
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, FH_HDR_LEN);
    /* copy block 0 to the 512-aligned place, keeping its next pointer */
    memcpy(fh_ptr(fh, box), fh_ptr(fh, e.in_ptr), CXFW_MAILBOX_SIZE);
    fh_entry_set_in_ptr(fh, 0, box);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
}

static void test_next_misaligned(void)
{
    static const uint64_t offs[] = { CXFW_MAILBOX_PTR_ALIGN, 1, 0x3ff };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        uint64_t b1;

        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
        b1 = fh_chain_block(fh, e.in_ptr, 1);
        fh_box_set_next(fh, b1, fh_chain_block(fh, e.in_ptr, 2) + offs[i]);
        expect_undelivered(fh, 0, CXFW_DELIV_IN_PTR_ALIGN);

        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN3_LEN);
        fh_box_set_next(fh, e.out_ptr,
                        fh_chain_block(fh, e.out_ptr, 1) + offs[i]);
        expect_undelivered(fh, 0, CXFW_DELIV_OUT_PTR_ALIGN);
    }
}

static void test_block_number(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_box_set(fh, fh_chain_block(fh, e.in_ptr, 2), BOX(block_number), 3);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_BLOCK_NUMBER);

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_box_set(fh, e.in_ptr, BOX(block_number), 1);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_BLOCK_NUMBER);

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN2_LEN);
    fh_box_set(fh, fh_chain_block(fh, e.out_ptr, 1), BOX(block_number),
               0x80000001);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_BLOCK_NUMBER);
}

static void test_token(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_box_set(fh, fh_chain_block(fh, e.in_ptr, 1), BOX(token),
               (uint8_t)(e.token + 1));
    expect_undelivered(fh, 0, CXFW_DELIV_TOKEN);

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN2_LEN);
    fh_box_set(fh, e.out_ptr, BOX(token), 0);
    expect_undelivered(fh, 0, CXFW_DELIV_TOKEN);

    /* the entry's token is what the blocks must carry */
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN2_LEN, CHAIN2_LEN);
    fh_entry_set(fh, 0, QE(token), (uint8_t)(e.token ^ 0x80));
    expect_undelivered(fh, 0, CXFW_DELIV_TOKEN);
}

/* A cyclic chain ends in a block-number error after a bounded walk. */
static void test_cyclic_chain(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 };
    FhEntry e;
    unsigned reads;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_box_set_next(fh, fh_chain_block(fh, e.in_ptr, 1), e.in_ptr);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_BLOCK_NUMBER);

    /* a block pointing to itself, in a chain as long as the transport allows */
    fh_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    fh_entry_build(fh, &e, 0, in, sizeof(in), FH_HDR_LEN);
    e.outlen = CXFW_MAX_MSG_LEN;
    e.out_ptr = fh_chain_new(fh, 1, e.token, NULL, 0);
    fh_box_set_next(fh, e.out_ptr, e.out_ptr);
    fh_entry_write(fh, &e, in);
    reads = fh->dma_reads;
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_BLOCK_NUMBER);
    g_assert_cmpuint(fh->dma_reads - reads, <=, 3);
}

static void test_unreadable_input_mailbox(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_set_hole(fh, fh_chain_block(fh, e.in_ptr, 2), CXFW_MAILBOX_SIZE,
                true, false);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    /* a pointer outside guest memory */
    fh_clear_hole(fh);
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, CHAIN3_LEN, FH_HDR_LEN);
    fh_box_set_next(fh, e.in_ptr, FH_MEM_BASE + FH_MEM_SIZE);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
}

static void test_unreadable_output_mailbox(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN3_LEN);
    fh_set_hole(fh, fh_chain_block(fh, e.out_ptr, 1), CXFW_MAILBOX_SIZE,
                true, true);
    expect_undelivered(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_DISABLED);
    g_assert_cmpuint(fh->commands_done, ==, 0);
}

/* An output mailbox the device can read but not write. */
static void test_unwritable_output_mailbox(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    fh_enable(fh);
    build(fh, &e, 0, CXFW_OP_NOP, FH_HDR_LEN, CHAIN3_LEN);
    fh_set_hole(fh, fh_chain_block(fh, e.out_ptr, 2), CXFW_MAILBOX_SIZE,
                false, true);
    ring_expect(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    g_assert_cmpuint(fh_stats(fh).delivery_errors, ==, 1);
    g_assert_cmpuint(fh->guest_errors, ==, 1);
}

/*
 * docs/prm-coverage.md: "The output chain is validated before the command
 * runs, so a command whose output cannot be delivered has no effect."
 */
static void test_unwritable_output_no_effect(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, CHAIN2_LEN);
    fh_set_hole(fh, fh_chain_block(fh, e.out_ptr, 1), CXFW_MAILBOX_SIZE,
                false, true);
    ring_expect(fh, 0, CXFW_DELIV_BAD_DESCRIPTOR);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_DISABLED);
}

/* A failed delivery leaves no trace: no effect, no output written. */
static void test_failed_delivery_no_effect(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint8_t in[FH_HDR_LEN] = { 0 };
    uint8_t *d;
    FhEntry e;

    fh_bringup(fh);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
    fh_hdr(in, CXFW_OP_ALLOC_UAR, 0);
    fh_entry_build(fh, &e, 0, in, sizeof(in), CHAIN2_LEN);
    d = (uint8_t *)fh_ptr(fh, e.out_ptr) + data_off;
    memset(d, 0x5a, CXFW_MAILBOX_DATA_LEN);
    fh_box_set(fh, fh_chain_block(fh, e.out_ptr, 1), BOX(token), 0);
    ring_expect(fh, 0, CXFW_DELIV_TOKEN);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
    g_assert_cmpuint(fh->commands_done, ==, 0);
    for (unsigned i = 0; i < CXFW_MAILBOX_DATA_LEN; i++) {
        g_assert_cmphex(d[i], ==, 0x5a);
    }
}

static void test_slot_not_owned(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t before[CXFW_CMD_ENTRY_SIZE];
    FhEntry e;

    build(fh, &e, 5, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set(fh, 5, QE(ownership), 0);
    memcpy(before, fh_ptr(fh, fh_entry_addr(fh, 5)), sizeof(before));
    fh_ring(fh, 1u << 5);
    g_assert_cmpmem(fh_ptr(fh, fh_entry_addr(fh, 5)), sizeof(before),
                    before, sizeof(before));
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_DISABLED);
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    g_assert_cmpuint(fh->commands_done, ==, 0);
    g_assert_cmpuint(fh_stats(fh).commands, ==, 0);
    g_assert_cmpuint(fh_stats(fh).delivery_errors, ==, 0);
}

/* The mask has one bit per slot; slot 31 is the last one of the queue. */
static void test_all_slots(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    fh_enable(fh);
    build(fh, &e, 31, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    ring_expect(fh, 31, CXFW_DELIV_OK);
    g_assert_cmpuint(fh->guest_errors, ==, 0);
    g_assert_cmpuint(fh_entry_addr(fh, 31) - fh->cmdq, ==,
                     31u << CXFW_CMD_LOG_STRIDE);

    for (unsigned s = 0; s < FH_NUM_SLOTS; s++) {
        build(fh, &e, s, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    }
    fh_ring(fh, UINT32_MAX);
    for (unsigned s = 0; s < FH_NUM_SLOTS; s++) {
        g_assert_false(fh_entry_owned_by_hw(fh, s));
        g_assert_cmphex(fh_entry_status_own(fh, s), ==, 0);
    }
    g_assert_cmpuint(fh->commands_done, ==, 1 + FH_NUM_SLOTS);
    g_assert_cmpuint(fh->guest_errors, ==, 0);
}

/* Bring up, and create an armed EQ subscribed to command completions. */
static void setup_cmd_eq(FakeHost *fh, FhEq *eq)
{
    fh_bringup(fh);
    g_assert_cmpuint(fh_eq_create(fh, eq, 6, 1ull << CXFW_EVENT_CMD, 2,
                                  fh->uar, NULL), ==, CXFW_STATUS_OK);
    fh_eq_doorbell(fh, eq, true);
}

/* 31 slots in one doorbell: all executed, one EQE with their mask. */
static void test_31_slots_one_event(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t *eqe;
    FhEntry e;
    FhEq eq;

    setup_cmd_eq(fh, &eq);
    for (unsigned s = 0; s < 31; s++) {
        build(fh, &e, s, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    }
    /* a delivery error still completes its slot */
    fh_entry_set(fh, 7, QE(type), 0);
    fh_ring(fh, 0x7fffffff);
    for (unsigned s = 0; s < 31; s++) {
        g_assert_false(fh_entry_owned_by_hw(fh, s));
        g_assert_cmphex(fh_entry_delivery(fh, s), ==,
                        s == 7 ? CXFW_DELIV_BAD_DESCRIPTOR : 0);
    }
    eqe = fh_eq_next(fh, &eq);
    g_assert_nonnull(eqe);
    if (eqe) {
        g_assert_cmphex(cxfw_get(eqe, CXFW_FLD(eqe, type)), ==,
                        CXFW_EVENT_CMD);
        g_assert_cmphex(cxfw_get(eqe, CXFW_FLD(eqe, cmd_vector)), ==,
                        0x7fffffff);
    }
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(fh->notify_count[2], ==, 1);
}

/* Only slots that completed are in the event's mask. */
static void test_event_mask_completed_only(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t *eqe;
    FhEntry e;
    FhEq eq;

    setup_cmd_eq(fh, &eq);
    build(fh, &e, 1, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    build(fh, &e, 4, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    fh_entry_set(fh, 4, QE(ownership), 0);
    fh_ring(fh, 1u << 1 | 1u << 4);
    eqe = fh_eq_next(fh, &eq);
    g_assert_nonnull(eqe);
    if (eqe) {
        g_assert_cmphex(cxfw_get(eqe, CXFW_FLD(eqe, cmd_vector)), ==, 1u << 1);
    }
    /* nothing completed: no event */
    fh_ring(fh, 1u << 4);
    fh_ring(fh, 0);
    g_assert_null(fh_eq_peek(fh, &eq));
    g_assert_cmpuint(fh_stats(fh).events, ==, 1);
}

static void test_nic_interface_disabled(void)
{
    static const unsigned modes[] = { 1, 2, 7 };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(modes); i++) {
        unsigned errors = fh->guest_errors;

        fh_write_cmdq_addr(fh, fh->cmdq, modes[i]);
        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
        fh_ring(fh, 1);
        g_assert_true(fh_entry_owned_by_hw(fh, 0));
        g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_DISABLED);
        g_assert_cmpuint(fh->guest_errors, ==, errors + 1);
    }
    /* back to 0: the same entry runs on the next doorbell */
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
}

static void test_no_queue_address(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;

    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, FH_HDR_LEN);
    cxfw_reset(fh->fw);
    fh_ring(fh, 1);
    g_assert_true(fh_entry_owned_by_hw(fh, 0));
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    g_assert_cmpuint(fh->dma_reads, ==, 0);
}

/* Chains longer than the lengths need are fine; extra blocks are unread. */
static void test_longer_chains(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint8_t in[FH_HDR_LEN] = { 0 };
    uint64_t last;
    FhEntry e;

    fh_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    e = (FhEntry) {
        .slot = 0, .inlen = CHAIN2_LEN, .outlen = CHAIN2_LEN, .token = 0x42,
        .type = CXFW_CMD_TRANSPORT_PCIE,
    };
    e.in_ptr = fh_chain_new(fh, 4, e.token, NULL, 0);
    e.out_ptr = fh_chain_new(fh, 5, e.token, NULL, 0);
    /* blocks beyond the need are garbage the device must not look at */
    fh_box_set(fh, fh_chain_block(fh, e.in_ptr, 2), BOX(token), 0);
    fh_box_set(fh, fh_chain_block(fh, e.in_ptr, 3), BOX(block_number), 77);
    fh_box_set_next(fh, fh_chain_block(fh, e.in_ptr, 2), 3);
    last = fh_chain_block(fh, e.out_ptr, 4);
    memset((uint8_t *)fh_ptr(fh, last) + data_off, 0x77,
           CXFW_MAILBOX_DATA_LEN);
    fh_box_set(fh, fh_chain_block(fh, e.out_ptr, 2), BOX(block_number), 9);
    fh_entry_write(fh, &e, in);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
    g_assert_cmphex(((uint8_t *)fh_ptr(fh, last))[data_off], ==, 0x77);
}

/*
 * outlen < 16: the 16-byte header still goes to the entry, whether the
 * command fails (shorter than enable_hca_out's 12 bytes) or not.
 */
static void test_short_output_header(void)
{
    static const uint32_t lens[] = { 0, 4, 11 };
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t *hdr;
    FhEntry e;

    for (unsigned i = 0; i < G_N_ELEMENTS(lens); i++) {
        build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, lens[i]);
        ring_expect(fh, 0, CXFW_DELIV_OK);
        g_assert_cmphex(fh_entry_cmd_status(fh, 0), ==,
                        CXFW_STATUS_BAD_OUTP_LEN);
        g_assert_cmphex(fh_entry_cmd_syndrome(fh, 0), ==,
                        CXFW_SYND_OUTLEN_TOO_SHORT);
        g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_DISABLED);
    }
    build(fh, &e, 0, CXFW_OP_ENABLE_HCA, FH_HDR_LEN, 12);
    memset(fh_ptr(fh, fh_entry_addr(fh, 0) +
                  cxfw_field_byte(QE(command_output_inline_data))), 0xee,
           FH_HDR_LEN);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmphex(fh_entry_cmd_status(fh, 0), ==, CXFW_STATUS_OK);
    /* the whole 16-byte header is written, zero beyond status/syndrome */
    hdr = (uint8_t *)fh_ptr(fh, fh_entry_addr(fh, 0)) +
          cxfw_field_byte(QE(command_output_inline_data));
    for (unsigned i = 0; i < FH_HDR_LEN; i++) {
        g_assert_cmphex(hdr[i], ==, 0);
    }
    g_assert_cmpuint(hca_state(fh), ==, CXFW_HCA_ENABLED);
    /* an unknown opcode has no layout: its header arrives too */
    build(fh, &e, 0, 0x7ff, FH_HDR_LEN, 0);
    ring_expect(fh, 0, CXFW_DELIV_OK);
    g_assert_cmphex(fh_entry_cmd_status(fh, 0), ==, CXFW_STATUS_BAD_OP);
    g_assert_cmphex(fh_entry_cmd_syndrome(fh, 0), ==,
                    CXFW_SYND_BAD_OPCODE);
}

/* Output split between the entry (16 bytes) and the mailboxes. */
static void test_output_split(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 };
    uint8_t via_queue[FH_QUERY_ISSI_OUTLEN], direct[FH_QUERY_ISSI_OUTLEN];
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint32_t dw0 = cxfw_field_byte(CXFW_FLD(query_issi_out,
                                            supported_issi_dw0));
    FhEntry e;

    fh_enable(fh);
    fh_hdr(in, CXFW_OP_QUERY_ISSI, 0);
    fh_entry_build(fh, &e, 0, in, sizeof(in), sizeof(via_queue));
    ring_expect(fh, 0, CXFW_DELIV_OK);
    fh_entry_output(fh, &e, via_queue, sizeof(via_queue));
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), direct, sizeof(direct)), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpmem(via_queue, sizeof(via_queue), direct, sizeof(direct));
    /* supported_issi_dw0 lands in the mailbox at its offset minus 16 */
    g_assert_cmphex(cxfw_be32((uint8_t *)fh_ptr(fh, e.out_ptr) + data_off +
                              dw0 - FH_HDR_LEN), ==, 0x3);
}

/* A 4 KiB answer through eight mailboxes equals the direct answer. */
static void test_query_hca_cap_chain(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *q = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);
    g_autofree uint8_t *d = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);

    fh_enable(fh);
    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmpuint(fh_blocks_for(FH_QUERY_HCA_CAP_OUTLEN), ==, 8);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), q, FH_QUERY_HCA_CAP_OUTLEN),
                    ==, CXFW_DELIV_OK);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), d, FH_QUERY_HCA_CAP_OUTLEN),
                    ==, CXFW_STATUS_OK);
    g_assert_cmpmem(q, FH_QUERY_HCA_CAP_OUTLEN, d, FH_QUERY_HCA_CAP_OUTLEN);
    g_assert_cmpuint(cxfw_get(q + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                           capability)),
                              CXFW_FLD(cmd_hca_cap, log_max_eq)), ==, 4);
}

/* Input gathered from many blocks, in order: give pages, take them back. */
static void test_input_gathered(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    enum { N = 200 };           /* 1616 bytes: 4 input blocks */
    uint32_t pas_off = cxfw_field_byte(CXFW_FLD(manage_pages_in, pas));
    uint32_t inlen = pas_off + N * FH_PAS_ENTRY;
    uint32_t outlen = cxfw_field_byte(CXFW_FLD(manage_pages_out, pas)) +
                      N * FH_PAS_ENTRY;
    g_autofree uint8_t *in = g_malloc0(inlen);
    g_autofree uint8_t *out = g_malloc0(outlen);
    g_autoptr(GHashTable) given = g_hash_table_new(g_int64_hash,
                                                   g_int64_equal);
    g_autofree uint64_t *addrs = g_new(uint64_t, N);

    fh_enable(fh);
    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), N);
    for (unsigned i = 0; i < N; i++) {
        addrs[i] = 0x1000000000ull + (uint64_t)i * 0x3000;
        cxfw_put_be64(in + pas_off + i * FH_PAS_ENTRY, addrs[i]);
        g_hash_table_add(given, &addrs[i]);
    }
    g_assert_cmpuint(fh_blocks_for(inlen), ==, 4);
    g_assert_cmphex(fh_cmd(fh, in, inlen, out, FH_HDR_LEN), ==, 0);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(fh_stats(fh).pages_owned, ==, N);

    memset(in, 0, inlen);
    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), N);
    g_assert_cmphex(fh_cmd(fh, in, FH_HDR_LEN, out, outlen), ==, 0);
    g_assert_cmphex(fh_status(out), ==, CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(out, CXFW_FLD(manage_pages_out,
                                            output_num_entries)), ==, N);
    for (unsigned i = 0; i < N; i++) {
        uint64_t a = cxfw_be64(out + cxfw_field_byte(
                                   CXFW_FLD(manage_pages_out, pas)) +
                               i * FH_PAS_ENTRY);

        g_assert_true(g_hash_table_remove(given, &a));
    }
    g_assert_cmpuint(g_hash_table_size(given), ==, 0);
}

static void test_entry_unreadable(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;
    FhEq eq;

    setup_cmd_eq(fh, &eq);
    build(fh, &e, 2, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    fh_set_hole(fh, fh_entry_addr(fh, 2), CXFW_CMD_ENTRY_SIZE, true, true);
    fh->guest_errors = 0;
    fh_ring(fh, 1u << 2);
    g_assert_true(fh_entry_owned_by_hw(fh, 2));
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    g_assert_null(fh_eq_peek(fh, &eq));
}

/* The entry cannot be handed back: no completion event either. */
static void test_entry_unwritable(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    FhEntry e;
    FhEq eq;

    setup_cmd_eq(fh, &eq);
    build(fh, &e, 2, CXFW_OP_NOP, FH_HDR_LEN, FH_HDR_LEN);
    fh_set_hole(fh, fh_entry_addr(fh, 2), CXFW_CMD_ENTRY_SIZE, false, true);
    fh->guest_errors = 0;
    fh_ring(fh, 1u << 2);
    g_assert_true(fh_entry_owned_by_hw(fh, 2));
    g_assert_cmpuint(fh->guest_errors, ==, 1);
    g_assert_null(fh_eq_peek(fh, &eq));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/transport/nop", test_nop);
    g_test_add_func("/transport/entry-fields-preserved",
                    test_entry_fields_preserved);
    g_test_add_func("/transport/bad-type", test_bad_type);
    g_test_add_func("/transport/length-over-max", test_length_over_max);
    g_test_add_func("/transport/max-length", test_max_length);
    g_test_add_func("/transport/in-ptr-misaligned", test_in_ptr_misaligned);
    g_test_add_func("/transport/out-ptr-misaligned", test_out_ptr_misaligned);
    g_test_add_func("/transport/first-block-512-aligned",
                    test_first_block_512_aligned);
    g_test_add_func("/transport/next-misaligned", test_next_misaligned);
    g_test_add_func("/transport/block-number", test_block_number);
    g_test_add_func("/transport/token", test_token);
    g_test_add_func("/transport/cyclic-chain", test_cyclic_chain);
    g_test_add_func("/transport/unreadable-input-mailbox",
                    test_unreadable_input_mailbox);
    g_test_add_func("/transport/unreadable-output-mailbox",
                    test_unreadable_output_mailbox);
    g_test_add_func("/transport/unwritable-output-mailbox",
                    test_unwritable_output_mailbox);
    g_test_add_func("/transport/unwritable-output-no-effect",
                    test_unwritable_output_no_effect);
    g_test_add_func("/transport/failed-delivery-no-effect",
                    test_failed_delivery_no_effect);
    g_test_add_func("/transport/slot-not-owned", test_slot_not_owned);
    g_test_add_func("/transport/all-slots", test_all_slots);
    g_test_add_func("/transport/31-slots-one-event", test_31_slots_one_event);
    g_test_add_func("/transport/event-mask-completed-only",
                    test_event_mask_completed_only);
    g_test_add_func("/transport/nic-interface-disabled",
                    test_nic_interface_disabled);
    g_test_add_func("/transport/no-queue-address", test_no_queue_address);
    g_test_add_func("/transport/longer-chains", test_longer_chains);
    g_test_add_func("/transport/short-output-header",
                    test_short_output_header);
    g_test_add_func("/transport/output-split", test_output_split);
    g_test_add_func("/transport/query-hca-cap-chain",
                    test_query_hca_cap_chain);
    g_test_add_func("/transport/input-gathered", test_input_gathered);
    g_test_add_func("/transport/entry-unreadable", test_entry_unreadable);
    g_test_add_func("/transport/entry-unwritable", test_entry_unwritable);
    return g_test_run();
}
