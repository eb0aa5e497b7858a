"""The generated citation world that `citegraph demo` builds and the S2 stand-in (tests/standin) serves:
papers and their references with S2's per-citation flags.

Either generated (power-law popularity, 20-60 references per paper, some unresolved references,
references always point back in time) around a set of seed papers such as the sample notes', or a
researcher's library (:func:`generate_library`: read papers in topics, references mostly within a
topic, notes with or without topic headings), or loaded from real recorded S2 records
(tests/fixtures/semanticscholar/Paper.json).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

INTENTS = ["background", "methodology", "result"]
VENUES = ["NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "CVPR", "arXiv.org", "Nature", "JMLR", ""]
WORDS = [
    "learning",
    "deep",
    "neural",
    "network",
    "language",
    "model",
    "attention",
    "transformer",
    "graph",
    "efficient",
    "scalable",
    "robust",
    "adaptive",
    "sparse",
    "latent",
    "diffusion",
    "contrastive",
    "representation",
    "reinforcement",
    "policy",
    "optimization",
    "generative",
    "pretraining",
    "inference",
    "quantization",
    "retrieval",
    "reasoning",
    "alignment",
    "vision",
    "speech",
    "memory",
]


@dataclass
class Citation:
    """One reference of a paper: ``cited`` is None for references S2 could not resolve."""

    cited: str | None
    title: str
    is_influential: bool
    intents: list[str]
    contexts: list[str]


@dataclass
class World:
    papers: dict[str, dict] = field(default_factory=dict)
    references: dict[str, list[Citation]] = field(default_factory=dict)
    citations: dict[str, list[tuple[str, Citation]]] = field(default_factory=dict)
    by_external: dict[str, str] = field(default_factory=dict)
    # Papers whose publisher withholds their reference list: S2 serves it as an empty nested list and a
    # /references answer with data null and a notice (the stand-in does the same).
    withheld: set[str] = field(default_factory=set)

    def add_paper(self, record: dict, references: list[Citation] | None = None) -> str:
        paper_id = record["paperId"]
        self.papers[paper_id] = record
        self.references[paper_id] = references or []
        self.citations.setdefault(paper_id, [])
        for kind, value in (record.get("externalIds") or {}).items():
            self.by_external[f"{kind.lower()}:{str(value).lower()}"] = paper_id
        for citation in self.references[paper_id]:
            if citation.cited:
                self.citations.setdefault(citation.cited, []).append((paper_id, citation))
        return paper_id

    def finish(self) -> World:
        """Fill citation counts from the world's own links (after all papers are added)."""
        for paper_id, record in self.papers.items():
            citers = self.citations.get(paper_id, [])
            record.setdefault("citationCount", len(citers))
            record.setdefault("influentialCitationCount", sum(c.is_influential for _, c in citers))
            record.setdefault("referenceCount", len(self.references.get(paper_id, [])))
        return self

    def resolve(self, raw_id: str) -> str | None:
        """An id in any form S2 accepts -> paperId. Versioned arXiv ids are not found, as on S2."""
        if re.fullmatch(r"[0-9a-f]{40}", raw_id):
            return raw_id if raw_id in self.papers else None
        prefix, _, value = raw_id.partition(":")
        kind = {
            "arxiv": "arxiv",
            "doi": "doi",
            "corpusid": "corpusid",
            "acl": "acl",
            "pmid": "pubmed",
            "pmcid": "pubmedcentral",
            "mag": "mag",
        }.get(prefix.lower())
        if kind:
            return self.by_external.get(f"{kind}:{value.lower()}")
        if raw_id.startswith("10."):
            return self.by_external.get(f"doi:{raw_id.lower()}")
        if prefix.lower() == "url":
            match = re.search(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})$", value)
            return self.by_external.get(f"arxiv:{match.group(1)}") if match else None
        return None


def _paper_id(seed: int, index: int) -> str:
    return hashlib.sha1(f"citegraph-world-{seed}-{index}".encode()).hexdigest()


def _record(paper_id: str, index: int, title: str, year: int, rng: random.Random, arxiv: str | None = None) -> dict:
    corpus_id = 10_000_000 + index
    external = {"CorpusId": corpus_id}
    if arxiv:
        external["ArXiv"] = arxiv
        external["DOI"] = f"10.48550/arXiv.{arxiv}"
    elif rng.random() < 0.6:
        external["DOI"] = f"10.{5000 + index % 400}/world.{index}"
    authors = [
        {
            "authorId": str(100_000 + rng.randrange(50_000)),
            "name": f"{rng.choice('ABCDEFGHJKLMNPRS')}. Author{rng.randrange(9999)}",
        }
        for _ in range(rng.randint(1, 6))
    ]
    venue = rng.choice(VENUES)
    return {
        "paperId": paper_id,
        "corpusId": corpus_id,
        "externalIds": external,
        "url": f"https://www.semanticscholar.org/paper/{paper_id}",
        "title": title,
        "abstract": None,
        "venue": venue,
        "publicationVenue": None,
        "year": year,
        "authors": authors,
        "fieldsOfStudy": ["Computer Science"],
        "s2FieldsOfStudy": [{"category": "Computer Science", "source": "s2-fos-model"}],
        "publicationTypes": ["JournalArticle"],
        "publicationDate": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "journal": {"name": venue},
        "isOpenAccess": bool(arxiv),
        "openAccessPdf": {"url": f"https://arxiv.org/pdf/{arxiv}", "status": "GREEN"} if arxiv else None,
        "citationStyles": {"bibtex": f"@Article{{World{index},\n title = {{{title}}},\n year = {{{year}}}\n}}\n"},
        "tldr": None,
    }


def _arxiv_year(arxiv_id: str) -> int:
    match = re.match(r"(\d{2})(\d{2})\.", arxiv_id)
    return 2000 + int(match.group(1)) if match else 2000


def generate_world(
    seeds: list[tuple[str, str]] = (),
    n_papers: int = 2000,
    refs: tuple[int, int] = (20, 60),
    unresolved_fraction: float = 0.05,
    influential_fraction: float = 0.15,
    seed: int = 0,
) -> World:
    """A citation world of ``n_papers`` background papers plus the ``seeds`` (arXiv id, title).

    Popularity follows a power law; each paper cites earlier papers in proportion to popularity,
    so a few classics gather most citations, as in real literature.
    """
    rng = random.Random(seed)
    world = World()
    background = sorted((rng.randint(1990, 2024), i) for i in range(n_papers))
    entries = [
        (year, _paper_id(seed, i), " ".join(rng.sample(WORDS, rng.randint(3, 7))).capitalize(), None)
        for i, (year, _) in enumerate(background)
    ]
    for k, (arxiv, title) in enumerate(seeds):
        entries.append((_arxiv_year(arxiv), _paper_id(seed, n_papers + k), title, arxiv))
    entries.sort(key=lambda e: (e[0], e[3] is not None))

    cumulative: list[float] = []
    seed_positions: list[int] = []
    for index, (year, paper_id, title, arxiv) in enumerate(entries):
        citations = []
        wanted = rng.randint(*refs) if index else 0
        if cumulative:
            targets = set(rng.choices(range(index), cum_weights=cumulative, k=min(wanted, index)))
            if arxiv:
                targets.update(p for p in seed_positions if rng.random() < 0.35)
            for target in sorted(targets):
                citations.append(
                    Citation(
                        entries[target][1],
                        entries[target][2],
                        rng.random() < influential_fraction,
                        rng.sample(INTENTS, rng.randint(0, 2)),
                        [f"... as shown by {entries[target][2][:40]} ({entries[target][0]}) ..."],
                    )
                )
        for n in range(sum(rng.random() < unresolved_fraction for _ in range(wanted))):
            citations.append(Citation(None, f"Unresolved reference {n} of {title[:30]}", False, [], []))
        world.add_paper(_record(paper_id, index, title, year, rng, arxiv), citations)
        weight = rng.paretovariate(1.2)
        cumulative.append((cumulative[-1] if cumulative else 0.0) + weight)
        if arxiv:
            seed_positions.append(index)
    return world.finish()


def sample_notes_seeds(notes_paths) -> list[tuple[str, str]]:
    """(arXiv id, title) of every arXiv paper in the notes: the world's read papers."""
    from citegraph.notes.reader import read_notes

    notes = read_notes(notes_paths)
    return [(p.id.split(":", 1)[1], p.title or p.id) for p in notes.papers if p.id and p.id.startswith("ARXIV:")]


def load_recorded_paper(world: World, record: dict) -> str:
    """Add a real recorded S2 record (e.g. Paper.json) with its nested references and citations."""
    record = dict(record)
    nested_refs = record.pop("references", None) or []
    nested_cits = record.pop("citations", None) or []
    for ref in nested_refs:
        if ref.get("paperId") and ref["paperId"] not in world.papers:
            world.add_paper(dict(ref))
    citations = [Citation(ref.get("paperId"), ref.get("title") or "", False, [], []) for ref in nested_refs]
    paper_id = world.add_paper(record, citations)
    for citer in nested_cits:
        if citer.get("paperId") and citer["paperId"] not in world.papers:
            world.add_paper(dict(citer), [Citation(paper_id, record.get("title") or "", False, ["background"], [])])
    return paper_id


def add_later_work(world: World, today, count: int = 60, seed: int = 0) -> list[str]:
    """Add ``count`` papers published in the 120 days before ``today`` (a date) that build on the
    world's arXiv papers (the notes' papers): each cites one to three of them and some of their
    references, so recommendations and citations have later work to find. Returns their paperIds.
    """
    import datetime

    rng = random.Random(seed)
    read = sorted(p for p, record in world.papers.items() if "ArXiv" in (record.get("externalIds") or {}))
    added = []
    for k in range(count if read else 0):
        published = today - datetime.timedelta(days=rng.randint(1, 120))
        cited = rng.sample(read, rng.randint(1, min(3, len(read))))
        around = sorted({c.cited for p in cited for c in world.references[p] if c.cited})
        cited += rng.sample(around, min(len(around), rng.randint(3, 10)))
        title = " ".join(rng.sample(WORDS, rng.randint(3, 7))).capitalize()
        paper_id = _paper_id(seed, 1_000_000 + k)
        record = _record(paper_id, 1_000_000 + k, title, published.year, rng)
        record["publicationDate"] = published.isoformat()
        citations = [
            Citation(
                target,
                world.papers[target]["title"],
                rng.random() < 0.15,
                rng.sample(INTENTS, 1),
                [f"... building on {world.papers[target]['title'][:40]} ..."],
            )
            for target in cited
        ]
        added.append(world.add_paper(record, citations))
    world.finish()  # counts for the new papers; older papers keep theirs, as S2's counts lag
    return added


# A library's fields: a name (its notes heading) and the words its titles are made of.
LIBRARY_TOPICS = [
    ("Diffusion models", "diffusion denoising score sampling noise generative image likelihood"),
    ("Retrieval", "retrieval dense passage question answering index search ranking"),
    ("Reinforcement learning", "reinforcement policy reward agent exploration offline value control"),
    ("Graph neural networks", "graph message passing node molecular relational spectral neighborhood"),
    ("Speech", "speech audio acoustic recognition speaker waveform phoneme vocoder"),
    ("Quantization", "quantization pruning compression lowbit integer distillation sparse efficient"),
    ("Alignment", "alignment preference feedback reward harmless instruction safety tuning"),
    ("Vision transformers", "vision transformer patch detection segmentation visual backbone pixel"),
    ("Time series", "forecasting temporal series seasonal anomaly horizon sequential traffic"),
    ("Causal inference", "causal treatment counterfactual confounding effect intervention instrument observational"),
    (
        "Federated learning",
        "federated clients privacy aggregation heterogeneous communication decentralized differential",
    ),
    ("Protein modelling", "protein folding structure residue sequence binding enzyme biology"),
]
GENERIC_WORDS = [
    "towards",
    "learning",
    "improved",
    "scalable",
    "simple",
    "robust",
    "analysis",
    "deep",
    "neural",
    "methods",
    "large",
    "study",
]


@dataclass
class Library:
    """A generated researcher's library: a citation world and the read papers' true topics."""

    world: World
    topic_of: dict[str, str]  # arXiv id of each read paper -> its topic's name
    titles: dict[str, str]  # arXiv id -> title

    def notes(self, headings: bool = True) -> str:
        """The reading notes: markdown, one line per paper, under topic headings or in one shuffled list."""
        lines = []
        if headings:
            for topic in dict.fromkeys(self.topic_of.values()):
                lines.append(f"# {topic}\n")
                lines += [
                    f"- https://arxiv.org/abs/{a}: {self.titles[a]}" for a, t in self.topic_of.items() if t == topic
                ]
                lines.append("")
        else:
            order = sorted(self.topic_of, key=lambda a: hashlib.sha1(a.encode()).hexdigest())
            lines += [f"- https://arxiv.org/abs/{a}: {self.titles[a]}" for a in order]
        return "\n".join(lines) + "\n"


def generate_library(
    n_read: int = 400,
    n_topics: int = 8,
    papers_per_read: int = 30,
    refs: tuple[int, int] = (12, 30),
    within_topic: float = 0.9,
    read_links: int = 3,
    seed: int = 0,
) -> Library:
    """A library world: ``n_read`` read papers in ``n_topics`` topics among about ``papers_per_read * n_read`` papers.

    Each paper cites earlier papers, ``within_topic`` of them in its own topic, by preferential
    attachment (the more a paper is cited, the likelier it is cited again); each read paper also
    cites about ``read_links`` earlier read papers of its topic. Titles draw on the topic's words,
    so a topic can be recognised by them.
    """
    rng = random.Random(seed)
    topics = LIBRARY_TOPICS[:n_topics]
    total = n_read * papers_per_read
    entries = sorted((rng.randint(1995, 2024), i % len(topics), i) for i in range(total - n_read))
    entries += sorted((rng.randint(2016, 2024), i % len(topics), total - n_read + i) for i in range(n_read))
    entries.sort(key=lambda e: (e[0], e[2]))
    world = World()
    topic_of, titles = {}, {}
    urns: list[list[int]] = [[] for _ in topics]  # an index once per citation received, plus once: preferential
    everything: list[int] = []
    read_by_topic: list[list[int]] = [[] for _ in topics]
    ids, names, arxiv_count = [], [], 0
    for position, (year, topic, number) in enumerate(entries):
        words = topics[topic][1].split()
        title = " ".join(rng.sample(words, rng.randint(2, 4)) + rng.sample(GENERIC_WORDS, 1)).capitalize()
        is_read = number >= total - n_read
        arxiv = None
        if is_read:
            arxiv_count += 1
            arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{arxiv_count:05d}"
            title = f"{title} {arxiv_count}"
        paper_id = _paper_id(seed + 1_000_000, number)
        ids.append(paper_id)
        names.append(title)
        targets: set[int] = set()
        wanted = rng.randint(*refs)
        for _ in range(wanted if position else 0):
            urn = urns[topic] if rng.random() < within_topic and urns[topic] else everything
            if urn:
                targets.add(rng.choice(urn))
        if is_read and read_by_topic[topic]:
            targets.update(rng.sample(read_by_topic[topic], min(read_links, len(read_by_topic[topic]))))
        citations = [
            Citation(ids[t], names[t], rng.random() < 0.15, rng.sample(INTENTS, rng.randint(0, 2)), [])
            for t in sorted(targets)
        ]
        world.add_paper(_record(paper_id, number, title, year, rng, arxiv), citations)
        for target in targets:
            urns[entries[target][1]].append(target)
            everything.append(target)
        urns[topic].append(position)
        everything.append(position)
        if is_read:
            read_by_topic[topic].append(position)
            topic_of[arxiv] = topics[topic][0]
            titles[arxiv] = title
    return Library(world.finish(), topic_of, titles)
