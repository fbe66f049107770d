# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The guest RPC benchmark: NOPs per second through cxctl's mlx5ctl device
# with cxcore in polling mode and in event mode, each as a ratio to INFO
# (no device access) in the same boot; and in each mode the 2 MiB core
# dump through cxctl: one CORE_DUMP into a umem against the same image
# read inline from RESOURCE_DUMP segment 0x1000 (RPCs, times, ratios).
# Figures go out as TAP comments ("# bench ..."); the ok lines only say
# that each run completed.
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
	if /bin/cxctl -d "$N" --json coredump -o /tmp/u.bin > /tmp/u.json &&
		/bin/cxctl -d "$N" --json coredump --inline -o /tmp/i.bin > /tmp/i.json; then
		ok "coredump, umem and inline, in $mode mode"
		ur=$(json-get rpcs < /tmp/u.json) ut=$(json-get elapsed_us < /tmp/u.json)
		ir=$(json-get rpcs < /tmp/i.json) it=$(json-get elapsed_us < /tmp/i.json)
		echo "# bench mode=$mode dump=2MiB umem_rpcs=$ur umem_us=$ut" \
			"inline_rpcs=$ir inline_us=$it" \
			"rpc_ratio=$(awk "BEGIN { printf \"%.0f\", $ir / $ur }")" \
			"time_ratio=$(awk "BEGIN { printf \"%.1f\", $it / ($ut ? $ut : 1) }")"
	else
		fail "coredump, umem and inline, in $mode mode"
	fi
	rm -f /tmp/u.bin /tmp/i.bin
	check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
done
tap_done
