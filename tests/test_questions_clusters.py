"""The groups (citegraph.clusters): found at build time, named, listed by `citegraph clusters`, carried by exports."""

import json

import networkx as nx
import pandas as pd
import pytest

import citegraph
from citegraph.clustering import find_clusters
from tests.library import adjusted_rand_index, true_and_found_topics


@pytest.fixture(scope="module")
def small_library(built_library):
    """60 read papers in 4 topics, notes without headings."""
    return built_library(60, headings=False, n_topics=4)


@pytest.fixture(scope="module")
def headed_library(built_library):
    """The same library, notes under one heading per topic."""
    return built_library(60, headings=True, n_topics=4)


def test_groups_found_without_headings_agree_with_the_true_topics(built_library):
    built = built_library(400, headings=False)
    truth, found = true_and_found_topics(built)
    assert len(truth) == 400 and None not in found
    assert adjusted_rand_index(truth, found) >= 0.6


def test_groups_are_named_after_the_notes_headings(headed_library):
    graph = headed_library.graph()
    assert sorted(graph.graph["clusters"]) == sorted(set(headed_library.library.topic_of.values()))


def test_groups_without_headings_are_named_by_distinctive_title_words(small_library):
    graph = small_library.graph()
    for name in graph.graph["clusters"]:
        members = [d["title"].lower() for _, d in graph.nodes(data=True) if d.get("cluster") == name]
        words = name.split(" · ")
        assert 1 <= len(words) <= 3
        for word in words:  # each word is in most of the group's titles and more of them than of any other group's
            inside = sum(word in t for t in members) / len(members)
            for other in set(graph.graph["clusters"]) - {name}:
                titles = [d["title"].lower() for _, d in graph.nodes(data=True) if d.get("cluster") == other]
                assert inside > sum(word in t for t in titles) / len(titles), (name, word, other)


def test_the_same_graph_gives_the_same_groups(small_library):
    graph = small_library.graph()
    names = graph.graph["clusters"]
    again = find_clusters(graph)
    assert {n: names[g] for n, g in again.items()} == {n: c for n, c in graph.nodes(data="cluster") if c}


def test_clusters_command_accounts_for_the_groups(small_library):
    graph = small_library.graph()
    result = small_library.query("clusters", "--format", "json", "--top", "2")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["cluster"] for r in rows] == graph.graph["clusters"]
    assert sum(r["size"] for r in rows) == sum(1 for _, c in graph.nodes(data="cluster") if c)
    assert sum(r["your_papers"] for r in rows) == 60
    for row in rows:
        assert len(row["top_unread_ids"]) == 2
        assert all(
            graph.nodes[p]["cluster"] == row["cluster"] and not graph.nodes[p]["read"] for p in row["top_unread_ids"]
        )


def test_clusters_in_python_equals_the_command(small_library):
    frame = citegraph.clusters(small_library.graph())
    assert isinstance(frame, pd.DataFrame)
    rows = json.loads(small_library.query("clusters", "--format", "json").stdout)
    assert frame.to_dict("records") == rows


@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_clusters_command_prints_every_group_in_each_format(small_library, fmt):
    result = small_library.query("clusters", "--format", fmt)
    assert result.exit_code == 0
    for name in small_library.graph().graph["clusters"]:
        assert name in result.stdout


def test_unread_cluster_lists_only_that_groups_papers(small_library):
    graph = small_library.graph()
    name = graph.graph["clusters"][1]
    result = small_library.query("unread", "--cluster", name.upper(), "--format", "json", "--top", "50")
    rows = json.loads(result.stdout)
    assert rows and all(graph.nodes[r["paperId"]]["cluster"] == name for r in rows)
    everything = json.loads(small_library.query("unread", "--format", "json", "--top", "100000").stdout)
    assert [r["paperId"] for r in rows] == [
        r["paperId"] for r in everything if graph.nodes[r["paperId"]].get("cluster") == name
    ][:50]


def test_unread_with_an_unknown_cluster_is_one_error_line(small_library):
    result = small_library.query("unread", "--cluster", "no such group")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no group named 'no such group'" in result.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_exports_carry_each_papers_group(small_library, tmp_path, fmt):
    graph = small_library.graph()
    result = small_library.query("export", "--format", fmt, "-o", tmp_path / f"lib.{fmt}")
    assert result.exit_code == 0
    if fmt == "graphml":
        exported = dict(nx.read_graphml(tmp_path / "lib.graphml").nodes(data="cluster"))
    elif fmt == "gexf":
        exported = dict(nx.read_gexf(tmp_path / "lib.gexf").nodes(data="cluster"))
    elif fmt == "json":
        exported = {n["id"]: n.get("cluster") for n in json.loads((tmp_path / "lib.json").read_text())["nodes"]}
    else:
        table = pd.read_csv(tmp_path / "lib.nodes.csv", keep_default_na=False)
        exported = dict(zip(table["paperId"], table["cluster"]))
    grouped = {n: c for n, c in graph.nodes(data="cluster") if c}
    assert grouped and {n: exported[n] for n in grouped} == grouped


def test_clusters_of_a_graph_saved_from_python_without_groups_are_found_when_asked(tmp_path):
    from citegraph.assemble import graph_path, graph_stamp, save_graph
    from citegraph.demo.examples import example_graph
    from tests.conftest import query

    data_dir = tmp_path / "data"
    save_graph(example_graph(), graph_path(data_dir), graph_stamp(1, "hand-made"))
    done = query(data_dir, "clusters", "--format", "json")
    assert done.exit_code == 0, done.output
    assert [row["cluster"] for row in json.loads(done.output)] == citegraph.clusters(example_graph())[
        "cluster"
    ].tolist()
