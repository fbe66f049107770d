// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * PRM commands: building QUERY_HCA_CAP and ACCESS_REG inputs, decoding
 * output headers, and the tables of capability types, registers and the
 * fields cxctl prints.
 *
 * Field offsets are bit offsets from the most significant bit of
 * big-endian dword 0, as in the kernel's include/linux/mlx5/mlx5_ifc.h
 * (cmd_hca_cap, the register layouts).  Every CX_F() line below is checked
 * against mlx5_ifc.h by check-fields.py; keep one field per line.
 */
#include <endian.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cxctl.h"

#define CX_F(n, b, w)	{ .name = #n, .bit = (b), .width = (w) }
#define CX_FX(n, b, w)	{ .name = #n, .bit = (b), .width = (w), \
			  .flags = CX_FIELD_HEX }

/* command header (mbox_in_hdr / mbox_out_hdr) */
static const struct cx_field hdr_opcode = CX_F(opcode, 0x00, 16);
static const struct cx_field hdr_op_mod = CX_F(op_mod, 0x30, 16);
static const struct cx_field hdr_status = CX_F(status, 0x00, 8);
static const struct cx_field hdr_syndrome = CX_F(syndrome, 0x20, 32);

/* access_register_in */
#define REG_ID_BIT	0x50
#define REG_ARG_BIT	0x60

uint64_t cx_get(const void *buf, const struct cx_field *f)
{
	const uint8_t *p = (const uint8_t *)buf + f->bit / 32 * 4;
	uint32_t dw, hi;

	if (f->width == 64) {
		memcpy(&hi, p, 4);
		memcpy(&dw, p + 4, 4);
		return (uint64_t)be32toh(hi) << 32 | be32toh(dw);
	}
	memcpy(&dw, p, 4);
	dw = be32toh(dw);
	if (f->width == 32)
		return dw;
	return (dw >> (32 - f->bit % 32 - f->width)) & ((1u << f->width) - 1);
}

void cx_put(void *buf, unsigned int bit, unsigned int width, uint32_t val)
{
	uint8_t *p = (uint8_t *)buf + bit / 32 * 4;
	unsigned int shift = 32 - bit % 32 - width;
	uint32_t mask = width == 32 ? ~0u : ((1u << width) - 1) << shift;
	uint32_t dw;

	memcpy(&dw, p, 4);
	dw = (be32toh(dw) & ~mask) | ((val << shift) & mask);
	dw = htobe32(dw);
	memcpy(p, &dw, 4);
}

/* ------------------------------------------------------------------ */
/* capabilities: mlx5_ifc_cmd_hca_cap_bits */

static const struct cx_field general_fields[] = {
	CX_F(hca_cap_2, 0x20, 1),
	CX_F(vhca_id, 0x30, 16),
	CX_F(log_max_srq_sz, 0x80, 8),
	CX_F(log_max_qp_sz, 0x88, 8),
	CX_F(log_max_qp, 0x9b, 5),
	CX_F(log_max_srq, 0xab, 5),
	CX_F(log_max_cq_sz, 0xc8, 8),
	CX_F(log_max_cq, 0xdb, 5),
	CX_F(log_max_eq_sz, 0xe0, 8),
	CX_F(log_max_mkey, 0xea, 6),
	CX_F(log_max_eq, 0xfc, 4),
	CX_F(max_indirection, 0x100, 8),
	CX_F(log_max_klm_list_size, 0x11a, 6),
	CX_F(qcam_reg, 0x16f, 1),
	CX_F(debug, 0x183, 1),
	CX_F(vport_group_manager, 0x1a0, 1),
	CX_F(nic_flow_table, 0x1a6, 1),
	CX_F(eswitch_manager, 0x1a7, 1),
	CX_F(mcam_reg, 0x1a9, 1),
	CX_F(pcam_reg, 0x1aa, 1),
	CX_F(port_type, 0x1b6, 2),
	CX_F(num_ports, 0x1b8, 8),
	CX_F(log_max_msg, 0x1c3, 5),
	CX_F(max_tc, 0x1cc, 4),
	CX_F(cqe_version, 0x1fc, 4),
	CX_F(cmdif_checksum, 0x210, 2),
	CX_F(roce, 0x21d, 1),
	CX_F(pg, 0x227, 1),
	CX_F(log_pg_sz, 0x258, 8),
	CX_F(driver_version, 0x261, 1),
	CX_F(log_max_pd, 0x32b, 5),
	CX_F(log_max_xrcd, 0x33b, 5),
	CX_F(log_max_rq, 0x363, 5),
	CX_F(log_max_sq, 0x36b, 5),
	CX_F(log_max_tir, 0x373, 5),
	CX_F(log_max_tis, 0x37b, 5),
	CX_F(log_max_rqt, 0x38b, 5),
	CX_FX(general_obj_types, 0x400, 64),
	CX_F(log_max_uctx, 0x463, 5),
	CX_F(log_max_umem, 0x46b, 5),
	CX_F(max_num_eqs, 0x470, 16),
	CX_F(log_uar_page_sz, 0x490, 16),
	CX_F(device_frequency_khz, 0x4e0, 32),
	CX_F(num_of_uars_per_page, 0x520, 32),
	CX_F(sf, 0x680, 1),
	CX_FX(uctx_cap, 0x6a0, 32),
};

#define CX_CAP(n, t)	{ .name = n, .type = t }

/* enum mlx5_cap_type (include/linux/mlx5/device.h) */
static const struct cx_cap_type cap_types[] = {
	{ "general", 0x00, general_fields, ARRAY_SIZE(general_fields) },
	CX_CAP("ethernet_offloads", 0x01),
	CX_CAP("odp", 0x02),
	CX_CAP("atomic", 0x03),
	CX_CAP("roce", 0x04),
	CX_CAP("ipoib_offloads", 0x05),
	CX_CAP("ipoib_enhanced_offloads", 0x06),
	CX_CAP("flow_table", 0x07),
	CX_CAP("eswitch_flow_table", 0x08),
	CX_CAP("eswitch", 0x09),
	CX_CAP("qos", 0x0c),
	CX_CAP("debug", 0x0d),
	CX_CAP("dev_mem", 0x0f),
	CX_CAP("tls", 0x11),
	CX_CAP("vdpa_emulation", 0x13),
	CX_CAP("dev_event", 0x14),
	CX_CAP("ipsec", 0x15),
	CX_CAP("crypto", 0x1a),
	CX_CAP("shampo", 0x1d),
	CX_CAP("psp", 0x1e),
	CX_CAP("macsec", 0x1f),
	CX_CAP("general_2", 0x20),
	CX_CAP("port_selection", 0x25),
	CX_CAP("adv_virtualization", 0x26),
	CX_CAP("adv_rdma", 0x28),
	CX_CAP("tlp_emulation", 0x2a),
};

const struct cx_cap_type *cx_cap_type_by_num(unsigned int type)
{
	static struct cx_cap_type other;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cap_types); i++)
		if (cap_types[i].type == type)
			return &cap_types[i];
	other.name = NULL;
	other.type = type;
	return &other;
}

/* a type by name or number (0 .. 0x7fff: op_mod has 15 bits for it) */
const struct cx_cap_type *cx_cap_type_find(const char *s)
{
	uint64_t num;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cap_types); i++)
		if (!strcasecmp(cap_types[i].name, s))
			return &cap_types[i];
	if (cx_parse_uint(s, 0x7fff, &num))
		return NULL;
	return cx_cap_type_by_num(num);
}

/* a command header: opcode and op_mod, the rest of the header zero */
void cx_build_cmd(void *in, unsigned int opcode, unsigned int op_mod)
{
	memset(in, 0, CX_HDR_LEN);
	cx_put(in, hdr_opcode.bit, 16, opcode);
	cx_put(in, hdr_op_mod.bit, 16, op_mod);
}

void cx_build_query_hca_cap(void *in, unsigned int type, bool max)
{
	cx_build_cmd(in, CX_OP_QUERY_HCA_CAP, type << 1 | !max);
}

/* ------------------------------------------------------------------ */
/* registers: include/linux/mlx5/driver.h ids, mlx5_ifc.h layouts */

/* register_host_endianness */
static const struct cx_field host_endianness_fields[] = {
	CX_F(he, 0x00, 1),
};

/* pcam_reg, mcam_reg and qcam_reg begin alike */
static const struct cx_field cam_fields[] = {
	CX_F(feature_group, 0x08, 8),
	CX_F(access_reg_group, 0x18, 8),
};

/* core_dump_reg */
static const struct cx_field core_dump_fields[] = {
	CX_F(core_dump_type, 0x18, 8),
	CX_F(vhca_id, 0x50, 16),
	CX_F(qpn, 0x68, 24),
};

/* resource_dump */
static const struct cx_field resource_dump_fields[] = {
	CX_F(more_dump, 0x00, 1),
	CX_F(inline_dump, 0x01, 1),
	CX_F(seq_num, 0x0c, 4),
	CX_FX(segment_type, 0x10, 16),
	CX_F(vhca_id, 0x30, 16),
	CX_FX(index1, 0x40, 32),
	CX_FX(index2, 0x60, 32),
	CX_F(num_of_obj1, 0x80, 16),
	CX_F(num_of_obj2, 0x90, 16),
	CX_FX(device_opaque, 0xc0, 64),
	CX_FX(mkey, 0x100, 32),
	CX_F(size, 0x120, 32),
	CX_FX(address, 0x140, 64),
};

/* mtmp_reg */
static const struct cx_field mtmp_fields[] = {
	CX_F(sensor_index, 0x14, 12),
	CX_F(temperature, 0x30, 16),
	CX_F(max_temperature, 0x50, 16),
};

/* paos_reg */
static const struct cx_field paos_fields[] = {
	CX_F(local_port, 0x08, 8),
	CX_F(admin_status, 0x14, 4),
	CX_F(oper_status, 0x1c, 4),
};

/* name, id, mlx5_ifc layout (its size is the register's), fields */
#define CX_REG(n, i, s, l)	{ .name = n, .id = i, .size = s, .layout = #l }
#define CX_REGF(n, i, s, l, f)	{ .name = n, .id = i, .size = s, .layout = #l, \
				  .fields = f, .nfields = ARRAY_SIZE(f) }

static const struct cx_reg registers[] = {
	CX_REGF("QCAM", 0x4019, 24, qcam_reg, cam_fields),
	CX_REGF("CORE_DUMP", 0x402e, 64, core_dump_reg, core_dump_fields),
	CX_REG("PTYS", 0x5004, 64, ptys_reg),
	CX_REGF("PAOS", 0x5006, 16, paos_reg, paos_fields),
	CX_REG("PPCNT", 0x5008, 256, ppcnt_reg),
	CX_REGF("PCAM", 0x507f, 40, pcam_reg, cam_fields),
	CX_REGF("HOST_ENDIANNESS", 0x7004, 16, register_host_endianness,
		host_endianness_fields),
	CX_REGF("MTMP", 0x900a, 32, mtmp_reg, mtmp_fields),
	CX_REG("MCIA", 0x9014, 144, mcia_reg),
	CX_REG("MFRL", 0x9028, 8, mfrl_reg),
	CX_REG("MRTC", 0x902d, 16, mrtc_reg),
	CX_REG("MTRC_CAP", 0x9040, 128, mtrc_cap),
	CX_REG("MTRC_CONF", 0x9041, 128, mtrc_conf),
	CX_REG("MTRC_STDB", 0x9042, 8, mtrc_stdb),
	CX_REG("MTRC_CTRL", 0x9043, 64, mtrc_ctrl),
	CX_REGF("MCAM", 0x907f, 40, mcam_reg, cam_fields),
	CX_REGF("RESOURCE_DUMP", 0xc000, 256, resource_dump,
		resource_dump_fields),
	CX_REG("DTOR", 0xc00e, 64, dtor_reg),
};

const struct cx_reg *cx_reg_by_id(unsigned int id)
{
	static struct cx_reg other;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(registers); i++)
		if (registers[i].id == id)
			return &registers[i];
	other.name = NULL;
	other.id = id;
	other.size = 0;
	return &other;
}

/* a register by name or number (16 bits) */
const struct cx_reg *cx_reg_find(const char *s)
{
	uint64_t num;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(registers); i++)
		if (!strcasecmp(registers[i].name, s))
			return &registers[i];
	if (cx_parse_uint(s, 0xffff, &num))
		return NULL;
	return cx_reg_by_id(num);
}

void cx_build_access_reg(void *in, unsigned int id, uint32_t arg, bool write)
{
	cx_build_cmd(in, CX_OP_ACCESS_REG, write ? 0 : 1);
	cx_put(in, REG_ID_BIT, 16, id);
	cx_put(in, REG_ARG_BIT, 32, arg);
}

/* ------------------------------------------------------------------ */
/* output header */

/* the command statuses (firmware-sim/src/cxfw-prm.h, the PRM's) */
const char *cx_status_name(uint8_t status)
{
	switch (status) {
	case 0x00: return "OK";
	case 0x01: return "INT_ERR";
	case 0x02: return "BAD_OP";
	case 0x03: return "BAD_PARAM";
	case 0x04: return "BAD_SYS_STATE";
	case 0x05: return "BAD_RES";
	case 0x06: return "RES_BUSY";
	case 0x07: return "NOT_READY";
	case 0x08: return "LIM";
	case 0x09: return "BAD_RES_STATE";
	case 0x0a: return "IX";
	case 0x0f: return "NO_RES";
	case 0x10: return "BAD_QP_STATE";
	case 0x30: return "BAD_PKT";
	case 0x40: return "BAD_SIZE";
	case 0x50: return "BAD_INP_LEN";
	case 0x51: return "BAD_OUTP_LEN";
	}
	return "UNKNOWN";
}

struct cx_status cx_out_status(const void *out)
{
	struct cx_status st = {
		.status = cx_get(out, &hdr_status),
		.syndrome = cx_get(out, &hdr_syndrome),
	};

	return st;
}

/* ------------------------------------------------------------------ */
/* argument parsing */

/* a number (decimal, 0x hex, 0 octal) no larger than @max */
int cx_parse_uint(const char *s, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Hex digits into @buf (at most @size bytes): an optional "0x", then pairs
 * of digits; spaces, newlines, ':' and '_' between bytes are ignored.
 */
int cx_parse_hex(const char *s, uint8_t *buf, size_t size, size_t *len)
{
	size_t n = 0;
	int hi, lo;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		if (strchr(" \t\n\r:_", *s)) {
			s++;
			continue;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		if (n == size)
			return -E2BIG;
		buf[n++] = hi << 4 | lo;
		s += 2;
	}
	*len = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * The firmware's own tables, compiled in from firmware-sim/src: the
 * layouts mlx5_ifc.h lacks (dumps, diagnostic counters; cxfw-fields.def,
 * cxfw-sizes.def) and the syndromes (cxfw-syndromes.def), so the tool
 * decodes exactly what the firmware writes.
 */

#define CXFW_FIELD(l, n, ifc, b, w)	{ #l, #n, b, w },
static const struct cx_fw_field fw_fields[] = {
#include "cxfw-fields.def"
};
#undef CXFW_FIELD

static const struct {
	const char *layout;
	uint32_t bytes;
} fw_sizes[] = {
#define CXFW_SIZE(l, b)		{ #l, b },
#define CXFW_SIZE_OWN(l, b)	{ #l, b },
#include "cxfw-sizes.def"
#undef CXFW_SIZE_OWN
#undef CXFW_SIZE
};

static const struct {
	const char *name;
	uint32_t value;
	const char *text;
} syndromes[] = {
#define CXFW_SYNDROME(n, v, s, t)	{ #n, v, t },
#include "cxfw-syndromes.def"
#undef CXFW_SYNDROME
};

const struct cx_fw_field *cx_fw_fields(unsigned int *n)
{
	*n = ARRAY_SIZE(fw_fields);
	return fw_fields;
}

/* a field of a firmware layout; the tables are the tool's own: abort */
const struct cx_fw_field *cx_fw_field(const char *layout, const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fw_fields); i++)
		if (!strcmp(fw_fields[i].layout, layout) &&
		    !strcmp(fw_fields[i].name, name))
			return &fw_fields[i];
	fprintf(stderr, "cxctl: no field %s.%s in cxfw-fields.def\n", layout,
		name);
	abort();
}

uint32_t cx_fw_size(const char *layout)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fw_sizes); i++)
		if (!strcmp(fw_sizes[i].layout, layout))
			return fw_sizes[i].bytes;
	fprintf(stderr, "cxctl: no layout %s in cxfw-sizes.def\n", layout);
	abort();
}

uint64_t cx_fw_value(const void *buf, const struct cx_fw_field *f)
{
	struct cx_field cf = { .bit = f->bit, .width = f->width };

	return cx_get(buf, &cf);
}

uint64_t cx_fw_get(const void *buf, const char *layout, const char *name)
{
	return cx_fw_value(buf, cx_fw_field(layout, name));
}

void cx_fw_set(void *buf, const char *layout, const char *name, uint64_t val)
{
	cx_fw_put(buf, cx_fw_field(layout, name), val);
}

void cx_fw_put(void *buf, const struct cx_fw_field *f, uint64_t val)
{
	if (f->width == 64) {
		cx_put(buf, f->bit, 32, val >> 32);
		cx_put(buf, f->bit + 32, 32, (uint32_t)val);
	} else {
		cx_put(buf, f->bit, f->width, val);
	}
}

unsigned int cx_fw_byte(const char *layout, const char *name)
{
	return cx_fw_field(layout, name)->bit / 8;
}

static int syndrome_find(uint32_t syndrome)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syndromes); i++)
		if (syndromes[i].value == syndrome)
			return i;
	return -1;
}

const char *cx_syndrome_name(uint32_t syndrome)
{
	int i = syndrome_find(syndrome);

	return i < 0 ? NULL : syndromes[i].name;
}

const char *cx_syndrome_text(uint32_t syndrome)
{
	int i = syndrome_find(syndrome);

	return i < 0 ? NULL : syndromes[i].text;
}
