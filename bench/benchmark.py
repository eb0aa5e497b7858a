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
    for name, args in (("path", ["path", source, far]), ("unread", ["unread"]), ("similar", ["similar", target])):
        wall, cpu = (statistics.median(times) for times in zip(*(
            run_times([*citegraph_command(), *map(str, args), "--data-dir", str(data)]) for _ in range(runs))))
        table.add("queries", f"citegraph {name} (whole command, median of {runs})", round(wall, 3), "s", "<= 2 s",
                  wall <= 2.0)
        table.add("queries", "  its CPU time (user + system: less moved by load)", round(cpu, 3), "s")
    del graph

    edges = 100_000 if quick else 1_000_000
    store_dir = tmp / "memory"
    fill_store(store_dir, edges // 10, edges)
    code = ("import resource, sys; from pathlib import Path; from citegraph.pipeline import open_store; "
            "from citegraph.assemble import build_graph; from citegraph.notes import Notes; "
            f"s = open_store(Path('{store_dir}')); g, _ = build_graph(s, Notes([], [], []), Path('{store_dir}')); "
            "print(g.number_of_edges(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    built, peak_kb = map(int, done.stdout.split())
    peak = peak_kb / 1024
    table.add("memory", f"peak RSS building a {built:,}-citation graph", round(peak, 1), "MB", "<= 2048 MB",
              peak <= 2048)


def run_times(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process: CPU time moves less with machine load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run_time(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
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

    from citegraph.render import MapOptions, render_map

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


STAGES = {"requests": stage_requests, "rate": stage_rate, "first": stage_first_map, "warm": stage_warm,
          "queries": stage_queries, "map": stage_map,
          "notes": stage_notes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: well under a minute")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--only", choices=sorted(STAGES), action="append", help="run only these stages")
    args = parser.parse_args(argv)
    table = Table()
    print(f"{'stage':<10} {'measure':<52} {'value':>14} {'unit':<5} {'goal':<14}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        for name, stage in STAGES.items():
            if not args.only or name in args.only:
                stage_started = time.perf_counter()
                stage(table, Path(tmp), args.quick)
                table.add(name, "stage wall time", round(time.perf_counter() - stage_started, 1), "s")
    total = time.perf_counter() - started
    print(f"total {total:.1f} s{' (quick)' if args.quick else ''}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"quick": args.quick, "seconds": round(total, 1), "rows": table.rows}, indent=2))
    return 1 if any(row["ok"] is False for row in table.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
