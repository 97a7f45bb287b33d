"""The eventwatch domain: documents, articles, events, watch rules and alerts."""

from schemas.alerts import Alert, RuleFile, WatchRule
from schemas.documents import Article, Envelope, Paragraph, RawDocument
from schemas.events import EVENT_ADAPTER, EVENT_TYPES, Event, EventBase

__all__ = [
    "EVENT_ADAPTER",
    "EVENT_TYPES",
    "Alert",
    "Article",
    "Envelope",
    "Event",
    "EventBase",
    "Paragraph",
    "RawDocument",
    "RuleFile",
    "WatchRule",
]
