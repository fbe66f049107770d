/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware page accounting: QUERY_PAGES and MANAGE_PAGES.
 *
 * The firmware needs profile->boot_pages before ENABLE_HCA completes its
 * work and init_pages more before INIT_HCA.  Pages the driver gives are
 * remembered by address and returned, exactly those addresses, on take:
 * while the HCA runs only pages above its need, all of them once it is torn
 * down.  The firmware never touches page contents.
 */
#include "cxfw-internal.h"

#define PAGES_IN(field) CXFW_FLD(manage_pages_in, field)
#define PAS_ENTRY 8

uint32_t cxfw_pages_owned(Cxfw *fw)
{
    return g_hash_table_size(fw->pages);
}

static uint32_t pages_target(Cxfw *fw, unsigned stage)
{
    const CxfwProfile *p = fw->profile;

    switch (stage) {
    case CXFW_PAGES_BOOT:
        return p->boot_pages;
    case CXFW_PAGES_INIT:
        return p->boot_pages + p->init_pages;
    default:
        /* regular pages: the running HCA's working set */
        return p->boot_pages + p->init_pages +
               (fw->hca_state == CXFW_HCA_INITIALIZED ? p->regular_pages : 0);
    }
}

void cxfw_pages_request(Cxfw *fw)
{
    uint32_t need = cxfw_pages_needed(fw, CXFW_PAGES_REGULAR);
    uint8_t data[28] = { 0 };

    if (need == 0) {
        return;
    }
    /* struct mlx5_eqe_page_req: ec_function, func_id (0), num_pages */
    cxfw_put_be32(data + 4, need);
    cxfw_eq_post(fw, CXFW_EVENT_PAGE_REQUEST, 0, data, UINT64_MAX);
}

uint32_t cxfw_pages_needed(Cxfw *fw, unsigned stage)
{
    uint32_t target = pages_target(fw, stage), owned = cxfw_pages_owned(fw);

    return owned >= target ? 0 : target - owned;
}

void cxfw_pages_forget_all(Cxfw *fw)
{
    g_hash_table_remove_all(fw->pages);
}

static bool function_is_self(const uint8_t *in)
{
    return !cxfw_get(in, PAGES_IN(embedded_cpu_function)) &&
           !cxfw_get(in, PAGES_IN(function_id));
}

uint8_t cxfw_cmd_query_pages(Cxfw *fw, CxfwCmd *cmd)
{
    int32_t num;

    if (!function_is_self(cmd->in)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    num = cxfw_pages_needed(fw, cmd->op_mod);
    cxfw_set(cmd->out, CXFW_FLD(query_pages_out, num_pages), (uint32_t)num);
    return CXFW_STATUS_OK;
}

static uint8_t give_pages(Cxfw *fw, CxfwCmd *cmd, uint32_t n)
{
    const uint8_t *pas = cmd->in + cxfw_field_byte(PAGES_IN(pas));
    g_autoptr(GHashTable) batch = g_hash_table_new(g_int64_hash,
                                                   g_int64_equal);
    g_autofree uint64_t *addrs = g_new(uint64_t, n ? n : 1);

    if (n > fw->profile->max_pages - cxfw_pages_owned(fw)) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_PAGES_TOO_MANY);
    }
    /* validate the whole list first: a refused command changes nothing */
    for (uint32_t i = 0; i < n; i++) {
        addrs[i] = cxfw_be64(pas + i * PAS_ENTRY);
        if (addrs[i] % CXFW_PAGE_SIZE) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_PAGE_MISALIGNED);
        }
        if (g_hash_table_contains(fw->pages, &addrs[i]) ||
            !g_hash_table_add(batch, &addrs[i])) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_PAGE_DUPLICATE);
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        g_hash_table_add(fw->pages, g_memdup2(&addrs[i], sizeof(addrs[i])));
    }
    fw->stats.pages_given += n;
    return CXFW_STATUS_OK;
}

static uint8_t take_pages(Cxfw *fw, CxfwCmd *cmd, uint32_t n)
{
    uint8_t *pas = cmd->out + cxfw_field_byte(CXFW_FLD(manage_pages_out, pas));
    uint32_t keep = fw->hca_state == CXFW_HCA_INITIALIZED ?
        pages_target(fw, CXFW_PAGES_REGULAR) : 0;
    uint32_t owned = cxfw_pages_owned(fw);
    uint32_t avail = owned > keep ? owned - keep : 0;
    uint32_t count = MIN(n, avail), i = 0;
    GHashTableIter it;
    gpointer key;

    if ((uint64_t)cmd->outlen <
        cxfw_field_byte(CXFW_FLD(manage_pages_out, pas)) +
        (uint64_t)n * PAS_ENTRY) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_OUTP_LEN,
                         CXFW_SYND_PAGES_OUT_LEN);
    }
    g_hash_table_iter_init(&it, fw->pages);
    while (i < count && g_hash_table_iter_next(&it, &key, NULL)) {
        cxfw_put_be64(pas + i * PAS_ENTRY, *(uint64_t *)key);
        g_hash_table_iter_remove(&it);
        i++;
    }
    cxfw_set(cmd->out, CXFW_FLD(manage_pages_out, output_num_entries), i);
    fw->stats.pages_taken += i;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_manage_pages(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t n = cxfw_get(cmd->in, PAGES_IN(input_num_entries));

    if (!function_is_self(cmd->in)) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_FUNCTION_ID);
    }
    switch (cmd->op_mod) {
    case CXFW_PAGES_GIVE:
        if ((uint64_t)cmd->inlen < cxfw_field_byte(PAGES_IN(pas)) +
            (uint64_t)n * PAS_ENTRY) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                             CXFW_SYND_PAGES_ENTRIES_LEN);
        }
        return give_pages(fw, cmd, n);
    case CXFW_PAGES_TAKE:
        return take_pages(fw, cmd, n);
    default:
        /* ALLOC_FAIL: the driver could not satisfy a request; noted */
        return CXFW_STATUS_OK;
    }
}
