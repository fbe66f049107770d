/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUERY_HCA_CAP and SET_HCA_CAP.  The maximum capabilities come from the
 * profile; the current ones start equal and the driver may lower the
 * settable fields (table below) before INIT_HCA.  Other fields of a
 * SET_HCA_CAP input are ignored, as the driver sends its whole copy of the
 * current capabilities back.
 */
#include <string.h>

#include "cxfw-internal.h"

#define CAP_TYPE_GENERAL        0

typedef struct SettableCap {
    CxfwFieldId field;
} SettableCap;

/* Fields SET_HCA_CAP may change; each must stay <= the maximum. */
static const SettableCap settable_general[] = {
    { CXFW_FLD(cmd_hca_cap, log_max_qp) },
    { CXFW_FLD(cmd_hca_cap, pkey_table_size) },
    { CXFW_FLD(cmd_hca_cap, cmdif_checksum) },
    { CXFW_FLD(cmd_hca_cap, log_uar_page_sz) },
    { CXFW_FLD(cmd_hca_cap, uar_4k) },
    { CXFW_FLD(cmd_hca_cap, cache_line_128byte) },
    { CXFW_FLD(cmd_hca_cap, dct) },
    { CXFW_FLD(cmd_hca_cap, release_all_pages) },
    { CXFW_FLD(cmd_hca_cap, mkey_by_name) },
    { CXFW_FLD(cmd_hca_cap, num_vhca_ports) },
};

uint8_t cxfw_cmd_query_hca_cap(Cxfw *fw, CxfwCmd *cmd)
{
    unsigned type = cmd->op_mod >> 1;
    bool current = cmd->op_mod & 1;
    uint8_t *cap = cmd->out +
        cxfw_field_byte(CXFW_FLD(query_hca_cap_out, capability));

    if (cxfw_get(cmd->in, CXFW_FLD(query_hca_cap_in, other_function)) ||
        cxfw_get(cmd->in, CXFW_FLD(query_hca_cap_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    if (type != CAP_TYPE_GENERAL) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    }
    if (current) {
        memcpy(cap, fw->cap_general_cur, CXFW_CAP_SIZE);
    } else {
        cxfw_profile_cap_general(fw->profile, cap);
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_set_hca_cap(Cxfw *fw, CxfwCmd *cmd)
{
    const uint8_t *in_cap = cmd->in +
        cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability));
    uint8_t max[CXFW_CAP_SIZE];

    if (cxfw_get(cmd->in, CXFW_FLD(set_hca_cap_in, other_function)) ||
        cxfw_get(cmd->in, CXFW_FLD(set_hca_cap_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    if (cmd->op_mod >> 1 != CAP_TYPE_GENERAL) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    }
    cxfw_profile_cap_general(fw->profile, max);
    /* validate everything before changing anything */
    for (unsigned i = 0; i < G_N_ELEMENTS(settable_general); i++) {
        CxfwFieldId f = settable_general[i].field;

        if (cxfw_get(in_cap, f) > cxfw_get(max, f)) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_CAP_EXCEEDS_MAX);
        }
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(settable_general); i++) {
        CxfwFieldId f = settable_general[i].field;

        cxfw_set(fw->cap_general_cur, f, cxfw_get(in_cap, f));
    }
    return CXFW_STATUS_OK;
}

uint32_t cxfw_cap_limit(Cxfw *fw, CxfwFieldId log_cap, uint32_t max)
{
    uint64_t log = cxfw_get(fw->cap_general_cur, log_cap);

    return log >= 32 ? max : MIN(1ull << log, max);
}
