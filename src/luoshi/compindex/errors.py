"""Errors of the composite-index engine; every message is one line for the end user (Chinese, then English)."""


class CompIndexError(ValueError):
    """Base class: a method document or a dataset the engine cannot use."""


class MethodError(CompIndexError):
    """A method document (or Monte Carlo choice set) that is invalid: the message names the place and the fix."""


class DataError(CompIndexError):
    """A dataset that cannot be used with the method (unknown series, missing year, degenerate indicator...)."""


def bilingual(zh: str, en: str) -> str:
    """The one-line message format shared by every error: Chinese first, English in parentheses."""
    return f"{zh} ({en})"
