// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * umem-test: MLX5CTL_IOCTL_UMEM_REG / UMEM_UNREG of cxctl on cxsim.  Prints
 * TAP; run as root in the test guest with cxcore and cxctl loaded
 * (linux-driver/tests/cxctl.sh).
 *
 * Checked: registration of aligned and unaligned buffers up to the 64 MiB
 * limit, the pinned-page accounting (VmPin) and RLIMIT_MEMLOCK without
 * CAP_IPC_LOCK, every documented errno, that a umem belongs to its file,
 * that a memory key over it keeps it registered, that closing a file (with
 * whatever it created through raw RPCs) or unbinding the device releases
 * its umems, and
 * (last) an unbind with registered umems.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include "../include/uapi/misc/mlx5ctl.h"
#include "cxtest.h"
#include "mlx5ctl-dev.h"
#include "ctl-objects.h"

#define MIB		(1UL << 20)
#define UMEM_MAX	(64 * MIB)

/* 1. registrations and the pinned-page accounting */
static void test_reg(int fd)
{
	uint32_t id, id2, id3;
	long pin0 = vm_pin_kb();
	uint8_t *buf = map(4 * MIB, PROT_READ | PROT_WRITE);
	int ret;

	ok(buf && pin0 == 0, "a 4 MiB buffer, VmPin %ld kB", pin0);
	if (!buf)
		return;
	ret = umem_reg(fd, buf, 2 * MIB, &id);
	ok(ret == 0 && id != 0xdeadbeef, "UMEM_REG 2 MiB: umem_id 0x%x", id);
	if (ret)
		diag("got %s", err_name(ret));
	ok(vm_pin_kb() == 2048, "VmPin 2048 kB (got %ld)", vm_pin_kb());

	/* 100 bytes into a page, 5000 bytes long: two pages */
	ret = umem_reg(fd, buf + 2 * MIB + 100, 5000, &id2);
	ok(ret == 0 && id2 != id, "UMEM_REG of 5000 bytes at page offset 100: umem_id 0x%x",
	   id2);
	ok(vm_pin_kb() == 2048 + 8, "two pages more pinned (VmPin %ld kB)",
	   vm_pin_kb());

	/* the same pages twice are two umems */
	ret = umem_reg(fd, buf, PAGE, &id3);
	ok(ret == 0 && id3 != id && id3 != id2,
	   "UMEM_REG of an already registered page: a third umem 0x%x", id3);

	ok(umem_unreg(fd, id2) == 0, "UMEM_UNREG 0x%x", id2);
	check_errno(umem_unreg(fd, id2), ENOENT, "UMEM_UNREG of it again");
	ok(umem_unreg(fd, id) == 0 && umem_unreg(fd, id3) == 0,
	   "UMEM_UNREG of the other two");
	ok(vm_pin_kb() == 0, "VmPin back to 0 (got %ld)", vm_pin_kb());

	ret = umem_reg(fd, buf, UMEM_MAX, &id);
	check_errno(ret, EFAULT, "UMEM_REG of 64 MiB past the 4 MiB mapping");
	ok(vm_pin_kb() == 0, "a failed registration pins nothing (VmPin %ld)",
	   vm_pin_kb());
	munmap(buf, 4 * MIB);

	buf = map(UMEM_MAX, PROT_READ | PROT_WRITE);
	ret = buf ? umem_reg(fd, buf, UMEM_MAX, &id) : -ENOMEM;
	ok(ret == 0, "UMEM_REG of 64 MiB, the limit");
	if (ret)
		diag("got %s", err_name(ret));
	ok(vm_pin_kb() == (long)(UMEM_MAX / 1024), "VmPin %ld kB",
	   vm_pin_kb());
	ok(!ret && umem_unreg(fd, id) == 0, "UMEM_UNREG of it");
	if (buf)
		munmap(buf, UMEM_MAX);
}

/* 2. errors */
static void test_errors(int fd)
{
	uint8_t *rw = map(2 * PAGE, PROT_READ | PROT_WRITE);
	uint8_t *ro = map(PAGE, PROT_READ);
	uint8_t *none = map(PAGE, PROT_NONE);
	uint32_t id;

	if (!rw || !ro || !none) {
		ok(false, "test mappings");
		return;
	}
	check_errno(umem_reg(fd, rw, 0, &id), EINVAL, "UMEM_REG of 0 bytes");
	check_errno(umem_reg(fd, rw, UMEM_MAX + 1, &id), EINVAL,
		    "UMEM_REG of 64 MiB + 1");
	check_errno(umem_reg_raw(fd, ~0ULL - 100, 4096, 0, &id), EINVAL,
		    "UMEM_REG of a range that wraps");
	check_errno(umem_reg_raw(fd, 1ULL << 62, 4096, 0, &id), EINVAL,
		    "UMEM_REG of a kernel address");
	check_errno(umem_reg_raw(fd, (uintptr_t)rw, PAGE, 1, &id), EOPNOTSUPP,
		    "UMEM_REG with reserved 1");
	check_errno(umem_reg(fd, NULL, PAGE, &id), EFAULT, "UMEM_REG of NULL");
	check_errno(umem_reg(fd, ro, PAGE, &id), EFAULT,
		    "UMEM_REG of a read-only mapping");
	check_errno(umem_reg(fd, none, PAGE, &id), EFAULT,
		    "UMEM_REG of a PROT_NONE mapping");
	munmap(rw + PAGE, PAGE);
	check_errno(umem_reg(fd, rw, 2 * PAGE, &id), EFAULT,
		    "UMEM_REG running into an unmapped page");
	check_errno(ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, none) ? -errno : 0,
		    EFAULT, "UMEM_REG from an unreadable struct");
	check_errno(umem_unreg(fd, 0), ENOENT, "UMEM_UNREG of id 0");
	check_errno(umem_unreg(fd, 0xffffff), ENOENT,
		    "UMEM_UNREG of an id never given");
	ok(umem_reg(fd, rw, PAGE, &id) == 0, "UMEM_REG of one page");
	check_errno(umem_unreg_raw(fd, id, 1), EOPNOTSUPP,
		    "UMEM_UNREG with reserved 1");
	check_errno(ioctl(fd, MLX5CTL_IOCTL_UMEM_UNREG, none) ? -errno : 0,
		    EFAULT, "UMEM_UNREG from an unreadable struct");
	ok(umem_unreg(fd, id) == 0, "the umem is still there to unregister");
	ok(vm_pin_kb() == 0, "VmPin 0 after the errors (got %ld)",
	   vm_pin_kb());
	munmap(rw, PAGE);
	munmap(ro, PAGE);
	munmap(none, PAGE);
}

/* 3. RLIMIT_MEMLOCK applies to a caller without CAP_IPC_LOCK */
enum {
	ML_SETUP = 1, ML_OVER = 2, ML_FIT = 4, ML_SECOND = 8, ML_THIRD = 16,
	ML_AGAIN = 32,
};

static int memlock_child(int fd)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	uint8_t *buf = map(256 * 1024, PROT_READ | PROT_WRITE);
	uint32_t a, b, c;
	int code = 0;

	if (!buf || setrlimit(RLIMIT_MEMLOCK, &rl) || drop_cap(CAP_IPC_LOCK))
		return ML_SETUP;
	if (umem_reg(fd, buf, 128 * 1024, &a) != -ENOMEM)
		code |= ML_OVER;
	if (umem_reg(fd, buf, 32 * 1024, &a))
		code |= ML_FIT;
	if (umem_reg(fd, buf + 32 * 1024, 32 * 1024, &b))
		code |= ML_SECOND;
	if (umem_reg(fd, buf + 64 * 1024, PAGE, &c) != -ENOMEM)
		code |= ML_THIRD;
	if (umem_unreg(fd, a) || umem_reg(fd, buf + 64 * 1024, PAGE, &c))
		code |= ML_AGAIN;
	return code;
}

static void test_memlock(void)
{
	int fd = open_dev(), st = 0, code;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(memlock_child(fd));
	waitpid(pid, &st, 0);
	close(fd);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 0xff;
	ok(!(code & ML_SETUP), "child: RLIMIT_MEMLOCK 64 KiB, CAP_IPC_LOCK dropped");
	ok(!(code & ML_OVER), "UMEM_REG of 128 KiB over the limit -> ENOMEM");
	ok(!(code & ML_FIT), "UMEM_REG of 32 KiB within it");
	ok(!(code & ML_SECOND), "another 32 KiB reaches the limit");
	ok(!(code & ML_THIRD), "one page more -> ENOMEM");
	ok(!(code & ML_AGAIN), "after UMEM_UNREG of 32 KiB it fits again");
}

/*
 * 3b. Raw CREATE_UMEM and DESTROY_UMEM are the kernel's: a user naming bus
 * addresses itself could make the device write any guest memory.
 */
static void test_raw_umem_refused(int fd)
{
	uint8_t *buf = map(PAGE, PROT_READ | PROT_WRITE);
	uint8_t in[64] = { 0 }, out[16];
	uint32_t id;

	ok(buf && umem_reg(fd, buf, PAGE, &id) == 0, "a umem to aim at");
	/* one MTT entry at bus address 0x1000, read and write enabled */
	set(in, hdr_opcode, 0xa08);
	in[40 + 7] = 1;			/* num_of_mtt = 1 */
	in[48 + 6] = 0x10;		/* mtt[0] = 0x1000 | wr_en | rd_en */
	in[48 + 7] = 0x03;
	check_errno(rpc(fd, in, sizeof(in), out, sizeof(out)), EPERM,
		    "a raw CREATE_UMEM naming bus address 0x1000");
	memset(in, 0, sizeof(in));
	set(in, hdr_opcode, 0xa0a);
	in[8 + 1] = id >> 16;
	in[8 + 2] = id >> 8;
	in[8 + 3] = id;
	check_errno(rpc(fd, in, 16, out, sizeof(out)), EPERM,
		    "a raw DESTROY_UMEM of the file's own umem");
	ok(umem_unreg(fd, id) == 0, "UMEM_UNREG still releases it");
	munmap(buf, PAGE);
}

/* 4. a umem is its file's */
static void test_ownership(int fd)
{
	uint8_t *buf = map(PAGE, PROT_READ | PROT_WRITE);
	int other = open_dev();
	uint32_t id;

	ok(buf && other >= 0 && umem_reg(fd, buf, PAGE, &id) == 0,
	   "a umem on the first file");
	check_errno(umem_unreg(other, id), ENOENT,
		    "UMEM_UNREG of it from another file");
	close(other);
	ok(umem_unreg(fd, id) == 0, "its own file unregisters it");
	munmap(buf, PAGE);
}

/*
 * 4b. A memory key over a umem, created with raw RPCs: the umem cannot be
 * unregistered under it, and closing the file reclaims the key, its PD and
 * the umem (the runner's idle check then finds no object in the firmware).
 */
static void test_mkey_busy(void)
{
	uint8_t *buf = map(2 * PAGE, PROT_READ | PROT_WRITE);
	int fd = open_dev(), ret;
	uint32_t id;

	ok(buf && fd >= 0 && umem_reg(fd, buf, 2 * PAGE, &id) == 0,
	   "a umem of two pages on a new file");
	ret = mkey_over(fd, id, 0x10000, 2 * PAGE, NULL, NULL);
	ok(ret == 0, "ALLOC_PD and CREATE_MKEY over it through CMDRPC");
	check_errno(umem_unreg(fd, id), EBUSY,
		    "UMEM_UNREG while the memory key uses it");
	ok(vm_pin_kb() == 8, "it stays pinned (VmPin %ld kB)", vm_pin_kb());
	ok(close(fd) == 0, "close the file with the key, PD and umem alive");
	ok(vm_pin_kb() == 0, "VmPin 0 after the close (got %ld)", vm_pin_kb());
	munmap(buf, 2 * PAGE);
}

/* 5. close releases what the file registered */
static void test_close(void)
{
	uint8_t *buf = map(MIB, PROT_READ | PROT_WRITE);
	uint32_t id;
	int fd = open_dev(), i, n = 0;

	for (i = 0; buf && fd >= 0 && i < 4; i++)
		n += umem_reg(fd, buf + i * 256 * 1024, 256 * 1024, &id) == 0;
	ok(n == 4 && vm_pin_kb() == 1024,
	   "four umems of 256 KiB on a new file (VmPin %ld kB)", vm_pin_kb());
	ok(close(fd) == 0, "close the file with them registered");
	ok(vm_pin_kb() == 0, "VmPin 0 after the close (got %ld)", vm_pin_kb());
	munmap(buf, MIB);
}

/* 6. unbind with registered umems */
static void test_unbind(void)
{
	char pci[64];
	uint8_t *buf = map(MIB, PROT_READ | PROT_WRITE);
	uint32_t id;
	int fd, i;

	if (!buf || dev_pci_name(pci, sizeof(pci))) {
		ok(false, "PCI device of %s", dev_path);
		return;
	}
	fd = open_dev();
	ok(fd >= 0 && umem_reg(fd, buf, MIB, &id) == 0 &&
	   vm_pin_kb() == 1024, "1 MiB registered before the unbind");
	ok(write_str("/sys/bus/pci/drivers/cxcore/unbind", pci) == 0,
	   "unbind %s with the umem registered", pci);
	ok(vm_pin_kb() == 0, "the unbind released the pages (VmPin %ld)",
	   vm_pin_kb());
	check_errno(umem_unreg(fd, id), ENODEV, "UMEM_UNREG after the unbind");
	check_errno(umem_reg(fd, buf, PAGE, &id), ENODEV,
		    "UMEM_REG after the unbind");
	ok(close(fd) == 0, "close after the unbind");
	ok(write_str("/sys/bus/pci/drivers/cxcore/bind", pci) == 0,
	   "bind %s again", pci);
	for (i = 0; i < 50 && access(dev_path, F_OK); i++)
		usleep(100000);
	fd = open_dev();
	ok(fd >= 0 && umem_reg(fd, buf, PAGE, &id) == 0 &&
	   umem_unreg(fd, id) == 0, "register and unregister after the rebind");
	if (fd >= 0)
		close(fd);
	munmap(buf, MIB);
}

int main(int argc, char **argv)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = tap_open_dev(argc, argv);
	if (fd < 0)
		return 1;
	test_reg(fd);
	test_errors(fd);
	test_raw_umem_refused(fd);
	test_ownership(fd);
	close(fd);
	test_memlock();
	test_mkey_busy();
	test_close();
	test_unbind();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
