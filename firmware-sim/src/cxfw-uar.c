/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UAR pages: ALLOC_UAR / DEALLOC_UAR.  A UAR index is a 4 KiB page of BAR0;
 * pages below CXFW_UAR_FIRST overlap the initialization segment and are
 * never handed out.  A UAR belongs to the uid that allocated it; another
 * uid's UAR looks exactly like a free one.
 */
#include "cxfw-internal.h"

static CxfwUar *uar_slot(Cxfw *fw, uint32_t index)
{
    return &g_array_index(fw->uars, CxfwUar, index);
}

bool cxfw_uar_owned(Cxfw *fw, uint32_t index, uint16_t uid)
{
    CxfwUar *u;

    if (index < CXFW_UAR_FIRST || index >= fw->uars->len) {
        return false;
    }
    u = uar_slot(fw, index);
    return u->live && u->uid == uid;
}

static void uar_free(Cxfw *fw, uint32_t index)
{
    CxfwUar *u = uar_slot(fw, index);

    cxfw_uid_release(fw, u->uid);
    u->live = false;
    u->uid = 0;
    fw->live_uars--;
}

void cxfw_uar_free_all(Cxfw *fw, int owner)
{
    for (uint32_t i = 0; i < fw->uars->len; i++) {
        CxfwUar *u = uar_slot(fw, i);

        if (u->live && (owner == CXFW_ANY_OWNER || u->uid == owner)) {
            uar_free(fw, i);
        }
    }
}

uint8_t cxfw_cmd_alloc_uar(Cxfw *fw, CxfwCmd *cmd)
{
    for (uint32_t i = CXFW_UAR_FIRST; i < fw->uars->len; i++) {
        CxfwUar *u = uar_slot(fw, i);

        if (!u->live) {
            u->live = true;
            u->uid = cmd->uid;
            cxfw_uid_hold(fw, cmd->uid);
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
    uar_free(fw, index);
    return CXFW_STATUS_OK;
}
