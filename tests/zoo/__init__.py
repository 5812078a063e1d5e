"""The layout zoo: every family of project form of layouts.md, in every format jixiao reads."""
