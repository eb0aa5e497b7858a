"""``python -m citegraph``: the same command as ``citegraph``."""

from citegraph.cli import main

main(prog_name="citegraph")
