/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "exec": one command payload through cxfw_exec.
 *
 * Input: flags (1 byte: bit 0 bring the HCA up first, bit 1 create a user
 * context and send as it), outlen (2 bytes, big-endian), then the command
 * input.  With bit 1 the header's uid is XORed with the context's uid, so
 * the fuzzer reaches the context's own uid from 0.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *in = NULL, *out = NULL;
    FuzzHost *fh;
    uint32_t outlen, inlen;
    uint8_t flags;

    if (size < 3 || size > CXFW_MAX_MSG_LEN) {
        return -1;
    }
    flags = data[0];
    outlen = (uint32_t)data[1] << 8 | data[2];
    inlen = size - 3;
    in = g_malloc(inlen ? inlen : 1);
    memcpy(in, data + 3, inlen);
    out = g_malloc(outlen ? outlen : 1);

    fh = fuzz_host_new();
    if (flags & 1) {
        fuzz_bringup(fh);
    }
    if ((flags & 3) == 3 && inlen >= 4) {
        uint16_t uid = fuzz_create_uctx(fh, 0x4);

        if (uid) {

            in[2] ^= uid >> 8;
            in[3] ^= uid & 0xff;
        }
    }
    fuzz_exec(fh, in, inlen, out, outlen);
    fuzz_check(fh);
    fuzz_host_free(fh);
    return 0;
}
