"""The one domain error that services raise and that pages and the API both translate."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken ("only a submitted report can be accepted").

    The message is user-facing (translated); `code` is stable for the API and tests.
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class StaleUpdate(DomainError):
    """Someone else saved the object since this form was opened."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="stale")
