#!/usr/bin/env python3
# Runs a command on a new pseudo-terminal of a given size, as a person at a terminal would
# (e2e/test/tty.e2e.test.ts): the command's session has the pty as its controlling terminal.
# usage: pty-run.py ROWS COLS WAIT_FOR NEW_ROWS NEW_COLS -- COMMAND...
# Once WAIT_FOR appears in the output, the pty is resized to NEW_ROWS x NEW_COLS (TIOCSWINSZ on
# the master; the kernel sends SIGWINCH to the foreground process group). Everything the command
# printed goes to stdout; the exit status is the command's. The command's own terminal settings
# before and after (stty -g) are compared by the caller's command line, not here.
import fcntl, os, pty, select, struct, sys, termios, time

rows, cols, wait_for, new_rows, new_cols = sys.argv[1:6]
cmd = sys.argv[7:]
pid, master = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', int(rows), int(cols), 0, 0))
    os.execvp(cmd[0], cmd)
out = b''
resized = False
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
    if not resized and wait_for.encode() in out:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', int(new_rows), int(new_cols), 0, 0))
        resized = True
sys.stdout.buffer.write(out)
sys.stdout.flush()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)
