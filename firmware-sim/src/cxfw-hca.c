/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HCA life cycle: ENABLE/DISABLE_HCA, INIT/TEARDOWN_HCA, ISSI, NOP and
 * QUERY_ADAPTER.  The state checks themselves are in the opcode table.
 */
#include <string.h>

#include "cxfw-internal.h"

/* This device is one PF: function 0, no embedded CPU function. */
static bool function_is_self(const uint8_t *in, CxfwFieldId ecpf,
                             CxfwFieldId function_id)
{
    return !cxfw_get(in, ecpf) && !cxfw_get(in, function_id);
}

uint8_t cxfw_cmd_nop(Cxfw *fw, CxfwCmd *cmd)
{
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_enable_hca(Cxfw *fw, CxfwCmd *cmd)
{
    if (!function_is_self(cmd->in,
                          CXFW_FLD(enable_hca_in, embedded_cpu_function),
                          CXFW_FLD(enable_hca_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    if (fw->hca_state == CXFW_HCA_DISABLED) {
        fw->hca_state = CXFW_HCA_ENABLED;
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_disable_hca(Cxfw *fw, CxfwCmd *cmd)
{
    /* disable_hca_in has enable_hca_in's layout */
    if (!function_is_self(cmd->in,
                          CXFW_FLD(enable_hca_in, embedded_cpu_function),
                          CXFW_FLD(enable_hca_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    cxfw_hca_reset(fw);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_init_hca(Cxfw *fw, CxfwCmd *cmd)
{
    if (cxfw_pages_needed(fw, CXFW_PAGES_INIT) > 0) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_PAGES_MISSING);
    }
    fw->hca_state = CXFW_HCA_INITIALIZED;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_teardown_hca(Cxfw *fw, CxfwCmd *cmd)
{
    /* profile 0 graceful; force (1) and fast (2) need caps we don't offer */
    if (cxfw_get(cmd->in, CXFW_FLD(teardown_hca_in, profile)) != 0) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_TEARDOWN_PROFILE);
    }
    cxfw_objects_free_all(fw);
    fw->hca_state = CXFW_HCA_ENABLED;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_issi(Cxfw *fw, CxfwCmd *cmd)
{
    cxfw_set(cmd->out, CXFW_FLD(query_issi_out, current_issi), fw->issi);
    cxfw_set(cmd->out, CXFW_FLD(query_issi_out, supported_issi_dw0),
             fw->profile->supported_issi);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_set_issi(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t issi = cxfw_get(cmd->in, CXFW_FLD(set_issi_in, current_issi));

    if (issi >= 32 || !(fw->profile->supported_issi & (1u << issi))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_ISSI_UNSUPPORTED);
    }
    fw->issi = issi;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_adapter(Cxfw *fw, CxfwCmd *cmd)
{
    static const char vsd[] = "cxsim emulated ConnectX function";
    size_t psid_len = MIN(strlen(fw->profile->psid), 16);

    cxfw_set(cmd->out, CXFW_FLD(query_adapter_out, ieee_vendor_id),
             0x0002c9);
    cxfw_set(cmd->out, CXFW_FLD(query_adapter_out, vsd_vendor_id), 0x15b3);
    memcpy(cmd->out + cxfw_field_byte(CXFW_FLD(query_adapter_out, vsd)),
           vsd, sizeof(vsd));
    memcpy(cmd->out +
           cxfw_field_byte(CXFW_FLD(query_adapter_out, vsd_contd_psid)),
           fw->profile->psid, psid_len);
    return CXFW_STATUS_OK;
}
