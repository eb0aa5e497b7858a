"""A Semantic Scholar Datasets release written from a citation world (citegraph.demo.world), in S2's row schemas.

The ``papers`` and ``citations`` datasets as S2 ships them: shards of gzipped JSON lines
(``papers/papers-part0.jsonl.gz`` …), lower-case field names, corpus ids as strings in
``citations`` and in ``externalids``, every ``externalids`` key present (null when unknown), null
``citedcorpusid`` for references S2 could not resolve and null ``contexts``/``intents`` when there
are none. The same world served by the stand-in's Graph API can so be built both ways. Also
writes diffs between two releases (update and delete files keyed by corpus id).
"""

from __future__ import annotations

import contextlib
import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path

from citegraph.demo.world import World
from citegraph.graphfile import json_line

EXTERNAL_ID_KINDS = ["ACL", "DBLP", "ArXiv", "MAG", "CorpusId", "PubMed", "DOI", "PubMedCentral"]
UPDATED = "2025-12-05T00:00:00.000Z"


def paper_row(record: dict) -> dict:
    """A Graph API paper record as a row of S2's ``papers`` dataset.

    Example
    -------
    >>> row = paper_row({"paperId": "ab" * 20, "corpusId": 7, "externalIds": {"CorpusId": 7}, "title": "T"})
    >>> row["corpusid"], row["externalids"]["CorpusId"], row["externalids"]["DOI"]
    (7, '7', None)
    """
    external = record.get("externalIds") or {}
    journal = record.get("journal")
    return {
        "corpusid": record["corpusId"],
        "externalids": {
            kind: None if external.get(kind) is None else str(external[kind]) for kind in EXTERNAL_ID_KINDS
        },
        "url": record.get("url") or f"https://www.semanticscholar.org/paper/{record['paperId']}",
        "title": record.get("title"),
        "authors": [{"authorId": a.get("authorId"), "name": a.get("name")} for a in record.get("authors") or []],
        "venue": record.get("venue"),
        "publicationvenueid": (record.get("publicationVenue") or {}).get("id"),
        "year": record.get("year"),
        "referencecount": record.get("referenceCount"),
        "citationcount": record.get("citationCount"),
        "influentialcitationcount": record.get("influentialCitationCount"),
        "isopenaccess": record.get("isOpenAccess"),
        "s2fieldsofstudy": record.get("s2FieldsOfStudy"),
        "publicationtypes": record.get("publicationTypes"),
        "publicationdate": record.get("publicationDate"),
        "journal": None
        if not journal
        else {"name": journal.get("name"), "pages": journal.get("pages"), "volume": journal.get("volume")},
        "updated": UPDATED,
    }


def citation_rows(world: World) -> Iterator[dict]:
    """Every reference in the world as a row of S2's ``citations`` dataset (ids numbered in order)."""
    corpus_ids = {paper_id: record.get("corpusId") for paper_id, record in world.papers.items()}
    number = 0
    for citing, references in world.references.items():
        if corpus_ids.get(citing) is None:
            continue
        for citation in references:
            number += 1
            cited = corpus_ids.get(citation.cited) if citation.cited else None
            yield {
                "citationid": str(number),
                "citingcorpusid": str(corpus_ids[citing]),
                "citedcorpusid": None if cited is None else str(cited),
                "isinfluential": citation.is_influential,
                "contexts": citation.contexts or None,
                "intents": citation.intents or None,
                "updated": UPDATED,
            }


def write_shards(rows: Iterable[dict], folder: Path, dataset: str, shards: int) -> list[Path]:
    """``rows`` spread round-robin over ``shards`` gzipped JSON-lines files ``{dataset}-part{i}.jsonl.gz``,
    compact as S2's own shards are."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{dataset}-part{i}.jsonl.gz" for i in range(shards)]
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(gzip.open(path, "wb", compresslevel=1)) for path in paths]
        for n, row in enumerate(rows):
            files[n % shards].write(json_line(row))
    return paths


def write_release(world: World, folder: Path, shards: int = 3) -> dict[str, list[Path]]:
    """The world's ``papers`` and ``citations`` datasets under ``folder/papers`` and ``folder/citations``.

    Returns
    -------
    dict : dataset name -> its shard files.
    """
    folder = Path(folder)
    papers = (paper_row(record) for record in world.papers.values() if record.get("corpusId") is not None)
    return {
        "papers": write_shards(papers, folder / "papers", "papers", shards),
        "citations": write_shards(citation_rows(world), folder / "citations", "citations", shards),
    }


def write_papers_diff(folder: Path, updated: list[dict], deleted: list[int]) -> dict[str, list[Path]]:
    """A ``papers`` diff: ``updated`` Graph API records to insert or replace, ``deleted`` corpus ids to remove."""
    folder = Path(folder)
    return {
        "update_files": write_shards((paper_row(r) for r in updated), folder / "updates", "papers", 1),
        "delete_files": write_shards(({"corpusid": c} for c in deleted), folder / "deletes", "papers", 1),
    }
