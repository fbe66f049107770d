/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User contexts (UIDs): CREATE_UCTX, QUERY_UCTX and DESTROY_UCTX.
 *
 * uid 0 is the function's driver.  Every other uid names a context the
 * driver created for one user (an open mlx5ctl or fwctl file) and stamps
 * into the header of each command it forwards for that user.  The rules:
 *
 * - only uid 0 creates and destroys contexts (the opcode table's policy
 *   class), and a non-zero header uid must name a live context (dispatch);
 * - a context's capabilities are a subset of the device's current
 *   uctx_cap, with at most one scope label (cxsim's SCOPE_* bits, only on
 *   a TOOLS_RESOURCES context; see cxfw-policy.c), and at most
 *   1 << log_max_uctx contexts are live;
 * - uids are 1..0xffff, handed out round-robin from the last one given
 *   and skipping live ones, so a destroyed uid is not reissued until the
 *   other 65534 have been: a stale uid a driver still holds names nothing
 *   rather than somebody else's context;
 * - objects (EQs, UARs, umems, PDs, mkeys) record their owner's uid, every
 *   lookup by id matches it, and a context that owns objects cannot be
 *   destroyed, so no object outlives its context;
 * - DISABLE_HCA, TEARDOWN_HCA, a reset and a command queue address write
 *   free every context (after the objects);
 * - DESTROY_UCTX with op_mod 1 (cxsim's) first destroys every object the
 *   context owns, so that the driver can reclaim a closed file's context
 *   whatever its user created through raw commands, and no object (no
 *   umem, so no DMA into the file's memory) outlives that command.
 *
 * QUERY_UCTX has no mlx5_ifc layout; cxsim's own is in cxfw-fields.def.
 */
#include "cxfw-internal.h"

#define CAP(field) CXFW_FLD(cmd_hca_cap, field)

/* QUERY_UCTX's own layout reuses its neighbours' field positions. */
G_STATIC_ASSERT(CXFW_FLD(query_uctx_in, uid) ==
                CXFW_FLD(destroy_uctx_in, uid));
G_STATIC_ASSERT(CXFW_FLD(query_uctx_out, uid) ==
                CXFW_FLD(create_uctx_out, uid));
G_STATIC_ASSERT(CXFW_FLD(query_uctx_out, cap) ==
                CXFW_FLD(create_uctx_in, cap));
G_STATIC_ASSERT(CXFW_SIZEOF(query_uctx_out) == CXFW_SIZEOF(create_uctx_in));

CxfwUctx *cxfw_uctx_find(Cxfw *fw, uint16_t uid)
{
    if (uid == CXFW_UID_KERNEL) {
        return NULL;
    }
    return g_hash_table_lookup(fw->uctxs, GUINT_TO_POINTER(uid));
}

void cxfw_uid_hold(Cxfw *fw, uint16_t uid)
{
    CxfwUctx *u = cxfw_uctx_find(fw, uid);

    if (u) {
        u->objects++;
    }
}

void cxfw_uid_release(Cxfw *fw, uint16_t uid)
{
    CxfwUctx *u = cxfw_uctx_find(fw, uid);

    if (u && u->objects) {
        u->objects--;
    }
}

void cxfw_uctx_free_all(Cxfw *fw)
{
    g_hash_table_remove_all(fw->uctxs);
}

uint8_t cxfw_cmd_create_uctx(Cxfw *fw, CxfwCmd *cmd)
{
    uint32_t cap = cxfw_get(cmd->in, CXFW_FLD(create_uctx_in, cap));
    uint32_t dev_cap = cxfw_get(fw->cap_general_cur, CAP(uctx_cap));
    uint32_t label = cap & CXFW_UCTX_CAP_SCOPE_MASK;
    CxfwUctx *u;
    uint16_t uid;

    if (cap & ~dev_cap) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_UCTX_CAP_UNSUPPORTED);
    }
    /* a scope label: one of them, on a tools context */
    if (label && ((label & (label - 1)) ||
                  !(cap & CXFW_UCTX_CAP_TOOLS_RESOURCES))) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_PARAM,
                         CXFW_SYND_UCTX_SCOPE_LABEL);
    }
    uid = cxfw_object_number(fw, fw->uctxs, &fw->last_uid, CAP(log_max_uctx),
                             CXFW_UID_MAX);
    if (!uid) {
        return cxfw_fail(cmd, CXFW_STATUS_NO_RES, CXFW_SYND_UCTX_EXHAUSTED);
    }
    u = g_new0(CxfwUctx, 1);
    u->uid = uid;
    u->cap = cap;
    g_hash_table_insert(fw->uctxs, GUINT_TO_POINTER(uid), u);
    cxfw_set(cmd->out, CXFW_FLD(create_uctx_out, uid), uid);
    return CXFW_STATUS_OK;
}

/*
 * The context named by the payload uid, or by the header uid when the
 * payload's is 0.  A user context sees only itself: asking about another
 * uid answers exactly as a uid that names nothing.  uid 0 may ask about
 * any context; it is not one itself.
 */
uint8_t cxfw_cmd_query_uctx(Cxfw *fw, CxfwCmd *cmd)
{
    uint16_t uid = cxfw_get(cmd->in, CXFW_FLD(query_uctx_in, uid));
    CxfwUctx *u;

    if (uid == 0) {
        uid = cmd->uid;
    }
    if (cmd->uid != CXFW_UID_KERNEL && uid != cmd->uid) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UCTX_UNKNOWN);
    }
    u = cxfw_uctx_find(fw, uid);
    if (!u) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UCTX_UNKNOWN);
    }
    cxfw_set(cmd->out, CXFW_FLD(query_uctx_out, uid), u->uid);
    cxfw_set(cmd->out, CXFW_FLD(query_uctx_out, cap), u->cap);
    return CXFW_STATUS_OK;
}

uint8_t cxfw_cmd_destroy_uctx(Cxfw *fw, CxfwCmd *cmd)
{
    uint16_t uid = cxfw_get(cmd->in, CXFW_FLD(destroy_uctx_in, uid));
    CxfwUctx *u = cxfw_uctx_find(fw, uid);

    if (!u) {
        return cxfw_fail(cmd, CXFW_STATUS_BAD_RES, CXFW_SYND_UCTX_UNKNOWN);
    }
    if (cmd->op_mod == CXFW_DESTROY_UCTX_WITH_OBJECTS) {
        cxfw_objects_free_owned(fw, uid);
    }
    if (u->objects) {
        return cxfw_fail(cmd, CXFW_STATUS_RES_BUSY, CXFW_SYND_UCTX_BUSY);
    }
    g_hash_table_remove(fw->uctxs, GUINT_TO_POINTER(uid));
    return CXFW_STATUS_OK;
}
