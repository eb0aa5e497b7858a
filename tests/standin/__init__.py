"""A loopback stand-in for the Semantic Scholar Graph API, for tests, benchmarks and trying citegraph by hand."""

from citegraph.demo.world import (
    Citation,
    World,
    generate_library,
    generate_world,
    load_recorded_paper,
    sample_notes_seeds,
)

from .hostile import HostileS2
from .server import Faults, StandinS2

__all__ = [
    "Citation",
    "Faults",
    "HostileS2",
    "StandinS2",
    "World",
    "generate_library",
    "generate_world",
    "load_recorded_paper",
    "sample_notes_seeds",
]
