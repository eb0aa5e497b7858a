"""DOIs of every shape (Wiley's SICI DOIs with <>, ;, parentheses; Elsevier's with parentheses), the
real corpus's own, in every notes format and URL form, next to hostile neighbours."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.notes.reader import read_notes
from citegraph.s2.client import S2Client
from citegraph.s2.config import S2Config
from tests.standin import Faults, StandinS2
from tests.standin.realworld import load_world, read_world_file

SICI = "10.1002/(SICI)1098-1063(1996)6:1<79::AID-HIPO13>3.0.CO;2-H"
ELSEVIER = "10.1016/S0166-2236(98)01347-2"
PLAIN = "10.1109/IEMBS.2006.259636"


def real_dois_with(characters: str) -> list[str]:
    """The real corpus's DOIs holding any of these characters (S2's spelling)."""
    papers = read_world_file()["papers"].values()
    return sorted(
        {doi for p in papers if (doi := (p.get("externalIds") or {}).get("DOI")) and any(c in doi for c in characters)}
    )


REAL_ODD = real_dois_with("<;(")

# One line per notes form; {doi} is the DOI as written, {encoded} percent-encoded.
MARKDOWN_FORMS = [
    "- [A paper](https://doi.org/{doi})",
    "- [A paper](https://dx.doi.org/{doi}) and more",
    "- [A paper](<https://doi.org/{doi}>)",
    "- <https://doi.org/{doi}>",
    "- A paper, https://doi.org/{doi}.",
    "- A paper (https://doi.org/{doi})",
    "- A paper: https://doi.org/{encoded}, read",
    "- A paper, http://dx.doi.org/{encoded}",
    "- A paper, doi:{doi}.",
    "- A paper (doi: {doi});",
    "- A paper {doi}",
    "- A paper <doi:{doi}>",
    "- A paper: DOI {doi}, see also",
    '- <a href="https://doi.org/{doi}">A paper</a>',
    "- A paper https://onlinelibrary.wiley.com/doi/abs/{doi}",
]


def doi_id(doi: str) -> str:
    return f"DOI:{doi.lower()}"


def read_one(tmp_path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [p.id for p in read_notes([path]).papers]


@pytest.mark.parametrize("form", MARKDOWN_FORMS)
@pytest.mark.parametrize("doi", [SICI, ELSEVIER, PLAIN])
def test_a_doi_in_markdown_is_read_whole_in_every_form(tmp_path, form, doi):
    line = form.format(doi=doi, encoded=quote(doi, safe=""))
    assert read_one(tmp_path, "n.md", line + "\n") == [doi_id(doi)], line


@pytest.mark.parametrize("doi", REAL_ODD)
def test_every_real_corpus_doi_with_brackets_or_semicolons_is_read_whole(tmp_path, doi):
    text = f"- [A](https://doi.org/{doi})\n- <https://doi.org/{doi}>\n- doi:{doi}.\n"
    assert read_one(tmp_path, "n.md", text) == [doi_id(doi)]


@pytest.mark.parametrize("doi", [SICI, ELSEVIER])
def test_a_doi_in_an_org_link_is_read_whole(tmp_path, doi):
    assert read_one(tmp_path, "n.org", f"* Reading\n- [[https://doi.org/{doi}][A paper]]\n") == [doi_id(doi)]


@pytest.mark.parametrize("field", ["{doi}", "https://doi.org/{doi}", "doi:{doi}"])
def test_a_doi_in_a_bibtex_doi_field_is_read_whole(tmp_path, field):
    value = field.format(doi=SICI)
    text = f"@article{{x,\n  title = {{Dendritic electrogenesis}},\n  doi = {{{value}}},\n}}\n"
    assert read_one(tmp_path, "refs.bib", text) == [doi_id(SICI)]


def test_a_doi_in_a_ris_do_field_is_read_whole(tmp_path):
    text = f"TY  - JOUR\nTI  - Dendritic electrogenesis\nDO  - {SICI}\nER  - \n"
    assert read_one(tmp_path, "refs.ris", text) == [doi_id(SICI)]


def test_a_doi_in_csl_json_is_read_whole(tmp_path):
    text = json.dumps([{"type": "article-journal", "title": "Dendritic electrogenesis", "DOI": SICI}])
    assert read_one(tmp_path, "refs.json", text) == [doi_id(SICI)]


@pytest.mark.parametrize(
    "line, expected",
    [
        (f"- see doi:{PLAIN}</a> and more", PLAIN),  # an HTML tag is no SICI part
        (f"- <doi:{PLAIN}>", PLAIN),  # an autolink's closing >
        (f"- ({ELSEVIER}).", ELSEVIER),  # the DOI's own parentheses stay, the prose's go
        (f"- [{PLAIN}]", PLAIN),
        (f'- "{SICI}"', SICI),
        (f"- {SICI};", SICI),
        (f"- {SICI}<br>", SICI),
    ],
)
def test_a_doi_ends_where_its_neighbours_begin(tmp_path, line, expected):
    assert read_one(tmp_path, "n.md", line + "\n") == [doi_id(expected)]


@pytest.fixture(scope="module")
def real_standin():
    service = StandinS2(load_world(), Faults()).start()
    yield service
    service.stop()


def test_the_references_of_a_sici_doi_are_asked_with_the_doi_percent_encoded(real_standin):
    client = S2Client(S2Config(api_url=real_standin.url, rps=100))
    pages = list(client.linked_pages(f"DOI:{SICI}", "references"))
    assert pages and pages[0].links
    asked = [r["path"] for r in real_standin.log.requests if r["path"].endswith("/references")]
    assert asked[-1] == f"/graph/v1/paper/{quote('DOI:' + SICI, safe='')}/references"


def test_a_build_finds_the_sici_doi_paper_of_the_real_corpus(tmp_path, real_standin):
    notes = tmp_path / "notes.md"
    notes.write_text(f"- [Dendritic electrogenesis](https://doi.org/{SICI})\n")
    result = CliRunner().invoke(
        main,
        ["build", str(notes), "--data-dir", str(tmp_path / "data"), "-o", str(tmp_path / "map.html"), "--rps", "500"],
        env={"S2_API_URL": real_standin.url},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads((tmp_path / "data" / "coverage.json").read_text())["entries"]
    assert entry["status"] == "ok" and entry["paperId"] == "608031026535a2b0f44c911a1319c24d131afe0a"
