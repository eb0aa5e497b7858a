"""A real Spark deployment on loopback for the tests: a standalone master with workers, or a Spark
Connect server, each a separate Java process started from the installed pyspark's own scripts.

Every process runs in its own process group, so stopping it also stops what it started (a worker's
executors); ``with`` stops them all, also when the test inside fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

START_TIMEOUT = 180  # seconds: a JVM on a busy 2-core machine can take a minute to come up
WORKER_MEMORY = "768m"
EXECUTOR_MEMORY = "512m"  # below a worker's memory, or the master never places an executor


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spark_env(folder: Path) -> dict:
    """The environment of a loopback Spark process: its own conf and log folders, nothing from the machine's."""
    (folder / "conf").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_CONF_DIR": str(folder / "conf"),
        "SPARK_LOG_DIR": str(folder / "logs"),
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        "SPARK_NO_DAEMONIZE": "1",
    }


@contextmanager
def spark_process(command: list[str], log: Path, env: dict):
    """Run ``command`` in its own process group, logging to ``log``; on exit stop the whole group."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    for sent, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        with contextlib.suppress(ProcessLookupError):  # the leader is gone; its group's executors may linger
            os.killpg(process.pid, signal.SIGKILL)
        return


def wait_for(what: str, found, process: subprocess.Popen, log: Path):
    """Poll ``found()`` until it answers something true; fail naming the log if the process dies or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}); see {log}:\n{log.read_text()[-2000:]}")
        if answer := found():
            return answer
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up in {START_TIMEOUT} s; see {log}:\n{log.read_text()[-2000:]}")


def master_state(log: Path) -> dict | None:
    """The master's JSON state from its web UI, whose address its log names (None until it answers)."""
    bound = re.search(r"MasterWebUI: Bound MasterWebUI to \S+, and started at https?://[^:]+:(\d+)", log.read_text())
    if not bound:
        return None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{bound.group(1)}/json/", timeout=5) as answer:
            return json.load(answer)
    except OSError:
        return None


@contextmanager
def standalone_cluster(folder: Path, workers: int = 2, worker_memory: str = WORKER_MEMORY):
    """A standalone master and ``workers`` workers (1 core and ``worker_memory`` each) on loopback; yields
    the master's URL."""
    folder.mkdir(parents=True, exist_ok=True)
    env, spark_class = spark_env(folder), str(spark_home() / "bin" / "spark-class")
    port, url = free_port(), None
    with ExitStack() as running:
        master_log = folder / "master.log"
        master = running.enter_context(
            spark_process(
                [
                    spark_class,
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--webui-port",
                    str(free_port()),
                ],
                master_log,
                env,
            )
        )
        url = wait_for("the Spark master", lambda: (master_state(master_log) or {}).get("url"), master, master_log)
        for n in range(workers):
            running.enter_context(
                spark_process(
                    [
                        spark_class,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        "1",
                        "--memory",
                        worker_memory,
                        "--webui-port",
                        "0",
                        "--work-dir",
                        str(folder / f"worker{n}"),
                        url,
                    ],
                    folder / f"worker{n}.log",
                    env,
                )
            )
        wait_for(
            f"{workers} Spark workers",
            lambda: (master_state(master_log) or {}).get("aliveworkers") == workers,
            master,
            master_log,
        )
        yield url


@contextmanager
def connect_server(folder: Path, master: str = "local[2]"):
    """A Spark Connect server on loopback (its driver on ``master``); yields its ``sc://`` URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), folder / "connect.log"
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--class",
        "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--name",
        "Spark Connect server",
        "--master",
        master,
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
        "--conf",
        "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf",
        "spark.ui.enabled=false",
        "spark-internal",
    ]
    with spark_process(command, log, spark_env(folder)) as server:
        wait_for("the Spark Connect server", lambda: "Spark Connect server started at" in log.read_text(), server, log)
        yield f"sc://127.0.0.1:{port}"


def executors_run(folder: Path) -> list[str]:
    """The workers (by folder name) on which an executor of some application was started."""
    return sorted(work.name for work in folder.glob("worker*") if work.is_dir() and any(work.glob("app-*/*")))
