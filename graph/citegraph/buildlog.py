"""`citegraph log`: what each build searched, where, with which notes and options, and what it found.

One row per kept build (from the snapshots of :mod:`citegraph.history`), and as markdown a methods
paragraph plus that table, ready to paste into a review's methods section (PRISMA-S: the sources,
the dates searched, the seed set and its files, the options, the requests and the counts).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from citegraph.history import Snapshot

__all__ = ["log_rows", "methods_markdown", "notes_files", "source_words"]

HASH_CHUNK = 1 << 20


def notes_files(paths: list[str | Path]) -> list[dict]:
    """The notes files a build read: path, size in bytes and SHA-256 of their content, in reading order."""
    from citegraph.notes.reader import collect_files

    files, _ = collect_files(list(paths))
    described = []
    for path in files:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    digest.update(chunk)
            size = path.stat().st_size
        except OSError:  # the reader warned about it already
            continue
        described.append({"path": str(path), "bytes": size, "sha256": digest.hexdigest()})
    return described


def source_words(source: dict) -> str:
    """Where a build's answers came from, in a few words."""
    if source.get("kind") == "datasets":
        return f"Semantic Scholar Datasets release {source.get('release')} read with {source.get('engine')}"
    if source.get("kind") == "store":
        return "the stored answers only (offline build)"
    return f"Semantic Scholar Graph API at {source.get('url')}"


def _files_cell(files: list[dict]) -> list[str]:
    return [f"{f['path']} ({f['bytes']:,} bytes, sha256 {f['sha256'][:16]})" for f in files]


def log_rows(snapshots: list[Snapshot], full_hashes: bool = False) -> list[dict]:
    """One row per kept build, oldest first: when, version, source, notes files, options, requests, counts."""
    rows = []
    for snap in snapshots:
        data = snap.data
        options, counts, requests = data.get("options", {}), data.get("counts", {}), data.get("requests", {})
        files = data.get("notes_files", [])
        rows.append(
            {
                "build": snap.build,
                "built_at": snap.built_at,
                "version": data.get("version"),
                "source": source_words(data.get("source", {})),
                "notes": files if full_hashes else _files_cell(files),
                "depth": options.get("depth"),
                "citations": options.get("citations"),
                "max_citations": options.get("max_citations"),
                "max_nodes": options.get("max_nodes"),
                "requests": requests.get("s2", 0),
                "rate_limited": requests.get("rate_limited", 0),
                "resolved": counts.get("ok"),
                "title_matched": counts.get("title_matched"),
                "not_found": counts.get("not_found"),
                "withheld": counts.get("withheld", 0),
                "failed": counts.get("failed"),
                "papers": counts.get("papers"),
                "graph_citations": counts.get("citations"),
            }
        )
    return rows


def methods_markdown(snapshots: list[Snapshot], table: str) -> str:
    """A methods paragraph on the kept builds, then ``table`` (the rows as a markdown table)."""
    if not snapshots:
        return "No build is kept yet: run `citegraph build NOTES` first.\n"
    first, last = snapshots[0], snapshots[-1]
    data, counts = last.data, last.data.get("counts", {})
    options = data.get("options", {})
    sources = sorted({source_words(s.data.get("source", {})) for s in snapshots})
    requests = sum(s.data.get("requests", {}).get("s2", 0) for s in snapshots)
    files = data.get("notes_files", [])
    when = (
        f"on {first.built_at[:10]}"
        if len(snapshots) == 1
        else f"on {first.built_at[:10]} ({len(snapshots)} builds)"
        if first.built_at[:10] == last.built_at[:10]
        else f"in {len(snapshots)} builds between {first.built_at[:10]} and {last.built_at[:10]}"
    )
    seed = (
        f"At the last build the seed set was the {counts.get('notes_papers', '?')} papers of our reading notes "
        f"({len(files)} file(s): "
        + "; ".join(f"{f['path']}, {f['bytes']:,} bytes, SHA-256 {f['sha256']}" for f in files)
        + ")"
    )
    found = (
        f"{counts.get('ok', 0)} were resolved by identifier, {counts.get('title_matched', 0)} by title match, "
        f"{counts.get('not_found', 0)} were not found, {counts.get('withheld', 0)} withheld and "
        f"{counts.get('failed', 0)} could not be fetched"
    )
    collected = (
        "its references"
        + (f" (to depth {options.get('depth')})" if (options.get("depth") or 1) > 1 else "")
        + (
            f" and the papers citing it (at most {options.get('max_citations'):,} per paper)"
            if options.get("citations")
            else ""
        )
    )
    paragraph = (
        f"We chased citations with citegraph {data.get('version')} {when}, querying {'; '.join(sources)}. "
        f"{seed}; of these, {found}. For every seed paper we collected {collected}, with Semantic Scholar's "
        f"influence flags. The last build's citation graph holds {counts.get('papers', 0):,} papers and "
        f"{counts.get('citations', 0):,} citations; {requests:,} requests were made in all. "
        "Each build is listed below."
    )
    return f"{paragraph}\n\n{table}\n"
