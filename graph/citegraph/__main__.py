"""``python -m citegraph``: the same command as ``citegraph``."""

from citegraph.cli import main

if __name__ == "__main__":
    main(prog_name="citegraph")
