#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch Debian's QEMU 10.0 source package, overlay cxsim's device model
# (hw/), firmware simulator (firmware-sim/src and its policy) and qtests
# (qtest/) into it,
# and build a minimal q35 qemu-system-x86_64 plus the qtests.
#
# Everything is cached under $CXSIM_CACHE/qemu/<version>/: the unpacked
# tree once per version, the build directory once per configuration.  A
# second run only recompiles what changed in our files.
#
# Prints the build directory on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

qemu_version() {
	apt-cache showsrc qemu 2>/dev/null |
		awk '/^Version:/ { print $2 }' | sort -V | tail -n1 | sed 's/^[0-9]*://'
}

QEMU_VERSION=${QEMU_VERSION:-$(qemu_version)}
[ -n "$QEMU_VERSION" ] || die "no QEMU source package in $QEMU_SUITE (run scripts/setup-host.sh)"
TOP="$CXSIM_CACHE/qemu/$QEMU_VERSION"
SRC="$TOP/src"

DEVICES_MAK="CONFIG_Q35=y
CONFIG_CXSIM=y"
CONFIGURE_ARGS=(
	--python="$HOST_PYTHON"
	--target-list=x86_64-softmmu
	--without-default-features
	--without-default-devices
	--with-devices-x86_64=cxsim
	--enable-tcg --enable-kvm
	--disable-docs --disable-werror --disable-install-blobs --disable-fdt
	--firmwarepath=/usr/share/qemu:/usr/share/seabios
	${QEMU_CC:+--cc=$QEMU_CC}
	${QEMU_EXTRA_CONFIGURE:-}
)
BUILD="$TOP/build-$(config_hash "$DEVICES_MAK" "${CONFIGURE_ARGS[@]}")"

fetch_source() {
	[ -e "$SRC/.cxsim-unpacked" ] && return 0
	local dl="$TOP/dl"
	rm -rf "$SRC" "$dl"
	mkdir -p "$dl"
	log "fetching QEMU $QEMU_VERSION source from Debian ($QEMU_SUITE)"
	(cd "$dl" && apt-get source -qq -o APT::Sandbox::User=root --download-only "qemu=1:$QEMU_VERSION" >/dev/null 2>&1 ||
		apt-get source -qq -o APT::Sandbox::User=root --download-only qemu >/dev/null)
	# dpkg-source applies Debian's patches, which the build needs
	dpkg-source -x "$dl"/qemu_*.dsc "$SRC" >/dev/null 2>&1
	# dpkg-source links the orig tarball next to the tree; only the tree stays
	rm -rf "$dl" "$TOP"/qemu_*.orig.tar.*
	touch "$SRC/.cxsim-unpacked"
}

# Append LINE to FILE once (the wiring of our directories into QEMU's build).
add_line_once() {
	grep -qxF "$2" "$1" || printf '%s\n' "$2" >> "$1"
}

wire_tree() {
	printf '%s\n' "$DEVICES_MAK" > "$SRC/configs/devices/x86_64-softmmu/cxsim.mak.new"
	cmp -s "$SRC/configs/devices/x86_64-softmmu/cxsim.mak.new" \
		"$SRC/configs/devices/x86_64-softmmu/cxsim.mak" ||
		mv "$SRC/configs/devices/x86_64-softmmu/cxsim.mak.new" \
			"$SRC/configs/devices/x86_64-softmmu/cxsim.mak"
	rm -f "$SRC/configs/devices/x86_64-softmmu/cxsim.mak.new"
	add_line_once "$SRC/hw/meson.build" "subdir('cxsim')"
	add_line_once "$SRC/hw/Kconfig" "source cxsim/Kconfig"
	add_line_once "$SRC/tests/qtest/meson.build" "subdir('cxsim')"
	if ! grep -q "'hw/cxsim'," "$SRC/meson.build"; then
		sed -i "s|^    'hw/nvme',$|&\n    'hw/cxsim',|" "$SRC/meson.build"
		grep -q "'hw/cxsim'," "$SRC/meson.build" ||
			die "could not add hw/cxsim to trace_events_subdirs"
	fi
}

overlay() {
	sync_tree "$CXSIM_ROOT/hw" "$SRC/hw/cxsim" --exclude firmware \
		--exclude policy
	sync_tree "$CXSIM_ROOT/firmware-sim/src" "$SRC/hw/cxsim/firmware"
	# the policy file, where cxfw-policy.c finds it (../policy)
	sync_tree "$CXSIM_ROOT/firmware-sim/policy" "$SRC/hw/cxsim/policy"
	sync_tree "$CXSIM_ROOT/qtest" "$SRC/tests/qtest/cxsim"
}

configure() {
	[ -e "$BUILD/build.ninja" ] && return 0
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	log "configuring QEMU in $BUILD"
	(cd "$BUILD" && "$SRC/configure" "${CONFIGURE_ARGS[@]}" > configure.log 2>&1) || {
		tail -n 30 "$BUILD/configure.log" >&2
		rm -f "$BUILD/build.ninja"
		die "QEMU configure failed (log: $BUILD/configure.log)"
	}
}

build() {
	log "building QEMU (incremental) in $BUILD"
	ninja -C "$BUILD" ${NINJA_JOBS:+-j "$NINJA_JOBS"} "$@" > "$BUILD/ninja.log" 2>&1 || {
		grep -E 'error|Error|FAILED' "$BUILD/ninja.log" | head -n 40 >&2
		die "QEMU build failed (log: $BUILD/ninja.log)"
	}
}

main() {
	mkdir -p "$TOP"
	exec 9> "$TOP/.lock"
	flock 9
	fetch_source
	wire_tree
	overlay
	configure
	build qemu-system-x86_64 cxsim-qtests "$@"
	printf '%s\n' "$BUILD"
}

main "$@"
