import pytest

from citegraph.notes.ids import classify_url, find_text_ids, normalise_doi, parse_identifier, strip_trailing_punctuation


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/2106.09685", "ARXIV:2106.09685"),
        ("https://arxiv.org/abs/2012.13255v1", "ARXIV:2012.13255"),
        ("https://arxiv.org/pdf/2307.09288.pdf", "ARXIV:2307.09288"),
        ("https://arxiv.org/pdf/2002.05202", "ARXIV:2002.05202"),
        ("https://arxiv.org/pdf/2002.05202v3.pdf", "ARXIV:2002.05202"),
        ("http://www.arxiv.org/abs/1706.03762?context=cs#section", "ARXIV:1706.03762"),
        ("https://export.arxiv.org/abs/1810.04805", "ARXIV:1810.04805"),
        ("https://ar5iv.labs.arxiv.org/html/1912.02292", "ARXIV:1912.02292"),
        ("https://ar5iv.org/abs/2006.11239v2", "ARXIV:2006.11239"),
        ("https://huggingface.co/papers/2305.14314", "ARXIV:2305.14314"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "ARXIV:hep-th/9901001"),
        ("https://arxiv.org/abs/cs.CL/0101001", "ARXIV:cs.CL/0101001"),
        ("https://doi.org/10.1145/3442188.3445922", "DOI:10.1145/3442188.3445922"),
        ("https://dx.doi.org/10.1016/S0140-6736(20)30183-5", "DOI:10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.48550/arXiv.2106.09685", "ARXIV:2106.09685"),
        ("https://dl.acm.org/doi/10.1145/3442188.3445922", "DOI:10.1145/3442188.3445922"),
        ("https://www.biorxiv.org/content/10.1101/2020.03.01.972935v2.full.pdf", "DOI:10.1101/2020.03.01.972935"),
        (
            "https://www.semanticscholar.org/paper/Attention-is-All-you-Need-Vaswani/204e3073870fae3d05bcbc2f6a8e263d9b72e776",
            "204e3073870fae3d05bcbc2f6a8e263d9b72e776",
        ),
        ("https://api.semanticscholar.org/CorpusID:13756489", "CorpusId:13756489"),
        ("https://aclanthology.org/2020.acl-main.447", "ACL:2020.acl-main.447"),
        ("https://aclanthology.org/2020.acl-main.447.pdf", "ACL:2020.acl-main.447"),
        ("https://www.aclweb.org/anthology/P19-1001/", "ACL:P19-1001"),
        ("https://pubmed.ncbi.nlm.nih.gov/31452104/", "PMID:31452104"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2323736/", "PMCID:2323736"),
        (
            "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0021800",
            "DOI:10.1371/journal.pone.0021800",
        ),
        (
            "https://onlinelibrary.wiley.com/action/showCitFormats?doi=10.1002%2Fanie.201915678",
            "DOI:10.1002/anie.201915678",
        ),
        ("https://example.org/cite?format=ris&doi=10.1000/ABC", "DOI:10.1000/abc"),
        ("https://arxiv.org/html/2402.06196v2", "ARXIV:2402.06196"),
        ("https://arxiv.org/html/2402.06196v2/#S3", "ARXIV:2402.06196"),
        ("https://www.alphaxiv.org/abs/2305.14314", "ARXIV:2305.14314"),
        ("https://www.alphaxiv.org/overview/2305.14314v1", "ARXIV:2305.14314"),
        ("https://www.biorxiv.org/content/10.1101/2020.03.01.972935v1", "DOI:10.1101/2020.03.01.972935"),
        ("https://www.biorxiv.org/content/10.1101/2020.03.01.972935v2.full", "DOI:10.1101/2020.03.01.972935"),
        ("https://www.medrxiv.org/content/10.1101/2020.02.11.20021493v2.full-text", "DOI:10.1101/2020.02.11.20021493"),
    ],
)
def test_urls_become_canonical_ids(url, expected):
    assert classify_url(url).paper_id == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://openreview.net/forum?id=nZeVKeeFYf9",
        "https://proceedings.neurips.cc/paper/2020/hash/abc-Abstract.html",
        "https://openaccess.thecvf.com/content/CVPR2022/html/Rombach_High-Resolution.html",
        "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=3456789",
    ],
)
def test_scholarly_links_without_id_are_title_only(url):
    assert classify_url(url).title_only


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://medium.com/@x/notes-on-qlora-370be42ccca1", "not a paper: medium.com"),
        ("https://www.youtube.com/watch?v=QXVCqtAZAn4&ab_channel=DeepLearningAI", "not a paper: youtube.com"),
        ("https://github.com/run-llama/llama_index", "not a paper: github.com"),
        ("https://huggingface.co/blog/lora", "not a paper: huggingface.co"),
    ],
)
def test_non_paper_links_are_skipped_with_reason(url, reason):
    assert classify_url(url).skip_reason == reason


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("https://arxiv.org/pdf/2307.09288.pdf:", "https://arxiv.org/pdf/2307.09288.pdf"),
        (
            "https://youtube.com/watch?v=x&ab_channel=DeepLearningAI:",
            "https://youtube.com/watch?v=x&ab_channel=DeepLearningAI",
        ),
        (
            "https://en.wikipedia.org/wiki/Transformer_(deep_learning)",
            "https://en.wikipedia.org/wiki/Transformer_(deep_learning)",
        ),
        ("https://arxiv.org/abs/1706.03762).", "https://arxiv.org/abs/1706.03762"),
        ("https://arxiv.org/abs/1706.03762,", "https://arxiv.org/abs/1706.03762"),
    ],
)
def test_trailing_punctuation_is_not_part_of_urls(raw, expected):
    assert strip_trailing_punctuation(raw) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("as shown in arXiv:2106.09685v2.", ["ARXIV:2106.09685"]),
        ("see doi:10.1145/3442188.3445922, then", ["DOI:10.1145/3442188.3445922"]),
        ("(10.1016/S0140-6736(20)30183-5)", ["DOI:10.1016/s0140-6736(20)30183-5"]),
        ("DOI 10.1000/ABC and 10.1000/abc", ["DOI:10.1000/abc", "DOI:10.1000/abc"]),
        ("CorpusId:215416146", ["CorpusId:215416146"]),
        ("PMID: 19872477 and PMCID:PMC2323736", ["PMID:19872477", "PMCID:2323736"]),
        ("ACL:W12-3903", ["ACL:W12-3903"]),
        ("paper 649def34f8be52c8b66281af98ae884c09aef38b", ["649def34f8be52c8b66281af98ae884c09aef38b"]),
        ("arXiv:hep-th/9901001", ["ARXIV:hep-th/9901001"]),
        ("nothing here 2021.12345 isn't tagged", []),
    ],
)
def test_identifiers_in_text(text, expected):
    assert [found.paper_id for found in find_text_ids(text)] == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("arXiv:2106.09685", "ARXIV:2106.09685"),
        ("2106.09685v3", "ARXIV:2106.09685"),
        ("10.1145/3442188.3445922", "DOI:10.1145/3442188.3445922"),
        ("https://arxiv.org/abs/2106.09685", "ARXIV:2106.09685"),
        ("204E3073870FAE3D05BCBC2F6A8E263D9B72E776", "204e3073870fae3d05bcbc2f6a8e263d9b72e776"),
        ("CorpusId:13756489", "CorpusId:13756489"),
        ("Attention is all you need", None),
    ],
)
def test_parse_identifier_typed_by_a_user(typed, expected):
    assert parse_identifier(typed) == expected


@pytest.mark.parametrize(
    "fullwidth",
    [
        "arXiv:\uff11\uff17\uff10\uff16.\uff10\uff13\uff17\uff16\uff12",
        "\uff11\uff17\uff10\uff16.\uff10\uff13\uff17\uff16\uff12",
        "https://arxiv.org/abs/\uff11\uff17\uff10\uff16.\uff10\uff13\uff17\uff16\uff12",
        "PMID:\uff11\uff12\uff13",
        "10.\uff11\uff11\uff14\uff15/abc",
        "arXiv:\u0661\u0667\u0660\u0666.\u0660\u0663\u0667\u0666\u0662",
    ],
)
def test_non_ascii_digits_are_no_identifier(fullwidth):
    assert parse_identifier(fullwidth) is None
    assert find_text_ids(fullwidth) == []


@pytest.mark.parametrize(
    "raw",
    [
        "10.1145/ABC.",
        "doi:10.1145/abc",
        "DOI: 10.1145/ABC",
        "https://doi.org/10.1145/abc",
        "http://dx.doi.org/10.1145/ABC",
    ],
)
def test_normalise_doi_drops_doi_and_doi_org_prefixes(raw):
    assert normalise_doi(raw) == "DOI:10.1145/abc"
