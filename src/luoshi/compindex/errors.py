"""Errors of the composite-index engine; every message is one line for the end user (Chinese, then English).

The engine never imports Django, so it carries both languages: the message reads "中文 (English)" where one
line must hold both (the command line, logs), and an application shows `.zh` or `.en` alone (the pages show
one language: luoshi.indicators.index).
"""

from __future__ import annotations

from typing import Any


class CompIndexError(ValueError):
    """Base class: a method document or a dataset the engine cannot use."""


class MethodError(CompIndexError):
    """A method document (or Monte Carlo choice set) that is invalid: the message names the place and the fix."""


class DataError(CompIndexError):
    """A dataset that cannot be used with the method (unknown series, missing year, degenerate indicator...)."""


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
