"""The rule engine against a real Redis (and the in-memory state, which must agree with it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from schemas.alerts import Alert, RuleFile
from schemas.events import ArmsTransfer, DelegationVisit, Event, TroopDeployment
from services import names
from services.alert.engine import (
    MemoryRuleState,
    RedisRuleState,
    RuleEngine,
    RuleState,
    alert_id,
    backtest,
)
from services.alert.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)
TTL = 30 * 86400


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


def troops(fused: str, article: str = "a1", **kw: object) -> TroopDeployment:
    base: dict[str, object] = {
        "article_id": article,
        "sentence": f"An additional 1,000 to 3,000 soldiers were sent ({fused}).",
        "span": (0, 10),
        "modality": "reported",
        "origin": "PRK",
        "destination": "RUS",
        "troops_min": 1000,
        "troops_max": 3000,
        "fused_id": fused,
    }
    return TroopDeployment.model_validate({**base, **kw}).with_id()  # type: ignore[return-value]


def visit(fused: str, article: str = "a2", **kw: object) -> DelegationVisit:
    base: dict[str, object] = {
        "article_id": article,
        "sentence": f"Sergei Shoigu arrived in Pyongyang ({fused}).",
        "span": (0, 10),
        "origin": "RUS",
        "destination": "PRK",
        "leader": "Sergei Shoigu",
        "delegation_kind": "security",
        "fused_id": fused,
    }
    return DelegationVisit.model_validate({**base, **kw}).with_id()  # type: ignore[return-value]


def arms(fused: str, article: str = "a3", **kw: object) -> ArmsTransfer:
    base: dict[str, object] = {
        "article_id": article,
        "sentence": f"North Korea shipped artillery shells to Russia ({fused}).",
        "span": (0, 10),
        "origin": "PRK",
        "destination": "RUS",
        "items": ["artillery"],
        "fused_id": fused,
    }
    return ArmsTransfer.model_validate({**base, **kw}).with_id()  # type: ignore[return-value]


def rules(*items: dict[str, object]) -> RuleFile:
    return RuleFile.model_validate({"rules": list(items)})


@pytest.fixture(params=["redis", "memory"])
async def state(request: pytest.FixtureRequest) -> AsyncIterator[RuleState]:
    """Each test runs on the real Redis state and on the in-memory one."""
    if request.param == "memory":
        yield MemoryRuleState()
        return
    client = aioredis.Redis.from_url(request.getfixturevalue("redis_url"))
    yield RedisRuleState(client, ttl_seconds=TTL)
    await client.aclose()


async def run(engine: RuleEngine, steps: list[tuple[Event, datetime]]) -> list[list[str]]:
    """The rule names fired by each step."""
    return [[a.rule for a in await engine.evaluate(e, now=t)] for e, t in steps]


# -- match, dedup, replay, realert -----------------------------------------------------


async def test_match_fires_once_per_fused_event(state: RuleState) -> None:
    engine = RuleEngine(rules({"name": "troops", "types": ["troop_deployment"]}), state)
    fired = await run(
        engine,
        [
            (troops("f1", "a1"), at()),
            (troops("f1", "a2"), at(minutes=1)),  # the same deployment in another article
            (troops("f2", "a3", troops_min=5000, troops_max=None), at(minutes=2)),
        ],
    )
    assert fired == [["troops"], [], ["troops"]]


async def test_alert_carries_evidence_and_a_deterministic_id(state: RuleState) -> None:
    rule = {"name": "troops", "severity": "critical", "labels": {"team": "korea"},
            "types": ["troop_deployment"], "group_by": ["origin", "destination"]}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    event = troops("f1", "004_d380d26159340064", sources=["Yonhap", "NK News"])
    [alert] = await engine.evaluate(event, now=T0)
    assert alert.alert_id == alert_id("troops", "PRK|RUS", "f1")
    assert (alert.rule, alert.kind, alert.severity, alert.key) == (
        "troops", "match", "critical", "PRK|RUS",
    )  # fmt: skip
    assert alert.labels == {"team": "korea"}
    assert alert.summary == (
        "PRK → RUS troop_deployment 1,000–3,000 (reported) — 004_d380d26159340064"
    )
    assert alert.events[0].sentence == event.sentence
    assert alert.article_ids == ["004_d380d26159340064"]
    assert alert.sources == ["Yonhap", "NK News"]
    assert alert.fused_id == "f1" and alert.fired_at == T0
    assert Alert.model_validate_json(alert.model_dump_json()) == alert  # survives the stream


async def test_replaying_the_default_rules_gives_no_new_alerts(state: RuleState) -> None:
    engine = RuleEngine(load_rules(ROOT / "rules" / "default.yaml"), state)
    events: list[Event] = [
        troops("f1", sources=["a", "b"]),
        visit("v1"),
        visit("v2", origin="PRK", destination="RUS", leader="Kim Jong Un", modality="planned"),
        visit("v3", leader="Andrey Rudenko", delegation_kind="diplomatic"),
        arms("t1"),
    ]
    first = [a for e in events for a in await engine.evaluate(e, now=at(hours=1))]
    fired = {a.rule for a in first}
    assert {"prk-troops-to-russia", "rus-security-delegation-to-prk", "prk-rus-delegation",
            "kim-jong-un-trip-planned", "visit-then-arms-transfer", "prk-rus-corroborated",
            "new-official-visiting", "prk-rus-visit-surge"} <= fired  # fmt: skip
    assert len({a.alert_id for a in first}) == len(first)
    again = [a for e in events for a in await engine.evaluate(e, now=at(hours=2))]
    assert again == []
    later = [a for e in events for a in await engine.evaluate(e, now=at(days=10))]
    assert later == []  # past every realert and window: still one alert per fused event


async def test_realert_window_per_key(state: RuleState) -> None:
    rule = {"name": "troops", "types": ["troop_deployment"], "group_by": ["origin"],
            "realert": "1h"}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    fired = await run(
        engine,
        [
            (troops("f1"), at()),
            (troops("f2"), at(minutes=30)),  # same key within the hour: dropped
            (troops("f3", origin="CHN"), at(minutes=31)),  # another key: fires
            (troops("f2"), at(minutes=70)),  # f2 was dropped for good, not postponed
            (troops("f4"), at(minutes=61)),  # the hour from f1 is over
            (troops("f5"), at(minutes=100)),  # within the hour from f4
            (troops("f6"), at(minutes=122)),
        ],
    )
    assert fired == [["troops"], [], ["troops"], [], ["troops"], [], ["troops"]]


# -- threshold, first_seen, corroborated, sequence -------------------------------------


async def test_threshold_counts_distinct_fused_events_in_the_window(state: RuleState) -> None:
    rule = {"name": "surge", "kind": "threshold", "types": ["troop_deployment"],
            "group_by": ["origin", "destination"], "count": 3, "window": "1h"}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    steps: list[tuple[Event, datetime]] = [
        (troops("f1"), at()),
        (troops("f2"), at(minutes=10)),
        (troops("f2", "other"), at(minutes=11)),  # same fused event: not counted twice
        (troops("c1", origin="CHN"), at(minutes=12)),  # another key
        (troops("f3"), at(minutes=20)),  # third distinct one: fires
        (troops("f4"), at(minutes=21)),  # the window started afresh
        (troops("f5"), at(minutes=95)),  # f4 has left the window; f1–f3 were used
        (troops("f6"), at(minutes=200)),  # f5 has left it too
        (troops("f7"), at(minutes=210)),
        (troops("f8"), at(minutes=220)),
    ]
    fired = await run(engine, steps)
    assert fired == [[], [], [], [], ["surge"], [], [], [], [], ["surge"]]
    replay = await run(engine, steps)
    assert replay == [[]] * len(steps)


async def test_threshold_alert_carries_the_window_events(state: RuleState) -> None:
    rule = {"name": "surge", "kind": "threshold", "types": ["troop_deployment"],
            "count": 2, "window": "1d"}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    assert await engine.evaluate(troops("f1", "a1"), now=at()) == []
    [alert] = await engine.evaluate(troops("f2", "a2"), now=at(hours=1))
    assert [e.fused_id for e in alert.events] == ["f1", "f2"]
    assert alert.article_ids == ["a1", "a2"]
    assert alert.summary.startswith("2 events within 1d: PRK → RUS")


async def test_first_seen_fires_for_a_new_key_only(state: RuleState) -> None:
    rule = {"name": "new-official", "kind": "first_seen", "types": ["delegation_visit"],
            "where": {"leader": {"exists": True}}, "group_by": ["leader"]}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    fired = await run(
        engine,
        [
            (visit("v1"), at()),
            (visit("v2"), at(days=3)),  # Shoigu again, another visit
            (visit("v3", leader="Andrey Rudenko"), at(days=4)),
            (visit("v4", leader=None), at(days=5)),  # no leader: not matched
        ],
    )
    assert fired == [["new-official"], [], ["new-official"], []]


async def test_corroborated_fires_when_enough_sources_report_it(state: RuleState) -> None:
    rule = {"name": "corr", "kind": "corroborated", "types": ["troop_deployment"],
            "min_sources": 2}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    fired = await run(
        engine,
        [
            (troops("f1", "a1", sources=["Yonhap"]), at()),
            (troops("f1", "a2", sources=["Yonhap", "Yonhap"]), at(minutes=1)),  # not distinct
            (troops("f1", "a3", sources=["Yonhap", "NK News"]), at(minutes=2)),
            (troops("f1", "a4", sources=["Yonhap", "NK News", "AP"]), at(minutes=3)),
        ],
    )
    assert fired == [[], [], ["corr"], []]


SEQUENCE = {
    "name": "visit-then-arms",
    "kind": "sequence",
    "first": {"types": ["delegation_visit"]},
    "then": {"types": ["arms_transfer"]},
    "group_by": ["origin", "destination"],
    "key_unordered": True,
    "window": "30d",
}


async def test_sequence_a_then_b_within_the_window(state: RuleState) -> None:
    engine = RuleEngine(rules(SEQUENCE), state)
    fired = await run(
        engine,
        [
            (arms("t0"), at()),  # B before any A: nothing
            (visit("v1"), at(days=1)),  # RUS → PRK
            (arms("t1", origin="CHN"), at(days=2)),  # another pair
            (arms("t2"), at(days=10)),  # PRK → RUS: same pair, unordered
            (arms("t2", "again"), at(days=11)),  # the same transfer again
            (arms("t3"), at(days=40)),  # the visit is 39 days old
        ],
    )
    assert fired == [[], [], [], ["visit-then-arms"], [], []]


async def test_sequence_alert_holds_both_events(state: RuleState) -> None:
    engine = RuleEngine(rules(SEQUENCE), state)
    await engine.evaluate(visit("v1", "visit-article"), now=at())
    [alert] = await engine.evaluate(arms("t1", "arms-article"), now=at(days=3))
    assert [e.type for e in alert.events] == ["delegation_visit", "arms_transfer"]
    assert alert.article_ids == ["visit-article", "arms-article"]
    assert alert.key == "PRK|RUS"
    assert "then within 30d" in alert.summary


async def test_one_event_can_close_and_open_a_sequence(state: RuleState) -> None:
    rule = {"name": "two-visits", "kind": "sequence", "first": {"types": ["delegation_visit"]},
            "then": {"types": ["delegation_visit"]}, "group_by": ["leader"],
            "window": "7d"}  # fmt: skip
    engine = RuleEngine(rules(rule), state)
    fired = await run(engine, [(visit("v1"), at()), (visit("v2"), at(days=1))])
    assert fired == [[], ["two-visits"]]  # an event never pairs with itself


# -- the engine around the state -------------------------------------------------------


async def test_replace_rules_takes_effect_and_keeps_state(state: RuleState) -> None:
    engine = RuleEngine(rules({"name": "troops", "types": ["troop_deployment"]}), state)
    assert len(await engine.evaluate(troops("f1"), now=at())) == 1
    engine.replace_rules(
        rules(
            {"name": "troops", "types": ["troop_deployment"]},
            {"name": "visits", "types": ["delegation_visit"]},
        )
    )
    assert await engine.evaluate(troops("f1"), now=at(minutes=1)) == []
    assert [a.rule for a in await engine.evaluate(visit("v1"), now=at(minutes=2))] == ["visits"]


def _script() -> list[tuple[Event, datetime]]:
    """A mixed stream exercising every kind, with repeats."""
    steps: list[tuple[Event, datetime]] = []
    for i in range(30):
        t = at(hours=7 * i)
        steps.append((troops(f"f{i % 11}", f"a{i}", sources=[f"s{j}" for j in range(i % 4)]), t))
        steps.append((visit(f"v{i % 7}", leader=f"Leader {i % 5}"), t + timedelta(minutes=1)))
        if i % 3 == 0:
            steps.append((arms(f"t{i}"), t + timedelta(minutes=2)))
    return steps


async def test_memory_state_agrees_with_redis(aredis: aioredis.Redis) -> None:
    rule_file = load_rules(ROOT / "rules" / "default.yaml")
    extra = rules(
        {"name": "surge", "kind": "threshold", "types": ["troop_deployment"], "count": 3,
         "window": "1d", "group_by": ["origin"], "realert": "2d"},
        {"name": "realert", "types": ["delegation_visit"], "group_by": ["leader"],
         "realert": "20h"},
    )  # fmt: skip
    both = RuleFile(rules=[*rule_file.rules, *extra.rules])
    steps = _script()
    fired: list[list[Alert]] = []
    for state in (RedisRuleState(aredis, ttl_seconds=TTL), MemoryRuleState()):
        engine = RuleEngine(both, state)
        fired.append([a for e, t in steps for a in await engine.evaluate(e, now=t)])
    on_redis, in_memory = fired
    assert len(on_redis) > 20
    assert {a.rule for a in on_redis} >= {"surge", "realert", "prk-rus-corroborated"}
    assert [a.model_dump() for a in on_redis] == [a.model_dump() for a in in_memory]
    assert await backtest(both, [e for e, _ in steps], [t for _, t in steps]) == in_memory


async def test_a_batch_decided_in_one_round_trip_fires_what_single_events_fire(
    aredis: aioredis.Redis,
) -> None:
    """The worker hands the engine a whole read at once: its steps go to Redis in one
    pipeline, and must fire exactly what evaluating the events one by one fires."""
    rule_file = load_rules(ROOT / "rules" / "default.yaml")
    extra = rules(
        {"name": "surge", "kind": "threshold", "types": ["troop_deployment"], "count": 3,
         "window": "1d", "group_by": ["origin"]},
        {"name": "first-leader", "kind": "first_seen", "types": ["delegation_visit"],
         "group_by": ["leader"]},
    )  # fmt: skip
    both = RuleFile(rules=[*rule_file.rules, *extra.rules])
    steps = _script()
    one_by_one = RuleEngine(both, MemoryRuleState())
    expected = [a for e, t in steps for a in await one_by_one.evaluate(e, now=t)]
    batched = RuleEngine(both, RedisRuleState(aredis, ttl_seconds=TTL))
    got: list[Alert] = []
    for i in range(0, len(steps), 16):  # reads of 16, as a worker's batches come
        chunk = steps[i : i + 16]
        got += await batched.evaluate_many([e for e, _ in chunk], [t for _, t in chunk])
    assert {a.kind for a in got} >= {"match", "threshold", "first_seen", "sequence"}
    assert [a.model_dump() for a in got] == [a.model_dump() for a in expected]
    # the same batches again: every alert was claimed the first time
    for i in range(0, len(steps), 16):
        chunk = steps[i : i + 16]
        again = await batched.evaluate_many([e for e, _ in chunk], [t for _, t in chunk])
        assert again == []


async def test_redis_state_keys_are_prefixed_and_expire(aredis: aioredis.Redis) -> None:
    engine = RuleEngine(load_rules(ROOT / "rules" / "default.yaml"), RedisRuleState(aredis, TTL))
    for event, t in _script()[:12]:
        await engine.evaluate(event, now=t)
    keys = [k.decode() for k in await aredis.keys("*")]
    assert keys
    assert all(k.startswith(names.ALERT_STATE_PREFIX) for k in keys), keys
    for key in keys:
        assert 0 < await aredis.pttl(key) <= TTL * 1000, key


async def test_workers_racing_on_one_redis_fire_each_alert_once(redis_url: str) -> None:
    rule_file = load_rules(ROOT / "rules" / "default.yaml")
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(4)]
    engines = [RuleEngine(rule_file, RedisRuleState(c, TTL)) for c in clients]
    steps = _script()

    async def worker(engine: RuleEngine) -> list[Alert]:
        return [a for e, t in steps for a in await engine.evaluate(e, now=t)]

    try:
        results = await asyncio.gather(*(worker(e) for e in engines))
    finally:
        for c in clients:
            await c.aclose()
    ids = [a.alert_id for r in results for a in r]
    assert len(ids) == len(set(ids)) > 0
    alone = await backtest(rule_file, [e for e, _ in steps], [t for _, t in steps])
    # match, first_seen and corroborated alerts do not depend on who saw what first
    simple = {"match", "first_seen", "corroborated"}
    assert {a.alert_id for a in alone if a.kind in simple} == {
        a.alert_id for r in results for a in r if a.kind in simple
    }


async def test_backtest_without_times_uses_one_clock() -> None:
    rule_file = load_rules(ROOT / "rules" / "default.yaml")
    alerts = await backtest(rule_file, [visit("v1"), arms("t1"), troops("f1"), troops("f1")])
    assert [a.rule for a in alerts].count("prk-troops-to-russia") == 1
    assert "visit-then-arms-transfer" in {a.rule for a in alerts}


async def test_a_redelivered_read_fires_what_it_fired_and_a_replay_fires_nothing(
    aredis: aioredis.Redis,
) -> None:
    """A worker can die after the state decided a read but before its alerts went out; the
    read comes back with the same stream ids and must fire the same alerts (none lost), while
    the same events under new ids (a replay) fire nothing, and a "no" stays a "no"."""
    engine = RuleEngine(
        rules(
            {
                "name": "troops",
                "types": ["troop_deployment"],
                "group_by": ["origin"],
                "realert": "1h",
            },
            {
                "name": "surge",
                "kind": "threshold",
                "types": ["troop_deployment"],
                "count": 2,
                "window": "1d",
                "group_by": ["origin"],
            },
            {
                "name": "new-visitor",
                "kind": "first_seen",
                "types": ["delegation_visit"],
                "group_by": ["leader"],
            },
            SEQUENCE,
        ),
        RedisRuleState(aredis, TTL),
    )
    events: list[Event] = [visit("v1"), troops("d1"), troops("d2"), arms("t1")]
    ids = ["1-0", "2-0", "3-0", "4-0"]

    def fired(alerts: list[Alert]) -> list[tuple[str, str]]:
        return sorted((a.rule, a.fused_id) for a in alerts)

    first = await engine.evaluate_many(events, at(), tokens=ids)
    assert fired(first) == [  # d2 is within troops' realert window: no alert of its own
        ("new-visitor", "v1"), ("surge", "d2"), ("troops", "d1"), ("visit-then-arms", "t1"),
    ]  # fmt: skip
    again = await engine.evaluate_many(events, at(minutes=5), tokens=ids)
    assert fired(again) == fired(first)
    assert [a.alert_id for a in again] == [a.alert_id for a in first]
    surge = next(a for a in again if a.rule == "surge")
    assert [e.fused_id for e in surge.events] == ["d1", "d2"]
    assert (
        await engine.evaluate_many(events, at(minutes=10), tokens=["5-0", "6-0", "7-0", "8-0"])
        == []
    )
    assert await engine.evaluate_many(events, at(minutes=15)) == []  # no ids: no redelivery
