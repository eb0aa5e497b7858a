"""A generated researcher's library (citegraph.demo.world.generate_library), built with the real CLI
against the stand-in."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from math import comb
from pathlib import Path

from click.testing import CliRunner

from citegraph.assemble import load_graph
from citegraph.cli import main
from citegraph.demo.world import Library
from tests.once import made_before, once_per_run
from tests.standin import Faults, StandinS2, generate_library


@dataclass
class BuiltLibrary:
    library: Library
    data_dir: Path
    output: Path

    def graph(self):
        return load_graph(self.data_dir / "graph.jsonl")

    def query(self, *args):
        return CliRunner().invoke(
            main, [str(a) for a in args] + ["--data-dir", str(self.data_dir)], catch_exceptions=False
        )


def build_library(
    folder: Path, n_read: int, headings: bool, n_topics: int = 8, fetched: BuiltLibrary | None = None
) -> BuiltLibrary:
    """Generate the library, write its notes (with or without topic headings), build it over HTTP.

    ``fetched``: the same library already built with the other notes layout. Its store holds every answer
    this build would fetch, so this one starts from a copy of it and builds ``--offline``.
    """
    library = fetched.library if fetched else generate_library(n_read=n_read, n_topics=n_topics, seed=0)
    folder.mkdir(parents=True, exist_ok=True)
    notes = folder / "reading.md"
    notes.write_text(library.notes(headings), encoding="utf-8")
    built = BuiltLibrary(library, folder / "data", folder / "map.html")
    command = ["build", str(notes), "--data-dir", str(built.data_dir), "-o", str(built.output)]
    if fetched:
        shutil.copytree(fetched.data_dir, built.data_dir)
        result = CliRunner().invoke(main, [*command, "--offline"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return built
    service = StandinS2(library.world, Faults()).start()
    try:
        result = CliRunner().invoke(
            main, [*command, "--rps", "1000"], env={"S2_API_URL": service.url}, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
    finally:
        service.stop()
    return built


def library_once(root: Path, n_read: int, headings: bool, n_topics: int = 8) -> BuiltLibrary:
    """The library built once per test run under ``root`` (see `tests.once`). The second notes layout starts
    from the first's store, whichever process built that."""

    def name_of(layout_headings: bool) -> str:
        return f"library-{n_read}-{'headings' if layout_headings else 'flat'}-{n_topics}"

    def build(folder: Path) -> BuiltLibrary:
        fetched = made_before(root / name_of(not headings))
        return build_library(folder, n_read, headings, n_topics, fetched=fetched)

    return once_per_run(root, name_of(headings), build)


def adjusted_rand_index(truth: list, found: list) -> float:
    """How well two partitions of the same items agree: 1 identical, about 0 as by chance."""
    pairs = sum(comb(n, 2) for n in Counter(zip(truth, found)).values())
    truth_pairs = sum(comb(n, 2) for n in Counter(truth).values())
    found_pairs = sum(comb(n, 2) for n in Counter(found).values())
    expected = truth_pairs * found_pairs / comb(len(truth), 2)
    best = (truth_pairs + found_pairs) / 2
    return (pairs - expected) / (best - expected) if best != expected else 1.0


def true_and_found_topics(built: BuiltLibrary) -> tuple[list[str], list[str]]:
    """Each read paper's generated topic and the group citegraph put it in."""
    graph = built.graph()
    truth, found = [], []
    for _, data in graph.nodes(data=True):
        if data.get("read"):
            truth.append(built.library.topic_of[data["externalIds"]["ArXiv"]])
            found.append(data.get("cluster"))
    return truth, found
