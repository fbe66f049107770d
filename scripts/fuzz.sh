#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build and run the firmware's libFuzzer targets (clang, ASan + UBSan) in
# build/fuzz, separate from the normal build.
#
#   fuzz.sh run [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, all targets)
#   fuzz.sh repro FILE [TARGET]                    replay one input
#
# Seeds: the unit tests record every command they send (fuzz-exec format)
# and fuzz-seeds writes starting inputs for the other targets (programs,
# memory images, firmware states).  Corpora
# grow in build/fuzz/corpus/<target>; crashes land in build/fuzz/crashes.
# Prints executions per second and coverage (features) per target.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FUZZ_BUILD="$CXSIM_ROOT/build/fuzz"
HOST_BUILD="$CXSIM_ROOT/build/host"
TARGETS=(exec transport sequence state)

build() {
	bash "$CXSIM_ROOT/scripts/setup-host.sh"
	if [ ! -e "$FUZZ_BUILD/build.ninja" ]; then
		CC=clang meson setup "$FUZZ_BUILD" "$CXSIM_ROOT" -Dfuzzing=true \
			-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	fi
	ninja -C "$FUZZ_BUILD" >"$FUZZ_BUILD/build.log" 2>&1 || {
		tail -n 30 "$FUZZ_BUILD/build.log" >&2
		die "fuzz build failed"
	}
}

seeds() {
	local dir="$FUZZ_BUILD/corpus"
	mkdir -p "$dir/exec" "$FUZZ_BUILD/crashes"
	"$FUZZ_BUILD/firmware-sim/fuzz/fuzz-seeds" "$dir"
	if [ -z "$(ls -A "$dir/exec")" ]; then
		[ -e "$HOST_BUILD/build.ninja" ] || meson setup "$HOST_BUILD" "$CXSIM_ROOT" >/dev/null
		meson compile -C "$HOST_BUILD" >/dev/null
		for t in "$HOST_BUILD"/firmware-sim/tests/test-*; do
			[ -x "$t" ] && CXFW_SEED_DIR="$dir/exec" "$t" >/dev/null 2>&1 || true
		done
	fi
}

run() {
	local secs=${1:-60}
	shift || true
	local targets=("${@:-${TARGETS[@]}}") rc=0
	[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
	build
	seeds
	printf '%-10s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
	for t in "${targets[@]}"; do
		local logf="$FUZZ_BUILD/fuzz-$t.log" result=ok
		(cd "$FUZZ_BUILD/crashes" && "$FUZZ_BUILD/firmware-sim/fuzz/fuzz-$t" \
			-max_total_time="$secs" -print_final_stats=1 -timeout=10 \
			-dict="$FUZZ_BUILD/firmware-sim/fuzz/cxfw.dict" -artifact_prefix="$FUZZ_BUILD/crashes/$t-" \
			"$FUZZ_BUILD/corpus/$t") >"$logf" 2>&1 || { result="FAILED (see $logf)"; rc=1; }
		printf '%-10s %12s %10s %8s %8s  %s\n' "$t" \
			"$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf")" \
			"$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logf")" \
			"$(grep -o 'cov: [0-9]*' "$logf" | tail -n1 | cut -d' ' -f2)" \
			"$(grep -o 'ft: [0-9]*' "$logf" | tail -n1 | cut -d' ' -f2)" \
			"$result"
	done
	return $rc
}

repro() {
	local file=$1 t=${2:-}
	[ -f "$file" ] || die "no such input: $file"
	if [ -z "$t" ]; then
		case "${file##*/}" in
		exec-*) t=exec ;; transport-*) t=transport ;; sequence-*) t=sequence ;;
		state-*) t=state ;;
		*) die "name the target: fuzz.sh repro FILE exec|transport|sequence|state" ;;
		esac
	fi
	build
	"$FUZZ_BUILD/firmware-sim/fuzz/fuzz-$t" "$file"
}

case "${1:-run}" in
run) shift || true; run "$@" ;;
repro) shift; repro "$@" ;;
*) die "usage: fuzz.sh run [SECONDS] [TARGET...] | repro FILE [TARGET]" ;;
esac
