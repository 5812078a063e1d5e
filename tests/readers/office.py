"""LibreOffice, headless, as the tests use it: convert files (xlsx → pdf, xlsx → xls, docx → pdf,
xlsx → xlsx to recalculate formulas). A private profile per test session keeps parallel runs
(and other programs using LibreOffice) from locking each other out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


class Office:
    def __init__(self, profile: Path):
        self.exe = shutil.which("soffice") or shutil.which("libreoffice")
        self.profile = profile

    def convert(self, sources: list[Path] | Path, fmt: str, outdir: Path) -> list[Path]:
        """Convert one or more files in one LibreOffice run; returns the converted files, in order."""
        if self.exe is None:
            pytest.fail("LibreOffice (soffice) is not installed: run scripts/setup.sh")
        sources = [sources] if isinstance(sources, Path) else list(sources)
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [self.exe, f"-env:UserInstallation=file://{self.profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(outdir), *map(str, sources)],
            check=True, capture_output=True, timeout=300,
        )
        ext = fmt.split(":")[0]
        outs = [outdir / f"{s.stem}.{ext}" for s in sources]
        for out in outs:
            assert out.exists(), f"LibreOffice did not write {out}"
        return outs


@pytest.fixture(scope="session")
def office(tmp_path_factory) -> Office:
    return Office(tmp_path_factory.mktemp("lo-profile"))
