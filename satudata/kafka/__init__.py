"""The Kafka adapter: topic admin, bulk producer, and the local broker launcher (see broker.py)."""

from satudata.kafka.admin import describe_cluster, ensure_all_topics, ensure_topics, topic_partitions
from satudata.kafka.broker import KafkaBroker
from satudata.kafka.errors import BrokerStartError, JarFetchError, KafkaSetupError, ToolMissingError
from satudata.kafka.jars import KAFKA_VERSION, default_jars_dir, ensure_jars, java_command
from satudata.kafka.producer import BulkProducer, PublishError, Record
from satudata.kafka.state import BrokerState, BrokerStatus, broker_status, stop_broker

__all__ = [
    "KAFKA_VERSION",
    "BrokerStartError",
    "BrokerState",
    "BrokerStatus",
    "BulkProducer",
    "JarFetchError",
    "KafkaBroker",
    "KafkaSetupError",
    "PublishError",
    "Record",
    "ToolMissingError",
    "broker_status",
    "default_jars_dir",
    "describe_cluster",
    "ensure_all_topics",
    "ensure_jars",
    "ensure_topics",
    "java_command",
    "stop_broker",
    "topic_partitions",
]
