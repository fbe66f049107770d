// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Error messages: every errno the mlx5ctl and fwctl ABIs document, with
 * what it means for the operation that got it, and firmware statuses.
 *
 * A message goes to stderr as
 *   cxctl: NODE: OPERATION: strerror (ENAME): what it means
 * and, with --json, also to stdout as the command's "error" member.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cxctl.h"

const char *cx_errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case EBADMSG: return "EBADMSG";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECANCELED: return "ECANCELED";
	case EREMOTEIO: return "EREMOTEIO";
	case EINTR: return "EINTR";
	}
	return "E?";
}

const char *cx_op_name(enum cx_op op, enum cx_kind kind)
{
	bool fwctl = kind == CX_KIND_FWCTL;

	if (op == CX_OP_INFO)
		return fwctl ? "FWCTL_INFO" : "MLX5CTL_IOCTL_INFO";
	if (op == CX_OP_RPC)
		return fwctl ? "FWCTL_RPC" : "MLX5CTL_IOCTL_CMDRPC";
	switch (op) {
	case CX_OP_OPEN: return "open";
	case CX_OP_UMEM_REG: return "MLX5CTL_IOCTL_UMEM_REG";
	case CX_OP_UMEM_UNREG: return "MLX5CTL_IOCTL_UMEM_UNREG";
	case CX_OP_RESOLVE: return "finding the device";
	case CX_OP_READ_FILE: return "reading the input file";
	case CX_OP_ALLOC: return "allocating memory";
	default:
		break;
	}
	return "?";
}

static bool umem_op(enum cx_op op)
{
	return op == CX_OP_UMEM_REG || op == CX_OP_UMEM_UNREG;
}

/* what @err means for @op on a node of @kind */
const char *cx_errno_hint(int err, enum cx_op op, enum cx_kind kind)
{
	bool fwctl = kind == CX_KIND_FWCTL;

	switch (err) {
	case EPERM:
		if (fwctl && op == CX_OP_RPC)
			return "scope DEBUG_WRITE_FULL needs CAP_SYS_RAWIO";
		return "every mlx5ctl ioctl needs CAP_SYS_ADMIN: run cxctl as root";
	case EACCES:
		return "the node is root's (mode 0600): run cxctl as root";
	case ENOENT:
		if (op == CX_OP_RESOLVE)
			return "no such mlx5ctl or mlx5 fwctl device (are cxcore and cxctl loaded? see cxctl list)";
		if (op == CX_OP_UMEM_UNREG)
			return "no umem with this id on this open file: a umem lives only as long as the file that registered it";
		if (op == CX_OP_READ_FILE)
			return "no such file";
		return "no such device node (see cxctl list)";
	case ENODEV:
		if (op == CX_OP_OPEN)
			return "the device is being removed";
		return "the device was removed (unbound) while the file was open: close it and open the node again";
	case ENXIO:
		return "no device behind the node (its driver is not bound)";
	case EINVAL:
		if (op == CX_OP_RPC && fwctl)
			return "the fwctl RPC struct was refused (size or flags)";
		if (op == CX_OP_RPC)
			return "command input and output must each be 16 to 262144 (512*512) bytes";
		if (op == CX_OP_UMEM_REG)
			return "bad umem range: empty, longer than 64 MiB or not a user address range";
		return "invalid argument";
	case EFAULT:
		if (op == CX_OP_UMEM_REG)
			return "the range is not (all) writable memory of this process";
		return "the kernel could not read or write a buffer of this process";
	case ENOTTY:
		return fwctl ? "not an mlx5 fwctl device: wrong device or driver (see cxctl list)" :
			       "not an mlx5ctl device: the node belongs to another driver (see cxctl list)";
	case EOPNOTSUPP:
		if (umem_op(op) && fwctl)
			return "fwctl has no user memory: use an mlx5ctl node";
		if (umem_op(op))
			return "the driver does not support user memory (UMEM_REG/UMEM_UNREG) yet, or a reserved field is set";
		if (fwctl && op == CX_OP_RPC)
			return "unknown fwctl scope";
		return "operation not supported by the driver";
	case ENOMEM:
		if (op == CX_OP_UMEM_REG)
			return "out of memory, or beyond the locked-memory limit (ulimit -l) that pinning the umem is charged to";
		return "out of memory";
	case EBUSY:
		if (umem_op(op))
			return "the firmware still uses the umem (an mkey refers to it: destroy that first)";
		return "the device is busy (no free command slot, or a reset in progress)";
	case ETIMEDOUT:
		return "the firmware did not complete the command in time (command timeout; see dmesg)";
	case EIO:
		return "the command did not reach the firmware or its answer was lost (delivery error, device in error state; see dmesg)";
	case EMSGSIZE:
		return "fwctl RPC lengths: input and output 16 bytes to 2 MiB";
	case EBADMSG:
		return "the fwctl driver does not allow this opcode at this scope (try --scope)";
	case E2BIG:
		return "the kernel does not know a field this tool set";
	case EREMOTEIO:
		return "the firmware answered with an error status";
	case EINTR:
		return "interrupted by a signal";
	}
	return "unexpected error";
}

/* report @err (positive or negative) of @op: exit status 1 */
int cx_fail(const struct cx_dev *dev, enum cx_op op, int err)
{
	enum cx_kind kind = dev ? dev->node.kind : CX_KIND_MLX5CTL;
	const char *what = cx_op_name(op, kind);
	const char *path = dev && dev->node.path[0] ? dev->node.path : NULL;
	const char *hint, *name;
	char msg[512];

	if (err < 0)
		err = -err;
	hint = cx_errno_hint(err, op, kind);
	name = cx_errno_name(err);
	snprintf(msg, sizeof(msg), "%s (%s): %s", strerror(err), name, hint);
	if (path)
		fprintf(stderr, "cxctl: %s: %s: %s\n", path, what, msg);
	else
		fprintf(stderr, "cxctl: %s: %s\n", what, msg);
	out_error(path, what, err, name, msg);
	return CX_EXIT_FAIL;
}

/* a command the firmware answered with an error status: exit status 1 */
int cx_fail_status(const char *what, struct cx_status st)
{
	const char *name = cx_syndrome_name(st.syndrome);

	fprintf(stderr, "cxctl: %s: firmware status %s (0x%x), syndrome 0x%08x",
		what, cx_status_name(st.status), st.status, st.syndrome);
	if (name)
		fprintf(stderr, " %s: %s", name, cx_syndrome_text(st.syndrome));
	fputc('\n', stderr);
	out_end();
	return CX_EXIT_FAIL;
}

/* a usage error: exit status 2 */
int cx_usage_error(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "cxctl: %s\n", msg);
	fprintf(stderr, "usage: cxctl [-d DEV] [--json] [--scope S] COMMAND [ARGS] (cxctl --help)\n");
	out_error(NULL, "usage", EINVAL, "usage", msg);
	return CX_EXIT_USAGE;
}
