"""Every docstring example in the library runs and prints what it shows (NetworkX-style Examples)."""

import doctest
import importlib
import pkgutil

import pytest

import citegraph
from citegraph.examples import example_graph

MODULES = ["citegraph", *sorted(m.name for m in pkgutil.iter_modules(citegraph.__path__, "citegraph."))]


def test_every_module_is_checked():
    assert {"citegraph", "citegraph.analysis", "citegraph.export", "citegraph.cli"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    # Every example may use the five-paper graph without importing it.
    result = doctest.testmod(module, extraglobs={"example_graph": example_graph}, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"


def test_public_functions_have_examples():
    for module in (importlib.import_module("citegraph.analysis"), importlib.import_module("citegraph.export")):
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type):
                assert "Examples\n" in (value.__doc__ or ""), f"{module.__name__}.{name} has no Examples section"
