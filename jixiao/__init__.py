"""jixiao (绩效): read, re-score and check fiscal project performance self-evaluation forms."""

from ._native import choose as _choose

_choose()  # compiled modules or pure Python: decided before either is imported
