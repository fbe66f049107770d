/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: the policy audit (hw/cxsim/firmware/cxfw-policy-audit.h)
 * against the device in QEMU, with no kernel in between.  The test is the
 * driver: it creates the user contexts as uid 0 through the device and then
 * sends every cell of the sweep through BAR0's doorbell, its queue entries
 * and mailboxes in guest memory, with whatever header uid the cell names.
 * The expectations come from the policy tables linked in, exactly as for
 * the in-process cxfw-audit.
 *
 * One TAP result per row; a last one writes the text matrix and the HTML
 * grid to $QTEST_AUDIT_DIR (default: audit/ beside this program) and fails
 * if any cell diverged.  docs/security-model.md, "Running the audit".
 */

#include "qemu/osdep.h"
#include "cxsim-qtest.h"
#include "cxfw-policy-audit.h"

typedef struct AuditHost {
    CxsimDev *dev;
    GArray *mem;                /* uint64_t: guest memory of this world */
} AuditHost;

static AuditHost host;
static CxfwAudit *audit;
static char *out_dir;

static void free_world_memory(void)
{
    for (guint i = 0; i < host.mem->len; i++) {
        cxsim_free(host.dev, g_array_index(host.mem, uint64_t, i));
    }
    g_array_set_size(host.mem, 0);
}

/*
 * A new command queue address is a new driver instance: the firmware
 * returns to power-on (every context and object freed) and the test
 * brings it up again.
 */
static bool audit_reset(void *opaque)
{
    if (!host.dev) {
        host.dev = cxsim_start("");
    }
    free_world_memory();
    if (host.dev->cmdq) {
        cxsim_free(host.dev, host.dev->cmdq);
        host.dev->cmdq = 0;
    }
    cxsim_cmdq_init(host.dev);
    cxsim_bringup(host.dev);
    return true;
}

static uint8_t audit_exec(void *opaque, const void *in, uint32_t inlen,
                          void *out, uint32_t outlen)
{
    return cxsim_exec(host.dev, in, inlen, out, outlen);
}

static uint64_t audit_alloc(void *opaque, size_t len)
{
    uint64_t addr = cxsim_alloc(host.dev, len);

    g_array_append_val(host.mem, addr);
    return addr;
}

static const CxfwAuditOps audit_ops = {
    .reset = audit_reset,
    .exec = audit_exec,
    .alloc = audit_alloc,
};

static void test_row(gconstpointer data)
{
    unsigned row = GPOINTER_TO_UINT(data);
    g_autofree char *lines = NULL;

    if (cxfw_audit_run_row(audit, row)) {
        lines = cxfw_audit_row_divergences(audit, row);
        g_test_message("%s", lines);
        g_test_fail();
    }
}

static void test_report(void)
{
    g_autoptr(GError) err = NULL;

    g_test_message("%u cells, %u divergences; %s/audit.txt, "
                   "%s/audit.html", cxfw_audit_cells(audit),
                   cxfw_audit_divergences(audit), out_dir, out_dir);
    g_assert_true(cxfw_audit_write(audit, out_dir, &err));
    g_assert_cmpuint(cxfw_audit_cells(audit), >, 0);
    g_assert_cmpuint(cxfw_audit_divergences(audit), ==, 0);
}

int main(int argc, char **argv)
{
    const char *dir = g_getenv("QTEST_AUDIT_DIR");
    g_autofree char *self = g_path_get_dirname(argv[0]);
    int ret;

    g_test_init(&argc, &argv, NULL);
    out_dir = dir ? g_strdup(dir) : g_build_filename(self, "audit", NULL);
    host.mem = g_array_new(false, false, sizeof(uint64_t));
    audit = cxfw_audit_new(&audit_ops, NULL, "the device in QEMU (qtest)");
    for (unsigned i = 0; i < cxfw_audit_rows(audit); i++) {
        g_autofree char *path = g_strdup_printf(
            "/cxsim/audit/%s", cxfw_audit_row_path(audit, i));

        qtest_add_data_func(path, GUINT_TO_POINTER(i), test_row);
    }
    qtest_add_func("/cxsim/audit/zz-report", test_report);
    ret = g_test_run();

    cxfw_audit_free(audit);
    if (host.dev) {
        free_world_memory();
        cxsim_stop(host.dev);
    }
    g_array_free(host.mem, true);
    g_free(out_dir);
    return ret;
}
