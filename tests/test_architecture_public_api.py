"""`import citegraph`: every public name is what its module defines, whatever was imported first,
and the library's option classes and entry points refuse what they cannot use."""

import subprocess
import sys

import pytest

import citegraph
from citegraph.fetch import FetchOptions
from citegraph.map.render import MapOptions
from citegraph.s2.config import S2Config
from tests.conftest import ROOT

CHECK = """
import importlib, pkgutil, sys, types
import citegraph
names = [n for n in citegraph.__all__ if n != "__version__"]
order = sys.argv[1]
if order == "submodules first":
    for module in pkgutil.walk_packages(citegraph.__path__, "citegraph."):
        importlib.import_module(module.name)
if order == "reversed":
    names.reverse()
if order == "from-import":
    namespace = {}
    exec("from citegraph import *", namespace)
for name in names:
    value = getattr(citegraph, name)
    assert not isinstance(value, types.ModuleType), (order, name, value)
    home = importlib.import_module("citegraph." + citegraph._EXPORTS[name])
    assert value is getattr(home, name), (order, name)
print("ok", len(names))
"""


@pytest.mark.parametrize("order", ["names first", "reversed", "submodules first", "from-import"])
def test_every_public_name_is_its_modules_object_whatever_was_imported_first(order):
    done = subprocess.run([sys.executable, "-c", CHECK, order], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr


def test_options_errors_and_version_are_public():
    for name in (
        "FetchOptions",
        "S2Config",
        "MapOptions",
        "CitegraphError",
        "NoPapersFound",
        "S2Unavailable",
        "ReadingStatus",
        "export_graph",
    ):
        assert name in citegraph.__all__
    from importlib.metadata import version

    assert citegraph.__version__ == version("citegraph")


@pytest.mark.parametrize(
    "make,named",
    [
        (lambda: MapOptions(color="comunity"), "color='comunity' is not one of: auto, topic, cluster, community, year"),
        (lambda: MapOptions(max_nodes=3), "max_nodes=3 is less than 10"),
        (lambda: FetchOptions(depth=4), "depth=4 is not one of: 1, 2, 3"),
        (lambda: S2Config(rps=0), "rps=0 is less than 0.01"),
    ],
)
def test_a_wrong_option_is_refused_by_name(make, named):
    with pytest.raises(ValueError) as raised:
        make()
    assert str(raised.value) == named


def test_build_takes_its_options_by_keyword_only(tmp_path):
    with pytest.raises(TypeError):
        citegraph.build([tmp_path], tmp_path / "data")


def _every_citegraph_module():
    """Import every module of the package (but ``__main__``, which would run the CLI)."""
    import importlib
    import pkgutil

    names = [
        info.name
        for info in pkgutil.walk_packages(citegraph.__path__, "citegraph.")
        if info.name != "citegraph.__main__"
    ]
    return [importlib.import_module(name) for name in names]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_citegraph_error_is_defined_in_errors_and_importable_from_citegraph():
    _every_citegraph_module()
    errors = set(_subclasses(citegraph.CitegraphError)) | {citegraph.CitegraphError}
    assert len(errors) > 15
    for error in errors:
        assert error.__module__ == "citegraph.errors", f"{error.__qualname__} is defined in {error.__module__}"
        assert error.__name__ in citegraph.__all__, f"{error.__name__} is not in citegraph.__all__"
        assert getattr(citegraph, error.__name__) is error
