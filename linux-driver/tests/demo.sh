# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# `make demo` in the guest: the mlx5ctl series' example session with the
# cxctl tool on cxcore + cxctl.  Every command and its output go out as TAP
# comments ("# $ cxctl ..."), which scripts/demo.sh shows; each command's
# success is a result.
. /tests/tap.sh

show() {
	echo "# \$ $*"
	if "$@" > /tmp/demo.out 2>&1; then
		ok "$*"
	else
		fail "$* (exit $?)"
	fi
	sed 's/^/# /' /tmp/demo.out
}

load_cxctl
show cxctl list
show cxctl info
show cxctl cap
show cxctl reg read HOST_ENDIANNESS
show cxctl umem reg 2097152
show cxctl --json info
check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
tap_done
