/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "transport": an arbitrary guest memory image and a doorbell.
 *
 * Input: doorbell slot mask (4 bytes, big-endian), flags (1 byte: bit 0
 * bring the HCA up first, bit 1 and a command-completion EQ), then the
 * bytes of guest memory from FUZZ_MEM_BASE, where the command queue is.
 * Queue entries, mailbox chains and their pointers all come from the input.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A command-completion EQ in the top pages, below the canary. */
static void create_cmd_eq(FuzzHost *fh, uint32_t uar)
{
    uint8_t in[CXFW_SIZEOF(create_eq_in) + 8] = { 0 };
    uint8_t out[CXFW_SIZEOF(create_eq_out)];

    cxfw_set(in, CXFW_FLD(create_eq_in, opcode), CXFW_OP_CREATE_EQ);
    cxfw_set(in, CXFW_FLD(create_eq_in, eqc_log_eq_size), 6);
    cxfw_set(in, CXFW_FLD(create_eq_in, eqc_uar_page), uar);
    cxfw_put_be64(in + cxfw_field_byte(CXFW_FLD(create_eq_in,
                                                event_bitmask)),
                  1ull << CXFW_EVENT_CMD);
    cxfw_put_be64(in + cxfw_field_byte(CXFW_FLD(create_eq_in, pas)),
                  FUZZ_CANARY - 4096);
    if (fuzz_exec(fh, in, sizeof(in), out, sizeof(out))) {
        fuzz_fail("CREATE_EQ of the command EQ failed");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzHost *fh;
    uint32_t mask;
    uint8_t flags;
    size_t image;

    if (size < 5) {
        return -1;
    }
    mask = cxfw_be32(data);
    flags = data[4];
    image = MIN(size - 5, (size_t)(FUZZ_CANARY - 4096 - FUZZ_MEM_BASE));

    fh = fuzz_host_new();
    /* the input's pointers may name the canary: to the device it is a hole */
    fh->canary_unmapped = true;
    /* the queue address first: writing it resets the firmware */
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMDQ_ADDR_H, 0);
    cxfw_iseg_write(fh->fw, CXFW_ISEG_CMDQ_ADDR_L, FUZZ_MEM_BASE);
    if (flags & 1) {
        uint32_t uar = fuzz_bringup(fh);

        if (flags & 2) {
            create_cmd_eq(fh, uar);
        }
    }
    memcpy(fh->mem, data + 5, image);
    cxfw_cmd_doorbell(fh->fw, mask);
    fuzz_check(fh);
    fuzz_host_free(fh);
    return 0;
}
