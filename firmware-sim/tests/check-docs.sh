#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP test: the generated reference pages in docs/ match the firmware's
# tables.  Regenerate with: make docs
set -u
docgen=$1 docs=$2
pages=(syndromes commands diag-counters)
# generated blocks inside hand-written pages: page:block
blocks=(security-model:policy prm-coverage:stats-window)
blockscript=$(dirname "$0")/../tools/docs-block.sh
echo "1..$((${#pages[@]} + ${#blocks[@]}))"
n=0 rc=0
for page in "${pages[@]}"; do
	n=$((n + 1))
	if diff -u "$docs/$page.md" <("$docgen" "$page") > /dev/null; then
		echo "ok $n - docs/$page.md is up to date"
	else
		echo "not ok $n - docs/$page.md differs from cxfw-docgen $page (run make docs)"
		rc=1
	fi
done
for pb in "${blocks[@]}"; do
	n=$((n + 1))
	page=${pb%%:*} block=${pb#*:}
	if diff -u <("$blockscript" extract "$docs/$page.md" "$block") \
		<("$docgen" "$block") > /dev/null; then
		echo "ok $n - the $block block of docs/$page.md is up to date"
	else
		echo "not ok $n - the $block block of docs/$page.md differs from cxfw-docgen $block (run make docs)"
		rc=1
	fi
done
exit $rc
