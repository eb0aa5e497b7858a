"""Paper identifiers: recognise them in URLs and text, normalise them to the forms S2 accepts.

Canonical forms (what `/paper/batch` takes): ``ARXIV:2106.09685``, ``DOI:10.1145/3442188.3445922``
(lower-cased: DOIs are case-insensitive), a 40-hex S2 paperId, ``CorpusId:N``, ``ACL:…``,
``PMID:N``, ``PMCID:N``. arXiv versions are dropped because S2 answers 404 to ``ARXIV:…v1``.

Every pattern here is free of nested or overlapping quantifiers, so scanning is linear in the
input even for hostile notes. Digits are written ``[0-9]``, never ``\\d``: ``\\d`` also matches
fullwidth and other Unicode digits, which no identifier contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

ARXIV_NEW = r"[0-9]{4}\.[0-9]{4,5}"
ARXIV_OLD = r"[a-z][a-z\-]{0,20}(?:\.[A-Z]{2})?/[0-9]{7}"
_ARXIV_ID = rf"(?:{ARXIV_NEW}|{ARXIV_OLD})"
# arxiv.org/html/ID is the HTML rendering (arxiv.org/html/IDvN/ or .../IDvN/#S2); alphaxiv.org/overview/ID.
_ARXIV_IN_PATH = re.compile(
    rf"/(?:abs|pdf|html|format|ps|papers|paper|overview)/({_ARXIV_ID})(?:v[0-9]+)?(?:\.pdf|/index\.html)?/?$"
)
_ARXIV_FULL = re.compile(rf"({_ARXIV_ID})(?:v[0-9]+)?")
# A DOI, after Crossref's guidance ("DOIs and matching regular expressions", 2015): ``10.``, a
# registrant code of 4-9 digits, ``/``, and a suffix that may hold ``;()/:`` and, in Wiley's early
# SICI DOIs, an angle-bracketed part: 10.1002/(SICI)1098-1063(1996)6:1<79::AID-HIPO13>3.0.CO;2-H.
# The suffix runs to whitespace, a quote or an angle bracket; a ``<`` goes on only as such a SICI
# part (a colon inside, no slash: never ``</a>``), so an autolink's closing ``>`` is never taken.
# Sentence punctuation and unbalanced closing brackets are stripped afterwards
# (`strip_trailing_punctuation`); balanced parentheses stay.
SICI_PART = r"<[0-9A-Za-z\-]{0,64}:[0-9A-Za-z:\-]{0,64}>"
DOI_PATTERN = rf"10\.[0-9]{{4,9}}/(?:[^\s\"<>]|{SICI_PART})+"
_DOI = re.compile(DOI_PATTERN)
_DOI_PREFIX = re.compile(r"(?i)^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s?)")
# bioRxiv/medRxiv paths carry the DOI plus a version and a view: 10.1101/2020.03.01.972935v2.full.pdf
_PREPRINT_VIEW = re.compile(r"(?:v[0-9]+)?(?:\.full(?:\.pdf|-text)?|\.abstract|\.article-info|\.pdf)?$")
_SHA = re.compile(r"[0-9a-f]{40}")
_ACL_ID = re.compile(r"([A-Z][0-9]{2}-[0-9]{4}|[0-9]{4}\.[a-z0-9]+-[a-z0-9-]+\.[0-9]+)(?:\.pdf)?/?$")
_TRAILING = ".,;:!?'\"*_"

# Identifiers written in running text ("see arXiv:2106.09685", "doi:10.1000/x", "PMID: 123").
_TEXT_IDS = re.compile(
    rf"(?i:\barxiv:\s?)(?P<arxiv>{_ARXIV_ID}(?:v[0-9]+)?)"
    rf"|(?i:\bdoi:\s?)?(?P<doi>\b{DOI_PATTERN})"
    r"|(?i:\bcorpus\s?id:\s?)(?P<corpus>[0-9]+)"
    r"|(?i:\bpmcid:\s?)(?i:pmc)?(?P<pmcid>[0-9]+)"
    r"|(?i:\bpmid:\s?)(?P<pmid>[0-9]+)"
    r"|(?i:\bacl:\s?)(?P<acl>[A-Za-z0-9.\-]+)"
    r"|\b(?P<sha>[0-9a-f]{40})\b"
)

ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org", "alphaxiv.org"}
DOI_HOSTS = {"doi.org", "dx.doi.org"}
S2_HOSTS = {"semanticscholar.org", "api.semanticscholar.org"}
ACL_HOSTS = {"aclanthology.org", "aclweb.org"}

# Hosts of papers whose links carry no identifier S2 accepts: the link text is used as a title.
SCHOLARLY_HOSTS = {
    "openreview.net",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "neurips.cc",
    "nips.cc",
    "proceedings.mlr.press",
    "jmlr.org",
    "openaccess.thecvf.com",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "sciencedirect.com",
    "nature.com",
    "science.org",
    "aaai.org",
    "ojs.aaai.org",
    "ijcai.org",
    "researchgate.net",
    "paperswithcode.com",
    "scholar.google.com",
    "biorxiv.org",
    "medrxiv.org",
    "ssrn.com",
    "papers.ssrn.com",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov",
    "pmc.ncbi.nlm.nih.gov",
    "semanticscholar.org",
    "aclanthology.org",
    "aclweb.org",
    "arxiv.org",
    "iclr.cc",
    "icml.cc",
    "ecva.net",
    "jstor.org",
    "pnas.org",
    "cell.com",
    "plos.org",
    "journals.plos.org",
    "academic.oup.com",
    "tandfonline.com",
    "onlinelibrary.wiley.com",
    "mdpi.com",
    "frontiersin.org",
    "osf.io",
    "hal.science",
    "zenodo.org",
    "dblp.org",
    "citeseerx.ist.psu.edu",
}


@dataclass(frozen=True)
class LinkVerdict:
    """What a URL is: a paper with an identifier, a paper known only by its title, or not a paper."""

    paper_id: str | None = None
    skip_reason: str | None = None

    @property
    def title_only(self) -> bool:
        return self.paper_id is None and self.skip_reason is None


def strip_trailing_punctuation(text: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets glued to the end of a URL or DOI."""
    # Counted once and updated as characters are dropped: counting again per character is quadratic.
    unbalanced = {")": text.count(")") - text.count("("), "]": text.count("]") - text.count("[")}
    end = len(text)
    while end:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in unbalanced and unbalanced[last] > 0:
            unbalanced[last] -= 1
            end -= 1
        else:
            break
    return text[:end]


def normalise_arxiv(raw: str) -> str | None:
    """``2012.13255v1`` -> ``ARXIV:2012.13255``; None when it is not an arXiv id."""
    raw = raw.strip()
    if raw.lower().startswith("arxiv:"):
        raw = raw[6:].strip()
    match = _ARXIV_FULL.fullmatch(raw.removesuffix(".pdf"))
    return f"ARXIV:{match.group(1)}" if match else None


def normalise_doi(raw: str) -> str:
    """``10.1145/ABC.`` -> ``DOI:10.1145/abc``; arXiv's own DOIs become ``ARXIV:`` ids.

    A ``doi:`` or ``https://doi.org/`` prefix is dropped: ``doi:10.1145/ABC`` -> ``DOI:10.1145/abc``.
    """
    doi = strip_trailing_punctuation(unquote(_DOI_PREFIX.sub("", raw.strip()))).lower()
    if doi.startswith("10.48550/arxiv."):
        arxiv = normalise_arxiv(doi[len("10.48550/arxiv.") :])
        if arxiv:
            return arxiv
    return f"DOI:{doi}"


def _host(netloc: str) -> str:
    host = netloc.lower().split("@")[-1].split(":")[0]
    return host.removeprefix("www.")


def _is_host(host: str, family: set[str]) -> bool:
    return host in family or any(host.endswith("." + parent) for parent in family)


@lru_cache(maxsize=65536)  # notes link the same papers again and again
def classify_url(url: str) -> LinkVerdict:
    """Decide what a URL found in the notes points to."""
    parts = urlsplit(url)
    host = _host(parts.netloc)
    path = unquote(parts.path)
    if not host:
        return LinkVerdict(skip_reason="not a link")

    if _is_host(host, ARXIV_HOSTS) or (host == "huggingface.co" and path.startswith("/papers/")):
        match = _ARXIV_IN_PATH.search(path)
        if match:
            return LinkVerdict(paper_id=normalise_arxiv(match.group(1)))
    if host in DOI_HOSTS and path.strip("/"):
        return LinkVerdict(paper_id=normalise_doi(path.lstrip("/")))
    if _is_host(host, S2_HOSTS):
        verdict = _semantic_scholar_url(path)
        if verdict:
            return verdict
    if _is_host(host, ACL_HOSTS):
        match = _ACL_ID.search(path)
        if match:
            return LinkVerdict(paper_id=f"ACL:{match.group(1)}")
    if _is_host(host, {"ncbi.nlm.nih.gov"}):
        verdict = _pubmed_url(path)
        if verdict:
            return verdict

    doi = _DOI.search(path)
    if doi:
        text = doi.group(0)
        if _is_host(host, {"biorxiv.org", "medrxiv.org"}):
            text = _PREPRINT_VIEW.sub("", text, count=1)
        return LinkVerdict(paper_id=normalise_doi(text.removesuffix(".pdf")))
    query_doi = _doi_in_query(parts.query)
    if query_doi:
        return LinkVerdict(paper_id=query_doi)

    if _is_host(host, SCHOLARLY_HOSTS):
        return LinkVerdict()
    return LinkVerdict(skip_reason=f"not a paper: {host}")


def _doi_in_query(query: str) -> str | None:
    """A DOI given as a query value (PLOS ``article?id=10.…``, Wiley ``?doi=10.…``), whatever the key.

    Only values that are DOIs count: SSRN's ``abstract_id=123`` is SSRN's own number, not a DOI.
    """
    for _, value in parse_qsl(query):
        if _DOI.fullmatch(value.strip()):
            return normalise_doi(value)
    return None


def _semantic_scholar_url(path: str) -> LinkVerdict | None:
    sha = _SHA.search(path)
    if path.startswith("/paper/") and sha:
        return LinkVerdict(paper_id=sha.group(0))
    corpus = re.search(r"(?i)corpusid:([0-9]+)", path)
    if corpus:
        return LinkVerdict(paper_id=f"CorpusId:{corpus.group(1)}")
    if path.startswith("/arxiv/"):
        arxiv = normalise_arxiv(path.removeprefix("/arxiv/").strip("/"))
        if arxiv:
            return LinkVerdict(paper_id=arxiv)
    return None


def _pubmed_url(path: str) -> LinkVerdict | None:
    pmc = re.search(r"/(?:pmc/)?articles/PMC([0-9]+)", path)
    if pmc:
        return LinkVerdict(paper_id=f"PMCID:{pmc.group(1)}")
    pmid = re.fullmatch(r"/(?:pubmed/)?([0-9]+)/?", path)
    if pmid:
        return LinkVerdict(paper_id=f"PMID:{pmid.group(1)}")
    return None


@dataclass(frozen=True)
class TextId:
    paper_id: str
    start: int
    end: int


def find_text_ids(text: str) -> list[TextId]:
    """Identifiers written in prose, outside any URL."""
    found = []
    for match in _TEXT_IDS.finditer(text):
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "arxiv":
            paper_id = normalise_arxiv(value)
        elif kind == "doi":
            value = strip_trailing_punctuation(value)
            paper_id = normalise_doi(value)
        elif kind == "corpus":
            paper_id = f"CorpusId:{value}"
        elif kind == "pmcid":
            paper_id = f"PMCID:{value}"
        elif kind == "pmid":
            paper_id = f"PMID:{value}"
        elif kind == "acl":
            paper_id = f"ACL:{strip_trailing_punctuation(value)}"
        else:
            paper_id = value
        if not paper_id:
            continue
        if kind == "doi":  # balanced parentheses are the DOI's own: only what strip_trailing_punctuation left ends it
            end = match.start(kind) + len(value)
        else:
            end = match.start() + len(match.group(0).rstrip(_TRAILING + ")"))
        found.append(TextId(paper_id, match.start(), end))
    return found


def parse_identifier(text: str) -> str | None:
    """The canonical id in a single value typed by a user (URL, ``arXiv:…``, bare DOI, paperId…).

    Examples
    --------
    >>> parse_identifier("https://arxiv.org/abs/1706.03762v5"), parse_identifier("doi:10.1000/XYZ")
    ('ARXIV:1706.03762', 'DOI:10.1000/xyz')
    >>> parse_identifier("Attention Is All You Need") is None
    True
    """
    text = text.strip()
    if re.match(r"(?i)https?://", text):
        return classify_url(strip_trailing_punctuation(text)).paper_id
    if re.fullmatch(r"(?i)(?:doi:\s?)?10\.[0-9]{4,9}/\S+", text):
        return normalise_doi(text)
    if re.fullmatch(r"(?i)arxiv:\s?\S+", text) or _ARXIV_FULL.fullmatch(text):
        return normalise_arxiv(text)
    if _SHA.fullmatch(text.lower()):
        return text.lower()
    ids = find_text_ids(text)
    if len(ids) == 1 and ids[0].start == 0 and ids[0].end >= len(text.rstrip(_TRAILING)):
        return ids[0].paper_id
    return None


# S2's externalIds kinds, named by the prefixes our canonical ids use.
EXTERNAL_ID_PREFIXES = {
    "arxiv": "arxiv",
    "doi": "doi",
    "corpusid": "corpusid",
    "acl": "acl",
    "pubmed": "pmid",
    "pubmedcentral": "pmcid",
    "mag": "mag",
}


def identifiers_of(paper: dict) -> set[str]:
    """Every lower-cased canonical id a paper answers to (paperId, ``arxiv:…``, ``doi:…``, …)."""
    found = {paper["paperId"].lower()} if paper.get("paperId") else set()
    for kind, value in (paper.get("externalIds") or {}).items():
        prefix = EXTERNAL_ID_PREFIXES.get(kind.lower())
        if prefix and value is not None:
            found.add(f"{prefix}:{str(value).lower()}")
            if prefix == "doi" and str(value).lower().startswith("10.48550/arxiv."):
                found.add("arxiv:" + str(value)[len("10.48550/arxiv.") :].lower())
    return found
