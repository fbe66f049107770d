/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-state's seeds: states saved from the fuzz host's own firmware (the
 * device the target loads them into) after running commands against it,
 * so that every seed is a state the firmware reached.  From power-on to a
 * busy firmware with something in almost every section; small, as the
 * state of a firmware always carries its 4 KiB of capabilities.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"
#include "fuzz-seeds.h"
#include "cxfw-internal.h"      /* the diagnostic counter table */

#define CMDQ (FUZZ_CANARY - 8192)       /* the queue fuzz-sequence uses */
#define PAGE(n) (FUZZ_MEM_BASE + (uint64_t)(n) * 4096)
#define EQ(f) CXFW_FLD(create_eq_in, f)
#define CTX(f) CXFW_FLD(diagnostic_params_context, f)
#define MKEY_VA 0x7f0000000000ull

static void save_state(FuzzHost *fh, const char *dir, const char *name)
{
    g_autoptr(GBytes) state = fuzz_state_save(fh);
    gsize len;
    const void *data = g_bytes_get_data(state, &len);

    fuzz_seed_save(dir, name, data, len);
}

/* A command the seed needs: its failure is a bug here. */
static uint32_t must(FuzzHost *fh, uint16_t uid, uint16_t opcode,
                     uint16_t op_mod, uint8_t *in, uint32_t inlen,
                     uint8_t *out, uint32_t outlen, CxfwFieldId result)
{
    if (fuzz_cmd(fh, uid, opcode, op_mod, in, inlen, out, outlen)) {
        fuzz_fail("state seed: %s as uid %u failed, syndrome 0x%x",
                  cxfw_opcode_name(opcode), uid,
                  (unsigned)cxfw_get(out, CXFW_FLD(query_pages_out,
                                                   syndrome)));
    }
    return result ? cxfw_get(out, result) : 0;
}

static uint32_t must_simple(FuzzHost *fh, uint16_t uid, uint16_t opcode,
                            CxfwFieldId result)
{
    uint8_t in[16] = { 0 }, out[16] = { 0 };

    return must(fh, uid, opcode, 0, in, sizeof(in), out, sizeof(out),
                result);
}

/* A host whose queue is in guest memory, HCA initialized. */
static FuzzHost *brought_up(uint32_t *uar)
{
    FuzzHost *fh = fuzz_host_new();

    /* the queue address first: writing it resets the firmware */
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMDQ_ADDR_H, 0);
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMDQ_ADDR_L, (uint32_t)CMDQ);
    *uar = fuzz_bringup(fh);
    return fh;
}

/* A one-page EQ of 64 entries at page, subscribed to events or not. */
static uint8_t eq_new(FuzzHost *fh, uint16_t uid, uint32_t uar,
                      unsigned page, uint64_t events)
{
    uint8_t in[CXFW_SIZEOF(create_eq_in) + 8] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_eq_out)] = { 0 };

    cxfw_set(in, EQ(eqc_log_eq_size), 6);
    cxfw_set(in, EQ(eqc_uar_page), uar);
    cxfw_set(in, EQ(eqc_intr), 1);
    cxfw_put_be64(in + cxfw_field_byte(EQ(event_bitmask)), events);
    cxfw_put_be64(in + cxfw_field_byte(EQ(pas)), PAGE(page));
    return must(fh, uid, CXFW_OP_CREATE_EQ, 0, in, sizeof(in), out,
                sizeof(out), CXFW_FLD(create_eq_out, eq_number));
}

/* Two pages the driver gives the firmware. */
static void pages_give(FuzzHost *fh)
{
    uint8_t in[16 + 2 * 8] = { 0 }, out[16] = { 0 };

    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), 2);
    cxfw_put_be64(in + 16, PAGE(24));
    cxfw_put_be64(in + 24, PAGE(25));
    must(fh, 0, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE, in, sizeof(in), out,
         sizeof(out), 0);
}

/* A umem of two pages (read and write), a PD and a key over all of it. */
static void key_new(FuzzHost *fh, uint16_t uid, unsigned page)
{
    uint8_t umem_in[CXFW_SIZEOF(create_umem_in) + 2 * 8] = { 0 };
    uint8_t key_in[CXFW_SIZEOF(create_mkey_in)] = { 0 };
    uint8_t out[64] = { 0 };
    uint8_t *umem = umem_in + cxfw_field_byte(CXFW_FLD(create_umem_in,
                                                       umem));
    uint8_t *mtt = umem + cxfw_field_byte(CXFW_FLD(umem, mtt));
    uint8_t *mkc = key_in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));
    uint32_t id, pd;

    cxfw_set(umem, CXFW_FLD(umem, num_of_mtt), 2);
    for (unsigned i = 0; i < 2; i++) {
        cxfw_put_be64(mtt + 8 * i, PAGE(page + i) | CXFW_UMEM_PAGE_FLAGS);
    }
    id = must(fh, uid, CXFW_OP_CREATE_UMEM, 0, umem_in, sizeof(umem_in), out,
              sizeof(out), CXFW_FLD(create_umem_out, umem_id));
    pd = must_simple(fh, uid, CXFW_OP_ALLOC_PD, CXFW_FLD(alloc_pd_out, pd));
    cxfw_set(key_in, CXFW_FLD(create_mkey_in, mkey_umem_valid), 1);
    cxfw_set(key_in, CXFW_FLD(create_mkey_in, mkey_umem_id), id);
    cxfw_set(mkc, CXFW_FLD(mkc, access_mode_1_0), CXFW_MKC_ACCESS_MODE_MTT);
    cxfw_set(mkc, CXFW_FLD(mkc, lr), 1);
    cxfw_set(mkc, CXFW_FLD(mkc, lw), 1);
    cxfw_set(mkc, CXFW_FLD(mkc, mkey_7_0), 0x5a);
    cxfw_set(mkc, CXFW_FLD(mkc, pd), pd);
    cxfw_set(mkc, CXFW_FLD(mkc, start_addr), MKEY_VA);
    cxfw_set(mkc, CXFW_FLD(mkc, len), 2 * 4096);
    must(fh, uid, CXFW_OP_CREATE_MKEY, 0, key_in, sizeof(key_in), out,
         sizeof(out), 0);
}

/* The first inline read of the dump menu: the rest stays in progress. */
static void dump_start(FuzzHost *fh, uint16_t uid)
{
    uint8_t in[16 + CXFW_SIZEOF(resource_dump)] = { 0 };
    uint8_t out[sizeof(in)];

    cxfw_set(in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_RESOURCE_DUMP);
    cxfw_set(in + 16, CXFW_FLD(resource_dump, segment_type),
             CXFW_DUMP_SEG_MENU);
    cxfw_set(in + 16, CXFW_FLD(resource_dump, inline_dump), 1);
    must(fh, uid, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ, in, sizeof(in), out,
         sizeof(out), 0);
}

/* Repetitive sampling of the first two counters, every 2^12 ns. */
static void diag_start(FuzzHost *fh)
{
    uint8_t in[CXFW_SIZEOF(set_diagnostic_params_in) +
               2 * CXFW_SIZEOF(counter_id)] = { 0 };
    uint8_t out[CXFW_SIZEOF(set_diagnostic_params_out)] = { 0 };
    uint8_t *ctx = in + cxfw_field_byte(
        CXFW_FLD(set_diagnostic_params_in, diagnostic_params_context));
    uint8_t *ids = ctx + cxfw_field_byte(CTX(counter_id));

    cxfw_set(ctx, CTX(num_of_counters), 2);
    cxfw_set(ctx, CTX(log_num_of_samples), 2);
    cxfw_set(ctx, CTX(log_sample_period), 12);
    cxfw_set(ctx, CTX(repetitive), 1);
    cxfw_set(ctx, CTX(enable), 1);
    for (unsigned i = 0; i < 2; i++) {
        cxfw_set(ids + i * CXFW_SIZEOF(counter_id),
                 CXFW_FLD(counter_id, counter_id), cxfw_diag_counters[i].id);
    }
    must(fh, 0, CXFW_OP_SET_DIAGNOSTIC_PARAMS, 0, in, sizeof(in), out,
         sizeof(out), 0);
}

/*
 * Busy: pages, the driver's command EQ (armed, one completion in it), a
 * plain context with a UAR and an EQ of its own, a tools context with a
 * umem, a PD and a key over it and a dump in progress, a context with a
 * scope label, uid 0's dump in progress, samples taken, an unsupported
 * opcode.
 */
static void busy(const char *dir)
{
    uint32_t uar, user_uar;
    FuzzHost *fh = brought_up(&uar);
    uint16_t user = fuzz_create_uctx(fh, 0);
    uint16_t tools = fuzz_create_uctx(fh, CXFW_UCTX_CAP_TOOLS_RESOURCES);
    uint16_t labelled = fuzz_create_uctx(fh, CXFW_UCTX_CAP_TOOLS_RESOURCES |
                                         CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE);
    uint8_t eqn;
    uint8_t in[16] = { 0 }, out[16];

    if (!user || !tools || !labelled) {
        fuzz_fail("state seed: CREATE_UCTX failed");
    }
    pages_give(fh);
    eqn = eq_new(fh, 0, uar, 2, 1ull << CXFW_EVENT_CMD);
    user_uar = must_simple(fh, user, CXFW_OP_ALLOC_UAR,
                           CXFW_FLD(alloc_uar_out, uar));
    eq_new(fh, user, user_uar, 3, 0);
    key_new(fh, tools, 4);
    dump_start(fh, tools);
    dump_start(fh, 0);
    diag_start(fh);
    fh->clock_ns = 5 << 12;
    fuzz_cmd(fh, 0, 0x0999, 0, in, sizeof(in), out, sizeof(out));
    cxfw_uar_write(fh->fw, uar, CXFW_UAR_EQ_ARM, (uint32_t)eqn << 24);
    fuzz_queue_nop(fh, CMDQ, 0, 0, true);
    cxfw_cmd_doorbell(fh->fw, 1);
    fuzz_check(fh);
    save_state(fh, dir, "busy");
    fuzz_host_free(fh);
}

void fuzz_seeds_state(const char *dir)
{
    uint32_t uar;
    FuzzHost *fh = fuzz_host_new();

    save_state(fh, dir, "power-on");
    fuzz_host_free(fh);
    fh = brought_up(&uar);
    save_state(fh, dir, "bring-up");
    fuzz_host_free(fh);
    busy(dir);
}
