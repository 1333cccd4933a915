"""quality: raw topics → each feed's contract (Great Expectations) → clean or quarantine topics, with reasons.

Importing this package does not import Great Expectations (seconds): building a validator does.
"""

from services.quality.agent import register
from services.quality.bootstrap import register_quality, validator_factory
from services.quality.reasons import Reason, Verdict
from services.quality.routing import Validator

__all__ = ["Reason", "Validator", "Verdict", "register", "register_quality", "validator_factory"]
