# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Running the cxctl tool in a guest suite (busybox sh).  Source it after
# tap.sh: cx runs /bin/cxctl with its output in $OUT and $ERR and its exit
# status in $RC; jv reads a value of its JSON output; show prints the
# last run as TAP comments (SHOW_LINES lines of stdout, default 24).
CX=/bin/cxctl
OUT=/tmp/cx.out
ERR=/tmp/cx.err

# cx ARGS...: run cxctl; $RC its exit status, its output in $OUT and $ERR
cx() {
	"$CX" "$@" > $OUT 2> $ERR
	RC=$?
}

# a value of the JSON output
jv() {
	json-get "$1" < $OUT 2>&1
}

show() {
	echo "#   exit $RC"
	sed 's/^/#   out: /' $OUT | head -n "${SHOW_LINES:-24}"
	sed 's/^/#   err: /' $ERR | head -n 8
}
