"""Papers S2 gives no title (3,624 of the real corpus's 7,652): no placeholder labels them or names a
group; a row that must show one names it by its paperId."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from tests.conftest import SAMPLE_NOTES, build_on
from tests.standin import sample_notes_seeds


@pytest.fixture(scope="module")
def untitled_build(sample_world, tmp_path_factory):
    """The sample notes built on a world where every paper but yours has no title."""
    world = copy.deepcopy(sample_world)
    yours = {world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in sample_notes_seeds([SAMPLE_NOTES])}
    cited = {c.cited for p in yours for c in world.references.get(p, [])} - {None}
    for paper_id in cited - yours:
        world.papers[paper_id]["title"] = ""
    return build_on(world, tmp_path_factory.mktemp("untitled"))


def cli_json(folder, *args):
    result = CliRunner().invoke(main, [*args, "--format", "json", "--data-dir", str(folder / "data")])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_untitled_papers_are_listed_by_their_paper_id(untitled_build):
    rows = cli_json(untitled_build, "unread", "--top", "50")
    assert rows and all(row["title"] == row["paperId"] for row in rows)


def test_no_group_is_named_by_a_placeholder(untitled_build):
    names = [group["cluster"] for group in cli_json(untitled_build, "clusters")]
    assert names and not any("untitled" in name.lower() for name in names)


def test_the_map_labels_no_untitled_paper(untitled_build):
    page = (untitled_build / "map.html").read_text()
    assert "(untitled)" not in page and "untitled" not in page.lower()
