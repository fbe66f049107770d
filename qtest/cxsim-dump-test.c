/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: the dump registers through the device, as a tool would use
 * them.  The test registers guest memory as a umem (its pages in reverse
 * order, so that the image only reads right through the key's
 * translation), creates a PD and a memory key over it and takes a
 * CORE_DUMP: 2 MiB in guest memory, checked against the documented
 * format and CRC-32.  Then the RESOURCE_DUMP menu, inline, over several
 * reads.
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"
#include "cxfw-layout.h"

#define PAGE                CXSIM_PAGE_SIZE
#define IMAGE               CXFW_CORE_DUMP_SIZE
#define IMAGE_PAGES         (IMAGE / PAGE)
#define KEY_VA              0x7f1234500000ull
#define CANARY              0xa5
#define CD(field)           CXFW_FLD(core_dump_reg, field)
#define CH(field)           CXFW_FLD(core_dump_header, field)
#define CS(field)           CXFW_FLD(core_dump_section, field)
#define RD(field)           CXFW_FLD(resource_dump, field)

/* Guest memory for the image, registered with the device. */
typedef struct DumpBuf {
    uint64_t base;              /* IMAGE bytes of guest memory */
    uint32_t umem, pd, mkey;
} DumpBuf;

/* Page i of the key's range is page IMAGE_PAGES - 1 - i of the memory. */
static uint64_t buf_page(const DumpBuf *b, uint32_t i)
{
    return b->base + (uint64_t)(IMAGE_PAGES - 1 - i) * PAGE;
}

static uint32_t create(CxsimDev *d, const uint8_t *in, uint32_t inlen,
                       CxfwFieldId id)
{
    uint8_t out[CXSIM_HDR_LEN];

    g_assert_cmphex(cxsim_cmd(d, in, inlen, out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    return cxfw_get(out, id);
}

static void buf_register(CxsimDev *d, DumpBuf *b)
{
    uint32_t inlen = CXFW_SIZEOF(create_umem_in) +
                     IMAGE_PAGES * CXFW_MTT_ENTRY_SIZE;
    g_autofree uint8_t *in = g_malloc0(inlen);
    uint8_t *umem = in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem));
    uint8_t *mtt = umem + cxfw_field_byte(CXFW_FLD(umem, mtt));
    uint8_t mk[CXFW_SIZEOF(create_mkey_in)] = { 0 };
    uint8_t *mkc = mk + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));
    uint8_t pd_in[CXSIM_HDR_LEN] = { 0 };

    b->base = cxsim_alloc(d, IMAGE);
    cx_hdr(in, CXFW_OP_CREATE_UMEM, 0);
    cxfw_set(umem, CXFW_FLD(umem, num_of_mtt), IMAGE_PAGES);
    for (uint32_t i = 0; i < IMAGE_PAGES; i++) {
        cx_put64(mtt, i * CXFW_MTT_ENTRY_SIZE, buf_page(b, i) | 0x3);
    }
    b->umem = create(d, in, inlen, CXFW_FLD(create_umem_out, umem_id));

    cx_hdr(pd_in, CXFW_OP_ALLOC_PD, 0);
    b->pd = create(d, pd_in, sizeof(pd_in), CXFW_FLD(alloc_pd_out, pd));

    cx_hdr(mk, CXFW_OP_CREATE_MKEY, 0);
    cxfw_set(mk, CXFW_FLD(create_mkey_in, mkey_umem_valid), 1);
    cxfw_set(mk, CXFW_FLD(create_mkey_in, mkey_umem_id), b->umem);
    cxfw_set(mkc, CXFW_FLD(mkc, access_mode_1_0), CXFW_MKC_ACCESS_MODE_MTT);
    cxfw_set(mkc, CXFW_FLD(mkc, lr), 1);
    cxfw_set(mkc, CXFW_FLD(mkc, lw), 1);
    cxfw_set(mkc, CXFW_FLD(mkc, qpn), 0xffffff);
    cxfw_set(mkc, CXFW_FLD(mkc, mkey_7_0), 0x5c);
    cxfw_set(mkc, CXFW_FLD(mkc, pd), b->pd);
    cxfw_set(mkc, CXFW_FLD(mkc, start_addr), KEY_VA);
    cxfw_set(mkc, CXFW_FLD(mkc, len), IMAGE);
    b->mkey = create(d, mk, sizeof(mk),
                     CXFW_FLD(create_mkey_out, mkey_index)) << 8 | 0x5c;
}

/* The key's bytes in key order, read from guest memory. */
static void buf_read(CxsimDev *d, const DumpBuf *b, uint8_t *img)
{
    for (uint32_t i = 0; i < IMAGE_PAGES; i++) {
        qtest_memread(d->qts, buf_page(b, i), img + (uint64_t)i * PAGE, PAGE);
    }
}

/* A tool's own CRC-32 (zlib's), bit by bit. */
static uint32_t crc32_bits(const uint8_t *p, size_t len)
{
    uint32_t c = 0xffffffff;

    while (len--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320 & -(c & 1));
        }
    }
    return ~c;
}

static uint8_t core_dump(CxsimDev *d, const DumpBuf *b, uint32_t size,
                         uint64_t cookie, uint8_t *out)
{
    uint8_t reg[CXFW_SIZEOF(core_dump_reg)] = { 0 };

    cxfw_set(reg, CD(core_dump_type), CXFW_CORE_DUMP_TYPE_CR);
    cxfw_set(reg, CD(mkey), b->mkey);
    cxfw_set(reg, CD(size), size);
    cxfw_set(reg, CD(address), KEY_VA);
    cxfw_set(reg, CD(cookie), cookie);
    return cxsim_access_reg(d, CXFW_REG_OP_READ, CXFW_REG_CORE_DUMP, 0, reg,
                            out, sizeof(reg));
}

static void test_core_dump(void)
{
    CxsimDev *d = cxsim_start(NULL);
    g_autofree uint8_t *img = g_malloc(IMAGE);
    uint8_t out[CXFW_SIZEOF(core_dump_reg)];
    uint32_t crc, n;
    uint64_t pos;
    DumpBuf b;

    cxsim_bringup(d);
    buf_register(d, &b);

    /* too small: refused, not a byte written */
    qtest_memset(d->qts, b.base, CANARY, IMAGE);
    g_assert_cmphex(core_dump(d, &b, IMAGE - 4, 1, out), ==,
                    CXFW_STATUS_BAD_PARAM);
    cxsim_assert_status(d, CXFW_STATUS_BAD_PARAM,
                        CXFW_SYND_CORE_DUMP_SIZE);
    buf_read(d, &b, img);
    for (uint32_t i = 0; i < IMAGE; i++) {
        g_assert_cmphex(img[i], ==, CANARY);
    }

    /* the image, in one command */
    g_assert_cmphex(core_dump(d, &b, IMAGE, 0xc0ffee0011223344ull, out), ==,
                    CXFW_STATUS_OK);
    g_assert_cmpuint(cxfw_get(out, CD(size)), ==, IMAGE);
    g_assert_cmphex(cxfw_get(out, CD(cookie)), ==, 0xc0ffee0011223344ull);
    buf_read(d, &b, img);
    g_assert_cmpmem(img, 8, "CXSIMCRD", 8);
    g_assert_cmpuint(cxfw_get(img, CH(version)), ==, CXFW_CORE_DUMP_VERSION);
    g_assert_cmpuint(cxfw_get(img, CH(total_size)), ==, IMAGE);
    g_assert_cmphex(cxfw_get(img, CH(cookie)), ==, 0xc0ffee0011223344ull);
    g_assert_cmpuint(cxfw_get(img, CH(uid)), ==, 0);

    /* the sections tile the image after the table */
    n = cxfw_get(img, CH(section_count));
    pos = cxfw_get(img, CH(section_table)) +
          n * cxfw_get(img, CH(section_entry_size));
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = img + cxfw_get(img, CH(section_table)) +
                           i * cxfw_get(img, CH(section_entry_size));

        g_assert_cmpuint(cxfw_get(e, CS(offset)), ==, pos);
        pos += cxfw_get(e, CS(length));
    }
    g_assert_cmpuint(pos, ==, IMAGE);

    /* CRC-32 of the image with the checksum field as zero */
    crc = cxfw_get(img, CH(checksum));
    cxfw_set(img, CH(checksum), 0);
    g_assert_cmphex(crc32_bits(img, IMAGE), ==, crc);
    cxsim_stop(d);
}

/* The menu inline, 208 bytes a read, continued with the reply's fields. */
static void test_resource_menu(void)
{
    static const char *const names[] = {
        "DEVICE", "UCTX", "UMEM", "MKEY", "PD", "EQ", "UAR", "PAGES",
        "COUNTERS",
    };
    CxsimDev *d = cxsim_start(NULL);
    uint8_t reg[CXFW_SIZEOF(resource_dump)] = { 0 };
    g_autoptr(GByteArray) s = g_byte_array_new();
    uint32_t hdr = CXFW_SIZEOF(resource_dump_info_segment) +
                   CXFW_SIZEOF(resource_dump_command_segment);
    uint32_t rec_size = CXFW_SIZEOF(resource_dump_menu_record);
    unsigned reads = 0;
    const uint8_t *menu;

    cxsim_bringup(d);
    cxfw_set(reg, RD(inline_dump), 1);
    cxfw_set(reg, RD(segment_type), CXFW_DUMP_SEG_MENU);
    do {
        uint8_t seq = cxfw_get(reg, RD(seq_num));

        g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_READ,
                                         CXFW_REG_RESOURCE_DUMP, 0, reg, reg,
                                         sizeof(reg)), ==, CXFW_STATUS_OK);
        g_assert_cmpuint(cxfw_get(reg, RD(seq_num)), ==, (seq + 1) & 0xf);
        g_byte_array_append(s, reg + cxfw_field_byte(RD(inline_data)),
                            cxfw_get(reg, RD(size)));
        reads++;
    } while (cxfw_get(reg, RD(more_dump)));
    g_assert_cmpuint(reads, ==, 3);

    menu = s->data + hdr;
    g_assert_cmphex(cxfw_get(s->data, CXFW_FLD(resource_dump_segment_header,
                                               segment_type)), ==,
                    CXFW_DUMP_SEG_INFO);
    g_assert_cmphex(cxfw_get(menu, CXFW_FLD(resource_dump_segment_header,
                                            segment_type)), ==,
                    CXFW_DUMP_SEG_MENU);
    g_assert_cmpuint(cxfw_get(menu, CXFW_FLD(resource_dump_menu_segment,
                                             num_of_records)), ==,
                     G_N_ELEMENTS(names));
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        const uint8_t *rec = menu + cxfw_field_byte(CXFW_FLD(
            resource_dump_menu_segment, record)) + i * rec_size;

        g_assert_cmpstr((const char *)rec + cxfw_field_byte(CXFW_FLD(
                            resource_dump_menu_record, segment_name)), ==,
                        names[i]);
    }
    /* the stream ends with a terminate segment */
    g_assert_cmphex(cxfw_get(s->data + s->len - 4, CXFW_FLD(
                        resource_dump_segment_header, segment_type)), ==,
                    CXFW_DUMP_SEG_TERMINATE);
    g_assert_cmpuint(s->len, ==, hdr + CXFW_SIZEOF(resource_dump_menu_segment) +
                     G_N_ELEMENTS(names) * rec_size + 4);
    cxsim_stop(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/cxsim/dump/core-dump", test_core_dump);
    qtest_add_func("/cxsim/dump/resource-menu-inline", test_resource_menu);

    return g_test_run();
}
