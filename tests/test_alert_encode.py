"""Alert JSON with its events spliced in is the JSON `Alert.model_dump_json` gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from bench.bench_rules import generate_events, generate_rules
from schemas.alerts import Alert, RuleFile
from schemas.events import DelegationVisit, Event
from services.alert.encode import EventJson, alert_json, event_json
from services.alert.engine import backtest


async def _alerts(rules: RuleFile, events: list[Event]) -> list[Alert]:
    start = datetime(2025, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC)  # microseconds kept
    times = [start + timedelta(seconds=i) for i in range(len(events))]
    return await backtest(rules, events, times)


async def test_alerts_of_every_kind_encode_as_model_dump_json() -> None:
    alerts = await _alerts(generate_rules(1000), generate_events(4000, world=False))
    assert {a.kind for a in alerts} == {"match", "threshold", "first_seen", "corroborated",
                                        "sequence"}  # fmt: skip
    shared = EventJson()
    for alert in alerts:
        fast = alert_json(alert, shared)
        assert orjson.loads(fast) == orjson.loads(alert.model_dump_json())
        assert Alert.model_validate_json(fast) == alert


async def test_text_beyond_ascii_and_empty_fields_survive() -> None:
    visit = DelegationVisit(
        article_id="a-ü",
        sentence="Делегация во главе с Шойгу прибыла в Пхеньян — “official”.",
        span=(0, 57),
        origin="RUS",
        destination="PRK",
        leader="Сергей Шойгу",
        modality="reported",
        confidence=0.9,
        sources=["ТАСС"],
    ).with_id()
    rules = RuleFile.model_validate({"rules": [{"name": "visit-ru", "types": ["delegation_visit"],
                                                "labels": {"desk": "Корея"}}]})  # fmt: skip
    [alert] = await _alerts(rules, [visit])
    fast = alert_json(alert, EventJson())
    assert orjson.loads(fast) == orjson.loads(alert.model_dump_json())
    assert alert.fused_id is not None and orjson.loads(fast)["fused_id"] == alert.fused_id


def test_each_event_is_serialised_once_and_as_pydantic_does() -> None:
    [event] = generate_events(1)
    cache = EventJson()
    assert cache(event) is cache(event)
    assert orjson.loads(event_json(event)) == orjson.loads(event.model_dump_json())
