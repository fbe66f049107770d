/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory keys: CREATE_MKEY, QUERY_MKEY and DESTROY_MKEY.
 *
 * Only memory keys backed by a umem are implemented (mkey_umem_valid, the
 * way mlx5ctl lets the device DMA a dump into user memory): access mode
 * MTT, the translation is the umem's, and virtual addresses
 * [start_addr, start_addr + len) map onto umem bytes
 * [mkey_umem_offset, mkey_umem_offset + len), which must lie inside the
 * umem (whose byte 0 is page_offset bytes into its first page).  The PD
 * and the umem must be the caller's own; the key holds both, so neither
 * can be freed while it exists.  The access rights (lr, lw, rr, rw, a) are
 * recorded; the DMA engine honours lw and lr.
 *
 * The key is mkey_index << 8 | mkc.mkey_7_0, as mlx5 drivers build it;
 * indexes are 1..0xffffff, round-robin, at most 1 << log_max_mkey live.
 * Other mkc fields (qpn, umr_en, translations, bsf...) are ignored.
 */
#include "cxfw-internal.h"

#define MKC(field) CXFW_FLD(mkc, field)

CxfwMkey *cxfw_mkey_find(Cxfw *fw, uint32_t mkey, uint16_t uid)
{
    CxfwMkey *m = cxfw_object_find(fw->mkeys, mkey >> 8, uid);

    return m && m->variant == (mkey & 0xff) ? m : NULL;
}

/* Free a key already out of the table, releasing its umem and PD. */
static void mkey_release(Cxfw *fw, CxfwObject *obj)
{
    CxfwMkey *m = (CxfwMkey *)obj;

    m->umem->mkeys--;
    m->pd->mkeys--;
    g_free(m);
}

void cxfw_mkey_destroy_all(Cxfw *fw, int owner)
{
    cxfw_objects_drain(fw, fw->mkeys, mkey_release, owner);
}

/* The key named by a command's mkey_index, if the caller's. */
static CxfwMkey *mkey_of(Cxfw *fw, CxfwCmd *cmd, CxfwFieldId index)
{
    return cxfw_object_find(fw->mkeys, cxfw_get(cmd->in, index), cmd->uid);
}

static uint8_t mkc_access(const uint8_t *mkc)
{
    return (cxfw_get(mkc, MKC(lr)) ? CXFW_MKEY_LR : 0) |
           (cxfw_get(mkc, MKC(lw)) ? CXFW_MKEY_LW : 0) |
           (cxfw_get(mkc, MKC(rr)) ? CXFW_MKEY_RR : 0) |
           (cxfw_get(mkc, MKC(rw)) ? CXFW_MKEY_RW : 0) |
           (cxfw_get(mkc, MKC(a)) ? CXFW_MKEY_A : 0);
}

uint8_t cxfw_cmd_create_mkey(Cxfw *fw, CxfwCmd *cmd)
{
    const uint8_t *in = cmd->in;
    const uint8_t *mkc = in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));
    uint32_t mode = cxfw_get(mkc, MKC(access_mode_4_2)) << 2 |
                    cxfw_get(mkc, MKC(access_mode_1_0));
    uint64_t start = cxfw_get(mkc, MKC(start_addr));
    uint64_t len = cxfw_get(mkc, MKC(len));
    uint64_t offset = cxfw_get(in, CXFW_FLD(create_mkey_in,
                                            mkey_umem_offset));
    CxfwPd *pd;
    CxfwUmem *umem;
    CxfwMkey *m;
    uint32_t index;

    if (!cxfw_get(in, CXFW_FLD(create_mkey_in, mkey_umem_valid))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_MKEY_UMEM_REQUIRED);
    }
    if (mode != CXFW_MKC_ACCESS_MODE_MTT) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_MKEY_ACCESS_MODE);
    }
    pd = cxfw_object_find(fw->pds, cxfw_get(mkc, MKC(pd)), cmd->uid);
    if (!pd) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_MKEY_PD);
    }
    umem = cxfw_object_find(fw->umems,
                            cxfw_get(in, CXFW_FLD(create_mkey_in,
                                                  mkey_umem_id)),
                            cmd->uid);
    if (!umem) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_MKEY_UMEM);
    }
    /* [offset, offset + len) inside the umem; no wrap of the addresses */
    if (cxfw_get(mkc, MKC(length64)) || len > cxfw_umem_size(umem) ||
        offset > cxfw_umem_size(umem) - len || start > UINT64_MAX - len) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_MKEY_RANGE);
    }
    index = cxfw_object_number(fw, fw->mkeys, &fw->last_mkey_index,
                               CXFW_FLD(cmd_hca_cap, log_max_mkey),
                               CXFW_OBJ_ID_MAX);
    if (!index) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_MKEY_EXHAUSTED);
    }

    m = g_new0(CxfwMkey, 1);
    m->variant = cxfw_get(mkc, MKC(mkey_7_0));
    m->access = mkc_access(mkc);
    m->start = start;
    m->len = len;
    m->umem_offset = offset;
    m->umem = umem;
    m->pd = pd;
    umem->mkeys++;
    pd->mkeys++;
    cxfw_object_add(fw, fw->mkeys, &m->obj, index, cmd->uid);
    fw->stats.mkeys_created++;
    cxfw_set(cmd->out, CXFW_FLD(create_mkey_out, mkey_index), index);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_query_mkey(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwMkey *m = mkey_of(fw, cmd, CXFW_FLD(query_mkey_in, mkey_index));
    uint8_t *mkc = cmd->out + cxfw_field_byte(CXFW_FLD(query_mkey_out, mkc));

    if (!m) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_MKEY_UNKNOWN);
    }
    cxfw_set(mkc, MKC(access_mode_1_0), CXFW_MKC_ACCESS_MODE_MTT);
    cxfw_set(mkc, MKC(lr), !!(m->access & CXFW_MKEY_LR));
    cxfw_set(mkc, MKC(lw), !!(m->access & CXFW_MKEY_LW));
    cxfw_set(mkc, MKC(rr), !!(m->access & CXFW_MKEY_RR));
    cxfw_set(mkc, MKC(rw), !!(m->access & CXFW_MKEY_RW));
    cxfw_set(mkc, MKC(a), !!(m->access & CXFW_MKEY_A));
    cxfw_set(mkc, MKC(qpn), 0xffffff);      /* bound to no QP */
    cxfw_set(mkc, MKC(mkey_7_0), m->variant);
    cxfw_set(mkc, MKC(pd), m->pd->obj.number);
    cxfw_set(mkc, MKC(start_addr), m->start);
    cxfw_set(mkc, MKC(len), m->len);
    cxfw_set(mkc, MKC(log_page_size), m->umem->page_shift);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_destroy_mkey(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwMkey *m = mkey_of(fw, cmd, CXFW_FLD(destroy_mkey_in, mkey_index));

    if (!m) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_MKEY_UNKNOWN);
    }
    cxfw_object_remove(fw, fw->mkeys, &m->obj, mkey_release);
    return CXFW_STATUS_OK;
}
