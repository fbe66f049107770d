/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reset: cxfw_reset() (device reset, FLR) and a write of the command queue
 * address (a new driver instance) return the firmware to power-on.
 */
#include <string.h>

#include "fake-host.h"

#define ISEG(field) CXFW_FLD(initial_seg, field)
#define CAP(field) CXFW_FLD(cmd_hca_cap, field)

typedef void (*ResetFn)(FakeHost *fh);

static void reset_device(FakeHost *fh)
{
    cxfw_reset(fh->fw);
    /* the driver of the new instance programs the queue again */
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
}

static void reset_by_cmdq_write(FakeHost *fh)
{
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
}

static uint64_t iseg_field(FakeHost *fh, CxfwFieldId f)
{
    uint8_t dword[4];
    uint32_t bit = cxfw_field_bit(f);

    cxfw_put_be32(dword, cxfw_iseg_read(fh->fw, bit / 32 * 4));
    return cxfw_get(dword, (CxfwFieldId)CXFW_FIELD_ENCODE(
                        bit % 32, cxfw_field_width(f)));
}

static uint32_t current_issi(FakeHost *fh)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_QUERY_ISSI_OUTLEN];

    fh_hdr(in, CXFW_OP_QUERY_ISSI, 0);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    return cxfw_get(out, CXFW_FLD(query_issi_out, current_issi));
}

static uint64_t current_cap(FakeHost *fh, CxfwFieldId f)
{
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out,
                            FH_QUERY_HCA_CAP_OUTLEN), ==, 0);
    return cxfw_get(out + cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                   capability)), f);
}

static void set_log_max_qp(FakeHost *fh, unsigned v)
{
    uint8_t in[FH_HDR_LEN] = { 0 };
    g_autofree uint8_t *cap = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);
    g_autofree uint8_t *set = g_malloc0(FH_SET_HCA_CAP_INLEN);
    uint8_t out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 1);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), cap,
                            FH_QUERY_HCA_CAP_OUTLEN), ==, 0);
    fh_hdr(set, CXFW_OP_SET_HCA_CAP, 0);
    memcpy(set + cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability)),
           cap + cxfw_field_byte(CXFW_FLD(query_hca_cap_out, capability)),
           FH_CAP_SIZE);
    cxfw_set(set + cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability)),
             CAP(log_max_qp), v);
    g_assert_cmphex(fh_exec(fh, set, FH_SET_HCA_CAP_INLEN, out, sizeof(out)),
                    ==, 0);
}

static uint8_t read_he(FakeHost *fh)
{
    uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_out,
                                             register_data));
    uint8_t in[FH_HDR_LEN] = { 0 }, out[64];

    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_HOST_ENDIANNESS);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out,
                            data + FH_REG_HOST_ENDIANNESS_LEN), ==, 0);
    return cxfw_get(out + data, CXFW_FLD(register_host_endianness, he));
}

static void write_he(FakeHost *fh, unsigned he)
{
    uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                             register_data));
    uint8_t in[64] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_HOST_ENDIANNESS);
    cxfw_set(in + data, CXFW_FLD(register_host_endianness, he), he);
    g_assert_cmphex(fh_exec(fh, in, data + FH_REG_HOST_ENDIANNESS_LEN, out,
                            sizeof(out)), ==, 0);
}

static void complete_nop(FakeHost *fh)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_NOP, 0);
    g_assert_cmphex(fh_cmd(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
}

/*
 * Build up every kind of state, reset, and check it is all gone: the
 * firmware behaves as a fresh instance.
 */
static void check_reset_clears(ResetFn reset)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");
    uint64_t pages[4];
    uint8_t before[FH_PAGE_SIZE];
    CxfwStats s;
    FhEq eq;

    fh_enable(fh);
    set_log_max_qp(fh, 9);
    fh_bringup(fh);             /* ISSI 1, 80 pages, INIT_HCA, a UAR */
    write_he(fh, 1);
    g_assert_cmpuint(current_issi(fh), ==, 1);
    g_assert_cmpuint(current_cap(fh, CAP(log_max_qp)), ==, 9);
    g_assert_cmpuint(read_he(fh), ==, 1);
    g_assert_cmphex(fh_give_pages(fh, 4, pages), ==, 0);
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_CMD, 1,
                                 fh->uar, NULL), ==, 0);
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh_alloc_uar(fh), ==, 17);
    s = fh_stats(fh);
    g_assert_cmpuint(s.hca_state, ==, CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(s.live_eqs, ==, 1);
    g_assert_cmpuint(s.live_uars, ==, 2);
    g_assert_cmpuint(s.pages_owned, ==, 84);

    reset(fh);

    s = fh_stats(fh);
    g_assert_cmpuint(s.hca_state, ==, CXFW_HCA_DISABLED);
    g_assert_cmpuint(s.live_eqs, ==, 0);
    g_assert_cmpuint(s.live_uars, ==, 0);
    g_assert_cmpuint(s.pages_owned, ==, 0);
    g_assert_cmphex(fh_simple(fh, CXFW_OP_NOP, 0, NULL), ==,
                    CXFW_STATUS_BAD_SYS_STATE);

    /* the old EQ is gone: a completion writes nothing, raises nothing */
    memcpy(before, fh_ptr(fh, eq.pas[0]), sizeof(before));
    fh_enable(fh);
    complete_nop(fh);
    g_assert_cmpmem(fh_ptr(fh, eq.pas[0]), sizeof(before), before,
                    sizeof(before));
    g_assert_cmpuint(fh->notify_total, ==, 0);
    fh->guest_errors = 0;
    fh_eq_doorbell(fh, &eq, true);
    g_assert_cmpuint(fh->guest_errors, ==, 1);

    /* ISSI, capabilities and registers are back to their defaults */
    g_assert_cmpuint(current_issi(fh), ==, 0);
    g_assert_cmpuint(current_cap(fh, CAP(log_max_qp)), ==, 18);
    g_assert_cmpuint(read_he(fh), ==, 0);
    /* pages are needed again; the old addresses are not duplicates */
    g_assert_cmphex(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==,
                    CXFW_STATUS_NO_RES);
    {
        uint8_t in[FH_HDR_LEN + 4 * FH_PAS_ENTRY] = { 0 }, out[FH_HDR_LEN];
        uint32_t pas = cxfw_field_byte(CXFW_FLD(manage_pages_in, pas));

        fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
        cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), 4);
        for (unsigned i = 0; i < 4; i++) {
            cxfw_put_be64(in + pas + i * FH_PAS_ENTRY, pages[i]);
        }
        g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==, 0);
    }
    /* a second bring-up starts numbering from scratch */
    fh_bringup(fh);
    g_assert_cmpuint(fh->uar, ==, 16);
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 0, 0, fh->uar, NULL), ==, 0);
    g_assert_cmpuint(eq.eqn, ==, 1);
}

static void test_reset_clears(void)
{
    check_reset_clears(reset_device);
}

static void test_cmdq_write_clears(void)
{
    check_reset_clears(reset_by_cmdq_write);
}

/* cxfw_reset also forgets the queue and the init segment's state. */
static void test_reset_iseg(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 };
    FhEntry e;

    cxfw_health_tick(fh->fw);
    fh_write_cmdq_addr(fh, fh->cmdq | 0x500000000ull, 2);
    g_assert_cmpuint(iseg_field(fh, ISEG(nic_interface_3bit)), ==, 2);
    cxfw_reset(fh->fw);
    g_assert_cmpuint(iseg_field(fh, ISEG(cmdq_phy_addr_63_32)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(cmdq_phy_addr_31_12)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(nic_interface_3bit)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_counter)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(log_cmdq_size)), ==, 5);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_major)), ==, 22);

    /* no queue until the driver programs one */
    fh->cmdq &= 0xffffffff;
    fh_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    fh_entry_build(fh, &e, 0, in, sizeof(in), FH_HDR_LEN);
    fh_ring(fh, 1);
    g_assert_true(fh_entry_owned_by_hw(fh, 0));
    fh_write_cmdq_addr(fh, fh->cmdq, 0);
    fh_ring(fh, 1);
    g_assert_false(fh_entry_owned_by_hw(fh, 0));
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_ENABLED);
}

/* Only the low address write (the last one a driver makes) resets. */
static void test_cmdq_high_write_no_reset(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    fh_bringup(fh);
    cxfw_iseg_write(fh->fw,
                    cxfw_field_byte(ISEG(cmdq_phy_addr_63_32)), 0);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(fh_stats(fh).live_uars, ==, 1);
    /* the doorbell register neither */
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMD_DBELL, 0);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_INITIALIZED);
    g_assert_cmpuint(fh->guest_errors, ==, 0);
}

/*
 * The statistics: live objects follow the reset, the cumulative counters
 * (and the unsupported-opcode tallies, for gap reports over a whole run)
 * keep counting across resets.
 */
static void count_fn(uint16_t opcode, uint64_t count, void *opaque)
{
    *(uint64_t *)opaque += count;
}

static void test_stats(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    CxfwStats before, after;
    uint64_t unsupported = 0;
    FhEq eq;

    fh_bringup(fh);
    g_assert_cmphex(fh_eq_create(fh, &eq, 4, 1ull << CXFW_EVENT_CMD, 0,
                                 fh->uar, NULL), ==, 0);
    fh_eq_doorbell(fh, &eq, true);
    complete_nop(fh);
    fh_simple(fh, 0x7ff, 0, NULL);
    before = fh_stats(fh);
    g_assert_cmpuint(before.events, ==, 1);
    g_assert_cmpuint(before.interrupts, ==, 1);
    g_assert_cmpuint(before.unsupported, ==, 1);

    cxfw_reset(fh->fw);
    after = fh_stats(fh);
    g_assert_cmpuint(after.live_eqs, ==, 0);
    g_assert_cmpuint(after.live_uars, ==, 0);
    g_assert_cmpuint(after.pages_owned, ==, 0);
    g_assert_cmpuint(after.hca_state, ==, CXFW_HCA_DISABLED);
    g_assert_cmpuint(after.commands, ==, before.commands);
    g_assert_cmpuint(after.command_errors, ==, before.command_errors);
    g_assert_cmpuint(after.events, ==, before.events);
    g_assert_cmpuint(after.interrupts, ==, before.interrupts);
    g_assert_cmpuint(after.unsupported, ==, before.unsupported);
    cxfw_foreach_unsupported(fh->fw, count_fn, &unsupported);
    g_assert_cmpuint(unsupported, ==, 1);
}

/* Reset at every stage of bring-up, repeatedly; each time a clean start. */
static void test_reset_repeatedly(void)
{
    g_autoptr(FakeHost) fh = fh_new("cx6dx-pages");

    for (unsigned round = 0; round < 5; round++) {
        FhEq eq;

        switch (round) {
        case 0:
            break;
        case 1:
            fh_enable(fh);
            break;
        default:
            fh_bringup(fh);
            g_assert_cmphex(fh_eq_create(fh, &eq, 2 + round, 0, 0, fh->uar,
                                         NULL), ==, 0);
            break;
        }
        if (round & 1) {
            reset_device(fh);
        } else {
            reset_by_cmdq_write(fh);
        }
        g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_DISABLED);
        g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 0);
        g_assert_cmpuint(fh_stats(fh).pages_owned, ==, 0);
    }
    fh_bringup(fh);
    g_assert_cmpuint(fh_stats(fh).pages_owned, ==, 80);
}

/* Freeing a firmware with live objects releases them (valgrind checks). */
static void test_free_with_objects(void)
{
    FakeHost *fh = fh_new("cx6dx-pages");
    FhEq eq;

    fh_bringup(fh);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(fh_eq_create(fh, &eq, 3 + i, 1ull << CXFW_EVENT_CMD,
                                     i, fh->uar, NULL), ==, 0);
    }
    fh_simple(fh, 0x999, 0, NULL);
    complete_nop(fh);
    g_assert_cmpuint(fh_stats(fh).live_eqs, ==, 4);
    fh_free(fh);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/reset/reset-clears", test_reset_clears);
    g_test_add_func("/reset/cmdq-write-clears", test_cmdq_write_clears);
    g_test_add_func("/reset/reset-iseg", test_reset_iseg);
    g_test_add_func("/reset/cmdq-high-write-no-reset",
                    test_cmdq_high_write_no_reset);
    g_test_add_func("/reset/stats", test_stats);
    g_test_add_func("/reset/reset-repeatedly", test_reset_repeatedly);
    g_test_add_func("/reset/free-with-objects", test_free_with_objects);
    return g_test_run();
}
