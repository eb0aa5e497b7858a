"""The phases of a build, in the order `citegraph.pipeline.run_build` runs them: ``plan`` (what was asked
and what the phases found), ``fetch`` (the store filled: S2, a Datasets release, Crossref, the first
view), ``graph`` (the graph assembled or the saved one read, the coverage report, the rankings kept
with it) and ``record`` (the build's snapshot and what changed)."""
