/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cxfw internals shared by the firmware's source files. */
#ifndef CXFW_INTERNAL_H
#define CXFW_INTERNAL_H

#include <glib.h>

#include "cxfw.h"
#include "cxfw-layout.h"
#include "cxfw-prm.h"
#include "cxfw-profile.h"

#define CXFW_CAP_SIZE           0x1000  /* hca_cap_union */
#define CXFW_MAX_EQS            256     /* eq_number is 8 bits */
#define CXFW_UAR_FIRST          16      /* UAR pages below alias the iseg */
#define CXFW_PAGE_SIZE          4096
#define CXFW_UID_KERNEL         0       /* the function's driver */
#define CXFW_UID_MAX            0xffff  /* user contexts: 1..0xffff */

/* One command being executed: whole input and output, headers included. */
typedef struct CxfwCmd {
    const uint8_t *in;
    uint32_t inlen;
    uint8_t *out;               /* zeroed, outlen bytes */
    uint32_t outlen;
    uint16_t opcode;
    uint16_t op_mod;
    uint16_t uid;
    uint32_t syndrome;          /* set by a handler that fails */
} CxfwCmd;

/* Handlers return a command status and set cmd->syndrome on failure. */
typedef uint8_t (*CxfwHandler)(Cxfw *fw, CxfwCmd *cmd);

static inline uint8_t cxfw_fail(CxfwCmd *cmd, uint8_t status,
                                uint32_t syndrome)
{
    cmd->syndrome = syndrome;
    return status;
}

typedef struct CxfwEq {
    uint8_t eqn;
    uint16_t uid;
    uint64_t created_seq;       /* stats.commands when it was created */
    uint8_t log_size;           /* entries = 1 << log_size */
    uint8_t log_page_size;      /* page = 4 KiB << log_page_size */
    uint16_t intr;
    uint32_t uar;
    uint64_t event_mask[4];
    uint32_t npas;
    uint64_t *pas;
    uint32_t producer;          /* 24-bit counters, as the PRM's */
    uint32_t consumer;
    bool armed;
} CxfwEq;

/* A UAR page: free, or allocated to uid. */
typedef struct CxfwUar {
    bool live;
    uint16_t uid;
} CxfwUar;

/*
 * A user context.  Objects (EQs, UARs) carry their owner's uid; objects
 * counts them so DESTROY_UCTX can refuse a context that still owns some.
 * An object never outlives its context, so a live context is the only
 * thing that can hold a uid.
 */
typedef struct CxfwUctx {
    uint16_t uid;
    uint32_t cap;               /* uctx.cap, a subset of uctx_cap */
    uint32_t objects;
} CxfwUctx;

struct Cxfw {
    CxfwHostOps ops;
    void *opaque;
    const CxfwProfile *profile;
    unsigned msix_vectors;
    uint16_t fw_major, fw_minor, fw_subminor;

    /* init segment state */
    uint64_t cmdq_addr;
    uint8_t nic_interface;
    uint32_t health_counter;

    /* HCA */
    uint8_t hca_state;          /* CxfwHcaState */
    uint16_t issi;
    uint8_t cap_general_cur[CXFW_CAP_SIZE];
    uint8_t host_endianness;

    /* pages the driver gave: address -> present */
    GHashTable *pages;

    /* UARs, indexed by UAR page index */
    GArray *uars;               /* of CxfwUar */
    uint32_t live_uars;

    CxfwEq *eqs[CXFW_MAX_EQS];
    uint32_t live_eqs;

    /* user contexts: uid -> CxfwUctx */
    GHashTable *uctxs;
    uint16_t last_uid;          /* round-robin allocation cursor */

    /* counters */
    CxfwStats stats;
    GHashTable *unsupported;    /* opcode -> count */

    /* scratch buffers reused by the transport (commands never nest) */
    uint8_t *in_buf, *out_buf;
    uint32_t in_cap, out_cap;
};

/* transport helpers */
bool cxfw_dma_read(Cxfw *fw, uint64_t addr, void *buf, size_t len);
bool cxfw_dma_write(Cxfw *fw, uint64_t addr, const void *buf, size_t len);
void cxfw_guest_error(Cxfw *fw, const char *what, uint64_t arg);
uint8_t cxfw_dispatch(Cxfw *fw, CxfwCmd *cmd);

/*
 * Object teardown, used by DISABLE_HCA, TEARDOWN_HCA and reset.  Objects
 * go before the contexts that own them.
 */
void cxfw_eq_destroy_all(Cxfw *fw);
void cxfw_uar_free_all(Cxfw *fw);
void cxfw_uctx_free_all(Cxfw *fw);
void cxfw_pages_forget_all(Cxfw *fw);
bool cxfw_uar_owned(Cxfw *fw, uint32_t index, uint16_t uid);
bool cxfw_uar_in_use(Cxfw *fw, uint32_t index);
uint32_t cxfw_pages_owned(Cxfw *fw);
uint32_t cxfw_pages_needed(Cxfw *fw, unsigned stage);
/* Post a page request event if the running HCA needs regular pages. */
void cxfw_pages_request(Cxfw *fw);

/*
 * User contexts.  cxfw_uctx_find() is NULL for uid 0 (the function's
 * driver, which is not a context).  Every object a uid creates takes a
 * hold on its context and releases it when freed (no-ops for uid 0).
 */
CxfwUctx *cxfw_uctx_find(Cxfw *fw, uint16_t uid);
void cxfw_uid_hold(Cxfw *fw, uint16_t uid);
void cxfw_uid_release(Cxfw *fw, uint16_t uid);

/*
 * Write an event into every EQ subscribed to its type that was created
 * before command number created_before (UINT64_MAX: every EQ).
 */
void cxfw_eq_post(Cxfw *fw, uint8_t type, uint8_t sub_type,
                  const uint8_t data[28], uint64_t created_before);

/* Command handlers, one group per file. */
uint8_t cxfw_cmd_nop(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_enable_hca(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_disable_hca(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_init_hca(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_teardown_hca(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_issi(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_set_issi(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_adapter(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_hca_cap(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_set_hca_cap(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_pages(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_manage_pages(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_alloc_uar(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_dealloc_uar(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_create_eq(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_destroy_eq(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_eq(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_access_reg(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_create_uctx(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_uctx(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_destroy_uctx(Cxfw *fw, CxfwCmd *cmd);

/* reset the HCA's run-time state (objects, pages, caps) */
void cxfw_hca_reset(Cxfw *fw);

#endif
