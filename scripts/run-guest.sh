#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the test guest under TCG with cxsim devices and run guest suites.
#
#   run-guest.sh [-n DEVICES] [-p DEVICE_PROPS] [-k KERNEL_ARGS] [-l LOGNAME]
#                [-c CHECKS] [-M] [--kvm] SUITE[,SUITE...]
#
# Prints the suites' TAP on stdout and exits with their status.  The guest
# console goes to build/test-logs/guest-<LOGNAME>.console and is kept; on a
# failure its last lines are shown.
#
# After the suites, the runner reads every device's firmware counters over
# QMP (qom-get cxsimN firmware-stats), prints them and applies CHECKS, a
# comma-separated list, as further TAP results:
#   idle    the firmware holds nothing: HCA disabled, no user context, EQ,
#           UAR, umem, PD, memory key or page
#   nogaps  the guest sent no opcode the firmware does not implement
#
# -M: live migration on the guest's request.  When a suite prints the line
# "# cxsim-migrate", the runner starts a second QEMU with the same command
# line and "-incoming", migrates the running guest to it
# (scripts/migrate-guest.py), tells the guest "migrated" (or "failed") on
# its third serial port (/dev/ttyS2) and goes on with the destination; the
# firmware checks then read the destination's devices.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

devices=1 props="" kargs="" accel=tcg timeout_s=${GUEST_TIMEOUT:-600}
logname="" checks="" migrate=0
while [ $# -gt 1 ]; do
	case "$1" in
	-n) devices=$2; shift 2 ;;
	-p) props=$2; shift 2 ;;
	-k) kargs=$2; shift 2 ;;
	-l) logname=$2; shift 2 ;;
	-c) checks=$2; shift 2 ;;
	-M) migrate=1; shift ;;
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
bash "$CXSIM_ROOT/scripts/guest-tools.sh" "$KBUILD"
bash "$CXSIM_ROOT/scripts/guest-modules.sh" "$KBUILD"
bash "$CXSIM_ROOT/scripts/guest-initramfs.sh" "$KBUILD" "$INITRD"

name=${logname:-${suites//,/-}}
CONSOLE="$LOGS/guest-$name.console"
TAPFILE=$(mktemp)
host_tap=$(mktemp)
RUN="$CXSIM_ROOT/build/guest/run-$$"
QMP="$RUN-qmp.sock"
trap 'rm -f "$INITRD" "$TAPFILE" "$host_tap" "$RUN"-*' EXIT
dev_args=()
for i in $(seq 0 $((devices - 1))); do
	dev_args+=(-device "cxsim,id=cxsim$i$props")
done

# One QEMU of the run: its QMP and control sockets, then extra arguments.
# The consoles append, so that a migration's destination continues them.
# -no-shutdown: the guest's power-off stops QEMU but keeps it for QMP.
start_qemu() {
	local qmp=$1 ctl=$2
	shift 2
	local ctl_args=()
	[ "$migrate" = 0 ] || ctl_args=(
		-chardev "socket,id=ctl,path=$ctl,server=on,wait=off"
		-serial chardev:ctl)
	"$QBUILD/qemu-system-x86_64" \
		-L /usr/share/qemu -L /usr/share/seabios \
		-M q35 -accel "$accel" -m 512M -smp 2 -nodefaults -display none \
		-no-reboot -no-shutdown -qmp "unix:$qmp,server=on,wait=off" \
		-kernel "$KBUILD/arch/x86/boot/bzImage" -initrd "$INITRD" \
		-append "console=ttyS0 panic=-1 loglevel=6 cxsim.suite=$suites $kargs" \
		-chardev "file,id=console,path=$CONSOLE,append=on" \
		-serial chardev:console \
		-chardev "file,id=tap,path=$TAPFILE,append=on" -serial chardev:tap \
		"${ctl_args[@]}" "${dev_args[@]}" "$@" </dev/null &
	qemu_pid=$!
}

# The guest asked to be migrated: a destination QEMU, the migration, and
# from then on the destination is the one the runner talks to.
migrate_guest() {
	local src_pid=$qemu_pid src_qmp=$QMP dst_qmp="$RUN-dst-qmp.sock"
	local result

	log "migrating the guest"
	start_qemu "$dst_qmp" "$RUN-dst-ctl.sock" -incoming "unix:$RUN-mig.sock"
	"$HOST_PYTHON" "$CXSIM_ROOT/scripts/migrate-guest.py" "$src_qmp" \
		"$dst_qmp" "$RUN-mig.sock" "$RUN-ctl.sock" "$RUN-dst-ctl.sock" \
		>> "$host_tap" 2>&1 || true
	result=$(sed -n 's/^# migration-result: //p' "$host_tap" | tail -n1)
	if [ "$result" = completed ]; then
		wait "$src_pid" 2>/dev/null || true
		QMP=$dst_qmp
	else
		[ -n "$result" ] ||
			echo "not ok - live migration of the running guest: no result" >> "$host_tap"
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
		qemu_pid=$src_pid
	fi
}

: > "$CONSOLE"
start_qemu "$QMP" "$RUN-ctl.sock"

# Wait for the guest's last line (or QEMU's death, or the time limit).
deadline=$((SECONDS + timeout_s))
migrated=0
while ! grep -q '^# cxsim-guest-exit' "$TAPFILE" 2>/dev/null; do
	kill -0 "$qemu_pid" 2>/dev/null || break
	[ "$SECONDS" -lt "$deadline" ] || break
	# the guest's tty turns "\n" into "\r\n" (ONLCR)
	if [ "$migrate" = 1 ] && [ "$migrated" = 0 ] &&
	   grep -qE $'^# cxsim-migrate\r?$' "$TAPFILE"; then
		migrate_guest
		migrated=1
	fi
	sleep 0.2
done
guest_rc=$(sed -n 's/^# cxsim-guest-exit \([0-9]*\).*/\1/p' "$TAPFILE" | tail -n1)
if [ "$migrate" = 1 ] && [ "$migrated" = 0 ]; then
	echo "not ok - the guest never asked to be migrated" >> "$host_tap"
fi

# Host-side results: firmware state of every device.
if kill -0 "$qemu_pid" 2>/dev/null; then
	for i in $(seq 0 $((devices - 1))); do
		stats=$("$HOST_PYTHON" "$CXSIM_ROOT/scripts/qmp.py" "$QMP" qom-get \
			"{\"path\": \"cxsim$i\", \"property\": \"firmware-stats\"}" |
			tr -d '"') || stats=""
		echo "# firmware cxsim$i: $stats" >> "$host_tap"
		field() { printf '%s\n' "$stats" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
		case ",$checks," in *,idle,*)
			if [ "$(field hca_state)" = 0 ] && [ "$(field live_uctxs)" = 0 ] &&
			   [ "$(field live_eqs)" = 0 ] &&
			   [ "$(field live_uars)" = 0 ] && [ "$(field pages_owned)" = 0 ] &&
			   [ "$(field live_umems)" = 0 ] && [ "$(field live_pds)" = 0 ] &&
			   [ "$(field live_mkeys)" = 0 ]; then
				echo "ok - cxsim$i: firmware holds no objects or pages after the suites"
			else
				echo "not ok - cxsim$i: firmware still holds objects or pages"
			fi >> "$host_tap" ;;
		esac
		case ",$checks," in *,nogaps,*)
			if [ "$(field unsupported)" = 0 ]; then
				echo "ok - cxsim$i: no unimplemented opcode was sent"
			else
				echo "not ok - cxsim$i: unimplemented opcodes sent: $(field unsupported_opcodes)"
			fi >> "$host_tap" ;;
		esac
	done
	"$HOST_PYTHON" "$CXSIM_ROOT/scripts/qmp.py" "$QMP" quit >/dev/null 2>&1 || true
fi
# QEMU ends by itself after quit, or is stopped here after a time-out.
for _ in $(seq 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
kill "$qemu_pid" 2>/dev/null || true
wait "$qemu_pid" 2>/dev/null || true

# One TAP stream: the guest's results, then the host's, numbered anew.
cat "$TAPFILE" "$host_tap" | awk '
	/^(not )?ok/ {
		n++
		sub(/^ok( [0-9]+)?/, "ok " n)
		sub(/^not ok( [0-9]+)?/, "not ok " n)
		if ($0 ~ /^not ok/) failed = 1
	}
	/^1\.\.[0-9]+/ { next }
	{ print }
	END { print "1.." n; exit failed }'
tap_rc=$?

if [ -z "$guest_rc" ]; then
	if [ "$SECONDS" -ge "$deadline" ]; then
		log "guest timed out after ${timeout_s}s (console: $CONSOLE)"
	else
		log "guest did not finish its suites (console: $CONSOLE)"
	fi
	guest_rc=1
fi
[ "$tap_rc" = 0 ] || guest_rc=1
if [ "$guest_rc" != 0 ]; then
	log "last console lines:"
	tail -n 40 "$CONSOLE" >&2
fi
exit "$guest_rc"
