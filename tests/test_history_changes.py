"""The history of builds: a library's life on the stand-in (changes, log, the map's "new" filter, the MCP
tool), and saturation on worlds built for it. Expectations are computed from the world, not from citegraph."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.demo.world import Citation, World, _paper_id, _record, generate_library
from citegraph.mcp import create_server
from tests.conftest import CHROMIUM, OpenedMap
from tests.standin import StandinS2
from tests.standin.growth import gain_citers
from tests.test_mcp_server import answer

TOP = 20
S2_PAPER = "https://www.semanticscholar.org/paper/"


def run(data_dir: Path, *args, env=None):
    result = CliRunner().invoke(
        main, [str(a) for a in args] + ["--data-dir", str(data_dir)], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def world_citers(world: World, yours: set[str]) -> set[str]:
    return {citer for paper in yours for citer, _ in world.citations.get(paper, []) if citer not in yours}


def world_top(world: World, read: set[str], queued: set[str]) -> set[str]:
    """The top 20 unread papers as the documented score orders them: queued first, then cited_by_count +
    influential_count (the PageRank term, in (0, 1], never reorders papers whose sums differ)."""
    key: Counter = Counter()
    for reader in read | queued:
        for citation in world.references[reader]:
            if citation.cited and citation.cited not in read and citation.cited != reader:
                key[citation.cited] += 1 + citation.is_influential
    order = sorted(key, key=lambda p: (p not in queued, -key[p]))
    assert key[order[TOP - 1]] != key[order[TOP]], "the world leaves the top 20 undecided: pick another seed"
    return set(order[:TOP])


@pytest.fixture(scope="module")
def life(tmp_path_factory):
    """Build with --citations; add 10 papers to the notes (5 read, 5 queued); the world gains 30 papers
    citing yours; rebuild with --citations --refresh-after 0."""
    folder = tmp_path_factory.mktemp("life")
    library = generate_library(n_read=40, n_topics=3, papers_per_read=20, seed=12)
    world = library.world
    notes = folder / "reading.md"
    notes.write_text(library.notes(), encoding="utf-8")
    read = {world.resolve(f"arxiv:{a}") for a in library.topic_of}
    service = StandinS2(world).start()
    env = {"S2_API_URL": service.url}
    data_dir, output = folder / "data", folder / "map.html"
    try:
        run(data_dir, "build", notes, "--citations", "--rps", "1000", "-o", output, env=env)
        citers_before, top_before = world_citers(world, read), world_top(world, read, set())
        added = sorted(top_before, key=lambda p: p)[:10]
        newly_read, queued = set(added[:5]), set(added[5:])
        with notes.open("a", encoding="utf-8") as handle:
            handle.write(
                "\n# Added later\n\n" + "".join(f"- [{'x' if p in newly_read else ' '}] {S2_PAPER}{p}\n" for p in added)
            )
        gained = gain_citers(world, sorted(read), 30, seed=5)
        service.reset()
        result = run(
            data_dir, "build", notes, "--citations", "--refresh-after", "0", "--rps", "1000", "-o", output, env=env
        )
        asked = [r["path"] for r in service.log.requests]
    finally:
        service.stop()
    yours = read | set(added)
    grown = {c.cited for p in gained for c in world.references[p]}
    return {
        "data_dir": data_dir,
        "output": output,
        "build": result.output,
        "gained": set(gained),
        "new_citers": world_citers(world, yours) - citers_before,
        "asked": asked,
        "grown": grown,
        "added": set(added),
        "top_before": top_before,
        "top_after": world_top(world, read | newly_read, queued),
        "read": newly_read,
    }


def changes_json(life) -> dict:
    return json.loads(run(life["data_dir"], "changes", "--format", "json").stdout)


def kinds(rows: list[dict], change: str) -> set[str]:
    return {row["paperId"] for row in rows if row["change"] == change}


def test_changes_lists_exactly_the_new_papers_citing_yours(life):
    rows = changes_json(life)["changes"]
    assert life["gained"] <= life["new_citers"]
    assert kinds(rows, "cites yours") == life["new_citers"]


def test_changes_lists_the_unread_papers_that_entered_or_left_the_top_20(life):
    rows = changes_json(life)["changes"]
    assert kinds(rows, f"entered top {TOP}") == life["top_after"] - life["top_before"]
    assert kinds(rows, f"left top {TOP}") == life["top_before"] - life["top_after"]
    read_rows = [row for row in rows if row["change"] == f"left top {TOP}" and row["paperId"] in life["read"]]
    assert len(read_rows) == 5 and all(row["detail"] == "you read it" for row in read_rows)


def test_the_rebuild_asks_one_batch_again_and_citations_only_of_papers_that_gained_citers(life):
    asked_citations = {path.split("/")[-2] for path in life["asked"] if path.endswith("/citations")}
    assert asked_citations == life["grown"] | life["added"]
    assert sum(path.endswith("/paper/batch") for path in life["asked"]) == 2  # the 10 new papers; your papers' counts


def test_the_rebuild_says_what_changed(life):
    assert "changes: since build 1" in life["build"]
    assert f"{len(life['new_citers'])} cites yours" in life["build"]


def test_changes_prints_every_format(life):
    for fmt in ("table", "csv", "md"):
        text = run(life["data_dir"], "changes", "--format", fmt).stdout
        assert "cites yours" in text and f"entered top {TOP}" in text


def test_changes_since_a_date_compares_with_the_last_build_before_it(life):
    found = json.loads(run(life["data_dir"], "changes", "--since", "2999-01-01", "--format", "json").stdout)
    assert found["since_build"] == 1 and found["build"] == 2


def test_changes_since_a_build_that_is_not_kept_is_one_line(life):
    result = CliRunner().invoke(main, ["changes", "--since-build", "9", "--data-dir", str(life["data_dir"])])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "kept" in result.stderr


@pytest.fixture
def browser():
    """Chromium for one test: a module-wide one would keep Playwright's event loop running under the MCP test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def test_the_maps_new_filter_shows_the_rows_of_changes(life, browser):
    page = OpenedMap(browser, life["output"])
    try:
        rows = page.js("() => window.citegraph.changes()")
        assert rows == changes_json(life)["changes"]
        page.page.locator("#newOnly").check()
        shown = page.js("() => window.citegraph.newShown()")
        new = {
            r["paperId"] for r in rows if r["paperId"] and r["change"] != "read" and not r["change"].startswith("left")
        }
        assert set(shown) == new  # a paper may have two rows (it cites yours and entered the top 20)
        assert life["new_citers"] <= set(shown)
        hidden_new = page.js(
            "ids => ids.filter(id => { const n = window.citegraph.nodes.get(id); return n && n.hidden; })", sorted(new)
        )
        assert hidden_new == [] and not page.console_errors
    finally:
        page.close()


def test_the_mcp_tool_answers_the_same_rows(life):
    data = answer(create_server(life["data_dir"]), "changes")
    assert data["changes"] == changes_json(life)["changes"]


def test_log_md_is_a_methods_paragraph_and_a_row_per_build(life):
    text = run(life["data_dir"], "log", "--format", "md").stdout
    paragraph, table = text.split("\n\n", 1)
    assert paragraph.startswith("We chased citations with citegraph") and "(2 builds)" in paragraph
    assert "SHA-256" in paragraph and "reading.md" in paragraph
    lines = table.strip().splitlines()
    assert len(lines) == 4 and lines[2].startswith("| 1 |") and lines[3].startswith("| 2 |")
    (life["data_dir"].parent / "log.md").write_text(text, encoding="utf-8")


def test_log_json_names_the_source_options_requests_and_counts(life):
    rows = json.loads(run(life["data_dir"], "log", "--format", "json").stdout)
    assert [row["build"] for row in rows] == [1, 2]
    assert all(row["source"].startswith("Semantic Scholar Graph API at http://127.0.0.1") for row in rows)
    assert rows[1]["citations"] is True and rows[1]["depth"] == 1 and rows[1]["requests"] > 0
    assert rows[1]["notes"][0]["sha256"] != rows[0]["notes"][0]["sha256"]


# -- saturation -------------------------------------------------------------------------------------


def _paper(world: World, number: int, cites: list[str], rng: random.Random) -> str:
    record = _record(_paper_id(91, number), number, f"Topic paper {number}", 2020, rng)
    return world.add_paper(record, [Citation(c, world.papers[c]["title"], False, [], []) for c in cites])


def saturation_series(folder: Path, rounds: list[list[str]], world: World) -> dict:
    """Build once per round, the notes holding the readers of every round so far; `saturation --format json`."""
    notes, data_dir = folder / "notes.md", folder / "data"
    service = StandinS2(world.finish()).start()
    try:
        for number in range(1, len(rounds) + 1):
            notes.write_text("".join(f"- {S2_PAPER}{p}\n" for r in rounds[:number] for p in r), encoding="utf-8")
            run(data_dir, "build", notes, "--rps", "1000", "-o", folder / "map.html", env={"S2_API_URL": service.url})
    finally:
        service.stop()
    return json.loads(run(data_dir, "saturation", "--format", "json").stdout)


def test_saturation_falls_to_zero_new_as_the_reading_covers_a_topic(tmp_path):
    rng, world = random.Random(1), World()
    core = [_paper(world, n, [], rng) for n in range(30)]
    rounds = [
        [_paper(world, 100 + 10 * r + i, rng.sample(core[:15] if r == 0 else core, 8), rng) for i in range(10)]
        for r in range(4)
    ]
    found = saturation_series(tmp_path, rounds, world)
    assert found["series"][0]["new"] is None
    assert found["series"][1]["new"] > 0 and [row["new"] for row in found["series"][2:]] == [0, 0]
    assert found["reading"].startswith("the last two builds added no new reference to your top 20")
    assert "saturated; try --depth 2 or --citations" in found["reading"]


def test_saturation_stays_above_zero_on_a_world_that_keeps_adding_papers(tmp_path):
    rng, world, rounds = random.Random(2), World(), []
    for r in range(4):
        core = [_paper(world, 1000 * (r + 1) + n, [], rng) for n in range(15)]
        rounds.append([_paper(world, 1000 * (r + 1) + 100 + i, rng.sample(core, 12), rng) for i in range(10 + 5 * r)])
    found = saturation_series(tmp_path, rounds, world)
    assert all(row["new"] > 0 for row in found["series"][1:])
    assert "still finding new papers" in found["reading"]


# -- keeping builds ---------------------------------------------------------------------------------


def test_keep_n_keeps_the_last_n_builds(citegraph):
    for _ in range(3):
        assert citegraph.build("--keep", "2").exit_code == 0
    rows = json.loads(citegraph.query("log", "--format", "json").stdout)
    assert [row["build"] for row in rows] == [2, 3]
    changes = json.loads(citegraph.query("changes", "--format", "json").stdout)
    assert changes["since_build"] == 2 and changes["changes"] == []


def test_a_store_from_before_gets_its_first_snapshot_at_its_next_build(citegraph):
    import sqlite3

    assert citegraph.build().exit_code == 0
    db = sqlite3.connect(citegraph.data_dir / "citegraph.db")
    db.execute("DROP TABLE builds")  # as a store written before builds were kept
    db.commit()
    db.close()
    before = citegraph.query("changes")
    assert before.exit_code == 1 and before.stderr.startswith("error: no build is kept")
    assert before.stderr.count("\n") == 1
    assert citegraph.build("--offline").exit_code == 0
    rows = json.loads(citegraph.query("log", "--format", "json").stdout)
    assert len(rows) == 1 and rows[0]["source"] == "the stored answers only (offline build)"


def test_groups_that_grew_say_their_size_as_clusters_gives_it(life):
    rows = [row for row in changes_json(life)["changes"] if row["change"] == "group grew"]
    sizes = {
        group["cluster"]: group["size"]
        for group in json.loads(run(life["data_dir"], "clusters", "--format", "json").stdout)
    }
    assert rows, "the new citers and the added papers make groups grow"
    for row in rows:
        before, after = map(int, row["detail"].removesuffix(" papers").split(" → "))
        assert after == sizes[row["title"]] and before < after
