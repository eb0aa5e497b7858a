"""Building from Semantic Scholar's bulk Datasets: download, import, update, build and global paths.

The stand-in serves one generated world both ways: its Graph API, and a Datasets release written
from the same world in S2's row schemas. Builds from the release must equal API builds.
"""

import gzip
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from citegraph.bulk.download import DownloadFailed, download_file
from citegraph.datadir import load
from citegraph.demo.release_writer import write_papers_diff
from tests.conftest import DATASETS_RELEASE_ID as RELEASE
from tests.conftest import SAMPLE_NOTES, Citegraph
from tests.standin.datasets import SIGNATURE

NEXT_RELEASE = "2025-12-12"
KEY = "test-key-do-not-leak"
LEFT_OUT = {"bibtex", "pagerank"}  # the release has no BibTeX; PageRank is compared to a tolerance
# About 13% of references unresolved, as in S2's citations dataset.
DATASETS_WORLD = dict(n_papers=1500, seed=7, unresolved_fraction=0.12)


def library_notes(datasets_world, folder: Path, size: int = 100) -> Path:
    """Notes naming ``size`` papers of the world: by DOI or CorpusId (markdown), or by exact title
    only (BibTeX entries without ids; titles whose words no other paper has in another order)."""
    words = {}
    for record in datasets_world.papers.values():
        words.setdefault(frozenset(record["title"].lower().split()), []).append(record)
    lines, entries = ["# Library", ""], []
    for n, record in enumerate(sorted(datasets_world.papers.values(), key=lambda r: r["corpusId"])[::13][:size]):
        doi = record["externalIds"].get("DOI")
        if n % 3 == 0 and len(words[frozenset(record["title"].lower().split())]) == 1:
            entries.append(f"@article{{paper{n},\n  title = {{{record['title']}}},\n}}\n")
        elif doi and n % 3 == 1:
            lines.append(f"- https://doi.org/{doi}")
        else:
            lines.append(f"- CorpusId:{record['corpusId']}")
    folder.mkdir()
    (folder / "library.md").write_text("\n".join(lines) + "\n")
    (folder / "library.bib").write_text("\n".join(entries))
    return folder


def assert_same_graph(api: nx.DiGraph, bulk: nx.DiGraph, flags_everywhere: bool = False) -> None:
    assert set(api.nodes) == set(bulk.nodes)
    assert set(api.edges) == set(bulk.edges)
    for node in api.nodes:
        left = {k: v for k, v in api.nodes[node].items() if k not in LEFT_OUT}
        right = {k: v for k, v in bulk.nodes[node].items() if k not in LEFT_OUT}
        if flags_everywhere:  # the API's depth-2 papers come without authors; the release has them
            left.pop("authors"), right.pop("authors")
        assert left == right, node
        assert api.nodes[node]["pagerank"] == pytest.approx(bulk.nodes[node]["pagerank"], rel=1e-6)
    for edge in api.edges:
        if flags_everywhere and api.edges[edge]["isInfluential"] is None:
            assert bulk.edges[edge]["isInfluential"] is not None, edge  # the release knows every flag
        else:
            assert api.edges[edge] == bulk.edges[edge], edge


def build_both(datasets_run, tmp_path, datasets_release, notes, *args, engine=()):
    api = datasets_run.build(*args, notes=notes)
    assert api.exit_code == 0, api.output
    api_graph = load(datasets_run.data_dir)
    bulk = Citegraph(tmp_path / "bulk", "http://127.0.0.1:9")  # nothing answers there: 0 requests possible
    done = bulk(
        "build",
        notes,
        "--data-dir",
        bulk.data_dir,
        "-o",
        bulk.output,
        "--source",
        f"datasets:{datasets_release}",
        *engine,
        *args,
    )
    assert done.exit_code == 0, done.output
    assert "0 requests to Semantic Scholar" in done.output
    return api_graph, load(bulk.data_dir)


def test_a_build_from_the_release_equals_the_api_build(datasets_run, tmp_path, datasets_release):
    api, bulk = build_both(datasets_run, tmp_path, datasets_release, SAMPLE_NOTES, "--citations")
    assert_same_graph(api, bulk)
    assert api.graph["unresolved_references"] == bulk.graph["unresolved_references"]


def test_a_100_paper_library_from_the_release_equals_the_api_build(
    datasets_run, tmp_path, datasets_release, datasets_world
):
    notes = library_notes(datasets_world, tmp_path / "library")
    api, bulk = build_both(datasets_run, tmp_path, datasets_release, notes)
    assert sum(1 for _, read in bulk.nodes(data="read") if read) == 100
    assert_same_graph(api, bulk)


def test_at_depth_2_the_release_gives_the_same_papers_and_every_citation_its_flags(
    datasets_run, tmp_path, datasets_release
):
    api, bulk = build_both(datasets_run, tmp_path, datasets_release, SAMPLE_NOTES, "--depth", "2")
    assert_same_graph(api, bulk, flags_everywhere=True)


def test_a_spark_setting_without_a_value_is_refused_before_spark_starts(datasets_run, datasets_release, tmp_path):
    done = datasets_run(
        "build",
        SAMPLE_NOTES,
        "--data-dir",
        tmp_path / "data",
        "--source",
        f"datasets:{datasets_release}",
        "--engine",
        "spark",
        "--spark-conf",
        "spark.executor.memory",
    )
    assert done.exit_code == 2 and "--spark-conf" in done.output and "KEY=VALUE" in done.output
    assert not (tmp_path / "data").exists()


def test_a_cut_connection_resumes_where_it_stopped(datasets_run, datasets_service, datasets_shards, tmp_path):
    datasets_service.datasets.faults.cut_after_bytes = 5000
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", tmp_path / "r")
    assert done.exit_code == 0, done.output
    for dataset, files in datasets_shards[1].items():
        for served in files:
            assert (tmp_path / "r" / dataset / served.name).read_bytes() == served.read_bytes()
    assert any(r["range"] == "bytes=5000-" for r in datasets_service.datasets.file_requests)


def test_a_truncated_shard_is_fetched_again(datasets_run, datasets_service, tmp_path, datasets_shards):
    datasets_service.datasets.faults.truncated_once = {"papers-part1.jsonl.gz"}
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r" / "papers" / "papers-part1.jsonl.gz").read_bytes() == datasets_shards[1]["papers"][
        1
    ].read_bytes()
    assert sum("papers-part1" in r["path"] for r in datasets_service.datasets.file_requests) == 2


def test_a_truncated_shard_is_never_imported(datasets_run, datasets_shards, tmp_path):
    folder = tmp_path / "r"
    for dataset in ("papers", "citations"):
        shutil.copytree(datasets_shards[0] / dataset, folder / dataset)
    shard = folder / "citations" / "citations-part2.jsonl.gz"
    shard.write_bytes(shard.read_bytes()[:-4000])
    done = datasets_run("datasets", "import", folder)
    assert done.exit_code == 1
    assert "citations-part2.jsonl.gz is damaged" in done.output and "download" in done.output
    assert not list((folder / "parquet").glob("*.parquet")) if (folder / "parquet").exists() else True


def test_a_small_release_imports_within_a_small_memory_limit(datasets_run, datasets_shards, tmp_path):
    folder = tmp_path / "r"
    for dataset in ("papers", "citations"):
        shutil.copytree(datasets_shards[0] / dataset, folder / dataset)
    done = datasets_run("datasets", "import", folder, "--memory-limit", "256MB")
    assert done.exit_code == 0, done.output
    assert "citations:" in done.output and (folder / "parquet" / "citers.parquet").exists()


def test_an_update_applies_an_updated_and_a_deleted_paper(datasets_run, datasets_service, datasets_world, tmp_path):
    updated, deleted = [dict(r) for r in sorted(datasets_world.papers.values(), key=lambda r: r["corpusId"])[100:102]]
    updated["title"] = "A retitled paper in the next release"
    diff = write_papers_diff(tmp_path / "diff", [updated], [deleted["corpusId"]])
    datasets_service.datasets.add_release(NEXT_RELEASE, {})
    datasets_service.datasets.add_diff("papers", RELEASE, NEXT_RELEASE, diff["update_files"], diff["delete_files"])
    datasets_service.datasets.add_diff("citations", RELEASE, NEXT_RELEASE, [], [])  # no citation changed
    folder = tmp_path / "r"
    assert (
        datasets_run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", folder).exit_code == 0
    )
    assert datasets_run("datasets", "import", folder).exit_code == 0
    done = datasets_run("datasets", "update", folder)
    assert done.exit_code == 0, done.output
    assert NEXT_RELEASE in done.output
    notes = tmp_path / "two.md"
    notes.write_text(f"- CorpusId:{updated['corpusId']}\n- CorpusId:{deleted['corpusId']}\n")
    built = datasets_run(
        "build", notes, "--data-dir", tmp_path / "data", "-o", tmp_path / "map.html", "--source", f"datasets:{folder}"
    )
    assert "1 resolved" in built.output and "1 not found" in built.output
    assert load(tmp_path / "data").nodes[updated["paperId"]]["title"] == "A retitled paper in the next release"


def world_graph(datasets_world) -> nx.DiGraph:
    graph = nx.DiGraph()
    for citing, references in datasets_world.references.items():
        graph.add_edges_from((citing, c.cited, {"flag": c.is_influential}) for c in references if c.cited)
    return graph


def test_a_global_path_is_the_shortest_chain_in_the_release(datasets_run, datasets_release, datasets_world):
    graph = world_graph(datasets_world)
    start = max(
        datasets_world.papers,
        key=lambda p: datasets_world.papers[p]["year"] * 10**9 + datasets_world.papers[p]["corpusId"],
    )
    distances = nx.single_source_shortest_path_length(graph, start, cutoff=4)
    far = min(p for p, d in distances.items() if d == max(distances.values()))
    expected = distances[far]
    done = datasets_run(
        "path",
        f"CorpusId:{datasets_world.papers[start]['corpusId']}",
        f"CorpusId:{datasets_world.papers[far]['corpusId']}",
        "--global",
        "--source",
        f"datasets:{datasets_release}",
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    found = json.loads(done.output)
    assert found["direction"] == "forward" and found["length"] == expected
    chain = [paper["paperId"] for paper in found["paths"][0]]
    assert chain[0] == start and chain[-1] == far
    for hop, (a, b) in zip(found["hops"][0], zip(chain, chain[1:])):
        assert graph.has_edge(a, b) and hop["isInfluential"] == graph.edges[a, b]["flag"]
    back = json.loads(
        datasets_run(
            "path",
            f"CorpusId:{datasets_world.papers[far]['corpusId']}",
            f"CorpusId:{datasets_world.papers[start]['corpusId']}",
            "--global",
            "--source",
            f"datasets:{datasets_release}",
            "--format",
            "json",
        ).output
    )
    assert back["direction"] == "reverse" and back["length"] == expected


def test_the_key_and_the_links_are_never_written(datasets_run, datasets_service, tmp_path, datasets_world):
    folder = tmp_path / "r"
    datasets_service.datasets.faults.cut_after_bytes = 3000
    outputs = [
        datasets_run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", folder),
        datasets_run("datasets", "import", folder),
        datasets_run(
            "build",
            SAMPLE_NOTES,
            "--data-dir",
            tmp_path / "data",
            "-o",
            tmp_path / "map.html",
            "--source",
            f"datasets:{folder}",
        ),
    ]
    assert datasets_service.stats()["api_keys"] == [KEY]
    for written in tmp_path.rglob("*"):
        if written.is_file():
            data = written.read_bytes()
            if written.suffix == ".gz":
                data = gzip.decompress(data)
            assert KEY.encode() not in data and SIGNATURE.encode() not in data, written
    for done in outputs:
        assert done.exit_code == 0 and KEY not in done.output and SIGNATURE not in done.output


def test_a_failed_download_names_the_file_without_its_signature(datasets_service, tmp_path):
    link = f"{datasets_service.url}/_files/0/papers-part0.jsonl.gz?X-Amz-Signature={SIGNATURE}"
    with pytest.raises(DownloadFailed) as failed:
        download_file(link.replace(SIGNATURE, SIGNATURE + "-expired"), tmp_path / "papers-part0.jsonl.gz")
    assert "papers-part0.jsonl.gz?…" in str(failed.value) and SIGNATURE not in str(failed.value)


def test_a_damaged_release_is_one_error_line(datasets_run, datasets_release, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(datasets_release / "parquet", damaged / "parquet")
    (damaged / "parquet" / "citations.parquet").write_bytes(b"not parquet at all")
    done = datasets_run(
        "build",
        SAMPLE_NOTES,
        "--data-dir",
        tmp_path / "data",
        "-o",
        tmp_path / "map.html",
        "--source",
        f"datasets:{damaged}",
    )
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert done.output.startswith(f"error: DuckDB could not read the release in {damaged}")
    assert done.output.count("\n") == 1


def test_datasets_list_names_the_releases_and_their_datasets(datasets_run):
    done = datasets_run("datasets", "list")
    assert done.output.split() == [RELEASE]
    done = datasets_run("datasets", "list", "--release", RELEASE)
    assert "citations" in done.output and "papers" in done.output


def test_the_datasets_need_a_key(datasets_run, tmp_path):
    done = datasets_run(
        "datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r", env={"S2_API_KEY": ""}
    )
    assert done.exit_code != 0 and done.output.startswith("error:") and "Traceback" not in done.output
