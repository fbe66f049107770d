#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compute bit offsets of fields in the Linux kernel's mlx5_ifc.h.

mlx5_ifc.h describes every PRM structure as a C struct whose members are
bit arrays (u8 name[width]) or nested structs/unions.  This module parses
those definitions and resolves dotted paths ("eq_context_entry.log_eq_size")
to (bit offset, width), so that cxsim's own layout table can be checked
against the kernel's without copying anything from it.
"""

import re
import sys

_AGG_RE = re.compile(r'^(struct|union)\s+mlx5_ifc_(\w+)_bits\s*\{\s*$')
_BITS_RE = re.compile(r'^u8\s+(\w+)((?:\[[^\]]*\])+)\s*;')
_NESTED_RE = re.compile(r'^(struct|union)\s+mlx5_ifc_(\w+)_bits\s+(\w+)((?:\[[^\]]*\])*)\s*;')


def _number(text, consts):
    text = text.strip()
    if text == '':
        return 0
    try:
        return int(text, 0)
    except ValueError:
        pass
    if text in consts:
        return consts[text]
    try:
        return int(eval(text, {}, dict(consts)))  # simple macro arithmetic
    except Exception:
        return None


class Ifc:
    def __init__(self, path):
        self.aggs = {}      # name -> (kind, [(member, type_or_None, dims)])
        self.consts = {}
        self._sizes = {}
        # mlx5_ifc.h uses structures from its siblings (mlx5_ifc_fpga.h)
        import glob
        import os
        for sibling in sorted(glob.glob(os.path.join(os.path.dirname(path) or '.',
                                                     'mlx5_ifc_*.h'))):
            self._parse(sibling)
        self._parse(path)

    def _parse(self, path):
        current = None
        with open(path) as f:
            for raw in f:
                line = raw.split('//')[0].strip()
                m = re.match(r'^#define\s+(\w+)\s+(\S+)\s*$', line)
                if m:
                    v = _number(m.group(2).strip('()'), self.consts)
                    if v is not None:
                        self.consts[m.group(1)] = v
                    continue
                if current is None:
                    m = _AGG_RE.match(line)
                    if m:
                        current = (m.group(2), m.group(1), [])
                    continue
                if line.startswith('}'):
                    self.aggs[current[0]] = (current[1], current[2])
                    current = None
                    continue
                m = _BITS_RE.match(line)
                if m:
                    dims = [_number(d, self.consts)
                            for d in re.findall(r'\[([^\]]*)\]', m.group(2))]
                    current[2].append((m.group(1), None, dims))
                    continue
                m = _NESTED_RE.match(line)
                if m:
                    dims = [_number(d, self.consts)
                            for d in re.findall(r'\[([^\]]*)\]', m.group(4))]
                    current[2].append((m.group(3), m.group(2), dims))

    def size(self, name):
        if name in self._sizes:
            return self._sizes[name]
        kind, members = self.aggs[name]
        total = 0
        for _, typ, dims in members:
            s = self._member_size(typ, dims)
            total = max(total, s) if kind == 'union' else total + s
        self._sizes[name] = total
        return total

    def _member_size(self, typ, dims):
        if typ is None:
            n = 1
            for d in dims:
                n *= d or 0
            return n
        n = self.size(typ)
        for d in dims:
            n *= d or 0
        return n

    def members(self, name):
        """Yield (member, type, dims, bit offset) of an aggregate."""
        kind, members = self.aggs[name]
        off = 0
        for member, typ, dims in members:
            yield member, typ, dims, off
            if kind != 'union':
                off += self._member_size(typ, dims)

    def resolve(self, agg, path):
        """(bit offset, width) of a dotted path inside aggregate agg."""
        base = 0
        parts = path.split('.')
        for i, part in enumerate(parts):
            index = None
            m = re.match(r'^(\w+)\[(\d+)\]$', part)
            if m:
                part, index = m.group(1), int(m.group(2))
            for member, typ, dims, off in self.members(agg):
                if member == part:
                    break
            else:
                raise KeyError('%s has no member %s' % (agg, part))
            if typ is None:
                if i != len(parts) - 1:
                    raise KeyError('%s.%s is not an aggregate' % (agg, part))
                width = self._member_size(None, dims)
                if index is not None:
                    width = dims[-1]
                    off += index * width
                return base + off, width
            if index is not None:
                off += index * self.size(typ)
            base += off
            agg = typ
        return base, self.size(agg)


def main(argv):
    ifc = Ifc(argv[1])
    for spec in argv[2:]:
        if '.' not in spec:
            for member, typ, dims, off in ifc.members(spec):
                w = ifc._member_size(typ, dims)
                print('%-40s bit 0x%04x byte 0x%03x width %d%s' %
                      (member, off, off // 8, w, ' (%s)' % typ if typ else ''))
            print('size: %d bits, %d bytes' % (ifc.size(spec), ifc.size(spec) // 8))
        else:
            agg, path = spec.split('.', 1)
            off, w = ifc.resolve(agg, path)
            print('%s: bit 0x%x (byte 0x%x) width %d' % (spec, off, off // 8, w))


if __name__ == '__main__':
    main(sys.argv)
