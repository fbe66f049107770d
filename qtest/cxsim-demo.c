/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * cxsim demo: start QEMU with one cxsim device and drive it from the host
 * through the qtest protocol, the way a driver would: read the init
 * segment, set up the command queue, bring the function up, ask a few
 * questions, show a refused command, take an event, and tear down.
 *
 * Run by `make demo`:  QTEST_QEMU_BINARY=.../qemu-system-x86_64 cxsim-demo
 */

#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "hw/pci/pci_regs.h"
#include "cxsim-qtest.h"
#include "cxfw.h"

static void show(const char *what, uint8_t status, uint32_t syndrome,
                 const char *detail)
{
    const char *sname = cxfw_status_name(status);

    if (status == CXFW_STATUS_OK) {
        printf("  %-22s OK            %s\n", what, detail ? detail : "");
    } else {
        const char *synd = cxfw_syndrome_name(syndrome);

        printf("  %-22s %-13s syndrome 0x%08x (%s)\n", what,
               sname ? sname : "?", syndrome, synd ? synd : "?");
    }
}

#define SHOW(d, what, call, ...)                                        \
    do {                                                                \
        g_autofree char *detail_ = NULL;                                \
        uint8_t st_ = (call);                                           \
        if (st_ == CXFW_STATUS_OK) {                                    \
            detail_ = g_strdup_printf(__VA_ARGS__);                     \
        }                                                               \
        show(what, st_, (d)->last_syndrome, detail_);                   \
    } while (0)

int main(int argc, char **argv)
{
    CxsimDev *d;
    uint32_t fw_rev, cmdif, sz, supported, uar, pages_given;
    uint16_t issi;
    int32_t npages;
    uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    uint8_t adapter[CXSIM_QUERY_ADAPTER_OUTLEN];
    uint8_t in[CXSIM_HDR_LEN] = { 0 }, out[CXSIM_HDR_LEN];
    uint8_t he[CXSIM_REG_HOST_ENDIANNESS_LEN] = { 0 };
    uint8_t eqe[CXFW_EQE_SIZE];
    uint32_t h1, h2;
    CxsimEq eq;

    /* libqtest prints the QEMU command line it starts, as a "#" line */
    printf("cxsim demo: QEMU q35 with one cxsim device, driven over qtest\n\n");
    d = cxsim_start(",fw-version=22.40.1000");

    printf("PCI function %02x.%x: vendor 0x%04x device 0x%04x, "
           "BAR0 %" PRIu64 " KiB, MSI-X in BAR2\n",
           d->pdev->devfn >> 3, d->pdev->devfn & 7,
           qpci_config_readw(d->pdev, PCI_VENDOR_ID),
           qpci_config_readw(d->pdev, PCI_DEVICE_ID), d->bar0_size / 1024);

    fw_rev = cxsim_rd32(d, CXSIM_ISEG_FW_REV);
    cmdif = cxsim_rd32(d, CXSIM_ISEG_CMDIF_REV);
    sz = cxsim_rd32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ);
    printf("init segment: firmware %u.%u.%u, command interface rev %u, "
           "%u slots of %u bytes, initializing=%u\n",
           fw_rev & 0xffff, fw_rev >> 16, cmdif & 0xffff, cmdif >> 16,
           1u << ((sz >> 4) & 0xf), 1u << (sz & 0xf),
           cxsim_rd32(d, CXSIM_ISEG_INITIALIZING) >> 31);
    h1 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    qtest_clock_step(d->qts, 2 * NANOSECONDS_PER_SECOND);
    h2 = cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
    printf("health counter: %u -> %u after 2 s of virtual time\n\n", h1, h2);

    cxsim_cmdq_init(d);
    printf("command queue at guest 0x%" PRIx64 "; bring-up:\n", d->cmdq);

    SHOW(d, "NOP (before enable)", cxsim_nop(d), " ");
    SHOW(d, "ENABLE_HCA", cxsim_enable_hca(d), " ");
    SHOW(d, "QUERY_ISSI", cxsim_query_issi(d, &issi, &supported),
         "current %u, supported 0x%x", issi, supported);
    SHOW(d, "SET_ISSI", cxsim_set_issi(d, 1), "issi 1");
    SHOW(d, "QUERY_PAGES boot", cxsim_query_pages(d, 1, &npages),
         "%d pages needed", npages);
    pages_given = npages;
    SHOW(d, "MANAGE_PAGES give", cxsim_give_pages(d, MAX(npages, 0)),
         "%u pages", pages_given);
    SHOW(d, "ACCESS_REG write", cxsim_access_reg(d, 0,
         CXFW_REG_HOST_ENDIANNESS, 0, he, NULL, sizeof(he)),
         "HOST_ENDIANNESS he=0");
    SHOW(d, "QUERY_HCA_CAP general", cxsim_query_hca_cap(d, 0, true, cap),
         "log_max_eq %u, log_max_eq_sz %u, port_type %u, uctx_cap 0x%x",
         cx_get_bits(cap, CXSIM_CAP_LOG_MAX_EQ, 0, 4),
         cx_get_bits(cap, CXSIM_CAP_LOG_MAX_EQ_SZ, 24, 8),
         cx_get_bits(cap, CXSIM_CAP_PORT_TYPE, 8, 2),
         cx_get32(cap, CXSIM_CAP_UCTX_CAP));
    SHOW(d, "SET_HCA_CAP general", cxsim_set_hca_cap(d, 0, cap), " ");
    SHOW(d, "QUERY_PAGES init", cxsim_query_pages(d, 2, &npages),
         "%d pages needed", npages);
    SHOW(d, "INIT_HCA", cxsim_init_hca(d), " ");

    memset(adapter, 0, sizeof(adapter));
    cx_hdr(in, CXFW_OP_QUERY_ADAPTER, 0);
    SHOW(d, "QUERY_ADAPTER", cxsim_cmd(d, in, sizeof(in), adapter,
                                       sizeof(adapter)),
         "vendor 0x%04x, PSID %.16s", cx_get16(adapter, 0x2e),
         (const char *)adapter + 0x100);
    SHOW(d, "ALLOC_UAR", cxsim_alloc_uar(d, &uar), "UAR page %u", uar);

    cxsim_msix_enable(d);
    SHOW(d, "CREATE_EQ", cxsim_create_eq(d, &eq, 5, CXSIM_EVENT_MASK_CMD, 0,
                                         uar),
         "eq %u: 32 entries, command-completion events, MSI-X vector 0",
         eq.eqn);
    cxsim_eq_doorbell(d, &eq, true);
    SHOW(d, "NOP", cxsim_nop(d), " ");
    if (cxsim_eq_poll(d, &eq, eqe)) {
        printf("  %-22s type 0x%02x, completed slots 0x%08x\n",
               "event", eqe[CXSIM_EQE_TYPE], cx_get32(eqe, CXSIM_EQE_DATA));
    }

    printf("\nrefused commands:\n");
    cx_hdr(in, 0x7ff, 0);
    SHOW(d, "opcode 0x7ff", cxsim_cmd(d, in, sizeof(in), out, sizeof(out)),
         " ");
    SHOW(d, "ACCESS_REG 0x1234", cxsim_access_reg(d, 1, 0x1234, 0, NULL, he,
                                                  sizeof(he)), " ");
    SHOW(d, "SET_HCA_CAP after init", cxsim_set_hca_cap(d, 0, cap), " ");

    printf("\nteardown:\n");
    SHOW(d, "DESTROY_EQ", cxsim_destroy_eq(d, &eq), " ");
    SHOW(d, "DEALLOC_UAR", cxsim_dealloc_uar(d, uar), " ");
    SHOW(d, "TEARDOWN_HCA", cxsim_teardown_hca(d, 0), " ");
    SHOW(d, "DISABLE_HCA", cxsim_disable_hca(d), " ");

    cxsim_stop(d);
    g_free(cap);
    printf("\ndone: the device answered every command.\n");
    return 0;
}
