from __future__ import annotations

from pathlib import Path

import redis

from services.embedded import EmbeddedRedis


def test_embedded_redis_starts_with_aof_and_stops(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path / "data") as server:
        client = redis.Redis.from_url(server.url)
        client.set("k", "v")
        assert client.get("k") == b"v"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("appendfsync")["appendfsync"] == "everysec"
        client.close()
        process = server.process
    assert process is not None and process.poll() is not None


def test_embedded_redis_keeps_data_across_restart(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path / "data") as server:
        client = redis.Redis.from_url(server.url)
        client.xadd("s", {"a": "1"})
        client.close()
    with EmbeddedRedis(tmp_path / "data") as server:
        client = redis.Redis.from_url(server.url)
        assert client.xlen("s") == 1
        client.close()
