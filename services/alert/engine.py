"""Events in, alerts out: the rule kinds' logic over a `RuleState` (Redis, or memory for backtests).

Windows and realert use processing time (`now`), not `occurred_on`: event dates are often
missing, only as precise as a month or a year, resolved from relative phrases, and arrive out
of order; what an analyst means by "not twice within 6 hours" is time on their clock. A
backtest that knows when each event was stored passes those times as `now`.

One alert per rule per fused event: a marker per (rule, fused event) is claimed atomically
before an alert is made, so replaying events, or several workers racing, gives no second alert.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from schemas.alerts import (
    Alert,
    CorroboratedRule,
    FirstSeenRule,
    MatchRule,
    RuleFile,
    SequenceRule,
    ThresholdRule,
    WatchRule,
)
from schemas.events import EVENT_ADAPTER, Event
from services.alert.rules import Entry, RuleIndex
from services.connect import AsyncRedis
from services.names import rule_state_key

log = logging.getLogger(__name__)
# The events a threshold alert carries at most (the latest ones): evidence, not an archive.
MAX_ALERT_EVENTS = 20


# -- pure helpers ----------------------------------------------------------------------


def fused_of(event: Event) -> str:
    """The real-world event an event stands for: its fused id, else its own id."""
    return event.fused_id or event.event_id or event.with_id().event_id


def _key_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ",".join(sorted(str(v) for v in value)) or "-"
    return str(value)


def rule_key(rule: WatchRule, event: Event) -> str:
    """The rule's key for an event: its `group_by` values joined with `|` ("" without group_by)."""
    values = [_key_value(getattr(event, name, None)) for name in rule.group_by]
    if rule.key_unordered:
        values.sort()
    return "|".join(values)


def alert_id(rule: str, key: str, fused: str) -> str:
    """A deterministic id: the same rule, key and fused event always give the same alert id."""
    return hashlib.sha256(f"{rule}\x1f{key}\x1f{fused}".encode()).hexdigest()[:20]


def format_duration(delta: timedelta) -> str:
    """30d, 12h, 15m or 30s: the largest unit that divides the duration."""
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _troops(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and high != low:
        return f"{low:,}–{high:,}"
    if low is not None:
        return f"{low:,}" if high == low else f"≥{low:,}"
    return f"≤{high:,}" if high is not None else ""


def describe(event: Event) -> str:
    """One line for a human: "PRK → RUS troop_deployment 1,000–3,000 (reported) — <article>"."""
    d: dict[str, Any] = event.__dict__  # read-only: model_dump would copy every field
    if d.get("origin") or d.get("destination"):
        head = f"{d.get('origin') or '?'} → {d.get('destination') or '?'}"
    elif d.get("country"):
        head = d["country"]
    else:
        head = "–".join(d.get("parties") or d.get("countries") or []) or "?"
    parts = [head, event.type]
    if event.type == "troop_deployment":
        parts += [
            _troops(d["troops_min"], d["troops_max"]),
            "additional" if d["additional"] else "",
        ]
    elif event.type == "delegation_visit":
        parts += [d["leader"] or "", f"[{d['delegation_kind']}]" if d["delegation_kind"] else ""]
    elif event.type == "arms_transfer":
        parts.append(", ".join(d["items"]))
    elif event.type == "weapons_test":
        parts.append(d["weapon"] or "")
    elif event.type == "agreement":
        parts += [d["agreement_kind"], d["name"] or "", d["status"] or ""]
    elif event.type == "meeting":
        parts.append(", ".join(d["participants"]))
    elif event.type == "invitation":
        parts += [d["invitee"] or "", d["occasion"] or ""]
    elif event.type == "military_exercise":
        parts.append(d["name"] or "")
    text = " ".join(p for p in parts if p)
    return f"{text} ({event.modality}) — {event.article_id}"


def summarize(rule: WatchRule, key: str, events: list[Event]) -> str:
    """The alert's summary line, by rule kind, around the latest event."""
    last = events[-1]
    if isinstance(rule, ThresholdRule):
        return f"{len(events)} events within {format_duration(rule.window)}: {describe(last)}"
    if isinstance(rule, SequenceRule) and len(events) > 1:
        window = format_duration(rule.window)
        return f"{describe(events[0])}, then within {window}: {describe(last)}"
    if isinstance(rule, CorroboratedRule):
        return f"{describe(last)} [{len(last.sources)} sources]"
    if isinstance(rule, FirstSeenRule):
        return f"first seen {key}: {describe(last)}"
    return describe(last)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


_ALERT_FIELDS = frozenset(Alert.model_fields)


def _construct_alert(**values: Any) -> Alert:
    """An Alert from values built here out of validated models, without validating them again.

    What `Alert.model_construct` does, without its per-field default handling: every field is
    given, and at 1,000 rules alert building was the largest cost of an event.
    """
    alert = Alert.__new__(Alert)
    object.__setattr__(alert, "__dict__", values)
    object.__setattr__(alert, "__pydantic_fields_set__", set(_ALERT_FIELDS))
    object.__setattr__(alert, "__pydantic_extra__", None)
    object.__setattr__(alert, "__pydantic_private__", None)
    return alert


def make_alert(rule: WatchRule, key: str, fused: str, events: list[Event], now: datetime) -> Alert:
    """Build the alert for a rule that fired on `fused`, with its events and their evidence."""
    return _construct_alert(
        alert_id=alert_id(rule.name, key, fused),
        rule=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        labels=dict(rule.labels),
        key=key,
        summary=summarize(rule, key, events),
        description=rule.description,
        fused_id=fused,
        events=events,
        article_ids=[events[0].article_id]
        if len(events) == 1
        else _unique(e.article_id for e in events),
        sources=list(dict.fromkeys(s for e in events for s in e.sources)),
        fired_at=now,
    )


# -- state -----------------------------------------------------------------------------


class RuleState(Protocol):
    """What the rule kinds remember between events; times are milliseconds of `now`."""

    # Whether a step waits on I/O, so that deciding several rules at once saves time.
    concurrent: bool

    async def claim(self, rule: str, key: str, fused: str, realert_ms: int, now_ms: int) -> bool:
        """Take the one alert of (rule, fused) unless taken or the key is within realert."""
        ...

    async def first_seen(self, rule: str, key: str, now_ms: int) -> bool:
        """True only the first time (rule, key) is seen."""
        ...

    async def threshold(
        self,
        rule: str,
        key: str,
        fused: str,
        event: Event,
        window_ms: int,
        count: int,
        realert_ms: int,
        now_ms: int,
    ) -> list[Event] | None:
        """Count a fused event once in the key's window; the window's events when it reaches
        `count` (the window then starts afresh), else None."""
        ...

    async def remember(
        self, rule: str, key: str, fused: str, event: Event, window_ms: int, now_ms: int
    ) -> None:
        """Keep a sequence's first-step event for the window."""
        ...

    async def recall(
        self, rule: str, key: str, fused: str, window_ms: int, now_ms: int
    ) -> Event | None:
        """The latest first-step event of the key within the window, other than `fused`."""
        ...


class _Window:
    """Events by processing time, sorted as a Redis sorted set orders them (time, then id)."""

    def __init__(self) -> None:
        self.order: list[tuple[int, str]] = []
        self.events: dict[str, tuple[int, Event]] = {}

    def trim(self, cutoff: int) -> None:
        cut = bisect.bisect_left(self.order, cutoff, key=_time)
        for _, fused in self.order[:cut]:
            del self.events[fused]
        del self.order[:cut]

    def add(self, fused: str, event: Event, ms: int) -> None:
        if fused in self.events:
            self.order.remove((self.events[fused][0], fused))
        bisect.insort(self.order, (ms, fused))
        self.events[fused] = (ms, event)


def _time(pair: tuple[int, str]) -> int:
    return pair[0]


class MemoryRuleState:
    """Rule state in dicts, for backtests and fast unit tests (one process only)."""

    concurrent = False

    def __init__(self) -> None:
        self._fired: set[tuple[str, str]] = set()
        self._seen: set[tuple[str, str]] = set()
        self._first: set[tuple[str, str]] = set()
        self._realert: dict[tuple[str, str], int] = {}
        self._windows: dict[tuple[str, str], _Window] = {}
        self._firsts: dict[tuple[str, str], _Window] = {}

    def _realert_open(self, rule: str, key: str, realert_ms: int, now_ms: int) -> bool:
        if realert_ms <= 0:
            return True
        if self._realert.get((rule, key), 0) > now_ms:
            return False
        self._realert[(rule, key)] = now_ms + realert_ms
        return True

    async def claim(self, rule: str, key: str, fused: str, realert_ms: int, now_ms: int) -> bool:
        if (rule, fused) in self._fired:
            return False
        self._fired.add((rule, fused))
        return self._realert_open(rule, key, realert_ms, now_ms)

    async def first_seen(self, rule: str, key: str, now_ms: int) -> bool:
        if (rule, key) in self._first:
            return False
        self._first.add((rule, key))
        return True

    async def threshold(
        self,
        rule: str,
        key: str,
        fused: str,
        event: Event,
        window_ms: int,
        count: int,
        realert_ms: int,
        now_ms: int,
    ) -> list[Event] | None:
        if (rule, fused) in self._seen:
            return None
        self._seen.add((rule, fused))
        window = self._windows.get((rule, key))
        if window is None:
            window = self._windows[(rule, key)] = _Window()
        window.trim(now_ms - window_ms)
        window.add(fused, event, now_ms)
        if len(window.order) < count or not self._realert_open(rule, key, realert_ms, now_ms):
            return None
        del self._windows[(rule, key)]
        return [window.events[f][1] for _, f in window.order[-MAX_ALERT_EVENTS:]]

    async def remember(
        self, rule: str, key: str, fused: str, event: Event, window_ms: int, now_ms: int
    ) -> None:
        window = self._firsts.get((rule, key))
        if window is None:
            window = self._firsts[(rule, key)] = _Window()
        window.trim(now_ms - window_ms)
        window.add(fused, event, now_ms)

    async def recall(
        self, rule: str, key: str, fused: str, window_ms: int, now_ms: int
    ) -> Event | None:
        window = self._firsts.get((rule, key))
        if window is None:
            return None
        cutoff = now_ms - window_ms
        end = bisect.bisect_right(window.order, now_ms, key=_time)
        for ms, other in reversed(window.order[max(0, end - 2) : end]):
            if other != fused and ms >= cutoff:
                return window.events[other][1]
        return None


# Realert keys hold the end of their window in `now` milliseconds, so tests and backtests with
# explicit times behave as live; their TTL only collects garbage.
_CLAIM = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) then return 0 end
local realert = tonumber(ARGV[2])
if realert > 0 then
  local now = tonumber(ARGV[1])
  if tonumber(redis.call('GET', KEYS[2]) or '0') > now then return 0 end
  redis.call('SET', KEYS[2], string.format('%.0f', now + realert), 'PX', ARGV[2])
end
return 1
"""

_TRIM = """
local function trim(zset, hash, cutoff)
  local old = redis.call('ZRANGEBYSCORE', zset, '-inf', '(' .. cutoff)
  for i = 1, #old, 500 do
    redis.call('HDEL', hash, unpack(old, i, math.min(i + 499, #old)))
  end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', zset, '-inf', '(' .. cutoff) end
end
"""

_THRESHOLD = (
    _TRIM
    + """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[5]) then return false end
local now = tonumber(ARGV[1])
trim(KEYS[2], KEYS[3], string.format('%.0f', now - tonumber(ARGV[2])))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[6])
redis.call('HSET', KEYS[3], ARGV[6], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[3]) then return false end
local realert = tonumber(ARGV[4])
if realert > 0 then
  if tonumber(redis.call('GET', KEYS[4]) or '0') > now then return false end
  redis.call('SET', KEYS[4], string.format('%.0f', now + realert), 'PX', ARGV[4])
end
local members = redis.call('ZRANGE', KEYS[2], -tonumber(ARGV[8]), -1)
local events = redis.call('HMGET', KEYS[3], unpack(members))
redis.call('DEL', KEYS[2], KEYS[3])
return events
"""
)

_REMEMBER = (
    _TRIM
    + """
trim(KEYS[1], KEYS[2], string.format('%.0f', tonumber(ARGV[1]) - tonumber(ARGV[2])))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
"""
)

_RECALL = """
local now = tonumber(ARGV[1])
local cutoff = string.format('%.0f', now - tonumber(ARGV[2]))
local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], cutoff, 'LIMIT', 0, 2)
for _, m in ipairs(members) do
  if m ~= ARGV[3] then return redis.call('HGET', KEYS[2], m) end
end
return false
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisRuleState:
    """Rule state in Redis under `ALERT_STATE_PREFIX`; every step is one atomic command or
    script, so several alert workers can share it. A script only touches keys of one rule, and
    a rule's keys share its hash tag (`names.rule_state_key`), so this works on a Cluster."""

    concurrent = True

    def __init__(self, redis: AsyncRedis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_ms = int(ttl_seconds * 1000)
        self._claim = redis.register_script(_CLAIM)
        self._threshold = redis.register_script(_THRESHOLD)
        self._remember = redis.register_script(_REMEMBER)
        self._recall = redis.register_script(_RECALL)

    @staticmethod
    def _key(part: str, rule: str, rest: str) -> str:
        return rule_state_key(rule, part, rest)

    async def claim(self, rule: str, key: str, fused: str, realert_ms: int, now_ms: int) -> bool:
        keys = [self._key("fired", rule, fused), self._key("realert", rule, key)]
        return bool(await self._claim(keys=keys, args=[now_ms, realert_ms, self.ttl_ms]))

    async def first_seen(self, rule: str, key: str, now_ms: int) -> bool:
        done = await self.redis.set(self._key("first", rule, key), now_ms, nx=True, px=self.ttl_ms)
        return bool(done)

    async def threshold(
        self,
        rule: str,
        key: str,
        fused: str,
        event: Event,
        window_ms: int,
        count: int,
        realert_ms: int,
        now_ms: int,
    ) -> list[Event] | None:
        keys = [
            self._key("seen", rule, fused),
            self._key("window", rule, key),
            self._key("windowev", rule, key),
            self._key("realert", rule, key),
        ]
        args: list[Any] = [now_ms, window_ms, count, realert_ms, self.ttl_ms, fused]
        args += [event.model_dump_json(), MAX_ALERT_EVENTS]
        raw = await self._threshold(keys=keys, args=args)
        if not raw:
            return None
        return [EVENT_ADAPTER.validate_json(_text(r)) for r in raw if r is not None]

    async def remember(
        self, rule: str, key: str, fused: str, event: Event, window_ms: int, now_ms: int
    ) -> None:
        keys = [self._key("seq", rule, key), self._key("seqev", rule, key)]
        await self._remember(keys=keys, args=[now_ms, window_ms, fused, event.model_dump_json()])

    async def recall(
        self, rule: str, key: str, fused: str, window_ms: int, now_ms: int
    ) -> Event | None:
        keys = [self._key("seq", rule, key), self._key("seqev", rule, key)]
        raw = await self._recall(keys=keys, args=[now_ms, window_ms, fused])
        return EVENT_ADAPTER.validate_json(_text(raw)) if raw else None


# -- the engine ------------------------------------------------------------------------


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


class RuleEngine:
    """Evaluates events against the current rules; rules can be swapped while it runs."""

    def __init__(self, rules: RuleFile, state: RuleState) -> None:
        self.state = state
        self.replace_rules(rules)

    def replace_rules(self, rules: RuleFile) -> None:
        """Use new rules from the next event on; state is kept by rule name."""
        self.rules = rules
        self.index = RuleIndex(rules.rules)
        self._times = {
            r.name: (_ms(r.realert), _ms(getattr(r, "window", timedelta(0)))) for r in rules.rules
        }

    async def evaluate(self, event: Event, now: datetime | None = None) -> list[Alert]:
        """The alerts this event fires now (processing time, see the module's docstring)."""
        entries = self.index.matching(event)
        if not entries:
            return []
        now = now or datetime.now(UTC)
        now_ms = int(now.timestamp() * 1000)
        fused = fused_of(event)
        # Each rule keeps its own state (keys per rule), so the rules one event matches are
        # decided concurrently: about one round trip to Redis per event instead of one per
        # rule. A sequence rule's two steps stay in order ("then" is checked before "first"
        # remembers this event), so entries of one rule run one after the other.
        by_rule: dict[str, list[Entry]] = {}
        for entry in entries:
            by_rule.setdefault(entry.rule.name, []).append(entry)

        async def decide_rule(steps: list[Entry]) -> list[tuple[Entry, list[Event] | None]]:
            return [(step, await self._decide(step, event, fused, now_ms)) for step in steps]

        if self.state.concurrent and len(by_rule) > 1:
            decided = await asyncio.gather(*(decide_rule(steps) for steps in by_rule.values()))
        else:  # in memory nothing waits: tasks would only add their own cost
            decided = [await decide_rule(steps) for steps in by_rule.values()]
        fired = {id(entry): events for group in decided for entry, events in group}
        return [
            make_alert(entry.rule, rule_key(entry.rule, event), fused, events, now)
            for entry in entries
            if (events := fired[id(entry)])
        ]

    async def _decide(
        self, entry: Entry, event: Event, fused: str, now_ms: int
    ) -> list[Event] | None:
        """The events behind the alert that `entry`'s rule fires for `event`, if it fires."""
        rule, state = entry.rule, self.state
        key = rule_key(rule, event)
        realert, window = self._times[rule.name]
        if isinstance(rule, MatchRule):
            fires = await state.claim(rule.name, key, fused, realert, now_ms)
            return [event] if fires else None
        if isinstance(rule, CorroboratedRule):
            fires = len(set(event.sources)) >= rule.min_sources and await state.claim(
                rule.name, key, fused, realert, now_ms
            )
            return [event] if fires else None
        if isinstance(rule, FirstSeenRule):
            return [event] if await state.first_seen(rule.name, key, now_ms) else None
        if isinstance(rule, ThresholdRule):
            return await state.threshold(
                rule.name, key, fused, event, window, rule.count, realert, now_ms
            )
        if entry.role == "first":
            await state.remember(rule.name, key, fused, event, window, now_ms)
            return None
        first = await state.recall(rule.name, key, fused, window, now_ms)
        if first is not None and await state.claim(rule.name, key, fused, realert, now_ms):
            return [first, event]
        return None


async def backtest(
    rules: RuleFile, events: Iterable[Event], times: Iterable[datetime] | None = None
) -> list[Alert]:
    """What the rules would fire over these events, in memory; `times` are their processing
    times (e.g. from stream ids), else all are taken as processed now."""
    engine = RuleEngine(rules, MemoryRuleState())
    start = datetime.now(UTC)
    clock = iter(times) if times is not None else None
    alerts: list[Alert] = []
    for event in events:
        now = next(clock) if clock is not None else start
        alerts.extend(await engine.evaluate(event, now=now))
    return alerts
