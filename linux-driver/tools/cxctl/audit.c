// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxctl audit: does what the kernel and the firmware let through match the
 * policy?  Every command row of firmware-sim/policy/cxsim-policy.def, every
 * register row (read and write) and an unknown register, a sample of
 * opcodes without a row, and the uid cases (a spoofed header uid, another
 * open file's uid, a closed file's uid) are sent through every mlx5ctl and
 * mlx5 fwctl node, as several callers:
 *
 *   mlx5ctl (CMDRPC; no kernel allow-list: the firmware decides by the
 *   file's context, whose caps come from the opener's capabilities)
 *     full     the file opened with the audit's capabilities
 *     tools    opened without CAP_NET_RAW and CAP_SYS_RAWIO
 *     user     opened without CAP_SYS_ADMIN (a context without
 *              TOOLS_RESOURCES), its ioctls sent with it
 *     noadmin  ioctls sent without CAP_SYS_ADMIN: EPERM
 *   fwctl (FWCTL_RPC)
 *     config, read, write, full   the four scopes
 *     norawio  DEBUG_WRITE_FULL without CAP_SYS_RAWIO: EPERM
 *
 * The expectation of every cell is computed, never listed: this file is
 * linked with firmware-sim/src/cxfw-policy.c, the firmware's own verdict.
 * For fwctl: EPERM for DEBUG_WRITE_FULL without CAP_SYS_RAWIO (the fwctl
 * core), -EBADMSG where the policy's scope column forbids the scope (the
 * kernel allow-list: the stock mlx5_fwctl's, or cxctl's unless loaded with
 * fwctl_policy_check=0), else delivered with the firmware's verdict for the
 * scope's context (labelled per scope on cxctl, one unlabelled tools
 * context on the stock driver).  For mlx5ctl: EPERM without CAP_SYS_ADMIN,
 * else the verdict for the file's context.
 *
 * The firmware applies checks every command shares before the policy
 * (implemented opcode, lengths, op_mod, HCA state); such an answer (BAD_OP
 * for an opcode cxsim lacks, BAD_SYS_STATE for SET_HCA_CAP after INIT_HCA)
 * hides the verdict and is the same for every caller: a cell showing one is
 * "masked", and a divergence when the row's other delivered cells disagree.
 *
 * Output: the matrix as text (stdout; --out DIR also writes DIR/audit.txt
 * with every cell's expected and observed answer, and with --html
 * DIR/audit.html), or one JSON object (--json).  --render FILE turns an
 * audit.txt back into the HTML page (scripts/audit-report.sh does this on
 * the host with the same binary).  Exit status 1 on any divergence.
 *
 * --allow-list on|off overrides what the audit expects of cxctl's allow-list
 * (by default its module parameter fwctl_policy_check): expecting it on
 * while it is off shows the audit catching a missing kernel layer.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "cxctl.h"
#include "cxfw-policy.h"
#include "cxfw-prm.h"

#define AUDIT_LEN	4112	/* in and out: the longest layout (HCA caps) */
#define PAYLOAD_UID_BIT	0x50	/* QUERY_UCTX / DESTROY_UCTX uid, 16 bits */
#define REPLY_UID_BIT	0x50	/* QUERY_UCTX out: uid, 16 bits */
#define REPLY_CAP_BIT	0x80	/* QUERY_UCTX out: cap, 32 bits */
#define UNKNOWN_REG	0x5008	/* PPCNT: a real register without a policy row */
#define POLICY_CHECK_PARAM "/sys/module/cxctl/parameters/fwctl_policy_check"
#define MAX_LINE	512
#define MAX_COLS	64
#define MAX_ROWS	256

#define CAPBIT(c)	(1ull << (c))
#define ADMIN		CAPBIT(CAP_SYS_ADMIN)
#define RAWIO		CAPBIT(CAP_SYS_RAWIO)
#define NET_RAW		CAPBIT(CAP_NET_RAW)

/* ------------------------------------------------------------------ */
/* the model: columns, rows and their cells (live, or read back) */

enum cell_class {
	CELL_ALLOWED,		/* delivered, past the policy */
	CELL_REFUSED,		/* refused where the policy says so */
	CELL_MASKED,		/* refused before the policy, for every caller */
	CELL_DIVERGENT,		/* not what the policy says */
	CELL_NCLASSES,
};

static const char *const class_names[] = {
	[CELL_ALLOWED] = "allowed",
	[CELL_REFUSED] = "refused",
	[CELL_MASKED] = "masked",
	[CELL_DIVERGENT] = "divergence",
};

static const char *const class_legend[] = {
	[CELL_ALLOWED] = "delivered, and the firmware ran it (ok: status OK; ran: the command itself failed, e.g. an unknown object)",
	[CELL_REFUSED] = "refused as the policy says (a kernel errno, or the firmware's syndrome)",
	[CELL_MASKED] = "refused before the policy for every caller alike (n/i: opcode not implemented; state: HCA state)",
	[CELL_DIVERGENT] = "not what the policy says (shown: what was observed)",
};

struct a_node;

struct a_col {
	char id[16];
	char desc[320];
	/* the live audit */
	struct a_node *an;
	struct cx_dev dev;	/* its file and, for fwctl, the scope */
	bool fwctl;
	uint64_t ioctl_drop;	/* capabilities dropped around each ioctl */
	uint32_t caps;		/* the context's expected caps */
	uint32_t own_uid;	/* its context's uid, 0 until known */
	int open_err;
	unsigned int counts[CELL_NCLASSES];
};

enum row_kind { ROW_COMMAND, ROW_REGISTER, ROW_UNLISTED, ROW_UID, ROW_INFO };

enum uid_case {
	UID_HDR_KERNEL, UID_HDR_FOREIGN, UID_HDR_DEAD,
	UID_OWN, UID_FOREIGN, UID_DEAD,
	UID_DESTROY_FOREIGN, UID_DESTROY_DEAD,
};

struct a_row {
	char id[24];
	char label[80];
	enum row_kind kind;
	uint16_t opcode;
	uint16_t op_mod;
	uint16_t reg;
	bool write;
	enum uid_case uc;
};

struct a_cell {
	bool present;
	enum cell_class cls;
	char shown[12];
	char expected[192];
	char observed[128];
	/* the live audit */
	bool delivered;
	int err;
	uint8_t status;
	uint32_t syndrome;
};

struct a_node {
	struct cx_node node;
	char id[8];		/* m0, f0 */
	bool stock;		/* the stock mlx5_fwctl */
	bool allow_list;	/* fwctl: the kernel checks the scope */
	bool labelled;		/* fwctl: one labelled context per scope */
	uint32_t dev_cap;	/* the device's uctx_cap */
	uint32_t foreign_uid;	/* another open file's (CONFIGURATION) uid */
	uint32_t dead_uid;	/* a closed file's uid */
	struct cx_dev main;	/* fwctl: the file every column uses */
	struct cx_dev foreign;
};

struct audit {
	char lines[16][MAX_LINE];	/* the report's heading */
	unsigned int nlines;
	struct a_node *nodes;		/* the live audit's */
	unsigned int nnodes;
	struct a_col cols[MAX_COLS];
	unsigned int ncols;
	struct a_row rows[MAX_ROWS];
	unsigned int nrows;
	struct a_cell *cells;
	unsigned int counts[CELL_NCLASSES];
	unsigned int ncells;
};

static struct a_cell *cell_at(struct audit *a, unsigned int r, unsigned int c)
{
	return &a->cells[r * a->ncols + c];
}

static void __printf(2, 3) heading(struct audit *a, const char *fmt, ...)
{
	va_list ap;

	if (a->nlines == ARRAY_SIZE(a->lines))
		return;
	va_start(ap, fmt);
	vsnprintf(a->lines[a->nlines++], MAX_LINE, fmt, ap);
	va_end(ap);
}

/* a new column or row: the last one is reused once the table is full */
static struct a_col *new_col(struct audit *a)
{
	if (a->ncols == MAX_COLS)
		a->ncols--;
	memset(&a->cols[a->ncols], 0, sizeof(*a->cols));
	return &a->cols[a->ncols++];
}

static struct a_row *new_row(struct audit *a)
{
	if (a->nrows == MAX_ROWS)
		a->nrows--;
	memset(&a->rows[a->nrows], 0, sizeof(*a->rows));
	return &a->rows[a->nrows++];
}

static void alloc_cells(struct audit *a)
{
	a->cells = calloc((size_t)a->nrows * a->ncols, sizeof(*a->cells));
	if (!a->cells) {
		perror("cxctl: audit");
		exit(CX_EXIT_FAIL);
	}
}

/* ------------------------------------------------------------------ */
/* names */

static const struct {
	uint32_t value;
	uint8_t status;
	const char *name;
} syndromes[] = {
#define CXFW_SYNDROME(name, value, status, desc) \
	{ value, CXFW_STATUS_##status, #name },
#include "cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

static const char *synd_name(uint32_t synd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syndromes); i++)
		if (syndromes[i].value == synd)
			return syndromes[i].name;
	return "?";
}

/* the status the firmware gives with @synd */
static uint8_t synd_status(uint32_t synd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syndromes); i++)
		if (syndromes[i].value == synd)
			return syndromes[i].status;
	return CXFW_STATUS_BAD_PARAM;
}

/* refusals of the policy itself (and of a uid naming nothing) */
static bool policy_synd(uint32_t synd)
{
	return synd == CXFW_SYND_KERNEL_UID_REQUIRED ||
	       synd == CXFW_SYND_TOOLS_RESOURCES_REQUIRED ||
	       synd == CXFW_SYND_SCOPE_DENIED ||
	       synd == CXFW_SYND_REG_ACCESS_DENIED ||
	       synd == CXFW_SYND_UID_UNKNOWN;
}

/* dispatch's checks before the policy (cxfw-syndromes.def, 0x0001xxxx) */
static bool pre_policy_synd(uint32_t synd)
{
	return synd >> 16 == 1 && !policy_synd(synd);
}

/* a cell's short form in the grid */
static void short_name(char *buf, size_t size, const struct a_cell *cell)
{
	static const struct {
		uint32_t synd;
		const char *name;
	} shorts[] = {
		{ CXFW_SYND_KERNEL_UID_REQUIRED, "KERNEL" },
		{ CXFW_SYND_TOOLS_RESOURCES_REQUIRED, "TOOLS" },
		{ CXFW_SYND_SCOPE_DENIED, "SCOPE" },
		{ CXFW_SYND_REG_ACCESS_DENIED, "REG-DENY" },
		{ CXFW_SYND_REG_UNKNOWN, "REG?" },
		{ CXFW_SYND_UID_UNKNOWN, "UID?" },
		{ CXFW_SYND_UCTX_UNKNOWN, "UNKNOWN" },
		{ CXFW_SYND_BAD_OPCODE, "n/i" },
	};
	const char *s = NULL;
	unsigned int i;

	if (!cell->delivered) {
		s = cx_errno_name(cell->err);
	} else if (!cell->status) {
		s = "ok";
	} else {
		for (i = 0; i < ARRAY_SIZE(shorts); i++)
			if (shorts[i].synd == cell->syndrome)
				s = shorts[i].name;
		if (!s && pre_policy_synd(cell->syndrome))
			s = cell->status == CXFW_STATUS_BAD_SYS_STATE ?
			    "state" : "pre";
		if (!s)
			s = "ran";
	}
	snprintf(buf, size, "%s%s", cell->cls == CELL_DIVERGENT ? "!" : "", s);
}

static const char *scope_short(int scope)
{
	static const char *const names[] = {
		"config", "read", "write", "full",
	};

	return scope >= 0 && scope < 4 ? names[scope] : "?";
}

/* the capabilities the audit cares about */
static const struct {
	uint64_t bit;
	const char *name;
} cap_table[] = {
	{ NET_RAW, "CAP_NET_RAW" },
	{ RAWIO, "CAP_SYS_RAWIO" },
	{ ADMIN, "CAP_SYS_ADMIN" },
};

static void cap_names(char *buf, size_t size, uint64_t caps)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(cap_table); i++)
		if (caps & cap_table[i].bit && n < size)
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      cap_table[i].name);
	if (!n)
		snprintf(buf, size, "none of CAP_NET_RAW,CAP_SYS_RAWIO,CAP_SYS_ADMIN");
}

/* ------------------------------------------------------------------ */
/* capabilities: the audit's, and changing the effective set */

struct caps {
	uint64_t eff, perm, inh;
};

static struct caps base_caps;

static int caps_get(struct caps *c)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int caps_set(const struct caps *c)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)c->eff, (uint32_t)c->perm, (uint32_t)c->inh },
		{ c->eff >> 32, c->perm >> 32, c->inh >> 32 },
	};

	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

/* the audit's capabilities less @drop in the effective set: those in it */
static uint64_t caps_lower(uint64_t drop)
{
	struct caps c = base_caps;

	if (!drop)
		return base_caps.eff;
	c.eff &= ~drop;
	if (caps_set(&c) || caps_get(&c))
		return base_caps.eff;
	return c.eff;
}

static void caps_restore(uint64_t drop)
{
	if (drop)
		caps_set(&base_caps);
}

/* --drop-caps net_raw,sys_rawio: gone from every set, for the whole run */
static int drop_caps(const char *list)
{
	char buf[128], *tok, *save;
	uint64_t drop = 0;
	unsigned int i;
	struct caps c;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strncasecmp(tok, "cap_", 4))
			tok += 4;
		for (i = 0; i < ARRAY_SIZE(cap_table); i++)
			if (!strcasecmp(tok, cap_table[i].name + 4))
				break;
		if (i == ARRAY_SIZE(cap_table))
			return cx_usage_error("--drop-caps: unknown capability '%s' (net_raw, sys_rawio, sys_admin)",
					      tok);
		drop |= cap_table[i].bit;
	}
	if (caps_get(&c))
		return cx_fail(NULL, CX_OP_ALLOC, errno);
	c.eff &= ~drop;
	c.perm &= ~drop;
	c.inh &= ~drop;
	if (caps_set(&c)) {
		fprintf(stderr, "cxctl: audit: dropping capabilities: %s\n",
			strerror(errno));
		return CX_EXIT_FAIL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* expectations */

enum exp_kind {
	EXP_ERRNO,	/* the kernel refuses: err */
	EXP_REFUSED,	/* delivered, the firmware refuses: status, syndrome */
	EXP_ALLOWED,	/* delivered, past the policy */
	EXP_OWN,	/* delivered, OK, naming the caller's own context */
};

struct expect {
	enum exp_kind kind;
	int err;
	uint8_t status;
	uint32_t syndrome;
	char why[128];
};

static void __printf(2, 3) why(struct expect *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

static void expect_refused(struct expect *e, uint32_t synd)
{
	e->kind = EXP_REFUSED;
	e->status = synd_status(synd);
	e->syndrome = synd;
}

static const CxfwPolicyRule *row_rule(const struct a_row *r)
{
	return cxfw_policy_command(r->opcode, r->op_mod);
}

static const char *who_of(uint32_t caps)
{
	if (cxfw_scope_label(caps) != CXFW_SCOPE_NONE)
		return "label";
	return caps & CXFW_UCTX_CAP_TOOLS_RESOURCES ? "tools" : "user";
}

/* what the firmware answers this row from a context with @caps */
static void firmware_expect(const struct a_row *r, uint32_t caps,
			    struct expect *e)
{
	const CxfwPolicyRule *rule = row_rule(r);
	const CxfwRegisterRule *reg;
	CxfwScope label = cxfw_scope_label(caps);
	uint32_t synd;

	synd = cxfw_policy_verdict(rule, false, caps);
	if (synd) {
		expect_refused(e, synd);
		if (!rule)
			why(e, "no policy row: uid 0 only");
		else if (synd == CXFW_SYND_SCOPE_DENIED)
			why(e, "row scope %s, context label %s",
			    cxfw_scope_name(rule->scope),
			    cxfw_scope_name(label));
		else
			why(e, "row who %s, context %s (caps 0x%x)",
			    cxfw_who_name(rule->who), who_of(caps), caps);
		return;
	}
	if (r->kind == ROW_REGISTER) {
		reg = cxfw_policy_register(r->reg);
		if (!reg) {
			expect_refused(e, CXFW_SYND_REG_UNKNOWN);
			why(e, "a register without a policy row is unknown to the firmware");
			return;
		}
		synd = cxfw_policy_register_verdict(reg, r->write, false, caps);
		if (synd) {
			expect_refused(e, synd);
			why(e, "register %s %s: %s only", reg->name,
			    r->write ? "write" : "read",
			    cxfw_who_name(r->write ? reg->write : reg->read));
			return;
		}
	}
	if (r->kind == ROW_UID) {
		switch (r->uc) {
		case UID_FOREIGN:
		case UID_DEAD:
			expect_refused(e, CXFW_SYND_UCTX_UNKNOWN);
			why(e, "another uid's context answers as one that does not exist");
			return;
		case UID_DESTROY_FOREIGN:
		case UID_DESTROY_DEAD:
			break;
		default:
			e->kind = EXP_OWN;
			why(e, "the kernel stamps the context's uid: the reply names it, caps 0x%x",
			    caps);
			return;
		}
	}
	e->kind = EXP_ALLOWED;
	why(e, "the policy lets a %s context (caps 0x%x) send it", who_of(caps),
	    caps);
}

/* the kernel's and then the firmware's answer, for column @c */
static void expect_cell(const struct a_row *r, const struct a_col *c,
			uint64_t ioctl_eff, struct expect *e)
{
	const CxfwPolicyRule *rule = row_rule(r);
	const struct a_node *an = c->an;
	int scope = c->dev.scope;

	memset(e, 0, sizeof(*e));
	if (!c->fwctl) {
		if (!(ioctl_eff & ADMIN)) {
			e->kind = EXP_ERRNO;
			e->err = EPERM;
			why(e, "every mlx5ctl ioctl needs CAP_SYS_ADMIN");
			return;
		}
		if (r->kind == ROW_INFO) {
			e->kind = EXP_OWN;
			why(e, "INFO: the context the opener's capabilities give, caps 0x%x",
			    c->caps);
			return;
		}
		if (!cxfw_policy_raw_rpc(rule)) {
			e->kind = EXP_ERRNO;
			e->err = EPERM;
			why(e, "kernel-mediated: never forwarded from userspace");
			return;
		}
		firmware_expect(r, c->caps, e);
		return;
	}
	if (r->kind == ROW_INFO) {
		e->kind = EXP_OWN;
		why(e, "FWCTL_INFO: the CONFIGURATION context, caps 0x%x",
		    c->caps);
		return;
	}
	if (scope == CXFW_SCOPE_DEBUG_WRITE_FULL && !(ioctl_eff & RAWIO)) {
		e->kind = EXP_ERRNO;
		e->err = EPERM;
		why(e, "the fwctl core: DEBUG_WRITE_FULL needs CAP_SYS_RAWIO");
		return;
	}
	if (an->allow_list && (!rule || rule->scope == CXFW_SCOPE_NONE ||
			       (int)rule->scope > scope)) {
		e->kind = EXP_ERRNO;
		e->err = EBADMSG;
		why(e, "%s allow-list: %s%s, not %s",
		    an->stock ? "mlx5_fwctl's" : "cxctl's",
		    rule ? "row scope " : "no policy row",
		    rule ? cxfw_scope_name(rule->scope) : "",
		    cxfw_scope_name(scope));
		return;
	}
	firmware_expect(r, c->caps, e);
}

static void describe_expect(char *buf, size_t size, const struct expect *e,
			    const struct a_col *c)
{
	switch (e->kind) {
	case EXP_ERRNO:
		snprintf(buf, size, "%s: %s", cx_errno_name(e->err), e->why);
		break;
	case EXP_REFUSED:
		snprintf(buf, size, "%s %s (0x%08x): %s",
			 cx_status_name(e->status), synd_name(e->syndrome),
			 e->syndrome, e->why);
		break;
	case EXP_ALLOWED:
		snprintf(buf, size, "past the policy: %s", e->why);
		break;
	case EXP_OWN:
		if (c->own_uid)
			snprintf(buf, size, "OK, uid %u: %s", c->own_uid,
				 e->why);
		else
			snprintf(buf, size, "OK, a user context's uid: %s",
				 e->why);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* one cell */

/* the other file's uid, a closed file's, 0: what a uid case names */
static uint32_t case_uid(const struct a_row *r, const struct a_col *c)
{
	switch (r->uc) {
	case UID_HDR_FOREIGN:
	case UID_FOREIGN:
	case UID_DESTROY_FOREIGN:
		return c->an->foreign_uid;
	case UID_HDR_DEAD:
	case UID_DEAD:
	case UID_DESTROY_DEAD:
		return c->an->dead_uid;
	case UID_OWN:
		return c->own_uid;
	default:
		return 0;
	}
}

static void build(const struct a_row *r, const struct a_col *c, uint8_t *in)
{
	memset(in, 0, AUDIT_LEN);
	if (r->kind == ROW_REGISTER) {
		cx_build_access_reg(in, r->reg, 0, r->write);
		return;
	}
	cx_build_cmd(in, r->opcode, r->op_mod);
	if (r->kind != ROW_UID)
		return;
	if (r->uc <= UID_HDR_DEAD)
		cx_put(in, CX_HDR_UID_BIT, 16, case_uid(r, c));
	else
		cx_put(in, PAYLOAD_UID_BIT, 16, case_uid(r, c));
}

static uint32_t get_bits(const void *buf, unsigned int bit, unsigned int w)
{
	const struct cx_field f = { .bit = bit, .width = w };

	return cx_get(buf, &f);
}

/* INFO's uid and caps for the cell; 0 or a negative errno */
static int info_cell(struct a_col *c, uint32_t *uid, uint32_t *caps)
{
	struct cx_info info;
	int ret = cx_info(&c->dev, &info);

	*uid = info.uid;
	*caps = info.uctx_cap;
	return ret;
}

static bool judge(struct a_cell *cell, const struct expect *e,
		  struct a_col *c, uint32_t uid, uint32_t caps)
{
	if (e->kind == EXP_ERRNO)
		return !cell->delivered && cell->err == e->err;
	if (!cell->delivered)
		return false;
	if (cell->status && pre_policy_synd(cell->syndrome)) {
		cell->cls = CELL_MASKED;
		return true;
	}
	switch (e->kind) {
	case EXP_REFUSED:
		return cell->status == e->status &&
		       cell->syndrome == e->syndrome;
	case EXP_ALLOWED:
		return !cell->status || !policy_synd(cell->syndrome);
	case EXP_OWN:
		if (cell->status || !uid || caps != c->caps ||
		    (c->own_uid && uid != c->own_uid))
			return false;
		if (!c->own_uid)
			c->own_uid = uid;	/* a labelled scope's context */
		return true;
	default:
		return false;
	}
}

static void run_cell(struct audit *a, unsigned int ri, unsigned int ci)
{
	static uint8_t in[AUDIT_LEN], out[AUDIT_LEN];
	struct a_row *r = &a->rows[ri];
	struct a_col *c = &a->cols[ci];
	struct a_cell *cell = cell_at(a, ri, ci);
	uint32_t outlen = AUDIT_LEN, uid = 0, caps = 0;
	uint64_t eff;
	struct expect e;
	int ret;

	/* fwctl's INFO is the file's, whatever the scope: once */
	if (r->kind == ROW_INFO && c->fwctl && c->dev.scope)
		return;
	cell->present = true;
	build(r, c, in);
	memset(out, 0, sizeof(out));
	eff = caps_lower(c->ioctl_drop);
	if (c->open_err)
		ret = c->open_err;
	else if (r->kind == ROW_INFO)
		ret = info_cell(c, &uid, &caps);
	else
		ret = cx_rpc(&c->dev, in, AUDIT_LEN, out, &outlen);
	caps_restore(c->ioctl_drop);
	expect_cell(r, c, eff, &e);

	cell->delivered = !ret;
	cell->err = ret < 0 ? -ret : ret;
	if (!ret && r->kind != ROW_INFO) {
		struct cx_status st = cx_out_status(out);

		cell->status = st.status;
		cell->syndrome = st.syndrome;
		uid = get_bits(out, REPLY_UID_BIT, 16);
		caps = get_bits(out, REPLY_CAP_BIT, 32);
	}
	describe_expect(cell->expected, sizeof(cell->expected), &e, c);
	cell->cls = CELL_REFUSED;
	if (!judge(cell, &e, c, uid, caps))
		cell->cls = CELL_DIVERGENT;
	else if (cell->cls != CELL_MASKED &&
		 (e.kind == EXP_ALLOWED || e.kind == EXP_OWN))
		cell->cls = CELL_ALLOWED;

	if (!cell->delivered)
		snprintf(cell->observed, sizeof(cell->observed), "%s%s",
			 cx_errno_name(cell->err), c->open_err ?
			 " (opening the file)" : "");
	else if (e.kind == EXP_OWN)
		snprintf(cell->observed, sizeof(cell->observed),
			 "%s (0x%08x), uid %u, caps 0x%x",
			 cx_status_name(cell->status), cell->syndrome, uid,
			 caps);
	else if (!cell->status)
		snprintf(cell->observed, sizeof(cell->observed), "OK");
	else
		snprintf(cell->observed, sizeof(cell->observed),
			 "%s %s (0x%08x)", cx_status_name(cell->status),
			 synd_name(cell->syndrome), cell->syndrome);
}

/*
 * A refusal before the policy is the same for every caller: in a row,
 * the delivered cells either all show the same one or none does.
 */
static void check_masks(struct audit *a, unsigned int ri)
{
	uint32_t mask = 0;
	bool mixed = false, open = false;
	unsigned int ci;

	for (ci = 0; ci < a->ncols; ci++) {
		struct a_cell *cell = cell_at(a, ri, ci);

		if (!cell->present || !cell->delivered)
			continue;
		if (!cell->status || !pre_policy_synd(cell->syndrome)) {
			open = true;
			continue;
		}
		if (mask && mask != cell->syndrome)
			mixed = true;
		mask = cell->syndrome;
	}
	if (!mask || (!mixed && !open))
		return;
	for (ci = 0; ci < a->ncols; ci++) {
		struct a_cell *cell = cell_at(a, ri, ci);

		if (cell->present && cell->cls == CELL_MASKED) {
			cell->cls = CELL_DIVERGENT;
			snprintf(cell->expected, sizeof(cell->expected),
				 "the same answer as the row's other delivered cells (a refusal before the policy is the same for every caller)");
		}
	}
}

static void count(struct audit *a)
{
	unsigned int ri, ci;

	memset(a->counts, 0, sizeof(a->counts));
	a->ncells = 0;
	for (ci = 0; ci < a->ncols; ci++)
		memset(a->cols[ci].counts, 0, sizeof(a->cols[ci].counts));
	for (ri = 0; ri < a->nrows; ri++) {
		for (ci = 0; ci < a->ncols; ci++) {
			struct a_cell *cell = cell_at(a, ri, ci);

			if (!cell->present)
				continue;
			a->counts[cell->cls]++;
			a->cols[ci].counts[cell->cls]++;
			a->ncells++;
		}
	}
}

/* ------------------------------------------------------------------ */
/* rows: the policy's, the registers', a sample without a row, uids */

static void add_row(struct audit *a, enum row_kind kind, uint16_t opcode,
		    uint16_t op_mod, const char *id, const char *label)
{
	struct a_row *r = new_row(a);

	r->kind = kind;
	r->opcode = opcode;
	r->op_mod = op_mod;
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->label, sizeof(r->label), "%s", label);
}

/*
 * The op_mod sent for a row: the row's own, or one the firmware accepts
 * for the opcode (QUERY_HCA_CAP: general current; QUERY_PAGES: boot) that
 * no earlier, more specific row of the opcode takes.
 */
static uint16_t row_op_mod(const CxfwPolicyRule *rule)
{
	uint16_t op_mod;

	if (rule->op_mod != CXSIM_OP_MOD_ANY)
		return rule->op_mod;
	op_mod = rule->opcode == CXFW_OP_QUERY_HCA_CAP ||
		 rule->opcode == CXFW_OP_QUERY_PAGES;
	while (cxfw_policy_command(rule->opcode, op_mod) != rule)
		op_mod++;
	return op_mod;
}

static void add_register_rows(struct audit *a)
{
	const CxfwRegisterRule *regs;
	unsigned int n, i, w;
	char id[24], label[80];

	regs = cxfw_policy_registers(&n);
	for (i = 0; i <= n; i++) {
		uint16_t reg = i < n ? regs[i].id : UNKNOWN_REG;
		const char *name = i < n ? regs[i].name :
				   cx_reg_by_id(reg)->name;

		for (w = 0; w < 2; w++) {
			snprintf(id, sizeof(id), "reg:0x%04x:%s", reg,
				 w ? "write" : "read");
			snprintf(label, sizeof(label),
				 "0x0805 ACCESS_REG %s %s 0x%04x%s",
				 w ? "write" : "read", name ? name : "?", reg,
				 i < n ? "" : " (no row)");
			add_row(a, ROW_REGISTER, CXFW_OP_ACCESS_REG, w ? 0 : 1,
				id, label);
			a->rows[a->nrows - 1].reg = reg;
			a->rows[a->nrows - 1].write = w;
		}
	}
}

/* opcodes without a policy row: those that create objects, and extremes */
static const struct {
	uint16_t opcode;
	const char *name;
} unlisted[] = {
	{ 0x0000, "(opcode 0)" },
	{ 0x0106, "(between the HCA commands)" },
	{ 0x0400, "CREATE_CQ" },
	{ 0x0500, "CREATE_QP" },
	{ 0x0a00, "CREATE_GENERAL_OBJECT" },
	{ 0x0a01, "MODIFY_GENERAL_OBJECT" },
	{ 0x0a03, "DESTROY_GENERAL_OBJECT" },
	{ 0x7fff, "(opcode 0x7fff)" },
	{ 0xffff, "(opcode 0xffff)" },
};

static const struct {
	enum uid_case uc;
	uint16_t opcode;
	const char *id;
	const char *label;
} uid_rows[] = {
	{ UID_HDR_KERNEL, CXFW_OP_QUERY_UCTX, "uid:hdr-0",
	  "QUERY_UCTX, header uid 0 (the driver's)" },
	{ UID_HDR_FOREIGN, CXFW_OP_QUERY_UCTX, "uid:hdr-foreign",
	  "QUERY_UCTX, header uid of another open file" },
	{ UID_HDR_DEAD, CXFW_OP_QUERY_UCTX, "uid:hdr-dead",
	  "QUERY_UCTX, header uid of a closed file" },
	{ UID_OWN, CXFW_OP_QUERY_UCTX, "uid:own",
	  "QUERY_UCTX of its own uid" },
	{ UID_FOREIGN, CXFW_OP_QUERY_UCTX, "uid:foreign",
	  "QUERY_UCTX of another open file's uid" },
	{ UID_DEAD, CXFW_OP_QUERY_UCTX, "uid:dead",
	  "QUERY_UCTX of a closed file's uid" },
	{ UID_DESTROY_FOREIGN, CXFW_OP_DESTROY_UCTX, "uid:destroy-foreign",
	  "DESTROY_UCTX of another open file's uid" },
	{ UID_DESTROY_DEAD, CXFW_OP_DESTROY_UCTX, "uid:destroy-dead",
	  "DESTROY_UCTX of a closed file's uid" },
};

static void add_rows(struct audit *a)
{
	const CxfwPolicyRule *rules = NULL;
	unsigned int n, i, many;
	char id[24], label[80];
	bool regs = false;

	add_row(a, ROW_INFO, 0, 0, "info", "INFO: the file's uid and caps");
	rules = cxfw_policy_commands(&n);
	for (i = 0; i < n; i++) {
		const CxfwPolicyRule *r = &rules[i];

		/* its rows are the register rows' first verdict */
		if (r->opcode == CXFW_OP_ACCESS_REG) {
			if (!regs)
				add_register_rows(a);
			regs = true;
			continue;
		}
		many = r->op_mod != CXSIM_OP_MOD_ANY ||
		       (i && rules[i - 1].opcode == r->opcode);
		if (many) {
			snprintf(id, sizeof(id), "0x%04x/%u", r->opcode,
				 row_op_mod(r));
			snprintf(label, sizeof(label), "0x%04x %s op_mod %u",
				 r->opcode, r->name, row_op_mod(r));
		} else {
			snprintf(id, sizeof(id), "0x%04x", r->opcode);
			snprintf(label, sizeof(label), "0x%04x %s", r->opcode,
				 r->name);
		}
		add_row(a, ROW_COMMAND, r->opcode, row_op_mod(r), id, label);
	}
	for (i = 0; i < ARRAY_SIZE(unlisted); i++) {
		if (cxfw_policy_command(unlisted[i].opcode, 0))
			continue;
		snprintf(id, sizeof(id), "0x%04x", unlisted[i].opcode);
		snprintf(label, sizeof(label), "0x%04x %s, no row",
			 unlisted[i].opcode, unlisted[i].name);
		add_row(a, ROW_UNLISTED, unlisted[i].opcode, 0, id, label);
	}
	for (i = 0; i < ARRAY_SIZE(uid_rows); i++) {
		add_row(a, ROW_UID, uid_rows[i].opcode, 0, uid_rows[i].id,
			uid_rows[i].label);
		a->rows[a->nrows - 1].uc = uid_rows[i].uc;
	}
}

/* ------------------------------------------------------------------ */
/* nodes and their columns */

/* open @node with the audit's capabilities less @drop: the effective set */
static uint64_t open_as(struct cx_dev *dev, const struct cx_node *node,
			uint64_t drop, int *err)
{
	uint64_t eff = caps_lower(drop);

	*err = cx_open(dev, node);
	caps_restore(drop);
	return eff;
}

/* the device's uctx_cap, from QUERY_HCA_CAP (general, current) */
static uint32_t query_dev_cap(struct cx_dev *dev)
{
	static uint8_t out[CX_QUERY_HCA_CAP_OUT];
	const struct cx_cap_type *t = cx_cap_type_by_num(0);
	uint32_t outlen = sizeof(out), saved = dev->scope;
	uint8_t in[CX_HDR_LEN];
	unsigned int i;
	int ret;

	cx_build_query_hca_cap(in, 0, false);
	dev->scope = CXFW_SCOPE_CONFIGURATION;
	ret = cx_rpc(dev, in, sizeof(in), out, &outlen);
	dev->scope = saved;
	if (ret || cx_out_status(out).status)
		return 0;
	for (i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, "uctx_cap"))
			return cx_get(out + CX_HDR_LEN, &t->fields[i]);
	return 0;
}

/* the uid of a new file, kept open (@keep) or closed at once */
static uint32_t other_file_uid(const struct cx_node *node, struct cx_dev *keep)
{
	struct cx_dev dev = { .fd = -1 };
	struct cx_info info = { 0 };

	if (cx_open(&dev, node) || cx_info(&dev, &info))
		info.uid = 0;
	if (keep)
		*keep = dev;
	else
		cx_close(&dev);
	return info.uid;
}

/* cxctl's context caps for an opener with @eff (cxctl/main.c) */
static uint32_t mlx5ctl_caps(uint64_t eff, uint32_t dev_cap)
{
	uint32_t caps = 0;

	if (eff & NET_RAW)
		caps |= CXFW_UCTX_CAP_RAW_TX;
	if (eff & RAWIO)
		caps |= CXFW_UCTX_CAP_INTERNAL_DEV_RES;
	if (eff & ADMIN)
		caps |= CXFW_UCTX_CAP_TOOLS_RESOURCES;
	return caps & dev_cap;
}

static void add_mlx5ctl_cols(struct audit *a, struct a_node *an)
{
	static const struct {
		const char *name;
		uint64_t open_drop, ioctl_drop;
		const char *how;
	} callers[] = {
		{ "full", 0, 0, "" },
		{ "tools", NET_RAW | RAWIO, 0, " (without CAP_NET_RAW,CAP_SYS_RAWIO)" },
		{ "user", ADMIN, 0, " (without CAP_SYS_ADMIN)" },
		{ "noadmin", 0, ADMIN, ", its ioctls without CAP_SYS_ADMIN" },
	};
	char names[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(callers); i++) {
		struct a_col *c = new_col(a);
		uint64_t eff = open_as(&c->dev, &an->node,
				       callers[i].open_drop, &c->open_err);
		struct cx_info info;

		c->an = an;
		c->ioctl_drop = callers[i].ioctl_drop;
		if (!an->dev_cap && !c->open_err)
			an->dev_cap = query_dev_cap(&c->dev);
		c->caps = mlx5ctl_caps(eff, an->dev_cap);
		if (!c->open_err && !cx_info(&c->dev, &info))
			c->own_uid = info.uid;
		cap_names(names, sizeof(names), eff);
		snprintf(c->id, sizeof(c->id), "%s.%s", an->id,
			 callers[i].name);
		snprintf(c->desc, sizeof(c->desc),
			 "%s CMDRPC, the file opened with %s%s: context caps 0x%x, uid %u",
			 an->node.path, names, callers[i].how, c->caps,
			 c->own_uid);
	}
}

/* --allow-list on|off: what to expect of cxctl's allow-list; -1: its parameter */
static int allow_list_opt = -1;

static bool policy_check_param(void)
{
	char buf[8] = "Y";
	FILE *f = fopen(POLICY_CHECK_PARAM, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 'Y';
		fclose(f);
	}
	return buf[0] != 'N' && buf[0] != 'n' && buf[0] != '0';
}

static void add_fwctl_cols(struct audit *a, struct a_node *an)
{
	const uint32_t scopes = CXFW_UCTX_CAP_SCOPE_MASK;
	struct cx_info info = { 0 };
	int scope, err;

	an->stock = strcmp(an->node.driver, "cxcore") != 0;
	an->allow_list = an->stock || (allow_list_opt >= 0 ? allow_list_opt :
					       policy_check_param());
	open_as(&an->main, &an->node, 0, &err);
	if (!err) {
		an->dev_cap = query_dev_cap(&an->main);
		if (cx_info(&an->main, &info))
			info.uid = 0;
	}
	an->labelled = !an->stock &&
		       (an->dev_cap & CXFW_UCTX_CAP_TOOLS_RESOURCES) &&
		       (an->dev_cap & scopes) == scopes;
	for (scope = 0; scope <= CXFW_SCOPE_DEBUG_WRITE_FULL + 1; scope++) {
		struct a_col *c = new_col(a);
		bool norawio = scope > CXFW_SCOPE_DEBUG_WRITE_FULL;

		c->an = an;
		c->fwctl = true;
		c->dev = an->main;
		c->dev.scope = norawio ? CXFW_SCOPE_DEBUG_WRITE_FULL : scope;
		c->open_err = err;
		c->ioctl_drop = norawio ? RAWIO : 0;
		c->caps = an->dev_cap & CXFW_UCTX_CAP_TOOLS_RESOURCES;
		if (an->labelled)
			c->caps |= 1u << (CXFW_UCTX_CAP_SCOPE_SHIFT +
					  c->dev.scope);
		/* the CONFIGURATION context is FWCTL_INFO's; the rest learnt */
		if (!an->labelled || !c->dev.scope)
			c->own_uid = info.uid;
		snprintf(c->id, sizeof(c->id), "%s.%s", an->id,
			 norawio ? "norawio" : scope_short(scope));
		snprintf(c->desc, sizeof(c->desc),
			 "%s FWCTL_RPC at %s%s: context caps 0x%x",
			 an->node.path, cxfw_scope_name(c->dev.scope),
			 norawio ? " without CAP_SYS_RAWIO" : "", c->caps);
	}
}

static void add_node(struct audit *a, const struct cx_node *node)
{
	struct a_node *an = &a->nodes[a->nnodes];
	unsigned int nm = 0, nf = 0, i;

	for (i = 0; i < a->nnodes; i++)
		a->nodes[i].node.kind == CX_KIND_FWCTL ? nf++ : nm++;
	memset(an, 0, sizeof(*an));
	an->node = *node;
	an->main.fd = an->foreign.fd = -1;
	if (node->kind == CX_KIND_FWCTL) {
		snprintf(an->id, sizeof(an->id), "f%u", nf);
		add_fwctl_cols(a, an);
	} else {
		snprintf(an->id, sizeof(an->id), "m%u", nm);
		add_mlx5ctl_cols(a, an);
	}
	an->foreign_uid = other_file_uid(node, &an->foreign);
	an->dead_uid = other_file_uid(node, NULL);
	a->nnodes++;
	if (node->kind == CX_KIND_FWCTL)
		heading(a, "node %s %s: fwctl, %s on %s, device uctx_cap 0x%x, %s, kernel allow-list %s; another open file's uid %u, a closed file's uid %u",
			an->id, node->path,
			an->stock ? "the stock mlx5_fwctl" : "cxctl's",
			node->pci, an->dev_cap,
			an->labelled ? "one labelled context per scope" :
			"one unlabelled context",
			an->allow_list ? "on" : "off (fwctl_policy_check=0)",
			an->foreign_uid, an->dead_uid);
	else
		heading(a, "node %s %s: mlx5ctl, driver %s on %s, device uctx_cap 0x%x; another open file's uid %u, a closed file's uid %u",
			an->id, node->path, node->driver, node->pci,
			an->dev_cap, an->foreign_uid, an->dead_uid);
}

static void close_nodes(struct audit *a)
{
	unsigned int i;

	for (i = 0; i < a->ncols; i++)
		if (!a->cols[i].fwctl)
			cx_close(&a->cols[i].dev);
	for (i = 0; i < a->nnodes; i++) {
		cx_close(&a->nodes[i].main);
		cx_close(&a->nodes[i].foreign);
	}
}

/* ------------------------------------------------------------------ */
/* text */

#define GRID_LABEL	48
#define GRID_CELL	10

static void print_summary(FILE *f, const struct audit *a)
{
	fprintf(f, "%u cells, %u divergences (%u allowed, %u refused as expected, %u masked before the policy)\n",
		a->ncells, a->counts[CELL_DIVERGENT], a->counts[CELL_ALLOWED],
		a->counts[CELL_REFUSED], a->counts[CELL_MASKED]);
}

static void print_cell(FILE *f, const struct audit *a, unsigned int ri,
		       unsigned int ci)
{
	const struct a_cell *cell = &a->cells[ri * a->ncols + ci];

	fprintf(f, "cell %s %s %s %s | expected: %s | observed: %s\n",
		a->rows[ri].id, a->cols[ci].id, class_names[cell->cls],
		cell->shown, cell->expected, cell->observed);
}

static void print_text(FILE *f, const struct audit *a, bool cells)
{
	unsigned int ri, ci, k;

	for (k = 0; k < a->nlines; k++)
		fprintf(f, "%s\n", a->lines[k]);
	for (ci = 0; ci < a->ncols; ci++)
		fprintf(f, "column %s %s\n", a->cols[ci].id,
			a->cols[ci].desc);
	fprintf(f, "\n  %-*s", GRID_LABEL, "row");
	for (ci = 0; ci < a->ncols; ci++)
		fprintf(f, " %-*s", GRID_CELL, a->cols[ci].id);
	fputc('\n', f);
	for (ri = 0; ri < a->nrows; ri++) {
		fprintf(f, "  %-*.*s", GRID_LABEL, GRID_LABEL,
			a->rows[ri].label);
		for (ci = 0; ci < a->ncols; ci++) {
			const struct a_cell *cell = &a->cells[ri * a->ncols + ci];

			fprintf(f, " %-*s", GRID_CELL,
				cell->present ? cell->shown : "-");
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	for (k = 0; k < CELL_NCLASSES; k++)
		fprintf(f, "legend %s: %s\n", class_names[k], class_legend[k]);
	fprintf(f, "legend: KERNEL, TOOLS, SCOPE, REG-DENY: the firmware's KERNEL_UID_REQUIRED, TOOLS_RESOURCES_REQUIRED, SCOPE_DENIED, REG_ACCESS_DENIED; REG?: REG_UNKNOWN; UNKNOWN: UCTX_UNKNOWN; E...: the ioctl's errno; !: a divergence\n");
	if (a->counts[CELL_DIVERGENT]) {
		fprintf(f, "\ndivergences:\n");
		for (ri = 0; ri < a->nrows; ri++)
			for (ci = 0; ci < a->ncols; ci++)
				if (a->cells[ri * a->ncols + ci].present &&
				    a->cells[ri * a->ncols + ci].cls ==
				    CELL_DIVERGENT)
					print_cell(f, a, ri, ci);
	}
	if (cells) {
		fprintf(f, "\ncells:\n");
		for (ri = 0; ri < a->nrows; ri++) {
			fprintf(f, "row %s %s\n", a->rows[ri].id,
				a->rows[ri].label);
			for (ci = 0; ci < a->ncols; ci++)
				if (a->cells[ri * a->ncols + ci].present)
					print_cell(f, a, ri, ci);
		}
	}
	fputc('\n', f);
	for (ci = 0; ci < a->ncols; ci++)
		fprintf(f, "summary %s: %u cells, %u divergences\n",
			a->cols[ci].id,
			a->cols[ci].counts[CELL_ALLOWED] +
			a->cols[ci].counts[CELL_REFUSED] +
			a->cols[ci].counts[CELL_MASKED] +
			a->cols[ci].counts[CELL_DIVERGENT],
			a->cols[ci].counts[CELL_DIVERGENT]);
	print_summary(f, a);
}

/* ------------------------------------------------------------------ */
/* HTML */

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

/* @open, @text escaped, @close */
static void html_el(FILE *f, const char *open, const char *text,
		    const char *close)
{
	fputs(open, f);
	html_esc(f, text);
	fputs(close, f);
}

static void print_html(FILE *f, const struct audit *a)
{
	static const char *const colours[] = {
		[CELL_ALLOWED] = "#8fd18f",
		[CELL_REFUSED] = "#c8c8c8",
		[CELL_MASKED] = "#e6e6e6",
		[CELL_DIVERGENT] = "#f08080",
	};
	unsigned int ri, ci, k;

	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	      "<title>cxctl audit</title>\n<style>\n"
	      "body { font-family: sans-serif; font-size: 13px; }\n"
	      "table { border-collapse: collapse; }\n"
	      "td, th { border: 1px solid #999; padding: 2px 4px; }\n"
	      "th { background: #f4f4f4; text-align: left; }\n"
	      "td.c { text-align: center; font-family: monospace; }\n", f);
	for (k = 0; k < CELL_NCLASSES; k++)
		fprintf(f, ".%s { background: %s; }\n", class_names[k],
			colours[k]);
	fputs("</style></head><body>\n<h1>cxctl audit</h1>\n<ul>\n", f);
	for (k = 0; k < a->nlines; k++)
		html_el(f, "<li>", a->lines[k], "</li>\n");
	fprintf(f, "</ul>\n<p><b>%u cells, %u divergences</b> (%u allowed, %u refused as expected, %u masked before the policy)</p>\n<table>\n",
		a->ncells, a->counts[CELL_DIVERGENT], a->counts[CELL_ALLOWED],
		a->counts[CELL_REFUSED], a->counts[CELL_MASKED]);
	for (k = 0; k < CELL_NCLASSES; k++) {
		fprintf(f, "<tr><td class=\"c %s\">%s</td>", class_names[k],
			class_names[k]);
		html_el(f, "<td>", class_legend[k], "</td></tr>\n");
	}
	fputs("</table>\n<h2>Matrix</h2>\n<p>Rows: opcode (op_mod, register, uid case); columns: node, ABI, scope and caller (hover for the details, and on a cell for what was expected and observed).</p>\n<table>\n<tr><th>row</th>", f);
	for (ci = 0; ci < a->ncols; ci++) {
		html_el(f, "<th title=\"", a->cols[ci].desc, "\">");
		html_el(f, "", a->cols[ci].id, "</th>");
	}
	fputs("</tr>\n", f);
	for (ri = 0; ri < a->nrows; ri++) {
		html_el(f, "<tr><th>", a->rows[ri].label, "</th>");
		for (ci = 0; ci < a->ncols; ci++) {
			const struct a_cell *cell = &a->cells[ri * a->ncols + ci];

			if (!cell->present) {
				fputs("<td></td>", f);
				continue;
			}
			fprintf(f, "<td class=\"c %s\"", class_names[cell->cls]);
			html_el(f, " title=\"expected: ", cell->expected, "");
			html_el(f, "&#10;observed: ", cell->observed, "\">");
			html_el(f, "", cell->shown, "</td>");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n<h2>Columns</h2>\n<ul>\n", f);
	for (ci = 0; ci < a->ncols; ci++) {
		html_el(f, "<li><b>", a->cols[ci].id, "</b>: ");
		html_el(f, "", a->cols[ci].desc, "</li>\n");
	}
	fputs("</ul>\n<h2>Divergences</h2>\n<ul>\n", f);
	for (ri = 0; ri < a->nrows; ri++) {
		for (ci = 0; ci < a->ncols; ci++) {
			const struct a_cell *cell = &a->cells[ri * a->ncols + ci];

			if (!cell->present || cell->cls != CELL_DIVERGENT)
				continue;
			html_el(f, "<li>", a->rows[ri].label, " @ ");
			html_el(f, "", a->cols[ci].id, ": expected ");
			html_el(f, "", cell->expected, "; observed ");
			html_el(f, "", cell->observed, "</li>\n");
		}
	}
	if (!a->counts[CELL_DIVERGENT])
		fputs("<li>none</li>\n", f);
	fputs("</ul>\n</body></html>\n", f);
}

/* ------------------------------------------------------------------ */
/* JSON */

static void print_json(const struct audit *a)
{
	unsigned int ri, ci, k;

	out_begin();
	out_list_begin("heading");
	for (k = 0; k < a->nlines; k++)
		out_str(NULL, NULL, a->lines[k]);
	out_list_end();
	out_list_begin("columns");
	for (ci = 0; ci < a->ncols; ci++) {
		out_obj_begin(NULL);
		out_str("id", NULL, a->cols[ci].id);
		out_str("description", NULL, a->cols[ci].desc);
		out_uint("cells", NULL, a->cols[ci].counts[CELL_ALLOWED] +
			 a->cols[ci].counts[CELL_REFUSED] +
			 a->cols[ci].counts[CELL_MASKED] +
			 a->cols[ci].counts[CELL_DIVERGENT], false);
		out_uint("divergences", NULL,
			 a->cols[ci].counts[CELL_DIVERGENT], false);
		out_obj_end();
	}
	out_list_end();
	out_list_begin("cells");
	for (ri = 0; ri < a->nrows; ri++) {
		for (ci = 0; ci < a->ncols; ci++) {
			const struct a_cell *cell = &a->cells[ri * a->ncols + ci];

			if (!cell->present)
				continue;
			out_obj_begin(NULL);
			out_str("row", NULL, a->rows[ri].id);
			out_str("label", NULL, a->rows[ri].label);
			out_str("column", NULL, a->cols[ci].id);
			out_str("class", NULL, class_names[cell->cls]);
			out_str("shown", NULL, cell->shown);
			out_str("expected", NULL, cell->expected);
			out_str("observed", NULL, cell->observed);
			out_uint("errno", NULL, cell->err, false);
			out_uint("status", NULL, cell->status, false);
			out_uint("syndrome", NULL, cell->syndrome, true);
			out_obj_end();
		}
	}
	out_list_end();
	out_uint("cells_total", NULL, a->ncells, false);
	out_uint("divergences", NULL, a->counts[CELL_DIVERGENT], false);
	out_uint("allowed", NULL, a->counts[CELL_ALLOWED], false);
	out_uint("refused", NULL, a->counts[CELL_REFUSED], false);
	out_uint("masked", NULL, a->counts[CELL_MASKED], false);
	out_end();
}

/* ------------------------------------------------------------------ */
/* reading an audit.txt back (--render) */

static int find_id(const char *id, const void *base, unsigned int n,
		   size_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp((const char *)base + i * size, id))
			return i;
	return -1;
}

/* "cell ROW COL CLASS SHOWN | expected: E | observed: O" */
static void parse_cell(struct audit *a, char *line)
{
	char row[24], col[16], cls[16], shown[12];
	char *exp = strstr(line, " | expected: ");
	char *obs = strstr(line, " | observed: ");
	struct a_cell *cell;
	int ri, ci, k;

	if (!exp || !obs ||
	    sscanf(line, "cell %23s %15s %15s %11s", row, col, cls, shown) != 4)
		return;
	*exp = *obs = '\0';
	ri = find_id(row, a->rows[0].id, a->nrows, sizeof(*a->rows));
	ci = find_id(col, a->cols[0].id, a->ncols, sizeof(*a->cols));
	if (ri < 0 || ci < 0)
		return;
	cell = cell_at(a, ri, ci);
	for (k = 0; k < CELL_NCLASSES; k++)
		if (!strcmp(cls, class_names[k]))
			cell->cls = k;
	cell->present = true;
	snprintf(cell->shown, sizeof(cell->shown), "%s", shown);
	snprintf(cell->expected, sizeof(cell->expected), "%s", exp + 13);
	snprintf(cell->observed, sizeof(cell->observed), "%s", obs + 13);
}

static int read_audit(struct audit *a, const char *path)
{
	char line[MAX_LINE + 64], id[24], cid[16];
	bool in_cells = false;
	FILE *f = fopen(path, "r");
	int pass, n;

	if (!f)
		return -errno;
	/* first the columns and rows, then the cells */
	for (pass = 0; pass < 2; pass++) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (!strcmp(line, "cells:"))
				in_cells = true;
			if (pass) {
				if (in_cells && !strncmp(line, "cell ", 5))
					parse_cell(a, line);
				continue;
			}
			if (!strncmp(line, "cxctl audit", 11) ||
			    !strncmp(line, "node ", 5)) {
				heading(a, "%s", line);
			} else if (!strncmp(line, "column ", 7) &&
				   sscanf(line, "column %15s %n", cid, &n) == 1) {
				struct a_col *c = new_col(a);

				snprintf(c->id, sizeof(c->id), "%s", cid);
				snprintf(c->desc, sizeof(c->desc), "%s",
					 line + n);
			} else if (in_cells && !strncmp(line, "row ", 4) &&
				   sscanf(line, "row %23s %n", id, &n) == 1) {
				add_row(a, ROW_COMMAND, 0, 0, id, line + n);
			}
		}
		if (!pass) {
			if (!a->nrows || !a->ncols) {
				fclose(f);
				return -ENOMSG;
			}
			alloc_cells(a);
			in_cells = false;
		}
	}
	fclose(f);
	count(a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the command */

static int write_file(const char *dir, const char *name,
		      void (*fn)(FILE *f, const struct audit *a),
		      const struct audit *a)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cxctl: audit: %s: %s\n", path,
			strerror(errno));
		return CX_EXIT_FAIL;
	}
	fn(f, a);
	if (fclose(f)) {
		fprintf(stderr, "cxctl: audit: %s: %s\n", path,
			strerror(errno));
		return CX_EXIT_FAIL;
	}
	return 0;
}

static void print_text_cells(FILE *f, const struct audit *a)
{
	print_text(f, a, true);
}

static int render(const char *path)
{
	static struct audit a;
	int ret = read_audit(&a, path);

	if (ret) {
		fprintf(stderr, "cxctl: audit: %s: %s\n", path,
			ret == -ENOMSG ? "no audit matrix in it" :
			strerror(-ret));
		return CX_EXIT_FAIL;
	}
	print_html(stdout, &a);
	return CX_EXIT_OK;
}

int cx_audit(const char *dev_spec, int argc, char **argv)
{
	static struct cx_node nodes[CX_MAX_NODES];
	const char *out_dir = NULL, *drop = NULL, *render_path = NULL;
	const char *allow = NULL;
	bool html = false;
	const struct opt opts[] = {
		{ "--out", &out_dir, NULL },
		{ "--html", NULL, &html },
		{ "--drop-caps", &drop, NULL },
		{ "--render", &render_path, NULL },
		{ "--allow-list", &allow, NULL },
		{ NULL },
	};
	static struct a_node an[CX_MAX_NODES];
	static struct audit a = { .nodes = an };
	unsigned int i, ri, ci, nrules, nregs;
	char *pos[1], names[96];
	int n, npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 0, &npos);
	if (ret)
		return ret;
	if (render_path)
		return render(render_path);
	if (allow) {
		if (strcmp(allow, "on") && strcmp(allow, "off"))
			return cx_usage_error("--allow-list on|off");
		allow_list_opt = !strcmp(allow, "on");
	}
	if (drop) {
		ret = drop_caps(drop);
		if (ret)
			return ret;
	}
	if (out_dir && mkdir(out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "cxctl: audit: %s: %s\n", out_dir,
			strerror(errno));
		return CX_EXIT_FAIL;
	}
	if (caps_get(&base_caps))
		return cx_fail(NULL, CX_OP_ALLOC, errno);

	if (dev_spec) {
		ret = cx_resolve(dev_spec, &nodes[0]);
		if (ret)
			return cx_fail(NULL, CX_OP_RESOLVE, ret);
		n = 1;
	} else {
		n = cx_list(nodes, CX_MAX_NODES);
	}
	if (!n)
		return cx_fail(NULL, CX_OP_RESOLVE, ENOENT);
	cxfw_policy_commands(&nrules);
	cxfw_policy_registers(&nregs);
	cap_names(names, sizeof(names), base_caps.eff);
	heading(&a, "cxctl audit: policy firmware-sim/policy/cxsim-policy.def (%u command rows, %u register rows), audit run as uid %u with %s",
		nrules, nregs, getuid(), names);
	for (i = 0; i < (unsigned int)n; i++)
		add_node(&a, &nodes[i]);
	add_rows(&a);
	alloc_cells(&a);
	for (ri = 0; ri < a.nrows; ri++) {
		for (ci = 0; ci < a.ncols; ci++)
			run_cell(&a, ri, ci);
		check_masks(&a, ri);
	}
	close_nodes(&a);
	for (ri = 0; ri < a.nrows; ri++)
		for (ci = 0; ci < a.ncols; ci++)
			short_name(cell_at(&a, ri, ci)->shown,
				   sizeof(cell_at(&a, ri, ci)->shown),
				   cell_at(&a, ri, ci));
	count(&a);

	ret = 0;
	if (out_dir) {
		ret = write_file(out_dir, "audit.txt", print_text_cells, &a);
		if (!ret && html)
			ret = write_file(out_dir, "audit.html", print_html, &a);
	} else if (html) {
		ret = write_file(".", "audit.html", print_html, &a);
	}
	if (cx_json)
		print_json(&a);
	else
		print_text(stdout, &a, false);
	if (ret)
		return ret;
	return a.counts[CELL_DIVERGENT] ? CX_EXIT_FAIL : CX_EXIT_OK;
}
