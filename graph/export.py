"""Exports: GraphML and GEXF for Gephi and Cytoscape, node-link JSON, nodes.csv + edges.csv, BibTeX."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pandas as pd



def _flat(value):
    """GraphML/GEXF take only scalars: lists become '; '-joined text, dicts JSON, None an empty string."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def flat_graph(graph: nx.DiGraph) -> nx.DiGraph:
    flat = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _flat(v) for k, v in data.items() if k != "bibtex"})
    for a, b, data in graph.edges(data=True):
        attrs = {k: _flat(v) for k, v in data.items() if k != "isInfluential"}
        attrs["isInfluential"] = {True: "true", False: "false"}.get(data.get("isInfluential"), "unknown")
        flat.add_edge(a, b, **attrs)
    return flat


def export(graph: nx.DiGraph, fmt: str, path: Path) -> list[Path]:
    """Write the graph in ``fmt``; returns the files written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(flat_graph(graph), path)
    elif fmt == "gexf":
        nx.write_gexf(flat_graph(graph), path)
    elif fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        data["graph"] = {k: v for k, v in data["graph"].items() if k != "unresolved_references"}
        path.write_text(json.dumps(data, ensure_ascii=False, default=str))
    elif fmt == "csv":
        flat = flat_graph(graph)
        base = path.with_suffix("") if path.suffix else path
        nodes, edges = Path(f"{base}.nodes.csv"), Path(f"{base}.edges.csv")
        pd.DataFrame([{"paperId": n, **d} for n, d in flat.nodes(data=True)]).to_csv(nodes, index=False)
        pd.DataFrame([{"citing": a, "cited": b, **d} for a, b, d in flat.edges(data=True)],
                     columns=["citing", "cited", "isInfluential", "intents", "contexts", "origin"]).to_csv(edges, index=False)
        return [nodes, edges]
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return [path]


def _bibtex_key(data: dict) -> str:
    author = (data.get("authors") or ["anon"])[0].split()[-1]
    word = next((w for w in re.findall(r"[A-Za-z]+", data.get("title") or "") if len(w) > 3), "paper")
    return re.sub(r"[^A-Za-z0-9]", "", f"{author}{data.get('year') or ''}{word}")


def bibtex(graph: nx.DiGraph, paper_ids: list[str]) -> str:
    """S2's own BibTeX where stored, otherwise an entry generated from the metadata."""
    entries = []
    for paper_id in paper_ids:
        data = graph.nodes[paper_id]
        if data.get("bibtex"):
            entries.append(data["bibtex"].strip())
            continue
        fields = {"title": data.get("title"), "author": " and ".join(data.get("authors") or []),
                  "year": data.get("year"), "journal": data.get("venue"), "url": data.get("url")}
        external = data.get("externalIds") or {}
        if external.get("DOI"):
            fields["doi"] = external["DOI"]
        if external.get("ArXiv"):
            fields.update(eprint=external["ArXiv"], archivePrefix="arXiv")
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        entries.append(f"@article{{{_bibtex_key(data)},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"
