#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what cxsim needs on a Debian bookworm host, as root.
# Idempotent: when every package is present it does nothing and needs no
# network.  Extra apt sources (bookworm-backports for meson >= 1.5, trixie
# deb-src for QEMU 10.0, trixie-backports for linux-source) are derived from
# the system's own Debian source entry, so no mirror is named here.
set -euo pipefail

PACKAGES=(
	build-essential pkg-config ninja-build dpkg-dev
	libglib2.0-dev zlib1g-dev flex bison
	python3 python3-venv
	seabios qemu-system-data
	cpio busybox-static bc kmod libelf-dev libssl-dev xz-utils rsync
	clang libclang-rt-14-dev
)
# meson must come from bookworm-backports (QEMU 10 needs >= 1.5)
BACKPORTS=(meson)

SOURCES_FILE=/etc/apt/sources.list.d/cxsim.sources
PIN_FILE=/etc/apt/preferences.d/cxsim

log() { printf 'setup: %s\n' "$*" >&2; }

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || printf '%s\n' "$p"
	done
}

meson_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' meson 2>/dev/null) || return 1
	dpkg --compare-versions "$v" ge 1.5
}

# Print "URI KEYRING" of the system's main Debian archive entry.
debian_archive() {
	local f uri suites keyring
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		# deb822: paragraphs separated by blank lines
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; suites = ""; key = ""; types = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { uri = $i; sub(/^URIs:[ \t]*/, "", uri); sub(/[ \t].*/, "", uri) }
				if ($i ~ /^Suites:/) suites = $i
				if ($i ~ /^Types:/) types = $i
				if ($i ~ /^Signed-By:/) { key = $i; sub(/^Signed-By:[ \t]*/, "", key) }
			}
			if (types ~ /deb/ && suites ~ /[ \t]bookworm([ \t]|$)/ && uri != "") {
				print uri, key; exit
			}
		}' "$f"
	done | head -n1 | grep . && return 0
	# one-line format
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 ~ / bookworm / {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i, ""; exit }
		}' | head -n1 | grep .
}

add_sources() {
	[ -e "$SOURCES_FILE" ] && return 0
	local line uri keyring signed=""
	line=$(debian_archive) || {
		log "no Debian bookworm entry found in /etc/apt; add one and retry"
		exit 1
	}
	uri=${line%% *}
	keyring=${line#* }
	[ -n "$keyring" ] && [ "$keyring" != "$uri" ] && signed="Signed-By: $keyring"
	log "adding bookworm-backports, trixie (deb-src) and trixie-backports from $uri"
	cat > "$SOURCES_FILE" <<SRC
# Added by cxsim scripts/setup-host.sh, derived from the system's entry.
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
$signed

Types: deb-src
URIs: $uri
Suites: trixie
Components: main
$signed

Types: deb
URIs: $uri
Suites: trixie-backports
Components: main
$signed
SRC
	# Never let trixie packages replace bookworm ones; they are only
	# fetched by explicit request (linux-source, the QEMU source).
	cat > "$PIN_FILE" <<PIN
Package: *
Pin: release n=trixie-backports
Pin-Priority: 1
PIN
	APT_UPDATED=0
}

APT_UPDATED=1
apt_update_once() {
	if [ "$APT_UPDATED" = 0 ] || [ ! -e /var/lib/apt/lists/partial ] ||
	   ! ls /var/lib/apt/lists/*bookworm-backports*Packages >/dev/null 2>&1; then
		log "apt-get update"
		apt-get update -qq
		APT_UPDATED=1
	fi
}

main() {
	if [ "$(id -u)" != 0 ]; then
		log "must run as root (installs Debian packages)"
		exit 1
	fi
	add_sources
	mapfile -t need < <(missing_packages "${PACKAGES[@]}")
	if [ "${#need[@]}" -gt 0 ] || ! meson_ok; then
		apt_update_once
		export DEBIAN_FRONTEND=noninteractive
		if [ "${#need[@]}" -gt 0 ]; then
			log "installing ${need[*]}"
			apt-get install -y -qq --no-install-recommends "${need[@]}"
		fi
		if ! meson_ok; then
			log "installing meson from bookworm-backports"
			apt-get install -y -qq --no-install-recommends \
				-t bookworm-backports "${BACKPORTS[@]}"
		fi
	fi
	# The apt lists are needed for "apt-get source" even when nothing
	# was installed on this run.
	if ! ls /var/lib/apt/lists/*trixie*Sources* >/dev/null 2>&1; then
		APT_UPDATED=0
		apt_update_once
	fi
}

main "$@"
