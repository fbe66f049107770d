#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the guest test programs (linux-driver/tests/*.c) and the tools
# (linux-driver/tools/NAME/, all its .c files one program NAME) as static
# binaries with the host gcc against the guest kernel's uAPI headers, into
# build/guest/bin/ (guest-initramfs.sh copies them to the guest's /bin).
#
#   guest-tools.sh [KBUILD]
#
# The uAPI headers are installed once per kernel build directory, under
# KBUILD/cxsim-uapi (cached).  A program is rebuilt only when one of its
# sources (or headers) is newer than its binary.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KBUILD=${1:-$(bash "$CXSIM_ROOT/scripts/kernel-build.sh")}
KSRC=$(bash "$CXSIM_ROOT/scripts/kernel-source.sh")
UAPI="$KBUILD/cxsim-uapi"
OUT="$CXSIM_ROOT/build/guest/bin"
CFLAGS=(-static -O2 -Wall -Wextra)

# uAPI headers: installed once, under the kernel build's lock (the same one
# kernel-build.sh takes), into a temporary directory renamed into place.
install_headers() {
	[ -e "$UAPI/.cxsim-installed" ] && return 0
	exec 8> "$KBUILD.lock"
	flock 8
	if [ ! -e "$UAPI/.cxsim-installed" ]; then
		log "installing the guest kernel's uAPI headers in $UAPI"
		rm -rf "$UAPI.tmp" "$UAPI"
		make -s -C "$KSRC" O="$KBUILD" headers_install \
			INSTALL_HDR_PATH="$UAPI.tmp" >/dev/null ||
			die "headers_install failed"
		touch "$UAPI.tmp/.cxsim-installed"
		mv "$UAPI.tmp" "$UAPI"
	fi
	exec 8>&-
}

install_headers
mkdir -p "$OUT"
# the newest header a test program may include (rpc-fuzz includes the
# firmware's tables and the policy)
newest_hdr=$(ls -t "$CXSIM_ROOT"/linux-driver/tests/*.h \
	"$CXSIM_ROOT"/linux-driver/include/uapi/*/*.h \
	"$CXSIM_ROOT"/firmware-sim/src/*.def \
	"$CXSIM_ROOT"/firmware-sim/policy/*.def | head -n 1)
for src in "$CXSIM_ROOT"/linux-driver/tests/*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	bin="$OUT/$name"
	# up to date: newer than its source and the shared headers
	[ -e "$bin" ] && [ "$bin" -nt "$src" ] &&
		[ "$bin" -nt "$newest_hdr" ] && continue
	log "building guest tool $name"
	gcc "${CFLAGS[@]}" -I"$UAPI/include" -o "$bin.tmp" "$src" ||
		die "building $name failed"
	mv "$bin.tmp" "$bin"
done

# the tools: one program per directory, rebuilt when any of its sources, our
# uAPI headers or the firmware's headers and tables changed.  Firmware
# sources a tool compiles in (plain C, no GLib): cxctl's audit expects
# exactly the firmware's policy verdicts (cxfw-policy.c).
FW="$CXSIM_ROOT/firmware-sim"
declare -A FW_SRCS=([cxctl]="$FW/src/cxfw-policy.c")
for dir in "$CXSIM_ROOT"/linux-driver/tools/*/; do
	srcs=("$dir"*.c)
	[ -e "${srcs[0]}" ] || continue
	name=$(basename "$dir")
	bin="$OUT/$name"
	fw_srcs=(${FW_SRCS[$name]:-})
	if [ -e "$bin" ]; then
		changed=$( { find "${srcs[@]}" "${fw_srcs[@]}" -newer "$bin"
			find "$dir" "$CXSIM_ROOT/linux-driver/include/uapi" \
				"$FW/src" "$FW/policy" -newer "$bin" \
				\( -name '*.h' -o -name '*.def' \); } | sed -n 1p)
		[ -z "$changed" ] && continue
	fi
	log "building guest tool $name"
	gcc "${CFLAGS[@]}" -std=gnu11 -I"$UAPI/include" -I"$FW/src" \
		-I"$FW/policy" -o "$bin.tmp" "${srcs[@]}" "${fw_srcs[@]}" ||
		die "building $name failed"
	mv "$bin.tmp" "$bin"
done
