#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Live-migrate the test guest for run-guest.sh -M (docs/migration.md).

usage: migrate-guest.py SRC_QMP DST_QMP MIGRATION_SOCKET SRC_CTL DST_CTL

The destination QEMU is already started with "-incoming unix:MIGRATION_SOCKET".
Migrates the source there, waits for the outcome, and tells the guest (one
line on its control serial port, /dev/ttyS2: "migrated" through the
destination's, "failed" through the source's, whichever runs the guest now).
Prints TAP results and, last, "# migration-result: completed|failed".
"""

import json
import socket
import sys
import time

TIMEOUT = 300


class Qmp:
    def __init__(self, path):
        deadline = time.monotonic() + 60
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(60)
        self.stream = self.sock.makefile('rw')
        json.loads(self.stream.readline())  # greeting
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.stream.write(json.dumps(msg) + '\n')
        self.stream.flush()
        while True:
            reply = json.loads(self.stream.readline())
            if 'error' in reply:
                raise RuntimeError('%s: %s' % (name, reply['error']['desc']))
            if 'return' in reply:
                return reply['return']


def tell_guest(path, word):
    """One line to the guest's control serial port (a socket chardev)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(path)
                s.sendall((word + '\n').encode())
                # let the UART drain before the chardev disconnects
                time.sleep(0.5)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main(argv):
    src_qmp, dst_qmp, mig, src_ctl, dst_ctl = argv[1:6]
    src, dst = Qmp(src_qmp), Qmp(dst_qmp)
    start = time.monotonic()
    src.cmd('migrate', uri='unix:' + mig)
    while True:
        info = src.cmd('query-migrate')
        status = info.get('status', 'none')
        if status in ('completed', 'failed', 'cancelled'):
            break
        if time.monotonic() - start > TIMEOUT:
            src.cmd('migrate_cancel')
            status = 'timed out'
            break
        time.sleep(0.2)
    if status != 'completed':
        print('not ok - live migration of the running guest: %s (%s)'
              % (status, info.get('error-desc', 'no reason given')))
        src.cmd('cont')
        tell_guest(src_ctl, 'failed')
        print('# migration-result: failed')
        return 1
    while not dst.cmd('query-status').get('running'):
        time.sleep(0.1)
    ram = info.get('ram', {})
    print('ok - live migration of the running guest: %d ms, downtime %d ms, '
          '%.1f MiB sent' % (info.get('total-time', 0),
                             info.get('downtime', 0),
                             ram.get('transferred', 0) / 2**20))
    src.cmd('quit')
    tell_guest(dst_ctl, 'migrated')
    print('# migration-result: completed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
