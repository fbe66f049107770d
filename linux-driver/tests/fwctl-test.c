// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fwctl-test: an mlx5 fwctl device on cxsim, through the upstream fwctl
 * uAPI.  Prints TAP; run as root in the test guest.
 *
 *	fwctl-test [DEVICE [MODULE]]
 *
 * DEVICE defaults to /dev/fwctl/fwctl0, MODULE (the driver behind it, which
 * the last section unloads and reloads) to mlx5_fwctl: the stock driver on
 * mlx5_core (linux-driver/tests/stock-fwctl.sh).  cxctl's fwctl device on
 * cxcore is the other (linux-driver/tests/cxctl-fwctl.sh): it must behave
 * the same.
 *
 * What is checked is the upstream behaviour (drivers/fwctl/main.c and
 * drivers/fwctl/mlx5/main.c): the ioctl structures' size rules, the scopes,
 * the mlx5 allow-list, the uid the driver stamps into every command, the
 * taint of a write scope, one firmware user context per open file; and what
 * the firmware answers the tools uid (docs/prm-coverage.md, docs/commands.md,
 * docs/syndromes.md).  The last section unloads and reloads mlx5_fwctl with
 * a file still open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
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
#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include "cxtest.h"

static const char *fwctl_dev = "/dev/fwctl/fwctl0";
static const char *fwctl_module = "mlx5_fwctl";
#define TAINTED			"/proc/sys/kernel/tainted"
#define TAINT_FWCTL		19	/* include/linux/panic.h, flag 'J' */
#define MAX_RPC_LEN		(2u << 20)
#define MBOX_HDR		16

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Opcodes (mlx5_ifc.h) */
enum {
	OP_QUERY_HCA_CAP		= 0x100,
	OP_QUERY_ADAPTER		= 0x101,
	OP_DISABLE_HCA			= 0x105,
	OP_QUERY_PAGES			= 0x107,
	OP_MANAGE_PAGES			= 0x108,
	OP_QUERY_ISSI			= 0x10a,
	OP_CREATE_EQ			= 0x301,
	OP_DESTROY_EQ			= 0x302,
	OP_QUERY_EQ			= 0x303,
	OP_QUERY_VPORT_STATE		= 0x750,
	OP_ALLOC_UAR			= 0x802,
	OP_ACCESS_REG			= 0x805,
	OP_NOP				= 0x80d,
	OP_SET_DIAGNOSTIC_PARAMS	= 0x820,
	OP_CREATE_UCTX			= 0xa04,
	OP_QUERY_UCTX			= 0xa05,
	OP_DESTROY_UCTX			= 0xa06,
};

/* PRM statuses */
enum {
	ST_OK			= 0x00,
	ST_BAD_OP		= 0x02,
	ST_BAD_PARAM		= 0x03,
	ST_BAD_RES		= 0x05,
	ST_BAD_INP_LEN		= 0x50,
	ST_BAD_OUTP_LEN		= 0x51,
};

/* cxsim syndromes (docs/syndromes.md) */
enum {
	SYND_BAD_OPCODE			= 0x00010001,
	SYND_INLEN_TOO_SHORT		= 0x00010002,
	SYND_OUTLEN_TOO_SHORT		= 0x00010004,
	SYND_REG_UNKNOWN		= 0x00070001,
	SYND_REG_ACCESS_DENIED		= 0x00070004,
	SYND_FUNCTION_ID		= 0x00020001,
	SYND_CAP_TYPE_UNSUPPORTED	= 0x00030001,
	SYND_EQ_UNKNOWN			= 0x00060008,
	SYND_UCTX_UNKNOWN		= 0x00080003,
};

#define UCTX_CAP_TOOLS_RESOURCES	0x4
/* cxsim's scope labels, uctx.cap bits 24-27 (docs/security-model.md) */
#define UCTX_CAP_SCOPE(scope)		(1u << (24 + (scope)))
#define UCTX_CAP_SCOPES			0x0f000000u

/*
 * The uid the file's RPCs carry at DEBUG_READ_ONLY.  The stock mlx5_fwctl
 * has one context per file, the one FWCTL_INFO reports; cxctl's fwctl
 * device on a device with scope labels has one per scope, and FWCTL_INFO
 * reports the CONFIGURATION one (its caps carry that label).  Learned
 * from the file's first QUERY_UCTX (test_queries()).
 */
static unsigned int ro_uid;

static bool labelled(const struct fwctl_info_mlx5 *d)
{
	return d->uctx_caps & UCTX_CAP_SCOPES;
}

/* the caps a context of @scope has, given the file's FWCTL_INFO caps */
static uint32_t scope_caps(const struct fwctl_info_mlx5 *d, unsigned int scope)
{
	if (!labelled(d))
		return d->uctx_caps;
	return (d->uctx_caps & ~UCTX_CAP_SCOPES) | UCTX_CAP_SCOPE(scope);
}

/* Sizes of the commands' layouts (docs/commands.md) */
enum {
	QUERY_HCA_CAP_OUT	= 4112,
	QUERY_ADAPTER_OUT	= 272,
	QUERY_ISSI_OUT		= 112,
	QUERY_EQ_OUT		= 272,
	QUERY_UCTX_OUT		= 64,
	CREATE_EQ_IN		= 272,
	CREATE_UCTX_IN		= 64,
};

/*
 * Fields: bit offset from the most significant bit of big-endian dword 0
 * and width, as in mlx5_ifc.h.  HCA capability fields are relative to the
 * capability, which starts at byte 0x10 of query_hca_cap_out.
 */
#define CAP_BASE		0x80
static const struct field hdr_opcode = { 0x00, 16 };
static const struct field hdr_uid = { 0x10, 16 };
static const struct field hdr_op_mod = { 0x30, 16 };
static const struct field out_status = { 0x00, 8 };
static const struct field out_syndrome = { 0x20, 32 };
static const struct field cap_log_max_eq = { CAP_BASE + 0xfc, 4 };
static const struct field cap_log_max_uctx = { CAP_BASE + 0x463, 5 };
static const struct field cap_uctx_cap = { CAP_BASE + 0x6a0, 32 };
static const struct field hca_cap_other_function = { 0x40, 1 };
static const struct field hca_cap_function_id = { 0x50, 16 };
static const struct field adapter_ieee_vendor_id = { 0x148, 24 };
static const struct field adapter_vsd_vendor_id = { 0x170, 16 };
#define ADAPTER_PSID_BYTE	0x100
static const struct field issi_current = { 0x50, 16 };
static const struct field issi_supported_dw0 = { 0x360, 32 };
static const struct field pages_function_id = { 0x50, 16 };
static const struct field pages_num_pages = { 0x60, 32 };
static const struct field eq_number = { 0x58, 8 };
static const struct field reg_register_id = { 0x50, 16 };
static const struct field uctx_in_uid = { 0x50, 16 };
static const struct field uctx_out_uid = { 0x50, 16 };
static const struct field uctx_out_cap = { 0x80, 32 };

/* Commands: one input and one output buffer, reused. */
#define BUF_SIZE	8192
static uint8_t in[BUF_SIZE];
static uint8_t out[BUF_SIZE];
static uint32_t last_out_len;

static void cmd_init(uint16_t opcode, uint16_t op_mod)
{
	memset(in, 0, sizeof(in));
	memset(out, 0xa5, sizeof(out));
	set(in, hdr_opcode, opcode);
	set(in, hdr_op_mod, op_mod);
}

static int do_rpc(int fd, struct fwctl_rpc *rpc)
{
	return ioctl(fd, FWCTL_RPC, rpc) ? -errno : 0;
}

static int rpc_raw(int fd, uint32_t scope, const void *ibuf, uint32_t in_len,
		   void *obuf, uint32_t out_len)
{
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = in_len,
		.out_len = out_len,
		.in = (uintptr_t)ibuf,
		.out = (uintptr_t)obuf,
	};
	int ret = do_rpc(fd, &rpc);

	last_out_len = rpc.out_len;
	return ret;
}

static int cmd_exec(int fd, uint32_t scope, uint32_t in_len, uint32_t out_len)
{
	return rpc_raw(fd, scope, in, in_len, out, out_len);
}

/*
 * The RPC was delivered (ioctl success) and the firmware answered @status
 * with @synd (any syndrome when @synd is ~0).
 */
static bool fw_answer(int ret, uint8_t status, uint32_t synd, const char *what)
{
	bool pass = ret == 0 && get(out, out_status) == status &&
		    (synd == ~0u || get(out, out_syndrome) == synd);

	if (synd == ~0u || status == ST_OK)
		ok(pass, "%s: delivered, status 0x%x", what, status);
	else
		ok(pass, "%s: delivered, status 0x%x syndrome 0x%08x",
		   what, status, synd);
	if (!pass) {
		if (ret)
			diag("ioctl failed: %s", err_name(ret));
		else
			diag("status 0x%x syndrome 0x%08x",
			     get(out, out_status), get(out, out_syndrome));
	}
	return pass;
}

static int open_fwctl(void)
{
	return open(fwctl_dev, O_RDWR | O_CLOEXEC);
}

static int info(int fd, struct fwctl_info_mlx5 *data)
{
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(*data),
		.out_device_data = (uintptr_t)data,
	};

	memset(data, 0, sizeof(*data));
	if (ioctl(fd, FWCTL_INFO, &info))
		return -errno;
	return info.out_device_type == FWCTL_DEVICE_TYPE_MLX5 ? 0 : -EPROTO;
}

static int read_tainted(unsigned long *val)
{
	FILE *f = fopen(TAINTED, "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%lu", val);
	fclose(f);
	return n == 1 ? 0 : -EIO;
}

/* 1. FWCTL_INFO */
static void test_info(int fd, struct fwctl_info_mlx5 *data)
{
	struct fwctl_info info;
	uint8_t big[32];
	uint8_t dev_data[16];
	int ret;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.device_data_len = sizeof(*data);
	info.out_device_data = (uintptr_t)data;
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	ok(ret == 0, "FWCTL_INFO succeeds");
	if (ret)
		diag("got %s", err_name(ret));
	ok(info.out_device_type == FWCTL_DEVICE_TYPE_MLX5,
	   "device type is MLX5 (got %u)", info.out_device_type);
	ok(info.device_data_len == sizeof(*data),
	   "device data is struct fwctl_info_mlx5 (%u bytes)",
	   info.device_data_len);
	ok(data->uid != 0 && data->uid <= 0xffff,
	   "device data: uid %u is a user context (1..0xffff)", data->uid);
	ok(data->uctx_caps & UCTX_CAP_TOOLS_RESOURCES,
	   "device data: uctx_caps 0x%x has TOOLS_RESOURCES (0x4)",
	   data->uctx_caps);

	/* a longer device data buffer is zero-filled past the driver's */
	memset(dev_data, 0xa5, sizeof(dev_data));
	info.device_data_len = sizeof(dev_data);
	info.out_device_data = (uintptr_t)dev_data;
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	ok(ret == 0 && info.device_data_len == sizeof(*data) &&
	   !memcmp(dev_data, data, sizeof(*data)) &&
	   dev_data[8] == 0 && !memcmp(dev_data + 8, dev_data + 9, 7),
	   "a 16-byte device data buffer: 8 bytes reported, the rest zeroed");

	/* no device data buffer at all */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	ok(ret == 0 && info.out_device_type == FWCTL_DEVICE_TYPE_MLX5,
	   "FWCTL_INFO without a device data buffer");

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.flags = 1;
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	check_errno(ret, EOPNOTSUPP, "FWCTL_INFO with flags != 0");

	info.flags = 0;
	info.size = offsetof(struct fwctl_info, out_device_data);
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	check_errno(ret, EINVAL, "FWCTL_INFO with size 16 (< 24)");
	info.size = 0;
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	check_errno(ret, EINVAL, "FWCTL_INFO with size 0");

	/* a larger structure: zeros past the known part are fine */
	memset(big, 0, sizeof(big));
	((struct fwctl_info *)big)->size = sizeof(big);
	ret = ioctl(fd, FWCTL_INFO, big) ? -errno : 0;
	ok(ret == 0, "FWCTL_INFO with size 32, zero tail");
	big[sizeof(struct fwctl_info) + 3] = 1;
	ret = ioctl(fd, FWCTL_INFO, big) ? -errno : 0;
	check_errno(ret, E2BIG, "FWCTL_INFO with a non-zero byte past the struct");

	ret = ioctl(fd, _IO(FWCTL_TYPE, 2), big) ? -errno : 0;
	check_errno(ret, ENOTTY, "unknown fwctl ioctl number 2");

	ret = ioctl(fd, FWCTL_INFO, bad_ptr()) ? -errno : 0;
	check_errno(ret, EFAULT, "FWCTL_INFO with an unreadable argument");
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.device_data_len = sizeof(*data);
	info.out_device_data = (uintptr_t)bad_ptr();
	ret = ioctl(fd, FWCTL_INFO, &info) ? -errno : 0;
	check_errno(ret, EFAULT, "FWCTL_INFO with an unwritable device data buffer");
}

/* 2. RPCs the allow-list passes, answered by the firmware */
static void test_queries(int fd, const struct fwctl_info_mlx5 *data)
{
	uint32_t cur_uctx_cap = 0, cur_log_max_eq = 0;
	static const char *const stage[] = { "", "boot", "init", "regular" };
	unsigned int i;
	int ret;

	cmd_init(OP_QUERY_HCA_CAP, 1);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_HCA_CAP_OUT);
	if (fw_answer(ret, ST_OK, 0, "QUERY_HCA_CAP general current")) {
		cur_uctx_cap = get(out, cap_uctx_cap);
		cur_log_max_eq = get(out, cap_log_max_eq);
		diag("current caps: uctx_cap 0x%x log_max_uctx %u log_max_eq %u",
		     cur_uctx_cap, get(out, cap_log_max_uctx), cur_log_max_eq);
	}
	ok(last_out_len == QUERY_HCA_CAP_OUT,
	   "QUERY_HCA_CAP: out_len %u returned", last_out_len);
	ok(cur_uctx_cap & data->uctx_caps & UCTX_CAP_TOOLS_RESOURCES &&
	   get(out, cap_log_max_uctx) > 0,
	   "current caps offer TOOLS_RESOURCES and user contexts");

	cmd_init(OP_QUERY_HCA_CAP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_HCA_CAP_OUT);
	if (fw_answer(ret, ST_OK, 0, "QUERY_HCA_CAP general maximum"))
		diag("maximum caps: uctx_cap 0x%x log_max_eq %u",
		     get(out, cap_uctx_cap), get(out, cap_log_max_eq));
	ok((get(out, cap_uctx_cap) & cur_uctx_cap) == cur_uctx_cap &&
	   get(out, cap_log_max_eq) >= cur_log_max_eq,
	   "current caps within the maximum");

	cmd_init(OP_QUERY_HCA_CAP, 1);
	ret = cmd_exec(fd, FWCTL_RPC_CONFIGURATION, MBOX_HDR,
		       QUERY_HCA_CAP_OUT);
	fw_answer(ret, ST_OK, 0, "QUERY_HCA_CAP at scope CONFIGURATION");

	cmd_init(OP_QUERY_HCA_CAP, 2 * 1 + 1);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_HCA_CAP_OUT);
	fw_answer(ret, ST_BAD_PARAM, SYND_CAP_TYPE_UNSUPPORTED,
		  "QUERY_HCA_CAP of the Ethernet caps (type 1, not offered)");

	cmd_init(OP_QUERY_HCA_CAP, 1);
	set(in, hca_cap_other_function, 1);
	set(in, hca_cap_function_id, 1);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_HCA_CAP_OUT);
	fw_answer(ret, ST_BAD_PARAM, SYND_FUNCTION_ID,
		  "QUERY_HCA_CAP of other function 1 (none)");

	cmd_init(OP_QUERY_HCA_CAP, 1);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_BAD_OUTP_LEN, SYND_OUTLEN_TOO_SHORT,
		  "QUERY_HCA_CAP with a 16-byte output");

	cmd_init(OP_QUERY_ADAPTER, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_ADAPTER_OUT);
	fw_answer(ret, ST_OK, 0, "QUERY_ADAPTER");
	ok(get(out, adapter_ieee_vendor_id) == 0x0002c9 &&
	   get(out, adapter_vsd_vendor_id) == 0x15b3 &&
	   !memcmp(out + ADAPTER_PSID_BYTE, "CXS", 3),
	   "QUERY_ADAPTER: vendor ids 0x2c9/0x15b3, PSID %.16s",
	   (const char *)out + ADAPTER_PSID_BYTE);

	cmd_init(OP_QUERY_ADAPTER, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, BUF_SIZE);
	for (i = QUERY_ADAPTER_OUT; i < BUF_SIZE && !out[i]; i++)
		;
	ok(ret == 0 && last_out_len == BUF_SIZE && i == BUF_SIZE &&
	   get(out, out_status) == ST_OK,
	   "QUERY_ADAPTER into an 8 KiB output: zero past the layout");

	cmd_init(OP_QUERY_ISSI, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_ISSI_OUT);
	fw_answer(ret, ST_OK, 0, "QUERY_ISSI");
	ok(get(out, issi_current) < 32 &&
	   get(out, issi_supported_dw0) & 1u << get(out, issi_current),
	   "QUERY_ISSI: current ISSI %u among the supported 0x%x",
	   get(out, issi_current), get(out, issi_supported_dw0));

	for (i = 1; i <= 3; i++) {
		char what[64];

		cmd_init(OP_QUERY_PAGES, i);
		ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
			       MBOX_HDR);
		snprintf(what, sizeof(what), "QUERY_PAGES %s", stage[i]);
		fw_answer(ret, ST_OK, 0, what);
		ok(get(out, pages_num_pages) == 0,
		   "QUERY_PAGES %s: no page missing (got %u)", stage[i],
		   get(out, pages_num_pages));
	}
	cmd_init(OP_QUERY_PAGES, 3);
	set(in, pages_function_id, 1);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_BAD_PARAM, SYND_FUNCTION_ID,
		  "QUERY_PAGES of function 1 (none)");

	cmd_init(OP_QUERY_UCTX, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_UCTX_OUT);
	fw_answer(ret, ST_OK, 0, "QUERY_UCTX of the file's own context");
	ro_uid = get(out, uctx_out_uid);
	if (labelled(data))
		ok(ro_uid && ro_uid != data->uid &&
		   get(out, uctx_out_cap) ==
		   scope_caps(data, FWCTL_RPC_DEBUG_READ_ONLY),
		   "QUERY_UCTX: uid %u caps 0x%x, the file's DEBUG_READ_ONLY context",
		   ro_uid, get(out, uctx_out_cap));
	else
		ok(ro_uid == data->uid &&
		   get(out, uctx_out_cap) == data->uctx_caps,
		   "QUERY_UCTX: uid %u caps 0x%x, as FWCTL_INFO says",
		   ro_uid, get(out, uctx_out_cap));

	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_OK, 0, "NOP");

	/* in_len > out_len: the driver answers in the input buffer */
	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, 64, MBOX_HDR);
	fw_answer(ret, ST_OK, 0, "NOP with a 64-byte input, 16-byte output");

	/* an opcode on the allow-list the firmware does not implement */
	cmd_init(OP_QUERY_VPORT_STATE, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_BAD_OP, SYND_BAD_OPCODE,
		  "QUERY_VPORT_STATE (not implemented)");

	/*
	 * ACCESS_REG: a tools context reads tools-readable registers, writes
	 * none, and an unknown register is unknown (cxfw-reg.c).
	 */
	cmd_init(OP_ACCESS_REG, 1);
	set(in, reg_register_id, 0x7004);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR + 16,
		       MBOX_HDR + 16);
	fw_answer(ret, ST_OK, 0, "ACCESS_REG read of HOST_ENDIANNESS");
	cmd_init(OP_ACCESS_REG, 1);
	set(in, reg_register_id, 0xfff0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR + 16,
		       MBOX_HDR + 16);
	fw_answer(ret, ST_BAD_PARAM, SYND_REG_UNKNOWN,
		  "ACCESS_REG read of register 0xfff0");
	cmd_init(OP_ACCESS_REG, 0);
	set(in, reg_register_id, 0x7004);
	ret = cmd_exec(fd, FWCTL_RPC_CONFIGURATION, MBOX_HDR + 16,
		       MBOX_HDR + 16);
	fw_answer(ret, ST_BAD_PARAM, SYND_REG_ACCESS_DENIED,
		  "ACCESS_REG write of HOST_ENDIANNESS at scope CONFIGURATION");
}

/* The mlx5 core's event queues, from debugfs (mlx5/<device>/EQs/0x<eqn>). */
static int kernel_eqs(unsigned int *eqns, int max)
{
	DIR *top, *eqs;
	struct dirent *d, *e;
	char path[512];
	int n = 0;

	top = opendir("/sys/kernel/debug/mlx5");
	if (!top)
		return 0;
	while ((d = readdir(top)) && n < max) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/mlx5/%s/EQs",
			 d->d_name);
		eqs = opendir(path);
		if (!eqs)
			continue;
		while ((e = readdir(eqs)) && n < max) {
			if (!strncmp(e->d_name, "0x", 2))
				eqns[n++] = strtoul(e->d_name, NULL, 16);
		}
		closedir(eqs);
	}
	closedir(top);
	return n;
}

static void test_foreign_objects(int fd)
{
	unsigned int eqns[16];
	int n, i, ret, pass = 0;

	n = kernel_eqs(eqns, ARRAY_SIZE(eqns));
	if (!n) {
		diag("no EQ in debugfs; trying eq 1 (the command EQ)");
		eqns[n++] = 1;
	}
	for (i = 0; i < n; i++) {
		cmd_init(OP_QUERY_EQ, 0);
		set(in, eq_number, eqns[i]);
		ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
			       QUERY_EQ_OUT);
		if (!ret && get(out, out_status) == ST_BAD_RES &&
		    get(out, out_syndrome) == SYND_EQ_UNKNOWN)
			pass++;
		else
			diag("QUERY_EQ 0x%x: %s status 0x%x syndrome 0x%08x",
			     eqns[i], err_name(ret), get(out, out_status),
			     get(out, out_syndrome));
	}
	ok(pass == n,
	   "QUERY_EQ of the kernel's %d EQs: delivered, BAD_RES EQ_UNKNOWN (0x%08x)",
	   n, SYND_EQ_UNKNOWN);
}

/* 3. The driver stamps the file's uid into every command. */
static void test_uid_stamp(int fd)
{
	static const uint16_t bogus[] = { 0xbeef, 0 };
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		char what[64];

		cmd_init(OP_QUERY_UCTX, 0);
		set(in, hdr_uid, bogus[i]);
		ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
			       QUERY_UCTX_OUT);
		snprintf(what, sizeof(what), "QUERY_UCTX with header uid 0x%x",
			 bogus[i]);
		fw_answer(ret, ST_OK, 0, what);
		ok(get(out, uctx_out_uid) == ro_uid,
		   "header uid 0x%x replaced by the file's uid %u (got %u)",
		   bogus[i], ro_uid, get(out, uctx_out_uid));
	}
}

/*
 * 3b. Scope labels (cxctl on a device that offers them): one context per
 * scope, each with its label; a command reaches the firmware with its
 * scope's context.
 */
static void test_scope_labels(int fd, const struct fwctl_info_mlx5 *data)
{
	unsigned int uids[FWCTL_RPC_DEBUG_WRITE_FULL + 1] = { data->uid };
	unsigned int scope, distinct = 1, j;
	int ret;

	if (!labelled(data)) {
		diag("no scope labels: one context serves every scope");
		return;
	}
	ok(data->uctx_caps == scope_caps(data, FWCTL_RPC_CONFIGURATION),
	   "FWCTL_INFO reports the CONFIGURATION context (caps 0x%x)",
	   data->uctx_caps);
	/* QUERY_UCTX needs DEBUG_READ_ONLY: the other three scopes */
	for (scope = FWCTL_RPC_DEBUG_READ_ONLY;
	     scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		char what[80];

		cmd_init(OP_QUERY_UCTX, 0);
		ret = cmd_exec(fd, scope, MBOX_HDR, QUERY_UCTX_OUT);
		uids[scope] = ret ? 0 : get(out, uctx_out_uid);
		snprintf(what, sizeof(what),
			 "QUERY_UCTX at scope %u: its own context", scope);
		fw_answer(ret, ST_OK, 0, what);
		ok(get(out, uctx_out_cap) == scope_caps(data, scope),
		   "scope %u runs as uid %u with caps 0x%x (label 0x%x)", scope,
		   uids[scope], get(out, uctx_out_cap), UCTX_CAP_SCOPE(scope));
	}
	for (scope = 0; scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++)
		for (j = 0; j < scope; j++)
			if (!uids[scope] || uids[scope] == uids[j])
				distinct = 0;
	ok(distinct, "four scopes, four uids: %u %u %u %u", uids[0], uids[1],
	   uids[2], uids[3]);
}

/* 4. What the driver and the core refuse before the firmware sees it */
static void test_rejected(int fd)
{
	static const struct {
		uint16_t opcode;
		uint32_t in_len;
		const char *name;
	} denied[] = {
		{ OP_CREATE_EQ, CREATE_EQ_IN, "CREATE_EQ" },
		{ OP_DESTROY_EQ, MBOX_HDR, "DESTROY_EQ" },
		{ OP_MANAGE_PAGES, MBOX_HDR, "MANAGE_PAGES" },
		{ OP_ALLOC_UAR, MBOX_HDR, "ALLOC_UAR" },
		{ OP_DISABLE_HCA, MBOX_HDR, "DISABLE_HCA" },
		{ OP_CREATE_UCTX, CREATE_UCTX_IN, "CREATE_UCTX" },
		{ OP_DESTROY_UCTX, MBOX_HDR, "DESTROY_UCTX" },
	};
	struct fwctl_rpc rpc;
	uint8_t big[64];
	unsigned int i;
	char what[96];
	int ret;

	for (i = 0; i < ARRAY_SIZE(denied); i++) {
		cmd_init(denied[i].opcode, 0);
		ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, denied[i].in_len,
			       MBOX_HDR);
		snprintf(what, sizeof(what),
			 "%s (0x%x, not on the allow-list)", denied[i].name,
			 denied[i].opcode);
		check_errno(ret, EBADMSG, what);
	}

	cmd_init(OP_SET_DIAGNOSTIC_PARAMS, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	check_errno(ret, EBADMSG,
		    "SET_DIAGNOSTIC_PARAMS at DEBUG_READ_ONLY (needs DEBUG_WRITE)");
	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_CONFIGURATION, MBOX_HDR, MBOX_HDR);
	check_errno(ret, EBADMSG,
		    "NOP at CONFIGURATION (needs DEBUG_READ_ONLY)");
	cmd_init(OP_ACCESS_REG, 1);
	ret = cmd_exec(fd, FWCTL_RPC_CONFIGURATION, MBOX_HDR + 16,
		       MBOX_HDR + 16);
	check_errno(ret, EBADMSG,
		    "ACCESS_REG read at CONFIGURATION (needs DEBUG_READ_ONLY)");

	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, 8, MBOX_HDR);
	check_errno(ret, EMSGSIZE, "RPC with in_len 8 (< 16)");
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, 0, MBOX_HDR);
	check_errno(ret, EMSGSIZE, "RPC with in_len 0");
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, 8);
	check_errno(ret, EMSGSIZE, "RPC with out_len 8 (< 16)");
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MAX_RPC_LEN + 1,
		       MBOX_HDR);
	check_errno(ret, EMSGSIZE, "RPC with in_len 2 MiB + 1");
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       MAX_RPC_LEN + 1);
	check_errno(ret, EMSGSIZE, "RPC with out_len 2 MiB + 1");

	ret = cmd_exec(fd, 4, MBOX_HDR, MBOX_HDR);
	check_errno(ret, EOPNOTSUPP, "RPC at scope 4");
	ret = cmd_exec(fd, 0xffffffff, MBOX_HDR, MBOX_HDR);
	check_errno(ret, EOPNOTSUPP, "RPC at scope 0xffffffff");

	memset(&rpc, 0, sizeof(rpc));
	rpc.size = offsetof(struct fwctl_rpc, out);
	rpc.scope = FWCTL_RPC_DEBUG_READ_ONLY;
	rpc.in_len = rpc.out_len = MBOX_HDR;
	rpc.in = (uintptr_t)in;
	ret = do_rpc(fd, &rpc);
	check_errno(ret, EINVAL, "FWCTL_RPC with size 24 (< 32)");

	memset(big, 0, sizeof(big));
	rpc.size = sizeof(big);
	rpc.out = (uintptr_t)out;
	memcpy(big, &rpc, sizeof(rpc));
	ret = ioctl(fd, FWCTL_RPC, big) ? -errno : 0;
	ok(ret == 0 && get(out, out_status) == ST_OK,
	   "FWCTL_RPC with size 64, zero tail: NOP delivered");
	big[sizeof(rpc)] = 0xff;
	ret = ioctl(fd, FWCTL_RPC, big) ? -errno : 0;
	check_errno(ret, E2BIG, "FWCTL_RPC with a non-zero byte past the struct");

	ret = rpc_raw(fd, FWCTL_RPC_DEBUG_READ_ONLY, bad_ptr(), MBOX_HDR,
		      out, MBOX_HDR);
	check_errno(ret, EFAULT, "RPC with an unreadable input");
	cmd_init(OP_NOP, 0);
	ret = rpc_raw(fd, FWCTL_RPC_DEBUG_READ_ONLY, in, MBOX_HDR,
		      bad_ptr(), MBOX_HDR);
	check_errno(ret, EFAULT, "RPC with an unwritable output");
	ret = ioctl(fd, FWCTL_RPC, bad_ptr()) ? -errno : 0;
	check_errno(ret, EFAULT, "FWCTL_RPC with an unreadable argument");

	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_OK, 0, "the file still works after the refusals");
}

/* 5. DEBUG_WRITE_FULL needs CAP_SYS_RAWIO */
struct child_result {
	int full_ret;
	int ro_ret;
	uint32_t ro_status;
};

static void test_rawio(int fd)
{
	struct child_result res = { -1, -1, ~0u };
	int pipefd[2], status, ret;
	pid_t pid;

	if (pipe(pipefd)) {
		ok(false, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		ret = drop_cap(CAP_SYS_RAWIO);
		if (ret) {
			res.full_ret = ret;
		} else {
			cmd_init(OP_NOP, 0);
			res.full_ret = cmd_exec(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
						MBOX_HDR, MBOX_HDR);
			cmd_init(OP_NOP, 0);
			res.ro_ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY,
					      MBOX_HDR, MBOX_HDR);
			res.ro_status = get(out, out_status);
		}
		if (write(pipefd[1], &res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(ret ? 1 : 0);
	}
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		res.full_ret = -ECHILD;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	check_errno(res.full_ret, EPERM,
		    "without CAP_SYS_RAWIO: NOP at DEBUG_WRITE_FULL");
	ok(res.ro_ret == 0 && res.ro_status == ST_OK,
	   "without CAP_SYS_RAWIO: NOP at DEBUG_READ_ONLY delivered, status 0");
}

/* 6. A write scope taints the kernel (TAINT_FWCTL), once */
static void test_taint(int fd)
{
	unsigned long before = 0, after = 0, again = 0;
	const unsigned long bit = 1ul << TAINT_FWCTL;
	bool was_set;
	int ret;

	ret = read_tainted(&before);
	ok(ret == 0, "read %s: %lu", TAINTED, before);
	/* the core taints once per boot: a second run finds the bit set */
	was_set = before & bit;
	ok(true, "TAINT_FWCTL clear before any write-scope RPC%s",
	   was_set ? " # SKIP already set by an earlier run" : "");

	/* 16 bytes: delivered, and refused by the firmware's length check */
	cmd_init(OP_SET_DIAGNOSTIC_PARAMS, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_WRITE, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_BAD_INP_LEN, SYND_INLEN_TOO_SHORT,
		  "SET_DIAGNOSTIC_PARAMS of 16 bytes at DEBUG_WRITE");
	read_tainted(&after);
	ok(after & bit, "TAINT_FWCTL (bit %d, 'J') set after it (tainted %lu)",
	   TAINT_FWCTL, after);
	ok((after & ~bit) == (before & ~bit), "no other taint flag changed");

	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_WRITE_FULL, MBOX_HDR, MBOX_HDR);
	fw_answer(ret, ST_OK, 0, "NOP at DEBUG_WRITE_FULL as root");
	read_tainted(&again);
	ok(again == after, "a second write-scope RPC changes no taint (%lu)",
	   again);
}

/* 7. One firmware user context per open file */
static void test_contexts(int fd, const struct fwctl_info_mlx5 *data)
{
	struct fwctl_info_mlx5 d2, d3, many[16];
	int fds[ARRAY_SIZE(many)];
	unsigned int i, j, opened = 0, distinct = 1;
	int fd2, fd3, ret;

	fd2 = open_fwctl();
	ok(fd2 >= 0, "a second open of %s", fwctl_dev);
	ret = fd2 >= 0 ? info(fd2, &d2) : -EBADF;
	ok(ret == 0 && d2.uid && d2.uid != data->uid,
	   "the second file has its own uid (%u, first %u)", d2.uid,
	   data->uid);

	cmd_init(OP_QUERY_UCTX, 0);
	set(in, uctx_in_uid, d2.uid);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
		       QUERY_UCTX_OUT);
	fw_answer(ret, ST_BAD_RES, SYND_UCTX_UNKNOWN,
		  "QUERY_UCTX of the second file's uid from the first");
	cmd_init(OP_QUERY_UCTX, 0);
	set(in, uctx_in_uid, d2.uid);
	ret = fd2 >= 0 ? cmd_exec(fd2, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
				  QUERY_UCTX_OUT) : -EBADF;
	if (labelled(data))
		/* d2.uid is file 2's CONFIGURATION context, not the one asking */
		fw_answer(ret, ST_BAD_RES, SYND_UCTX_UNKNOWN,
			  "QUERY_UCTX of the second file's CONFIGURATION uid from its DEBUG_READ_ONLY context");
	else
		fw_answer(ret, ST_OK, 0,
			  "QUERY_UCTX of the second file's uid from itself");

	ok(fd2 >= 0 && close(fd2) == 0, "close the second file");
	fd3 = open_fwctl();
	ret = fd3 >= 0 ? info(fd3, &d3) : -errno;
	ok(ret == 0 && d3.uid && d3.uid != data->uid,
	   "reopen after close: uid %u", d3.uid);
	ok(d3.uid != d2.uid,
	   "the closed file's uid %u is not reissued at once", d2.uid);
	cmd_init(OP_NOP, 0);
	ret = fd3 >= 0 ? cmd_exec(fd3, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
				  MBOX_HDR) : -EBADF;
	fw_answer(ret, ST_OK, 0, "NOP on the reopened file");
	if (fd3 >= 0)
		close(fd3);

	for (i = 0; i < ARRAY_SIZE(many); i++)
		fds[i] = -1;
	for (i = 0; i < ARRAY_SIZE(many); i++) {
		fds[i] = open_fwctl();
		if (fds[i] < 0 || info(fds[i], &many[i]))
			break;
		opened++;
		for (j = 0; j < i; j++)
			if (many[j].uid == many[i].uid || !many[i].uid)
				distinct = 0;
	}
	ok(opened == ARRAY_SIZE(many) && distinct,
	   "%u files open at once, each with its own uid", opened);
	for (i = 0; i < ARRAY_SIZE(many); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* 8. RPCs from two processes at once, each on its own file */
static int rpc_loop(int n)
{
	struct fwctl_info_mlx5 d;
	int fd = open_fwctl(), i, bad = 0;
	unsigned int own = 0;

	if (fd < 0 || info(fd, &d))
		return 1;
	for (i = 0; i < n; i++) {
		cmd_init(i % 2 ? OP_NOP : OP_QUERY_UCTX, 0);
		if (cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
			     QUERY_UCTX_OUT) ||
		    get(out, out_status) != ST_OK) {
			bad++;
			continue;
		}
		if (i % 2)
			continue;
		/* always the same context: FWCTL_INFO's, or its RO sibling */
		if (!own)
			own = get(out, uctx_out_uid);
		if (get(out, uctx_out_uid) != own ||
		    (!labelled(&d) && own != d.uid) ||
		    get(out, uctx_out_cap) !=
		    scope_caps(&d, FWCTL_RPC_DEBUG_READ_ONLY))
			bad++;
	}
	close(fd);
	return bad ? 1 : 0;
}

static void test_concurrent(void)
{
	pid_t pids[2];
	int i, status, failed = 0;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(rpc_loop(100));
	}
	for (i = 0; i < 2; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	ok(!failed, "two processes, 100 RPCs each at once, every answer right");
}

/* 9. the driver unloaded under an open file */
static int run_module_cmd(const char *cmd)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s %s", cmd, fwctl_module);
	return system(buf);
}

static void test_unplug(void)
{
	struct fwctl_info_mlx5 d;
	int fd, ret, i;

	fd = open_fwctl();
	ok(fd >= 0 && info(fd, &d) == 0, "open before unloading %s",
	   fwctl_module);
	ok(run_module_cmd("rmmod") == 0, "rmmod %s with the file open",
	   fwctl_module);
	ret = info(fd, &d);
	check_errno(ret, ENODEV, "FWCTL_INFO on the orphaned file");
	cmd_init(OP_NOP, 0);
	ret = cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR, MBOX_HDR);
	check_errno(ret, ENODEV, "FWCTL_RPC on the orphaned file");
	ok(close(fd) == 0, "close the orphaned file");
	ok(run_module_cmd("modprobe") == 0, "modprobe %s", fwctl_module);
	for (i = 0; i < 50 && access(fwctl_dev, F_OK); i++)
		usleep(100000);
	fd = open_fwctl();
	ret = fd >= 0 ? info(fd, &d) : -errno;
	ok(ret == 0 && d.uid, "open after reloading: uid %u", d.uid);
	cmd_init(OP_NOP, 0);
	ret = fd >= 0 ? cmd_exec(fd, FWCTL_RPC_DEBUG_READ_ONLY, MBOX_HDR,
				 MBOX_HDR) : -EBADF;
	fw_answer(ret, ST_OK, 0, "NOP after reloading");
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct fwctl_info_mlx5 data = { 0 };
	int fd;

	if (argc > 1)
		fwctl_dev = argv[1];
	if (argc > 2)
		fwctl_module = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_fwctl();
	ok(fd >= 0, "open %s", fwctl_dev);
	if (fd < 0) {
		diag("open: %s", strerror(errno));
		printf("1..%d\n", tap_n);
		return 1;
	}
	test_info(fd, &data);
	test_queries(fd, &data);
	test_foreign_objects(fd);
	test_uid_stamp(fd);
	test_scope_labels(fd, &data);
	test_rejected(fd);
	test_rawio(fd);
	test_taint(fd);
	test_contexts(fd, &data);
	ok(close(fd) == 0, "close the first file");
	test_concurrent();
	test_unplug();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
