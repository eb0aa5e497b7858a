"""The output phase of a build: S2's suggestions when asked for, and the map (kept as it is when
nothing it is drawn from changed: the graph is then neither loaded nor laid out)."""

from __future__ import annotations

from pathlib import Path

from citegraph.errors import CitegraphError
from citegraph.phases.plan import BuildPlan, BuildRun
from citegraph.savedgraph import SavedGraph
from citegraph.suggestions import suggest as ask_suggestions


def networkx_graph(graph):
    """``graph`` as a NetworkX DiGraph: itself, or the saved graph's view loaded whole."""
    return graph.networkx() if isinstance(graph, SavedGraph) else graph


def ask_for_suggestions(plan: BuildPlan, run: BuildRun) -> None:
    """With ``suggest``: S2's suggestions for the map, unless offline or S2 stopped answering."""
    if not plan.suggest or plan.offline or run.stopped or run.interrupted:
        return
    try:
        run.later = ask_suggestions(plan.data_dir, s2_config=plan.s2_config, notice=plan.notice)
        run.suggested = run.later.summary()
    except CitegraphError as exc:  # the build itself is done: its map shows the last stored suggestions
        run.suggested = f"none fetched ({exc}); the map shows the last stored ones"


def draw(plan: BuildPlan, run: BuildRun, graph, later, changes=None, first_view: bool = False) -> dict:
    """The map of ``graph`` (stamped ``run.stamp``) at ``plan.output``: the page already there when it
    was drawn from the same graph, options, suggestions and changes, else drawn."""
    from citegraph.map.render import kept_page, render_map

    output = Path(plan.output)
    meta = kept_page(output, plan.map_options, later, changes, stamp=run.stamp, first_view=first_view)
    if meta is not None:
        return meta
    return render_map(
        networkx_graph(graph), output, plan.map_options, later, changes, stamp=run.stamp, first_view=first_view
    )


def draw_the_map(plan: BuildPlan, run: BuildRun) -> None:
    """The map, with the later-work panel's suggestions (none asked for ``output=None``)."""
    if plan.output:
        run.map_meta = draw(plan, run, run.graph, run.later, run.changes)
