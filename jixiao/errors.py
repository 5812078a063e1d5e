"""Errors a user sees: each says what went wrong (`message`, Chinese) and where (`loc`: the file,
line, page or cell), and the one printer of them on a terminal."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from .model import Loc


class JixiaoError(Exception):
    """Base class of every error jixiao reports to a user (never shown as a traceback)."""

    def __init__(self, message: str, loc: Loc | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}" if self.loc else self.message

    def to_dict(self) -> dict:
        """As the store and batch keep it: the message, the location, and both as one line."""
        return {"message": self.message, "location": self.loc.to_dict() if self.loc else None, "text": str(self)}


class ReadError(JixiaoError):
    """A file, or a form inside it, cannot be read (rule P001)."""


class RuleSetError(JixiaoError):
    """A rule-set file is broken: names the key and line."""


def print_error(error: JixiaoError) -> None:
    """How a command tells a person about a problem: '错误：<where>: <what>' on standard error."""
    click.echo(f"错误：{error}", err=True)


def fail(error: JixiaoError, status: int = 2) -> NoReturn:
    """Print the error and end the command with `status` (2: an input, a setting or an output file
    could not be used)."""
    print_error(error)
    sys.exit(status)


def os_error(what: str, e: OSError) -> JixiaoError:
    """An operating-system error ('无法写出文件', PermissionError on x.xlsx) as one of ours."""
    return JixiaoError(f"{what}：{e.strerror or e}", Loc(file=str(e.filename)) if e.filename else None)


def library_error(e: Exception) -> str:
    """A third-party library's exception as one line for a ReadError ('BadZipFile: File is not a zip file')."""
    text = str(e).strip()
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
