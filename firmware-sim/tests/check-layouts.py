#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TAP test: every field of cxfw's layout table matches mlx5_ifc.h.

usage: check-layouts.py LAYOUT_DUMP [KERNEL_SOURCE_TREE]

LAYOUT_DUMP is the cxfw-layout-dump program.  The kernel tree defaults to
$CXSIM_KERNEL_SRC; without one the test is skipped (the kernel source is
fetched by scripts/kernel-source.sh, which `make check` runs).
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ifc_layout import Ifc  # noqa: E402


def main():
    tree = sys.argv[2] if len(sys.argv) > 2 else os.environ.get('CXSIM_KERNEL_SRC', '')
    ifc_path = os.path.join(tree, 'include/linux/mlx5/mlx5_ifc.h')
    if not tree or not os.path.exists(ifc_path):
        print('1..0 # SKIP no kernel source with mlx5_ifc.h (set CXSIM_KERNEL_SRC)')
        return 0
    ifc = Ifc(ifc_path)
    rows = subprocess.run([sys.argv[1]], check=True, capture_output=True,
                          text=True).stdout.split('\n')
    rows = [r.split() for r in rows if r.strip()]
    print('1..%d' % len(rows))
    failed = 0
    for n, (layout, field, path, bit, width) in enumerate(rows, 1):
        name = '%s.%s' % (layout, field)
        # size rows: "layout - size - bytes" (a field may be named size)
        if field == '-' and path == 'size':
            name = 'sizeof(%s)' % layout
            if layout not in ifc.aggs:
                print('not ok %d - %s: no mlx5_ifc_%s_bits' % (n, name, layout))
                failed += 1
            elif ifc.size(layout) // 8 == int(width):
                print('ok %d - %s' % (n, name))
            else:
                print('not ok %d - %s: cxfw %s bytes, mlx5_ifc %d'
                      % (n, name, width, ifc.size(layout) // 8))
                failed += 1
            continue
        if field == '-' and path == 'own-size':
            print('ok %d - sizeof(%s) # SKIP not an mlx5_ifc layout' % (n, layout))
            continue
        if path == '-':
            print('ok %d - %s # SKIP not an mlx5_ifc field' % (n, name))
            continue
        try:
            want = ifc.resolve(layout, path)
        except KeyError as e:
            print('not ok %d - %s: %s' % (n, name, e))
            failed += 1
            continue
        got = (int(bit), int(width))
        if got == want:
            print('ok %d - %s' % (n, name))
        else:
            print('not ok %d - %s: cxfw bit 0x%x width %d, mlx5_ifc %s bit 0x%x width %d'
                  % (n, name, got[0], got[1], path, want[0], want[1]))
            failed += 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
