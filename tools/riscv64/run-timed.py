#!/usr/bin/env python3
"""Run a command (e.g. QEMU), stream its output, and report the wall seconds from the
start until a marker line appears (default BOOT-OK) and until the process exits.

usage: run-timed.py [--marker BOOT-OK] [--timeout 600] [--log FILE] [--stamp] -- cmd args...
  --log FILE  write the raw output (exactly as printed by the command, CR removed) to FILE
  --stamp     prefix each echoed line with [seconds since start]
Last line printed: RESULT marker=... t_marker=... t_exit=... rc=...
Exit status: 0 if the marker was seen, 1 otherwise.
"""
import argparse
import subprocess
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument('--marker', default='BOOT-OK')
ap.add_argument('--timeout', type=float, default=600)
ap.add_argument('--log')
ap.add_argument('--stamp', action='store_true')
ap.add_argument('cmd', nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd
if not cmd:
    ap.error('no command')

log = open(a.log, 'w') if a.log else None
t0 = time.monotonic()
tmark = None
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
timed_out = False


def watchdog():
    global timed_out
    if p.poll() is None:
        timed_out = True
        p.kill()


timer = threading.Timer(a.timeout, watchdog)
timer.daemon = True
timer.start()
for raw in p.stdout:
    dt = time.monotonic() - t0
    line = raw.decode('utf-8', 'replace').rstrip('\r\n').replace('\r', '')
    if tmark is None and line.strip() == a.marker:
        tmark = dt
    print(('[%8.3f] %s' % (dt, line)) if a.stamp else line, flush=True)
    if log:
        log.write(line + '\n')
p.wait()
timer.cancel()
tend = time.monotonic() - t0
res = 'RESULT marker=%s t_marker=%s t_exit=%.3f rc=%s%s' % (
    a.marker, ('%.3f' % tmark) if tmark is not None else 'NOT-SEEN', tend, p.returncode,
    ' TIMEOUT' if timed_out else '')
print(res, flush=True)
if log:
    log.close()
sys.exit(0 if tmark is not None and not timed_out else 1)
