/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protection domains: ALLOC_PD and DEALLOC_PD.  A PD is a number owned by
 * the uid that allocated it (1..0xffffff, round-robin, at most
 * 1 << log_max_pd live); memory keys are created in one of their uid's
 * PDs, which cannot be freed while they exist.  Another uid's PD answers
 * as none.
 */
#include "cxfw-internal.h"

static void pd_release(Cxfw *fw, CxfwObject *obj)
{
    g_free(obj);
}

void cxfw_pd_free_all(Cxfw *fw, int owner)
{
    cxfw_objects_drain(fw, fw->pds, pd_release, owner);
}

uint8_t cxfw_cmd_alloc_pd(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t pdn = cxfw_object_number(fw, fw->pds, &fw->last_pdn,
                                      CXFW_FLD(cmd_hca_cap, log_max_pd),
                                      CXFW_OBJ_ID_MAX);
    CxfwPd *pd;

    if (!pdn) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_PD_EXHAUSTED);
    }
    pd = g_new0(CxfwPd, 1);
    cxfw_object_add(fw, fw->pds, &pd->obj, pdn, cmd->uid);
    cxfw_set(cmd->out, CXFW_FLD(alloc_pd_out, pd), pdn);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_dealloc_pd(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwPd *pd = cxfw_object_find(fw->pds,
                                  cxfw_get(cmd->in,
                                           CXFW_FLD(dealloc_pd_in, pd)),
                                  cmd->uid);

    if (!pd) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_PD_UNKNOWN);
    }
    if (pd->mkeys) {
        return cxfw_fail(cmd, CXFW_STATUS_RES_BUSY, CXFW_SYND_PD_IN_USE);
    }
    cxfw_object_remove(fw, fw->pds, &pd->obj, pd_release);
    return CXFW_STATUS_OK;
}
