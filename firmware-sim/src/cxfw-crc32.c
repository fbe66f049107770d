/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32 (ISO-HDLC, the one zlib, PNG and Ethernet use): reflected
 * polynomial 0xedb88320, initial value 0xffffffff, final xor 0xffffffff,
 * so that cxfw_crc32(0, "123456789", 9) == 0xcbf43926.  Eight bytes at a
 * time with eight tables.
 *
 * cxfw_crc32_combine() joins the CRCs of two pieces without their bytes:
 * appending len_b bytes multiplies the first CRC by x^(8 * len_b) modulo
 * the polynomial (zeros shifted through the register), and the second
 * piece's CRC adds on, the initial value and final xor cancelling out.
 * The core dump uses it to checksum 2 MiB when only its first kilobytes
 * changed.
 */
#include "cxfw-dump.h"

#define POLY 0xedb88320u
#define X0 0x80000000u          /* the polynomial 1 (reflected: bit 31) */

static uint32_t table[8][256];

static void tables_init(void)
{
    static gsize done;

    if (!g_once_init_enter(&done)) {
        return;
    }
    for (unsigned n = 0; n < 256; n++) {
        uint32_t c = n;

        for (unsigned k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        }
        table[0][n] = c;
    }
    for (unsigned n = 0; n < 256; n++) {
        for (unsigned t = 1; t < 8; t++) {
            uint32_t c = table[t - 1][n];

            table[t][n] = (c >> 8) ^ table[0][c & 0xff];
        }
    }
    g_once_init_leave(&done, 1);
}

uint32_t cxfw_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t c = ~crc;

    tables_init();
    for (; len >= 8; len -= 8, p += 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                           (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
                      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^
            table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
            table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
            table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
    }
    while (len--) {
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
    }
    return ~c;
}

/* a * b modulo the polynomial, both reflected. */
static uint32_t mul_mod(uint32_t a, uint32_t b)
{
    uint32_t product = 0;

    for (uint32_t bit = X0; bit && a; bit >>= 1) {
        if (a & bit) {
            product ^= b;
            a ^= bit;
        }
        b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
    }
    return product;
}

/* x^(8 * len) modulo the polynomial: squarings of x^8 for each bit. */
static uint32_t x_pow_8n(uint64_t len)
{
    uint32_t result = X0, square = X0 >> 8;     /* x^8 */

    for (; len; len >>= 1) {
        if (len & 1) {
            result = mul_mod(result, square);
        }
        square = mul_mod(square, square);
    }
    return result;
}

uint32_t cxfw_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
    return mul_mod(x_pow_8n(len_b), crc_a) ^ crc_b;
}
