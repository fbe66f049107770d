/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UAR pages: ALLOC_UAR / DEALLOC_UAR.  A UAR index is a 4 KiB page of BAR0;
 * pages below CXFW_UAR_FIRST overlap the initialization segment and are
 * never handed out.  All UARs belong to uid 0 until user contexts exist.
 */
#include "cxfw-internal.h"

static gboolean *uar_slot(Cxfw *fw, uint32_t index)
{
    return &g_array_index(fw->uars, gboolean, index);
}

bool cxfw_uar_owned(Cxfw *fw, uint32_t index, uint16_t uid)
{
    return uid == 0 && index >= CXFW_UAR_FIRST && index < fw->uars->len &&
           *uar_slot(fw, index);
}

void cxfw_uar_free_all(Cxfw *fw)
{
    for (uint32_t i = 0; i < fw->uars->len; i++) {
        *uar_slot(fw, i) = FALSE;
    }
    fw->live_uars = 0;
}

uint8_t cxfw_cmd_alloc_uar(Cxfw *fw, CxfwCmd *cmd)
{
    for (uint32_t i = CXFW_UAR_FIRST; i < fw->uars->len; i++) {
        if (!*uar_slot(fw, i)) {
            *uar_slot(fw, i) = TRUE;
            fw->live_uars++;
            cxfw_set(cmd->out, CXFW_FLD(alloc_uar_out, uar), i);
            return CXFW_STATUS_OK;
        }
    }
    return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_UAR_EXHAUSTED);
}

uint8_t cxfw_cmd_dealloc_uar(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t index = cxfw_get(cmd->in, CXFW_FLD(dealloc_uar_in, uar));

    if (!cxfw_uar_owned(fw, index, cmd->uid)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UAR_UNKNOWN);
    }
    if (cxfw_uar_in_use(fw, index)) {
        return cxfw_fail(cmd, CXFW_STATUS_RES_BUSY, CXFW_SYND_UAR_IN_USE);
    }
    *uar_slot(fw, index) = FALSE;
    fw->live_uars--;
    return CXFW_STATUS_OK;
}
