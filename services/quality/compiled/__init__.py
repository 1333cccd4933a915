"""The compiled contract evaluator: each GX expectation of a suite translated into polars expressions that
fail exactly the rows GX's pandas engine fails, so a batch costs milliseconds instead of GX's second.

- compiler.py: the suite → a Program (one CompiledRule per expectation it can translate) + the ones left to GX;
- columns.py: not null, in set, between, (not) match regex; regex.py: Python `re` patterns for Rust's regex;
- pairs.py: column-pair in set, not both missing, allowed for; identity.py: NIK, KK and desa code rules
  through the same kernel checks (satudata.nik, satudata.regions) the GX custom expectations call;
- validator.py: CompiledValidator, a ContractValidator judging with the program, GX for the rest, and GX again
  on a sample of batches, reporting any difference.
"""

from services.quality.compiled.compiler import FAMILIES, Program, compile_suite
from services.quality.compiled.validator import CompiledValidator, EvaluatorMismatch

__all__ = ["FAMILIES", "CompiledValidator", "EvaluatorMismatch", "Program", "compile_suite"]
