"""population: denominators, one row per desa, year, age group and sex, adding up to each desa's people."""

from __future__ import annotations

import numpy as np

from satudata.events import POPULATION_AGE_GROUPS, SEXES
from satudata.synth.draft import Draft, Facts, Month, Record
from satudata.synth.geography import geography

ROWS_PER_DESA = len(POPULATION_AGE_GROUPS) * len(SEXES)


def draft(rng: np.random.Generator, count: int, month: Month) -> Draft:
    """`count` rows, desa by desa in a seeded order; beyond one year's rows, earlier years follow.

    Every year has the same (Kepmendagri 2025) figures: no growth is modelled.
    """
    geo = geography()
    order = rng.permutation(len(geo.desa))
    per_year = len(order) * ROWS_PER_DESA
    data: list[Record] = []
    dates = []
    for start in range(0, count, ROWS_PER_DESA):
        year = month.year - start // per_year
        index = int(order[(start % per_year) // ROWS_PER_DESA])
        desa = str(geo.desa[index])
        counts = geo.age_sex_counts(index)
        published = month.day(int(rng.integers(1, month.days + 1)))
        for group in POPULATION_AGE_GROUPS:
            for sex in SEXES:
                if len(data) == count:
                    break
                data.append(
                    {
                        "record_id": f"DKP-{year}-{desa}-{group}-{sex}",
                        "year": year,
                        "age_group": group,
                        "sex": sex,
                        "count": counts[(group, sex)],
                        "desa_code": desa,
                    }
                )
                dates.append(published)

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            shift = int(rng.integers(1, 30))
            wrong["count"] = (
                wrong["count"] - shift if wrong["count"] >= shift and rng.random() < 0.5 else wrong["count"] + shift
            )
            out.append((wrong, None))
        return out

    return Draft(
        feed="population",
        data=data,
        dates=dates,
        sources=[f"dukcapil/{r['desa_code'][:4]}" for r in data],
        facts=[None] * len(data),
        miscorrect=miscorrect,
        spoilers={"implausible": _negative},
        can_be_late=False,
    )


def _negative(record: Record, rng: np.random.Generator) -> bool:
    record["count"] = -int(rng.integers(1, 500))
    return True
