"""Whole-pipeline benchmark against the S2 stand-in, with a naive baseline beside it.

Every citegraph measurement is a whole `citegraph` process. Prints one table and writes JSON
(bench/results/latest.json unless --json FILE). --quick shrinks every stage to finish in well
under a minute; the full run uses the sizes the issues name.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "data" / "notes"
sys.path.insert(0, str(ROOT))

from citegraph.assemble import compute_pagerank  # noqa: E402
from citegraph.assemble import graph_path, graph_stamp, node_attributes, save_graph  # noqa: E402
from tests.standin import Faults, StandinS2, generate_world, sample_notes_seeds  # noqa: E402


class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, stage: str, measure: str, value, unit: str = "", goal: str = "", ok: bool | None = None,
            exact: bool = False):
        """One row; ``exact`` marks a goal that load cannot move (a count), which the test suite checks."""
        self.rows.append({"stage": stage, "measure": measure, "value": value, "unit": unit, "goal": goal,
                          "ok": ok, "exact": exact})
        shown = f"{value:,.3f}" if isinstance(value, float) else (f"{value:,}" if isinstance(value, int) else value)
        mark = {True: "ok", False: "MISSED", None: ""}[ok]
        print(f"{stage:<10} {measure:<52} {shown:>14} {unit:<5} {goal:<14} {mark}", flush=True)


def citegraph_command() -> list[str]:
    script = Path(sys.executable).parent / "citegraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def run_citegraph(*args, env_url: str | None = None, check: bool = True) -> float:
    env = {**os.environ, **({"S2_API_URL": env_url} if env_url else {})}
    started = time.perf_counter()
    done = subprocess.run(citegraph_command() + [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"citegraph {' '.join(map(str, args))} failed:\n{done.stderr}")
    return elapsed


def median_time(args: list, runs: int) -> float:
    return statistics.median(run_citegraph(*args) for _ in range(runs))


# -- stage 1 and 2: requests --------------------------------------------------------------------

def synthetic_notes(count: int, path: Path) -> list[tuple[str, str]]:
    rng = random.Random(count)
    seeds = [(f"{rng.randint(15, 24):02d}{rng.randint(1, 12):02d}.{10000 + i:05d}", f"Synthetic read paper {i}")
             for i in range(count)]
    path.write_text("# Synthetic notes\n" + "".join(f"- [{title}](https://arxiv.org/abs/{arxiv})\n" for arxiv, title in seeds))
    return seeds


def minimum_requests(service: StandinS2, read_ids: list[str], depth: int) -> int:
    world = service.world
    papers = [world.resolve(f"ARXIV:{i}") for i in read_ids]
    minimum = math.ceil(len(read_ids) / 500) + sum(max(1, math.ceil(len(world.references[p]) / 1000)) for p in papers)
    if depth >= 2:
        frontier = {c.cited for p in papers for c in world.references[p] if c.cited} - set(papers)
        minimum += math.ceil(len(frontier) / 500)
    return minimum


def naive_baseline(service: StandinS2, read_ids: list[str]) -> int:
    """How typical scripts fetch: get_paper + get_paper_references per paper, get_paper per reference."""
    from semanticscholar import SemanticScholar

    client = SemanticScholar(api_url=service.url, retry=False)
    service.reset()
    for arxiv in read_ids:
        client.get_paper(f"ARXIV:{arxiv}")
        for reference in client.get_paper_references(f"ARXIV:{arxiv}"):
            if reference.paper.paperId:
                client.get_paper(reference.paper.paperId)
    return service.stats()["requests"]


def stage_requests(table: Table, tmp: Path, quick: bool) -> None:
    sample_seeds = sample_notes_seeds([SAMPLE_NOTES])
    big_count = 60 if quick else 300
    big_notes = tmp / f"notes{big_count}.md"
    big_seeds = synthetic_notes(big_count, big_notes)
    world = generate_world(sample_seeds + big_seeds, n_papers=1000 if quick else 6000, seed=11)
    service = StandinS2(world).start()
    try:
        cases = [("sample", SAMPLE_NOTES, [a for a, _ in sample_seeds]), (f"{big_count} papers", big_notes, [a for a, _ in big_seeds])]
        for label, notes, ids in cases:
            for depth in (1, 2):
                service.reset()
                data = tmp / f"req-{label.replace(' ', '')}-{depth}"
                run_citegraph("build", notes, "--data-dir", data, "-o", data / "g.html", "--rps", "1000",
                              "--depth", depth, env_url=service.url)
                made = service.stats()["requests"]
                floor = minimum_requests(service, ids, depth)
                table.add("requests", f"cold build, {label}, depth {depth}: made (minimum {floor})", made, "req",
                          "= minimum", made == floor, exact=True)
            if quick and label != "sample":
                continue
            # The naive client needs a new connection and event loop per call (~40 ms here): quick
            # mode compares on the first paper only.
            subset = ids[:1] if quick else ids
            naive = naive_baseline(service, subset)
            label = label if subset == ids else f"first {len(subset)} {label} papers"
            table.add("requests", f"naive baseline, {label}, depth 1", naive, "req")
            table.add("requests", f"naive / citegraph minimum, {label}",
                      round(naive / minimum_requests(service, subset, 1), 1), "x")
    finally:
        service.stop()


# -- stage 2: pacing ------------------------------------------------------------------------------

def stage_rate(table: Table, tmp: Path, quick: bool) -> None:
    # The paced build against a strict bucket (the stand-in answers 429 to any request less than
    # 1/rate after the last one it served), at the same --rps: issue 12's goal is at most one 429
    # and a whole build within 1.1x the request floor.
    rate = 10.0 if quick else 1.0
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=12)
    service = StandinS2(world, Faults(rps=rate)).start()
    try:
        data = tmp / "real-rate"
        wall = run_citegraph("build", SAMPLE_NOTES, "--data-dir", data, "-o", data / "g.html", "--rps", rate,
                             env_url=service.url)
        served = service.log.count(served_only=True)
        floor = served / rate
        limited = service.stats()["statuses"].get("429", 0)
        table.add("rate", f"paced build at --rps {rate:g} vs a strict {rate:g}/s bucket: requests", served, "req")
        table.add("rate", "429 answers received", limited, "", "<= 1", limited <= 1)
        table.add("rate", f"wall time, whole command ({served} requests)", round(wall, 2), "s")
        table.add("rate", "wall time / request floor", round(wall / floor, 2), "x", "<= 1.1", wall / floor <= 1.1)
    finally:
        service.stop()


# -- stage 2b: the first map (batch first) against today's page-by-page build -----------------------

def library_world(count: int, seed: int):
    """A world with ``count`` papers of yours among its ordinary papers (20-60 references each),
    notes naming them by DOI, and their paperIds."""
    world = generate_world(n_papers=max(1500, count * 4), seed=seed)
    papers = [p for p in world.papers.values() if p["externalIds"].get("DOI")][-count:]
    return world, [p["externalIds"]["DOI"] for p in papers], [p["paperId"] for p in papers]


def timed_build(service: StandinS2, notes: Path, data: Path, rps: float, stop_after_first_view: bool = False) -> dict:
    """One whole `citegraph build`: requests and seconds to its first view (None if it printed none)
    and to its end, and the 429s it met. ``stop_after_first_view`` sends Ctrl-C once the first map is out."""
    service.reset()
    command = citegraph_command() + ["build", str(notes), "--data-dir", str(data), "-o", str(data / "g.html"),
                                     "--rps", f"{rps:g}"]
    env = {**os.environ, "S2_API_URL": service.url}
    first = None
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        for line in process.stdout:
            if first is None and "first view" in line:
                first = (service.log.count(served_only=True), time.perf_counter() - started)
                if stop_after_first_view:
                    process.send_signal(signal.SIGINT)
        process.wait()
        elapsed = time.perf_counter() - started
        errors.seek(0)
        if process.returncode not in (0, 130):
            raise SystemExit(f"citegraph build failed:\n{errors.read()}")
    # Requests answered: a 429 is counted among "limited", not as a request made.
    return {"first": first, "requests": service.log.count(served_only=True), "seconds": elapsed,
            "limited": service.stats()["statuses"].get("429", 0)}


def stage_first_map(table: Table, tmp: Path, quick: bool) -> None:
    """Issue 19's goals against a strict bucket: the first map after a few requests and seconds at
    1 request/s; the complete build no slower than today's, which is measured in the same run as a
    build whose batch lists no references for your papers (so every paper comes page by page, and
    the map only at the end, as before the batch was asked for them)."""
    first_rate = 10.0 if quick else 1.0
    sample = sample_notes_seeds([SAMPLE_NOTES])
    cases = [("sample", 35, 2, 5.0), ("60 papers", 60, 2, 10.0)] if quick else [
        ("sample", 35, 2, 5.0), ("400 papers", 400, 2, 10.0), ("2,000 papers", 2000, 6, 30.0)]
    for label, count, most_requests, most_seconds in cases:
        if label == "sample":
            world = generate_world(sample, n_papers=1500, seed=14)
            notes, yours = SAMPLE_NOTES, [world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in sample]
        else:
            world, dois, yours = library_world(count, seed=15)
            notes = tmp / f"library-{count}.md"
            notes.write_text("# Library\n" + "".join(f"- https://doi.org/{doi}\n" for doi in dois))
        # Complete builds of the big libraries at 1 request/s would take an hour: they run at 10/s,
        # and their times are given as ratios to the request floor.
        complete_rate = first_rate if label == "sample" else 10.0
        name = label.replace(",", "").replace(" ", "")
        service = StandinS2(world, Faults(rps=first_rate)).start()
        try:
            first = timed_build(service, notes, tmp / f"first-{name}", first_rate, stop_after_first_view=True)
            service.set_faults(Faults(rps=complete_rate))
            new = timed_build(service, notes, tmp / f"new-{name}", complete_rate)
            service.set_faults(Faults(rps=complete_rate, empty_nested=yours))
            today = timed_build(service, notes, tmp / f"today-{name}", complete_rate)
        finally:
            service.stop()
        made, seconds = first["first"]
        at = f"at {first_rate:g} req/s"
        table.add("first", f"{label}: first map after (today: {today['requests']:,})", made, "req",
                  f"<= {most_requests}", made <= most_requests, exact=True)
        table.add("first", f"{label}: first map after, {at}", round(seconds, 1), "s", f"<= {most_seconds:g} s",
                  seconds <= most_seconds)
        today_ratio = today["seconds"] / (today["requests"] / complete_rate)
        table.add("first", f"  today: first map after, {at} (requests x ratio)",
                  round(today["requests"] / first_rate * today_ratio, 1), "s")
        allowed = today["requests"] + math.ceil(count / 500)
        table.add("first", f"{label}: complete build (today: {today['requests']:,})", new["requests"], "req",
                  f"<= {allowed:,}", new["requests"] <= allowed, exact=True)
        # The pacing goals hold at S2's 1 request/s; at 10/s a few ms of a loaded machine's jitter
        # meet the strict bucket, and start-up and drawing weigh against a short request floor.
        paced = complete_rate == 1.0
        table.add("first", f"{label}: complete build, 429s (today: {today['limited']})", new["limited"], "",
                  "<= 1" if paced else "", new["limited"] <= 1 if paced else None)
        ratio = new["seconds"] / (new["requests"] / complete_rate)
        table.add("first", f"{label}: complete, s / request floor at {complete_rate:g}/s (today: {today_ratio:.2f})",
                  round(ratio, 2), "x", "<= 1.1" if paced else "", ratio <= 1.1 if paced else None)


# -- stage 3: warm rebuild ----------------------------------------------------------------------

def stage_warm(table: Table, tmp: Path, quick: bool) -> None:
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=13)
    service = StandinS2(world).start()
    data = tmp / "warm"
    build = ["build", SAMPLE_NOTES, "--data-dir", data, "-o", data / "g.html"]
    try:
        run_citegraph(*build, "--rps", "1000", env_url=service.url)
        runs = 1 if quick else 5
        warm, imports = [], []
        for _ in range(runs):
            warm.append(run_citegraph(*build, env_url=service.url))
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import networkx, pandas, pyvis"], check=True)
            imports.append(time.perf_counter() - started)
        ratio = statistics.median(warm) / statistics.median(imports)
        table.add("warm", f"warm rebuild, sample notes -> HTML (median of {runs})", round(statistics.median(warm), 3), "s")
        table.add("warm", f"import networkx, pandas, pyvis (median of {runs})", round(statistics.median(imports), 3), "s")
        table.add("warm", "warm rebuild / imports", round(ratio, 2), "x", "<= 1.5", ratio <= 1.5)
        table.add("warm", f"citegraph --help (median of {runs})", round(median_time(["--help"], runs), 3), "s")
    finally:
        service.stop()


# -- stage 4: queries and memory ----------------------------------------------------------------

def synthetic_graph(papers: int, citations: int, read_every: int = 250, seed: int = 5) -> nx.DiGraph:
    """Power-law popularity, citations point back in time, one paper in ``read_every`` read."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.2, papers) + 1
    cumulative = np.cumsum(weights)
    graph = nx.DiGraph()
    for i in range(papers):
        attrs = node_attributes({"paperId": f"p{i}", "title": f"Synthetic paper {i} on topic {i % 97}",
                                 "year": 1990 + i * 35 // papers, "citationCount": int(weights[i] * 10)})
        attrs["read"] = i % read_every == 0 and i > 0
        graph.add_node(f"p{i}", **attrs)
    citing = rng.integers(1, papers, citations * 11 // 10)
    cited = np.searchsorted(cumulative, rng.random(len(citing)) * cumulative[citing - 1])
    flags = rng.random(len(citing))
    added = 0
    for a, b, f in zip(citing.tolist(), cited.tolist(), flags.tolist()):
        if a != b and not graph.has_edge(f"p{a}", f"p{b}"):
            graph.add_edge(f"p{a}", f"p{b}", isInfluential=f < 0.15, origin="references")
            added += 1
            if added == citations:
                break
    compute_pagerank(graph)
    return graph


def stage_queries(table: Table, tmp: Path, quick: bool) -> None:
    papers, citations = (10_000, 100_000) if quick else (50_000, 500_000)
    runs = 1 if quick else 3
    data = tmp / "queries"
    graph = synthetic_graph(papers, citations)
    save_graph(graph, graph_path(data), graph_stamp(0, "synthetic"))
    read = [n for n, r in graph.nodes(data="read") if r]
    source, target = read[-1], next(iter(graph.succ[read[-1]]))
    far = max(nx.single_source_shortest_path_length(graph, read[-1]).items(), key=lambda kv: kv[1])[0]
    size = f"{papers // 1000}k papers / {graph.number_of_edges() // 1000}k cit."
    # The format the saved graph had until it had to stop running code (pickle), loaded the same
    # way and interleaved with the real one, so machine load shifts both alike.
    baseline = data / "baseline.pickle"
    baseline.write_bytes(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
    loads = {"json": [], "pickle": []}
    for _ in range(runs):
        loads["json"].append(run_times([sys.executable, "-c", "from pathlib import Path; from citegraph.assemble import load_graph; "
                                        f"load_graph(Path({str(graph_path(data))!r}))"]))
        loads["pickle"].append(run_times([sys.executable, "-c", "import gc, pickle, citegraph.assemble; gc.disable(); "
                                          f"pickle.loads(open({str(baseline)!r}, 'rb').read())"]))
    baseline.unlink()
    for fmt, measure in (("json", f"load saved graph, {size}"), ("pickle", "  same graph from a pickle (old format)")):
        wall, cpu = (statistics.median(times) for times in zip(*loads[fmt]))
        table.add("queries", f"{measure}: wall / CPU", f"{wall:.2f} / {cpu:.2f}", "s")
    table.add("queries", "  saved graph file size", round(graph_path(data).stat().st_size / 2**20, 1), "MiB")
    questions = {"unread --top 10": ["unread", "--top", "10"], "path A B": ["path", source, far], "show A": ["show", source],
                 "similar A": ["similar", target]}
    floor, times = answer_times(questions, data, 1 if quick else 5)
    table.add("queries", f"python -c 'import click, json' (floor, median of {1 if quick else 5})", round(floor, 3), "s")
    for name, (wall, cpu) in times.items():
        table.add("queries", f"citegraph {name} (whole command, median)", round(wall, 3), "s", "<= 1 s", wall <= 1.0)
        table.add("queries", "  / floor", round(wall / floor, 1), "x")
        table.add("queries", "  its CPU time (user + system: less moved by load)", round(cpu, 3), "s")
    questions = {"unread": {}, "path": {"from": source, "to": far}}
    up, answers = mcp_answer_times(data, questions, runs=9)
    table.add("queries", "citegraph mcp: started, graph loaded, initialized", round(up, 2), "s")
    cpu = mcp_answer_cpu(data, questions, runs=9)
    for name, times in answers.items():
        median = statistics.median(times) * 1000
        table.add("queries", f"citegraph mcp {name}, server up (median of {len(times)})", round(median, 1), "ms",
                  "<= 50 ms", median <= 50)
        table.add("queries", "  its CPU time in the server (less moved by load)", round(cpu[name] * 1000, 1), "ms")
    del graph

    edges = 100_000 if quick else 1_000_000
    store_dir = tmp / "memory"
    fill_store(store_dir, edges // 10, edges)
    code = ("import resource, sys; from pathlib import Path; from citegraph.pipeline import open_store; "
            "from citegraph.assemble import build_graph; from citegraph.notes.reader import Notes; "
            f"s = open_store(Path('{store_dir}')); g, _ = build_graph(s, Notes([], [], []), Path('{store_dir}')); "
            "print(g.number_of_edges(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    built, peak_kb = map(int, done.stdout.split())
    peak = peak_kb / 1024
    table.add("memory", f"peak RSS building a {built:,}-citation graph", round(peak, 1), "MB", "<= 2048 MB",
              peak <= 2048)


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
    from citegraph.mcp_server import Citegraph

    state = Citegraph(data)
    cpu = {name: [] for name in questions}
    for _ in range(runs):
        for name, arguments in questions.items():
            started = time.process_time()
            state.tools[name].answer(**arguments)
            cpu[name].append(time.process_time() - started)
    return {name: statistics.median(times) for name, times in cpu.items()}


FLOOR = [sys.executable, "-c", "import click, json"]


def answer_times(questions: dict[str, list], data_dir: Path, runs: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """Median wall time of the floor (``python -c "import click, json"``) and median wall and CPU
    times of each question as a whole command, runs alternating so that machine load shifts them alike.

    Run as an installed citegraph runs: with its compiled bytecode (this environment may turn
    writing it off), like click's in the floor.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    commands = {name: [*citegraph_command(), *map(str, args), "--data-dir", str(data_dir)] for name, args in questions.items()}
    for command in commands.values():  # once, to compile the bytecode
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    floors, times = [], {name: [] for name in commands}
    for _ in range(runs):
        floors.append(run_time(FLOOR, env))
        for name, command in commands.items():
            times[name].append(run_times(command, env))
    return statistics.median(floors), {name: tuple(map(statistics.median, zip(*values))) for name, values in times.items()}


def stage_library(table: Table, tmp: Path, quick: bool) -> None:
    """Questions on a library of 400 papers of yours (about 3,000 papers in the graph), against the floor."""
    count = 60 if quick else 400
    notes = tmp / f"library{count}.md"
    seeds = synthetic_notes(count, notes)
    service = StandinS2(generate_world(seeds, n_papers=500 if quick else 3000, seed=21)).start()
    data = tmp / "library"
    try:
        run_citegraph("build", notes, "--data-dir", data, "-o", data / "g.html", "--rps", "1000", env_url=service.url)
    finally:
        service.stop()
    stats = json.loads(subprocess.run([*citegraph_command(), "stats", "--format", "json", "--data-dir", str(data)],
                                      cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    ids = [line.split(",", 1)[0] for line in subprocess.run(
        [*citegraph_command(), "notes", str(notes), "--format", "csv"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout.splitlines()[1:]]
    questions = {"unread --top 10": ["unread", "--top", "10"], "path A B -u": ["path", ids[0], ids[-1], "--undirected"],
                 "show A": ["show", ids[0]]}
    runs = 1 if quick else 5
    floor, times = answer_times(questions, data, runs)
    size = f"{count} yours, {stats['papers']:,} in graph"
    table.add("library", f"python -c 'import click, json' (floor, median of {runs})", round(floor, 3), "s")
    for name, (wall, _) in times.items():
        table.add("library", f"citegraph {name}, {size}", round(wall, 3), "s")
        table.add("library", "  / floor", round(wall / floor, 1), "x", "<= 5", wall / floor <= 5)


def run_times(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process: CPU time moves less with machine load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run_time(command, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run_time(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fill_store(data_dir: Path, papers: int, citations: int) -> None:
    from citegraph.pipeline import open_store

    open_store(data_dir).close()
    rng = random.Random(3)
    db = sqlite3.connect(data_dir / "citegraph.db")
    with db:
        db.executemany("INSERT INTO papers VALUES (?,?,?,0)", (
            (f"p{i}", json.dumps({"paperId": f"p{i}", "title": f"Paper {i}", "year": 2000 + i % 25,
                                  "citationCount": i % 1000, "authors": [{"name": "A. Author"}]}), "full")
            for i in range(papers)))
        db.executemany("INSERT OR IGNORE INTO edges VALUES (?,?,?,?,?,?)", (
            (f"p{rng.randrange(papers)}", f"p{rng.randrange(papers)}", rng.random() < 0.15, None, None, "references")
            for _ in range(citations)))
    db.close()


# -- stage 5: the map ---------------------------------------------------------------------------

PATH_QUERY = """([pairs]) => pairs.map(([a, b]) => {
    const started = performance.now();
    window.citegraph.path(a, b, {undirected: true, all: true});
    return performance.now() - started;
})"""


def stage_map(table: Table, tmp: Path, quick: bool) -> None:
    from playwright.sync_api import sync_playwright

    from citegraph.map.render import MapOptions, render_map

    sizes = [2000] if quick else [2000, 20000]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for size in sizes:
                graph = synthetic_graph(size, size * 3, read_every=20)
                page_file = tmp / f"map-{size}.html"
                started = time.perf_counter()
                render_map(graph, page_file, MapOptions(show="all", max_nodes=size))
                rendered = time.perf_counter() - started
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
                started = time.perf_counter()
                page.goto(page_file.as_uri())
                page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
                first_frame = time.perf_counter() - started
                # in-page shortest paths (undirected, all of them) between random pairs of the whole graph
                rng = random.Random(size)
                pairs = [[f"p{rng.randrange(size)}", f"p{rng.randrange(size)}"] for _ in range(20)]
                query_times = sorted(page.evaluate(PATH_QUERY, [pairs]))
                page.close()
                table.add("map", f"{size:,} papers: page size", round(page_file.stat().st_size / 2**20, 2), "MiB")
                table.add("map", f"{size:,} papers: render in Python", round(rendered, 2), "s")
                table.add("map", f"{size:,} papers: navigation -> first interactive frame", round(first_frame, 2), "s",
                          "<= 3 s", first_frame <= 3.0)
                median_query = query_times[len(query_times) // 2]
                table.add("map", f"{size:,} papers: in-page path query (median of 20)", round(median_query, 1), "ms",
                          "<= 50 ms" if size >= 20000 else "", median_query <= 50 if size >= 20000 else None)
                table.add("map", f"{size:,} papers: in-page path query (slowest of 20)", round(query_times[-1], 1), "ms")
        finally:
            browser.close()


# -- stage 6: reading notes ---------------------------------------------------------------------

def ris_record(i: int) -> str:
    return (f"TY  - JOUR\nTI  - Synthetic paper {i} on topic {i % 97}\nAU  - Author, A.\nDO  - 10.1000/bench.{i}\n"
            f"UR  - https://doi.org/10.1000/bench.{i}\nKW  - topic {i % 50}\nKW  - {'to-read' if i % 9 == 0 else 'ml'}\n"
            f"N1  - Read for the group, see section {i % 7}.\nER  - \n\n")


def csl_item(i: int) -> str:
    return json.dumps({"id": f"item{i}", "type": "article-journal", "title": f"Synthetic paper {i} on topic {i % 97}",
                       "DOI": f"10.1000/bench.{i}", "URL": f"https://doi.org/10.1000/bench.{i}",
                       "keyword": f"topic {i % 50}, ml", "note": f"Read for the group, see section {i % 7}."}, indent=2)


def repeated_paper_line(i: int) -> str:
    return f"- [Attention Is All You Need](https://arxiv.org/abs/1706.03762) mention {i}\n  my note {i % 13}\n"


def notes_file(path: Path, size: int, piece, head: str = "", join: str = "", tail: str = "") -> Path:
    """A notes file of about ``size`` bytes made of numbered pieces."""
    parts, written, i = [head], len(head), 0
    while written < size:
        part = piece(i)
        parts.append(part)
        written += len(part) + len(join)
        i += 1
    path.write_text(parts[0] + join.join(parts[1:]) + tail)
    return path


def stage_notes(table: Table, tmp: Path, quick: bool) -> None:
    """`citegraph notes` on RIS, CSL-JSON and one paper mentioned over and over: time grows with size, linearly."""
    small, large = (0.25, 1) if quick else (5, 20)
    factor = round(large / small)
    shapes = {
        "RIS": (".ris", dict(piece=ris_record)),
        "CSL-JSON": (".json", dict(piece=csl_item, head="[\n", join=",\n", tail="\n]\n")),
        "repeated-paper markdown": (".md", dict(piece=repeated_paper_line)),
    }
    for name, (suffix, layout) in shapes.items():
        cpu = {}
        for megabytes in (small, large):
            path = notes_file(tmp / f"notes-{megabytes}{suffix}", int(megabytes * 2**20), **layout)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = run_citegraph("notes", path, "--format", "csv")
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time, unlike wall time, does not grow when other jobs share the machine.
            cpu[megabytes] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            table.add("notes", f"{name}, {megabytes} MB (whole command): wall", round(wall, 2), "s")
            table.add("notes", f"{name}, {megabytes} MB (whole command): CPU", round(cpu[megabytes], 2), "s")
            path.unlink()
        ratio = cpu[large] / cpu[small]
        table.add("notes", f"{name}: CPU {large} MB / CPU {small} MB", round(ratio, 2), "x",
                  f"<= {factor + 1} (linear)", ratio <= factor + 1)


# -- stage: suggest (issue 20) -------------------------------------------------------------------

def stage_suggest(table: Table, tmp: Path, quick: bool) -> None:
    # `suggest` through the semanticscholar client over our transport, against a strict bucket at
    # the same rate: requests made, 429s, and wall time against the request floor.
    import datetime

    from citegraph.demo.world import add_later_work

    rate = 10.0 if quick else 1.0
    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=14)
    add_later_work(world, datetime.date.today(), 60, seed=14)
    service = StandinS2(world).start()
    data = tmp / "suggest"
    try:
        run_citegraph("build", SAMPLE_NOTES, "--data-dir", data, "-o", data / "g.html", "--rps", "1000", env_url=service.url)
        service.set_faults(Faults(rps=rate))
        for label, extra in (("recent pool, your read papers", []), ("all-cs pool, one request per read paper", ["--pool", "all-cs"])):
            service.reset()
            wall = run_citegraph("suggest", "--data-dir", data, "--top", "20", *extra, env_url=service.url)
            served = service.log.count(served_only=True)
            limited = service.stats()["statuses"].get("429", 0)
            table.add("suggest", f"suggest, {label}: requests", served, "req")
            table.add("suggest", f"suggest, {label}: 429 answers at {rate:g}/s", limited, "", "<= 1", limited <= 1)
            table.add("suggest", f"suggest, {label}: wall time", round(wall, 2), "s")
        table.add("suggest", "suggest --offline (the stored answer)",
                  round(run_citegraph("suggest", "--data-dir", data, "--offline", env_url="http://127.0.0.1:9"), 3), "s")
    finally:
        service.stop()


# -- stage 7: hostile line shapes ---------------------------------------------------------------

# Each shape is one line (or one Zotero note) that used to make a reader super-linear: a run of
# characters several unbounded patterns of a regular expression could share, or an id per few bytes.
HOSTILE_SHAPES = {
    "spaces after a heading": (".md", lambda n: "# a" + " " * n + "b\n"),
    "spaces after a bold label": (".md", lambda n: "**label**" + " " * n + "b\n"),
    "spaces after a task box": (".md", lambda n: "- [ ]" + " " * n + "b\n"),
    "spaces in an org heading": (".org", lambda n: "* TODO a" + " " * n + "b :t:\n"),
    "one long line of ids": (".md", lambda n: "see arXiv:2106.09685 " * (n // 21) + "\n"),
    "unclosed brackets and emphasis": (".md", lambda n: "[a](<b **c _d `e " * (n // 17) + "\n"),
    "a Zotero note of <": (".sqlite", lambda n: "<" * n),
}
# Reads one notes file (or Zotero library) in a fresh process and prints the reading's CPU seconds and
# the process's peak RSS.
# argv: [folder whose `citegraph` package to use, or ""] PATH. Memory is capped so a quadratic reader
# is stopped instead of taking the machine.
HOSTILE_READER = """
import resource, sys
root, path = sys.argv[1:3]
if root:
    sys.path.insert(0, root)
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from citegraph.notes.reader import ZoteroSource, read_notes
import time
started = time.process_time()
try:
    if path.endswith(".sqlite"):
        read_notes([], ZoteroSource(path))
    else:
        read_notes([path])
except MemoryError:
    print("memory"); sys.exit(0)
print(time.process_time() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
HOSTILE_TIMEOUT = 30


def hostile_file(folder: Path, shape: str, size: int) -> Path:
    suffix, make = HOSTILE_SHAPES[shape]
    path = folder / f"hostile-{len(list(folder.iterdir()))}{suffix}"
    if suffix == ".sqlite":
        from tests.fixtures.notes.zotero_library import ZoteroLibrary

        library = ZoteroLibrary(path)
        library.note(library.item("HOSTILE1", title="A paper with a hostile note"), "NOTE0001", make(size))
        library.close()
    else:
        path.write_text(make(size))
    return path


def read_hostile(path: Path, package_root: str = "") -> tuple[float, float] | str:
    """(CPU s, peak MB) of reading ``path`` in a fresh process; "> N s" or "> 4 GB" when it was stopped."""
    try:
        done = subprocess.run([sys.executable, "-c", HOSTILE_READER, package_root, str(path)], capture_output=True,
                              text=True, timeout=HOSTILE_TIMEOUT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        return f"> {HOSTILE_TIMEOUT} s"
    if done.stdout.strip() == "memory" or "MemoryError" in done.stderr:
        return "> 4 GB"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]
    cpu, peak = map(float, done.stdout.split())
    return cpu, peak


def baseline_package(checkout: Path, folder: Path) -> str:
    """A folder holding ``citegraph`` as a link to another checkout's graph/ (read, never written)."""
    link_folder = folder / "baseline"
    link_folder.mkdir(exist_ok=True)
    if not (link_folder / "citegraph").exists():
        (link_folder / "citegraph").symlink_to(Path(checkout).resolve() / "graph")
    return str(link_folder)


def stage_hostile_notes(table: Table, tmp: Path, quick: bool, baseline: Path | None = None) -> None:
    """Each hostile line shape at two sizes: CPU time and peak memory grow linearly (and, with
    --baseline CHECKOUT, what that checkout's readers take on the same files, stopped at 30 s or 4 GB)."""
    small, large = (50_000, 200_000) if quick else (1_000_000, 4_000_000)
    folder = tmp / "hostile"
    folder.mkdir(exist_ok=True)
    before_root = baseline_package(baseline, tmp) if baseline else None
    for shape in HOSTILE_SHAPES:
        cpu = {}
        for size in (small, large):
            path = hostile_file(folder, shape, size)
            measured = read_hostile(path)
            before = read_hostile(path, before_root) if before_root else None
            was = "" if before is None else (f"was {before[0]:.2f} s" if isinstance(before, tuple) else f"was {before}")
            was_mb = "" if not isinstance(before, tuple) else f"was {before[1]:.0f} MB"
            label = f"{shape}, {size / 1e6:g} M chars"
            if isinstance(measured, str):
                table.add("hostile-notes", f"{label}: CPU", measured, "", was, False)
                path.unlink()
                continue
            cpu[size] = measured[0]
            table.add("hostile-notes", f"{label}: CPU", round(measured[0], 2), "s", was)
            table.add("hostile-notes", f"{label}: peak RSS", round(measured[1]), "MB", was_mb or was)
            path.unlink()
        if len(cpu) == 2:
            factor = large // small
            # Under a tenth of a second the clock's grain and the process start are most of the time.
            ratio = max(cpu[large], 0.1) / max(cpu[small], 0.1)
            table.add("hostile-notes", f"{shape}: CPU x{factor} size / CPU x1", round(ratio, 2), "x",
                      f"<= {factor + 2} (linear)", ratio <= factor + 2)


# -- stage: the map at a library's size -------------------------------------------------------

BARE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script>{vis}</script></head>
<body style="margin:0"><div id="map" style="position:absolute;inset:0"></div><script>
var data = {data};
var net = new vis.Network(document.getElementById("map"), {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{physics: {{enabled: false}}, layout: {{improvedLayout: false}}, nodes: {{shape: "dot"}}, edges: {{smooth: false}}}});
net.fit();
net.once("afterDrawing", function () {{ document.body.setAttribute("data-ready", "1"); }});
</script></body></html>"""


def library_graph(read: int, papers_per_read: int) -> nx.DiGraph:
    """The graph a depth-1 build of a generated library gives (its read papers and their references),
    assembled in memory from the generated world: groups and PageRank as a build stores them."""
    from citegraph.clustering import assign_clusters
    from citegraph.demo.world import generate_library

    library = generate_library(n_read=read, papers_per_read=papers_per_read, seed=0)
    world, graph = library.world, nx.DiGraph()
    read_ids = {pid for pid, p in world.papers.items() if (p.get("externalIds") or {}).get("ArXiv") in library.topic_of}
    for pid in read_ids:
        for citation in world.references[pid]:
            for node in (pid, citation.cited):
                if node not in graph:
                    record = world.papers[node]
                    attrs = node_attributes(record)
                    if node in read_ids:
                        attrs.update(read=True, topics=[])
                    graph.add_node(node, **attrs)
            graph.add_edge(pid, citation.cited, isInfluential=citation.is_influential, origin="references")
    compute_pagerank(graph)
    started = time.perf_counter()
    assign_clusters(graph)
    graph.graph["groups_seconds"] = time.perf_counter() - started
    return graph


def first_frame(browser, page_file: Path) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    started = time.perf_counter()
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready]", state="attached", timeout=300_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def stage_map_library(table: Table, tmp: Path, quick: bool) -> None:
    """Libraries of 400 and 2,000 read papers (notes without headings): groups, layout, page, first frame."""
    from playwright.sync_api import sync_playwright

    from citegraph.map.render import Box, MapOptions, cached_layout, map_items, render_map

    libraries = [(400, 30)] if quick else [(400, 30), (2000, 10)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for read, per_read in libraries:
                graph = library_graph(read, per_read)
                name = f"{read:,} yours"
                table.add("map-library", f"{name}: papers in the graph (world {read * per_read:,})", graph.number_of_nodes())
                page_file = tmp / f"library-{read}.html"
                started = time.perf_counter()
                nodes, edges, data = map_items(graph, MapOptions())
                items = time.perf_counter() - started
                table.add("map-library", f"{name}: papers drawn", data["drawn"])
                # the layout alone, uncached, on the papers the map draws
                boxes = {n["id"]: Box(n["size"]) for n in nodes}
                started = time.perf_counter()
                cached_layout(graph, [n["id"] for n in nodes], boxes, "auto", {n["id"]: n["cluster"] for n in nodes}, None)
                laid_out = time.perf_counter() - started
                groups_and_layout = graph.graph["groups_seconds"] + laid_out
                table.add("map-library", f"{name}: groups + layout", round(groups_and_layout, 2), "s",
                          "<= 3 s" if read >= 2000 else "", groups_and_layout <= 3 if read >= 2000 else None)
                table.add("map-library", f"{name}: map items (ranking, groups, layout, data)", round(items, 2), "s")
                started = time.perf_counter()
                render_map(graph, page_file)
                cold = time.perf_counter() - started
                started = time.perf_counter()
                render_map(graph, page_file)
                warm = time.perf_counter() - started
                imports = run_time([sys.executable, "-c", "import networkx, pandas, pyvis"])
                table.add("map-library", f"{name}: render_map cold / with its cached layout", f"{cold:.2f} / {warm:.2f}", "s")
                table.add("map-library", f"{name}: cached render_map / import networkx, pandas, pyvis", round(warm / imports, 2), "x")
                table.add("map-library", f"{name}: page size", round(page_file.stat().st_size / 2**20, 2), "MiB")
                bare_file = tmp / f"bare-{read}.html"
                vis = (Path(__import__("pyvis").__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text()
                bare_nodes = [{"id": n["id"], "x": n["x"], "y": n["y"], "size": n["size"]} for n in nodes]
                bare_edges = [{"from": e["from"], "to": e["to"]} for e in edges]
                bare_file.write_text(BARE_PAGE.format(vis=vis, data=json.dumps({"nodes": bare_nodes, "edges": bare_edges})))
                ours, bare = first_frame(browser, page_file), first_frame(browser, bare_file)
                table.add("map-library", f"{name}: first frame, map / bare vis-network", f"{ours:.2f} / {bare:.2f}", "s")
                table.add("map-library", f"{name}: first frame ratio", round(ours / bare, 2), "x", "<= 1.5", ours / bare <= 1.5)
        finally:
            browser.close()


# -- hostile servers: memory stays bounded whatever the answer's size -----------------------------

HOSTILE_PEAK = ("import resource, sys\nfrom citegraph.cli import main\n"
                "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")


def stage_hostile_server(table: Table, tmp: Path, quick: bool) -> None:
    """Peak RSS of a whole build (3 notes papers) whose /references answers are a 1 MB gzip bomb
    (1 GB inflated) or a 200 MB answer (--quick: the bomb only): each is given up at the answer
    limit, not read into memory."""
    from tests.standin.hostile import HostileS2

    world = generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=300, seed=7)
    notes = tmp / "hostile.md"
    notes.write_text("".join(f"- https://www.semanticscholar.org/paper/{p}\n" for p in list(world.references)[:3]))
    modes = [("gzip_bomb", "a 1 MB gzip bomb (1 GB inflated)"), ("huge_answer", "a 200 MB answer")]
    for mode, shown in modes[:1] if quick else modes:
        server = HostileS2(world, mode).start()
        try:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", HOSTILE_PEAK, "build", str(notes), "--data-dir",
                                   str(tmp / f"hostile-{mode}"), "-o", str(tmp / f"{mode}.html"), "--max-wait", "0",
                                   "--rps", "50"],
                                  cwd=ROOT, env={**os.environ, "S2_API_URL": server.url}, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
        peak = int(done.stderr.split()[-1]) / 1024
        table.add("hostile-server", f"peak RSS of a build against {shown}", round(peak, 1), "MB", "<= 512 MB", peak <= 512)
        table.add("hostile-server", "  its wall time (3 papers, one attempt each)", round(elapsed, 1), "s")


STAGES = {"requests": stage_requests, "rate": stage_rate, "first": stage_first_map, "warm": stage_warm,
          "library": stage_library, "queries": stage_queries, "map": stage_map, "map-library": stage_map_library,
          "notes": stage_notes, "suggest": stage_suggest, "hostile-notes": stage_hostile_notes,
          "hostile-server": stage_hostile_server}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: well under a minute")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--only", choices=sorted(STAGES), action="append", help="run only these stages")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="hostile-notes stage: also time another checkout's readers on the same files")
    parser.add_argument("--datasets", action="store_true",
                        help="also the Datasets stage (heavy: generates, imports and builds from a release)")
    parser.add_argument("--datasets-citations", type=int, default=50_000_000, help="citations in its generated release")
    args = parser.parse_args(argv)
    table = Table()
    print(f"{'stage':<10} {'measure':<52} {'value':>14} {'unit':<5} {'goal':<14}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        for name, stage in STAGES.items():
            if not args.only or name in args.only:
                stage_started = time.perf_counter()
                extra = {"baseline": args.baseline} if name == "hostile-notes" else {}
                stage(table, Path(tmp), args.quick, **extra)
                table.add(name, "stage wall time", round(time.perf_counter() - stage_started, 1), "s")
        if args.datasets:
            from bench.datasets import stage_datasets

            stage_datasets(table, Path(tmp), args.quick, args.datasets_citations)
    total = time.perf_counter() - started
    print(f"total {total:.1f} s{' (quick)' if args.quick else ''}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"quick": args.quick, "seconds": round(total, 1), "rows": table.rows}, indent=2))
    return 1 if any(row["ok"] is False for row in table.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
