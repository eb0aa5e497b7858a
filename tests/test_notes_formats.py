"""Notes in every format researchers keep them: RIS, CSL-JSON, org-mode, Google Scholar/arXiv BibTeX,
markdown with a reading queue; a folder mixing them; unreadable files and folders."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.notes.reader import read_notes
from tests.conftest import ROOT
from tests.fixtures.notes.zotero_library import sample_library

MIXED = ROOT / "tests" / "fixtures" / "notes" / "mixed"


def by_id(path):
    return {p.id: p for p in read_notes([path]).papers}


def notes_json(*args):
    result = CliRunner().invoke(main, ["notes", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {p["id"] or p["title"]: p for p in json.loads(result.stdout)["papers"]}, result


def test_ris_fields_topics_note_status_and_record_lines():
    papers = by_id(MIXED / "library.ris")
    parrots = papers["DOI:10.1145/3442188.3445922"]
    assert parrots.title == "On the Dangers of Stochastic Parrots: Can Language Models Be Too Big?"
    assert parrots.topics == ["ethics", "language models"]
    assert parrots.note == "Mendeley note: read for the reading group"
    assert parrots.sources == [f"{MIXED / 'library.ris'}:1"] and parrots.status == "read"
    bert = papers["ARXIV:1810.04805"]
    assert bert.status == "queued" and bert.topics == [], "the to-read keyword is a status, not a topic"
    assert bert.sources == [f"{MIXED / 'library.ris'}:9"]
    assert papers[None].title == "A working paper on SSRN", "an SSRN abstract_id is not a DOI"


def test_ris_arxiv_in_journal_pdf_link_and_unclosed_last_record(tmp_path):
    (tmp_path / "export.ris").write_text(
        "TY  - JOUR\nT1  - LoRA\nJO  - arXiv preprint arXiv:2106.09685\nER  - \n\n"
        "TY  - JOUR\nT1  - Attention\nL1  - https://arxiv.org/pdf/1706.03762.pdf\nER  - \n\n"
        "TY  - JOUR\nT1  - Parrots\nDO  - https://doi.org/10.1145/3442188.3445922\n"
    )
    notes = read_notes([tmp_path / "export.ris"])
    assert [(p.id, p.sources[0].rsplit(":", 1)[1]) for p in notes.papers] == [
        ("ARXIV:2106.09685", "1"),
        ("ARXIV:1706.03762", "6"),
        ("DOI:10.1145/3442188.3445922", "11"),
    ]


def test_ris_that_is_not_ris_reads_nothing_and_says_so(tmp_path):
    (tmp_path / "odd.ris").write_text("hello world\nnot ris at all\n")
    result = CliRunner().invoke(main, ["notes", str(tmp_path / "odd.ris")])
    assert result.exit_code == 1 and "no papers found" in result.stderr and "Traceback" not in result.output


def test_csl_json_doi_url_number_keywords_and_item_lines():
    papers = by_id(MIXED / "library.json")
    lora = papers["ARXIV:2106.09685"]
    assert lora.status == "queued" and lora.topics == ["finetuning"] and lora.sources == [f"{MIXED / 'library.json'}:2"]
    qlora = papers["ARXIV:2305.14314"]
    assert qlora.note == "4-bit NormalFloat" and qlora.sources == [f"{MIXED / 'library.json'}:9"]
    assert papers["DOI:10.1371/journal.pone.0021800"].topics == ["biology"]


def test_json_that_is_not_csl_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "settings.json").write_text('{"theme": "dark"}')
    (tmp_path / "broken.json").write_text('[{"title": "x", ')
    (tmp_path / "notes.md").write_text("https://arxiv.org/abs/1706.03762 Attention\n")
    notes = read_notes([tmp_path])
    assert [p.id for p in notes.papers] == ["ARXIV:1706.03762"]
    assert any("settings.json: not CSL-JSON" in w for w in notes.warnings)
    assert any("broken.json: not valid JSON" in w for w in notes.warnings)


def test_org_links_headings_keywords_properties_and_notes():
    papers = by_id(MIXED / "papers.org")
    vit = papers["ARXIV:2010.11929"]
    assert (vit.title, vit.status, vit.topics, vit.note) == (
        "An Image is Worth 16x16 Words",
        "read",
        ["Vision", "cv"],
        "Patches as tokens.",
    )
    assert papers["ARXIV:2006.11239"].status == "queued", "a TODO heading queues its paper"
    attention = papers["ARXIV:1706.03762"]
    assert attention.title == "Attention Is All You Need" and attention.topics == ["Language"]
    assert attention.note == "Read it twice."
    parrots = papers["DOI:10.1145/3442188.3445922"]
    assert parrots.topics == ["Language", "Ethics"] and parrots.note == "the risks of ever larger models"
    assert papers["ARXIV:2307.09288"].status == "queued" and papers["ARXIV:2307.09288"].topics == []
    assert [s.reason for s in read_notes([MIXED / "papers.org"]).skipped] == ["not a paper: youtube.com"]


def test_google_scholar_and_arxiv_bibtex():
    papers = by_id(MIXED / "scholar.bib")
    assert papers["ARXIV:1810.04805"].title.startswith("Bert: Pre-training"), "journal={arXiv preprint arXiv:ID}"
    assert "ARXIV:2307.09288" in papers, "howpublished={arXiv:ID}"
    assert "ARXIV:2302.13971" in papers, "eprint without archivePrefix"
    assert "ARXIV:2204.02311" in papers, "note={arXiv:ID}"
    assert papers[None].title == "Attention is all you need", "no identifier: title only"


@pytest.mark.parametrize("field", ["eprint", "journal"])
def test_bibtex_eprint_or_journal_that_is_no_arxiv_id_is_not_one(tmp_path, field):
    (tmp_path / "refs.bib").write_text(f"@article{{a,\n  title={{Something}},\n  {field}={{Nature 12.3456}}\n}}\n")
    assert [p.id for p in read_notes([tmp_path / "refs.bib"]).papers] == [None]


def test_markdown_task_boxes_queue_headings_and_frontmatter():
    papers = by_id(MIXED / "reading.md")
    assert papers["ARXIV:1706.03762"].status == "read" and papers["ARXIV:1706.03762"].note == "the original transformer"
    assert papers["ARXIV:2106.09685"].status == "queued", "- [ ] is queued"
    assert papers["DOI:10.1371/journal.pone.0021800"].status == "queued", "under a 'To read' heading"
    assert papers["DOI:10.1101/2020.03.01.972935"].topics == ["Transformers"], "a queue heading is not a topic"
    assert papers["ARXIV:2303.12712"].status == "read", "- [x] under a queue heading is read"
    queue = by_id(MIXED / "queue.md")
    assert {p.status for p in queue.values()} == {"queued"}, "frontmatter status: to-read"
    assert set(queue) == {"ARXIV:1907.11692", "ARXIV:2305.14314", None}


@pytest.mark.parametrize(
    "line, title",
    [
        ("- Jefferys 1981 (doi:10.1113/jphysiol.1981.sp013897) showed field effects.", "Jefferys 1981"),
        ("- Synaptic tagging [arXiv:1706.03762]: a later read", "Synaptic tagging"),
        ("- see also arXiv:1706.03762", None),
        ("- arXiv:1706.03762 and", None),
        (
            '<a href="https://doi.org/10.1523/JNEUROSCI.0095-07.2007">Neuromodulation of Axon Terminals</a>',
            "Neuromodulation of Axon Terminals",
        ),
        ("https://arxiv.org/abs/1706.03762 and 10.1152/JN.00467.2003; also", None),
        (
            "https://arxiv.org/pdf/2305.14314.pdf: QLoRA: Efficient Finetuning of Quantized LLMs",
            "QLoRA: Efficient Finetuning of Quantized LLMs",
        ),
        ("- arXiv:1810.04805 BERT: Pre-training (NAACL 2019)", "BERT: Pre-training (NAACL 2019)"),
        ('- arXiv:1312.6114 Auto-Encoding Variational Bayes "VAE"', 'Auto-Encoding Variational Bayes "VAE"'),
        ("- arXiv:2106.09685 (LoRA)", "LoRA"),
    ],
)
def test_the_title_beside_an_id_is_the_papers_name_never_a_fragment_of_the_sentence(tmp_path, line, title):
    (tmp_path / "notes.md").write_text(line + "\n")
    assert read_notes([tmp_path / "notes.md"]).papers[0].title == title


def test_a_list_item_is_the_note_of_the_paper_whose_item_holds_it_not_of_its_sibling(tmp_path):
    (tmp_path / "notes.md").write_text(
        "- [GAN](https://arxiv.org/abs/1406.2661)\n"
        "  - [VAE](https://arxiv.org/abs/1312.6114)\n"
        "    - the reparametrisation trick\n"
        "  - adversarial, unlike VAE\n"
        "- Penn Treebank, still to find\n"
    )
    gan, vae = read_notes([tmp_path / "notes.md"]).papers
    assert (gan.note, vae.note) == ("- adversarial, unlike VAE", "- the reparametrisation trick")


def test_the_list_under_a_paper_that_is_no_list_item_is_its_note(tmp_path):
    (tmp_path / "notes.md").write_text("https://arxiv.org/abs/2305.14314: QLoRA\n- NF4\n- paged optimizers\n")
    assert read_notes([tmp_path / "notes.md"]).papers[0].note == "- NF4\n- paged optimizers"


def test_an_org_paper_heading_tagged_with_its_own_title_keeps_the_tag_as_its_topic(tmp_path):
    (tmp_path / "notes.org").write_text(
        "* Attention :attention:\n:PROPERTIES:\n:URL: https://arxiv.org/abs/1706.03762\n:END:\n"
    )
    paper = read_notes([tmp_path / "notes.org"]).papers[0]
    assert (paper.title, paper.topics) == ("Attention", ["attention"])


def test_bibtex_keywords_in_two_cases_are_one_topic(tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@article{a, title={Attention}, eprint={1706.03762}, keywords={NLP, nlp, Transformers}}\n"
    )
    assert read_notes([tmp_path / "refs.bib"]).papers[0].topics == ["NLP", "Transformers"]


def test_an_org_heading_tagged_with_its_own_name_is_one_topic(tmp_path):
    (tmp_path / "notes.org").write_text("* Neuro :neuro:\n- [[https://arxiv.org/abs/1706.03762][Attention]]\n")
    assert read_notes([tmp_path / "notes.org"]).papers[0].topics == ["Neuro"]


@pytest.mark.parametrize(
    "heading",
    [
        "To read",
        "Reading list",
        "Queue",
        "to-read",
        "Read later",
        "Backlog",
        "Unread",
        "Queued",
        "To read (2024)",
        "Reading queue",
        "Todo",
    ],
)
def test_queue_heading_words(tmp_path, heading):
    (tmp_path / "n.md").write_text(
        f"## {heading}\n- https://arxiv.org/abs/1706.03762 Attention\n# Done\n- https://arxiv.org/abs/2106.09685 LoRA\n"
    )
    statuses = {p.id: p.status for p in read_notes([tmp_path]).papers}
    assert statuses == {"ARXIV:1706.03762": "queued", "ARXIV:2106.09685": "read"}


@pytest.mark.parametrize(
    "value, status",
    [
        ("to-read", "queued"),
        ("reading", "queued"),
        ("read", "read"),
        ("'unread'", "queued"),
        ("finished", "read"),
        ("to read (2024)", "queued"),
        ("backlog", "queued"),
    ],
)
def test_frontmatter_status_values(tmp_path, value, status):
    (tmp_path / "paper.md").write_text(f"---\ntitle: A paper\nstatus: {value}\n---\nhttps://arxiv.org/abs/1706.03762\n")
    assert [p.status for p in read_notes([tmp_path]).papers] == [status]


def test_mixed_folder_one_entry_per_paper_with_sources_topics_and_status(tmp_path):
    zotero = sample_library(tmp_path / "zotero.sqlite")
    papers, result = notes_json(MIXED, f"--zotero={zotero}")
    ids = [key for key in papers if key.startswith(("ARXIV:", "DOI:"))]
    assert len(ids) == len(set(ids)), "one entry per paper"

    def files(paper):
        return {s.rsplit("/", 1)[-1].split(":")[0] if "/" in s else s.split(":")[0] for s in papers[paper]["sources"]}

    attention = papers["ARXIV:1706.03762"]
    assert files("ARXIV:1706.03762") == {"reading.md", "papers.org", "scholar.bib", "zotero"}, attention["sources"]
    assert "zotero:ATTN0001" in attention["sources"] and f"{MIXED / 'scholar.bib'}:1" in attention["sources"]
    assert {"Transformers", "Language", "nlp"} <= set(attention["topics"]) and attention["status"] == "read"
    assert attention["note"].splitlines() == [
        "Read it twice.",
        "the original transformer",
        "Self-attention only.",
        "Multi-head & positional encodings.",
    ]

    lora = papers["ARXIV:2106.09685"]
    assert files("ARXIV:2106.09685") == {"reading.md", "library.json", "zotero"} and lora["status"] == "queued"
    assert papers["ARXIV:1810.04805"]["status"] == "queued", "queued in RIS, unmarked in BibTeX and Zotero"
    parrots = papers["DOI:10.1145/3442188.3445922"]
    assert files("DOI:10.1145/3442188.3445922") == {"papers.org", "library.ris", "zotero"}
    assert parrots["status"] == "queued", "queued in Zotero, unmarked elsewhere"
    assert "Language" in parrots["topics"] and [t.casefold() for t in parrots["topics"]].count("ethics") == 1
    assert papers["ARXIV:2307.09288"]["status"] == "queued" and "Thrown away" not in papers

    csv = pd.read_csv(io.StringIO(CliRunner().invoke(main, ["notes", str(MIXED), "--format", "csv"]).stdout))
    assert {"id", "title", "status", "sources", "topics"} <= set(csv.columns)
    assert csv.set_index("id").loc["ARXIV:2106.09685", "status"] == "queued"
    table = CliRunner().invoke(main, ["notes", str(MIXED)]).stdout
    assert "queued" in table and "status" in table


def test_a_paper_mentioned_many_times_merges_into_one_entry(tmp_path):
    lines = [f"- [Attention](https://arxiv.org/abs/1706.03762) note {i % 7}\n  thought {i % 3}\n" for i in range(5000)]
    (tmp_path / "many.md").write_text("".join(lines))
    [paper] = read_notes([tmp_path]).papers
    assert len(paper.sources) == 5000 and paper.sources[-1].endswith(":9999")
    assert sorted(paper.note.splitlines()) == ["thought 0", "thought 1", "thought 2"], "each distinct note once"


def unprivileged(command):
    """Root reads every file whatever its mode: drop the capabilities that let it, as a user would run it."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


def run_cli(*args):
    return subprocess.run(
        unprivileged([sys.executable, "-m", "citegraph", *map(str, args)]), capture_output=True, text=True, timeout=120
    )


def test_unreadable_file_and_folder_warn_and_the_rest_is_read(tmp_path):
    (tmp_path / "ok.md").write_text("https://arxiv.org/abs/2106.09685 LoRA\n")
    (tmp_path / "secret.md").write_text("https://arxiv.org/abs/1706.03762 Attention\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.md").write_text("https://arxiv.org/abs/1810.04805 BERT\n")
    os.chmod(tmp_path / "secret.md", 0)
    os.chmod(tmp_path / "locked", 0)
    try:
        done = run_cli("notes", tmp_path, "--format", "json")
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert done.returncode == 0, done.stderr
    assert [p["id"] for p in json.loads(done.stdout)["papers"]] == ["ARXIV:2106.09685"]
    assert f"{tmp_path / 'secret.md'}: cannot read (Permission denied); skipped" in done.stderr
    assert f"{tmp_path / 'locked'}: cannot read folder (Permission denied); skipped" in done.stderr
    assert "Traceback" not in done.stderr


def test_nothing_readable_exits_nonzero_with_one_line(tmp_path):
    (tmp_path / "secret.md").write_text("https://arxiv.org/abs/1706.03762 Attention\n")
    os.chmod(tmp_path / "secret.md", 0)
    done = run_cli("notes", tmp_path)
    assert done.returncode == 2
    assert "none of the 1 notes files could be read" in done.stderr and "Traceback" not in done.stderr


def test_pipes_and_dangling_links_are_skipped_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "ok.md").write_text("https://arxiv.org/abs/2106.09685 LoRA\n")
    notes = read_notes([tmp_path])
    assert [p.id for p in notes.papers] == ["ARXIV:2106.09685"]
    assert sorted(Path(w.split(":")[0]).name for w in notes.warnings) == ["gone.md", "pipe.md"]


@pytest.mark.parametrize(
    "hostile",
    [
        "[[" + "a" * 1_000_000,
        ("[[" + "a" * 1999) * 500,
        "*" * 200_000 + " TODO x",
        "[[https://arxiv.org/abs/1706.03762][" * 50_000,
    ],
)
def test_hostile_org_lines_are_read_in_linear_time(tmp_path, hostile):
    # A pattern with catastrophic backtracking would not finish on these; the suite's budget is the bound.
    (tmp_path / "hostile.org").write_text(hostile + "\n* Heading\n- https://arxiv.org/abs/2106.09685\n")
    assert "ARXIV:2106.09685" in {p.id for p in read_notes([tmp_path]).papers}
