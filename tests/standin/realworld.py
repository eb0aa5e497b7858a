"""A world of real Semantic Scholar records (tests/fixtures/realcorpus/world.json.gz: see SOURCES.md there)
for the stand-in to serve.

The file holds ``papers`` (paperId -> the S2 record, with only the fields its sources gave) and
``references`` (paperId -> its reference list: ``paperId`` (null when S2 had none), ``isInfluential``
(null when the source does not say), ``intents``, ``contexts``, and ``title`` for id-less items). The
records are served as they are: no count or field is filled in, so a field the sources lack is null.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from citegraph.demo.world import Citation, World

REAL_CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "realcorpus"
REAL_WORLD = REAL_CORPUS / "world.json.gz"


def read_world_file(path: str | Path = REAL_WORLD) -> dict:
    """The world file's JSON (gzip-compressed or not)."""
    path = Path(path)
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


def load_world(path: str | Path = REAL_WORLD) -> World:
    """The world file as a stand-in world, every record as it is."""
    raw = read_world_file(path)
    world = World()
    for paper_id, record in raw["papers"].items():
        references = [
            Citation(
                item.get("paperId"),
                item.get("title") or "",
                item.get("isInfluential"),
                item.get("intents") or [],
                item.get("contexts") or [],
            )
            for item in raw["references"].get(paper_id, [])
        ]
        world.add_paper(dict(record), references)
    return world
