/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The opcode table and dispatch.  Every check that is the same for all
 * commands (lengths, op_mod, HCA state, caller) happens here, from the
 * table, before a handler sees the command.
 */
#include <stdlib.h>
#include <string.h>

#include "cxfw-commands.h"
#include "cxfw-policy.h"

#define BIT(n) (1u << (n))

/*
 * Minimum lengths are the mlx5_ifc.h layout sizes (cxfw-sizes.def; QUERY_UCTX
 * and QUERY_UMEM have cxsim's own, there being no mlx5_ifc one), except
 * INIT_HCA's input: kernels before 6.x sent 16 bytes, newer ones 32 (with
 * sw_owner_id), and both must work.
 */
#define HDR 16
#define IN_OUT(cmd) CXFW_SIZEOF(cmd##_in), CXFW_SIZEOF(cmd##_out)

static const CxfwCommandDesc commands[] = {
    { CXFW_OP_QUERY_HCA_CAP, "QUERY_HCA_CAP", cxfw_cmd_query_hca_cap,
      IN_OUT(query_hca_cap),
      CXFW_OP_MOD_ANY,
      CXFW_HCA_ENABLED, false,
      "capabilities: op_mod = 2 * type + current (1) or maximum (0)" },
    { CXFW_OP_QUERY_ADAPTER, "QUERY_ADAPTER", cxfw_cmd_query_adapter,
      IN_OUT(query_adapter),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "vendor ids and PSID" },
    { CXFW_OP_INIT_HCA, "INIT_HCA", cxfw_cmd_init_hca,
      HDR, CXFW_SIZEOF(init_hca_out),
      BIT(0),
      CXFW_HCA_ENABLED, true,
      "start the HCA once boot and init pages are given" },
    { CXFW_OP_TEARDOWN_HCA, "TEARDOWN_HCA", cxfw_cmd_teardown_hca,
      IN_OUT(teardown_hca),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "stop the HCA, freeing its objects (graceful profile only)" },
    { CXFW_OP_ENABLE_HCA, "ENABLE_HCA", cxfw_cmd_enable_hca,
      IN_OUT(enable_hca),
      BIT(0),
      CXFW_HCA_DISABLED, false,
      "enable the function (idempotent)" },
    { CXFW_OP_DISABLE_HCA, "DISABLE_HCA", cxfw_cmd_disable_hca,
      IN_OUT(disable_hca),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "disable the function, freeing everything" },
    { CXFW_OP_QUERY_PAGES, "QUERY_PAGES", cxfw_cmd_query_pages,
      IN_OUT(query_pages),
      BIT(CXFW_PAGES_BOOT) | BIT(CXFW_PAGES_INIT) | BIT(CXFW_PAGES_REGULAR),
      CXFW_HCA_ENABLED, false,
      "pages the firmware still needs (boot/init/regular)" },
    { CXFW_OP_MANAGE_PAGES, "MANAGE_PAGES", cxfw_cmd_manage_pages,
      IN_OUT(manage_pages),
      BIT(CXFW_PAGES_ALLOC_FAIL) | BIT(CXFW_PAGES_GIVE) | BIT(CXFW_PAGES_TAKE),
      CXFW_HCA_ENABLED, false,
      "give pages to or take pages from the firmware" },
    { CXFW_OP_SET_HCA_CAP, "SET_HCA_CAP", cxfw_cmd_set_hca_cap,
      IN_OUT(set_hca_cap),
      CXFW_OP_MOD_ANY,
      CXFW_HCA_ENABLED, true,
      "set current capabilities within the maximum" },
    { CXFW_OP_QUERY_ISSI, "QUERY_ISSI", cxfw_cmd_query_issi,
      IN_OUT(query_issi),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "current and supported interface revisions" },
    { CXFW_OP_SET_ISSI, "SET_ISSI", cxfw_cmd_set_issi,
      IN_OUT(set_issi),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "select an interface revision" },
    { CXFW_OP_CREATE_MKEY, "CREATE_MKEY", cxfw_cmd_create_mkey,
      IN_OUT(create_mkey),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "create a memory key mapping part of a umem (mkey_umem_valid, MTT)" },
    { CXFW_OP_QUERY_MKEY, "QUERY_MKEY", cxfw_cmd_query_mkey,
      IN_OUT(query_mkey),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "a memory key's context (access, pd, start_addr, len)" },
    { CXFW_OP_DESTROY_MKEY, "DESTROY_MKEY", cxfw_cmd_destroy_mkey,
      IN_OUT(destroy_mkey),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "destroy a memory key, releasing its umem and PD" },
    { CXFW_OP_CREATE_EQ, "CREATE_EQ", cxfw_cmd_create_eq,
      IN_OUT(create_eq),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "create an event queue in host memory" },
    { CXFW_OP_DESTROY_EQ, "DESTROY_EQ", cxfw_cmd_destroy_eq,
      IN_OUT(destroy_eq),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "destroy an event queue" },
    { CXFW_OP_QUERY_EQ, "QUERY_EQ", cxfw_cmd_query_eq,
      IN_OUT(query_eq),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "event queue context and counters" },
    { CXFW_OP_ALLOC_PD, "ALLOC_PD", cxfw_cmd_alloc_pd,
      IN_OUT(alloc_pd),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "allocate a protection domain" },
    { CXFW_OP_DEALLOC_PD, "DEALLOC_PD", cxfw_cmd_dealloc_pd,
      IN_OUT(dealloc_pd),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "free a protection domain no memory key uses" },
    { CXFW_OP_ALLOC_UAR, "ALLOC_UAR", cxfw_cmd_alloc_uar,
      IN_OUT(alloc_uar),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "allocate a UAR page (index >= 16)" },
    { CXFW_OP_DEALLOC_UAR, "DEALLOC_UAR", cxfw_cmd_dealloc_uar,
      IN_OUT(dealloc_uar),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "free a UAR page no EQ uses" },
    { CXFW_OP_ACCESS_REG, "ACCESS_REG", cxfw_cmd_access_reg,
      IN_OUT(access_register),
      BIT(CXFW_REG_OP_WRITE) | BIT(CXFW_REG_OP_READ),
      CXFW_HCA_ENABLED, false,
      "read (op_mod 1) or write (op_mod 0) a register" },
    { CXFW_OP_NOP, "NOP", cxfw_cmd_nop,
      IN_OUT(nop),
      CXFW_OP_MOD_ANY,
      CXFW_HCA_ENABLED, false,
      "no operation" },
    { CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, "QUERY_DIAGNOSTIC_PARAMS",
      cxfw_cmd_query_diag_params,
      IN_OUT(query_diagnostic_params),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "the diagnostic counter selection: counters, mode, period, samples" },
    { CXFW_OP_SET_DIAGNOSTIC_PARAMS, "SET_DIAGNOSTIC_PARAMS",
      cxfw_cmd_set_diag_params,
      IN_OUT(set_diagnostic_params),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "select diagnostic counters and start sampling (single, repetitive "
      "or on demand), or stop; clear restarts the counters" },
    { CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, "QUERY_DIAGNOSTIC_COUNTERS",
      cxfw_cmd_query_diag_counters,
      IN_OUT(query_diagnostic_counters),
      BIT(0),
      CXFW_HCA_ENABLED, false,
      "num_of_samples samples from slot sample_index: counter_id, "
      "sample_id, time stamp, value per selected counter" },
    { CXFW_OP_CREATE_UCTX, "CREATE_UCTX", cxfw_cmd_create_uctx,
      IN_OUT(create_uctx),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "create a user context (uid 1..0xffff) with caps within uctx_cap" },
    { CXFW_OP_QUERY_UCTX, "QUERY_UCTX", cxfw_cmd_query_uctx,
      IN_OUT(query_uctx),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "a user context's caps (cxsim layout: payload uid, 0 = header uid)" },
    { CXFW_OP_DESTROY_UCTX, "DESTROY_UCTX", cxfw_cmd_destroy_uctx,
      IN_OUT(destroy_uctx),
      BIT(CXFW_DESTROY_UCTX_EMPTY) | BIT(CXFW_DESTROY_UCTX_WITH_OBJECTS),
      CXFW_HCA_INITIALIZED, false,
      "destroy a user context: one that owns no objects (op_mod 0), or "
      "with everything it owns (op_mod 1, cxsim)" },
    { CXFW_OP_CREATE_UMEM, "CREATE_UMEM", cxfw_cmd_create_umem,
      IN_OUT(create_umem),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "register host memory: inlen 48 + 8 * num_of_mtt, every MTT checked" },
    { CXFW_OP_QUERY_UMEM, "QUERY_UMEM", cxfw_cmd_query_umem,
      IN_OUT(query_umem),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "a umem's page size, offset and MTTs (cxsim layout)" },
    { CXFW_OP_DESTROY_UMEM, "DESTROY_UMEM", cxfw_cmd_destroy_umem,
      IN_OUT(destroy_umem),
      BIT(0),
      CXFW_HCA_INITIALIZED, false,
      "unregister a umem no memory key maps" },
};

static const CxfwCommandDesc *sorted[G_N_ELEMENTS(commands)];

static int desc_cmp(const void *a, const void *b)
{
    const CxfwCommandDesc *const *x = a, *const *y = b;

    return (int)(*x)->opcode - (int)(*y)->opcode;
}

static void sort_once(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++) {
            sorted[i] = &commands[i];
        }
        qsort(sorted, G_N_ELEMENTS(sorted), sizeof(sorted[0]), desc_cmp);
        g_once_init_leave(&done, 1);
    }
}

const CxfwCommandDesc *cxfw_command_find(uint16_t opcode)
{
    unsigned lo = 0, hi = G_N_ELEMENTS(sorted);

    sort_once();
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;

        if (sorted[mid]->opcode == opcode) {
            return sorted[mid];
        }
        if (sorted[mid]->opcode < opcode) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

const CxfwCommandDesc *const *cxfw_commands(unsigned *count)
{
    sort_once();
    *count = G_N_ELEMENTS(sorted);
    return sorted;
}

const char *cxfw_opcode_name(uint16_t opcode)
{
    const CxfwCommandDesc *d = cxfw_command_find(opcode);

    return d ? d->name : NULL;
}

/* The checks every command shares, in the order a device applies them. */
static uint8_t check_command(Cxfw *fw, const CxfwCommandDesc *d,
                             CxfwCmd *cmd)
{
    const CxfwUctx *u = NULL;
    uint32_t synd;

    if (cmd->inlen < d->min_inlen) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_INP_LEN,
                         CXFW_SYND_INLEN_TOO_SHORT);
    }
    if (cmd->outlen < d->min_outlen) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_OUTP_LEN,
                         CXFW_SYND_OUTLEN_TOO_SHORT);
    }
    if (d->op_mods != CXFW_OP_MOD_ANY &&
        (cmd->op_mod >= 32 || !(d->op_mods & BIT(cmd->op_mod)))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, CXFW_SYND_BAD_OP_MOD);
    }
    if (fw->hca_state < d->min_state) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_SYS_STATE,
                         fw->hca_state == CXFW_HCA_DISABLED ?
                         CXFW_SYND_HCA_NOT_ENABLED :
                         CXFW_SYND_HCA_NOT_INITIALIZED);
    }
    if (d->before_init_only && fw->hca_state >= CXFW_HCA_INITIALIZED) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_SYS_STATE,
                         CXFW_SYND_HCA_ALREADY_INITIALIZED);
    }
    /*
     * The caller: uid 0 is the function's driver; any other uid must name
     * a live user context (the driver stamps it; a uid naming nothing is
     * spoofed or stale).
     */
    if (cmd->uid != CXFW_UID_KERNEL) {
        u = cxfw_uctx_find(fw, cmd->uid);
        if (!u) {
            return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                             CXFW_SYND_UID_UNKNOWN);
        }
    }
    /* who may send it, and under which scope label: the policy file */
    synd = cxfw_policy_verdict(cxfw_policy_command(cmd->opcode, cmd->op_mod),
                               !u, u ? u->cap : 0);
    if (synd) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM, synd);
    }
    return CXFW_STATUS_OK;
}

static void count_unsupported(Cxfw *fw, uint16_t opcode)
{
    gpointer key = GUINT_TO_POINTER(opcode);
    gsize n = GPOINTER_TO_SIZE(g_hash_table_lookup(fw->unsupported, key));

    fw->stats.unsupported++;
    g_hash_table_insert(fw->unsupported, key, GSIZE_TO_POINTER(n + 1));
}

uint8_t cxfw_dispatch(Cxfw *fw, CxfwCmd *cmd)
{
    uint8_t header[HDR] = { 0 };
    const CxfwCommandDesc *d;
    uint8_t status;

    /* the header may be cut short by a small inlen: missing bytes read 0 */
    memcpy(header, cmd->in, MIN(cmd->inlen, HDR));
    cmd->opcode = cxfw_get(header, CXFW_FLD(create_eq_in, opcode));
    cmd->uid = cxfw_get(header, CXFW_FLD(create_eq_in, uid));
    cmd->op_mod = cxfw_get(header, CXFW_FLD(create_eq_in, op_mod));
    cmd->syndrome = 0;

    d = cxfw_command_find(cmd->opcode);
    if (!d) {
        count_unsupported(fw, cmd->opcode);
        status = cxfw_fail(cmd, CXFW_STATUS_BAD_OP, CXFW_SYND_BAD_OPCODE);
    } else {
        status = check_command(fw, d, cmd);
        if (status == CXFW_STATUS_OK) {
            status = d->handler(fw, cmd);
        }
    }
    if (status != CXFW_STATUS_OK) {
        /* a failed command returns only its header */
        memset(cmd->out, 0, MAX(cmd->outlen, HDR));
        fw->stats.command_errors++;
    }
    fw->stats.commands++;
    cxfw_set(cmd->out, CXFW_FLD(query_pages_out, status), status);
    cxfw_set(cmd->out, CXFW_FLD(query_pages_out, syndrome), cmd->syndrome);
    return status;
}
