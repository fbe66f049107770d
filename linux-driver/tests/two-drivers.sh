# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# One boot, two cxsim functions: the first bound to our cxcore, the second
# to the stock mlx5_core (with mlx5_fwctl), each exercised while the other
# is bound, with no unexpected kernel message.
. /tests/tap.sh

# the vendor-specific-ID notice, fwctl's one-time taint warning and the
# out-of-tree module notice
EXPECTED='Failed to get valid vendor specific ID|has requested full access to the physical device|loading out-of-tree module taints kernel'
DBG=/sys/kernel/debug/cxcore

set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15b3 ] && basename "$d"; done)
D1=$1 D2=${2:-}
[ -n "$D2" ] && ok "two cxsim functions: $D1 $D2" || fail "needs two cxsim devices"
new_kernel_log > /dev/null

echo cxcore > "/sys/bus/pci/devices/$D1/driver_override"
echo mlx5_core > "/sys/bus/pci/devices/$D2/driver_override"
check "modprobe cxcore" modprobe cxcore
check "modprobe mlx5_core and mlx5_fwctl" sh -c "modprobe mlx5_core && modprobe mlx5_fwctl"
check "$D1 bound to cxcore" test -e "/sys/bus/pci/drivers/cxcore/$D1"
check "$D2 bound to mlx5_core" test -e "/sys/bus/pci/drivers/mlx5_core/$D2"
check "cxcore.ctl auxiliary device" sh -c 'ls /sys/bus/auxiliary/devices | grep -q "^cxcore\.ctl\."'
check "mlx5 fwctl device" test -c /dev/fwctl/fwctl0

# both drivers busy at once: NOPs through cxcore while fwctl-test runs
echo 2000 > "$DBG/$D1/nop" &
nop_pid=$!
/bin/fwctl-test > /tmp/fwctl.tap 2>&1
fwctl_rc=$?
wait $nop_pid && ok "2000 NOPs through cxcore beside mlx5_core" ||
	fail "NOPs through cxcore failed"
[ $fwctl_rc = 0 ] && ok "fwctl-test passes against mlx5_fwctl beside cxcore" || {
	fail "fwctl-test failed beside cxcore"
	grep '^not ok' /tmp/fwctl.tap | sed 's/^/#   /'
}

check "rmmod mlx5_fwctl, mlx5_core and cxcore" \
	sh -c "rmmod mlx5_fwctl && rmmod mlx5_core && rmmod cxcore"
bad=$(new_kernel_log | kernel_warnings "$EXPECTED")
[ -z "$bad" ] && ok "no unexpected kernel message" || {
	fail "unexpected kernel messages"
	echo "$bad" | sed 's/^/#   /'
}
tap_done
