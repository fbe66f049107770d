/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Helpers the guest test programs share: PRM fields (bit offset from the
 * most significant bit of big-endian dword 0 and width, as in mlx5_ifc.h),
 * TAP output and errno names.  Header-only: each program is one static
 * binary (scripts/guest-tools.sh).
 */
#ifndef CXTEST_H
#define CXTEST_H

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

struct field {
	unsigned int bit;
	unsigned int width;
};

static inline uint32_t get(const void *buf, struct field f)
{
	uint32_t dw;

	memcpy(&dw, (const uint8_t *)buf + f.bit / 32 * 4, 4);
	dw = be32toh(dw);
	if (f.width == 32)
		return dw;
	return (dw >> (32 - f.bit % 32 - f.width)) & ((1u << f.width) - 1);
}

static inline void set(void *buf, struct field f, uint32_t val)
{
	uint8_t *p = (uint8_t *)buf + f.bit / 32 * 4;
	unsigned int shift = 32 - f.bit % 32 - f.width;
	uint32_t mask = f.width == 32 ? ~0u : ((1u << f.width) - 1) << shift;
	uint32_t dw;

	memcpy(&dw, p, 4);
	dw = (be32toh(dw) & ~mask) | ((val << shift) & mask);
	dw = htobe32(dw);
	memcpy(p, &dw, 4);
}

/* TAP */
static int tap_n;
static int tap_failed;

static void __attribute__((format(printf, 2, 3)))
ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *err_name(int ret)
{
	static char buf[32];

	switch (-ret) {
	case 0: return "success";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case E2BIG: return "E2BIG";
	case ENODEV: return "ENODEV";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBADMSG: return "EBADMSG";
	case EREMOTEIO: return "EREMOTEIO";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case ENOMSG: return "ENOMSG";
	case EBADR: return "EBADR";
	case ETIMEDOUT: return "ETIMEDOUT";
	}
	snprintf(buf, sizeof(buf), "errno %d", -ret);
	return buf;
}

static inline void check_errno(int ret, int err, const char *what)
{
	ok(ret == -err, "%s -> %s", what, err_name(-err));
	if (ret != -err)
		diag("got %s", err_name(ret));
}

/*
 * Drop capability @cap from this process's effective, permitted and
 * inheritable sets (a forked child does it before testing a refusal).
 * Returns 0 once it is gone, else a negative errno.
 */
static inline int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, caps))
		return -errno;
	caps[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	caps[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	caps[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, caps))
		return -errno;
	if (syscall(SYS_capget, &hdr, caps))
		return -errno;
	return caps[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap) ? -EPERM : 0;
}

/* An anonymous private mapping of @len bytes, NULL on failure. */
static inline void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* An address no access succeeds at: a PROT_NONE page. */
static inline void *bad_ptr(void)
{
	static void *p;

	if (!p) {
		p = map(4096, PROT_NONE);
		if (!p)
			p = (void *)8;
	}
	return p;
}

/* This process's pinned memory in kB (VmPin), -1 if unreadable. */
static inline long vm_pin_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

#endif
