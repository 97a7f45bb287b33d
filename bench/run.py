"""`make bench`: every figure measured in one run on one corpus; writes bench/results.json.

Figures (see BENCHMARKS.md for what bounds each):
- the limit: raw `nlp.pipe` words/s of the configured pipeline over the texts the extractor
  parses (bodies and photo captions), n_process 1 and 2;
- extract in-process (extractor over nlp.pipe); one worker through Redis measured in turns
  with the limit on the same slices of the corpus (the machine drifts); two workers;
- ingest parse articles/s in-process; rule evaluation events/s in-process at 10/100/1,000 rules;
- the alert worker's events/s through Redis next to the broker's bare batch-consume rate;
- end-to-end latency raw publish -> event and -> alert at half the measured capacity;
- peak RSS of each worker process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
import redis
from rich.console import Console
from rich.table import Table

from bench.bench_ingest import measure as ingest_measure
from bench.bench_rules import measure as rules_measure
from bench.corpus import generate
from services import names, wire
from services.cli import STAGES, drained, group_drained, stop_workers, wait_ready
from services.embedded import EmbeddedRedis, free_port
from services.settings import Settings

OUT = Path(__file__).resolve().parent / "results.json"
DATA = b"__data__"
console = Console()


def _spawn(
    stages: list[str], settings: Settings, extra: dict[str, str] | None = None
) -> list[subprocess.Popen[bytes]]:
    """Start workers, each on its own metrics port, and wait until every one answers /ready."""
    procs, ports = [], []
    for stage in stages:
        port = free_port()
        env = {
            **os.environ,
            "EVENTWATCH_REDIS_URL": settings.redis_url_value() or "",
            "EVENTWATCH_LOG_LEVEL": "WARNING",
            f"EVENTWATCH_{stage.upper()}_PORT": str(port),
            **(extra or {}),
        }
        procs.append(
            subprocess.Popen([sys.executable, "-m", "services.cli", "worker", stage], env=env)
        )
        ports.append(port)
    _wait_ready(procs, ports)
    return procs


def _wait_ready(
    procs: list[subprocess.Popen[bytes]], ports: list[int], timeout: float = 180
) -> None:
    """/ready means Redis reached and the model or rules loaded (a consumer group shows a
    consumer only after its first delivery on Redis 6.2, so it cannot tell)."""
    deadline = time.monotonic() + timeout
    waiting = set(ports)
    while waiting:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker exited before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers on ports {sorted(waiting)} not ready")
        for port in list(waiting):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                    waiting.discard(port)
        time.sleep(0.2)


class RssSampler:
    def __init__(self, procs: list[subprocess.Popen[bytes]]) -> None:
        self.ps = [psutil.Process(p.pid) for p in procs]
        self.peak = [0] * len(procs)

    def sample(self) -> None:
        for i, p in enumerate(self.ps):
            with contextlib.suppress(psutil.Error):
                self.peak[i] = max(self.peak[i], p.memory_info().rss)


def _wait_done(
    client: redis.Redis,
    stream: str,
    group: str,
    sampler: RssSampler | None,
    timeout: float = 900,
    interval: float = 0.02,
) -> float:
    start = time.perf_counter()
    while not group_drained(client, stream, group):
        if sampler:
            sampler.sample()
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"{group} did not finish {stream}")
        time.sleep(interval)
    return time.perf_counter() - start


def measure_limit(
    texts: list[str], model: str, processes: tuple[int, ...] = (1, 2)
) -> dict[str, float]:
    from services.extract.pipeline import load_nlp

    nlp = load_nlp(model)
    words = sum(len(t.split()) for t in texts)
    return {f"nlp_pipe_words_per_s_n{n}": words / _pipe_seconds(nlp, texts, n) for n in processes}


def _pipe_seconds(nlp: Any, texts: list[str], n_process: int = 1) -> float:
    """Seconds for raw `nlp.pipe` over `texts` (batches of 16, as the extractor parses)."""
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=n_process):
        pass
    return time.perf_counter() - start


def parsed_texts(articles: list[Any]) -> list[str]:
    """What the extractor runs through the model: every body and every photo caption."""
    from services.extract.extractor import parse_inputs

    return [text for text, _ in parse_inputs(articles)]


def parsed_words(articles: list[Any]) -> int:
    return sum(len(t.split()) for t in parsed_texts(articles))


def measure_extract_inprocess(articles: list[Any], model: str) -> float:
    from services.extract.extractor import extract_articles
    from services.extract.pipeline import load_nlp

    nlp = load_nlp(model)
    words = parsed_words(articles)
    start = time.perf_counter()
    extract_articles(nlp, articles, batch_size=16)
    return words / (time.perf_counter() - start)


def _extract_through_redis(
    client: redis.Redis, articles: list[Any], sampler: RssSampler | None
) -> float:
    """Seconds for running extract workers to take `articles` from the stream to events: from
    the publish to the id (a Redis timestamp) of the last event they wrote. The bench looks
    only every half second, so that watching costs the workers nothing on a 2-core machine;
    every article of the corpus yields events, so the last event marks the end of the work."""
    pipe = client.pipeline(transaction=False)
    for a in articles:
        pipe.xadd(names.ARTICLES_STREAM, {DATA: orjson.dumps(a.model_dump(mode="json"))})
    start = time.time()
    pipe.execute()
    polled = _wait_done(client, names.ARTICLES_STREAM, names.EXTRACT_GROUP, sampler, interval=0.5)
    [(last_id, _)] = client.xrevrange(names.EVENTS_STREAM, count=1)
    elapsed = int(last_id.split(b"-")[0]) / 1000 - start
    if not 0 < elapsed <= polled + 0.25:  # the last event is this batch's, seen when polled
        raise RuntimeError(f"last event at {elapsed:.3f}s does not fit the run ({polled:.3f}s)")
    return elapsed


def measure_extract_paired(
    url: str, articles: list[Any], model: str, rounds: int = 4
) -> dict[str, Any]:
    """One extract worker against the limit, measured in turns on the same texts.

    The corpus is cut into `rounds` slices. For each slice, raw `nlp.pipe` over its texts runs
    in this process and the worker (idle meanwhile) extracts its articles through Redis, in
    the order limit-worker, worker-limit, ... so that a machine slowing down or speeding up
    during the run weighs on both sides alike; both run on the same CPU."""
    from services.extract.pipeline import load_nlp

    nlp = load_nlp(model)
    client = redis.Redis.from_url(url)
    client.flushall()
    procs = _spawn(["extract"], Settings(redis_url=url))
    sampler = RssSampler(procs)
    # Both sides on the same CPU (a VM's CPUs can differ in speed), Redis free to use another.
    cpu = {min(os.sched_getaffinity(0))}
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpu)
    os.sched_setaffinity(procs[0].pid, cpu)
    size = -(-len(articles) // rounds)
    limit_s = worker_s = 0.0
    per_round = []
    try:
        for r in range(rounds):
            chunk = articles[r * size : (r + 1) * size]
            texts = parsed_texts(chunk)
            if r % 2 == 0:
                lim = _pipe_seconds(nlp, texts)
                work = _extract_through_redis(client, chunk, sampler)
            else:
                work = _extract_through_redis(client, chunk, sampler)
                lim = _pipe_seconds(nlp, texts)
            limit_s += lim
            worker_s += work
            per_round.append(round(lim / work, 3))
    finally:
        os.sched_setaffinity(0, saved)
        stop_workers(procs)
    words = parsed_words(articles)
    return {
        "words_per_s": words / worker_s,
        "limit_words_per_s": words / limit_s,
        "ratio": limit_s / worker_s,
        "ratio_per_round": per_round,
        "articles_per_s": len(articles) / worker_s,
        "peak_rss_mb": max(sampler.peak) / 2**20,
    }


def measure_extract_workers(url: str, articles: list[Any], workers: int) -> dict[str, Any]:
    client = redis.Redis.from_url(url)
    client.flushall()
    procs = _spawn(["extract"] * workers, Settings(redis_url=url))
    sampler = RssSampler(procs)
    try:
        elapsed = _extract_through_redis(client, articles, sampler)
    finally:
        stop_workers(procs)
    return {
        "words_per_s": parsed_words(articles) / elapsed,
        "articles_per_s": len(articles) / elapsed,
        "peak_rss_mb": max(sampler.peak) / 2**20,
    }


def _events(n: int) -> list[dict[str, Any]]:
    base = {
        "type": "troop_deployment",
        "origin": "PRK",
        "destination": "RUS",
        "modality": "reported",
        "sentence": "Troops were sent.",
        "span": [0, 17],
        "confidence": 0.8,
    }
    return [
        {
            **base,
            "article_id": f"b{i}",
            "event_id": f"e{i}",
            "fused_id": f"f{i}",
            "troops_min": 1000 + i,
            "sources": [f"s{i}"],
        }
        for i in range(n)
    ]


def corpus_events(client: redis.Redis, n: int) -> list[dict[str, Any]]:
    """The events the extract workers just wrote, repeated under new ids up to `n`: the mix a
    live feed gives (most events match no rule, some fire several)."""
    found = [
        orjson.loads(wire.payload(fields[DATA])) for _, fields in client.xrange(names.EVENTS_STREAM)
    ]
    return [
        {**e, "event_id": f"{e['event_id']}-{i}", "fused_id": f"{e.get('fused_id')}-{i}"}
        for i, e in zip(range(n), itertools.cycle(found), strict=False)
    ]


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def measure_alert_workers(
    url: str, bodies: list[dict[str, Any]], redis_pid: int, workers: int = 1
) -> dict[str, float]:
    """The alert worker's events/s through Redis (`workers` of them in the group), and
    FastStream's bare batch consume rate (one consumer), with the CPU the workers, the bare
    consumer and the Redis server spent per event meanwhile (so a ratio can be read as work,
    not only as waiting).

    Both consumers are up before the events are published, so neither figure includes startup.
    """
    from faststream.redis import RedisBroker, StreamSub

    client = redis.Redis.from_url(url)
    # in FastStream's wire format, as the extract workers publish them
    events = [wire.encode_json(orjson.dumps(e), e["event_id"]) for e in bodies]
    n = len(events)
    with tempfile.NamedTemporaryFile(suffix=".events", delete=False) as f:
        f.write(orjson.dumps([e.decode("latin-1") for e in events]))
    # From another process, as the extract workers publish: a publisher in the bare consumer's
    # own event loop would stop it consuming while the events go out (about a quarter of its
    # time at 5,000 events), and the worker, a process of its own, does not wait for them.
    publisher = [sys.executable, "-m", "bench.publish", url, names.EVENTS_STREAM, f.name]

    def publish() -> float:
        """Publish the events; the wall-clock time the publisher started sending them."""
        done = subprocess.run(publisher, check=True, capture_output=True, text=True)
        return float(done.stdout)

    server = psutil.Process(redis_pid)
    cpu: dict[str, float] = {}

    async def bare() -> float:
        client.flushall()
        broker = RedisBroker(url, log_level=logging.DEBUG)  # as the workers: no line per message
        seen = 0
        done = asyncio.Event()
        client.xgroup_create(names.EVENTS_STREAM, "bench-bare", id="0", mkstream=True)
        sub = StreamSub(  # reads of the alert worker's size
            names.EVENTS_STREAM,
            group="bench-bare",
            consumer="c",
            batch=True,
            max_records=Settings().event_batch_size,
        )

        @broker.subscriber(stream=sub)
        async def on_events(batch: list[Any]) -> None:
            nonlocal seen
            seen += len(batch)
            if seen >= n:
                done.set()

        await broker.start()
        own, redis_cpu = time.process_time(), _cpu_seconds(server)
        start = await asyncio.to_thread(publish)  # the loop consumes while it runs
        await asyncio.wait_for(done.wait(), 300)
        elapsed = time.time() - start
        cpu["broker"] = time.process_time() - own
        cpu["redis_broker"] = _cpu_seconds(server) - redis_cpu
        await broker.stop()
        return n / elapsed

    try:
        bare_rate = asyncio.run(bare())
        client.flushall()
        procs = _spawn(["alert"] * workers, Settings(redis_url=url))
        try:
            alerters = [psutil.Process(p.pid) for p in procs]
            own, redis_cpu = sum(map(_cpu_seconds, alerters)), _cpu_seconds(server)
            start = publish()
            _wait_done(client, names.EVENTS_STREAM, names.ALERT_GROUP, None)
            worker_rate = n / (time.time() - start)
            cpu["worker"] = sum(map(_cpu_seconds, alerters)) - own
            cpu["redis_worker"] = _cpu_seconds(server) - redis_cpu
        finally:
            stop_workers(procs)
    finally:
        os.unlink(f.name)
    return {
        "alert_worker_events_per_s": worker_rate,
        "broker_batch_consume_per_s": bare_rate,
        "ratio": worker_rate / bare_rate,
        # CPU microseconds per event: each consumer's own, and the Redis server's while it ran
        **{f"cpu_us_per_event_{what}": round(s / n * 1e6, 1) for what, s in cpu.items()},
    }


def measure_latency(url: str, docs: list[tuple[str, str]], rate: float) -> dict[str, Any]:
    """Publish raw documents at `rate`/s; time raw -> first event and raw -> alert per document."""
    client = redis.Redis.from_url(url)
    client.flushall()
    settings = Settings(
        redis_url=url, ingest_port=free_port(), extract_port=free_port(), alert_port=free_port()
    )
    from services.cli import start_workers

    procs = start_workers(url, settings)
    sampler = RssSampler(procs)
    try:
        wait_ready(settings, procs, timeout=180)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.psubscribe(names.severity_channel("*"))
        sent: dict[str, float] = {}
        alert_lat: list[float] = []
        interval = 1.0 / rate
        next_at = time.perf_counter()
        for doc_id, content in docs:
            while time.perf_counter() < next_at:
                msg = pubsub.get_message(timeout=max(0.0, next_at - time.perf_counter()))
                _record(msg, sent, alert_lat)
            sent[doc_id] = time.time()
            client.xadd(
                names.RAW_STREAM,
                {DATA: orjson.dumps({"doc_id": doc_id, "format": "text", "content": content})},
            )
            next_at += interval
            sampler.sample()
        deadline = time.perf_counter() + 120
        while not drained(client) and time.perf_counter() < deadline:
            _record(pubsub.get_message(timeout=0.1), sent, alert_lat)
            sampler.sample()
        while (msg := pubsub.get_message(timeout=0.5)) is not None:
            _record(msg, sent, alert_lat)
        event_lat = []
        seen: set[str] = set()
        for entry_id, fields in client.xrange(names.EVENTS_STREAM):
            body = orjson.loads(wire.payload(fields[DATA]))
            if body["article_id"] in sent and body["article_id"] not in seen:
                seen.add(body["article_id"])
                event_lat.append(
                    int(entry_id.decode().split("-")[0]) / 1000 - sent[body["article_id"]]
                )
    finally:
        stop_workers(procs)
    return {
        "offered_rate_docs_per_s": rate,
        "raw_to_event_s": _pcts(event_lat),
        "raw_to_alert_s": _pcts(alert_lat),
        "peak_rss_mb": {s: p / 2**20 for s, p in zip(STAGES, sampler.peak, strict=True)},
    }


def _record(msg: Any, sent: dict[str, float], out: list[float]) -> None:
    if not msg:
        return
    alert = orjson.loads(msg["data"])
    now = time.time()
    firsts = [sent[a] for a in alert["article_ids"] if a in sent]
    if firsts:
        out.append(now - max(firsts))


def _pcts(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    q = (
        statistics.quantiles(values, n=100, method="inclusive")
        if len(values) > 1
        else [values[0]] * 99
    )
    return {"n": len(values), "p50": q[49], "p95": q[94], "p99": q[98]}


def main() -> None:
    from schemas.documents import RawDocument
    from services.ingest.parse import parse_document

    settings = Settings()
    model = settings.spacy_model
    n = int(os.environ.get("BENCH_ARTICLES", "300"))
    corpus = generate(n, seed=42)
    articles = [parse_document(RawDocument(doc_id=d.doc_id, content=d.content)) for d in corpus]
    # The limit parses what the extractor parses (bodies and captions), so every words/s
    # figure below counts the same words.
    texts = parsed_texts(articles)
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "corpus": {
            "articles": n,
            "body_words": sum(len(a.body.split()) for a in articles),
            "captions": len(texts) - n,
            "parsed_words": sum(len(t.split()) for t in texts),
        },
    }
    c = results["corpus"]
    console.print(
        f"corpus: {n} articles, {c['body_words']} body words, {c['captions']} captions, "
        f"{c['parsed_words']} words parsed"
    )
    results.update(measure_limit(texts, model))
    results["extract_inprocess_words_per_s"] = measure_extract_inprocess(articles, model)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as server:
        one = measure_extract_paired(server.url, articles, model)
        results["extract_workers_1"] = one
        console.print(
            f"extract x1: {one['words_per_s']:.0f} words/s, limit in turns "
            f"{one['limit_words_per_s']:.0f}: {one['ratio']:.3f} {one['ratio_per_round']}"
        )
        two = measure_extract_workers(server.url, articles, 2)
        results["extract_workers_2"] = two
        console.print(f"extract x2: {two['words_per_s']:.0f} words/s")
        mix = corpus_events(redis.Redis.from_url(server.url), 5000)
        assert server.process is not None
        pid = server.process.pid
        results["alert_every_event_fires"] = measure_alert_workers(server.url, _events(5000), pid)
        results["alert_corpus_mix"] = measure_alert_workers(server.url, mix, pid)
        quiet = [{**e, "origin": "URY", "destination": "PRY"} for e in _events(5000)]
        results["alert_none_fire"] = measure_alert_workers(server.url, quiet, pid)
        # scale-out: two alert workers in the group (on this machine's cores, with Redis)
        results["alert_corpus_mix_2_workers"] = measure_alert_workers(server.url, mix, pid, 2)
        capacity_docs = results["extract_workers_1"]["articles_per_s"]
        lat_docs = [(f"lat-{d.doc_id}", d.content) for d in generate(min(n, 200), seed=99)]
        results["latency"] = measure_latency(server.url, lat_docs, rate=capacity_docs / 2)
    results["ingest"] = ingest_measure(500)
    results["rules"] = rules_measure()
    limit = results["nlp_pipe_words_per_s_n1"]
    results["ratios"] = {
        "extract_inprocess_vs_limit": results["extract_inprocess_words_per_s"] / limit,
        "extract_1_worker_vs_limit_in_turns": results["extract_workers_1"]["ratio"],
        "extract_2_workers_vs_1": results["extract_workers_2"]["words_per_s"]
        / results["extract_workers_1"]["words_per_s"],
        "alert_worker_vs_broker_corpus_mix": results["alert_corpus_mix"]["ratio"],
        "alert_worker_vs_broker_every_event_fires": results["alert_every_event_fires"]["ratio"],
        "alert_worker_vs_broker_none_fire": results["alert_none_fire"]["ratio"],
        "alert_2_workers_vs_broker_corpus_mix": results["alert_corpus_mix_2_workers"]["ratio"],
    }
    OUT.write_text(json.dumps(results, indent=2))
    _table(results)


def _table(results: dict[str, Any]) -> None:
    table = Table("figure", "value", title=f"eventwatch bench ({OUT.name})")

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, float):
            table.add_row(prefix, f"{value:,.3f}" if value < 10 else f"{value:,.0f}")
        else:
            table.add_row(prefix, str(value))

    walk("", results)
    console.print(table)


if __name__ == "__main__":
    main()
