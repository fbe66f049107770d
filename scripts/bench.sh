#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make bench`: every benchmark, each figure a ratio to a baseline measured
# in the same run.
#   1. the firmware's command path in process (cxfw-bench, vs memcpy);
#   2. guest RPCs per second through cxctl's mlx5ctl device, polling and
#      event mode, vs an INFO ioctl (linux-driver/tests/rpc-bench.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BENCH_SECONDS=${BENCH_SECONDS:-3}
KSRC=$(bash "$CXSIM_ROOT/scripts/kernel-source.sh")
HOST_BUILD="$CXSIM_ROOT/build/host"
[ -e "$HOST_BUILD/build.ninja" ] ||
	meson setup "$HOST_BUILD" "$CXSIM_ROOT" -Dkernel_src="$KSRC" >/dev/null
meson compile -C "$HOST_BUILD" firmware-sim/bench/cxfw-bench >/dev/null

echo "== firmware command path, in process"
"$HOST_BUILD/firmware-sim/bench/cxfw-bench" "$BENCH_SECONDS"

echo "== guest RPCs through /dev/mlx5ctl-* (TCG)"
bash "$CXSIM_ROOT/scripts/run-guest.sh" -l rpc-bench \
	-k "rpc_bench_seconds=$BENCH_SECONDS" rpc-bench |
	sed -n 's/^# bench //p'
