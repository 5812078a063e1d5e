"""What a store service refuses, in words a person understands; the web maps each to a status."""

from __future__ import annotations

from ..errors import JixiaoError


class NotFound(JixiaoError):
    """No such record, or one the user may not see (the two look the same on purpose)."""


class Forbidden(JixiaoError):
    """The user sees the record but may not do this to it."""


class Conflict(JixiaoError):
    """Someone else changed the form since this user loaded it (optimistic locking)."""

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class Invalid(JixiaoError):
    """The request itself is wrong (a missing comment, an unknown decision, …)."""


class NeedsConfirmation(JixiaoError):
    """The action would pass a form with open errors: ask the person, then repeat it confirmed."""

    def __init__(self, message: str, open_errors: list[dict] | dict[int, list[dict]]):
        super().__init__(message)
        self.open_errors = open_errors
