/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUERY_HCA_CAP and SET_HCA_CAP, for the capability types in the table
 * below.  The maximum capabilities come from the profile; the current ones
 * start equal and the driver may lower the settable fields before
 * INIT_HCA.  Other fields of a SET_HCA_CAP input are ignored, as the
 * driver sends its whole copy of the current capabilities back.  A type
 * with no settable field (debug) has current == maximum and refuses
 * SET_HCA_CAP.
 */
#include <string.h>

#include "cxfw-internal.h"

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

static uint8_t *general_current(Cxfw *fw)
{
    return fw->cap_general_cur;
}

typedef struct CapType {
    unsigned type;              /* CxfwCapType: op_mod >> 1 */
    /* the general capability bit that offers the type; 0: always */
    CxfwFieldId offered_by;
    /* the maximum of a profile */
    void (*maximum)(const CxfwProfile *p, uint8_t *cap);
    /* the current capability, which SET_HCA_CAP changes; NULL: maximum */
    uint8_t *(*current)(Cxfw *fw);
    const SettableCap *settable;
    unsigned num_settable;
} CapType;

static const CapType cap_types[] = {
    { CXFW_CAP_TYPE_GENERAL, 0, cxfw_profile_cap_general, general_current,
      settable_general, G_N_ELEMENTS(settable_general) },
    { CXFW_CAP_TYPE_DEBUG, CXFW_FLD(cmd_hca_cap, debug),
      cxfw_profile_cap_debug, NULL, NULL, 0 },
};

/* The capability type of an op_mod, if the profile offers it. */
static const CapType *cap_type(Cxfw *fw, uint16_t op_mod)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(cap_types); i++) {
        const CapType *t = &cap_types[i];

        if (t->type == op_mod >> 1u) {
            return !t->offered_by ||
                   cxfw_get(fw->cap_general_cur, t->offered_by) ? t : NULL;
        }
    }
    return NULL;
}

uint8_t cxfw_cmd_query_hca_cap(Cxfw *fw, CxfwCmd *cmd)
{
    const CapType *t = cap_type(fw, cmd->op_mod);
    bool current = cmd->op_mod & 1;
    uint8_t *cap = cmd->out +
        cxfw_field_byte(CXFW_FLD(query_hca_cap_out, capability));

    if (cxfw_get(cmd->in, CXFW_FLD(query_hca_cap_in, other_function)) ||
        cxfw_get(cmd->in, CXFW_FLD(query_hca_cap_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    if (!t) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    }
    if (current && t->current) {
        memcpy(cap, t->current(fw), CXFW_CAP_SIZE);
    } else {
        t->maximum(fw->profile, cap);
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_set_hca_cap(Cxfw *fw, CxfwCmd *cmd)
{
    const CapType *t = cap_type(fw, cmd->op_mod);
    const uint8_t *in_cap = cmd->in +
        cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability));
    uint8_t max[CXFW_CAP_SIZE];

    if (cxfw_get(cmd->in, CXFW_FLD(set_hca_cap_in, other_function)) ||
        cxfw_get(cmd->in, CXFW_FLD(set_hca_cap_in, function_id))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    if (!t) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CAP_TYPE_UNSUPPORTED);
    }
    if (!t->num_settable) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CAP_NOT_SETTABLE);
    }
    t->maximum(fw->profile, max);
    /* validate everything before changing anything */
    for (unsigned i = 0; i < t->num_settable; i++) {
        CxfwFieldId f = t->settable[i].field;

        if (cxfw_get(in_cap, f) > cxfw_get(max, f)) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_CAP_EXCEEDS_MAX);
        }
    }
    for (unsigned i = 0; i < t->num_settable; i++) {
        CxfwFieldId f = t->settable[i].field;

        cxfw_set(t->current(fw), f, cxfw_get(in_cap, f));
    }
    return CXFW_STATUS_OK;
}

uint32_t cxfw_cap_limit(Cxfw *fw, CxfwFieldId log_cap, uint32_t max)
{
    uint64_t log = cxfw_get(fw->cap_general_cur, log_cap);

    return log >= 32 ? max : MIN(1ull << log, max);
}

bool cxfw_caps_general_reachable(Cxfw *fw, const uint8_t *cap, char **why)
{
    uint8_t reachable[CXFW_CAP_SIZE];

    cxfw_profile_cap_general(fw->profile, reachable);
    for (unsigned i = 0; i < G_N_ELEMENTS(settable_general); i++) {
        CxfwFieldId f = settable_general[i].field;

        if (cxfw_get(cap, f) > cxfw_get(reachable, f)) {
            *why = g_strdup_printf("settable capability %u (of %u) above "
                                   "the maximum", i,
                                   (unsigned)G_N_ELEMENTS(settable_general));
            return false;
        }
        cxfw_set(reachable, f, cxfw_get(cap, f));
    }
    if (memcmp(reachable, cap, CXFW_CAP_SIZE)) {
        *why = g_strdup("general capabilities differ from the profile's "
                        "outside the settable fields");
        return false;
    }
    return true;
}
