/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACCESS_REG register table (cxfw-reg.c), for dispatch and the docs. */
#ifndef CXFW_REG_H
#define CXFW_REG_H

#include "cxfw-internal.h"

/*
 * One register: its size and behaviour.  Who may read and write it is its
 * row in the policy file (firmware-sim/policy/cxsim-policy.def); a
 * register without a write handler is read-only for everybody.
 */
typedef struct CxfwRegister {
    uint16_t id;
    const char *name;
    uint32_t size;              /* bytes of register data */
    /* a read takes parameters from the input's register data */
    bool read_input;
    /*
     * Fill data (size bytes, zeroed) for a read; in is the input's
     * register data (size bytes) if read_input, else NULL.
     */
    uint8_t (*read)(Cxfw *fw, CxfwCmd *cmd, const uint8_t *in,
                    uint8_t *data);
    /* Apply data (size bytes) for a write; NULL: read-only. */
    uint8_t (*write)(Cxfw *fw, CxfwCmd *cmd, const uint8_t *data);
    const char *summary;        /* one line for docs and tools */
} CxfwRegister;

/* The whole table, sorted by id. */
const CxfwRegister *cxfw_registers(unsigned *count);

#endif
