/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command queue transport: read a queue entry, gather the input from the
 * entry and its mailbox chain, run the command, scatter the output, write
 * the delivery status and hand the entry back to the driver.
 *
 * Everything read here is guest input.  Chains are walked for exactly the
 * number of blocks the lengths need, so a cyclic or endless chain cannot
 * keep the device busy; it fails the block-number check instead.
 */
#include <string.h>

#include "cxfw-internal.h"

#define QE(field) CXFW_FLD(cmd_queue_entry, field)
#define BOX(field) CXFW_FLD(cmd_if_box, field)

/* A mailbox chain to be written once the command has run. */
typedef struct OutChain {
    uint32_t nblocks;
    uint64_t addr[CXFW_MAX_MAILBOXES];
} OutChain;

static uint32_t blocks_for(uint32_t len)
{
    return len <= CXFW_CMD_INLINE_LEN ? 0 :
        (len - CXFW_CMD_INLINE_LEN + CXFW_MAILBOX_DATA_LEN - 1) /
        CXFW_MAILBOX_DATA_LEN;
}

static uint8_t *scratch(uint8_t **buf, uint32_t *cap, uint32_t len)
{
    if (*cap < len) {
        g_free(*buf);
        *buf = g_malloc(len);
        *cap = len;
    }
    return *buf;
}

/*
 * Walk nblocks mailboxes from first, checking pointers, block numbers and
 * tokens.  With data != NULL, gather each block's payload into it.
 * Returns a delivery status.
 */
static uint8_t walk_chain(Cxfw *fw, uint64_t first, uint32_t nblocks,
                          uint8_t token, uint8_t align_status,
                          uint8_t *data, uint32_t datalen, OutChain *chain)
{
    uint8_t box[CXFW_MAILBOX_SIZE];
    uint64_t addr = first;

    for (uint32_t i = 0; i < nblocks; i++) {
        uint64_t next;

        if (i > 0 && addr % CXFW_MAILBOX_NEXT_ALIGN) {
            cxfw_guest_error(fw, "misaligned mailbox next pointer", addr);
            return align_status;
        }
        if (!cxfw_dma_read(fw, addr, box, sizeof(box))) {
            cxfw_guest_error(fw, "mailbox not readable", addr);
            return CXFW_DELIV_BAD_DESCRIPTOR;
        }
        if (cxfw_get(box, BOX(block_number)) != i) {
            cxfw_guest_error(fw, "mailbox block number mismatch", i);
            return CXFW_DELIV_BAD_BLOCK_NUMBER;
        }
        if (cxfw_get(box, BOX(token)) != token) {
            cxfw_guest_error(fw, "mailbox token mismatch", i);
            return CXFW_DELIV_TOKEN;
        }
        if (data) {
            uint32_t off = i * CXFW_MAILBOX_DATA_LEN;
            uint32_t n = MIN(CXFW_MAILBOX_DATA_LEN, datalen - off);

            memcpy(data + off, box + cxfw_field_byte(BOX(mailbox_data)), n);
        }
        if (chain) {
            chain->addr[i] = addr;
        }
        next = cxfw_get(box, BOX(next_pointer_63_32)) << 32 |
               cxfw_get(box, BOX(next_pointer_31_10)) << 10 |
               cxfw_get(box, BOX(next_pointer_9_0));
        addr = next;
    }
    if (chain) {
        chain->nblocks = nblocks;
    }
    return CXFW_DELIV_OK;
}

static uint64_t entry_pointer(const uint8_t *qe, CxfwFieldId hi,
                              CxfwFieldId mid, CxfwFieldId lo)
{
    return cxfw_get(qe, hi) << 32 | cxfw_get(qe, mid) << 9 | cxfw_get(qe, lo);
}

/*
 * Claim the output mailboxes before the command runs by zeroing their data:
 * a mailbox the device can read but not write must fail the delivery
 * before the command has any effect.
 */
static bool claim_output(Cxfw *fw, const OutChain *chain)
{
    static const uint8_t zero[CXFW_MAILBOX_DATA_LEN];

    for (uint32_t i = 0; i < chain->nblocks; i++) {
        if (!cxfw_dma_write(fw, chain->addr[i] +
                            cxfw_field_byte(BOX(mailbox_data)),
                            zero, sizeof(zero))) {
            cxfw_guest_error(fw, "output mailbox not writable",
                             chain->addr[i]);
            return false;
        }
    }
    return true;
}

static bool scatter_output(Cxfw *fw, const OutChain *chain,
                           const uint8_t *out, uint32_t outlen)
{
    for (uint32_t i = 0; i < chain->nblocks; i++) {
        uint32_t off = CXFW_CMD_INLINE_LEN + i * CXFW_MAILBOX_DATA_LEN;
        uint32_t n = MIN(CXFW_MAILBOX_DATA_LEN, outlen - off);

        if (!cxfw_dma_write(fw, chain->addr[i] +
                            cxfw_field_byte(BOX(mailbox_data)),
                            out + off, n)) {
            cxfw_guest_error(fw, "output mailbox not writable",
                             chain->addr[i]);
            return false;
        }
    }
    return true;
}

/*
 * Validate and execute an entry whose bytes are in qe.  Fills qe's output
 * area and returns the delivery status.
 */
static uint8_t execute_entry(Cxfw *fw, unsigned slot, uint8_t *qe)
{
    uint32_t inlen = cxfw_get(qe, QE(input_length));
    uint32_t outlen = cxfw_get(qe, QE(output_length));
    uint8_t token = cxfw_get(qe, QE(token));
    uint64_t in_ptr, out_ptr;
    uint8_t *in, *out;
    g_autofree OutChain *chain = NULL;
    uint8_t deliv;
    CxfwCmd cmd;
    uint8_t status;

    if (cxfw_get(qe, QE(type)) != CXFW_CMD_TRANSPORT_PCIE) {
        cxfw_guest_error(fw, "queue entry type is not PCIe", slot);
        return CXFW_DELIV_BAD_DESCRIPTOR;
    }
    if (inlen > CXFW_MAX_MSG_LEN) {
        cxfw_guest_error(fw, "input length above the transport limit", inlen);
        return CXFW_DELIV_IN_LENGTH;
    }
    if (outlen > CXFW_MAX_MSG_LEN) {
        cxfw_guest_error(fw, "output length above the transport limit",
                         outlen);
        return CXFW_DELIV_OUT_LENGTH;
    }
    in_ptr = entry_pointer(qe, QE(input_mailbox_pointer_63_32),
                           QE(input_mailbox_pointer_31_9),
                           QE(input_mailbox_pointer_8_0));
    out_ptr = entry_pointer(qe, QE(output_mailbox_pointer_63_32),
                            QE(output_mailbox_pointer_31_9),
                            QE(output_mailbox_pointer_8_0));
    if (blocks_for(inlen) && in_ptr % CXFW_MAILBOX_PTR_ALIGN) {
        cxfw_guest_error(fw, "misaligned input mailbox pointer", in_ptr);
        return CXFW_DELIV_IN_PTR_ALIGN;
    }
    if (blocks_for(outlen) && out_ptr % CXFW_MAILBOX_PTR_ALIGN) {
        cxfw_guest_error(fw, "misaligned output mailbox pointer", out_ptr);
        return CXFW_DELIV_OUT_PTR_ALIGN;
    }

    in = scratch(&fw->in_buf, &fw->in_cap, MAX(inlen, CXFW_CMD_INLINE_LEN));
    memcpy(in, qe + cxfw_field_byte(QE(command_input_inline_data)),
           CXFW_CMD_INLINE_LEN);
    deliv = walk_chain(fw, in_ptr, blocks_for(inlen), token,
                       CXFW_DELIV_IN_PTR_ALIGN, in + CXFW_CMD_INLINE_LEN,
                       inlen > CXFW_CMD_INLINE_LEN ?
                       inlen - CXFW_CMD_INLINE_LEN : 0, NULL);
    if (deliv) {
        return deliv;
    }
    /* Validate the output chain before running: no effect if undeliverable */
    chain = g_new(OutChain, 1);
    deliv = walk_chain(fw, out_ptr, blocks_for(outlen), token,
                       CXFW_DELIV_OUT_PTR_ALIGN, NULL, 0, chain);
    if (deliv) {
        return deliv;
    }
    if (!claim_output(fw, chain)) {
        return CXFW_DELIV_BAD_DESCRIPTOR;
    }

    /* The output always has a 16-byte header in the entry. */
    out = scratch(&fw->out_buf, &fw->out_cap,
                  MAX(outlen, CXFW_CMD_INLINE_LEN));
    memset(out, 0, MAX(outlen, CXFW_CMD_INLINE_LEN));
    cmd = (CxfwCmd) {
        .in = in, .inlen = inlen, .out = out, .outlen = outlen,
    };
    status = cxfw_dispatch(fw, &cmd);
    if (fw->ops.command_done) {
        fw->ops.command_done(fw->opaque, slot, cmd.opcode, cmd.op_mod,
                             cmd.uid, status, cmd.syndrome);
    }
    if (!scatter_output(fw, chain, out, outlen)) {
        return CXFW_DELIV_BAD_DESCRIPTOR;
    }
    memcpy(qe + cxfw_field_byte(QE(command_output_inline_data)), out,
           CXFW_CMD_INLINE_LEN);
    return CXFW_DELIV_OK;
}

/* Returns true when the slot completed (and needs a completion event). */
static bool execute_slot(Cxfw *fw, unsigned slot)
{
    uint8_t qe[CXFW_CMD_ENTRY_SIZE];
    uint64_t addr = fw->cmdq_addr + ((uint64_t)slot << CXFW_CMD_LOG_STRIDE);
    uint8_t deliv;

    if (!cxfw_dma_read(fw, addr, qe, sizeof(qe))) {
        cxfw_guest_error(fw, "command queue entry not readable", slot);
        return false;
    }
    if (!cxfw_get(qe, QE(ownership))) {
        cxfw_guest_error(fw, "doorbell for a slot not owned by hardware",
                         slot);
        return false;
    }
    deliv = execute_entry(fw, slot, qe);
    if (deliv) {
        fw->stats.delivery_errors++;
    }
    cxfw_set(qe, QE(status), deliv);
    cxfw_set(qe, QE(ownership), 0);
    /* output first, then the status byte that hands the entry back */
    if (!cxfw_dma_write(fw, addr, qe, CXFW_CMD_ENTRY_SIZE - 1) ||
        !cxfw_dma_write(fw, addr + CXFW_CMD_ENTRY_SIZE - 1,
                        qe + CXFW_CMD_ENTRY_SIZE - 1, 1)) {
        cxfw_guest_error(fw, "command queue entry not writable", slot);
        return false;
    }
    return true;
}

/* every bit of the 32-bit doorbell names a slot of the queue */
G_STATIC_ASSERT((1u << CXFW_CMD_LOG_SIZE) == 32);

void cxfw_cmd_doorbell(Cxfw *fw, uint32_t slot_mask)
{
    uint32_t completed = 0;
    /*
     * Completions go only to EQs that existed when the doorbell rang: the
     * command that creates the command EQ runs in polling mode and must not
     * leave a stale completion in its own queue (mlx5_core would take it,
     * once in event mode, for a later command in that slot).
     */
    uint64_t first_command = fw->stats.commands;

    cxfw_diag_sync(fw);
    if (fw->nic_interface != 0 || !fw->cmdq_addr) {
        cxfw_guest_error(fw, "doorbell while the command interface is down",
                         slot_mask);
        return;
    }
    for (unsigned slot = 0; slot_mask; slot++, slot_mask >>= 1) {
        if ((slot_mask & 1) && execute_slot(fw, slot)) {
            completed |= 1u << slot;
        }
    }
    if (completed) {
        uint8_t data[28] = { 0 };

        cxfw_put_be32(data, completed);
        cxfw_eq_post(fw, CXFW_EVENT_CMD, 0, data, first_command);
    }
}

uint8_t cxfw_exec(Cxfw *fw, const void *in, uint32_t inlen, void *out,
                  uint32_t outlen)
{
    uint8_t header[CXFW_CMD_INLINE_LEN];
    CxfwCmd cmd = {
        .in = in, .inlen = inlen, .out = out, .outlen = outlen,
    };
    uint8_t status;

    cxfw_diag_sync(fw);
    /* a short output still gets its header, as in a queue entry */
    if (outlen < sizeof(header)) {
        cmd.out = header;
    }
    memset(cmd.out, 0, MAX(outlen, sizeof(header)));
    status = cxfw_dispatch(fw, &cmd);
    if (outlen < sizeof(header)) {
        memcpy(out, header, outlen);
    }
    return status;
}
