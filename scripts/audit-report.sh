#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The guest audit's reports on the host: the audit suite
# (linux-driver/tests/audit.sh) prints each audit's matrix into its TAP
# stream as "# audit: NAME: " lines; this writes them to
# build/guest-audit/NAME.txt and renders each as build/guest-audit/NAME.html
# with the same code the guest used (cxctl audit --render, the static guest
# binary, which runs on the host too).
#
#   audit-report.sh [TAP]    TAP: a file, or - for stdin
#                            (default build/test-logs/guest-audit.tap,
#                            which `make check` writes)
#
# Prints one line per audit: its files and its summary.  Exit status 1 when
# an audit has divergences or the TAP holds no audit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TAP=${1:-$CXSIM_ROOT/build/test-logs/guest-audit.tap}
OUT="$CXSIM_ROOT/build/guest-audit"
CXCTL="$CXSIM_ROOT/build/guest/bin/cxctl"

[ "$TAP" = - ] || [ -r "$TAP" ] ||
	die "no $TAP: run bash scripts/run-guest.sh -c idle audit > FILE first"
[ -x "$CXCTL" ] || bash "$CXSIM_ROOT/scripts/guest-tools.sh" ||
	die "cannot build $CXCTL"
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one file per audit name, in the order the suite ran them
cat "$TAP" | tr -d '\r' | sed -n 's/^# audit: \([a-z0-9-]*\): \{0,1\}/\1 /p' | awk -v dir="$tmp" '
	{ name = $1; sub(/^[^ ]* /, ""); if (!(name in seen)) { seen[name] = 1; print name > (dir "/names") }
	  print > (dir "/" name ".txt") }'
[ -s "$tmp/names" ] || die "no audit matrix in $TAP"

rc=0
while read -r name; do
	txt="$OUT/$name.txt"
	html="$OUT/$name.html"
	mv "$tmp/$name.txt" "$txt"
	"$CXCTL" audit --render "$txt" > "$html.tmp" || die "rendering $txt failed"
	mv "$html.tmp" "$html"
	summary=$(tail -n 1 "$txt")
	echo "$name: $txt $html: $summary"
	case "$summary" in *" cells, 0 divergences"*) ;; *) rc=1 ;; esac
done < "$tmp/names"
exit $rc
