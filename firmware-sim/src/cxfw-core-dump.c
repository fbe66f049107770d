/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CORE_DUMP register (ACCESS_REG 0x402e, read), core_dump_type 2 ("CR
 * dump to memory"): the firmware writes an image of its state, exactly
 * CXFW_CORE_DUMP_SIZE (2 MiB) bytes, through memory key mkey at virtual
 * address `address` in one DMA engine transfer under the caller's uid.
 * The reply echoes the request with size = the bytes written.
 *
 * The image (all numbers big-endian; docs/prm-coverage.md has every
 * field):
 *   header (core_dump_header, 64 bytes): magic "CXSIMCRD", version 1,
 *     total size, the section table's offset, count and entry size, the
 *     CRC-32 of the image, the request's cookie, the filler's seed, the
 *     uid the image was made for;
 *   section table (core_dump_section, 32 bytes each): type, truncated,
 *     offset, length, records and records visible;
 *   sections, back to back from the table's end to the image's end:
 *     HCA state (core_dump_hca), current and maximum general
 *     capabilities and the debug capability (4 KiB each), the counters
 *     and the object tables (the
 *     RESOURCE_DUMP segments' records, cxfw-dump.c, with its visibility
 *     rule: a user context sees its own objects), and the filler.
 *
 * The filler makes the image as large as a real device's: the 8 bytes at
 * image offset 8 * i are splitmix64 output number i + 1 of a generator
 * seeded with the FNV-1a 64-bit hash of "profile/psid/major.minor.sub",
 * so they depend only on the firmware's identity and their position.
 * The CRC-32 (zlib's) covers the whole image with the checksum field's 4
 * bytes taken as zero.
 *
 * Speed: the image lives in one buffer kept for the next dump.  Its
 * filler is generated once, with the CRC of every tail from a 4 KiB
 * boundary to the end; a dump rewrites the state sections, restores the
 * filler behind them and checksums only up to the next 4 KiB boundary,
 * combining that CRC with the stored tail's.  So a dump costs its state's
 * size, not 2 MiB, and the DMA engine's transfer is the rest.
 */
#include <string.h>

#include "cxfw-dump.h"

#define REG(field) CXFW_FLD(core_dump_reg, field)
#define HDR(field) CXFW_FLD(core_dump_header, field)
#define SEC(field) CXFW_FLD(core_dump_section, field)
#define HCA(field) CXFW_FLD(core_dump_hca, field)
#define BLOCK 4096
#define BLOCKS (CXFW_CORE_DUMP_SIZE / BLOCK)
#define FIXED_SECTIONS 5        /* HCA, three caps, filler */
#define MAX_SECTIONS 16
#define GOLDEN 0x9e3779b97f4a7c15ull

struct CxfwCoreImage {
    uint8_t *buf;               /* CXFW_CORE_DUMP_SIZE bytes */
    uint64_t seed;
    uint32_t dirty;             /* the filler is intact from here on */
    uint32_t tail_crc[BLOCKS + 1];  /* CRC of [BLOCK * i, end) of filler */
};

void cxfw_core_image_free(CxfwCoreImage *img)
{
    if (img) {
        g_free(img->buf);
        g_free(img);
    }
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    }
    return h;
}

/* splitmix64 output number n (n >= 1) of the generator seeded with seed */
static uint64_t splitmix64(uint64_t seed, uint64_t n)
{
    uint64_t z = seed + n * GOLDEN;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The filler's bytes over [from, to) (8-byte aligned offsets). */
static void fill(CxfwCoreImage *img, uint32_t from, uint32_t to)
{
    for (uint32_t off = from; off < to; off += 8) {
        cxfw_put_be64(img->buf + off, splitmix64(img->seed, off / 8 + 1));
    }
}

static CxfwCoreImage *core_image(Cxfw *fw)
{
    CxfwCoreImage *img = fw->core_image;
    g_autofree char *identity = NULL;

    if (img) {
        return img;
    }
    img = g_new0(CxfwCoreImage, 1);
    img->buf = g_malloc(CXFW_CORE_DUMP_SIZE);
    identity = g_strdup_printf("%s/%s/%u.%u.%u", fw->profile->name,
                               fw->profile->psid, fw->fw_major,
                               fw->fw_minor, fw->fw_subminor);
    img->seed = fnv1a64(identity);
    fill(img, 0, CXFW_CORE_DUMP_SIZE);
    img->tail_crc[BLOCKS] = 0;
    for (unsigned i = BLOCKS; i-- > 0;) {
        img->tail_crc[i] = cxfw_crc32_combine(
            cxfw_crc32(0, img->buf + i * BLOCK, BLOCK), img->tail_crc[i + 1],
            (uint64_t)(BLOCKS - 1 - i) * BLOCK);
    }
    fw->core_image = img;
    return img;
}

/* Builds the image's sections one after the other. */
typedef struct ImageWriter {
    Cxfw *fw;
    uint16_t uid;
    uint8_t *buf;
    uint32_t pos;               /* where the next section starts */
    unsigned nsec;
} ImageWriter;

/* The next section's table entry: len bytes at w->pos. */
static uint8_t *section_entry(ImageWriter *w, uint32_t type, uint32_t len,
                              uint32_t count, uint32_t total)
{
    uint8_t *e = w->buf + CXFW_SIZEOF(core_dump_header) +
                 w->nsec++ * CXFW_SIZEOF(core_dump_section);
    uint8_t *data = w->buf + w->pos;

    /* sections tile the image in 8-byte units, the filler's included */
    g_assert(w->nsec <= MAX_SECTIONS && len % 8 == 0);
    cxfw_set(e, SEC(type), type);
    cxfw_set(e, SEC(truncated), count < total);
    cxfw_set(e, SEC(offset), w->pos);
    cxfw_set(e, SEC(length), len);
    cxfw_set(e, SEC(count), count);
    cxfw_set(e, SEC(total), total);
    w->pos += len;
    return data;
}

/* A state section: its entry and its bytes, zeroed. */
static uint8_t *section(ImageWriter *w, uint32_t type, uint32_t len,
                        uint32_t count, uint32_t total)
{
    uint8_t *data = section_entry(w, type, len, count, total);

    memset(data, 0, len);
    return data;
}

static void set_string(uint8_t *p, CxfwFieldId f, const char *s)
{
    strncpy((char *)p + cxfw_field_byte(f), s, 16);
}

static void hca_section(ImageWriter *w)
{
    Cxfw *fw = w->fw;
    uint8_t *p = section(w, CXFW_CORE_SEC_HCA, CXFW_SIZEOF(core_dump_hca),
                         1, 1);

    cxfw_set(p, HCA(hca_state), fw->hca_state);
    cxfw_set(p, HCA(host_endianness), fw->host_endianness);
    cxfw_set(p, HCA(issi), fw->issi);
    cxfw_set(p, HCA(nic_interface), fw->nic_interface);
    cxfw_set(p, HCA(cmd_interface_rev), 5);
    cxfw_set(p, HCA(fw_rev_major), fw->fw_major);
    cxfw_set(p, HCA(fw_rev_minor), fw->fw_minor);
    cxfw_set(p, HCA(fw_rev_subminor), fw->fw_subminor);
    cxfw_set(p, HCA(msix_vectors), fw->msix_vectors);
    cxfw_set(p, HCA(health_counter), fw->health_counter);
    cxfw_set(p, HCA(pages_owned), cxfw_pages_owned(fw));
    cxfw_set(p, HCA(boot_pages_needed), cxfw_pages_needed(fw,
                                                          CXFW_PAGES_BOOT));
    cxfw_set(p, HCA(init_pages_needed), cxfw_pages_needed(fw,
                                                          CXFW_PAGES_INIT));
    cxfw_set(p, HCA(regular_pages_needed),
             cxfw_pages_needed(fw, CXFW_PAGES_REGULAR));
    cxfw_set(p, HCA(hw_id), CXFW_HW_ID);
    set_string(p, HCA(profile), fw->profile->name);
    set_string(p, HCA(psid), fw->profile->psid);
}

static void caps_sections(ImageWriter *w)
{
    memcpy(section(w, CXFW_CORE_SEC_CAPS_CUR, CXFW_CAP_SIZE, 1, 1),
           w->fw->cap_general_cur, CXFW_CAP_SIZE);
    cxfw_profile_cap_general(w->fw->profile,
                             section(w, CXFW_CORE_SEC_CAPS_MAX,
                                     CXFW_CAP_SIZE, 1, 1));
    /* the debug capability is not settable: current and maximum alike */
    cxfw_profile_cap_debug(w->fw->profile,
                           section(w, CXFW_CORE_SEC_CAPS_DEBUG,
                                   CXFW_CAP_SIZE, 1, 1));
}

/* A table's records, as many as fit before the image's end. */
static void table_section(ImageWriter *w, const CxfwDumpTable *t)
{
    uint32_t size = cxfw_dump_record_size(t);
    uint32_t room = (CXFW_CORE_DUMP_SIZE - w->pos) / size;
    uint32_t total;
    GArray *items = cxfw_dump_items(w->fw, t, w->uid, 0, room, &total);

    cxfw_dump_records(w->fw, t, w->uid, (const CxfwDumpItem *)items->data,
                      items->len, section(w, t->type, items->len * size,
                                          items->len, total));
    g_array_unref(items);
}

const uint8_t *cxfw_core_image_build(Cxfw *fw, uint16_t uid, uint64_t cookie)
{
    CxfwCoreImage *img = core_image(fw);
    unsigned ntables;
    const CxfwDumpTable *tables = cxfw_dump_tables(&ntables);
    unsigned nsec = FIXED_SECTIONS + ntables;
    ImageWriter w = {
        .fw = fw, .uid = uid, .buf = img->buf,
        .pos = CXFW_SIZEOF(core_dump_header) +
               nsec * CXFW_SIZEOF(core_dump_section),
    };
    const CxfwDumpTable *counters =
        cxfw_dump_table_find(CXFW_DUMP_SEG_COUNTERS);
    uint8_t *h = img->buf;
    uint32_t end, crc_end, crc;

    memset(h, 0, w.pos);
    hca_section(&w);
    caps_sections(&w);
    /* the counters first: only object tables may be cut short */
    table_section(&w, counters);
    for (unsigned i = 0; i < ntables; i++) {
        if (&tables[i] != counters) {
            table_section(&w, &tables[i]);
        }
    }
    /* the filler: intact behind the state, whatever the last dump wrote */
    end = w.pos;
    if (end < img->dirty) {
        fill(img, end, img->dirty);
    }
    img->dirty = end;
    section_entry(&w, CXFW_CORE_SEC_FILLER, CXFW_CORE_DUMP_SIZE - end, 0, 0);
    g_assert(w.nsec == nsec && w.pos == CXFW_CORE_DUMP_SIZE);

    cxfw_set(h, HDR(magic), CXFW_CORE_DUMP_MAGIC);
    cxfw_set(h, HDR(version), CXFW_CORE_DUMP_VERSION);
    cxfw_set(h, HDR(header_size), CXFW_SIZEOF(core_dump_header));
    cxfw_set(h, HDR(total_size), CXFW_CORE_DUMP_SIZE);
    cxfw_set(h, HDR(section_table), CXFW_SIZEOF(core_dump_header));
    cxfw_set(h, HDR(section_count), nsec);
    cxfw_set(h, HDR(section_entry_size), CXFW_SIZEOF(core_dump_section));
    cxfw_set(h, HDR(cookie), cookie);
    cxfw_set(h, HDR(filler_seed), img->seed);
    cxfw_set(h, HDR(uid), uid);

    /* CRC-32 with the checksum field zero: the head, then a stored tail */
    crc_end = (end + BLOCK - 1) / BLOCK * BLOCK;
    crc = cxfw_crc32(0, h, crc_end);
    crc = cxfw_crc32_combine(crc, img->tail_crc[crc_end / BLOCK],
                             CXFW_CORE_DUMP_SIZE - crc_end);
    cxfw_set(h, HDR(checksum), crc);
    return h;
}

uint8_t cxfw_core_dump_read(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                            uint8_t *data)
{
    const uint8_t *image;
    uint32_t synd;
    uint8_t status;

    if (cxfw_get(in, REG(core_dump_type)) != CXFW_CORE_DUMP_TYPE_CR) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CORE_DUMP_TYPE);
    }
    if (!cxfw_dump_vhca_is_self(fw, cxfw_get(in, REG(vhca_id)))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_DUMP_VHCA_ID);
    }
    if (cxfw_get(in, REG(size)) < CXFW_CORE_DUMP_SIZE) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_CORE_DUMP_SIZE);
    }
    /* a refusal costs no image */
    status = cxfw_mkey_check(fw, cmd->uid, cxfw_get(in, REG(mkey)),
                             cxfw_get(in, REG(address)), CXFW_CORE_DUMP_SIZE,
                             true, &synd);
    if (status != CXFW_STATUS_OK) {
        return cxfw_fail(cmd, status, synd);
    }
    image = cxfw_core_image_build(fw, cmd->uid, cxfw_get(in, REG(cookie)));
    status = cxfw_mkey_write(fw, cmd->uid, cxfw_get(in, REG(mkey)),
                             cxfw_get(in, REG(address)), image,
                             CXFW_CORE_DUMP_SIZE, &synd);
    if (status != CXFW_STATUS_OK) {
        return cxfw_fail(cmd, status, synd);
    }
    memcpy(data, in, CXFW_SIZEOF(core_dump_reg));
    cxfw_set(data, REG(more_dump), 0);
    cxfw_set(data, REG(size), CXFW_CORE_DUMP_SIZE);
    return CXFW_STATUS_OK;
}
