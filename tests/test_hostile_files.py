"""Hostile files: notes, libraries and data dirs made to break a reader, an export or a query.

Every hostile file is made here, in the test's own folder. Linearity is asserted on the readers'
structure (no ambiguous repeats in their patterns, a bounded title per id), never on a clock: the
times live in bench/ (the "hostile" stage).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import bibtexparser
import networkx as nx
import pytest
from click.testing import CliRunner

import citegraph.notes.entries
import citegraph.notes.ids
import citegraph.notes.markdown
import citegraph.notes.org
import citegraph.notes.reader
import citegraph.notes.reference_files
import citegraph.notes.zotero
from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, save_graph
from citegraph.cli import main
from citegraph.demo.examples import example_graph
from citegraph.map.render import render_map
from citegraph.notes.markdown import MAX_TITLE
from citegraph.notes.reader import ZoteroSource, read_notes
from tests.conftest import ROOT, SAMPLE_NOTES, OpenedMap, subprocess_env
from tests.fixtures.notes.zotero_library import ZoteroLibrary
from tests.interrupt import ctrl_c_as_at_a_terminal
from tests.regex_shape import ambiguous_repeats

READERS = [
    citegraph.notes.reader,
    citegraph.notes.markdown,
    citegraph.notes.org,
    citegraph.notes.ids,
    citegraph.notes.reference_files,
    citegraph.notes.zotero,
    citegraph.notes.entries,
]


def notes_of(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return read_notes([path])


def cli(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def saved(graph: nx.DiGraph, data_dir: Path) -> Path:
    compute_pagerank(graph)
    save_graph(graph, graph_path(data_dir), graph_stamp(1, "hostile"))
    return data_dir


def can_unshare() -> bool:
    return (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0
    )


def in_mount_namespace(script: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (its mounts vanish with it)."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


CITEGRAPH = f"{sys.executable} -c 'from citegraph.cli import main; main()'"


# -- readers: linear for every line shape ---------------------------------------------------------


@pytest.mark.parametrize("module", READERS, ids=lambda m: m.__name__)
def test_reader_patterns_have_no_repeats_that_can_share_characters(module):
    patterns = {name: value for name, value in vars(module).items() if isinstance(value, re.Pattern)}
    assert patterns or module in (citegraph.notes.reference_files, citegraph.notes.reader)
    found = {name: ambiguous_repeats(pattern) for name, pattern in patterns.items()}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_shape_check_finds_the_patterns_that_were_cubic():
    # What notes.py had before: a heading, a bold label, an org heading, a Zotero note's blank lines.
    for old in [
        r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$",
        r"^\s*\*\*([^*\n]+)\*\*\s*(?:\([^()\n]*\))?\s*:?\s*$",
        r"^(\*+)\s+(?:(TODO)\b\s*)?(.*?)(?:\s+(:[\w@#%:]+:))?\s*$",
        r"\n\s*\n+",
        r"(a+)+",
    ]:
        assert ambiguous_repeats(re.compile(old)), old


def test_a_heading_followed_by_a_run_of_spaces_is_a_topic(tmp_path):
    notes = notes_of(tmp_path, "n.md", "# Reading" + " " * 5000 + "group\n- https://arxiv.org/abs/2106.09685\n")
    assert [p.topics[0].split() for p in notes.papers] == [["Reading", "group"]]


def test_a_bold_label_followed_by_spaces_and_a_colon_is_a_label(tmp_path):
    notes = notes_of(tmp_path, "n.md", "**Adapters** (cheap)" + " " * 5000 + ":\n- https://arxiv.org/abs/2106.09685\n")
    assert notes.papers[0].topics == ["Adapters"]


def test_a_task_box_followed_by_spaces_keeps_its_status(tmp_path):
    notes = notes_of(tmp_path, "n.md", "- [ ]" + " " * 5000 + "https://arxiv.org/abs/2106.09685 LoRA\n")
    assert [(p.id, p.status) for p in notes.papers] == [("ARXIV:2106.09685", "queued")]


def test_an_org_heading_with_spaces_keeps_keyword_title_and_tags(tmp_path):
    notes = notes_of(
        tmp_path, "n.org", "* TODO [#A] Adapters" + " " * 5000 + ":peft:\n- https://arxiv.org/abs/2106.09685\n"
    )
    assert notes.papers[0].topics == ["Adapters", "peft"] and notes.papers[0].status == "queued"


def test_one_line_of_thousands_of_ids_gives_each_a_bounded_title(tmp_path):
    line = "".join(f"see arXiv:2106.{i:05d} " + "words " * (i % 200) for i in range(3000))
    notes = notes_of(tmp_path, "n.md", line + "\n")
    assert len(notes.papers) == 3000
    titles = [p.title or "" for p in notes.papers]
    assert max(map(len, titles)) <= MAX_TITLE
    assert sum(map(len, titles)) <= 2 * len(line), "each piece of the line is in two titles at most"


def test_unclosed_brackets_and_emphasis_still_find_the_paper(tmp_path):
    line = "[a](<b **c _d `e " * 3000 + "https://arxiv.org/abs/2106.09685"
    assert [p.id for p in notes_of(tmp_path, "n.md", line + "\n").papers] == ["ARXIV:2106.09685"]


def test_a_url_ending_in_many_brackets_loses_only_the_unbalanced_ones():
    assert (
        citegraph.notes.ids.strip_trailing_punctuation("https://x.org/a_(b)" + ")" * 50_000 + ".")
        == "https://x.org/a_(b)"
    )


def zotero_library(tmp_path) -> ZoteroLibrary:
    return ZoteroLibrary(tmp_path / "zotero.sqlite")


def test_a_zotero_note_of_unclosed_angle_brackets_keeps_its_text(tmp_path):
    library = zotero_library(tmp_path)
    library.note(library.item("ITEM0001", title="Kept paper"), "NOTE0001", "<p>keep</p>" + "<" * 100_000)
    library.close()
    (paper,) = read_notes([], ZoteroSource(library.path)).papers
    assert paper.note == "keep\n" + "<" * 100_000


# A notes file that takes as long as the test needs to read: the reader of markdown, replaced in the
# child process, says it has begun and then waits, so Ctrl-C always arrives mid-read. It waits in short
# sleeps: a Ctrl-C that lands after the file is touched but before one long sleep begins (a loaded
# machine makes that window wide) would only be acted on when that sleep ends, as Python runs a signal's
# handler between bytecodes, never inside a C call.
SLOW_NOTES_CHILD = """
import faulthandler, os, pathlib, signal, time
import citegraph.notes.reader
faulthandler.register(signal.SIGUSR1)  # its stack on stderr, should it ever not stop
from citegraph.cli import main

def read_markdown_slowly(*args):
    pathlib.Path(os.environ["READING_BEGUN"]).touch()
    for _ in range(6000):
        time.sleep(0.1)

citegraph.notes.reader.read_markdown = read_markdown_slowly
main()
"""


def test_ctrl_c_while_reading_notes_stops_at_once_and_claims_nothing_fetched(tmp_path):
    notes, begun = tmp_path / "notes.md", tmp_path / "reading-begun"
    notes.write_text("- https://arxiv.org/abs/2106.09685\n")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_NOTES_CHILD, "notes", str(notes)],
        env={**os.environ, "READING_BEGUN": str(begun)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )
    while process.poll() is None and not begun.exists():
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)
        time.sleep(1)
        process.kill()
        pytest.fail(f"the child did not stop within 60 s of Ctrl-C; where it was:\n{process.communicate()[1]}")
    assert process.returncode == 130, stderr
    assert stderr == "interrupted: `citegraph notes` stopped before it finished\n"


# -- wrong types: skipped with a warning naming the file and item ---------------------------------


def test_csl_json_nested_100000_deep_is_a_warning(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" + "[" * 100_000 + "]" * 100_000 + "]")
    result = cli("notes", path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"warning: {path}: nested too deeply to be CSL-JSON; skipped" in result.stderr


@pytest.mark.parametrize("keyword", ["42", "NaN", '[1, "to-read"]'])
def test_a_csl_keyword_that_is_not_text_is_skipped_with_a_warning(tmp_path, keyword):
    path = tmp_path / "lib.json"
    path.write_text(
        '[{"id": "lora", "type": "article", "title": "LoRA", "DOI": "10.48550/arXiv.2106.09685", '
        f'"keyword": {keyword}}}]'
    )
    result = cli("notes", path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p["id"] for p in json.loads(result.stdout)["papers"]] == ["ARXIV:2106.09685"]
    assert f"{path}:1: CSL item lora:" in result.stderr and "keyword is not text" in result.stderr


def test_a_zotero_note_stored_as_a_blob_is_skipped_with_a_warning(tmp_path):
    library = zotero_library(tmp_path)
    parent = library.item("ITEM0001", title="Kept paper", DOI="10.1000/kept")
    library.note(parent, "NOTE0001", "<p>x</p>")
    library.db.execute(
        "UPDATE itemNotes SET note = ? WHERE itemID = (SELECT itemID FROM items WHERE key = 'NOTE0001')",
        (b"\x00\x01binary",),
    )
    library.close()
    notes = read_notes([], ZoteroSource(library.path))
    assert [(p.id, p.note) for p in notes.papers] == [("DOI:10.1000/kept", None)]
    assert notes.warnings == [f"{library.path}: note NOTE0001 of item ITEM0001 is not text (a bytes); skipped"]


@pytest.mark.parametrize("name", ["", None])
def test_a_zotero_collection_without_a_name_is_left_out_with_a_warning(tmp_path, name):
    library = zotero_library(tmp_path)
    # Zotero's schema says NOT NULL; a library from another version or tool may not.
    library.db.executescript(
        "DROP TABLE collections; CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, "
        "collectionName TEXT, parentCollectionID INT, libraryID INT, key TEXT);"
    )
    nameless = library.collection(name, "COLLNONE")
    named = library.collection("Ethics", "COLLETH1")
    for key, collection in (("ITEM0001", nameless), ("ITEM0002", named)):
        library.add_to(collection, library.item(key, title=f"Paper {key}"))
    library.close()
    result = cli("notes", f"--zotero={library.path}", "--collection", "ethics", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p["sources"] for p in json.loads(result.stdout)["papers"]] == [["zotero:ITEM0002"]]
    assert f"warning: {library.path}: collection COLLNONE has no name; left out" in result.stderr


def test_a_zotero_value_that_is_not_utf8_is_replaced_not_the_library_rejected(tmp_path):
    library = zotero_library(tmp_path)
    library.item("ITEM0001", title="Good paper", DOI="10.1000/good")
    library.item("ITEM0002", title="PLACEHOLDER")
    library.db.execute(
        "UPDATE itemDataValues SET value = CAST(? AS TEXT) WHERE value = 'PLACEHOLDER'", (b"Caf\xe9 paper",)
    )
    library.close()
    notes = read_notes([], ZoteroSource(library.path))
    assert sorted(p.title for p in notes.papers) == ["Caf\ufffd paper", "Good paper"]
    assert notes.warnings == [f"{library.path}: 1 values are not valid UTF-8; invalid bytes replaced"]


# -- file names that are not UTF-8 -----------------------------------------------------------------


def test_a_notes_file_named_in_latin1_builds_and_prints_escaped(citegraph, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    name = os.fsdecode(b"lectures-caf\xe9.md")
    shutil.copy(SAMPLE_NOTES / "nlp-notes.md", folder / name)
    built = citegraph.build(notes=folder)
    assert built.exit_code == 0, built.output
    assert not list(citegraph.data_dir.glob(".graph-*")), "no temporary file left behind"
    listed = citegraph("notes", folder, "--format", "json")
    sources = [source for paper in json.loads(listed.stdout)["papers"] for source in paper["sources"]]
    assert sources and all(source.startswith(f"{folder}/lectures-caf\\xe9.md:") for source in sources)


# -- exports that stay valid -----------------------------------------------------------------------

INJECTION = "10.1000/x}\n@misc{injected, title={\\input{/etc/passwd}}}"


def hostile_graph() -> nx.DiGraph:
    graph = example_graph()
    graph.nodes["X"]["externalIds"] = {"DOI": INJECTION, "ArXiv": "1607.06450}\n@misc{eprint,"}
    graph.nodes["X"]["url"] = "https://example.org/a}\n@misc{url, title={x}}"
    graph.nodes["X"]["bibtex"] = None
    graph.nodes["Y"]["title"] = "Bell\x07 and \x1b[31mred\x00 and \ufffe"
    graph.nodes["W"]["title"] = '=HYPERLINK("http://evil","click")'
    graph.nodes["W"]["venue"] = "@SUM(1+1)"
    return graph


def test_bibtex_export_escapes_doi_url_and_eprint(tmp_path):
    data_dir = saved(hostile_graph(), tmp_path / "data")
    result = cli("export", "--format", "bibtex", "-o", tmp_path / "all.bib", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    library = bibtexparser.parse_string((tmp_path / "all.bib").read_text())
    assert library.failed_blocks == [] and len(library.entries) == 5
    assert not {"injected", "eprint", "url"} & {entry.key for entry in library.entries}
    assert "\\input" not in (tmp_path / "all.bib").read_text()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_with_control_characters_read_back(tmp_path, fmt):
    data_dir = saved(hostile_graph(), tmp_path / "data")
    result = cli("export", "--format", fmt, "-o", tmp_path / f"graph.{fmt}", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    read = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(tmp_path / f"graph.{fmt}")
    assert read.nodes["Y"]["title"] == "Bell and [31mred and "
    assert read.number_of_nodes() == 5


def test_csv_export_neutralises_formula_cells(tmp_path):
    data_dir = saved(hostile_graph(), tmp_path / "data")
    result = cli("export", "--format", "csv", "-o", tmp_path / "lab", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    import pandas as pd

    nodes = pd.read_csv(tmp_path / "lab.nodes.csv").set_index("paperId")
    assert nodes.loc["W", "title"] == '\'=HYPERLINK("http://evil","click")'
    assert nodes.loc["W", "venue"] == "'@SUM(1+1)"
    assert nodes.loc["A", "title"] == "Alpha paper"


def test_csv_on_a_terminal_carries_no_terminal_escapes(tmp_path):
    data_dir = saved(hostile_graph(), tmp_path / "data")
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from citegraph.cli import main; main()",
            "unread",
            "--format",
            "csv",
            "--data-dir",
            str(data_dir),
        ],
        stdout=terminal,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end closed: all read
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(controller)
    assert process.returncode == 0
    assert b"Bell and [31mred and" in output and b"\x1b" not in output and b"\x07" not in output


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "bibtex"])
def test_dash_output_is_standard_output(tmp_path, monkeypatch, fmt):
    data_dir = saved(example_graph(), tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--format", fmt, "-o", "-", "--data-dir", data_dir)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    assert "Alpha paper" in result.stdout and result.stderr == ""


def test_csv_to_dash_is_refused(tmp_path, monkeypatch):
    data_dir = saved(example_graph(), tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--format", "csv", "-o", "-", "--data-dir", data_dir)
    assert result.exit_code == 1 and "csv writes two files" in result.stderr
    assert list(tmp_path.iterdir()) == [data_dir]


# -- a data dir is only data -------------------------------------------------------------------------


@pytest.mark.parametrize("name, command", [("graph.jsonl", "unread"), ("coverage.json", "stats")])
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_pipe_or_device_in_the_data_dir_is_an_error_not_a_hang(tmp_path, name, command, kind):
    data_dir = saved(example_graph(), tmp_path / "data")
    (data_dir / name).unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(data_dir / name)
    else:
        (data_dir / name).symlink_to("/dev/zero")
    result = cli(command, "--data-dir", data_dir)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and f"{data_dir / name} is not a regular file" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_pipe_or_device_as_s2_rate_still_builds(citegraph, kind):
    citegraph.data_dir.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(citegraph.data_dir / "s2-rate")
    else:
        (citegraph.data_dir / "s2-rate").symlink_to("/dev/zero")
    result = citegraph.build()
    assert result.exit_code == 0, result.output


def test_a_zotero_wal_linked_to_dev_zero_is_refused_not_copied(tmp_path):
    library = zotero_library(tmp_path)
    library.item("ITEM0001", title="Paper")
    library.close()
    (tmp_path / "zotero.sqlite-wal").symlink_to("/dev/zero")
    result = cli("notes", f"--zotero={library.path}")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == (
        f"error: cannot read the Zotero library {library.path}: "
        f"{tmp_path / 'zotero.sqlite-wal'}: not a regular file (a pipe, device or folder)\n"
    )


def test_a_killed_saves_temporary_file_is_removed_by_the_next_build(built):
    leftover = built.data_dir / ".graph-killed"
    leftover.write_text('{"format": "citegraph graph"')
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    assert built.build(notes=SAMPLE_NOTES / "nlp-notes.md").exit_code == 0  # other notes: the graph is saved again
    assert not leftover.exists()


def test_the_graph_file_follows_the_umask(citegraph):
    previous = os.umask(0o022)
    try:
        assert citegraph.build().exit_code == 0
    finally:
        os.umask(previous)
    assert (graph_path(citegraph.data_dir).stat().st_mode & 0o777) == 0o644
    assert ((citegraph.data_dir / "coverage.json").stat().st_mode & 0o777) == 0o644


@pytest.mark.skipif(not can_unshare(), reason="needs a private mount namespace (unshare -m) to mount a filesystem")
def test_a_build_on_a_full_disk_says_disk_full_and_where(standin, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = in_mount_namespace(
        f"mount -t tmpfs -o size=96k tmpfs {mount} && {CITEGRAPH} build {SAMPLE_NOTES} --rps 500 "
        f"--data-dir {mount}/data -o {tmp_path}/map.html",
        env=subprocess_env(standin.url),
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "disk full" in done.stderr and f"{mount}/data" in done.stderr


@pytest.mark.skipif(not can_unshare(), reason="needs a private mount namespace (unshare -m) to mount read-only")
def test_an_offline_build_works_on_a_read_only_mount(built, tmp_path):
    graph_path(built.data_dir).unlink()  # the graph must be assembled from the read-only store
    data_dir = built.data_dir
    done = in_mount_namespace(
        f"mount --bind {data_dir} {data_dir} && mount -o remount,bind,ro {data_dir} && "
        f"{CITEGRAPH} build {SAMPLE_NOTES} --offline --data-dir {data_dir} -o {tmp_path}/map.html",
        env={**os.environ, **built.env},
    )
    assert done.returncode == 0, done.stderr
    assert "notes: 35 resolved" in done.stdout and (tmp_path / "map.html").exists()


# -- the map's URL hash ------------------------------------------------------------------------------


def test_a_malformed_hash_is_ignored_and_the_page_gets_ready(browser, tmp_path):
    page_file = tmp_path / "map.html"
    render_map(example_graph(), page_file)
    opened = OpenedMap(browser, page_file, "#paper=%&from=%E0%A4%A")
    try:
        assert opened.js("document.body.getAttribute('data-ready')") == "1"
        assert opened.console_errors == []
    finally:
        opened.close()
