#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the cxsim test guest.  Runs the suites named by cxsim.suite= on
# the kernel command line (comma separated) from /tests, writes their TAP to
# the second serial port (the host runner reads it there, apart from the
# console) and powers the guest off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts

suites=$(sed -n 's/.*cxsim\.suite=\([^ ]*\).*/\1/p' /proc/cmdline)
out=/dev/ttyS1
[ -c "$out" ] || out=/dev/console

rc=0
for suite in $(echo "$suites" | tr ',' ' '); do
	echo "# suite $suite" > "$out"
	if [ -f "/tests/$suite.sh" ]; then
		sh "/tests/$suite.sh" > "$out" 2>&1 || rc=1
	else
		echo "not ok 1 - no suite $suite in the guest" > "$out"
		rc=1
	fi
done
echo "# cxsim-guest-exit $rc" > "$out"
sync
poweroff -f
