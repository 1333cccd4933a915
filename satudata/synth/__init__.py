"""Synthetic, seeded records for every feed, as CloudEvents, with the known truth behind them.

A synthetic population (households in NTT's real desa, calibrated on published NTT figures: calibration.py)
gives each feed its records; faults, duplicates, corrections and late records are injected at given rates; the
truth (numerators and denominators per indicator, kabupaten and month) is counted from the population's true
values. Domain code: it returns data, the caller writes files.
"""

from satudata.synth.batch import BUILDERS, SynthBatch, generate, generate_all
from satudata.synth.inject import Rates
from satudata.synth.truth import Truth

__all__ = ["BUILDERS", "Rates", "SynthBatch", "Truth", "generate", "generate_all"]
