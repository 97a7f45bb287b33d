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
#
# Redis Cluster: a Lua script may only touch keys of one hash slot, so every key a script (or a
# MULTI) uses together carries the same hash tag, the part in braces, which alone decides the
# slot. Streams are single keys and need none; each lands on its own slot.
# - the near-duplicate index: one tag, `{story}`. One registration reads and writes the content
#   hash, the article's record and 64 band buckets at once, so the whole index lives on one
#   slot (one master): about 10 KB per article kept, the cluster's one unsharded state.
# - fusion: one tag per fusion digest, `{<digest>}`: a fused event's candidates and its
#   sources together; different real-world events spread over the cluster.
# - rule state: one tag per rule, `{<rule>}` (rule names are `[a-z0-9_.-]`, never braces):
#   every script of the alert engine works on the keys of one rule.
STORY_TAG = "{story}"
STORY_PREFIX = f"{PREFIX}:{STORY_TAG}:"  # near-duplicate index (MinHash bands, article records)
SEEN_HASH_PREFIX = f"{STORY_PREFIX}seen:hash:"  # content hash -> article id (exact repeats)
FUSION_PREFIX = f"{PREFIX}:fusion:"  # fusion key -> fused event id and its sources
ALERT_STATE_PREFIX = f"{PREFIX}:rulestate:"  # realert, threshold, first_seen, sequence state
DONE_PREFIX = f"{PREFIX}:done:"  # idempotency markers per stage and message id


def story_band_key(band: int, value: int) -> str:
    """Bucket of the articles whose MinHash value `band` is `value` (a sorted set by time)."""
    return f"{STORY_PREFIX}band:{band}:{value:08x}"


def story_doc_key(article_id: str) -> str:
    """An indexed article's record: its shingle hashes, story and duplicate_of (a hash)."""
    return f"{STORY_PREFIX}doc:{article_id}"


def seen_hash_key(content_hash: str) -> str:
    """Marker of an article body already ingested (exact repeats)."""
    return f"{SEEN_HASH_PREFIX}{content_hash}"


def fusion_prefix(digest: str) -> str:
    """Prefix of the keys of one fusion digest, all in that digest's hash slot."""
    return f"{FUSION_PREFIX}{{{digest}}}:"


def fusion_candidates_key(digest: str) -> str:
    """Hash of the fused events sharing one type and fusion key: fused_id -> date interval."""
    return f"{fusion_prefix(digest)}key"


def fusion_sources_key(digest: str, fused_id: str) -> str:
    """Sorted set of the sources reporting one fused event (same slot as its candidates)."""
    return f"{fusion_prefix(digest)}sources:{fused_id}"


def rule_state_key(rule: str, part: str, rest: str) -> str:
    """One piece of a rule's state (`fired`, `realert`, `window`, `seq`...), in the rule's slot."""
    return f"{ALERT_STATE_PREFIX}{{{rule}}}:{part}:{rest}"
