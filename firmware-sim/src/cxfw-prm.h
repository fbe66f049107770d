/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PRM constants the firmware, its host and its tests share: opcodes,
 * command statuses, delivery statuses, event types and syndromes.
 * Field layouts are in cxfw-layout.h.
 */
#ifndef CXFW_PRM_H
#define CXFW_PRM_H

enum CxfwOpcode {
    CXFW_OP_QUERY_HCA_CAP         = 0x100,
    CXFW_OP_QUERY_ADAPTER         = 0x101,
    CXFW_OP_INIT_HCA              = 0x102,
    CXFW_OP_TEARDOWN_HCA          = 0x103,
    CXFW_OP_ENABLE_HCA            = 0x104,
    CXFW_OP_DISABLE_HCA           = 0x105,
    CXFW_OP_QUERY_PAGES           = 0x107,
    CXFW_OP_MANAGE_PAGES          = 0x108,
    CXFW_OP_SET_HCA_CAP           = 0x109,
    CXFW_OP_QUERY_ISSI            = 0x10a,
    CXFW_OP_SET_ISSI              = 0x10b,
    CXFW_OP_CREATE_MKEY           = 0x200,
    CXFW_OP_QUERY_MKEY            = 0x201,
    CXFW_OP_DESTROY_MKEY          = 0x202,
    CXFW_OP_CREATE_EQ             = 0x301,
    CXFW_OP_DESTROY_EQ            = 0x302,
    CXFW_OP_QUERY_EQ              = 0x303,
    CXFW_OP_ALLOC_PD              = 0x800,
    CXFW_OP_DEALLOC_PD            = 0x801,
    CXFW_OP_ALLOC_UAR             = 0x802,
    CXFW_OP_DEALLOC_UAR           = 0x803,
    CXFW_OP_ACCESS_REG            = 0x805,
    CXFW_OP_NOP                   = 0x80d,
    CXFW_OP_QUERY_DIAGNOSTIC_PARAMS = 0x819,
    CXFW_OP_SET_DIAGNOSTIC_PARAMS = 0x820,
    CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS = 0x821,
    CXFW_OP_CREATE_UCTX           = 0xa04,
    CXFW_OP_QUERY_UCTX            = 0xa05,
    CXFW_OP_DESTROY_UCTX          = 0xa06,
    CXFW_OP_CREATE_UMEM           = 0xa08,
    CXFW_OP_QUERY_UMEM            = 0xa09,
    CXFW_OP_DESTROY_UMEM          = 0xa0a,
};

/* Command status (output byte 0). */
enum CxfwStatus {
    CXFW_STATUS_OK                = 0x00,
    CXFW_STATUS_INT_ERR           = 0x01,
    CXFW_STATUS_BAD_OP            = 0x02,
    CXFW_STATUS_BAD_PARAM         = 0x03,
    CXFW_STATUS_BAD_SYS_STATE     = 0x04,
    CXFW_STATUS_BAD_RES           = 0x05,
    CXFW_STATUS_RES_BUSY          = 0x06,
    CXFW_STATUS_NOT_READY         = 0x07,
    CXFW_STATUS_LIM               = 0x08,
    CXFW_STATUS_BAD_RES_STATE     = 0x09,
    CXFW_STATUS_IX                = 0x0a,
    CXFW_STATUS_NO_RES            = 0x0f,
    CXFW_STATUS_BAD_INP_LEN       = 0x50,
    CXFW_STATUS_BAD_OUTP_LEN      = 0x51,
};

/* Delivery status (queue entry status_own >> 1). */
enum CxfwDelivery {
    CXFW_DELIV_OK                 = 0x00,
    CXFW_DELIV_SIGNATURE          = 0x01,
    CXFW_DELIV_TOKEN              = 0x02,
    CXFW_DELIV_BAD_BLOCK_NUMBER   = 0x03,
    CXFW_DELIV_OUT_PTR_ALIGN      = 0x04,
    CXFW_DELIV_IN_PTR_ALIGN       = 0x05,
    CXFW_DELIV_FW_ERROR           = 0x06,
    CXFW_DELIV_IN_LENGTH          = 0x07,
    CXFW_DELIV_OUT_LENGTH         = 0x08,
    CXFW_DELIV_RES_FIELD          = 0x09,
    CXFW_DELIV_BAD_DESCRIPTOR     = 0x10,
};

/* HCA state machine. */
enum CxfwHcaState {
    CXFW_HCA_DISABLED = 0,      /* after reset: only ENABLE_HCA */
    CXFW_HCA_ENABLED,           /* ENABLE_HCA done: set-up commands */
    CXFW_HCA_INITIALIZED,       /* INIT_HCA done: resources */
};

enum CxfwEventType {
    CXFW_EVENT_CMD                = 0x0a,
    CXFW_EVENT_PAGE_REQUEST       = 0x0b,
};

/* User context capabilities (uctx.cap, general capability uctx_cap). */
enum CxfwUctxCap {
    CXFW_UCTX_CAP_RAW_TX                  = 0x01,
    CXFW_UCTX_CAP_INTERNAL_DEV_RES        = 0x02,
    CXFW_UCTX_CAP_TOOLS_RESOURCES         = 0x04,
    CXFW_UCTX_CAP_RDMA_CTRL               = 0x08,
    CXFW_UCTX_CAP_RDMA_CTRL_OTHER_VHCA    = 0x10,
    /*
     * cxsim's scope labels: a tools context created with one of these
     * may send only what the policy allows at that fwctl scope or below
     * (firmware-sim/policy/cxsim-policy.def, docs/security-model.md).
     */
    CXFW_UCTX_CAP_SCOPE_CONFIGURATION     = 1u << 24,
    CXFW_UCTX_CAP_SCOPE_DEBUG_READ_ONLY   = 1u << 25,
    CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE       = 1u << 26,
    CXFW_UCTX_CAP_SCOPE_DEBUG_WRITE_FULL  = 1u << 27,
};
#define CXFW_UCTX_CAP_SCOPE_SHIFT 24
#define CXFW_UCTX_CAP_SCOPE_MASK  (0xfu << CXFW_UCTX_CAP_SCOPE_SHIFT)

/* QUERY_HCA_CAP / SET_HCA_CAP capability types (op_mod >> 1). */
enum CxfwCapType {
    CXFW_CAP_TYPE_GENERAL         = 0x00,
    CXFW_CAP_TYPE_DEBUG           = 0x0d,
};

/* Diagnostic counter ids and their positions (cxfw-diag-counters.def). */
enum CxfwDiagCounterId {
#define CXFW_DIAG_COUNTER(id, name, stat, desc) CXFW_DIAG_##name = id,
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER
};
enum {
#define CXFW_DIAG_COUNTER(id, name, stat, desc) CXFW_DIAG_INDEX_##name,
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER
    CXFW_DIAG_NUM_COUNTERS
};

/* Memory key access modes (mkc access_mode_4_2 << 2 | access_mode_1_0). */
enum {
    CXFW_MKC_ACCESS_MODE_PA       = 0x0,
    CXFW_MKC_ACCESS_MODE_MTT      = 0x1,
};

/* umem MTT entries (layout: mtt in cxfw-fields.def) and pages */
#define CXFW_MTT_ENTRY_SIZE         8
#define CXFW_UMEM_PAGE_SHIFT        12      /* page = 4 KiB << log_page_size */
#define CXFW_UMEM_MAX_LOG_PAGE_SIZE 18      /* cxsim: pages up to 1 GiB */

/* Register ids (ACCESS_REG register_id). */
enum CxfwRegId {
    CXFW_REG_CORE_DUMP            = 0x402e,
    CXFW_REG_HOST_ENDIANNESS      = 0x7004,
    CXFW_REG_RESOURCE_DUMP        = 0xc000,
};

/*
 * RESOURCE_DUMP segment types: the PRM's special segments, and the
 * segments of firmware state cxsim offers (its own numbers, listed by the
 * menu; CORE_DUMP sections of the same content carry the same types).
 */
enum CxfwDumpSegment {
    CXFW_DUMP_SEG_UCTX            = 0x2001,
    CXFW_DUMP_SEG_UMEM            = 0x2002,
    CXFW_DUMP_SEG_MKEY            = 0x2003,
    CXFW_DUMP_SEG_PD              = 0x2004,
    CXFW_DUMP_SEG_EQ              = 0x2005,
    CXFW_DUMP_SEG_UAR             = 0x2006,
    CXFW_DUMP_SEG_PAGES           = 0x2007,
    CXFW_DUMP_SEG_COUNTERS        = 0x2008,
    CXFW_DUMP_SEG_DEVICE          = 0x1000,
    CXFW_DUMP_SEG_NOTICE          = 0xfff9,
    CXFW_DUMP_SEG_COMMAND         = 0xfffa,
    CXFW_DUMP_SEG_TERMINATE       = 0xfffb,
    CXFW_DUMP_SEG_ERROR           = 0xfffc,
    CXFW_DUMP_SEG_REFERENCE       = 0xfffd,
    CXFW_DUMP_SEG_INFO            = 0xfffe,
    CXFW_DUMP_SEG_MENU            = 0xffff,
};

#define CXFW_RSC_DUMP_VERSION       1       /* info segment dump_version */
#define CXFW_RSC_DUMP_INLINE_LEN    208     /* inline_data bytes per read */
#define CXFW_RSC_DUMP_MIN_SIZE      64      /* the largest unit of a dump */
#define CXFW_RSC_DUMP_MAX_OBJECTS   0xffff  /* resource segments per dump */
#define CXFW_RSC_DUMP_ERR_SEGMENT   1       /* error segment: unknown type */

/* CORE_DUMP: core_dump_type 2 only, a fixed-size image (docs/prm-coverage.md) */
#define CXFW_CORE_DUMP_TYPE_CR      2       /* "CR dump to memory" */
#define CXFW_CORE_DUMP_SIZE         (2u << 20)
#define CXFW_CORE_DUMP_MAGIC        0x435853494d435244ull  /* "CXSIMCRD" */
#define CXFW_CORE_DUMP_VERSION      1

/* CORE_DUMP section types besides the segment types above */
enum CxfwCoreSection {
    CXFW_CORE_SEC_HCA             = 0x2100,
    CXFW_CORE_SEC_CAPS_CUR        = 0x2101,
    CXFW_CORE_SEC_CAPS_MAX        = 0x2102,
    CXFW_CORE_SEC_CAPS_DEBUG      = 0x2103,
    CXFW_CORE_SEC_FILLER          = 0x21ff,
};

/* ACCESS_REG op_mod */
enum {
    CXFW_REG_OP_WRITE = 0,
    CXFW_REG_OP_READ  = 1,
};

/* DESTROY_UCTX op_mod: 1 (cxsim's) destroys the context's objects first */
enum {
    CXFW_DESTROY_UCTX_EMPTY        = 0,
    CXFW_DESTROY_UCTX_WITH_OBJECTS = 1,
};

/* MANAGE_PAGES op_mod and QUERY_PAGES op_mod */
enum {
    CXFW_PAGES_ALLOC_FAIL = 0,
    CXFW_PAGES_GIVE       = 1,
    CXFW_PAGES_TAKE       = 2,
};
enum {
    CXFW_PAGES_BOOT       = 1,
    CXFW_PAGES_INIT       = 2,
    CXFW_PAGES_REGULAR    = 3,
};

/* Command transport constants (queue entry and mailbox). */
#define CXFW_CMD_ENTRY_SIZE         64
#define CXFW_CMD_LOG_SIZE           5       /* 32 slots */
#define CXFW_CMD_LOG_STRIDE         6       /* 64-byte entries */
#define CXFW_CMD_TRANSPORT_PCIE     7       /* queue entry type */
#define CXFW_CMD_INLINE_LEN         16
#define CXFW_MAILBOX_SIZE           0x240
#define CXFW_MAILBOX_DATA_LEN       512
#define CXFW_MAILBOX_PTR_ALIGN      512     /* in_ptr/out_ptr bits 8:0 */
#define CXFW_MAILBOX_NEXT_ALIGN     1024    /* next_pointer bits 9:0 */
/*
 * Longest chain the firmware walks: 4096 blocks, 2 MiB of payload, the
 * largest RPC fwctl lets through (and what cxcore sends at most).
 */
#define CXFW_MAX_MAILBOXES          4096
#define CXFW_MAX_MSG_LEN \
    (CXFW_CMD_INLINE_LEN + CXFW_MAX_MAILBOXES * CXFW_MAILBOX_DATA_LEN)
#define CXFW_EQE_SIZE               64
#define CXFW_UAR_EQ_ARM             0x40    /* EQ doorbell: update + arm */
#define CXFW_UAR_EQ_UPDATE          0x48    /* EQ doorbell: update only */

enum CxfwSyndrome {
#define CXFW_SYNDROME(name, value, status, desc) CXFW_SYND_##name = value,
#include "cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

#endif
