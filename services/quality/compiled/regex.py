"""Python `re` patterns rewritten for polars (Rust `regex`), with Python's meaning kept exactly.

GX judges `expect_column_values_to_(not_)match_regex` with pandas `Series.str.contains`, i.e. Python's
`re.search`. Polars runs Rust's `regex`, which reads the same text differently in places: Python's `$` also
matches before a final newline, and Python's `\\s`, `\\d`, `\\w` are defined by `str` methods over a different
Unicode version (Python's `\\s` holds U+001C-U+001F, Rust's does not). So a pattern is parsed by Python's own
parser and written out again with every character class spelled as explicit code-point ranges computed from
Python's `re` itself; what cannot be written with the same meaning (look-arounds, backreferences, flags, `\\b`,
a `$` that is not the last item) raises UntranslatableError and the expectation stays with GX.
"""

from __future__ import annotations

import re
import sys
from functools import cache

# re._parser is the parser `re.compile` itself uses (the old sre_parse); tests pin its node kinds down.
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

_SURROGATES = range(0xD800, 0xE000)  # never in a polars (UTF-8) string


class UntranslatableError(ValueError):
    """A pattern whose Python meaning this module cannot write for Rust's regex."""


def to_rust(pattern: str) -> str:
    """A Rust-regex pattern that `contains` exactly the strings Python's `re.search(pattern)` finds."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise UntranslatableError(f"not a Python regex: {error}") from error
    if parsed.state.flags & ~re.UNICODE:
        raise UntranslatableError("flags")
    return _sequence(list(parsed), at_end=True)


def _sequence(items: list[tuple[Any, Any]], *, at_end: bool = False) -> str:
    """`at_end`: nothing of the pattern can follow this sequence (it ends the pattern)."""
    last = len(items) - 1
    return "".join(_node(op, arg, at_end=at_end and i == last) for i, (op, arg) in enumerate(items))


def _node(op: Any, arg: Any, *, at_end: bool) -> str:
    if op is sre.LITERAL:
        return _char(arg)
    if op is sre.NOT_LITERAL:
        return "[^" + _char(arg) + "]"
    if op is sre.ANY:
        return "[^\\n]"  # Python's `.` without DOTALL; spelled out rather than trusting Rust's default
    if op is sre.IN:
        return _class(arg)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = arg
        bound = f"{{{low},}}" if high is sre.MAXREPEAT else f"{{{low},{high}}}"
        lazy = "?" if op is sre.MIN_REPEAT else ""
        return f"(?:{_sequence(list(body))}){bound}{lazy}"
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        if add_flags or del_flags:
            raise UntranslatableError("inline flags")
        return f"(?:{_sequence(list(body), at_end=at_end)})"
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(list(alt), at_end=at_end) for alt in arg[1]) + ")"
    if op is sre.AT and arg is sre.AT_END and at_end:
        # Python's `$` is the end or just before a final "\n"; where nothing can follow it, that is "\n?\z".
        return r"\n?\z"
    if op is sre.AT and arg in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
        return r"\A"
    if op is sre.AT and arg is sre.AT_END_STRING:
        return r"\z"
    raise UntranslatableError(f"{op} {arg}")


def _class(items: list[tuple[Any, Any]]) -> str:
    negate = bool(items) and items[0][0] is sre.NEGATE
    ranges: list[tuple[int, int]] = []
    for op, arg in items[1:] if negate else items:
        if op is sre.LITERAL:
            ranges.append((arg, arg))
        elif op is sre.RANGE:
            ranges.append(arg)
        elif op is sre.CATEGORY:
            ranges += _category(arg)
        else:
            raise UntranslatableError(f"class item {op}")
    if not ranges:
        raise UntranslatableError("empty class")
    body = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _category(category: Any) -> list[tuple[int, int]]:
    positive = {
        sre.CATEGORY_DIGIT: r"\d",
        sre.CATEGORY_SPACE: r"\s",
        sre.CATEGORY_WORD: r"\w",
        sre.CATEGORY_NOT_DIGIT: r"\D",
        sre.CATEGORY_NOT_SPACE: r"\S",
        sre.CATEGORY_NOT_WORD: r"\W",
    }
    if category not in positive:
        raise UntranslatableError(f"category {category}")
    return python_ranges(positive[category])


@cache
def python_ranges(escape: str) -> list[tuple[int, int]]:
    """The code points Python's `re` puts in a class such as `\\s`, as ranges (surrogates left out)."""
    text = "".join(chr(code) for code in range(sys.maxunicode + 1) if code not in _SURROGATES)
    # Runs of consecutive matching characters of this text are runs of consecutive code points.
    ranges = [(ord(m.group()[0]), ord(m.group()[-1])) for m in re.finditer(f"(?:{escape})+", text)]
    return _merge_over_surrogates(ranges)


def _merge_over_surrogates(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # A class such as \S would otherwise be split at the surrogates, which cannot occur in text anyway.
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and merged[-1][1] == _SURROGATES.start - 1 and lo == _SURROGATES.stop:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def _char(code: int) -> str:
    return f"\\x{{{code:X}}}"
