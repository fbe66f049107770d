/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User memory: CREATE_UMEM, QUERY_UMEM and DESTROY_UMEM.
 *
 * A umem is host memory a driver registers for the device to reach: a list
 * of MTT entries, one per page of 4 KiB << log_page_size, each a page
 * aligned bus address with read and/or write enabled, and page_offset, the
 * position of the umem's byte 0 in its first page.  mlx5ctl registers a
 * user buffer this way (one entry per 4 KiB CPU page, page_offset the
 * buffer's offset in its page); a memory key then maps virtual addresses
 * onto it for the DMA engine (cxfw-mkey.c, cxfw-dma-engine.c).
 *
 * The rules:
 * - every entry is checked before anything is created: reserved bits 7:2
 *   clear, read or write enabled, aligned to the page size, and the page
 *   not running past the end of the bus address space;
 * - at most 1 << log_max_umem umems are live, registering at most the
 *   profile's max_umem_bytes (pages counted whole) all together;
 * - a umem belongs to the uid that created it (uid 0 included, the device
 *   offering umem_uid_0): another uid's umem answers as none;
 * - a umem a memory key maps cannot be destroyed;
 * - ids are 1..0xffffff, handed out round-robin (cxfw-id.c).
 *
 * QUERY_UMEM has no mlx5_ifc layout; cxsim's own is in cxfw-fields.def.
 */
#include "cxfw-internal.h"

#define UMEM(field) CXFW_FLD(umem, field)
#define MTT(field) CXFW_FLD(mtt, field)

/* QUERY_UMEM's own layout reuses its neighbours' field positions. */
G_STATIC_ASSERT(CXFW_FLD(query_umem_in, umem_id) ==
                CXFW_FLD(destroy_umem_in, umem_id));
G_STATIC_ASSERT(CXFW_FLD(query_umem_out, umem_id) ==
                CXFW_FLD(create_umem_out, umem_id));
G_STATIC_ASSERT(CXFW_FLD(query_umem_out, umem) ==
                CXFW_FLD(create_umem_in, umem));
G_STATIC_ASSERT(CXFW_SIZEOF(query_umem_out) == CXFW_SIZEOF(create_umem_in));

uint64_t cxfw_umem_size(const CxfwUmem *umem)
{
    return (umem->npages << umem->page_shift) - umem->page_offset;
}

static void umem_release(Cxfw *fw, CxfwObject *obj)
{
    CxfwUmem *umem = (CxfwUmem *)obj;

    fw->umem_bytes -= umem->npages << umem->page_shift;
    g_free(umem->pages);
    g_free(umem);
}

void cxfw_umem_destroy_all(Cxfw *fw, int owner)
{
    cxfw_objects_drain(fw, fw->umems, umem_release, owner);
}

/* The umem named by a command's umem_id, if the caller's. */
static CxfwUmem *umem_of(Cxfw *fw, CxfwCmd *cmd, CxfwFieldId id)
{
    return cxfw_object_find(fw->umems, cxfw_get(cmd->in, id), cmd->uid);
}

/* One MTT entry against a page of page_size bytes: 0 or a syndrome. */
static uint32_t mtt_check(const uint8_t *mtt, uint64_t page_size)
{
    uint64_t addr = cxfw_be64(mtt) & ~(uint64_t)0xff;

    if (cxfw_get(mtt, MTT(reserved_7_2))) {
        return CXFW_SYND_UMEM_MTT_RESERVED;
    }
    if (!cxfw_get(mtt, MTT(rd_en)) && !cxfw_get(mtt, MTT(wr_en))) {
        return CXFW_SYND_UMEM_MTT_NO_ACCESS;
    }
    if (addr & (page_size - 1)) {
        return CXFW_SYND_UMEM_MTT_MISALIGNED;
    }
    /* the page's end, addr + page_size, must not wrap to 0 */
    if (addr > UINT64_MAX - page_size) {
        return CXFW_SYND_UMEM_MTT_OVERFLOW;
    }
    return 0;
}

static uint64_t mtt_page(const uint8_t *mtt)
{
    return (cxfw_be64(mtt) & ~(uint64_t)0xff) |
           (cxfw_get(mtt, MTT(rd_en)) ? CXFW_UMEM_PAGE_RD : 0) |
           (cxfw_get(mtt, MTT(wr_en)) ? CXFW_UMEM_PAGE_WR : 0);
}

uint8_t cxfw_cmd_create_umem(Cxfw *fw, CxfwCmd *cmd)
{
    const uint8_t *umem_in = cmd->in +
        cxfw_field_byte(CXFW_FLD(create_umem_in, umem));
    const uint8_t *mtt = umem_in + cxfw_field_byte(UMEM(mtt));
    uint32_t log_page = cxfw_get(umem_in, UMEM(log_page_size));
    uint32_t page_offset = cxfw_get(umem_in, UMEM(page_offset));
    uint64_t n = cxfw_get(umem_in, UMEM(num_of_mtt));
    uint32_t mtt_off = mtt - cmd->in;
    uint64_t page_size, bytes;
    uint32_t synd, id;
    CxfwUmem *umem;

    if (cxfw_get(umem_in, UMEM(ats)) &&
        !cxfw_get(fw->cap_general_cur, CXFW_FLD(cmd_hca_cap, ats))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_UMEM_ATS_UNSUPPORTED);
    }
    if (log_page > CXFW_UMEM_MAX_LOG_PAGE_SIZE) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_UMEM_PAGE_SIZE);
    }
    page_size = 1ull << (CXFW_UMEM_PAGE_SHIFT + log_page);
    if (page_offset >= page_size) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_UMEM_PAGE_OFFSET);
    }
    if (n == 0) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_UMEM_NO_MTT);
    }
    /* inlen = 48 + 8 * num_of_mtt; a longer input is accepted */
    if (n > (cmd->inlen - mtt_off) / CXFW_MTT_ENTRY_SIZE) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                         CXFW_SYND_UMEM_MTT_LEN);
    }
    for (uint64_t i = 0; i < n; i++) {
        synd = mtt_check(mtt + i * CXFW_MTT_ENTRY_SIZE, page_size);
        if (synd) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, synd);
        }
    }
    /* n < 2^29 (inlen is 32 bits), page_size <= 2^30: no overflow */
    bytes = n * page_size;
    if (bytes > fw->profile->max_umem_bytes - fw->umem_bytes) {
        return cxfw_fail(cmd, CXFW_STATUS_LIM,
                         CXFW_SYND_UMEM_BYTES_EXCEEDED);
    }
    id = cxfw_object_number(fw, fw->umems, &fw->last_umem_id,
                            CXFW_FLD(cmd_hca_cap, log_max_umem),
                            CXFW_OBJ_ID_MAX);
    if (!id) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_UMEM_EXHAUSTED);
    }

    umem = g_new0(CxfwUmem, 1);
    umem->page_shift = CXFW_UMEM_PAGE_SHIFT + log_page;
    umem->page_offset = page_offset;
    umem->npages = n;
    umem->pages = g_new(uint64_t, n);
    umem->all_readable = umem->all_writable = true;
    for (uint64_t i = 0; i < n; i++) {
        umem->pages[i] = mtt_page(mtt + i * CXFW_MTT_ENTRY_SIZE);
        umem->all_readable &= !!(umem->pages[i] & CXFW_UMEM_PAGE_RD);
        umem->all_writable &= !!(umem->pages[i] & CXFW_UMEM_PAGE_WR);
    }
    cxfw_object_add(fw, fw->umems, &umem->obj, id, cmd->uid);
    fw->umem_bytes += bytes;
    fw->stats.umems_created++;
    cxfw_set(cmd->out, CXFW_FLD(create_umem_out, umem_id), id);
    return CXFW_STATUS_OK;
}

/*
 * The umem as created: page size, page_offset, num_of_mtt and as many mtt
 * entries as the output has room for (all of them with an output of
 * 48 + 8 * num_of_mtt bytes).
 */
uint8_t cxfw_cmd_query_umem(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwUmem *umem = umem_of(fw, cmd, CXFW_FLD(query_umem_in, umem_id));
    uint8_t *out = cmd->out + cxfw_field_byte(CXFW_FLD(query_umem_out, umem));
    uint8_t *mtt = out + cxfw_field_byte(UMEM(mtt));
    uint64_t room;

    if (!umem) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UMEM_UNKNOWN);
    }
    cxfw_set(cmd->out, CXFW_FLD(query_umem_out, umem_id), umem->obj.number);
    cxfw_set(out, UMEM(log_page_size),
             umem->page_shift - CXFW_UMEM_PAGE_SHIFT);
    cxfw_set(out, UMEM(page_offset), umem->page_offset);
    cxfw_set(out, UMEM(num_of_mtt), umem->npages);
    room = (cmd->outlen - (uint32_t)(mtt - cmd->out)) / CXFW_MTT_ENTRY_SIZE;
    for (uint64_t i = 0; i < MIN(room, umem->npages); i++) {
        uint8_t *e = mtt + i * CXFW_MTT_ENTRY_SIZE;
        uint64_t page = umem->pages[i];

        cxfw_put_be64(e, page & ~CXFW_UMEM_PAGE_FLAGS);
        cxfw_set(e, MTT(rd_en), !!(page & CXFW_UMEM_PAGE_RD));
        cxfw_set(e, MTT(wr_en), !!(page & CXFW_UMEM_PAGE_WR));
    }
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_destroy_umem(Cxfw *fw, CxfwCmd *cmd)
{
    CxfwUmem *umem = umem_of(fw, cmd, CXFW_FLD(destroy_umem_in, umem_id));

    if (!umem) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UMEM_UNKNOWN);
    }
    if (umem->mkeys) {
        return cxfw_fail(cmd, CXFW_STATUS_RES_BUSY, CXFW_SYND_UMEM_IN_USE);
    }
    cxfw_object_remove(fw, fw->umems, &umem->obj, umem_release);
    return CXFW_STATUS_OK;
}
