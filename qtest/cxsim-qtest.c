/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cxsim qtest library: the test plays the driver of cxsim functions on a
 * q35 machine (see cxsim-qtest.h).
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include "cxsim-qtest.h"
#include "libqos/pci-pc.h"
#include "libqos/malloc-pc.h"
#include "hw/pci/pci_regs.h"
#include "qobject/qdict.h"

/* VM life cycle */

/*
 * "-L dir" for each firmware directory that exists: $CXSIM_QEMU_FIRMWARE
 * (colon-separated) or the build's configured firmware path.
 */
static char *cxsim_firmware_args(void)
{
    const char *dirs = g_getenv("CXSIM_QEMU_FIRMWARE");
    g_auto(GStrv) list = NULL;
    GString *args = g_string_new("");
    int i;

#ifdef CXSIM_QEMU_FIRMWARE_DIRS
    if (!dirs) {
        dirs = CXSIM_QEMU_FIRMWARE_DIRS;
    }
#endif
    list = g_strsplit(dirs ? dirs : "", ":", -1);
    for (i = 0; list[i]; i++) {
        if (*list[i] && g_file_test(list[i], G_FILE_TEST_IS_DIR)) {
            g_string_append_printf(args, "-L %s ", list[i]);
        }
    }
    return g_string_free(args, false);
}

static void cxsim_found(QPCIDevice *pdev, int devfn, void *opaque)
{
    CxsimVM *vm = opaque;
    CxsimDev *d;

    g_assert_cmpint(vm->ndevs, <, CXSIM_MAX_DEVS);
    d = g_new0(CxsimDev, 1);
    d->vm = vm;
    d->qts = vm->qts;
    d->pdev = pdev;
    d->pages = g_array_new(false, false, sizeof(uint64_t));
    d->bar0 = qpci_iomap(pdev, 0, &d->bar0_size);
    qpci_device_enable(pdev);
    vm->devs[vm->ndevs++] = d;
}

CxsimVM *cxsim_vm_start(const char *fmt, ...)
{
    CxsimVM *vm = g_new0(CxsimVM, 1);
    g_autofree char *args = NULL;
    g_autofree char *fw = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    fw = cxsim_firmware_args();
    vm->args = g_strdup_printf("-M q35 -nodefaults -m 256M %s%s", fw, args);
    vm->qts = qtest_init(vm->args);
    pc_alloc_init(&vm->alloc, vm->qts, ALLOC_NO_FLAGS);
    vm->bus = qpci_new_pc(vm->qts, &vm->alloc);
    qpci_device_foreach(vm->bus, CXSIM_VENDOR_ID, -1, cxsim_found, vm);
    return vm;
}

/* The status of the migration from vm, once it is no longer under way. */
static char *cxsim_migration_result(QTestState *qts)
{
    for (;;) {
        QDict *rsp = qtest_qmp_assert_success_ref(
            qts, "{ 'execute': 'query-migrate' }");
        const char *status = qdict_get_try_str(rsp, "status");
        char *result = g_strdup(status ? status : "none");

        qobject_unref(rsp);
        if (strcmp(result, "setup") && strcmp(result, "active") &&
            strcmp(result, "device") && strcmp(result, "none")) {
            return result;
        }
        g_free(result);
        g_usleep(10 * 1000);
    }
}

void cxsim_vm_save_file(CxsimVM *vm, const char *path)
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *result = NULL;

    qtest_qmp_assert_success(vm->qts, "{ 'execute': 'migrate', "
                             "'arguments': { 'uri': %s } }", uri);
    result = cxsim_migration_result(vm->qts);
    g_assert_cmpstr(result, ==, "completed");
}

/* The run state of a migration's destination once it has loaded. */
static char *cxsim_wait_loaded(QTestState *qts)
{
    for (;;) {
        QDict *rsp = qtest_qmp_assert_success_ref(
            qts, "{ 'execute': 'query-status' }");
        char *status = g_strdup(qdict_get_str(rsp, "status"));

        qobject_unref(rsp);
        if (strcmp(status, "inmigrate")) {
            return status;
        }
        g_free(status);
        g_usleep(10 * 1000);
    }
}

/* The first 256 bytes of a function's configuration space. */
static void cxsim_config_read(QPCIDevice *pdev, uint32_t *config)
{
    int i;

    for (i = 0; i < 64; i++) {
        config[i] = qpci_config_readl(pdev, i * 4);
    }
}

CxsimVM *cxsim_vm_migrate(CxsimVM *src, const char *extra_args)
{
    g_autofree char *uri = g_strdup_printf("unix:%s/cxsim-migration-%d.sock",
                                           g_get_tmp_dir(), getpid());
    g_autofree char *result = NULL;
    g_autofree char *state = NULL;
    uint32_t config[CXSIM_MAX_DEVS][64];
    CxsimVM *dst = g_new0(CxsimVM, 1);
    int i;

    for (i = 0; i < src->ndevs; i++) {
        cxsim_config_read(src->devs[i]->pdev, config[i]);
    }
    dst->args = g_strdup_printf("%s %s -incoming defer", src->args,
                                extra_args ? extra_args : "");
    dst->qts = qtest_init(dst->args);
    qtest_qmp_assert_success(dst->qts, "{ 'execute': 'migrate-incoming', "
                             "'arguments': { 'uri': %s } }", uri);
    qtest_qmp_assert_success(src->qts, "{ 'execute': 'migrate', "
                             "'arguments': { 'uri': %s } }", uri);
    result = cxsim_migration_result(src->qts);
    g_assert_cmpstr(result, ==, "completed");
    /* a paused source's destination stays paused */
    state = cxsim_wait_loaded(dst->qts);
    g_assert_true(!strcmp(state, "running") || !strcmp(state, "paused"));

    pc_alloc_init(&dst->alloc, dst->qts, ALLOC_NO_FLAGS);
    migrate_allocator(&src->alloc, &dst->alloc);
    dst->bus = qpci_new_pc(dst->qts, &dst->alloc);
    /* configuration space as migrated, before anything writes it */
    for (i = 0; i < src->ndevs; i++) {
        uint32_t now[64];
        g_autofree QPCIDevice *raw = qpci_device_find(dst->bus,
                                                      src->devs[i]->pdev->devfn);

        g_assert_nonnull(raw);
        cxsim_config_read(raw, now);
        g_assert_cmpmem(now, sizeof(now), config[i], sizeof(config[i]));
    }
    /* a fresh bus maps the BARs where the source's did (same order) */
    qpci_device_foreach(dst->bus, CXSIM_VENDOR_ID, -1, cxsim_found, dst);
    g_assert_cmpint(dst->ndevs, ==, src->ndevs);
    for (i = 0; i < dst->ndevs; i++) {
        CxsimDev *to = dst->devs[i], *from = src->devs[i];

        g_assert_cmphex(to->bar0.addr, ==, from->bar0.addr);
        to->cmdq = from->cmdq;
        to->token = from->token;
        to->uar = from->uar;
        g_array_append_vals(to->pages, from->pages->data, from->pages->len);
        if (from->msix) {
            cxsim_msix_enable(to);
        }
    }
    cxsim_vm_stop(src);
    return dst;
}

CxsimDev *cxsim_start(const char *props)
{
    CxsimVM *vm = cxsim_vm_start("-device cxsim%s", props ? props : "");

    g_assert_cmpint(vm->ndevs, ==, 1);
    return vm->devs[0];
}

void cxsim_vm_stop(CxsimVM *vm)
{
    int i;

    for (i = 0; i < vm->ndevs; i++) {
        g_array_free(vm->devs[i]->pages, true);
        g_free(vm->devs[i]->pdev);
        g_free(vm->devs[i]);
    }
    qpci_free_pc(vm->bus);
    alloc_destroy(&vm->alloc);
    qtest_quit(vm->qts);
    g_free(vm->args);
    g_free(vm);
}

void cxsim_stop(CxsimDev *d)
{
    cxsim_vm_stop(d->vm);
}

static char *cxsim_read_all(int fd)
{
    GString *s = g_string_new("");
    char buf[512];
    ssize_t n;

    for (;;) {
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        g_string_append_len(s, buf, n);
    }
    return g_string_free(s, false);
}

char *cxsim_firmware_stats(CxsimDev *d, const char *id)
{
    QDict *rsp = qtest_qmp(d->qts, "{ 'execute': 'qom-get', 'arguments': "
                           "{ 'path': %s, 'property': 'firmware-stats' } }",
                           id);
    char *stats;

    g_assert(qdict_haskey(rsp, "return"));
    stats = g_strdup(qdict_get_str(rsp, "return"));
    qobject_unref(rsp);
    return stats;
}

uint64_t cxsim_firmware_stat(CxsimDev *d, const char *id, const char *name)
{
    g_autofree char *raw = cxsim_firmware_stats(d, id);
    g_autofree char *stats = g_strdup_printf(" %s", raw);
    g_autofree char *key = g_strdup_printf(" %s=", name);
    const char *p = strstr(stats, key);

    g_assert_nonnull(p);
    return g_ascii_strtoull(p + strlen(key), NULL, 10);
}

/* Run cmd with input on its stdin; its exit status, its stderr in *err. */
static int cxsim_spawn(const char *cmd, const char *input, char **err)
{
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_sigpipe;
    int in_fd, out_fd, err_fd, status;
    GPid pid;
    ssize_t n;

    g_assert(g_shell_parse_argv(cmd, NULL, &argv, &error));
    g_assert(g_spawn_async_with_pipes(NULL, argv, NULL,
                                      G_SPAWN_DO_NOT_REAP_CHILD |
                                      G_SPAWN_SEARCH_PATH, NULL, NULL,
                                      &pid, &in_fd, &out_fd, &err_fd,
                                      &error));
    /* QEMU may exit (bad configuration) before it reads its input. */
    sigaction(SIGPIPE, &ign, &old_sigpipe);
    n = write(in_fd, input, strlen(input));
    (void)n;
    close(in_fd);
    sigaction(SIGPIPE, &old_sigpipe, NULL);

    out = cxsim_read_all(out_fd);
    *err = cxsim_read_all(err_fd);
    close(out_fd);
    close(err_fd);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cxsim_run_qemu(const char *args, char **err)
{
    static const char qmp[] =
        "{\"execute\": \"qmp_capabilities\"}\n"
        "{\"execute\": \"quit\"}\n";
    const char *bin = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_autofree char *fw = cxsim_firmware_args();

    g_assert(bin);
    cmd = g_strdup_printf("%s -M q35 -nodefaults -display none -accel qtest "
                          "-qmp stdio %s%s", bin, fw, args);
    return cxsim_spawn(cmd, qmp, err);
}

int cxsim_run_qemu_incoming(const char *args, const char *path, char **err)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL;
    g_autofree char *fw = cxsim_firmware_args();

    g_assert(bin);
    /* a load that wrongly succeeds leaves QEMU running: timeout ends it */
    cmd = g_strdup_printf("timeout 60 %s -M q35 -nodefaults -display none "
                          "-accel qtest -m 256M %s%s -incoming file:%s", bin,
                          fw, args, path);
    return cxsim_spawn(cmd, "", err);
}

/* Registers and memory */

uint32_t cxsim_rd32(CxsimDev *d, uint64_t off)
{
    return bswap32(qpci_io_readl(d->pdev, d->bar0, off));
}

void cxsim_wr32(CxsimDev *d, uint64_t off, uint32_t val)
{
    qpci_io_writel(d->pdev, d->bar0, off, bswap32(val));
}

uint64_t cxsim_alloc(CxsimDev *d, size_t size)
{
    uint64_t addr = guest_alloc(&d->vm->alloc, size);

    g_assert(addr);
    qtest_memset(d->qts, addr, 0, size);
    return addr;
}

void cxsim_free(CxsimDev *d, uint64_t addr)
{
    guest_free(&d->vm->alloc, addr);
}

uint8_t cxsim_mem_rd8(CxsimDev *d, uint64_t addr)
{
    return qtest_readb(d->qts, addr);
}

void cxsim_mem_wr8(CxsimDev *d, uint64_t addr, uint8_t v)
{
    qtest_writeb(d->qts, addr, v);
}

uint32_t cxsim_mem_rd32(CxsimDev *d, uint64_t addr)
{
    uint8_t b[4];

    qtest_memread(d->qts, addr, b, sizeof(b));
    return cx_get32(b, 0);
}

void cxsim_mem_wr32(CxsimDev *d, uint64_t addr, uint32_t v)
{
    uint8_t b[4];

    cx_put32(b, 0, v);
    qtest_memwrite(d->qts, addr, b, sizeof(b));
}

uint64_t cxsim_mem_rd64(CxsimDev *d, uint64_t addr)
{
    uint8_t b[8];

    qtest_memread(d->qts, addr, b, sizeof(b));
    return cx_get64(b, 0);
}

void cxsim_mem_wr64(CxsimDev *d, uint64_t addr, uint64_t v)
{
    uint8_t b[8];

    cx_put64(b, 0, v);
    qtest_memwrite(d->qts, addr, b, sizeof(b));
}

/* PCI */

uint8_t cxsim_find_cap(CxsimDev *d, uint8_t id)
{
    return qpci_find_capability(d->pdev, id, 0);
}

static void cxsim_restore_bar(CxsimDev *d, int barno, uint64_t addr)
{
    uint8_t reg = PCI_BASE_ADDRESS_0 + barno * 4;
    uint32_t lo;

    qpci_config_writel(d->pdev, reg, (uint32_t)addr);
    lo = qpci_config_readl(d->pdev, reg);
    if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64) {
        qpci_config_writel(d->pdev, reg + 4, addr >> 32);
    }
}

void cxsim_restore_pci(CxsimDev *d)
{
    QPCIDevice *pdev = d->pdev;

    cxsim_restore_bar(d, 0, d->bar0.addr);
    if (d->msix) {
        uint8_t cap = cxsim_find_cap(d, PCI_CAP_ID_MSIX);
        int table = qpci_config_readl(pdev, cap + PCI_MSIX_TABLE) &
                    PCI_MSIX_FLAGS_BIRMASK;
        int pba = qpci_config_readl(pdev, cap + PCI_MSIX_PBA) &
                  PCI_MSIX_FLAGS_BIRMASK;
        uint16_t flags;

        cxsim_restore_bar(d, table, pdev->msix_table_bar.addr);
        if (pba != table) {
            cxsim_restore_bar(d, pba, pdev->msix_pba_bar.addr);
        }
        flags = qpci_config_readw(pdev, cap + PCI_MSIX_FLAGS);
        qpci_config_writew(pdev, cap + PCI_MSIX_FLAGS,
                           flags | PCI_MSIX_FLAGS_ENABLE);
    }
    qpci_device_enable(pdev);
}

void cxsim_msix_enable(CxsimDev *d)
{
    qpci_msix_enable(d->pdev);
    d->msix = true;
}

void cxsim_msix_mask(CxsimDev *d, unsigned vector, bool mask)
{
    uint64_t off = d->pdev->msix_table_off + vector * PCI_MSIX_ENTRY_SIZE;
    uint32_t ctrl;

    ctrl = qpci_io_readl(d->pdev, d->pdev->msix_table_bar,
                         off + PCI_MSIX_ENTRY_VECTOR_CTRL);
    if (mask) {
        ctrl |= PCI_MSIX_ENTRY_CTRL_MASKBIT;
    } else {
        ctrl &= ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   off + PCI_MSIX_ENTRY_VECTOR_CTRL, ctrl);
}

void cxsim_msix_route(CxsimDev *d, unsigned vector, uint64_t addr,
                      uint32_t data)
{
    uint64_t off = d->pdev->msix_table_off + vector * PCI_MSIX_ENTRY_SIZE;
    QPCIBar bar = d->pdev->msix_table_bar;

    g_assert(d->msix);
    qpci_io_writel(d->pdev, bar, off + PCI_MSIX_ENTRY_LOWER_ADDR,
                   (uint32_t)addr);
    qpci_io_writel(d->pdev, bar, off + PCI_MSIX_ENTRY_UPPER_ADDR, addr >> 32);
    qpci_io_writel(d->pdev, bar, off + PCI_MSIX_ENTRY_DATA, data);
    cxsim_msix_mask(d, vector, false);
}

/* Command queue and messages */

void cxsim_cmdq_set(CxsimDev *d, uint64_t addr, uint32_t nic_interface)
{
    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_H, addr >> 32);
    cxsim_wr32(d, CXSIM_ISEG_CMDQ_ADDR_L_SZ,
               (uint32_t)addr | (nic_interface << CXSIM_CMDQ_NIC_IF_SHIFT));
    d->cmdq = addr;
}

void cxsim_cmdq_init(CxsimDev *d)
{
    cxsim_cmdq_set(d, cxsim_alloc(d, CXSIM_PAGE_SIZE), 0);
}

uint64_t cxsim_slot_addr(CxsimDev *d, unsigned slot)
{
    g_assert(d->cmdq);
    return d->cmdq + (uint64_t)slot * CXFW_CMD_ENTRY_SIZE;
}

unsigned cxsim_blocks(uint32_t len)
{
    if (len <= CXFW_CMD_INLINE_LEN) {
        return 0;
    }
    return DIV_ROUND_UP(len - CXFW_CMD_INLINE_LEN, CXFW_MAILBOX_DATA_LEN);
}

static uint64_t cxsim_chain_new(CxsimDev *d, unsigned blocks, uint8_t token,
                                const uint8_t *data, size_t len)
{
    uint8_t blk[CXFW_MAILBOX_SIZE];
    uint64_t base;
    unsigned i;

    if (!blocks) {
        return 0;
    }
    base = cxsim_alloc(d, (size_t)blocks * CXSIM_MB_STRIDE);
    for (i = 0; i < blocks; i++) {
        size_t off = (size_t)i * CXFW_MAILBOX_DATA_LEN;

        memset(blk, 0, sizeof(blk));
        if (data && off < len) {
            memcpy(blk, data + off, MIN(len - off, CXFW_MAILBOX_DATA_LEN));
        }
        cx_put64(blk, CXSIM_MB_NEXT,
                 i + 1 < blocks ? base + (i + 1) * CXSIM_MB_STRIDE : 0);
        cx_put32(blk, CXSIM_MB_BLOCK_NUM, i);
        blk[CXSIM_MB_TOKEN] = token;
        qtest_memwrite(d->qts, base + (uint64_t)i * CXSIM_MB_STRIDE,
                       blk, sizeof(blk));
    }
    return base;
}

CxsimMsg *cxsim_msg_new(CxsimDev *d, const void *in, uint32_t inlen,
                        uint32_t outlen)
{
    CxsimMsg *m = g_new0(CxsimMsg, 1);
    const uint8_t *bytes = in;

    m->inlen = inlen;
    m->outlen = outlen;
    m->token = ++d->token ? d->token : ++d->token;    /* never 0 */
    memcpy(m->in16, in, CXSIM_HDR_LEN);
    m->in_blocks = cxsim_blocks(inlen);
    m->in_mb = cxsim_chain_new(d, m->in_blocks, m->token,
                               inlen > CXSIM_HDR_LEN ? bytes + CXSIM_HDR_LEN
                                                     : NULL,
                               inlen > CXSIM_HDR_LEN ? inlen - CXSIM_HDR_LEN
                                                     : 0);
    m->out_blocks = cxsim_blocks(outlen);
    m->out_mb = cxsim_chain_new(d, m->out_blocks, m->token, NULL, 0);
    return m;
}

void cxsim_msg_free(CxsimDev *d, CxsimMsg *m)
{
    if (m->in_mb) {
        cxsim_free(d, m->in_mb);
    }
    if (m->out_mb) {
        cxsim_free(d, m->out_mb);
    }
    g_free(m);
}

uint64_t cxsim_msg_in_block(CxsimMsg *m, unsigned i)
{
    g_assert(i < m->in_blocks);
    return m->in_mb + (uint64_t)i * CXSIM_MB_STRIDE;
}

uint64_t cxsim_msg_out_block(CxsimMsg *m, unsigned i)
{
    g_assert(i < m->out_blocks);
    return m->out_mb + (uint64_t)i * CXSIM_MB_STRIDE;
}

void cxsim_msg_post(CxsimDev *d, unsigned slot, CxsimMsg *m)
{
    uint8_t ent[CXFW_CMD_ENTRY_SIZE] = { 0 };

    ent[CXSIM_ENT_TYPE] = CXFW_CMD_TRANSPORT_PCIE;
    cx_put32(ent, CXSIM_ENT_INLEN, m->inlen);
    cx_put64(ent, CXSIM_ENT_IN_PTR, m->in_mb);
    memcpy(ent + CXSIM_ENT_IN, m->in16, CXSIM_HDR_LEN);
    cx_put64(ent, CXSIM_ENT_OUT_PTR, m->out_mb);
    cx_put32(ent, CXSIM_ENT_OUTLEN, m->outlen);
    ent[CXSIM_ENT_TOKEN] = m->token;
    ent[CXSIM_ENT_STATUS_OWN] = CXSIM_OWN_HW;
    qtest_memwrite(d->qts, cxsim_slot_addr(d, slot), ent, sizeof(ent));
}

void cxsim_ring(CxsimDev *d, uint32_t mask)
{
    cxsim_wr32(d, CXSIM_ISEG_CMD_DBELL, mask);
}

uint8_t cxsim_status_own(CxsimDev *d, unsigned slot)
{
    return cxsim_mem_rd8(d, cxsim_slot_addr(d, slot) + CXSIM_ENT_STATUS_OWN);
}

bool cxsim_wait(CxsimDev *d, unsigned slot)
{
    int i;

    /*
     * The doorbell runs in a bottom half: every qtest command is one pass
     * of QEMU's main loop, so the first polls normally see the completion.
     */
    for (i = 0; i < CXSIM_POLL_LIMIT; i++) {
        if (!(cxsim_status_own(d, slot) & CXSIM_OWN_HW)) {
            return true;
        }
        if (i > 16) {
            qtest_clock_step(d->qts, 1000);
        }
    }
    return false;
}

bool cxsim_idle(CxsimDev *d, unsigned slot)
{
    int i;

    for (i = 0; i < 32; i++) {
        if (!(cxsim_status_own(d, slot) & CXSIM_OWN_HW)) {
            return false;
        }
    }
    qtest_clock_step(d->qts, 1000);
    return cxsim_status_own(d, slot) & CXSIM_OWN_HW;
}

void cxsim_msg_read_out(CxsimDev *d, unsigned slot, CxsimMsg *m, void *out)
{
    uint8_t *bytes = out;
    unsigned i;

    qtest_memread(d->qts, cxsim_slot_addr(d, slot) + CXSIM_ENT_OUT,
                  bytes, CXSIM_HDR_LEN);
    for (i = 0; i < m->out_blocks; i++) {
        uint32_t off = CXSIM_HDR_LEN + i * CXFW_MAILBOX_DATA_LEN;

        qtest_memread(d->qts, cxsim_msg_out_block(m, i), bytes + off,
                      MIN(m->outlen - off, CXFW_MAILBOX_DATA_LEN));
    }
}

uint8_t cxsim_exec(CxsimDev *d, const void *in, uint32_t inlen,
                   void *out, uint32_t outlen)
{
    CxsimMsg *m = cxsim_msg_new(d, in, inlen, outlen);
    uint8_t deliv;

    if (!d->cmdq) {
        cxsim_cmdq_init(d);
    }
    cxsim_msg_post(d, 0, m);
    cxsim_ring(d, 1);
    if (!cxsim_wait(d, 0)) {
        g_error("cxsim: command 0x%x (slot 0) never completed",
                cx_get16(in, 0));
    }
    deliv = cxsim_status_own(d, 0) >> 1;
    cxsim_msg_read_out(d, 0, m, out);
    cxsim_msg_free(d, m);
    return deliv;
}

uint8_t cxsim_cmd(CxsimDev *d, const void *in, uint32_t inlen,
                  void *out, uint32_t outlen)
{
    uint8_t deliv = cxsim_exec(d, in, inlen, out, outlen);

    g_assert_cmphex(deliv, ==, CXFW_DELIV_OK);
    d->last_status = cx_status(out);
    d->last_syndrome = cx_syndrome(out);
    return d->last_status;
}

uint8_t cxsim_cmd_simple(CxsimDev *d, uint16_t opcode, uint16_t op_mod,
                         uint32_t dw2, uint32_t dw3, void *out16)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, opcode, op_mod);
    cx_put32(in, 8, dw2);
    cx_put32(in, 12, dw3);
    cxsim_cmd(d, in, sizeof(in), out, sizeof(out));
    if (out16) {
        memcpy(out16, out, sizeof(out));
    }
    return d->last_status;
}

/* Commands */

uint8_t cxsim_nop(CxsimDev *d)
{
    return cxsim_cmd_simple(d, CXFW_OP_NOP, 0, 0, 0, NULL);
}

static uint8_t cxsim_hca_cmd(CxsimDev *d, uint16_t opcode)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, opcode, 0);
    return cxsim_cmd(d, in, sizeof(in), out, sizeof(out));
}

uint8_t cxsim_enable_hca(CxsimDev *d)
{
    return cxsim_hca_cmd(d, CXFW_OP_ENABLE_HCA);
}

uint8_t cxsim_disable_hca(CxsimDev *d)
{
    return cxsim_hca_cmd(d, CXFW_OP_DISABLE_HCA);
}

uint8_t cxsim_query_issi(CxsimDev *d, uint16_t *current, uint32_t *supported)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint8_t out[CXSIM_QUERY_ISSI_OUTLEN];

    cx_hdr(in, CXFW_OP_QUERY_ISSI, 0);
    if (cxsim_cmd(d, in, sizeof(in), out, sizeof(out)) == CXFW_STATUS_OK) {
        if (current) {
            *current = cx_get16(out, 0x0a);
        }
        if (supported) {
            *supported = cx_get32(out, 0x6c);
        }
    }
    return d->last_status;
}

uint8_t cxsim_set_issi(CxsimDev *d, uint16_t issi)
{
    return cxsim_cmd_simple(d, CXFW_OP_SET_ISSI, 0, issi, 0, NULL);
}

uint8_t cxsim_query_pages(CxsimDev *d, uint16_t op_mod, int32_t *num)
{
    uint8_t out[CXSIM_HDR_LEN];

    if (cxsim_cmd_simple(d, CXFW_OP_QUERY_PAGES, op_mod, 0, 0, out) ==
        CXFW_STATUS_OK && num) {
        *num = (int32_t)cx_get32(out, 0x0c);
    }
    return d->last_status;
}

uint8_t cxsim_give_page_list(CxsimDev *d, const uint64_t *pas, uint32_t n)
{
    uint32_t inlen = CXSIM_HDR_LEN + 8 * n;
    g_autofree uint8_t *in = g_malloc0(MAX(inlen, CXSIM_HDR_LEN));
    uint8_t out[CXSIM_HDR_LEN];
    uint32_t i;

    cx_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_GIVE);
    cx_put32(in, 0x0c, n);
    for (i = 0; i < n; i++) {
        cx_put64(in, CXSIM_HDR_LEN + 8 * i, pas[i]);
    }
    if (cxsim_cmd(d, in, inlen, out, sizeof(out)) == CXFW_STATUS_OK) {
        g_array_append_vals(d->pages, pas, n);
    }
    return d->last_status;
}

uint8_t cxsim_give_pages(CxsimDev *d, uint32_t n)
{
    g_autofree uint64_t *pas = g_new(uint64_t, MAX(n, 1));
    uint64_t base = n ? cxsim_alloc(d, (size_t)n * CXSIM_PAGE_SIZE) : 0;
    uint32_t i;

    for (i = 0; i < n; i++) {
        pas[i] = base + (uint64_t)i * CXSIM_PAGE_SIZE;
    }
    return cxsim_give_page_list(d, pas, n);
}

uint8_t cxsim_take_pages(CxsimDev *d, uint32_t n, uint32_t *got,
                         uint64_t *pas)
{
    uint32_t outlen = CXSIM_HDR_LEN + 8 * n;
    g_autofree uint8_t *out = g_malloc0(MAX(outlen, CXSIM_HDR_LEN));
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    uint32_t i, j, cnt;

    cx_hdr(in, CXFW_OP_MANAGE_PAGES, CXFW_PAGES_TAKE);
    cx_put32(in, 0x0c, n);
    if (cxsim_cmd(d, in, sizeof(in), out, outlen) != CXFW_STATUS_OK) {
        return d->last_status;
    }
    cnt = cx_get32(out, 0x08);
    g_assert_cmpuint(cnt, <=, n);
    for (i = 0; i < cnt; i++) {
        uint64_t pa = cx_get64(out, CXSIM_HDR_LEN + 8 * i);

        if (pas) {
            pas[i] = pa;
        }
        for (j = 0; j < d->pages->len; j++) {
            if (g_array_index(d->pages, uint64_t, j) == pa) {
                g_array_remove_index_fast(d->pages, j);
                break;
            }
        }
    }
    if (got) {
        *got = cnt;
    }
    return d->last_status;
}

void cxsim_satisfy_pages(CxsimDev *d, uint16_t op_mod)
{
    int32_t num = -1;

    g_assert_cmphex(cxsim_query_pages(d, op_mod, &num), ==, CXFW_STATUS_OK);
    g_assert_cmpint(num, >=, 0);
    if (num > 0) {
        g_assert_cmphex(cxsim_give_pages(d, num), ==, CXFW_STATUS_OK);
    }
}

uint8_t cxsim_query_hca_cap(CxsimDev *d, unsigned type, bool cur, void *cap)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };
    g_autofree uint8_t *out = g_malloc0(CXSIM_QUERY_CAP_OUTLEN);

    cx_hdr(in, CXFW_OP_QUERY_HCA_CAP, (type << 1) | (cur ? 1 : 0));
    if (cxsim_cmd(d, in, sizeof(in), out, CXSIM_QUERY_CAP_OUTLEN) ==
        CXFW_STATUS_OK && cap) {
        memcpy(cap, out + CXSIM_HDR_LEN, CXSIM_CAP_LEN);
    }
    return d->last_status;
}

uint8_t cxsim_set_hca_cap(CxsimDev *d, unsigned type, const void *cap)
{
    g_autofree uint8_t *in = g_malloc0(CXSIM_SET_CAP_INLEN);
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, CXFW_OP_SET_HCA_CAP, type << 1);
    memcpy(in + CXSIM_HDR_LEN, cap, CXSIM_CAP_LEN);
    return cxsim_cmd(d, in, CXSIM_SET_CAP_INLEN, out, sizeof(out));
}

uint8_t cxsim_init_hca(CxsimDev *d)
{
    uint8_t in[CXSIM_INIT_HCA_INLEN] = { 0 };
    uint8_t out[CXSIM_HDR_LEN];

    cx_hdr(in, CXFW_OP_INIT_HCA, 0);
    return cxsim_cmd(d, in, sizeof(in), out, sizeof(out));
}

uint8_t cxsim_teardown_hca(CxsimDev *d, uint16_t profile)
{
    return cxsim_cmd_simple(d, CXFW_OP_TEARDOWN_HCA, 0, profile, 0, NULL);
}

uint8_t cxsim_alloc_uar(CxsimDev *d, uint32_t *uar)
{
    uint8_t out[CXSIM_HDR_LEN];

    if (cxsim_cmd_simple(d, CXFW_OP_ALLOC_UAR, 0, 0, 0, out) ==
        CXFW_STATUS_OK && uar) {
        *uar = cx_get32(out, 0x08) & 0xffffff;
    }
    return d->last_status;
}

uint8_t cxsim_dealloc_uar(CxsimDev *d, uint32_t uar)
{
    return cxsim_cmd_simple(d, CXFW_OP_DEALLOC_UAR, 0, uar, 0, NULL);
}

uint8_t cxsim_access_reg(CxsimDev *d, uint16_t op_mod, uint16_t reg_id,
                         uint32_t arg, const void *data, void *out_data,
                         uint32_t len)
{
    g_autofree uint8_t *in = g_malloc0(CXSIM_HDR_LEN + len);
    g_autofree uint8_t *out = g_malloc0(CXSIM_HDR_LEN + len);

    cx_hdr(in, CXFW_OP_ACCESS_REG, op_mod);
    cx_put16(in, 0x0a, reg_id);
    cx_put32(in, 0x0c, arg);
    if (data) {
        memcpy(in + CXSIM_HDR_LEN, data, len);
    }
    if (cxsim_cmd(d, in, CXSIM_HDR_LEN + len, out, CXSIM_HDR_LEN + len) ==
        CXFW_STATUS_OK && out_data) {
        memcpy(out_data, out + CXSIM_HDR_LEN, len);
    }
    return d->last_status;
}

void cxsim_bringup_enabled(CxsimDev *d)
{
    g_autofree uint8_t *cap = g_malloc0(CXSIM_CAP_LEN);
    uint8_t he[CXSIM_REG_HOST_ENDIANNESS_LEN] = { 0 };
    uint32_t supported = 0;

    if (!d->cmdq) {
        cxsim_cmdq_init(d);
    }
    g_assert_cmphex(cxsim_enable_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_issi(d, NULL, &supported), ==,
                    CXFW_STATUS_OK);
    if (supported & 2) {
        g_assert_cmphex(cxsim_set_issi(d, 1), ==, CXFW_STATUS_OK);
    }
    cxsim_satisfy_pages(d, CXFW_PAGES_BOOT);
    g_assert_cmphex(cxsim_access_reg(d, CXFW_REG_OP_WRITE,
                                     CXFW_REG_HOST_ENDIANNESS, 0, he, NULL,
                                     sizeof(he)), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, false, cap), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_query_hca_cap(d, 0, true, cap), ==,
                    CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_set_hca_cap(d, 0, cap), ==, CXFW_STATUS_OK);
    cxsim_satisfy_pages(d, CXFW_PAGES_INIT);
}

void cxsim_bringup(CxsimDev *d)
{
    cxsim_bringup_enabled(d);
    g_assert_cmphex(cxsim_init_hca(d), ==, CXFW_STATUS_OK);
    g_assert_cmphex(cxsim_alloc_uar(d, &d->uar), ==, CXFW_STATUS_OK);
}

/* Event queues */

uint8_t cxsim_create_eq_pas(CxsimDev *d, CxsimEq *eq, unsigned log_size,
                            uint64_t event_mask, unsigned vector,
                            uint32_t uar, const uint64_t *pas)
{
    uint32_t inlen;
    g_autofree uint8_t *in = NULL;
    uint8_t page[CXSIM_PAGE_SIZE];
    uint8_t out[CXSIM_HDR_LEN];
    uint32_t i, per_page;

    memset(eq, 0, sizeof(*eq));
    eq->log_size = log_size;
    eq->nent = 1u << log_size;
    eq->npages = MAX(1, DIV_ROUND_UP(eq->nent * CXFW_EQE_SIZE,
                                     CXSIM_PAGE_SIZE));
    g_assert_cmpuint(eq->npages, <=, CXSIM_EQ_MAX_PAGES);
    eq->uar = uar;
    eq->vector = vector;
    memcpy(eq->pas, pas, eq->npages * sizeof(pas[0]));
    eq->buf = pas[0];

    /* Every entry starts hardware-owned for the first pass (owner 1). */
    per_page = MIN(eq->nent, CXSIM_PAGE_SIZE / CXFW_EQE_SIZE);
    memset(page, 0, sizeof(page));
    for (i = 0; i < per_page; i++) {
        page[i * CXFW_EQE_SIZE + CXSIM_EQE_OWNER] = 1;
    }
    for (i = 0; i < eq->npages; i++) {
        qtest_memwrite(d->qts, eq->pas[i], page, per_page * CXFW_EQE_SIZE);
    }

    inlen = CXSIM_CREATE_EQ_PAS + 8 * eq->npages;
    in = g_malloc0(inlen);
    cx_hdr(in, CXFW_OP_CREATE_EQ, 0);
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 24, 5, log_size);
    cx_put_bits(in, CXSIM_EQC_LOG_SZ_UAR, 0, 24, uar);
    cx_put_bits(in, CXSIM_EQC_INTR, 0, 8, vector);
    cx_put_bits(in, CXSIM_EQC_LOG_PAGE_SIZE, 24, 5, 0);
    cx_put64(in, CXSIM_CREATE_EQ_MASK, event_mask);
    for (i = 0; i < eq->npages; i++) {
        cx_put64(in, CXSIM_CREATE_EQ_PAS + 8 * i, eq->pas[i]);
    }
    if (cxsim_cmd(d, in, inlen, out, sizeof(out)) == CXFW_STATUS_OK) {
        eq->eqn = cx_get8(out, 0x0b);
    }
    return d->last_status;
}

uint8_t cxsim_create_eq(CxsimDev *d, CxsimEq *eq, unsigned log_size,
                        uint64_t event_mask, unsigned vector, uint32_t uar)
{
    uint64_t pas[CXSIM_EQ_MAX_PAGES];
    uint32_t npages = MAX(1, DIV_ROUND_UP((1u << log_size) * CXFW_EQE_SIZE,
                                          CXSIM_PAGE_SIZE));
    uint64_t buf;
    uint32_t i;

    g_assert_cmpuint(npages, <=, CXSIM_EQ_MAX_PAGES);
    buf = cxsim_alloc(d, (size_t)npages * CXSIM_PAGE_SIZE);
    for (i = 0; i < npages; i++) {
        pas[i] = buf + (uint64_t)i * CXSIM_PAGE_SIZE;
    }
    return cxsim_create_eq_pas(d, eq, log_size, event_mask, vector, uar, pas);
}

uint8_t cxsim_destroy_eqn(CxsimDev *d, uint8_t eqn)
{
    return cxsim_cmd_simple(d, CXFW_OP_DESTROY_EQ, 0, eqn, 0, NULL);
}

uint8_t cxsim_destroy_eq(CxsimDev *d, CxsimEq *eq)
{
    return cxsim_destroy_eqn(d, eq->eqn);
}

uint8_t cxsim_query_eq(CxsimDev *d, uint8_t eqn, void *out)
{
    uint8_t in[CXSIM_HDR_LEN] = { 0 };

    cx_hdr(in, CXFW_OP_QUERY_EQ, 0);
    cx_put32(in, 8, eqn);
    return cxsim_cmd(d, in, sizeof(in), out, CXSIM_QUERY_EQ_OUTLEN);
}

uint64_t cxsim_eqe_addr(CxsimEq *eq, uint32_t index)
{
    uint64_t off = (uint64_t)(index & (eq->nent - 1)) * CXFW_EQE_SIZE;

    return eq->pas[off / CXSIM_PAGE_SIZE] + off % CXSIM_PAGE_SIZE;
}

bool cxsim_eq_poll(CxsimDev *d, CxsimEq *eq, uint8_t *eqe)
{
    uint64_t addr = cxsim_eqe_addr(eq, eq->ci);
    uint8_t owner = cxsim_mem_rd8(d, addr + CXSIM_EQE_OWNER);

    if ((owner & 1) != ((eq->ci >> eq->log_size) & 1)) {
        return false;
    }
    qtest_memread(d->qts, addr, eqe, CXFW_EQE_SIZE);
    eq->ci++;
    return true;
}

void cxsim_eq_doorbell_at(CxsimDev *d, uint32_t uar, uint32_t offset,
                          uint8_t eqn, uint32_t ci)
{
    cxsim_wr32(d, (uint64_t)uar * CXSIM_PAGE_SIZE + offset,
               ((uint32_t)eqn << 24) | (ci & 0xffffff));
}

void cxsim_eq_doorbell(CxsimDev *d, CxsimEq *eq, bool arm)
{
    cxsim_eq_doorbell_at(d, eq->uar, arm ? CXFW_UAR_EQ_ARM
                                         : CXFW_UAR_EQ_UPDATE,
                         eq->eqn, eq->ci);
}

/* Raw qtest protocol */

/*
 * libqtest does not export its socket, so find it: the accepted qtest
 * socket carries the name libqtest bound, "<tmp>/qtest-<our pid>.sock".
 */
static int cxsim_qtest_fd(void)
{
    g_autofree char *path = g_strdup_printf("%s/qtest-%d.sock",
                                            g_get_tmp_dir(), getpid());
    int fd, found = -1;

    for (fd = 3; fd < 1024; fd++) {
        struct sockaddr_un sa;
        socklen_t len = sizeof(sa);

        memset(&sa, 0, sizeof(sa));
        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
            sa.sun_family != AF_UNIX ||
            strncmp(sa.sun_path, path, sizeof(sa.sun_path))) {
            continue;
        }
        g_assert_cmpint(found, ==, -1);     /* one VM only */
        found = fd;
    }
    g_assert_cmpint(found, >=, 0);
    return found;
}

void cxsim_qtest_batch(CxsimVM *vm, const char *lines)
{
    int fd = cxsim_qtest_fd();
    size_t len = strlen(lines), done = 0;
    int expect = 0, seen = 0;
    GString *reply = g_string_new("");
    const char *p;

    for (p = lines; *p; p++) {
        expect += *p == '\n';
    }
    g_assert_cmpint(len, <, 1024);  /* QEMU reads up to 1 KiB at once */
    g_assert(len && lines[len - 1] == '\n');

    while (done < len) {
        ssize_t n = write(fd, lines + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        g_assert_cmpint(n, >, 0);
        done += n;
    }
    while (seen < expect) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char c;
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, 30000), ==, 1);
        n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        g_assert_cmpint(n, ==, 1);
        g_string_append_c(reply, c);
        if (c == '\n') {
            g_assert(g_str_has_prefix(reply->str, "OK"));
            g_string_truncate(reply, 0);
            seen++;
        }
    }
    g_string_free(reply, true);
}
