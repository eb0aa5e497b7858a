"""Questions on a large saved graph (whole commands and an MCP session), its loading, and peak memory."""

from __future__ import annotations

import json
import os
import pickle
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx

from bench.harness import ROOT, Table, answer_times, citegraph_command, run_times
from bench.inputs import synthetic_graph
from citegraph.assemble import graph_path, graph_stamp, save_graph


def run(table: Table, tmp: Path, quick: bool) -> None:
    papers, citations = (2_000, 20_000) if quick else (50_000, 500_000)
    data = tmp / "queries"
    graph = synthetic_graph(papers, citations)
    save_graph(graph, graph_path(data), graph_stamp(0, "synthetic"))
    read = [n for n, r in graph.nodes(data="read") if r]
    source, target = read[-1], next(iter(graph.succ[read[-1]]))
    far = max(nx.single_source_shortest_path_length(graph, read[-1]).items(), key=lambda kv: kv[1])[0]
    measure_loading(table, graph, data, runs=1 if quick else 3)
    del graph
    measure_commands(table, data, source, target, far, runs=1 if quick else 5)
    measure_mcp(table, data, source, far)
    measure_memory(table, tmp, edges=20_000 if quick else 1_000_000)


def measure_loading(table: Table, graph: nx.DiGraph, data: Path, runs: int) -> None:
    size = f"{graph.number_of_nodes() // 1000}k papers / {graph.number_of_edges() // 1000}k cit."
    # The format the saved graph had until it had to stop running code (pickle), loaded the same
    # way and interleaved with the real one, so machine load shifts both alike.
    baseline = data / "baseline.pickle"
    baseline.write_bytes(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
    loads = {"json": [], "pickle": []}
    for _ in range(runs):
        loads["json"].append(
            run_times(
                [
                    sys.executable,
                    "-c",
                    "from pathlib import Path; "
                    "from citegraph.assemble import load_graph; "
                    f"load_graph(Path({str(graph_path(data))!r}))",
                ]
            )
        )
        loads["pickle"].append(
            run_times(
                [
                    sys.executable,
                    "-c",
                    "import gc, pickle, citegraph.assemble; gc.disable(); "
                    f"pickle.loads(open({str(baseline)!r}, 'rb').read())",
                ]
            )
        )
    baseline.unlink()
    for fmt, measure in (("json", f"load saved graph, {size}"), ("pickle", "  same graph from a pickle (old format)")):
        wall, cpu = (statistics.median(times) for times in zip(*loads[fmt]))
        table.add("queries", f"{measure}: wall / CPU", f"{wall:.2f} / {cpu:.2f}", "s")
    table.add("queries", "  saved graph file size", round(graph_path(data).stat().st_size / 2**20, 1), "MiB")


def measure_commands(table: Table, data: Path, source: str, target: str, far: str, runs: int) -> None:
    questions = {
        "unread --top 10": ["unread", "--top", "10"],
        "path A B": ["path", source, far],
        "show A": ["show", source],
        "similar A": ["similar", target],
    }
    floor, times = answer_times(questions, data, runs)
    table.add("queries", f"python -c 'import click, json' (floor, median of {runs})", round(floor, 3), "s")
    for name, (wall, cpu) in times.items():
        table.add("queries", f"citegraph {name} (whole command, median)", round(wall, 3), "s", "<= 1 s", wall <= 1.0)
        table.add("queries", "  / floor", round(wall / floor, 1), "x")
        table.add("queries", "  its CPU time (user + system: less moved by load)", round(cpu, 3), "s")


def measure_mcp(table: Table, data: Path, source: str, far: str) -> None:
    questions = {"unread": {}, "path": {"from": source, "to": far}}
    up, answers = mcp_answer_times(data, questions, runs=9)
    table.add("queries", "citegraph mcp: started, graph loaded, initialized", round(up, 2), "s")
    cpu = mcp_answer_cpu(data, questions, runs=9)
    for name, times in answers.items():
        median = statistics.median(times) * 1000
        table.add(
            "queries",
            f"citegraph mcp {name}, server up (median of {len(times)})",
            round(median, 1),
            "ms",
            "<= 50 ms",
            median <= 50,
        )
        table.add("queries", "  its CPU time in the server (less moved by load)", round(cpu[name] * 1000, 1), "ms")


def measure_memory(table: Table, tmp: Path, edges: int) -> None:
    store_dir = tmp / "memory"
    fill_store(store_dir, edges // 10, edges)
    code = (
        "import resource, sys; from pathlib import Path; from citegraph.datadir import open_store; "
        "from citegraph.assemble import build_graph; from citegraph.notes.reader import Notes; "
        f"s = open_store(Path('{store_dir}')); g, _ = build_graph(s, Notes([], [], []), Path('{store_dir}')); "
        "print(g.number_of_edges(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    built, peak_kb = map(int, done.stdout.split())
    peak = peak_kb / 1024
    table.add(
        "memory", f"peak RSS building a {built:,}-citation graph", round(peak, 1), "MB", "<= 2048 MB", peak <= 2048
    )


def mcp_answer_times(data: Path, questions: dict[str, dict], runs: int) -> tuple[float, dict[str, list[float]]]:
    """A `citegraph mcp` session over stdio, as an assistant holds one: seconds until it is up (started, graph
    loaded, initialized), then each tool's answer times, the questions asked in turn ``runs`` times."""
    import anyio
    from mcp import Client, StdioServerParameters, stdio_client

    command = citegraph_command()
    server = StdioServerParameters(command=command[0], args=[*command[1:], "mcp", "--data-dir", str(data)], cwd=ROOT)

    async def session():
        answers = {name: [] for name in questions}
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            async with Client(stdio_client(server, errlog=quiet), mode="legacy") as client:
                up = time.perf_counter() - started
                for _ in range(runs):
                    for name, arguments in questions.items():
                        asked = time.perf_counter()
                        result = await client.call_tool(name, arguments)
                        answers[name].append(time.perf_counter() - asked)
                        if result.is_error:
                            raise SystemExit(f"citegraph mcp {name} failed: {result.content[0].text}")
        return up, answers

    return anyio.run(session)


def mcp_answer_cpu(data: Path, questions: dict[str, dict], runs: int) -> dict[str, float]:
    """Median CPU seconds the server's own answer takes (the tool's call of the library and its JSON),
    measured in this process on the same graph: what the protocol and the machine's load do not add."""
    from citegraph.mcp.server import all_tools
    from citegraph.mcp.state import ServerState

    tools = all_tools(ServerState(data))
    cpu = {name: [] for name in questions}
    for _ in range(runs):
        for name, arguments in questions.items():
            started = time.process_time()
            tools[name].answer(**arguments)
            cpu[name].append(time.process_time() - started)
    return {name: statistics.median(times) for name, times in cpu.items()}


def fill_store(data_dir: Path, papers: int, citations: int) -> None:
    from citegraph.datadir import open_store

    open_store(data_dir).close()
    rng = random.Random(3)
    db = sqlite3.connect(data_dir / "citegraph.db")
    with db:
        db.executemany(
            "INSERT INTO papers VALUES (?,?,?,0)",
            (
                (
                    f"p{i}",
                    json.dumps(
                        {
                            "paperId": f"p{i}",
                            "title": f"Paper {i}",
                            "year": 2000 + i % 25,
                            "citationCount": i % 1000,
                            "authors": [{"name": "A. Author"}],
                        }
                    ),
                    "full",
                )
                for i in range(papers)
            ),
        )
        db.executemany(
            "INSERT OR IGNORE INTO edges VALUES (?,?,?,?,?,?)",
            (
                (
                    f"p{rng.randrange(papers)}",
                    f"p{rng.randrange(papers)}",
                    rng.random() < 0.15,
                    None,
                    None,
                    "references",
                )
                for _ in range(citations)
            ),
        )
    db.close()
