#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build our out-of-tree kernel modules (every linux-driver/<dir> with a
# Kbuild file) against the guest kernel build KBUILD.  The .ko files stay
# next to their sources (git ignores them), where guest-initramfs.sh finds
# them.  A module built for another kernel is cleaned first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KBUILD=$1
KREL=$(cat "$KBUILD/include/config/kernel.release")
for dir in "$CXSIM_ROOT"/linux-driver/*/; do
	[ -e "$dir/Kbuild" ] || continue
	stamp="$dir/.cxsim-built-for"
	if [ "$(cat "$stamp" 2>/dev/null)" != "$KBUILD" ]; then
		make -s -C "$KBUILD" M="${dir%/}" clean >/dev/null 2>&1 || true
	fi
	make -s -C "$KBUILD" M="${dir%/}" modules >"$dir/.build.log" 2>&1 || {
		cat "$dir/.build.log" >&2
		die "module build failed in ${dir%/} for $KREL"
	}
	printf '%s\n' "$KBUILD" > "$stamp"
done
