"""Questions answered from the stored graph, without network: unread references, similar papers,
top citing papers, one paper's card, and summary statistics (paths: :mod:`citegraph.paths`; naming a
paper: :mod:`citegraph.lookup`).

One module per question: `reading` (where each paper stands in your reading, the lists of papers the
questions start from), `ranking` (the unread ranking), `related` (similar papers, papers citing yours),
`card` (one paper), `stats` (the graph's counts and the notes about what it lacks), `tables` (records
as DataFrames). Every public name is importable from ``citegraph.questions``.

Every question is answered as records (dataclasses; the JSON the CLI prints is their fields);
the tables also come as pandas DataFrames (`unread`, `most_similar`, `top_citing` wrap
`unread_papers`, `similar_papers`, `citing_papers`). Nothing here imports NetworkX or pandas
until a DataFrame is asked for: the functions read a graph only the way both a NetworkX DiGraph
and the CLI's `citegraph.graphfile.SavedGraph` are read (``graph.nodes``, ``graph.succ``,
``graph.pred``), so the CLI answers without loading either library and with the same answers.

Unread score (documented in docs/questions.md and ``citegraph unread --help``):

    score = cited_by_count + influential_count + pagerank / max(pagerank of candidates)

The examples run on :func:`citegraph.demo.examples.example_graph`, five papers of which two are read.
"""

from citegraph.questions.card import LinkedPaper, PaperCard, paper_card
from citegraph.questions.ranking import UnreadPaper, unread, unread_papers, unread_scores
from citegraph.questions.reading import (
    notice_line,
    paper_link,
    papers_by_status,
    read_papers,
    reading_status,
    your_papers,
)
from citegraph.questions.related import (
    CitingPaper,
    SimilarPaper,
    citing_papers,
    has_citations,
    most_similar,
    similar_papers,
    top_citing,
)
from citegraph.questions.stats import GraphStats, flags_pending_note, graph_stats, retraction_note, withheld_note
from citegraph.questions.tables import YEAR, records_frame

__all__ = [
    "paper_link",
    "notice_line",
    "reading_status",
    "your_papers",
    "read_papers",
    "papers_by_status",
    "unread",
    "unread_papers",
    "unread_scores",
    "most_similar",
    "similar_papers",
    "top_citing",
    "citing_papers",
    "has_citations",
    "paper_card",
    "graph_stats",
    "retraction_note",
    "withheld_note",
    "flags_pending_note",
    "records_frame",
    "YEAR",
    "LinkedPaper",
    "PaperCard",
    "GraphStats",
    "UnreadPaper",
    "SimilarPaper",
    "CitingPaper",
]
