#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the test guest under TCG with cxsim devices and run guest suites.
#
#   run-guest.sh [-n DEVICES] [-p DEVICE_PROPS] [-k KERNEL_ARGS] [--kvm] SUITE[,SUITE...]
#
# Prints the suites' TAP on stdout and exits with their status.  The guest
# console goes to build/test-logs/guest-<suites>.console and is kept; on a
# failure its last lines are shown.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

devices=1 props="" kargs="" accel=tcg timeout_s=${GUEST_TIMEOUT:-600}
while [ $# -gt 1 ]; do
	case "$1" in
	-n) devices=$2; shift 2 ;;
	-p) props=$2; shift 2 ;;
	-k) kargs=$2; shift 2 ;;
	--kvm) accel=kvm; shift ;;
	*) die "unknown option $1" ;;
	esac
done
[ $# -eq 1 ] || die "usage: run-guest.sh [-n N] [-p PROPS] [-k ARGS] [--kvm] SUITE[,SUITE]"
suites=$1

KBUILD=$(bash "$CXSIM_ROOT/scripts/kernel-build.sh")
QBUILD=$(bash "$CXSIM_ROOT/scripts/qemu-build.sh")
LOGS="$CXSIM_ROOT/build/test-logs"
mkdir -p "$LOGS" "$CXSIM_ROOT/build/guest"
INITRD="$CXSIM_ROOT/build/guest/initramfs-$$.cpio.gz"
trap 'rm -f "$INITRD" "$TAPFILE"' EXIT
bash "$CXSIM_ROOT/scripts/guest-initramfs.sh" "$KBUILD" "$INITRD"

name=${suites//,/-}
CONSOLE="$LOGS/guest-$name.console"
TAPFILE=$(mktemp)
dev_args=()
for _ in $(seq "$devices"); do
	dev_args+=(-device "cxsim$props")
done

set +e
timeout "$timeout_s" "$QBUILD/qemu-system-x86_64" \
	-L /usr/share/qemu -L /usr/share/seabios \
	-M q35 -accel "$accel" -m 512M -smp 2 -nodefaults -display none \
	-no-reboot \
	-kernel "$KBUILD/arch/x86/boot/bzImage" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 loglevel=6 cxsim.suite=$suites $kargs" \
	-serial "file:$CONSOLE" -serial "file:$TAPFILE" \
	"${dev_args[@]}" </dev/null
qemu_rc=$?
set -e

cat "$TAPFILE"
guest_rc=$(sed -n 's/^# cxsim-guest-exit \([0-9]*\).*/\1/p' "$TAPFILE" | tail -n1)
if [ "$qemu_rc" = 124 ]; then
	log "guest timed out after ${timeout_s}s (console: $CONSOLE)"
	guest_rc=124
elif [ -z "$guest_rc" ]; then
	log "guest did not finish its suites (QEMU exit $qemu_rc; console: $CONSOLE)"
	guest_rc=1
fi
if [ "$guest_rc" != 0 ]; then
	log "last console lines:"
	tail -n 40 "$CONSOLE" >&2
fi
exit "$guest_rc"
