# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# cxctl, the mlx5ctl interface, on every cxsim device: bind cxcore, load
# cxctl, check the misc devices, run mlx5ctl-test (uAPI, user contexts,
# unbind with files open) and umem-test (user memory), unload, with no
# kernel warning on the way.
. /tests/tap.sh

bad_messages() {
	grep -E 'cxcore|cxctl|mlx5ctl|BUG|WARNING|Call Trace|Oops|DMA-API|lockdep' |
		grep -vE 'cxcore [0-9a-f:.]+: firmware [0-9]+\.[0-9]+\.[0-9]+, ISSI' |
		grep -vE '(cxcore|cxctl): loading out-of-tree module taints kernel'
}

expect_quiet() {
	bad=$(new_kernel_log | bad_messages)
	if [ -z "$bad" ]; then
		ok "$1 left no unexpected kernel messages"
	else
		fail "$1 left unexpected kernel messages"
		echo "$bad" | sed 's/^/#   /'
	fi
}

devices() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x15b3 ] && basename "$d"
	done
}

ctl_count() {
	ls /dev 2>/dev/null | grep -c '^mlx5ctl-cxcore\.ctl\.'
}

DEVS=$(devices)
NDEV=$(echo "$DEVS" | grep -c .)
[ "$NDEV" -gt 0 ] && ok "$NDEV cxsim device(s): $(echo $DEVS)" ||
	fail "no cxsim device on the PCI bus"
new_kernel_log > /dev/null

for d in $DEVS; do
	echo cxcore > "/sys/bus/pci/devices/$d/driver_override"
done
check "modprobe cxcore" modprobe cxcore
check "modprobe cxctl" modprobe cxctl
[ "$(ctl_count)" = "$NDEV" ] && ok "one /dev/mlx5ctl-cxcore.ctl.N per function" ||
	fail "$(ctl_count) mlx5ctl devices for $NDEV functions"
for n in /dev/mlx5ctl-cxcore.ctl.*; do
	[ -c "$n" ] || continue
	mode=$(stat -c %a "$n")
	[ "$mode" = 600 ] && ok "${n##*/} has mode 0600" ||
		fail "${n##*/} has mode $mode"
done
expect_quiet "loading"

# The first device only: mlx5ctl-test's last section unbinds and rebinds
# its PCI function.
N=$(ls /dev/mlx5ctl-cxcore.ctl.* | head -n1)
run_tap_program mlx5ctl-test /bin/mlx5ctl-test "$N"
expect_quiet "mlx5ctl-test"
# user memory; its last section unbinds and rebinds too
N=$(ls /dev/mlx5ctl-cxcore.ctl.* | head -n1)
run_tap_program umem-test /bin/umem-test "$N"
expect_quiet "umem-test"

check "rmmod cxctl" rmmod cxctl
[ "$(ctl_count)" = 0 ] && ok "mlx5ctl devices gone" ||
	fail "$(ctl_count) mlx5ctl devices left"
check "modprobe cxctl again" modprobe cxctl
[ "$(ctl_count)" = "$NDEV" ] && ok "mlx5ctl devices back" ||
	fail "$(ctl_count) mlx5ctl devices after reload"
# cxcore goes first: its auxiliary devices leave cxctl without devices
check "cxcore is in use by cxctl" sh -c "! rmmod cxcore"
check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
expect_quiet "unloading"
tap_done
