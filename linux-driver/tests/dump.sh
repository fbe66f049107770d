# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The dumps on cxcore + cxctl: cxctl's coredump (umem and --inline: 2 MiB,
# CRC-32 verified, the same filler either way), rscdump (the menu, a
# segment through an mkey over a umem showing the tool's own umem, usage
# errors), diagcnt (cap, set, dump), the fwctl node (inline dumps work,
# coredump says it needs mlx5ctl); then dump-test (the registers through
# raw RPCs: twice the same image, inline == umem, refusals writing
# nothing, another file's key, UMEM_UNREG EBUSY, the object segments,
# COMMANDS counting NOPs, no TOOLS_RESOURCES, unbind in the middle of a
# continuation).
. /tests/tap.sh
. /tests/cx.sh
SHOW_LINES=16

# expect DESC EXIT [SHELL-TEST]: the last cx's exit status, and a test
expect() {
	desc=$1 want=$2
	shift 2
	if [ "$RC" = "$want" ] && { [ $# = 0 ] || eval "$1"; }; then
		ok "$desc"
	else
		fail "$desc"
		show
	fi
}

for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15b3 ] && echo cxcore > "$d/driver_override"
done
check "modprobe cxcore" modprobe cxcore
check "modprobe cxctl" modprobe cxctl
N=$(ls /dev/mlx5ctl-cxcore.ctl.* | head -n 1)

# coredump through a umem, then inline
cx -d "$N" --json coredump -o /tmp/a.bin
expect "coredump: one CORE_DUMP into a 2 MiB umem, CRC-32 verified" 0 \
	'[ "$(jv rpcs)" = 1 ] && [ "$(jv crc_ok)" = true ] && [ "$(stat -c %s /tmp/a.bin)" = 2097152 ]'
echo "# coredump umem: $(jv rpcs) RPC, $(jv elapsed_us) us"
cx -d "$N" --json coredump --inline -o /tmp/b.bin
expect "coredump --inline: segment 0x1000 inline, CRC-32 verified" 0 \
	'[ "$(jv rpcs)" -gt 10000 ] && [ "$(jv crc_ok)" = true ] && [ "$(stat -c %s /tmp/b.bin)" = 2097152 ]'
echo "# coredump inline: $(jv rpcs) RPCs, $(jv elapsed_us) us"
# each run is a new file (uid, objects): the state differs, the filler not
check "the two images' filler (past 64 KiB) is the same" \
	cmp /tmp/a.bin /tmp/b.bin 65536 65536
cx -d "$N" coredump --inline -o /tmp/c.bin
expect "coredump human output: the rpc count and the time" 0 \
	'grep -q "^rpcs:" $OUT && grep -q "^elapsed us:" $OUT && grep -q "^crc32 verified: yes" $OUT'
cx -d "$N" coredump
expect "coredump without -o: a usage error" 2
rm -f /tmp/a.bin /tmp/b.bin /tmp/c.bin

# rscdump
cx -d "$N" rscdump menu
expect "rscdump menu: a table with DEVICE and the object tables" 0 \
	'grep -q "^0x1000 *DEVICE" $OUT && grep -q "^0x2002 *UMEM" $OUT'
cx -d "$N" --json rscdump menu
expect "rscdump menu --json: the first record is DEVICE" 0 \
	'[ "$(jv menu.0.segment_name)" = DEVICE ]'
cx -d "$N" --json rscdump UMEM --umem 65536
expect "rscdump UMEM --umem 65536: through the mkey, the tool's own umem" 0 \
	'[ "$(jv mode)" = umem ] && [ "$(jv count)" = 1 ] && [ "$(jv records.0.num_of_mtt)" = 16 ]'
cx -d "$N" rscdump COUNTERS
expect "rscdump COUNTERS: the context's counters by name" 0 \
	'grep -q live_umems $OUT'
cx -d "$N" rscdump UMEM --umem 32
expect "rscdump --umem 32: a usage error (64 bytes at least)" 2
cx -d "$N" rscdump NOSUCH
expect "rscdump NOSUCH: a usage error" 2

# diagnostic counters
cx -d "$N" diagcnt cap
expect "diagcnt cap: the counters by id and name" 0 \
	'grep -q "^0xc001 *COMMANDS" $OUT && grep -q "^log_max_samples: *12" $OUT'
cx -d "$N" diagcnt set COMMANDS,DMA_BYTES --on-demand --samples 2 --clear
expect "diagcnt set COMMANDS,DMA_BYTES --on-demand" 0
cx -d "$N" --json diagcnt dump --samples 1
expect "diagcnt dump: one sample of the two counters" 0 \
	'[ "$(jv samples.0.name)" = COMMANDS ] && [ "$(jv samples.1.name)" = DMA_BYTES ]'
cx -d "$N" diagcnt set 0x1234
expect "diagcnt set of an unknown id: the firmware's refusal, named" 1 \
	'grep -q DIAG_COUNTER_UNKNOWN $ERR'
cx -d "$N" diagcnt set --clear
expect "diagcnt set --clear: stopped and forgotten" 0

# the fwctl node, when the kernel has fwctl
F=$(ls /dev/fwctl/fwctl* 2>/dev/null | head -n 1)
if [ -n "$F" ]; then
	cx -d "$F" rscdump menu
	expect "fwctl: rscdump menu inline" 0 'grep -q DEVICE $OUT'
	cx -d "$F" coredump -o /tmp/f.bin
	expect "fwctl: coredump needs a umem: says to use mlx5ctl" 1 \
		'grep -q mlx5ctl $ERR && [ ! -e /tmp/f.bin ]'
	cx -d "$F" diagcnt set COMMANDS --on-demand
	expect "fwctl: diagcnt set (at scope write)" 0
	cx -d "$F" diagcnt dump --samples 1
	expect "fwctl: diagcnt dump" 0 'grep -q COMMANDS $OUT'
else
	ok "# SKIP no fwctl node"
fi

run_tap_program dump-test /bin/dump-test "$N"
check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
tap_done
