# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The cxctl tool (/bin/cxctl, linux-driver/tools/cxctl) on cxcore + cxctl:
# every command's human and JSON output checked against what the suite can
# learn on its own (sysfs, the firmware's uid rule, the raw capability
# bytes, the output of another command, the host's byte order), its
# errors (EPERM and EACCES as an unprivileged user, ENOTTY on a foreign
# node, EINVAL, firmware statuses) and its exit statuses (2 for bad
# arguments).  JSON output is validated by /bin/json-get.
. /tests/tap.sh
. /tests/cx.sh

# the value after "LABEL:" in the human output
hv() {
	sed -n "s/^$1: *//p" $OUT | head -n 1
}

# expect DESC EXIT CHECK...: one result for the last cx: its exit status
# and each CHECK, one of
#   h:LABEL=VALUE   the human output's "LABEL: VALUE" line
#   j:PATH=VALUE    the JSON output's value at PATH (json-get); the whole
#                   output must be one valid JSON object
#   o:TEXT / e:TEXT stdout / stderr contains TEXT
#   n:TEXT          stdout does not contain TEXT
expect() {
	desc=$1 want=$2
	shift 2
	bad=""
	[ "$RC" = "$want" ] || bad="exit $RC, not $want"
	for c in "$@"; do
		k=${c#?:}
		v=${k#*=}
		k=${k%%=*}
		case "$c" in
		h:*) got=$(hv "$k") ;;
		j:*) got=$(jv "$k") ;;
		esac
		case "$c" in
		h:* | j:*) [ "$got" = "$v" ] || bad="$bad; $k is '$got', not '$v'" ;;
		o:*) grep -qF -- "${c#o:}" $OUT || bad="$bad; stdout lacks '${c#o:}'" ;;
		n:*) grep -qF -- "${c#n:}" $OUT && bad="$bad; stdout has '${c#n:}'" ;;
		e:*) grep -qF -- "${c#e:}" $ERR || bad="$bad; stderr lacks '${c#e:}'" ;;
		esac
	done
	if [ -z "$bad" ]; then
		ok "$desc"
	else
		fail "$desc"
		echo "# ${bad#; }"
		show
	fi
}

hex() {
	printf '0x%x' "$1"
}

# bytes $2.. (count $3) of a hex string $1, as hex digits
hexbytes() {
	echo "$1" | cut -c $(($2 * 2 + 1))-$((($2 + $3) * 2))
}

# no kernel warning since the last call, but the taint of our modules
expect_quiet() {
	bad=$(new_kernel_log |
		kernel_warnings '(cxcore|cxctl): loading out-of-tree module taints kernel')
	if [ -z "$bad" ]; then
		ok "$1 left no kernel warnings"
	else
		fail "$1 left kernel warnings"
		echo "$bad" | sed 's/^/#   /'
	fi
}

# ---------------------------------------------------------------------
# set-up: cxcore on the first cxsim function, cxctl

new_kernel_log > /dev/null
load_cxctl
[ -x $CX ] && [ -x /bin/json-get ] && ok "cxctl and json-get are in the guest" ||
	fail "no /bin/cxctl or /bin/json-get"
NODE=$(ls /dev | grep '^mlx5ctl-' | head -n 1)
NDEV=$(ls /dev | grep -c '^mlx5ctl-')
# what sysfs says, independently of the tool
AUX=$(basename "$(readlink -f "/sys/class/misc/$NODE/device")")
PCI=$(basename "$(readlink -f "/sys/class/misc/$NODE/device/..")")
AUXDRV=$(basename "$(readlink -f "/sys/bus/auxiliary/devices/$AUX/driver")")
[ -n "$NODE" ] && [ -c "/dev/$NODE" ] && ok "/dev/$NODE: $AUX on $PCI" ||
	fail "no mlx5ctl node"
expect_quiet "loading"

# ---------------------------------------------------------------------
# list

cx list
expect "list: header and a row for /dev/$NODE" 0 "o:NODE" \
	"o:/dev/$NODE"
row=$(grep "^/dev/$NODE " $OUT)
set -- $row
[ "$2 $3 $4 $5" = "mlx5ctl $PCI $AUX $AUXDRV" ] &&
	ok "list: kind, PCI function, auxiliary device and driver of $NODE" ||
	{ fail "list: row '$row'"; show; }
cx --json list
expect "list --json: node, kind, PCI function, auxiliary device, driver" 0 \
	"j:devices.0.node=/dev/$NODE" "j:devices.0.kind=mlx5ctl" \
	"j:devices.0.pci=$PCI" "j:devices.0.auxdev=$AUX" \
	"j:devices.0.driver=$AUXDRV"
n=$(grep -o '"kind":"mlx5ctl"' $OUT | wc -l)
[ "$n" = "$NDEV" ] && ok "list --json: $NDEV mlx5ctl node(s), as /dev has" ||
	{ fail "list --json: $n mlx5ctl nodes, /dev has $NDEV"; show; }

# ---------------------------------------------------------------------
# info: the seed's session; uids are handed out round-robin after the
# last one given (docs/prm-coverage.md), so each new open gets the next.

# root's caps: CAP_NET_RAW 13, CAP_SYS_RAWIO 17, CAP_SYS_ADMIN 21 ORed
UCAP=$(hex $((13 | 17 | 21)))
cx info
U1=$(hv "UCTX UID")
DEVCAP=$(hv "DEV UCTX CAP")
labels=$(cut -d: -f1 $OUT | tr '\n' ,)
[ "$RC" = 0 ] && [ "$labels" = "mlx5dev,UCTX UID,UCTX CAP,DEV UCTX CAP,USER CAP," ] &&
	ok "info: the seed's five lines" || { fail "info: lines '$labels'"; show; }
# root asks for RAW_TX, INTERNAL_DEV_RES and TOOLS_RESOURCES (0x7): it
# gets those the device offers
expect "info: mlx5dev $PCI, uid $U1, caps the device offers, USER CAP $UCAP" 0 \
	"h:mlx5dev=$PCI" "h:UCTX CAP=$(hex $((DEVCAP & 7)))" "h:USER CAP=$UCAP"
[ "$U1" -gt 0 ] 2>/dev/null && ok "info: uid $U1 is a user context (not 0)" ||
	fail "info: uid '$U1'"
cx --json info
expect "info --json: the next open has the next uid, the same caps" 0 \
	"j:uctx_uid=$((U1 + 1))" "j:uctx_cap=$((DEVCAP & 7))" \
	"j:dev_uctx_cap=$((DEVCAP))" "j:ucap=$((UCAP))" \
	"j:device=/dev/$NODE" "j:pci=$PCI" "j:kind=mlx5ctl"
U=$((U1 + 2))
for spec in "/dev/$NODE" "$NODE" "$AUX" "$PCI"; do
	cx -d "$spec" info
	expect "info -d $spec: the same device, uid $U" 0 "h:mlx5dev=$PCI" \
		"h:UCTX UID=$U"
	U=$((U + 1))
done
cx -d /dev/null info
expect "info on /dev/null: ENOTTY, not an mlx5ctl device" 1 \
	"e:/dev/null: MLX5CTL_IOCTL_INFO" "e:(ENOTTY)" "e:not an mlx5ctl device"
cx -d /dev/mlx5ctl-none info
expect "info on a missing node: ENOENT" 1 "e:(ENOENT)" \
	"e:no such device node"
weird=$(printf '/dev/a"b\\c\td\001e')
cx --json -d "$weird" info
expect "info --json on a missing node: error member, the name escaped" 1 \
	"j:error.device=$weird" "j:error.name=ENOENT" "j:error.errno=2" \
	"j:error.operation=open"
cx -d nosuchdevice info
expect "info -d with an unknown name: ENOENT, see cxctl list" 1 \
	"e:(ENOENT)" "e:see cxctl list"

# ---------------------------------------------------------------------
# cap: the named fields agree with the raw bytes (byte offsets of
# cmd_hca_cap in mlx5_ifc.h) and with info

cx --json cap --raw
RAW=$(jv data)
expect "cap --raw --json: 4096 bytes of general capability" 0 \
	"j:status_name=OK" "j:type=0" "j:mode=current"
[ ${#RAW} = 8192 ] && ok "cap --raw: 4096 bytes" || fail "cap --raw: ${#RAW} hex digits"
raw_uctx_cap=$((0x$(hexbytes "$RAW" 0xd4 4)))
raw_log_max_eq=$((0x$(hexbytes "$RAW" 0x1f 1) & 0xf))
raw_max_num_eqs=$((0x$(hexbytes "$RAW" 0x8e 2)))
raw_log_max_uctx=$((0x$(hexbytes "$RAW" 0x8c 1) & 0x1f))
raw_cmdif_checksum=$(((0x$(hexbytes "$RAW" 0x42 1) >> 6) & 3))
cx cap
expect "cap: uctx_cap is info's DEV UCTX CAP, fields as the raw bytes" 0 \
	"h:status=OK (0x0)" "h:uctx_cap=$DEVCAP" \
	"h:uctx_cap=$(hex $raw_uctx_cap)" "h:log_max_eq=$raw_log_max_eq" \
	"h:max_num_eqs=$raw_max_num_eqs" "h:log_max_uctx=$raw_log_max_uctx" \
	"h:cmdif_checksum=$raw_cmdif_checksum" \
	"o:capability: general (0x0), current"
[ "$raw_log_max_eq" -ge 4 ] && ok "cap: log_max_eq $raw_log_max_eq >= 4 (what the stock driver needs)" ||
	fail "cap: log_max_eq $raw_log_max_eq"
cx --json cap
expect "cap --json: the same fields as numbers" 0 \
	"j:fields.uctx_cap=$((DEVCAP))" "j:fields.log_max_eq=$raw_log_max_eq" \
	"j:fields.max_num_eqs=$raw_max_num_eqs" "j:type_name=general"
cx cap --max
expect "cap --max: the maximum capabilities" 0 "h:status=OK (0x0)" \
	"o:general (0x0), maximum" "h:uctx_cap=$DEVCAP"
cx cap --type 0x7f
expect "cap --type 0x7f: firmware BAD_PARAM (type not offered), exit 1" 1 \
	"h:status=BAD_PARAM (0x3)" "h:syndrome=0x00030001" \
	"e:QUERY_HCA_CAP: firmware status BAD_PARAM (0x3), syndrome 0x00030001" \
	"n:uctx_cap"
cx --json cap --type roce
expect "cap --json --type roce: the status as JSON" 1 "j:type=4" \
	"j:type_name=roce" "j:status=3" "j:status_name=BAD_PARAM"
cx cap --type nosuchtype
expect "cap --type nosuchtype: usage error" 2 "e:unknown capability type" \
	"e:usage:"

# ---------------------------------------------------------------------
# reg: HOST_ENDIANNESS, which cxcore wrote at probe: he = 1 on a
# big-endian host (mlx5 device.h MLX5_SET_HOST_ENDIANNESS)

le=$(printf '\001\000' | od -An -tu2 | tr -d ' ')
[ "$le" = 1 ] && HE=0 || HE=1
cx reg read HOST_ENDIANNESS
expect "reg read HOST_ENDIANNESS: he $HE, as cxcore wrote it, 16 bytes" 0 \
	"h:register=HOST_ENDIANNESS" "h:register_id=0x7004" \
	"h:status=OK (0x0)" "h:he=$HE" "h:data=16 bytes"
line=$(grep '^0000:' $OUT)
first=$((HE << 31))
[ "$line" = "0000: $(printf %08x $first) 00000000 00000000 00000000" ] &&
	ok "reg read: the data as hex dwords" || { fail "reg read: '$line'"; show; }
cx --json reg read 0x7004
expect "reg read 0x7004 --json: the register by number" 0 \
	"j:register_name=HOST_ENDIANNESS" "j:register_id=28676" \
	"j:access=read" "j:fields.he=$HE" \
	"j:data=$(printf %08x $first)000000000000000000000000"
cx reg write HOST_ENDIANNESS 80000000000000000000000000000000
expect "reg write HOST_ENDIANNESS: a user context may not write (BAD_PARAM REG_ACCESS_DENIED), exit 1" 1 \
	"h:status=BAD_PARAM (0x3)" "h:syndrome=0x00070004" \
	"e:ACCESS_REG: firmware status BAD_PARAM"
cx reg read HOST_ENDIANNESS
expect "reg read after the refused write: he still $HE" 0 "h:he=$HE"
cx reg read PCAM
expect "reg read PCAM: BAD_PARAM REG_UNKNOWN (the firmware has no PCAM), exit 1" 1 \
	"h:register=PCAM" "h:register_id=0x507f" "h:syndrome=0x00070001"
cx reg read HOST_ENDIANNESS --len 8
expect "reg read --len 8: shorter than the register: BAD_OUTP_LEN" 1 \
	"h:status=BAD_OUTP_LEN (0x51)"
cx reg read NOSUCHREG
expect "reg read NOSUCHREG: usage error" 2 "e:unknown register 'NOSUCHREG'"
cx reg write HOST_ENDIANNESS xyz
expect "reg write with bad hex: usage error" 2 "e:bad register data"
cx reg read
expect "reg read without an id: usage error" 2 "e:usage:"

# ---------------------------------------------------------------------
# rpc

NOP=080d0000000000000000000000000000
cx rpc $NOP --outlen 16
expect "rpc NOP: status OK, 16 bytes of output" 0 "h:status=OK (0x0)" \
	"h:syndrome=0x00000000" "h:output=16 bytes" \
	"o:0000: 00000000 00000000 00000000 00000000"
cx --json rpc $NOP --outlen 16
expect "rpc NOP --json" 0 "j:opcode=2061" "j:inlen=16" "j:outlen=16" \
	"j:status=0" "j:status_name=OK" "j:syndrome=0" \
	"j:out=00000000000000000000000000000000"
cx rpc 0fff0000000000000000000000000000 --outlen 16
expect "rpc with an unknown opcode: BAD_OP, exit 1" 1 \
	"h:status=BAD_OP (0x2)" "h:syndrome=0x00010001" \
	"o:0000: 02000000 00010001" "e:firmware status BAD_OP (0x2)"
cx --json rpc 0fff0000000000000000000000000000 --outlen 16
expect "rpc --json with an unknown opcode: BAD_OP, exit 1" 1 \
	"j:status=2" "j:status_name=BAD_OP" "j:syndrome=65537"
printf '\010\015\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > /tmp/nop.bin
cx rpc -f /tmp/nop.bin --outlen 16
expect "rpc -f FILE: a binary NOP" 0 "h:status=OK (0x0)"
"$CX" rpc -f - --outlen 16 < /tmp/nop.bin > $OUT 2> $ERR
RC=$?
expect "rpc -f -: the command on stdin" 0 "h:status=OK (0x0)"
# QUERY_UCTX (cxsim's layout) with uid 0xbeef in the header: the driver
# stamps the file's uid over it, which is the next uid
cx --json info
U=$(jv uctx_uid)
cx --json rpc 0a05beef000000000000000000000000 --outlen 64
out=$(jv out)
[ "$RC" = 0 ] && [ "$(hexbytes "$out" 10 2)" = "$(printf %04x $((U + 1)))" ] &&
	[ "$((0x$(hexbytes "$out" 16 4)))" = "$((DEVCAP & 7))" ] &&
	ok "rpc QUERY_UCTX: the header's uid is the file's ($((U + 1))), its caps" ||
	{ fail "rpc QUERY_UCTX: expected uid $((U + 1))"; show; }
cx rpc 080d
expect "rpc with 2 bytes: EINVAL, the length limits" 1 "e:(EINVAL)" \
	"e:16 to 262144"
cx rpc $NOP --outlen 262145
expect "rpc --outlen 262145: EINVAL" 1 "e:MLX5CTL_IOCTL_CMDRPC" "e:(EINVAL)"
cx rpc xyz
expect "rpc with bad hex: usage error" 2 "e:bad command"
cx rpc
expect "rpc without a command: usage error" 2 "e:usage:"
cx rpc -f /tmp/no-such-file
expect "rpc -f a missing file: ENOENT" 1 "e:(ENOENT)"

# ---------------------------------------------------------------------
# umem (MLX5CTL_IOCTL_UMEM_REG/UNREG): either the driver has user memory,
# or the tool says clearly that it has not

# umem reg --hold in the background, its stdin fd 3 here: $pid, once it
# has printed the id
hold_umem() {
	rm -f /tmp/umem.fifo
	mkfifo /tmp/umem.fifo
	"$CX" --json umem reg 65536 --hold < /tmp/umem.fifo > $OUT 2> $ERR &
	pid=$!
	exec 3> /tmp/umem.fifo
	i=0
	while ! grep -q umem_id $OUT && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

cx umem reg 8192
if grep -q EOPNOTSUPP $ERR; then
	UMEM=no
	expect "umem reg: EOPNOTSUPP, reported as not supported by the driver" 1 \
		"e:MLX5CTL_IOCTL_UMEM_REG" "e:does not support user memory"
	cx --json umem unreg 1
	expect "umem unreg --json: EOPNOTSUPP" 1 "j:error.name=EOPNOTSUPP" \
		"j:error.operation=MLX5CTL_IOCTL_UMEM_UNREG"
else
	UMEM=yes
	id=$(hv umem_id)
	expect "umem reg 8192: registered (id $id) and unregistered before exit" 0 \
		"h:len=8192" "h:unregistered=yes"
	[ "${id:-0}" -gt 0 ] 2>/dev/null && ok "umem reg: umem id $id" ||
		fail "umem reg: id '$id'"
	cx umem unreg "$id"
	expect "umem unreg on a new file: ENOENT, a umem lives with its file" 1 \
		"e:(ENOENT)" "e:lives only as long as the file"
	cx umem reg 0x1000:4096
	expect "umem reg of unmapped memory: EFAULT" 1 "e:(EFAULT)"
	# --hold: registered until stdin closes
	hold_umem
	grep -q '"umem_id":[1-9]' $OUT && kill -0 $pid 2>/dev/null &&
		ok "umem reg --hold: the id is printed, the file kept open" ||
		{ fail "umem reg --hold: no id while held"; show; }
	exec 3>&-
	wait $pid
	RC=$?
	expect "umem reg --hold: unregistered when stdin closes" 0 \
		"j:held=true" "j:unregistered=true" "j:len=65536"
	# ENODEV: the PCI function unbound while the file is held open
	hold_umem
	echo "$PCI" > /sys/bus/pci/drivers/cxcore/unbind
	exec 3>&-
	wait $pid
	RC=$?
	expect "umem reg --hold across an unbind: ENODEV, the device was removed" 1 \
		"e:MLX5CTL_IOCTL_UMEM_UNREG" "e:(ENODEV)" "e:device was removed"
	echo "$PCI" > /sys/bus/pci/drivers/cxcore/bind
	i=0
	while ! ls /dev | grep -q '^mlx5ctl-' && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	NODE=$(ls /dev | grep '^mlx5ctl-' | head -n 1)
	cx -d "$PCI" info
	expect "after the rebind: /dev/$NODE answers" 0 "h:mlx5dev=$PCI"
fi
cx umem reg 0
expect "umem reg 0: usage error" 2 "e:umem size 0"
cx umem frob 1
expect "umem frob: usage error" 2 "e:usage:"

# ---------------------------------------------------------------------
# an unprivileged user

mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >> /etc/group
as_nobody() {
	su -s /bin/sh nobody -c "$CX $*" > $OUT 2> $ERR
	RC=$?
}
as_nobody info
expect "info as nobody: EACCES, the node is root's" 1 "e:(EACCES)" \
	"e:run cxctl as root"
chmod 666 "/dev/$NODE"
as_nobody info
expect "info as nobody on a node opened to all: EPERM, CAP_SYS_ADMIN" 1 \
	"e:MLX5CTL_IOCTL_INFO" "e:(EPERM)" "e:needs CAP_SYS_ADMIN"
as_nobody --json rpc $NOP
expect "rpc --json as nobody: EPERM" 1 "j:error.name=EPERM" \
	"j:error.operation=MLX5CTL_IOCTL_CMDRPC"
chmod 600 "/dev/$NODE"
as_nobody list
expect "list as nobody: sysfs is enough" 0 "o:/dev/$NODE" "o:$PCI"

# ---------------------------------------------------------------------
# fwctl nodes (cxctl's own or mlx5_fwctl's), when there are any

for f in /sys/class/fwctl/fwctl*; do
	[ -e "$f" ] || continue
	name=${f##*/}
	fpci=$(basename "$(readlink -f "$f/device")")
	[ -d "/sys/bus/pci/devices/$fpci" ] ||
		fpci=$(basename "$(readlink -f "$f/device/..")")
	cx --json list
	i=0
	while [ "$(jv devices.$i.node)" != "/dev/fwctl/$name" ] &&
		json-get devices.$i < $OUT > /dev/null 2>&1; do
		i=$((i + 1))
	done
	expect "list --json: /dev/fwctl/$name, mlx5 fwctl on $fpci" 0 \
		"j:devices.$i.node=/dev/fwctl/$name" "j:devices.$i.kind=fwctl" \
		"j:devices.$i.pci=$fpci" "j:devices.$i.fwctl_type=MLX5"
	cx -d "/dev/fwctl/$name" info
	# the fwctl rule: TOOLS_RESOURCES only, when the device offers it;
	# cxctl reports its CONFIGURATION context, labelled when the device
	# offers the scope labels (docs/security-model.md)
	want=$((DEVCAP & 4))
	[ "$want" != 0 ] && [ $((DEVCAP & 0x0f000000)) = $((0x0f000000)) ] &&
		want=$((want | 0x1000000))
	expect "info on /dev/fwctl/$name: uid and TOOLS_RESOURCES" 0 \
		"h:mlx5dev=$fpci" "h:UCTX CAP=$(hex $want)" \
		"n:DEV UCTX CAP"
	cx -d "$name" reg read HOST_ENDIANNESS
	expect "reg read through $name (scope DEBUG_READ_ONLY)" 0 "h:he=$HE"
	cx -d "$name" cap
	expect "cap through $name" 0 "h:uctx_cap=$DEVCAP"
	cx --json -d "$name" umem reg 4096
	expect "umem reg on $name: EOPNOTSUPP, fwctl has no user memory" 1 \
		"j:error.name=EOPNOTSUPP" "e:fwctl has no user memory"
done

# ---------------------------------------------------------------------
# usage

cx
expect "no command: exit 2 and a usage line" 2 "e:usage: cxctl"
cx frobnicate
expect "unknown command: exit 2" 2 "e:unknown command 'frobnicate'"
cx info extra
expect "info with an argument: exit 2" 2 "e:unexpected argument 'extra'"
cx cap --type
expect "an option without its value: exit 2" 2 "e:--type needs a value"
cx cap --bogus
expect "an unknown option: exit 2" 2 "e:unknown option --bogus"
cx --scope everything info
expect "a bad --scope: exit 2" 2 "e:bad --scope"
cx --json frobnicate
expect "--json usage error: an error member, exit 2" 2 \
	"j:error.name=usage"
cx --help
expect "--help: the usage on stdout, exit 0" 0 "o:usage: cxctl" \
	"o:umem reg SIZE"

expect_quiet "the cxctl tool"
check "rmmod cxctl and cxcore" sh -c "rmmod cxctl && rmmod cxcore"
expect_quiet "unloading"
tap_done
