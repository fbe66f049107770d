/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Firmware instance life cycle, host callbacks, statistics and names. */
#include <stdio.h>
#include <string.h>

#include "cxfw-dump.h"

static bool parse_fw_version(const char *s, Cxfw *fw)
{
    unsigned major, minor, sub;
    char tail;

    if (sscanf(s, "%u.%u.%u%c", &major, &minor, &sub, &tail) != 3 ||
        major > 0xffff || minor > 0xffff || sub > 0xffff) {
        return false;
    }
    fw->fw_major = major;
    fw->fw_minor = minor;
    fw->fw_subminor = sub;
    return true;
}

/* A context leaves the table: its resource dump in progress goes too. */
static void uctx_free(gpointer p)
{
    CxfwUctx *u = p;

    cxfw_rsc_dump_free(u->rsc_dump);
    g_free(u);
}

Cxfw *cxfw_new(const CxfwConfig *cfg, const CxfwHostOps *ops, void *opaque,
               char **errmsg)
{
    const char *name = cfg->profile ? cfg->profile : cxfw_default_profile();
    const CxfwProfile *profile = cxfw_profile_find(name);
    Cxfw *fw;

    if (!profile) {
        *errmsg = g_strdup_printf("unknown cxsim profile '%s'", name);
        return NULL;
    }
    if (cfg->msix_vectors == 0) {
        *errmsg = g_strdup("cxsim needs at least one MSI-X vector");
        return NULL;
    }
    fw = g_new0(Cxfw, 1);
    fw->ops = *ops;
    fw->opaque = opaque;
    fw->profile = profile;
    fw->msix_vectors = cfg->msix_vectors;
    fw->fw_major = profile->fw_major;
    fw->fw_minor = profile->fw_minor;
    fw->fw_subminor = profile->fw_subminor;
    if (cfg->fw_version && !parse_fw_version(cfg->fw_version, fw)) {
        *errmsg = g_strdup_printf("fw-version '%s' is not major.minor.subminor"
                                  " (each 0..65535)", cfg->fw_version);
        g_free(fw);
        return NULL;
    }
    fw->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                      NULL);
    fw->uars = g_array_sized_new(FALSE, TRUE, sizeof(CxfwUar),
                                 profile->num_uar_pages);
    g_array_set_size(fw->uars, profile->num_uar_pages);
    fw->uctxs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      uctx_free);
    /* objects: freed by their own code, which keeps their accounting */
    fw->umems = g_hash_table_new(g_direct_hash, g_direct_equal);
    fw->pds = g_hash_table_new(g_direct_hash, g_direct_equal);
    fw->mkeys = g_hash_table_new(g_direct_hash, g_direct_equal);
    fw->unsupported = g_hash_table_new(g_direct_hash, g_direct_equal);
    cxfw_diag_new(fw);
    cxfw_reset(fw);
    return fw;
}

void cxfw_free(Cxfw *fw)
{
    if (!fw) {
        return;
    }
    cxfw_hca_reset(fw);
    cxfw_diag_free(fw);
    g_hash_table_destroy(fw->pages);
    g_array_free(fw->uars, TRUE);
    g_hash_table_destroy(fw->mkeys);
    g_hash_table_destroy(fw->umems);
    g_hash_table_destroy(fw->pds);
    g_hash_table_destroy(fw->uctxs);
    g_hash_table_destroy(fw->unsupported);
    cxfw_core_image_free(fw->core_image);
    g_free(fw->in_buf);
    g_free(fw->out_buf);
    g_free(fw);
}

void cxfw_hca_reset(Cxfw *fw)
{
    cxfw_objects_free_all(fw);
    cxfw_pages_forget_all(fw);
    cxfw_diag_reset(fw);
    fw->hca_state = CXFW_HCA_DISABLED;
    fw->issi = 0;
    fw->host_endianness = 0;
    cxfw_profile_cap_general(fw->profile, fw->cap_general_cur);
}

void cxfw_reset(Cxfw *fw)
{
    cxfw_hca_reset(fw);
    /*
     * Power-on: uid and object numbering starts over.  DISABLE_HCA,
     * TEARDOWN_HCA and a queue address write free the contexts and objects
     * but keep the cursors, so a number a surviving driver still holds is
     * not reissued at once.
     */
    fw->last_uid = 0;
    fw->last_umem_id = 0;
    fw->last_pdn = 0;
    fw->last_mkey_index = 0;
    fw->cmdq_addr = 0;
    fw->nic_interface = 0;
    fw->health_counter = 0;
}

uint64_t cxfw_bar0_size(const Cxfw *fw)
{
    return (uint64_t)fw->profile->num_uar_pages * CXFW_UAR_PAGE_SIZE;
}

bool cxfw_dma_read(Cxfw *fw, uint64_t addr, void *buf, size_t len)
{
    return fw->ops.dma_read(fw->opaque, addr, buf, len);
}

bool cxfw_dma_write(Cxfw *fw, uint64_t addr, const void *buf, size_t len)
{
    return fw->ops.dma_write(fw->opaque, addr, buf, len);
}

void cxfw_guest_error(Cxfw *fw, const char *what, uint64_t arg)
{
    fw->stats.guest_errors++;
    if (fw->ops.guest_error) {
        fw->ops.guest_error(fw->opaque, what, arg);
    }
}

void cxfw_health_tick(Cxfw *fw)
{
    fw->health_counter = (fw->health_counter + 1) & 0xffffff;
}

void cxfw_get_stats(const Cxfw *fw, CxfwStats *stats)
{
    *stats = fw->stats;
    stats->live_eqs = fw->live_eqs;
    stats->live_uars = fw->live_uars;
    stats->live_uctxs = g_hash_table_size(fw->uctxs);
    stats->live_umems = g_hash_table_size(fw->umems);
    stats->live_pds = g_hash_table_size(fw->pds);
    stats->live_mkeys = g_hash_table_size(fw->mkeys);
    stats->umem_bytes = fw->umem_bytes;
    stats->pages_owned = g_hash_table_size(fw->pages);
    stats->hca_state = fw->hca_state;
}

void cxfw_foreach_unsupported(const Cxfw *fw, CxfwUnsupportedFn fn,
                              void *opaque)
{
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, fw->unsupported);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        fn(GPOINTER_TO_UINT(key), GPOINTER_TO_SIZE(value), opaque);
    }
}

static const struct {
    uint8_t status;
    const char *name;
} status_names[] = {
    { CXFW_STATUS_OK, "OK" },
    { CXFW_STATUS_INT_ERR, "INT_ERR" },
    { CXFW_STATUS_BAD_OP, "BAD_OP" },
    { CXFW_STATUS_BAD_PARAM, "BAD_PARAM" },
    { CXFW_STATUS_BAD_SYS_STATE, "BAD_SYS_STATE" },
    { CXFW_STATUS_BAD_RES, "BAD_RES" },
    { CXFW_STATUS_RES_BUSY, "RES_BUSY" },
    { CXFW_STATUS_NOT_READY, "NOT_READY" },
    { CXFW_STATUS_LIM, "LIM" },
    { CXFW_STATUS_BAD_RES_STATE, "BAD_RES_STATE" },
    { CXFW_STATUS_IX, "IX" },
    { CXFW_STATUS_NO_RES, "NO_RES" },
    { CXFW_STATUS_BAD_INP_LEN, "BAD_INP_LEN" },
    { CXFW_STATUS_BAD_OUTP_LEN, "BAD_OUTP_LEN" },
};

const char *cxfw_status_name(uint8_t status)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(status_names); i++) {
        if (status_names[i].status == status) {
            return status_names[i].name;
        }
    }
    return NULL;
}

static const struct {
    uint32_t syndrome;
    const char *name;
} syndrome_names[] = {
#define CXFW_SYNDROME(name, value, status, desc) { value, #name },
#include "cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

const char *cxfw_syndrome_name(uint32_t syndrome)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(syndrome_names); i++) {
        if (syndrome_names[i].syndrome == syndrome) {
            return syndrome_names[i].name;
        }
    }
    return NULL;
}
