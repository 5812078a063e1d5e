"""Shared fixtures: the seed forms and helpers to write small forms inline in a test."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shanghai-2021.txt"
GOLDEN = Path(__file__).resolve().parent / "golden.json"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def golden() -> list[dict]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def tsv(text: str) -> str:
    """A form written in a test with ' | ' between cells → the tab-separated text of the seed."""
    lines = textwrap.dedent(text).strip("\n").splitlines()
    return "\n".join("\t".join(c.strip() for c in line.split("|")) for line in lines) + "\n"
