"""Errors and warnings of the composite-index engine; every message is one line for the end user.

The engine never imports Django. Older messages carry both languages (`Bilingual`: the text reads
"中文 (English)" where one line must hold both, the command line and logs, and an application shows `.zh` or
`.en` alone); newer ones are English with a stable ``code`` and the ``params`` they name, so that a web page
can show its own translation (luoshi.indicators.index). ``Notice`` is a stated warning: the computation went
on, and the result says what the reader should know.
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


class Bilingual(str):
    """A message in both languages: its text is "中文 (English)", its parts are `zh` and `en`."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Bilingual:
        text = super().__new__(cls, f"{zh} ({en})")
        text.zh, text.en = zh, en
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (Bilingual, (self.zh, self.en))


def bilingual(zh: str, en: str) -> str:
    """The one-line message format shared by every error: Chinese first, English in parentheses."""
    return Bilingual(zh, en)


def message_in(error: BaseException, language: str) -> str:
    """The error's message in one language ("en..." for English, else Chinese), when it carries both."""
    text = error.args[0] if error.args else str(error)
    if isinstance(text, Bilingual):
        return text.en if language.startswith("en") else text.zh
    return str(text)
