"""Cross-article fusion: one real-world event reported by several articles gets one `fused_id`.

Two events fuse when their type and `fusion_key()` agree and their dates are compatible
(unknown, or overlapping within a few days at their precision). The index lives in Redis so
that every extract worker agrees; `LocalFusion` does the same in memory for the CLI.

Redis layout (all keys expire after `ttl_seconds`):
- `fusion_candidates_key(digest)`: hash, fused_id -> "first_day:last_day" (or "" if undated)
- `fusion_sources_key(digest, fused_id)`: sorted set of sources, scored by arrival order
Both carry the digest as their hash tag (`eventwatch:fusion:{<digest>}:...`), so the script that
touches them runs on a Redis Cluster; a fused id only ever belongs to the digest that made it.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from datetime import date
from typing import Any

import redis.asyncio as aioredis

from schemas.documents import Article
from schemas.events import Event
from services.connect import AsyncRedis, per_slot_group
from services.names import fusion_candidates_key, fusion_sources_key

log = logging.getLogger(__name__)

DATE_TOLERANCE_DAYS = 3  # "departed on Monday" and "arrived on Tuesday" are one visit

# Atomic find-or-create of the fused event and registration of the source: workers racing on
# the same key serialise here, so they all return the same fused_id. The sources key is built
# here from ARGV[8]; it shares KEYS[1]'s hash tag, hence its slot (Redis Cluster).
FUSE_SCRIPT = """
local lo = tonumber(ARGV[1])
local hi = tonumber(ARGV[2])
local tol = tonumber(ARGV[7])
local cands = redis.call('HGETALL', KEYS[1])
local chosen = nil
local chosen_value = nil
for i = 1, #cands, 2 do
  local value = cands[i + 1]
  local sep = string.find(value, ':', 1, true)
  local clo = nil
  local chi = nil
  if sep then
    clo = tonumber(string.sub(value, 1, sep - 1))
    chi = tonumber(string.sub(value, sep + 1))
  end
  if lo == nil or clo == nil or (lo <= chi + tol and clo <= hi + tol) then
    chosen = cands[i]
    chosen_value = value
    break
  end
end
local new_value = ''
if lo ~= nil then new_value = ARGV[1] .. ':' .. ARGV[2] end
if chosen == nil then
  chosen = ARGV[3]
  if redis.call('HEXISTS', KEYS[1], chosen) == 1 then chosen = ARGV[4] end
  redis.call('HSET', KEYS[1], chosen, new_value)
elseif lo ~= nil then
  local sep = string.find(chosen_value, ':', 1, true)
  if not sep then
    redis.call('HSET', KEYS[1], chosen, new_value)
  else
    local clo = tonumber(string.sub(chosen_value, 1, sep - 1))
    local chi = tonumber(string.sub(chosen_value, sep + 1))
    if hi - lo < chi - clo then redis.call('HSET', KEYS[1], chosen, new_value) end
  end
end
local ttl = tonumber(ARGV[6])
redis.call('EXPIRE', KEYS[1], ttl)
local skey = ARGV[8] .. chosen
if redis.call('ZSCORE', skey, ARGV[5]) == false then
  redis.call('ZADD', skey, redis.call('ZCARD', skey), ARGV[5])
end
redis.call('EXPIRE', skey, ttl)
local sources = redis.call('ZRANGE', skey, 0, -1)
table.insert(sources, 1, chosen)
return sources
"""


def date_interval(iso: str | None) -> tuple[int, int] | None:
    """The days an ISO date at its precision covers, as proleptic ordinals; None if unknown."""
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso.split("-")]
        if len(parts) == 3:
            day = date(*parts).toordinal()
            return day, day
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1).toordinal(), date(
                parts[0], parts[1], last
            ).toordinal()
        return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
    except ValueError:
        return None


def compatible(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Whether two date intervals may be the same event (unknown is compatible with anything)."""
    if a is None or b is None:
        return True
    return a[0] <= b[1] + DATE_TOLERANCE_DAYS and b[0] <= a[1] + DATE_TOLERANCE_DAYS


def fusion_digest(event: Event) -> str:
    """A short stable digest of the event's type and fusion key."""
    raw = repr((event.type, event.fusion_key()))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def proposed_ids(event: Event, digest: str) -> tuple[str, str]:
    """The fused_id a new canonical event takes, and the one it takes if that is already used
    (`digest` is the event's `fusion_digest`)."""
    dated = hashlib.sha1(f"{digest}|{event.occurred_on}".encode()).hexdigest()[:16]
    return digest, dated


def source_of(article: Article) -> str:
    """Who reports: the article's source, else its id."""
    return article.source or article.article_id


class FusionIndex:
    """Fused events in Redis, shared by every extract worker."""

    def __init__(self, redis: AsyncRedis, ttl_seconds: int = 30 * 86400) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self._script: Any = None

    async def fuse(self, article: Article, events: list[Event]) -> list[Event]:
        """Copies of `events` with `fused_id` and the distinct `sources` reporting each so far."""
        return (await self.fuse_many([(article, events)]))[0]

    async def fuse_many(self, batches: list[tuple[Article, list[Event]]]) -> list[list[Event]]:
        """`fuse` for the events of several articles, in order, in one round trip.

        One server: every event's script goes in one pipeline (they run in order, so events of
        one batch that share a key fuse with each other as if sent one by one). A cluster
        pipeline is split per node, so there the keys are fused concurrently, each key's
        events in order."""
        calls = [
            (i, event, self._args(event, source_of(article)))
            for i, (article, events) in enumerate(batches)
            for event in events
        ]
        if not calls:
            return [[] for _ in batches]
        if self._script is None:
            self._script = self.redis.register_script(FUSE_SCRIPT)
        if isinstance(self.redis, aioredis.RedisCluster):

            async def run(indices: list[int]) -> list[Any]:
                return [await self._script(keys=calls[n][2][0], args=calls[n][2][1])
                        for n in indices]  # fmt: skip

            replies = await per_slot_group([keys[0] for _, _, (keys, _) in calls], run)
        else:
            async with self.redis.pipeline(transaction=False) as pipe:
                for _, _, (keys, args) in calls:
                    await self._script(keys=keys, args=args, client=pipe)
                replies = await pipe.execute()
        out: list[list[Event]] = [[] for _ in batches]
        for (i, event, _), reply in zip(calls, replies, strict=True):
            values = [v.decode() if isinstance(v, bytes) else str(v) for v in reply]
            out[i].append(event.model_copy(update={"fused_id": values[0], "sources": values[1:]}))
        return out

    def _args(self, event: Event, source: str) -> tuple[list[str], list[Any]]:
        """The keys and arguments of `FUSE_SCRIPT` for one event reported by `source`."""
        interval = date_interval(event.occurred_on)
        digest = fusion_digest(event)
        first, second = proposed_ids(event, digest)
        args = [
            interval[0] if interval else "",
            interval[1] if interval else "",
            first,
            second,
            source,
            self.ttl_seconds,
            DATE_TOLERANCE_DAYS,
            fusion_sources_key(digest, ""),  # + fused_id, in the script
        ]
        return [fusion_candidates_key(digest)], args


class LocalFusion:
    """The same fusion in memory, for one process (the CLI) that needs no Redis."""

    def __init__(self) -> None:
        self.candidates: dict[str, dict[str, tuple[int, int] | None]] = {}
        self.sources: dict[str, list[str]] = {}

    def fuse(self, article: Article, events: list[Event]) -> list[Event]:
        """Like `FusionIndex.fuse`, in memory."""
        source = source_of(article)
        out: list[Event] = []
        for event in events:
            interval = date_interval(event.occurred_on)
            digest = fusion_digest(event)
            cands = self.candidates.setdefault(digest, {})
            chosen = next((fid for fid, iv in cands.items() if compatible(iv, interval)), None)
            if chosen is None:
                first, second = proposed_ids(event, digest)
                chosen = second if first in cands else first
                cands[chosen] = interval
            elif interval is not None:
                known = cands[chosen]
                if known is None or interval[1] - interval[0] < known[1] - known[0]:
                    cands[chosen] = interval
            seen = self.sources.setdefault(chosen, [])
            if source not in seen:
                seen.append(source)
            out.append(event.model_copy(update={"fused_id": chosen, "sources": list(seen)}))
        return out


def fuse_local(batches: list[tuple[Article, list[Event]]]) -> list[list[Event]]:
    """Fuse the events of several articles in order, without Redis."""
    fusion = LocalFusion()
    return [fusion.fuse(article, events) for article, events in batches]
