/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "sequence": a program of well-formed commands with fuzzed
 * fields, decoded from the input, so that deep states are reached (user
 * contexts owning EQs and UARs, pages given and taken, teardown and reset
 * in the middle of it all).
 *
 * Besides the firmware's own invariants, a shadow model of who created
 * which EQ checks that no uid ever reaches another uid's EQ.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR(f) CXFW_FLD(create_eq_in, f)
/* pages the program may give to the firmware or use for EQs */
#define POOL_PAGES 32

typedef struct Program {
    const uint8_t *data;
    size_t size, pos;
} Program;

typedef struct State {
    FuzzHost *fh;
    uint16_t uid;               /* the uid commands are sent as */
    uint16_t uids[8];           /* contexts created */
    int32_t eq_owner[256];      /* shadow: creator uid of each live EQ, -1 */
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
    cxfw_set(in, HDR(opcode), opcode);
    cxfw_set(in, HDR(uid), s->uid);
    cxfw_set(in, HDR(op_mod), op_mod);
    return fuzz_exec(s->fh, in, inlen, out, outlen);
}

static void forget_eqs(State *s)
{
    for (unsigned i = 0; i < 256; i++) {
        s->eq_owner[i] = -1;
    }
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
        cxfw_set(in, CXFW_FLD(destroy_uctx_in, uid), s->uids[slot]);
        run(s, in, 16, CXFW_OP_DESTROY_UCTX, 0, out, sizeof(out));
    }
}

static void op_simple(State *s, uint16_t opcode, uint16_t op_mod)
{
    uint8_t in[32] = { 0 }, out[CXFW_SIZEOF(query_hca_cap_out)];
    uint8_t status = run(s, in, sizeof(in), opcode, op_mod, out, sizeof(out));

    /* these free every EQ: the shadow follows */
    if (status == 0 && (opcode == CXFW_OP_TEARDOWN_HCA ||
                        opcode == CXFW_OP_DISABLE_HCA)) {
        forget_eqs(s);
    }
}

static void op_doorbell(State *s, Program *p)
{
    /* a NOP in a queue at the canary's neighbour, one slot */
    uint64_t cmdq = FUZZ_CANARY - 8192;
    uint8_t *qe = s->fh->mem + (cmdq - FUZZ_MEM_BASE);
    unsigned slot = next(p) % 32;

    memset(qe + slot * 64, 0, 64);
    qe[slot * 64] = CXFW_CMD_TRANSPORT_PCIE;
    cxfw_put_be32(qe + slot * 64 + 4, 16);
    cxfw_put_be32(qe + slot * 64 + 0x38, 16);
    cxfw_put_be32(qe + slot * 64 + 0x10, (uint32_t)CXFW_OP_NOP << 16 |
                  s->uid);
    qe[slot * 64 + 0x3f] = next(p) & 1;     /* owned by hardware or not */
    cxfw_cmd_doorbell(s->fh->fw, 1u << slot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Program p = { data, size, 0 };
    State s = { .fh = fuzz_host_new() };
    uint8_t out[16];

    forget_eqs(&s);
    fuzz_bringup(s.fh);
    while (p.pos < p.size) {
        uint8_t op = next(&p);

        switch (op % 20) {
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
            forget_eqs(&s);
            break;
        case 15:
            cxfw_iseg_write(s.fh->fw, CXFW_ISEG_CMDQ_ADDR_L,
                            (uint32_t)(FUZZ_CANARY - 8192));
            forget_eqs(&s);
            break;
        case 16:
            cxfw_uar_write(s.fh->fw, 16 + next(&p) % 4,
                           (next(&p) & 1) ? CXFW_UAR_EQ_ARM :
                           CXFW_UAR_EQ_UPDATE,
                           (uint32_t)(next(&p) % 8) << 24 | next(&p));
            break;
        case 17: op_doorbell(&s, &p); break;
        case 18: op_simple(&s, CXFW_OP_QUERY_HCA_CAP, next(&p) & 3); break;
        default: op_simple(&s, CXFW_OP_QUERY_PAGES, 1 + next(&p) % 3); break;
        }
        fuzz_check(s.fh);
    }
    fuzz_host_free(s.fh);
    return 0;
}
