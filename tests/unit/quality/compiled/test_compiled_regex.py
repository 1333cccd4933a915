"""Python `re` patterns written for polars: the same strings found, over every code point for the classes and
on text hypothesis makes up for whole patterns."""

from __future__ import annotations

import re
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.quality.compiled.regex import UntranslatableError, to_rust

CHARACTERS = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
EVERY_CHARACTER = pl.Series(CHARACTERS)
PATTERNS = (
    r"\S",
    r"^[0-9]{10}$",
    r"^[0-9]{6}(?:0[1-9]|[12][0-9]|3[01])[0-9]{8}$",
    r"^\d+$",
    r"\w\W",
    r"^a.b",
    r"[^\sx]",
    r"(ab)+?c|^$",
    r"\Aq\Z",
)


@pytest.mark.parametrize("escape", [r"\s", r"\S", r"\d", r"\D", r"\w", r"\W", r".", r"[^0-9]"])
def test_a_class_holds_the_same_characters_as_in_python(escape: str) -> None:
    found = EVERY_CHARACTER.str.contains(to_rust(escape)).to_numpy()
    search = re.compile(escape).search
    expected = np.fromiter((search(c) is not None for c in CHARACTERS), dtype=bool, count=len(CHARACTERS))
    differing = [hex(ord(CHARACTERS[i])) for i in np.flatnonzero(found != expected)]
    assert not differing, differing[:20]


def test_a_final_dollar_also_matches_before_a_final_newline_as_in_python() -> None:
    texts = pl.Series(["5301042003", "5301042003\n", "5301042003\n\n", "5301042003 ", "\n5301042003"])
    assert texts.str.contains(to_rust(r"^[0-9]{10}$")).to_list() == [True, True, False, False, False]


@pytest.mark.parametrize("pattern", [r"(?i)abc", r"a(?=b)", r"(a)\1", r"\bword", r"a$b", r"(?m)^a"])
def test_what_cannot_be_written_the_same_is_refused(pattern: str) -> None:
    with pytest.raises(UntranslatableError):
        to_rust(pattern)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.sampled_from(PATTERNS),
    st.lists(st.text(alphabet=st.sampled_from("0123456789abcqx \n\t\x1c\u00a0\u0663é_"), max_size=20), max_size=30),
)
def test_whole_patterns_find_what_python_finds(pattern: str, texts: list[str]) -> None:
    found = pl.Series(texts, dtype=pl.String).str.contains(to_rust(pattern)).to_list()
    assert found == [re.search(pattern, text) is not None for text in texts]
