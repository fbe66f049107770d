/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initialization segment (BAR0 page 0-2), instance creation and the
 * name tables.
 */
#include <string.h>

#include "fake-host.h"

#define ISEG(field) CXFW_FLD(initial_seg, field)

/* Read the register holding field f and extract the field from it. */
static uint64_t iseg_field(FakeHost *fh, CxfwFieldId f)
{
    uint8_t dword[4];
    uint32_t bit = cxfw_field_bit(f);

    cxfw_put_be32(dword, cxfw_iseg_read(fh->fw, bit / 32 * 4));
    return cxfw_get(dword, (CxfwFieldId)CXFW_FIELD_ENCODE(
                        bit % 32, cxfw_field_width(f)));
}

static uint32_t iseg_offset(CxfwFieldId f)
{
    return cxfw_field_bit(f) / 32 * 4;
}

static void test_fw_rev_from_profile(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_major)), ==, 22);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_minor)), ==, 40);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_subminor)), ==, 1000);
    g_assert_cmpuint(iseg_field(fh, ISEG(cmd_interface_rev)), ==, 5);
    /* as documented: 0x000 = minor << 16 | major, 0x004 = 5 << 16 | sub */
    g_assert_cmphex(cxfw_iseg_read(fh->fw, 0x000), ==, 40 << 16 | 22);
    g_assert_cmphex(cxfw_iseg_read(fh->fw, 0x004), ==, 5 << 16 | 1000);
}

static void test_fw_version_property(void)
{
    CxfwConfig cfg = {
        .fw_version = "16.35.4030", .msix_vectors = 4,
    };
    g_autoptr(FakeHost) fh = fh_new_cfg(&cfg);

    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_major)), ==, 16);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_minor)), ==, 35);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_subminor)), ==, 4030);
}

static void test_new_errors(void)
{
    static const char *const bad_versions[] = {
        "1.2", "1.2.3.4", "a.b.c", "1.2.3x", "65536.0.0", "1.70000.0", "",
    };
    CxfwConfig cfg = { .msix_vectors = 4 };
    char *err = NULL;
    Cxfw *fw;

    cfg.profile = "no-such-profile";
    fw = cxfw_new(&cfg, &fh_ops, NULL, &err);
    g_assert_null(fw);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, "no-such-profile"));
    g_clear_pointer(&err, g_free);

    cfg.profile = NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(bad_versions); i++) {
        cfg.fw_version = bad_versions[i];
        fw = cxfw_new(&cfg, &fh_ops, NULL, &err);
        if (fw) {
            g_test_message("fw-version '%s' accepted", bad_versions[i]);
        }
        g_assert_null(fw);
        g_assert_nonnull(err);
        cxfw_free(fw);
        g_clear_pointer(&err, g_free);
    }

    cfg.fw_version = NULL;
    cfg.msix_vectors = 0;
    fw = cxfw_new(&cfg, &fh_ops, NULL, &err);
    g_assert_null(fw);
    g_assert_nonnull(err);
    g_clear_pointer(&err, g_free);

    /* both profiles exist; the default is one of them */
    cfg.msix_vectors = 1;
    cfg.profile = "cx6dx-pages";
    fw = cxfw_new(&cfg, &fh_ops, NULL, &err);
    g_assert_nonnull(fw);
    cxfw_free(fw);
    cfg.profile = cxfw_default_profile();
    fw = cxfw_new(&cfg, &fh_ops, NULL, &err);
    g_assert_nonnull(fw);
    cxfw_free(fw);
    g_assert_null(err);
}

static void test_cmdq_register(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint64_t q = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);

    /* read-only geometry: 32 entries of 64 bytes */
    g_assert_cmpuint(iseg_field(fh, ISEG(log_cmdq_size)), ==, 5);
    g_assert_cmpuint(iseg_field(fh, ISEG(log_cmdq_stride)), ==, 6);
    g_assert_cmpuint(1u << iseg_field(fh, ISEG(log_cmdq_size)), ==,
                     FH_NUM_SLOTS);

    fh_write_cmdq_addr(fh, q | 0x123456700000000ull, 0);
    g_assert_cmphex(iseg_field(fh, ISEG(cmdq_phy_addr_63_32)), ==,
                    0x1234567);
    g_assert_cmphex(iseg_field(fh, ISEG(cmdq_phy_addr_31_12)), ==, q >> 12);
    g_assert_cmpuint(iseg_field(fh, ISEG(nic_interface_3bit)), ==, 0);
    /* writing size and stride bits changes nothing */
    cxfw_iseg_write(fh->fw, iseg_offset(ISEG(log_cmdq_size)),
                    (uint32_t)q | 0xff);
    g_assert_cmpuint(iseg_field(fh, ISEG(log_cmdq_size)), ==, 5);
    g_assert_cmpuint(iseg_field(fh, ISEG(log_cmdq_stride)), ==, 6);

    /* nic_interface is latched and read back */
    fh_write_cmdq_addr(fh, q, 1);
    g_assert_cmpuint(iseg_field(fh, ISEG(nic_interface_3bit)), ==, 1);
    g_assert_cmphex(iseg_field(fh, ISEG(cmdq_phy_addr_31_12)), ==, q >> 12);
    fh_write_cmdq_addr(fh, q, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(nic_interface_3bit)), ==, 0);
}

static void test_ready_and_health(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    g_assert_cmpuint(iseg_field(fh, ISEG(initializing)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(embedded_cpu)), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x1fc), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_fw_version)), !=, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_hw_id)), !=, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_synd)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_syndrome)), ==, 0);
    /* the rest of the health buffer is zero */
    for (uint32_t off = 0x200; off < 0x240; off += 4) {
        if (off == iseg_offset(ISEG(health_fw_version)) ||
            off == iseg_offset(ISEG(health_hw_id))) {
            continue;
        }
        g_assert_cmphex(cxfw_iseg_read(fh->fw, off), ==, 0);
    }
}

static void test_internal_timer(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    fh->clock_ns = 0x123456789abcdef0ull;
    g_assert_cmphex(cxfw_iseg_read(fh->fw, 0x1000), ==, 0x12345678);
    g_assert_cmphex(cxfw_iseg_read(fh->fw, 0x1004), ==, 0x9abcdef0);
    g_assert_cmphex(iseg_field(fh, ISEG(internal_timer_h)), ==, 0x12345678);
    fh->clock_ns += 1000;
    g_assert_cmphex(iseg_field(fh, ISEG(internal_timer_l)), ==,
                    0x9abcdef0 + 1000);
}

static void test_health_counter(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    g_assert_cmpuint(iseg_field(fh, ISEG(health_counter)), ==, 0);
    cxfw_health_tick(fh->fw);
    cxfw_health_tick(fh->fw);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_counter)), ==, 2);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x1010), ==, 2);
    /* 24 bits: wraps to 0 without touching health_syndrome */
    for (uint32_t i = 2; i < (1u << 24); i++) {
        cxfw_health_tick(fh->fw);
    }
    g_assert_cmpuint(iseg_field(fh, ISEG(health_counter)), ==, 0);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_syndrome)), ==, 0);
}

static void test_unknown_offsets(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint32_t before = fh->guest_errors;

    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x008), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x100), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x2000), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, CXFW_ISEG_SIZE), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x100000), ==, 0);
    /* misaligned: 0 even where an aligned read is not */
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x001), ==, 0);
    g_assert_cmpuint(cxfw_iseg_read(fh->fw, 0x006), ==, 0);

    /* writes to read-only registers are ignored and counted */
    cxfw_iseg_write(fh->fw, 0x000, 0xffffffff);
    cxfw_iseg_write(fh->fw, 0x1010, 0xffffffff);
    g_assert_cmpuint(iseg_field(fh, ISEG(fw_rev_major)), ==, 22);
    g_assert_cmpuint(iseg_field(fh, ISEG(health_counter)), ==, 0);
    g_assert_cmpuint(fh->guest_errors, ==, before + 2);
    g_assert_cmpuint(fh_stats(fh).guest_errors, ==, before + 2);
}

/* A doorbell write is only latched: nothing runs inside the MMIO write. */
static void test_doorbell_write_deferred(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);
    uint8_t in[FH_HDR_LEN] = { 0 };
    FhEntry e;

    fh_hdr(in, CXFW_OP_ENABLE_HCA, 0);
    fh_entry_build(fh, &e, 0, in, sizeof(in), FH_HDR_LEN);
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMD_DBELL, 1);
    g_assert_true(fh_entry_owned_by_hw(fh, 0));
    g_assert_cmpuint(fh_stats(fh).commands, ==, 0);
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_DISABLED);
    g_assert_cmpuint(fh->guest_errors, ==, 0);
    cxfw_cmd_doorbell(fh->fw, 1);
    g_assert_false(fh_entry_owned_by_hw(fh, 0));
    g_assert_cmpuint(fh_stats(fh).hca_state, ==, CXFW_HCA_ENABLED);
}

static void test_bar0_size(void)
{
    g_autoptr(FakeHost) fh = fh_new(NULL);

    g_assert_cmpuint(cxfw_bar0_size(fh->fw), ==, 2u << 20);
    g_assert_cmpuint(cxfw_bar0_size(fh->fw), >=, CXFW_ISEG_SIZE);
}

static void test_names(void)
{
    static const struct {
        uint16_t opcode;
        const char *name;
    } ops[] = {
        { CXFW_OP_QUERY_HCA_CAP, "QUERY_HCA_CAP" },
        { CXFW_OP_QUERY_ADAPTER, "QUERY_ADAPTER" },
        { CXFW_OP_INIT_HCA, "INIT_HCA" },
        { CXFW_OP_TEARDOWN_HCA, "TEARDOWN_HCA" },
        { CXFW_OP_ENABLE_HCA, "ENABLE_HCA" },
        { CXFW_OP_DISABLE_HCA, "DISABLE_HCA" },
        { CXFW_OP_QUERY_PAGES, "QUERY_PAGES" },
        { CXFW_OP_MANAGE_PAGES, "MANAGE_PAGES" },
        { CXFW_OP_SET_HCA_CAP, "SET_HCA_CAP" },
        { CXFW_OP_QUERY_ISSI, "QUERY_ISSI" },
        { CXFW_OP_SET_ISSI, "SET_ISSI" },
        { CXFW_OP_CREATE_EQ, "CREATE_EQ" },
        { CXFW_OP_DESTROY_EQ, "DESTROY_EQ" },
        { CXFW_OP_QUERY_EQ, "QUERY_EQ" },
        { CXFW_OP_ALLOC_UAR, "ALLOC_UAR" },
        { CXFW_OP_DEALLOC_UAR, "DEALLOC_UAR" },
        { CXFW_OP_ACCESS_REG, "ACCESS_REG" },
        { CXFW_OP_NOP, "NOP" },
    };
    static const struct {
        uint32_t value;
        const char *name;
    } synds[] = {
#define CXFW_SYNDROME(name, value, status, desc) { value, #name },
#include "cxfw-syndromes.def"
#undef CXFW_SYNDROME
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(ops); i++) {
        g_assert_cmpstr(cxfw_opcode_name(ops[i].opcode), ==, ops[i].name);
    }
    g_assert_null(cxfw_opcode_name(0x0));
    g_assert_null(cxfw_opcode_name(0xffff));
    for (unsigned i = 0; i < G_N_ELEMENTS(synds); i++) {
        g_assert_cmpstr(cxfw_syndrome_name(synds[i].value), ==,
                        synds[i].name);
        /* values are unique */
        for (unsigned j = i + 1; j < G_N_ELEMENTS(synds); j++) {
            g_assert_cmphex(synds[i].value, !=, synds[j].value);
        }
    }
    g_assert_null(cxfw_syndrome_name(0));
    g_assert_cmpstr(cxfw_status_name(CXFW_STATUS_OK), ==, "OK");
    g_assert_cmpstr(cxfw_status_name(CXFW_STATUS_BAD_OUTP_LEN), ==,
                    "BAD_OUTP_LEN");
    g_assert_cmpstr(cxfw_status_name(CXFW_STATUS_NO_RES), ==, "NO_RES");
    g_assert_null(cxfw_status_name(0x40));
    g_assert_cmpstr(cxfw_default_profile(), ==, "cx6dx");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/iseg/fw-rev-from-profile", test_fw_rev_from_profile);
    g_test_add_func("/iseg/fw-version-property", test_fw_version_property);
    g_test_add_func("/iseg/new-errors", test_new_errors);
    g_test_add_func("/iseg/cmdq-register", test_cmdq_register);
    g_test_add_func("/iseg/ready-and-health", test_ready_and_health);
    g_test_add_func("/iseg/internal-timer", test_internal_timer);
    g_test_add_func("/iseg/health-counter", test_health_counter);
    g_test_add_func("/iseg/unknown-offsets", test_unknown_offsets);
    g_test_add_func("/iseg/doorbell-write-deferred",
                    test_doorbell_write_deferred);
    g_test_add_func("/iseg/bar0-size", test_bar0_size);
    g_test_add_func("/iseg/names", test_names);
    return g_test_run();
}
