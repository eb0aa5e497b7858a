"""`citegraph notes` on large RIS, CSL-JSON and markdown files: time grows linearly with size."""

from __future__ import annotations

import json
import resource
from pathlib import Path

from bench.harness import Table, run_citegraph


def ris_record(i: int) -> str:
    return (
        f"TY  - JOUR\nTI  - Synthetic paper {i} on topic {i % 97}\nAU  - Author, A.\nDO  - 10.1000/bench.{i}\n"
        f"UR  - https://doi.org/10.1000/bench.{i}\nKW  - topic {i % 50}\nKW  - {'to-read' if i % 9 == 0 else 'ml'}\n"
        f"N1  - Read for the group, see section {i % 7}.\nER  - \n\n"
    )


def csl_item(i: int) -> str:
    return json.dumps(
        {
            "id": f"item{i}",
            "type": "article-journal",
            "title": f"Synthetic paper {i} on topic {i % 97}",
            "DOI": f"10.1000/bench.{i}",
            "URL": f"https://doi.org/10.1000/bench.{i}",
            "keyword": f"topic {i % 50}, ml",
            "note": f"Read for the group, see section {i % 7}.",
        },
        indent=2,
    )


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


def run(table: Table, tmp: Path, quick: bool) -> None:
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
        table.add(
            "notes",
            f"{name}: CPU {large} MB / CPU {small} MB",
            round(ratio, 2),
            "x",
            f"<= {factor + 1} (linear)",
            ratio <= factor + 1,
        )
