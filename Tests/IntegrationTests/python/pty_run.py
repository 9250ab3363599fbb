#!/usr/bin/python3
"""Runs a command on a pseudo-terminal, as an interactive user would.

virsh console needs a terminal, and virsh's output through a pipe would be
block-buffered. Everything the command prints is copied to stdout at once;
everything written to our stdin goes to the terminal. Exits with the command's
status. SIGTERM ends the command too.
"""
import os
import pty
import select
import signal
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: pty_run.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    pid, master = pty.fork()
    if pid == 0:
        # Ignored and blocked signals survive exec, and the test runner that
        # started us may ignore or block some; give the command the defaults.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(sys.argv[1], sys.argv[1:])

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    inputs = [master, sys.stdin.fileno()]
    while True:
        try:
            ready, _, _ = select.select(inputs, [], [], 0.5)
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                data = b""
            if not data:
                break
            os.write(sys.stdout.fileno(), data)
        if sys.stdin.fileno() in ready:
            data = os.read(sys.stdin.fileno(), 4096)
            if data:
                os.write(master, data)
            else:
                inputs.remove(sys.stdin.fileno())
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
