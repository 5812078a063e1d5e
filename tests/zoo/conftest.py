from __future__ import annotations

from pathlib import Path

import pytest

from .generate import build_all, default_cache


@pytest.fixture(scope="session")
def zoo() -> Path:
    """The directory holding every family in every format: made once per generator content
    (the PDFs take LibreOffice and Chromium a minute), then reused from the cache."""
    return build_all(default_cache())
