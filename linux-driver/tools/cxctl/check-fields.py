#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""TAP test: the tables of the cxctl tool (prm.c) against the kernel.

usage: check-fields.py [KERNEL_SOURCE_TREE]

Checks every CX_F/CX_FX field (bit offset, width) against its layout in
include/linux/mlx5/mlx5_ifc.h, every register's id against driver.h's
MLX5_REG_<NAME> and its size against its layout, every capability type
against enum mlx5_cap_type (device.h), and the status names against the
firmware's (firmware-sim/src/cxfw-prm.h).  The kernel tree defaults to
$CXSIM_KERNEL_SRC; without one the test is skipped.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'firmware-sim', 'tests'))
from ifc_layout import Ifc  # noqa: E402

FIELD_RE = re.compile(r'CX_FX?\((\w+), (0x[0-9a-f]+|\d+), (\d+)\)')
# the header fields, as every command layout has them
HDR_LAYOUT = {'hdr_opcode': 'query_hca_cap_in', 'hdr_op_mod': 'query_hca_cap_in',
              'hdr_status': 'query_hca_cap_out', 'hdr_syndrome': 'query_hca_cap_out'}


class Tap:
    def __init__(self):
        self.rows = []

    def check(self, good, name, why=''):
        self.rows.append((good, name if good else '%s: %s' % (name, why)))

    def done(self):
        print('1..%d' % len(self.rows))
        for n, (good, name) in enumerate(self.rows, 1):
            print('%sok %d - %s' % ('' if good else 'not ', n, name))
        return 0 if all(g for g, _ in self.rows) else 1


def field_arrays(src):
    """name of each cx_field array -> [(field, bit, width)]"""
    arrays = {}
    for m in re.finditer(r'static const struct cx_field (\w+)\[\] = \{(.*?)\};',
                         src, re.S):
        arrays[m.group(1)] = [(f, int(b, 0), int(w))
                              for f, b, w in FIELD_RE.findall(m.group(2))]
    return arrays


def enum_values(text, enum):
    """NAME -> value of a C enum (implicit values counted on)"""
    body = re.search(r'enum %s \{(.*?)\};' % enum, text, re.S).group(1)
    values, nxt = {}, 0
    for m in re.finditer(r'^\s*(\w+)\s*(?:=\s*([^,\s]+))?\s*,', body, re.M):
        nxt = int(m.group(2), 0) if m.group(2) else nxt
        values[m.group(1)] = nxt
        nxt += 1
    return values


def check_field(tap, ifc, layout, where, field, bit, width):
    name = '%s: %s.%s bit 0x%x width %d' % (where, layout, field, bit, width)
    try:
        want = ifc.resolve(layout, field)
    except KeyError as e:
        tap.check(False, name, str(e))
        return
    tap.check(want == (bit, width), name,
              'mlx5_ifc bit 0x%x width %d' % want)


def main():
    tree = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('CXSIM_KERNEL_SRC', '')
    inc = os.path.join(tree, 'include/linux/mlx5')
    if not tree or not os.path.exists(os.path.join(inc, 'mlx5_ifc.h')):
        print('1..0 # SKIP no kernel source with mlx5_ifc.h (set CXSIM_KERNEL_SRC)')
        return 0
    ifc = Ifc(os.path.join(inc, 'mlx5_ifc.h'))
    driver_h = open(os.path.join(inc, 'driver.h')).read()
    device_h = open(os.path.join(inc, 'device.h')).read()
    src = open(os.path.join(HERE, 'prm.c')).read()
    tap = Tap()
    arrays = field_arrays(src)

    # command header and ACCESS_REG fields
    for var, field, bit, width in re.findall(
            r'static const struct cx_field (\w+) = CX_F\((\w+), (0x[0-9a-f]+), (\d+)\);', src):
        check_field(tap, ifc, HDR_LAYOUT[var], var, field, int(bit, 0), int(width))
    for name, bit in re.findall(r'#define REG_(ID|ARG)_BIT\s+(0x[0-9a-f]+)', src):
        field = {'ID': 'register_id', 'ARG': 'argument'}[name]
        check_field(tap, ifc, 'access_register_in', 'REG_%s_BIT' % name, field,
                    int(bit, 0), 16 if name == 'ID' else 32)

    # capability types and the general capability's fields
    cap_enum = enum_values(device_h, 'mlx5_cap_type')
    caps = re.findall(r'\{ "(\w+)", (0x[0-9a-f]+), (\w+), ARRAY_SIZE', src)
    caps += [(n, t, None) for n, t in re.findall(r'CX_CAP\("(\w+)", (0x[0-9a-f]+)\)', src)]
    for name, typ, fields in caps:
        enum = 'MLX5_CAP_' + name.upper()
        tap.check(cap_enum.get(enum) == int(typ, 0),
                  'capability type %s %s' % (name, typ),
                  '%s is %s' % (enum, cap_enum.get(enum)))
        for field, bit, width in arrays.get(fields, []):
            check_field(tap, ifc, 'cmd_hca_cap', name, field, bit, width)

    # registers
    reg_enum = enum_values(driver_h, 'mlx5_reg_ids') if 'enum mlx5_reg_ids' in driver_h else {}
    if not reg_enum:
        reg_enum = {n: int(v, 0) for n, v in
                    re.findall(r'\b(MLX5_REG_\w+)\s*=\s*(0x[0-9a-fA-F]+)', driver_h)}
    for name, rid, size, layout, fields in re.findall(
            r'CX_REGF?\("(\w+)", (0x[0-9a-f]+), (\d+), (\w+)(?:,\s*(\w+))?\)', src):
        enum = 'MLX5_REG_' + name
        tap.check(reg_enum.get(enum) == int(rid, 0), 'register %s id %s' % (name, rid),
                  '%s is %s' % (enum, reg_enum.get(enum)))
        tap.check(layout in ifc.aggs and ifc.size(layout) // 8 == int(size),
                  'register %s: %d bytes, sizeof(%s)' % (name, int(size), layout),
                  'mlx5_ifc says %s' % (ifc.size(layout) // 8 if layout in ifc.aggs else 'nothing'))
        for field, bit, width in arrays.get(fields, []):
            check_field(tap, ifc, layout, name, field, bit, width)

    # status names: the firmware's names where it has the status
    prm = open(os.path.join(ROOT, 'firmware-sim/src/cxfw-prm.h')).read()
    fw = {int(v, 0): n for n, v in re.findall(r'CXFW_STATUS_(\w+)\s*=\s*(0x[0-9a-f]+)', prm)}
    for value, name in re.findall(r'case (0x[0-9a-f]+): return "(\w+)";', src):
        if int(value, 0) in fw:
            tap.check(fw[int(value, 0)] == name, 'status %s %s' % (value, name),
                      'the firmware calls it %s' % fw[int(value, 0)])
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
