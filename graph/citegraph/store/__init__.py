"""The durable store (SQLite): papers, citation edges with S2's flags, and a log of every fetch.

Every S2 response is written in one transaction as soon as it arrives, so an interrupted build
keeps everything it received and the next run asks only for what is missing. WAL mode and a busy
timeout let two builds share the file. The API key is never written here.

Its modules: `schema` (the tables and the words their columns use), `connection` (opening the
file, the write transaction), `writes` (S2's answers), `reads` (the questions asked of them),
`claims` (builds sharing the file) and `saved_runs` (stored suggestions and build snapshots).
"""

from citegraph.store.claims import StoreClaims
from citegraph.store.reads import StoreReads
from citegraph.store.saved_runs import StoreSavedRuns
from citegraph.store.writes import StoreWrites


class Store(StoreWrites, StoreReads, StoreClaims, StoreSavedRuns):
    """The store at ``path``, created if missing; opened read-only when its folder or file is.

    A read-only store (``read_only`` is True) answers every read; writing to it raises
    ``StoreError``. Builds that fetch check ``read_only`` first and say so.

    Raises
    ------
    StoreError
        The file is not a citegraph store, is damaged, or a read-only folder holds no store.
    """
