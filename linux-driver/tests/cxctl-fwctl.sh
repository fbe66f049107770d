# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# cxctl's fwctl device on cxcore: bind cxcore, load cxctl, run
# /bin/fwctl-test (the same program the stock mlx5_fwctl passes) against
# its /dev/fwctl/fwctlN, with cxctl as the module it unloads and reloads;
# unload, with no unexpected kernel messages.
. /tests/tap.sh

# The fwctl core warns once per boot at the first write-scope RPC.
TAINT_MSG='has requested full access to the physical device'

EXPECTED="$TAINT_MSG|(cxcore|cxctl): loading out-of-tree module taints kernel"

new_kernel_log > /dev/null
load_cxctl
PCI=$(ls /sys/bus/pci/drivers/cxcore | grep "^0000:" | head -n 1)
DEV=$(fwctl_of "$PCI")
[ -n "$DEV" ] && [ -c "$DEV" ] && ok "cxctl's fwctl device $DEV on $PCI" ||
	fail "no fwctl device on $PCI"
no_bad_messages "$(new_kernel_log)" "loading"

run_tap_program fwctl-test /bin/fwctl-test "$DEV" cxctl

log=$(new_kernel_log)
n=$(echo "$log" | grep -c "$TAINT_MSG")
[ "$n" = 1 ] && ok "one taint warning for the write-scope RPCs" ||
	fail "$n taint warnings for the write-scope RPCs (expected 1)"
no_bad_messages "$log" "fwctl-test"

check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
[ -z "$(ls /sys/class/fwctl 2>/dev/null)" ] && ok "no fwctl device left" ||
	fail "fwctl devices left: $(ls /sys/class/fwctl)"
no_bad_messages "$(new_kernel_log)" "unloading"
tap_done
