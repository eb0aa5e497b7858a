"""The Datasets commands against a hostile Datasets server and hand-made release folders: every
answer that would write outside the release folder, never end, or hang the command fails safe in one line."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import citegraph.bulk.download as download
from citegraph.bulk.download import DownloadFailed, download_file
from citegraph.bulk.release import import_release
from citegraph.datadir import load
from tests.conftest import DATASETS_RELEASE_ID as RELEASE
from tests.conftest import SAMPLE_NOTES
from tests.standin.datasets import SIGNATURE

pytestmark = pytest.mark.heavy

DIFFS = r"GET /datasets/v1/diffs/"
DATASETS_WORLD = dict(n_papers=300, seed=11)


@pytest.fixture
def imported(datasets_run, tmp_path):
    folder = tmp_path / "release"
    assert (
        datasets_run("datasets", "download", "--release", RELEASE, "papers", "citations", "--to", folder).exit_code == 0
    )
    assert datasets_run("datasets", "import", folder).exit_code == 0
    return folder


def one_line_error(done) -> str:
    assert done.exit_code != 0 and "Traceback" not in done.output, done.output
    assert done.output.startswith("error: ") and done.output.count("\n") == 1, done.output
    return done.output


def link(datasets_service, name="papers-part0.jsonl.gz") -> str:
    return f"{datasets_service.url}/_files/0/{name}?X-Amz-Signature={SIGNATURE}"


def served_link(datasets_service, datasets_shards) -> str:
    """A link the stand-in serves (registered as a listing would register it)."""
    return datasets_service.datasets._link(datasets_service.url, datasets_shards[1]["papers"][0])


def files_outside(tmp_path: Path, folder: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file() and folder not in p.parents and p.suffix != ".sqlite"]


def diff_answer(start: str, end: str, update_files=(), delete_files=()) -> str:
    return json.dumps(
        {
            "dataset": "papers",
            "start_release": start,
            "end_release": end,
            "diffs": [
                {
                    "from_release": start,
                    "to_release": end,
                    "update_files": list(update_files),
                    "delete_files": list(delete_files),
                }
            ],
        }
    )


@pytest.mark.parametrize("release_id", ["x/../../escaped", "/tmp/absolute-release", "..", "a\x1b]0;title\x07"])
def test_a_release_id_from_the_server_never_becomes_a_path(
    datasets_run, datasets_service, imported, tmp_path, release_id
):
    for _ in range(2):  # papers and citations
        datasets_service.replay(DIFFS, 200, diff_answer(RELEASE, release_id, [link(datasets_service)]))
    done = datasets_run("datasets", "update", imported)
    assert "is not a name citegraph writes to disk" in one_line_error(done) and "\x1b" not in done.output
    assert not (imported / "diffs").exists() and not Path("/tmp/absolute-release").exists()
    assert json.loads((imported / "manifest.json").read_text())["release"] == RELEASE


@pytest.mark.parametrize("option", [("--release", "../x"), ("--release", "x/y")])
def test_a_release_option_that_is_no_name_is_refused(datasets_run, tmp_path, option):
    done = datasets_run("datasets", "download", *option, "papers", "--to", tmp_path / "r")
    assert "is not a name citegraph writes to disk" in one_line_error(done)
    assert not (tmp_path / "x").exists()


def test_a_diff_that_does_not_start_at_the_release_held_is_refused(datasets_run, datasets_service, imported):
    for _ in range(2):
        datasets_service.replay(DIFFS, 200, diff_answer("1999-01-01", "2030-01-01"))
    done = datasets_run("datasets", "update", imported)
    assert "starts at release 1999-01-01, but the folder holds 2025-12-05" in one_line_error(done)
    assert json.loads((imported / "manifest.json").read_text())["release"] == RELEASE


def test_an_empty_diff_answer_never_clears_the_release(datasets_run, datasets_service, imported):
    datasets_service.replay(DIFFS, 200, "{}")
    done = datasets_run("datasets", "update", imported)
    assert "cannot use" in one_line_error(done)
    assert json.loads((imported / "manifest.json").read_text())["release"] == RELEASE


def test_a_diff_listing_no_links_is_one_line_at_once(datasets_run, datasets_service, imported):
    body = json.loads(diff_answer(RELEASE, "2025-12-12"))
    body["diffs"][0]["update_files"] = [5, {"url": "x"}]
    datasets_service.replay(DIFFS, 200, json.dumps(body))
    done = datasets_run("datasets", "update", imported)
    assert "cannot use" in one_line_error(done)
    assert datasets_service.log.count("/datasets/v1/diffs/") == 1  # an answer that will not change is not asked again


def test_release_ids_are_never_printed_with_terminal_escapes(datasets_run, datasets_service):
    datasets_service.replay(r"GET /datasets/v1/release/?$", 200, json.dumps(["2025-12-05", "\x1b]0;owned\x07\x1b[2J"]))
    done = datasets_run("datasets", "list")
    assert done.exit_code == 0 and "\x1b" not in done.output and "\x07" not in done.output
    assert "2025-12-05" in done.output


def test_a_shard_that_never_ends_stops_at_the_cap(datasets_service, datasets_shards, tmp_path, monkeypatch):
    monkeypatch.setattr(download, "MAX_SHARD_BYTES", 4 << 20)
    datasets_service.datasets.faults.hostile = "endless"
    target = tmp_path / "r" / "papers-part0.jsonl.gz"
    with pytest.raises(DownloadFailed) as failed:
        download_file(served_link(datasets_service, datasets_shards), target)
    assert "larger than" in str(failed.value) and SIGNATURE not in str(failed.value)
    assert not target.exists() and not target.with_name(target.name + ".part").exists()


def test_a_declared_length_over_the_cap_is_refused_before_any_byte_is_written(
    datasets_service, datasets_shards, tmp_path
):
    datasets_service.datasets.faults.hostile = "huge_length"
    target = tmp_path / "r" / "papers-part0.jsonl.gz"
    with pytest.raises(DownloadFailed) as failed:
        download_file(served_link(datasets_service, datasets_shards), target)
    assert "more than the 64 GiB a shard may have" in str(failed.value)
    assert list(target.parent.iterdir()) == []


def test_a_trickled_shard_is_given_up(datasets_service, datasets_shards, tmp_path, monkeypatch):
    monkeypatch.setattr(download, "RATE_WINDOW", 0.5)
    monkeypatch.setattr(download, "ATTEMPTS", 2)
    datasets_service.datasets.faults.hostile = "trickle"
    with pytest.raises(DownloadFailed) as failed:
        download_file(served_link(datasets_service, datasets_shards), tmp_path / "papers-part0.jsonl.gz")
    assert "slower than 1,024 bytes/s" in str(failed.value)


def test_an_empty_shard_is_never_counted_complete(datasets_run, datasets_service, tmp_path):
    datasets_service.datasets.faults.hostile = "empty"
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r")
    assert "no gzip header" in one_line_error(done)
    manifest = tmp_path / "r" / "manifest.json"
    assert not manifest.exists() or json.loads(manifest.read_text())["files"] == {}


def test_a_link_planted_at_a_part_path_is_never_written_through(
    datasets_run, datasets_service, datasets_shards, tmp_path
):
    folder, outside = tmp_path / "r", tmp_path / "outside.txt"
    outside.write_text("keep me")
    (folder / "papers").mkdir(parents=True)
    name = datasets_shards[1]["papers"][0].name
    (folder / "papers" / f"{name}.part").symlink_to(outside)
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", folder)
    assert done.exit_code == 0, done.output
    assert outside.read_text() == "keep me"
    assert (folder / "papers" / name).read_bytes() == datasets_shards[1]["papers"][0].read_bytes()


def test_a_link_planted_at_the_manifests_temporary_name_is_never_written_through(datasets_run, tmp_path):
    folder, outside = tmp_path / "r", tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder.mkdir()
    (folder / "manifest.part").symlink_to(outside)
    assert datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", folder).exit_code == 0
    assert outside.read_text() == "keep me"
    assert json.loads((folder / "manifest.json").read_text())["release"] == RELEASE


@pytest.mark.parametrize(
    "bad_link",
    ["http://[::1/x", "https://host/a\nb.jsonl.gz", "https://host/", "https://host/shards/..", "file:///etc/passwd"],
)
def test_a_malformed_link_is_one_line(datasets_run, datasets_service, tmp_path, bad_link):
    datasets_service.replay(
        r"GET /datasets/v1/release/[^/]+/dataset/papers",
        200,
        json.dumps({"name": "papers", "description": "", "files": [bad_link]}),
    )
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r")
    one_line_error(done)
    assert not (tmp_path / "r" / "papers").exists() or list((tmp_path / "r" / "papers").iterdir()) == []


def test_two_links_naming_one_file_are_refused(datasets_run, datasets_service, tmp_path):
    links = [
        f"{datasets_service.url}/_files/a/papers-part0.jsonl.gz?x=1",
        f"{datasets_service.url}/_files/b/papers-part0.jsonl.gz?x=2",
    ]
    datasets_service.replay(
        r"GET /datasets/v1/release/[^/]+/dataset/papers",
        200,
        json.dumps({"name": "papers", "description": "", "files": links}),
    )
    done = datasets_run("datasets", "download", "--release", RELEASE, "papers", "--to", tmp_path / "r")
    assert "two download links name the same file papers-part0.jsonl.gz" in one_line_error(done)


def test_a_link_with_a_password_is_shown_without_it():
    assert download.redact_link("https://user:secret@host:8443/p.gz?sig=1") == "https://host:8443/p.gz?…"


def test_a_release_folder_named_with_a_quote_imports_and_builds(datasets_run, datasets_service, tmp_path, imported):
    quoted = tmp_path / "it's a release"
    shutil.copytree(imported, quoted)
    shutil.rmtree(quoted / "parquet")
    assert datasets_run("datasets", "import", quoted).exit_code == 0
    done = datasets_run(
        "build",
        SAMPLE_NOTES,
        "--data-dir",
        tmp_path / "data",
        "-o",
        tmp_path / "map.html",
        "--source",
        f"datasets:{quoted}",
    )
    assert done.exit_code == 0, done.output
    assert load(tmp_path / "data").number_of_nodes() > 0


@pytest.mark.parametrize("limit", ["1GB'; COPY (SELECT 1) TO '{planted}'; --", "lots"])
def test_a_memory_limit_that_is_no_size_is_refused(datasets_run, imported, tmp_path, limit):
    planted = tmp_path / "pwned.csv"
    done = datasets_run("datasets", "import", imported, "--memory-limit", limit.format(planted=planted))
    assert done.exit_code == 2 and "is not a size like 4GB" in done.output
    assert not planted.exists()


def run_bounded(args: list, cwd: Path, seconds: float = 60) -> subprocess.CompletedProcess:
    """A citegraph process that a hang would otherwise hold for ever."""
    return subprocess.run(
        [sys.executable, "-m", "citegraph", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds,
        env={**os.environ, "S2_API_URL": "http://127.0.0.1:9"},
    )


def test_a_fifo_in_place_of_a_shard_does_not_hang_the_import(imported, tmp_path):
    os.mkfifo(imported / "papers" / "planted.jsonl.gz")
    done = run_bounded(["datasets", "import", imported], tmp_path)
    assert done.returncode == 1 and "planted.jsonl.gz is damaged (not a regular file)" in done.stderr


def test_a_fifo_in_place_of_a_parquet_file_does_not_hang_a_build(imported, tmp_path):
    (imported / "parquet" / "citers.parquet").unlink()
    os.mkfifo(imported / "parquet" / "citers.parquet")
    done = run_bounded(
        [
            "build",
            SAMPLE_NOTES,
            "--data-dir",
            tmp_path / "data",
            "-o",
            tmp_path / "map.html",
            "--source",
            f"datasets:{imported}",
        ],
        tmp_path,
    )
    assert done.returncode == 1 and "is not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_three_imports_at_once_do_not_collide(imported, tmp_path):
    shutil.rmtree(imported / "parquet")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "citegraph", "datasets", "import", str(imported)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in processes]
    assert all(code == 0 for code, _ in results), results
    assert sorted(p.name for p in (imported / "parquet").iterdir()) == [
        "citations.parquet",
        "citers.parquet",
        "papers.parquet",
    ]
    import_release(imported)  # what they left is a release that imports and reads again


def rewrite_shards(folder: Path, dataset: str, change) -> None:
    """Each row of the dataset's shards through ``change`` (a list of rows out for each row in)."""
    for shard in sorted((folder / dataset).glob("*.jsonl.gz")):
        rows = [json.loads(line) for line in gzip.decompress(shard.read_bytes()).decode().splitlines()]
        shard.write_bytes(
            gzip.compress("".join(json.dumps(out) + "\n" for row in rows for out in change(row)).encode())
        )


def notes_corpus_ids(datasets_world) -> set[int]:
    from citegraph.notes.reader import read_notes

    found = {datasets_world.resolve(p.id) for p in read_notes([SAMPLE_NOTES]).papers if p.id} - {None}
    return {datasets_world.papers[p]["corpusId"] for p in found}


def hostile_paper(row: dict, spared: set[int]) -> list[dict]:
    if row["corpusid"] % 2 or row["corpusid"] in spared:  # the notes' own papers stay findable by their ids
        return [row]
    paper_id = row["url"][-40:]
    return [
        {
            **row,
            "externalids": ["a", "list"],
            "title": 123,
            "year": 1e308,
            "citationcount": "many",
            "authors": {"an": "object"},
            "journal": [1],
            "venue": {"x": 1},
            "url": f"javascript:alert(1)//{paper_id}",
            "s2fieldsofstudy": "a string",
            "referencecount": -5,
        }
    ]


def test_release_rows_of_the_wrong_types_build_and_rebuild_offline(datasets_shards, datasets_world, tmp_path):
    folder = tmp_path / "release"
    for dataset in ("papers", "citations"):
        shutil.copytree(datasets_shards[0] / dataset, folder / dataset)
    spared = notes_corpus_ids(datasets_world)
    rewrite_shards(folder, "papers", lambda row: hostile_paper(row, spared))
    rewrite_shards(
        folder,
        "citations",
        lambda row: [{**row, "intents": 5, "contexts": "a string"} if int(row["citingcorpusid"]) % 3 == 0 else row],
    )
    deep_row = (
        '{"corpusid": 1000000000, "url": "https://www.semanticscholar.org/paper/'
        + "f" * 40
        + '", "title": "deep", "extra": '
        + "[" * 10_000
        + "]" * 10_000
        + "}\n"
    )
    (folder / "papers" / "papers-deep.jsonl.gz").write_bytes(gzip.compress(deep_row.encode()))
    import_release(folder)
    built = run_bounded(
        [
            "build",
            SAMPLE_NOTES,
            "--data-dir",
            tmp_path / "data",
            "-o",
            tmp_path / "map.html",
            "--source",
            f"datasets:{folder}",
        ],
        tmp_path,
        seconds=300,
    )
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    graph = load(tmp_path / "data")
    wrong = [n for n, d in graph.nodes(data=True) if d.get("year") is None and d.get("citationCount") is None]
    assert wrong, "the wrong-typed rows' papers are in the graph, their wrong fields empty"
    assert all(not str(d.get("url") or "").startswith("javascript:") for _, d in graph.nodes(data=True))
    again = run_bounded(
        ["build", SAMPLE_NOTES, "--data-dir", tmp_path / "data", "-o", tmp_path / "map.html", "--offline"],
        tmp_path,
        seconds=300,
    )
    assert again.returncode == 0, again.stderr
    exported = run_bounded(
        ["export", "--format", "bibtex", "-o", tmp_path / "all.bib", "--data-dir", tmp_path / "data"], tmp_path
    )
    assert exported.returncode == 0 and "javascript:" not in (tmp_path / "all.bib").read_text()


def test_a_twin_row_is_reported_used_the_same_way_each_time_and_a_self_citation_is_no_edge(
    datasets_shards, datasets_world, tmp_path
):
    lora = datasets_world.resolve("ARXIV:2106.09685")
    folder = tmp_path / "release"
    for dataset in ("papers", "citations"):
        shutil.copytree(datasets_shards[0] / dataset, folder / dataset)
    lora_corpus = datasets_world.papers[lora]["corpusId"]
    rewrite_shards(
        folder,
        "papers",
        lambda row: [row, {**row, "title": "A twin's title"}] if row["corpusid"] == lora_corpus else [row],
    )
    rewrite_shards(
        folder,
        "citations",
        lambda row: (
            [row, {**row, "citedcorpusid": row["citingcorpusid"]}]
            if int(row["citingcorpusid"]) == lora_corpus
            else [row]
        ),
    )
    imported = run_bounded(["datasets", "import", folder], tmp_path, seconds=300)
    assert imported.returncode == 0 and "warning: 1 papers rows repeat a corpus id" in imported.stderr
    titles = []
    for build in ("one", "two"):
        built = run_bounded(
            [
                "build",
                SAMPLE_NOTES,
                "--data-dir",
                tmp_path / build,
                "-o",
                tmp_path / f"{build}.html",
                "--source",
                f"datasets:{folder}",
            ],
            tmp_path,
            seconds=300,
        )
        assert built.returncode == 0, built.stderr
        graph = load(tmp_path / build)
        titles.append(graph.nodes[lora]["title"])
        assert not any(a == b for a, b in graph.edges)
    assert titles[0] == titles[1] and titles[0] in {datasets_world.papers[lora]["title"], "A twin's title"}


def test_the_datasets_commands_say_when_they_wait_for_the_server(datasets_run, datasets_service):
    datasets_service.replay(r"GET /datasets/v1/release", 429, '{"message": "Too Many Requests"}', {"Retry-After": "0"})
    done = datasets_run("datasets", "list")
    assert done.exit_code == 0 and RELEASE in done.stdout, done.output
    assert "waiting 0.0 s after HTTP 429 (attempt 2)" in done.stderr
