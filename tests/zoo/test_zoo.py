"""Each family of layouts.md in each format reads back to the family's facts.

A family × format the recogniser cannot read yet is a strict xfail naming what is missing
(`Family.missing`): when support lands the test passes, which fails the run until the mark is
removed.
"""

from __future__ import annotations

import pytest

from .families import FAMILIES
from .generate import FORMATS, path_of
from .read import reading

CASES = []
for _family in FAMILIES:
    for _fmt in FORMATS:
        _reason = _family.missing.get(_fmt) or _family.missing.get("*")
        marks = [pytest.mark.xfail(strict=True, reason=_reason)] if _reason else []
        CASES.append(pytest.param(_family, _fmt, marks=marks, id=f"{_family.name}-{_fmt}"))


@pytest.mark.parametrize("family,fmt", CASES)
def test_reads_back_to_the_same_facts(zoo, family, fmt):
    r = reading(family, path_of(zoo, family, fmt))
    assert r.errors == []
    assert r.got == family.expected
