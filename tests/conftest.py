from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT / "tests" / "fixtures" / "semanticscholar"


@pytest.fixture
def sample_notes() -> Path:
    return ROOT / "data" / "notes"
