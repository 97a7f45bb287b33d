"""Cross-article fusion against a real Redis: duplicate stories share a fused_id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import redis.asyncio as aioredis

from schemas.documents import Article
from schemas.events import DelegationVisit, Event
from services.extract.extractor import extract_articles
from services.extract.fusion import FusionIndex, LocalFusion, compatible, date_interval, fuse_local
from services.ingest.parse import load_file, parse_document
from services.names import FUSION_PREFIX
from tests.test_extract_engine import SEEDS, shared_nlp


def _article(article_id: str, source: str | None) -> Article:
    return Article(
        article_id=article_id,
        body="x",
        source=source,
        received_at=datetime.now(UTC),
        content_hash=article_id,
    )


def _visit(article_id: str, occurred_on: str | None = None) -> Event:
    event = DelegationVisit(
        article_id=article_id,
        sentence="s",
        span=(0, 1),
        origin="RUS",
        destination="PRK",
        leader="Sergei Shoigu",
        occurred_on=occurred_on,
    )
    return event.with_id()  # type: ignore[return-value]


def _seed_batches() -> list[tuple[Article, list[Event]]]:
    articles = [parse_document(load_file(p)) for p in SEEDS]
    return list(zip(articles, extract_articles(shared_nlp(), articles), strict=True))


def _fused(events: list[Event], leader: str) -> str | None:
    ids = {e.fused_id for e in events if e.type == "delegation_visit" and e.leader == leader}
    assert len(ids) == 1, ids
    return ids.pop()


async def test_seed_duplicates_fuse_in_redis(aredis: aioredis.Redis) -> None:
    index = FusionIndex(aredis, ttl_seconds=3600)
    fused = {a.article_id: await index.fuse(a, evs) for a, evs in _seed_batches()}
    yun = [
        _fused(fused[k], "Yun Jong-ho") for k in ("000_3627bd9c0c1695df", "001_36ff3467078243c8")
    ]
    assert yun[0] == yun[1]
    shoigu = [
        _fused(fused[k], "Sergei Shoigu") for k in ("002_2b44a896745bf219", "004_d380d26159340064")
    ]
    assert shoigu[0] == shoigu[1]
    assert shoigu[0] != yun[0]
    last = next(e for e in fused["004_d380d26159340064"] if e.fused_id == shoigu[0])
    assert last.sources == ["koreatimes.co.kr", "thejournal.ie"]
    # The same results in memory, for the CLI.
    local = fuse_local(_seed_batches())
    assert {e.fused_id for evs in local for e in evs} == {
        e.fused_id for evs in fused.values() for e in evs
    }


async def test_a_batch_fused_in_one_round_trip_equals_one_article_at_a_time(
    aredis: aioredis.Redis,
) -> None:
    batches = _seed_batches()
    one_by_one = [await FusionIndex(aredis, 3600).fuse(a, evs) for a, evs in batches]
    await aredis.flushdb()
    together = await FusionIndex(aredis, 3600).fuse_many(batches)
    assert together == one_by_one
    assert sum(map(len, together)) > 40
    # Events of one batch that share a key fuse with each other, sources in article order.
    await aredis.flushdb()
    repeated = [(_article(f"r{i}", f"wire{i % 2}"), [_visit(f"r{i}")]) for i in range(3)]
    fused = [evs[0] for evs in await FusionIndex(aredis, 3600).fuse_many(repeated)]
    assert len({e.fused_id for e in fused}) == 1
    assert [e.sources for e in fused] == [["wire0"], ["wire0", "wire1"], ["wire0", "wire1"]]
    assert await FusionIndex(aredis, 3600).fuse_many([(_article("x", "X"), [])]) == [[]]


async def test_sources_are_distinct_and_fall_back_to_the_article_id(
    aredis: aioredis.Redis,
) -> None:
    index = FusionIndex(aredis, ttl_seconds=3600)
    (a,) = await index.fuse(_article("a1", "Wire"), [_visit("a1")])
    (b,) = await index.fuse(_article("a2", "Wire"), [_visit("a2")])
    (c,) = await index.fuse(_article("a3", None), [_visit("a3")])
    assert a.fused_id == b.fused_id == c.fused_id
    assert a.sources == ["Wire"]
    assert c.sources == ["Wire", "a3"]


async def test_incompatible_dates_are_different_events(aredis: aioredis.Redis) -> None:
    index = FusionIndex(aredis, ttl_seconds=3600)
    (first,) = await index.fuse(_article("a1", "A"), [_visit("a1", "2023-09")])
    (later,) = await index.fuse(_article("a2", "B"), [_visit("a2", "2025-03-18")])
    (near,) = await index.fuse(_article("a3", "C"), [_visit("a3", "2025-03-17")])
    (undated,) = await index.fuse(_article("a4", "D"), [_visit("a4")])
    assert first.fused_id != later.fused_id
    assert near.fused_id == later.fused_id and near.sources == ["B", "C"]
    assert undated.fused_id in (first.fused_id, later.fused_id)


async def test_keys_expire_under_the_fusion_prefix(aredis: aioredis.Redis) -> None:
    index = FusionIndex(aredis, ttl_seconds=120)
    await index.fuse(_article("a1", "A"), [_visit("a1")])
    keys = [k.decode() async for k in aredis.scan_iter(match="*")]
    assert keys and all(k.startswith(FUSION_PREFIX) for k in keys)
    for key in keys:
        assert 0 < await aredis.ttl(key) <= 120


async def test_concurrent_workers_agree(redis_url: str) -> None:
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(8)]
    try:
        results = await asyncio.gather(
            *(
                FusionIndex(client, ttl_seconds=600).fuse(
                    _article(f"w{i}", f"source{i}"), [_visit(f"w{i}")]
                )
                for i, client in enumerate(clients)
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    fused_ids = {events[0].fused_id for events in results}
    assert len(fused_ids) == 1
    longest = max(len(events[0].sources) for events in results)
    assert longest == 8


def test_local_fusion_and_date_intervals() -> None:
    fusion = LocalFusion()
    (a,) = fusion.fuse(_article("a1", "A"), [_visit("a1", "2024-10")])
    (b,) = fusion.fuse(_article("a2", "B"), [_visit("a2", "2024-10-05")])
    assert a.fused_id == b.fused_id and b.sources == ["A", "B"]
    assert date_interval("2024") == (date_interval("2024-01-01")[0], date_interval("2024-12-31")[1])  # type: ignore[index]
    assert compatible(None, date_interval("2024"))
    assert not compatible(date_interval("2023"), date_interval("2025-03-18"))
