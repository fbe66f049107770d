# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The guest RPC benchmark: NOPs per second through cxctl's mlx5ctl device
# with cxcore in polling mode and in event mode, each as a ratio to INFO
# (no device access) in the same boot.  Figures go out as TAP comments
# ("# bench ..."); the ok lines only say that each run completed.
. /tests/tap.sh

# seconds per figure: rpc_bench_seconds= on the kernel command line
SECS=${rpc_bench_seconds:-3}
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15b3 ] && echo cxcore > "$d/driver_override"
done
for mode in polling event; do
	[ $mode = polling ] && p=1 || p=0
	check "modprobe cxcore poll_mode=$p" modprobe cxcore poll_mode=$p
	check "modprobe cxctl" modprobe cxctl
	N=$(ls /dev/mlx5ctl-cxcore.ctl.* | head -n 1)
	if line=$(RPC_BENCH_MODE=$mode /bin/rpc-bench "$N" "$SECS"); then
		ok "rpc-bench in $mode mode"
		echo "# bench $line"
	else
		fail "rpc-bench in $mode mode"
	fi
	check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
done
tap_done
