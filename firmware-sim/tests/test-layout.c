/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PRM field table and its accessors: every field obeys the rules
 * cxfw_get()/cxfw_set() rely on, the accessors agree with a bit-by-bit
 * reference, and the layouts that are not mlx5_ifc structures (and so are
 * not checked against mlx5_ifc.h) match the kernel's device.h structures.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "cxfw-layout.h"
#include "cxfw-prm.h"

/* The enum values, in table order. */
static const CxfwFieldId field_ids[] = {
#define CXFW_FIELD(layout, field, path, off, width) CXFW_FLD(layout, field),
#include "cxfw-fields.def"
#undef CXFW_FIELD
};

/* ---- a bit-by-bit reference: bit 0 is the MSB of byte 0 ---- */

static unsigned ref_bit(const uint8_t *buf, uint32_t bit)
{
    return (buf[bit / 8] >> (7 - bit % 8)) & 1;
}

static uint64_t ref_get(const uint8_t *buf, uint32_t bit, uint32_t width)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < width; i++) {
        v = v << 1 | ref_bit(buf, bit + i);
    }
    return v;
}

static uint64_t width_mask(uint32_t width)
{
    return width == 64 ? UINT64_MAX : (1ull << width) - 1;
}

/* A field id for an arbitrary bit offset and width (as the table makes). */
static CxfwFieldId make_field(uint32_t bit, uint32_t width)
{
    return (CxfwFieldId)CXFW_FIELD_ENCODE(bit, width);
}

static uint64_t rand64(void)
{
    return (uint64_t)g_test_rand_int() << 32 | (uint32_t)g_test_rand_int();
}

/*
 * Set a field in a buffer of random bytes and check, against the reference,
 * that the field holds the value and no other bit moved.
 */
static bool check_set(uint32_t bit, uint32_t width, uint64_t value,
                      size_t buflen)
{
    g_autofree uint8_t *buf = g_malloc(buflen);
    g_autofree uint8_t *before = g_malloc(buflen);
    CxfwFieldId f = make_field(bit, width);
    uint64_t want = value & width_mask(width);

    for (size_t i = 0; i < buflen; i++) {
        buf[i] = g_test_rand_int();
    }
    memcpy(before, buf, buflen);
    cxfw_set(buf, f, value);
    if (ref_get(buf, bit, width) != want || cxfw_get(buf, f) != want) {
        g_test_message("bit %u width %u value 0x%" G_GINT64_MODIFIER
                       "x: read back 0x%" G_GINT64_MODIFIER "x",
                       bit, width, value, cxfw_get(buf, f));
        return false;
    }
    for (uint32_t b = 0; b < buflen * 8; b++) {
        if ((b < bit || b >= bit + width) &&
            ref_bit(buf, b) != ref_bit(before, b)) {
            g_test_message("bit %u width %u: neighbour bit %u changed",
                           bit, width, b);
            return false;
        }
    }
    return true;
}

/* The enum and the table describe the same fields, in the same order. */
static void test_table_matches_enum(void)
{
    g_assert_cmpuint(cxfw_field_count, ==, G_N_ELEMENTS(field_ids));
    g_assert_cmpuint(cxfw_field_count, >, 100);
    for (unsigned i = 0; i < cxfw_field_count; i++) {
        const CxfwFieldInfo *t = &cxfw_field_table[i];
        uint32_t enc_width = t->width > 64 ? 0 : t->width;

        g_assert_cmpuint(cxfw_field_bit(field_ids[i]), ==, t->bit);
        g_assert_cmpuint(cxfw_field_width(field_ids[i]), ==, enc_width);
        g_assert_nonnull(t->layout);
        g_assert_nonnull(t->field);
        g_assert_nonnull(t->ifc_path);
    }
}

/*
 * Every field is one cxfw_get() can read: at most 32 bits inside one
 * dword, 64 bits dword aligned, or a byte array (wider than 64 bits or of
 * open length 0) starting on a byte.
 */
static void test_field_rules(void)
{
    unsigned bad = 0;

    for (unsigned i = 0; i < cxfw_field_count; i++) {
        const CxfwFieldInfo *t = &cxfw_field_table[i];
        bool ok;

        if (t->width == 0 || t->width > 64) {
            ok = t->bit % 8 == 0;
        } else if (t->width == 64) {
            ok = t->bit % 32 == 0;
        } else if (t->width <= 32) {
            ok = t->bit % 32 + t->width <= 32;
        } else {
            ok = false;
        }
        if (!ok) {
            g_test_message("%s.%s: bit 0x%x width %u breaks the rules",
                           t->layout, t->field, t->bit, t->width);
            bad++;
        }
    }
    g_assert_cmpuint(bad, ==, 0);
}

/* Fields of one layout never overlap (an open array runs to the end). */
static void test_no_overlap(void)
{
    unsigned bad = 0;

    for (unsigned i = 0; i < cxfw_field_count; i++) {
        const CxfwFieldInfo *a = &cxfw_field_table[i];
        uint64_t a_end = a->width ? a->bit + a->width : UINT64_MAX;

        for (unsigned j = i + 1; j < cxfw_field_count; j++) {
            const CxfwFieldInfo *b = &cxfw_field_table[j];
            uint64_t b_end = b->width ? b->bit + b->width : UINT64_MAX;

            if (strcmp(a->layout, b->layout)) {
                continue;
            }
            if (a->bit < b_end && b->bit < a_end) {
                g_test_message("%s: %s and %s overlap", a->layout, a->field,
                               b->field);
                bad++;
            }
        }
    }
    g_assert_cmpuint(bad, ==, 0);
}

/* Every width at every offset inside a dword, in every dword of 16 bytes. */
static void test_roundtrip_all_widths(void)
{
    static const uint64_t patterns[] = {
        0, UINT64_MAX, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull, 1,
    };
    unsigned bad = 0;

    for (uint32_t dword = 0; dword < 4; dword++) {
        for (uint32_t width = 1; width <= 32; width++) {
            for (uint32_t off = 0; off + width <= 32; off++) {
                uint32_t bit = dword * 32 + off;

                for (unsigned p = 0; p < G_N_ELEMENTS(patterns); p++) {
                    bad += !check_set(bit, width, patterns[p], 16);
                }
                bad += !check_set(bit, width, rand64(), 16);
            }
        }
        /* 64-bit fields start on any dword */
        if (dword < 3) {
            for (unsigned p = 0; p < G_N_ELEMENTS(patterns); p++) {
                bad += !check_set(dword * 32, 64, patterns[p], 16);
            }
            bad += !check_set(dword * 32, 64, rand64(), 16);
        }
    }
    g_assert_cmpuint(bad, ==, 0);
}

/* A value wider than its field keeps only its low bits. */
static void test_set_truncates(void)
{
    uint8_t buf[8] = { 0 };
    CxfwFieldId f = make_field(5, 3);       /* bits 5..7 of dword 0 */

    cxfw_set(buf, f, 0xfffffff5);
    g_assert_cmpuint(cxfw_get(buf, f), ==, 5);
    g_assert_cmpuint(buf[0], ==, 0x05);
    g_assert_cmpuint(buf[1] | buf[2] | buf[3] | buf[4], ==, 0);
    g_assert_true(check_set(5, 3, UINT64_MAX, 8));
    g_assert_true(check_set(0, 32, 0x1122334455667788ull, 8));
}

/* Each real field round-trips and leaves its neighbours alone. */
static void test_table_fields_roundtrip(void)
{
    unsigned bad = 0, checked = 0;

    for (unsigned i = 0; i < cxfw_field_count; i++) {
        const CxfwFieldInfo *t = &cxfw_field_table[i];
        size_t buflen;

        if (t->width == 0 || t->width > 64) {
            continue;
        }
        buflen = (t->bit + t->width + 7) / 8 + 8;
        for (unsigned r = 0; r < 4; r++) {
            if (!check_set(t->bit, t->width, rand64(), buflen)) {
                g_test_message("field %s.%s", t->layout, t->field);
                bad++;
            }
        }
        /* and through the enum the handlers use */
        {
            g_autofree uint8_t *buf = g_malloc0(buflen);
            uint64_t v = rand64() & width_mask(t->width);

            cxfw_set(buf, field_ids[i], v);
            bad += cxfw_get(buf, field_ids[i]) != v ||
                   ref_get(buf, t->bit, t->width) != v;
        }
        checked++;
    }
    g_assert_cmpuint(checked, >, 100);
    g_assert_cmpuint(bad, ==, 0);
}

static void test_be_helpers(void)
{
    uint8_t b[8];

    cxfw_put_be32(b, 0x11223344);
    g_assert_cmpuint(b[0], ==, 0x11);
    g_assert_cmpuint(b[3], ==, 0x44);
    g_assert_cmpuint(cxfw_be32(b), ==, 0x11223344);
    cxfw_put_be64(b, 0x0102030405060708ull);
    g_assert_cmpuint(b[0], ==, 1);
    g_assert_cmpuint(b[7], ==, 8);
    g_assert_cmpuint(cxfw_be64(b), ==, 0x0102030405060708ull);
}

/*
 * Layouts from the kernel's include/linux/mlx5/device.h, which mlx5_ifc.h
 * (and so check-layouts.py) does not cover: mirrored here as packed
 * structures, the fields' byte offsets compared with the table's.
 */
#define BIT_OF(type, member) ((uint32_t)offsetof(type, member) * 8)

struct ref_mlx5_cmd_layout {
    uint8_t type;
    uint8_t rsvd0[3];
    uint32_t inlen;
    uint64_t in_ptr;
    uint32_t in[4];
    uint32_t out[4];
    uint64_t out_ptr;
    uint32_t outlen;
    uint8_t token;
    uint8_t sig;
    uint8_t rsvd1;
    uint8_t status_own;
} __attribute__((packed));

static void test_cmd_queue_entry_layout(void)
{
    typedef struct ref_mlx5_cmd_layout L;
#define QE(field) CXFW_FLD(cmd_queue_entry, field)
    g_assert_cmpuint(sizeof(L), ==, CXFW_CMD_ENTRY_SIZE);
    g_assert_cmpuint(cxfw_field_bit(QE(type)), ==, BIT_OF(L, type));
    g_assert_cmpuint(cxfw_field_width(QE(type)), ==, 8);
    g_assert_cmpuint(cxfw_field_bit(QE(input_length)), ==, BIT_OF(L, inlen));
    g_assert_cmpuint(cxfw_field_bit(QE(input_mailbox_pointer_63_32)), ==,
                     BIT_OF(L, in_ptr));
    g_assert_cmpuint(cxfw_field_bit(QE(input_mailbox_pointer_31_9)), ==,
                     BIT_OF(L, in_ptr) + 32);
    g_assert_cmpuint(cxfw_field_bit(QE(input_mailbox_pointer_8_0)), ==,
                     BIT_OF(L, in_ptr) + 32 + 23);
    g_assert_cmpuint(cxfw_field_byte(QE(command_input_inline_data)), ==,
                     offsetof(L, in));
    g_assert_cmpuint(cxfw_field_byte(QE(command_output_inline_data)), ==,
                     offsetof(L, out));
    g_assert_cmpuint(cxfw_field_bit(QE(output_mailbox_pointer_63_32)), ==,
                     BIT_OF(L, out_ptr));
    g_assert_cmpuint(cxfw_field_bit(QE(output_mailbox_pointer_31_9)), ==,
                     BIT_OF(L, out_ptr) + 32);
    g_assert_cmpuint(cxfw_field_bit(QE(output_mailbox_pointer_8_0)), ==,
                     BIT_OF(L, out_ptr) + 32 + 23);
    g_assert_cmpuint(cxfw_field_bit(QE(output_length)), ==,
                     BIT_OF(L, outlen));
    g_assert_cmpuint(cxfw_field_bit(QE(token)), ==, BIT_OF(L, token));
    g_assert_cmpuint(cxfw_field_bit(QE(signature)), ==, BIT_OF(L, sig));
    /* status_own: status in bits 7:1, ownership in bit 0 */
    g_assert_cmpuint(cxfw_field_bit(QE(status)), ==, BIT_OF(L, status_own));
    g_assert_cmpuint(cxfw_field_width(QE(status)), ==, 7);
    g_assert_cmpuint(cxfw_field_bit(QE(ownership)), ==,
                     BIT_OF(L, status_own) + 7);
#undef QE
}

struct ref_mlx5_cmd_prot_block {
    uint8_t data[512];
    uint8_t rsvd0[48];
    uint64_t next;
    uint32_t block_num;
    uint8_t rsvd1;
    uint8_t token;
    uint8_t ctrl_sig;
    uint8_t sig;
} __attribute__((packed));

static void test_mailbox_layout(void)
{
    typedef struct ref_mlx5_cmd_prot_block B;
#define BOX(field) CXFW_FLD(cmd_if_box, field)
    g_assert_cmpuint(sizeof(B), ==, CXFW_MAILBOX_SIZE);
    g_assert_cmpuint(sizeof(((B *)0)->data), ==, CXFW_MAILBOX_DATA_LEN);
    g_assert_cmpuint(cxfw_field_byte(BOX(mailbox_data)), ==,
                     offsetof(B, data));
    g_assert_cmpuint(cxfw_field_bit(BOX(next_pointer_63_32)), ==,
                     BIT_OF(B, next));
    g_assert_cmpuint(cxfw_field_bit(BOX(next_pointer_31_10)), ==,
                     BIT_OF(B, next) + 32);
    g_assert_cmpuint(cxfw_field_bit(BOX(next_pointer_9_0)), ==,
                     BIT_OF(B, next) + 32 + 22);
    g_assert_cmpuint(cxfw_field_bit(BOX(block_number)), ==,
                     BIT_OF(B, block_num));
    g_assert_cmpuint(cxfw_field_bit(BOX(token)), ==, BIT_OF(B, token));
    g_assert_cmpuint(cxfw_field_width(BOX(token)), ==, 8);
#undef BOX
}

struct ref_mlx5_eqe {
    uint8_t rsvd0;
    uint8_t type;
    uint8_t rsvd1;
    uint8_t sub_type;
    uint32_t rsvd2[7];
    uint32_t data[7];           /* union ev_data */
    uint16_t rsvd3;
    uint8_t signature;
    uint8_t owner;
} __attribute__((packed));

static void test_eqe_layout(void)
{
    typedef struct ref_mlx5_eqe E;
#define EQE(field) CXFW_FLD(eqe, field)
    g_assert_cmpuint(sizeof(E), ==, CXFW_EQE_SIZE);
    g_assert_cmpuint(cxfw_field_bit(EQE(type)), ==, BIT_OF(E, type));
    g_assert_cmpuint(cxfw_field_bit(EQE(sub_type)), ==, BIT_OF(E, sub_type));
    /* struct mlx5_eqe_cmd: vector is the first dword of the data */
    g_assert_cmpuint(cxfw_field_bit(EQE(cmd_vector)), ==, BIT_OF(E, data));
    g_assert_cmpuint(cxfw_field_bit(EQE(owner)), ==, BIT_OF(E, owner));
    g_assert_cmpuint(cxfw_field_bit(EQE(signature)), ==,
                     BIT_OF(E, signature));
#undef EQE
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    g_test_add_func("/layout/table-matches-enum", test_table_matches_enum);
    g_test_add_func("/layout/field-rules", test_field_rules);
    g_test_add_func("/layout/no-overlap", test_no_overlap);
    g_test_add_func("/layout/roundtrip-all-widths", test_roundtrip_all_widths);
    g_test_add_func("/layout/set-truncates", test_set_truncates);
    g_test_add_func("/layout/table-fields-roundtrip",
                    test_table_fields_roundtrip);
    g_test_add_func("/layout/be-helpers", test_be_helpers);
    g_test_add_func("/layout/device-h/cmd-queue-entry",
                    test_cmd_queue_entry_layout);
    g_test_add_func("/layout/device-h/mailbox", test_mailbox_layout);
    g_test_add_func("/layout/device-h/eqe", test_eqe_layout);
    return g_test_run();
}
