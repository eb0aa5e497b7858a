"""Reading a Zotero library (zotero.sqlite built from Zotero's published schema), read-only, while Zotero holds it."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.notes.reader import ZoteroSource, read_notes
from tests.fixtures.notes.zotero_library import ZoteroLibrary, sample_library


@pytest.fixture
def library(tmp_path):
    (tmp_path / "Zotero").mkdir()
    return sample_library(tmp_path / "Zotero" / "zotero.sqlite")


def zotero_papers(source):
    return {p.sources[0]: p for p in read_notes([], source).papers}


def test_items_ids_collections_tags_notes_and_status(library):
    papers = zotero_papers(ZoteroSource(library))
    assert set(papers) == {
        "zotero:ATTN0001",
        "zotero:PARROT01",
        "zotero:LORA0001",
        "zotero:GSCHOL01",
        "zotero:TITLE001",
    }, "attachments, notes and items in the trash are not papers"
    attention = papers["zotero:ATTN0001"]
    assert (attention.id, attention.topics, attention.status) == ("ARXIV:1706.03762", ["Transformers", "nlp"], "read")
    assert attention.note == "Self-attention only.\nMulti-head & positional encodings."
    assert attention.url == "https://arxiv.org/abs/1706.03762v7"
    parrots = papers["zotero:PARROT01"]
    assert (parrots.id, parrots.topics, parrots.status) == ("DOI:10.1145/3442188.3445922", ["Ethics"], "queued")
    assert (papers["zotero:LORA0001"].id, papers["zotero:LORA0001"].status) == ("ARXIV:2106.09685", "queued")
    assert papers["zotero:GSCHOL01"].id == "ARXIV:1810.04805", "arXiv id in the publication title"
    assert (papers["zotero:TITLE001"].id, papers["zotero:TITLE001"].title) == (None, "A Paper Known Only By Its Title")


def test_collection_limits_to_it_and_its_subcollections(library):
    assert set(zotero_papers(ZoteroSource(library, "machine learning"))) == {
        "zotero:ATTN0001",
        "zotero:LORA0001",
        "zotero:GSCHOL01",
    }
    assert set(zotero_papers(ZoteroSource(library, "Ethics"))) == {"zotero:PARROT01"}


def test_unknown_collection_is_one_line_naming_the_collections(library):
    result = CliRunner().invoke(main, ["notes", f"--zotero={library}", "--collection", "Physics"])
    assert result.exit_code == 2
    assert (
        "no Zotero collection named 'Physics'" in result.stderr
        and "Ethics, Machine Learning, Transformers" in result.stderr
    )
    assert "Traceback" not in result.output


def test_default_location_is_the_home_zotero_folder(library, tmp_path):
    result = CliRunner().invoke(main, ["notes", "--zotero", "--format", "json"], env={"HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["papers"]) == 5


def test_folder_path_means_its_zotero_sqlite(library):
    assert len(read_notes([], ZoteroSource(library.parent)).papers) == 5


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_read_while_zotero_holds_a_write_lock_without_disturbing_it(tmp_path, journal_mode):
    path = tmp_path / "zotero.sqlite"
    writer = ZoteroLibrary(path)
    writer.db.commit()
    # As Zotero runs: exclusive locking mode, so the lock stays held from the first write until it quits.
    assert writer.db.execute(f"PRAGMA journal_mode={journal_mode}").fetchone() == (journal_mode,)
    writer.db.execute("PRAGMA locking_mode=EXCLUSIVE")
    writer.item("KEPT0001", title="Committed paper", DOI="10.1000/committed")
    writer.db.commit()
    # Zotero mid-write: a change not committed yet.
    writer.item("HALF0001", title="Uncommitted paper", DOI="10.1000/uncommitted")
    files_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(path, timeout=0).execute("SELECT count(*) FROM items").fetchone()

    papers = read_notes([], ZoteroSource(path)).papers

    assert [p.id for p in papers] == ["DOI:10.1000/committed"], "the committed state, never half a write"
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before, "no file created or removed beside it"
    writer.db.commit()  # Zotero carries on: its lock and its write were not disturbed
    writer.db.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM items").fetchone() == (2,)


def test_missing_or_foreign_library_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["notes", f"--zotero={tmp_path / 'nope.sqlite'}"])
    assert result.exit_code == 2 and "no Zotero library at" in result.stderr
    foreign = tmp_path / "other.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    result = CliRunner().invoke(main, ["notes", f"--zotero={foreign}"])
    assert result.exit_code == 2 and "is not a Zotero database" in result.stderr and "Traceback" not in result.output


def test_collection_without_zotero_and_nothing_to_read_are_usage_errors():
    assert "--collection needs --zotero" in CliRunner().invoke(main, ["notes", "--collection", "X"]).output
    assert "give notes files or folders, or --zotero" in CliRunner().invoke(main, ["notes"]).output


def test_build_from_zotero_alone(citegraph, tmp_path):
    library = ZoteroLibrary(tmp_path / "zotero.sqlite")
    for key, arxiv in (("AAAA0001", "1706.03762"), ("AAAA0002", "2106.09685")):
        library.item(key, title=f"paper {arxiv}", url=f"https://arxiv.org/abs/{arxiv}")
    library.close()
    result = citegraph(
        "build",
        f"--zotero={tmp_path / 'zotero.sqlite'}",
        "--data-dir",
        citegraph.data_dir,
        "-o",
        citegraph.output,
        "--rps",
        "500",
    )
    assert result.exit_code == 0, result.output
    assert "notes: 2 resolved" in result.stdout
    assert {e["id"] for e in citegraph.coverage()["entries"]} == {"ARXIV:1706.03762", "ARXIV:2106.09685"}


@pytest.mark.parametrize("command", ["notes", "build"])
def test_notes_and_zotero_without_papers_exit_1_naming_both(tmp_path, command):
    (tmp_path / "empty.md").write_text("# nothing here\n")
    ZoteroLibrary(tmp_path / "zotero.sqlite").close()
    result = CliRunner().invoke(
        main,
        [
            command,
            str(tmp_path / "empty.md"),
            f"--zotero={tmp_path / 'zotero.sqlite'}",
            *(["--offline", "--data-dir", str(tmp_path / "data")] if command == "build" else []),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == f"error: no papers found in {tmp_path / 'empty.md'}, the Zotero library\n"
