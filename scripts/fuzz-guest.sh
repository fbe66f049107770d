#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make fuzz-guest`: the guest RPC fuzzer (linux-driver/tests/rpc-fuzz.c,
# suite rpc-fuzz.sh) for SECONDS (default FUZZ_TIME, else 60) in the TCG
# test guest, then its figures, its findings and the suite's verdict.
#
#   fuzz-guest.sh [SECONDS]
#
# RPC_FUZZ_SEED=S and RPC_FUZZ_ITERATIONS=N replay a finding (N: the
# failing iteration + 1); RPC_FUZZ_VERBOSE=1 traces every operation.
# The whole TAP stream is kept in build/test-logs/guest-fuzz-guest.tap.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

secs=${1:-${FUZZ_TIME:-60}}
kargs="rpc_fuzz_seconds=$secs"
[ -n "${RPC_FUZZ_SEED:-}" ] && kargs="$kargs rpc_fuzz_seed=$RPC_FUZZ_SEED"
[ -n "${RPC_FUZZ_ITERATIONS:-}" ] &&
	kargs="$kargs rpc_fuzz_iterations=$RPC_FUZZ_ITERATIONS"
[ -n "${RPC_FUZZ_VERBOSE:-}" ] && kargs="$kargs rpc_fuzz_verbose=1"

LOGS="$CXSIM_ROOT/build/test-logs"
mkdir -p "$LOGS"
out="$LOGS/guest-fuzz-guest.tap"
log "fuzzing RPCs from the guest for ${secs}s"
GUEST_TIMEOUT=$((secs + 300)) bash "$CXSIM_ROOT/scripts/run-guest.sh" \
	-l fuzz-guest -k "$kargs" -c idle rpc-fuzz > "$out"
rc=$?

# the figures, each distinct finding and what failed (the input bytes of
# a finding's first occurrences are in the TAP stream)
sed -n -e 's/^# \(rpc-fuzz: .*\)/\1/p' -e 's/^# \(statuses .*\)/\1/p' \
	-e 's/^# \(errnos .*\)/\1/p' -e 's/^# \(finding .*\)/\1/p' "$out"
grep '^not ok' "$out" || true
echo "$(grep -c '^ok' "$out") passed, $(grep -c '^not ok' "$out") failed ($out)"
exit "$rc"
