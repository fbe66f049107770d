# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# A running guest with both kinds of drivers carries on across a live
# migration (docs/migration.md; run-guest.sh -n 2 -M -c idle migration).
# The first cxsim function is bound to cxcore + cxctl, the second to the
# stock mlx5_core + mlx5_fwctl.  migrate-hold holds an mlx5ctl file with
# a pinned 2 MiB umem, a key over it and a resource dump half read; NOPs
# through cxcore and fwctl RPCs through mlx5_fwctl keep both command
# queues busy; the suite prints "# cxsim-migrate", the runner migrates the
# guest to a second QEMU and says "migrated" on /dev/ttyS2.  After it:
# migrate-hold's file carries on (the same context, the dump continues, a
# core dump through the same key describes the same state), the traffic
# never failed, cxcore's next commands complete by event, a new mlx5ctl
# file works, fwctl-test passes against mlx5_fwctl, and every driver
# unloads (mlx5_core's teardown through the migrated command queue).
. /tests/tap.sh
. /tests/cx.sh

# the vendor-specific-ID notice, fwctl's one-time taint warning and the
# out-of-tree module notice (two-drivers.sh)
EXPECTED='Failed to get valid vendor specific ID|has requested full access to the physical device|loading out-of-tree module taints kernel'
DBG=/sys/kernel/debug/cxcore
CTL=/dev/ttyS2			# the runner's word comes here
WORD=/tmp/migrated		# and is written here (migrate-hold waits for it)
READY=/tmp/hold-ready
STOP=/tmp/traffic-stop
WAIT_S=300
NOP_CMD=080d0000000000000000000000000000

set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15b3 ] && basename "$d"; done)
D1=$1 D2=${2:-}
[ -n "$D2" ] && ok "two cxsim functions: $D1 $D2" || fail "needs two cxsim devices"
new_kernel_log > /dev/null
rm -f "$WORD" "$WORD.tmp" "$READY" "$STOP"

# one of cxcore's debugfs statistics of $D1
cx_stat() {
	sed -n "s/^$1: //p" "$DBG/$D1/stats"
}

echo cxcore > "/sys/bus/pci/devices/$D1/driver_override"
echo mlx5_core > "/sys/bus/pci/devices/$D2/driver_override"
check "modprobe cxcore and cxctl" sh -c "modprobe cxcore && modprobe cxctl"
check "modprobe mlx5_core and mlx5_fwctl" sh -c "modprobe mlx5_core && modprobe mlx5_fwctl"
check "$D1 bound to cxcore" test -e "/sys/bus/pci/drivers/cxcore/$D1"
check "$D2 bound to mlx5_core" test -e "/sys/bus/pci/drivers/mlx5_core/$D2"
N=$(ls /dev/mlx5ctl-cxcore.ctl.* 2>/dev/null | head -n 1)
F2=$(fwctl_of "$D2")
[ -c "$N" ] && ok "cxctl's mlx5ctl node $N" || fail "no mlx5ctl node"
[ -n "$F2" ] && [ -c "$F2" ] && ok "mlx5_fwctl's node $F2 on $D2" ||
	fail "no fwctl node on $D2"
cx -d "$N" --json info
[ "$RC" = 0 ] && [ "$(jv uctx_uid)" -gt 0 ] &&
	ok "cxctl info on $N: uid $(jv uctx_uid)" || { fail "cxctl info on $N"; show; }
cx -d "$F2" --json info
[ "$RC" = 0 ] && [ "$(jv uctx_uid)" -gt 0 ] &&
	ok "cxctl info on $F2 (mlx5_fwctl): uid $(jv uctx_uid)" ||
	{ fail "cxctl info on $F2"; show; }
check "100 NOPs through cxcore" sh -c "echo 100 > $DBG/$D1/nop"

# the file held across the migration
/bin/migrate-hold "$N" "$READY" "$WORD" > /tmp/migrate-hold.out 2>&1 &
hold_pid=$!
i=0
while [ ! -e "$READY" ] && kill -0 $hold_pid 2>/dev/null && [ $i -lt 120 ]; do
	sleep 1
	i=$((i + 1))
done
[ -e "$READY" ] && ok "migrate-hold holds $N: a umem, a key, a dump half read" ||
	fail "migrate-hold did not get ready"

# traffic on both functions until $STOP: NOPs through cxcore (inline and
# with mailboxes, two writers), RPCs through mlx5_fwctl (each cxctl run a
# new file: CREATE_UCTX, the RPC, DESTROY_UCTX through mlx5_core's queue)
nop_traffic() { # NAME LENGTH
	n=0
	while [ ! -e "$STOP" ]; do
		if ! echo "10 $2" > "$DBG/$D1/nop" 2> "/tmp/$1.err"; then
			echo "failed after $n rounds: $(cat "/tmp/$1.err")" > "/tmp/$1.result"
			return 1
		fi
		n=$((n + 1))
	done
	echo "$n rounds of 10" > "/tmp/$1.result"
}
fwctl_traffic() {
	n=0
	while [ ! -e "$STOP" ]; do
		case $((n % 3)) in
		0) set -- rpc $NOP_CMD --outlen 16 ;;
		1) set -- cap ;;
		*) set -- rscdump menu ;;
		esac
		if ! "$CX" -d "$F2" "$@" > /tmp/fwctl-traffic.out 2>&1; then
			echo "failed after $n runs: cxctl $*: $(tail -n 2 /tmp/fwctl-traffic.out)" \
				> /tmp/fwctl-traffic.result
			return 1
		fi
		n=$((n + 1))
	done
	echo "$n cxctl runs" > /tmp/fwctl-traffic.result
}
nop_traffic nop-inline 16 &
nop1_pid=$!
nop_traffic nop-mailbox 1040 &
nop2_pid=$!
fwctl_traffic &
fwctl_pid=$!

# the runner's word: read from the third serial port, opened (raw, no
# echo) before the request
(
	stty raw -echo 2>/dev/null
	read -r word
	echo "$word" > "$WORD.tmp"
	mv "$WORD.tmp" "$WORD"
) < "$CTL" &
reader_pid=$!
sleep 2
kill -0 $reader_pid 2>/dev/null && ok "listening on $CTL" ||
	fail "cannot read $CTL"
no_bad_messages "$(new_kernel_log)" "loading and the set-up"
hc0=$(cx_stat health_counter)
ev0=$(cx_stat completed_by_event)

t0=$(date +%s)
echo "# cxsim-migrate"
i=0
while [ ! -e "$WORD" ] && [ $i -lt $WAIT_S ]; do
	sleep 1
	i=$((i + 1))
done
t1=$(date +%s)
word=$(cat "$WORD" 2>/dev/null)
[ "$word" = migrated ] && ok "the runner says: migrated ($((t1 - t0)) s)" ||
	fail "the runner says: '${word:-nothing in ${WAIT_S}s}'"
[ -e "$WORD" ] || echo timeout > "$WORD"	# migrate-hold stops waiting
kill $reader_pid 2>/dev/null

# the traffic carries on for a while on the destination, then stops
sleep 3
touch "$STOP"
for t in nop-inline:$nop1_pid nop-mailbox:$nop2_pid fwctl-traffic:$fwctl_pid; do
	if wait "${t#*:}"; then
		ok "${t%:*} across the migration: $(cat "/tmp/${t%:*}.result")"
	else
		fail "${t%:*}: $(cat "/tmp/${t%:*}.result" 2>/dev/null)"
	fi
done

wait $hold_pid
tap_program_results migrate-hold $?

# cxcore: the same queue and EQ, by event, nothing lost
hc1=$(cx_stat health_counter)
ev1=$(cx_stat completed_by_event)
check "200 NOPs through cxcore after the migration" sh -c "echo 200 > $DBG/$D1/nop"
ev2=$(cx_stat completed_by_event)
[ "$(cx_stat mode)" = events ] && [ "$(cx_stat timeouts)" = 0 ] &&
	[ "$(cx_stat late_completions)" = 0 ] &&
	[ "$(cx_stat delivery_errors)" = 0 ] &&
	[ $((ev2 - ev1)) -ge 200 ] && [ "$ev1" -gt "$ev0" ] &&
	ok "cxcore: event mode, no time-out, late completion or delivery error; $((ev2 - ev1)) completions by event after it" || {
	fail "cxcore's command statistics after the migration"
	sed 's/^/#   /' "$DBG/$D1/stats"
}
[ "$hc1" -ge "$hc0" ] && ok "the health counter carried on: $hc0 before, $hc1 after" ||
	fail "the health counter restarted: $hc0 before, $hc1 after"
cx -d "$N" --json info
[ "$RC" = 0 ] && [ "$(jv uctx_uid)" -gt 0 ] &&
	ok "a new mlx5ctl file after the migration: cxctl info, uid $(jv uctx_uid)" ||
	{ fail "cxctl info after the migration"; show; }

# the stock driver
check "$D2 still bound to mlx5_core" test -e "/sys/bus/pci/drivers/mlx5_core/$D2"
run_tap_program fwctl-test /bin/fwctl-test "$F2"

check "rmmod mlx5_fwctl" rmmod mlx5_fwctl
check "rmmod mlx5_core (its teardown through the migrated queue)" rmmod mlx5_core
check "rmmod cxctl" rmmod cxctl
check "rmmod cxcore" rmmod cxcore
for d in $D1 $D2; do
	fw_idle "$d" && ok "$d: the firmware holds nothing (its window)" ||
		fail "$d: the firmware still holds:$FW_DIFF"
done
no_bad_messages "$(new_kernel_log)" "the migration and the unloading"
tap_done
