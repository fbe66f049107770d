/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest: live migration (docs/migration.md).  A device with a
 * running HCA, pages, an armed command-completion EQ on MSI-X, a user
 * context and the command queue in guest RAM migrates to a second QEMU,
 * where the driver carries on without re-initialising anything: the same
 * firmware state, commands through the same queue, completions into the
 * same EQ with an interrupt.  A destination that cannot take the state
 * (another firmware version) fails the migration, and the source carries
 * on as if nothing happened; so does a stream whose firmware state was
 * damaged.
 */

#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "cxsim-qtest.h"

#define CMD_VECTOR          1
#define MSI_DATA            0xc0de0001
#define CREATE_UCTX_INLEN   0x40
#define QUERY_UCTX_OUTLEN   0x40
#define UCTX_CAP            0x10    /* create_uctx_in, query_uctx_out */
#define UCTX_UID            0x0a    /* create_uctx_out, query_uctx_in */

typedef struct Setup {
    CxsimDev *d;
    CxsimEq eq;
    uint64_t msi;           /* guest RAM the vector writes */
    uint16_t uid;
} Setup;

static char *firmware_stats(CxsimDev *d)
{
    QDict *rsp = qtest_qmp(d->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': 'cx0', 'property': 'firmware-stats' } }");
    char *stats;

    g_assert(qdict_haskey(rsp, "return"));
    stats = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return stats;
}

static uint16_t create_uctx(CxsimDev *d, uint32_t cap)
{
    uint8_t in[CREATE_UCTX_INLEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, CXFW_OP_CREATE_UCTX, 0);
    cx_put32(in, UCTX_CAP, cap);
    g_assert_cmphex(cxsim_cmd(d, in, sizeof(in), out, sizeof(out)), ==,
                    CXFW_STATUS_OK);
    return cx_get16(out, UCTX_UID);
}

static uint8_t query_uctx(CxsimDev *d, uint16_t uid, uint32_t *cap)
{
    uint8_t in[0x10] = { 0 };
    uint8_t out[QUERY_UCTX_OUTLEN] = { 0 };
    uint8_t status;

    cx_hdr(in, CXFW_OP_QUERY_UCTX, 0);
    cx_put16(in, UCTX_UID, uid);
    status = cxsim_cmd(d, in, sizeof(in), out, sizeof(out));
    *cap = cx_get32(out, UCTX_CAP);
    return status;
}

/* Completions waiting in the EQ, and whether the vector fired. */
static unsigned drain_eq(CxsimDev *d, CxsimEq *eq)
{
    uint8_t eqe[CXFW_EQE_SIZE];
    unsigned n = 0;

    while (cxsim_eq_poll(d, eq, eqe)) {
        g_assert_cmphex(eqe[CXSIM_EQE_TYPE], ==, CXFW_EVENT_CMD);
        n++;
    }
    return n;
}

static bool msi_fired(CxsimDev *d, uint64_t addr)
{
    uint32_t v = qtest_readl(d->qts, addr);

    if (v) {
        g_assert_cmphex(v, ==, MSI_DATA);
        qtest_writel(d->qts, addr, 0);
    }
    return v != 0;
}

/* The driver's state before migration, its EQ armed and empty. */
static void setup(Setup *s, const char *props)
{
    g_autofree char *all = g_strdup_printf(",id=cx0%s", props);

    s->d = cxsim_start(all);
    cxsim_msix_enable(s->d);
    s->msi = cxsim_alloc(s->d, CXSIM_PAGE_SIZE);
    cxsim_msix_route(s->d, CMD_VECTOR, s->msi, MSI_DATA);
    cxsim_bringup(s->d);
    g_assert_cmphex(cxsim_create_eq(s->d, &s->eq, 4, CXSIM_EVENT_MASK_CMD,
                                    CMD_VECTOR, s->d->uar), ==,
                    CXFW_STATUS_OK);
    s->uid = create_uctx(s->d, CXFW_UCTX_CAP_TOOLS_RESOURCES);
    drain_eq(s->d, &s->eq);
    cxsim_eq_doorbell(s->d, &s->eq, true);
    msi_fired(s->d, s->msi);
}

/*
 * A NOP completes into the EQ with an interrupt: the queue consumed and
 * armed first (earlier commands' completions are in it).
 */
static void check_completion(Setup *s)
{
    drain_eq(s->d, &s->eq);
    cxsim_eq_doorbell(s->d, &s->eq, true);
    msi_fired(s->d, s->msi);
    g_assert_cmphex(cxsim_nop(s->d), ==, CXFW_STATUS_OK);
    g_assert_true(msi_fired(s->d, s->msi));
    g_assert_cmpuint(drain_eq(s->d, &s->eq), ==, 1);
}

static void test_live(void)
{
    Setup s;
    g_autofree char *before = NULL, *after = NULL;
    uint32_t health, cap = 0;
    CxsimVM *dst;

    setup(&s, "");
    health = cxsim_rd32(s.d, CXSIM_ISEG_HEALTH_COUNTER);
    before = firmware_stats(s.d);

    dst = cxsim_vm_migrate(s.d->vm, NULL, true);
    s.d = dst->devs[0];
    after = firmware_stats(s.d);
    g_assert_cmpstr(after, ==, before);
    g_assert_nonnull(strstr(after, "hca_state=2 "));
    g_assert_nonnull(strstr(after, " live_uctxs=1 live_eqs=1 "));
    /* the health counter does not restart (it may have ticked on) */
    g_assert_cmpuint(cxsim_rd32(s.d, CXSIM_ISEG_HEALTH_COUNTER), >=, health);

    /* the same queue, EQ, vector and context, nothing set up again */
    check_completion(&s);
    g_assert_cmphex(query_uctx(s.d, s.uid, &cap), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cap, ==, CXFW_UCTX_CAP_TOOLS_RESOURCES);
    check_completion(&s);
    /* a new context does not reuse the migrated one's number */
    g_assert_cmpuint(create_uctx(s.d, 0), >, s.uid);

    /* and it tears down to nothing */
    g_assert_cmphex(cxsim_teardown_hca(s.d, 0), ==, CXFW_STATUS_OK);
    after = (g_free(after), firmware_stats(s.d));
    g_assert_nonnull(strstr(after, " live_uctxs=0 live_eqs=0 live_uars=0 "));
    cxsim_vm_stop(dst);
}

/* Twice over: a migrated device migrates again. */
static void test_twice(void)
{
    Setup s;
    g_autofree char *before = NULL, *after = NULL;
    CxsimVM *vm;

    setup(&s, "");
    before = firmware_stats(s.d);
    vm = cxsim_vm_migrate(s.d->vm, NULL, true);
    vm = cxsim_vm_migrate(vm, NULL, true);
    s.d = vm->devs[0];
    after = firmware_stats(s.d);
    g_assert_cmpstr(after, ==, before);
    check_completion(&s);
    cxsim_vm_stop(vm);
}

/*
 * A destination whose firmware differs refuses the state: the migration
 * fails there, and the source, resumed, has lost nothing.
 */
static void test_refused(void)
{
    Setup s;
    g_autofree char *before = NULL, *after = NULL;
    uint32_t cap = 0;

    setup(&s, "");
    before = firmware_stats(s.d);
    g_assert_null(cxsim_vm_migrate(s.d->vm,
                                   "-global cxsim.fw-version=1.2.3", false));
    qtest_qmp_assert_success(s.d->qts, "{ 'execute': 'cont' }");
    after = firmware_stats(s.d);
    g_assert_cmpstr(after, ==, before);
    check_completion(&s);
    g_assert_cmphex(query_uctx(s.d, s.uid, &cap), ==, CXFW_STATUS_OK);
    cxsim_stop(s.d);
}

/*
 * A stream damaged in the firmware's state (one of its section names
 * changed) is refused by the destination, whatever the damage: it exits
 * rather than run the guest on a device it could not rebuild (the message
 * names the section), and the source, resumed, has lost nothing.
 */
static void test_damaged_stream(void)
{
    g_autofree char *dir = g_dir_make_tmp("cxsim-migration-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "stream", NULL);
    g_autofree char *stream = NULL;
    g_autofree char *before = NULL, *after = NULL;
    char *name;
    Setup s;
    gsize len;

    setup(&s, "");
    before = firmware_stats(s.d);
    cxsim_vm_save_file(s.d->vm, path);
    g_assert_true(g_file_get_contents(path, &stream, &len, NULL));
    name = memmem(stream, len, "identity", 8);
    g_assert_nonnull(name);
    /* exactly one firmware state in the stream */
    g_assert_null(memmem(name + 8, len - (name + 8 - stream), "identity", 8));
    name[0] = 'I';
    g_assert_true(g_file_set_contents(path, stream, len, NULL));
    cxsim_vm_load_refused(s.d->vm, path);

    /* the source, resumed, is whole */
    qtest_qmp_assert_success(s.d->qts, "{ 'execute': 'cont' }");
    after = firmware_stats(s.d);
    g_assert_cmpstr(after, ==, before);
    check_completion(&s);
    cxsim_stop(s.d);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxsim/migration/live", test_live);
    qtest_add_func("/cxsim/migration/twice", test_twice);
    qtest_add_func("/cxsim/migration/refused", test_refused);
    qtest_add_func("/cxsim/migration/damaged-stream", test_damaged_stream);
    return g_test_run();
}
