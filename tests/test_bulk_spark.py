"""Building from a Datasets release with Spark: in local mode, on a standalone cluster of two workers and
through Spark Connect, each build equal to the API's or DuckDB's.

Apart from tests/test_bulk_datasets.py (whose world, helpers and release they share) so that the two
test workers run the Spark builds beside the rest of the Datasets tests.
"""

import pytest

from tests.conftest import SAMPLE_NOTES, Citegraph
from tests.spark_cluster import EXECUTOR_MEMORY, connect_server, executors_run, standalone_cluster
from tests.test_bulk_datasets import DATASETS_WORLD, assert_same_graph, build_both, library_notes

__all__ = ["DATASETS_WORLD"]  # read by the datasets_world fixture


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


def duckdb_and_spark_stores(tmp_path, datasets_release, *spark_args):
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
                f"datasets:{datasets_release}",
                *engine,
            )
            assert done.exit_code == 0, done.output
            stores.append(bulk.dump())
    finally:
        stop_spark_sessions()
    return stores


@pytest.mark.spark
def test_a_build_on_a_standalone_cluster_of_two_workers_equals_the_duckdb_build(
    tmp_path, datasets_release, spark_available
):
    with standalone_cluster(tmp_path / "cluster") as master:
        duckdb, spark = duckdb_and_spark_stores(
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
    assert spark == duckdb


@pytest.mark.spark
def test_a_build_through_spark_connect_equals_the_duckdb_build(tmp_path, datasets_release, spark_available):
    with connect_server(tmp_path / "connect") as server:
        duckdb, spark = duckdb_and_spark_stores(tmp_path, datasets_release, "--spark-master", server)
    assert spark == duckdb
