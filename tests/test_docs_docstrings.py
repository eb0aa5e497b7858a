"""Every docstring example in the library runs and prints what it shows (NetworkX-style Examples)."""

import doctest
import importlib
import pkgutil

import pytest

import citegraph
from citegraph.demo.examples import example_graph

# The modules whose docstrings show how to use them; the others (the CLI, the store, the S2
# transport, file readers, the generated world…) are tested through what they do, not by example.
MODULES = [
    "citegraph",
    "citegraph.questions.reading",
    "citegraph.questions.tables",
    "citegraph.questions.ranking",
    "citegraph.questions.related",
    "citegraph.questions.card",
    "citegraph.questions.stats",
    "citegraph.assemble",
    "citegraph.constants",
    "citegraph.datafiles",
    "citegraph.bulk.download",
    "citegraph.bulk.engines",
    "citegraph.demo.run",
    "citegraph.text",
    "citegraph.demo.examples",
    "citegraph.export.formats",
    "citegraph.export.bibtex",
    "citegraph.bulk.extract",
    "citegraph.fetch",
    "citegraph.savedgraph",
    "citegraph.clustering",
    "citegraph.notes.ids",
    "citegraph.notes.entries",
    "citegraph.mcp.resources",
    "citegraph.lookup",
    "citegraph.notes.reader",
    "citegraph.paths",
    "citegraph.map.render",
    "citegraph.map.pagedata",
    "citegraph.s2.client",
    "citegraph.s2.config",
    "citegraph.s2.adapter",
    "citegraph.s2.schema",
    "citegraph.demo.release_writer",
    "citegraph.crossref.schema",
    "citegraph.versions",
]


def runnable_examples(module) -> int:
    return sum(
        1
        for test in doctest.DocTestFinder().find(module)
        for example in test.examples
        if not example.options.get(doctest.SKIP)
    )


@pytest.mark.parametrize("name", MODULES)
def test_every_checked_module_has_an_example_that_runs(name):
    assert runnable_examples(importlib.import_module(name)) > 0, f"{name} has no example to run: add one or drop it"


def test_every_module_with_runnable_examples_is_checked():
    every = ["citegraph", *(m.name for m in pkgutil.walk_packages(citegraph.__path__, "citegraph."))]
    assert [n for n in every if n not in MODULES and runnable_examples(importlib.import_module(n))] == []


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    # Every example may use the five-paper graph without importing it.
    result = doctest.testmod(
        module, extraglobs={"example_graph": example_graph}, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"


def test_public_functions_have_examples():
    for module_name in ("citegraph.questions", "citegraph.export.formats", "citegraph.export.bibtex"):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type):
                assert "Examples\n" in (value.__doc__ or ""), f"{module.__name__}.{name} has no Examples section"
