"""What a user sees from the CLI: names that resolve, lossless output, formats, pipes, errors."""

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from citegraph.assemble import compute_pagerank, graph_path, graph_stamp, save_graph
from citegraph.cli import main
from citegraph.demo.examples import example_graph
from tests.conftest import query

ESCAPE_TITLE = "Evil \x1b]0;pwned\x07title \x9b31mred"


def saved(graph: nx.DiGraph, data_dir: Path) -> Path:
    compute_pagerank(graph)
    save_graph(graph, graph_path(data_dir), graph_stamp(1, "cli"))
    return data_dir


@pytest.fixture
def example_dir(tmp_path):
    return saved(example_graph(), tmp_path / "data")


@pytest.fixture
def wide_dir(tmp_path):
    """One unread paper cited by five read papers with long titles; one read paper with a hostile title."""
    graph = example_graph()
    for i in range(5):
        graph.add_node(
            f"R{i}",
            title=f"Read paper number {i} with a title long enough to be cut in any table view",
            year=2000 + i,
            read=True,
            authors=["Ann Smith"],
            url=f"https://x.org/a/R{i}",
        )
        graph.add_edge(f"R{i}", "X", isInfluential=False, origin="references")
    graph.add_node("E", title=ESCAPE_TITLE, year=2022, read=True, authors=["Eve"], url="https://x.org/E")
    graph.add_edge("E", "Y", isInfluential=True, origin="references")
    return saved(graph, tmp_path / "data")


def test_exact_title_then_short_title(tmp_path):
    graph = example_graph()
    graph.add_node("Q", title="QLoRA: Efficient Finetuning of Quantized LLMs", year=2023, read=True)
    graph.add_node("Q2", title="Beyond QLoRA in practice", year=2024, read=False)
    graph.add_node("Q3", title="QLoRA meets pruning", year=2024, read=True)
    data_dir = saved(graph, tmp_path / "data")
    result = query(data_dir, "show", "QLoRA", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["paperId"] == "Q"
    assert "'QLoRA' is QLoRA: Efficient Finetuning of Quantized LLMs (2023) [Q]" in result.stderr
    assert "before the colon" in result.stderr and "2 other paper(s) match less closely" in result.stderr
    assert "Beyond QLoRA" not in result.stderr, "the others are listed only on a real tie"


def test_papers_in_your_notes_rank_before_other_title_matches(example_dir):
    result = query(example_dir, "show", "paper", "--format", "json")  # Alpha paper and Beta paper: both read
    assert result.exit_code == 2 and "matches 2 papers" in result.stderr
    assert "Alpha paper (2021)" in result.stderr and "Beta paper (2019)" in result.stderr


def test_one_read_paper_beats_unread_ones(tmp_path):
    graph = example_graph()
    graph.nodes["Y"]["read"] = True  # now "normalization" names one read and one unread paper
    data_dir = saved(graph, tmp_path / "data")
    result = query(data_dir, "similar", "normalization", "--format", "json")
    assert result.exit_code == 0
    assert "Root Mean Square Layer Normalization (2019) [Y]: the only paper in your notes" in result.stderr


def test_exact_title_is_quiet(example_dir):
    result = query(example_dir, "show", "Layer Normalization", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""


def test_reverse_path_names_both_papers(example_dir):
    result = query(example_dir, "path", "Omega classic", "Alpha paper")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "No chain from Omega classic (1990) to Alpha paper (2021); "
        "found one from Alpha paper (2021) to Omega classic (1990):"
    )
    assert "FROM" not in result.stdout


def test_csv_and_json_carry_full_values(wide_dir):
    rows = json.loads(query(wide_dir, "unread", "--format", "json").stdout)
    x = next(r for r in rows if r["paperId"] == "X")
    long_titles = [f"Read paper number {i} with a title long enough to be cut in any table view" for i in range(5)]
    assert set(long_titles) < set(x["cited_by"]) and len(x["cited_by"]) == 7, "a JSON array of every title"
    assert x["year"] == 2016 and isinstance(x["year"], int)
    raw = query(wide_dir, "unread", "--format", "json").stdout
    assert "https://arxiv.org/abs/1607.06450" in raw and "\\/" not in raw, "X's arXiv page, slashes unescaped"
    csv = query(wide_dir, "unread", "--format", "csv").stdout
    header, *lines = csv.splitlines()
    assert header.startswith("paperId,title,year,")
    x_line = next(line for line in lines if line.startswith("X,"))
    assert "; ".join(sorted(x["cited_by"])) in x_line and ",2016," in x_line and "2016.0" not in csv


def test_table_leads_with_titles_keeps_paper_ids_and_cuts_with_an_ellipsis(wide_dir):
    table = query(wide_dir, "unread").stdout
    header = table.splitlines()[0].split()
    assert header[0] == "title" and "paperId" in header, "a pipe gets every column"
    assert "…" in table and "(+4 more)" in table and "..." not in table
    assert " 2016 " in table and "2016.0" not in table


@pytest.mark.parametrize(
    "command,formats",
    [
        (["unread"], ["table", "csv", "json", "md", "bibtex"]),
        (["similar", "Layer Normalization"], ["table", "csv", "json", "md", "bibtex"]),
        (["show", "Alpha paper"], ["table", "json", "md", "bibtex"]),
        (["path", "Alpha paper", "Omega classic"], ["table", "json", "md", "bibtex"]),
        (["stats"], ["table", "json", "md"]),
    ],
)
def test_every_command_prints_every_format(example_dir, command, formats):
    for fmt in formats:
        result = query(example_dir, *command, "--format", fmt)
        assert result.exit_code == 0 and result.stdout.strip(), (fmt, result.output)


def test_listing_commands_offer_the_same_formats():
    choices = {
        name: next(p.type.choices for p in cmd.params if p.name == "fmt")
        for name, cmd in main.commands.items()
        if any(p.name == "fmt" for p in cmd.params)
    }
    for name in ("unread", "similar", "citing"):
        assert list(choices[name]) == ["table", "csv", "json", "md", "bibtex"]
    for name in ("stats", "path", "show"):
        assert {"table", "json", "md"} <= set(choices[name])


@pytest.mark.parametrize(
    "marks, status",
    [
        ({"read": True}, "read (in your notes)"),
        ({"read": False, "queued": True}, "queued (in your reading queue)"),
        ({"read": False, "not_relevant": True}, "not relevant (so marked in your notes)"),
        ({"read": False}, "not in your notes"),
    ],
)
def test_show_says_the_reading_status(tmp_path, marks, status):
    graph = example_graph()
    graph.nodes["X"].update(marks)
    out = query(saved(graph, tmp_path / "data"), "show", "Layer Normalization").stdout
    assert f"status: {status}\n" in out


def test_show_as_markdown_marks_your_papers_with_a_literal_star(example_dir):
    out = query(example_dir, "show", "Layer Normalization", "--format", "md").stdout
    assert "- \\* Alpha paper (2021) influential" in out


def test_stats_says_none_of_your_papers_is_retracted(example_dir):
    assert "retracted: none\n" in query(example_dir, "stats").stdout


@pytest.mark.parametrize(
    "args, command",
    [
        (["path", "Alpha paper", "Omega classic", "--format", "csv", "--data-dir", "{data}"], "citegraph path"),
        (["unread", "--data-dir", "{data}", "--top", "many"], "citegraph unread"),
        (["unread", "--data-dir", "{data}", "--top"], "citegraph unread"),
        (["export", "--format", "json", "--data-dir", "{data}"], "citegraph export"),
        (["unraed"], "citegraph"),
        (["--bogus", "unread"], "citegraph"),
    ],
)
def test_a_mistyped_command_line_is_one_line_naming_the_help_to_read(example_dir, args, command):
    args = [str(example_dir) if arg == "{data}" else arg for arg in args]
    result = CliRunner().invoke(main, args, prog_name="citegraph")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.endswith(f"(see `{command} --help`)\n")
    assert result.stderr.count("\n") == 1


def test_a_command_group_alone_prints_its_help():
    result = CliRunner().invoke(main, ["datasets"], prog_name="citegraph")
    assert result.output.startswith("Usage: citegraph datasets") and "Commands:" in result.output


def test_show_explains_its_star(example_dir):
    out = query(example_dir, "show", "Layer Normalization").stdout
    assert "cited by (in the graph): 2 (* = in your notes)" in out and "  * Alpha paper (2021) influential" in out


@pytest.mark.parametrize(
    "command",
    [
        ["unread"],
        ["unread", "--format", "md"],
        ["show", "Evil"],
        ["path", "Evil", "Root Mean Square"],
        ["similar", "Evil", "--format", "md"],
    ],
)
def test_terminal_escapes_never_reach_text_output(wide_dir, command):
    result = query(wide_dir, *command)
    assert result.exit_code == 0 and "Evil" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b")


def test_terminal_escapes_stay_escaped_in_json(wide_dir):
    out = query(wide_dir, "show", "Evil", "--format", "json").stdout
    assert json.loads(out)["title"] == ESCAPE_TITLE
    assert "\\u001b]0;pwned\\u0007" in out and "\\u009b" in out and "\x1b" not in out


def test_full_device_is_named_and_csv_creates_nothing(example_dir):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    result = query(example_dir, "export", "--format", "json", "-o", "/dev/full")
    assert result.exit_code == 1 and "error: cannot write /dev/full: No space left on device" in result.stderr
    result = query(example_dir, "export", "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1 and "/dev/full" in result.stderr and "Traceback" not in result.output
    assert not Path("/dev/full.nodes.csv").exists() and not Path("/dev/full.edges.csv").exists()


def test_csv_export_to_stdout_is_refused_even_when_stdout_is_a_file(example_dir, tmp_path):
    with open(tmp_path / "out.txt", "w") as stdout:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "citegraph",
                "export",
                "--format",
                "csv",
                "-o",
                "/dev/stdout",
                "--data-dir",
                str(example_dir),
            ],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1 and "not a device" in done.stderr
    assert not Path("/dev/stdout.nodes.csv").exists() and not Path("/dev/stdout.edges.csv").exists()


def test_json_numbers_keep_full_precision(wide_dir):
    rows = json.loads(query(wide_dir, "unread", "--format", "json").stdout)
    csv = query(wide_dir, "unread", "--format", "csv").stdout
    assert all(repr(row["pagerank"]) in csv for row in rows), "JSON and CSV carry the same digits"


def test_similar_lists_every_shared_paper(tmp_path):
    graph = example_graph()
    for i in range(7):
        graph.add_node(f"S{i}", title=f"Shared reference {i}", year=2000, read=False)
        graph.add_edge("A", f"S{i}", isInfluential=False, origin="references")
        graph.add_edge("X", f"S{i}", isInfluential=False, origin="references")
    rows = json.loads(query(saved(graph, tmp_path / "data"), "similar", "A", "--format", "json").stdout)
    x = next(row for row in rows if row["paperId"] == "X")
    assert len(x["shared"]) == x["shared_count"] >= 7


def test_csv_export_names_its_two_files(example_dir, tmp_path):
    result = query(example_dir, "export", "--format", "csv", "-o", tmp_path / "lab.csv")
    assert result.stderr.split() == ["wrote", str(tmp_path / "lab.nodes.csv"), "wrote", str(tmp_path / "lab.edges.csv")]
    assert (tmp_path / "lab.nodes.csv").read_text().startswith("paperId,")


def test_damaged_coverage_is_one_line(example_dir):
    (example_dir / "coverage.json").write_text('{"entries": [{"id": "arxiv:17')
    result = query(example_dir, "stats")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "coverage.json is damaged" in result.stderr


def test_citing_without_citations_says_how(example_dir):
    result = query(example_dir, "citing")
    assert result.exit_code == 1
    assert (
        result.stderr == "error: no citing papers in the graph; run `citegraph build NOTES --citations` "
        "(papers fetched before are drawn again without a request)\n"
    )


def test_notes_without_papers_exit_1(tmp_path):
    (tmp_path / "empty.md").write_text("# nothing here\nhttps://medium.com/some-post\n")
    result = CliRunner().invoke(main, ["notes", str(tmp_path / "empty.md")])
    assert result.exit_code == 1 and "error: no papers found in" in result.stderr


def big_graph_dir(tmp_path) -> Path:
    graph = nx.DiGraph()
    for i in range(3000):
        graph.add_node(f"P{i}", title=f"Paper {i} about things", year=2000 + i % 20, read=i < 100, authors=["A B"])
        if i >= 100:
            graph.add_edge(f"P{i % 100}", f"P{i}", isInfluential=True, origin="references")
    return saved(graph, tmp_path / "data")


@pytest.mark.parametrize(
    "args", [["export", "--format", "json", "-o", "/dev/stdout"], ["unread", "--top", "3000", "--format", "csv"]]
)
def test_closed_pipe_ends_quietly(tmp_path, args):
    data_dir = big_graph_dir(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "citegraph", *args, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.read(100)  # like `| head -c 100`: read a little, then go away
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() == 0 and stderr == ""


def test_export_only_read_papers(example_dir, tmp_path):
    result = query(example_dir, "export", "--format", "json", "--papers", "read", "-o", tmp_path / "read.json")
    assert result.exit_code == 0
    data = json.loads((tmp_path / "read.json").read_text())
    assert sorted(n["id"] for n in data["nodes"]) == ["A", "B"]
    assert [(link["source"], link["target"]) for link in data["links"]] == [("A", "B")]


def test_export_help_lists_the_library_choices_without_loading_networkx_or_pandas():
    code = (
        "import sys; from click.testing import CliRunner; from citegraph.cli import main; "
        "print(CliRunner().invoke(main, ['export', '--help']).output); "
        "print(sorted({'networkx', 'pandas'} & set(sys.modules)))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    from citegraph.export.formats import EXPORT_FORMATS, PAPER_SELECTIONS

    assert "|".join(EXPORT_FORMATS) in shown and "|".join(PAPER_SELECTIONS) in shown
    assert shown.rstrip().endswith("[]")


def test_a_map_that_cannot_be_written_is_one_error_line_naming_it(example_dir):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    result = query(example_dir, "path", "Alpha paper", "Omega classic", "--html", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["error: cannot write /dev/full: No space left on device"]


def test_library_write_failures_raise_output_error(tmp_path):
    from citegraph.errors import OutputError
    from citegraph.map.render import render_map

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="a file"):
        render_map(example_graph(), blocker / "map.html")
    with pytest.raises(OutputError, match="could not save the graph as .*a file"):
        save_graph(example_graph(), blocker / "graph.json", graph_stamp(1, "example"))


def test_build_warnings_about_notes_keep_terminal_escapes_escaped(citegraph, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "evil\x1b]0;pwned\x07.md").write_bytes("caf\xe9 https://arxiv.org/abs/1706.03762\n".encode("latin-1"))
    result = citegraph.build(notes=notes)
    assert "not valid UTF-8" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_a_typo_in_a_title_suggests_the_close_titles(example_dir):
    result = query(example_dir, "show", "Layer Normalisation")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no paper in the graph matches 'Layer Normalisation'; did you mean 'Layer Normalization'?\n"
    )


def on_a_terminal(data_dir, *args, columns: int) -> list[str]:
    """The lines a `citegraph` process prints on a terminal ``columns`` wide (a real pseudo-terminal)."""
    import os
    import pty

    primary, secondary = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-c", "from citegraph.cli import main; main()", *map(str, args), "--data-dir", str(data_dir)],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": str(columns)},
        timeout=120,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode().replace("\r", "").splitlines()


def test_a_table_on_a_terminal_leaves_out_the_columns_empty_in_every_row(example_dir):
    header = on_a_terminal(example_dir, "unread", columns=200)[0].split()
    assert "title" in header and "notice" not in header and "queued" not in header


def test_a_piped_table_has_every_column_even_empty_ones(example_dir):
    assert {"notice", "queued"} <= set(query(example_dir, "unread").stdout.splitlines()[0].split())


def test_a_table_fits_the_terminal_with_shortened_titles_and_fewer_columns(wide_dir):
    lines = on_a_terminal(wide_dir, "unread", columns=80)
    assert lines and all(len(line) <= 80 for line in lines), lines
    header = lines[0].split()
    assert header[:3] == ["title", "year", "score"] and "cited_by" not in header, "the least important columns go"
    wide = on_a_terminal(wide_dir, "unread", "--wide", columns=80)
    assert "cited_by" in wide[0].split() and "paperId" in wide[0].split() and max(map(len, wide)) > 80
