/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The opcode table: one row per implemented command. */
#ifndef CXFW_COMMANDS_H
#define CXFW_COMMANDS_H

#include "cxfw-internal.h"

#define CXFW_OP_MOD_ANY UINT32_MAX

typedef struct CxfwCommandDesc {
    uint16_t opcode;
    const char *name;
    CxfwHandler handler;
    /*
     * The layout sizes.  There is no per-command maximum: as on real
     * firmware, longer inputs are accepted (newer drivers append fields)
     * and longer outputs zero-filled; the transport bounds both.
     */
    uint32_t min_inlen;
    uint32_t min_outlen;
    uint32_t op_mods;           /* bit n: op_mod n accepted */
    uint8_t min_state;          /* CxfwHcaState */
    bool before_init_only;      /* refused once INIT_HCA ran */
    /* who may send it: firmware-sim/policy/cxsim-policy.def */
    const char *summary;        /* one line for docs and tools */
} CxfwCommandDesc;

const CxfwCommandDesc *cxfw_command_find(uint16_t opcode);
/* The whole table, sorted by opcode, for audits and docs. */
const CxfwCommandDesc *const *cxfw_commands(unsigned *count);

#endif
