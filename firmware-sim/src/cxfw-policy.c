/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command policy: firmware-sim/policy/cxsim-policy.def turned into
 * tables, and the verdict for one caller.  Dispatch asks for the verdict
 * after the checks every command shares (lengths, op_mod, state, a live
 * uid); ACCESS_REG asks again per register.
 *
 * A caller is uid 0 (the function's driver: every row allows it) or a user
 * context, described by its caps.  For a user context:
 *   who KERNEL                 refused, KERNEL_UID_REQUIRED
 *   who TOOLS, no TOOLS cap    refused, TOOLS_RESOURCES_REQUIRED
 *   who MEDIATED               as USER: the kernel keeps raw ones away
 *   a scope label L            refused, SCOPE_DENIED, unless the row's
 *                              scope is not NONE and at most L
 * A scope label is what cxctl's fwctl device stamps: one context per
 * scope per file, so a command the kernel forwards under a scope reaches
 * the firmware with that scope's uid, and the firmware refuses it if the
 * kernel's allow-list were wrong.  Unlabelled contexts (mlx5ctl files, the
 * stock mlx5_fwctl) are judged on who alone.
 *
 * Plain C, no GLib: the guest's cxctl tool compiles this file too, so that
 * its audit expects exactly what the firmware decides.
 */
#include <stddef.h>

#include "cxfw-policy.h"
#include "cxfw-prm.h"

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))
#define CXFW_SCOPE_(scope) CXFW_SCOPE_##scope
#define CXFW_WHO_(who) CXFW_WHO_##who

static const CxfwPolicyRule commands[] = {
#define CXSIM_COMMAND(opcode, name, op_mod, who, scope) \
    { opcode, op_mod, CXFW_WHO_(who), CXFW_SCOPE_(scope), #name },
#include "../policy/cxsim-policy.def"
#undef CXSIM_COMMAND
};

static const CxfwRegisterRule registers[] = {
#define CXSIM_REGISTER(id, name, read_who, write_who) \
    { id, CXFW_WHO_(read_who), CXFW_WHO_(write_who), #name },
#include "../policy/cxsim-policy.def"
#undef CXSIM_REGISTER
};

const CxfwPolicyRule *cxfw_policy_command(uint16_t opcode, uint16_t op_mod)
{
    /* about a hundred rows, sorted: the first match decides */
    for (unsigned i = 0; i < N_ELEMENTS(commands); i++) {
        const CxfwPolicyRule *r = &commands[i];

        if (r->opcode > opcode) {
            break;
        }
        if (r->opcode == opcode &&
            (r->op_mod == CXSIM_OP_MOD_ANY || r->op_mod == op_mod)) {
            return r;
        }
    }
    return NULL;
}

const CxfwPolicyRule *cxfw_policy_commands(unsigned *count)
{
    *count = N_ELEMENTS(commands);
    return commands;
}

const CxfwRegisterRule *cxfw_policy_register(uint16_t id)
{
    for (unsigned i = 0; i < N_ELEMENTS(registers); i++) {
        if (registers[i].id == id) {
            return &registers[i];
        }
    }
    return NULL;
}

const CxfwRegisterRule *cxfw_policy_registers(unsigned *count)
{
    *count = N_ELEMENTS(registers);
    return registers;
}

CxfwScope cxfw_scope_label(uint32_t uctx_cap)
{
    uint32_t label = (uctx_cap & CXFW_UCTX_CAP_SCOPE_MASK) >>
                     CXFW_UCTX_CAP_SCOPE_SHIFT;

    /* CREATE_UCTX lets at most one label bit through */
    return label ? (CxfwScope)__builtin_ctz(label) : CXFW_SCOPE_NONE;
}

static uint32_t who_verdict(CxfwWho who, uint32_t uctx_cap)
{
    switch (who) {
    case CXFW_WHO_USER:
    case CXFW_WHO_MEDIATED:
        return 0;
    case CXFW_WHO_TOOLS:
        return uctx_cap & CXFW_UCTX_CAP_TOOLS_RESOURCES ?
               0 : CXFW_SYND_TOOLS_RESOURCES_REQUIRED;
    case CXFW_WHO_KERNEL:
    default:
        return CXFW_SYND_KERNEL_UID_REQUIRED;
    }
}

uint32_t cxfw_policy_verdict(const CxfwPolicyRule *rule, bool is_kernel,
                             uint32_t uctx_cap)
{
    CxfwScope label = cxfw_scope_label(uctx_cap);
    uint32_t synd;

    if (is_kernel) {
        return 0;
    }
    if (!rule) {
        return CXFW_SYND_KERNEL_UID_REQUIRED;
    }
    synd = who_verdict(rule->who, uctx_cap);
    if (synd) {
        return synd;
    }
    if (label != CXFW_SCOPE_NONE &&
        (rule->scope == CXFW_SCOPE_NONE || rule->scope > label)) {
        return CXFW_SYND_SCOPE_DENIED;
    }
    return 0;
}

uint32_t cxfw_policy_register_verdict(const CxfwRegisterRule *rule,
                                      bool write, bool is_kernel,
                                      uint32_t uctx_cap)
{
    if (is_kernel) {
        return 0;
    }
    if (!rule || who_verdict(write ? rule->write : rule->read, uctx_cap)) {
        return CXFW_SYND_REG_ACCESS_DENIED;
    }
    return 0;
}

bool cxfw_policy_raw_rpc(const CxfwPolicyRule *rule)
{
    return !rule || rule->who != CXFW_WHO_MEDIATED;
}

const char *cxfw_who_name(CxfwWho who)
{
    static const char *const names[] = {
        [CXFW_WHO_KERNEL] = "kernel",
        [CXFW_WHO_USER] = "user",
        [CXFW_WHO_TOOLS] = "tools",
        [CXFW_WHO_MEDIATED] = "user, kernel-mediated",
    };

    return who < N_ELEMENTS(names) ? names[who] : "?";
}

const char *cxfw_scope_name(CxfwScope scope)
{
    static const char *const names[] = {
        [CXFW_SCOPE_CONFIGURATION] = "CONFIGURATION",
        [CXFW_SCOPE_DEBUG_READ_ONLY] = "DEBUG_READ_ONLY",
        [CXFW_SCOPE_DEBUG_WRITE] = "DEBUG_WRITE",
        [CXFW_SCOPE_DEBUG_WRITE_FULL] = "DEBUG_WRITE_FULL",
    };

    return scope < N_ELEMENTS(names) ? names[scope] : "none";
}
