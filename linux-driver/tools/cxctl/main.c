// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxctl: a command line tool for mlx5ctl devices (/dev/mlx5ctl-*, the
 * interface of linux-driver/cxctl) and mlx5 fwctl devices (/dev/fwctl/fwctlN):
 * device info, capabilities, registers, raw commands and user memory.
 * See docs/driver.md, "The cxctl tool".
 *
 * Exit status: 0 success, 1 a device, kernel or firmware error (a firmware
 * status other than OK included; for audit, a divergence), 2 bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cxctl.h"

#define MAX_FILE_LEN	(4u << 20)	/* rpc -f: beyond any ABI's limit */
#define UMEM_MAX_LEN	(1ull << 40)
#define DEFAULT_REG_LEN	64		/* a register without a table entry */

static const char usage_text[] =
"usage: cxctl [-d DEV] [--json] [--scope S] COMMAND [ARGS]\n"
"\n"
"  list                          mlx5ctl and mlx5 fwctl nodes, their PCI functions\n"
"  info                          the open file's user context (MLX5CTL_IOCTL_INFO)\n"
"  cap [--type T] [--max] [--raw]\n"
"                                QUERY_HCA_CAP: named fields, or a hex dump\n"
"  reg read ID [--arg N] [--len BYTES] [--data HEX]\n"
"  reg write ID HEXDATA [--arg N] ACCESS_REG; ID a number or a name (HOST_ENDIANNESS ...)\n"
"  rpc HEX|-f FILE [--outlen N]  a raw command: status, syndrome and output\n"
"  umem reg SIZE|ADDR:LEN [--hold]\n"
"                                register user memory (SIZE: allocated here); it is\n"
"                                unregistered before exit, or with --hold when stdin closes\n"
"  umem unreg ID                 MLX5CTL_IOCTL_UMEM_UNREG on a new file\n"
"  audit [--out DIR] [--html] [--drop-caps CAPS] [--allow-list on|off]\n"
"                                every policy row through every node, scope and caller:\n"
"                                expected (the firmware's policy) against observed\n"
"  audit --render FILE           the HTML page of an audit's DIR/audit.txt, on stdout\n"
"  rscdump [menu|SEGMENT] [--umem SIZE] [--index N] [--count N]\n"
"                                RESOURCE_DUMP: the menu, or a segment's records (inline,\n"
"                                or through an mkey over SIZE bytes of umem: mlx5ctl)\n"
"  coredump -o FILE [--inline]   CORE_DUMP into a 2 MiB umem (mlx5ctl), or segment 0x1000\n"
"                                inline; the header and CRC-32 checked, FILE written\n"
"  diagcnt cap | set ID[,ID..] [--samples N] [--period LOG] [--single|--repetitive]\n"
"          [--on-demand] [--clear] | dump [--samples N]\n"
"                                diagnostic counters: capability, selection, samples\n"
"\n"
"  -d DEV      a node path, node name, auxiliary device or PCI function\n"
"              (default: the first mlx5ctl node, else the first mlx5 fwctl node)\n"
"  --json      machine-readable output: one JSON object\n"
"  --scope S   fwctl nodes: RPC scope config, read (default), write, write-full or 0-3\n"
"\n"
"Exit status: 0 ok, 1 device, kernel or firmware error, 2 bad arguments.\n";

/* ------------------------------------------------------------------ */
/* command options */

/* the option @arg names, NULL if none */
static const struct opt *find_opt(const struct opt *opts, const char *arg)
{
	size_t n;

	for (; opts && opts->name; opts++) {
		n = strlen(opts->name);
		if (!strncmp(arg, opts->name, n) &&
		    (!arg[n] || (arg[n] == '=' && opts->val)))
			return opts;
	}
	return NULL;
}

/* an option: "-x..." but not "-" (stdin), "-f" (rpc's) or "-1" */
static bool is_opt(const char *arg)
{
	return arg[0] == '-' && arg[1] && strcmp(arg, "-f") &&
	       !(arg[1] >= '0' && arg[1] <= '9');
}

/*
 * Split @argv (after the command words) into options and at most @maxpos
 * positional arguments, stored in @pos.  0, or a usage error's exit status.
 */
int parse_opts(int argc, char **argv, const struct opt *opts, char **pos,
	       int maxpos, int *npos)
{
	const struct opt *o;
	const char *eq;
	int i;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		if (!is_opt(argv[i])) {
			if (*npos == maxpos)
				return cx_usage_error("unexpected argument '%s'",
						      argv[i]);
			pos[(*npos)++] = argv[i];
			continue;
		}
		o = find_opt(opts, argv[i]);
		if (!o)
			return cx_usage_error("unknown option %s", argv[i]);
		eq = strchr(argv[i], '=');
		if (o->flag)
			*o->flag = true;
		else if (eq)
			*o->val = eq + 1;
		else if (i + 1 < argc)
			*o->val = argv[++i];
		else
			return cx_usage_error("%s needs a value", o->name);
	}
	return 0;
}

int parse_num(const char *what, const char *s, uint64_t max, uint64_t *val)
{
	if (cx_parse_uint(s, max, val))
		return cx_usage_error("bad %s '%s' (a number, at most %llu)",
				      what, s, (unsigned long long)max);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the device */

int open_device(struct ctx *c)
{
	struct cx_node node;
	int ret;

	memset(&c->dev, 0, sizeof(c->dev));
	c->dev.fd = -1;
	snprintf(c->dev.node.path, sizeof(c->dev.node.path), "%s",
		 c->dev_spec ? c->dev_spec : "");
	ret = cx_resolve(c->dev_spec, &node);
	if (ret)
		/* a path is looked at with stat(): it failed as open would */
		return cx_fail(&c->dev, c->dev_spec && strchr(c->dev_spec, '/') ?
			       CX_OP_OPEN : CX_OP_RESOLVE, ret);
	ret = cx_open(&c->dev, &node);
	if (ret)
		return cx_fail(&c->dev, CX_OP_OPEN, ret);
	c->dev.scope = c->scope;
	return 0;
}

/* the device's members of every command's output */
void out_device(const struct cx_dev *dev)
{
	out_str("device", NULL, dev->node.path);
	out_str("kind", NULL, cx_kind_name(dev->node.kind));
	out_str("pci", NULL, dev->node.pci);
}

/* one command: the output buffer is the caller's; 0 or an exit status */
int exec(struct ctx *c, const void *in, uint32_t inlen, void *out,
	 uint32_t *outlen)
{
	int ret = cx_rpc(&c->dev, in, inlen, out, outlen);

	return ret ? cx_fail(&c->dev, CX_OP_RPC, ret) : 0;
}

/* ------------------------------------------------------------------ */
/* list */

static int cmd_list(struct ctx *c, int argc, char **argv)
{
	static const int widths[] = { 32, 8, 13, 16, 12 };
	static struct cx_node nodes[CX_MAX_NODES];
	static const char *const hdr[] = {
		"NODE", "KIND", "PCI", "AUXDEV", "DRIVER",
	};
	char *pos[1];
	int n, i, npos, ret;

	(void)c;
	ret = parse_opts(argc, argv, NULL, pos, 0, &npos);
	if (ret)
		return ret;
	n = cx_list(nodes, CX_MAX_NODES);
	out_begin();
	out_list_begin("devices");
	if (n)
		out_row(hdr, widths, 5);
	for (i = 0; i < n; i++) {
		const struct cx_node *nd = &nodes[i];
		const char *const row[] = {
			nd->path, cx_kind_name(nd->kind),
			nd->pci[0] ? nd->pci : "-",
			nd->auxdev[0] ? nd->auxdev : "-",
			nd->driver[0] ? nd->driver : "-",
		};

		out_row(row, widths, 5);
		out_obj_begin(NULL);
		out_str("node", NULL, nd->path);
		out_str("kind", NULL, cx_kind_name(nd->kind));
		out_str("pci", NULL, nd->pci);
		out_str("auxdev", NULL, nd->auxdev);
		out_str("driver", NULL, nd->driver);
		if (nd->kind == CX_KIND_FWCTL)
			out_str("fwctl_type", NULL,
				cx_fwctl_type_name(nd->fwctl_type));
		out_obj_end();
	}
	out_list_end();
	if (!n && !cx_json)
		puts("no mlx5ctl or mlx5 fwctl device");
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* info */

static int cmd_info(struct ctx *c, int argc, char **argv)
{
	struct cx_info info;
	char *pos[1];
	int npos, ret;

	ret = parse_opts(argc, argv, NULL, pos, 0, &npos);
	if (!ret)
		ret = open_device(c);
	if (ret)
		return ret;
	ret = cx_info(&c->dev, &info);
	if (ret)
		return cx_fail(&c->dev, CX_OP_INFO, ret);
	out_begin();
	out_device(&c->dev);
	out_str(NULL, "mlx5dev", c->dev.node.pci[0] ? c->dev.node.pci :
		c->dev.node.name);
	out_uint("uctx_uid", "UCTX UID", info.uid, false);
	out_uint("uctx_cap", "UCTX CAP", info.uctx_cap, true);
	if (info.has_dev_caps) {
		out_uint("dev_uctx_cap", "DEV UCTX CAP", info.dev_uctx_cap,
			 true);
		out_uint("ucap", "USER CAP", info.ucap, true);
	}
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* cap */

static int cmd_cap(struct ctx *c, int argc, char **argv)
{
	static uint8_t out[CX_QUERY_HCA_CAP_OUT];
	const char *type_s = "general";
	bool max = false, raw = false;
	const struct opt opts[] = {
		{ "--type", &type_s, NULL },
		{ "--max", NULL, &max },
		{ "--raw", NULL, &raw },
		{ NULL },
	};
	const struct cx_cap_type *type;
	uint32_t outlen = sizeof(out);
	uint8_t in[CX_HDR_LEN];
	struct cx_status st;
	unsigned int i;
	char *pos[1];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 0, &npos);
	if (ret)
		return ret;
	type = cx_cap_type_find(type_s);
	if (!type)
		return cx_usage_error("unknown capability type '%s'", type_s);
	ret = open_device(c);
	if (ret)
		return ret;
	cx_build_query_hca_cap(in, type->type, max);
	ret = exec(c, in, sizeof(in), out, &outlen);
	if (ret)
		return ret;
	st = cx_out_status(out);
	out_begin();
	out_device(&c->dev);
	out_uint("type", NULL, type->type, true);
	if (type->name)
		out_str("type_name", NULL, type->name);
	out_str("mode", NULL, max ? "max" : "current");
	if (!cx_json)
		printf("capability: %s (0x%x), %s\n",
		       type->name ? type->name : "?", type->type,
		       max ? "maximum" : "current");
	out_status(st);
	if (st.status)
		return cx_fail_status("QUERY_HCA_CAP", st);
	if (raw || !type->nfields || outlen < CX_QUERY_HCA_CAP_OUT) {
		out_hex("data", "capability",
			out + CX_HDR_LEN, outlen - CX_HDR_LEN);
	} else {
		out_label_width(26);
		out_obj_begin("fields");
		for (i = 0; i < type->nfields; i++)
			out_field(&type->fields[i], out + CX_HDR_LEN);
		out_obj_end();
	}
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* reg */

static int cmd_reg(struct ctx *c, int argc, char **argv)
{
	const char *arg_s = "0", *len_s = NULL, *data_s = NULL;
	const struct opt opts[] = {
		{ "--arg", &arg_s, NULL },
		{ "--len", &len_s, NULL },
		{ "--data", &data_s, NULL },
		{ NULL },
	};
	uint64_t arg, len;
	uint32_t outlen;
	const struct cx_reg *reg;
	struct cx_status st;
	uint8_t *in, *out;
	bool write;
	size_t dlen = 0;
	unsigned int i;
	char *pos[3];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 3, &npos);
	if (ret)
		return ret;
	if (npos < 2 || (strcmp(pos[0], "read") && strcmp(pos[0], "write")))
		return cx_usage_error("reg read ID | reg write ID HEXDATA");
	write = !strcmp(pos[0], "write");
	if (write ? npos != 3 : npos != 2)
		return cx_usage_error(write ? "reg write ID HEXDATA" :
				      "reg read ID takes no data (--data HEX)");
	if (write)
		data_s = pos[2];
	reg = cx_reg_find(pos[1]);
	if (!reg)
		return cx_usage_error("unknown register '%s' (a name or a number up to 0xffff)",
				      pos[1]);
	ret = parse_num("--arg", arg_s, UINT32_MAX, &arg);
	if (ret)
		return ret;
	len = reg->size ? reg->size : DEFAULT_REG_LEN;
	if (len_s)
		ret = parse_num("--len", len_s, CX_RPC_MAX_LEN - CX_HDR_LEN,
				&len);
	if (ret)
		return ret;
	in = calloc(1, CX_RPC_MAX_LEN);
	out = calloc(1, CX_RPC_MAX_LEN);
	if (!in || !out)
		return cx_fail(NULL, CX_OP_ALLOC, ENOMEM);
	if (data_s) {
		ret = cx_parse_hex(data_s, in + CX_HDR_LEN,
				   CX_RPC_MAX_LEN - CX_HDR_LEN, &dlen);
		if (ret)
			return cx_usage_error("bad register data '%s' (hex digits)",
					      data_s);
		/* a write is as long as its data unless --len says otherwise */
		if (write && !len_s)
			len = dlen;
		if (dlen > len)
			return cx_usage_error("%zu bytes of data for a %llu-byte register (--len)",
					      dlen, (unsigned long long)len);
	}
	ret = open_device(c);
	if (ret)
		return ret;
	cx_build_access_reg(in, reg->id, arg, write);
	outlen = CX_HDR_LEN + len;
	ret = exec(c, in, CX_HDR_LEN + len, out, &outlen);
	if (ret)
		return ret;
	st = cx_out_status(out);
	out_begin();
	out_device(&c->dev);
	out_str(reg->name ? "register_name" : NULL, "register",
		reg->name ? reg->name : "?");
	out_uint("register_id", "register_id", reg->id, true);
	out_str("access", NULL, write ? "write" : "read");
	out_uint("argument", "argument", arg, true);
	out_status(st);
	if (st.status)
		return cx_fail_status("ACCESS_REG", st);
	out_obj_begin("fields");
	for (i = 0; i < reg->nfields; i++)
		if (reg->fields[i].bit + reg->fields[i].width <= len * 8)
			out_field(&reg->fields[i], out + CX_HDR_LEN);
	out_obj_end();
	out_hex("data", "data", out + CX_HDR_LEN, outlen - CX_HDR_LEN);
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* rpc */

static int read_file(const char *path, uint8_t *buf, size_t size,
		     size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	*len = 0;
	while ((n = read(fd, buf + *len, size - *len)) > 0)
		*len += n;
	if (fd)
		close(fd);
	if (n < 0)
		return -errno;
	return *len == size ? -E2BIG : 0;
}

static int cmd_rpc(struct ctx *c, int argc, char **argv)
{
	const char *outlen_s = "4112";
	const struct opt opts[] = {
		{ "--outlen", &outlen_s, NULL },
		{ NULL },
	};
	uint8_t *in, *out;
	struct cx_status st;
	uint64_t outlen;
	uint32_t got;
	size_t inlen;
	char *pos[2];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 2, &npos);
	if (ret)
		return ret;
	if (!npos || (!strcmp(pos[0], "-f") ? npos != 2 : npos != 1))
		return cx_usage_error("rpc HEX | rpc -f FILE");
	ret = parse_num("--outlen", outlen_s, MAX_FILE_LEN, &outlen);
	if (ret)
		return ret;
	in = malloc(MAX_FILE_LEN + 1);
	out = calloc(1, outlen < CX_HDR_LEN ? CX_HDR_LEN : outlen);
	if (!in || !out)
		return cx_fail(NULL, CX_OP_ALLOC, ENOMEM);
	if (npos == 2) {
		ret = read_file(pos[1], in, MAX_FILE_LEN + 1, &inlen);
		if (ret == -E2BIG)
			return cx_usage_error("%s: more than %u bytes", pos[1],
					      MAX_FILE_LEN);
		if (ret)
			return cx_fail(NULL, CX_OP_READ_FILE, ret);
	} else if (cx_parse_hex(pos[0], in, MAX_FILE_LEN, &inlen)) {
		return cx_usage_error("bad command '%.32s' (hex digits)", pos[0]);
	}
	ret = open_device(c);
	if (ret)
		return ret;
	got = outlen;
	ret = exec(c, in, inlen, out, &got);
	if (ret)
		return ret;
	st = cx_out_status(out);
	out_begin();
	out_device(&c->dev);
	if (inlen >= 2)
		out_uint("opcode", NULL, (uint32_t)in[0] << 8 | in[1], true);
	out_uint("inlen", NULL, inlen, false);
	out_uint("outlen", NULL, got, false);
	out_status(st);
	out_hex("out", "output", out, got);
	if (st.status)
		return cx_fail_status("command", st);
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* umem */

/* SIZE: allocated here (page aligned); ADDR:LEN: taken as it is */
static int umem_range(const char *s, void **addr, uint64_t *len,
		      bool *mapped)
{
	const char *colon = strchr(s, ':');
	char buf[32];
	uint64_t a;

	*mapped = !colon;
	if (colon) {
		if ((size_t)(colon - s) >= sizeof(buf))
			return cx_usage_error("bad umem address '%s'", s);
		memcpy(buf, s, colon - s);
		buf[colon - s] = '\0';
		if (parse_num("umem address", buf, UINTPTR_MAX, &a) ||
		    parse_num("umem length", colon + 1, UMEM_MAX_LEN, len))
			return CX_EXIT_USAGE;
		*addr = (void *)(uintptr_t)a;
		return 0;
	}
	if (parse_num("umem size", s, UMEM_MAX_LEN, len))
		return CX_EXIT_USAGE;
	if (!*len)
		return cx_usage_error("umem size 0");
	*addr = mmap(NULL, *len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*addr == MAP_FAILED)
		return cx_fail(NULL, CX_OP_ALLOC, errno);
	return 0;
}

static void hold_until_eof(void)
{
	char buf[256];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

static int umem_reg(struct ctx *c, const char *range, bool hold)
{
	uint32_t id = 0;
	uint64_t len;
	bool mapped;
	void *addr;
	int ret;

	ret = umem_range(range, &addr, &len, &mapped);
	if (!ret)
		ret = open_device(c);
	if (ret)
		return ret;
	ret = cx_umem_reg(&c->dev, addr, len, &id);
	if (ret)
		return cx_fail(&c->dev, CX_OP_UMEM_REG, ret);
	out_begin();
	out_device(&c->dev);
	out_uint("umem_id", "umem_id", id, false);
	out_uint("addr", "addr", (uintptr_t)addr, true);
	out_uint("len", "len", len, false);
	out_bool("held", NULL, hold);
	if (hold) {
		/* the id is for scripts now: they close stdin when done */
		fflush(stdout);
		hold_until_eof();
	}
	ret = cx_umem_unreg(&c->dev, id);
	if (ret)
		return cx_fail(&c->dev, CX_OP_UMEM_UNREG, ret);
	out_bool("unregistered", "unregistered", true);
	out_end();
	if (mapped)
		munmap(addr, len);
	return CX_EXIT_OK;
}

static int cmd_umem(struct ctx *c, int argc, char **argv)
{
	bool hold = false;
	const struct opt opts[] = {
		{ "--hold", NULL, &hold },
		{ NULL },
	};
	uint64_t id;
	char *pos[2];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 2, &npos);
	if (ret)
		return ret;
	if (npos == 2 && !strcmp(pos[0], "reg"))
		return umem_reg(c, pos[1], hold);
	if (npos != 2 || strcmp(pos[0], "unreg") || hold)
		return cx_usage_error("umem reg SIZE|ADDR:LEN [--hold] | umem unreg ID");
	ret = parse_num("umem id", pos[1], UINT32_MAX, &id);
	if (!ret)
		ret = open_device(c);
	if (ret)
		return ret;
	ret = cx_umem_unreg(&c->dev, id);
	if (ret)
		return cx_fail(&c->dev, CX_OP_UMEM_UNREG, ret);
	out_begin();
	out_device(&c->dev);
	out_uint("umem_id", "umem_id", id, false);
	out_bool("unregistered", "unregistered", true);
	out_end();
	return CX_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* audit (audit.c) */

static int cmd_audit(struct ctx *c, int argc, char **argv)
{
	return cx_audit(c->dev_spec, argc, argv);
}

/* ------------------------------------------------------------------ */
/* main */

static const struct {
	const char *name;
	int (*fn)(struct ctx *c, int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "info", cmd_info },
	{ "cap", cmd_cap },
	{ "reg", cmd_reg },
	{ "rpc", cmd_rpc },
	{ "umem", cmd_umem },
	{ "audit", cmd_audit },
	{ "rscdump", cmd_rscdump },
	{ "coredump", cmd_coredump },
	{ "diagcnt", cmd_diagcnt },
};

static int parse_scope(const char *s, uint32_t *scope)
{
	static const char *const names[] = {
		"config", "read", "write", "write-full",
	};
	uint64_t v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*scope = i;
			return 0;
		}
	}
	if (parse_num("--scope", s, UINT32_MAX, &v))
		return CX_EXIT_USAGE;
	*scope = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = { .scope = 1 };	/* FWCTL_RPC_DEBUG_READ_ONLY */
	const char *scope_s = NULL;
	char **rest;
	int i, n = 0;
	unsigned int k;

	/* global options, anywhere; the rest is the command and its own */
	rest = calloc(argc + 1, sizeof(*rest));
	if (!rest)
		return cx_fail(NULL, CX_OP_ALLOC, ENOMEM);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			cx_json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
			   (!n && !strcmp(argv[i], "help"))) {
			fputs(usage_text, stdout);
			return CX_EXIT_OK;
		} else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--device") ||
			   !strcmp(argv[i], "--scope")) {
			if (i + 1 == argc)
				return cx_usage_error("%s needs a value", argv[i]);
			if (!strcmp(argv[i], "--scope"))
				scope_s = argv[++i];
			else
				c.dev_spec = argv[++i];
		} else {
			rest[n++] = argv[i];
		}
	}
	if (scope_s && parse_scope(scope_s, &c.scope))
		return CX_EXIT_USAGE;
	if (!n)
		return cx_usage_error("no command");
	for (k = 0; k < ARRAY_SIZE(commands); k++)
		if (!strcmp(rest[0], commands[k].name))
			return commands[k].fn(&c, n - 1, rest + 1);
	return cx_usage_error("unknown command '%s'", rest[0]);
}
