"""Width (and script) normalisation that keeps every character at its offset.

Rules match on the normalised text and report spans that index the original text unchanged, so the
mapping here is strictly one character to one character (unlike NFKC, which turns ① into 1).
"""

from __future__ import annotations

import re
from functools import lru_cache

_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！..～ -> !..~
_FULL_TO_HALF.update({
    0x3000: 0x20,   # ideographic space
    0x3001: 0x3001,  # 、 stays: it is a list separator with no half-width twin
    0x2014: 0x2014,
    0xFF0E: 0x2E,   # ． full-width full stop
    0xFE52: 0x2E,   # ﹒ small full stop, typed after numbers (1﹒)
    0xFE51: 0x3001,  # ﹑ small ideographic comma
    0x3008: 0x3008, 0x3009: 0x3009,  # 〈〉 stay: angle brackets of explanatory notes in names
    0x3002: 0x3002,  # 。 stays
    0x2236: 0x3A,   # ∶ ratio sign, often typed for a colon
    0xFE55: 0x3A,   # small colon
    0xFE50: 0x2C,   # small comma
    0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2212: 0x2D,  # hyphens, minus -> -
    0x00A0: 0x20,   # no-break space
    0x200B: 0x20, 0xFEFF: 0x20,  # zero-width space, stray BOM
})


def _traditional_to_simplified() -> dict[int, int]:
    """Traditional characters that have one simplified form (牽→牵, 單→单, 辦→办), from OpenCC's t2s data.

    Plans copied from Hong Kong, Taiwan or wiki mirrors are written in traditional characters; matching
    on the simplified form lets every rule read them while names stay as written. Characters are
    converted one at a time (a newline between them stops OpenCC's phrase matching), so the mapping
    stays one character to one character.
    """
    import opencc  # imported here: only building the table needs it

    chars = [chr(code) for code in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):   # never seen; keep the parser working without the folding
        return {}
    return {ord(t): ord(s) for t, s in zip(chars, converted, strict=True) if len(s) == 1 and s != t}


_MAPPING = {**_traditional_to_simplified(), **_FULL_TO_HALF}
_TABLE = str.maketrans(_MAPPING)
# The characters the table changes, and what each becomes. str.translate() looks up every character
# of a non-ASCII text (~45 ns each, also when nothing changes); a regex finds the few that change.
_CHANGED = {chr(code): chr(to) for code, to in _MAPPING.items() if code != to}
_CHANGED_RE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_CHANGED)) + "]")


def _half(m: re.Match[str]) -> str:
    return _CHANGED[m.group()]


@lru_cache(maxsize=8192)
def halfwidth(text: str) -> str:
    """Map full-width ASCII forms and look-alike punctuation to ASCII, and traditional characters to
    simplified ones; same length as the input.

    Cached: every stage normalises the same lines again. Same result as text.translate(_TABLE), about
    three times faster on full-width text and ten times on text that is half-width already (a
    traditional-character text has more to change, and costs more).
    """
    return _CHANGED_RE.sub(_half, text)
