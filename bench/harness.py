"""Whole-pipeline benchmark against the S2 stand-in, with a naive baseline beside it.

Every citegraph measurement is a whole `citegraph` process. Prints one table and writes JSON
(bench/results/latest.json unless --json FILE). --quick shrinks every stage to one small case
(about a minute and 70 CPU-seconds in all); the full run uses the sizes the issues name.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "data" / "notes"


class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(
        self,
        stage: str,
        measure: str,
        value,
        unit: str = "",
        goal: str = "",
        ok: bool | None = None,
        exact: bool = False,
    ):
        """One row; ``exact`` marks a goal that load cannot move (a count), which the test suite checks."""
        self.rows.append(
            {"stage": stage, "measure": measure, "value": value, "unit": unit, "goal": goal, "ok": ok, "exact": exact}
        )
        shown = f"{value:,.3f}" if isinstance(value, float) else (f"{value:,}" if isinstance(value, int) else value)
        mark = {True: "ok", False: "MISSED", None: ""}[ok]
        print(f"{stage:<10} {measure:<52} {shown:>14} {unit:<5} {goal:<14} {mark}", flush=True)


def citegraph_command() -> list[str]:
    script = Path(sys.executable).parent / "citegraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def run_citegraph(*args, env_url: str | None = None, check: bool = True) -> float:
    env = {**os.environ, **({"S2_API_URL": env_url} if env_url else {})}
    started = time.perf_counter()
    done = subprocess.run(
        citegraph_command() + [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"citegraph {' '.join(map(str, args))} failed:\n{done.stderr}")
    return elapsed


def median_time(args: list, runs: int) -> float:
    return statistics.median(run_citegraph(*args) for _ in range(runs))


FLOOR = [sys.executable, "-c", "import click, json"]


def answer_times(questions: dict[str, list], data_dir: Path, runs: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """Median wall time of the floor (``python -c "import click, json"``) and median wall and CPU
    times of each question as a whole command, runs alternating so that machine load shifts them alike.

    Run as an installed citegraph runs: with its compiled bytecode (this environment may turn
    writing it off), like click's in the floor.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        name: [*citegraph_command(), *map(str, args), "--data-dir", str(data_dir)] for name, args in questions.items()
    }
    for command in commands.values():  # once, to compile the bytecode
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    floors, times = [], {name: [] for name in commands}
    for _ in range(runs):
        floors.append(run_time(FLOOR, env))
        for name, command in commands.items():
            times[name].append(run_times(command, env))
    return statistics.median(floors), {
        name: tuple(map(statistics.median, zip(*values))) for name, values in times.items()
    }


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


def launch_chromium(playwright):
    """Debian's Chromium, headless, with nothing but the page's own file to load."""
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


# -- the command line ---------------------------------------------------------------------------


def stage_name(module_name: str) -> str:
    return module_name.replace("_", "-")


def load_stages() -> dict:
    """Every registered stage module by its name on the command line, in the registry's order."""
    from bench.stages import STAGES

    return {stage_name(module): importlib.import_module(f"bench.stages.{module}") for module in STAGES}


def runs_by_default(stage) -> bool:
    return getattr(stage, "RUNS_BY_DEFAULT", True)


def stage_arguments(stage, args: argparse.Namespace) -> tuple:
    """A stage's ``run`` gets the parsed command line as a fourth argument when it adds options of its own."""
    return (args,) if hasattr(stage, "add_options") else ()


def parser_for(stages: dict) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one small case per stage: about a minute in all")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument(
        "--only",
        choices=list(stages),
        action="append",
        metavar="STAGE",
        help=f"run only these stages (any of: {', '.join(stages)})",
    )
    for name, stage in stages.items():
        if not runs_by_default(stage):
            summary = (stage.__doc__ or "").strip().splitlines()[0]
            parser.add_argument(
                f"--{name}",
                action="store_true",
                dest=f"with_{name.replace('-', '_')}",
                help=f"also the {name} stage, left out unless asked for: {summary}",
            )
        if hasattr(stage, "add_options"):
            stage.add_options(parser)
    return parser


def chosen(name: str, stage, args: argparse.Namespace) -> bool:
    if getattr(args, f"with_{name.replace('-', '_')}", False):
        return True
    return name in args.only if args.only else runs_by_default(stage)


def main(argv: list[str] | None = None) -> int:
    stages = load_stages()
    args = parser_for(stages).parse_args(argv)
    table = Table()
    print(f"{'stage':<10} {'measure':<52} {'value':>14} {'unit':<5} {'goal':<14}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        for name, stage in stages.items():
            if chosen(name, stage, args):
                stage_started = time.perf_counter()
                stage.run(table, Path(tmp), args.quick, *stage_arguments(stage, args))
                table.add(name, "stage wall time", round(time.perf_counter() - stage_started, 1), "s")
    total = time.perf_counter() - started
    print(f"total {total:.1f} s{' (quick)' if args.quick else ''}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"quick": args.quick, "seconds": round(total, 1), "rows": table.rows}, indent=2))
    return 1 if any(row["ok"] is False for row in table.rows) else 0
