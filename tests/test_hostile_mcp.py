"""The MCP server against hostile files and clients: a map path that is no file, numbers JSON Schema
calls integers, lines that are no JSON or too long, a client that goes away. Each fails in one line and
leaves the server answering (or ends it cleanly)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client, MCPError

import citegraph.mcp.resources as mcp_resources
import citegraph.mcp.stdio as mcp_stdio
from citegraph.assemble import graph_path, graph_stamp, save_graph
from citegraph.demo.examples import example_graph
from citegraph.mcp import create_server


@pytest.fixture
def example_dir(tmp_path) -> Path:
    data_dir = tmp_path / "data"
    save_graph(example_graph(), graph_path(data_dir), graph_stamp(1, "mcp"))
    return data_dir


def read_map_then_stats(data_dir: Path, map_file: Path):
    async def session():
        async with Client(create_server(data_dir, map_file=map_file)) as client:
            with pytest.raises(MCPError) as refused:
                with anyio.fail_after(30):
                    await client.read_resource(map_file.as_uri())
            return str(refused.value), await client.call_tool("stats", {})

    return anyio.run(session)


def test_a_fifo_at_the_map_path_is_no_map_and_blocks_nothing(example_dir, tmp_path):
    os.mkfifo(tmp_path / "graph.html")
    refused, after = read_map_then_stats(example_dir, tmp_path / "graph.html")
    assert refused.startswith(f"no map at {tmp_path / 'graph.html'}") and not after.is_error


def test_a_link_to_an_endless_device_at_the_map_path_is_no_map(example_dir, tmp_path):
    (tmp_path / "graph.html").symlink_to("/dev/zero")
    refused, after = read_map_then_stats(example_dir, tmp_path / "graph.html")
    assert refused.startswith(f"no map at {tmp_path / 'graph.html'} (not a regular file") and not after.is_error


def test_a_map_larger_than_any_map_is_not_read(example_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(mcp_resources, "MAX_MAP_BYTES", 1000)
    (tmp_path / "graph.html").write_text("<p>" * 1000)
    refused, _ = read_map_then_stats(example_dir, tmp_path / "graph.html")
    assert "more than the 0 MB a map citegraph draws can be" in refused


@pytest.mark.parametrize("top", [1.0, 1e3])
def test_a_whole_number_written_as_a_float_is_an_integer(example_dir, top):
    async def session():
        async with Client(create_server(example_dir)) as client:
            return await client.call_tool("unread", {"top": top}), await client.call_tool("unread", {"top": int(top)})

    as_float, as_int = anyio.run(session)
    assert not as_float.is_error, as_float.content[0].text
    assert as_float.structured_content == as_int.structured_content


def test_suggest_for_a_paper_and_a_group_at_once_is_an_argument_error(example_dir):
    async def session():
        async with Client(create_server(example_dir)) as client:
            return await client.call_tool("suggest", {"from_paper": "A", "cluster": "x"})

    result = anyio.run(session)
    assert result.is_error and result.content[0].text == "suggest: give from_paper or cluster, not both"


def start_server(data_dir: Path, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "citegraph", "mcp", "--data-dir", str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "err.txt").open("w"),
    )


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}


def send(process, line: bytes) -> dict:
    process.stdin.write(line + b"\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def test_a_line_that_is_not_json_gets_a_parse_error_and_the_server_goes_on(example_dir, tmp_path):
    process = start_server(example_dir, tmp_path)
    try:
        answer = send(process, b'{"jsonrpc": "2.0", "id": 7, "method": ')
        assert answer["error"]["code"] == -32700 and answer["id"] == 7
        assert send(process, json.dumps(INITIALIZE).encode())["result"]["serverInfo"]["name"] == "citegraph"
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def test_a_line_longer_than_any_message_is_skipped_with_a_parse_error(example_dir, tmp_path, monkeypatch):
    process = start_server(example_dir, tmp_path)
    try:
        huge = (
            b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"x": "'
            + b"x" * (mcp_stdio.MAX_MESSAGE_BYTES + 10)
            + b'"}}'
        )
        answer = send(process, huge)
        assert answer["error"]["code"] == -32700 and answer["id"] == 9 and "longer than" in answer["error"]["message"]
        assert send(process, json.dumps(INITIALIZE).encode())["id"] == 1
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def test_the_end_of_stdin_stops_the_server_in_one_line(example_dir, tmp_path):
    process = start_server(example_dir, tmp_path)
    send(process, json.dumps(INITIALIZE).encode())
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    log = (tmp_path / "err.txt").read_text()
    assert "Traceback" not in log and log.rstrip().endswith("the client closed the connection; stopped")


def test_a_client_that_closes_its_end_stops_the_server_without_a_traceback(example_dir, tmp_path):
    process = start_server(example_dir, tmp_path)
    send(process, json.dumps(INITIALIZE).encode())
    process.stdout.close()  # the client stops reading: the server's next answer cannot be written
    process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).encode() + b"\n")
    process.stdin.flush()
    assert process.wait(timeout=60) == 0
    log = (tmp_path / "err.txt").read_text()
    assert "Traceback" not in log and "the client closed the connection; stopped" in log


def test_a_client_that_stops_reading_without_closing_is_let_go(monkeypatch):
    # A pipe whose reading end stays open but is never read: the answer fills it and the write waits.
    monkeypatch.setattr(mcp_stdio, "WRITE_TIMEOUT", 1.0)
    never_read, stdout = os.pipe()
    stdin, _ = os.pipe()
    gone: list[str] = []
    stdio = mcp_stdio.BoundedStdio(gone.append, stdin_fd=stdin, stdout_fd=stdout)

    async def answer_too_long_for_the_pipe():
        with anyio.fail_after(30):
            await stdio.write("x" * (4 << 20) + "\n")

    try:
        anyio.run(answer_too_long_for_the_pipe)
    finally:
        stdio.close()
        for fd in (never_read, stdout, stdin, _):
            os.close(fd)
    assert gone == ["the client stopped reading for 1 s"]
