/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generic accessors for the PRM layouts in cxfw-fields.def.
 *
 * A field is named CXFW_FLD(layout, field) and encodes its bit offset and
 * width, so handlers never compute offsets by hand:
 *
 *     uint32_t eqn = cxfw_get(in, CXFW_FLD(destroy_eq_in, eq_number));
 *     cxfw_set(out, CXFW_FLD(create_eq_out, eq_number), eq->eqn);
 */
#ifndef CXFW_LAYOUT_H
#define CXFW_LAYOUT_H

#include <stdint.h>

#define CXFW_FLD(layout, field) CXFW_FLD_##layout##__##field

/*
 * Bit offset << 7 | width; byte arrays (wider than 64 bits) encode width 0
 * since they are only ever addressed by byte offset.  Fits an int.
 */
#define CXFW_FIELD_ENCODE(off, width) \
    (((off) << 7) | ((width) > 64 ? 0 : (width)))

typedef enum CxfwFieldId {
#define CXFW_FIELD(layout, field, path, off, width) \
    CXFW_FLD(layout, field) = CXFW_FIELD_ENCODE(off, width),
#include "cxfw-fields.def"
#undef CXFW_FIELD
} CxfwFieldId;

static inline uint32_t cxfw_field_bit(CxfwFieldId f)
{
    return (uint32_t)f >> 7;
}

static inline uint32_t cxfw_field_width(CxfwFieldId f)
{
    return (uint32_t)f & 0x7f;
}

/* Byte offset of a dword-aligned field (arrays, 64-bit values). */
static inline uint32_t cxfw_field_byte(CxfwFieldId f)
{
    return cxfw_field_bit(f) / 8;
}

static inline uint32_t cxfw_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static inline void cxfw_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static inline uint64_t cxfw_be64(const uint8_t *p)
{
    return (uint64_t)cxfw_be32(p) << 32 | cxfw_be32(p + 4);
}

static inline void cxfw_put_be64(uint8_t *p, uint64_t v)
{
    cxfw_put_be32(p, v >> 32);
    cxfw_put_be32(p + 4, (uint32_t)v);
}

/*
 * Read a field of at most 32 bits inside one dword, or a dword-aligned
 * 64-bit field.  The layout test guarantees every defined field is one of
 * the two.
 */
static inline uint64_t cxfw_get(const void *buf, CxfwFieldId f)
{
    const uint8_t *p = buf;
    uint32_t bit = cxfw_field_bit(f), width = cxfw_field_width(f);
    uint32_t dword, shift;

    if (width == 64) {
        return cxfw_be64(p + bit / 8);
    }
    dword = cxfw_be32(p + (bit / 32) * 4);
    shift = 32 - width - (bit % 32);
    return width == 32 ? dword : (dword >> shift) & ((1u << width) - 1);
}

static inline void cxfw_set(void *buf, CxfwFieldId f, uint64_t value)
{
    uint8_t *p = buf;
    uint32_t bit = cxfw_field_bit(f), width = cxfw_field_width(f);
    uint32_t dword, shift, mask;

    if (width == 64) {
        cxfw_put_be64(p + bit / 8, value);
        return;
    }
    p += (bit / 32) * 4;
    if (width == 32) {
        cxfw_put_be32(p, (uint32_t)value);
        return;
    }
    shift = 32 - width - (bit % 32);
    mask = ((1u << width) - 1) << shift;
    dword = cxfw_be32(p);
    dword = (dword & ~mask) | (((uint32_t)value << shift) & mask);
    cxfw_put_be32(p, dword);
}

/* Byte size of a whole layout: CXFW_SIZEOF(enable_hca_out). */
#define CXFW_SIZEOF(layout) CXFW_SIZEOF_##layout
enum {
#define CXFW_SIZE(layout, bytes) CXFW_SIZEOF(layout) = (bytes),
#define CXFW_SIZE_OWN(layout, bytes) CXFW_SIZE(layout, bytes)
#include "cxfw-sizes.def"
#undef CXFW_SIZE_OWN
#undef CXFW_SIZE
};

typedef struct CxfwSizeInfo {
    const char *layout;
    uint32_t bytes;
    int ifc;                    /* 1: an mlx5_ifc structure, 0: cxsim's own */
} CxfwSizeInfo;

extern const CxfwSizeInfo cxfw_size_table[];
extern const unsigned cxfw_size_count;

/* The table behind the enum, for the layout check and the docs. */
typedef struct CxfwFieldInfo {
    const char *layout;
    const char *field;
    const char *ifc_path;       /* "-" when not an mlx5_ifc member */
    uint32_t bit;
    uint32_t width;
} CxfwFieldInfo;

extern const CxfwFieldInfo cxfw_field_table[];
extern const unsigned cxfw_field_count;

#endif
