#!/usr/bin/env python3
# Runs a command on a new pseudo-terminal of a given size, as a person at a terminal would
# (e2e/test/tty.e2e.test.ts): the command's session has the pty as its controlling terminal.
# usage: pty-run.py ROWS COLS WAIT_FOR ACTION -- COMMAND...
# Once WAIT_FOR appears in the output, ACTION happens once:
#   resize:ROWSxCOLS   TIOCSWINSZ on the master (the kernel sends SIGWINCH to the foreground group)
#   signal:NAME:FILE   sends SIGNAME to the process whose id the command wrote to FILE
#   type:TEXT          writes TEXT to the master, as typed keys (Python escapes: \n, \x04 = Ctrl-D)
# Everything the command printed goes to stdout; the exit status is the command's.
import fcntl, os, pty, select, signal, struct, sys, termios, time

rows, cols, wait_for, action = sys.argv[1:5]
cmd = sys.argv[6:]
pid, master = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', int(rows), int(cols), 0, 0))
    os.execvp(cmd[0], cmd)

def act():
    kind, _, arg = action.partition(':')
    if kind == 'resize':
        r, c = arg.split('x')
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', int(r), int(c), 0, 0))
    elif kind == 'signal':
        name, _, pidfile = arg.partition(':')
        with open(pidfile) as f:
            os.kill(int(f.read().strip()), getattr(signal, 'SIG' + name))
    elif kind == 'type':
        os.write(master, arg.encode().decode('unicode_escape').encode('latin-1'))
    else:
        raise SystemExit(f'pty-run.py: unknown action {action}')

out = b''
done = False
deadline = time.time() + 300
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 1)
    if not r:
        continue
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the slave side is closed (the command ended)
        break
    if not chunk:
        break
    out += chunk
    if not done and wait_for.encode() in out:
        act()
        done = True
sys.stdout.buffer.write(out)
sys.stdout.flush()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
