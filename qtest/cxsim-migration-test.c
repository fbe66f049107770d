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
#include "qemu/timer.h"
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

static uint32_t health_counter(CxsimDev *d)
{
    return cxsim_rd32(d, CXSIM_ISEG_HEALTH_COUNTER);
}

static void test_live(void)
{
    Setup s;
    g_autofree char *before = NULL, *after = NULL;
    uint32_t health, cap = 0;
    CxsimVM *dst;

    setup(&s, "");
    /* some health ticks first (qtest's virtual clock moves on request) */
    qtest_clock_step(s.d->qts, 5 * NANOSECONDS_PER_SECOND);
    health = health_counter(s.d);
    g_assert_cmpuint(health, >=, 5);
    before = cxsim_firmware_stats(s.d, "cx0");

    dst = cxsim_vm_migrate(s.d->vm, NULL);
    s.d = dst->devs[0];
    after = cxsim_firmware_stats(s.d, "cx0");
    g_assert_cmpstr(after, ==, before);
    g_assert_nonnull(strstr(after, "hca_state=2 "));
    g_assert_nonnull(strstr(after, " live_uctxs=1 live_eqs=1 "));
    /*
     * The health counter goes on from where it was, one tick a second of
     * the destination's clock (which under qtest starts again from 0).
     */
    g_assert_cmpuint(health_counter(s.d), ==, health);
    qtest_clock_step(s.d->qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(health_counter(s.d), ==, health + 1);
    qtest_clock_step(s.d->qts, NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(health_counter(s.d), ==, health + 2);

    /* the same queue, EQ, vector and context, nothing set up again */
    check_completion(&s);
    g_assert_cmphex(query_uctx(s.d, s.uid, &cap), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cap, ==, CXFW_UCTX_CAP_TOOLS_RESOURCES);
    check_completion(&s);
    /* a new context does not reuse the migrated one's number */
    g_assert_cmpuint(create_uctx(s.d, 0), >, s.uid);

    /* and it tears down to nothing */
    g_assert_cmphex(cxsim_teardown_hca(s.d, 0), ==, CXFW_STATUS_OK);
    after = (g_free(after), cxsim_firmware_stats(s.d, "cx0"));
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
    before = cxsim_firmware_stats(s.d, "cx0");
    vm = cxsim_vm_migrate(s.d->vm, NULL);
    vm = cxsim_vm_migrate(vm, NULL);
    s.d = vm->devs[0];
    after = cxsim_firmware_stats(s.d, "cx0");
    g_assert_cmpstr(after, ==, before);
    check_completion(&s);
    cxsim_vm_stop(vm);
}

/* Post a NOP in slot, ring it, and say whether it stays unexecuted. */
static CxsimMsg *ring_nop(CxsimDev *d, unsigned slot)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    CxsimMsg *m;

    cx_hdr(in, CXFW_OP_NOP, 0);
    m = cxsim_msg_new(d, in, sizeof(in), CXSIM_HDR_LEN);
    cxsim_msg_post(d, slot, m);
    cxsim_ring(d, 1u << slot);
    return m;
}

/*
 * A stopped VM's device runs no command: a slot rung while the source is
 * stopped waits, travels in the migration, stays waiting on the paused
 * destination and runs when the destination's VM runs, with its
 * completion event.
 */
static void test_pending_doorbell(void)
{
    Setup s;
    uint8_t out[CXSIM_HDR_LEN];
    CxsimMsg *m;
    CxsimVM *dst;

    setup(&s, "");
    qtest_qmp_assert_success(s.d->qts, "{ 'execute': 'stop' }");
    m = ring_nop(s.d, 5);
    g_assert_true(cxsim_idle(s.d, 5));

    dst = cxsim_vm_migrate(s.d->vm, NULL);
    s.d = dst->devs[0];
    g_assert_true(cxsim_idle(s.d, 5));
    g_assert_cmpuint(drain_eq(s.d, &s.eq), ==, 0);

    qtest_qmp_assert_success(s.d->qts, "{ 'execute': 'cont' }");
    g_assert_true(cxsim_wait(s.d, 5));
    cxsim_msg_read_out(s.d, 5, m, out);
    g_assert_cmphex(cx_status(out), ==, CXFW_STATUS_OK);
    g_assert_true(msi_fired(s.d, s.msi));
    g_assert_cmpuint(drain_eq(s.d, &s.eq), ==, 1);
    cxsim_msg_free(s.d, m);
    check_completion(&s);
    cxsim_vm_stop(dst);
}

/*
 * A stream the destination refuses: saved to a file, loaded by a QEMU
 * with dst_args, which must exit with a failure and say why; the source,
 * resumed, has lost nothing.
 */
static void check_refused(Setup *s, const char *dst_args,
                          void (*damage)(char *stream, gsize len),
                          const char *message)
{
    g_autofree char *dir = g_dir_make_tmp("cxsim-migration-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "stream", NULL);
    g_autofree char *stream = NULL, *err = NULL;
    g_autofree char *before = NULL, *after = NULL;
    gsize len;

    before = cxsim_firmware_stats(s->d, "cx0");
    cxsim_vm_save_file(s->d->vm, path);
    if (damage) {
        g_assert_true(g_file_get_contents(path, &stream, &len, NULL));
        damage(stream, len);
        g_assert_true(g_file_set_contents(path, stream, len, NULL));
    }
    g_assert_cmpint(cxsim_run_qemu_incoming(dst_args, path, &err), ==, 1);
    g_test_message("destination: %s", err);
    g_assert_nonnull(strstr(err, message));

    qtest_qmp_assert_success(s->d->qts, "{ 'execute': 'cont' }");
    after = cxsim_firmware_stats(s->d, "cx0");
    g_assert_cmpstr(after, ==, before);
    check_completion(s);
    unlink(path);
    rmdir(dir);
}

/* A destination whose firmware differs refuses the state. */
static void test_refused(void)
{
    Setup s;
    uint32_t cap = 0;

    setup(&s, "");
    check_refused(&s, "-device cxsim,id=cx0,fw-version=1.2.3", NULL,
                  "cxsim: cxsim firmware state: section 'identity': the "
                  "state is of firmware 22.40.1000, this device runs 1.2.3");
    g_assert_cmphex(query_uctx(s.d, s.uid, &cap), ==, CXFW_STATUS_OK);
    cxsim_stop(s.d);
}

/* One section name of the firmware state changed ("identity"). */
static void damage_section_name(char *stream, gsize len)
{
    char *name = memmem(stream, len, "identity", 8);

    g_assert_nonnull(name);
    /* exactly one firmware state in the stream */
    g_assert_null(memmem(name + 8, len - (name + 8 - stream), "identity", 8));
    name[0] = 'I';
}

/* A stream whose firmware state was damaged is refused, naming it. */
static void test_damaged_stream(void)
{
    Setup s;

    setup(&s, "");
    check_refused(&s, "-device cxsim,id=cx0", damage_section_name,
                  "section 'identity' (type (s(qqq)u)) missing");
    cxsim_stop(s.d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxsim/migration/live", test_live);
    qtest_add_func("/cxsim/migration/twice", test_twice);
    qtest_add_func("/cxsim/migration/pending-doorbell", test_pending_doorbell);
    qtest_add_func("/cxsim/migration/refused", test_refused);
    qtest_add_func("/cxsim/migration/damaged-stream", test_damaged_stream);
    return g_test_run();
}
