#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP test: the guest suites' copy of the statistics window's offsets
# (FW_WINDOW and FW_REGS in linux-driver/tests/tap.sh) is the firmware's
# table, as cxfw-docgen stats-window-sh prints it.
set -u
docgen=$1 tapsh=$2
echo "1..1"
if out=$(diff -u <("$docgen" stats-window-sh) \
	<(sed -n '/^FW_WINDOW=/p; /^FW_REGS="$/,/^"$/p' "$tapsh")); then
	echo "ok 1 - tap.sh FW_WINDOW/FW_REGS match the firmware's window"
else
	echo "not ok 1 - tap.sh FW_WINDOW/FW_REGS differ from cxfw-docgen stats-window-sh"
	printf '%s\n' "$out" | sed 's/^/# /'
	exit 1
fi
