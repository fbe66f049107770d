/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxfw-audit: the policy audit against the firmware in process.
 *
 *     cxfw-audit [--tap] [--profile NAME] [DIR]
 *
 * Sends every cell of the audit (src/cxfw-policy-audit.h) through the fake
 * host's command queue, writes DIR/audit.txt (one line per cell and the
 * line "N cells, M divergences") and DIR/audit.html (the grid), DIR being
 * build/audit unless given, and exits 1 if any cell diverges from the
 * policy.  --tap prints one TAP result per row instead of the divergences.
 * docs/security-model.md, "Running the audit".
 */
#include <stdio.h>
#include <stdlib.h>

#include "fake-host-audit.h"

#define DEFAULT_DIR "build/audit"

int main(int argc, char **argv)
{
    gboolean tap = false;
    const char *profile = NULL;
    GOptionEntry entries[] = {
        { "tap", 0, 0, G_OPTION_ARG_NONE, &tap,
          "one TAP result per row", NULL },
        { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
          "the device profile (default: the firmware's)", "NAME" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("[DIR]");
    g_autoptr(GError) err = NULL;
    FhAuditHost host = { 0 };
    CxfwAudit *a;
    const char *dir;
    unsigned rows, divergences;

    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(ctx, "The policy audit against the "
                                 "firmware in process: DIR/audit.txt and "
                                 "DIR/audit.html (default " DEFAULT_DIR
                                 "); exit status 1 on any divergence.");
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc > 2) {
        fprintf(stderr, "cxfw-audit: %s\n", err ? err->message :
                "one output directory at most");
        return 2;
    }
    dir = argc == 2 ? argv[1] : DEFAULT_DIR;
    host.profile = profile;
    a = cxfw_audit_new(&fh_audit_ops, &host, "the firmware in process");
    rows = cxfw_audit_rows(a);
    if (tap) {
        printf("1..%u\n", rows);
    }
    for (unsigned i = 0; i < rows; i++) {
        unsigned n = cxfw_audit_run_row(a, i);
        g_autofree char *lines = cxfw_audit_row_divergences(a, i);

        if (tap) {
            printf("%sok %u - %s\n", n ? "not " : "", i + 1,
                   cxfw_audit_row_label(a, i));
        }
        if (lines) {
            g_autofree char *diag = NULL;
            g_auto(GStrv) split = g_strsplit(g_strchomp(lines), "\n", -1);

            diag = g_strjoinv(tap ? "\n# " : "\n", split);
            printf("%s%s\n", tap ? "# " : "", diag);
        }
    }
    divergences = cxfw_audit_divergences(a);
    printf("%s%u cells, %u divergences\n", tap ? "# " : "",
           cxfw_audit_cells(a), divergences);
    if (!cxfw_audit_write(a, dir, &err)) {
        fprintf(stderr, "cxfw-audit: %s\n", err->message);
        divergences = divergences ? divergences : 1;
    } else {
        printf("%s%s/audit.txt, %s/audit.html\n", tap ? "# " : "", dir, dir);
    }
    cxfw_audit_free(a);
    fh_audit_host_clear(&host);
    return divergences ? 1 : 0;
}
