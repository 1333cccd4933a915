"""What can go wrong while setting up the local broker, each with a bilingual message that says what to do."""

from __future__ import annotations


class KafkaSetupError(RuntimeError):
    """The local broker could not be prepared or started; the message is meant for a person."""


class ToolMissingError(KafkaSetupError):
    """Java or Maven is missing, too old, or does not run."""


class JarFetchError(KafkaSetupError):
    """Maven could not fetch the broker's jars."""


class BrokerStartError(KafkaSetupError):
    """The broker process did not come up, or is already running."""
