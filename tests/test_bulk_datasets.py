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
from citegraph.bulk.release import import_release
from citegraph.datadir import load
from citegraph.demo.release_writer import write_papers_diff, write_release
from citegraph.demo.world import generate_world, sample_notes_seeds
from tests.conftest import SAMPLE_NOTES, Citegraph
from tests.spark_cluster import EXECUTOR_MEMORY, connect_server, executors_run, standalone_cluster
from tests.standin import StandinS2
from tests.standin.datasets import SIGNATURE

RELEASE = "2025-12-05"
NEXT_RELEASE = "2025-12-12"
KEY = "test-key-do-not-leak"
LEFT_OUT = {"bibtex", "pagerank"}  # the release has no BibTeX; PageRank is compared to a tolerance


@pytest.fixture(scope="module")
def world():
    # About 13% of references unresolved, as in S2's citations dataset.
    return generate_world(sample_notes_seeds([SAMPLE_NOTES]), n_papers=1500, seed=7, unresolved_fraction=0.12)


@pytest.fixture(scope="module")
def shards(world, tmp_path_factory):
    """The world's release as the stand-in serves it (shards only)."""
    folder = tmp_path_factory.mktemp("served")
    return folder, write_release(world, folder)


@pytest.fixture(scope="module")
def release(shards, tmp_path_factory):
    """The world's release, imported (as `citegraph datasets import` leaves it)."""
    folder = tmp_path_factory.mktemp("release")
    for dataset in ("papers", "citations"):
        shutil.copytree(shards[0] / dataset, folder / dataset)
    import_release(folder)
    return folder


@pytest.fixture
def service(world, shards):
    served = StandinS2(world).start()
    served.datasets.add_release(RELEASE, shards[1])
    yield served
    served.stop()


@pytest.fixture
def run(tmp_path, service):
    return Citegraph(tmp_path, service.url)


def library_notes(world, folder: Path, size: int = 100) -> Path:
    """Notes naming ``size`` papers of the world: by DOI or CorpusId (markdown), or by exact title
    only (BibTeX entries without ids; titles whose words no other paper has in another order)."""
    words = {}
    for record in world.papers.values():
        words.setdefault(frozenset(record["title"].lower().split()), []).append(record)
    lines, entries = ["# Library", ""], []
    for n, record in enumerate(sorted(world.papers.values(), key=lambda r: r["corpusId"])[::13][:size]):
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


def build_both(run, tmp_path, release, notes, *args, engine=()):
    api = run.build(*args, notes=notes)
    assert api.exit_code == 0, api.output
    api_graph = load(run.data_dir)
    bulk = Citegraph(tmp_path / "bulk", "http://127.0.0.1:9")  # nothing answers there: 0 requests possible
    done = bulk(
        "build",
        notes,
        "--data-dir",
        bulk.data_dir,
        "-o",
        bulk.output,
        "--source",
        f"datasets:{release}",
        *engine,
        *args,
    )
    assert done.exit_code == 0, done.output
    assert "0 requests to Semantic Scholar" in done.output
    return api_graph, load(bulk.data_dir)


def test_a_build_from_the_release_equals_the_api_build(run, tmp_path, release):
    api, bulk = build_both(run, tmp_path, release, SAMPLE_NOTES, "--citations")
    assert_same_graph(api, bulk)
    assert api.graph["unresolved_references"] == bulk.graph["unresolved_references"]


def test_a_100_paper_library_from_the_release_equals_the_api_build(run, tmp_path, release, world):
    notes = library_notes(world, tmp_path / "library")
    api, bulk = build_both(run, tmp_path, release, notes)
    assert sum(1 for _, read in bulk.nodes(data="read") if read) == 100
    assert_same_graph(api, bulk)


def test_at_depth_2_the_release_gives_the_same_papers_and_every_citation_its_flags(run, tmp_path, release):
    api, bulk = build_both(run, tmp_path, release, SAMPLE_NOTES, "--depth", "2")
    assert_same_graph(api, bulk, flags_everywhere=True)


@pytest.mark.spark
def test_spark_builds_equal_the_api_builds(run, tmp_path, release, world, spark_available):
    """Both checks in one test: they share one Spark session, whose start is slow."""
    engine = ("--engine", "spark", "--spark-master", "local[2]")
    api, bulk = build_both(run, tmp_path / "sample", release, SAMPLE_NOTES, "--citations", engine=engine)
    assert_same_graph(api, bulk)
    library = Citegraph(tmp_path / "library", run.env["S2_API_URL"])
    notes = library_notes(world, tmp_path / "library")
    api, bulk = build_both(library, tmp_path / "library", release, notes, engine=engine)
    assert_same_graph(api, bulk)


def duckdb_and_spark_stores(tmp_path, release, *spark_args):
    """The stores of one depth-2 build with citations from the release, by DuckDB and by Spark.

    The Spark sessions opened are stopped before returning, while the deployment still answers.
    """
    from citegraph.bulk.engines import stop_spark_sessions

    stores = []
    stop_spark_sessions()  # a driver another test left (local[2]) would otherwise be reused
    try:
        for name, engine in (("duckdb", ()), ("spark", ("--engine", "spark", *spark_args))):
            bulk = Citegraph(tmp_path / name, "http://127.0.0.1:9")  # nothing answers there: 0 requests possible
            done = bulk(
                "build",
                SAMPLE_NOTES,
                "--data-dir",
                bulk.data_dir,
                "-o",
                bulk.output,
                "--depth",
                "2",
                "--citations",
                "--source",
                f"datasets:{release}",
                *engine,
            )
            assert done.exit_code == 0, done.output
            stores.append(bulk.dump())
    finally:
        stop_spark_sessions()
    return stores


@pytest.mark.spark
def test_a_build_on_a_standalone_cluster_of_two_workers_equals_the_duckdb_build(tmp_path, release, spark_available):
    with standalone_cluster(tmp_path / "cluster") as master:
        duckdb, spark = duckdb_and_spark_stores(
            tmp_path,
            release,
            "--spark-master",
            master,
            "--spark-conf",
            f"spark.executor.memory={EXECUTOR_MEMORY}",
            "--spark-conf",
            "spark.driver.host=127.0.0.1",
            "--spark-conf",
            "spark.driver.bindAddress=127.0.0.1",
        )
        assert executors_run(tmp_path / "cluster") == ["worker0", "worker1"]
    assert spark == duckdb


@pytest.mark.spark
def test_a_build_through_spark_connect_equals_the_duckdb_build(tmp_path, release, spark_available):
    with connect_server(tmp_path / "connect") as server:
        duckdb, spark = duckdb_and_spark_stores(tmp_path, release, "--spark-master", server)
    assert spark == duckdb


def test_a_spark_setting_without_a_value_is_refused_before_spark_starts(run, release, tmp_path):
    done = run(
        "build",
        SAMPLE_NOTES,
        "--data-dir",
        tmp_path / "data",
        "--source",
        f"datasets:{release}",
        "--engine",
        "spark",
        "--spark-conf",
        "spark.executor.memory",
    )
    assert done.exit_code == 2 and "--spark-conf" in done.output and "KEY=VALUE" in done.output
    assert not (tmp_path / "data").exists()


def test_a_cut_connection_resumes_where_it_stopped(run, service, shards, tmp_path):
    service.datasets.faults.cut_after_bytes = 5000
    done = run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", tmp_path / "r")
    assert done.exit_code == 0, done.output
    for dataset, files in shards[1].items():
        for served in files:
            assert (tmp_path / "r" / dataset / served.name).read_bytes() == served.read_bytes()
    assert any(r["range"] == "bytes=5000-" for r in service.datasets.file_requests)


def test_a_truncated_shard_is_fetched_again(run, service, tmp_path, shards):
    service.datasets.faults.truncated_once = {"papers-part1.jsonl.gz"}
    done = run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r" / "papers" / "papers-part1.jsonl.gz").read_bytes() == shards[1]["papers"][1].read_bytes()
    assert sum("papers-part1" in r["path"] for r in service.datasets.file_requests) == 2


def test_a_truncated_shard_is_never_imported(run, shards, tmp_path):
    folder = tmp_path / "r"
    for dataset in ("papers", "citations"):
        shutil.copytree(shards[0] / dataset, folder / dataset)
    shard = folder / "citations" / "citations-part2.jsonl.gz"
    shard.write_bytes(shard.read_bytes()[:-4000])
    done = run("datasets", "import", folder)
    assert done.exit_code == 1
    assert "citations-part2.jsonl.gz is damaged" in done.output and "download" in done.output
    assert not list((folder / "parquet").glob("*.parquet")) if (folder / "parquet").exists() else True


def test_a_small_release_imports_within_a_small_memory_limit(run, shards, tmp_path):
    folder = tmp_path / "r"
    for dataset in ("papers", "citations"):
        shutil.copytree(shards[0] / dataset, folder / dataset)
    done = run("datasets", "import", folder, "--memory-limit", "256MB")
    assert done.exit_code == 0, done.output
    assert "citations:" in done.output and (folder / "parquet" / "citers.parquet").exists()


def test_an_update_applies_an_updated_and_a_deleted_paper(run, service, world, tmp_path):
    updated, deleted = [dict(r) for r in sorted(world.papers.values(), key=lambda r: r["corpusId"])[100:102]]
    updated["title"] = "A retitled paper in the next release"
    diff = write_papers_diff(tmp_path / "diff", [updated], [deleted["corpusId"]])
    service.datasets.add_release(NEXT_RELEASE, {})
    service.datasets.add_diff("papers", RELEASE, NEXT_RELEASE, diff["update_files"], diff["delete_files"])
    service.datasets.add_diff("citations", RELEASE, NEXT_RELEASE, [], [])  # no citation changed
    folder = tmp_path / "r"
    assert run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", folder).exit_code == 0
    assert run("datasets", "import", folder).exit_code == 0
    done = run("datasets", "update", folder)
    assert done.exit_code == 0, done.output
    assert NEXT_RELEASE in done.output
    notes = tmp_path / "two.md"
    notes.write_text(f"- CorpusId:{updated['corpusId']}\n- CorpusId:{deleted['corpusId']}\n")
    built = run(
        "build", notes, "--data-dir", tmp_path / "data", "-o", tmp_path / "map.html", "--source", f"datasets:{folder}"
    )
    assert "1 resolved" in built.output and "1 not found" in built.output
    assert load(tmp_path / "data").nodes[updated["paperId"]]["title"] == "A retitled paper in the next release"


def world_graph(world) -> nx.DiGraph:
    graph = nx.DiGraph()
    for citing, references in world.references.items():
        graph.add_edges_from((citing, c.cited, {"flag": c.is_influential}) for c in references if c.cited)
    return graph


def test_a_global_path_is_the_shortest_chain_in_the_release(run, release, world):
    graph = world_graph(world)
    start = max(world.papers, key=lambda p: world.papers[p]["year"] * 10**9 + world.papers[p]["corpusId"])
    distances = nx.single_source_shortest_path_length(graph, start, cutoff=4)
    far = min(p for p, d in distances.items() if d == max(distances.values()))
    expected = distances[far]
    done = run(
        "path",
        f"CorpusId:{world.papers[start]['corpusId']}",
        f"CorpusId:{world.papers[far]['corpusId']}",
        "--global",
        "--source",
        f"datasets:{release}",
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
        run(
            "path",
            f"CorpusId:{world.papers[far]['corpusId']}",
            f"CorpusId:{world.papers[start]['corpusId']}",
            "--global",
            "--source",
            f"datasets:{release}",
            "--format",
            "json",
        ).output
    )
    assert back["direction"] == "reverse" and back["length"] == expected


def test_the_key_and_the_links_are_never_written(run, service, tmp_path, world):
    folder = tmp_path / "r"
    service.datasets.faults.cut_after_bytes = 3000
    outputs = [
        run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", folder),
        run("datasets", "import", folder),
        run(
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
    assert service.stats()["api_keys"] == [KEY]
    for written in tmp_path.rglob("*"):
        if written.is_file():
            data = written.read_bytes()
            if written.suffix == ".gz":
                data = gzip.decompress(data)
            assert KEY.encode() not in data and SIGNATURE.encode() not in data, written
    for done in outputs:
        assert done.exit_code == 0 and KEY not in done.output and SIGNATURE not in done.output


def test_a_failed_download_names_the_file_without_its_signature(service, tmp_path):
    link = f"{service.url}/_files/0/papers-part0.jsonl.gz?X-Amz-Signature={SIGNATURE}"
    with pytest.raises(DownloadFailed) as failed:
        download_file(link.replace(SIGNATURE, SIGNATURE + "-expired"), tmp_path / "papers-part0.jsonl.gz")
    assert "papers-part0.jsonl.gz?…" in str(failed.value) and SIGNATURE not in str(failed.value)


def test_a_damaged_release_is_one_error_line(run, release, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(release / "parquet", damaged / "parquet")
    (damaged / "parquet" / "citations.parquet").write_bytes(b"not parquet at all")
    done = run(
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


def test_datasets_list_names_the_releases_and_their_datasets(run):
    done = run("datasets", "list")
    assert done.output.split() == [RELEASE]
    done = run("datasets", "list", "--release", RELEASE)
    assert "citations" in done.output and "papers" in done.output


def test_the_datasets_need_a_key(run, tmp_path):
    done = run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r", env={"S2_API_KEY": ""})
    assert done.exit_code != 0 and done.output.startswith("error:") and "Traceback" not in done.output
