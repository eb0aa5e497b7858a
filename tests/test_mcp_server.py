"""`citegraph mcp` as an AI assistant's client sees it, through the MCP SDK's own client: each tool
answers what the CLI prints with --format json on the same graph, errors are one line and leave the
server answering, nothing reaches the network unless --allow-fetch, and a real stdio session works."""

import json
import sys
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client, MCPError, StdioServerParameters, stdio_client

from citegraph.assemble import graph_path, graph_stamp, save_graph
from citegraph.cli import main
from citegraph.demo.examples import example_graph
from citegraph.mcp import create_server
from citegraph.s2.config import S2Config
from tests.standin import StandinS2

SAMPLE_NOTES = Path(__file__).parent.parent / "data" / "notes"
CITEGRAPH = Path(sys.executable).parent / "citegraph"
QUERY_TOOLS = {"find_paper", "paper", "path", "unread", "similar", "citing", "stats", "coverage"}


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_world) -> Path:
    """The sample notes built with their citing papers against the stand-in, once for this module."""
    data_dir = tmp_path_factory.mktemp("mcp") / "data"
    service = StandinS2(sample_world).start()
    try:
        result = CliRunner().invoke(
            main,
            [
                "build",
                str(SAMPLE_NOTES),
                "--citations",
                "--data-dir",
                str(data_dir),
                "-o",
                str(data_dir.parent / "graph.html"),
                "--rps",
                "500",
            ],
            env={"S2_API_URL": service.url},
        )
    finally:
        service.stop()
    assert result.exit_code == 0, result.output
    return data_dir


def cli_json(data_dir: Path, *args) -> object:
    result = CliRunner().invoke(main, [*args, "--format", "json", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ask(server, *calls: tuple[str, dict]) -> list:
    """Call tools in one in-memory session, in order; their results."""

    async def session():
        async with Client(server) as client:
            return [await client.call_tool(name, arguments) for name, arguments in calls]

    return anyio.run(session)


def answer(server, name: str, **arguments):
    """A tool's structured result, the call having succeeded."""
    (result,) = ask(server, (name, arguments))
    assert not result.is_error, result.content[0].text
    assert result.content[0].text, "a text summary for clients that show text"
    return result.structured_content


def error_line(server, name: str, **arguments) -> str:
    (result,) = ask(server, (name, arguments))
    assert result.is_error
    text = result.content[0].text
    assert "\n" not in text and "Traceback" not in text
    return text


def test_the_tools_without_allow_fetch(built):
    async def tools():
        async with Client(create_server(built)) as client:
            return {tool.name: tool for tool in (await client.list_tools()).tools}

    listed = anyio.run(tools)
    assert set(listed) == QUERY_TOOLS | {"clusters", "suggest", "changes"}
    assert set(listed["path"].input_schema["required"]) == {"from", "to"}
    assert all(tool.annotations.read_only_hint for tool in listed.values())


def test_unread_answers_as_the_cli(built):
    assert answer(create_server(built), "unread", top=25) == {"papers": cli_json(built, "unread", "--top", "25")}


def test_unread_since_a_year_answers_as_the_cli(built):
    rows = answer(create_server(built), "unread", top=10, since=2018)["papers"]
    assert rows == cli_json(built, "unread", "--top", "10", "--since", "2018") and rows


def test_path_answers_as_the_cli(built):
    found = answer(create_server(built), "path", **{"from": "LoRA", "to": "Attention Is All You Need"})
    assert found == cli_json(built, "path", "LoRA", "Attention Is All You Need")
    assert found["length"] >= 1 and found["hops"][0][0]["direction"] in ("cites", "is cited by")


def test_path_undirected_all_answers_as_the_cli(built):
    found = answer(
        create_server(built), "path", undirected=True, all=True, **{"from": "word2vec Explained", "to": "QLoRA"}
    )
    assert found == cli_json(built, "path", "word2vec Explained", "QLoRA", "--undirected", "--all")


def test_paper_is_the_card_the_cli_shows(built):
    assert answer(create_server(built), "paper", paper="LoRA") == cli_json(built, "show", "LoRA")


def test_similar_answers_as_the_cli(built):
    rows = answer(create_server(built), "similar", paper="LoRA", top=5)["papers"]
    assert rows == cli_json(built, "similar", "LoRA", "--top", "5") and rows


def test_citing_answers_as_the_cli(built):
    rows = answer(create_server(built), "citing", top=7)["papers"]
    assert rows == cli_json(built, "citing", "--top", "7") and rows


def test_stats_answers_as_the_cli(built):
    figures = answer(create_server(built), "stats")
    assert figures == cli_json(built, "stats") and figures["coverage"]["ok"] > 0


def test_coverage_is_the_builds_report(built):
    assert answer(create_server(built), "coverage") == json.loads((built / "coverage.json").read_text())


def test_clusters_answer_as_the_cli(built):
    server = create_server(built)
    groups = answer(server, "clusters")["clusters"]
    assert groups == cli_json(built, "clusters") and groups
    name = groups[0]["cluster"]
    assert answer(server, "unread", cluster=name, top=5)["papers"] == cli_json(
        built, "unread", "--cluster", name, "--top", "5"
    )


def test_suggest_answers_the_stored_suggestions_as_the_cli(built, sample_world):
    server = create_server(built)
    wanted = ["--pool", "all-cs", "--from-paper", "LoRA", "--top", "5"]
    assert "citegraph suggest" in error_line(server, "suggest", pool="all-cs", from_paper="LoRA", top=5)
    service = StandinS2(sample_world).start()
    try:
        asked = CliRunner().invoke(
            main, ["suggest", *wanted, "--data-dir", str(built)], env={"S2_API_URL": service.url}
        )
    finally:
        service.stop()
    assert asked.exit_code == 0, asked.output
    rows = answer(server, "suggest", pool="all-cs", from_paper="LoRA", top=5)["papers"]
    assert rows == cli_json(built, "suggest", "--offline", *wanted) and rows


def test_find_paper_picks_the_paper_the_cli_picks(built):
    found = answer(create_server(built), "find_paper", query="QLoRA")
    assert found["paperId"] == cli_json(built, "show", "QLoRA")["paperId"] and found["how"] == "short title"


@pytest.fixture
def example_dir(tmp_path) -> Path:
    save_graph(example_graph(), graph_path(tmp_path / "data"), graph_stamp(1, "mcp"))
    return tmp_path / "data"


def test_find_paper_gives_a_tie_as_data(example_dir):
    found = answer(create_server(example_dir), "find_paper", query="normalization")
    assert found["paperId"] is None and found["how"] == "tie"
    assert {c["paperId"] for c in found["candidates"]} == {"X", "Y"}


def test_find_paper_gives_did_you_mean_as_data(example_dir):
    found = answer(create_server(example_dir), "find_paper", query="Layer Normalisation")
    assert found["paperId"] is None and found["suggestions"] == ["Layer Normalization"]


def test_an_unknown_paper_is_a_tool_error_with_the_closest_titles(example_dir):
    (result,) = ask(create_server(example_dir), ("paper", {"paper": "Layer Normalisation"}))
    assert result.is_error and "did you mean 'Layer Normalization'?" in result.content[0].text
    assert result.structured_content["suggestions"] == ["Layer Normalization"]


def test_a_tie_is_a_tool_error_naming_the_candidates(example_dir):
    line = error_line(create_server(example_dir), "similar", paper="normalization")
    assert "matches 2 papers" in line and "[X]" in line and "[Y]" in line


def test_no_graph_yet_says_which_command_builds_it(tmp_path):
    line = error_line(create_server(tmp_path / "empty"), "unread")
    assert line.startswith("no stored graph at") and "citegraph build NOTES" in line


def test_no_path_suggests_the_undirected_argument(example_dir):
    line = error_line(create_server(example_dir), "path", **{"from": "Y", "to": "B"})
    assert line.endswith("try undirected: true")


def test_citing_without_citations_says_how(example_dir):
    assert "--citations" in error_line(create_server(example_dir), "citing")


TEN_MEGABYTES = "x" * 10_000_000


@pytest.mark.parametrize(
    "name, arguments, expected",
    [
        ("path", {"from": "A"}, "path: missing argument 'to'"),
        ("paper", {}, "paper: missing argument 'paper'"),
        ("unread", {"top": "ten"}, "unread: argument 'top' must be an integer"),
        ("unread", {"top": 0}, "unread: argument 'top' must be at least 1"),
        ("path", {"from": "A", "to": "W", "undirected": "yes"}, "path: argument 'undirected' must be true or false"),
        ("similar", {"paper": 42}, "similar: argument 'paper' must be a string"),
        ("stats", {"verbose": True}, "stats: unknown argument 'verbose'"),
        ("paper", {"paper": "no-such-id-4f2a"}, "no paper in the graph matches 'no-such-id-4f2a'"),
        ("paper", {"paper": TEN_MEGABYTES}, "paper: argument 'paper' is longer than 2,000 characters"),
        ("find_paper", {"query": TEN_MEGABYTES}, "find_paper: argument 'query' is longer than 2,000 characters"),
        ("unread", {"top": TEN_MEGABYTES}, "unread: argument 'top' must be an integer"),
        ("refresh", {}, "unknown tool 'refresh'"),
        ("paper", {"paper": ""}, "paper: argument 'paper' is empty"),
    ],
)
def test_bad_arguments_are_one_line_errors_and_the_server_goes_on(example_dir, name, arguments, expected):
    bad, after = ask(create_server(example_dir), (name, arguments), ("stats", {}))
    assert bad.is_error and bad.content[0].text.startswith(expected)
    assert "\n" not in bad.content[0].text and len(bad.content[0].text) < 500
    assert not after.is_error and after.structured_content["papers"] == 5


def test_a_rebuilt_graph_is_read_again(example_dir):
    server = create_server(example_dir)
    assert answer(server, "stats")["papers"] == 5
    graph = example_graph()
    graph.add_node("N", title="A new paper", year=2024, read=True)
    save_graph(graph, graph_path(example_dir), graph_stamp(2, "mcp"))
    assert answer(server, "stats")["papers"] == 6


def test_resources_name_the_map_the_notes_and_the_coverage(built, tmp_path):
    map_file = built.parent / "graph.html"

    async def read():
        async with Client(create_server(built, map_file=map_file)) as client:
            listed = {str(r.uri): r for r in (await client.list_resources()).resources}
            texts = {uri: (await client.read_resource(uri)).contents[0].text for uri in listed}
            return listed, texts

    listed, texts = anyio.run(read)
    assert map_file.as_uri() in listed and str(map_file) in listed[map_file.as_uri()].description
    assert texts[map_file.as_uri()] == map_file.read_text()
    entries = json.loads(texts["citegraph://notes"])
    figures = cli_json(built, "stats")
    assert len(entries) == figures["read"] + figures["queued"] and {e["status"] for e in entries} <= {"read", "queued"}
    assert json.loads(texts["citegraph://coverage"]) == json.loads((built / "coverage.json").read_text())


def test_an_unknown_resource_is_one_line(example_dir):
    async def read():
        async with Client(create_server(example_dir)) as client:
            with pytest.raises(MCPError) as refused:
                await client.read_resource("citegraph://nothing")
            return refused.value

    refused = anyio.run(read)
    assert str(refused).startswith("no resource 'citegraph://nothing'; the resources are file://")


def test_a_missing_map_says_how_to_draw_it(example_dir, tmp_path):
    async def read():
        async with Client(create_server(example_dir, map_file=tmp_path / "none.html")) as client:
            with pytest.raises(MCPError) as refused:
                await client.read_resource((tmp_path / "none.html").as_uri())
            return refused.value

    assert f"citegraph build NOTES -o {tmp_path / 'none.html'}" in str(anyio.run(read))


def test_allow_fetch_needs_the_notes():
    result = CliRunner().invoke(main, ["mcp", "--allow-fetch"])
    assert result.exit_code == 2 and "--allow-fetch needs the notes to build" in result.stderr


def test_no_tool_touches_the_network_without_allow_fetch(built, sample_world, monkeypatch):
    service = StandinS2(sample_world).start()
    monkeypatch.setenv("S2_API_URL", service.url)
    try:
        results = ask(
            create_server(built),
            ("find_paper", {"query": "LoRA"}),
            ("paper", {"paper": "LoRA"}),
            ("path", {"from": "LoRA", "to": "QLoRA", "undirected": True}),
            ("unread", {}),
            ("similar", {"paper": "LoRA"}),
            ("citing", {}),
            ("stats", {}),
            ("coverage", {}),
        )
    finally:
        service.stop()
    assert [r.content[0].text for r in results if r.is_error] == []
    assert service.log.requests == []


def test_refresh_builds_the_notes_with_progress_notifications(tmp_path, standin):
    server = create_server(
        tmp_path / "data",
        notes=[SAMPLE_NOTES],
        allow_fetch=True,
        map_file=tmp_path / "map.html",
        s2_config=S2Config(api_url=standin.url, rps=500),
    )
    progress = []

    async def report(step, total, message):
        progress.append((step, message))

    async def session():
        async with Client(server) as client:
            listed = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert not listed["refresh"].annotations.read_only_hint
            before = await client.call_tool("stats", {})
            built = await client.call_tool("refresh", {}, progress_callback=report)
            after = await client.call_tool("stats", {})
            return before, built, after

    before, built, after = anyio.run(session)
    assert before.is_error and "citegraph build" in before.content[0].text
    assert not built.is_error and built.structured_content["complete"]
    assert (tmp_path / "map.html").exists() and standin.log.requests
    assert progress and [step for step, _ in progress] == list(range(1, len(progress) + 1))
    assert any(message.startswith("influence flags") for _, message in progress), progress
    assert (
        after.structured_content["read"]
        == built.structured_content["totals"]["ok"]
        + built.structured_content["totals"]["title_matched"]
        - after.structured_content["queued"]
    )


def test_a_real_stdio_session(built, tmp_path):
    errors = tmp_path / "server-stderr.txt"

    async def session():
        with errors.open("w") as errlog:
            server = StdioServerParameters(command=str(CITEGRAPH), args=["mcp", "--data-dir", str(built)])
            async with Client(stdio_client(server, errlog=errlog), mode="legacy") as client:
                names = {tool.name for tool in (await client.list_tools()).tools}
                huge = await client.call_tool("path", {"from": TEN_MEGABYTES, "to": "Attention Is All You Need"})
                found = await client.call_tool("path", {"from": "LoRA", "to": "Attention Is All You Need"})
                return client.server_info.name, names, huge, found

    name, names, huge, found = anyio.run(session)
    assert name == "citegraph" and names >= QUERY_TOOLS
    assert huge.is_error and huge.content[0].text == "path: argument 'from' is longer than 2,000 characters"
    assert not found.is_error and found.structured_content == cli_json(
        built, "path", "LoRA", "Attention Is All You Need"
    )
    log = errors.read_text()
    assert "Traceback" not in log and log.rstrip().endswith("the client closed the connection; stopped")
