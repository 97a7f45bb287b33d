"""Near-duplicate linking on a real Redis: seeds 000 and 001 tell one story, no other pair does."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from schemas.documents import Article, RawDocument
from services.ingest.dedup import THRESHOLD, StoryIndex, jaccard, shingle_hashes, signature
from services.ingest.parse import load_file, parse_document
from services.names import SEEN_HASH_PREFIX, STORY_PREFIX

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    parse_document(load_file(p), received_at=datetime(2025, 3, 25, tzinfo=UTC))
    for p in sorted((ROOT / "seeds").glob("*.txt"))
]
REWRITE = {SEEDS[0].article_id, SEEDS[1].article_id}


def test_calibration_on_the_seeds() -> None:
    """The rewrite pair clears the threshold twice over; every other pair stays under half."""
    for a, b in itertools.combinations(SEEDS, 2):
        score = jaccard(shingle_hashes(a), shingle_hashes(b))
        if {a.article_id, b.article_id} == REWRITE:
            assert score > 2 * THRESHOLD
        else:
            assert score < THRESHOLD / 2, (a.article_id, b.article_id, score)


def test_the_rewrite_shares_lsh_bands() -> None:
    a, b = (signature(s).hashvalues for s in SEEDS[:2])
    assert (a == b).sum() >= 2
    assert len(a) == 64 and signature(SEEDS[0]).jaccard(signature(SEEDS[0])) == 1.0


async def test_seeds_link_000_and_001_only(aredis: aioredis.Redis) -> None:
    index = StoryIndex(aredis, ttl_seconds=3600)
    linked = [await index.link(article) for article in SEEDS]
    assert all(a is not None for a in linked)
    first, second, *others = (a for a in linked if a is not None)
    assert first.story_id == second.story_id == first.article_id
    assert first.duplicate_of is None
    assert second.duplicate_of == first.article_id  # the later one points at the earlier
    stories = {a.story_id for a in others}
    assert len(stories) == len(others) and first.story_id not in stories
    assert all(a.duplicate_of is None for a in others)
    assert all(a.story_id == a.article_id for a in others)


async def test_replaying_the_seeds_adds_nothing(aredis: aioredis.Redis) -> None:
    index = StoryIndex(aredis, ttl_seconds=3600)
    assert all([await index.link(a) for a in SEEDS])
    assert [await index.link(a) for a in SEEDS] == [None] * len(SEEDS)
    # the same body under another id is a repeat too
    copy = SEEDS[3].model_copy(update={"article_id": "copy-of-003"})
    assert await index.link(copy) is None


async def test_an_edited_copy_joins_the_story(aredis: aioredis.Redis) -> None:
    index = StoryIndex(aredis, ttl_seconds=3600)
    original = await index.link(SEEDS[2])
    paragraphs = SEEDS[2].body.split("\n\n")
    edited = "\n\n".join([*paragraphs[2:], *paragraphs[:2]]).replace("Cho Han-bum", "Cho H.")
    raw = RawDocument(doc_id="edited-002", content=f"A new headline for an old story\n{edited}")
    linked = await index.link(parse_document(raw))
    assert original is not None and linked is not None
    assert linked.story_id == original.story_id and linked.duplicate_of == SEEDS[2].article_id


async def test_workers_racing_agree_on_the_story(redis_url: str) -> None:
    """Two ingest workers linking the rewrite pair at the same moment, twenty times over."""
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(2)]
    try:
        for round_ in range(20):
            await clients[0].flushall()
            indexes = [StoryIndex(c, ttl_seconds=3600) for c in clients]
            pair = SEEDS[:2] if round_ % 2 else SEEDS[1::-1]
            a, b = await asyncio.gather(*(i.link(x) for i, x in zip(indexes, pair, strict=True)))
            assert a is not None and b is not None
            assert a.story_id == b.story_id
            assert [a.duplicate_of, b.duplicate_of].count(None) == 1
            # and the same article from both at once: exactly one gets through
            repeat = await asyncio.gather(*(i.link(SEEDS[3]) for i in indexes))
            assert sorted(r is None for r in repeat) == [False, True]
    finally:
        for client in clients:
            await client.aclose()


async def test_keys_live_under_the_prefixes_and_expire(aredis: aioredis.Redis) -> None:
    index = StoryIndex(aredis, ttl_seconds=100)
    for article in SEEDS:
        await index.link(article)
    keys = [k.decode() async for k in aredis.scan_iter(count=1000)]
    assert keys and all(k.startswith((STORY_PREFIX, SEEN_HASH_PREFIX)) for k in keys)
    ttls = [await aredis.ttl(k) for k in keys]
    assert all(0 < t <= 100 for t in ttls)


async def test_retention_window_forgets(aredis: aioredis.Redis) -> None:
    index = StoryIndex(aredis, ttl_seconds=1)
    assert await index.link(SEEDS[0]) is not None
    await asyncio.sleep(2.1)
    again = await index.link(SEEDS[1])
    assert again is not None and again.duplicate_of is None  # 000 is out of the window
    assert await index.link(SEEDS[0]) is not None  # and no longer counts as seen


@pytest.mark.parametrize("words", [0, 2])
async def test_tiny_bodies_do_not_crash(aredis: aioredis.Redis, words: int) -> None:
    body = " ".join(["missile"] * words) or "—"
    article = Article(article_id=f"t{words}", body=body, received_at=datetime.now(UTC),
                      content_hash=f"h{words}")  # fmt: skip
    linked = await StoryIndex(aredis).link(article)
    assert linked is not None and linked.story_id == f"t{words}"


async def test_redelivered_message_is_linked_again_not_dropped(aredis: aioredis.Redis) -> None:
    """A worker that died after linking but before publishing must not lose the article."""
    root = Path(__file__).resolve().parent.parent / "seeds"
    index = StoryIndex(aredis, ttl_seconds=3600)
    first = await index.link(parse_document(load_file(root / "001_36ff3467078243c8.txt")), "1-0")
    rewrite = parse_document(load_file(root / "000_3627bd9c0c1695df.txt"))
    linked = await index.link(rewrite, "2-0")
    again = await index.link(rewrite, "2-0")  # same stream entry, redelivered
    assert first is not None and linked is not None and again is not None
    assert again.story_id == linked.story_id == first.story_id
    assert again.duplicate_of == linked.duplicate_of == "001_36ff3467078243c8"
    assert await index.link(rewrite, "3-0") is None  # a new message with the same text: a repeat
