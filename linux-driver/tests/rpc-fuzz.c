// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * rpc-fuzz: random and mutated firmware RPCs from a guest user, through
 * both of cxctl's ABIs at once, with an oracle after every call.  Prints
 * TAP; run as root in the test guest with cxcore and cxctl loaded
 * (linux-driver/tests/rpc-fuzz.sh, docs/fuzzing.md).
 *
 *	rpc-fuzz [-s SEED] [-n ITERATIONS] [-t SECONDS] [-v]
 *		 [MLX5CTL_DEV [FWCTL_DEV]]
 *
 * MLX5CTL_DEV defaults to the first /dev/mlx5ctl-*, FWCTL_DEV to the fwctl
 * device of the same PCI function.  The seed is printed; the same seed
 * gives the same choices, so "-s SEED -n N" (N the failing iteration + 1)
 * replays a finding in a fresh boot.  -v prints one line per operation.
 *
 * What it sends, from a seeded PRNG:
 * - commands built from a table (opcode, layout lengths, op_mods, the ids
 *   they name, taken from the objects the file's earlier commands created,
 *   from another file's, or made up), mutated by bit flips, interesting
 *   bytes and dwords, a random header uid (the kernel must overwrite it),
 *   op_mod and opcode changes, length changes, id swaps between files,
 *   reserved bits and splices of the previous input;
 * - through MLX5CTL_IOCTL_CMDRPC (any opcode: the firmware is the only
 *   gate) and FWCTL_RPC at every scope, plus invalid scopes and struct
 *   sizes; input, output and argument pointers that are fine, unaligned,
 *   run into a guard page, NULL, PROT_NONE, read-only or kernel addresses;
 * - UMEM_REG / UMEM_UNREG of good and bad ranges, memory keys over the
 *   umems, unknown ioctls, files closed (with whatever they own) and
 *   reopened mid-stream;
 * - a child without CAP_SYS_RAWIO every CHILD_EVERY iterations.
 *
 * The oracle, after every call:
 * - the errno is one the ABI documents for that ioctl, and the one its
 *   arguments call for (docs/driver.md, drivers/fwctl/main.c: lengths,
 *   pointers, struct sizes, scopes, CAP_SYS_RAWIO, the fwctl allow-list of
 *   firmware-sim/policy); no device error (timeout, delivery status);
 * - a delivered RPC's output: a PRM status with a syndrome of
 *   firmware-sim/src/cxfw-syndromes.def (0 with OK), reserved header bytes
 *   zero, a failed command's output zero past the syndrome, never
 *   UID_UNKNOWN (the kernel stamps a live uid);
 * - nothing the policy forbids the context (cxfw-policy.c's verdict for
 *   its caps, an fwctl scope label included) succeeds, and a policy
 *   refusal carries that verdict; no context reaches an object it does
 *   not own (a model tracks what each file created and destroyed) or
 *   another context's uid; QUERY_UCTX names the context's uid and caps;
 *   no id is handed out twice;
 * - the device never writes the canary, a page another file registered
 *   whose bus address raw CREATE_UMEMs sometimes name (every other raw
 *   umem, EQ or page address is FAKE_BUS, where nothing is);
 * - every PROBE_EVERY iterations, on every open file: INFO, NOP and
 *   QUERY_UCTX answer with the file's uids and caps; VmPin matches the
 *   registered umems.
 * At the end every file is closed; VmPin must be 0 and new files must
 * work.  The suite adds the kernel log and the runner the firmware's idle
 * state.
 *
 * An fwctl file of cxctl's holds one firmware context per scope (labelled
 * with it); an RPC runs as its scope's context.  The fuzzer learns their
 * uids with QUERY_UCTX at each scope when it opens the file.
 *
 * The PRM layouts, sizes, syndromes and the policy are the firmware's own
 * (firmware-sim/src/cxfw-*.def, cxfw-policy.c, firmware-sim/policy),
 * included at build time.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include "../include/uapi/misc/mlx5ctl.h"
#include "cxtest.h"
#include "mlx5ctl-dev.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096u
#define HDR		16
#define CTL_MAX_LEN	(512 * 512)	/* MLX5CTL_IOCTL_CMDRPC */
#define FWCTL_MAX_LEN	(2u << 20)	/* the fwctl core's MAX_RPC_LEN */
#define FWCTL_RPC_SIZE	((uint32_t)sizeof(struct fwctl_rpc))
#define FWCTL_INFO_SIZE	((uint32_t)sizeof(struct fwctl_info))
#define UMEM_MAX	(64u << 20)
/* the longest RPC, at an unaligned offset */
#define ARENA_LEN	(FWCTL_MAX_LEN + 2 * PAGE)

#define NCTL		3		/* mlx5ctl files */
#define NFW		3		/* fwctl files */
#define NFILES		(NCTL + NFW)
#define MAX_OBJS	256		/* firmware objects a file tracks */
#define MAX_KUM		8		/* UMEM_REG umems a file keeps */
#define PROBE_EVERY	64
#define CHILD_EVERY	4096
#define CHILD_ITERS	512
#define MAX_REPORTS	2		/* detailed reports per distinct finding */
#define NSIGS		48		/* distinct findings told apart */

/*
 * Bus addresses of raw CREATE_UMEM, CREATE_EQ and MANAGE_PAGES: no RAM and
 * no BAR there, so a device write that should not happen lands nowhere.
 */
#define FAKE_BUS	0x7e0000000000ull
#define KERNEL_PTR	((void *)0xffff888000000000ull)

#define CANARY_BYTE	0xc5

/* The umem arena: pages the fuzzer registers, with holes to fault on. */
#define UMEM_PAGES	1024
#define UMEM_ARENA	(UMEM_PAGES * PAGE)
#define HOLE_PG		700		/* unmapped */
#define RO_PG		800		/* read-only */
#define NONE_PG		900		/* PROT_NONE */

/* PRM layouts: the firmware's field table, by index */
enum {
#define CXFW_FIELD(layout, name, path, bit, width) FLD_##layout##__##name,
#include "../../firmware-sim/src/cxfw-fields.def"
#undef CXFW_FIELD
	NFIELDS
};

static const struct field fields[NFIELDS] = {
#define CXFW_FIELD(layout, name, path, bit, width) { bit, width },
#include "../../firmware-sim/src/cxfw-fields.def"
#undef CXFW_FIELD
};

/* the same offsets as constants, for static tables */
enum {
#define CXFW_FIELD(layout, name, path, bit, width) BIT_##layout##__##name = bit,
#include "../../firmware-sim/src/cxfw-fields.def"
#undef CXFW_FIELD
};

#define FLD(layout, name)	FLD_##layout##__##name
#define F(layout, name)		fields[FLD(layout, name)]
#define BYTE(layout, name)	(F(layout, name).bit / 8)

enum {
#define CXFW_SIZE(layout, bytes) SZ_##layout = bytes,
#define CXFW_SIZE_OWN(layout, bytes) SZ_##layout = bytes,
#include "../../firmware-sim/src/cxfw-sizes.def"
#undef CXFW_SIZE
#undef CXFW_SIZE_OWN
};

/* PRM command statuses (mlx5_ifc.h / prm-facts) */
#define PRM_STATUSES(X) \
	X(OK, 0x00) X(INT_ERR, 0x01) X(BAD_OP, 0x02) X(BAD_PARAM, 0x03) \
	X(BAD_SYS_STATE, 0x04) X(BAD_RES, 0x05) X(RES_BUSY, 0x06) \
	X(NOT_READY, 0x07) X(LIM, 0x08) X(BAD_RES_STATE, 0x09) X(IX, 0x0a) \
	X(NO_RES, 0x0f) X(BAD_QP_STATE, 0x10) X(BAD_PKT, 0x30) \
	X(BAD_SIZE_OUTS_CQES, 0x40) X(BAD_INP_LEN, 0x50) X(BAD_OUTP_LEN, 0x51)

enum {
#define X(name, val) ST_##name = val,
	PRM_STATUSES(X)
#undef X
};

static const char *status_name(unsigned int st)
{
	switch (st) {
#define X(name, val) case val: return #name;
	PRM_STATUSES(X)
#undef X
	}
	return NULL;
}

static uint32_t below(uint32_t n);

/* The firmware's syndromes: the only values a failed command may carry */
static const struct {
	uint32_t synd;
	uint8_t status;
} syndromes[] = {
#define CXFW_SYNDROME(name, val, status, desc) { val, ST_##status },
#include "../../firmware-sim/src/cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

/*
 * The command policy, as the firmware decides it: cxfw-policy.c is plain C
 * so that guest programs compile the same verdict.
 */
#include "../../firmware-sim/src/cxfw-policy.c"

/* cxctl's allow-list: the lowest scope of the first matching row */
static bool fwctl_allowed(uint16_t opcode, uint16_t op_mod, uint32_t scope)
{
	const CxfwPolicyRule *r = cxfw_policy_command(opcode, op_mod);

	return r && r->scope != CXFW_SCOPE_NONE && scope >= r->scope;
}

static const CxfwPolicyRule *random_rule(void)
{
	unsigned int n;
	const CxfwPolicyRule *rules = cxfw_policy_commands(&n);

	return &rules[below(n)];
}

/* PRNG: xoshiro256**, seeded through splitmix64 */
static uint64_t prng[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void prng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		prng[i] = splitmix(&seed);
}

static uint64_t rnd(void)
{
	uint64_t r = prng[1] * 5, t = prng[1] << 17;

	r = (r << 7 | r >> 57) * 9;
	prng[2] ^= prng[0];
	prng[3] ^= prng[1];
	prng[1] ^= prng[2];
	prng[0] ^= prng[3];
	prng[2] ^= t;
	prng[3] = prng[3] << 45 | prng[3] >> 19;
	return r;
}

/* 0 .. n - 1 */
static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static uint32_t interesting32(void)
{
	static const uint32_t v[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0xffffff,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	return chance(20) ? (uint32_t)rnd() : v[below(ARRAY_SIZE(v))];
}

static void put_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

/* Findings */
enum finding {
	F_UNDOC_ERRNO,		/* not among the ioctl's documented errnos */
	F_WRONG_ERRNO,		/* documented, but not what the call asks for */
	F_DEVICE,		/* timeout, delivery status, interface down */
	F_OUTPUT,		/* status, syndrome or header not as documented */
	F_PRIVILEGE,		/* kernel-only command, foreign object or uid */
	F_PROBE,		/* a health probe failed */
	F_CHILD,		/* the child without CAP_SYS_RAWIO */
	F_END,			/* the state after closing everything */
	NFINDINGS
};

static const char *const finding_name[NFINDINGS] = {
	"undocumented errno", "unexpected errno", "device error",
	"bad output", "privilege", "health probe", "child", "end state",
};

/* The ioctls, for the errno counts */
enum ioc {
	IOC_CMDRPC, IOC_FWCTL_RPC, IOC_UMEM_REG, IOC_UMEM_UNREG, IOC_INFO,
	IOC_FWCTL_INFO, IOC_OTHER, NIOCS
};

static const char *const ioc_name[NIOCS] = {
	"MLX5CTL_IOCTL_CMDRPC", "FWCTL_RPC", "MLX5CTL_IOCTL_UMEM_REG",
	"MLX5CTL_IOCTL_UMEM_UNREG", "MLX5CTL_IOCTL_INFO", "FWCTL_INFO",
	"unknown ioctls",
};

/* Documented errnos (docs/driver.md, drivers/fwctl/main.c) */
static bool documented(enum ioc ioc, int err)
{
	switch (-err) {
	case 0:
		return true;
	case EFAULT:
	case ENODEV:
		return ioc != IOC_OTHER;
	case EPERM:
		return ioc != IOC_FWCTL_INFO && ioc != IOC_OTHER;
	case ENOMEM:
		return ioc != IOC_UMEM_UNREG && ioc != IOC_INFO &&
		       ioc != IOC_OTHER;
	case EINVAL:
		return ioc == IOC_CMDRPC || ioc == IOC_UMEM_REG ||
		       ioc == IOC_FWCTL_RPC || ioc == IOC_FWCTL_INFO;
	case EOPNOTSUPP:
		return ioc == IOC_UMEM_REG || ioc == IOC_UMEM_UNREG ||
		       ioc == IOC_FWCTL_RPC || ioc == IOC_FWCTL_INFO;
	case ENOENT:
	case EBUSY:
		return ioc == IOC_UMEM_UNREG;
	case E2BIG:
		return ioc == IOC_FWCTL_RPC || ioc == IOC_FWCTL_INFO;
	case EMSGSIZE:
	case EBADMSG:
		return ioc == IOC_FWCTL_RPC;
	case ENOTTY:
		return ioc == IOC_OTHER;
	}
	return false;
}

/*
 * cxcore_cmd_exec()'s own errors: the device did not execute the command
 * or did not answer (timeout, delivery status, interface down).  A device
 * that works never gives them, whatever the command says.
 */
static bool device_error(int err)
{
	return err == -ETIMEDOUT || err == -EIO || err == -ENOMSG ||
	       err == -EBADR || err == -ENXIO;
}

#define NERRNO	160

struct stats {
	uint64_t iters, execs, probes, children;
	uint64_t status[256];
	uint64_t err[NIOCS][NERRNO];
	uint64_t finding[NFINDINGS];
	uint64_t wf_eperm;		/* DEBUG_WRITE_FULL refused without RAWIO */
};

/*
 * A distinct finding: its kind and message (for an errno, the whole
 * message; else the message's format, whatever numbers it shows), how
 * often it came and the first time.
 */
struct sig {
	uint8_t kind;
	bool child;
	uint32_t hash;
	long first;
	uint64_t count;
	char text[160];
};

struct sigs {
	int n;
	struct sig s[NSIGS];
};

/* Object types the model tracks per file */
enum { OBJ_NONE, OBJ_PD, OBJ_UAR, OBJ_EQ, OBJ_UMEM, OBJ_MKEY, OBJ_UID };

struct obj {
	uint8_t type;
	uint8_t variant;		/* OBJ_MKEY: mkey_7_0 */
	uint32_t id;
	uint32_t umem;			/* OBJ_MKEY: the umem it maps */
	uint64_t start, len;		/* OBJ_MKEY: its virtual range */
};

/* a umem the kernel registered for the file (UMEM_REG) */
struct kumem {
	uint32_t id;
	uintptr_t addr;
	uint64_t len;
	uint32_t mkeys;			/* keys over it, as far as we know */
	bool fw_gone;			/* a raw DESTROY_UMEM took the object */
};

enum abi { ABI_CTL, ABI_FW };

#define NSCOPES		(FWCTL_RPC_DEBUG_WRITE_FULL + 1)
#define RESOURCE_DUMP_LEN	256

/*
 * An open file.  An mlx5ctl file is one firmware user context; an fwctl
 * file of cxctl's is one per scope (a tools context with that scope's
 * label), the RPCs of a scope carrying its uid; INFO tells the
 * CONFIGURATION one's.
 */
struct file {
	int fd;
	enum abi abi;
	uint16_t uid;			/* INFO's */
	uint32_t caps;
	uint16_t scope_uid[NSCOPES];	/* 0 when unknown */
	uint32_t scope_caps[NSCOPES];
	/* an executed RPC's output was lost: objects may be missing */
	bool tainted;
	int nobjs;
	struct obj objs[MAX_OBJS];
	int nkum;
	struct kumem kum[MAX_KUM];
	bool have_reply;		/* the last RESOURCE_DUMP reply: */
	uint8_t dump_reply[RESOURCE_DUMP_LEN];
};

/* Pointer modes of an RPC's input, output or argument */
enum ptr_mode {
	P_NORMAL, P_AT_END, P_UNALIGNED, P_OVERRUN, P_NULL, P_NONE, P_RO,
	P_KERNEL, NPTR
};

static const char *const ptr_name[NPTR] = {
	"normal", "at-end", "unaligned", "overrun", "NULL", "PROT_NONE",
	"read-only", "kernel",
};

struct cmd_desc;

/* The RPC being built and sent */
struct rpc {
	const struct cmd_desc *desc;
	struct file *f;
	uint32_t built;			/* bytes the builder wrote */
	uint32_t inlen, outlen;
	uint32_t scope;
	uint32_t size;			/* fwctl_rpc.size */
	bool tail_dirty;		/* a non-zero byte past the struct */
	enum ptr_mode in_mode, out_mode, arg_mode;
	uint32_t in_overrun, out_overrun;
	uint8_t *inp, *outp;		/* where input and output go */
	bool in_ok, out_ok;		/* all of them accessible */
	char muts[96];			/* the mutations applied */
	const uint8_t *out;		/* where the output landed */
};

static struct {
	const char *ctl_path, *fw_path;
	uint64_t seed;
	long max_iters;
	double seconds, deadline;
	bool verbose, rawio, child;
	long it;
	struct file files[NFILES];
	uint8_t *stage;			/* the input as built */
	uint32_t stage_dirty;		/* bytes of stage maybe non-zero */
	uint8_t *in_arena, *out_arena;	/* ARENA_LEN each, then a guard */
	uint8_t *umem;			/* the umem arena */
	uint8_t *ro_page;		/* read-only */
	uint8_t *arg;			/* ioctl argument buffers, 2 pages */
	uint8_t hist[512];		/* the previous input, for splices */
	uint32_t hist_len;
	uint8_t *canary;		/* another file's pinned page */
	uint64_t canary_bus;		/* its bus address, 0 if unknown */
	int canary_fd;
	struct rpc cur;
	struct stats st;
	struct sigs sigs;
} fz;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hexdump(const char *what, const uint8_t *p, uint32_t len,
		    uint32_t max)
{
	char line[3 * 32 + 8];
	uint32_t i, n = len < max ? len : max;

	for (i = 0; i < n; i++) {
		snprintf(line + 3 * (i % 32), 4, "%02x ", p[i]);
		if (i % 32 == 31 || i + 1 == n)
			diag("  %s+%03x: %s%s", what, i - i % 32, line,
			     i + 1 == n && n < len ? "..." : "");
	}
}

/* The RPC in flight, for a finding's report */
static void report_rpc(void)
{
	const struct rpc *r = &fz.cur;

	if (!r->f)
		return;
	diag("  file %ld %s uid %u%s, inlen %u (built %u) outlen %u, in %s out %s arg %s, mutations:%s",
	     (long)(r->f - fz.files), r->f->abi == ABI_CTL ? "mlx5ctl" : "fwctl",
	     r->f->uid, r->f->tainted ? " (tainted)" : "", r->inlen, r->built,
	     r->outlen, ptr_name[r->in_mode], ptr_name[r->out_mode],
	     ptr_name[r->arg_mode], r->muts[0] ? r->muts : " none");
	if (r->f->abi == ABI_FW)
		diag("  scope %u, fwctl_rpc.size %u%s", r->scope, r->size,
		     r->tail_dirty ? " (non-zero tail)" : "");
	hexdump("in", fz.stage, r->inlen < ARENA_LEN ? r->inlen : 0, 64);
	if (r->out)
		hexdump("out", r->out, r->outlen, 16);
}

static uint32_t fnv1a(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* The finding's entry (a new one if there is room), or NULL. */
static struct sig *sig_of(uint8_t kind, uint32_t hash, const char *text,
			  long first, bool child)
{
	struct sigs *t = &fz.sigs;
	struct sig *g;

	for (int i = 0; i < t->n; i++)
		if (t->s[i].kind == kind && t->s[i].hash == hash)
			return &t->s[i];
	if (t->n == NSIGS)
		return NULL;
	g = &t->s[t->n++];
	*g = (struct sig){ .kind = kind, .hash = hash, .first = first,
			   .child = child };
	snprintf(g->text, sizeof(g->text), "%s", text);
	return g;
}

static void __attribute__((format(printf, 2, 3)))
finding(enum finding kind, const char *fmt, ...)
{
	bool errno_kind = kind <= F_DEVICE;
	char msg[512];
	struct sig *g;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fz.st.finding[kind]++;
	g = sig_of(kind, errno_kind ? fnv1a(msg, strlen(msg)) :
			 fnv1a(&fmt, sizeof(fmt)), msg, fz.it, fz.child);
	if (g && g->count++ >= MAX_REPORTS)
		return;
	diag("FINDING (%s) seed 0x%llx iteration %ld%s: %s", finding_name[kind],
	     (unsigned long long)fz.seed, fz.it, fz.child ? " (child)" : "",
	     msg);
	report_rpc();
}

static void count_errno(enum ioc ioc, int ret)
{
	int e = -ret;

	fz.st.err[ioc][e >= 0 && e < NERRNO ? e : NERRNO - 1]++;
	fz.st.execs++;
}

/*
 * The errno oracle: @ret against what the call asks for (@want, 0 when
 * delivered); ENOMEM is always possible.
 */
static void check_errno_of(enum ioc ioc, int ret, int want)
{
	count_errno(ioc, ret);
	if (device_error(ret) || (ioc == IOC_CMDRPC && ret == -EBUSY)) {
		finding(F_DEVICE, "%s: %s", ioc_name[ioc], err_name(ret));
		return;
	}
	if (!documented(ioc, ret)) {
		finding(F_UNDOC_ERRNO, "%s: %s (expected %s)", ioc_name[ioc],
			err_name(ret), err_name(want));
		return;
	}
	if (ret != want && ret != -ENOMEM)
		finding(F_WRONG_ERRNO, "%s: %s, expected %s", ioc_name[ioc],
			err_name(ret), err_name(want));
}

/* The model: objects each file's context owns */

static struct obj *obj_find(struct file *f, uint8_t type, uint32_t id)
{
	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].type == type && f->objs[i].id == id)
			return &f->objs[i];
	return NULL;
}

static struct kumem *kum_find(struct file *f, uint32_t id)
{
	for (int i = 0; i < f->nkum; i++)
		if (f->kum[i].id == id)
			return &f->kum[i];
	return NULL;
}

/* Does the firmware consider @id an object of @f's context? */
static bool owns(struct file *f, uint8_t type, uint32_t id)
{
	struct kumem *k;

	if (type == OBJ_UMEM && (k = kum_find(f, id)))
		return !k->fw_gone;
	return obj_find(f, type, id);
}

static void obj_add(struct file *f, const struct obj *o)
{
	struct kumem *k;

	if (f->nobjs == MAX_OBJS) {
		f->tainted = true;	/* no room: stop judging this file */
		return;
	}
	f->objs[f->nobjs++] = *o;
	if (o->type == OBJ_MKEY && (k = kum_find(f, o->umem)))
		k->mkeys++;
}

/* The file's newest object of @type, if any */
static const struct obj *obj_newest(struct file *f, uint8_t type)
{
	for (int i = f->nobjs - 1; i >= 0; i--)
		if (f->objs[i].type == type)
			return &f->objs[i];
	return NULL;
}

/* One of the file's objects of @type, if any */
static const struct obj *obj_pick(struct file *f, uint8_t type)
{
	int n = 0, i;

	for (i = 0; i < f->nobjs; i++)
		n += f->objs[i].type == type;
	n = n ? (int)below(n) : -1;
	for (i = 0; n >= 0 && i < f->nobjs; i++)
		if (f->objs[i].type == type && !n--)
			return &f->objs[i];
	return NULL;
}

static void obj_del(struct file *f, uint8_t type, uint32_t id)
{
	struct obj *o = obj_find(f, type, id);
	struct kumem *k;

	if (type == OBJ_UMEM && (k = kum_find(f, id))) {
		k->fw_gone = true;
		return;
	}
	if (!o)
		return;
	if (type == OBJ_MKEY && (k = kum_find(f, o->umem)) && k->mkeys)
		k->mkeys--;
	*o = f->objs[--f->nobjs];
}

static void kum_del(struct file *f, struct kumem *k)
{
	*k = f->kum[--f->nkum];
}

static unsigned long kum_pages(const struct kumem *k)
{
	uintptr_t first = k->addr & ~(uintptr_t)(PAGE - 1);

	return (k->addr + k->len + PAGE - 1 - first) / PAGE;
}

/* VmPin the model expects: every page of every live UMEM_REG umem */
static long model_pin_kb(void)
{
	long kb = fz.canary_fd >= 0 ? PAGE / 1024 : 0;

	for (int i = 0; i < NFILES; i++)
		for (int j = 0; j < fz.files[i].nkum; j++)
			kb += kum_pages(&fz.files[i].kum[j]) * (PAGE / 1024);
	return kb;
}

/*
 * An id for a command to name: mostly one of the file's own objects of
 * @type, sometimes another file's (which must answer as if it did not
 * exist), sometimes made up.
 */
static struct file *other_file(struct file *f)
{
	struct file *o = &fz.files[below(NFILES)];

	return o == f || o->fd < 0 ? NULL : o;
}

static bool pool_pick(struct file *f, uint8_t type, uint32_t *id)
{
	int n = 0, i;

	if (type == OBJ_UID) {
		*id = f->uid;
		return true;
	}
	for (i = 0; i < f->nobjs; i++)
		n += f->objs[i].type == type;
	if (type == OBJ_UMEM)
		n += f->nkum;
	if (!n)
		return false;
	n = below(n);
	for (i = 0; i < f->nobjs; i++)
		if (f->objs[i].type == type && !n--) {
			*id = f->objs[i].id;
			return true;
		}
	*id = f->kum[n].id;
	return true;
}

static uint32_t pick_id(struct file *f, uint8_t type)
{
	struct file *o;
	uint32_t id;

	if (chance(70) && pool_pick(f, type, &id))
		return id;
	if (chance(60) && (o = other_file(f)) && pool_pick(o, type, &id))
		return id;
	if (type == OBJ_UID)
		return chance(50) ? 0 : (uint16_t)rnd();
	return chance(70) ? below(64) : (uint32_t)rnd() & 0xffffff;
}

/* A umem of the file's, registered by the kernel, if any */
static struct kumem *pick_kum(struct file *f)
{
	return f->nkum ? &f->kum[below(f->nkum)] : NULL;
}

/*
 * The corpus: one row per command, with its layout lengths, a builder for
 * its fields and the ids it names (which the caller must own for the
 * command to succeed) or creates.
 */
struct idref {
	uint8_t type;
	uint16_t fld;
	uint16_t base;			/* bit offset of the field's layout */
};

struct cmd_desc {
	uint16_t opcode;
	const char *name;
	uint32_t inlen, outlen;
	void (*build)(struct rpc *r, uint8_t *in);
	uint8_t creates;		/* an OK output names a new one */
	uint16_t out_id;
	bool destroys;			/* refs[0] is gone after an OK */
	struct idref refs[2];
};

#define MKC_BASE	BIT_create_mkey_in__mkc
#define UMEM_BASE	BIT_create_umem_in__umem

static void set_at(uint8_t *in, uint16_t fld, uint32_t base, uint32_t v)
{
	struct field fl = fields[fld];

	fl.bit += base;
	set(in, fl, v);
}

static uint32_t get_at(const uint8_t *in, uint16_t fld, uint32_t base)
{
	struct field fl = fields[fld];

	fl.bit += base;
	return get(in, fl);
}

static void build_refs(struct rpc *r, uint8_t *in)
{
	for (int i = 0; i < 2 && r->desc->refs[i].type; i++)
		set_at(in, r->desc->refs[i].fld, r->desc->refs[i].base,
		       pick_id(r->f, r->desc->refs[i].type));
}

static void build_op_mod_any(struct rpc *r, uint8_t *in)
{
	(void)r;
	set(in, F(create_eq_in, op_mod), chance(50) ? 0 : below(8));
}

static void build_query_hca_cap(struct rpc *r, uint8_t *in)
{
	static const uint8_t types[] = { 0, 1, 2, 3, 4, 7, 9, 0xc, 0xd, 0x20 };
	uint32_t type = chance(90) ? types[below(ARRAY_SIZE(types))] :
			below(0x80);

	(void)r;
	set(in, F(create_eq_in, op_mod), type << 1 | below(2));
	if (chance(10)) {
		set(in, F(query_hca_cap_in, other_function), 1);
		set(in, F(query_hca_cap_in, function_id), below(4));
	}
}

static void build_query_pages(struct rpc *r, uint8_t *in)
{
	(void)r;
	set(in, F(create_eq_in, op_mod), below(5));
	if (chance(10))
		set(in, F(query_pages_in, function_id), below(4));
}

static void build_function(struct rpc *r, uint8_t *in)
{
	(void)r;
	if (chance(20))
		set(in, F(enable_hca_in, function_id), below(4));
}

static void build_teardown(struct rpc *r, uint8_t *in)
{
	(void)r;
	set(in, F(teardown_hca_in, profile), below(3));
}

static void build_manage_pages(struct rpc *r, uint8_t *in)
{
	uint32_t n = below(4), i, pas = BYTE(manage_pages_in, pas);

	set(in, F(create_eq_in, op_mod), below(3));
	set(in, F(manage_pages_in, input_num_entries), n);
	for (i = 0; i < n; i++)
		put_be64(in + pas + 8 * i, FAKE_BUS + below(64) * PAGE);
	r->built = pas + 8 * n;
}

static void build_set_issi(struct rpc *r, uint8_t *in)
{
	(void)r;
	set(in, F(set_issi_in, current_issi), below(3));
}

static void build_create_uctx(struct rpc *r, uint8_t *in)
{
	(void)r;
	set(in, F(create_uctx_in, cap), chance(80) ? below(8) : (uint32_t)rnd());
}

static void build_destroy_uctx(struct rpc *r, uint8_t *in)
{
	set(in, F(create_eq_in, op_mod), below(2));
	set(in, F(destroy_uctx_in, uid), pick_id(r->f, OBJ_UID));
}

static void build_query_uctx(struct rpc *r, uint8_t *in)
{
	struct file *o = other_file(r->f);

	set(in, F(query_uctx_in, uid),
	    chance(50) ? 0 : chance(40) ? r->f->uid : o && chance(70) ?
	    o->uid : (uint16_t)rnd());
}

static void build_create_eq(struct rpc *r, uint8_t *in)
{
	uint32_t log_size = below(7), i, npas = 1 + (chance(10) ? below(3) : 0);
	uint32_t pas = BYTE(create_eq_in, pas);

	build_refs(r, in);		/* uar_page */
	set(in, F(create_eq_in, eqc_log_eq_size), log_size);
	set(in, F(create_eq_in, eqc_intr), below(4));
	set(in, F(create_eq_in, eqc_log_page_size), chance(90) ? 0 : below(9));
	for (i = 0; i < npas; i++)
		put_be64(in + pas + 8 * i, FAKE_BUS + below(64) * PAGE);
	if (chance(5))
		in[BYTE(create_eq_in, event_bitmask) + 31 - below(32)] |=
			1 << below(8);
	r->built = pas + 8 * npas;
}

static void build_create_umem(struct rpc *r, uint8_t *in)
{
	uint32_t n = 1 + below(4), i, mtt;
	uint32_t log = chance(90) ? 0 : below(20);

	(void)r;
	set_at(in, FLD(umem, log_page_size), UMEM_BASE, log);
	set_at(in, FLD(umem, page_offset), UMEM_BASE,
	       chance(80) ? 0 : below(2 * PAGE));
	if (chance(5))
		set_at(in, FLD(umem, ats), UMEM_BASE, 1);
	put_be64(in + (UMEM_BASE + F(umem, num_of_mtt).bit) / 8,
		 chance(95) ? n : interesting32());
	mtt = (UMEM_BASE + F(umem, mtt).bit) / 8;
	for (i = 0; i < n; i++) {
		uint8_t *e = in + mtt + 8 * i;
		bool canary = chance(10);

		/* sometimes the page another file registered */
		put_be64(e, canary && !log && fz.canary_bus && !fz.child ?
			 fz.canary_bus :
			 FAKE_BUS + (uint64_t)below(64) * (PAGE << log));
		set(e, F(mtt, rd_en), chance(90));
		set(e, F(mtt, wr_en), chance(90));
	}
	r->built = mtt + 8 * n;
}

static void build_create_mkey(struct rpc *r, uint8_t *in)
{
	struct kumem *k = pick_kum(r->f);
	uint64_t len = k ? (chance(80) ? k->len : below(k->len + PAGE)) :
		       PAGE * (1 + below(4));
	uint8_t *mkc = in + MKC_BASE / 8;

	build_refs(r, in);		/* pd, mkey_umem_id */
	if (k && chance(80))
		set(in, F(create_mkey_in, mkey_umem_id), k->id);
	set(in, F(create_mkey_in, mkey_umem_valid), chance(95));
	set(mkc, F(mkc, access_mode_1_0), chance(90) ? 1 : below(4));
	set(mkc, F(mkc, lw), chance(80));
	set(mkc, F(mkc, lr), chance(80));
	set(mkc, F(mkc, mkey_7_0), below(256));
	put_be64(mkc + BYTE(mkc, start_addr),
		 k && chance(80) ? k->addr : rnd() & 0xffffffffffffull);
	put_be64(mkc + BYTE(mkc, len), len);
	if (chance(10))
		put_be64(in + BYTE(create_mkey_in, mkey_umem_offset),
			 below(2 * PAGE));
}

/*
 * ACCESS_REG: registers the firmware has or will have, some it lacks.
 * The dump registers' fields (mlx5_ifc.h resource_dump_bits and
 * core_dump_reg_bits, relative to the register data) point the dump at a
 * memory key and address of the file's.
 */
static const struct field rd_inline_dump = { 0x01, 1 };
static const struct field rd_segment_type = { 0x10, 16 };
static const struct field rd_mkey = { 0x100, 32 };
static const struct field rd_size = { 0x120, 32 };
#define RD_ADDRESS	40
static const struct field cd_type = { 0x18, 8 };
static const struct field cd_mkey = { 0x80, 32 };
static const struct field cd_size = { 0xa0, 32 };
#define CD_ADDRESS	24

static void dump_target(struct rpc *r, uint8_t *data, struct field mkey,
			struct field size, unsigned int addr)
{
	const struct obj *o = chance(50) ? obj_newest(r->f, OBJ_MKEY) :
			      obj_pick(r->f, OBJ_MKEY);
	uint64_t off = o && chance(50) ? below(o->len / 2 + 1) : 0;

	if (!o || chance(10)) {
		set(data, mkey, pick_id(r->f, OBJ_MKEY) << 8 | below(256));
		set(data, size, below(8 * PAGE));
		put_be64(data + addr, rnd());
		return;
	}
	set(data, mkey, o->id << 8 | o->variant);
	set(data, size, chance(80) ? o->len - off : below(8 * PAGE));
	put_be64(data + addr, o->start + off);
}

#define REG_RESOURCE_DUMP	0xc000
#define REG_CORE_DUMP		0x402e

/*
 * The dump registers aim at one of the file's memory keys (a DMA into its
 * umem) or inline; RESOURCE_DUMP often continues the file's last dump
 * with the fields of its reply, as a reader of a long dump does.
 */
static void build_dump(struct rpc *r, uint8_t *in, uint16_t id)
{
	uint8_t *data = in + BYTE(access_register_in, register_data);

	if (id == REG_RESOURCE_DUMP) {
		if (r->f->have_reply && chance(50))
			memcpy(data, r->f->dump_reply, RESOURCE_DUMP_LEN);
		else
			set(data, rd_segment_type, chance(30) ? 0xffff :
			    chance(80) ? 0x2000 + below(10) :
			    chance(50) ? 0x1000 : (uint16_t)rnd());
		set(data, rd_inline_dump, chance(50));
		dump_target(r, data, rd_mkey, rd_size, RD_ADDRESS);
	} else {
		set(data, cd_type, below(3));
		dump_target(r, data, cd_mkey, cd_size, CD_ADDRESS);
	}
}

static void build_access_reg(struct rpc *r, uint8_t *in)
{
	static const struct { uint16_t id; uint16_t size; } regs[] = {
		{ 0x7004, 16 }, { REG_CORE_DUMP, 64 },
		{ REG_RESOURCE_DUMP, RESOURCE_DUMP_LEN },
		{ 0xc00e, 64 }, { 0x507f, 80 }, { 0x907f, 80 },
		{ 0x9040, 64 }, { 0x5008, 256 },
	};
	unsigned int i = below(ARRAY_SIZE(regs));
	uint16_t id = chance(90) ? regs[i].id : (uint16_t)rnd();

	set(in, F(create_eq_in, op_mod), chance(80) ? 1 : 0);
	set(in, F(access_register_in, register_id), id);
	if (chance(10))
		set(in, F(access_register_in, argument), interesting32());
	if (id == REG_RESOURCE_DUMP || id == REG_CORE_DUMP)
		build_dump(r, in, id);
	r->built = HDR + regs[i].size;
	r->outlen = HDR + regs[i].size;
}

/* A dump read: RESOURCE_DUMP or CORE_DUMP, for the chains */
static void build_dump_read(struct rpc *r, uint8_t *in)
{
	uint16_t id = chance(70) ? REG_RESOURCE_DUMP : REG_CORE_DUMP;

	set(in, F(create_eq_in, op_mod), 1);
	set(in, F(access_register_in, register_id), id);
	build_dump(r, in, id);
	r->built = r->outlen = HDR + (id == REG_RESOURCE_DUMP ?
				      RESOURCE_DUMP_LEN : 64);
}

#define CMD(op, in, out, ...) { .opcode = CXFW_OP_##op, .name = #op, \
	.inlen = in, .outlen = out, __VA_ARGS__ }
#define REF(t, layout, name)	{ t, FLD(layout, name), 0 }
#define CREATES(t, layout, name) .creates = t, .out_id = FLD(layout, name)
#define NAMES(t, layout, name)	.build = build_refs, .refs = { REF(t, layout, name) }

/* docs/commands.md: every implemented opcode */
static const struct cmd_desc cmds[] = {
	CMD(QUERY_HCA_CAP, SZ_query_hca_cap_in, SZ_query_hca_cap_out,
	    .build = build_query_hca_cap),
	CMD(QUERY_ADAPTER, SZ_query_adapter_in, SZ_query_adapter_out),
	CMD(INIT_HCA, SZ_init_hca_in, SZ_init_hca_out,
	    ),
	CMD(TEARDOWN_HCA, SZ_teardown_hca_in, SZ_teardown_hca_out,
	    .build = build_teardown),
	CMD(ENABLE_HCA, SZ_enable_hca_in, HDR,
	    .build = build_function),
	CMD(DISABLE_HCA, SZ_disable_hca_in, HDR,
	    .build = build_function),
	CMD(QUERY_PAGES, SZ_query_pages_in, SZ_query_pages_out,
	    .build = build_query_pages),
	CMD(MANAGE_PAGES, SZ_manage_pages_in, SZ_manage_pages_out,
	    .build = build_manage_pages),
	CMD(SET_HCA_CAP, SZ_set_hca_cap_in, SZ_set_hca_cap_out,
	    .build = build_op_mod_any),
	CMD(QUERY_ISSI, SZ_query_issi_in, SZ_query_issi_out),
	CMD(SET_ISSI, SZ_set_issi_in, SZ_set_issi_out,
	    .build = build_set_issi),
	CMD(CREATE_MKEY, SZ_create_mkey_in, SZ_create_mkey_out,
	    .build = build_create_mkey,
	    CREATES(OBJ_MKEY, create_mkey_out, mkey_index),
	    .refs = { { OBJ_PD, FLD(mkc, pd), MKC_BASE },
		      REF(OBJ_UMEM, create_mkey_in, mkey_umem_id) }),
	CMD(QUERY_MKEY, SZ_query_mkey_in, SZ_query_mkey_out,
	    NAMES(OBJ_MKEY, query_mkey_in, mkey_index)),
	CMD(DESTROY_MKEY, SZ_destroy_mkey_in, SZ_destroy_mkey_out,
	    .destroys = true, NAMES(OBJ_MKEY, destroy_mkey_in, mkey_index)),
	CMD(CREATE_EQ, SZ_create_eq_in, SZ_create_eq_out,
	    .build = build_create_eq, CREATES(OBJ_EQ, create_eq_out, eq_number),
	    .refs = { REF(OBJ_UAR, create_eq_in, eqc_uar_page) }),
	CMD(DESTROY_EQ, SZ_destroy_eq_in, SZ_destroy_eq_out,
	    .destroys = true, NAMES(OBJ_EQ, destroy_eq_in, eq_number)),
	CMD(QUERY_EQ, SZ_query_eq_in, SZ_query_eq_out,
	    NAMES(OBJ_EQ, query_eq_in, eq_number)),
	CMD(ALLOC_PD, SZ_alloc_pd_in, SZ_alloc_pd_out,
	    CREATES(OBJ_PD, alloc_pd_out, pd)),
	CMD(DEALLOC_PD, SZ_dealloc_pd_in, SZ_dealloc_pd_out,
	    .destroys = true, NAMES(OBJ_PD, dealloc_pd_in, pd)),
	CMD(ALLOC_UAR, SZ_alloc_uar_in, SZ_alloc_uar_out,
	    CREATES(OBJ_UAR, alloc_uar_out, uar)),
	CMD(DEALLOC_UAR, SZ_dealloc_uar_in, SZ_dealloc_uar_out,
	    .destroys = true, NAMES(OBJ_UAR, dealloc_uar_in, uar)),
	CMD(ACCESS_REG, SZ_access_register_in, SZ_access_register_out,
	    .build = build_access_reg),
	CMD(NOP, SZ_nop_in, SZ_nop_out, .build = build_op_mod_any),
	CMD(CREATE_UCTX, SZ_create_uctx_in, SZ_create_uctx_out,
	    .build = build_create_uctx),
	CMD(QUERY_UCTX, SZ_query_uctx_in, SZ_query_uctx_out,
	    .build = build_query_uctx,
	    .refs = { REF(OBJ_UID, query_uctx_in, uid) }),
	CMD(DESTROY_UCTX, SZ_destroy_uctx_in, SZ_destroy_uctx_out,
	    .build = build_destroy_uctx),
	CMD(CREATE_UMEM, SZ_create_umem_in, SZ_create_umem_out,
	    .build = build_create_umem,
	    CREATES(OBJ_UMEM, create_umem_out, umem_id)),
	CMD(QUERY_UMEM, SZ_query_umem_in, SZ_query_umem_out + 32,
	    NAMES(OBJ_UMEM, query_umem_in, umem_id)),
	CMD(DESTROY_UMEM, SZ_destroy_umem_in, SZ_destroy_umem_out,
	    .destroys = true, NAMES(OBJ_UMEM, destroy_umem_in, umem_id)),
};

static const struct cmd_desc *desc_of(uint16_t opcode)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].opcode == opcode)
			return &cmds[i];
	return NULL;
}

/* A command of no table row: a policy row's opcode or a made-up one. */
static const struct cmd_desc dump_cmd =
	CMD(ACCESS_REG, SZ_access_register_in, SZ_access_register_out,
	    .build = build_dump_read);

static const struct cmd_desc other_cmd = {
	.name = "other", .inlen = HDR, .outlen = HDR,
	.build = build_op_mod_any,
};

/* The staging buffer: zero past what the builders wrote */
static uint8_t *stage_reset(void)
{
	memset(fz.stage, 0, fz.stage_dirty);
	fz.stage_dirty = 0;
	return fz.stage;
}

static void stage_touch(uint32_t end)
{
	if (end > fz.stage_dirty)
		fz.stage_dirty = end < ARENA_LEN ? end : ARENA_LEN;
}

static void build(struct rpc *r, struct file *f, const struct cmd_desc *d,
		  uint16_t opcode)
{
	uint8_t *in = stage_reset();

	memset(r, 0, sizeof(*r));
	r->f = f;
	r->desc = d;
	r->inlen = r->built = d->inlen;
	r->outlen = d->outlen < HDR ? HDR : d->outlen;
	set(in, F(create_eq_in, opcode), opcode);
	if (d->build)
		d->build(r, in);
	if (r->built > r->inlen)
		r->inlen = r->built;
	stage_touch(r->inlen);
}

static void mut_note(struct rpc *r, const char *what)
{
	size_t n = strlen(r->muts);

	snprintf(r->muts + n, sizeof(r->muts) - n, " %s", what);
}

/* A new length: near the old one, small, large, at or past a limit. */
static uint32_t mutate_len(uint32_t len, uint32_t max)
{
	switch (below(10)) {
	case 0:
		return below(HDR);
	case 1:
		return len + 1 + below(64);
	case 2:
		return len > HDR ? HDR + below(len - HDR) : HDR;
	case 3:
		return len + below(4 * PAGE);
	case 4:
		return chance(50) ? max : max + 1;
	case 5:
		return chance(70) ? HDR + below(max - HDR) : interesting32();
	case 6:
		return (len + 511) / 512 * 512 + 16 - below(2);	/* mailboxes */
	default:
		return len ^ (1u << below(12));
	}
}

static void mutate(struct rpc *r, uint32_t max_len)
{
	uint8_t *in = fz.stage;
	uint32_t n = chance(35) ? 0 : 1 + below(4), pos, span;
	struct file *o;

	/* the kernel must overwrite whatever uid the header carries */
	if (chance(50)) {
		set(in, F(create_eq_in, uid), (uint16_t)rnd());
		mut_note(r, "uid");
	}
	while (n--) {
		span = r->inlen < ARENA_LEN && r->inlen > r->built ? r->inlen :
		       r->built;
		switch (below(11)) {
		case 0:
			pos = chance(50) ? below(HDR) : below(span);
			in[pos] ^= 1 << below(8);
			mut_note(r, "flip");
			break;
		case 1:
			pos = below(span);
			in[pos] = (uint8_t)interesting32();
			mut_note(r, "byte");
			break;
		case 2:
			pos = below(span / 4) * 4;
			put_be32(in + pos, interesting32());
			mut_note(r, "dword");
			break;
		case 3:
			set(in, F(create_eq_in, op_mod),
			    chance(50) ? below(8) : (uint16_t)rnd());
			mut_note(r, "op_mod");
			break;
		case 4:
			set(in, F(create_eq_in, opcode),
			    chance(50) ? cmds[below(ARRAY_SIZE(cmds))].opcode :
			    chance(50) ? random_rule()->opcode :
			    (uint16_t)rnd());
			mut_note(r, "opcode");
			break;
		case 5:
			r->inlen = mutate_len(r->inlen, max_len);
			mut_note(r, "inlen");
			break;
		case 6:
			r->outlen = mutate_len(r->outlen, max_len);
			mut_note(r, "outlen");
			break;
		case 7: {
			const struct idref *ref = &r->desc->refs[below(2)];
			uint32_t id;

			o = other_file(r->f);
			if (ref->type && o && pool_pick(o, ref->type, &id)) {
				set_at(in, ref->fld, ref->base, id);
				mut_note(r, "swap");
			}
			break;
		}
		case 8:
			/* header reserved bytes, or bytes past the layout */
			pos = chance(50) ? 4 + below(2) : r->built + below(64);
			in[pos] |= 1 << below(8);
			stage_touch(pos + 1);
			mut_note(r, "reserved");
			break;
		case 9:
			if (!fz.hist_len)
				break;
			pos = below(fz.hist_len);
			span = 1 + below(fz.hist_len - pos);
			memcpy(in + below(span > r->built ? 1 : r->built - span + 1),
			       fz.hist + pos, span);
			stage_touch(r->built > span ? r->built : span);
			mut_note(r, "splice");
			break;
		default:
			/* random bytes past the built part, in the length */
			pos = r->built + below(32);
			for (span = below(16); span--; pos++)
				in[pos] = (uint8_t)rnd();
			stage_touch(pos);
			mut_note(r, "tail");
			break;
		}
	}
	/* flips and bytes may have landed anywhere in the length */
	stage_touch((r->inlen > r->built ? r->inlen : r->built) + 64);
}

static enum ptr_mode pick_ptr(bool out)
{
	static const uint8_t in_modes[] = {
		P_AT_END, P_UNALIGNED, P_OVERRUN, P_NULL, P_NONE, P_KERNEL,
	};
	static const uint8_t out_modes[] = {
		P_AT_END, P_UNALIGNED, P_OVERRUN, P_NULL, P_NONE, P_RO,
		P_KERNEL,
	};

	if (chance(92))
		return P_NORMAL;
	return out ? out_modes[below(ARRAY_SIZE(out_modes))] :
		     in_modes[below(ARRAY_SIZE(in_modes))];
}

/*
 * Where a buffer of @len bytes goes for @mode: into @arena (ARENA_LEN
 * bytes, a guard page after it), or a bad address.  *ok says whether all
 * of it is accessible.
 */
static uint8_t *place(uint8_t *arena, enum ptr_mode *mode, uint32_t len,
		      uint32_t *overrun, bool *ok)
{
	uint8_t *end = arena + ARENA_LEN;

	*ok = false;
	if (len > ARENA_LEN - PAGE && *mode <= P_OVERRUN)
		*mode = P_NORMAL;	/* the kernel refuses the length first */
	if (!len && *mode == P_OVERRUN)
		*mode = P_NONE;		/* nothing to run past the end */
	switch (*mode) {
	case P_NORMAL:
		*ok = len <= ARENA_LEN;
		return arena;
	case P_AT_END:
		*ok = true;
		return end - len;
	case P_UNALIGNED:
		*ok = true;
		return arena + 1 + below(15);
	case P_OVERRUN:
		*overrun = 1 + below(len < PAGE ? len : PAGE);
		return end - len + *overrun;
	case P_NULL:
		return NULL;
	case P_NONE:
		return bad_ptr();
	case P_RO:
		*ok = false;
		return fz.ro_page;
	default:
		return KERNEL_PTR;
	}
}

/* The context an RPC runs as: the file's, or its fwctl scope's */
static uint16_t rpc_uid(const struct rpc *r)
{
	return r->f->abi == ABI_FW && r->scope < NSCOPES ?
	       r->f->scope_uid[r->scope] : r->f->uid;
}

static uint32_t rpc_caps(const struct rpc *r)
{
	return r->f->abi == ABI_FW && r->scope < NSCOPES ?
	       r->f->scope_caps[r->scope] : r->f->caps;
}

static bool policy_syndrome(uint32_t synd)
{
	return synd == CXFW_SYND_KERNEL_UID_REQUIRED ||
	       synd == CXFW_SYND_TOOLS_RESOURCES_REQUIRED ||
	       synd == CXFW_SYND_SCOPE_DENIED;
}

/*
 * What the policy lets this context do: the firmware must refuse what it
 * forbids (with the verdict's syndrome, unless an earlier check failed)
 * and may not refuse on policy grounds what it allows.
 */
static void judge_policy(struct rpc *r, const uint8_t *in, uint8_t status,
			 uint32_t synd)
{
	uint16_t opcode = get(in, F(create_eq_in, opcode));
	uint16_t op_mod = get(in, F(create_eq_in, op_mod));
	uint32_t v = cxfw_policy_verdict(cxfw_policy_command(opcode, op_mod),
					 false, rpc_caps(r));

	if (v && status == ST_OK)
		finding(F_PRIVILEGE, "opcode 0x%x op_mod 0x%x succeeded for uid %u (caps 0x%x), the policy refuses it (0x%08x)",
			opcode, op_mod, rpc_uid(r), rpc_caps(r), v);
	if (status == ST_BAD_PARAM && policy_syndrome(synd) && synd != v)
		finding(F_PRIVILEGE, "opcode 0x%x op_mod 0x%x refused with 0x%08x for caps 0x%x, the policy's verdict is 0x%08x",
			opcode, op_mod, synd, rpc_caps(r), v);
	if (opcode == CXFW_OP_ACCESS_REG && status == ST_OK && !v) {
		uint16_t id = get(in, F(access_register_in, register_id));

		v = cxfw_policy_register_verdict(cxfw_policy_register(id),
						 op_mod == 0, false,
						 rpc_caps(r));
		if (v)
			finding(F_PRIVILEGE, "ACCESS_REG %s of register 0x%x succeeded, the policy refuses it",
				op_mod ? "read" : "write", id);
	}
}

/*
 * The output oracle for a delivered RPC, then the model: what the command
 * created or destroyed.
 */
static void judge_output(struct rpc *r, const uint8_t *in, const uint8_t *out)
{
	uint8_t status = get(out, F(query_pages_out, status));
	uint32_t synd = get(out, F(query_pages_out, syndrome));
	const struct cmd_desc *d = desc_of(get(in, F(create_eq_in, opcode)));
	const uint8_t *mkc = in + MKC_BASE / 8;
	struct file *f = r->f;
	uint32_t i, id;
	bool known = false, mine;
	struct obj o;

	r->out = out;
	fz.st.status[status]++;
	if (!status_name(status))
		finding(F_OUTPUT, "status 0x%x is no PRM status", status);
	if (status == ST_OK && synd)
		finding(F_OUTPUT, "status OK with syndrome 0x%08x", synd);
	for (i = 0; i < ARRAY_SIZE(syndromes); i++)
		known |= syndromes[i].synd == synd &&
			 syndromes[i].status == status;
	if (status != ST_OK && !known)
		finding(F_OUTPUT, "status 0x%x with syndrome 0x%08x: not in cxfw-syndromes.def",
			status, synd);
	if (out[1] || out[2] || out[3])
		finding(F_OUTPUT, "reserved output header bytes 1-3 not zero");
	if (status != ST_OK) {
		for (i = 8; i < r->outlen && !out[i]; i++)
			;
		if (i < r->outlen)
			finding(F_OUTPUT, "failed command (status 0x%x) with output byte %u not zero",
				status, i);
	}
	if (synd == CXFW_SYND_UID_UNKNOWN)
		finding(F_PRIVILEGE, "UID_UNKNOWN: the header did not carry the file's uid");
	judge_policy(r, in, status, synd);
	if (status != ST_OK || !d)
		return;

	/* the ids it named must be the context's own */
	for (i = 0; i < 2 && d->refs[i].type && !f->tainted; i++) {
		if (d->refs[i].fld == FLD(create_mkey_in, mkey_umem_id) &&
		    !get(in, F(create_mkey_in, mkey_umem_valid)))
			continue;
		id = get_at(in, d->refs[i].fld, d->refs[i].base);
		mine = d->refs[i].type == OBJ_UID ?
		       id == 0 || id == rpc_uid(r) :
		       owns(f, d->refs[i].type, id);
		if (!mine)
			finding(F_PRIVILEGE, "%s of id 0x%x (type %u) the context does not own succeeded",
				d->name, id, d->refs[i].type);
	}
	if (d->opcode == CXFW_OP_QUERY_UCTX && r->outlen >= SZ_query_uctx_out &&
	    (get(out, F(query_uctx_out, uid)) != rpc_uid(r) ||
	     get(out, F(query_uctx_out, cap)) != rpc_caps(r)))
		finding(F_PRIVILEGE, "QUERY_UCTX answered uid %u cap 0x%x to uid %u cap 0x%x",
			get(out, F(query_uctx_out, uid)),
			get(out, F(query_uctx_out, cap)), rpc_uid(r),
			rpc_caps(r));

	if (d->opcode == CXFW_OP_ACCESS_REG &&
	    get(in, F(access_register_in, register_id)) == REG_RESOURCE_DUMP &&
	    r->outlen >= HDR + RESOURCE_DUMP_LEN) {
		memcpy(f->dump_reply, out + HDR, RESOURCE_DUMP_LEN);
		f->have_reply = true;
	}

	/* the model */
	if (d->destroys)
		obj_del(f, d->refs[0].type,
			get_at(in, d->refs[0].fld, d->refs[0].base));
	if (d->creates) {
		id = get(out, fields[d->out_id]);
		for (i = 0; i < NFILES; i++)
			if (fz.files[i].fd >= 0 && !fz.files[i].tainted &&
			    owns(&fz.files[i], d->creates, id))
				finding(F_PRIVILEGE, "%s handed out id 0x%x, which file %u owns",
					d->name, id, i);
		o = (struct obj){ .type = d->creates, .id = id };
		if (d->creates == OBJ_MKEY) {
			o.umem = get(in, F(create_mkey_in, mkey_umem_id));
			o.variant = get(mkc, F(mkc, mkey_7_0));
			o.start = get_be64(mkc + BYTE(mkc, start_addr));
			o.len = get_be64(mkc + BYTE(mkc, len));
		}
		obj_add(f, &o);
	}
}

/*
 * Places for the input and output, good or bad; the staged input copied to
 * its place, the output's place poisoned.
 */
static void place_buffers(struct rpc *r)
{
	uint32_t n;

	r->in_mode = pick_ptr(false);
	r->out_mode = pick_ptr(true);
	r->inp = place(fz.in_arena, &r->in_mode, r->inlen, &r->in_overrun,
		       &r->in_ok);
	r->outp = place(fz.out_arena, &r->out_mode, r->outlen,
			&r->out_overrun, &r->out_ok);
	if (r->inp && r->in_mode == P_OVERRUN)
		memcpy(r->inp, fz.stage, r->inlen - r->in_overrun);
	else if (r->in_ok)
		memcpy(r->inp, fz.stage, r->inlen);
	if (r->out_ok)
		memset(r->outp, 0xa5, r->outlen < 64 ? r->outlen : 64);
	n = r->built < sizeof(fz.hist) ? r->built : sizeof(fz.hist);
	memcpy(fz.hist, fz.stage, n);
	fz.hist_len = n;
}

static void trace(const char *what, int ret)
{
	const struct rpc *r = &fz.cur;

	if (!fz.verbose)
		return;
	printf("# %ld %s file %ld: opcode 0x%x in %u out %u%s -> %s",
	       fz.it, what, r->f ? (long)(r->f - fz.files) : -1L,
	       get(fz.stage, F(create_eq_in, opcode)), r->inlen, r->outlen,
	       r->muts, err_name(ret));
	if (!ret && r->out)
		printf(" status 0x%x syndrome 0x%08x",
		       get(r->out, F(query_pages_out, status)),
		       get(r->out, F(query_pages_out, syndrome)));
	putchar('\n');
}

/* An argument struct's place: its buffer, or a bad or read-only one. */
static void *place_arg(struct rpc *r, const void *arg, size_t len)
{
	if (chance(97)) {
		r->arg_mode = P_NORMAL;
		return (void *)arg;
	}
	r->arg_mode = (const enum ptr_mode[]){ P_NULL, P_NONE, P_KERNEL,
					       P_RO }[below(4)];
	if (r->arg_mode == P_NULL)
		return NULL;
	if (r->arg_mode == P_NONE)
		return bad_ptr();
	if (r->arg_mode == P_KERNEL)
		return KERNEL_PTR;
	mprotect(fz.ro_page, PAGE, PROT_READ | PROT_WRITE);
	memcpy(fz.ro_page, arg, len);
	mprotect(fz.ro_page, PAGE, PROT_READ);
	return fz.ro_page;
}

/*
 * The canary: a page that a file of its own registered (so it stays
 * pinned where it is), its bus address from /proc/self/pagemap (the test
 * guest has no IOMMU: bus address = physical).  Raw CREATE_UMEMs of the
 * fuzzed files sometimes name it; the device must never write it for them.
 */
static void canary_setup(void)
{
	struct mlx5ctl_umem_reg reg = { .len = PAGE };
	uint64_t ent = 0;
	int pm;

	fz.canary_fd = -1;
	if (!fz.canary)
		return;
	memset(fz.canary, CANARY_BYTE, PAGE);
	reg.addr = (uintptr_t)fz.canary;
	fz.canary_fd = open(fz.ctl_path, O_RDWR | O_CLOEXEC);
	if (fz.canary_fd < 0 ||
	    ioctl(fz.canary_fd, MLX5CTL_IOCTL_UMEM_REG, &reg)) {
		diag("no canary page: %s", strerror(errno));
		if (fz.canary_fd >= 0)
			close(fz.canary_fd);
		fz.canary_fd = -1;
		return;
	}
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm >= 0 && pread(pm, &ent, 8, reg.addr / PAGE * 8) == 8 &&
	    ent >> 63)
		fz.canary_bus = (ent & ((1ull << 55) - 1)) * PAGE;
	if (pm >= 0)
		close(pm);
	diag("canary page at bus address 0x%llx (registered by a file of its own)",
	     (unsigned long long)fz.canary_bus);
}

static void canary_check(void)
{
	uint32_t i;

	if (!fz.canary_bus || fz.child)
		return;
	for (i = 0; i < PAGE && fz.canary[i] == CANARY_BYTE; i++)
		;
	if (i == PAGE)
		return;
	finding(F_PRIVILEGE, "the device wrote the canary (byte %u = 0x%02x), a page another file registered, at bus address 0x%llx that a raw CREATE_UMEM named",
		i, fz.canary[i], (unsigned long long)fz.canary_bus);
	memset(fz.canary, CANARY_BYTE, PAGE);
}

static void canary_close(void)
{
	if (fz.canary_fd >= 0)
		close(fz.canary_fd);
	fz.canary_fd = -1;
}

/*
 * After an RPC: the errno oracle, the output oracle when delivered.  When
 * a command that creates or destroys objects ran (@executes) but its
 * answer was lost, or the device failed, the model no longer knows what
 * the file owns: the file is tainted, and not judged on ownership again.
 */
static void finish(struct rpc *r, enum ioc ioc, int ret, int want,
		   bool executes, const char *what)
{
	const struct cmd_desc *d = desc_of(get(fz.stage,
					       F(create_eq_in, opcode)));

	check_errno_of(ioc, ret, want);
	if (!ret && r->out_ok)
		judge_output(r, fz.stage, r->outp);
	if (!ret && d && d->opcode == CXFW_OP_ACCESS_REG)
		canary_check();		/* dumps write through keys */
	else if (((ret == -EFAULT && executes) || device_error(ret)) &&
		 d && (d->creates || d->destroys))
		r->f->tainted = true;
	trace(what, ret);
}

/* One RPC through MLX5CTL_IOCTL_CMDRPC */
static void send_ctl(struct rpc *r)
{
	struct mlx5ctl_cmdrpc c;
	bool executes = false;
	void *argp;
	int ret, want;

	place_buffers(r);
	c = (struct mlx5ctl_cmdrpc){
		.in = (uintptr_t)r->inp, .out = (uintptr_t)r->outp,
		.inlen = r->inlen, .outlen = r->outlen,
	};
	argp = place_arg(r, &c, sizeof(c));

	if (r->arg_mode != P_NORMAL && r->arg_mode != P_RO)
		want = -EFAULT;
	else if (r->inlen < HDR || r->inlen > CTL_MAX_LEN ||
		 r->outlen < HDR || r->outlen > CTL_MAX_LEN)
		want = -EINVAL;
	else if (!r->in_ok)
		want = -EFAULT;
	else if (!cxfw_policy_raw_rpc(cxfw_policy_command(
			get(fz.stage, F(create_eq_in, opcode)),
			get(fz.stage, F(create_eq_in, op_mod)))))
		want = -EPERM;	/* kernel-mediated: UMEM_REG's to send */
	else {
		executes = true;	/* then the output goes back */
		want = r->out_ok ? 0 : -EFAULT;
	}

	ret = ioctl(r->f->fd, MLX5CTL_IOCTL_CMDRPC, argp) ? -errno : 0;
	finish(r, IOC_CMDRPC, ret, want, executes, "CMDRPC");
}

/* One RPC through FWCTL_RPC */
static void send_fw(struct rpc *r)
{
	struct fwctl_rpc *c = (struct fwctl_rpc *)fz.arg;
	uint16_t opcode = get(fz.stage, F(create_eq_in, opcode));
	uint16_t op_mod = get(fz.stage, F(create_eq_in, op_mod));
	bool executes = false;
	void *argp;
	int ret, want;

	place_buffers(r);

	/* the struct: mostly its own size, sometimes shorter or longer */
	r->size = FWCTL_RPC_SIZE;
	if (chance(3))
		r->size = chance(50) ? below(FWCTL_RPC_SIZE) :
			  FWCTL_RPC_SIZE + 1 + below(PAGE - FWCTL_RPC_SIZE);
	memset(fz.arg, 0, 2 * PAGE);
	*c = (struct fwctl_rpc){
		.size = r->size, .scope = r->scope,
		.in_len = r->inlen, .out_len = r->outlen,
		.in = (uintptr_t)r->inp, .out = (uintptr_t)r->outp,
	};
	if (r->size > FWCTL_RPC_SIZE && chance(50)) {
		fz.arg[FWCTL_RPC_SIZE + below(r->size - FWCTL_RPC_SIZE)] = 1;
		r->tail_dirty = true;
	}
	argp = place_arg(r, c, sizeof(*c));

	if (r->arg_mode != P_NORMAL && r->arg_mode != P_RO)
		want = -EFAULT;
	else if (r->size < FWCTL_RPC_SIZE)
		want = -EINVAL;
	else if (r->tail_dirty && r->arg_mode == P_NORMAL)
		want = -E2BIG;
	else if (r->inlen > FWCTL_MAX_LEN || r->outlen > FWCTL_MAX_LEN)
		want = -EMSGSIZE;
	else if (r->scope > FWCTL_RPC_DEBUG_WRITE_FULL)
		want = -EOPNOTSUPP;
	else if (r->scope == FWCTL_RPC_DEBUG_WRITE_FULL && !fz.rawio)
		want = -EPERM;
	else if (r->inlen && !r->in_ok)
		want = -EFAULT;
	else if (r->inlen < HDR || r->outlen < HDR)
		want = -EMSGSIZE;
	else if (!fwctl_allowed(opcode, op_mod, r->scope))
		want = -EBADMSG;
	else {
		executes = true;	/* then the output and the struct go back */
		want = r->out_ok && r->arg_mode == P_NORMAL ? 0 : -EFAULT;
	}

	ret = ioctl(r->f->fd, FWCTL_RPC, argp) ? -errno : 0;
	if (r->scope == FWCTL_RPC_DEBUG_WRITE_FULL && !fz.rawio &&
	    ret == -EPERM)
		fz.st.wf_eperm++;
	if (!ret && c->out_len != r->outlen)
		finding(F_OUTPUT, "FWCTL_RPC returned out_len %u for %u",
			c->out_len, r->outlen);
	finish(r, IOC_FWCTL_RPC, ret, want, executes, "FWCTL_RPC");
}

static struct file *pick_file(enum abi abi)
{
	int base = abi == ABI_CTL ? 0 : NCTL, n = abi == ABI_CTL ? NCTL : NFW;
	struct file *f = &fz.files[base + below(n)];

	return f->fd < 0 ? NULL : f;
}

static uint32_t pick_scope(void)
{
	if (chance(3))
		return chance(50) ? 4 + below(4) : (uint32_t)rnd();
	return below(4);
}

/* A command for @f: a table row, a policy row or a made-up opcode */
static void build_any(struct rpc *r, struct file *f)
{
	uint32_t p = below(100);
	uint16_t opcode;

	if (f->abi == ABI_FW && p < 50) {
		/* the allow-list's rows, so that many get through */
		const CxfwPolicyRule *rule = random_rule();
		const struct cmd_desc *d = desc_of(rule->opcode);

		build(r, f, d ? d : &other_cmd, rule->opcode);
		if (rule->op_mod != CXSIM_OP_MOD_ANY)
			set(fz.stage, F(create_eq_in, op_mod), rule->op_mod);
		if (!d)
			r->outlen = HDR + below(PAGE);
		return;
	}
	if (p < 90) {
		const struct cmd_desc *d = &cmds[below(ARRAY_SIZE(cmds))];

		build(r, f, d, d->opcode);
		return;
	}
	opcode = p < 95 ? random_rule()->opcode :
		 (uint16_t)rnd();
	build(r, f, desc_of(opcode) ? desc_of(opcode) : &other_cmd, opcode);
}

static void op_rpc(enum abi abi)
{
	struct file *f = pick_file(abi);
	struct rpc *r = &fz.cur;

	if (!f)
		return;
	build_any(r, f);
	if (abi == ABI_FW)
		r->scope = pick_scope();
	mutate(r, abi == ABI_CTL ? CTL_MAX_LEN : FWCTL_MAX_LEN);
	if (abi == ABI_CTL)
		send_ctl(r);
	else
		send_fw(r);
}

/* Well-formed chains that reach deeper states: keys over umems, EQs. */
static void send_desc(struct file *f, const struct cmd_desc *d, bool mutated)
{
	struct rpc *r = &fz.cur;

	build(r, f, d, d->opcode);
	if (mutated)
		mutate(r, CTL_MAX_LEN);
	send_ctl(r);
}

static void send_plain(struct file *f, uint16_t opcode, bool mutated)
{
	send_desc(f, desc_of(opcode), mutated);
}

/*
 * A raw CREATE_UMEM (of made-up bus addresses, or the canary's), a key
 * over its first page and a dump through the key: the device must not
 * write anywhere the kernel did not register for the context.
 */
static void chain_raw_umem(struct file *f, bool mutated)
{
	struct rpc *r = &fz.cur;
	const struct obj *u;
	uint8_t *mkc = fz.stage + MKC_BASE / 8;

	send_plain(f, CXFW_OP_CREATE_UMEM, false);
	u = obj_newest(f, OBJ_UMEM);
	if (!u)
		return;
	send_plain(f, CXFW_OP_ALLOC_PD, false);
	build(r, f, desc_of(CXFW_OP_CREATE_MKEY), CXFW_OP_CREATE_MKEY);
	set(fz.stage, F(create_mkey_in, mkey_umem_id), u->id);
	put_be64(mkc + BYTE(mkc, start_addr), (rnd() & 0xffffffff) * PAGE);
	put_be64(mkc + BYTE(mkc, len), PAGE);
	put_be64(fz.stage + BYTE(create_mkey_in, mkey_umem_offset), 0);
	if (mutated)
		mutate(r, CTL_MAX_LEN);
	send_ctl(r);
	send_desc(f, &dump_cmd, false);
}

static void op_chain(void)
{
	struct file *f = pick_file(ABI_CTL);
	bool m = chance(30);

	if (!f)
		return;
	switch (below(4)) {
	case 0:
		if (!f->nkum)
			break;
		send_plain(f, CXFW_OP_ALLOC_PD, false);
		send_plain(f, CXFW_OP_CREATE_MKEY, m);
		send_plain(f, CXFW_OP_QUERY_MKEY, false);
		while (chance(60))
			send_desc(f, &dump_cmd, m);	/* dumps into it */
		break;
	case 1:
		send_plain(f, CXFW_OP_ALLOC_UAR, false);
		send_plain(f, CXFW_OP_CREATE_EQ, m);
		send_plain(f, CXFW_OP_QUERY_EQ, false);
		break;
	case 2:
		chain_raw_umem(f, m);
		break;
	default:
		send_plain(f, CXFW_OP_CREATE_UMEM, m);
		send_plain(f, CXFW_OP_QUERY_UMEM, false);
		send_plain(f, chance(50) ? CXFW_OP_DESTROY_UMEM :
			   CXFW_OP_DESTROY_MKEY, false);
		break;
	}
}

/* fz.cur, cleared, for an ioctl on @f that sends no command */
static struct rpc *ioctl_on(struct file *f)
{
	memset(&fz.cur, 0, sizeof(fz.cur));
	fz.cur.f = f;
	return &fz.cur;
}

/* User memory */

/*
 * The unmapped page of the arena is still unmapped, unless a mapping of
 * the program's (libc's) took its place: then it is ordinary memory.
 */
static bool hole_unmapped(void)
{
	static bool told;
	unsigned char v;

	if (mincore(fz.umem + HOLE_PG * PAGE, PAGE, &v) && errno == ENOMEM)
		return true;
	if (!told)
		diag("the arena's unmapped page got mapped at iteration %ld: ordinary memory from now on",
		     fz.it);
	told = true;
	return false;
}

/* Whether [addr, addr + len) is writable memory of the arena. */
static bool umem_range_ok(uintptr_t addr, uint64_t len)
{
	uintptr_t base = (uintptr_t)fz.umem;
	uint64_t first, last, pg;

	if (addr < base || addr + len > base + UMEM_ARENA)
		return false;
	first = (addr - base) / PAGE;
	last = (addr + len - 1 - base) / PAGE;
	for (pg = first; pg <= last; pg++)
		if ((pg == HOLE_PG && hole_unmapped()) || pg == RO_PG ||
		    pg == NONE_PG)
			return false;
	return true;
}

static void op_umem_reg(void)
{
	struct file *f = pick_file(ABI_CTL);
	struct mlx5ctl_umem_reg reg = { 0 };
	struct rpc *r;
	uint32_t p = below(100);
	uintptr_t base = (uintptr_t)fz.umem;
	void *argp;
	int ret, want;

	if (!f)
		return;
	r = ioctl_on(f);
	reg.addr = base + below(UMEM_ARENA);
	if (p < 60)
		reg.len = 1 + below(16 * 1024);
	else if (p < 85)
		reg.len = 1 + below(256 * 1024);
	else if (p < 90)
		reg.len = 1 + below(UMEM_ARENA);
	else
		reg.len = (uint64_t[]){ 0, UMEM_MAX, UMEM_MAX + 1,
					~0ull - below(PAGE) }[below(4)];
	if (chance(5))
		reg.addr = (uint64_t[]){ 0, (uintptr_t)bad_ptr(),
					 (uintptr_t)fz.ro_page,
					 (uintptr_t)KERNEL_PTR,
					 ~0ull - below(PAGE) }[below(5)];
	if (chance(3))
		reg.reserved = interesting32() | 1;
	if (f->nkum == MAX_KUM && !reg.reserved)
		return;			/* keep the pinned memory bounded */
	reg.umem_id = 0xdeadbeef;
	argp = place_arg(r, &reg, sizeof(reg));

	if (r->arg_mode != P_NORMAL && r->arg_mode != P_RO)
		want = -EFAULT;
	else if (reg.reserved)
		want = -EOPNOTSUPP;
	else if (!reg.len || reg.len > UMEM_MAX ||
		 reg.addr + reg.len < reg.addr ||
		 reg.addr + reg.len > 0x7ffffffff000ull)
		want = -EINVAL;
	else if (!umem_range_ok(reg.addr, reg.len))
		want = -EFAULT;
	else	/* registered; a read-only struct loses the id: undone */
		want = r->arg_mode == P_RO ? -EFAULT : 0;

	snprintf(r->muts, sizeof(r->muts), " range 0x%llx+%llu (arena 0x%lx)",
		 (unsigned long long)reg.addr, (unsigned long long)reg.len,
		 (unsigned long)base);
	ret = ioctl(f->fd, MLX5CTL_IOCTL_UMEM_REG, argp) ? -errno : 0;
	check_errno_of(IOC_UMEM_REG, ret, want);
	if (!ret) {
		for (int i = 0; i < NFILES; i++)
			if (fz.files[i].fd >= 0 &&
			    owns(&fz.files[i], OBJ_UMEM, reg.umem_id))
				finding(F_PRIVILEGE, "UMEM_REG returned umem 0x%x, which file %d owns",
					reg.umem_id, i);
		if (f->nkum < MAX_KUM)
			f->kum[f->nkum++] = (struct kumem){
				reg.umem_id, reg.addr, reg.len, 0, false,
			};
	}
	if (fz.verbose)
		printf("# %ld UMEM_REG file %ld: 0x%llx+%llu -> %s id 0x%x\n",
		       fz.it, (long)(f - fz.files),
		       (unsigned long long)reg.addr,
		       (unsigned long long)reg.len, err_name(ret),
		       reg.umem_id);
}

static void op_umem_unreg(void)
{
	struct file *f = pick_file(ABI_CTL), *o;
	struct mlx5ctl_umem_unreg u = { 0 };
	struct rpc *r;
	struct kumem *k = NULL;
	void *argp;
	int ret, want;

	if (!f)
		return;
	r = ioctl_on(f);
	if (chance(70) && f->nkum)
		k = &f->kum[below(f->nkum)];
	if (k)
		u.umem_id = k->id;
	else if (chance(30) && (o = other_file(f)) && o->nkum)
		u.umem_id = o->kum[below(o->nkum)].id;
	else
		u.umem_id = pick_id(f, OBJ_UMEM);
	k = kum_find(f, u.umem_id);
	if (chance(3))
		u.reserved = interesting32() | 1;
	argp = place_arg(r, &u, sizeof(u));

	if (r->arg_mode != P_NORMAL && r->arg_mode != P_RO)
		want = -EFAULT;
	else if (u.reserved)
		want = -EOPNOTSUPP;
	else if (!k)
		want = -ENOENT;
	else if (k->mkeys)
		want = -EBUSY;
	else
		want = 0;	/* also when a raw DESTROY_UMEM took it first */
	ret = ioctl(f->fd, MLX5CTL_IOCTL_UMEM_UNREG, argp) ? -errno : 0;
	/* what the model cannot know of a tainted file: its keys */
	if (f->tainted && k && (want == 0 || want == -EBUSY) &&
	    (ret == 0 || ret == -EBUSY))
		want = ret;
	check_errno_of(IOC_UMEM_UNREG, ret, want);
	if (!ret && k)
		kum_del(f, k);
	if (fz.verbose)
		printf("# %ld UMEM_UNREG file %ld: 0x%x -> %s\n", fz.it,
		       (long)(f - fz.files), u.umem_id, err_name(ret));
}

/* Files */

static int info_ctl(struct file *f, struct mlx5ctl_info *inf)
{
	memset(inf, 0xa5, sizeof(*inf));
	return ioctl(f->fd, MLX5CTL_IOCTL_INFO, inf) ? -errno : 0;
}

static int info_fw(struct file *f, struct fwctl_info_mlx5 *data)
{
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(*data),
		.out_device_data = (uintptr_t)data,
	};

	memset(data, 0xa5, sizeof(*data));
	if (ioctl(f->fd, FWCTL_INFO, &info))
		return -errno;
	return info.out_device_type == FWCTL_DEVICE_TYPE_MLX5 ? 0 : -EPROTO;
}

/* The file's uid and caps, from INFO */
static int file_info(struct file *f, uint16_t *uid, uint32_t *caps)
{
	struct mlx5ctl_info inf;
	struct fwctl_info_mlx5 data;
	int ret;

	if (f->abi == ABI_CTL) {
		ret = info_ctl(f, &inf);
		*uid = inf.uctx_uid;
		*caps = inf.uctx_cap;
		if (!ret && !fz.rawio &&
		    (inf.uctx_cap & CXFW_UCTX_CAP_INTERNAL_DEV_RES))
			finding(F_CHILD, "a file opened without CAP_SYS_RAWIO has INTERNAL_DEV_RES (caps 0x%x)",
				inf.uctx_cap);
		return ret;
	}
	ret = info_fw(f, &data);
	*uid = data.uid;
	*caps = data.uctx_caps;
	return ret;
}

/*
 * A well-formed 16-byte command with a random header uid, at @scope for
 * an fwctl file; false (and a finding) unless delivered with status OK.
 */
static bool probe_rpc(struct file *f, uint16_t opcode, uint32_t scope,
		      uint8_t *out, uint32_t outlen)
{
	uint8_t in[HDR] = { 0 };
	int ret;

	set(in, F(create_eq_in, opcode), opcode);
	set(in, F(create_eq_in, uid), (uint16_t)rnd());
	memset(out, 0xa5, outlen);
	if (f->abi == ABI_CTL) {
		struct mlx5ctl_cmdrpc c = {
			.in = (uintptr_t)in, .out = (uintptr_t)out,
			.inlen = HDR, .outlen = outlen,
		};

		ret = ioctl(f->fd, MLX5CTL_IOCTL_CMDRPC, &c) ? -errno : 0;
	} else {
		struct fwctl_rpc c = {
			.size = sizeof(c), .scope = scope,
			.in_len = HDR, .out_len = outlen,
			.in = (uintptr_t)in, .out = (uintptr_t)out,
		};

		ret = ioctl(f->fd, FWCTL_RPC, &c) ? -errno : 0;
	}
	if (ret || get(out, F(query_pages_out, status)) != ST_OK) {
		finding(F_PROBE, "file %ld uid %u: opcode 0x%x scope %u: %s, status 0x%x syndrome 0x%08x",
			(long)(f - fz.files), f->uid, opcode, scope,
			err_name(ret),
			ret ? 0 : get(out, F(query_pages_out, status)),
			ret ? 0 : get(out, F(query_pages_out, syndrome)));
		return false;
	}
	return true;
}

/* QUERY_UCTX of the context of @scope: its uid and caps */
static bool query_self(struct file *f, uint32_t scope, uint16_t *uid,
		       uint32_t *caps)
{
	uint8_t out[SZ_query_uctx_out];

	if (!probe_rpc(f, CXFW_OP_QUERY_UCTX, scope, out, sizeof(out)))
		return false;
	*uid = get(out, F(query_uctx_out, uid));
	*caps = get(out, F(query_uctx_out, cap));
	return true;
}

static void file_open(struct file *f)
{
	const char *path = f->abi == ABI_CTL ? fz.ctl_path : fz.fw_path;
	uint16_t uid;
	uint32_t caps, s;
	int ret;

	memset(f->scope_uid, 0, sizeof(f->scope_uid));
	f->nobjs = f->nkum = 0;
	f->tainted = f->have_reply = false;
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		finding(F_PROBE, "open %s: %s", path, strerror(errno));
		return;
	}
	ret = file_info(f, &uid, &caps);
	if (ret || !uid) {
		finding(F_PROBE, "INFO on a new file of %s: %s, uid %u", path,
			err_name(ret), uid);
		return;
	}
	f->uid = uid;
	f->caps = caps;
	for (s = 0; s < NSCOPES; s++) {
		f->scope_uid[s] = uid;
		f->scope_caps[s] = caps;
	}
	/* the other scopes' contexts (DEBUG_WRITE_FULL needs CAP_SYS_RAWIO) */
	for (s = 1; f->abi == ABI_FW && s < NSCOPES; s++)
		if (s < FWCTL_RPC_DEBUG_WRITE_FULL || fz.rawio)
			query_self(f, s, &f->scope_uid[s], &f->scope_caps[s]);
	for (int i = 0; i < NFILES; i++)
		for (s = 0; &fz.files[i] != f && fz.files[i].fd >= 0 &&
		     s < NSCOPES * NSCOPES; s++)
			if (fz.files[i].scope_uid[s / NSCOPES] ==
			    f->scope_uid[s % NSCOPES])
				finding(F_PRIVILEGE, "a new file got uid %u, which file %d has",
					f->scope_uid[s % NSCOPES], i);
}

static void file_close(struct file *f)
{
	if (f->fd >= 0 && close(f->fd))
		finding(F_END, "close: %s", strerror(errno));
	f->fd = -1;
	f->nobjs = f->nkum = 0;
}

static void op_reopen(void)
{
	struct file *f = &fz.files[below(NFILES)];

	memset(&fz.cur, 0, sizeof(fz.cur));
	if (fz.verbose)
		printf("# %ld reopen file %ld (uid %u, %d objects, %d umems)\n",
		       fz.it, (long)(f - fz.files), f->uid, f->nobjs, f->nkum);
	file_close(f);
	file_open(f);
}

/* Bad ioctl numbers and structs */
static void op_misc(void)
{
	struct file *f = &fz.files[below(NFILES)];
	struct fwctl_info *fi = (struct fwctl_info *)fz.arg;
	struct rpc *r;
	unsigned long cmd;
	void *argp;
	int ret, want;
	enum ioc ioc;

	if (f->fd < 0)
		return;
	r = ioctl_on(f);
	memset(fz.arg, 0, 2 * PAGE);
	switch (below(f->abi == ABI_CTL ? 3 : 4)) {
	case 0:		/* an unknown number of the driver's magic */
		cmd = f->abi == ABI_CTL ?
		      _IOC(below(4), MLX5CTL_IOCTL_MAGIC, 4 + below(252),
			   below(64)) :
		      _IOC(below(4), FWCTL_TYPE, chance(50) ? 2 + below(254) :
			   below(2), 8 + below(64));
		if (f->abi == ABI_FW &&
		    (cmd == FWCTL_INFO || cmd == FWCTL_RPC))
			return;
		ioc = IOC_OTHER;
		want = -ENOTTY;
		argp = fz.arg;
		break;
	case 1:		/* a known one with a bad argument */
		if (f->abi == ABI_CTL) {
			static const unsigned long cmds_ctl[] = {
				MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_CMDRPC,
				MLX5CTL_IOCTL_UMEM_REG,
				MLX5CTL_IOCTL_UMEM_UNREG,
			};
			static const enum ioc iocs[] = {
				IOC_INFO, IOC_CMDRPC, IOC_UMEM_REG,
				IOC_UMEM_UNREG,
			};
			unsigned int i = below(4);

			cmd = cmds_ctl[i];
			ioc = iocs[i];
		} else {
			cmd = chance(50) ? FWCTL_INFO : FWCTL_RPC;
			ioc = cmd == FWCTL_INFO ? IOC_FWCTL_INFO :
			      IOC_FWCTL_RPC;
		}
		argp = (void *[]){ NULL, bad_ptr(), KERNEL_PTR }[below(3)];
		want = -EFAULT;
		break;
	case 2:		/* INFO, which must tell the file's uid */
		if (f->abi == ABI_CTL) {
			struct mlx5ctl_info *inf = (struct mlx5ctl_info *)fz.arg;

			ret = ioctl(f->fd, MLX5CTL_IOCTL_INFO, inf) ? -errno : 0;
			check_errno_of(IOC_INFO, ret, 0);
			if (!ret && inf->uctx_uid != f->uid)
				finding(F_PRIVILEGE, "INFO says uid %u, the file has %u",
					inf->uctx_uid, f->uid);
			return;
		}
		/* FWCTL_INFO with its size, flags and device data varied */
		fi->size = FWCTL_INFO_SIZE;
		want = 0;
		switch (below(5)) {
		case 0:
			fi->flags = 1 << below(32);
			want = -EOPNOTSUPP;
			break;
		case 1:
			fi->size = below(FWCTL_INFO_SIZE);
			want = -EINVAL;
			break;
		case 2:
			fi->size = FWCTL_INFO_SIZE + 1 + below(64);
			if (chance(50)) {
				fz.arg[FWCTL_INFO_SIZE +
				       below(fi->size - FWCTL_INFO_SIZE)] = 1;
				want = -E2BIG;
			}
			break;
		case 3:
			fi->device_data_len = 1 + below(64);
			fi->out_device_data = (uintptr_t)bad_ptr();
			want = -EFAULT;
			break;
		default:
			fi->device_data_len = below(64);
			fi->out_device_data = (uintptr_t)(fz.arg + PAGE);
			break;
		}
		cmd = FWCTL_INFO;
		ioc = IOC_FWCTL_INFO;
		argp = fi;
		break;
	default:	/* FWCTL_RPC of a bad size, scope or pointer */
		build(r, f, desc_of(CXFW_OP_NOP), CXFW_OP_NOP);
		r->scope = pick_scope();
		mutate(r, FWCTL_MAX_LEN);
		send_fw(r);
		return;
	}
	ret = ioctl(f->fd, cmd, argp) ? -errno : 0;
	check_errno_of(ioc, ret, want);
	if (fz.verbose)
		printf("# %ld ioctl 0x%lx file %ld -> %s\n", fz.it, cmd,
		       (long)(f - fz.files), err_name(ret));
}

/* Health probes: INFO, NOP and QUERY_UCTX on every open file */
static void probe_file(struct file *f)
{
	uint8_t out[HDR];
	uint32_t scope = f->abi == ABI_CTL ? 0 :
			 FWCTL_RPC_DEBUG_READ_ONLY + below(fz.rawio ? 3 : 2);
	uint16_t uid;
	uint32_t caps;
	int ret;

	memset(&fz.cur, 0, sizeof(fz.cur));
	fz.st.probes++;
	ret = file_info(f, &uid, &caps);
	if (ret || uid != f->uid || caps != f->caps)
		finding(F_PROBE, "file %ld: INFO %s, uid %u caps 0x%x (was %u, 0x%x)",
			(long)(f - fz.files), err_name(ret), uid, caps, f->uid,
			f->caps);
	probe_rpc(f, CXFW_OP_NOP, FWCTL_RPC_DEBUG_READ_ONLY, out, sizeof(out));
	if (query_self(f, scope, &uid, &caps) &&
	    (uid != f->scope_uid[scope] || caps != f->scope_caps[scope]))
		finding(F_PROBE, "file %ld: QUERY_UCTX at scope %u: uid %u cap 0x%x, the context's uid %u cap 0x%x",
			(long)(f - fz.files), scope, uid, caps,
			f->scope_uid[scope], f->scope_caps[scope]);
}

static void probe_all(void)
{
	long pin;

	for (int i = 0; i < NFILES; i++)
		if (fz.files[i].fd >= 0)
			probe_file(&fz.files[i]);
	canary_check();
	pin = vm_pin_kb();
	if (!fz.child && pin != model_pin_kb())
		finding(F_PROBE, "VmPin %ld kB, the registered umems %ld kB",
			pin, model_pin_kb());
}

static bool time_up(void)
{
	if (!fz.child && fz.max_iters && fz.it >= fz.max_iters)
		return true;
	return fz.seconds > 0 && now() >= fz.deadline;
}

static void child_phase(void);

static void iteration(void)
{
	uint32_t p = below(100);

	if (p < 38)
		op_rpc(ABI_CTL);
	else if (p < 68)
		op_rpc(ABI_FW);
	else if (p < 76)
		op_chain();
	else if (p < 84)
		op_umem_reg();
	else if (p < 90)
		op_umem_unreg();
	else if (p < 96)
		op_misc();
	else
		op_reopen();
}

static void run(long iters)
{
	for (long n = 0; (!iters || n < iters) && !time_up(); n++) {
		if (fz.it % CHILD_EVERY == CHILD_EVERY / 2 && !fz.child)
			child_phase();
		if (fz.it % PROBE_EVERY == 0)
			probe_all();
		iteration();
		fz.it++;
		fz.st.iters++;
	}
}

static void open_all(void)
{
	for (int i = 0; i < NFILES; i++) {
		fz.files[i].abi = i < NCTL ? ABI_CTL : ABI_FW;
		file_open(&fz.files[i]);
	}
}

static void close_all(void)
{
	for (int i = 0; i < NFILES; i++)
		file_close(&fz.files[i]);
}

/*
 * The child: without CAP_SYS_RAWIO, DEBUG_WRITE_FULL on the parent's
 * fwctl files must answer EPERM; then it fuzzes files of its own (opened
 * without the capability) and closes them.  Its counts go back through a
 * pipe.
 */
static void child_phase(void)
{
	struct stats st;
	struct sigs sigs;
	int p[2], status;
	pid_t pid;

	fz.st.children++;
	fflush(stdout);
	if (pipe(p)) {
		finding(F_CHILD, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		memset(&fz.st, 0, sizeof(fz.st));
		memset(&fz.sigs, 0, sizeof(fz.sigs));
		fz.child = true;
		if (drop_cap(CAP_SYS_RAWIO)) {
			finding(F_CHILD, "dropping CAP_SYS_RAWIO failed");
		} else {
			fz.rawio = false;
			for (int i = NCTL; i < NFILES; i++) {
				struct rpc *r = &fz.cur;

				if (fz.files[i].fd < 0)
					continue;
				build(r, &fz.files[i], desc_of(CXFW_OP_NOP), CXFW_OP_NOP);
				r->scope = FWCTL_RPC_DEBUG_WRITE_FULL;
				send_fw(r);
			}
			/* the parent's files stay its own: new ones */
			for (int i = 0; i < NFILES; i++)
				fz.files[i].fd = -1;
			open_all();
			run(CHILD_ITERS);
			probe_all();
			close_all();
		}
		if (write(p[1], &fz.st, sizeof(fz.st)) != sizeof(fz.st) ||
		    write(p[1], &fz.sigs, sizeof(fz.sigs)) != sizeof(fz.sigs))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	memset(&st, 0, sizeof(st));
	memset(&sigs, 0, sizeof(sigs));
	if (pid < 0 || read(p[0], &st, sizeof(st)) != sizeof(st) ||
	    read(p[0], &sigs, sizeof(sigs)) != sizeof(sigs))
		finding(F_CHILD, "no result from the child: %s",
			pid < 0 ? strerror(errno) : "short read");
	close(p[0]);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid ||
			!WIFEXITED(status) || WEXITSTATUS(status)))
		finding(F_CHILD, "the child did not exit cleanly (status 0x%x)",
			status);
	/* merge: every member of stats is a uint64_t counter */
	for (size_t i = 0; i < sizeof(st) / sizeof(uint64_t); i++)
		((uint64_t *)&fz.st)[i] += ((uint64_t *)&st)[i];
	for (int i = 0; i < sigs.n && i < NSIGS; i++) {
		struct sig *g = sig_of(sigs.s[i].kind, sigs.s[i].hash,
				       sigs.s[i].text, sigs.s[i].first, true);

		if (g)
			g->count += sigs.s[i].count;
	}
}

/* The fwctl device of the PCI function behind fz.ctl_path */
static int find_fwctl(char *path, size_t len)
{
	char link[PATH_MAX + 64], pci[PATH_MAX], f[PATH_MAX];
	const char *name = strrchr(fz.ctl_path, '/');
	struct dirent *de;
	DIR *d;

	snprintf(link, sizeof(link), "/sys/class/misc/%s/device/..",
		 name ? name + 1 : fz.ctl_path);
	if (!realpath(link, pci))
		return -errno;
	d = opendir("/sys/class/fwctl");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		snprintf(link, sizeof(link), "/sys/class/fwctl/%s/device",
			 de->d_name);
		if (de->d_name[0] != '.' && realpath(link, f) &&
		    !strcmp(f, pci)) {
			snprintf(path, len, "/dev/fwctl/%s", de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -ENOENT;
}

static bool setup(void)
{
	fz.stage = map(ARENA_LEN + PAGE, PROT_READ | PROT_WRITE);
	fz.in_arena = map(ARENA_LEN + PAGE, PROT_READ | PROT_WRITE);
	fz.out_arena = map(ARENA_LEN + PAGE, PROT_READ | PROT_WRITE);
	fz.umem = map(UMEM_ARENA + PAGE, PROT_READ | PROT_WRITE);
	fz.ro_page = map(PAGE, PROT_READ);
	fz.arg = map(2 * PAGE, PROT_READ | PROT_WRITE);
	fz.canary = map(PAGE, PROT_READ | PROT_WRITE);
	if (!fz.stage || !fz.in_arena || !fz.out_arena || !fz.umem ||
	    !fz.ro_page || !fz.arg || !fz.canary || !bad_ptr())
		return false;
	/*
	 * Guard pages after the arenas; holes in the umem arena, punched
	 * last (a later small mapping may fill the unmapped one: see
	 * umem_range_ok()).
	 */
	return !mprotect(fz.in_arena + ARENA_LEN, PAGE, PROT_NONE) &&
	       !mprotect(fz.out_arena + ARENA_LEN, PAGE, PROT_NONE) &&
	       !mprotect(fz.umem + UMEM_ARENA, PAGE, PROT_NONE) &&
	       !munmap(fz.umem + HOLE_PG * PAGE, PAGE) &&
	       !mprotect(fz.umem + RO_PG * PAGE, PAGE, PROT_READ) &&
	       !mprotect(fz.umem + NONE_PG * PAGE, PAGE, PROT_NONE);
}

static void summary(double secs)
{
	const struct stats *st = &fz.st;
	char line[1024];
	size_t n;

	diag("rpc-fuzz: seed 0x%llx, %llu iterations, %llu executions in %.1f s: %.0f executions/s; %llu health probes, %llu children",
	     (unsigned long long)fz.seed, (unsigned long long)st->iters,
	     (unsigned long long)st->execs, secs,
	     secs > 0 ? st->execs / secs : 0.0,
	     (unsigned long long)st->probes, (unsigned long long)st->children);
	n = snprintf(line, sizeof(line), "statuses of delivered RPCs:");
	for (int i = 0; i < 256; i++)
		if (st->status[i] && n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " %s %llu",
				      status_name(i) ? status_name(i) : "?",
				      (unsigned long long)st->status[i]);
	diag("%s", line);
	for (int i = 0; i < NIOCS; i++) {
		n = snprintf(line, sizeof(line), "errnos of %s:", ioc_name[i]);
		for (int e = 0; e < NERRNO; e++)
			if (st->err[i][e] && n < sizeof(line))
				n += snprintf(line + n, sizeof(line) - n,
					      " %s %llu", err_name(-e),
					      (unsigned long long)st->err[i][e]);
		diag("%s", line);
	}
	for (int i = 0; i < fz.sigs.n; i++)
		diag("finding %llux (%s), first at iteration %ld%s: %s",
		     (unsigned long long)fz.sigs.s[i].count,
		     finding_name[fz.sigs.s[i].kind], fz.sigs.s[i].first,
		     fz.sigs.s[i].child ? " (child)" : "", fz.sigs.s[i].text);
	diag("figures: executions=%llu seconds=%.1f exec_per_s=%.0f",
	     (unsigned long long)st->execs, secs,
	     secs > 0 ? st->execs / secs : 0.0);
}

static void result(enum finding kind, const char *what)
{
	ok(!fz.st.finding[kind], "%s (%llu findings)", what,
	   (unsigned long long)fz.st.finding[kind]);
}

/* A crash of the fuzzer itself: where, for addr2line on the binary */
static void crashed(int sig)
{
	void *pcs[32];
	int n = backtrace(pcs, 32);

	printf("Bail out! rpc-fuzz: signal %d at iteration %ld, seed 0x%llx\n",
	       sig, fz.it, (unsigned long long)fz.seed);
	fflush(stdout);
	backtrace_symbols_fd(pcs, n, STDOUT_FILENO);
	_exit(128 + sig);
}

static void usage(void)
{
	fprintf(stderr, "usage: rpc-fuzz [-s SEED] [-n ITERATIONS] [-t SECONDS] [-v] [MLX5CTL_DEV [FWCTL_DEV]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static char fw_path[PATH_MAX];
	double start, secs;
	long pin;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGSEGV, crashed);
	signal(SIGBUS, crashed);
	fz.seed = (uint64_t)time(NULL) << 16 ^ getpid();
	while ((c = getopt(argc, argv, "s:n:t:v")) != -1) {
		switch (c) {
		case 's':
			fz.seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			fz.max_iters = strtol(optarg, NULL, 0);
			break;
		case 't':
			fz.seconds = strtod(optarg, NULL);
			break;
		case 'v':
			fz.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (!fz.max_iters && fz.seconds <= 0)
		fz.seconds = 10;
	if (optind < argc)
		snprintf(dev_path, sizeof(dev_path), "%s", argv[optind++]);
	else if (find_dev()) {
		printf("Bail out! no /dev/mlx5ctl-* device\n");
		return 1;
	}
	fz.ctl_path = dev_path;
	if (optind < argc)
		snprintf(fw_path, sizeof(fw_path), "%s", argv[optind++]);
	else if (find_fwctl(fw_path, sizeof(fw_path))) {
		printf("Bail out! no fwctl device beside %s\n", dev_path);
		return 1;
	}
	fz.fw_path = fw_path;
	if (optind < argc)
		usage();
	if (!setup()) {
		printf("Bail out! mappings: %s\n", strerror(errno));
		return 1;
	}
	prng_seed(fz.seed);
	fz.rawio = true;
	diag("rpc-fuzz: seed 0x%llx on %s and %s (reproduce: rpc-fuzz -s 0x%llx -n ITERATIONS)",
	     (unsigned long long)fz.seed, fz.ctl_path, fz.fw_path,
	     (unsigned long long)fz.seed);

	canary_setup();
	start = now();
	fz.deadline = start + fz.seconds;
	open_all();
	run(0);
	if (!fz.st.children)
		child_phase();
	probe_all();
	memset(&fz.cur, 0, sizeof(fz.cur));
	close_all();
	canary_close();
	secs = now() - start;

	/* everything closed: nothing pinned, new files work */
	pin = vm_pin_kb();
	if (pin)
		finding(F_END, "VmPin %ld kB after closing every file", pin);
	open_all();
	probe_all();
	close_all();
	summary(secs);

	result(F_UNDOC_ERRNO, "every errno is one its ioctl documents");
	result(F_WRONG_ERRNO, "every errno is the one the call's arguments ask for");
	result(F_DEVICE, "no device error (timeout, delivery status, interface down)");
	result(F_OUTPUT, "every delivered RPC answered a PRM status with a documented syndrome, header and output clean");
	result(F_PRIVILEGE, "nothing the policy forbids succeeded; no foreign object, uid or memory (the canary page) reached");
	result(F_PROBE, "health probes (INFO, NOP, QUERY_UCTX, VmPin) all passed");
	ok(!fz.st.finding[F_CHILD] && fz.st.children && fz.st.wf_eperm,
	   "children without CAP_SYS_RAWIO: %llu DEBUG_WRITE_FULL RPCs refused with EPERM (%llu findings)",
	   (unsigned long long)fz.st.wf_eperm,
	   (unsigned long long)fz.st.finding[F_CHILD]);
	result(F_END, "after closing every file: VmPin 0, new files work");
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
