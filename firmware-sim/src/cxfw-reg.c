/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACCESS_REG: a table of registers, each with its size, its read and write
 * behaviour (cxfw-reg.h); who may access it is the policy file's register
 * rows (firmware-sim/policy/cxsim-policy.def).  op_mod 0 writes, 1 reads
 * (as the PRM and mlx5_core's mlx5_core_access_reg define it).  The
 * register data follows the 16-byte header in both directions; a read of
 * a register that takes parameters (the dumps) needs the whole register in
 * the input too.
 */
#include <string.h>

#include "cxfw-dump.h"
#include "cxfw-policy.h"
#include "cxfw-reg.h"

static uint8_t host_endianness_read(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                                    uint8_t *data)
{
    cxfw_set(data, CXFW_FLD(register_host_endianness, he),
             fw->host_endianness);
    return CXFW_STATUS_OK;
}

static uint8_t host_endianness_write(Cxfw *fw, CxfwCmd *cmd,
                                     const uint8_t *data)
{
    fw->host_endianness = cxfw_get(data,
                                   CXFW_FLD(register_host_endianness, he));
    return CXFW_STATUS_OK;
}

/* Who may read and write each: its row in the policy file. */
static const CxfwRegister registers[] = {
    { .id = CXFW_REG_CORE_DUMP, .name = "CORE_DUMP",
      .size = CXFW_SIZEOF(core_dump_reg),
      .read_input = true, .read = cxfw_core_dump_read,
      .summary = "core_dump_type 2: a 2 MiB image of the firmware's state "
                 "written through mkey/address/size in one transfer" },
    { .id = CXFW_REG_HOST_ENDIANNESS, .name = "HOST_ENDIANNESS",
      .size = 16,
      .read = host_endianness_read, .write = host_endianness_write,
      .summary = "the host's byte order (he), as the driver wrote it" },
    { .id = CXFW_REG_RESOURCE_DUMP, .name = "RESOURCE_DUMP",
      .size = CXFW_SIZEOF(resource_dump),
      .read_input = true, .read = cxfw_rsc_dump_read,
      .summary = "the menu (0xffff) or a segment of firmware state, inline "
                 "or through mkey/address/size, continued with more_dump" },
};

const CxfwRegister *cxfw_registers(unsigned *count)
{
    *count = G_N_ELEMENTS(registers);
    return registers;
}

static const CxfwRegister *register_find(uint16_t id)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(registers); i++) {
        if (registers[i].id == id) {
            return &registers[i];
        }
    }
    return NULL;
}

/* Who may read and write it: the register rows of the policy file. */
static bool register_allowed(Cxfw *fw, const CxfwRegister *reg,
                             const CxfwCmd *cmd)
{
    const CxfwUctx *u = cxfw_uctx_find(fw, cmd->uid);

    return !cxfw_policy_register_verdict(cxfw_policy_register(reg->id),
                                         cmd->op_mod == CXFW_REG_OP_WRITE,
                                         cmd->uid == CXFW_UID_KERNEL,
                                         u ? u->cap : 0);
}

uint8_t cxfw_cmd_access_reg(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t data_off = cxfw_field_byte(CXFW_FLD(access_register_in,
                                                 register_data));
    const CxfwRegister *reg = register_find(
        cxfw_get(cmd->in, CXFW_FLD(access_register_in, register_id)));
    bool has_data;

    if (!reg) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_REG_UNKNOWN);
    }
    if (!register_allowed(fw, reg, cmd)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_REG_ACCESS_DENIED);
    }
    has_data = cmd->inlen >= data_off + reg->size;
    if (cmd->op_mod == CXFW_REG_OP_WRITE) {
        if (!reg->write) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_REG_READ_ONLY);
        }
        if (!has_data) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                             CXFW_SYND_REG_LEN);
        }
        /* a write returns the register as written, like a read would */
        if (cmd->outlen >= data_off + reg->size) {
            memcpy(cmd->out + data_off, cmd->in + data_off, reg->size);
        }
        return reg->write(fw, cmd, cmd->in + data_off);
    }
    if (reg->read_input && !has_data) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN, CXFW_SYND_REG_LEN);
    }
    if (cmd->outlen < data_off + reg->size) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_OUTP_LEN, CXFW_SYND_REG_OUT_LEN);
    }
    return reg->read(fw, cmd, reg->read_input ? cmd->in + data_off : NULL,
                     cmd->out + data_off);
}
