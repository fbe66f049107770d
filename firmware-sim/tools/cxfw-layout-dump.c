/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Print cxfw's PRM field table, one field per line:
 *     layout field ifc-path bit-offset width
 * then the layout sizes:
 *     layout - size - bytes
 * (cxsim's own layouts, with no mlx5_ifc structure, say own-size).
 * check-layouts.py compares it with the kernel's mlx5_ifc.h.
 */
#include <stdio.h>

#include "cxfw-layout.h"

int main(void)
{
    for (unsigned i = 0; i < cxfw_field_count; i++) {
        const CxfwFieldInfo *f = &cxfw_field_table[i];

        printf("%s %s %s %u %u\n", f->layout, f->field, f->ifc_path,
               f->bit, f->width);
    }
    for (unsigned i = 0; i < cxfw_size_count; i++) {
        printf("%s - %s - %u\n", cxfw_size_table[i].layout,
               cxfw_size_table[i].ifc ? "size" : "own-size",
               cxfw_size_table[i].bytes);
    }
    return 0;
}
