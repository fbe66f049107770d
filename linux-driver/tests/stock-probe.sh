# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The stock mlx5_core probes cxsim, reloads cleanly and unbinds/binds,
# with no unexpected kernel messages.
. /tests/tap.sh

# Kernel messages the device legitimately causes (docs/compatibility.md).
EXPECTED='Failed to get valid vendor specific ID'

bad_messages() {
	kernel_warnings "$EXPECTED"
}

first_device() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x15b3 ] && { basename "$d"; return; }
	done
}

dev=$(first_device)
[ -n "$dev" ] && ok "cxsim device present at $dev" || fail "no cxsim device on the PCI bus"
new_kernel_log > /dev/null

check "modprobe mlx5_core" modprobe mlx5_core
check "mlx5_core bound to $dev" test -e "/sys/bus/pci/drivers/mlx5_core/$dev"
log=$(new_kernel_log)
echo "$log" | sed -n '/mlx5/s/^/# /p'
bad=$(echo "$log" | bad_messages)
[ -z "$bad" ] && ok "probe left no unexpected kernel messages" || {
	fail "probe left unexpected kernel messages"
	echo "$bad" | sed 's/^/#   /'
}
check "auxiliary fwctl device created" \
	sh -c 'ls /sys/bus/auxiliary/devices | grep -q "^mlx5_core.fwctl\."'

i=0
reload_ok=1
while [ $i -lt 20 ]; do
	rmmod mlx5_core && modprobe mlx5_core &&
		test -e "/sys/bus/pci/drivers/mlx5_core/$dev" || { reload_ok=0; break; }
	i=$((i + 1))
done
[ $reload_ok = 1 ] && ok "20 rmmod/modprobe cycles" || fail "reload cycle $i failed"
bad=$(new_kernel_log | bad_messages)
[ -z "$bad" ] && ok "reloads left no unexpected kernel messages" || {
	fail "reloads left unexpected kernel messages"
	echo "$bad" | sed 's/^/#   /'
}

check "unbind through sysfs" sh -c "echo $dev > /sys/bus/pci/drivers/mlx5_core/unbind"
check "unbound" test ! -e "/sys/bus/pci/drivers/mlx5_core/$dev"
check "bind through sysfs" sh -c "echo $dev > /sys/bus/pci/drivers/mlx5_core/bind"
check "bound again" test -e "/sys/bus/pci/drivers/mlx5_core/$dev"
bad=$(new_kernel_log | bad_messages)
[ -z "$bad" ] && ok "unbind/bind left no unexpected kernel messages" || {
	fail "unbind/bind left unexpected kernel messages"
	echo "$bad" | sed 's/^/#   /'
}
check "rmmod mlx5_core" rmmod mlx5_core

# A function-level reset while no driver is bound, then a clean reload.
check "FLR through sysfs" sh -c "echo 1 > /sys/bus/pci/devices/$dev/reset"
check "modprobe after FLR" modprobe mlx5_core
check "bound after FLR" test -e "/sys/bus/pci/drivers/mlx5_core/$dev"
check "rmmod after FLR" rmmod mlx5_core
bad=$(new_kernel_log | bad_messages)
[ -z "$bad" ] && ok "FLR and reload left no unexpected kernel messages" || {
	fail "FLR and reload left unexpected kernel messages"
	echo "$bad" | sed 's/^/#   /'
}
tap_done
