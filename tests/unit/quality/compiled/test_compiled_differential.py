"""The compiled evaluator against GX itself (the oracle), on the same prepared frames of every feed: exactly
the same failed rules for every row. GX costs about a second per call, so each test packs many rows into one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satudata.events import FEEDS, feed
from tests.unit.quality.compiled.support import ODD_VALUES, compiled_validator, failed_both_ways, frame_of, pool

FEED_NAMES = sorted(FEEDS)
UNKNOWN_FIELD = "catatan_tambahan"


@pytest.mark.parametrize("name", FEED_NAMES)
def test_every_shipped_expectation_is_compiled(name: str) -> None:
    validator = compiled_validator(name)
    program, rest = validator.program(frame_of(name, list(pool(name)[:3])).schema)
    assert program.left_to_gx == () and rest is None, program.reasons
    assert len(program.rules) == validator.expectation_count


@pytest.mark.slow
@pytest.mark.parametrize("name", FEED_NAMES)
def test_every_field_set_to_every_odd_value_is_judged_as_gx_judges_it(name: str) -> None:
    base = pool(name)
    fields = [f.name for f in feed(name).fields] + [UNKNOWN_FIELD]
    datas: list[dict[str, Any]] = list(base)
    for i, (field, value) in enumerate((f, v) for f in fields for v in ODD_VALUES):
        data = dict(base[i % len(base)])
        data[field] = value
        datas.append(data)
    for i, field in enumerate(fields):
        data = dict(base[i % len(base)])
        data.pop(field, None)
        datas.append(data)
    compiled, gx = failed_both_ways(name, datas)
    assert gx, "the batch should fail some rules"
    assert compiled == gx, sorted(compiled ^ gx)[:20]


def _value() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.sampled_from(ODD_VALUES),
        st.text(max_size=24),
        st.text(alphabet=st.sampled_from("0123456789\n -."), max_size=18),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
    )
    return st.one_of(scalars, st.lists(st.text(alphabet="0123456789", min_size=15, max_size=17), max_size=3))


@st.composite
def batches(draw: st.DrawFn, name: str) -> list[dict[str, Any]]:
    base = pool(name)
    fields = [f.name for f in feed(name).fields] + [UNKNOWN_FIELD]
    rows = []
    for _ in range(draw(st.integers(min_value=20, max_value=80))):
        data = dict(draw(st.sampled_from(base)))
        for field in draw(st.lists(st.sampled_from(fields), max_size=3)):
            if draw(st.booleans()):
                data[field] = draw(_value())
            else:
                data.pop(field, None)
        rows.append(data)
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("name", FEED_NAMES)
def test_random_batches_are_judged_as_gx_judges_them(name: str) -> None:
    @settings(
        max_examples=4,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batches(name))
    def check(datas: list[dict[str, Any]]) -> None:
        compiled, gx = failed_both_ways(name, datas)
        assert compiled == gx, sorted(compiled ^ gx)[:20]

    check()
