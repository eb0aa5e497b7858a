"""What to ask Crossref, with the fewest requests, storing each answer as it arrives.

After S2's part of a build: the works of your papers whose references S2 withholds, with their
reference lists (``CROSSREF_REFERENCED_PER_REQUEST`` per request); the retraction status of your
other papers (``CROSSREF_DOIS_PER_REQUEST`` per request); the reference DOIs resolved to S2 papers
through S2's batch (500 ``DOI:`` ids per request), which join the graph as citations of origin
``crossref``. Then, once the unread ranking is known, the status of the papers it lists first and
of the suggestions: one more request. Nothing stored less than ``refresh_days`` ago is asked again.

Crossref is never fatal to a build: the first failure ends its part (one line), the S2 graph is
drawn without what Crossref would add, and the coverage says what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citegraph.constants import CROSSREF_DOIS_PER_REQUEST, CROSSREF_REFERENCED_PER_REQUEST, CROSSREF_REFRESH_DAYS
from citegraph.crossref import stored
from citegraph.crossref.client import CrossrefClient
from citegraph.errors import CrossrefError, S2Error
from citegraph.s2.client import BATCH_SIZE, S2Client
from citegraph.store import Store
from citegraph.store.schema import FINAL, FetchKind, FetchStatus


@dataclass
class CrossrefRun:
    """What this build asked of Crossref: ``requests`` made, ``outage`` (the one line, None when it
    answered), ``unresolved_dois`` asked of S2 that it could not resolve this time."""

    requests: int = 0
    outage: str | None = None
    s2_requests: int = 0
    notes: list[str] = field(default_factory=list)


def withheld_papers(store: Store, yours: list[str]) -> list[str]:
    """Your papers whose references S2 withholds (the publisher's choice: logged ``withheld``)."""
    done = store.statuses(FetchKind.REFERENCES)
    return [p for p in dict.fromkeys(yours) if p in done and done[p][0] == FetchStatus.WITHHELD]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class CrossrefAsker:
    """Asks Crossref through ``client`` and stores the answers; resolves reference DOIs through ``s2``."""

    def __init__(
        self, store: Store, client: CrossrefClient, s2: S2Client | None, refresh_days: float = CROSSREF_REFRESH_DAYS
    ):
        self.store = store
        self.client = client
        self.s2 = s2
        self.refresh_days = refresh_days
        self.run = CrossrefRun()
        stored.ensure_table(store)

    def _dois(self, paper_ids: list[str]) -> dict[str, str]:
        """``{paperId: DOI}`` of the stored papers that have one."""
        found = {}
        for paper_id in paper_ids:
            doi = stored.paper_doi(self.store.paper(paper_id) or {})
            if doi:
                found[paper_id] = doi
        return found

    def _ask(self, dois: list[str], with_references: bool, size: int) -> None:
        for chunk in _chunks(dois, size):
            if self.run.outage:
                return
            try:
                answers = self.client.works(chunk, with_references)
            except CrossrefError as exc:
                self.run.outage = str(exc)
                return
            finally:
                self.run.requests = self.client.requests
            stored.record_works(self.store, answers, with_references)

    def papers(self, yours: list[str], withheld: list[str]) -> None:
        """Your papers' notices, with the reference lists of those whose references S2 withholds;
        then those references resolved to S2 papers and stored as citations of origin ``crossref``."""
        withheld_dois = self._dois(withheld)
        self._ask(
            stored.stale(self.store, withheld_dois.values(), self.refresh_days, references=True),
            True,
            CROSSREF_REFERENCED_PER_REQUEST,
        )
        others = [d for p, d in self._dois(yours).items() if p not in withheld_dois]
        self._ask(stored.stale(self.store, others, self.refresh_days), False, CROSSREF_DOIS_PER_REQUEST)
        self.recover(withheld_dois)

    def ranked(self, papers: list[dict]) -> None:
        """The notices of the papers (records with ``externalIds``) the unread ranking and the
        suggestions list, best ranked first: one request, for at most ``CROSSREF_DOIS_PER_REQUEST`` of them."""
        dois = list(dict.fromkeys(filter(None, map(stored.paper_doi, papers))))
        todo = stored.stale(self.store, dois, self.refresh_days)[:CROSSREF_DOIS_PER_REQUEST]
        self._ask(todo, False, CROSSREF_DOIS_PER_REQUEST)

    def recover(self, withheld_dois: dict[str, str]) -> None:
        """The references Crossref lists for these papers, those with a DOI S2 knows stored as citations."""
        lists = stored.references(self.store, list(withheld_dois.values()))
        wanted = {ref.doi for refs in lists.values() for ref in refs or [] if ref.doi}
        if self.s2 is not None:
            self._resolve(sorted(wanted))
        aliases = self.store.aliases()
        for paper_id, doi in withheld_dois.items():
            refs = lists.get(doi) or []
            cited = [aliases[f"doi:{r.doi}"][0] for r in refs if r.doi and f"doi:{r.doi}" in aliases]
            if cited:
                stored.record_recovered(self.store, paper_id, cited)

    def _resolve(self, dois: list[str]) -> None:
        """Ask S2's batch for the DOIs it was never asked about (``DOI:`` ids, 500 per request)."""
        done = self.store.statuses(FetchKind.METADATA)
        todo = [f"DOI:{d}" for d in dois if f"doi:{d}" not in done or done[f"doi:{d}"][0] not in FINAL]
        before = self.s2.requests
        try:
            for chunk in _chunks(todo, BATCH_SIZE):
                self.store.record_metadata(self.s2.papers(chunk))
        except S2Error as exc:
            self.run.notes.append(f"S2 did not resolve the references Crossref lists ({exc})")
        finally:
            self.run.s2_requests += self.s2.requests - before
