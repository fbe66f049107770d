#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make demo`: build the device (cached) and
#   1. start QEMU with it, driven by a host-side program that initializes
#      the function and shows its answers;
#   2. boot the test guest (its kernel cached too) with our drivers and show
#      the mlx5ctl series' example session with the cxctl tool
#      (linux-driver/tests/demo.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$CXSIM_ROOT/scripts/setup-host.sh"
QBUILD=$(bash "$CXSIM_ROOT/scripts/qemu-build.sh")
echo "== the device, driven from the host (qtest)"
QTEST_QEMU_BINARY="$QBUILD/qemu-system-x86_64" \
	"$QBUILD/tests/qtest/cxsim/cxsim-demo" "$@"

echo
echo "== a guest with cxcore and cxctl (TCG; the first run builds the kernel)"
rc=0
out=$(bash "$CXSIM_ROOT/scripts/run-guest.sh" -l demo -c idle demo) || rc=$?
# the session as the guest ran it; failures as they are
printf '%s\n' "$out" | sed -n 's/^# //p; /^not ok/p'
[ "$rc" = 0 ] || die "the guest demo failed (build/test-logs/guest-demo.console)"
