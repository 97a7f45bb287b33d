"""The shared worker runtime against a real Redis: groups, batches, dead letters, reclaim."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
from faststream.redis.parser import BinaryMessageFormatV1
from redis.exceptions import ResponseError

from services import names, wire
from services.runtime import Entry, Fanned, Outbox, WorkerRuntime, ensure_group, group_backlog
from services.settings import Settings

STREAM = f"{names.PREFIX}:test:input"
GROUP = "testers"


def _settings(redis_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {"batch_size": 8, "claim_idle_ms": 1000, "max_deliveries": 2}
    return Settings(redis_url=redis_url, **{**values, **extra})


async def _wait_for(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def test_group_created_at_zero_sees_earlier_entries(aredis: aioredis.Redis) -> None:
    await aredis.xadd(STREAM, {"__data__": b"{}"})
    assert await ensure_group(aredis, STREAM, GROUP) is True
    assert await ensure_group(aredis, STREAM, GROUP) is False
    lag, pending = await group_backlog(aredis, STREAM, GROUP)
    assert (lag, pending) == (1, 0)
    assert (await group_backlog(aredis, STREAM, "nobody"))[0] is None


async def test_backlog_published_before_start_is_consumed_and_acked(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    for i in range(20):
        await aredis.xadd(STREAM, {"__data__": orjson.dumps({"n": i})})
    seen = await _consume_numbers(redis_url, STREAM, 20, lambda: _pending_is(aredis, 0))
    assert sorted(seen) == list(range(20))


async def _consume_numbers(
    redis_url: str, stream: str, n: int, also: Callable[[], Awaitable[bool]] | None = None
) -> list[int]:
    """The `n` bodies' numbers a worker reads from `stream` in `GROUP` (and waits for `also`)."""
    seen: list[int] = []

    async def handler(entries: list[Entry]) -> None:
        seen.extend(e.body["n"] for e in entries)

    rt = WorkerRuntime("test", _settings(redis_url), port=0)
    rt.consume(stream, GROUP, handler, title="test")
    await rt.app.start()
    try:
        await _wait_for(lambda: _async(len(seen) == n))
        if also is not None:
            await _wait_for(also)
    finally:
        await rt.app.stop()
    return seen


@pytest.mark.parametrize("raw", [False, True])
async def test_poison_message_is_dead_lettered_after_max_deliveries_while_others_flow(
    redis_url: str, aredis: aioredis.Redis, raw: bool
) -> None:
    good: list[int] = []

    async def handler(entries: list[Entry]) -> None:
        bodies = [orjson.loads(e.body) if raw else e.body for e in entries]
        for body in bodies:
            if body.get("poison"):
                raise RuntimeError("handler fails on this message every time")
        good.extend(body["n"] for body in bodies)

    rt = WorkerRuntime("test", _settings(redis_url, batch_size=1), port=0)
    rt.consume(STREAM, GROUP, handler, title="test", raw=raw)
    await rt.app.start()
    try:
        await aredis.xadd(STREAM, {"__data__": orjson.dumps({"poison": True})})
        for i in range(5):
            await aredis.xadd(STREAM, {"__data__": orjson.dumps({"n": i})})
        await _wait_for(lambda: _async(len(good) == 5))
        await _wait_for(lambda: _xlen_is(aredis, names.DEAD_LETTER_STREAM, 1), timeout=30)
        await _wait_for(lambda: _pending_is(aredis, 0))
    finally:
        await rt.app.stop()
    [(_, fields)] = await aredis.xrange(names.DEAD_LETTER_STREAM)
    assert fields[b"reason"] == b"max_deliveries"
    assert fields[b"stage"] == b"test"
    assert orjson.loads(fields[b"payload"]) == {"poison": True}
    assert rt.metrics.dead_letters.labels("test", "max_deliveries")._value.get() == 1


async def _async(value: bool) -> bool:
    return value


async def _pending_is(client: aioredis.Redis, n: int) -> bool:
    _, pending = await group_backlog(client, STREAM, GROUP)
    return pending == n


async def _xlen_is(client: aioredis.Redis, stream: str, n: int) -> bool:
    return int(await client.xlen(stream)) == n


@pytest.fixture(autouse=True)
def _quiet_faststream_logs() -> None:
    import logging

    logging.getLogger("faststream").setLevel(logging.WARNING)


async def test_undecodable_entries_are_dead_lettered_and_the_batch_goes_on(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    seen: list[Any] = []

    async def handler(entries: list[Entry]) -> None:
        seen.extend(e.body for e in entries)

    rt = WorkerRuntime("test", _settings(redis_url), port=0)
    rt.consume(STREAM, GROUP, handler, title="test")
    await rt.app.start()
    try:
        await aredis.xadd(STREAM, {"__data__": b"\xff\xfe not utf-8"})
        await aredis.xadd(STREAM, {b"\xff": b"\xfe"})
        await aredis.xadd(STREAM, {"__data__": orjson.dumps({"n": 1})})
        await _wait_for(lambda: _xlen_is(aredis, names.DEAD_LETTER_STREAM, 2))
        await _wait_for(lambda: _pending_is(aredis, 0))
    finally:
        await rt.app.stop()
    assert {"n": 1} in seen
    reasons = {f[b"reason"] for _, f in await aredis.xrange(names.DEAD_LETTER_STREAM)}
    assert reasons == {b"undecodable"}


async def test_raw_reader_hands_over_each_entry_as_its_json_bytes(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    seen: list[Any] = []

    async def handler(entries: list[Entry]) -> None:
        seen.extend(e.body for e in entries)

    rt = WorkerRuntime("test", _settings(redis_url), port=0)
    rt.consume(STREAM, GROUP, handler, title="test", raw=True)
    await rt.app.start()
    try:
        await aredis.xadd(STREAM, {"__data__": wire.encode_json(b'{"n": 1}', "id-1")})
        await aredis.xadd(STREAM, {"__data__": b'{"n": 2}'})  # plain JSON, as redis-cli sends
        await aredis.xadd(STREAM, {"n": "3"})  # plain fields: one JSON object of them
        await aredis.xadd(STREAM, {"__data__": wire.encode_json(b'{"n": "\xff"}', "id-4")})
        await aredis.xadd(STREAM, {"__data__": b"\xff\xfe not utf-8"})
        await _wait_for(lambda: _xlen_is(aredis, names.DEAD_LETTER_STREAM, 2))
        await _wait_for(lambda: _pending_is(aredis, 0))
    finally:
        await rt.app.stop()
    assert [orjson.loads(body) for body in seen] == [{"n": 1}, {"n": 2}, {"n": "3"}]
    assert all(isinstance(body, bytes) for body in seen)
    reasons = {f[b"reason"] for _, f in await aredis.xrange(names.DEAD_LETTER_STREAM)}
    assert reasons == {b"undecodable"}


async def test_fan_out_writes_faststream_entries_and_publishes_each_on_its_channels(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    out = f"{names.PREFIX}:test:fanned"
    pubsub = aredis.pubsub(ignore_subscribe_messages=True)
    await pubsub.psubscribe(f"{names.PREFIX}:test:ch:*")
    items = [
        Fanned(orjson.dumps({"n": i}), f"id-{i}", tuple(f"{names.PREFIX}:test:ch:{c}" for c in cs))
        for i, cs in enumerate([("a", "b"), ("b",), ()] * 100)  # 300 items: two script calls
    ]
    sender = WorkerRuntime("test", _settings(redis_url, stream_maxlen=100), port=0)
    await sender.fan_out(out, items)
    await sender.fan_out(out, [])
    # Channels: plain JSON, in order, each on the channels its item named.
    got: list[tuple[str, int]] = []
    deadline = asyncio.get_running_loop().time() + 10
    while len(got) < 300 and asyncio.get_running_loop().time() < deadline:
        message = await pubsub.get_message(timeout=1)  # None for the subscription's own reply
        if message is not None:
            channel = message["channel"].decode().rsplit(":", 1)[1]
            got.append((channel, orjson.loads(message["data"])["n"]))
    assert got == [(c, i) for i, cs in enumerate([("a", "b"), ("b",), ()] * 100) for c in cs]
    await pubsub.aclose()
    # The stream: FastStream's wire format with a JSON body and the item's id as correlation id,
    # trimmed near the stream's maxlen.
    entries = await aredis.xrange(out)
    assert 100 <= len(entries) < 300
    data, headers = BinaryMessageFormatV1.parse(entries[-1][1][b"__data__"])
    assert orjson.loads(data) == {"n": 299}
    assert headers["correlation_id"] == "id-299"
    assert headers["content-type"] == "application/json"
    # ...which a FastStream subscriber reads back as the bodies that were sent.
    await sender.redis.aclose()
    seen = await _consume_numbers(redis_url, out, len(entries))
    assert seen == list(range(300 - len(entries), 300))


async def test_fan_out_acknowledges_entries_in_its_last_script_call(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    out = f"{names.PREFIX}:test:fanned"
    await _publish_numbers(aredis, range(3))
    await ensure_group(aredis, STREAM, GROUP)
    read = await aredis.xreadgroup(GROUP, "c", {STREAM: ">"})
    ids = [i.decode() for i, _ in read[0][1]]
    assert await _pending_is(aredis, 3)
    items = [Fanned(orjson.dumps({"n": i}), f"id-{i}", ()) for i in range(300)]
    sender = WorkerRuntime("test", _settings(redis_url), port=0)
    try:
        await sender.fan_out(out, items, (STREAM, GROUP, ids[:2]))  # two script calls
        assert await _pending_is(aredis, 1) and await _xlen_is(aredis, out, 300)
        # a call that fails acknowledges nothing: the entry stays pending for reclaim
        await aredis.set(f"{out}:broken", "not a stream")
        with pytest.raises(ResponseError):
            await sender.fan_out(f"{out}:broken", items[:1], (STREAM, GROUP, ids[2:]))
        assert await _pending_is(aredis, 1)
    finally:
        await sender.redis.aclose()


async def _publish_numbers(client: aioredis.Redis, numbers: range) -> None:
    for i in numbers:
        await client.xadd(STREAM, {"__data__": orjson.dumps({"n": i})})


@contextlib.asynccontextmanager
async def _overlapped(
    redis_url: str, handler: Any, batch_size: int
) -> AsyncIterator[WorkerRuntime]:
    """A started runtime reading `STREAM` with `overlap`, stopped on the way out."""
    rt = WorkerRuntime("test", _settings(redis_url, batch_size=batch_size), port=0)
    rt.consume(STREAM, GROUP, handler, title="test", overlap=True)
    await rt.app.start()
    try:
        yield rt
    finally:
        await rt.app.stop()


async def test_overlapped_tails_run_in_read_order_and_reads_are_acked_when_their_tail_is_done(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    handled: list[int] = []
    finished: list[int] = []
    gate = asyncio.Event()

    async def handler(entries: list[Entry]) -> Callable[[], Awaitable[None]]:
        numbers = [e.body["n"] for e in entries]
        handled.extend(numbers)

        async def tail() -> None:
            if numbers == [0]:
                await gate.wait()  # the first read's tail waits on "Redis"
            finished.extend(numbers)

        return tail

    async with _overlapped(redis_url, handler, batch_size=1):
        await _publish_numbers(aredis, range(4))
        # The next read is handled while the first tail waits; the one after that is not
        # fetched until the first tail is done (one tail in flight); nothing is acknowledged.
        await _wait_for(lambda: _async(handled == [0, 1]))
        await asyncio.sleep(0.5)
        assert handled == [0, 1] and finished == []
        assert await _pending_is(aredis, 2)
        gate.set()
        await _wait_for(lambda: _async(finished == [0, 1, 2, 3]))
        await _wait_for(lambda: _pending_is(aredis, 0))
    assert handled == [0, 1, 2, 3]


async def test_a_failed_tail_leaves_its_read_pending_and_reclaim_retries_it(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    attempts: list[int] = []
    done: list[int] = []

    async def handler(entries: list[Entry]) -> Callable[[], Awaitable[None]]:
        async def tail() -> None:
            for e in entries:
                attempts.append(e.body["n"])
                if e.body["n"] == 1 and attempts.count(1) == 1:
                    raise RuntimeError("Redis went away mid-tail")
                done.append(e.body["n"])

        return tail

    async with _overlapped(redis_url, handler, batch_size=1) as rt:
        await _publish_numbers(aredis, range(3))
        await _wait_for(lambda: _async(sorted(done) == [0, 1, 2]), timeout=30)
        await _wait_for(lambda: _pending_is(aredis, 0))
    assert attempts.count(1) == 2  # failed once in its tail, then done by the reclaiming reader
    assert rt.metrics.batch_failures.labels(STREAM)._value.get() == 1
    assert await aredis.xlen(names.DEAD_LETTER_STREAM) == 0


async def test_stopping_finishes_the_last_tail_and_acknowledges_its_read(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    finished: list[int] = []
    started = asyncio.Event()

    async def handler(entries: list[Entry]) -> Callable[[], Awaitable[None]]:
        async def tail() -> None:
            started.set()
            await asyncio.sleep(1.0)  # still running when the worker is told to stop
            finished.extend(e.body["n"] for e in entries)

        return tail

    await _publish_numbers(aredis, range(5))  # before the start: one read of five
    async with _overlapped(redis_url, handler, batch_size=8):
        await asyncio.wait_for(started.wait(), 15)
    # leaving the block stopped the worker while the tail slept
    assert sorted(finished) == [0, 1, 2, 3, 4]
    assert await _pending_is(aredis, 0)


async def test_overlapped_outboxes_go_out_in_read_order_each_with_its_reads_acknowledgement(
    redis_url: str, aredis: aioredis.Redis
) -> None:
    out = f"{names.PREFIX}:test:outbox"
    broken = f"{out}:broken"
    await aredis.set(broken, "not a stream")  # read 3's outbox fails until this is fixed
    after: list[int] = []

    async def handler(entries: list[Entry]) -> Callable[[], Awaitable[Outbox]]:
        numbers = [e.body["n"] for e in entries]

        async def tail() -> Outbox:
            async def sent() -> None:
                after.extend(numbers)

            items = [Fanned(orjson.dumps({"n": n}), f"id-{n}", ()) for n in numbers]
            return Outbox(broken if numbers == [3] else out, items, sent)

        return tail

    async with _overlapped(redis_url, handler, batch_size=1) as rt:
        await _publish_numbers(aredis, range(10))
        await _wait_for(lambda: _async(len(after) == 9))
        # every other read went out, in order, and was acknowledged; read 3 stays pending
        assert after == [0, 1, 2, 4, 5, 6, 7, 8, 9]
        assert await _pending_is(aredis, 1)
        assert rt.metrics.batch_failures.labels(STREAM)._value.get() == 1
        await aredis.delete(broken)
        await _wait_for(lambda: _async(len(after) == 10), timeout=30)  # the reclaiming reader
        await _wait_for(lambda: _pending_is(aredis, 0))
    assert await _numbers_in(aredis, out) == [0, 1, 2, 4, 5, 6, 7, 8, 9]
    assert await _numbers_in(aredis, broken) == [3]


async def _numbers_in(client: aioredis.Redis, stream: str) -> list[int]:
    return [orjson.loads(wire.payload(f[b"__data__"]))["n"] for _, f in await client.xrange(stream)]
