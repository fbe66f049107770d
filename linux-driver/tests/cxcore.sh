# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# cxcore on every cxsim device: probe without kernel messages beyond its
# one info line, the auxiliary device, commands in event and polling mode
# (alone, concurrent, with mailboxes), firmware pages returned, health
# polling quiet, 20 reloads with no leak (the firmware statistics window
# after each load and unload), unbind/bind, remove/rescan and, with two
# functions, cxcore next to the stock mlx5_core.
. /tests/tap.sh

DBG=/sys/kernel/debug/cxcore

# Any cxcore message but its probe banner (and the out-of-tree taint
# notice), and any kernel warning.
bad_messages() {
	grep -E 'cxcore|BUG|WARNING|Call Trace|Oops|DMA-API|lockdep' |
		grep -vE 'cxcore [0-9a-f:.]+: firmware [0-9]+\.[0-9]+\.[0-9]+, ISSI' |
		grep -v 'cxcore: loading out-of-tree module taints kernel'
}

expect_quiet() {
	bad=$(new_kernel_log | bad_messages)
	if [ -z "$bad" ]; then
		ok "$1 left no unexpected kernel messages"
	else
		fail "$1 left unexpected kernel messages"
		echo "$bad" | sed 's/^/#   /'
	fi
}

devices() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x15b3 ] && basename "$d"
	done
}

stat_of() { # DEVICE FIELD
	sed -n "s/^$2: //p" "$DBG/$1/stats"
}

aux_count() {
	ls /sys/bus/auxiliary/devices 2>/dev/null | grep -c '^cxcore\.ctl\.'
}

all_bound() {
	for d in $DEVS; do
		[ -e "/sys/bus/pci/drivers/cxcore/$d" ] || return 1
	done
}

# DEVICE's firmware holds what cxcore holds and nothing else (statistics
# window): the HCA initialized, its command EQ, its UAR, the pages it gave.
holds_cxcore() {
	fw_expect "$1" magic=$FW_MAGIC hca_state=2 live_uctxs=0 live_eqs=1 \
		live_uars=1 live_umems=0 live_pds=0 live_mkeys=0 \
		pages_owned="$(stat_of "$1" fw_pages)"
}

# check_windows DESC CHECK: CHECK (holds_cxcore, fw_idle) on every device.
check_windows() {
	why=""
	for d in $DEVS; do
		$2 "$d" || why="$why $d:$FW_DIFF"
	done
	[ -z "$why" ] && ok "$1" || fail "$1:$why"
}

DEVS=$(devices)
NDEV=$(echo "$DEVS" | grep -c .)
[ "$NDEV" -gt 0 ] && ok "$NDEV cxsim device(s): $(echo $DEVS)" ||
	fail "no cxsim device on the PCI bus"
magics=$(for d in $DEVS; do fw_stat "$d" magic; done | sort -u)
[ "$magics" = "$FW_MAGIC" ] && ok "every function has the statistics window" ||
	fail "statistics window magic: $(echo $magics) (want $FW_MAGIC)"
new_kernel_log > /dev/null

# Bind through driver_override, as a guest that also has mlx5_core would.
for d in $DEVS; do
	echo cxcore > "/sys/bus/pci/devices/$d/driver_override"
done
check "modprobe cxcore" modprobe cxcore
check "cxcore bound to every device" all_bound
expect_quiet "probe"
[ "$(aux_count)" = "$NDEV" ] && ok "one cxcore.ctl auxiliary device per function" ||
	fail "$(aux_count) cxcore.ctl auxiliary devices for $NDEV functions"
for a in /sys/bus/auxiliary/devices/cxcore.ctl.*; do
	parent=$(basename "$(readlink -f "$a/..")")
	echo "$DEVS" | grep -qx "$parent" && ok "${a##*/} is a child of $parent" ||
		fail "${a##*/} has parent $parent"
done

D=$(echo "$DEVS" | head -n1)
[ "$(stat_of "$D" mode)" = events ] && ok "event mode by default" ||
	fail "mode is $(stat_of "$D" mode)"
pages=$(stat_of "$D" fw_pages)
ok "firmware holds $pages pages after probe"
check_windows "every firmware holds cxcore's EQ, UAR and pages, nothing else" \
	holds_cxcore
fw_idle "$D" && fail "fw_idle passes with cxcore bound to $D" ||
	ok "fw_idle sees what cxcore holds:$FW_DIFF"

ev0=$(stat_of "$D" completed_by_event)
po0=$(stat_of "$D" completed_by_polling)
check "1000 NOPs in event mode" sh -c "echo 1000 > $DBG/$D/nop"
ev1=$(stat_of "$D" completed_by_event)
po1=$(stat_of "$D" completed_by_polling)
[ $((ev1 - ev0)) -ge 1000 ] && [ "$po1" = "$po0" ] &&
	ok "completed by events ($((ev1 - ev0)) events, 0 polled)" ||
	fail "event mode: $((ev1 - ev0)) by event, $((po1 - po0)) polled"
check "100 NOPs with 4 KiB mailbox chains" sh -c "echo '100 4112' > $DBG/$D/nop"
check "20 NOPs with 64 KiB mailbox chains" sh -c "echo '20 65552' > $DBG/$D/nop"

# Concurrent callers share the 31 regular slots.
i=0
pids=""
while [ $i -lt 40 ]; do
	sh -c "echo '50 $((16 + (i % 4) * 600))' > $DBG/$D/nop" &
	pids="$pids $!"
	i=$((i + 1))
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed = 0 ] && ok "40 concurrent writers x 50 NOPs" ||
	fail "$failed of 40 concurrent writers failed"
[ "$(stat_of "$D" busy_slots)" = 0x0 ] && ok "all slots free afterwards" ||
	fail "busy slots $(stat_of "$D" busy_slots)"
[ "$(stat_of "$D" timeouts)" = 0 ] && ok "no command timeouts" ||
	fail "$(stat_of "$D" timeouts) command timeouts"
[ "$(stat_of "$D" delivery_errors)" = 0 ] && ok "no delivery errors" ||
	fail "$(stat_of "$D" delivery_errors) delivery errors"
expect_quiet "event-mode commands"

# Health polling runs every 2 s; a stuck counter would warn after 3 polls.
hc0=$(stat_of "$D" health_counter)
sleep 8
hc1=$(stat_of "$D" health_counter)
[ "$hc1" != "$hc0" ] && ok "health counter moves ($hc0 -> $hc1)" ||
	fail "health counter stuck at $hc0"
expect_quiet "8 s of health polling"

check "rmmod cxcore" rmmod cxcore
[ "$(aux_count)" = 0 ] && ok "auxiliary devices gone" ||
	fail "$(aux_count) auxiliary devices left"
check_windows "every firmware holds nothing after rmmod" fw_idle
expect_quiet "rmmod"

check "modprobe cxcore poll_mode=1" modprobe cxcore poll_mode=1
check "bound in polling mode" all_bound
[ "$(stat_of "$D" mode)" = polling ] && ok "polling mode" ||
	fail "mode is $(stat_of "$D" mode)"
check "500 NOPs in polling mode" sh -c "echo 500 > $DBG/$D/nop"
i=0
pids=""
while [ $i -lt 16 ]; do
	sh -c "echo '50 1040' > $DBG/$D/nop" &
	pids="$pids $!"
	i=$((i + 1))
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed = 0 ] && ok "16 concurrent polling writers x 50 NOPs" ||
	fail "$failed of 16 concurrent polling writers failed"
[ "$(stat_of "$D" completed_by_event)" = 0 ] &&
	[ "$(stat_of "$D" completed_by_polling)" -ge 1300 ] &&
	ok "completed by polling ($(stat_of "$D" completed_by_polling))" ||
	fail "poll mode: $(stat_of "$D" completed_by_event) by event"
expect_quiet "polling mode"
check "rmmod cxcore (polling)" rmmod cxcore

# Bring-up and 20 load/unload cycles with no leak: after each load every
# function's firmware holds just what cxcore holds, after each unload
# nothing at all, as the statistics window shows it to the guest.
CYCLES=20
i=0
reload_ok=1 loaded_why="" idle_why=""
while [ $i -lt $CYCLES ]; do
	modprobe cxcore && all_bound && [ "$(aux_count)" = "$NDEV" ] || {
		reload_ok=0
		break
	}
	for d in $DEVS; do
		holds_cxcore "$d" ||
			loaded_why=${loaded_why:-"cycle $((i + 1)) $d:$FW_DIFF"}
	done
	rmmod cxcore || {
		reload_ok=0
		break
	}
	for d in $DEVS; do
		fw_idle "$d" || idle_why=${idle_why:-"cycle $((i + 1)) $d:$FW_DIFF"}
	done
	i=$((i + 1))
done
[ $reload_ok = 1 ] && ok "$CYCLES modprobe/rmmod cycles" ||
	fail "reload cycle $((i + 1)) failed"
[ $reload_ok = 1 ] && [ -z "$loaded_why" ] &&
	ok "after each load every firmware holds cxcore's EQ, UAR and pages only" ||
	fail "firmware after a load: ${loaded_why:-cycles not completed}"
[ $reload_ok = 1 ] && [ -z "$idle_why" ] &&
	ok "after each rmmod every firmware holds no object and no page" ||
	fail "firmware after an rmmod: ${idle_why:-cycles not completed}"
expect_quiet "reloads"

check "modprobe cxcore again" modprobe cxcore
check "unbind $D through sysfs" sh -c "echo $D > /sys/bus/pci/drivers/cxcore/unbind"
check "$D unbound" test ! -e "/sys/bus/pci/drivers/cxcore/$D"
[ "$(aux_count)" = $((NDEV - 1)) ] && ok "its auxiliary device is gone" ||
	fail "$(aux_count) auxiliary devices after unbind"
check "bind $D through sysfs" sh -c "echo $D > /sys/bus/pci/drivers/cxcore/bind"
check "$D bound again" test -e "/sys/bus/pci/drivers/cxcore/$D"
[ "$(aux_count)" = "$NDEV" ] && ok "auxiliary device back" ||
	fail "$(aux_count) auxiliary devices after bind"
check "NOPs after rebind" sh -c "echo 100 > $DBG/$D/nop"
expect_quiet "unbind/bind"

# Removal of the function (the driver's remove on hot unplug), then rescan.
check "remove $D" sh -c "echo 1 > /sys/bus/pci/devices/$D/remove"
check "$D gone" test ! -e "/sys/bus/pci/devices/$D"
[ "$(aux_count)" = $((NDEV - 1)) ] && ok "auxiliary device removed with it" ||
	fail "$(aux_count) auxiliary devices after remove"
check "rescan" sh -c "echo 1 > /sys/bus/pci/rescan"
check "$D back and bound" test -e "/sys/bus/pci/drivers/cxcore/$D"
check "NOPs after rescan" sh -c "echo 100 > $DBG/$D/nop"
expect_quiet "remove/rescan"

check "final rmmod cxcore" rmmod cxcore
check_windows "every firmware holds nothing after the final rmmod" fw_idle
expect_quiet "final rmmod"

# With two functions: cxcore and the stock mlx5_core side by side.
D2=$(echo "$DEVS" | sed -n 2p)
if [ -n "$D2" ] && modinfo mlx5_core > /dev/null 2>&1; then
	# (the rescan above created $D anew, without an override)
	echo cxcore > "/sys/bus/pci/devices/$D/driver_override"
	echo mlx5_core > "/sys/bus/pci/devices/$D2/driver_override"
	check "modprobe mlx5_core and cxcore" sh -c "modprobe mlx5_core && modprobe cxcore"
	check "$D bound to cxcore" test -e "/sys/bus/pci/drivers/cxcore/$D"
	check "$D2 bound to mlx5_core" test -e "/sys/bus/pci/drivers/mlx5_core/$D2"
	check "NOPs through cxcore next to mlx5_core" sh -c "echo 200 > $DBG/$D/nop"
	check "rmmod cxcore and mlx5_core" sh -c "rmmod cxcore && rmmod mlx5_core"
	check_windows "both firmwares hold nothing after cxcore and mlx5_core" fw_idle
	bad=$(new_kernel_log | grep -E 'cxcore|BUG|WARNING|Call Trace|Oops' |
		grep -vE 'cxcore [0-9a-f:.]+: firmware [0-9]+\.[0-9]+\.[0-9]+, ISSI')
	[ -z "$bad" ] && ok "side by side: no cxcore message, no kernel warning" || {
		fail "side by side left unexpected kernel messages"
		echo "$bad" | sed 's/^/#   /'
	}
	echo cxcore > "/sys/bus/pci/devices/$D2/driver_override"
fi
tap_done
