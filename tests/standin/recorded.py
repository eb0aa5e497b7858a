"""Real recorded S2 answers (tests/fixtures/recorded/, with their sources and licences in the
``.meta.txt`` beside each body): loaded as :class:`Recording`, and turned into a :class:`World`
holding every paper they show, so the stand-in can be asked the recorded requests and compared.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from citegraph.demo.world import Citation, World

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded"


@dataclass
class Recording:
    """One recorded exchange: the request, and the answer's status, headers and body (text, as sent)."""

    name: str
    method: str
    path: str
    query: dict[str, str]
    request_body: str | None
    status: int
    headers: dict[str, str]
    body: str

    @property
    def json(self):
        return json.loads(self.body)


def recording_names() -> list[str]:
    return sorted(p.name[: -len(".json")] for p in RECORDED.glob("*.json"))


def load_recording(name: str) -> Recording:
    meta = (RECORDED / f"{name}.meta.txt").read_text()
    fields, headers, in_headers = {}, {}, False
    for line in meta.splitlines():
        if in_headers and line.startswith("  "):
            key, _, value = line.strip().partition(": ")
            headers[key] = value
            continue
        in_headers = False
        key, _, value = line.partition(":")
        if key == "response_headers":
            in_headers = value.strip() == ""
        else:
            fields[key] = value.strip()
    url = urlsplit(fields["request_url"])
    status = re.match(r"\d+", fields["response_status"])
    return Recording(
        name,
        fields["request_method"],
        unquote(url.path),
        dict(parse_qsl(url.query)),
        fields.get("request_body"),
        int(status.group()) if status else 200,
        headers,
        (RECORDED / f"{name}.json").read_text(),
    )


def _paper_of(item: dict, extra_ids: dict | None = None) -> dict:
    record = dict(item)
    record.pop("matchScore", None)
    if extra_ids:
        record["externalIds"] = {**(record.get("externalIds") or {}), **extra_ids}
    return record


def recorded_world() -> World:
    """Every paper the recordings show, with the recorded reference and citation pages as links."""
    world = World()
    for name in recording_names():
        recording = load_recording(name)
        body = recording.json if recording.status == 200 else None
        if "/paper/batch" in recording.path and isinstance(body, list):
            for item in body:
                if item:
                    world.add_paper(_paper_of(item))
        elif recording.path.endswith("/search/match") and body:
            world.add_paper(_paper_of(body["data"][0]))
        elif recording.path.endswith("/paper/search") and body and body.get("data"):
            for item in body["data"]:
                world.add_paper(_paper_of(item))
        elif (
            re.fullmatch(r"/graph/v1/paper/(?!batch$|search)(.+?)(?<!/references)(?<!/citations)", recording.path)
            and body
        ):
            raw_id = recording.path[len("/graph/v1/paper/") :]
            world.add_paper(_paper_of(body, {"DOI": raw_id} if raw_id.startswith("10.") else None))
    _add_pages(world, "get_paper_references", "citedPaper", "DOI:10.2139/ssrn.2250500")
    _add_pages(world, "get_paper_citations", "citingPaper", "CorpusId:14514057")
    return world.finish()


def _made_up_id(name: str) -> str:
    """A paperId for a paper the recordings name but do not show."""
    return hashlib.sha1(name.encode()).hexdigest()


def _add_pages(world: World, what: str, other: str, raw_id: str) -> None:
    """The recorded pages as the links of the paper they are about (made up when no recording shows
    it); pages never recorded are filled with made-up papers."""
    pages = [load_recording(n) for n in recording_names() if f"__{what}_" in n]
    items: list[dict] = []
    for page in sorted(pages, key=lambda r: r.json["offset"]):
        for n in range(len(items), page.json["offset"]):
            items.append({"paperId": _made_up_id(f"{raw_id}-{n}"), "title": f"Unrecorded item {n}"})
        items.extend(row[other] for row in page.json["data"])
    for item in items:
        if item["paperId"] and item["paperId"] not in world.papers:
            world.add_paper(dict(item))
    kind, _, value = raw_id.partition(":")
    paper_id = world.resolve(raw_id) or world.add_paper(
        {
            "paperId": _made_up_id(raw_id),
            "title": f"Recorded paper {raw_id}",
            "externalIds": {kind: int(value) if kind == "CorpusId" else value},
        }
    )
    if other == "citedPaper":
        world.add_paper(world.papers[paper_id], [Citation(i["paperId"], i["title"], False, [], []) for i in items])
    else:
        # A citing item S2 has no paperId for keeps its title on the citation, as unresolved references do.
        world.citations[paper_id] = [(i["paperId"], Citation(paper_id, i["title"], False, [], [])) for i in items]
