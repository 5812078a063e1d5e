"""Errors a user sees: each says what went wrong and where, in Chinese."""

from __future__ import annotations

from .model import Loc


class JixiaoError(Exception):
    """Base class of every error jixiao reports to a user (never shown as a traceback)."""

    def __init__(self, message: str, loc: Loc | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message


class ReadError(JixiaoError):
    """A file, or a form inside it, cannot be read (rule P001)."""


class RuleSetError(JixiaoError):
    """A rule-set file is broken: names the key and line."""


def library_error(e: Exception) -> str:
    """A third-party library's exception as one line for a ReadError ('BadZipFile: File is not a zip file')."""
    text = str(e).strip()
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
