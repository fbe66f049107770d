/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "sequence": a program of well-formed commands with fuzzed
 * fields, decoded from the input, so that deep states are reached (user
 * contexts owning EQs and UARs, pages given and taken, teardown and reset
 * in the middle of it all), and migrations (save, load into a fresh
 * instance, go on there) between any two steps.
 *
 * Besides the firmware's own invariants, a shadow model of who created
 * which EQ, umem, PD and memory key checks that no uid ever reaches
 * another uid's object, that a context is never destroyed while it owns
 * memory objects, and that the DMA engine touches only pages registered
 * (read or write enabled) by the caller's own umems, and nothing at all
 * when it refuses an access, whether called directly or by a dump
 * register (RESOURCE_DUMP to memory, continued or not; CORE_DUMP).
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"
#include "cxfw-internal.h"      /* the DMA engine */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR(f) CXFW_FLD(create_eq_in, f)
#define RD(f) CXFW_FLD(resource_dump, f)
/* pages the program may give to the firmware or use for EQs */
#define POOL_PAGES 32

typedef struct Program {
    const uint8_t *data;
    size_t size, pos;
} Program;

#define SLOTS 8                 /* memory objects the shadow tracks, per type */

/* The shadow of a live umem, PD or memory key (number 0: a free slot). */
typedef struct Shadow {
    uint32_t number;
    uint16_t uid;
    uint64_t rd_pages, wr_pages;    /* umems: pages with rd_en / wr_en */
    uint32_t umem, pd;              /* mkeys: the umem they map, their PD */
    uint32_t key;                   /* mkeys: index << 8 | variant */
    uint64_t start;                 /* mkeys: start_addr */
} Shadow;

typedef struct ShadowTable {
    Shadow slot[SLOTS];
    unsigned untracked;         /* live objects created with no free slot */
} ShadowTable;

typedef struct State {
    FuzzHost *fh;
    uint16_t uid;               /* the uid commands are sent as */
    uint16_t uids[8];           /* contexts created */
    int32_t eq_owner[256];      /* shadow: creator uid of each live EQ, -1 */
    ShadowTable umems, pds, mkeys;
    uint8_t dump_reply[256];    /* the last RESOURCE_DUMP reply */
} State;

static uint8_t next(Program *p)
{
    return p->pos < p->size ? p->data[p->pos++] : 0;
}

static uint64_t pool_page(uint8_t n)
{
    return FUZZ_MEM_BASE + (uint64_t)(n % POOL_PAGES) * 4096;
}

static uint8_t run(State *s, uint8_t *in, uint32_t inlen, uint16_t opcode,
                   uint16_t op_mod, uint8_t *out, uint32_t outlen)
{
    return fuzz_cmd(s->fh, s->uid, opcode, op_mod, in, inlen, out, outlen);
}

/* Teardown, DISABLE_HCA and reset free every object: the shadow follows. */
static void forget_objects(State *s)
{
    for (unsigned i = 0; i < 256; i++) {
        s->eq_owner[i] = -1;
    }
    memset(&s->umems, 0, sizeof(s->umems));
    memset(&s->pds, 0, sizeof(s->pds));
    memset(&s->mkeys, 0, sizeof(s->mkeys));
}

static void op_create_eq(State *s, Program *p)
{
    uint8_t in[CXFW_SIZEOF(create_eq_in) + 4 * 8] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_eq_out)];
    uint8_t log_size = next(p) % 8;
    uint8_t first = next(p);

    cxfw_set(in, HDR(eqc_log_eq_size), log_size);
    cxfw_set(in, HDR(eqc_uar_page), 16 + next(p) % 4);
    cxfw_set(in, HDR(eqc_intr), next(p) % (FUZZ_MSIX + 1));
    cxfw_put_be64(in + cxfw_field_byte(HDR(event_bitmask)),
                  (next(p) & 1) ? 1ull << CXFW_EVENT_CMD : 0);
    for (unsigned i = 0; i < 4; i++) {
        cxfw_put_be64(in + cxfw_field_byte(HDR(pas)) + 8 * i,
                      pool_page(first + i));
    }
    if (run(s, in, sizeof(in), CXFW_OP_CREATE_EQ, 0, out, sizeof(out)) == 0) {
        uint8_t eqn = cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));

        if (s->eq_owner[eqn] != -1) {
            fuzz_fail("EQ %u handed out twice", eqn);
        }
        s->eq_owner[eqn] = s->uid;
    }
}

/* DESTROY_EQ or QUERY_EQ: success only for the creator's uid. */
static void op_eq_access(State *s, Program *p, uint16_t opcode)
{
    uint8_t in[16] = { 0 }, out[CXFW_SIZEOF(query_eq_out)];
    uint8_t eqn = next(p) % 8;

    cxfw_set(in, CXFW_FLD(destroy_eq_in, eq_number), eqn);
    if (run(s, in, sizeof(in), opcode, 0, out, sizeof(out)) == 0) {
        if (s->eq_owner[eqn] != s->uid) {
            fuzz_fail("uid %u reached EQ %u of uid %d", s->uid, eqn,
                      s->eq_owner[eqn]);
        }
        if (opcode == CXFW_OP_DESTROY_EQ) {
            s->eq_owner[eqn] = -1;
        }
    }
}

static void op_pages(State *s, Program *p, bool give)
{
    uint8_t in[16 + 8 * 8] = { 0 }, out[16 + 8 * 8];
    uint8_t n = next(p) % 9;

    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), n);
    for (unsigned i = 0; i < n; i++) {
        /* pool pages 24..31: never EQ pages, never the canary */
        cxfw_put_be64(in + 16 + 8 * i, pool_page(24 + next(p) % 8));
    }
    run(s, in, sizeof(in), CXFW_OP_MANAGE_PAGES,
        give ? CXFW_PAGES_GIVE : CXFW_PAGES_TAKE, out, sizeof(out));
}

static void op_uctx(State *s, Program *p, bool create)
{
    uint8_t in[CXFW_SIZEOF(create_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_uctx_out)];
    uint8_t slot = next(p) % 8;

    if (create) {
        cxfw_set(in, CXFW_FLD(create_uctx_in, cap), next(p) & 0xf);
        if (run(s, in, sizeof(in), CXFW_OP_CREATE_UCTX, 0, out,
                sizeof(out)) == 0) {
            s->uids[slot] = cxfw_get(out, CXFW_FLD(create_uctx_out, uid));
        }
    } else {
        ShadowTable *tables[] = { &s->umems, &s->pds, &s->mkeys };
        uint16_t uid = s->uids[slot];

        cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), uid);
        if (run(s, in, 16, CXFW_OP_DESTROY_UCTX, 0, out, sizeof(out))) {
            return;
        }
        for (unsigned t = 0; t < G_N_ELEMENTS(tables); t++) {
            for (unsigned i = 0; i < SLOTS; i++) {
                if (tables[t]->slot[i].number && tables[t]->slot[i].uid ==
                    uid) {
                    fuzz_fail("uid %u destroyed while owning object %u",
                              uid, tables[t]->slot[i].number);
                }
            }
        }
    }
}

/* ---- memory objects ---- */

static Shadow *shadow_find(ShadowTable *t, uint32_t number)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        if (number && t->slot[i].number == number) {
            return &t->slot[i];
        }
    }
    return NULL;
}

/* Record a new object; the firmware must not hand a live number out. */
static Shadow *shadow_add(State *s, ShadowTable *t, uint32_t number)
{
    if (!number || shadow_find(t, number)) {
        fuzz_fail("object number %u handed out twice (or 0)", number);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        if (!t->slot[i].number) {
            t->slot[i] = (Shadow) { .number = number, .uid = s->uid };
            return &t->slot[i];
        }
    }
    t->untracked++;
    return NULL;
}

/*
 * The object a command that succeeded reached: it must be the caller's.
 * NULL when the shadow cannot tell (an untracked object).
 */
static Shadow *shadow_reached(State *s, ShadowTable *t, uint32_t number,
                              const char *what)
{
    Shadow *o = shadow_find(t, number);

    if (!o && !t->untracked) {
        fuzz_fail("uid %u reached %s %u, which does not exist", s->uid, what,
                  number);
    }
    if (o && o->uid != s->uid) {
        fuzz_fail("uid %u reached %s %u of uid %u", s->uid, what, number,
                  o->uid);
    }
    return o;
}

/* A number to name an object by: a tracked one (maybe freed) or any. */
static uint32_t pick(ShadowTable *t, Program *p)
{
    uint8_t b = next(p);

    return b < 0xf0 ? t->slot[b % SLOTS].number : next(p) | b << 8;
}

static void op_create_umem(State *s, Program *p)
{
    uint8_t in[CXFW_SIZEOF(create_umem_in) + 4 * 8] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_umem_out)];
    uint8_t *umem = in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem));
    uint8_t *mtt = umem + cxfw_field_byte(CXFW_FLD(umem, mtt));
    unsigned n = 1 + next(p) % 4, log = next(p) % 4 == 3;
    uint64_t rd = 0, wr = 0;
    Shadow *o;

    cxfw_set(umem, CXFW_FLD(umem, log_page_size), log);
    cxfw_set(umem, CXFW_FLD(umem, page_offset), next(p) * 40);
    cxfw_set(umem, CXFW_FLD(umem, num_of_mtt), n + (next(p) == 0xff));
    for (unsigned i = 0; i < n; i++) {
        /* page 0..31, access bits, now and then a reserved bit */
        uint8_t b = next(p);
        unsigned page = b & 0x1f, access = (b >> 5) & 3;
        uint64_t pages = ((2ull << log) - 1) << page;

        cxfw_put_be64(mtt + 8 * i, pool_page(page) | access |
                      ((b & 0x80) ? 0x4 : 0));
        rd |= (access & 1) ? pages : 0;
        wr |= (access & 2) ? pages : 0;
    }
    if (run(s, in, sizeof(in) - 8 * (4 - n), CXFW_OP_CREATE_UMEM, 0, out,
            sizeof(out)) == 0) {
        o = shadow_add(s, &s->umems, cxfw_get(out, CXFW_FLD(create_umem_out,
                                                            umem_id)));
        if (o) {
            o->rd_pages = rd;
            o->wr_pages = wr;
        }
    }
}

/* DESTROY/QUERY_UMEM, DEALLOC_PD, DESTROY/QUERY_MKEY by number. */
static void op_object(State *s, Program *p, ShadowTable *t, uint16_t opcode,
                      bool destroy)
{
    uint8_t in[16] = { 0 }, out[CXFW_SIZEOF(query_mkey_out)];
    uint32_t number = pick(t, p);
    Shadow *o;

    cxfw_set(in, CXFW_FLD(destroy_umem_in, umem_id), number);
    if (run(s, in, sizeof(in), opcode, 0, out, sizeof(out))) {
        return;
    }
    o = shadow_reached(s, t, number, cxfw_opcode_name(opcode));
    if (!destroy) {
        return;
    }
    /* a umem or PD goes only when no tracked key uses it */
    for (unsigned i = 0; i < SLOTS; i++) {
        Shadow *k = &s->mkeys.slot[i];

        if (k->number && ((t == &s->umems && k->umem == number) ||
                          (t == &s->pds && k->pd == number))) {
            fuzz_fail("%s %u while key %u uses it", cxfw_opcode_name(opcode),
                      number, k->number);
        }
    }
    if (o) {
        memset(o, 0, sizeof(*o));
    } else {
        t->untracked--;
    }
}

static void op_alloc_pd(State *s)
{
    uint8_t in[16] = { 0 }, out[16];

    if (run(s, in, sizeof(in), CXFW_OP_ALLOC_PD, 0, out, sizeof(out)) == 0) {
        shadow_add(s, &s->pds, cxfw_get(out, CXFW_FLD(alloc_pd_out, pd)));
    }
}

static void op_create_mkey(State *s, Program *p)
{
    uint8_t in[CXFW_SIZEOF(create_mkey_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_mkey_out)];
    uint8_t *mkc = in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));
    uint32_t pd = pick(&s->pds, p), umem = pick(&s->umems, p);
    uint8_t flags = next(p), variant = next(p);
    uint64_t start = (flags & 8) ? UINT64_MAX - next(p) * 4096 :
                     0x7f0000000000ull + next(p) * 0x10000ull;
    Shadow *o;

    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_valid), !(flags & 1));
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_id), umem);
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_offset), next(p) * 64);
    cxfw_set(mkc, CXFW_FLD(mkc, access_mode_1_0),
             (flags & 2) ? 0 : CXFW_MKC_ACCESS_MODE_MTT);
    cxfw_set(mkc, CXFW_FLD(mkc, length64), !!(flags & 4));
    cxfw_set(mkc, CXFW_FLD(mkc, lr), !!(flags & 0x10));
    cxfw_set(mkc, CXFW_FLD(mkc, lw), !!(flags & 0x20));
    cxfw_set(mkc, CXFW_FLD(mkc, rw), !!(flags & 0x40));
    cxfw_set(mkc, CXFW_FLD(mkc, mkey_7_0), variant);
    cxfw_set(mkc, CXFW_FLD(mkc, pd), pd);
    cxfw_set(mkc, CXFW_FLD(mkc, start_addr), start);
    cxfw_set(mkc, CXFW_FLD(mkc, len), next(p) * 128);
    if (run(s, in, sizeof(in), CXFW_OP_CREATE_MKEY, 0, out, sizeof(out))) {
        return;
    }
    shadow_reached(s, &s->pds, pd, "PD");
    shadow_reached(s, &s->umems, umem, "umem");
    o = shadow_add(s, &s->mkeys, cxfw_get(out, CXFW_FLD(create_mkey_out,
                                                        mkey_index)));
    if (o) {
        o->umem = umem;
        o->pd = pd;
        o->key = o->number << 8 | variant;
        o->start = start;
    }
}

/*
 * From now on every host DMA must fall in the pages the caller's own umems
 * enable (any pool page while the shadow lost track of some umem).
 */
static void watch_caller(State *s)
{
    FuzzHost *fh = s->fh;

    fh->dma_read_ok = fh->dma_write_ok = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        if (s->umems.slot[i].number && s->umems.slot[i].uid == s->uid) {
            fh->dma_read_ok |= s->umems.slot[i].rd_pages;
            fh->dma_write_ok |= s->umems.slot[i].wr_pages;
        }
    }
    if (s->umems.untracked) {
        fh->dma_read_ok = fh->dma_write_ok = (1ull << 32) - 1;
    }
    fh->dma_watch = true;
    fh->dma_calls = 0;
}

/* A refusal moved nothing (a host failure may have moved some). */
static void refused_quietly(State *s, uint8_t status, uint32_t synd)
{
    if (status && synd != CXFW_SYND_DMA_HOST_FAILED && s->fh->dma_calls) {
        fuzz_fail("DMA engine refused (syndrome 0x%x) after %u host calls",
                  synd, s->fh->dma_calls);
    }
}

/* A key to name: a tracked one (corrupted now and then) or any. */
static uint32_t pick_key(State *s, Program *p, uint64_t *start)
{
    uint8_t b = next(p);
    Shadow *k = &s->mkeys.slot[b % SLOTS];
    uint32_t key = k->key ^ ((b & 0x80) ? 1 : 0);

    *start = k->start;
    if ((b & 0x70) == 0x70) {
        key = next(p) << 8;
        key |= next(p);
    }
    return key;
}

/*
 * The DMA engine through a key: it may touch only pages the caller's
 * umems enable, and nothing when it refuses.
 */
static void op_dma(State *s, Program *p, bool write)
{
    static uint8_t buf[5 * 8192];
    FuzzHost *fh = s->fh;
    uint64_t start;
    uint32_t key = pick_key(s, p, &start);
    uint64_t va = start + next(p) * 61;
    size_t len = next(p) * 167u;
    uint32_t synd = 0;
    uint8_t status;

    len = MIN(len, sizeof(buf));
    memset(buf, key, len);
    watch_caller(s);
    status = write ?
        cxfw_mkey_write(fh->fw, s->uid, key, va, buf, len, &synd) :
        cxfw_mkey_read(fh->fw, s->uid, key, va, buf, len, &synd);
    fh->dma_watch = false;
    refused_quietly(s, status, synd);
    if (status == 0) {
        Shadow *o = shadow_reached(s, &s->mkeys, key >> 8, "mkey");

        if (o && o->key != key) {
            fuzz_fail("DMA through key 0x%x accepted, the key is 0x%x", key,
                      o->key);
        }
        if (len && !fh->dma_calls) {
            fuzz_fail("DMA engine reported %zu bytes moved, none were", len);
        }
    }
}

/* ACCESS_REG read of a dump register with reg (size bytes) as input. */
static uint8_t dump_read(State *s, uint16_t reg_id, const uint8_t *reg,
                         uint32_t size, uint8_t *out, uint32_t *synd)
{
    uint8_t in[16 + 256] = { 0 }, res[16 + 256];
    uint8_t status;

    cxfw_set(in, CXFW_FLD(access_register_in, register_id), reg_id);
    memcpy(in + 16, reg, size);
    watch_caller(s);
    status = run(s, in, 16 + size, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ, res,
                 16 + size);
    s->fh->dma_watch = false;
    *synd = cxfw_get(res, CXFW_FLD(query_pages_out, syndrome));
    refused_quietly(s, status, *synd);
    memcpy(out, res + 16, size);
    return status;
}

/*
 * RESOURCE_DUMP: a first read of some segment, or the continuation of the
 * last reply (its fields corrupted now and then), inline or through a key.
 */
static void op_rsc_dump(State *s, Program *p)
{
    static const uint16_t types[] = {
        CXFW_DUMP_SEG_MENU, CXFW_DUMP_SEG_UCTX, CXFW_DUMP_SEG_UMEM,
        CXFW_DUMP_SEG_MKEY, CXFW_DUMP_SEG_PD, CXFW_DUMP_SEG_EQ,
        CXFW_DUMP_SEG_UAR, CXFW_DUMP_SEG_PAGES, CXFW_DUMP_SEG_COUNTERS,
        CXFW_DUMP_SEG_TERMINATE, 0x1234,
    };
    uint8_t reg[256] = { 0 }, out[256];
    uint8_t how = next(p);
    uint64_t start;
    uint32_t synd;

    if (how & 1) {
        memcpy(reg, s->dump_reply, sizeof(reg));
        if (how & 2) {
            cxfw_set(reg, RD(seq_num), next(p));
        }
        if (how & 4) {
            cxfw_set(reg, RD(device_opaque), next(p));
        }
    } else {
        cxfw_set(reg, RD(segment_type), types[next(p) % G_N_ELEMENTS(types)]);
        cxfw_set(reg, RD(index1), next(p) % 4);
        cxfw_set(reg, RD(num_of_obj1), next(p) % 4);
    }
    cxfw_set(reg, RD(inline_dump), !(how & 8));
    if (how & 8) {
        cxfw_set(reg, RD(mkey), pick_key(s, p, &start));
        cxfw_set(reg, RD(address), start + next(p) * 61);
        cxfw_set(reg, RD(size), next(p) * 23u);
    }
    if (dump_read(s, CXFW_REG_RESOURCE_DUMP, reg, sizeof(reg), out, &synd)) {
        return;
    }
    if (cxfw_get(out, RD(seq_num)) != ((cxfw_get(reg, RD(seq_num)) + 1) &
                                       0xf) ||
        cxfw_get(out, RD(size)) > ((how & 8) ? cxfw_get(reg, RD(size)) :
                                   CXFW_RSC_DUMP_INLINE_LEN)) {
        fuzz_fail("RESOURCE_DUMP reply: seq_num %u after %u, size %u",
                  (unsigned)cxfw_get(out, RD(seq_num)),
                  (unsigned)cxfw_get(reg, RD(seq_num)),
                  (unsigned)cxfw_get(out, RD(size)));
    }
    memcpy(s->dump_reply, out, sizeof(out));
}

/* CORE_DUMP: refused short of 2 MiB, which no fuzzed umem reaches. */
static void op_core_dump(State *s, Program *p)
{
    uint8_t reg[CXFW_SIZEOF(core_dump_reg)] = { 0 }, out[sizeof(reg)];
    uint8_t b = next(p);
    uint64_t start;
    uint32_t synd;

    cxfw_set(reg, CXFW_FLD(core_dump_reg, core_dump_type), b % 4);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, mkey), pick_key(s, p, &start));
    cxfw_set(reg, CXFW_FLD(core_dump_reg, address), start + next(p) * 64);
    cxfw_set(reg, CXFW_FLD(core_dump_reg, size),
             (b & 4) ? CXFW_CORE_DUMP_SIZE : next(p) << 12);
    if (dump_read(s, CXFW_REG_CORE_DUMP, reg, sizeof(reg), out, &synd) == 0) {
        fuzz_fail("CORE_DUMP into a key of at most 32 KiB succeeded");
    }
}

static void op_simple(State *s, uint16_t opcode, uint16_t op_mod)
{
    uint8_t in[32] = { 0 }, out[CXFW_SIZEOF(query_hca_cap_out)];
    uint8_t status = run(s, in, sizeof(in), opcode, op_mod, out, sizeof(out));

    /* these free every EQ: the shadow follows */
    if (status == 0 && (opcode == CXFW_OP_TEARDOWN_HCA ||
                        opcode == CXFW_OP_DISABLE_HCA)) {
        forget_objects(s);
    }
}

static void op_doorbell(State *s, Program *p)
{
    /* a NOP in a queue at the canary's neighbour, one slot */
    unsigned slot = next(p) % 32;

    fuzz_queue_nop(s->fh, FUZZ_CANARY - 8192, slot, s->uid, next(p) & 1);
    cxfw_cmd_doorbell(s->fh->fw, 1u << slot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Program p = { data, size, 0 };
    State s = { .fh = fuzz_host_new() };
    uint8_t out[16];

    forget_objects(&s);
    fuzz_bringup(s.fh);
    while (p.pos < p.size) {
        uint8_t op = next(&p);

        /* 0..18 as in the first seeds, memory objects from 20, dumps 30 */
        switch (op % 32) {
        case 0: op_create_eq(&s, &p); break;
        case 1: op_eq_access(&s, &p, CXFW_OP_DESTROY_EQ); break;
        case 2: op_eq_access(&s, &p, CXFW_OP_QUERY_EQ); break;
        case 3: op_simple(&s, CXFW_OP_ALLOC_UAR, 0); break;
        case 4: {
            uint8_t in[16] = { 0 };

            cxfw_set(in, CXFW_FLD(dealloc_uar_in, uar), 16 + next(&p) % 6);
            run(&s, in, sizeof(in), CXFW_OP_DEALLOC_UAR, 0, out, 16);
            break;
        }
        case 5: op_uctx(&s, &p, true); break;
        case 6: op_uctx(&s, &p, false); break;
        case 7: s.uid = (next(&p) & 1) ? s.uids[next(&p) % 8] : 0; break;
        case 8: op_pages(&s, &p, true); break;
        case 9: op_pages(&s, &p, false); break;
        case 10: op_simple(&s, CXFW_OP_INIT_HCA, 0); break;
        case 11: op_simple(&s, CXFW_OP_TEARDOWN_HCA, 0); break;
        case 12: op_simple(&s, CXFW_OP_ENABLE_HCA, 0); break;
        case 13: op_simple(&s, CXFW_OP_DISABLE_HCA, 0); break;
        case 14:
            cxfw_reset(s.fh->fw);
            forget_objects(&s);
            break;
        case 15:
            cxfw_iseg_write(s.fh->fw, CXFW_ISEG_CMDQ_ADDR_L,
                            (uint32_t)(FUZZ_CANARY - 8192));
            forget_objects(&s);
            break;
        case 16:
            cxfw_uar_write(s.fh->fw, 16 + next(&p) % 4,
                           (next(&p) & 1) ? CXFW_UAR_EQ_ARM :
                           CXFW_UAR_EQ_UPDATE,
                           (uint32_t)(next(&p) % 8) << 24 | next(&p));
            break;
        case 17: op_doorbell(&s, &p); break;
        case 18: op_simple(&s, CXFW_OP_QUERY_HCA_CAP, next(&p) & 3); break;
        /* the program goes on in a migrated firmware, the same state */
        case 19: fuzz_migrate(s.fh); break;
        case 20: op_create_umem(&s, &p); break;
        case 21:
            op_object(&s, &p, &s.umems, CXFW_OP_DESTROY_UMEM, true);
            break;
        case 22:
            op_object(&s, &p, &s.umems, CXFW_OP_QUERY_UMEM, false);
            break;
        case 23: op_alloc_pd(&s); break;
        case 24: op_object(&s, &p, &s.pds, CXFW_OP_DEALLOC_PD, true); break;
        case 25: op_create_mkey(&s, &p); break;
        case 26:
            op_object(&s, &p, &s.mkeys, CXFW_OP_DESTROY_MKEY, true);
            break;
        case 27:
            op_object(&s, &p, &s.mkeys, CXFW_OP_QUERY_MKEY, false);
            break;
        case 28: op_dma(&s, &p, true); break;
        case 29: op_dma(&s, &p, false); break;
        case 30: op_rsc_dump(&s, &p); break;
        case 31: op_core_dump(&s, &p); break;
        default: op_simple(&s, CXFW_OP_QUERY_PAGES, 1 + next(&p) % 3); break;
        }
        fuzz_check(s.fh);
    }
    fuzz_host_free(s.fh);
    return 0;
}
