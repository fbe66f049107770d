// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * HCA life cycle: ENABLE_HCA / DISABLE_HCA, the interface revision (ISSI),
 * the host endianness register, general capabilities, INIT_HCA /
 * TEARDOWN_HCA and the UAR page the command EQ rings.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "priv.h"

/* The initialization segment spans BAR0 pages 0-2; UAR pages follow. */
#define CXCORE_ISEG_PAGES	3

/* ACCESS_REG register id (mlx5 driver.h: MLX5_REG_HOST_ENDIANNESS) */
#define CXCORE_REG_HOST_ENDIANNESS	0x7004
#define CXCORE_REG_WRITE		0

int cxcore_hca_enable(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(enable_hca_out)] = {};
	u32 in[MLX5_ST_SZ_DW(enable_hca_in)] = {};
	int err;

	MLX5_SET(enable_hca_in, in, opcode, MLX5_CMD_OP_ENABLE_HCA);
	err = cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
	if (err)
		return err;
	cxcore_health_start(dev);
	return 0;
}

void cxcore_hca_disable(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(disable_hca_out)] = {};
	u32 in[MLX5_ST_SZ_DW(disable_hca_in)] = {};

	cxcore_health_stop(dev);
	MLX5_SET(disable_hca_in, in, opcode, MLX5_CMD_OP_DISABLE_HCA);
	cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

int cxcore_hca_set_issi(struct cxcore_dev *dev)
{
	u32 query_out[MLX5_ST_SZ_DW(query_issi_out)] = {};
	u32 query_in[MLX5_ST_SZ_DW(query_issi_in)] = {};
	u32 set_out[MLX5_ST_SZ_DW(set_issi_out)] = {};
	u32 set_in[MLX5_ST_SZ_DW(set_issi_in)] = {};
	u32 supported;
	int err;

	MLX5_SET(query_issi_in, query_in, opcode, MLX5_CMD_OP_QUERY_ISSI);
	err = cxcore_cmd_exec(dev, query_in, sizeof(query_in), query_out,
			      sizeof(query_out));
	if (err)
		return err;
	if (cxcore_cmd_out_status(query_out) == MLX5_CMD_STAT_BAD_OP_ERR) {
		/* firmware older than ISSI: interface revision 0 */
		dev->issi = 0;
		return 0;
	}
	err = cxcore_cmd_check(dev, query_in, query_out);
	if (err)
		return err;

	supported = MLX5_GET(query_issi_out, query_out, supported_issi_dw0);
	if (supported & BIT(1)) {
		MLX5_SET(set_issi_in, set_in, opcode, MLX5_CMD_OP_SET_ISSI);
		MLX5_SET(set_issi_in, set_in, current_issi, 1);
		err = cxcore_cmd_exec_check(dev, set_in, sizeof(set_in),
					    set_out, sizeof(set_out));
		if (err)
			return err;
		dev->issi = 1;
	} else if (supported & BIT(0) || !supported) {
		dev->issi = 0;
	} else {
		dev_err(&dev->pdev->dev,
			"firmware supports neither ISSI 0 nor 1 (mask 0x%x)\n",
			supported);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Tell the firmware the byte order of the host (register 0x7004). */
int cxcore_hca_set_endianness(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(access_register_out) +
		MLX5_ST_SZ_DW(register_host_endianness)] = {};
	u32 in[MLX5_ST_SZ_DW(access_register_in) +
	       MLX5_ST_SZ_DW(register_host_endianness)] = {};
	void *data = MLX5_ADDR_OF(access_register_in, in, register_data);

	MLX5_SET(access_register_in, in, opcode, MLX5_CMD_OP_ACCESS_REG);
	MLX5_SET(access_register_in, in, op_mod, CXCORE_REG_WRITE);
	MLX5_SET(access_register_in, in, register_id,
		 CXCORE_REG_HOST_ENDIANNESS);
	MLX5_SET(register_host_endianness, data, he,
		 !!MLX5_SET_HOST_ENDIANNESS);
	return cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

int cxcore_query_hca_caps(struct cxcore_dev *dev, u16 cap_type, bool max,
			  void *cap)
{
	u32 in[MLX5_ST_SZ_DW(query_hca_cap_in)] = {};
	int outlen = MLX5_ST_SZ_BYTES(query_hca_cap_out);
	void *out;
	int err;

	out = kvzalloc(outlen, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	MLX5_SET(query_hca_cap_in, in, opcode, MLX5_CMD_OP_QUERY_HCA_CAP);
	MLX5_SET(query_hca_cap_in, in, op_mod,
		 cap_type << 1 |
		 (max ? HCA_CAP_OPMOD_GET_MAX : HCA_CAP_OPMOD_GET_CUR));
	err = cxcore_cmd_exec_check(dev, in, sizeof(in), out, outlen);
	if (!err)
		memcpy(cap, MLX5_ADDR_OF(query_hca_cap_out, out, capability),
		       CXCORE_CAP_SIZE);
	kvfree(out);
	return err;
}
EXPORT_SYMBOL_NS_GPL(cxcore_query_hca_caps, "CXCORE");

const void *cxcore_hca_caps(struct cxcore_dev *dev, bool max)
{
	return max ? dev->caps_max : dev->caps_cur;
}
EXPORT_SYMBOL_NS_GPL(cxcore_hca_caps, "CXCORE");

/*
 * Read the general capabilities, then set the current ones cxcore relies
 * on: no command signatures (cxcore does not compute them) and 4 KiB UAR
 * pages (cxcore addresses UARs as BAR0 + index * 4 KiB).
 */
int cxcore_hca_setup_caps(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(set_hca_cap_out)] = {};
	int inlen = MLX5_ST_SZ_BYTES(set_hca_cap_in);
	void *in, *cap;
	int err;

	dev->caps_max = kzalloc(CXCORE_CAP_SIZE, GFP_KERNEL);
	dev->caps_cur = kzalloc(CXCORE_CAP_SIZE, GFP_KERNEL);
	if (!dev->caps_max || !dev->caps_cur)
		return -ENOMEM;

	err = cxcore_query_hca_caps(dev, MLX5_CAP_GENERAL, true, dev->caps_max);
	if (err)
		return err;
	err = cxcore_query_hca_caps(dev, MLX5_CAP_GENERAL, false,
				    dev->caps_cur);
	if (err)
		return err;

	in = kvzalloc(inlen, GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	MLX5_SET(set_hca_cap_in, in, opcode, MLX5_CMD_OP_SET_HCA_CAP);
	MLX5_SET(set_hca_cap_in, in, op_mod,
		 MLX5_SET_HCA_CAP_OP_MOD_GENERAL_DEVICE << 1);
	cap = MLX5_ADDR_OF(set_hca_cap_in, in, capability);
	memcpy(cap, dev->caps_cur, CXCORE_CAP_SIZE);
	MLX5_SET(cmd_hca_cap, cap, cmdif_checksum, 0);
	MLX5_SET(cmd_hca_cap, cap, log_uar_page_sz, 0);
	err = cxcore_cmd_exec_check(dev, in, inlen, out, sizeof(out));
	kvfree(in);
	if (err)
		return err;

	/* what the firmware accepted */
	return cxcore_query_hca_caps(dev, MLX5_CAP_GENERAL, false,
				     dev->caps_cur);
}

int cxcore_hca_init(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(init_hca_out)] = {};
	u32 in[MLX5_ST_SZ_DW(init_hca_in)] = {};

	MLX5_SET(init_hca_in, in, opcode, MLX5_CMD_OP_INIT_HCA);
	return cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

int cxcore_hca_teardown(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(teardown_hca_out)] = {};
	u32 in[MLX5_ST_SZ_DW(teardown_hca_in)] = {};

	MLX5_SET(teardown_hca_in, in, opcode, MLX5_CMD_OP_TEARDOWN_HCA);
	MLX5_SET(teardown_hca_in, in, profile,
		 MLX5_TEARDOWN_HCA_IN_PROFILE_GRACEFUL_CLOSE);
	return cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

static void cxcore_uar_dealloc(struct cxcore_dev *dev, u32 index)
{
	u32 out[MLX5_ST_SZ_DW(dealloc_uar_out)] = {};
	u32 in[MLX5_ST_SZ_DW(dealloc_uar_in)] = {};

	MLX5_SET(dealloc_uar_in, in, opcode, MLX5_CMD_OP_DEALLOC_UAR);
	MLX5_SET(dealloc_uar_in, in, uar, index);
	cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
}

int cxcore_uar_alloc(struct cxcore_dev *dev)
{
	u32 out[MLX5_ST_SZ_DW(alloc_uar_out)] = {};
	u32 in[MLX5_ST_SZ_DW(alloc_uar_in)] = {};
	resource_size_t offset;
	u32 index;
	int err;

	MLX5_SET(alloc_uar_in, in, opcode, MLX5_CMD_OP_ALLOC_UAR);
	err = cxcore_cmd_exec_check(dev, in, sizeof(in), out, sizeof(out));
	if (err)
		return err;

	index = MLX5_GET(alloc_uar_out, out, uar);
	offset = (resource_size_t)index * MLX5_ADAPTER_PAGE_SIZE;
	if (index < CXCORE_ISEG_PAGES ||
	    offset + MLX5_ADAPTER_PAGE_SIZE > dev->bar_len) {
		dev_err(&dev->pdev->dev,
			"ALLOC_UAR returned page %u, outside the UAR pages of BAR0 (%u to %llu)\n",
			index, CXCORE_ISEG_PAGES,
			(unsigned long long)dev->bar_len / MLX5_ADAPTER_PAGE_SIZE - 1);
		cxcore_uar_dealloc(dev, index);
		return -EIO;
	}
	dev->uar_index = index;
	dev->uar = dev->bar + offset;
	return 0;
}

void cxcore_uar_free(struct cxcore_dev *dev)
{
	cxcore_uar_dealloc(dev, dev->uar_index);
	dev->uar = NULL;
}
