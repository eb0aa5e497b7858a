"""The questions' records as pandas DataFrames: one column per field, years and counts as integers."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

YEAR = "Int64"  # pandas' integer dtype with missing values: years print as 2016, never 2016.0


def records_frame(rows: list, row_type: type) -> pd.DataFrame:
    """Records of one dataclass as a DataFrame: a column per field, years and citation counts as Int64.

    Examples
    --------
    >>> from citegraph.questions.ranking import UnreadPaper, unread_papers
    >>> records_frame(unread_papers(example_graph()), UnreadPaper)[["paperId", "year", "score"]]
      paperId  year   score
    0       X  2016  4.0000
    1       Y  2019  2.5405
    """
    import pandas as pd

    columns = [f.name for f in fields(row_type)]
    frame = pd.DataFrame([asdict(row) for row in rows], columns=columns)
    return frame.astype({name: YEAR for name in ("year", "citationCount") if name in columns})
