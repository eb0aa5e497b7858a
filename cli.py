"""The `citegraph` command; the code lives in the package, `citegraph.cli` (graph/citegraph/cli.py)."""

from citegraph.cli import main

main()
