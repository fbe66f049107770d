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
#define CXFW_OBJ_ID_MAX         0xffffff /* umem ids, PD and mkey numbers */

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
 * What every numbered memory object (umem, PD, memory key) starts with:
 * its number, the key of its table, and its owner.
 */
typedef struct CxfwObject {
    uint32_t number;
    uint16_t uid;
} CxfwObject;

/*
 * User memory registered with CREATE_UMEM: npages pages of 1 << page_shift
 * bytes, the umem's byte 0 at page_offset in page 0.  A page entry is its
 * bus address (page aligned) ORed with CXFW_UMEM_PAGE_RD/WR.
 */
#define CXFW_UMEM_PAGE_RD       0x1ull
#define CXFW_UMEM_PAGE_WR       0x2ull
#define CXFW_UMEM_PAGE_FLAGS    0x3ull

typedef struct CxfwUmem {
    CxfwObject obj;             /* number: the umem id */
    uint8_t page_shift;
    uint32_t page_offset;
    uint64_t npages;
    uint64_t *pages;
    bool all_readable, all_writable;
    uint32_t mkeys;             /* memory keys mapping it */
} CxfwUmem;

/* A protection domain. */
typedef struct CxfwPd {
    CxfwObject obj;             /* number: the pd */
    uint32_t mkeys;             /* memory keys in it */
} CxfwPd;

/* Memory key access rights (mkc lr, lw, rr, rw, a). */
enum {
    CXFW_MKEY_LR = 1 << 0,
    CXFW_MKEY_LW = 1 << 1,
    CXFW_MKEY_RR = 1 << 2,
    CXFW_MKEY_RW = 1 << 3,
    CXFW_MKEY_A  = 1 << 4,
};

/*
 * A memory key mapping virtual addresses [start, start + len) onto umem
 * bytes [umem_offset, umem_offset + len).  The key is index << 8 | variant.
 * It holds its umem and PD (neither can go while it exists).
 */
typedef struct CxfwMkey {
    CxfwObject obj;             /* number: the mkey index */
    uint8_t variant;            /* mkc.mkey_7_0 */
    uint8_t access;             /* CXFW_MKEY_* */
    uint64_t start, len, umem_offset;
    CxfwUmem *umem;
    CxfwPd *pd;
} CxfwMkey;

/* Diagnostic counter sampling state (cxfw-diag.c). */
typedef struct CxfwDiag CxfwDiag;

/* A resource dump in progress, the core dump image (cxfw-dump.h). */
typedef struct CxfwRscDump CxfwRscDump;
typedef struct CxfwCoreImage CxfwCoreImage;

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
    CxfwRscDump *rsc_dump;      /* its resource dump in progress, or NULL */
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
    uint32_t last_uid;          /* round-robin allocation cursor */

    /* memory objects by number, each with its round-robin cursor */
    GHashTable *umems;          /* id -> CxfwUmem */
    uint32_t last_umem_id;
    uint64_t umem_bytes;        /* pages registered by all umems, in bytes */
    GHashTable *pds;            /* pdn -> CxfwPd */
    uint32_t last_pdn;
    GHashTable *mkeys;          /* index -> CxfwMkey */
    uint32_t last_mkey_index;

    /* diagnostic counter sampling (cxfw-diag.c) */
    CxfwDiag *diag;

    /* dumps (cxfw-rsc-dump.c, cxfw-core-dump.c) */
    CxfwRscDump *rsc_dump;      /* uid 0's resource dump in progress */
    uint64_t rsc_dump_serial;   /* dumps started, never reset */
    CxfwCoreImage *core_image;  /* allocated by the first core dump */

    /* counters */
    CxfwStats stats;
    GHashTable *unsupported;    /* opcode -> count */

    /* scratch buffers reused by the transport (commands never nest) */
    uint8_t *in_buf, *out_buf;
    uint32_t in_cap, out_cap;
};

/*
 * The firmware version as the health buffer's fw_version (major << 24 |
 * minor << 16 | subminor), which dumps report too.
 */
uint32_t cxfw_health_fw_version(const Cxfw *fw);
#define CXFW_HW_ID              0x212   /* health hw_id: ConnectX-6 Dx */

/* transport helpers */
bool cxfw_dma_read(Cxfw *fw, uint64_t addr, void *buf, size_t len);
bool cxfw_dma_write(Cxfw *fw, uint64_t addr, const void *buf, size_t len);
void cxfw_guest_error(Cxfw *fw, const char *what, uint64_t arg);
uint8_t cxfw_dispatch(Cxfw *fw, CxfwCmd *cmd);

/*
 * Object numbers: the first number after *cursor (wrapping from max to 1,
 * never 0) that is not a key of live, or 0 when all are taken.  Numbers
 * freed are thus reissued as late as possible.
 */
uint32_t cxfw_id_alloc(GHashTable *live, uint32_t *cursor, uint32_t max);
/* The same, or 0 once live holds 1 << log_cap (current caps) numbers. */
uint32_t cxfw_object_number(Cxfw *fw, GHashTable *live, uint32_t *cursor,
                            CxfwFieldId log_cap, uint32_t max);

/*
 * Numbered memory objects in their tables (number -> object).  An object
 * holds its owner's context from cxfw_object_add() until removed; release
 * frees what is particular to its type (and the object), once it is out of
 * the table.  Another uid's object is not found, exactly as no object.
 */
typedef void (*CxfwRelease)(Cxfw *fw, CxfwObject *obj);
void *cxfw_object_find(GHashTable *table, uint32_t number, uint16_t uid);
void cxfw_object_add(Cxfw *fw, GHashTable *table, CxfwObject *obj,
                     uint32_t number, uint16_t uid);
void cxfw_object_remove(Cxfw *fw, GHashTable *table, CxfwObject *obj,
                        CxfwRelease release);
/* An owner argument naming every uid. */
#define CXFW_ANY_OWNER          (-1)
/* Free the objects of @table that @owner (a uid, or CXFW_ANY_OWNER) owns. */
void cxfw_objects_drain(Cxfw *fw, GHashTable *table, CxfwRelease release,
                        int owner);

/*
 * Object teardown, used by DISABLE_HCA, TEARDOWN_HCA and reset: every
 * object, memory keys before the umems and PDs they hold, objects before
 * the contexts that own them.
 */
void cxfw_objects_free_all(Cxfw *fw);
/* Every object @uid owns, in dependency order; its context stays. */
void cxfw_objects_free_owned(Cxfw *fw, uint16_t uid);
void cxfw_mkey_destroy_all(Cxfw *fw, int owner);
void cxfw_umem_destroy_all(Cxfw *fw, int owner);
void cxfw_pd_free_all(Cxfw *fw, int owner);
void cxfw_eq_destroy_all(Cxfw *fw, int owner);
void cxfw_uar_free_all(Cxfw *fw, int owner);
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

/* Memory keys by key (index << 8 | variant): both parts must match. */
CxfwMkey *cxfw_mkey_find(Cxfw *fw, uint32_t mkey, uint16_t uid);
/* Bytes of a umem: its pages less the offset of byte 0 in page 0. */
uint64_t cxfw_umem_size(const CxfwUmem *umem);
/* Live limits from the current capabilities (log_max_*), within max. */
uint32_t cxfw_cap_limit(Cxfw *fw, CxfwFieldId log_cap, uint32_t max);

/*
 * The DMA engine: the device writing (reading) len bytes of host memory at
 * virtual addresses [va, va + len) of memory key mkey (index << 8 |
 * variant), which must be uid's.  The whole range is checked first: the
 * key's bounds, its access right (lw for a write, lr for a read) and the
 * wr_en (rd_en) of every umem page the range touches; on a violation
 * nothing is transferred.  Pages contiguous on the bus move in one host
 * DMA call.  Returns CXFW_STATUS_OK, or a status with *syndrome set
 * (DMA_* syndromes; DMA_HOST_FAILED, the one failure found only while
 * transferring, may leave earlier pages written).  len 0 checks the key.
 */
uint8_t cxfw_mkey_write(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                        const void *buf, size_t len, uint32_t *syndrome);
uint8_t cxfw_mkey_read(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                       void *buf, size_t len, uint32_t *syndrome);
/*
 * The checks alone, moving nothing: OK when a write (write true) or read
 * of the same range would start transferring, else the same refusal
 * (counted the same), so that a caller can refuse before costly work.
 */
uint8_t cxfw_mkey_check(Cxfw *fw, uint16_t uid, uint32_t mkey, uint64_t va,
                        size_t len, bool write, uint32_t *syndrome);

/*
 * Write an event into every EQ subscribed to its type that was created
 * before command number created_before (UINT64_MAX: every EQ).
 */
void cxfw_eq_post(Cxfw *fw, uint8_t type, uint8_t sub_type,
                  const uint8_t data[28], uint64_t created_before);

/*
 * Diagnostic counters (cxfw-diag.c).  cxfw_diag_sync() reads the host's
 * clock and brings periodic sampling up to it; every host entry point that
 * can make a counter move (a doorbell, cxfw_exec, a UAR write) calls it
 * first.  cxfw_diag_reset() (HCA reset) stops sampling and restarts every
 * counter from 0.
 */
typedef struct CxfwDiagCounter {
    uint16_t id;
    const char *name;
    const char *stat;           /* the CxfwStats member it reads */
    size_t offset;              /* of that uint64_t member */
    const char *desc;
} CxfwDiagCounter;

/* The counter table (cxfw-diag-counters.def), CXFW_DIAG_NUM_COUNTERS rows. */
extern const CxfwDiagCounter cxfw_diag_counters[];
void cxfw_diag_new(Cxfw *fw);
void cxfw_diag_free(Cxfw *fw);
void cxfw_diag_reset(Cxfw *fw);
void cxfw_diag_sync(Cxfw *fw);
/* Write the debug capability's diagnostic_counter[] list into cap. */
void cxfw_diag_cap_counters(uint8_t *cap);
bool cxfw_diag_check(Cxfw *fw, char **why);
/* Migration of the sampling state (cxfw-state.c). */
#define CXFW_DIAG_STATE_TYPE "(atbbbbbyyaytta(tt)at)"
GVariant *cxfw_diag_save(Cxfw *fw);
bool cxfw_diag_load(Cxfw *fw, GVariant *v, char **why);
/*
 * The migration state stream (cxfw-state.c): a format version and the
 * named sections.
 */
#define CXFW_STATE_TYPE "(ua{sv})"
/* Section i of the migration state (cxfw-state.c), NULL past the last. */
const char *cxfw_state_section_name(unsigned i);
/*
 * The state stream's byte order (little-endian) from the host's, or back:
 * takes v, returns the value to use (tests that edit a stream use it).
 */
GVariant *cxfw_state_byte_order(GVariant *v);
/*
 * cap could be the current general capabilities: the profile's maximum
 * with settable fields lowered at most (as SET_HCA_CAP does).
 */
bool cxfw_caps_general_reachable(Cxfw *fw, const uint8_t *cap, char **why);

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
uint8_t cxfw_cmd_create_umem(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_umem(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_destroy_umem(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_alloc_pd(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_dealloc_pd(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_create_mkey(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_mkey(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_destroy_mkey(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_diag_params(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_set_diag_params(Cxfw *fw, CxfwCmd *cmd);
uint8_t cxfw_cmd_query_diag_counters(Cxfw *fw, CxfwCmd *cmd);

/* reset the HCA's run-time state (objects, pages, caps) */
void cxfw_hca_reset(Cxfw *fw);

#endif
