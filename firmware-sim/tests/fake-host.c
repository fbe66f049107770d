/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake host for the cxfw library: see fake-host.h.
 */
#include <string.h>

#include "fake-host.h"

#define QE(field) CXFW_FLD(cmd_queue_entry, field)
#define BOX(field) CXFW_FLD(cmd_if_box, field)
#define EQ_IN(field) CXFW_FLD(create_eq_in, field)

/* ---- host callbacks ---- */

static bool fh_dma_ok(FakeHost *fh, uint64_t addr, size_t len, bool write)
{
    bool blocked = write ? fh->hole_write : fh->hole_read;

    if (addr < FH_MEM_BASE || len > FH_MEM_SIZE ||
        addr - FH_MEM_BASE > FH_MEM_SIZE - len) {
        return false;
    }
    if (fh->hole_len && blocked && len &&
        addr < fh->hole_addr + fh->hole_len && fh->hole_addr < addr + len) {
        return false;
    }
    return true;
}

static bool fh_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    FakeHost *fh = opaque;

    fh->dma_reads++;
    if (!fh_dma_ok(fh, addr, len, false)) {
        fh->dma_failures++;
        return false;
    }
    memcpy(buf, fh->mem + (addr - FH_MEM_BASE), len);
    return true;
}

static bool fh_dma_write(void *opaque, uint64_t addr, const void *buf,
                         size_t len)
{
    FakeHost *fh = opaque;

    fh->dma_writes++;
    if (!fh_dma_ok(fh, addr, len, true)) {
        fh->dma_failures++;
        return false;
    }
    memcpy(fh->mem + (addr - FH_MEM_BASE), buf, len);
    return true;
}

static void fh_notify(void *opaque, unsigned vector)
{
    FakeHost *fh = opaque;

    g_assert_cmpuint(vector, <, FH_MAX_VECTORS);
    fh->notify_count[vector]++;
    fh->notify_total++;
}

static uint64_t fh_clock_ns(void *opaque)
{
    FakeHost *fh = opaque;

    return fh->clock_ns;
}

static void fh_guest_error(void *opaque, const char *what, uint64_t arg)
{
    FakeHost *fh = opaque;

    fh->guest_errors++;
    g_strlcpy(fh->last_guest_error, what, sizeof(fh->last_guest_error));
}

static void fh_command_done(void *opaque, unsigned slot, uint16_t opcode,
                            uint16_t op_mod, uint16_t uid, uint8_t status,
                            uint32_t syndrome)
{
    FakeHost *fh = opaque;

    fh->commands_done++;
    fh->last_done_opcode = opcode;
    fh->last_done_status = status;
    fh->last_done_syndrome = syndrome;
}

const CxfwHostOps fh_ops = {
    .dma_read = fh_dma_read,
    .dma_write = fh_dma_write,
    .notify = fh_notify,
    .clock_ns = fh_clock_ns,
    .guest_error = fh_guest_error,
    .command_done = fh_command_done,
};

/* ---- life cycle ---- */

FakeHost *fh_new_cfg(const CxfwConfig *cfg)
{
    FakeHost *fh = g_new0(FakeHost, 1);
    char *err = NULL;

    fh->mem = g_malloc0(FH_MEM_SIZE);
    fh->next_free = FH_MEM_BASE;
    fh->fw = cxfw_new(cfg, &fh_ops, fh, &err);
    if (!fh->fw) {
        g_error("cxfw_new: %s", err);
    }
    fh_cmdq_init(fh);
    return fh;
}

FakeHost *fh_new(const char *profile)
{
    CxfwConfig cfg = {
        .profile = profile,
        .msix_vectors = FH_MSIX_VECTORS,
    };

    return fh_new_cfg(&cfg);
}

void fh_free(FakeHost *fh)
{
    if (!fh) {
        return;
    }
    cxfw_free(fh->fw);
    g_free(fh->mem);
    g_free(fh);
}

/* ---- guest memory ---- */

uint64_t fh_alloc(FakeHost *fh, size_t len, size_t align)
{
    uint64_t addr = (fh->next_free + align - 1) & ~(uint64_t)(align - 1);

    g_assert(align && !(align & (align - 1)));
    g_assert(addr + len <= FH_MEM_BASE + FH_MEM_SIZE);
    fh->next_free = addr + len;
    memset(fh_ptr(fh, addr), 0, len);
    return addr;
}

uint64_t fh_alloc_mark(FakeHost *fh)
{
    return fh->next_free;
}

void fh_alloc_release(FakeHost *fh, uint64_t mark)
{
    g_assert(mark >= FH_MEM_BASE && mark <= fh->next_free);
    fh->next_free = mark;
}

void *fh_ptr(FakeHost *fh, uint64_t addr)
{
    g_assert(addr >= FH_MEM_BASE && addr <= FH_MEM_BASE + FH_MEM_SIZE);
    return fh->mem + (addr - FH_MEM_BASE);
}

void fh_set_hole(FakeHost *fh, uint64_t addr, uint64_t len, bool block_read,
                 bool block_write)
{
    fh->hole_addr = addr;
    fh->hole_len = len;
    fh->hole_read = block_read;
    fh->hole_write = block_write;
}

void fh_clear_hole(FakeHost *fh)
{
    fh_set_hole(fh, 0, 0, false, false);
}

/* ---- commands through cxfw_exec ---- */

void fh_hdr(void *in, uint16_t opcode, uint16_t op_mod)
{
    cxfw_set(in, FH_OPCODE, opcode);
    cxfw_set(in, FH_OP_MOD, op_mod);
}

uint8_t fh_status(const void *out)
{
    return cxfw_get(out, FH_STATUS);
}

uint32_t fh_syndrome(const void *out)
{
    return cxfw_get(out, FH_SYNDROME);
}

/*
 * With CXFW_SEED_DIR set, every command a test sends is saved there in the
 * fuzz-exec input format (flags, outlen, input): the fuzzers' seed corpus
 * is what the suites send.
 */
static void record_seed(FakeHost *fh, const void *in, uint32_t inlen,
                        uint32_t outlen)
{
    const char *dir = g_getenv("CXFW_SEED_DIR");
    g_autofree uint8_t *seed = NULL;
    g_autofree char *sum = NULL, *path = NULL;

    static GHashTable *per_kind;
    uint32_t kind;
    guint n;

    if (!dir || inlen > 0x10000 || inlen < FH_HDR_LEN) {
        return;
    }
    /* a few seeds per opcode and op_mod: enough variety, a small corpus */
    if (!per_kind) {
        per_kind = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    kind = cxfw_get(in, FH_OPCODE) << 16 | cxfw_get(in, FH_OP_MOD);
    n = GPOINTER_TO_UINT(g_hash_table_lookup(per_kind, GUINT_TO_POINTER(kind)));
    if (n >= 4) {
        return;
    }
    g_hash_table_insert(per_kind, GUINT_TO_POINTER(kind), GUINT_TO_POINTER(n + 1));
    seed = g_malloc(3 + inlen);
    seed[0] = fh_stats(fh).hca_state == CXFW_HCA_INITIALIZED;
    seed[1] = MIN(outlen, 0xffff) >> 8;
    seed[2] = MIN(outlen, 0xffff) & 0xff;
    memcpy(seed + 3, in, inlen);
    sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1, seed, 3 + inlen);
    path = g_build_filename(dir, sum, NULL);
    g_file_set_contents(path, (const char *)seed, 3 + inlen, NULL);
}

uint8_t fh_exec(FakeHost *fh, const void *in, uint32_t inlen, void *out,
                uint32_t outlen)
{
    g_autofree char *why = NULL;
    uint8_t status;

    record_seed(fh, in, inlen, outlen);
    status = cxfw_exec(fh->fw, in, inlen, out, outlen);
    /* every command of every test also checks the firmware's consistency */
    if (!cxfw_check_invariants(fh->fw, &why)) {
        g_test_message("firmware invariant violated: %s", why);
        g_test_fail();
    }

    if (outlen >= FH_HDR_LEN) {
        /* the header the device writes agrees with the return value */
        g_assert_cmpuint(fh_status(out), ==, status);
    }
    return status;
}

uint8_t fh_simple(FakeHost *fh, uint16_t opcode, uint16_t op_mod,
                  uint32_t *syndrome)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];
    uint8_t status;

    fh_hdr(in, opcode, op_mod);
    status = fh_exec(fh, in, sizeof(in), out, sizeof(out));
    if (syndrome) {
        *syndrome = fh_syndrome(out);
    }
    return status;
}

/* ---- init segment ---- */

void fh_write_cmdq_addr(FakeHost *fh, uint64_t addr, unsigned nic_interface)
{
    uint8_t dword[4] = { 0 };
    uint32_t l_off =
        cxfw_field_bit(CXFW_FLD(initial_seg, cmdq_phy_addr_31_12)) / 32 * 4;
    /* rebase the fields of the cmdq_addr_l_sz dword onto one dword */
    CxfwFieldId addr_fld = (CxfwFieldId)CXFW_FIELD_ENCODE(
        cxfw_field_bit(CXFW_FLD(initial_seg, cmdq_phy_addr_31_12)) % 32,
        cxfw_field_width(CXFW_FLD(initial_seg, cmdq_phy_addr_31_12)));
    CxfwFieldId nic_fld = (CxfwFieldId)CXFW_FIELD_ENCODE(
        cxfw_field_bit(CXFW_FLD(initial_seg, nic_interface_3bit)) % 32,
        cxfw_field_width(CXFW_FLD(initial_seg, nic_interface_3bit)));

    cxfw_set(dword, addr_fld, (addr >> 12) & 0xfffff);
    cxfw_set(dword, nic_fld, nic_interface);
    cxfw_iseg_write(fh->fw,
                    cxfw_field_byte(CXFW_FLD(initial_seg,
                                             cmdq_phy_addr_63_32)),
                    addr >> 32);
    cxfw_iseg_write(fh->fw, l_off, cxfw_be32(dword));
    fh->cmdq = addr;
}

uint64_t fh_cmdq_init(FakeHost *fh)
{
    uint64_t q = fh_alloc(fh, FH_NUM_SLOTS * CXFW_CMD_ENTRY_SIZE,
                          FH_PAGE_SIZE);

    fh_write_cmdq_addr(fh, q, 0);
    return q;
}

/* ---- mailboxes ---- */

unsigned fh_blocks_for(uint32_t len)
{
    return len <= FH_HDR_LEN ? 0 :
        (len - FH_HDR_LEN + CXFW_MAILBOX_DATA_LEN - 1) / CXFW_MAILBOX_DATA_LEN;
}

uint64_t fh_box_get(FakeHost *fh, uint64_t box, CxfwFieldId f)
{
    return cxfw_get(fh_ptr(fh, box), f);
}

void fh_box_set(FakeHost *fh, uint64_t box, CxfwFieldId f, uint64_t value)
{
    cxfw_set(fh_ptr(fh, box), f, value);
}

void fh_box_set_next(FakeHost *fh, uint64_t box, uint64_t next)
{
    fh_box_set(fh, box, BOX(next_pointer_63_32), next >> 32);
    fh_box_set(fh, box, BOX(next_pointer_31_10), (next >> 10) & 0x3fffff);
    fh_box_set(fh, box, BOX(next_pointer_9_0), next & 0x3ff);
}

static uint64_t fh_box_next(FakeHost *fh, uint64_t box)
{
    return fh_box_get(fh, box, BOX(next_pointer_63_32)) << 32 |
           fh_box_get(fh, box, BOX(next_pointer_31_10)) << 10 |
           fh_box_get(fh, box, BOX(next_pointer_9_0));
}

uint64_t fh_chain_new(FakeHost *fh, unsigned nblocks, uint8_t token,
                      const void *data, size_t len)
{
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint64_t first = 0, prev = 0;

    for (unsigned i = 0; i < nblocks; i++) {
        uint64_t box = fh_alloc(fh, CXFW_MAILBOX_SIZE,
                                CXFW_MAILBOX_NEXT_ALIGN);
        size_t off = (size_t)i * CXFW_MAILBOX_DATA_LEN;

        if (data && off < len) {
            memcpy((uint8_t *)fh_ptr(fh, box) + data_off,
                   (const uint8_t *)data + off,
                   MIN(CXFW_MAILBOX_DATA_LEN, len - off));
        }
        fh_box_set(fh, box, BOX(block_number), i);
        fh_box_set(fh, box, BOX(token), token);
        if (prev) {
            fh_box_set_next(fh, prev, box);
        } else {
            first = box;
        }
        prev = box;
    }
    return first;
}

uint64_t fh_chain_block(FakeHost *fh, uint64_t first, unsigned index)
{
    uint64_t box = first;

    for (unsigned i = 0; i < index; i++) {
        box = fh_box_next(fh, box);
    }
    return box;
}

void fh_chain_read(FakeHost *fh, uint64_t first, void *data, size_t len)
{
    uint32_t data_off = cxfw_field_byte(BOX(mailbox_data));
    uint64_t box = first;

    for (size_t off = 0; off < len; off += CXFW_MAILBOX_DATA_LEN) {
        memcpy((uint8_t *)data + off, (uint8_t *)fh_ptr(fh, box) + data_off,
               MIN(CXFW_MAILBOX_DATA_LEN, len - off));
        box = fh_box_next(fh, box);
    }
}

/* ---- queue entries ---- */

uint64_t fh_entry_addr(FakeHost *fh, unsigned slot)
{
    g_assert(fh->cmdq);
    return fh->cmdq + (uint64_t)slot * CXFW_CMD_ENTRY_SIZE;
}

uint64_t fh_entry_get(FakeHost *fh, unsigned slot, CxfwFieldId f)
{
    return cxfw_get(fh_ptr(fh, fh_entry_addr(fh, slot)), f);
}

void fh_entry_set(FakeHost *fh, unsigned slot, CxfwFieldId f, uint64_t value)
{
    cxfw_set(fh_ptr(fh, fh_entry_addr(fh, slot)), f, value);
}

void fh_entry_set_in_ptr(FakeHost *fh, unsigned slot, uint64_t ptr)
{
    fh_entry_set(fh, slot, QE(input_mailbox_pointer_63_32), ptr >> 32);
    fh_entry_set(fh, slot, QE(input_mailbox_pointer_31_9),
                 (ptr >> 9) & 0x7fffff);
    fh_entry_set(fh, slot, QE(input_mailbox_pointer_8_0), ptr & 0x1ff);
}

void fh_entry_set_out_ptr(FakeHost *fh, unsigned slot, uint64_t ptr)
{
    fh_entry_set(fh, slot, QE(output_mailbox_pointer_63_32), ptr >> 32);
    fh_entry_set(fh, slot, QE(output_mailbox_pointer_31_9),
                 (ptr >> 9) & 0x7fffff);
    fh_entry_set(fh, slot, QE(output_mailbox_pointer_8_0), ptr & 0x1ff);
}

void fh_entry_write(FakeHost *fh, const FhEntry *e, const void *in)
{
    uint8_t *qe = fh_ptr(fh, fh_entry_addr(fh, e->slot));

    memset(qe, 0, CXFW_CMD_ENTRY_SIZE);
    if (in) {
        memcpy(qe + cxfw_field_byte(QE(command_input_inline_data)), in,
               MIN(e->inlen, FH_HDR_LEN));
    }
    cxfw_set(qe, QE(type), e->type);
    cxfw_set(qe, QE(input_length), e->inlen);
    cxfw_set(qe, QE(output_length), e->outlen);
    cxfw_set(qe, QE(token), e->token);
    fh_entry_set_in_ptr(fh, e->slot, e->in_ptr);
    fh_entry_set_out_ptr(fh, e->slot, e->out_ptr);
    /* a driver sets the ownership bit last */
    cxfw_set(qe, QE(ownership), 1);
}

void fh_entry_build(FakeHost *fh, FhEntry *e, unsigned slot, const void *in,
                    uint32_t inlen, uint32_t outlen)
{
    uint8_t token = ++fh->next_token;

    if (!token) {
        token = fh->next_token = 1;
    }
    *e = (FhEntry) {
        .slot = slot, .inlen = inlen, .outlen = outlen, .token = token,
        .type = CXFW_CMD_TRANSPORT_PCIE,
    };
    if (inlen > FH_HDR_LEN) {
        e->in_ptr = fh_chain_new(fh, fh_blocks_for(inlen), token,
                                 (const uint8_t *)in + FH_HDR_LEN,
                                 inlen - FH_HDR_LEN);
    }
    e->out_ptr = fh_chain_new(fh, fh_blocks_for(outlen), token, NULL, 0);
    fh_entry_write(fh, e, in);
}

uint8_t fh_entry_status_own(FakeHost *fh, unsigned slot)
{
    return ((uint8_t *)fh_ptr(fh, fh_entry_addr(fh, slot)))
        [CXFW_CMD_ENTRY_SIZE - 1];
}

bool fh_entry_owned_by_hw(FakeHost *fh, unsigned slot)
{
    return fh_entry_get(fh, slot, QE(ownership));
}

uint8_t fh_entry_delivery(FakeHost *fh, unsigned slot)
{
    return fh_entry_get(fh, slot, QE(status));
}

static uint8_t *fh_entry_out_hdr(FakeHost *fh, unsigned slot)
{
    return (uint8_t *)fh_ptr(fh, fh_entry_addr(fh, slot)) +
        cxfw_field_byte(QE(command_output_inline_data));
}

uint8_t fh_entry_cmd_status(FakeHost *fh, unsigned slot)
{
    return fh_status(fh_entry_out_hdr(fh, slot));
}

uint32_t fh_entry_cmd_syndrome(FakeHost *fh, unsigned slot)
{
    return fh_syndrome(fh_entry_out_hdr(fh, slot));
}

void fh_entry_output(FakeHost *fh, const FhEntry *e, void *out,
                     uint32_t outlen)
{
    uint8_t *qe = fh_ptr(fh, fh_entry_addr(fh, e->slot));

    memcpy(out, qe + cxfw_field_byte(QE(command_output_inline_data)),
           FH_HDR_LEN);
    if (outlen > FH_HDR_LEN) {
        fh_chain_read(fh, e->out_ptr, (uint8_t *)out + FH_HDR_LEN,
                      outlen - FH_HDR_LEN);
    }
}

void fh_ring(FakeHost *fh, uint32_t slot_mask)
{
    /* the MMIO write is only latched; the host runs it "later" */
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMD_DBELL, slot_mask);
    cxfw_cmd_doorbell(fh->fw, slot_mask);
}

uint8_t fh_cmd_slot(FakeHost *fh, unsigned slot, const void *in,
                    uint32_t inlen, void *out, uint32_t outlen)
{
    uint64_t mark = fh_alloc_mark(fh);
    FhEntry e;
    uint8_t deliv;

    fh_entry_build(fh, &e, slot, in, inlen, outlen);
    fh_ring(fh, 1u << slot);
    g_assert_false(fh_entry_owned_by_hw(fh, slot));
    deliv = fh_entry_delivery(fh, slot);
    fh_entry_output(fh, &e, out, outlen);
    fh_alloc_release(fh, mark);
    return deliv;
}

uint8_t fh_cmd(FakeHost *fh, const void *in, uint32_t inlen, void *out,
               uint32_t outlen)
{
    return fh_cmd_slot(fh, 0, in, inlen, out, outlen);
}

/* ---- bring-up ---- */

void fh_enable(FakeHost *fh)
{
    g_assert_cmpuint(fh_simple(fh, CXFW_OP_ENABLE_HCA, 0, NULL), ==,
                     CXFW_STATUS_OK);
}

uint32_t fh_give_pages(FakeHost *fh, uint32_t n, uint64_t *addrs)
{
    uint32_t pas_off = cxfw_field_byte(CXFW_FLD(manage_pages_in, pas));
    uint32_t inlen = pas_off + n * FH_PAS_ENTRY;
    g_autofree uint8_t *in = g_malloc0(inlen);
    uint8_t out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
    cxfw_set(in, CXFW_FLD(manage_pages_in, input_num_entries), n);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t page = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);

        cxfw_put_be64(in + pas_off + i * FH_PAS_ENTRY, page);
        if (addrs) {
            addrs[i] = page;
        }
    }
    return fh_exec(fh, in, inlen, out, sizeof(out));
}

static uint32_t fh_query_pages(FakeHost *fh, unsigned stage)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_QUERY_PAGES, stage);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                     CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(query_pages_out, num_pages));
}

uint32_t fh_alloc_uar(FakeHost *fh)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_HDR_LEN];

    fh_hdr(in, CXFW_OP_ALLOC_UAR, 0);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                     CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(alloc_uar_out, uar));
}

void fh_bringup(FakeHost *fh)
{
    uint8_t in[FH_HDR_LEN] = { 0 }, out[FH_QUERY_ISSI_OUTLEN];
    uint8_t reg_in[FH_HDR_LEN + FH_REG_HOST_ENDIANNESS_LEN] = { 0 };
    uint8_t reg_out[FH_HDR_LEN + FH_REG_HOST_ENDIANNESS_LEN];
    g_autofree uint8_t *cap_out = g_malloc(FH_QUERY_HCA_CAP_OUTLEN);
    g_autofree uint8_t *set_in = g_malloc0(FH_SET_HCA_CAP_INLEN);
    uint32_t cap_off = cxfw_field_byte(CXFW_FLD(query_hca_cap_out,
                                                capability));
    uint32_t n;

    fh_enable(fh);

    fh_hdr(in, CXFW_OP_QUERY_ISSI, 0);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                     CXFW_STATUS_OK);
    g_assert_true(cxfw_get(out, CXFW_FLD(query_issi_out,
                                         supported_issi_dw0)) & 2);
    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_SET_ISSI, 0);
    cxfw_set(in, CXFW_FLD(set_issi_in, current_issi), 1);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), out, FH_HDR_LEN), ==,
                     CXFW_STATUS_OK);

    n = fh_query_pages(fh, CXFW_PAGES_BOOT);
    g_assert_cmpuint(fh_give_pages(fh, n, NULL), ==, CXFW_STATUS_OK);

    fh_hdr(reg_in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_WRITE);
    cxfw_set(reg_in, CXFW_FLD(access_register_in, register_id),
             CXFW_REG_HOST_ENDIANNESS);
    g_assert_cmpuint(fh_exec(fh, reg_in, sizeof(reg_in), reg_out,
                             sizeof(reg_out)), ==, CXFW_STATUS_OK);

    memset(in, 0, sizeof(in));
    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 0 << 1 | 0);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), cap_out,
                             FH_QUERY_HCA_CAP_OUTLEN), ==, CXFW_STATUS_OK);
    fh_hdr(in, CXFW_OP_QUERY_HCA_CAP, 0 << 1 | 1);
    g_assert_cmpuint(fh_exec(fh, in, sizeof(in), cap_out,
                             FH_QUERY_HCA_CAP_OUTLEN), ==, CXFW_STATUS_OK);
    fh_hdr(set_in, CXFW_OP_SET_HCA_CAP, 0);
    memcpy(set_in + cxfw_field_byte(CXFW_FLD(set_hca_cap_in, capability)),
           cap_out + cap_off, FH_CAP_SIZE);
    g_assert_cmpuint(fh_exec(fh, set_in, FH_SET_HCA_CAP_INLEN, out,
                             FH_HDR_LEN), ==, CXFW_STATUS_OK);

    n = fh_query_pages(fh, CXFW_PAGES_INIT);
    g_assert_cmpuint(fh_give_pages(fh, n, NULL), ==, CXFW_STATUS_OK);

    g_assert_cmpuint(fh_simple(fh, CXFW_OP_INIT_HCA, 0, NULL), ==,
                     CXFW_STATUS_OK);
    fh->uar = fh_alloc_uar(fh);
}

/* ---- event queues ---- */

uint8_t *fh_eq_in(FakeHost *fh, unsigned log_size, uint64_t event_mask,
                  unsigned vector, uint32_t uar, uint32_t *inlen)
{
    uint32_t pas_off = FH_CREATE_EQ_INLEN;
    uint64_t bytes = (uint64_t)CXFW_EQE_SIZE << log_size;
    uint32_t npas = MAX(bytes / FH_PAGE_SIZE, 1);
    uint8_t *in;

    g_assert_cmpuint(npas, <=, FH_MAX_EQ_PAGES);
    *inlen = pas_off + npas * FH_PAS_ENTRY;
    in = g_malloc0(*inlen);
    fh_hdr(in, CXFW_OP_CREATE_EQ, 0);
    cxfw_set(in, EQ_IN(eqc_log_eq_size), log_size);
    cxfw_set(in, EQ_IN(eqc_uar_page), uar);
    cxfw_set(in, EQ_IN(eqc_intr), vector);
    cxfw_set(in, EQ_IN(eqc_log_page_size), 0);
    cxfw_put_be64(in + cxfw_field_byte(EQ_IN(event_bitmask)), event_mask);
    for (uint32_t i = 0; i < npas; i++) {
        uint64_t page = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
        uint8_t *p = fh_ptr(fh, page);

        /* a page-sized gap keeps the pages non-contiguous */
        fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
        cxfw_put_be64(in + pas_off + i * FH_PAS_ENTRY, page);
        /* mlx5 init_eq_buf: every EQE starts with owner 1 */
        for (uint32_t off = 0; off < MIN(bytes, FH_PAGE_SIZE);
             off += CXFW_EQE_SIZE) {
            cxfw_set(p + off, CXFW_FLD(eqe, owner), 1);
        }
    }
    return in;
}

uint8_t fh_eq_create(FakeHost *fh, FhEq *eq, unsigned log_size,
                     uint64_t event_mask, unsigned vector, uint32_t uar,
                     uint32_t *syndrome)
{
    uint32_t inlen;
    g_autofree uint8_t *in = fh_eq_in(fh, log_size, event_mask, vector, uar,
                                      &inlen);
    uint8_t out[FH_HDR_LEN];
    uint8_t status = fh_exec(fh, in, inlen, out, sizeof(out));

    if (syndrome) {
        *syndrome = fh_syndrome(out);
    }
    memset(eq, 0, sizeof(*eq));
    if (status == CXFW_STATUS_OK) {
        eq->eqn = cxfw_get(out, CXFW_FLD(create_eq_out, eq_number));
        eq->log_size = log_size;
        eq->vector = vector;
        eq->uar = uar;
        eq->npas = (inlen - FH_CREATE_EQ_INLEN) / FH_PAS_ENTRY;
        for (uint32_t i = 0; i < eq->npas; i++) {
            eq->pas[i] = cxfw_be64(in + FH_CREATE_EQ_INLEN +
                                   i * FH_PAS_ENTRY);
        }
    }
    return status;
}

uint64_t fh_eqe_addr(const FhEq *eq, uint32_t index)
{
    uint64_t off = (uint64_t)(index & ((1u << eq->log_size) - 1)) *
                   CXFW_EQE_SIZE;

    return eq->pas[off / FH_PAGE_SIZE] + off % FH_PAGE_SIZE;
}

uint8_t *fh_eqe(FakeHost *fh, const FhEq *eq, uint32_t index)
{
    return fh_ptr(fh, fh_eqe_addr(eq, index));
}

uint8_t *fh_eq_peek(FakeHost *fh, FhEq *eq)
{
    uint8_t *eqe = fh_eqe(fh, eq, eq->cc);
    uint32_t nent = 1u << eq->log_size;
    unsigned owner = cxfw_get(eqe, CXFW_FLD(eqe, owner));

    return ((owner & 1) ^ !!(eq->cc & nent)) ? NULL : eqe;
}

uint8_t *fh_eq_next(FakeHost *fh, FhEq *eq)
{
    uint8_t *eqe = fh_eq_peek(fh, eq);

    if (eqe) {
        eq->cc++;
    }
    return eqe;
}

void fh_eq_doorbell(FakeHost *fh, FhEq *eq, bool arm)
{
    cxfw_uar_write(fh->fw, eq->uar,
                   arm ? CXFW_UAR_EQ_ARM : CXFW_UAR_EQ_UPDATE,
                   (uint32_t)eq->eqn << 24 | (eq->cc & 0xffffff));
}

uint8_t fh_eq_query(FakeHost *fh, uint8_t eqn, uint8_t *out, uint32_t outlen)
{
    uint8_t in[FH_HDR_LEN] = { 0 };

    fh_hdr(in, CXFW_OP_QUERY_EQ, 0);
    cxfw_set(in, CXFW_FLD(query_eq_in, eq_number), eqn);
    return fh_exec(fh, in, sizeof(in), out, outlen);
}

/* ---- user contexts ---- */

uint8_t fh_exec_as(FakeHost *fh, uint16_t uid, void *in, uint32_t inlen,
                   void *out, uint32_t outlen)
{
    cxfw_set(in, FH_UID, uid);
    return fh_exec(fh, in, inlen, out, outlen);
}

uint16_t fh_uctx_new(FakeHost *fh, uint32_t cap)
{
    uint8_t in[CXFW_SIZEOF(create_uctx_in)] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_uctx_out)];

    fh_hdr(in, CXFW_OP_CREATE_UCTX, 0);
    cxfw_set(in, CXFW_FLD(create_uctx_in, cap), cap);
    g_assert_cmphex(fh_exec(fh, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    return cxfw_get(out, CXFW_FLD(create_uctx_out, uid));
}

/* ---- memory objects ---- */

static uint8_t *umem_of(uint8_t *in)
{
    return in + cxfw_field_byte(CXFW_FLD(create_umem_in, umem));
}

void fh_umem_set_mtt_raw(uint8_t *in, uint32_t i, uint64_t raw)
{
    cxfw_put_be64(umem_of(in) + cxfw_field_byte(CXFW_FLD(umem, mtt)) +
                  i * CXFW_MTT_ENTRY_SIZE, raw);
}

void fh_umem_set_mtt(uint8_t *in, uint32_t i, uint64_t addr,
                     unsigned access)
{
    uint8_t *e = umem_of(in) + cxfw_field_byte(CXFW_FLD(umem, mtt)) +
                 i * CXFW_MTT_ENTRY_SIZE;

    cxfw_set(e, CXFW_FLD(mtt, ptag_63_32), addr >> 32);
    cxfw_set(e, CXFW_FLD(mtt, ptag_31_8), (uint32_t)addr >> 8);
    cxfw_set(e, CXFW_FLD(mtt, reserved_7_2), 0);
    cxfw_set(e, CXFW_FLD(mtt, rd_en), !!(access & FH_MTT_RD));
    cxfw_set(e, CXFW_FLD(mtt, wr_en), !!(access & FH_MTT_WR));
}

uint8_t *fh_umem_in(uint32_t log_page_size, uint32_t page_offset,
                    const uint64_t *addrs, uint32_t n, unsigned access,
                    uint32_t *inlen)
{
    uint8_t *in;

    *inlen = FH_CREATE_UMEM_INLEN(n);
    in = g_malloc0(*inlen);
    fh_hdr(in, CXFW_OP_CREATE_UMEM, 0);
    cxfw_set(umem_of(in), CXFW_FLD(umem, log_page_size), log_page_size);
    cxfw_set(umem_of(in), CXFW_FLD(umem, page_offset), page_offset);
    cxfw_set(umem_of(in), CXFW_FLD(umem, num_of_mtt), n);
    for (uint32_t i = 0; i < n; i++) {
        fh_umem_set_mtt(in, i, addrs[i], access);
    }
    return in;
}

/* Run a command as uid; its status, and *number / *synd from the output. */
static uint8_t create_as(FakeHost *fh, uint16_t uid, uint8_t *in,
                         uint32_t inlen, CxfwFieldId number_field,
                         uint32_t *number, uint32_t *synd)
{
    uint8_t out[FH_HDR_LEN];
    uint8_t status;

    memset(out, 0xee, sizeof(out));
    status = fh_exec_as(fh, uid, in, inlen, out, sizeof(out));
    if (number) {
        *number = cxfw_get(out, number_field);
    }
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

uint8_t fh_umem_create(FakeHost *fh, uint16_t uid, uint8_t *in,
                       uint32_t inlen, uint32_t *id, uint32_t *synd)
{
    return create_as(fh, uid, in, inlen, CXFW_FLD(create_umem_out, umem_id),
                     id, synd);
}

uint8_t fh_pd_alloc(FakeHost *fh, uint16_t uid, uint32_t *pdn,
                    uint32_t *synd)
{
    uint8_t in[CXFW_SIZEOF(alloc_pd_in)] = { 0 };

    fh_hdr(in, CXFW_OP_ALLOC_PD, 0);
    return create_as(fh, uid, in, sizeof(in), CXFW_FLD(alloc_pd_out, pd),
                     pdn, synd);
}

void fh_mkey_in(uint8_t *in, uint32_t pdn, uint32_t umem_id,
                uint64_t umem_offset, uint64_t start, uint64_t len,
                unsigned access, uint8_t variant)
{
    uint8_t *mkc = in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));

    memset(in, 0, CXFW_SIZEOF(create_mkey_in));
    fh_hdr(in, CXFW_OP_CREATE_MKEY, 0);
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_valid), 1);
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_id), umem_id);
    cxfw_set(in, CXFW_FLD(create_mkey_in, mkey_umem_offset), umem_offset);
    cxfw_set(mkc, CXFW_FLD(mkc, access_mode_1_0), CXFW_MKC_ACCESS_MODE_MTT);
    cxfw_set(mkc, CXFW_FLD(mkc, lr), !!(access & FH_MKEY_LR));
    cxfw_set(mkc, CXFW_FLD(mkc, lw), !!(access & FH_MKEY_LW));
    cxfw_set(mkc, CXFW_FLD(mkc, rr), !!(access & FH_MKEY_RR));
    cxfw_set(mkc, CXFW_FLD(mkc, rw), !!(access & FH_MKEY_RW));
    cxfw_set(mkc, CXFW_FLD(mkc, a), !!(access & FH_MKEY_A));
    cxfw_set(mkc, CXFW_FLD(mkc, qpn), 0xffffff);
    cxfw_set(mkc, CXFW_FLD(mkc, mkey_7_0), variant);
    cxfw_set(mkc, CXFW_FLD(mkc, pd), pdn);
    cxfw_set(mkc, CXFW_FLD(mkc, start_addr), start);
    cxfw_set(mkc, CXFW_FLD(mkc, len), len);
}

uint8_t fh_mkey_create(FakeHost *fh, uint16_t uid, uint8_t *in,
                       uint32_t *mkey, uint32_t *synd)
{
    uint32_t index = 0;
    uint8_t status = create_as(fh, uid, in, CXFW_SIZEOF(create_mkey_in),
                               CXFW_FLD(create_mkey_out, mkey_index), &index,
                               synd);
    const uint8_t *mkc = in + cxfw_field_byte(CXFW_FLD(create_mkey_in, mkc));

    if (mkey) {
        *mkey = index << 8 | cxfw_get(mkc, CXFW_FLD(mkc, mkey_7_0));
    }
    return status;
}

uint8_t fh_obj_cmd(FakeHost *fh, uint16_t uid, uint16_t opcode,
                   uint32_t number, void *out, uint32_t outlen)
{
    uint8_t in[FH_HDR_LEN] = { 0 };

    /* every one of these layouts puts the number at byte 8, 24 bits */
    G_STATIC_ASSERT(CXFW_FLD(destroy_umem_in, umem_id) ==
                    CXFW_FLD(query_umem_in, umem_id));
    G_STATIC_ASSERT(CXFW_FLD(destroy_umem_in, umem_id) ==
                    CXFW_FLD(dealloc_pd_in, pd));
    G_STATIC_ASSERT(CXFW_FLD(destroy_umem_in, umem_id) ==
                    CXFW_FLD(destroy_mkey_in, mkey_index));
    G_STATIC_ASSERT(CXFW_FLD(destroy_umem_in, umem_id) ==
                    CXFW_FLD(query_mkey_in, mkey_index));
    fh_hdr(in, opcode, 0);
    cxfw_set(in, CXFW_FLD(destroy_umem_in, umem_id), number);
    memset(out, 0xee, outlen);
    return fh_exec_as(fh, uid, in, sizeof(in), out, outlen);
}

void fh_buf_new(FakeHost *fh, FhBuf *b, uint16_t uid, uint64_t size,
                uint32_t page_offset, bool scattered, unsigned mtt_access,
                unsigned mkey_access)
{
    uint8_t mkey_in[CXFW_SIZEOF(create_mkey_in)];
    g_autofree uint8_t *in = NULL;
    uint32_t inlen;

    g_assert_cmpuint(page_offset, <, FH_PAGE_SIZE);
    memset(b, 0, sizeof(*b));
    b->uid = uid;
    b->size = size;
    b->page_offset = page_offset;
    b->va = FH_BUF_VA + page_offset;
    b->npages = (page_offset + size + FH_PAGE_SIZE - 1) / FH_PAGE_SIZE;
    b->pages = g_new(uint64_t, b->npages);
    for (uint32_t i = 0; i < b->npages; i++) {
        b->pages[i] = fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
        if (scattered) {
            fh_alloc(fh, FH_PAGE_SIZE, FH_PAGE_SIZE);
        }
    }
    in = fh_umem_in(0, page_offset, b->pages, b->npages, mtt_access, &inlen);
    g_assert_cmphex(fh_umem_create(fh, uid, in, inlen, &b->umem, NULL), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(fh_pd_alloc(fh, uid, &b->pd, NULL), ==, CXFW_STATUS_OK);
    fh_mkey_in(mkey_in, b->pd, b->umem, 0, b->va, size, mkey_access, 0x42);
    g_assert_cmphex(fh_mkey_create(fh, uid, mkey_in, &b->mkey, NULL), ==,
                    CXFW_STATUS_OK);
}

void fh_buf_free(FhBuf *b)
{
    g_free(b->pages);
    b->pages = NULL;
}

uint64_t fh_buf_bus(const FhBuf *b, uint64_t off)
{
    uint64_t pos = b->page_offset + off;

    g_assert_cmpuint(pos / FH_PAGE_SIZE, <, b->npages);
    return b->pages[pos / FH_PAGE_SIZE] + pos % FH_PAGE_SIZE;
}

void fh_buf_read(FakeHost *fh, const FhBuf *b, uint64_t off, void *dst,
                 size_t len)
{
    uint8_t *p = dst;

    while (len) {
        uint64_t bus = fh_buf_bus(b, off);
        size_t chunk = MIN(len, FH_PAGE_SIZE - bus % FH_PAGE_SIZE);

        memcpy(p, fh_ptr(fh, bus), chunk);
        p += chunk;
        off += chunk;
        len -= chunk;
    }
}

void fh_buf_fill(FakeHost *fh, const FhBuf *b, uint8_t byte)
{
    for (uint32_t i = 0; i < b->npages; i++) {
        memset(fh_ptr(fh, b->pages[i]), byte, FH_PAGE_SIZE);
    }
}

uint64_t fh_buf_count(FakeHost *fh, const FhBuf *b, uint8_t byte)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < b->npages; i++) {
        const uint8_t *p = fh_ptr(fh, b->pages[i]);

        for (unsigned j = 0; j < FH_PAGE_SIZE; j++) {
            n += p[j] == byte;
        }
    }
    return n;
}

uint8_t fh_reg_read(FakeHost *fh, uint16_t uid, uint16_t reg,
                    const void *data_in, void *data_out, uint32_t size,
                    uint32_t *synd)
{
    uint32_t data = cxfw_field_byte(CXFW_FLD(access_register_in,
                                             register_data));
    g_autofree uint8_t *in = g_malloc0(data + size);
    g_autofree uint8_t *out = g_malloc0(data + size);
    uint8_t status;

    fh_hdr(in, CXFW_OP_ACCESS_REG, CXFW_REG_OP_READ);
    cxfw_set(in, CXFW_FLD(access_register_in, register_id), reg);
    if (data_in) {
        memcpy(in + data, data_in, size);
    }
    status = fh_exec_as(fh, uid, in, data + size, out, data + size);
    if (data_out) {
        memcpy(data_out, out + data, size);
    }
    if (synd) {
        *synd = fh_syndrome(out);
    }
    return status;
}

CxfwStats fh_stats(FakeHost *fh)
{
    CxfwStats s;

    cxfw_get_stats(fh->fw, &s);
    return s;
}
