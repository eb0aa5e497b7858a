"""The first map (batch first) against the page-by-page build, at a strict request rate."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, SAMPLE_NOTES, Table, citegraph_command
from tests.interrupt import ctrl_c_as_at_a_terminal
from tests.standin import Faults, StandinS2, generate_world, sample_notes_seeds


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
    command = citegraph_command() + [
        "build",
        str(notes),
        "--data-dir",
        str(data),
        "-o",
        str(data / "g.html"),
        "--rps",
        f"{rps:g}",
    ]
    env = {**os.environ, "S2_API_URL": service.url}
    first = None
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            preexec_fn=ctrl_c_as_at_a_terminal,
        )
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
    return {
        "first": first,
        "requests": service.log.count(served_only=True),
        "seconds": elapsed,
        "limited": service.stats()["statuses"].get("429", 0),
    }


def run(table: Table, tmp: Path, quick: bool) -> None:
    """Issue 19's goals against a strict bucket: the first map after a few requests and seconds at
    1 request/s; the complete build no slower than today's, which is measured in the same run as a
    build whose batch lists no references for your papers (so every paper comes page by page, and
    the map only at the end, as before the batch was asked for them)."""
    # quick: the request counts matter, not the waits; ten a second still leaves the sample's flags the
    # few seconds that earn a first map (citegraph.constants.FIRST_VIEW_AFTER)
    first_rate = 10.0 if quick else 1.0
    sample = sample_notes_seeds([SAMPLE_NOTES])
    cases = (
        [("sample", 35, 2, 5.0)]
        if quick
        else [("sample", 35, 2, 5.0), ("400 papers", 400, 2, 10.0), ("2,000 papers", 2000, 6, 30.0)]
    )
    for label, count, most_requests, most_seconds in cases:
        if label == "sample":
            world = generate_world(sample, n_papers=1500, seed=14)
            notes, yours = SAMPLE_NOTES, [world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in sample]
        else:
            world, dois, yours = library_world(count, seed=15)
            notes = tmp / f"library-{count}.md"
            notes.write_text("# Library\n" + "".join(f"- https://doi.org/{doi}\n" for doi in dois))
        # Complete builds of the big libraries at 1 request/s would take an hour: they run at 10/s (in
        # quick mode at 50/s), and their times are given as ratios to the request floor.
        complete_rate = 50.0 if quick else first_rate if label == "sample" else 10.0
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
        report_first_map(table, label, first, today, first_rate, complete_rate, most_requests, most_seconds)
        report_complete_build(table, label, new, today, complete_rate, count)


def report_first_map(
    table: Table,
    label: str,
    first: dict,
    today: dict,
    first_rate: float,
    complete_rate: float,
    most_requests: int,
    most_seconds: float,
) -> None:
    made, seconds = first["first"]
    at = f"at {first_rate:g} req/s"
    table.add(
        "first",
        f"{label}: first map after (today: {today['requests']:,})",
        made,
        "req",
        f"<= {most_requests}",
        made <= most_requests,
        exact=True,
    )
    table.add(
        "first",
        f"{label}: first map after, {at}",
        round(seconds, 1),
        "s",
        f"<= {most_seconds:g} s",
        seconds <= most_seconds,
    )
    today_ratio = today["seconds"] / (today["requests"] / complete_rate)
    table.add(
        "first",
        f"  today: first map after, {at} (requests x ratio)",
        round(today["requests"] / first_rate * today_ratio, 1),
        "s",
    )


def report_complete_build(table: Table, label: str, new: dict, today: dict, complete_rate: float, count: int) -> None:
    today_ratio = today["seconds"] / (today["requests"] / complete_rate)
    allowed = today["requests"] + math.ceil(count / 500)
    table.add(
        "first",
        f"{label}: complete build (today: {today['requests']:,})",
        new["requests"],
        "req",
        f"<= {allowed:,}",
        new["requests"] <= allowed,
        exact=True,
    )
    # The pacing goals hold at S2's 1 request/s; at 10/s a few ms of a loaded machine's jitter
    # meet the strict bucket, and start-up and drawing weigh against a short request floor.
    paced = complete_rate == 1.0
    table.add(
        "first",
        f"{label}: complete build, 429s (today: {today['limited']})",
        new["limited"],
        "",
        "<= 1" if paced else "",
        new["limited"] <= 1 if paced else None,
    )
    ratio = new["seconds"] / (new["requests"] / complete_rate)
    table.add(
        "first",
        f"{label}: complete, s / request floor at {complete_rate:g}/s (today: {today_ratio:.2f})",
        round(ratio, 2),
        "x",
        "<= 1.1" if paced else "",
        ratio <= 1.1 if paced else None,
    )
