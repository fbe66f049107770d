/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device profiles: the identity, limits and capabilities a firmware
 * instance presents, as data.
 */
#ifndef CXFW_PROFILE_H
#define CXFW_PROFILE_H

#include <stdint.h>

#include "cxfw-layout.h"

typedef struct CxfwCapValue {
    CxfwFieldId field;
    uint64_t value;
} CxfwCapValue;

typedef struct CxfwProfile {
    const char *name;
    const char *description;
    uint16_t fw_major, fw_minor, fw_subminor;
    const char *psid;           /* up to 16 characters */
    uint32_t supported_issi;    /* supported_issi_dw0 */
    uint32_t boot_pages;        /* QUERY_PAGES boot */
    uint32_t init_pages;        /* QUERY_PAGES init */
    uint32_t regular_pages;     /* asked for by a page request event */
    uint32_t max_pages;         /* the most pages the firmware accepts */
    uint32_t num_uar_pages;     /* BAR0 pages: iseg + UARs */
    uint64_t max_umem_bytes;    /* all umems' pages together (cxsim's own) */
    const CxfwCapValue *cap_general;    /* maximum == current defaults */
    const CxfwCapValue *cap_override;   /* then these, NULL: none */
    /* debug capability (type 0xd), maximum == current; NULL: all 0 */
    const CxfwCapValue *cap_debug;
} CxfwProfile;

const CxfwProfile *cxfw_profile_find(const char *name);
/* NULL-terminated list, for tools and the docs. */
const CxfwProfile *const *cxfw_profiles(void);
/* Build the 4 KiB general capability of a profile. */
void cxfw_profile_cap_general(const CxfwProfile *p, uint8_t *cap);
/* Build the 4 KiB debug capability, its counter list from the counter table. */
void cxfw_profile_cap_debug(const CxfwProfile *p, uint8_t *cap);

#endif
