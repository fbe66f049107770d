/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RESOURCE_DUMP register (ACCESS_REG 0xc000, read): a dump of one
 * segment of firmware state, in replies of whole units.
 *
 * A dump is a byte stream of segments, as the PRM and mlx5_core's
 * diag/rsc_dump.c read it: an info segment, a command segment echoing the
 * request, then
 *  - for segment_type 0xffff (the menu), a menu segment: num_of_records
 *    then one resource_dump_menu_record per segment offered;
 *  - for segment_type 0x1000 (the device dump), the CORE_DUMP image uid
 *    would get with cookie index2 << 32 | index1, in device segments of
 *    at most 64 bytes (a header, then the next at most 60 image bytes), so
 *    the same 2 MiB can be read inline or through a memory key;
 *  - for a table the menu lists, one resource segment per object the
 *    caller may see (cxfw-dump.c: its own, or every one for uid 0), in
 *    object number order, from the first whose number is index1 or more,
 *    num_of_obj1 of them (0 and 0xffff: all, up to 0xffff);
 *  - for any other segment_type, an error segment (syndrome_id 1);
 * then a terminate segment.
 *
 * The stream is made at the first read (more_dump 0): a snapshot, which
 * the later reads of the same dump deliver even if the state changes.  A
 * reply carries as many whole units as fit (a unit is a segment, or the
 * menu segment's header or one of its records: mlx5_core reads a menu
 * continued over several replies record by record), in inline_data (208
 * bytes, inline_dump 1) or written through memory key mkey at virtual
 * address `address`, at most `size` bytes (inline_dump 0), with the DMA
 * engine under the caller's uid.  The reply's size is the bytes it
 * carries.  When units remain, more_dump is 1 and the caller reads on
 * with the reply's more_dump, seq_num, segment_type, index1, index2,
 * num_of_obj1/2 and device_opaque; every reply's seq_num is the request's
 * plus one (4 bits, wrapping).
 *
 * One dump per uid is in progress: a new first read replaces it, the last
 * reply ends it, TEARDOWN_HCA, DISABLE_HCA and a reset discard it (and
 * a context's goes with the context).  A refused read changes nothing: a
 * dump that could not be written through the key is neither started nor
 * advanced, so the caller may retry.
 */
#include <string.h>

#include "cxfw-dump.h"

#define RD(field) CXFW_FLD(resource_dump, field)
#define INFO(field) CXFW_FLD(resource_dump_info_segment, field)
#define CMDSEG(field) CXFW_FLD(resource_dump_command_segment, field)
#define MENU(field) CXFW_FLD(resource_dump_menu_segment, field)
#define REC(field) CXFW_FLD(resource_dump_menu_record, field)
#define NAME_LEN 16
#define ALL_OBJECTS 0xffff
#define SEG_HEADER CXFW_SIZEOF(resource_dump_segment_header)
#define DEVICE_CHUNK (CXFW_RSC_DUMP_MIN_SIZE - SEG_HEADER)
/* device_opaque: the dump's serial (1, 2, ...) above its uid */
#define OPAQUE_SERIAL_SHIFT 16

/* What a dump was asked for: a continuation must ask for the same. */
typedef struct RscRequest {
    uint16_t segment_type;
    uint32_t index1, index2;
    uint16_t num_of_obj1, num_of_obj2;
} RscRequest;

struct CxfwRscDump {
    RscRequest rq;
    uint64_t opaque;            /* device_opaque of its replies */
    uint8_t seq;                /* the seq_num its next read must carry */
    GByteArray *bytes;          /* the stream */
    GArray *ends;               /* uint32_t: the end of each unit */
    guint next;                 /* the first unit not yet delivered */
};

G_STATIC_ASSERT(CXFW_SIZEOF(resource_dump_menu_record) <=
                CXFW_RSC_DUMP_MIN_SIZE);
G_STATIC_ASSERT(CXFW_SIZEOF(resource_dump_error_segment) <=
                CXFW_RSC_DUMP_MIN_SIZE);
G_STATIC_ASSERT(CXFW_RSC_DUMP_MIN_SIZE <= CXFW_RSC_DUMP_INLINE_LEN);
G_STATIC_ASSERT((RD(inline_data) >> 7) ==
                8 * (CXFW_SIZEOF(resource_dump) - CXFW_RSC_DUMP_INLINE_LEN));

void cxfw_rsc_dump_free(CxfwRscDump *d)
{
    if (d) {
        g_byte_array_unref(d->bytes);
        g_array_unref(d->ends);
        g_free(d);
    }
}

/* Append n units of len bytes each, zeroed; returns the first. */
static uint8_t *add_units(CxfwRscDump *d, uint32_t len, unsigned n)
{
    guint start = d->bytes->len;

    g_byte_array_set_size(d->bytes, start + len * n);
    memset(d->bytes->data + start, 0, (size_t)len * n);
    for (unsigned i = 1; i <= n; i++) {
        uint32_t end = start + len * i;

        g_array_append_val(d->ends, end);
    }
    return d->bytes->data + start;
}

/* A unit that is a whole segment of its layout's size. */
static uint8_t *add_segment(CxfwRscDump *d, uint16_t type, uint32_t len)
{
    uint8_t *seg = add_units(d, len, 1);

    cxfw_dump_segment_header(seg, type, len);
    return seg;
}

static void set_name(uint8_t *rec, CxfwFieldId f, const char *name)
{
    strncpy((char *)rec + cxfw_field_byte(f), name, NAME_LEN - 1);
}

/* The menu: the device dump, then every table, in segment type order. */
static void add_menu(CxfwRscDump *d)
{
    uint32_t rec_size = CXFW_SIZEOF(resource_dump_menu_record);
    unsigned n;
    const CxfwDumpTable *t = cxfw_dump_tables(&n);
    uint8_t *seg, *rec;

    /* the segment's length covers its records, which are units of their own */
    seg = add_units(d, CXFW_SIZEOF(resource_dump_menu_segment), 1);
    cxfw_dump_segment_header(seg, CXFW_DUMP_SEG_MENU,
                             CXFW_SIZEOF(resource_dump_menu_segment) +
                             (n + 1) * rec_size);
    cxfw_set(seg, MENU(num_of_records), n + 1);
    rec = add_units(d, rec_size, n + 1);
    cxfw_set(rec, REC(segment_type), CXFW_DUMP_SEG_DEVICE);
    cxfw_set(rec, REC(support_index1), 1);
    set_name(rec, REC(segment_name), "DEVICE");
    set_name(rec, REC(index1_name), "COOKIE_LOW");
    set_name(rec, REC(index2_name), "COOKIE_HIGH");
    rec += rec_size;
    for (unsigned i = 0; i < n; i++, rec += rec_size) {
        cxfw_set(rec, REC(segment_type), t[i].type);
        cxfw_set(rec, REC(support_index1), 1);
        cxfw_set(rec, REC(support_num_of_obj1), 1);
        cxfw_set(rec, REC(num_of_obj1_supports_all), 1);
        set_name(rec, REC(segment_name), t[i].name);
        set_name(rec, REC(index1_name), t[i].index1_name);
    }
}

static void add_table(Cxfw *fw, CxfwRscDump *d, uint16_t uid,
                      const CxfwDumpTable *t)
{
    uint32_t max = d->rq.num_of_obj1 ? d->rq.num_of_obj1 : ALL_OBJECTS;
    GArray *items = cxfw_dump_items(fw, t, uid, d->rq.index1, max, NULL);
    uint8_t *rec = add_units(d, cxfw_dump_record_size(t), items->len);

    cxfw_dump_records(fw, t, uid, (const CxfwDumpItem *)items->data,
                      items->len, rec);
    g_array_unref(items);
}

/* The device dump: the core dump image, 60 bytes a segment. */
static void add_device_dump(Cxfw *fw, CxfwRscDump *d, uint16_t uid)
{
    uint64_t cookie = (uint64_t)d->rq.index2 << 32 | d->rq.index1;
    const uint8_t *img = cxfw_core_image_build(fw, uid, cookie);
    guint start = d->bytes->len;
    unsigned chunks = (CXFW_CORE_DUMP_SIZE + DEVICE_CHUNK - 1) / DEVICE_CHUNK;

    /* one allocation for the 2 MiB, then the units in place */
    g_byte_array_set_size(d->bytes, start + chunks * CXFW_RSC_DUMP_MIN_SIZE);
    g_byte_array_set_size(d->bytes, start);
    for (uint32_t off = 0; off < CXFW_CORE_DUMP_SIZE; off += DEVICE_CHUNK) {
        uint32_t len = MIN(DEVICE_CHUNK, CXFW_CORE_DUMP_SIZE - off);
        uint8_t *seg = add_segment(d, CXFW_DUMP_SEG_DEVICE, SEG_HEADER + len);

        memcpy(seg + SEG_HEADER, img + off, len);
    }
}

static void add_error(CxfwRscDump *d, uint16_t syndrome_id, const char *text)
{
    uint8_t *seg = add_segment(d, CXFW_DUMP_SEG_ERROR,
                               CXFW_SIZEOF(resource_dump_error_segment));
    CxfwFieldId err = CXFW_FLD(resource_dump_error_segment, error);

    cxfw_set(seg, CXFW_FLD(resource_dump_error_segment, syndrome_id),
             syndrome_id);
    strncpy((char *)seg + cxfw_field_byte(err), text, 31);
}

/* The whole stream of a dump, as uid sees the state now. */
static CxfwRscDump *rsc_dump_new(Cxfw *fw, uint16_t uid, const RscRequest *rq,
                                 uint32_t vhca_id)
{
    CxfwRscDump *d = g_new0(CxfwRscDump, 1);
    const CxfwDumpTable *t;
    uint8_t *seg;

    d->rq = *rq;
    d->bytes = g_byte_array_new();
    d->ends = g_array_new(FALSE, FALSE, sizeof(uint32_t));

    seg = add_segment(d, CXFW_DUMP_SEG_INFO,
                      CXFW_SIZEOF(resource_dump_info_segment));
    cxfw_set(seg, INFO(dump_version), CXFW_RSC_DUMP_VERSION);
    cxfw_set(seg, INFO(hw_version), CXFW_HW_ID);
    cxfw_set(seg, INFO(fw_version), cxfw_health_fw_version(fw));

    seg = add_segment(d, CXFW_DUMP_SEG_COMMAND,
                      CXFW_SIZEOF(resource_dump_command_segment));
    cxfw_set(seg, CMDSEG(segment_called), rq->segment_type);
    cxfw_set(seg, CMDSEG(vhca_id), vhca_id);
    cxfw_set(seg, CMDSEG(index1), rq->index1);
    cxfw_set(seg, CMDSEG(index2), rq->index2);
    cxfw_set(seg, CMDSEG(num_of_obj1), rq->num_of_obj1);
    cxfw_set(seg, CMDSEG(num_of_obj2), rq->num_of_obj2);

    t = cxfw_dump_table_find(rq->segment_type);
    if (rq->segment_type == CXFW_DUMP_SEG_MENU) {
        add_menu(d);
    } else if (rq->segment_type == CXFW_DUMP_SEG_DEVICE) {
        add_device_dump(fw, d, uid);
    } else if (t) {
        add_table(fw, d, uid, t);
    } else {
        add_error(d, CXFW_RSC_DUMP_ERR_SEGMENT, "segment type not offered");
    }
    add_segment(d, CXFW_DUMP_SEG_TERMINATE,
                CXFW_SIZEOF(resource_dump_terminate_segment));
    return d;
}

static uint32_t unit_end(const CxfwRscDump *d, guint unit)
{
    return unit ? g_array_index(d->ends, uint32_t, unit - 1) : 0;
}

/* The units from d->next that fit in room bytes: their end unit. */
static guint units_fitting(const CxfwRscDump *d, uint32_t room)
{
    uint32_t start = unit_end(d, d->next);
    guint u = d->next;

    while (u < d->ends->len && unit_end(d, u + 1) - start <= room) {
        u++;
    }
    /* every unit fits the smallest room (CXFW_RSC_DUMP_MIN_SIZE) */
    g_assert(u > d->next);
    return u;
}

static CxfwRscDump **dump_slot(Cxfw *fw, uint16_t uid)
{
    /* dispatch let only uid 0 and live contexts through */
    return uid == CXFW_UID_KERNEL ? &fw->rsc_dump :
           &cxfw_uctx_find(fw, uid)->rsc_dump;
}

static RscRequest request_of(const uint8_t *in)
{
    return (RscRequest) {
        .segment_type = cxfw_get(in, RD(segment_type)),
        .index1 = cxfw_get(in, RD(index1)),
        .index2 = cxfw_get(in, RD(index2)),
        .num_of_obj1 = cxfw_get(in, RD(num_of_obj1)),
        .num_of_obj2 = cxfw_get(in, RD(num_of_obj2)),
    };
}

static bool request_equal(const RscRequest *a, const RscRequest *b)
{
    return a->segment_type == b->segment_type && a->index1 == b->index1 &&
           a->index2 == b->index2 && a->num_of_obj1 == b->num_of_obj1 &&
           a->num_of_obj2 == b->num_of_obj2;
}

uint8_t cxfw_rsc_dump_read(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                           uint8_t *data)
{
    bool inline_dump = cxfw_get(in, RD(inline_dump));
    uint8_t seq = cxfw_get(in, RD(seq_num));
    uint32_t size = cxfw_get(in, RD(size));
    RscRequest rq = request_of(in);
    CxfwRscDump **slot = dump_slot(fw, cmd->uid);
    CxfwRscDump *d, *fresh = NULL;
    uint32_t start, len;
    guint upto;

    if (!cxfw_dump_vhca_is_self(fw, cxfw_get(in, RD(vhca_id)))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_DUMP_VHCA_ID);
    }
    if (!inline_dump && size < CXFW_RSC_DUMP_MIN_SIZE) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_RSC_DUMP_SIZE);
    }
    if (cxfw_get(in, RD(more_dump))) {
        d = *slot;
        if (!d || d->opaque != cxfw_get(in, RD(device_opaque))) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_RSC_DUMP_STALE);
        }
        if (seq != d->seq) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_RSC_DUMP_SEQ);
        }
        if (!request_equal(&rq, &d->rq)) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_RSC_DUMP_MISMATCH);
        }
    } else {
        d = fresh = rsc_dump_new(fw, cmd->uid, &rq,
                                 cxfw_get(in, RD(vhca_id)));
    }

    upto = units_fitting(d, inline_dump ? CXFW_RSC_DUMP_INLINE_LEN : size);
    start = unit_end(d, d->next);
    len = unit_end(d, upto) - start;
    if (inline_dump) {
        memcpy(data + cxfw_field_byte(RD(inline_data)),
               d->bytes->data + start, len);
    } else {
        uint32_t synd;
        uint8_t status = cxfw_mkey_write(fw, cmd->uid, cxfw_get(in, RD(mkey)),
                                         cxfw_get(in, RD(address)),
                                         d->bytes->data + start, len, &synd);

        if (status != CXFW_STATUS_OK) {
            cxfw_rsc_dump_free(fresh);
            return cxfw_fail(cmd, status, synd);
        }
    }

    /* delivered: the dump advances (a new one replaces the uid's last) */
    if (fresh) {
        cxfw_rsc_dump_free(*slot);
        *slot = fresh;
        fresh->opaque = ++fw->rsc_dump_serial << OPAQUE_SERIAL_SHIFT |
                        cmd->uid;
    }
    d->next = upto;
    d->seq = (seq + 1) & 0xf;

    /* the reply: the request's fields, then where the dump stands */
    memcpy(data, in, cxfw_field_byte(RD(inline_data)));
    cxfw_set(data, RD(seq_num), d->seq);
    cxfw_set(data, RD(size), len);
    if (upto < d->ends->len) {
        cxfw_set(data, RD(more_dump), 1);
        cxfw_set(data, RD(device_opaque), d->opaque);
    } else {
        cxfw_set(data, RD(more_dump), 0);
        cxfw_set(data, RD(device_opaque), 0);
        cxfw_rsc_dump_free(d);
        *slot = NULL;
    }
    return CXFW_STATUS_OK;
}

/*
 * Migration (cxfw-state.c): the request, the reply's device_opaque, the
 * next seq_num, the stream, its unit ends and the next unit.
 */
GVariant *cxfw_rsc_dump_save(const CxfwRscDump *d)
{
    return g_variant_new(CXFW_RSC_DUMP_STATE_FORMAT, d->rq.segment_type,
                         d->rq.index1, d->rq.index2, d->rq.num_of_obj1,
                         d->rq.num_of_obj2, d->opaque, d->seq,
                         g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE,
                                                   d->bytes->data,
                                                   d->bytes->len, 1),
                         g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32,
                                                   d->ends->data,
                                                   d->ends->len,
                                                   sizeof(uint32_t)),
                         d->next);
}

CxfwRscDump *cxfw_rsc_dump_load(GVariant *v, uint16_t uid, uint64_t serial,
                                char **why)
{
    g_autoptr(GVariant) bytes = NULL;
    g_autoptr(GVariant) ends = NULL;
    CxfwRscDump *d;
    const uint32_t *end;
    const uint8_t *data;
    gsize n_bytes, n_ends;
    uint32_t last = 0;
    RscRequest rq;
    uint64_t opaque;
    uint32_t next;
    uint8_t seq;

    if (!g_variant_is_of_type(v, G_VARIANT_TYPE(CXFW_RSC_DUMP_STATE_TYPE))) {
        *why = g_strdup_printf("a resource dump of type %s",
                               g_variant_get_type_string(v));
        return NULL;
    }
    g_variant_get(v, CXFW_RSC_DUMP_STATE_FORMAT, &rq.segment_type,
                  &rq.index1, &rq.index2, &rq.num_of_obj1, &rq.num_of_obj2,
                  &opaque, &seq, &bytes, &ends, &next);
    data = g_variant_get_fixed_array(bytes, &n_bytes, 1);
    end = g_variant_get_fixed_array(ends, &n_ends, sizeof(uint32_t));
    /* units_fitting() relies on each: ascending, none over the minimum */
    for (gsize i = 0; i < n_ends; i++) {
        if (end[i] <= last || end[i] - last > CXFW_RSC_DUMP_MIN_SIZE) {
            *why = g_strdup_printf("resource dump unit %zu ends at %u",
                                   (size_t)i, end[i]);
            return NULL;
        }
        last = end[i];
    }
    /* a dump read to its end is gone: one in progress has units left */
    if (last != n_bytes || next >= n_ends || seq > 0xf) {
        *why = g_strdup_printf("resource dump of %zu bytes, %zu units, at "
                               "unit %u, seq %u", (size_t)n_bytes,
                               (size_t)n_ends, next, seq);
        return NULL;
    }
    /* as cxfw_rsc_dump_read made it: a serial already given, its uid */
    if ((uint16_t)opaque != uid || !(opaque >> OPAQUE_SERIAL_SHIFT) ||
        opaque >> OPAQUE_SERIAL_SHIFT > serial) {
        *why = g_strdup_printf("resource dump of uid %u with device_opaque "
                               "0x%" G_GINT64_MODIFIER "x: not its uid above "
                               "a serial of 1 to %" G_GUINT64_FORMAT, uid,
                               opaque, serial);
        return NULL;
    }
    d = g_new0(CxfwRscDump, 1);
    d->rq = rq;
    d->opaque = opaque;
    d->seq = seq;
    d->bytes = g_byte_array_sized_new(n_bytes);
    g_byte_array_append(d->bytes, data, n_bytes);
    d->ends = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), n_ends);
    g_array_append_vals(d->ends, end, n_ends);
    d->next = next;
    return d;
}
