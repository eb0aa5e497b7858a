"""Ctrl-C for the children that tests and benchmarks interrupt."""

import signal


def ctrl_c_as_at_a_terminal() -> None:
    """``preexec_fn`` of a child that will be sent SIGINT: it takes Ctrl-C as a terminal's user gives it.

    A child inherits what its parent does with SIGINT. A shell without job control starts its background
    commands with SIGINT ignored (a CI runner may start the suite so), and a thread that spawns a child
    while it blocks signals passes the block on: either way Python never raises KeyboardInterrupt, and
    the child would sleep through the Ctrl-C that the test sends it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
