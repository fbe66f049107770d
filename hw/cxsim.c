/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim: an emulated ConnectX-like PCIe function.
 *
 * This file is only the QEMU binding of the cxfw firmware simulator
 * (firmware/, see cxfw.h).  The firmware owns every register and every
 * command; the device model supplies what only QEMU can: the PCIe function
 * and its BARs, DMA through the bus-master address space, MSI-X, a virtual
 * clock, a bottom half that runs the command queue outside the vCPU's
 * MMIO handler, reset/FLR, and trace events.
 *
 * BAR0 (64-bit memory, cxfw_bar0_size() bytes, big-endian 32-bit
 * registers):
 *   pages 0-2    initialization segment (CXFW_ISEG_SIZE bytes of it are
 *                registers; the rest reads 0).  A write to the command
 *                doorbell only records the slots; the bottom half executes
 *                them.
 *   page 3       the firmware statistics window (a cxsim extension,
 *                CXFW_STATS_WINDOW): reads come from the firmware's
 *                table, writes are ignored as guest errors.  The stock
 *                driver never maps it.
 *   pages 4..    UAR pages (the firmware hands out 16 and up): writes go
 *                to the firmware (EQ doorbells) with the page's index in
 *                BAR0; reads return 0.
 * BAR2: MSI-X table and PBA.
 *
 * Everything the guest controls is untrusted: the firmware validates the
 * queue, mailboxes and vector numbers, and this file never asserts on a
 * guest value, bounds every access and keeps DMA inside the bus-master
 * address space.
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/runstate.h"
#include "trace.h"

#include "firmware/cxfw.h"

#define TYPE_CXSIM "cxsim"
OBJECT_DECLARE_SIMPLE_TYPE(CxsimState, CXSIM)

#ifndef PCI_VENDOR_ID_MELLANOX
#define PCI_VENDOR_ID_MELLANOX          0x15b3
#endif
#define CXSIM_DEFAULT_DEVICE_ID         0x101d  /* ConnectX-6 Dx */

#define CXSIM_BAR0                      0
#define CXSIM_MSIX_BAR                  2
#define CXSIM_PCIE_CAP_OFFSET           0xa0
#define CXSIM_MSIX_VECTORS_DEFAULT      8
#define CXSIM_MSIX_VECTORS_MAX          64

/* The init segment's pages in BAR0; UAR pages follow. */
#define CXSIM_ISEG_PAGES                3
#define CXSIM_ISEG_SPAN                 (CXSIM_ISEG_PAGES * CXFW_UAR_PAGE_SIZE)
QEMU_BUILD_BUG_ON(CXFW_ISEG_SIZE > CXSIM_ISEG_SPAN);
QEMU_BUILD_BUG_ON(CXFW_ISEG_CMD_DBELL >= CXFW_ISEG_SIZE);
QEMU_BUILD_BUG_ON(CXFW_STATS_WINDOW < CXSIM_ISEG_SPAN);
#define CXSIM_STATS_END (CXFW_STATS_WINDOW + CXFW_STATS_WINDOW_SIZE)

#define CXSIM_HEALTH_PERIOD_NS          NANOSECONDS_PER_SECOND

struct CxsimState {
    PCIDevice parent_obj;

    MemoryRegion bar0;
    Cxfw *fw;

    /* Command slots rung by the guest and not yet handed to the firmware. */
    uint32_t doorbell_pending;
    QEMUBH *doorbell_bh;
    VMChangeStateEntry *vm_state;

    QEMUTimer *health_timer;
    int64_t health_deadline;

    /* The firmware's state in a migration stream (cxfw_state_save()). */
    uint8_t *fw_state;
    uint32_t fw_state_len;

    /* Properties */
    uint16_t device_id;
    uint16_t msix_vectors;
    char *fw_version;
    char *profile;
};

static void cxsim_guest_error(CxsimState *s, const char *what, uint64_t arg)
{
    PCIDevice *pdev = &s->parent_obj;

    trace_cxsim_guest_error(what, arg);
    qemu_log_mask(LOG_GUEST_ERROR, "%s %02x.%x: %s (0x%" PRIx64 ")\n",
                  TYPE_CXSIM, PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn),
                  what, arg);
}

/* Host operations the firmware calls. */

static bool cxsim_dma_range_ok(uint64_t addr, size_t len)
{
    /* A PCIe transaction cannot wrap around the 64-bit address space. */
    return addr + len - 1 >= addr;
}

static bool cxsim_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    CxsimState *s = opaque;
    MemTxResult res;

    if (len == 0) {
        return true;
    }
    if (!cxsim_dma_range_ok(addr, len)) {
        trace_cxsim_err_dma("read", addr, len, MEMTX_DECODE_ERROR);
        return false;
    }
    res = pci_dma_read(&s->parent_obj, addr, buf, len);
    if (res != MEMTX_OK) {
        trace_cxsim_err_dma("read", addr, len, res);
        return false;
    }
    return true;
}

static bool cxsim_dma_write(void *opaque, uint64_t addr, const void *buf,
                            size_t len)
{
    CxsimState *s = opaque;
    MemTxResult res;

    if (len == 0) {
        return true;
    }
    if (!cxsim_dma_range_ok(addr, len)) {
        trace_cxsim_err_dma("write", addr, len, MEMTX_DECODE_ERROR);
        return false;
    }
    res = pci_dma_write(&s->parent_obj, addr, buf, len);
    if (res != MEMTX_OK) {
        trace_cxsim_err_dma("write", addr, len, res);
        return false;
    }
    return true;
}

static void cxsim_notify(void *opaque, unsigned vector)
{
    CxsimState *s = opaque;
    PCIDevice *pdev = &s->parent_obj;

    /*
     * The firmware checks vectors when an EQ is created; check again
     * because msix_notify() asserts on an out-of-range vector.
     */
    if (vector >= s->msix_vectors) {
        trace_cxsim_err_msix_vector(vector, s->msix_vectors);
        cxsim_guest_error(s, "MSI-X vector out of range", vector);
        return;
    }
    if (!msix_enabled(pdev)) {
        trace_cxsim_err_msix_disabled(vector);
        return;
    }
    trace_cxsim_msix_notify(vector);
    msix_notify(pdev, vector);
}

static uint64_t cxsim_clock_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void cxsim_fw_guest_error(void *opaque, const char *what, uint64_t arg)
{
    cxsim_guest_error(opaque, what ? what : "firmware guest error", arg);
}

static void cxsim_command_done(void *opaque, unsigned slot, uint16_t opcode,
                               uint16_t op_mod, uint16_t uid, uint8_t status,
                               uint32_t syndrome)
{
    if (trace_event_get_state_backends(TRACE_CXSIM_CMD)) {
        const char *name = cxfw_opcode_name(opcode);
        const char *status_name = cxfw_status_name(status);
        const char *syndrome_name = syndrome ? cxfw_syndrome_name(syndrome)
                                             : "none";

        trace_cxsim_cmd(slot, opcode, name ? name : "unknown", op_mod, uid,
                        status, status_name ? status_name : "unknown",
                        syndrome, syndrome_name ? syndrome_name : "unknown");
    }
}

static const CxfwHostOps cxsim_host_ops = {
    .dma_read = cxsim_dma_read,
    .dma_write = cxsim_dma_write,
    .notify = cxsim_notify,
    .clock_ns = cxsim_clock_ns,
    .guest_error = cxsim_fw_guest_error,
    .command_done = cxsim_command_done,
};

/* Command doorbell: record in the MMIO handler, execute in a bottom half. */

static void cxsim_doorbell_bh(void *opaque)
{
    CxsimState *s = opaque;
    uint32_t slots = s->doorbell_pending;

    /*
     * A stopped VM's device runs no command: its DMA would change guest
     * RAM that a migration may already have sent.  The slots wait for the
     * VM to run again, here or on the migration's destination
     * (cxsim_vm_state_change).
     */
    if (!runstate_is_running()) {
        return;
    }
    s->doorbell_pending = 0;
    if (!slots) {
        return;
    }
    trace_cxsim_doorbell_run(slots);
    cxfw_cmd_doorbell(s->fw, slots);
}

static void cxsim_vm_state_change(void *opaque, bool running,
                                  RunState state)
{
    CxsimState *s = opaque;

    if (running && s->doorbell_pending) {
        qemu_bh_schedule(s->doorbell_bh);
    }
}

static void cxsim_doorbell(CxsimState *s, uint32_t slots)
{
    trace_cxsim_doorbell(slots, s->doorbell_pending);
    if (!slots) {
        return;
    }
    s->doorbell_pending |= slots;
    qemu_bh_schedule(s->doorbell_bh);
}

/* BAR0 */

static uint64_t cxsim_bar0_read(void *opaque, hwaddr addr, unsigned size)
{
    CxsimState *s = opaque;
    uint32_t val;

    if (addr < CXFW_ISEG_SIZE && QEMU_IS_ALIGNED(addr, 4)) {
        val = cxfw_iseg_read(s->fw, addr);
        trace_cxsim_iseg_read(addr, val);
        return val;
    }
    if (addr >= CXFW_STATS_WINDOW && addr < CXSIM_STATS_END &&
        QEMU_IS_ALIGNED(addr, 4)) {
        val = cxfw_stats_window_read(s->fw, addr - CXFW_STATS_WINDOW);
        trace_cxsim_stats_read(addr - CXFW_STATS_WINDOW, val);
        return val;
    }
    /* The init segment's padding and the (write-only) UAR pages. */
    trace_cxsim_ub_mmio_read(addr, size);
    return 0;
}

static void cxsim_bar0_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    CxsimState *s = opaque;
    uint32_t value = val;
    uint32_t page, offset;

    if (!QEMU_IS_ALIGNED(addr, 4)) {
        /* .valid rejects these; never hand the firmware a split register */
        trace_cxsim_ub_mmio_write(addr, val, size);
        return;
    }
    if (addr == CXFW_ISEG_CMD_DBELL) {
        cxsim_doorbell(s, value);
    } else if (addr < CXFW_ISEG_SIZE) {
        trace_cxsim_iseg_write(addr, value);
        if (addr == CXFW_ISEG_CMDQ_ADDR_L) {
            /* a new queue: doorbells rung for the old one are void */
            s->doorbell_pending = 0;
        }
        cxfw_iseg_write(s->fw, addr, value);
    } else if (addr < CXSIM_ISEG_SPAN) {
        trace_cxsim_ub_mmio_write(addr, val, size);
    } else if (addr >= CXFW_STATS_WINDOW && addr < CXSIM_STATS_END) {
        trace_cxsim_err_stats_write(addr - CXFW_STATS_WINDOW, value);
        cxfw_stats_window_write(s->fw, addr - CXFW_STATS_WINDOW, value);
    } else {
        page = addr / CXFW_UAR_PAGE_SIZE;
        offset = addr % CXFW_UAR_PAGE_SIZE;
        trace_cxsim_uar_write(page, offset, value);
        cxfw_uar_write(s->fw, page, offset, value);
    }
}

static const MemoryRegionOps cxsim_bar0_ops = {
    .read = cxsim_bar0_read,
    .write = cxsim_bar0_write,
    .endianness = DEVICE_BIG_ENDIAN,
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* Health counter: one firmware tick per second of virtual time. */

static void cxsim_health_timer(void *opaque)
{
    CxsimState *s = opaque;
    MemReentrancyGuard *guard = &DEVICE(s)->mem_reentrancy_guard;
    bool engaged = guard->engaged_in_io;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    trace_cxsim_health_tick();
    /*
     * Run the firmware under the device's re-entrancy guard, as the
     * doorbell bottom half does, in case a tick ever raises an event: DMA
     * or an MSI-X message aimed at our own BAR must be blocked.
     */
    guard->engaged_in_io = true;
    cxfw_health_tick(s->fw);
    guard->engaged_in_io = engaged;

    /* Keep the period free of drift; skip ticks the clock jumped over. */
    s->health_deadline += CXSIM_HEALTH_PERIOD_NS;
    if (s->health_deadline <= now) {
        s->health_deadline = now + CXSIM_HEALTH_PERIOD_NS;
    }
    timer_mod(s->health_timer, s->health_deadline);
}

/* PCI config space, reset */

static void cxsim_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val,
                               int len)
{
    pci_default_write_config(pdev, addr, val, len);
    /* Initiate Function Level Reset -> pci_device_reset() -> reset hold */
    pcie_cap_flr_write_config(pdev, addr, val, len);
}

static void cxsim_reset_hold(Object *obj, ResetType type)
{
    CxsimState *s = CXSIM(obj);

    trace_cxsim_reset(type);
    /* Commands rung before the reset are never executed. */
    s->doorbell_pending = 0;
    if (s->doorbell_bh) {
        qemu_bh_cancel(s->doorbell_bh);
    }
    if (s->fw) {
        cxfw_reset(s->fw);
    }
}

/* Realize, exit */

static void cxsim_realize(PCIDevice *pdev, Error **errp)
{
    CxsimState *s = CXSIM(pdev);
    CxfwConfig cfg = {
        .profile = s->profile,
        .fw_version = s->fw_version,
        .msix_vectors = s->msix_vectors,
    };
    char *errmsg = NULL;
    uint64_t bar0_size;
    unsigned i;

    if (s->msix_vectors < 1 || s->msix_vectors > CXSIM_MSIX_VECTORS_MAX) {
        error_setg(errp, "msix-vectors must be between 1 and %d, not %u",
                   CXSIM_MSIX_VECTORS_MAX, s->msix_vectors);
        return;
    }

    s->fw = cxfw_new(&cfg, &cxsim_host_ops, s, &errmsg);
    if (!s->fw) {
        error_setg(errp, "%s", errmsg ? errmsg : "cannot create the firmware");
        g_free(errmsg);
        return;
    }

    bar0_size = cxfw_bar0_size(s->fw);
    if (bar0_size <= CXSIM_STATS_END || !is_power_of_2(bar0_size)) {
        error_setg(errp, "firmware BAR0 size 0x%" PRIx64 " is not a power "
                   "of two above the init segment and statistics window",
                   bar0_size);
        goto fail_fw;
    }

    pci_config_set_device_id(pdev->config, s->device_id);
    pdev->config_write = cxsim_write_config;

    memory_region_init_io(&s->bar0, OBJECT(s), &cxsim_bar0_ops, s,
                          "cxsim-bar0", bar0_size);
    pci_register_bar(pdev, CXSIM_BAR0,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->bar0);

    if (pcie_endpoint_cap_init(pdev, CXSIM_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "cannot add the PCI Express capability");
        goto fail_fw;
    }
    if (msix_init_exclusive_bar(pdev, s->msix_vectors, CXSIM_MSIX_BAR,
                                errp)) {
        goto fail_pcie;
    }
    for (i = 0; i < s->msix_vectors; i++) {
        msix_vector_use(pdev, i);
    }
    pcie_cap_flr_init(pdev);

    s->doorbell_pending = 0;
    s->doorbell_bh = qemu_bh_new_guarded(cxsim_doorbell_bh, s,
                                         &DEVICE(pdev)->mem_reentrancy_guard);
    s->vm_state = qdev_add_vm_change_state_handler(DEVICE(pdev),
                                                   cxsim_vm_state_change, s);
    s->health_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, cxsim_health_timer, s);
    s->health_deadline = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                         CXSIM_HEALTH_PERIOD_NS;
    timer_mod(s->health_timer, s->health_deadline);

    trace_cxsim_realize(s->device_id, s->msix_vectors, bar0_size);
    return;

fail_pcie:
    pcie_cap_exit(pdev);
fail_fw:
    cxfw_free(s->fw);
    s->fw = NULL;
}

static void cxsim_exit(PCIDevice *pdev)
{
    CxsimState *s = CXSIM(pdev);

    qemu_del_vm_change_state_handler(s->vm_state);
    s->vm_state = NULL;
    qemu_bh_delete(s->doorbell_bh);
    s->doorbell_bh = NULL;
    s->doorbell_pending = 0;
    timer_free(s->health_timer);
    s->health_timer = NULL;

    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
    pcie_cap_exit(pdev);

    cxfw_free(s->fw);
    s->fw = NULL;
    g_clear_pointer(&s->fw_state, g_free);
}

/*
 * Migration.  The device's real state (HCA state, command queue address,
 * pages, event queues, UARs, user contexts and their objects, dumps in
 * progress, diagnostic sampling) lives in the cxfw library, which
 * serializes it into one versioned buffer (docs/migration.md).  The queue
 * and its mailboxes are guest RAM, which migrates before device state.
 * Commands execute to completion in the bottom half, so none is ever half
 * done, and the bottom half runs no command while the VM is stopped; slots
 * rung but not yet run travel as doorbell_pending and run on the
 * destination once its VM runs.  The health timer is re-armed from the
 * migrated deadline.
 *
 * The stream is untrusted: cxfw_state_load() validates all of it and
 * changes nothing when it refuses, and the load then fails with its
 * message rather than resume a guest against an inconsistent device.
 */
/*
 * A bound on the firmware state a stream may announce, checked before the
 * buffer is allocated: the largest state a firmware can hold is a few
 * hundred MiB (every user context with a device dump in progress, each
 * holding a 2 MiB image), far below this.
 */
#define CXSIM_FW_STATE_MAX      (1u << 30)

static int cxsim_pre_save(void *opaque)
{
    CxsimState *s = opaque;
    size_t len;

    g_free(s->fw_state);
    s->fw_state = cxfw_state_save(s->fw, &len);
    if (len > CXSIM_FW_STATE_MAX) {
        error_report("%s: firmware state of %zu bytes is too large",
                     TYPE_CXSIM, len);
        g_clear_pointer(&s->fw_state, g_free);
        return -EFBIG;
    }
    s->fw_state_len = len;
    return 0;
}

static int cxsim_post_save(void *opaque)
{
    CxsimState *s = opaque;

    g_clear_pointer(&s->fw_state, g_free);
    s->fw_state_len = 0;
    return 0;
}

static int cxsim_pre_load(void *opaque)
{
    CxsimState *s = opaque;

    /* a load that failed before post_load may have left a buffer */
    g_clear_pointer(&s->fw_state, g_free);
    s->fw_state_len = 0;
    return 0;
}

/*
 * The next health tick: the stream's deadline if it is within one period
 * of now, else one period from now.  A stream may carry any deadline, and
 * the virtual clock need not continue from the source's (qtest's does
 * not); a counter that never ticks again would make mlx5_core's health
 * poll declare the device dead.
 */
static void cxsim_health_rearm(CxsimState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (s->health_deadline <= now ||
        s->health_deadline - now > CXSIM_HEALTH_PERIOD_NS) {
        s->health_deadline = now + CXSIM_HEALTH_PERIOD_NS;
    }
    timer_mod(s->health_timer, s->health_deadline);
}

static int cxsim_post_load(void *opaque, int version_id)
{
    CxsimState *s = opaque;
    char *errmsg = NULL;
    bool ok;

    ok = cxfw_state_load(s->fw, s->fw_state, s->fw_state_len, &errmsg);
    g_clear_pointer(&s->fw_state, g_free);
    s->fw_state_len = 0;
    cxsim_health_rearm(s);
    if (!ok) {
        error_report("%s: %s", TYPE_CXSIM, errmsg);
        g_free(errmsg);
        /* nothing of the refused stream stays: the firmware kept its own */
        s->doorbell_pending = 0;
        return -EINVAL;
    }
    /* pending slots run once the VM runs (cxsim_vm_state_change) */
    trace_cxsim_migrated(s->doorbell_pending);
    return 0;
}

static bool cxsim_fw_state_len_valid(void *opaque, int version_id)
{
    CxsimState *s = opaque;

    if (s->fw_state_len > CXSIM_FW_STATE_MAX) {
        error_report("%s: the stream announces %u bytes of firmware state, "
                     "more than a firmware can hold", TYPE_CXSIM,
                     s->fw_state_len);
        return false;
    }
    return true;
}

static const VMStateDescription cxsim_vmstate = {
    .name = TYPE_CXSIM,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = cxsim_pre_save,
    .post_save = cxsim_post_save,
    .pre_load = cxsim_pre_load,
    .post_load = cxsim_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, CxsimState),
        VMSTATE_MSIX(parent_obj, CxsimState),
        VMSTATE_UINT32(doorbell_pending, CxsimState),
        VMSTATE_INT64(health_deadline, CxsimState),
        VMSTATE_UINT32(fw_state_len, CxsimState),
        VMSTATE_VALIDATE("fw_state_len", cxsim_fw_state_len_valid),
        VMSTATE_VBUFFER_ALLOC_UINT32(fw_state, CxsimState, 0, NULL,
                                     fw_state_len),
        VMSTATE_END_OF_LIST()
    },
};

static const Property cxsim_properties[] = {
    DEFINE_PROP_UINT16("device-id", CxsimState, device_id,
                       CXSIM_DEFAULT_DEVICE_ID),
    DEFINE_PROP_STRING("fw-version", CxsimState, fw_version),
    DEFINE_PROP_STRING("profile", CxsimState, profile),
    DEFINE_PROP_UINT16("msix-vectors", CxsimState, msix_vectors,
                       CXSIM_MSIX_VECTORS_DEFAULT),
};

static void cxsim_append_unsupported(uint16_t opcode, uint64_t count,
                                     void *opaque)
{
    g_string_append_printf(opaque, "%s0x%x:%" PRIu64,
                           ((GString *)opaque)->len ? "," : "", opcode, count);
}

/*
 * "firmware-stats" (read-only, qom-get): the firmware's counters and live
 * objects, for test runners (no leaks after a driver unload) and gap
 * reports (opcodes the guest sent that the firmware does not implement).
 */
static char *cxsim_get_firmware_stats(Object *obj, Error **errp)
{
    CxsimState *s = CXSIM(obj);
    g_autoptr(GString) unsupported = g_string_new(NULL);
    CxfwStats st;

    if (!s->fw) {
        error_setg(errp, "device not realized");
        return NULL;
    }
    cxfw_get_stats(s->fw, &st);
    cxfw_foreach_unsupported(s->fw, cxsim_append_unsupported, unsupported);
    return g_strdup_printf("hca_state=%u commands=%" PRIu64
                           " command_errors=%" PRIu64
                           " delivery_errors=%" PRIu64
                           " events=%" PRIu64 " events_dropped=%" PRIu64
                           " interrupts=%" PRIu64 " guest_errors=%" PRIu64
                           " live_uctxs=%u live_eqs=%u live_uars=%u"
                           " live_umems=%u live_pds=%u live_mkeys=%u"
                           " umem_bytes=%" PRIu64 " dma_bytes=%" PRIu64
                           " dma_errors=%" PRIu64
                           " pages_owned=%u"
                           " unsupported=%" PRIu64 " unsupported_opcodes=%s",
                           st.hca_state, st.commands, st.command_errors,
                           st.delivery_errors, st.events, st.events_dropped,
                           st.interrupts, st.guest_errors, st.live_uctxs,
                           st.live_eqs, st.live_uars,
                           st.live_umems, st.live_pds, st.live_mkeys,
                           st.umem_bytes, st.dma_bytes, st.dma_errors,
                           st.pages_owned, st.unsupported,
                           unsupported->len ? unsupported->str : "none");
}

static void cxsim_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = cxsim_realize;
    pc->exit = cxsim_exit;
    pc->vendor_id = PCI_VENDOR_ID_MELLANOX;
    pc->device_id = CXSIM_DEFAULT_DEVICE_ID;
    pc->revision = 0;
    pc->class_id = PCI_CLASS_NETWORK_ETHERNET;

    rc->phases.hold = cxsim_reset_hold;

    dc->desc = "cxsim: emulated ConnectX-like function (command interface)";
    dc->vmsd = &cxsim_vmstate;
    device_class_set_props(dc, cxsim_properties);
    object_class_property_add_str(klass, "firmware-stats",
                                  cxsim_get_firmware_stats, NULL);
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
}

static const TypeInfo cxsim_types[] = {
    {
        .name = TYPE_CXSIM,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(CxsimState),
        .class_init = cxsim_class_init,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { }
        },
    },
};

DEFINE_TYPES(cxsim_types)
