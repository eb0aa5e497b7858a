"""Building from a Datasets release with Spark: in local mode, on a standalone cluster of two workers and
through Spark Connect, each build equal to the API's or DuckDB's.

Apart from tests/test_bulk_datasets.py (whose world, helpers and release they share) so that the two
test workers run the Spark builds beside the rest of the Datasets tests.
"""

import os

import pytest

from tests.conftest import SAMPLE_NOTES, Citegraph
from tests.spark_cluster import EXECUTOR_MEMORY, connect_server, executors_run, standalone_cluster
from tests.test_bulk_datasets import DATASETS_WORLD, assert_same_graph, build_both, library_notes

pytestmark = pytest.mark.heavy

__all__ = ["DATASETS_WORLD"]  # read by the datasets_world fixture


@pytest.fixture(autouse=True, scope="module")
def short_lived_jvms():
    """Every JVM these tests start (the local driver, a master, workers, executors, a Connect server) lives
    for seconds: with the C1 compiler alone and the serial collector they spend about a third less CPU
    (measured on this file: 173 against 113 CPU-seconds), which the other test workers get back. Only
    here: the benchmark's clusters keep Java's defaults."""
    quick = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JAVA_TOOL_OPTIONS", f"{os.environ.get('JAVA_TOOL_OPTIONS', '')} {quick}".strip())
        yield


@pytest.mark.spark
def test_spark_builds_equal_the_api_builds(datasets_run, tmp_path, datasets_release, datasets_world, spark_available):
    """Both checks in one test: they share one Spark session, whose start is slow."""
    engine = ("--engine", "spark", "--spark-master", "local[2]")
    api, bulk = build_both(
        datasets_run, tmp_path / "sample", datasets_release, SAMPLE_NOTES, "--citations", engine=engine
    )
    assert_same_graph(api, bulk)
    library = Citegraph(tmp_path / "library", datasets_run.env["S2_API_URL"])
    notes = library_notes(datasets_world, tmp_path / "library")
    api, bulk = build_both(library, tmp_path / "library", datasets_release, notes, engine=engine)
    assert_same_graph(api, bulk)


def release_store(folder, release, *engine) -> dict:
    """The store of one depth-2 build with citations from the release (by DuckDB unless ``engine`` says)."""
    bulk = Citegraph(folder, "http://127.0.0.1:9")  # nothing answers there: 0 requests possible
    source = ("--depth", "2", "--citations", "--source", f"datasets:{release}")
    done = bulk("build", SAMPLE_NOTES, "--data-dir", bulk.data_dir, "-o", bulk.output, *source, *engine)
    assert done.exit_code == 0, done.output
    return bulk.dump()


@pytest.fixture(scope="module")
def duckdb_store(datasets_release, tmp_path_factory) -> dict:
    """The DuckDB build both deployments are compared with, made once."""
    return release_store(tmp_path_factory.mktemp("duckdb"), datasets_release)


def spark_store(tmp_path, datasets_release, *spark_args) -> dict:
    """The store of the same build by Spark; the sessions it opened are stopped before returning, while the
    deployment still answers."""
    from citegraph.bulk.engines import stop_spark_sessions

    stop_spark_sessions()  # a driver another test left (local[2]) would otherwise be reused
    try:
        return release_store(tmp_path / "spark", datasets_release, "--engine", "spark", *spark_args)
    finally:
        stop_spark_sessions()


@pytest.mark.spark
def test_a_build_on_a_standalone_cluster_of_two_workers_equals_the_duckdb_build(
    spark_available, tmp_path, datasets_release, duckdb_store
):
    with standalone_cluster(tmp_path / "cluster") as master:
        spark = spark_store(
            tmp_path,
            datasets_release,
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
    assert spark == duckdb_store


@pytest.mark.spark
def test_a_build_through_spark_connect_equals_the_duckdb_build(
    spark_available, tmp_path, datasets_release, duckdb_store
):
    with connect_server(tmp_path / "connect") as server:
        spark = spark_store(tmp_path, datasets_release, "--spark-master", server)
    assert spark == duckdb_store
