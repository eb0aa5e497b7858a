import json

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.notes.reader import read_notes

SAMPLE_ARXIV_IDS = {
    "2307.09288",
    "2305.14314",
    "2305.18290",
    "2310.05736",
    "2310.06839",
    "2402.06196",
    "1909.10351",
    "1910.01108",
    "2203.12533",
    "2204.02311",
    "1906.08237",
    "2106.09685",
    "2012.13255",
    "2212.09720",
    "2010.11929",
    "2112.10752",
    "1503.03585",
    "2006.11239",
    "2102.09672",
    "1912.02292",
    "1706.03762",
    "1810.04805",
    "1909.03341",
    "1910.07467",
    "1803.02155",
    "2104.09864",
    "1911.02150",
    "2305.13245",
    "2406.18665",
    "2002.05202",
    "2005.14165",
    "2310.06825",
    "1301.3781",
    "1310.4546",
    "1402.3722",
}


def run_notes(*args):
    return CliRunner().invoke(main, ["notes", *args])


def test_sample_notes_give_the_35_papers_and_6_skipped_links(sample_notes):
    result = run_notes(str(sample_notes), "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {p["id"] for p in found["papers"]} == {f"ARXIV:{i}" for i in SAMPLE_ARXIV_IDS}
    assert len(found["papers"]) == 35
    assert sorted(s["reason"] for s in found["skipped"]) == [
        "not a paper: ai.googleblog.com",
        "not a paper: github.com",
        "not a paper: medium.com",
        "not a paper: medium.com",
        "not a paper: trojrobert.medium.com",
        "not a paper: youtube.com",
    ]
    by_id = {p["id"]: p for p in found["papers"]}
    for paper in ("ARXIV:2307.09288", "ARXIV:2305.14314", "ARXIV:2402.06196"):
        files = {source.split(":")[0].rsplit("/", 1)[-1] for source in by_id[paper]["sources"]}
        assert files == {"nlp-notes.md", "research-papers.md"}, by_id[paper]["sources"]
    nlp_topics = {t for p in found["papers"] for s in p["sources"] if "nlp-notes" in s for t in p["topics"]}
    assert {"llama", "QLORA", "RLHF - PPO VS DPO", "llmlingua", "LLM Compherensive Analysis Papers"} <= nlp_topics
    assert "llama" in by_id["ARXIV:2307.09288"]["topics"]
    assert by_id["ARXIV:2106.09685"]["note"].startswith("- Introduced a method for efficiently fine-tuning LLMs")
    assert "NF4 (4-bit NormalFloat)" in by_id["ARXIV:2305.14314"]["note"]
    assert by_id["ARXIV:2305.18290"]["note"] is None, "a skipped video link under a paper is not its note"
    assert by_id["ARXIV:2307.09288"]["title"] == "Llama 2: Open Foundation and Fine-Tuned Chat Models"


def test_table_output_lists_papers_and_skips(sample_notes):
    result = run_notes(str(sample_notes))
    assert result.exit_code == 0
    assert "35 papers, 6 links skipped" in result.output
    assert "not a paper: youtube.com" in result.output


def test_markdown_forms_titles_topics_and_dedup(tmp_path):
    (tmp_path / "a.md").write_text(
        "# Vision\n## Diffusion\n"
        "- [DDPM](https://arxiv.org/abs/2006.11239v2): the one\n"
        "  my own thought about it\n\n"
        "**Ethics**\n"
        "* Parrots https://doi.org/10.1145/3442188.3445922. Stochastic Parrots\n"
        "* [Some OpenReview paper](https://openreview.net/forum?id=abc)\n"
        "* arXiv:1706.03762 Attention Is All You Need\n"
        "* [](https://openreview.net/pdf?id=xyz) and https://twitter.com/someone\n"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.markdown").write_text(
        "[Denoising Diffusion](https://ar5iv.org/abs/2006.11239)\n"
        "DOI:10.1145/3442188.3445922\n"
        "[Attention Is All You Need](https://proceedings.neurips.cc/paper/2017/hash/3f5ee243-Abstract.html)\n"
    )
    (tmp_path / "ignored.py").write_text("https://arxiv.org/abs/1111.11111\n")
    notes = read_notes([tmp_path])
    by_id = {p.id: p for p in notes.papers}
    assert set(by_id) == {"ARXIV:2006.11239", "DOI:10.1145/3442188.3445922", "ARXIV:1706.03762", None}
    ddpm = by_id["ARXIV:2006.11239"]
    assert ddpm.title == "DDPM" and ddpm.topics == ["Vision", "Diffusion"] and len(ddpm.sources) == 2
    assert ddpm.note == "my own thought about it"
    assert by_id["DOI:10.1145/3442188.3445922"].topics == ["Vision", "Diffusion", "Ethics"]
    assert by_id["DOI:10.1145/3442188.3445922"].title == "Stochastic Parrots"
    assert len(by_id["ARXIV:1706.03762"].sources) == 2, "a title-only link to a paper known by id merges into it"
    assert by_id[None].title == "Some OpenReview paper"
    assert {s.reason for s in notes.skipped} == {
        "not a paper: twitter.com",
        "scholarly link with no identifier and no title",
    }


def test_bibtex_fields(tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@article{hu2021lora,\n  title={{LoRA}: Low-Rank Adaptation},\n  eprint={2106.09685v2},\n"
        "  archivePrefix={arXiv},\n  keywords={finetuning, llm}\n}\n\n"
        "@inproceedings{bender,\n  title={On the Dangers of Stochastic Parrots},\n"
        "  doi={10.1145/3442188.3445922}\n}\n\n"
        "@misc{web,\n  title={Attention Is All You Need},\n  url={https://arxiv.org/abs/1706.03762}\n}\n\n"
        "@book{old,\n  title={A Book Without Identifiers}\n}\n"
    )
    notes = read_notes([tmp_path / "refs.bib"])
    by_id = {p.id: p for p in notes.papers}
    assert by_id["ARXIV:2106.09685"].title == "LoRA: Low-Rank Adaptation"
    assert by_id["ARXIV:2106.09685"].topics == ["finetuning", "llm"]
    assert by_id["ARXIV:2106.09685"].sources == [f"{tmp_path / 'refs.bib'}:1"]
    assert by_id["DOI:10.1145/3442188.3445922"].sources == [f"{tmp_path / 'refs.bib'}:8"]
    assert "ARXIV:1706.03762" in by_id
    assert by_id[None].title == "A Book Without Identifiers"


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    result = run_notes(str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_empty_notes_exit_1(tmp_path):
    (tmp_path / "empty.md").write_text("# nothing\n\njust words, https://example.com/blog\n")
    result = run_notes(str(tmp_path / "empty.md"))
    assert result.exit_code == 1
    assert "no papers found" in result.output


def test_binary_and_non_utf8_files_warn_and_read_what_they_can(tmp_path):
    (tmp_path / "latin1.md").write_bytes("caf\xe9 https://arxiv.org/abs/1706.03762\n".encode("latin-1"))
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\xff\xfe junk https://arxiv.org/abs/2106.09685 \x00\x00")
    result = run_notes(str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "not valid UTF-8" in result.stderr and "looks binary" in result.stderr
    assert {p["id"] for p in json.loads(result.stdout)["papers"]} == {"ARXIV:1706.03762", "ARXIV:2106.09685"}


@pytest.mark.parametrize(
    "hostile",
    [
        "[" * 1_000_000,
        "[a](" + "(" * 1_000_000,
        "https://" + "a(" * 500_000,
        "10.1000/" + "x" * 1_000_000 + " ",
        "**" + "a" * 1_000_000,
        ("[x](https://arxiv.org/abs/1706.03762 " * 50_000),
    ],
)
def test_hostile_lines_are_read_in_linear_time(tmp_path, hostile):
    # A regex with catastrophic backtracking would not finish on these; the test suite's budget is the bound.
    path = tmp_path / "hostile.md"
    path.write_text(hostile * 2 + "\nhttps://arxiv.org/abs/2106.09685\n")
    ids = {p.id for p in read_notes([path]).papers}
    assert "ARXIV:2106.09685" in ids
