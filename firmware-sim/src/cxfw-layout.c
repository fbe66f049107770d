/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PRM field table, generated from cxfw-fields.def. */
#include "cxfw-layout.h"

const CxfwFieldInfo cxfw_field_table[] = {
#define CXFW_FIELD(layout, field, path, off, width) \
    { #layout, #field, path, off, width },
#include "cxfw-fields.def"
#undef CXFW_FIELD
};

const unsigned cxfw_field_count =
    sizeof(cxfw_field_table) / sizeof(cxfw_field_table[0]);

const CxfwSizeInfo cxfw_size_table[] = {
#define CXFW_SIZE(layout, bytes) { #layout, bytes, 1 },
#define CXFW_SIZE_OWN(layout, bytes) { #layout, bytes, 0 },
#include "cxfw-sizes.def"
#undef CXFW_SIZE_OWN
#undef CXFW_SIZE
};

const unsigned cxfw_size_count =
    sizeof(cxfw_size_table) / sizeof(cxfw_size_table[0]);
