#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the guest kernel from Debian's linux-source package with
# scripts/guest-kernel.config merged over tinyconfig.  Cached per source
# version and fragment: $CXSIM_CACHE/linux/<version>/build-<hash>.  Prints the
# build directory (bzImage at arch/x86/boot/bzImage; out-of-tree modules
# build with `make -C <dir> M=...`).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KSRC=$(bash "$CXSIM_ROOT/scripts/kernel-source.sh")
FRAGMENT="$CXSIM_ROOT/scripts/guest-kernel.config"
KBUILD="$(dirname "$KSRC")/build-$(config_hash "$FRAGMENT")"
JOBS=${KERNEL_JOBS:-$(nproc)}

configure() {
	[ -e "$KBUILD/.config" ] && [ -e "$KBUILD/.cxsim-configured" ] && return 0
	mkdir -p "$KBUILD"
	log "configuring the guest kernel in $KBUILD"
	make -s -C "$KSRC" O="$KBUILD" tinyconfig >/dev/null
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" \
		"$KBUILD/.config" "$FRAGMENT" >/dev/null
	make -s -C "$KSRC" O="$KBUILD" olddefconfig >/dev/null
	# every option of the fragment must have survived the dependency check
	local opt missing=0
	while IFS= read -r opt; do
		case "$opt" in CONFIG_*) ;; *) continue ;; esac
		if ! grep -qxF "$opt" "$KBUILD/.config"; then
			log "guest kernel option not applied: $opt"
			missing=1
		fi
	done < "$FRAGMENT"
	[ "$missing" = 0 ] || die "the guest kernel configuration is incomplete"
	touch "$KBUILD/.cxsim-configured"
}

main() {
	mkdir -p "$(dirname "$KBUILD")"
	exec 9> "$KBUILD.lock"
	flock 9
	configure
	if [ ! -e "$KBUILD/.cxsim-built" ]; then
		log "building the guest kernel (about 8 minutes on 2 cores)"
	fi
	make -s -C "$KSRC" O="$KBUILD" -j"$JOBS" bzImage modules \
		> "$KBUILD/build.log" 2>&1 || {
		tail -n 30 "$KBUILD/build.log" >&2
		die "guest kernel build failed (log: $KBUILD/build.log)"
	}
	touch "$KBUILD/.cxsim-built"
	printf '%s\n' "$KBUILD"
}

main "$@"
