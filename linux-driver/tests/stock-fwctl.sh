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

bad_messages() {
	kernel_warnings "$EXPECTED"
}

no_bad_messages() {
	bad=$(echo "$1" | bad_messages)
	[ -z "$bad" ] && ok "$2 left no unexpected kernel messages" || {
		fail "$2 left unexpected kernel messages"
		echo "$bad" | sed 's/^/#   /'
	}
}

# Relay a TAP stream (file $1) as this suite's results: "ok"/"not ok" lines
# renumbered, comments as they are, the plan kept in $plan.
relay_tap() {
	plan=""
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) fail "${line#not ok * - }" ;;
		1..*) plan=${line#1..} ;;
		*) echo "$line" ;;
		esac
	done < "$1"
}

new_kernel_log > /dev/null
check "modprobe mlx5_core" modprobe mlx5_core
check "modprobe mlx5_fwctl" modprobe mlx5_fwctl
check "/dev/fwctl/fwctl0 exists" test -c /dev/fwctl/fwctl0
no_bad_messages "$(new_kernel_log)" "loading"

first=$((TAP_N + 1))
/bin/fwctl-test > /tmp/fwctl-test.out 2>&1
rc=$?
relay_tap /tmp/fwctl-test.out
ran=$((TAP_N - first + 1))
[ -n "$plan" ] && [ "$plan" = "$ran" ] &&
	ok "fwctl-test ran its $ran tests (exit $rc)" ||
	fail "fwctl-test stopped early: $ran results, plan '${plan:-none}', exit $rc"

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
