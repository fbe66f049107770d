#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check`: install what is missing, build everything (cached), run every
# suite and end with one line "N passed, M failed".  Exit status is non-zero
# on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOGS="$CXSIM_ROOT/build/test-logs"
HOST_BUILD="$CXSIM_ROOT/build/host"

bash "$CXSIM_ROOT/scripts/setup-host.sh" || die "host set-up failed"
KSRC=$(bash "$CXSIM_ROOT/scripts/kernel-source.sh") || die "kernel source fetch failed"

rm -rf "$LOGS"
mkdir -p "$LOGS"

# 1. firmware-sim: unit tests, layout and docs checks (meson)
if [ ! -e "$HOST_BUILD/build.ninja" ]; then
	meson setup "$HOST_BUILD" "$CXSIM_ROOT" -Dkernel_src="$KSRC" >/dev/null ||
		die "meson setup failed"
else
	meson configure "$HOST_BUILD" -Dkernel_src="$KSRC" >/dev/null
fi
meson compile -C "$HOST_BUILD" >"$LOGS/host-build.log" 2>&1 || {
	tail -n 40 "$LOGS/host-build.log" >&2
	die "firmware-sim build failed"
}
log "running firmware-sim tests"
meson test -C "$HOST_BUILD" --no-rebuild --print-errorlogs \
	>"$LOGS/meson-test.log" 2>&1
tail -n 8 "$LOGS/meson-test.log" >&2

# 1b. a 60-second smoke run of the in-process fuzz targets (15 s each)
log "fuzz smoke run"
bash "$CXSIM_ROOT/scripts/fuzz.sh" run "${FUZZ_SMOKE_SECONDS:-15}" \
	>"$LOGS/fuzz-smoke.out" 2>&1
fuzz_rc=$?
{
	echo "# exit 0"
	awk 'NR > 1 && NF >= 6 {
		if ($6 == "ok")
			printf "ok - fuzz %s: %s runs, %s/s, %s features\n", $1, $2, $3, $5
		else
			printf "not ok - fuzz %s: %s\n", $1, $0
	}' "$LOGS/fuzz-smoke.out"
	[ "$fuzz_rc" = 0 ] || grep -q '^exec\|^transport\|^sequence\|^state' "$LOGS/fuzz-smoke.out" ||
		echo "not ok - fuzz build or seeds failed (see fuzz-smoke.out)"
} >"$LOGS/fuzz-smoke.tap"

# 2. qtests against the device in QEMU
QBUILD=$(bash "$CXSIM_ROOT/scripts/qemu-build.sh") || die "QEMU build failed"
log "running qtests"
for t in "$QBUILD"/tests/qtest/cxsim/cxsim-*-test; do
	[ -x "$t" ] || continue
	name=${t##*/}
	out="$LOGS/qtest-$name.tap"
	QTEST_QEMU_BINARY="$QBUILD/qemu-system-x86_64" \
		timeout 900 "$t" --tap -k >"$out.tmp" 2>"$LOGS/qtest-$name.stderr"
	rc=$?
	{ echo "# exit $rc"; cat "$out.tmp"; } >"$out"
	rm -f "$out.tmp"
	log "$name: exit $rc"
done

# 3. guest suites: the guest kernel (cached build) under TCG
bash "$CXSIM_ROOT/scripts/kernel-build.sh" >/dev/null || die "guest kernel build failed"
run_guest_suite() {
	local name=$1
	shift
	local out="$LOGS/guest-$name.tap"
	log "running guest suite $name"
	bash "$CXSIM_ROOT/scripts/run-guest.sh" "$@" >"$out.tmp" 2>"$LOGS/guest-$name.stderr"
	local rc=$?
	{ echo "# exit $rc"; cat "$out.tmp"; } >"$out"
	rm -f "$out.tmp"
	log "guest $name: exit $rc"
}
run_guest_suite stock-probe -c idle,nogaps stock-probe
run_guest_suite stock-probe-pages -l stock-probe-pages \
	-p ,profile=cx6dx-pages -c idle,nogaps stock-probe
# no nogaps here: fwctl-test sends opcodes the firmware lacks on purpose
run_guest_suite stock-fwctl -c idle stock-fwctl
# our driver: one device, then two devices (one bound to the stock
# mlx5_core beside it) with the pages profile
run_guest_suite cxcore -c idle,nogaps cxcore
run_guest_suite cxcore-pages -l cxcore-pages -n 2 -p ,profile=cx6dx-pages \
	-c idle,nogaps cxcore
# cxctl: the mlx5ctl misc device (INFO, CMDRPC) on cxcore
run_guest_suite cxctl -c idle,nogaps cxctl
# cxctl's fwctl device: the stock fwctl-test against it (a boot of its own:
# the kernel taints once per boot)
run_guest_suite cxctl-fwctl -c idle cxctl-fwctl
# one boot, both drivers working at once: cxcore and mlx5_core + mlx5_fwctl
run_guest_suite two-drivers -l two-drivers -n 2 -c idle two-drivers
# the same two drivers busy across a live migration to a second QEMU
run_guest_suite migration -l migration -n 2 -M -c idle migration
run_guest_suite cxctl-tool -c idle cxctl-tool  # no nogaps: it sends an unknown opcode on purpose
run_guest_suite rpc-fuzz -c idle rpc-fuzz
run_guest_suite audit -c idle audit  # the guest audit; scripts/audit-report.sh for its matrices
run_guest_suite dump -c idle,nogaps dump

"$HOST_PYTHON" "$CXSIM_ROOT/scripts/tap-summary.py" \
	--meson-log "$HOST_BUILD/meson-logs/testlog.json" "$LOGS"/*.tap
