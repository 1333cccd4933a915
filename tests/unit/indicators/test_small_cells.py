"""The one small-cell rule the indicator answers and the board panels both apply."""

from __future__ import annotations

from dataclasses import replace

import pytest

from satudata.indicators import INDICATORS, is_small_cell


@pytest.mark.parametrize(
    ("denominator", "hidden"),
    [(None, False), (0, False), (1, True), (4, True), (5, False), (1000, False)],
)
def test_a_cell_is_hidden_when_it_counted_someone_but_fewer_than_the_limit(
    denominator: int | None, hidden: bool
) -> None:
    assert is_small_cell(denominator, 5) is hidden


def test_an_indicator_takes_its_own_threshold_or_else_the_default() -> None:
    indicator = INDICATORS["stunting_prevalence"]
    assert replace(indicator, small_cell_threshold=None).small_cell_limit(11) == 11
    assert replace(indicator, small_cell_threshold=3).small_cell_limit(11) == 3
