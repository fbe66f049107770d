#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Count TAP results.

usage: tap-summary.py [--meson-log testlog.json] [FILE.tap ...]

Each .tap file holds one test program's output; its first line may be
"# exit N" (written by scripts/check.sh), and a program that exited
non-zero without reporting a failure counts as one failure (a crash).
Prints per-program lines for failures and the closing line
"N passed, M failed[, K skipped]".
"""

import json
import re
import sys

OK = re.compile(r'^ok\b')
NOT_OK = re.compile(r'^not ok\b')
SKIP = re.compile(r'#\s*skip', re.I)
PLAN_SKIP = re.compile(r'^1\.\.0\s*#\s*skip', re.I)


def count(name, text, exit_code):
    passed = failed = skipped = 0
    for line in text.splitlines():
        line = line.strip()
        if PLAN_SKIP.match(line):
            skipped += 1
        elif NOT_OK.match(line):
            if re.search(r'#\s*todo', line, re.I):
                continue
            failed += 1
            print('FAIL %s: %s' % (name, line))
        elif OK.match(line):
            if SKIP.search(line):
                skipped += 1
            else:
                passed += 1
    if exit_code not in (0, 77) and failed == 0:
        failed += 1
        print('FAIL %s: exited with status %s' % (name, exit_code))
    return passed, failed, skipped


def main(argv):
    total = [0, 0, 0]
    results = []
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg == '--meson-log':
            with open(args.pop(0)) as f:
                for line in f:
                    rec = json.loads(line)
                    results.append(count(rec['name'], rec.get('stdout', ''),
                                         rec.get('returncode', 0)))
        else:
            with open(arg) as f:
                text = f.read()
            m = re.match(r'# exit (-?\d+)\n', text)
            code = int(m.group(1)) if m else 0
            results.append(count(arg.rsplit('/', 1)[-1], text, code))
    for r in results:
        for i in range(3):
            total[i] += r[i]
    line = '%d passed, %d failed' % (total[0], total[1])
    if total[2]:
        line += ', %d skipped' % total[2]
    print(line)
    return 1 if total[1] or not total[0] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
