# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# TAP helpers for the guest suites (busybox sh).  Source it; call
# ok/fail/check, then tap_done.
TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

# check "description" command...: ok if the command succeeds
check() {
	desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		ok "$desc"
	else
		fail "$desc"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# Kernel log lines added since the last call (dmesg -c clears it), each
# with its raw priority prefix: <0> emergency .. <4> warning .. <7> debug.
new_kernel_log() {
	dmesg -r -c 2>/dev/null
}

# Warnings and worse among kernel log lines on stdin, less those matching
# the extended regex $1 (messages documented as expected).
kernel_warnings() {
	grep -E '^<[0-4]>' | grep -vE "${1:-^$}"
}

# no_bad_messages LOG DESC: ok when the kernel log lines LOG hold no warning
# or worse other than those matching $EXPECTED (the suite's documented
# messages, an extended regex).
no_bad_messages() {
	bad=$(echo "$1" | kernel_warnings "${EXPECTED:-^$}")
	if [ -z "$bad" ]; then
		ok "$2 left no unexpected kernel messages"
	else
		fail "$2 left unexpected kernel messages"
		echo "$bad" | sed 's/^/#   /'
	fi
}

# Relay a TAP stream (file $1) as this suite's results: "ok"/"not ok" lines
# renumbered, comments as they are, the plan kept in $plan.
relay_tap() {
	plan=""
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) fail "${line#not ok * - }" ;;
		1..*) plan=${line#1..} ;;
		*) echo "$line" ;;
		esac
	done < "$1"
}

# run_tap_program NAME COMMAND...: run a TAP-printing test program, relay
# its results and check that it ran its whole plan.
run_tap_program() {
	name=$1
	shift
	"$@" > "/tmp/$name.out" 2>&1
	tap_program_results "$name" $?
}

# tap_program_results NAME EXIT: relay the TAP a program NAME wrote into
# /tmp/NAME.out (run in the background, say) and exited with EXIT, and
# check that it ran its whole plan.
tap_program_results() {
	first=$((TAP_N + 1))
	relay_tap "/tmp/$1.out"
	ran=$((TAP_N - first + 1))
	[ -n "$plan" ] && [ "$plan" = "$ran" ] &&
		ok "$1 ran its $ran tests (exit $2)" ||
		fail "$1 stopped early: $ran results, plan '${plan:-none}', exit $2"
}

# Bind every cxsim function to cxcore (by driver_override: the stock
# mlx5_core claims the same device id) and load cxcore and cxctl: two
# results.
load_cxctl() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x15b3 ] && echo cxcore > "$d/driver_override"
	done
	check "modprobe cxcore" modprobe cxcore
	check "modprobe cxctl" modprobe cxctl
}

# fwctl_of PCI: the fwctl device (/dev/fwctl/fwctlN) whose parent is PCI
# function PCI, if any
fwctl_of() {
	for f in /sys/class/fwctl/fwctl*; do
		[ "$(basename "$(readlink -f "$f/device")")" = "$1" ] &&
			echo "/dev/fwctl/${f##*/}"
	done
}

# The firmware statistics window (docs/prm-coverage.md): a read-only page
# of a cxsim function's BAR0 showing what its firmware holds, readable at
# any time, with any driver or none.  FW_WINDOW and FW_REGS (name:offset)
# are the firmware's table (meson test check-guest-window).
FW_WINDOW=0x3000
FW_REGS="
magic:0x00
live_uctxs:0x04
live_eqs:0x08
live_uars:0x0c
live_umems:0x10
live_pds:0x14
live_mkeys:0x18
pages_owned:0x1c
hca_state:0x20
commands:0x24
command_errors:0x28
unsupported:0x2c
"
FW_MAGIC=$((0x63787301))

# fw_stats PCI NAME...: the named registers of function PCI's window
# (e.g. fw_stats 0000:00:03.0 live_eqs pages_owned), in decimal on one
# line; bar-read maps BAR0 through /sys/bus/pci/devices/PCI/resource0.
fw_stats() {
	local pci=$1 name reg off offs=""
	shift
	for name in "$@"; do
		off=""
		for reg in $FW_REGS; do
			[ "${reg%:*}" = "$name" ] && off=${reg#*:}
		done
		if [ -z "$off" ]; then
			echo "fw_stats: no window register $name" >&2
			return 2
		fi
		offs="$offs $((FW_WINDOW + off))"
	done
	bar-read "$pci" 0 $offs
}

fw_stat() { # PCI NAME
	fw_stats "$1" "$2"
}

# fw_expect PCI NAME=VALUE...: true when each named register of PCI's
# window holds its value; otherwise FW_DIFF lists "NAME=GOT (want VALUE)".
fw_expect() {
	local pci=$1 pairs names="" pair vals
	shift
	pairs="$*"
	for pair in $pairs; do
		names="$names ${pair%%=*}"
	done
	FW_DIFF=""
	vals=$(fw_stats "$pci" $names) || {
		FW_DIFF="window of $pci unreadable"
		return 1
	}
	set -- $vals
	for pair in $pairs; do
		[ "$1" = "${pair#*=}" ] ||
			FW_DIFF="$FW_DIFF ${pair%%=*}=$1 (want ${pair#*=})"
		shift
	done
	[ -z "$FW_DIFF" ]
}

# fw_idle PCI: PCI's firmware holds nothing: HCA disabled, no user
# context, EQ, UAR, umem, PD, memory key or page (FW_DIFF says otherwise).
fw_idle() {
	fw_expect "$1" magic=$FW_MAGIC hca_state=0 live_uctxs=0 live_eqs=0 \
		live_uars=0 live_umems=0 live_pds=0 live_mkeys=0 pages_owned=0
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
