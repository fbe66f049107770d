// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * mlx5ctl-test: cxctl's mlx5ctl uAPI (/dev/mlx5ctl-cxcore.ctl.N) on cxsim.
 * Prints TAP; run as root in the test guest with cxcore and cxctl loaded
 * (linux-driver/tests/cxctl.sh).
 *
 * Checked: MLX5CTL_IOCTL_INFO, command round trips through
 * MLX5CTL_IOCTL_CMDRPC with the uid the driver stamps, at every size class
 * and from eight processes at once, the length and pointer errors, CAP_SYS_ADMIN on every ioctl, one firmware user context
 * per open file, and (last) an unbind of the PCI function with a file
 * still open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include "../include/uapi/misc/mlx5ctl.h"
#include "cxtest.h"
#include "mlx5ctl-dev.h"

#define MAX_RPC_LEN		(512 * 512)
#define CAP_BASE		0x80

enum {
	OP_QUERY_HCA_CAP	= 0x100,
	OP_NOP			= 0x80d,
	OP_CREATE_UCTX		= 0xa04,
	OP_QUERY_UCTX		= 0xa05,
};

enum {
	ST_OK		= 0x00,
	ST_BAD_PARAM	= 0x03,
	ST_BAD_RES	= 0x05,
};

#define DEV_UCTX_CAP		0x0f000007
#define SYND_UCTX_UNKNOWN	0x00080003
#define SYND_CAP_TYPE_UNSUPPORTED	0x00030001
#define SYND_KERNEL_UID_REQUIRED	0x0001000b
#define CREATE_UCTX_IN		64
#define QUERY_HCA_CAP_OUT	4112
#define QUERY_UCTX_OUT		64

static const struct field hdr_opcode = { 0x00, 16 };
static const struct field hdr_uid = { 0x10, 16 };
static const struct field hdr_op_mod = { 0x30, 16 };
static const struct field out_status = { 0x00, 8 };
static const struct field out_syndrome = { 0x20, 32 };
static const struct field cap_uctx_cap = { CAP_BASE + 0x6a0, 32 };
static const struct field uctx_in_uid = { 0x50, 16 };
static const struct field uctx_out_uid = { 0x50, 16 };
static const struct field uctx_out_cap = { 0x80, 32 };

static int info(int fd, struct mlx5ctl_info *inf)
{
	memset(inf, 0xa5, sizeof(*inf));
	return ioctl(fd, MLX5CTL_IOCTL_INFO, inf) ? -errno : 0;
}

static uint8_t in[MAX_RPC_LEN + 16];
static uint8_t out[MAX_RPC_LEN + 16];

static void cmd_init(uint16_t opcode, uint16_t op_mod)
{
	memset(in, 0, 4096);
	memset(out, 0xa5, 8192);
	set(in, hdr_opcode, opcode);
	set(in, hdr_op_mod, op_mod);
}

static int rpc_raw(int fd, const void *ibuf, uint32_t inlen, void *obuf,
		   uint32_t outlen)
{
	struct mlx5ctl_cmdrpc rpc = {
		.in = (uintptr_t)ibuf,
		.out = (uintptr_t)obuf,
		.inlen = inlen,
		.outlen = outlen,
	};

	return ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc) ? -errno : 0;
}

static int cmd_exec(int fd, uint32_t inlen, uint32_t outlen)
{
	return rpc_raw(fd, in, inlen, out, outlen);
}

static bool fw_answer(int ret, uint8_t status, uint32_t synd, const char *what)
{
	bool pass = ret == 0 && get(out, out_status) == status &&
		    (synd == ~0u || get(out, out_syndrome) == synd);

	ok(pass, "%s: delivered, status 0x%x", what, status);
	if (!pass) {
		if (ret)
			diag("ioctl failed: %s", err_name(ret));
		else
			diag("status 0x%x syndrome 0x%08x",
			     get(out, out_status), get(out, out_syndrome));
	}
	return pass;
}

/* QUERY_UCTX of @uid (0: the header's) with a bogus uid in the header */
static int query_uctx(int fd, uint16_t uid)
{
	cmd_init(OP_QUERY_UCTX, 0);
	set(in, hdr_uid, 0xbeef);
	set(in, uctx_in_uid, uid);
	return cmd_exec(fd, 16, QUERY_UCTX_OUT);
}

/* 1. INFO */
static uint16_t test_info(int fd)
{
	struct mlx5ctl_info inf;
	int ret = info(fd, &inf);

	ok(ret == 0, "MLX5CTL_IOCTL_INFO succeeds");
	if (ret)
		diag("got %s", err_name(ret));
	ok(inf.uctx_uid != 0, "uctx_uid %u is a user context", inf.uctx_uid);
	ok(inf.reserved1 == 0, "reserved1 is zero (0x%x)", inf.reserved1);
	/* RAW_TX, INTERNAL_DEV_RES, TOOLS_RESOURCES and the scope labels */
	ok(inf.dev_uctx_cap == DEV_UCTX_CAP, "dev_uctx_cap 0x%x (0x%x)",
	   inf.dev_uctx_cap, DEV_UCTX_CAP);
	ok(inf.uctx_cap == 0x7, "root gets uctx_cap 0x%x (0x7)", inf.uctx_cap);
	ok(inf.ucap == 0x1d, "USER CAP 0x%x (0x1d, as the series)", inf.ucap);
	diag("mlx5dev: %s / UCTX UID: %u / UCTX CAP: 0x%x / DEV UCTX CAP: 0x%x / USER CAP: 0x%x",
	     dev_path, inf.uctx_uid, inf.uctx_cap, inf.dev_uctx_cap,
	     inf.ucap);
	check_errno(ioctl(fd, MLX5CTL_IOCTL_INFO, bad_ptr()) ? -errno : 0,
		    EFAULT, "INFO into an unwritable buffer");
	return inf.uctx_uid;
}

/* 2. round trips */
static void test_rpc(int fd, uint16_t uid)
{
	int ret;

	cmd_init(OP_NOP, 0);
	fw_answer(cmd_exec(fd, 16, 16), ST_OK, ~0u, "NOP 16/16");

	cmd_init(OP_QUERY_HCA_CAP, 1);
	ret = cmd_exec(fd, 16, QUERY_HCA_CAP_OUT);
	if (fw_answer(ret, ST_OK, ~0u, "QUERY_HCA_CAP general current, 4112 out"))
		ok(get(out, cap_uctx_cap) == DEV_UCTX_CAP,
		   "capability uctx_cap 0x%x", get(out, cap_uctx_cap));
	else
		ok(false, "capability uctx_cap");

	ret = query_uctx(fd, 0);
	if (fw_answer(ret, ST_OK, ~0u, "QUERY_UCTX with header uid 0xbeef")) {
		ok(get(out, uctx_out_uid) == uid,
		   "the header carried the file's uid %u (got %u)", uid,
		   get(out, uctx_out_uid));
		ok(get(out, uctx_out_cap) == 0x7, "its cap 0x%x",
		   get(out, uctx_out_cap));
	} else {
		ok(false, "the header carried the file's uid");
		ok(false, "its cap");
	}
	ret = query_uctx(fd, uid);
	fw_answer(ret, ST_OK, ~0u, "QUERY_UCTX of its own uid");

	/* a header uid of 0 (the function's driver) is overwritten too */
	cmd_init(OP_CREATE_UCTX, 0);
	set(in, hdr_uid, 0);
	fw_answer(cmd_exec(fd, CREATE_UCTX_IN, 16), ST_BAD_PARAM,
		  SYND_KERNEL_UID_REQUIRED,
		  "CREATE_UCTX with header uid 0 runs as the file's uid");

	/* an implemented opcode, so that the firmware counts no gap */
	cmd_init(OP_QUERY_HCA_CAP, 0x7f << 1 | 1);
	fw_answer(cmd_exec(fd, 16, QUERY_HCA_CAP_OUT), ST_BAD_PARAM,
		  SYND_CAP_TYPE_UNSUPPORTED,
		  "QUERY_HCA_CAP of cap type 0x7f: firmware error in the outbox");

	cmd_init(OP_NOP, 0);
	fw_answer(cmd_exec(fd, MAX_RPC_LEN, MAX_RPC_LEN), ST_OK, ~0u,
		  "NOP with 512*512-byte input and output");
}

/*
 * 2b. NOP round trips at every size class: the queue entry alone (16),
 * one mailbox (17 .. 528), mailbox boundaries, many mailboxes, the limit.
 * The firmware zeroes the whole output, so every output byte past the
 * header must have come back from the device (it was poisoned before).
 */
static void test_sizes(int fd)
{
	static const uint32_t sizes[] = {
		16, 17, 64, 527, 528, 529, 1040, 1041, 4096, 65536,
		MAX_RPC_LEN - 1, MAX_RPC_LEN,
	};
	unsigned int i, j, pass = 0;
	uint32_t bad;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cmd_init(OP_NOP, 0);
		memset(out, 0xa5, sizes[i]);
		if (cmd_exec(fd, sizes[i], sizes[i]) ||
		    get(out, out_status) != ST_OK) {
			diag("NOP %u/%u failed", sizes[i], sizes[i]);
			continue;
		}
		for (bad = 0, j = 16; j < sizes[i]; j++)
			bad += out[j] != 0;
		if (bad)
			diag("NOP %u/%u: %u output bytes not written", sizes[i],
			     sizes[i], bad);
		else
			pass++;
	}
	ok(pass == i, "NOP round trips at %u sizes from 16 to 512*512 bytes, whole output written",
	   i);
}

/*
 * 2c. Eight processes, each with its own file, send RPCs at once; every
 * answer must be its own (QUERY_UCTX names the file's uid).
 */
#define NPROCS 8
#define NPROC_RPCS 200
static int rpc_worker(void)
{
	struct mlx5ctl_info inf;
	int fd = open_dev(), i, bad = 0;

	if (fd < 0 || info(fd, &inf))
		return 2;
	for (i = 0; i < NPROC_RPCS; i++) {
		if (i % 2) {
			cmd_init(OP_NOP, 0);
			if (cmd_exec(fd, 16, 16) || get(out, out_status) != ST_OK)
				bad++;
		} else if (query_uctx(fd, 0) || get(out, out_status) != ST_OK ||
			   get(out, uctx_out_uid) != inf.uctx_uid) {
			bad++;
		}
	}
	close(fd);
	return bad ? 1 : 0;
}

static void test_concurrent(void)
{
	pid_t pids[NPROCS];
	int i, st, failed = 0;

	for (i = 0; i < NPROCS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(rpc_worker());
	}
	for (i = 0; i < NPROCS; i++)
		if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	ok(!failed, "%d processes, %d RPCs each at once, every answer its own (%d failed)",
	   NPROCS, NPROC_RPCS, failed);
}

/* 3. errors */
static void test_errors(int fd)
{
	struct mlx5ctl_umem_reg reg = { 0 };

	cmd_init(OP_NOP, 0);
	check_errno(cmd_exec(fd, 15, 16), EINVAL, "inlen 15");
	check_errno(cmd_exec(fd, 16, 15), EINVAL, "outlen 15");
	check_errno(cmd_exec(fd, 0, 0), EINVAL, "inlen and outlen 0");
	check_errno(cmd_exec(fd, MAX_RPC_LEN + 1, 16), EINVAL,
		    "inlen 512*512 + 1");
	check_errno(cmd_exec(fd, 16, MAX_RPC_LEN + 1), EINVAL,
		    "outlen 512*512 + 1");
	check_errno(cmd_exec(fd, 16, 0xffffffff), EINVAL, "outlen 4 GiB - 1");
	check_errno(rpc_raw(fd, bad_ptr(), 16, out, 16), EFAULT,
		    "unreadable input");
	check_errno(rpc_raw(fd, NULL, 16, out, 16), EFAULT, "NULL input");
	cmd_init(OP_NOP, 0);
	check_errno(rpc_raw(fd, in, 16, bad_ptr(), 16), EFAULT,
		    "unwritable output");
	check_errno(ioctl(fd, MLX5CTL_IOCTL_CMDRPC, bad_ptr()) ? -errno : 0,
		    EFAULT, "unreadable struct mlx5ctl_cmdrpc");
	check_errno(ioctl(fd, _IO(MLX5CTL_IOCTL_MAGIC, 9), 0) ? -errno : 0,
		    ENOTTY, "unknown ioctl number 9");
	check_errno(ioctl(fd, _IOR(MLX5CTL_IOCTL_MAGIC, 0, uint64_t), out) ?
		    -errno : 0, ENOTTY, "INFO number with a wrong size");
	check_errno(ioctl(fd, MLX5CTL_IOCTL_UMEM_REG, &reg) ? -errno : 0,
		    EINVAL, "UMEM_REG of 0 bytes (umem-test has the rest)");
	cmd_init(OP_NOP, 0);
	fw_answer(cmd_exec(fd, 16, 16), ST_OK, ~0u, "NOP still works");
}

/* 4. CAP_SYS_ADMIN */
static void test_caps(int fd)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct mlx5ctl_info inf;
		int code = 0, nfd;

		if (drop_cap(CAP_SYS_ADMIN))
			_exit(10);
		if (info(fd, &inf) != -EPERM)
			code |= 1;
		cmd_init(OP_NOP, 0);
		if (cmd_exec(fd, 16, 16) != -EPERM)
			code |= 2;
		/* a file opened without CAP_SYS_ADMIN: its ioctls fail too */
		nfd = open_dev();
		if (nfd < 0 || info(nfd, &inf) != -EPERM)
			code |= 4;
		if (nfd >= 0)
			close(nfd);
		_exit(code);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) != 10, "child dropped CAP_SYS_ADMIN");
	ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 1),
	   "INFO without CAP_SYS_ADMIN -> EPERM");
	ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 2),
	   "CMDRPC without CAP_SYS_ADMIN -> EPERM");
	ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 4),
	   "a file opened without CAP_SYS_ADMIN: open succeeds, INFO -> EPERM");
}

/* 5. one user context per file */
#define NFILES 32
static void test_contexts(void)
{
	int fds[NFILES], i, j, a, b, c, ret;
	uint16_t uids[NFILES], ua, ub, uc;
	struct mlx5ctl_info inf;
	bool pass = true;

	a = open_dev();
	b = open_dev();
	ok(a >= 0 && b >= 0, "two opens");
	ua = info(a, &inf) ? 0 : inf.uctx_uid;
	ub = info(b, &inf) ? 0 : inf.uctx_uid;
	ok(ua && ub && ua != ub, "different uids %u and %u", ua, ub);
	ret = query_uctx(b, ua);
	fw_answer(ret, ST_BAD_RES, SYND_UCTX_UNKNOWN,
		  "QUERY_UCTX of the other file's uid");
	ret = query_uctx(a, 0);
	ok(ret == 0 && get(out, out_status) == ST_OK &&
	   get(out, uctx_out_uid) == ua, "file A still answers as uid %u", ua);
	close(a);
	c = open_dev();
	uc = info(c, &inf) ? 0 : inf.uctx_uid;
	ok(c >= 0 && uc && uc != ua && uc != ub,
	   "a new open gets a fresh uid %u", uc);
	ret = query_uctx(c, ua);
	fw_answer(ret, ST_BAD_RES, SYND_UCTX_UNKNOWN,
		  "QUERY_UCTX of the closed file's uid from the new file");
	close(b);
	close(c);

	for (i = 0; i < NFILES; i++) {
		fds[i] = open_dev();
		uids[i] = fds[i] < 0 || info(fds[i], &inf) ? 0 :
			  inf.uctx_uid;
		if (!uids[i])
			pass = false;
		for (j = 0; j < i; j++)
			if (uids[j] == uids[i])
				pass = false;
	}
	ok(pass, "%d files open at once, %d distinct uids", NFILES, NFILES);
	for (i = 0; i < NFILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* 6. unbind with files open and busy */
#define NBUSY 4
static void test_unbind(void)
{
	char pci[64];
	uint8_t nop[16] = { 0x08, 0x0d }, nop_out[16];
	struct mlx5ctl_info inf;
	int fd, fd2, ret, i;
	pid_t pids[NBUSY];
	bool busy_ok;

	if (dev_pci_name(pci, sizeof(pci))) {
		ok(false, "PCI device of %s", dev_path);
		return;
	}
	fd = open_dev();
	fd2 = open_dev();
	ok(fd >= 0 && fd2 >= 0 && !info(fd, &inf),
	   "two files open on %s (PCI %s)", dev_path, pci);
	/* children send NOPs through their own files until the unbind */
	for (i = 0; i < NBUSY; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int cfd = open_dev();
			long n = 0;

			if (cfd < 0)
				_exit(2);
			do {
				ret = rpc_raw(cfd, nop, 16, nop_out, 16);
				n++;
			} while (!ret && n < 10000000);
			_exit(ret == -ENODEV && n > 1 ? 0 : 1);
		}
	}
	usleep(300000);
	ret = write_str("/sys/bus/pci/drivers/cxcore/unbind", pci);
	ok(ret == 0, "unbind %s from cxcore with the files open", pci);
	busy_ok = true;
	for (i = 0; i < NBUSY; i++) {
		int st = 0;

		if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			busy_ok = false;
	}
	ok(busy_ok, "%d children sending NOPs all end with ENODEV", NBUSY);
	check_errno(info(fd, &inf), ENODEV, "INFO after unbind");
	cmd_init(OP_NOP, 0);
	check_errno(cmd_exec(fd, 16, 16), ENODEV, "CMDRPC after unbind");
	ok(access(dev_path, F_OK) != 0, "%s is gone", dev_path);
	ok(close(fd) == 0, "close after unbind");
	ret = write_str("/sys/bus/pci/drivers/cxcore/bind", pci);
	ok(ret == 0, "bind %s again", pci);
	check_errno(info(fd2, &inf), ENODEV, "old file after rebind");
	ok(close(fd2) == 0, "close the old file after rebind");
	usleep(200000);
	if (find_dev()) {
		ok(false, "a mlx5ctl device again");
		return;
	}
	fd = open_dev();
	ret = fd < 0 ? -errno : info(fd, &inf);
	ok(ret == 0 && inf.uctx_uid, "%s opens again, uid %u", dev_path,
	   ret ? 0 : inf.uctx_uid);
	if (ret)
		diag("got %s", err_name(ret));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	uint16_t uid;
	int fd;

	fd = tap_open_dev(argc, argv);
	if (fd < 0)
		return 1;
	uid = test_info(fd);
	test_rpc(fd, uid);
	test_sizes(fd);
	test_concurrent();
	test_errors(fd);
	test_caps(fd);
	close(fd);
	test_contexts();
	test_unbind();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
