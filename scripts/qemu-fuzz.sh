#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# QEMU's generic-fuzz against the device: a clang --enable-fuzzing build
# (ASan + UBSan) of the cached QEMU tree, in its own build directory, then
# qemu-fuzz-x86_64 with the device's MemoryRegions as targets.
#
#   qemu-fuzz.sh [SECONDS] [extra libFuzzer args...]
#
# The corpus grows in build/qemu-fuzz/corpus, crashes land in
# build/qemu-fuzz/crashes.  Replay one: qemu-fuzz.sh repro FILE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export QEMU_CC=clang
export QEMU_EXTRA_CONFIGURE="--enable-fuzzing --enable-asan --enable-ubsan"
QBUILD=$(bash "$CXSIM_ROOT/scripts/qemu-build.sh" qemu-fuzz-x86_64)
OUT="$CXSIM_ROOT/build/qemu-fuzz"
mkdir -p "$OUT/corpus" "$OUT/crashes"

# The device and its regions (BAR0: init segment + UARs, BAR2: MSI-X).
export QEMU_FUZZ_ARGS="-M q35 -nodefaults -L /usr/share/qemu -L /usr/share/seabios -device cxsim"
export QEMU_FUZZ_OBJECTS="cxsim*"
export QEMU_AVOID_DOUBLE_FETCH=1

if [ "${1:-}" = repro ]; then
	[ -f "${2:-}" ] || die "usage: qemu-fuzz.sh repro FILE"
	exec "$QBUILD/qemu-fuzz-x86_64" --fuzz-target=generic-fuzz "$2"
fi
secs=${1:-60}
shift || true
cd "$OUT/crashes"
exec "$QBUILD/qemu-fuzz-x86_64" --fuzz-target=generic-fuzz \
	-max_total_time="$secs" -print_final_stats=1 "$@" "$OUT/corpus"
