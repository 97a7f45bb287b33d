"""Rule evaluation in-process: events/s of the engine (in-memory state) at 10, 100 and 1,000 rules.

Rules and events are generated with a fixed seed over the watch domain's shape: each rule pins
an event type and a country or a pair (1% are catch-alls), some compare numbers or match names
by regex, and every rule kind is present. Alert counts are reported next to the rates, since
the cost of an event grows with the alerts it fires. Run alone with `python -m bench.bench_rules`.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.alerts import RuleFile
from schemas.events import EVENT_ADAPTER, EVENT_TYPES, Event
from services.alert.engine import MemoryRuleState, RuleEngine
from services.settings import Settings

# Forty countries a geopolitical desk might watch; rules and events are drawn from them alike.
COUNTRIES = [
    "PRK",
    "RUS",
    "KOR",
    "CHN",
    "USA",
    "UKR",
    "JPN",
    "IRN",
    "BLR",
    "SYR",
    "MNG",
    "VNM",
    "IND",
    "PAK",
    "ISR",
    "TUR",
    "SAU",
    "ARE",
    "EGY",
    "DEU",
    "FRA",
    "GBR",
    "POL",
    "KAZ",
    "UZB",
    "MMR",
    "LAO",
    "CUB",
    "VEN",
    "NIC",
    "ERI",
    "SDN",
    "LBY",
    "MLI",
    "CAF",
    "IRQ",
    "AFG",
    "GEO",
    "ARM",
    "AZE",
]
# Stand-ins for the rest of the world's ~190 countries: in the news, watched by no rule.
OTHERS = [f"Q{a}{b}" for a in "ABCDEFGH" for b in "ABCDEFGHIJKLMNOPQRST"]
LEADERS = ["Kim Jong Un", "Sergei Shoigu", "Andrey Rudenko", "Choe Son Hui", "Pak Jong Chon"]
KINDS = ["military", "security", "economic", "diplomatic", "party"]
RULE_COUNTS = (10, 100, 1000)
BATCH = Settings().event_batch_size  # events per read of the alert worker


def _where(rng: random.Random, event_type: str) -> dict[str, Any]:
    where: dict[str, Any] = {}
    if rng.random() < 0.01:
        return where  # a few catch-all rules ("any weapons test")
    if event_type in ("delegation_visit", "troop_deployment", "arms_transfer", "invitation"):
        if rng.random() < 0.85:
            where["origin"] = rng.choice(COUNTRIES)
        else:
            where["destination"] = rng.choice(COUNTRIES)
        if rng.random() < 0.6:
            where["destination"] = rng.sample(COUNTRIES, rng.choice((1, 2)))
    if event_type == "troop_deployment" and rng.random() < 0.5:
        where["troops_min"] = {"gte": rng.choice((500, 1000, 5000))}
    if event_type == "delegation_visit":
        if rng.random() < 0.3:
            where["delegation_kind"] = rng.sample(KINDS, 2)
        if rng.random() < 0.1:
            where["leader"] = {"regex": rng.choice(LEADERS).replace(" ", ".?")}
    if event_type == "weapons_test":
        where["country"] = rng.choice(COUNTRIES)
    if event_type == "agreement":
        where["parties"] = {"contains": rng.choice(COUNTRIES)}
    if event_type in ("meeting", "military_exercise"):
        where["countries"] = {"contains": rng.choice(COUNTRIES)}
    return where


def generate_rules(n: int, seed: int = 1) -> RuleFile:
    """`n` valid rules of every kind, mostly `match`, pinned to types and countries."""
    rng = random.Random(seed)
    rules: list[dict[str, Any]] = []
    for i in range(n):
        event_type = rng.choice(EVENT_TYPES)
        rule: dict[str, Any] = {
            "name": f"r{i}",
            "types": [event_type],
            "where": _where(rng, event_type),
            "severity": rng.choice(("info", "warning", "critical")),
        }
        roll = rng.random()
        group = [f for f in ("origin", "destination", "country") if f in rule["where"]][:2]
        if roll < 0.1:
            rule.update(kind="threshold", count=3, window="1d", group_by=group)
        elif roll < 0.2 and group:
            rule.update(kind="first_seen", group_by=group)
        elif roll < 0.3:
            rule.update(kind="corroborated", min_sources=2)
        elif roll < 0.35:
            then_type = rng.choice(("arms_transfer", "troop_deployment"))
            rule = {
                "name": f"r{i}",
                "kind": "sequence",
                "first": {"types": ["delegation_visit"], "where": _where(rng, "delegation_visit")},
                "then": {"types": [then_type], "where": _where(rng, then_type)},
                "group_by": ["origin", "destination"],
                "key_unordered": True,
                "window": "30d",
            }
        else:
            rule.update(realert=rng.choice(("0s", "1h")), group_by=group)
        rules.append(rule)
    return RuleFile.model_validate({"rules": rules})


def generate_events(n: int, seed: int = 2, world: bool = True) -> list[Event]:
    """`n` events of every type, each its own fused event, between countries of the whole world
    (`world`) or only between the forty the rules watch (a dense, alert-heavy stream)."""
    rng = random.Random(seed)
    pool = COUNTRIES + OTHERS if world else COUNTRIES
    events: list[Event] = []
    for i in range(n):
        event_type = rng.choice(EVENT_TYPES)
        a, b = rng.sample(pool, 2)
        data: dict[str, Any] = {
            "type": event_type,
            "event_id": f"e{i}",
            "fused_id": f"f{i}",
            "article_id": f"a{i // 5}",
            "sentence": "A generated evidence sentence.",
            "span": (0, 30),
            "modality": rng.choice(("asserted", "reported", "planned", "speculative")),
            "confidence": rng.random(),
            "sources": rng.sample(["Yonhap", "KCNA", "TASS", "AP", "NK News"], rng.randint(0, 3)),
        }
        if event_type in ("delegation_visit", "troop_deployment", "arms_transfer", "invitation"):
            data.update(origin=a, destination=b)
        if event_type == "delegation_visit":
            data.update(leader=rng.choice(LEADERS), delegation_kind=rng.choice(KINDS))
        elif event_type == "troop_deployment":
            data.update(troops_min=rng.choice((None, 800, 1000, 3000, 10000)))
        elif event_type == "arms_transfer":
            data.update(items=["artillery"])
        elif event_type == "weapons_test":
            data.update(country=a, weapon="ICBM")
        elif event_type == "agreement":
            data.update(parties=[a, b])
        elif event_type in ("meeting", "military_exercise"):
            data.update(countries=[a, b])
        events.append(EVENT_ADAPTER.validate_python(data))
    return events


async def _run(rules: RuleFile, events: list[Event]) -> tuple[float, int]:
    engine = RuleEngine(rules, MemoryRuleState())
    start = datetime(2025, 1, 1, tzinfo=UTC)
    # one processing time per event, a second apart, so windows and realert do real work
    times = [start + timedelta(seconds=i) for i in range(len(events))]
    alerts = 0
    began = time.perf_counter()
    for i in range(0, len(events), BATCH):  # as the alert worker hands them over: one read
        alerts += len(await engine.evaluate_many(events[i : i + BATCH], times[i : i + BATCH]))
    return time.perf_counter() - began, alerts


def measure(n_events: int = 50_000, rule_counts: tuple[int, ...] = RULE_COUNTS) -> dict[str, Any]:
    """Events/s of `RuleEngine.evaluate` (MemoryRuleState) for each rule count, best of 3, on
    a world-wide stream and on a dense one, with the alerts per event each fired."""
    results: dict[str, Any] = {"rule_eval_events": n_events}
    for stream, world in (("world", True), ("dense", False)):
        events = generate_events(n_events, world=world)
        for n in rule_counts:
            rules = generate_rules(n)
            seconds, alerts = min(asyncio.run(_run(rules, events)) for _ in range(3))
            results[f"rule_eval_{stream}_events_per_s_{n}_rules"] = round(n_events / seconds)
            results[f"rule_eval_{stream}_alerts_per_event_{n}_rules"] = round(alerts / n_events, 4)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
