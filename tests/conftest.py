import gc
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
from citegraph.demo.release_writer import write_release
from tests.once import once_per_run, shared_root
from tests.standin import Faults, StandinS2, World, generate_world, sample_notes_seeds

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "data" / "notes"
FIXTURES = ROOT / "tests" / "fixtures" / "semanticscholar"

# A test process keeps generated worlds, libraries and stand-ins for its whole run, and with Python's
# default thresholds (700, 10, 10) its full collections walk all of them again and again: about a fifth of
# its CPU (measured on tests/test_questions_answers.py: 13.2 CPU-seconds, 2.4 of them in full collections).
# Collecting less often leaves only the garbage the tests make to collect.
gc.set_threshold(50_000, 20, 20)


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
def shared(tmp_path_factory) -> Path:
    """The folder where the run's test processes share what is made once per run (`tests.once`)."""
    return shared_root(tmp_path_factory)


@pytest.fixture(scope="session")
def sample_world(shared):
    """The world the stand-in serves by default, generated once per run."""
    return once_per_run(
        shared, "sample-world", lambda _: generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=7)
    )


@pytest.fixture
def standin(sample_world):
    service = StandinS2(sample_world, Faults()).start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def built_library(shared):
    """``built_library(n_read, headings, n_topics=8)``: a generated library built through the stand-in, once
    per test run for each size and notes layout, shared by the run's test processes (tests read it and never
    change it). The second layout of a library starts from the first's store and fetches nothing."""
    from tests.library import library_once

    built = {}

    def get(n_read: int, headings: bool, n_topics: int = 8):
        key = (n_read, headings, n_topics)
        if key not in built:
            built[key] = library_once(shared, n_read, headings, n_topics)
        return built[key]

    return get


@pytest.fixture(scope="session")
def spark_available():
    """Skip a Spark test where pyspark or Java is missing, except where CITEGRAPH_REQUIRE_SPARK is set (CI)."""
    import importlib.util

    missing = [
        what
        for what, present in (("pyspark", importlib.util.find_spec("pyspark")), ("java", shutil.which("java")))
        if not present
    ]
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


def build_on(world: World, folder: Path, *extra, notes: Path = SAMPLE_NOTES) -> Path:
    """``citegraph build NOTES`` into ``folder`` (``data/`` and ``map.html``) against a stand-in serving ``world``,
    started for this build only; returns ``folder``."""
    service = StandinS2(world, Faults()).start()
    try:
        result = CliRunner().invoke(
            main,
            ["build", str(notes), "--data-dir", str(folder / "data"), "-o", str(folder / "map.html"), "--rps", "500"]
            + [str(arg) for arg in extra],
            env={"S2_API_URL": service.url},
            catch_exceptions=False,
        )
    finally:
        service.stop()
    assert result.exit_code == 0, result.output
    return folder


def query(data_dir, *args):
    """``citegraph ARGS --data-dir DATA_DIR`` run in this process, as click's test runner gives it back."""
    return CliRunner().invoke(main, [*map(str, args), "--data-dir", str(data_dir)])


@pytest.fixture
def citegraph(tmp_path, standin):
    return Citegraph(tmp_path, standin.url)


def built_once(world: World, folder: Path) -> Path:
    """`citegraph build` of the sample notes against a stand-in serving ``world``, in ``folder`` laid out as
    `Citegraph` lays it out (its data dir and map): tests copy it instead of each fetching it."""
    service = StandinS2(world, Faults()).start()
    try:
        result = Citegraph(folder, service.url).build()
        assert result.exit_code == 0, result.output
    finally:
        service.stop()
    return folder


@pytest.fixture(scope="session")
def sample_built_once(sample_world, shared):
    """One build of the sample notes per test run, which the ``built`` fixture copies (never changed)."""
    return once_per_run(shared, "sample-built", lambda folder: built_once(sample_world, folder / "built"))


@pytest.fixture
def built(citegraph, tmp_path, sample_built_once):
    """``citegraph`` once `citegraph build` of the sample notes has run: a copy of the run's one build."""
    shutil.copytree(sample_built_once, tmp_path, dirs_exist_ok=True)
    return citegraph


def subprocess_env(api_url: str) -> dict:
    return {**os.environ, "S2_API_URL": api_url, "S2_API_KEY": "test-key-do-not-leak"}


def two_builds_at_once(api_url: str, tmp_path: Path) -> None:
    """Two `citegraph build` processes of the sample notes started together on one data dir; both succeed."""
    command = [
        sys.executable,
        "-m",
        "cli",
        "build",
        str(SAMPLE_NOTES),
        "--data-dir",
        str(tmp_path / "data"),
        "--rps",
        "500",
    ]
    runs = [
        subprocess.Popen(
            command + ["-o", str(tmp_path / f"g{i}.html")],
            cwd=ROOT,
            env=subprocess_env(api_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs


# -- a Datasets release of a generated world ------------------------------------------------------

DATASETS_RELEASE_ID = "2025-12-05"


@pytest.fixture(scope="module")
def datasets_world(request):
    """The world a Datasets test module serves: the sample notes' papers among background papers, generated
    with the module's ``DATASETS_WORLD`` (``generate_world``'s arguments)."""
    return generate_world(sample_notes_seeds([SAMPLE_NOTES]), **request.module.DATASETS_WORLD)


@pytest.fixture(scope="module")
def datasets_shards(datasets_world, tmp_path_factory):
    """The world's release as the stand-in serves it: its folder and its shards by dataset."""
    folder = tmp_path_factory.mktemp("served")
    return folder, write_release(datasets_world, folder)


@pytest.fixture(scope="module")
def datasets_release(datasets_shards, tmp_path_factory):
    """The world's release, imported (as `citegraph datasets import` leaves it)."""
    from citegraph.bulk.release import import_release

    folder = tmp_path_factory.mktemp("release")
    for dataset in ("papers", "citations"):
        shutil.copytree(datasets_shards[0] / dataset, folder / dataset)
    import_release(folder)
    return folder


@pytest.fixture
def datasets_service(datasets_world, datasets_shards):
    """The stand-in serving the world, its release listed as ``DATASETS_RELEASE_ID``."""
    served = StandinS2(datasets_world).start()
    served.datasets.add_release(DATASETS_RELEASE_ID, datasets_shards[1])
    yield served
    served.stop()


@pytest.fixture
def datasets_run(tmp_path, datasets_service):
    return Citegraph(tmp_path, datasets_service.url)


# -- the map in Chromium ------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
WINDOW = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module: Playwright's sync API keeps an event loop running while
    it is open, so a browser left open for the session would break the asyncio.run of later tests."""
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is needed for the map tests: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


class OpenedMap:
    def __init__(self, browser, path: Path, hash_: str = ""):
        self.page = browser.new_page(viewport=WINDOW)
        self.network_requests, self.console_errors, self.dialogs = [], [], []

        def route(request_route):
            url = request_route.request.url
            if url.startswith("file://"):
                request_route.continue_()
            else:
                self.network_requests.append(url)
                request_route.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri() + hash_)
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=30_000)
        self.page.wait_for_selector("body[data-stable]", state="attached", timeout=30_000)
        self.page.evaluate("() => { window.open = (url) => { window.__opened = url; }; }")

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def centre(self, node: str) -> dict:
        """A node's centre on screen (no other node covers it: the layout has no overlaps)."""
        return self.js(
            "id => { const n = window.citegraph.network; const p = n.canvasToDOM(n.getPositions([id])[id]);"
            " return {x: Math.round(p.x), y: Math.round(p.y)}; }",
            node,
        )

    def close(self):
        self.page.close()


MEASURE = """() => {
  const net = window.citegraph.network, scale = net.getScale(), ids = net.body.nodeIndices;
  const positions = net.getPositions(ids), panel = document.getElementById('panel').getBoundingClientRect();
  const dots = ids.map(id => { const c = net.canvasToDOM(positions[id]);
                               return {x: c.x, y: c.y, r: net.body.nodes[id].options.size * scale}; });
  const labels = ids.filter(id => net.body.nodes[id].options.label).map(id => {
    const s = net.body.nodes[id].labelModule.size;
    const a = net.canvasToDOM({x: s.left, y: s.top}), b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    return {left: a.x, top: a.y, right: b.x, bottom: b.y}; });
  let overlapping = 0;
  for (let i = 0; i < dots.length; i++) for (let j = i + 1; j < dots.length; j++)
    if (Math.hypot(dots[i].x - dots[j].x, dots[i].y - dots[j].y) < dots[i].r + dots[j].r) overlapping++;
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const heights = labels.map(l => l.bottom - l.top).sort((a, b) => a - b);
  const inside = (l, t, r, b) => l >= 0 && r <= innerWidth && t >= 0 && b <= innerHeight
    && (l >= panel.right || r <= panel.left || t >= panel.bottom || b <= panel.top);  // the window less the panel
  return {drawn: dots.length, labels: labels.length, overlapping,
          touching: labels.filter(a => labels.some(b => b !== a && hit(a, b))).length,
          medianLabel: heights[heights.length >> 1],
          outside: dots.filter(d => !inside(d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r)).length
                   + labels.filter(l => !inside(l.left, l.top, l.right, l.bottom)).length};
}"""


def pytest_collection_modifyitems(items):
    """Every test that opens Chromium carries the browser marker (``-m "not browser"`` leaves them out).

    The files marked heavy come first: tests/run's workers take files in this order, so they start the
    longest while the short ones are still waiting, and the run does not end with one worker alone on one.
    """
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)  # stable: each file stays whole
