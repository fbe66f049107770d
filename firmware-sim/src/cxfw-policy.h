/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command policy (firmware-sim/policy/cxsim-policy.def) as the
 * firmware, its tests, audits and docs read it.
 */
#ifndef CXFW_POLICY_H
#define CXFW_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* Which callers the firmware lets send a command (the "who" column). */
typedef enum CxfwWho {
    CXFW_WHO_KERNEL,            /* uid 0 only */
    CXFW_WHO_USER,              /* uid 0 and every user context */
    CXFW_WHO_TOOLS,             /* uid 0 and contexts with TOOLS_RESOURCES */
    /*
     * USER for the firmware; the kernel sends it for a context but never
     * forwards it from userspace: it names bus addresses (CREATE_UMEM)
     */
    CXFW_WHO_MEDIATED,
} CxfwWho;

/* fwctl scopes, ordered as FWCTL_RPC_*; NONE: never through fwctl. */
typedef enum CxfwScope {
    CXFW_SCOPE_CONFIGURATION = 0,
    CXFW_SCOPE_DEBUG_READ_ONLY = 1,
    CXFW_SCOPE_DEBUG_WRITE = 2,
    CXFW_SCOPE_DEBUG_WRITE_FULL = 3,
    CXFW_SCOPE_COUNT,
    CXFW_SCOPE_NONE = 0xff,
} CxfwScope;

typedef struct CxfwPolicyRule {
    uint16_t opcode;
    uint16_t op_mod;            /* CXSIM_OP_MOD_ANY: every op_mod */
    CxfwWho who;
    CxfwScope scope;
    const char *name;
} CxfwPolicyRule;

typedef struct CxfwRegisterRule {
    uint16_t id;
    CxfwWho read;
    CxfwWho write;
    const char *name;
} CxfwRegisterRule;

#define CXSIM_OP_MOD_ANY 0xffff

/* The rule deciding a command: the first matching row, NULL if none. */
const CxfwPolicyRule *cxfw_policy_command(uint16_t opcode, uint16_t op_mod);
const CxfwPolicyRule *cxfw_policy_commands(unsigned *count);
const CxfwRegisterRule *cxfw_policy_register(uint16_t id);
const CxfwRegisterRule *cxfw_policy_registers(unsigned *count);

/*
 * A user context's scope label: the one SCOPE_* bit of its caps, or
 * CXFW_SCOPE_NONE for an unlabelled context.
 */
CxfwScope cxfw_scope_label(uint32_t uctx_cap);

/*
 * The verdict for a caller: uid 0 (is_kernel) or a user context with caps
 * uctx_cap.  0 when allowed, else the syndrome of the refusal (its status
 * is BAD_PARAM).  A NULL rule (an opcode the policy does not list) allows
 * only uid 0.
 */
uint32_t cxfw_policy_verdict(const CxfwPolicyRule *rule, bool is_kernel,
                             uint32_t uctx_cap);
/* The same for a register access (after the ACCESS_REG command row). */
uint32_t cxfw_policy_register_verdict(const CxfwRegisterRule *rule,
                                      bool write, bool is_kernel,
                                      uint32_t uctx_cap);

/*
 * Whether the kernel forwards the command as a raw RPC from userspace
 * (mlx5ctl CMDRPC); false for MEDIATED rows (the kernel answers -EPERM).
 */
bool cxfw_policy_raw_rpc(const CxfwPolicyRule *rule);

const char *cxfw_who_name(CxfwWho who);
const char *cxfw_scope_name(CxfwScope scope);

#endif
