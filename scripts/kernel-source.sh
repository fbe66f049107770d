#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch and unpack Debian's linux-source-$KERNEL_SERIES package into the
# cache (once per package version) and print the source tree's path.  The
# tree is the authority for every PRM layout (include/linux/mlx5/mlx5_ifc.h)
# and, later, the guest kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKG=linux-source-$KERNEL_SERIES
version=$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	version=$(apt-cache madison "$PKG" 2>/dev/null | awk '{ print $3; exit }')
fi
[ -n "$version" ] || die "$PKG not found in apt (run scripts/setup-host.sh)"

TOP="$CXSIM_CACHE/linux/$version"
TREE="$TOP/linux-source-$KERNEL_SERIES"
if [ ! -e "$TOP/.cxsim-unpacked" ]; then
	mkdir -p "$TOP"
	exec 9> "$TOP/.lock"
	flock 9
	if [ ! -e "$TOP/.cxsim-unpacked" ]; then
		log "fetching $PKG $version"
		rm -rf "$TOP/dl" "$TREE"
		mkdir -p "$TOP/dl"
		(cd "$TOP/dl" && apt-get download -qq -o APT::Sandbox::User=root "$PKG=$version" >/dev/null)
		dpkg-deb --fsys-tarfile "$TOP"/dl/*.deb |
			tar -x -C "$TOP/dl" --wildcards "*/linux-source-$KERNEL_SERIES.tar.xz"
		log "unpacking $PKG (about a minute)"
		tar -xJf "$TOP"/dl/usr/src/linux-source-"$KERNEL_SERIES".tar.xz -C "$TOP"
		rm -rf "$TOP/dl"
		touch "$TOP/.cxsim-unpacked"
	fi
fi
printf '%s\n' "$TREE"
