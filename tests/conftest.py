import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from tests.standin import Faults, StandinS2, World, generate_world, sample_notes_seeds

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "data" / "notes"
FIXTURES = ROOT / "tests" / "fixtures" / "semanticscholar"


@pytest.fixture(scope="session", autouse=True)
def crossref_knowing_nothing():
    """Every build in the tests asks a Crossref stand-in (that holds no work) unless a test sets its own:
    no test reaches the real Crossref."""
    from tests.standin.crossref import StandinCrossref

    service = StandinCrossref(World()).start()
    before = os.environ.get("CROSSREF_API_URL")
    os.environ["CROSSREF_API_URL"] = service.url
    yield service
    service.stop()
    if before is None:
        os.environ.pop("CROSSREF_API_URL", None)
    else:
        os.environ["CROSSREF_API_URL"] = before


@pytest.fixture
def sample_notes() -> Path:
    return SAMPLE_NOTES


@pytest.fixture(scope="session")
def sample_world():
    return generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=7)


@pytest.fixture
def standin(sample_world):
    service = StandinS2(sample_world, Faults()).start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def spark_available():
    """Skip a Spark test where pyspark or Java is missing, except where CITEGRAPH_REQUIRE_SPARK is set (CI)."""
    import importlib.util

    missing = [what for what, present in (("pyspark", importlib.util.find_spec("pyspark")), ("java", shutil.which("java")))
               if not present]
    if missing and os.environ.get("CITEGRAPH_REQUIRE_SPARK"):
        pytest.fail(f"Spark tests must run here, but {', '.join(missing)} is missing")
    if missing:
        pytest.skip(f"Spark tests need {', '.join(missing)} (pip install '.[spark]'; a JRE)")


@pytest.fixture
def fixture_json():
    return lambda name: json.loads((FIXTURES / name).read_text())


class Citegraph:
    """Runs real `citegraph` commands against the stand-in, in a private data dir."""

    def __init__(self, tmp_path: Path, api_url: str):
        self.data_dir = tmp_path / "data"
        self.output = tmp_path / "out" / "graph.html"
        self.env = {"S2_API_URL": api_url, "S2_API_KEY": "test-key-do-not-leak"}

    def __call__(self, *args, env=None):
        runner = CliRunner()
        result = runner.invoke(main, [str(a) for a in args], env={**self.env, **(env or {})}, catch_exceptions=False)
        return result

    def build(self, *args, notes=SAMPLE_NOTES, env=None):
        return self("build", notes, "--data-dir", self.data_dir, "-o", self.output, "--rps", "500", *args, env=env)

    def query(self, *args):
        return self(*args, "--data-dir", self.data_dir)

    def coverage(self) -> dict:
        return json.loads((self.data_dir / "coverage.json").read_text())

    def dump(self) -> dict:
        """What the store holds, for comparing two builds (times left out)."""
        db = sqlite3.connect(self.data_dir / "citegraph.db")
        try:
            return {
                "papers": sorted(db.execute("SELECT paper_id, data, detail FROM papers")),
                "edges": sorted(db.execute("SELECT * FROM edges")),
                "unresolved": sorted(db.execute("SELECT * FROM unresolved")),
                "aliases": sorted(db.execute("SELECT * FROM aliases")),
                "log": sorted(db.execute("SELECT subject, what, status, items FROM fetch_log")),
            }
        finally:
            db.close()


@pytest.fixture
def citegraph(tmp_path, standin):
    return Citegraph(tmp_path, standin.url)


def subprocess_env(api_url: str) -> dict:
    return {**os.environ, "S2_API_URL": api_url, "S2_API_KEY": "test-key-do-not-leak"}


def two_builds_at_once(api_url: str, tmp_path: Path) -> None:
    """Two `citegraph build` processes of the sample notes started together on one data dir; both succeed."""
    command = [sys.executable, "-m", "cli", "build", str(SAMPLE_NOTES), "--data-dir", str(tmp_path / "data"),
               "--rps", "500"]
    runs = [subprocess.Popen(command + ["-o", str(tmp_path / f"g{i}.html")], cwd=ROOT, env=subprocess_env(api_url),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
