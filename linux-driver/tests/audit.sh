# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The guest audit (docs/security-model.md, "The guest audit"): `cxctl audit`
# sends every policy row through every node, scope and caller and compares
# each answer with the firmware's policy.  Four audits in one boot:
#
#   root     cxcore + cxctl, as root
#   norawio  the same without CAP_SYS_RAWIO and CAP_NET_RAW (--drop-caps)
#   (then the attack tests, attack-test.c, on cxcore + cxctl)
#   bypass   cxctl reloaded with fwctl_policy_check=0: no kernel allow-list,
#            the firmware alone refuses by the contexts' scope labels; and
#            an audit expecting the allow-list must find the divergences
#   stock    cxcore unbound, the stock mlx5_core + mlx5_fwctl instead
#
# Each audit's summary and divergences are results; its whole matrix goes
# into the TAP stream as "# audit: NAME: " comments, which
# scripts/audit-report.sh turns into build/guest-audit/NAME.txt and
# NAME.html on the host.  The fwctl core taints once for the whole boot.
. /tests/tap.sh

# The fwctl core's one-time taint warning, the bypass's own, out-of-tree
# modules, and the stock driver's vendor-specific-ID notice
TAINT_MSG='has requested full access to the physical device'
BYPASS_MSG='fwctl_policy_check=0: no fwctl allow-list'
EXPECTED="$TAINT_MSG|$BYPASS_MSG|(cxcore|cxctl): loading out-of-tree module taints kernel|Failed to get valid vendor specific ID"
TAINT_USER=6		# 'U': cxctl's bypass (fwctl_policy_check=0)
TAINT_FWCTL=19		# 'J': a write-scope fwctl RPC
PARAM=/sys/module/cxctl/parameters/fwctl_policy_check

# the kernel log since the last call, also kept in $KLOG for the whole boot
KLOG=/tmp/audit-kernel.log
klog() {
	new_kernel_log | tee -a $KLOG
}

tainted() { # BIT: 1 when the kernel has taint flag BIT
	echo $(( ($(cat /proc/sys/kernel/tainted) >> $1) & 1 ))
}

# audit NAME [cxctl audit options]: one audit, its results and matrix
audit() {
	name=$1
	shift
	dir=/tmp/audit-$name
	cxctl audit --out "$dir" --html "$@" > "$dir.out" 2> "$dir.err"
	rc=$?
	summary=$(tail -n 1 "$dir.out")
	case "$summary" in
	*" cells, 0 divergences"*)
		[ "$rc" = 0 ] && ok "audit $name: $summary" ||
			fail "audit $name: exit $rc: $summary" ;;
	*" cells, "*)
		fail "audit $name: $summary"
		sed -n 's/^cell /#   /p' "$dir.out" ;;
	*)
		fail "audit $name did not run (exit $rc)"
		sed 's/^/#   /' "$dir.err" ;;
	esac
	[ -s "$dir/audit.txt" ] && [ -s "$dir/audit.html" ] &&
		ok "audit $name wrote $dir/audit.txt and audit.html" ||
		fail "audit $name wrote no matrix"
	sed "s/^/# audit: $name: /" "$dir/audit.txt" 2>/dev/null
}

# the number of cells of column $2 and class $3 in audit $1's matrix
cells() {
	grep -c "^cell [^ ]* $2 $3 " "/tmp/audit-$1/audit.txt"
}

klog > /dev/null
[ "$(tainted $TAINT_USER)" = 0 ] && ok "no TAINT_USER before the bypass" ||
	fail "TAINT_USER set before the bypass"
load_cxctl
check "cxctl's allow-list is on by default" grep -qx Y "$PARAM"
no_bad_messages "$(klog)" "loading cxcore and cxctl"

audit root
# the callers differ where the policy says so
R=/tmp/audit-root/audit.txt
n=$(cells root m0.full allowed)
m=$(grep -c '^cell [^ ]* m0.user refused \(TOOLS\|REG-DENY\) ' $R)
[ "$n" -gt 0 ] && [ "$m" -gt 0 ] &&
	ok "root: $n commands past the policy for the root file, $m refused to a context without TOOLS_RESOURCES" ||
	fail "root: $n commands past the policy for the root file, $m tools refusals"
n=$(grep -c '^cell [^ ]* m0.noadmin ' $R)
m=$(grep -c '^cell [^ ]* m0.noadmin refused EPERM ' $R)
[ "$n" -gt 0 ] && [ "$n" = "$m" ] &&
	ok "root: all $n ioctls without CAP_SYS_ADMIN refused with EPERM" ||
	fail "root: $m of $n ioctls without CAP_SYS_ADMIN refused with EPERM"
[ "$(tainted $TAINT_FWCTL)" = 1 ] && ok "TAINT_FWCTL after the write scopes" ||
	fail "no TAINT_FWCTL after the write scopes"

audit norawio --drop-caps net_raw,sys_rawio
grep -q '^column m0.full .*context caps 0x4,' /tmp/audit-norawio/audit.txt &&
	ok "norawio: the opener's context has TOOLS_RESOURCES only (0x4)" ||
	fail "norawio: m0.full's context caps are not 0x4"
n=$(cells norawio f0.full refused)
m=$(grep -c '^cell [^ ]* f0.full refused EPERM ' /tmp/audit-norawio/audit.txt)
[ "$n" = "$m" ] && [ "$n" -gt 100 ] &&
	ok "norawio: DEBUG_WRITE_FULL refused with EPERM ($n cells)" ||
	fail "norawio: DEBUG_WRITE_FULL: $m EPERM of $n refusals"

run_tap_program attack-test /bin/attack-test
no_bad_messages "$(klog)" "the root and norawio audits and attack-test"

# the bypass: cxctl's allow-list off, the firmware alone
check "rmmod cxctl" rmmod cxctl
check "modprobe cxctl fwctl_policy_check=0" modprobe cxctl fwctl_policy_check=0
check "the allow-list is off" grep -qx N "$PARAM"
log=$(klog)
n=$(echo "$log" | grep -c "$BYPASS_MSG")
[ "$n" = 1 ] && ok "one warning for the bypass" ||
	fail "$n warnings for the bypass (expected 1)"
[ "$(tainted $TAINT_USER)" = 1 ] && ok "the bypass taints the kernel (TAINT_USER)" ||
	fail "the bypass did not taint the kernel"
no_bad_messages "$log" "reloading cxctl without the allow-list"
audit bypass
# what cxctl refused in the root audit, the firmware refuses on its own
set -- $(awk 'FNR == NR { if ($1 == "cell" && $5 == "EBADMSG") k[$2 " " $3] = 1; next }
	$1 == "cell" && ($2 " " $3) in k { n++; c[$4]++; s[$5]++ }
	END { print n + 0, c["allowed"] + c["divergence"] + 0, s["SCOPE"] + 0,
		s["KERNEL"] + 0, s["n/i"] + 0 }' \
	/tmp/audit-root/audit.txt /tmp/audit-bypass/audit.txt)
[ "$1" -gt 100 ] && [ "$2" = 0 ] &&
	ok "bypass: the $1 cells cxctl refused with EBADMSG reach the firmware, which refuses them all ($3 SCOPE_DENIED, $4 KERNEL_UID_REQUIRED, $5 not implemented)" ||
	fail "bypass: of the $1 cells cxctl refused, $2 were let through by the firmware"
n=$(grep -c '^cell [^ ]* f0\.[a-z]* [a-z]* EBADMSG ' /tmp/audit-bypass/audit.txt)
[ "$n" = 0 ] && ok "bypass: no EBADMSG from cxctl" ||
	fail "bypass: $n EBADMSG from cxctl"
# the audit catches a missing layer: expecting the allow-list that is off
cxctl audit --allow-list on > /tmp/audit-wrong.out 2>&1
rc=$?
n=$(grep -c '^cell [^ ]* f0\.[a-z]* divergence [^ ]* | expected: EBADMSG' /tmp/audit-wrong.out)
m=$(grep -c '^cell .* divergence ' /tmp/audit-wrong.out)
[ "$rc" = 1 ] && [ "$n" -gt 100 ] && [ "$n" = "$m" ] &&
	ok "expecting the allow-list that is off: exit 1, $n divergences, each an EBADMSG the firmware's refusal replaced" ||
	fail "expecting the allow-list that is off: exit $rc, $n of $m divergences where EBADMSG was expected"
tail -n 1 /tmp/audit-wrong.out | sed 's/^/# the audit expecting the allow-list: /'
check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"

# the stock drivers on the same function
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15b3 ] && echo > "$d/driver_override"
done
check "modprobe mlx5_core and mlx5_fwctl" sh -c "modprobe mlx5_core && modprobe mlx5_fwctl"
check "the stock fwctl node" test -c /dev/fwctl/fwctl0
audit stock
grep -q '^node f0 .*the stock mlx5_fwctl.*one unlabelled context' /tmp/audit-stock/audit.txt &&
	ok "stock: one unlabelled tools context behind the node" ||
	fail "stock: not audited as the stock mlx5_fwctl"
check "rmmod mlx5_fwctl and mlx5_core" sh -c "rmmod mlx5_fwctl && rmmod mlx5_core"

log=$(klog)
no_bad_messages "$log" "the bypass and stock audits"
# the fwctl core warns and taints at the boot's first write-scope RPC only
n=$(grep -c "$TAINT_MSG" $KLOG)
[ "$n" = 1 ] && ok "one fwctl taint warning in the boot, for four audits" ||
	fail "$n fwctl taint warnings in the boot (expected 1)"
tap_done
