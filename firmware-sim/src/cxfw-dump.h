/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dumps of firmware state: the object tables as dump records
 * (cxfw-dump.c), shared by the RESOURCE_DUMP register (cxfw-rsc-dump.c)
 * and the CORE_DUMP register (cxfw-core-dump.c), and the CRC-32 the core
 * dump image carries (cxfw-crc32.c).
 */
#ifndef CXFW_DUMP_H
#define CXFW_DUMP_H

#include "cxfw-internal.h"

/*
 * One object a dump shows: its sort key (the object's number; a page's
 * address), the record's index1 (the number; a page's position in address
 * order) and index2 (the owner's uid).
 */
typedef struct CxfwDumpItem {
    uint64_t key;
    uint32_t index1;
    uint16_t owner;
    const void *obj;
} CxfwDumpItem;

/*
 * A table of firmware state a dump offers: RESOURCE_DUMP segment type
 * `type` lists it as one resource segment per object (16-byte
 * resource_dump_resource_segment, then `payload` bytes of the table's own
 * layout); the CORE_DUMP image has a section of the same records.
 *
 * The visibility rule, in collect: uid 0 sees every object, a user
 * context only the objects it owns (device-wide things, such as the pages
 * the driver gave, are uid 0's).
 */
typedef struct CxfwDumpTable {
    uint16_t type;
    const char *name;           /* menu segment_name (at most 15 chars) */
    const char *index1_name;    /* what index1 selects (menu index1_name) */
    uint32_t payload;           /* bytes after the resource segment header */
    bool ordinal;               /* index1 is the position in key order */
    size_t objects;             /* numbered objects: offsetof their table */
    /* append the items uid may see, in any order */
    void (*collect)(Cxfw *fw, const struct CxfwDumpTable *t, uint16_t uid,
                    GArray *items);
    /* the item's payload (zeroed, payload bytes) as uid sees it */
    void (*fill)(Cxfw *fw, uint16_t uid, const CxfwDumpItem *item,
                 uint8_t *payload);
} CxfwDumpTable;

/* Every table, in segment type order. */
const CxfwDumpTable *cxfw_dump_tables(unsigned *count);
const CxfwDumpTable *cxfw_dump_table_find(uint16_t type);
/* Bytes of one record of the table (header and payload). */
uint32_t cxfw_dump_record_size(const CxfwDumpTable *t);
/*
 * The items of table t that uid may see, in key order, from the first
 * whose index1 is at least first, at most max of them (a GArray of
 * CxfwDumpItem, free it with g_array_unref).  *total, when not NULL, gets
 * the number uid may see from first on, max or not.
 */
GArray *cxfw_dump_items(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                        uint32_t first, uint32_t max, uint32_t *total);
/* Write the records of items[0..n) to dst (n * record size bytes). */
void cxfw_dump_records(Cxfw *fw, const CxfwDumpTable *t, uint16_t uid,
                       const CxfwDumpItem *items, unsigned n, uint8_t *dst);
/* A segment header: type and length (bytes, a multiple of 4). */
void cxfw_dump_segment_header(uint8_t *seg, uint16_t type, uint32_t bytes);
/* vhca_id names this function (cap vhca_id). */
bool cxfw_dump_vhca_is_self(Cxfw *fw, uint32_t vhca_id);

/* ACCESS_REG read handlers; in is the register's input (size bytes). */
uint8_t cxfw_rsc_dump_read(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                           uint8_t *data);
uint8_t cxfw_core_dump_read(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                            uint8_t *data);

/* A resource dump in progress (one per uid), and its end. */
void cxfw_rsc_dump_free(CxfwRscDump *d);
/*
 * Migration of a dump in progress (cxfw-state.c): uid's, with serial the
 * firmware's rsc_dump_serial; NULL and *why if bad.
 */
#define CXFW_RSC_DUMP_STATE_TYPE "(quuqqtyayauu)"
/*
 * Its fields, for g_variant_new/get: segment_type, index1, index2,
 * num_of_obj1, num_of_obj2, device_opaque, seq_num, the stream, the unit
 * ends, the next unit.
 */
#define CXFW_RSC_DUMP_STATE_FORMAT "(quuqqty@ay@auu)"
GVariant *cxfw_rsc_dump_save(const CxfwRscDump *d);
CxfwRscDump *cxfw_rsc_dump_load(GVariant *v, uint16_t uid, uint64_t serial,
                                char **why);
/* The core dump image buffer, kept between dumps. */
void cxfw_core_image_free(CxfwCoreImage *img);
/*
 * The CORE_DUMP image for uid with cookie (CXFW_CORE_DUMP_SIZE bytes),
 * written into the kept buffer: valid until the next image is built.
 */
const uint8_t *cxfw_core_image_build(Cxfw *fw, uint16_t uid, uint64_t cookie);

/*
 * CRC-32 as zlib's crc32() computes it (ISO-HDLC: reflected polynomial
 * 0xedb88320, initial value and final xor 0xffffffff): crc is the CRC of
 * the bytes before buf (0 for none).  cxfw_crc32_combine() gives the CRC
 * of A followed by B from the CRCs of A and of B and B's length.
 */
uint32_t cxfw_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t cxfw_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

#endif
