"""Errors and warnings of the composite-index engine.

Every error is one line for the end user. Older messages are bilingual (Chinese, then English in
parentheses); newer ones are English with a stable ``code`` and the ``params`` they name, so that a web
page can show its own translation (the library never translates). ``Notice`` is a stated warning: the
computation went on, and the result says what the reader should know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class CompIndexError(ValueError):
    """Base class: a method document or a dataset the engine cannot use.

    ``code`` names the kind of problem (``""`` for the older bilingual messages); ``params`` holds the
    values the message names (indicator, region, year...), for a translated message.
    """

    def __init__(self, message: str, *, code: str = "", params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, Any] = dict(params or {})


class MethodError(CompIndexError):
    """A method document (or Monte Carlo choice set) that is invalid: the message names the place and the fix."""


class DataError(CompIndexError):
    """A dataset that cannot be used with the method (unknown series, missing year, degenerate indicator...)."""


@dataclass(frozen=True)
class Notice:
    """A stated warning attached to a result: a stable ``code``, an English message, and its parameters."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


def bilingual(zh: str, en: str) -> str:
    """The one-line message format of the older errors: Chinese first, English in parentheses."""
    return f"{zh} ({en})"
