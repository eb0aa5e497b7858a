"""`citegraph demo`: the sample notes' map on the generated world, with no network and no key."""

import filecmp
from pathlib import Path

from click.testing import CliRunner

from citegraph.cli import main
from citegraph.demo.run import SAMPLE_NOTES

ROOT = Path(__file__).resolve().parents[1]


def test_demo_draws_the_sample_map_with_no_network_and_says_the_world_is_generated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("S2_API_URL", "http://127.0.0.1:9")  # nothing listens there: any request would fail
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "generated" in result.stderr and "never read about a field" in result.stderr
    assert "notes: 35 resolved" in result.stdout and "0 requests to Semantic Scholar" in result.stdout
    assert (tmp_path / "output" / "demo.html").is_file()
    asked = CliRunner().invoke(main, ["path", "LoRA", "Attention Is All You Need", "--data-dir", "data/demo"])
    assert asked.exit_code == 0 and "Attention Is All You Need" in asked.stdout


def test_demo_takes_its_output_and_data_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "-o", "maps/try.html", "--data-dir", "try"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "maps" / "try.html").is_file() and (tmp_path / "try" / "graph.jsonl").is_file()
    assert not (tmp_path / "output").exists() and not (tmp_path / "data").exists()


def test_the_packaged_sample_notes_are_the_repository_sample_notes():
    notes = sorted(path.name for path in (ROOT / "data" / "notes").iterdir())
    assert notes and sorted(path.name for path in SAMPLE_NOTES.glob("*.md")) == notes
    assert filecmp.cmpfiles(ROOT / "data" / "notes", SAMPLE_NOTES, notes, shallow=False)[0] == notes


def test_every_question_has_an_answer_on_the_demo_citing_included(tmp_path):
    data_dir = tmp_path / "data"
    assert CliRunner().invoke(main, ["demo", "-o", tmp_path / "demo.html", "--data-dir", data_dir]).exit_code == 0
    citing = CliRunner().invoke(main, ["citing", "--format", "json", "--data-dir", data_dir])
    assert citing.exit_code == 0, citing.output
    assert citing.stdout.strip() not in ("", "[]"), "papers citing the sample's"
