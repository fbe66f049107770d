/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device profiles.  The default looks like a ConnectX-6 Dx PF with no data
 * path: every capability that would lead the stock mlx5_core onto the
 * Ethernet, RDMA, flow steering, clock or tracer paths is 0 (see
 * shared/reference/stock-mlx5-probe.md), while the control path the stock
 * driver and mlx5ctl/fwctl need is present.
 */
#include <string.h>

#include "cxfw-internal.h"

#define CAP(field, value) { CXFW_FLD(cmd_hca_cap, field), value }

static const CxfwCapValue cx6dx_cap_general[] = {
    CAP(log_max_srq_sz, 15),
    CAP(log_max_qp_sz, 15),
    CAP(log_max_qp, 18),        /* the driver clamps to min(18, max) */
    CAP(log_max_srq, 23),
    CAP(log_max_cq_sz, 22),
    CAP(log_max_cq, 24),
    CAP(log_max_eq_sz, 22),     /* the async EQ needs 13 */
    CAP(log_max_mkey, 24),      /* mkey indexes are 24 bits */
    CAP(log_max_eq, 4),         /* >= 4 or the driver cannot size its EQs */
    CAP(port_type, 0),          /* IB: keeps mlx5_core off the Ethernet path */
    CAP(num_ports, 1),
    CAP(log_max_msg, 30),
    CAP(cmdif_checksum, 0),
    CAP(umem_uid_0, 1),         /* uid 0 may own umems */
    CAP(log_pg_sz, 12),
    CAP(log_bf_reg_size, 9),
    CAP(log_max_pd, 23),
    CAP(ats, 0),                /* no ATS: umems give bus addresses */
    CAP(log_max_uctx, 8),
    CAP(log_max_umem, 16),      /* 65536 live umems */
    CAP(log_uar_page_sz, 0),
    CAP(num_of_uars_per_page, 1),
    CAP(num_vhca_ports, 1),
    /*
     * RAW_TX | INTERNAL_DEV_RES | TOOLS_RESOURCES, and cxsim's four
     * fwctl scope labels (bits 24-27, cxfw-prm.h)
     */
    CAP(uctx_cap, 0x7 | CXFW_UCTX_CAP_SCOPE_MASK),
    /* the debug capability: diagnostic counters (cxfw-diag.c) */
    CAP(debug, 1),
    CAP(num_of_diagnostic_counters, CXFW_DIAG_NUM_COUNTERS),
    { 0, 0 }
};

#define DEBUG_CAP(field, value) { CXFW_FLD(debug_cap, field), value }

/* Sample periods are 2^log ns of the firmware's clock. */
static const CxfwCapValue cx6dx_cap_debug[] = {
    DEBUG_CAP(log_max_samples, 12),     /* 4096 counter values buffered */
    DEBUG_CAP(single, 1),
    DEBUG_CAP(repetitive, 1),
    DEBUG_CAP(log_min_sample_period, 10),   /* 1024 ns */
    { 0, 0 }
};

static const CxfwProfile cx6dx = {
    .name = "cx6dx",
    .description = "ConnectX-6 Dx-like PF, no pages needed",
    .fw_major = 22, .fw_minor = 40, .fw_subminor = 1000,
    .psid = "CXS0000000001",
    .supported_issi = 0x3,
    .boot_pages = 0,
    .init_pages = 0,
    .max_pages = 1u << 18,      /* 1 GiB of 4 KiB pages */
    .num_uar_pages = 512,       /* 2 MiB BAR0 */
    .max_umem_bytes = 1ull << 30,   /* 1 GiB registered at most */
    .cap_general = cx6dx_cap_general,
    .cap_debug = cx6dx_cap_debug,
};

static const CxfwProfile cx6dx_pages = {
    .name = "cx6dx-pages",
    .description = "cx6dx that asks the driver for boot and init pages",
    .fw_major = 22, .fw_minor = 40, .fw_subminor = 1000,
    .psid = "CXS0000000002",
    .supported_issi = 0x3,
    .boot_pages = 16,
    .init_pages = 64,
    .regular_pages = 32,
    .max_pages = 1u << 18,
    .num_uar_pages = 512,
    .max_umem_bytes = 1ull << 30,
    .cap_general = cx6dx_cap_general,
    .cap_debug = cx6dx_cap_debug,
};

/* Small object limits, so that tests reach every exhaustion path. */
static const CxfwCapValue small_limits[] = {
    CAP(log_max_umem, 3),       /* 8 umems */
    CAP(log_max_pd, 2),         /* 4 PDs */
    CAP(log_max_mkey, 2),       /* 4 memory keys */
    { 0, 0 }
};

/* A 16-value sample buffer, single mode only, periods of 64 us and up. */
static const CxfwCapValue small_cap_debug[] = {
    DEBUG_CAP(log_max_samples, 4),
    DEBUG_CAP(single, 1),
    DEBUG_CAP(log_min_sample_period, 16),
    { 0, 0 }
};

static const CxfwProfile cx6dx_small = {
    .name = "cx6dx-small",
    .description = "cx6dx with small object limits (8 umems of 64 KiB in "
                   "all, 4 PDs, 4 memory keys) and a small, single-mode "
                   "diagnostic sample buffer",
    .fw_major = 22, .fw_minor = 40, .fw_subminor = 1000,
    .psid = "CXS0000000003",
    .supported_issi = 0x3,
    .max_pages = 1u << 18,
    .num_uar_pages = 512,
    .max_umem_bytes = 64 << 10,
    .cap_general = cx6dx_cap_general,
    .cap_override = small_limits,
    .cap_debug = small_cap_debug,
};

static const CxfwProfile *const profiles[] = {
    &cx6dx, &cx6dx_pages, &cx6dx_small, NULL
};

const CxfwProfile *const *cxfw_profiles(void)
{
    return profiles;
}

const CxfwProfile *cxfw_profile_find(const char *name)
{
    for (unsigned i = 0; profiles[i]; i++) {
        if (!strcmp(profiles[i]->name, name)) {
            return profiles[i];
        }
    }
    return NULL;
}

const char *cxfw_default_profile(void)
{
    return cx6dx.name;
}

void cxfw_profile_cap_general(const CxfwProfile *p, uint8_t *cap)
{
    memset(cap, 0, CXFW_CAP_SIZE);
    for (const CxfwCapValue *v = p->cap_general; v->field; v++) {
        cxfw_set(cap, v->field, v->value);
    }
    for (const CxfwCapValue *v = p->cap_override; v && v->field; v++) {
        cxfw_set(cap, v->field, v->value);
    }
}

void cxfw_profile_cap_debug(const CxfwProfile *p, uint8_t *cap)
{
    memset(cap, 0, CXFW_CAP_SIZE);
    for (const CxfwCapValue *v = p->cap_debug; v && v->field; v++) {
        cxfw_set(cap, v->field, v->value);
    }
    cxfw_diag_cap_counters(cap);
}
