# SPDX-License-Identifier: GPL-2.0-or-later
# Shared settings for the cxsim build scripts.  Source it, don't run it.

CXSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Builds of QEMU and the guest kernel live outside the clone so that every
# clone on this machine (and CI's fresh one) reuses them.
CXSIM_CACHE=${CXSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cxsim}
# Debian source package of QEMU: the newest deb-src (trixie, added by
# setup-host.sh); set QEMU_VERSION to pin another.
QEMU_SUITE=${QEMU_SUITE:-trixie}
# Debian's python, which sees Debian's meson (the python3 on PATH may not).
HOST_PYTHON=${HOST_PYTHON:-/usr/bin/python3}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Hash of the given files and strings: a cache key for a configuration.
config_hash() {
	{ for a in "$@"; do
		if [ -f "$a" ]; then cat "$a"; else printf '%s\n' "$a"; fi
	done; } | sha256sum | cut -c1-12
}

# Copy SRC_DIR's files into DST_DIR, touching only files whose content
# changed so that ninja rebuilds only what we edited.
sync_tree() {
	mkdir -p "$2"
	rsync -rc --delete "${@:3}" "$1/" "$2/"
}

# Guest kernel: Debian's linux-source-$KERNEL_SERIES (trixie-backports).
# The one setting that picks the kernel every layout is checked against.
KERNEL_SERIES=${KERNEL_SERIES:-7.3}
