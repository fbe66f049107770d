// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxsim's command policy as the kernel reads it: the rows of
 * firmware-sim/policy/cxsim-policy.def, the one file the firmware also
 * enforces.  The kernel uses two of its columns:
 *
 * - scope: the fwctl allow-list (fwctl.c): the lowest scope an RPC may
 *   carry the command at, or none;
 * - who MEDIATED: commands that name bus addresses (CREATE_UMEM) or end
 *   their use (DESTROY_UMEM).  Only the kernel sends those for a file,
 *   with memory it pinned and mapped itself (umem.c); a raw mlx5ctl RPC
 *   carrying one is refused, or any user could make the device write to
 *   any guest memory.
 */
#include <linux/kernel.h>

#include "cxctl.h"

#define CXCTL_SCOPE_NONE		(-1)
#define CXCTL_SCOPE_CONFIGURATION	0	/* FWCTL_RPC_CONFIGURATION */
#define CXCTL_SCOPE_DEBUG_READ_ONLY	1
#define CXCTL_SCOPE_DEBUG_WRITE		2
#define CXCTL_SCOPE_DEBUG_WRITE_FULL	3

#define CXCTL_MEDIATED_KERNEL		false
#define CXCTL_MEDIATED_USER		false
#define CXCTL_MEDIATED_TOOLS		false
#define CXCTL_MEDIATED_MEDIATED		true

static const struct cxctl_rule cxctl_rules[] = {
#define CXSIM_COMMAND(opcode, name, op_mod, who, scope) \
	{ opcode, op_mod, CXCTL_SCOPE_##scope, CXCTL_MEDIATED_##who, \
	  #name, #who },
#include <cxsim-policy.def>
#undef CXSIM_COMMAND
};

/**
 * cxctl_policy_rule() - the policy row deciding a command
 * @in: the command input, at least its 16-byte header
 *
 * Return: the first row matching the header's opcode and op_mod, or NULL
 * when the policy has none.
 */
const struct cxctl_rule *cxctl_policy_rule(const void *in)
{
	const __be16 *hdr = in;
	u16 opcode = be16_to_cpu(hdr[0]), op_mod = be16_to_cpu(hdr[3]);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cxctl_rules); i++) {
		const struct cxctl_rule *r = &cxctl_rules[i];

		if (r->opcode == opcode &&
		    (r->op_mod == CXSIM_OP_MOD_ANY || r->op_mod == op_mod))
			return r;
	}
	return NULL;
}
