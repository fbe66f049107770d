#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A generated block inside a hand-written page, between the lines
#   <!-- BEGIN cxfw-docgen NAME -->  and  <!-- END cxfw-docgen NAME -->
#
#   docs-block.sh extract PAGE NAME          print the block
#   docs-block.sh replace PAGE NAME < NEW    rewrite the block in PAGE
set -euo pipefail
mode=$1 page=$2 name=$3
begin="<!-- BEGIN cxfw-docgen $name -->"
end="<!-- END cxfw-docgen $name -->"
grep -qxF "$begin" "$page" && grep -qxF "$end" "$page" || {
	echo "docs-block.sh: $page has no '$begin' ... '$end' block" >&2
	exit 1
}
case $mode in
extract)
	awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$page"
	;;
replace)
	tmp=$(mktemp)
	# ENVIRON, not -v: awk would interpret backslashes in the block
	NEW=$(cat) awk -v b="$begin" -v e="$end" '
		$0 == e { on = 0 }
		!on { print }
		$0 == b { on = 1; print ENVIRON["NEW"] }' "$page" > "$tmp"
	mv "$tmp" "$page"
	;;
*)
	echo "usage: docs-block.sh extract|replace PAGE NAME" >&2
	exit 2
	;;
esac
