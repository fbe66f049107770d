#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Minimal QMP client for the test runner.

usage: qmp.py SOCKET COMMAND [ARGS-JSON] [COMMAND [ARGS-JSON] ...]

Connects to a QEMU QMP unix socket, enters command mode and runs each
command, printing each "return" value as one JSON line.  Exits non-zero on
an "error" reply.
"""

import json
import socket
import sys


def main(argv):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(argv[1])
    stream = sock.makefile('rw')

    def reply():
        while True:
            msg = json.loads(stream.readline())
            if 'return' in msg or 'error' in msg:
                return msg

    json.loads(stream.readline())  # greeting
    stream.write(json.dumps({'execute': 'qmp_capabilities'}) + '\n')
    stream.flush()
    reply()
    args = argv[2:]
    while args:
        cmd = {'execute': args.pop(0)}
        if args and args[0].startswith('{'):
            cmd['arguments'] = json.loads(args.pop(0))
        stream.write(json.dumps(cmd) + '\n')
        stream.flush()
        msg = reply()
        if 'error' in msg:
            print('qmp: %s: %s' % (cmd['execute'], msg['error'].get('desc')),
                  file=sys.stderr)
            return 1
        print(json.dumps(msg['return']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
