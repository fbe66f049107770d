# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The stock mlx5_fwctl driver on cxsim: load mlx5_core and mlx5_fwctl, run
# /bin/fwctl-test (linux-driver/tests/fwctl-test.c) against /dev/fwctl/fwctl0,
# unload both, with no unexpected kernel messages.  fwctl-test's results are
# numbered into this suite's.
. /tests/tap.sh

# Kernel messages the device or the test legitimately cause
# (docs/compatibility.md).  The fwctl core warns once per boot at the first
# write-scope RPC, as it taints the kernel.
TAINT_MSG='has requested full access to the physical device'
EXPECTED="Failed to get valid vendor specific ID|$TAINT_MSG"

new_kernel_log > /dev/null
check "modprobe mlx5_core" modprobe mlx5_core
check "modprobe mlx5_fwctl" modprobe mlx5_fwctl
check "/dev/fwctl/fwctl0 exists" test -c /dev/fwctl/fwctl0
no_bad_messages "$(new_kernel_log)" "loading"

run_tap_program fwctl-test /bin/fwctl-test

log=$(new_kernel_log)
echo "$log" | sed -n '/fwctl/s/^/# /p'
n=$(echo "$log" | grep -c "$TAINT_MSG")
[ "$n" = 1 ] && ok "one taint warning for the write-scope RPCs" ||
	fail "$n taint warnings for the write-scope RPCs (expected 1)"
no_bad_messages "$log" "fwctl-test"

check "rmmod mlx5_fwctl" rmmod mlx5_fwctl
check "rmmod mlx5_core" rmmod mlx5_core
no_bad_messages "$(new_kernel_log)" "unloading"
tap_done
