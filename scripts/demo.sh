#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make demo`: build the device (cached) and start QEMU with it, driven by a
# host-side program that initializes the function and shows its answers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$CXSIM_ROOT/scripts/setup-host.sh"
QBUILD=$(bash "$CXSIM_ROOT/scripts/qemu-build.sh")
QTEST_QEMU_BINARY="$QBUILD/qemu-system-x86_64" \
	exec "$QBUILD/tests/qtest/cxsim/cxsim-demo" "$@"
