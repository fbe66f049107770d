# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# TAP helpers for the guest suites (busybox sh).  Source it; call
# ok/fail/check, then tap_done.
TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

# check "description" command...: ok if the command succeeds
check() {
	desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		ok "$desc"
	else
		fail "$desc"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# Kernel log lines added since the last call (dmesg -c clears it), each
# with its raw priority prefix: <0> emergency .. <4> warning .. <7> debug.
new_kernel_log() {
	dmesg -r -c 2>/dev/null
}

# Warnings and worse among kernel log lines on stdin, less those matching
# the extended regex $1 (messages documented as expected).
kernel_warnings() {
	grep -E '^<[0-4]>' | grep -vE "${1:-^$}"
}

# Bind every cxsim function to cxcore (by driver_override: the stock
# mlx5_core claims the same device id) and load cxcore and cxctl: two
# results.
load_cxctl() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x15b3 ] && echo cxcore > "$d/driver_override"
	done
	check "modprobe cxcore" modprobe cxcore
	check "modprobe cxctl" modprobe cxctl
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
