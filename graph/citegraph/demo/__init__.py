"""The demo: a generated citation world (``world``) written as a bulk Datasets release
(``release_writer``), built from the sample notes (``run``); ``examples`` holds the small graph
the docstrings' examples use."""
