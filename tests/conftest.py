from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is not there (a user's machine has none)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is not available")
    return p
