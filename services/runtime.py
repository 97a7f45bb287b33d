"""What every worker shares: broker, consumer groups, reclaim, dead letters, metrics, readiness.

A worker (services/<stage>/app.py) builds a `WorkerRuntime`, registers one batch handler per
input stream with `consume`, and gets back a FastStream app. The runtime supplies what
FastStream does not for Redis streams:

- consumer groups created at id 0 before the subscribers start, so nothing published before
  a worker's first start is skipped (FastStream would create them at `$`);
- a second, reclaiming subscriber per stream (FastStream's `min_idle_time`, i.e. XAUTOCLAIM)
  that takes over entries a dead or stuck consumer left pending, and dead-letters an entry
  delivered more than `max_deliveries` times;
- the dead-letter stream with a reason per entry, and its counter.

On a Redis Cluster (`Settings.redis_cluster`) the broker and the client come from
services/connect.py in their cluster flavour; nothing else here changes: each stream, with its
consumer groups, is one key on its own slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import redis.asyncio as aioredis
from faststream import AckPolicy, FastStream
from faststream.redis import StreamSub
from faststream.redis.annotations import RedisStreamMessage
from faststream.redis.prometheus import RedisPrometheusMiddleware
from faststream.specification import AsyncAPI
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from redis.exceptions import AuthenticationError, ResponseError

from services import connect, names, wire
from services.metrics import Metrics, MetricsServer, package_version
from services.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_URL = "redis://127.0.0.1:6379/0"
LAG_REFRESH_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One stream entry handed to a stage's handler: its id and its decoded body."""

    message_id: str
    body: Any


@dataclass(frozen=True, slots=True)
class Fanned:
    """One message for `WorkerRuntime.fan_out`: its JSON, its id, the channels it goes to."""

    data: bytes
    message_id: str
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outbox:
    """What a read's tail leaves to send: `items` fanned out to `stream` (`fan_out`), then
    `after` (metrics, logs, forwarding elsewhere) once they are out."""

    stream: str
    items: Sequence[Fanned]
    after: Callable[[], Awaitable[None]] | None = None


Tail = Callable[[], Awaitable[Outbox | None]]
# A handler may leave part of a batch's work to a tail it returns (see `consume`'s `overlap`).
Handler = Callable[[list[Entry]], Awaitable[Tail | None]]
Ack = tuple[str, str, list[str]]  # (stream, group, entry ids): entries to acknowledge


# KEYS[1]: the stream; KEYS[2], if given: a stream whose entries are acknowledged once the
# items are out. ARGV[1]: the stream's maxlen; ARGV[2]: the group acknowledging; ARGV[3]: how
# many ids it acknowledges; then those ids; then per item: FastStream wire bytes, where the
# plain JSON starts in them (it ends them), the number of channels, the channels.
FAN_OUT_SCRIPT = """
local maxlen = ARGV[1]
local acks = tonumber(ARGV[3])
local i = 4 + acks
local n = 0
while i <= #ARGV do
  local channels = tonumber(ARGV[i + 2])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', '__data__', ARGV[i])
  local data = string.sub(ARGV[i], tonumber(ARGV[i + 1]) + 1)
  for c = 1, channels do
    redis.call('PUBLISH', ARGV[i + 2 + c], data)
  end
  i = i + 3 + channels
  n = n + 1
end
if acks > 0 then redis.call('XACK', KEYS[2], ARGV[2], unpack(ARGV, 4, 3 + acks)) end
return n
"""
FAN_OUT_CHUNK = 256  # items per script call: Redis runs a call without interleaving others


def _json_header(body: dict[str, Any] | bytes) -> dict[str, str] | None:
    """JSON already encoded goes out as FastStream would send the dict it came from."""
    return {"content-type": "application/json"} if isinstance(body, bytes) else None


def consumer_name(pattern: str) -> str:
    """This process's consumer name from `pattern` ({hostname}, {pid}); the default gives each
    process its own, so a restarted worker is a new consumer and its old entries are reclaimed."""
    return pattern.format(hostname=socket.gethostname(), pid=os.getpid())


class WorkerRuntime:
    """Broker, Redis client, metrics and dead letters for one worker process of one stage."""

    def __init__(self, stage: str, settings: Settings, *, port: int, description: str = "") -> None:
        self.stage = stage
        self.settings = settings
        self.url = settings.redis_url_value() or DEFAULT_URL
        self.registry = CollectorRegistry()
        self.metrics = Metrics(self.registry, stage)
        self.cluster = settings.redis_cluster
        # FastStream's own lines go through our handlers at WARNING and above: it logs every
        # message (at `log_level`) and every reader task it reaps at INFO; its errors remain.
        broker_log = logging.getLogger(f"eventwatch.{stage}.broker")
        broker_log.setLevel(logging.WARNING)
        self.broker = connect.broker(
            self.url,
            cluster=self.cluster,
            middlewares=[RedisPrometheusMiddleware(registry=self.registry, app_name=stage)],
            graceful_timeout=30.0,
            logger=broker_log,
            log_level=logging.DEBUG,
        )
        self.app = FastStream(
            self.broker,
            logger=logging.getLogger(f"eventwatch.{stage}"),
            specification=AsyncAPI(
                self.broker,
                title=f"eventwatch {stage} worker",
                version=package_version(),
                description=description,
            ),
        )
        self.outputs: dict[str, Any] = {}
        self.redis: connect.AsyncRedis = connect.async_client(
            self.url, cluster=self.cluster, health_check_interval=10
        )
        self.consumer = consumer_name(settings.consumer_name)
        self.http = MetricsServer(self.registry, settings.metrics_host, port, self.is_ready)
        self.groups: list[tuple[str, str]] = []
        self.readers: list[tuple[str, Any]] = []  # (group@stream, its FastStream subscriber)
        self.extra_ready: Callable[[], bool] = lambda: True
        self._redis_ok_at = 0.0
        self._lag_task: asyncio.Task[None] | None = None
        self._closing = False
        self._fan_out: Any = None
        # by group@stream: its last read's tail, and the deliveries not known to be done
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._deliveries: dict[str, deque[asyncio.Task[None]]] = {}
        self._stopped: list[str] = []
        self.app.on_startup(self._startup)
        self.app.after_startup(self._after_startup)
        self.app.on_shutdown(self._shutdown)
        self.app.after_shutdown(self._after_shutdown)

    # -- wiring -------------------------------------------------------------------------

    def consume(
        self,
        stream: str,
        group: str,
        handler: Handler,
        *,
        title: str,
        batch_size: int = 0,
        raw: bool = False,
        overlap: bool = False,
    ) -> None:
        """Read `stream` in `group` in batches (of `batch_size`, else the `batch_size`
        setting), plus a reclaiming reader for stuck entries.

        Entries reach `handler` with their bodies decoded from JSON, or with `raw` as the JSON
        bytes their publisher sent (for a handler that validates them straight from JSON:
        FastStream's batch parser would decode every body, encode the read as one JSON
        document and decode that again).

        A handler may return a tail: the rest of the read's work, which may leave an `Outbox`
        to send. It runs before the read is acknowledged, and with `overlap` it runs while the
        next read is fetched and handled, so a worker whose tail waits on Redis is not idle
        meanwhile; its outbox goes out with the read's acknowledgement in one script call while
        the next read's tail runs (see `_overlapped`). Tails run one at a time, in the order of
        their reads, and so do outboxes."""
        self.groups.append((stream, group))
        name = f"{group}@{stream}"
        settings = self.settings
        options: dict[str, Any] = (
            {"parser": _raw_batch_parser, "decoder": _raw_batch_decoder}
            if raw
            else {"parser": tolerant_parser, "decoder": _batch_entries_decoder}
        )
        if overlap:  # acknowledged with their outboxes (`_deliver`), not when the handler returns
            options["ack_policy"] = AckPolicy.MANUAL

        reader = self.broker.subscriber(
            stream=StreamSub(
                stream,
                group=group,
                consumer=self.consumer,
                batch=True,
                max_records=batch_size or settings.batch_size,
                polling_interval=200,
            ),
            title=title,
            **options,
        )

        # The decoders hand over entries with their ids: a `msg` parameter here would be a
        # Context field, which FastStream resolves in a worker thread, a thread hop per read;
        # `Any`, as FastStream validates the argument against its annotation.
        @reader
        async def on_batch(entries: list[Any]) -> None:
            ids = [entry.message_id for entry in entries]
            tail = await handler(await self._drop_undecodable(stream, entries))
            if overlap:
                await self._overlapped(name, (stream, group, ids), tail)
            elif tail is not None:  # FastStream acknowledges the read when this returns
                await self._send(await tail())

        reclaimer = self.broker.subscriber(
            stream=StreamSub(
                stream,
                group=group,
                consumer=self.consumer,
                min_idle_time=settings.claim_idle_ms,
                polling_interval=1000,
            ),
            title=f"{title} (reclaim)",
            include_in_schema=False,
            parser=tolerant_parser,
        )
        self.readers += [(f"{group}@{stream}", reader), (f"{group}@{stream} (reclaim)", reclaimer)]

        @reclaimer
        async def on_reclaimed(body: Any, msg: RedisStreamMessage) -> None:
            message_id = _text(msg.raw_message["message_ids"][0])
            if raw:
                body = raw_body(msg.raw_message["data"])
            delivered = await self._times_delivered(stream, group, message_id)
            if delivered > settings.max_deliveries:
                await self.dead_letter(
                    "max_deliveries",
                    body,
                    error=f"delivered {delivered} times without success",
                    stream=stream,
                    message_id=message_id,
                )
                return
            log.warning(
                "reclaimed %s %s (delivery %d)", stream, message_id, delivered,
                extra={"stage": self.stage, "message_id": message_id},
            )  # fmt: skip
            tail = await handler(await self._drop_undecodable(stream, [Entry(message_id, body)]))
            if tail is not None:  # acknowledged with its outbox; FastStream's ack then finds none
                await self._send(await tail(), (stream, group, [message_id]))

    async def _overlapped(self, name: str, ack: Ack, tail: Tail | None) -> None:
        """Start this read's tail once the previous read's tail is done, and return: FastStream
        then fetches the next read, and the handler works on it, while this tail waits on
        Redis. The tail's outbox then goes out with the read's acknowledgement, after the
        previous read's, while the next tail runs. In hand at most: the read being handled,
        one tail and two deliveries."""
        previous = self._tails.get(name)
        if previous is not None:
            await previous  # never raises: `_decide` keeps its failures
        deliveries = self._deliveries.setdefault(name, deque())
        while deliveries and deliveries[0].done():
            deliveries.popleft()
        if len(deliveries) >= 2:  # Redis is behind with the outboxes: wait, hold no more
            await deliveries[0]
        self._tails[name] = asyncio.create_task(self._decide(name, ack, tail))

    async def _decide(self, name: str, ack: Ack, tail: Tail | None) -> None:
        """Run a read's tail, then queue its outbox and acknowledgement behind the previous
        read's. A failed tail leaves the read pending, as a failed handler does: the reclaiming
        reader retries it, entry by entry."""
        try:
            outbox = await tail() if tail is not None else None
        except Exception:  # any failure: the entries stay pending and are reclaimed
            self._read_failed(ack, "its tail")
            return
        deliveries = self._deliveries[name]
        previous = deliveries[-1] if deliveries else None
        deliveries.append(asyncio.create_task(self._deliver(ack, outbox, previous)))

    async def _deliver(
        self, ack: Ack, outbox: Outbox | None, previous: asyncio.Task[None] | None
    ) -> None:
        """Send a read's outbox and acknowledge the read, after the previous read's."""
        if previous is not None:
            await previous  # never raises
        try:
            await self._send(outbox, ack)
        except Exception:  # sent or not, nothing was acknowledged: the read is reclaimed
            self._read_failed(ack, "its delivery")

    async def _send(self, outbox: Outbox | None, ack: Ack | None = None) -> None:
        """Fan out an outbox, acknowledging `ack`'s entries in the same script call (one
        command: a worker that dies on the way neither loses nor repeats the outbox), then run
        its `after`. Without an outbox, only the acknowledgement."""
        if outbox is not None and outbox.items:
            await self.fan_out(outbox.stream, outbox.items, ack)
        elif ack is not None:
            await self.redis.xack(ack[0], ack[1], *ack[2])
        if outbox is not None and outbox.after is not None:
            try:
                await outbox.after()
            except Exception:  # the outbox is out and its read acknowledged: only log
                log.exception("after sending to %s", outbox.stream, extra={"stage": self.stage})

    def _read_failed(self, ack: Ack, what: str) -> None:
        stream, _, ids = ack
        self.metrics.batch_failures.labels(stream).inc()
        log.exception(
            "a read of %s (%s..%s) failed in %s; left pending for reclaim",
            stream, ids[0], ids[-1], what, extra={"stage": self.stage, "message_id": ids[0]},
        )  # fmt: skip

    async def _drop_undecodable(self, stream: str, entries: list[Entry]) -> list[Entry]:
        keep = []
        for entry in entries:
            if isinstance(entry.body, dict) and UNDECODABLE in entry.body:
                await self.refuse(stream, entry, "undecodable", "entry is not valid UTF-8")
            else:
                keep.append(entry)
        return keep

    async def _times_delivered(self, stream: str, group: str, message_id: str) -> int:
        rows = await self.redis.xpending_range(stream, group, message_id, message_id, 1)
        return int(rows[0]["times_delivered"]) if rows else 1

    # -- output -------------------------------------------------------------------------

    def output(self, stream: str, schema: Any, *, title: str, description: str = "") -> None:
        """Declare a stream this worker publishes to (trimmed to `stream_maxlen`) and its model."""
        self.outputs[stream] = self.broker.publisher(
            stream=StreamSub(stream, maxlen=self.settings.stream_maxlen),
            schema=schema,
            title=title,
            description=description,
        )

    async def publish(self, stream: str, bodies: Sequence[dict[str, Any] | bytes]) -> None:
        """Publish several bodies (models dumped to dicts, or JSON already encoded) to a
        declared stream, in order, through its FastStream publisher: in one round trip on one
        server; one command at a time on a cluster, whose FastStream producer takes no
        pipeline."""
        if not bodies:
            return
        publisher = self.outputs[stream]
        # The stream and maxlen given again: FastStream would otherwise copy its StreamSub for
        # every message to read them.
        maxlen = self.settings.stream_maxlen
        if self.cluster:
            for body in bodies:
                await publisher.publish(body, stream, headers=_json_header(body), maxlen=maxlen)
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for body in bodies:
                headers = _json_header(body)
                await publisher.publish(body, stream, headers=headers, maxlen=maxlen, pipeline=pipe)
            await pipe.execute()

    async def fan_out(self, stream: str, items: Sequence[Fanned], ack: Ack | None = None) -> None:
        """Append each item's JSON to a declared stream and PUBLISH it on the item's channels,
        in order, with one script call per `FAN_OUT_CHUNK` items, the last of which also
        acknowledges `ack`'s entries. On a cluster, where a script may only touch one slot,
        the acknowledgement is a command of its own after the script (a PUBLISH reaches every
        node's subscribers).

        For outputs that fan out many messages per input (alerts): FastStream's publisher costs
        tens of microseconds a message and takes no batch, so the stream entries are encoded
        here in FastStream's own wire format (`services.wire`: JSON content type, the item's
        id as correlation id) and read back by any FastStream subscriber as if it had
        published them. Channels carry the plain JSON, for `redis-cli PSUBSCRIBE`."""
        if not items:
            return
        if self._fan_out is None:
            self._fan_out = self.redis.register_script(FAN_OUT_SCRIPT)
        in_script = None if self.cluster else ack
        for start in range(0, len(items), FAN_OUT_CHUNK):
            keys = [stream]
            args: list[Any] = [self.settings.stream_maxlen, "", 0]
            if in_script is not None and start + FAN_OUT_CHUNK >= len(items):  # the last call
                keys.append(in_script[0])
                args = [self.settings.stream_maxlen, in_script[1], len(in_script[2]), *in_script[2]]
            for item in items[start : start + FAN_OUT_CHUNK]:
                entry = wire.encode_json(item.data, item.message_id)
                start_of_data = len(entry) - len(item.data)
                args += [entry, start_of_data, len(item.channels), *item.channels]
            await self._fan_out(keys=keys, args=args)
        if ack is not None and in_script is None:
            await self.redis.xack(ack[0], ack[1], *ack[2])

    async def refuse(self, stream: str, entry: Entry, reason: str, error: str = "") -> None:
        """Dead-letter one input entry of `stream` (it is then acknowledged with its batch)."""
        await self.dead_letter(
            reason, entry.body, error=error, stream=stream, message_id=entry.message_id
        )

    async def dead_letter(
        self,
        reason: str,
        payload: Any,
        *,
        error: str = "",
        stream: str = "",
        message_id: str = "",
    ) -> None:
        """Record a message that cannot be processed, with its reason, and count it."""
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8", "backslashreplace")
        raw = payload if isinstance(payload, str) else orjson.dumps(payload, default=str).decode()
        fields: dict[Any, Any] = {
            "stage": self.stage,
            "reason": reason,
            "error": error[:2000],
            "stream": stream,
            "message_id": message_id,
            "payload": raw[: self.settings.max_document_bytes + 1024],
            "at": datetime.now(UTC).isoformat(),
        }
        await self.redis.xadd(
            names.DEAD_LETTER_STREAM, fields, maxlen=self.settings.stream_maxlen, approximate=True
        )
        self.metrics.dead_letters.labels(self.stage, reason).inc()
        log.warning(
            "dead-lettered %s from %s: %s %s", message_id or "-", stream or "-", reason, error,
            extra={"stage": self.stage, "message_id": message_id},
        )  # fmt: skip

    # -- lifecycle ----------------------------------------------------------------------

    def is_ready(self) -> bool:
        """Ready when Redis answered recently and the stage's own check (model, rules) holds."""
        recent = time.monotonic() - self._redis_ok_at < 3 * LAG_REFRESH_SECONDS
        return recent and self.extra_ready()

    async def _startup(self) -> None:
        try:
            await self.redis.ping()
        except AuthenticationError as exc:
            raise SystemExit(f"redis refused the credentials: {exc}") from None
        except (OSError, aioredis.ConnectionError, *connect.CLUSTER_ERRORS) as exc:
            what = "the redis cluster" if self.cluster else "redis"
            raise SystemExit(f"cannot reach {what}: {exc}") from None
        if not self.cluster and connect.is_cluster_node(await self.redis.info("cluster")):
            raise SystemExit(connect.NOT_CLUSTER_AWARE)
        for stream, group in self.groups:
            await ensure_group(self.redis, stream, group)
        self._redis_ok_at = time.monotonic()
        self.http.start()

    async def _after_startup(self) -> None:
        self._lag_task = asyncio.create_task(self._refresh_lag())

    async def _shutdown(self) -> None:
        if self._lag_task:
            # The flag as well as the cancel: redis-py may turn a cancel that lands inside a
            # command into a connection error, which the loop survives.
            self._closing = True
            self._lag_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lag_task
        # Subscribers still run here (on_shutdown precedes broker.stop()), unless one stopped
        # itself: FastStream does that on a terminal error such as NOGROUP (the stream was
        # deleted or Redis lost its data) and then exits the app, leaving re-creation to a
        # restart. Exit non-zero so the supervisor (compose `restart:`) restarts this worker;
        # startup re-creates the groups at id 0, so nothing still in the stream is skipped.
        self._stopped = sorted(name for name, reader in self.readers if not reader.running)

    async def _after_shutdown(self) -> None:
        # The readers have stopped (broker.stop() waited for their handlers): finish the last
        # tails and deliveries, so their reads are acknowledged, before the client is closed.
        await asyncio.gather(*self._tails.values())
        await asyncio.gather(*(d for queue in self._deliveries.values() for d in queue))
        self.http.stop()
        await self.redis.aclose()
        if self._stopped:
            raise SystemExit(
                f"reader(s) {', '.join(self._stopped)} stopped on a terminal error (a consumer "
                "group vanished?); exiting so a restart re-creates the groups"
            )

    async def _refresh_lag(self) -> None:
        """Keep the lag and pending gauges and the Redis liveness gauge current."""
        while not self._closing:
            try:
                for stream, group in self.groups:
                    lag, pending = await group_backlog(self.redis, stream, group)
                    if lag is None:
                        continue  # the reader stops on NOGROUP; a restart re-creates the group
                    self.metrics.lag.labels(stream, group).set(lag)
                    self.metrics.pending.labels(stream, group).set(pending)
                self._redis_ok_at = time.monotonic()
                self.metrics.redis_up.set(1)
            except (OSError, aioredis.RedisError, *connect.CLUSTER_ERRORS) as exc:
                self.metrics.redis_up.set(0)
                if not self._closing:
                    log.warning("redis check failed: %s", exc)
            if not self._closing:
                await asyncio.sleep(LAG_REFRESH_SECONDS)


async def ensure_group(redis: connect.AsyncRedis, stream: str, group: str) -> bool:
    """Create `group` on `stream` at id 0 (whole history) unless it exists; True if created."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
        return False
    log.info("created consumer group %s on %s", group, stream)
    return True


LAG_COUNT_CAP = 100_000
_COUNT_AFTER = "return #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])"


async def group_backlog(
    redis: connect.AsyncRedis, stream: str, group: str
) -> tuple[int | None, int]:
    """(lag, pending) of a group: entries not yet delivered, and delivered but unacked.

    Lag is None when the group does not exist. Redis 7 reports lag itself; on 6.2 (the
    embedded server) it is counted from the group's last delivered id, capped at `LAG_COUNT_CAP`.
    """
    try:
        groups = await redis.xinfo_groups(stream)
    except ResponseError:
        return None, 0
    for info in groups:
        if _text(info["name"]) != group:
            continue
        pending = int(info.get("pending") or 0)
        lag = info.get("lag")
        if lag is None:
            last = _text(info["last-delivered-id"])
            # counted in Redis: only the number crosses the wire, not a backlog of bodies
            count = redis.register_script(_COUNT_AFTER)  # EVALSHA: the script is sent once
            lag = await count(keys=[stream], args=[last, LAG_COUNT_CAP])
        return int(lag), pending
    return None, 0


UNDECODABLE = "__undecodable__"


async def tolerant_parser(message: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """FastStream's parser, but an entry it cannot decode (e.g. bytes that are not UTF-8)
    becomes a body the handler dead-letters, instead of an exception that leaves the whole
    batch pending forever."""
    try:
        return await original(message)
    except Exception:  # whatever broke decoding, the fix is the same
        data = message["data"]
        entries = data if isinstance(data, list) else [data]
        safe = [_decodable(entry) for entry in entries]
        return await original({**message, "data": safe if isinstance(data, list) else safe[0]})


async def _raw_batch_parser(message: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """A batch as FastStream's message (ids, ack, metrics) without its body parsing: each
    entry's JSON bytes are read off the wire format (`services.wire`) and kept for
    `_raw_batch_decoder`."""
    bodies = [raw_body(fields) for fields in message["data"]]
    msg = await original({**message, "data": []})
    msg.raw_message = {**message, "bodies": bodies}
    msg.body = b"".join(b for b in bodies if isinstance(b, bytes))  # its size for the metrics
    return msg


def _entries(msg: Any, bodies: list[Any]) -> list[Entry]:
    ids = msg.raw_message["message_ids"]
    return [Entry(_text(i), body) for i, body in zip(ids, bodies, strict=True)]


async def _raw_batch_decoder(msg: Any) -> list[Entry]:
    """The read's entries, each with the JSON bytes `_raw_batch_parser` kept."""
    return _entries(msg, msg.raw_message["bodies"])


async def _batch_entries_decoder(
    msg: Any, original: Callable[[Any], Awaitable[Any]]
) -> list[Entry]:
    """The read's entries, each with its body as FastStream decodes it."""
    return _entries(msg, await original(msg))


def raw_body(fields: dict[bytes, bytes]) -> bytes | dict[str, Any]:
    """One entry's body as the JSON bytes its publisher sent: FastStream's message body, or an
    entry of plain fields as a JSON object (as FastStream decodes it); an `UNDECODABLE` marker
    when it is not UTF-8."""
    data = fields.get(wire.DATA_FIELD)
    try:
        if data is None:
            return orjson.dumps({_text(k): _text(v) for k, v in fields.items()})
        body = wire.payload(data)
        if not body.isascii():
            body.decode()
        return body
    except UnicodeDecodeError:
        return _undecodable(fields)


def _decodable(entry: dict[bytes, bytes]) -> dict[bytes, bytes]:
    try:
        orjson.dumps({_text(k): _text(v) for k, v in entry.items()})
        if wire.DATA_FIELD in entry:
            _text(entry[wire.DATA_FIELD])
        return entry
    except (UnicodeDecodeError, TypeError, orjson.JSONEncodeError):
        return {wire.DATA_FIELD: orjson.dumps(_undecodable(entry))}


def _undecodable(entry: dict[bytes, bytes]) -> dict[str, Any]:
    """The marker body of an entry that is not UTF-8, its fields shown with escapes."""
    raw = {k.decode("utf-8", "backslashreplace"): v.decode("utf-8", "backslashreplace")
           for k, v in entry.items()}  # fmt: skip
    return {UNDECODABLE: raw}


def validation_reason(exc: ValidationError) -> str:
    """The first pydantic error as `field.path: message`, short enough for a dead letter."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    return f"{where}: {err['msg']} ({exc.error_count()} error(s))"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
