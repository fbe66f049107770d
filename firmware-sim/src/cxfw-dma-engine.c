/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DMA engine: the device reading and writing host memory through a
 * memory key, as a firmware does for a dump into a user buffer
 * (RESOURCE_DUMP / CORE_DUMP with mkey, address and size).
 *
 * Virtual address va of key m is umem byte m->umem_offset + (va -
 * m->start), i.e. position page_offset + that in the umem's pages: page
 * pos >> page_shift at offset pos & (page size - 1), at the bus address of
 * that page's MTT entry.  Everything is checked before the first byte
 * moves (the key, its bounds and access right, the wr_en / rd_en of every
 * page touched), so a refused access transfers nothing.  Pages that are
 * contiguous on the bus go to the host in one DMA call; the bytes moved
 * are counted in the statistics.
 */
#include "cxfw-internal.h"

typedef bool (*HostDma)(Cxfw *fw, uint64_t addr, void *buf, size_t len);

static bool host_write(Cxfw *fw, uint64_t addr, void *buf, size_t len)
{
    return cxfw_dma_write(fw, addr, buf, len);
}

static bool host_read(Cxfw *fw, uint64_t addr, void *buf, size_t len)
{
    return cxfw_dma_read(fw, addr, buf, len);
}

static uint64_t page_addr(const CxfwUmem *umem, uint64_t page)
{
    return umem->pages[page] & ~CXFW_UMEM_PAGE_FLAGS;
}

/* Every page of [pos, pos + len) has flag (len > 0). */
static bool pages_allow(const CxfwUmem *umem, uint64_t pos, size_t len,
                        uint64_t flag)
{
    uint64_t last = (pos + len - 1) >> umem->page_shift;

    for (uint64_t page = pos >> umem->page_shift; page <= last; page++) {
        if (!(umem->pages[page] & flag)) {
            return false;
        }
    }
    return true;
}

static uint8_t dma_fail(Cxfw *fw, uint32_t *syndrome, uint8_t status,
                        uint32_t why)
{
    fw->stats.dma_errors++;
    *syndrome = why;
    return status;
}

/*
 * Everything checked before a transfer of [va, va + len) through the key:
 * OK with the umem and the position of va in its pages, or a refusal.
 */
static uint8_t mkey_check(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                          size_t len, bool write, const CxfwUmem **umem_out,
                          uint64_t *pos_out, uint32_t *syndrome)
{
    CxfwMkey *m = cxfw_mkey_find(fw, mkey, uid);
    const CxfwUmem *umem;
    uint64_t pos;

    if (!m) {
        return dma_fail(fw, syndrome, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_DMA_MKEY_UNKNOWN);
    }
    if (!(m->access & (write ? CXFW_MKEY_LW : CXFW_MKEY_LR))) {
        return dma_fail(fw, syndrome, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_DMA_ACCESS_DENIED);
    }
    if (va < m->start || len > m->len || va - m->start > m->len - len) {
        return dma_fail(fw, syndrome, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_DMA_OUT_OF_RANGE);
    }
    umem = m->umem;
    /* inside the umem (checked at CREATE_MKEY): no overflow */
    pos = umem->page_offset + m->umem_offset + (va - m->start);
    if (len && write && !umem->all_writable &&
        !pages_allow(umem, pos, len, CXFW_UMEM_PAGE_WR)) {
        return dma_fail(fw, syndrome, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_DMA_MTT_WRITE_DISABLED);
    }
    if (len && !write && !umem->all_readable &&
        !pages_allow(umem, pos, len, CXFW_UMEM_PAGE_RD)) {
        return dma_fail(fw, syndrome, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_DMA_MTT_READ_DISABLED);
    }
    *umem_out = umem;
    *pos_out = pos;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_mkey_check(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                        size_t len, bool write, uint32_t *syndrome)
{
    const CxfwUmem *umem;
    uint64_t pos;

    return mkey_check(fw, uid, mkey, va, len, write, &umem, &pos, syndrome);
}

static uint8_t mkey_dma(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                        uint8_t *buf, size_t len, bool write,
                        uint32_t *syndrome)
{
    HostDma dma = write ? host_write : host_read;
    const CxfwUmem *umem;
    uint64_t page_size, pos;
    size_t done = 0;
    uint8_t status = mkey_check(fw, uid, mkey, va, len, write, &umem, &pos,
                                syndrome);

    if (status != CXFW_STATUS_OK || len == 0) {
        return status;
    }

    page_size = 1ull << umem->page_shift;
    while (done < len) {
        uint64_t page = pos >> umem->page_shift;
        uint64_t bus = page_addr(umem, page) + (pos & (page_size - 1));
        size_t chunk = MIN(len - done, page_size - (pos & (page_size - 1)));

        /* one host call for a run of pages contiguous on the bus */
        while (done + chunk < len &&
               page_addr(umem, page + 1) == page_addr(umem, page) +
                                            page_size) {
            chunk += MIN(len - done - chunk, page_size);
            page++;
        }
        if (!dma(fw, bus, buf + done, chunk)) {
            cxfw_guest_error(fw, "DMA through a memory key refused by the "
                             "host", bus);
            fw->stats.dma_bytes += done;
            return dma_fail(fw, syndrome, CXFW_STATUS_INT_ERR,
                            CXFW_SYND_DMA_HOST_FAILED);
        }
        done += chunk;
        pos += chunk;
    }
    fw->stats.dma_bytes += done;
    return CXFW_STATUS_OK;
}

uint8_t cxfw_mkey_write(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                        const void *buf, size_t len, uint32_t *syndrome)
{
    /* the host write callback takes a const buffer: nothing writes to it */
    return mkey_dma(fw, uid, mkey, va, (uint8_t *)buf, len, true, syndrome);
}

uint8_t cxfw_mkey_read(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                       void *buf, size_t len, uint32_t *syndrome)
{
    return mkey_dma(fw, uid, mkey, va, buf, len, false, syndrome);
}
