"""The benchmark's quick mode, its second half: the map, notes, suggestion, hostile and history stages
(the first half and the helpers are in tests/test_bench_quick.py)."""

import pytest

from tests.test_bench_quick import PAGES, assert_quick_run, quick_bench

# Its map stages open Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.heavy]


def test_the_quick_page_stages_print_their_table_and_meet_their_goals_that_load_cannot_move(tmp_path):
    report, printed = quick_bench(tmp_path, PAGES)
    assert_quick_run(report, printed, PAGES)
