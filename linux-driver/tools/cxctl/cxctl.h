/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cxctl: the userspace tool for the mlx5ctl interface (and mlx5 fwctl
 * devices).  Declarations shared by its parts:
 *
 *   main.c    command line, dispatch, the commands
 *   device.c  finding device nodes in sysfs, opening them, the ioctls
 *   prm.c     building and decoding PRM commands, the field tables
 *   output.c  human and JSON output
 *   errors.c  errno and firmware status messages
 *   audit.c   the policy audit (with firmware-sim/src/cxfw-policy.c)
 *   dump.c    resource dumps, the core dump, the CRC-32
 *   diag.c    diagnostic counters
 */
#ifndef CXCTL_H
#define CXCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((__format__(__printf__, a, b)))

/* exit statuses */
#define CX_EXIT_OK	0
#define CX_EXIT_FAIL	1	/* a device, kernel or firmware error */
#define CX_EXIT_USAGE	2	/* bad arguments */

/* MLX5CTL_IOCTL_CMDRPC length limits (the mlx5ctl series) */
#define CX_RPC_MIN_LEN	16
#define CX_RPC_MAX_LEN	(512 * 512)

/* PRM command header size, and the sizes of the outputs we build */
#define CX_HDR_LEN		16
#define CX_HDR_UID_BIT		0x10	/* mbox_in_hdr uid: 16 bits */
#define CX_HCA_CAP_LEN		4096
#define CX_QUERY_HCA_CAP_OUT	(CX_HDR_LEN + CX_HCA_CAP_LEN)

/* ------------------------------------------------------------------ */
/* device.c */

enum cx_kind {
	CX_KIND_MLX5CTL,	/* /dev/mlx5ctl-*, the mlx5ctl ABI */
	CX_KIND_FWCTL,		/* /dev/fwctl/fwctl*, the fwctl ABI */
};

struct cx_node {
	enum cx_kind kind;
	char name[64];		/* mlx5ctl-cxcore.ctl.0, fwctl0 */
	char path[128];		/* /dev/... */
	char auxdev[64];	/* the auxiliary device, "" if none */
	char driver[64];	/* the auxiliary (or PCI) device's driver */
	char pci[32];		/* the PCI function, "" if none found */
	int fwctl_type;		/* fwctl: device type, -errno if not known */
};

struct cx_dev {
	struct cx_node node;
	int fd;
	uint32_t scope;		/* fwctl: the RPC scope */
};

struct cx_info {
	uint32_t uid;
	uint32_t uctx_cap;
	/* mlx5ctl only: */
	bool has_dev_caps;
	uint32_t dev_uctx_cap;
	uint32_t ucap;
};

#define CX_MAX_NODES	64

int cx_list(struct cx_node *nodes, int max);
int cx_resolve(const char *spec, struct cx_node *node);
int cx_open(struct cx_dev *dev, const struct cx_node *node);
void cx_close(struct cx_dev *dev);
int cx_info(struct cx_dev *dev, struct cx_info *info);
int cx_rpc(struct cx_dev *dev, const void *in, uint32_t inlen, void *out,
	   uint32_t *outlen);
int cx_umem_reg(struct cx_dev *dev, void *addr, uint64_t len,
		uint32_t *umem_id);
int cx_umem_unreg(struct cx_dev *dev, uint32_t umem_id);
const char *cx_kind_name(enum cx_kind kind);
const char *cx_fwctl_type_name(int type);

/* ------------------------------------------------------------------ */
/* prm.c */

#define CX_FIELD_HEX	0x1	/* print in hex (masks, addresses) */

/* a PRM field: bit offset from the MSB of big-endian dword 0, width */
struct cx_field {
	const char *name;
	uint16_t bit;
	uint8_t width;		/* 1..32, or 64 (aligned pair of dwords) */
	uint8_t flags;
};

struct cx_cap_type {
	const char *name;
	uint16_t type;
	const struct cx_field *fields;
	unsigned int nfields;
};

struct cx_reg {
	const char *name;
	uint16_t id;
	uint16_t size;		/* bytes of register data */
	const char *layout;	/* its mlx5_ifc.h layout */
	const struct cx_field *fields;
	unsigned int nfields;
};

struct cx_status {
	uint8_t status;
	uint32_t syndrome;
};

enum {
	CX_OP_QUERY_HCA_CAP	= 0x100,
	CX_OP_ACCESS_REG	= 0x805,
	CX_OP_NOP		= 0x80d,
};

uint64_t cx_get(const void *buf, const struct cx_field *f);
void cx_put(void *buf, unsigned int bit, unsigned int width, uint32_t val);
const struct cx_cap_type *cx_cap_type_find(const char *s);
const struct cx_cap_type *cx_cap_type_by_num(unsigned int type);
const struct cx_reg *cx_reg_find(const char *s);
const struct cx_reg *cx_reg_by_id(unsigned int id);
const char *cx_status_name(uint8_t status);
struct cx_status cx_out_status(const void *out);
void cx_build_cmd(void *in, unsigned int opcode, unsigned int op_mod);
void cx_build_query_hca_cap(void *in, unsigned int type, bool max);
void cx_build_access_reg(void *in, unsigned int id, uint32_t arg,
			 bool write);
int cx_parse_uint(const char *s, uint64_t max, uint64_t *val);
int cx_parse_hex(const char *s, uint8_t *buf, size_t size, size_t *len);

/* the firmware's layouts and syndromes (firmware-sim/src/cxfw-*.def) */
struct cx_fw_field {
	const char *layout;
	const char *name;
	uint16_t bit;
	uint16_t width;		/* bits; 0: an array's start */
};

const struct cx_fw_field *cx_fw_fields(unsigned int *n);
const struct cx_fw_field *cx_fw_field(const char *layout, const char *name);
uint32_t cx_fw_size(const char *layout);
uint64_t cx_fw_value(const void *buf, const struct cx_fw_field *f);
uint64_t cx_fw_get(const void *buf, const char *layout, const char *name);
void cx_fw_set(void *buf, const char *layout, const char *name, uint64_t val);
void cx_fw_put(void *buf, const struct cx_fw_field *f, uint64_t val);
unsigned int cx_fw_byte(const char *layout, const char *name);
const char *cx_syndrome_name(uint32_t syndrome);
const char *cx_syndrome_text(uint32_t syndrome);

/* ------------------------------------------------------------------ */
/* main.c */

/* a command's option: a flag or one with a value */
struct opt {
	const char *name;	/* "--max" */
	const char **val;	/* set for an option with a value */
	bool *flag;		/* set for a flag */
};

struct ctx {
	const char *dev_spec;
	uint32_t scope;
	struct cx_dev dev;
};

int parse_opts(int argc, char **argv, const struct opt *opts, char **pos,
	       int maxpos, int *npos);
int parse_num(const char *what, const char *s, uint64_t max, uint64_t *val);
int open_device(struct ctx *c);
void out_device(const struct cx_dev *dev);
int exec(struct ctx *c, const void *in, uint32_t inlen, void *out,
	 uint32_t *outlen);

/* ------------------------------------------------------------------ */
/* dump.c, diag.c */

int open_begin(struct ctx *c);
int exec_ok(struct ctx *c, const char *what, const void *in, uint32_t inlen,
	    void *out, uint32_t outlen);
int cmd_rscdump(struct ctx *c, int argc, char **argv);
int cmd_coredump(struct ctx *c, int argc, char **argv);
int cmd_diagcnt(struct ctx *c, int argc, char **argv);

/* ------------------------------------------------------------------ */
/* audit.c */

int cx_audit(const char *dev_spec, int argc, char **argv);

/* ------------------------------------------------------------------ */
/* output.c */

extern bool cx_json;

void out_begin(void);
void out_end(void);
void out_obj_begin(const char *key);
void out_obj_end(void);
void out_list_begin(const char *key);
void out_list_end(void);
void out_label_width(int width);
void out_str(const char *key, const char *label, const char *val);
void out_uint(const char *key, const char *label, uint64_t val, bool hex);
void out_bool(const char *key, const char *label, bool val);
void out_hex(const char *key, const char *label, const void *buf,
	     size_t len);
void out_status(struct cx_status st);
void out_field(const struct cx_field *f, const void *buf);
void out_error(const char *device, const char *what, int err,
	       const char *name, const char *msg);
void out_row(const char *const *cols, const int *widths, int n);

/* ------------------------------------------------------------------ */
/* errors.c */

enum cx_op {
	CX_OP_OPEN,
	CX_OP_INFO,
	CX_OP_RPC,
	CX_OP_UMEM_REG,
	CX_OP_UMEM_UNREG,
	CX_OP_RESOLVE,
	CX_OP_READ_FILE,
	CX_OP_ALLOC,
};

const char *cx_errno_name(int err);
const char *cx_errno_hint(int err, enum cx_op op, enum cx_kind kind);
const char *cx_op_name(enum cx_op op, enum cx_kind kind);
int cx_fail(const struct cx_dev *dev, enum cx_op op, int err);
int cx_fail_status(const char *what, struct cx_status st);
__printf(1, 2) int cx_usage_error(const char *fmt, ...);

#endif
