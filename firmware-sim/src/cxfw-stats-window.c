/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware statistics window (a cxsim extension): a read-only page of
 * BAR0 between the init segment and the first UAR page that shows what the
 * firmware holds, so that a driver's test can check for leaks between two
 * loads without the host's help.  The register table below is the only
 * definition of the layout: the device reads it, cxfw-docgen prints it
 * into docs/prm-coverage.md, and the guest suites' copy of the offsets
 * (linux-driver/tests/tap.sh) is checked against it.
 */
#include <stddef.h>
#include <string.h>

#include "cxfw-internal.h"

/* the window lies between the init segment and the UAR pages */
G_STATIC_ASSERT(CXFW_STATS_WINDOW >= CXFW_ISEG_SIZE);
G_STATIC_ASSERT(CXFW_STATS_WINDOW % CXFW_UAR_PAGE_SIZE == 0);
G_STATIC_ASSERT(CXFW_STATS_WINDOW + CXFW_STATS_WINDOW_SIZE <=
                CXFW_UAR_FIRST * CXFW_UAR_PAGE_SIZE);

typedef struct StatsReg {
    CxfwStatsWindowReg reg;
    size_t field;               /* offsetof(CxfwStats, name) */
    size_t size;                /* of the field; 0: the magic word */
} StatsReg;

#define STATS_REG(off, f, desc) \
    { { (off), #f, (desc) }, offsetof(CxfwStats, f), \
      sizeof(((CxfwStats *)0)->f) }

static const StatsReg stats_regs[] = {
    { { 0x00, "magic", "0x63787301: \"cxs\", then the layout version (1)" },
      0, 0 },
    STATS_REG(0x04, live_uctxs, "live user contexts (uids other than 0)"),
    STATS_REG(0x08, live_eqs, "live event queues"),
    STATS_REG(0x0c, live_uars, "allocated UARs"),
    STATS_REG(0x10, live_umems, "live umems"),
    STATS_REG(0x14, live_pds, "live protection domains"),
    STATS_REG(0x18, live_mkeys, "live memory keys"),
    STATS_REG(0x1c, pages_owned,
              "pages the driver gave (MANAGE_PAGES) and has not taken back"),
    STATS_REG(0x20, hca_state,
              "0 disabled, 1 enabled, 2 initialized (INIT_HCA done)"),
    STATS_REG(0x24, commands,
              "commands executed since the device was created (low 32 bits)"),
    STATS_REG(0x28, command_errors,
              "of these, with a non-zero status (low 32 bits)"),
    STATS_REG(0x2c, unsupported,
              "of these, with an unimplemented opcode (low 32 bits)"),
};

const CxfwStatsWindowReg *cxfw_stats_window_reg(unsigned i)
{
    return i < G_N_ELEMENTS(stats_regs) ? &stats_regs[i].reg : NULL;
}

static uint32_t stats_field(const CxfwStats *st, const StatsReg *r)
{
    const uint8_t *p = (const uint8_t *)st + r->field;
    uint64_t v64;
    uint32_t v32;

    switch (r->size) {
    case 0:
        return CXFW_STATS_WINDOW_MAGIC;
    case sizeof(uint8_t):
        return *p;
    case sizeof(uint32_t):
        memcpy(&v32, p, sizeof(v32));
        return v32;
    case sizeof(uint64_t):
        memcpy(&v64, p, sizeof(v64));
        return (uint32_t)v64;           /* the low 32 bits */
    default:
        return 0;
    }
}

uint32_t cxfw_stats_window_read(const Cxfw *fw, uint32_t offset)
{
    CxfwStats st;

    if (offset & 3 || offset >= CXFW_STATS_WINDOW_SIZE) {
        return 0;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(stats_regs); i++) {
        if (stats_regs[i].reg.offset == offset) {
            cxfw_get_stats(fw, &st);
            return stats_field(&st, &stats_regs[i]);
        }
    }
    return 0;
}

void cxfw_stats_window_write(Cxfw *fw, uint32_t offset, uint32_t value)
{
    cxfw_guest_error(fw, "write to the read-only statistics window", offset);
}
