// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Diagnostic counters (docs/prm-coverage.md, "Diagnostic counters"): the
 * debug capability (QUERY_HCA_CAP type 0xd), the selection
 * (SET_DIAGNOSTIC_PARAMS, QUERY_DIAGNOSTIC_PARAMS) and the samples
 * (QUERY_DIAGNOSTIC_COUNTERS).  Counter ids and names are the firmware's
 * table, cxfw-diag-counters.def.  On fwctl, SET needs scope write (it is
 * raised to it); the others are read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cxfw-prm.h"
#include "cxctl.h"

#define CTX		"diagnostic_params_context"
#define DCAP		"debug_cap"
#define ENTRY		"diagnostic_cntr_struct"
#define MAX_COUNTERS	64
#define SCOPE_WRITE	2	/* FWCTL_RPC_DEBUG_WRITE */
#define ENTRY_LEN	16
#define CTX_IDS		24	/* counter_id[i] at context byte 24 + 4 * i */

static const struct {
	uint16_t id;
	const char *name, *desc;
} counters[] = {
#define CXFW_DIAG_COUNTER(id, name, stat, desc)	{ id, #name, desc },
#include "cxfw-diag-counters.def"
#undef CXFW_DIAG_COUNTER
};

static const char *counter_name(unsigned int id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++)
		if (counters[i].id == id)
			return counters[i].name;
	return "?";
}

/* a counter by name (COMMANDS) or number */
static int counter_id(const char *s, uint16_t *id)
{
	uint64_t v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (!strcasecmp(counters[i].name, s)) {
			*id = counters[i].id;
			return 0;
		}
	}
	if (cx_parse_uint(s, 0xffff, &v))
		return cx_usage_error("unknown counter '%s' (a number or a name: cxctl diagcnt cap)",
				      s);
	*id = v;
	return 0;
}

static int query_cap(struct ctx *c, unsigned int type, uint8_t *out)
{
	uint8_t in[CX_HDR_LEN];
	uint32_t outlen = CX_QUERY_HCA_CAP_OUT;

	cx_build_query_hca_cap(in, type, false);
	return exec_ok(c, "QUERY_HCA_CAP", in, sizeof(in), out, outlen);
}

static int diag_cap(struct ctx *c)
{
	static uint8_t gen[CX_QUERY_HCA_CAP_OUT], dbg[CX_QUERY_HCA_CAP_OUT];
	static const int widths[] = { 6, 16, 4 };
	static const char *const hdr[] = { "ID", "NAME", "SYNC" };
	const uint8_t *cap = dbg + CX_HDR_LEN, *e;
	unsigned int n, i, base;
	char id[12], sync[4];
	int ret;

	ret = query_cap(c, CXFW_CAP_TYPE_GENERAL, gen);
	if (!ret)
		ret = query_cap(c, CXFW_CAP_TYPE_DEBUG, dbg);
	if (ret)
		return ret;
	n = cx_fw_get(gen + CX_HDR_LEN, "cmd_hca_cap",
		      "num_of_diagnostic_counters");
	base = cx_fw_byte(DCAP, "diagnostic_counter");
	if (n > (CX_HCA_CAP_LEN - base) / 4)
		n = (CX_HCA_CAP_LEN - base) / 4;
	out_label_width(22);
	out_uint("num_of_diagnostic_counters", "counters", n, false);
	out_uint("log_max_samples", "log_max_samples",
		 cx_fw_get(cap, DCAP, "log_max_samples"), false);
	out_bool("single", "single", cx_fw_get(cap, DCAP, "single"));
	out_bool("repetitive", "repetitive",
		 cx_fw_get(cap, DCAP, "repetitive"));
	out_bool("on_demand", "on_demand", true);
	out_uint("log_min_sample_period", "log_min_sample_period",
		 cx_fw_get(cap, DCAP, "log_min_sample_period"), false);
	out_list_begin("counters");
	out_row(hdr, widths, 3);
	for (i = 0; i < n; i++) {
		const char *row[] = { id, NULL, sync };
		unsigned int cid;

		e = cap + base + 4 * i;
		cid = cx_fw_get(e, "diagnostic_cntr_layout", "counter_id");
		snprintf(id, sizeof(id), "0x%04x", cid);
		snprintf(sync, sizeof(sync), "%u",
			 (unsigned int)cx_fw_get(e, "diagnostic_cntr_layout",
						 "sync"));
		row[1] = counter_name(cid);
		out_row(row, widths, 3);
		out_obj_begin(NULL);
		out_uint("counter_id", NULL, cid, false);
		out_str("name", NULL, counter_name(cid));
		out_bool("sync", NULL,
			 cx_fw_get(e, "diagnostic_cntr_layout", "sync"));
		out_obj_end();
	}
	out_list_end();
	return 0;
}

static unsigned int log2_up(uint64_t n)
{
	unsigned int l = 0;

	while ((1ull << l) < n)
		l++;
	return l;
}

/* SET_DIAGNOSTIC_PARAMS: the selection in @ids (none: stop, --clear) */
static int diag_set(struct ctx *c, char *list, int argc, char **argv)
{
	const char *samples_s = "1", *period_s = NULL;
	bool single = false, rep = false, demand = false, clear = false;
	const struct opt opts[] = {
		{ "--samples", &samples_s, NULL },
		{ "--period", &period_s, NULL },
		{ "--single", NULL, &single },
		{ "--repetitive", NULL, &rep },
		{ "--on-demand", NULL, &demand },
		{ "--clear", NULL, &clear },
		{ NULL },
	};
	static uint8_t in[32 + 4 * MAX_COUNTERS], out[CX_HDR_LEN];
	uint8_t *ctx = in + cx_fw_byte("set_diagnostic_params_in", CTX);
	uint32_t outlen = sizeof(out);
	uint64_t samples, period = 0;
	uint16_t ids[MAX_COUNTERS];
	char *pos[1], *tok, *save;
	int npos, ret, n = 0, i;

	ret = parse_opts(argc, argv, opts, pos, 0, &npos);
	if (ret)
		return ret;
	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_COUNTERS)
			return cx_usage_error("more than %d counters",
					      MAX_COUNTERS);
		ret = counter_id(tok, &ids[n++]);
		if (ret)
			return ret;
	}
	if (!n && !clear)
		return cx_usage_error("diagcnt set ID[,ID..] [options] | diagcnt set --clear");
	if (single && rep)
		return cx_usage_error("--single or --repetitive, not both");
	ret = parse_num("--samples", samples_s, 1ull << 16, &samples);
	if (!ret && period_s)
		ret = parse_num("--period", period_s, 255, &period);
	if (!ret)
		ret = open_device(c);
	if (ret)
		return ret;
	if (c->dev.node.kind == CX_KIND_FWCTL && c->dev.scope < SCOPE_WRITE)
		c->dev.scope = SCOPE_WRITE;
	memset(in, 0, sizeof(in));
	cx_build_cmd(in, CXFW_OP_SET_DIAGNOSTIC_PARAMS, 0);
	cx_fw_set(ctx, CTX, "num_of_counters", n);
	cx_fw_set(ctx, CTX, "log_num_of_samples", log2_up(samples));
	cx_fw_set(ctx, CTX, "single", n && !rep);
	cx_fw_set(ctx, CTX, "repetitive", n && rep);
	cx_fw_set(ctx, CTX, "sync", n > 0);
	cx_fw_set(ctx, CTX, "clear", clear);
	cx_fw_set(ctx, CTX, "on_demand", demand);
	cx_fw_set(ctx, CTX, "enable", n > 0);
	cx_fw_set(ctx, CTX, "log_sample_period", period);
	for (i = 0; i < n; i++)
		cx_put(ctx, (CTX_IDS + 4 * i) * 8 + 16, 16, ids[i]);
	out_begin();
	out_device(&c->dev);
	ret = exec_ok(c, "SET_DIAGNOSTIC_PARAMS", in, 32 + 4 * (n ? n : 1),
		       out, outlen);
	if (ret)
		return ret;
	out_bool("enabled", "enabled", n > 0);
	out_bool("cleared", "cleared", clear);
	out_uint("log_num_of_samples", "log_num_of_samples", log2_up(samples),
		 false);
	out_str("mode", "mode", !n ? "stopped" : rep ? "repetitive" : "single");
	out_bool("on_demand", "on_demand", demand);
	out_uint("log_sample_period", "log_sample_period", period, false);
	out_list_begin("counters");
	for (i = 0; i < n; i++) {
		out_obj_begin(NULL);
		out_uint("counter_id", NULL, ids[i], false);
		out_str("name", NULL, counter_name(ids[i]));
		out_obj_end();
		if (!cx_json)
			printf("counter: 0x%04x %s\n", ids[i],
			       counter_name(ids[i]));
	}
	out_list_end();
	out_end();
	return CX_EXIT_OK;
}

/* QUERY_DIAGNOSTIC_PARAMS, then QUERY_DIAGNOSTIC_COUNTERS */
static int diag_dump(struct ctx *c, int argc, char **argv)
{
	static const int widths[] = { 8, 12, 6, 16, 20 };
	static const char *const hdr[] = {
		"SAMPLE", "TIME_NS_LO", "ID", "COUNTER", "VALUE",
	};
	static uint8_t pout[32 + 4 * MAX_COUNTERS];
	const char *samples_s = NULL;
	const struct opt opts[] = {
		{ "--samples", &samples_s, NULL },
		{ NULL },
	};
	uint8_t in[CX_HDR_LEN] = { 0 }, *out, *e;
	const uint8_t *ctx = pout + cx_fw_byte("query_diagnostic_params_out",
					       CTX);
	uint32_t outlen = sizeof(pout), ncnt, nslots, i;
	uint64_t samples;
	char sid[8], ts[12], id[12], val[24];
	char *pos[1];
	int npos, ret;

	ret = parse_opts(argc, argv, opts, pos, 0, &npos);
	if (!ret)
		ret = open_begin(c);
	if (ret)
		return ret;
	cx_build_cmd(in, CXFW_OP_QUERY_DIAGNOSTIC_PARAMS, 0);
	ret = exec_ok(c, "QUERY_DIAGNOSTIC_PARAMS", in, sizeof(in), pout,
		      outlen);
	if (ret)
		return ret;
	ncnt = cx_fw_get(ctx, CTX, "num_of_counters");
	nslots = 1u << cx_fw_get(ctx, CTX, "log_num_of_samples");
	samples = nslots;
	if (samples_s) {
		ret = parse_num("--samples", samples_s, nslots, &samples);
		if (ret)
			return ret;
	}
	out_uint("num_of_counters", "counters", ncnt, false);
	out_bool("enabled", "enabled", cx_fw_get(ctx, CTX, "enable"));
	out_uint("slots", "sample slots", nslots, false);
	outlen = CX_HDR_LEN + ENTRY_LEN * samples * ncnt;
	if (outlen > CX_RPC_MAX_LEN)
		return cx_usage_error("--samples %llu: %u bytes of output, more than one RPC's %u",
				      (unsigned long long)samples, outlen,
				      CX_RPC_MAX_LEN);
	out = calloc(1, outlen);
	if (!out)
		return cx_fail(NULL, CX_OP_ALLOC, ENOMEM);
	cx_build_cmd(in, CXFW_OP_QUERY_DIAGNOSTIC_COUNTERS, 0);
	cx_fw_set(in, "query_diagnostic_counters_in", "num_of_samples",
		  samples);
	ret = exec_ok(c, "QUERY_DIAGNOSTIC_COUNTERS", in, sizeof(in), out,
		      outlen);
	if (ret)
		return ret;
	out_list_begin("samples");
	out_row(hdr, widths, 5);
	for (i = 0; i < samples * ncnt; i++) {
		const char *row[] = { sid, ts, id, NULL, val };
		unsigned int cid;

		e = out + cx_fw_byte("query_diagnostic_counters_out",
				     "diag_counter") + ENTRY_LEN * i;
		if (e + ENTRY_LEN > out + outlen)
			break;
		cid = cx_fw_get(e, ENTRY, "counter_id");
		if (!cid)	/* a slot no sample reached yet */
			continue;
		snprintf(sid, sizeof(sid), "%u",
			 (unsigned int)cx_fw_get(e, ENTRY, "sample_id"));
		snprintf(ts, sizeof(ts), "%u",
			 (unsigned int)cx_fw_get(e, ENTRY, "time_stamp_31_0"));
		snprintf(id, sizeof(id), "0x%04x", cid);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)
			 cx_fw_get(e, ENTRY, "counter_value"));
		row[3] = counter_name(cid);
		out_row(row, widths, 5);
		out_obj_begin(NULL);
		out_uint("sample_id", NULL, cx_fw_get(e, ENTRY, "sample_id"),
			 false);
		out_uint("time_stamp_31_0", NULL,
			 cx_fw_get(e, ENTRY, "time_stamp_31_0"), false);
		out_uint("counter_id", NULL, cid, false);
		out_str("name", NULL, counter_name(cid));
		out_uint("value", NULL, cx_fw_get(e, ENTRY, "counter_value"),
			 false);
		out_obj_end();
	}
	out_list_end();
	out_end();
	free(out);
	return CX_EXIT_OK;
}

int cmd_diagcnt(struct ctx *c, int argc, char **argv)
{
	int ret;

	if (argc >= 1 && !strcmp(argv[0], "cap")) {
		if (argc > 1)
			return cx_usage_error("diagcnt cap takes no arguments");
		ret = open_begin(c);
		if (!ret)
			ret = diag_cap(c);
		if (ret)
			return ret;
		out_end();
		return CX_EXIT_OK;
	}
	if (argc >= 1 && !strcmp(argv[0], "set"))
		return argc > 1 && argv[1][0] != '-' ?
		       diag_set(c, argv[1], argc - 2, argv + 2) :
		       diag_set(c, NULL, argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "dump"))
		return diag_dump(c, argc - 1, argv + 1);
	return cx_usage_error("diagcnt cap | diagcnt set ID[,ID..] [--samples N] [--period LOG] [--single|--repetitive] [--on-demand] [--clear] | diagcnt dump [--samples N]");
}
