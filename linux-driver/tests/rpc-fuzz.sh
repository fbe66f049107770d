# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The guest RPC fuzzer: bind cxcore, load cxctl, run /bin/rpc-fuzz for
# rpc_fuzz_seconds= (kernel command line, default 20) against the first
# mlx5ctl node and cxctl's fwctl node of the same function; unload; no
# kernel warning on the way, and the write scopes tainted the kernel once
# (docs/fuzzing.md).  To replay a finding: rpc_fuzz_seed=SEED and
# rpc_fuzz_iterations=N (the failing iteration + 1), rpc_fuzz_verbose=1
# for a line per operation.
. /tests/tap.sh

# The fwctl core warns once per boot at the first write-scope RPC.
TAINT_MSG='has requested full access to the physical device'
TAINT_FWCTL=19	# include/linux/panic.h, flag 'J'

EXPECTED="$TAINT_MSG|(cxcore|cxctl): loading out-of-tree module taints kernel"

SECS=${rpc_fuzz_seconds:-20}

new_kernel_log > /dev/null
load_cxctl
N=$(ls /dev/mlx5ctl-cxcore.ctl.* | head -n 1)
no_bad_messages "$(new_kernel_log)" "loading"

run_tap_program rpc-fuzz /bin/rpc-fuzz ${rpc_fuzz_seed:+-s "$rpc_fuzz_seed"} \
	${rpc_fuzz_iterations:+-n "$rpc_fuzz_iterations"} \
	${rpc_fuzz_verbose:+-v} -t "$SECS" "$N"

log=$(new_kernel_log)
n=$(echo "$log" | grep -c "$TAINT_MSG")
[ "$n" -le 1 ] && [ $(($(cat /proc/sys/kernel/tainted) >> TAINT_FWCTL & 1)) = 1 ] &&
	ok "the write scopes tainted the kernel (TAINT_FWCTL, $n warning)" ||
	fail "TAINT_FWCTL not set or $n taint warnings"
no_bad_messages "$log" "rpc-fuzz"

check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
no_bad_messages "$(new_kernel_log)" "unloading"
tap_done
