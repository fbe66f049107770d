/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACCESS_REG: a table of registers, each with its size and its read and
 * write behaviour.  op_mod 0 writes, 1 reads (as the PRM and mlx5_core's
 * mlx5_core_access_reg define it).  The register data follows the 16-byte
 * header in both directions.
 */
#include <string.h>

#include "cxfw-internal.h"
#include "cxfw-policy.h"

/*
 * Who may access a register besides the function's driver (uid 0, which
 * may access every register): a user context with TOOLS_RESOURCES may read
 * the registers marked tools_read, as the upstream mlx5 fwctl allow-list
 * expects of firmware.  No register is writable by a user context.
 */
typedef struct CxfwRegister {
    uint16_t id;
    const char *name;
    uint32_t size;              /* bytes of register data */
    bool tools_read;
    /* fill data (size bytes, zeroed) for a read */
    uint8_t (*read)(Cxfw *fw, CxfwCmd *cmd, uint8_t *data);
    /* apply data (size bytes) for a write */
    uint8_t (*write)(Cxfw *fw, CxfwCmd *cmd, const uint8_t *data);
} CxfwRegister;

static uint8_t host_endianness_read(Cxfw *fw, CxfwCmd *cmd, uint8_t *data)
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

static const CxfwRegister registers[] = {
    { CXFW_REG_HOST_ENDIANNESS, "HOST_ENDIANNESS", 16, true,
      host_endianness_read, host_endianness_write },
};

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

    if (!reg) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_REG_UNKNOWN);
    }
    if (!register_allowed(fw, reg, cmd)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_REG_ACCESS_DENIED);
    }
    if (cmd->op_mod == CXFW_REG_OP_WRITE) {
        if (cmd->inlen < data_off + reg->size) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                             CXFW_SYND_REG_LEN);
        }
        /* a write returns the register as written, like a read would */
        if (cmd->outlen >= data_off + reg->size) {
            memcpy(cmd->out + data_off, cmd->in + data_off, reg->size);
        }
        return reg->write(fw, cmd, cmd->in + data_off);
    }
    if (cmd->outlen < data_off + reg->size) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_OUTP_LEN, CXFW_SYND_REG_OUT_LEN);
    }
    return reg->read(fw, cmd, cmd->out + data_off);
}
