"""Every Redis stream, consumer group, pub/sub channel and key prefix, named once.

All names share one prefix so several deployments can share a Redis and an operator can
find everything with `SCAN MATCH eventwatch:*`.
"""

from __future__ import annotations

PREFIX = "eventwatch"

# Streams: the pipeline's durable hand-offs.
RAW_STREAM = f"{PREFIX}:raw"
ARTICLES_STREAM = f"{PREFIX}:articles"
EVENTS_STREAM = f"{PREFIX}:events"
ALERTS_STREAM = f"{PREFIX}:alerts"
DEAD_LETTER_STREAM = f"{PREFIX}:deadletter"
STREAMS = (RAW_STREAM, ARTICLES_STREAM, EVENTS_STREAM, ALERTS_STREAM, DEAD_LETTER_STREAM)

# Consumer groups: one per stage; more workers in a group share the stream.
INGEST_GROUP = "ingest"
EXTRACT_GROUP = "extract"
ALERT_GROUP = "alert"

# Pub/sub channels for live alerts: one per severity and one per rule.
ALERT_CHANNEL_PREFIX = f"{PREFIX}:alerts"


def severity_channel(severity: str) -> str:
    """The channel that carries every alert of one severity."""
    return f"{ALERT_CHANNEL_PREFIX}:severity:{severity}"


def rule_channel(rule: str) -> str:
    """The channel that carries every alert of one rule."""
    return f"{ALERT_CHANNEL_PREFIX}:rule:{rule}"


ALL_ALERT_CHANNELS = f"{ALERT_CHANNEL_PREFIX}:*"

# Keys of shared state (all expire; see Settings for retention).
SEEN_HASH_PREFIX = f"{PREFIX}:seen:hash:"  # content hash -> article id (exact repeats)
STORY_PREFIX = f"{PREFIX}:story:"  # near-duplicate index (MinHash bands)
FUSION_PREFIX = f"{PREFIX}:fusion:"  # fusion key -> fused event id and its sources
ALERT_STATE_PREFIX = f"{PREFIX}:rulestate:"  # realert, threshold, first_seen, sequence state
DONE_PREFIX = f"{PREFIX}:done:"  # idempotency markers per stage and message id
