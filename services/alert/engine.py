"""Events in, alerts out: the rule kinds' logic over a `RuleState` (Redis, or memory for backtests).

Windows and realert use processing time (`now`), not `occurred_on`: event dates are often
missing, only as precise as a month or a year, resolved from relative phrases, and arrive out
of order; what an analyst means by "not twice within 6 hours" is time on their clock. A
backtest that knows when each event was stored passes those times as `now`.

One alert per rule per fused event: a marker per (rule, fused event) is claimed atomically
before an alert is made, so replaying events, or several workers racing, gives no second alert.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol

import orjson
import redis.asyncio as aioredis

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
from services.alert.encode import EventJson
from services.alert.rules import Entry, RuleIndex
from services.connect import AsyncRedis, per_slot_group
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
    if not rule.group_by:
        return ""
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


def summarize(
    rule: WatchRule, key: str, events: list[Event], line: Callable[[Event], str] = describe
) -> str:
    """The alert's summary line, by rule kind, around the latest event (`line` describes one)."""
    last = events[-1]
    if rule.kind == "match":  # the most common, and isinstance on a pydantic model is slow
        return line(last)
    if isinstance(rule, ThresholdRule):
        return f"{len(events)} events within {format_duration(rule.window)}: {line(last)}"
    if isinstance(rule, SequenceRule) and len(events) > 1:
        window = format_duration(rule.window)
        return f"{line(events[0])}, then within {window}: {line(last)}"
    if isinstance(rule, CorroboratedRule):
        return f"{line(last)} [{len(last.sources)} sources]"
    if isinstance(rule, FirstSeenRule):
        return f"first seen {key}: {line(last)}"
    return line(last)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


_ALERT_FIELDS_SET = set(Alert.model_fields)


def _construct_alert(**values: Any) -> Alert:
    """An Alert from values built here out of validated models, without validating them again.

    What `Alert.model_construct` does, without its per-field default handling: every field is
    given, and at 1,000 rules alert building was the largest cost of an event.
    """
    alert = Alert.__new__(Alert)
    object.__setattr__(alert, "__dict__", values)
    # one set for all: it holds every field, so pydantic's additions to it change nothing
    object.__setattr__(alert, "__pydantic_fields_set__", _ALERT_FIELDS_SET)
    object.__setattr__(alert, "__pydantic_extra__", None)
    object.__setattr__(alert, "__pydantic_private__", None)
    return alert


def make_alert(
    rule: WatchRule,
    key: str,
    fused: str,
    events: list[Event],
    now: datetime,
    line: Callable[[Event], str] = describe,
) -> Alert:
    """Build the alert for a rule that fired on `fused`, with its events and their evidence
    (`line` describes an event: several alerts on one event may share its line)."""
    return _construct_alert(
        alert_id=alert_id(rule.name, key, fused),
        rule=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        labels=dict(rule.labels),
        key=key,
        summary=summarize(rule, key, events, line),
        description=rule.description,
        fused_id=fused,
        events=events,
        article_ids=[events[0].article_id]
        if len(events) == 1
        else _unique(e.article_id for e in events),
        sources=list(dict.fromkeys(events[0].sources))
        if len(events) == 1
        else list(dict.fromkeys(s for e in events for s in e.sources)),
        fired_at=now,
    )


# -- state -----------------------------------------------------------------------------

Op = Literal["claim", "first_seen", "threshold", "remember", "recall_claim"]


class Step(NamedTuple):
    """One decision on one rule's state, for one event; times are milliseconds of `now`.

    What each op answers:
    - `claim`: take the one alert of (rule, fused) unless taken or the key is within realert
      -> bool;
    - `first_seen`: true only the first time (rule, key) is seen -> bool;
    - `threshold`: count a fused event once in the key's window -> the window's events when
      it reaches `needed` (the window then starts afresh), else None;
    - `remember`: keep a sequence's first-step event for the window -> None;
    - `recall_claim`: the latest first-step event of the key within the window other than
      `fused`, if there is one and the alert of (rule, fused) could be claimed -> Event | None.

    A step with a `token` that finds its decision already taken under the same token (its
    entry is being redelivered) gets that decision again (`RedisRuleState`; memory state has
    no redelivery).
    """

    op: Op
    rule: str
    key: str
    fused: str
    event: Event
    now_ms: int
    realert_ms: int = 0
    window_ms: int = 0
    needed: int = 0
    token: str = ""  # the stream id of the event's entry (see `_RUN_STEPS`); "" if none


class RuleState(Protocol):
    """What the rule kinds remember between events."""

    async def run(self, steps: Sequence[Step], event_json: EventJson) -> list[Any]:
        """Each step's answer, the steps taken in order (see `Step`); an event kept in the
        state is kept as its `event_json`."""
        ...


class _Window:
    """Events by processing time, sorted as a Redis sorted set orders them (time, then id)."""

    def __init__(self) -> None:
        self.order: list[tuple[int, str]] = []
        self.events: dict[str, tuple[int, Event]] = {}

    def trim(self, cutoff: int) -> None:
        if not self.order or self.order[0][0] >= cutoff:
            return
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
    """Rule state in dicts, for backtests, benchmarks and fast unit tests (one process only)."""

    def __init__(self) -> None:
        self._fired: set[tuple[str, str]] = set()
        self._seen: set[tuple[str, str]] = set()
        self._first: set[tuple[str, str]] = set()
        self._realert: dict[tuple[str, str], int] = {}
        self._windows: dict[tuple[str, str], _Window] = {}
        self._firsts: dict[tuple[str, str], _Window] = {}
        self._ops: dict[str, Callable[[Step], Any]] = {
            "claim": self._claim,
            "first_seen": self._first_seen,
            "threshold": self._threshold,
            "remember": self._remember,
            "recall_claim": self._recall_claim,
        }

    async def run(self, steps: Sequence[Step], event_json: EventJson) -> list[Any]:
        ops = self._ops
        return [ops[step.op](step) for step in steps]

    def _realert_open(self, rule: str, key: str, realert_ms: int, now_ms: int) -> bool:
        if realert_ms <= 0:
            return True
        if self._realert.get((rule, key), 0) > now_ms:
            return False
        self._realert[(rule, key)] = now_ms + realert_ms
        return True

    def _claim(self, s: Step) -> bool:
        if (s.rule, s.fused) in self._fired:
            return False
        self._fired.add((s.rule, s.fused))
        return self._realert_open(s.rule, s.key, s.realert_ms, s.now_ms)

    def _first_seen(self, s: Step) -> bool:
        if (s.rule, s.key) in self._first:
            return False
        self._first.add((s.rule, s.key))
        return True

    def _threshold(self, s: Step) -> list[Event] | None:
        if (s.rule, s.fused) in self._seen:
            return None
        self._seen.add((s.rule, s.fused))
        window = self._windows.get((s.rule, s.key))
        if window is None:
            window = self._windows[(s.rule, s.key)] = _Window()
        window.trim(s.now_ms - s.window_ms)
        window.add(s.fused, s.event, s.now_ms)
        if len(window.order) < s.needed or not self._realert_open(
            s.rule, s.key, s.realert_ms, s.now_ms
        ):
            return None
        del self._windows[(s.rule, s.key)]
        return [window.events[f][1] for _, f in window.order[-MAX_ALERT_EVENTS:]]

    def _remember(self, s: Step) -> None:
        window = self._firsts.get((s.rule, s.key))
        if window is None:
            window = self._firsts[(s.rule, s.key)] = _Window()
        window.trim(s.now_ms - s.window_ms)
        window.add(s.fused, s.event, s.now_ms)

    def _recall_claim(self, s: Step) -> Event | None:
        window = self._firsts.get((s.rule, s.key))
        if window is None:
            return None
        cutoff = s.now_ms - s.window_ms
        end = bisect.bisect_right(window.order, s.now_ms, key=_time)
        for ms, other in reversed(window.order[max(0, end - 2) : end]):
            if other != s.fused and ms >= cutoff:
                return window.events[other][1] if self._claim(s) else None
        return None


# One script decides a whole batch of steps, in order. KEYS: every step's keys, one step after
# the other (claim 2, first_seen 1, threshold 5, remember 2, recall_claim 4); ARGV[1]: a JSON
# array with one [op, args...] per step, every arg a string but an event's, which is the
# number of the ARGV holding its JSON (each event of the batch is sent once, and not escaped
# inside ARGV[1]). The answer: one value per step, 0 for "no". Realert keys hold the end of
# their window in `now` milliseconds, so tests and backtests with explicit times behave as
# live; their TTL only collects garbage.
#
# At least once: a decision that fires is stored under the token of the entry that took it
# (its stream id), and the same entry asking again gets the same answer. A worker that dies
# after this call but before its alerts are out leaves its read pending; the read is
# redelivered with the same ids and its alerts go out then (same alert ids), while a replay
# of the same events under new ids still fires nothing.
_RUN_STEPS = """
local function claim(fired, realert_key, now, realert, ttl, token)
  if not redis.call('SET', fired, token, 'NX', 'PX', ttl) then
    return token ~= '' and redis.call('GET', fired) == token
  end
  if realert > 0 then
    if tonumber(redis.call('GET', realert_key) or '0') > now then
      redis.call('SET', fired, '', 'KEEPTTL')  -- decided no: a redelivery must not fire
      return false
    end
    redis.call('SET', realert_key, string.format('%.0f', now + realert), 'PX', realert)
  end
  return true
end

local function trim(zset, hash, cutoff)
  local old = redis.call('ZRANGEBYSCORE', zset, '-inf', '(' .. cutoff)
  for i = 1, #old, 500 do
    redis.call('HDEL', hash, unpack(old, i, math.min(i + 499, #old)))
  end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', zset, '-inf', '(' .. cutoff) end
end

local ops = {}

-- fired, realert | now, realert_ms, ttl, token
ops.claim = {2, function(K, A)
  return claim(K[1], K[2], tonumber(A[1]), tonumber(A[2]), A[3], A[4]) and 1 or 0
end}

-- first | now, ttl, token
ops.first_seen = {1, function(K, A)
  if redis.call('SET', K[1], A[3], 'NX', 'PX', A[2]) then return 1 end
  return (A[3] ~= '' and redis.call('GET', K[1]) == A[3]) and 1 or 0
end}

-- seen, window, windowev, realert, fired
--   | now, window_ms, needed, realert_ms, ttl, fused, token, event, max
ops.threshold = {5, function(K, A)
  if not redis.call('SET', K[1], A[7], 'NX', 'PX', A[5]) then
    if A[7] ~= '' and redis.call('GET', K[1]) == A[7] then
      local fired = redis.call('GET', K[5])
      if fired then return cjson.decode(fired) end
    end
    return 0
  end
  local now = tonumber(A[1])
  trim(K[2], K[3], string.format('%.0f', now - tonumber(A[2])))
  redis.call('ZADD', K[2], A[1], A[6])
  redis.call('HSET', K[3], A[6], ARGV[A[8]])
  redis.call('PEXPIRE', K[2], A[2])
  redis.call('PEXPIRE', K[3], A[2])
  if redis.call('ZCARD', K[2]) < tonumber(A[3]) then return 0 end
  local realert = tonumber(A[4])
  if realert > 0 then
    if tonumber(redis.call('GET', K[4]) or '0') > now then return 0 end
    redis.call('SET', K[4], string.format('%.0f', now + realert), 'PX', A[4])
  end
  local members = redis.call('ZRANGE', K[2], -tonumber(A[9]), -1)
  local events = redis.call('HMGET', K[3], unpack(members))
  redis.call('DEL', K[2], K[3])
  if A[7] ~= '' then redis.call('SET', K[5], cjson.encode(events), 'PX', A[5]) end
  return events
end}

-- seq, seqev | now, window_ms, fused, event
ops.remember = {2, function(K, A)
  trim(K[1], K[2], string.format('%.0f', tonumber(A[1]) - tonumber(A[2])))
  redis.call('ZADD', K[1], A[1], A[3])
  redis.call('HSET', K[2], A[3], ARGV[A[4]])
  redis.call('PEXPIRE', K[1], A[2])
  redis.call('PEXPIRE', K[2], A[2])
  return 0
end}

-- seq, seqev, fired, realert | now, window_ms, fused, realert_ms, ttl, token
ops.recall_claim = {4, function(K, A)
  local now = tonumber(A[1])
  local cutoff = string.format('%.0f', now - tonumber(A[2]))
  local members = redis.call('ZREVRANGEBYSCORE', K[1], A[1], cutoff, 'LIMIT', 0, 2)
  for _, m in ipairs(members) do
    if m ~= A[3] then
      if not claim(K[3], K[4], now, tonumber(A[4]), A[5], A[6]) then return 0 end
      return redis.call('HGET', K[2], m)
    end
  end
  return 0
end}

local answers = {}
local k = 1
for i, step in ipairs(cjson.decode(ARGV[1])) do
  local op = ops[step[1]]
  local n = op[1]
  local args = {}
  for j = 2, #step do args[j - 1] = step[j] end
  answers[i] = op[2]({unpack(KEYS, k, k + n - 1)}, args)
  k = k + n
end
return answers
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _event(raw: bytes | str) -> Event:
    return EVENT_ADAPTER.validate_json(_text(raw))


class RedisRuleState:
    """Rule state in Redis under `ALERT_STATE_PREFIX`. A batch's steps are decided by one
    script call, in order, so several alert workers can share the state, and a batch costs one
    round trip however many rules it touches. A rule's keys share its hash tag
    (`names.rule_state_key`); on a Cluster, where a script may only touch one slot, each rule's
    steps go in a call of their own, the rules' calls concurrently."""

    def __init__(self, redis: AsyncRedis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_ms = str(int(ttl_seconds * 1000))
        self.cluster = isinstance(redis, aioredis.RedisCluster)
        self._script = redis.register_script(_RUN_STEPS)

    async def run(self, steps: Sequence[Step], event_json: EventJson) -> list[Any]:
        if not steps:
            return []
        if self.cluster:

            async def decide(indices: list[int]) -> list[Any]:
                return await self._call([steps[i] for i in indices], event_json)

            raw = await per_slot_group([step.rule for step in steps], decide)
        else:
            raw = await self._call(steps, event_json)
        return [_ANSWERS[step.op](r) for step, r in zip(steps, raw, strict=True)]

    async def _call(self, steps: Sequence[Step], event_json: EventJson) -> list[Any]:
        keys: list[str] = []
        encoded: list[list[Any]] = []
        kept: dict[int, int] = {}  # id(event) -> its ARGV number
        args: list[bytes] = [b""]  # ARGV[1], the steps, set below
        for step in steps:
            step_keys, step_args = self._encode(step)
            keys += step_keys
            if step.op in ("threshold", "remember"):
                number = kept.get(id(step.event))
                if number is None:
                    args.append(event_json(step.event))
                    number = kept[id(step.event)] = len(args)
                step_args.append(number)
                step_args += _AFTER_EVENT[step.op]
            encoded.append([step.op, *step_args])
        args[0] = orjson.dumps(encoded)
        return list(await self._script(keys=keys, args=args))

    def _encode(self, s: Step) -> tuple[list[str], list[Any]]:
        """One step's keys and arguments (as `_RUN_STEPS` reads them) up to its event, which
        `_call` adds."""
        key = rule_state_key
        ttl = self.ttl_ms
        now = str(s.now_ms)
        if s.op == "claim":
            keys = [key(s.rule, "fired", s.fused), key(s.rule, "realert", s.key)]
            return keys, [now, str(s.realert_ms), ttl, s.token]
        if s.op == "first_seen":
            return [key(s.rule, "first", s.key)], [now, ttl, s.token]
        window = str(s.window_ms)
        if s.op == "threshold":
            keys = [
                key(s.rule, "seen", s.fused),
                key(s.rule, "window", s.key),
                key(s.rule, "windowev", s.key),
                key(s.rule, "realert", s.key),
                key(s.rule, "fired", s.fused),
            ]
            args = [now, window, str(s.needed), str(s.realert_ms), ttl, s.fused, s.token]
            return keys, args
        seq = [key(s.rule, "seq", s.key), key(s.rule, "seqev", s.key)]
        if s.op == "remember":
            return seq, [now, window, s.fused]
        keys = [*seq, key(s.rule, "fired", s.fused), key(s.rule, "realert", s.key)]
        return keys, [now, window, s.fused, str(s.realert_ms), ttl, s.token]


_AFTER_EVENT = {"threshold": [str(MAX_ALERT_EVENTS)], "remember": []}
_ANSWERS: dict[str, Callable[[Any], Any]] = {
    "claim": bool,
    "first_seen": bool,
    "threshold": lambda raw: [_event(r) for r in raw if r] if raw else None,
    "remember": lambda raw: None,
    "recall_claim": lambda raw: _event(raw) if raw else None,
}


# -- the engine ------------------------------------------------------------------------


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


_new_step = tuple.__new__

# A rule that may fire on an event: (index of its step in the batch, the rule, processing time)
_Pending = tuple[int, WatchRule, datetime]


class Plan(NamedTuple):
    """A batch's state steps, in order, and the steps that fire an alert if the state says so."""

    steps: list[Step]
    pending: list[_Pending]


class _How(NamedTuple):
    """How one index entry is decided, worked out once per rules file."""

    op: Op
    rule: WatchRule
    realert_ms: int
    window_ms: int
    needed: int  # threshold: events in the window to fire
    min_sources: int  # corroborated: distinct sources needed; else 0
    fires: bool  # False for a sequence's first step, which only remembers
    grouping: tuple[tuple[str, ...], bool]  # what `rule_key` reads: rules sharing it share keys


def _how(entry: Entry) -> _How:
    rule = entry.rule
    realert, window = _ms(rule.realert), _ms(getattr(rule, "window", timedelta(0)))
    grouping = (tuple(rule.group_by), rule.key_unordered)
    if isinstance(rule, CorroboratedRule):
        return _How("claim", rule, realert, 0, 0, rule.min_sources, True, grouping)
    if isinstance(rule, MatchRule):
        return _How("claim", rule, realert, 0, 0, 0, True, grouping)
    if isinstance(rule, FirstSeenRule):
        return _How("first_seen", rule, 0, 0, 0, 0, True, grouping)
    if isinstance(rule, ThresholdRule):
        return _How("threshold", rule, realert, window, rule.count, 0, True, grouping)
    if entry.role == "first":
        return _How("remember", rule, 0, window, 0, 0, False, grouping)
    return _How("recall_claim", rule, realert, window, 0, 0, True, grouping)


class RuleEngine:
    """Evaluates events against the current rules; rules can be swapped while it runs."""

    def __init__(self, rules: RuleFile, state: RuleState) -> None:
        self.state = state
        self.replace_rules(rules)

    def replace_rules(self, rules: RuleFile) -> None:
        """Use new rules from the next event on; state is kept by rule name."""
        self.rules = rules
        self.index = RuleIndex(rules.rules)
        # by id(entry): the index holds its entries as long as it is in use
        self._hows = {id(entry): _how(entry) for entry in self.index.entries()}

    async def evaluate(self, event: Event, now: datetime | None = None) -> list[Alert]:
        """The alerts this event fires now (processing time, see the module's docstring)."""
        return await self.evaluate_many([event], now)

    async def evaluate_many(
        self,
        events: Sequence[Event],
        now: datetime | Sequence[datetime] | None = None,
        event_json: EventJson | None = None,
        tokens: Sequence[str] | None = None,
    ) -> list[Alert]:
        """The alerts these events fire, in order, as if evaluated one after the other: every
        rule step of the batch is decided in one call to the state (one round trip to Redis).
        `now` is one processing time for all, or one per event; `event_json` serialises the
        events the state keeps (pass the one that will encode the alerts, to share it);
        `tokens` are the events' stream ids, so a redelivered entry fires what it fired (see
        `Step`)."""
        return await self.decide(self.plan(events, now, tokens), event_json)

    def plan(
        self,
        events: Sequence[Event],
        now: datetime | Sequence[datetime] | None = None,
        tokens: Sequence[str] | None = None,
    ) -> Plan:
        """The first half of `evaluate_many`, without the state: which rules each event
        matches and the state steps deciding them. It reads no state, so a worker can plan a
        batch while the previous batch is still being decided; `decide` must then be called in
        the order the batches were planned."""
        plan = Plan([], [])
        if now is None or isinstance(now, datetime):
            times: Iterable[datetime] = itertools.repeat(now or datetime.now(UTC))
        else:
            times = now
        matching = self.index.matching
        ids: Iterable[str] = tokens if tokens is not None else itertools.repeat("")
        for event, at, token in zip(events, times, ids, strict=False):
            entries = matching(event)
            if entries:
                self._plan(event, at, token, entries, plan.steps, plan.pending)
        return plan

    async def decide(self, plan: Plan, event_json: EventJson | None = None) -> list[Alert]:
        """The second half of `evaluate_many`: the plan's steps decided by the state in one
        call, and the alerts of the steps that fire."""
        steps, pending = plan
        if not steps:
            return []
        answers = await self.state.run(steps, event_json or EventJson())
        alerts = []
        lines: dict[int, str] = {}  # by id(event): an event firing several rules is described once

        def line(event: Event) -> str:
            text = lines.get(id(event))
            if text is None:
                text = lines[id(event)] = describe(event)
            return text

        for i, rule, at in pending:
            answer = answers[i]
            if not answer:
                continue
            step = steps[i]
            if answer is True:
                behind = [step.event]
            elif isinstance(answer, list):
                behind = answer
            else:  # a sequence: the first step's event, then this one
                behind = [answer, step.event]
            alerts.append(make_alert(rule, step.key, step.fused, behind, at, line))
        return alerts

    def _plan(
        self,
        event: Event,
        now: datetime,
        token: str,
        entries: list[Entry],
        steps: list[Step],
        pending: list[_Pending],
    ) -> None:
        """The state steps deciding each rule `entries` holds for `event`. A sequence rule's
        `then` comes before its `first` (the index's order), so an event is checked against
        earlier firsts before it is remembered as one itself."""
        now_ms = int(now.timestamp() * 1000)
        fused = fused_of(event)
        hows = self._hows
        keys: dict[tuple[tuple[str, ...], bool], str] = {}  # by grouping: many rules share one
        for entry in entries:
            how = hows[id(entry)]
            if how.min_sources and len(set(event.sources)) < how.min_sources:
                continue
            rule = how.rule
            key = keys.get(how.grouping)
            if key is None:
                key = keys[how.grouping] = rule_key(rule, event)
            if how.fires:
                pending.append((len(steps), rule, now))
            # tuple.__new__: Step(...) would add a Python call per step on the hottest path
            steps.append(
                _new_step(Step, (how.op, rule.name, key, fused, event, now_ms,
                                 how.realert_ms, how.window_ms, how.needed, token))
            )  # fmt: skip


async def backtest(
    rules: RuleFile, events: Iterable[Event], times: Iterable[datetime] | None = None
) -> list[Alert]:
    """What the rules would fire over these events, in memory; `times` are their processing
    times (e.g. from stream ids), else all are taken as processed now."""
    engine = RuleEngine(rules, MemoryRuleState())
    batch = list(events)
    return await engine.evaluate_many(batch, list(times) if times is not None else None)
