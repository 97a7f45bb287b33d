"""Alerts and events to JSON, each event serialised once however many alerts carry it.

An event that fires several rules rides in each of their alerts, and a threshold or sequence
rule also keeps it in Redis; `Alert.model_dump_json` would serialise it again every time. Here
each event of a read is serialised once (`EventJson`) and spliced into every alert around it
(`alert_json`); the bytes parse to exactly what `Alert.model_dump_json` gives
(`tests/test_alert_encode.py`).
"""

from __future__ import annotations

from typing import Any

import orjson

from schemas.alerts import Alert
from schemas.events import Event


def event_json(event: Event) -> bytes:
    """One event as `model_dump_json` writes it (without its per-call option handling)."""
    return event.__pydantic_serializer__.to_json(event)


class EventJson:
    """Each event's JSON, made on first use; for one read's events (events are told apart
    by identity, and kept alive here so that no identity is reused while this lives)."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[int, tuple[Event, bytes]] = {}

    def __call__(self, event: Event) -> bytes:
        made = self._made.get(id(event))
        if made is None:
            made = self._made[id(event)] = (event, event_json(event))
        return made[1]


def alert_json(alert: Alert, events: EventJson) -> bytes:
    """The alert as JSON, its events spliced in from `events`."""
    out: dict[str, Any] = dict(alert.__dict__)  # its fields, as model_dump (slower) gives them
    out["events"] = [orjson.Fragment(events(e)) for e in out["events"]]
    return orjson.dumps(out, option=orjson.OPT_UTC_Z)
