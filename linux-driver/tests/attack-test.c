// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * attack-test: what a malicious guest user tries against cxctl's two
 * interfaces, beyond what mlx5ctl-test, umem-test, fwctl-test and the
 * audit's matrix (cxctl audit) cover.  Prints TAP; run as root in the test
 * guest with cxcore and cxctl loaded (linux-driver/tests/audit.sh).
 *
 *	attack-test [MLX5CTL-DEVICE [FWCTL-DEVICE]]
 *
 *   1. objects across files: an EQ, UAR, PD, umem and memory key of file A,
 *      queried and destroyed from file B (also with A's uid in the header)
 *      and from an fwctl file: the firmware answers as for objects that do
 *      not exist, and A still owns every one
 *   2. use after close: B naming A's objects and uid once A is closed
 *   3. SET_HCA_CAP and an ACCESS_REG write from a tools context, through
 *      fwctl at every scope and through mlx5ctl: refused by the firmware,
 *      the capability and the register unchanged, the taint unchanged
 *   4. scope escalation without CAP_SYS_RAWIO: EPERM at DEBUG_WRITE_FULL;
 *      every command of a scope above DEBUG_READ_ONLY refused (-EBADMSG)
 *      one scope lower; another scope's context named in the header (it
 *      is overwritten) or in the payload (unknown), from both ABIs
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include "cxtest.h"
#include "mlx5ctl-dev.h"
#include "ctl-objects.h"

/* the firmware's policy and syndromes, as the firmware has them */
#include "../../firmware-sim/src/cxfw-policy.c"

enum {
#define CXFW_SYNDROME(name, value, status, desc) SYND_##name = value,
#include "../../firmware-sim/src/cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LEN		4112	/* every command's in and out: HCA caps */
#define MLX5CTL		(-1)	/* the scope of an mlx5ctl file's commands */
#define FAKE_BUS	0x7e0000000000ull	/* no RAM there: EQ pages */
#define TAINTED		"/proc/sys/kernel/tainted"

static const char *fwctl_dev = "/dev/fwctl/fwctl0";

static const struct field hdr_uid = { 0x10, 16 };
static const struct field hdr_op_mod = { 0x30, 16 };
static const struct field obj_id = { 0x48, 24 };	/* uar, pd, umem, mkey */
static const struct field eq_number = { 0x58, 8 };
static const struct field eqc_uar_page = { 0xe8, 24 };
static const struct field eq_pas_hi = { 0x880, 32 };	/* pas[0] */
static const struct field uctx_uid = { 0x50, 16 };	/* in and out */
static const struct field uctx_cap = { 0x80, 32 };
static const struct field cap_log_max_eq = { 0x80 + 0xfc, 4 };
static const struct field reg_id = { 0x50, 16 };
static const struct field reg_he = { 0x80, 1 };	/* HOST_ENDIANNESS */
static const struct field mkey_pd = { 0x80 + 0x68, 24 };	/* query_mkey_out */
#define OP_QUERY_HCA_CAP	0x100
#define OP_SET_HCA_CAP		0x109
#define OP_QUERY_MKEY		0x201
#define OP_DESTROY_MKEY		0x202
#define OP_CREATE_EQ		0x301
#define OP_DESTROY_EQ		0x302
#define OP_QUERY_EQ		0x303
#define OP_DEALLOC_PD		0x801
#define OP_ALLOC_UAR		0x802
#define OP_DEALLOC_UAR		0x803
#define OP_ACCESS_REG		0x805
#define OP_NOP			0x80d
#define OP_QUERY_UCTX		0xa05
#define OP_QUERY_UMEM		0xa09
#define OP_DESTROY_UMEM		0xa0a
#define REG_HOST_ENDIANNESS	0x7004
#define CAP_LABEL(scope)	(1u << (24 + (scope)))

static uint8_t in[LEN], out[LEN];

static void cmd(uint16_t opcode, uint16_t op_mod)
{
	memset(in, 0, sizeof(in));
	memset(out, 0xa5, sizeof(out));
	set(in, hdr_opcode, opcode);
	set(in, hdr_op_mod, op_mod);
}

/* the prepared command on @fd: 0 when delivered (any status), or -errno */
static int exec(int fd, int scope)
{
	struct mlx5ctl_cmdrpc m = {
		.in = (uintptr_t)in, .out = (uintptr_t)out,
		.inlen = LEN, .outlen = LEN,
	};
	struct fwctl_rpc f = {
		.size = sizeof(f), .scope = scope,
		.in = (uintptr_t)in, .out = (uintptr_t)out,
		.in_len = LEN, .out_len = LEN,
	};

	if (scope == MLX5CTL)
		return ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &m) ? -errno : 0;
	return ioctl(fd, FWCTL_RPC, &f) ? -errno : 0;
}

/* one command naming object @id at @field, on @fd */
static int exec_on(int fd, int scope, uint16_t opcode, struct field f,
		   uint32_t id, uint16_t hdr)
{
	cmd(opcode, 0);
	set(in, f, id);
	set(in, hdr_uid, hdr);
	return exec(fd, scope);
}

static bool answer(int ret, uint32_t synd)
{
	return ret == 0 && (synd ? get(out, out_status) != ST_OK &&
			    get(out, out_syndrome) == synd :
			    get(out, out_status) == ST_OK);
}

static void __attribute__((format(printf, 3, 4)))
expect(int ret, uint32_t synd, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	bool pass = answer(ret, synd);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (synd)
		ok(pass, "%s: refused, syndrome 0x%08x", what, synd);
	else
		ok(pass, "%s: OK", what);
	if (!pass && ret)
		diag("got %s", err_name(ret));
	else if (!pass)
		diag("got status 0x%x syndrome 0x%08x", get(out, out_status),
		     get(out, out_syndrome));
}

static int uid_of(int fd)
{
	struct mlx5ctl_info inf;

	return ioctl(fd, MLX5CTL_IOCTL_INFO, &inf) ? 0 : inf.uctx_uid;
}

static int open_fwctl(void)
{
	return open(fwctl_dev, O_RDWR | O_CLOEXEC);
}

static unsigned long tainted(void)
{
	unsigned long v = 0;
	FILE *f = fopen(TAINTED, "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* ------------------------------------------------------------------ */
/* 1, 2: objects */

struct objs {
	uint32_t uid, uar, eqn, pd, umem, mkey;
	uint8_t *buf;
};

/* a UAR, an EQ on it, a umem of two pages, a PD and a memory key over it */
static bool make_objects(int fd, struct objs *o)
{
	o->uid = uid_of(fd);
	cmd(OP_ALLOC_UAR, 0);
	if (exec(fd, MLX5CTL) || get(out, out_status))
		return false;
	o->uar = get(out, obj_id);
	cmd(OP_CREATE_EQ, 0);
	set(in, eqc_uar_page, o->uar);
	set(in, eq_pas_hi, FAKE_BUS >> 32);
	if (exec(fd, MLX5CTL) || get(out, out_status))
		return false;
	o->eqn = get(out, eq_number);
	o->buf = map(2 * PAGE, PROT_READ | PROT_WRITE);
	return o->buf && !umem_reg(fd, o->buf, 2 * PAGE, &o->umem) &&
	       !mkey_over(fd, o->umem, 0x10000, 2 * PAGE, &o->pd, &o->mkey);
}

#define PROBE(op, f, synd, member) \
	{ OP_##op, f, SYND_##synd, #op, offsetof(struct objs, member) }

/* each object, as a command naming it by number, and its unknown answer */
static const struct {
	uint16_t opcode;
	struct field field;
	uint32_t synd;
	const char *what;
	size_t id;	/* offset in struct objs */
} probes[] = {
	PROBE(QUERY_EQ, eq_number, EQ_UNKNOWN, eqn),
	PROBE(QUERY_MKEY, obj_id, MKEY_UNKNOWN, mkey),
	PROBE(QUERY_UMEM, obj_id, UMEM_UNKNOWN, umem),
	PROBE(DESTROY_MKEY, obj_id, MKEY_UNKNOWN, mkey),
	PROBE(DESTROY_UMEM, obj_id, UMEM_UNKNOWN, umem),
	PROBE(DEALLOC_PD, obj_id, PD_UNKNOWN, pd),
	PROBE(DESTROY_EQ, eq_number, EQ_UNKNOWN, eqn),
	PROBE(DEALLOC_UAR, obj_id, UAR_UNKNOWN, uar),
};

#define NQUERIES	3	/* the first probes only read */

static uint32_t obj(const struct objs *o, unsigned int i)
{
	return *(const uint32_t *)((const uint8_t *)o + probes[i].id);
}

/* from @fd (@who), each of @o's objects: the unknown-object answer */
static void probe_objects(int fd, int scope, const struct objs *o,
			  unsigned int n, uint16_t hdr, const char *who)
{
	unsigned int i;
	char what[160];
	int ret;

	for (i = 0; i < n; i++) {
		ret = exec_on(fd, scope, probes[i].opcode, probes[i].field,
			      obj(o, i), hdr);
		/* kernel-mediated commands never reach the firmware raw */
		if (scope == MLX5CTL && !cxfw_policy_raw_rpc(
				cxfw_policy_command(probes[i].opcode, 0))) {
			snprintf(what, sizeof(what), "%s of A's 0x%x from %s",
				 probes[i].what, obj(o, i), who);
			check_errno(ret, EPERM, what);
			continue;
		}
		expect(ret, probes[i].synd, "%s of A's 0x%x from %s",
		       probes[i].what, obj(o, i), who);
	}
}

/* A: @a; false when the device is not there */
static bool test_objects(int a)
{
	struct objs o = { 0 };
	int b = open_dev(), f = open_fwctl();
	unsigned int i;
	uint32_t pd = 0;
	bool made;

	made = a >= 0 && b >= 0 && make_objects(a, &o);
	ok(made && f >= 0,
	   "file A (uid %u): UAR %u, EQ %u, umem %u, PD %u, mkey 0x%x; file B, an fwctl file",
	   o.uid, o.uar, o.eqn, o.umem, o.pd, o.mkey);
	if (!made || f < 0)
		goto out;
	probe_objects(b, MLX5CTL, &o, ARRAY_SIZE(probes), 0, "file B");
	probe_objects(b, MLX5CTL, &o, ARRAY_SIZE(probes), o.uid,
		      "file B with A's uid in the header");
	probe_objects(f, FWCTL_RPC_DEBUG_READ_ONLY, &o, NQUERIES, o.uid,
		      "the fwctl file with A's uid in the header");

	/* A still owns every one of them */
	for (i = 0; i < NQUERIES; i++)
		expect(exec_on(a, MLX5CTL, probes[i].opcode, probes[i].field,
			       obj(&o, i), 0), 0, "%s of its 0x%x from A",
		       probes[i].what, obj(&o, i));
	exec_on(a, MLX5CTL, OP_QUERY_MKEY, obj_id, o.mkey, 0);
	pd = get(out, mkey_pd);
	ok(pd == o.pd, "A's memory key still in A's PD %u (got %u)", o.pd, pd);
	for (i = NQUERIES; i < ARRAY_SIZE(probes); i++) {
		int ret;

		if (probes[i].opcode == OP_DESTROY_UMEM) {
			ret = umem_unreg(a, o.umem);
			check_errno(ret, 0, "UMEM_UNREG of A's umem from A");
			continue;
		}
		expect(exec_on(a, MLX5CTL, probes[i].opcode, probes[i].field,
			       obj(&o, i), 0), 0, "%s of its 0x%x from A",
		       probes[i].what, obj(&o, i));
	}
out:
	if (o.buf)
		munmap(o.buf, 2 * PAGE);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	if (f >= 0)
		close(f);
	return a >= 0;
}

static void test_use_after_close(void)
{
	struct objs o = { 0 };
	int a = open_dev(), b = open_dev();
	uint32_t own = b >= 0 ? uid_of(b) : 0;
	bool made = a >= 0 && b >= 0 && make_objects(a, &o);

	ok(made && close(a) == 0,
	   "file A (uid %u) made its objects and closed; file B uid %u",
	   o.uid, own);
	if (!made)
		goto out;
	ok(vm_pin_kb() == 0, "A's umem pages unpinned by the close (VmPin %ld kB)",
	   vm_pin_kb());
	probe_objects(b, MLX5CTL, &o, ARRAY_SIZE(probes), 0,
		      "file B after A's close");
	expect(exec_on(b, MLX5CTL, OP_QUERY_UCTX, uctx_uid, o.uid, 0),
	       SYND_UCTX_UNKNOWN, "QUERY_UCTX of A's closed uid %u from B",
	       o.uid);
	exec_on(b, MLX5CTL, OP_QUERY_UCTX, uctx_uid, 0, o.uid);
	ok(answer(0, 0) && get(out, uctx_uid) == own,
	   "QUERY_UCTX with A's closed uid in the header answers as B (uid %u, got %u)",
	   own, get(out, uctx_uid));
out:
	if (o.buf)
		munmap(o.buf, 2 * PAGE);
	if (b >= 0)
		close(b);
}

/* ------------------------------------------------------------------ */
/* 3: global state from a tools context */

static void test_global_writes(void)
{
	static uint8_t caps[LEN];
	int f = open_fwctl(), m = open_dev(), scope, ret;
	unsigned long taint0 = tainted();
	uint32_t max_eq, he;

	cmd(OP_QUERY_HCA_CAP, 1);
	ret = f >= 0 ? exec(f, FWCTL_RPC_DEBUG_READ_ONLY) : -EBADF;
	ok(answer(ret, 0) && m >= 0, "the current general capabilities");
	memcpy(caps, out, LEN);
	max_eq = get(caps, cap_log_max_eq);
	cmd(OP_ACCESS_REG, 1);
	set(in, reg_id, REG_HOST_ENDIANNESS);
	he = exec(f, FWCTL_RPC_DEBUG_READ_ONLY) ? 2 : get(out, reg_he);
	diag("log_max_eq %u, HOST_ENDIANNESS he %u", max_eq, he);

	for (scope = MLX5CTL; scope <= FWCTL_RPC_DEBUG_WRITE_FULL; scope++) {
		int fd = scope == MLX5CTL ? m : f;
		char where[32];

		snprintf(where, sizeof(where), scope == MLX5CTL ? "mlx5ctl" :
			 "fwctl scope %d", scope);
		/* the capabilities with log_max_eq one lower */
		cmd(OP_SET_HCA_CAP, 0);
		memcpy(in + 16, caps + 16, LEN - 16);
		set(in, cap_log_max_eq, max_eq - 1);
		expect(exec(fd, scope), SYND_HCA_ALREADY_INITIALIZED,
		       "SET_HCA_CAP log_max_eq %u from %s (state is checked before KERNEL_UID_REQUIRED)",
		       max_eq - 1, where);
		cmd(OP_ACCESS_REG, 0);
		set(in, reg_id, REG_HOST_ENDIANNESS);
		set(in, reg_he, !he);
		expect(exec(fd, scope), SYND_REG_ACCESS_DENIED,
		       "ACCESS_REG write of HOST_ENDIANNESS he %u from %s", !he,
		       where);
	}
	cmd(OP_QUERY_HCA_CAP, 1);
	ret = exec(f, FWCTL_RPC_DEBUG_READ_ONLY);
	ok(answer(ret, 0) && get(out, cap_log_max_eq) == max_eq,
	   "log_max_eq still %u (got %u)", max_eq, get(out, cap_log_max_eq));
	cmd(OP_ACCESS_REG, 1);
	set(in, reg_id, REG_HOST_ENDIANNESS);
	ret = exec(f, FWCTL_RPC_DEBUG_READ_ONLY);
	ok(answer(ret, 0) && get(out, reg_he) == he, "he still %u", he);
	ok(tainted() == taint0 && taint0 & 1ul << 19,
	   "tainted (%lu, TAINT_FWCTL) unchanged by these write-scope RPCs: the taint is once per boot",
	   taint0);
	if (f >= 0)
		close(f);
	if (m >= 0)
		close(m);
}

/* ------------------------------------------------------------------ */
/* 4: scope escalation without CAP_SYS_RAWIO */

#define MAX_RES		256

struct res {
	int n;
	struct {
		int ret;
		uint32_t status, synd, uid, cap;
	} r[MAX_RES];
};

static void record(struct res *res, int ret)
{
	if (res->n == MAX_RES)
		return;
	res->r[res->n].ret = ret;
	res->r[res->n].status = get(out, out_status);
	res->r[res->n].synd = get(out, out_syndrome);
	res->r[res->n].uid = get(out, uctx_uid);
	res->r[res->n].cap = get(out, uctx_cap);
	res->n++;
}

/*
 * The child's attempts, in the order escalation() reads them: NOP at
 * DEBUG_WRITE_FULL; every row of a scope above DEBUG_READ_ONLY one scope
 * lower, then at its scope; QUERY_UCTX at DEBUG_READ_ONLY naming the
 * DEBUG_WRITE_FULL context in the header and in the payload; the same
 * header through mlx5ctl.
 */
static void escalate(int f, int m, uint16_t full_uid, struct res *res)
{
	const CxfwPolicyRule *rules;
	unsigned int n, i;

	cmd(OP_NOP, 0);
	record(res, exec(f, FWCTL_RPC_DEBUG_WRITE_FULL));
	rules = cxfw_policy_commands(&n);
	for (i = 0; i < n; i++) {
		if (rules[i].scope == CXFW_SCOPE_NONE ||
		    rules[i].scope <= CXFW_SCOPE_DEBUG_READ_ONLY)
			continue;
		cmd(rules[i].opcode, rules[i].op_mod == CXSIM_OP_MOD_ANY ?
		    0 : rules[i].op_mod);
		record(res, exec(f, rules[i].scope - 1));
		record(res, exec(f, rules[i].scope));
	}
	cmd(OP_QUERY_UCTX, 0);
	set(in, hdr_uid, full_uid);
	record(res, exec(f, FWCTL_RPC_DEBUG_READ_ONLY));
	cmd(OP_QUERY_UCTX, 0);
	set(in, uctx_uid, full_uid);
	record(res, exec(f, FWCTL_RPC_DEBUG_READ_ONLY));
	cmd(OP_QUERY_UCTX, 0);
	set(in, hdr_uid, full_uid);
	record(res, exec(m, MLX5CTL));
}

static void test_escalation(void)
{
	static struct res res;
	int f = open_fwctl(), m = open_dev(), pipefd[2], st, k = 0;
	uint32_t full_uid = 0, ro_uid = 0, m_uid = m >= 0 ? uid_of(m) : 0;
	const CxfwPolicyRule *rules;
	unsigned int n, i, above = 0, full = 0;
	pid_t pid;

	cmd(OP_QUERY_UCTX, 0);
	if (f >= 0 && !exec(f, FWCTL_RPC_DEBUG_WRITE_FULL))
		full_uid = get(out, uctx_uid);
	cmd(OP_QUERY_UCTX, 0);
	if (f >= 0 && !exec(f, FWCTL_RPC_DEBUG_READ_ONLY))
		ro_uid = get(out, uctx_uid);
	ok(full_uid && ro_uid && full_uid != ro_uid && m_uid,
	   "the fwctl file's DEBUG_WRITE_FULL context %u and DEBUG_READ_ONLY context %u; an mlx5ctl file, uid %u",
	   full_uid, ro_uid, m_uid);
	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		res.n = drop_cap(CAP_SYS_RAWIO) ? -1 : 0;
		if (!res.n)
			escalate(f, m, full_uid, &res);
		if (write(pipefd[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		res.n = -1;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	ok(res.n > 0, "a child without CAP_SYS_RAWIO tried %d commands", res.n);
	if (res.n <= 0)
		goto out;

	check_errno(res.r[k++].ret, EPERM, "NOP at DEBUG_WRITE_FULL without CAP_SYS_RAWIO");
	rules = cxfw_policy_commands(&n);
	for (i = 0; i < n; i++) {
		int scope = rules[i].scope;
		char what[96];

		if (rules[i].scope == CXFW_SCOPE_NONE ||
		    rules[i].scope <= CXFW_SCOPE_DEBUG_READ_ONLY)
			continue;
		above++;
		full += scope == CXFW_SCOPE_DEBUG_WRITE_FULL;
		snprintf(what, sizeof(what), "%s (needs %s) at %s",
			 rules[i].name, cxfw_scope_name(scope),
			 cxfw_scope_name(scope - 1));
		check_errno(res.r[k++].ret, EBADMSG, what);
		snprintf(what, sizeof(what), "%s at %s without CAP_SYS_RAWIO",
			 rules[i].name, cxfw_scope_name(scope));
		check_errno(res.r[k++].ret,
			    scope == CXFW_SCOPE_DEBUG_WRITE_FULL ? EPERM : 0,
			    what);
	}
	ok(above > 0, "policy rows above DEBUG_READ_ONLY tried one scope lower: %u (%u of them DEBUG_WRITE_FULL only)",
	   above, full);
	ok(res.r[k].ret == 0 && res.r[k].status == ST_OK &&
	   res.r[k].uid == ro_uid && res.r[k].cap & CAP_LABEL(1) &&
	   !(res.r[k].cap & CAP_LABEL(3)),
	   "QUERY_UCTX at DEBUG_READ_ONLY with the DEBUG_WRITE_FULL uid %u in the header runs as %u (got uid %u caps 0x%x)",
	   full_uid, ro_uid, res.r[k].uid, res.r[k].cap);
	k++;
	ok(res.r[k].ret == 0 && res.r[k].synd == SYND_UCTX_UNKNOWN,
	   "QUERY_UCTX of the DEBUG_WRITE_FULL context from DEBUG_READ_ONLY: refused, UCTX_UNKNOWN (got 0x%08x)",
	   res.r[k].synd);
	k++;
	ok(res.r[k].ret == 0 && res.r[k].status == ST_OK &&
	   res.r[k].uid == m_uid && !(res.r[k].cap & CAP_LABEL(3)),
	   "mlx5ctl QUERY_UCTX with the DEBUG_WRITE_FULL uid %u in the header runs as the file's %u, unlabelled (caps 0x%x)",
	   full_uid, m_uid, res.r[k].cap);
out:
	if (f >= 0)
		close(f);
	if (m >= 0)
		close(m);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2)
		fwctl_dev = argv[2];
	/* the first file is section 1's file A */
	if (!test_objects(tap_open_dev(argc, argv)))
		return 1;
	test_use_after_close();
	test_global_writes();
	test_escalation();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
