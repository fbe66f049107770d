#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the test guest's initramfs: busybox-static, the kernel's modules
# (stock mlx5_core, mlx5_fwctl), our modules and tools when built, and the
# guest suites from linux-driver/tests.  Usage: guest-initramfs.sh KBUILD OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KBUILD=$1
OUT=$2
KSRC=$(bash "$CXSIM_ROOT/scripts/kernel-source.sh")
KREL=$(cat "$KBUILD/include/config/kernel.release")
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,tests,root}
# mktemp made it 0700: the guest's / must let unprivileged users in
chmod 755 "$STAGE"
cp /bin/busybox "$STAGE/bin/busybox"
install -m 755 "$CXSIM_ROOT/scripts/guest-init.sh" "$STAGE/init"
make -s -C "$KSRC" O="$KBUILD" INSTALL_MOD_PATH="$STAGE" \
	INSTALL_MOD_STRIP=1 DEPMOD=/bin/true modules_install >/dev/null
# our own modules, when linux-driver has been built
for mod in "$CXSIM_ROOT"/linux-driver/*/*.ko; do
	[ -e "$mod" ] || continue
	install -D -m 644 "$mod" "$STAGE/lib/modules/$KREL/extra/${mod##*/}"
done
depmod -b "$STAGE" "$KREL"
# guest tools (static binaries) and suites
for tool in "$CXSIM_ROOT"/build/guest/bin/*; do
	[ -e "$tool" ] || continue
	install -m 755 "$tool" "$STAGE/bin/"
done
cp "$CXSIM_ROOT"/linux-driver/tests/*.sh "$STAGE/tests/"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
