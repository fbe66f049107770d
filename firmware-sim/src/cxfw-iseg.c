/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initialization segment: BAR0 registers the driver reads before any
 * command runs.  Reads build the dword from the layout fields, so the
 * offsets live only in cxfw-fields.def.
 */
#include "cxfw-internal.h"

#define ISEG_FLD(field) CXFW_FLD(initial_seg, field)
#define ISEG_DWORD(field) ((ISEG_FLD(field) >> 7) / 32 * 4)

/* the offsets cxfw.h publishes for the host are the layout's */
G_STATIC_ASSERT(ISEG_DWORD(cmdq_phy_addr_63_32) == CXFW_ISEG_CMDQ_ADDR_H);
G_STATIC_ASSERT(ISEG_DWORD(cmdq_phy_addr_31_12) == CXFW_ISEG_CMDQ_ADDR_L);
G_STATIC_ASSERT(ISEG_DWORD(command_doorbell_vector) == CXFW_ISEG_CMD_DBELL);

uint32_t cxfw_health_fw_version(const Cxfw *fw)
{
    return (uint32_t)fw->fw_major << 24 | (uint32_t)(fw->fw_minor & 0xff)
           << 16 | (fw->fw_subminor & 0xffff);
}

/* Fields whose dword the driver may read, with how to produce them. */
static uint64_t iseg_value(Cxfw *fw, CxfwFieldId f)
{
    uint64_t now;

    switch (f) {
    case ISEG_FLD(fw_rev_minor):
        return fw->fw_minor;
    case ISEG_FLD(fw_rev_major):
        return fw->fw_major;
    case ISEG_FLD(cmd_interface_rev):
        return 5;
    case ISEG_FLD(fw_rev_subminor):
        return fw->fw_subminor;
    case ISEG_FLD(cmdq_phy_addr_63_32):
        return fw->cmdq_addr >> 32;
    case ISEG_FLD(cmdq_phy_addr_31_12):
        return (fw->cmdq_addr >> 12) & 0xfffff;
    case ISEG_FLD(nic_interface_3bit):
        return fw->nic_interface;
    case ISEG_FLD(log_cmdq_size):
        return CXFW_CMD_LOG_SIZE;
    case ISEG_FLD(log_cmdq_stride):
        return CXFW_CMD_LOG_STRIDE;
    case ISEG_FLD(health_fw_version):
        return cxfw_health_fw_version(fw);
    case ISEG_FLD(health_hw_id):
        return CXFW_HW_ID;
    case ISEG_FLD(internal_timer_h):
    case ISEG_FLD(internal_timer_l):
        now = fw->ops.clock_ns ? fw->ops.clock_ns(fw->opaque) : 0;
        return f == ISEG_FLD(internal_timer_h) ? now >> 32 : (uint32_t)now;
    case ISEG_FLD(health_counter):
        return fw->health_counter;
    default:
        return 0;
    }
}

static const CxfwFieldId iseg_fields[] = {
    ISEG_FLD(fw_rev_minor), ISEG_FLD(fw_rev_major),
    ISEG_FLD(cmd_interface_rev), ISEG_FLD(fw_rev_subminor),
    ISEG_FLD(cmdq_phy_addr_63_32), ISEG_FLD(cmdq_phy_addr_31_12),
    ISEG_FLD(nic_interface_3bit), ISEG_FLD(log_cmdq_size),
    ISEG_FLD(log_cmdq_stride), ISEG_FLD(health_fw_version),
    ISEG_FLD(health_hw_id), ISEG_FLD(internal_timer_h),
    ISEG_FLD(internal_timer_l), ISEG_FLD(health_counter),
};

uint32_t cxfw_iseg_read(Cxfw *fw, uint32_t offset)
{
    uint8_t dword[8] = { 0 };   /* room for the 64-bit path of cxfw_set */
    bool known = false;

    if (offset & 3 || offset >= CXFW_ISEG_SIZE) {
        return 0;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(iseg_fields); i++) {
        CxfwFieldId f = iseg_fields[i];
        uint32_t bit = cxfw_field_bit(f);

        if (bit / 32 * 4 == offset) {
            /* rebase the field onto our one-dword buffer */
            CxfwFieldId local = (CxfwFieldId)CXFW_FIELD_ENCODE(
                bit % 32, cxfw_field_width(f));
            cxfw_set(dword, local, iseg_value(fw, f));
            known = true;
        }
    }
    return known ? cxfw_be32(dword) : 0;
}

static uint64_t iseg_dword_field(uint32_t value, CxfwFieldId f)
{
    uint8_t dword[8] = { 0 };

    cxfw_put_be32(dword, value);
    return cxfw_get(dword, (CxfwFieldId)CXFW_FIELD_ENCODE(
        cxfw_field_bit(f) % 32, cxfw_field_width(f)));
}

void cxfw_iseg_write(Cxfw *fw, uint32_t offset, uint32_t value)
{
    if (offset == cxfw_field_byte(ISEG_FLD(cmdq_phy_addr_63_32))) {
        fw->cmdq_addr = (uint64_t)value << 32 | (uint32_t)fw->cmdq_addr;
    } else if (offset == CXFW_ISEG_CMDQ_ADDR_L) {
        /*
         * The driver writes the low address last when it (re)starts; a new
         * driver instance starts from a clean firmware.  The same register
         * carries nic_interface: disabled/sw-reset stop the command
         * interface until it is written back to 0.
         */
        uint64_t low = iseg_dword_field(value, ISEG_FLD(cmdq_phy_addr_31_12));

        fw->cmdq_addr = (fw->cmdq_addr & ~0xffffffffull) | (low << 12);
        fw->nic_interface = iseg_dword_field(value,
                                             ISEG_FLD(nic_interface_3bit));
        cxfw_hca_reset(fw);
    } else if (offset == CXFW_ISEG_CMD_DBELL) {
        /* the host defers doorbells to cxfw_cmd_doorbell() */
    } else {
        cxfw_guest_error(fw, "write to read-only init segment offset", offset);
    }
}
