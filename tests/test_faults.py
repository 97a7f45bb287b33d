"""Fault suite: real worker processes and a real Redis, broken on purpose.

Nothing lost, nothing doubled: workers killed with SIGKILL mid-replay, Redis restarted,
poison and malformed input, wrong credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import redis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bench.corpus import generate
from schemas.events import EVENT_ADAPTER
from services import names
from services.alert.engine import backtest
from services.alert.rules import load_rules
from services.cli import STAGES, drained, group_drained, stop_workers, wait_ready
from services.embedded import EmbeddedRedis, free_port, redis_server_binary
from services.settings import PROJECT_ROOT, Settings

pytestmark = [pytest.mark.integration, pytest.mark.faults]
DATA = b"__data__"


def _settings(url: str) -> Settings:
    return Settings(
        redis_url=url, ingest_port=free_port(), extract_port=free_port(), alert_port=free_port()
    )


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "EVENTWATCH_REDIS_URL": settings.redis_url_value() or "",
        "EVENTWATCH_INGEST_PORT": str(settings.ingest_port),
        "EVENTWATCH_EXTRACT_PORT": str(settings.extract_port),
        "EVENTWATCH_ALERT_PORT": str(settings.alert_port),
        # reclaim quickly so a killed consumer's entries move on within the test
        "EVENTWATCH_CLAIM_IDLE_MS": "2000",
        "EVENTWATCH_BATCH_SIZE": "8",
        "EVENTWATCH_LOG_LEVEL": "WARNING",
    }


def _spawn(stage: str, settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "worker", stage], env=_env(settings)
    )


class Pipeline:
    """Three worker processes whose members can be killed and restarted."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.procs = {stage: _spawn(stage, settings) for stage in STAGES}

    def ready(self) -> None:
        wait_ready(self.settings, list(self.procs.values()), timeout=120)

    def kill(self, stage: str) -> None:
        self.procs[stage].send_signal(signal.SIGKILL)
        self.procs[stage].wait()

    def restart(self, stage: str) -> None:
        self.procs[stage] = _spawn(stage, self.settings)

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs.values())

    def stop(self) -> list[int | None]:
        stop_workers(list(self.procs.values()))
        return [p.returncode for p in self.procs.values()]


@pytest.fixture
def pipeline(redis_url: str) -> Iterator[Pipeline]:
    p = Pipeline(_settings(redis_url))
    try:
        p.ready()
        yield p
    finally:
        p.stop()


def _publish(client: redis.Redis, docs: list[tuple[str, str]]) -> None:
    pipe = client.pipeline(transaction=False)
    for doc_id, content in docs:
        body = {"doc_id": doc_id, "format": "text", "content": content}
        pipe.xadd(names.RAW_STREAM, {DATA: orjson.dumps(body)})
    pipe.execute()


def _bodies(client: redis.Redis, stream: str) -> list[dict]:
    from faststream.redis.parser import BinaryMessageFormatV1

    return [
        orjson.loads(BinaryMessageFormatV1.parse(fields[DATA])[0])
        for _, fields in client.xrange(stream)
    ]


def _wait(check, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.25)


@pytest.mark.timeout(1200)  # 500 articles through the workers, then re-extracted here to compare
def test_extract_worker_killed_repeatedly_loses_nothing_and_doubles_no_alert(
    pipeline: Pipeline, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    docs = [(d.doc_id, d.content) for d in generate(500, seed=11)]
    _publish(client, docs)
    rng = random.Random(5)
    for _ in range(4):
        time.sleep(rng.uniform(2.0, 6.0))
        pipeline.kill("extract")
        pipeline.restart("extract")
    _wait(lambda: drained(client), timeout=900)

    articles = _bodies(client, names.ARTICLES_STREAM)
    events = _bodies(client, names.EVENTS_STREAM)
    alerts = _bodies(client, names.ALERTS_STREAM)
    assert len({a["article_id"] for a in articles}) == len(docs)
    # every article's events are there, however often its batch was redelivered
    from schemas.documents import Article
    from services.extract.extractor import extract_articles
    from services.extract.pipeline import load_nlp

    nlp = load_nlp(Settings().spacy_model)
    expected = {
        e.event_id
        for batch in extract_articles(nlp, [Article.model_validate(a) for a in articles])
        for e in batch
    }
    assert {e["event_id"] for e in events} == expected
    # every alert once: the stream holds exactly what the rules give over the events, no repeats
    ids = Counter(a["alert_id"] for a in alerts)
    assert ids and max(ids.values()) == 1
    wanted = asyncio.run(
        backtest(
            load_rules(PROJECT_ROOT / "rules" / "default.yaml"),
            [EVENT_ADAPTER.validate_python(e) for e in events],
        )
    )
    assert set(ids) == {a.alert_id for a in wanted}
    assert client.xlen(names.DEAD_LETTER_STREAM) == 0


KILLED_ALERT_RULES = """
rules:
  - name: troops
    types: [troop_deployment]
    severity: critical
  - name: visits
    types: [delegation_visit]
    where: {destination: PRK}
"""


def _event(i: int) -> dict[str, object]:
    """Event `i`; two reports per fused event, half troop deployments, half visits."""
    common = {"article_id": f"a{i}", "event_id": f"e{i}", "fused_id": f"f{i // 2}",
              "sentence": f"Report {i}.", "span": [0, 9], "modality": "reported",
              "confidence": 0.8, "sources": [f"s{i % 7}"]}  # fmt: skip
    if (i // 2) % 2:
        return {**common, "type": "delegation_visit", "origin": "RUS", "destination": "PRK"}
    return {**common, "type": "troop_deployment", "origin": "PRK", "destination": "RUS",
            "troops_min": 1000 + i}  # fmt: skip


@pytest.mark.timeout(600)
def test_alert_worker_killed_mid_stream_loses_no_alert(redis_url: str, tmp_path: Path) -> None:
    """SIGKILL lands between a read's rule decision and its alerts' delivery as often as
    anywhere: the read is redelivered to the next worker and fires its alerts then, once."""
    from services import wire

    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(KILLED_ALERT_RULES)
    settings = _settings(redis_url)
    env = {**_env(settings), "EVENTWATCH_RULES_FILE": str(rules_file)}

    def spawn() -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "services.cli", "worker", "alert"]
        proc = subprocess.Popen(cmd, env=env)
        ready = f"http://127.0.0.1:{settings.alert_port}/ready"

        def up() -> bool:
            assert proc.poll() is None, f"the alert worker exited with {proc.returncode}"
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(ready, timeout=1).status_code == 200
            return False

        _wait(up, timeout=120)
        return proc

    client = redis.Redis.from_url(redis_url)
    n = 60_000
    proc = spawn()
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        pipe.xadd(names.EVENTS_STREAM, {DATA: wire.encode_json(orjson.dumps(_event(i)), f"e{i}")})
    pipe.execute()
    rng = random.Random(7)
    kills = 0
    try:
        for _ in range(4):
            time.sleep(rng.uniform(0.2, 0.6))
            if group_drained(client, names.EVENTS_STREAM, names.ALERT_GROUP):
                break
            proc.kill()
            proc.wait()
            kills += 1
            proc = spawn()
        _wait(lambda: group_drained(client, names.EVENTS_STREAM, names.ALERT_GROUP), timeout=300)
    finally:
        stop_workers([proc])
    assert kills >= 2, "the worker finished before it could be killed mid-stream"
    alerts = [a["alert_id"] for a in _bodies(client, names.ALERTS_STREAM)]
    rule_file = load_rules(rules_file)
    wanted = asyncio.run(
        backtest(rule_file, [EVENT_ADAPTER.validate_python(_event(i)) for i in range(n)])
    )
    assert len(wanted) == n // 2  # one alert per fused event
    assert set(alerts) == {a.alert_id for a in wanted}  # none lost
    # ...and none sent twice: a read's alerts go out with its acknowledgement, in one command
    assert len(alerts) == len(set(alerts))
    assert client.xlen(names.DEAD_LETTER_STREAM) == 0


def test_redis_restart_mid_replay_loses_no_acknowledged_work(tmp_path: Path) -> None:
    port = free_port()
    binary = redis_server_binary(prefer_system=True)
    server = EmbeddedRedis(tmp_path / "redis", port=port, binary=binary).start()
    p = Pipeline(_settings(server.url))
    try:
        p.ready()
        client = redis.Redis.from_url(server.url)
        docs = [(d.doc_id, d.content) for d in generate(120, seed=3)]
        _publish(client, docs)
        time.sleep(3)
        server.stop()  # SIGTERM: Redis flushes its AOF
        time.sleep(2)
        server = EmbeddedRedis(tmp_path / "redis", port=port, binary=binary).start()
        client = redis.Redis.from_url(server.url)
        assert client.xlen(names.RAW_STREAM) == len(docs)
        _wait(lambda: drained(client), timeout=600)
        assert p.alive(), "workers must survive a Redis restart on their own"
        articles = {a["article_id"] for a in _bodies(client, names.ARTICLES_STREAM)}
        assert articles == {doc_id for doc_id, _ in docs}
        events_by_article = {e["article_id"] for e in _bodies(client, names.EVENTS_STREAM)}
        assert len(events_by_article) > len(docs) * 0.9
    finally:
        p.stop()
        server.stop()


# one big example, not shrunk: each run starts three workers, and a failure should say why at once
@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.generate],
)
@given(
    docs=st.lists(
        st.one_of(
            st.binary(max_size=300),
            st.text(max_size=300).map(str.encode),
            st.dictionaries(st.text(max_size=10), st.text(max_size=20)).map(orjson.dumps),
            st.fixed_dictionaries(
                {"doc_id": st.text(max_size=20), "content": st.text(max_size=200)}
            ).map(orjson.dumps),
            st.fixed_dictionaries(
                {
                    "doc_id": st.just("j"),
                    "format": st.just("json"),
                    "content": st.text(max_size=200),
                }
            ).map(orjson.dumps),
            st.fixed_dictionaries(
                {
                    "doc_id": st.just("h"),
                    "format": st.just("html"),
                    "content": st.text(max_size=200),
                }
            ).map(orjson.dumps),
        ),
        min_size=2000,
        max_size=2000,
    )
)
def test_thousands_of_bad_documents_are_all_accounted_for(docs: list[bytes]) -> None:
    data = Path(tempfile.mkdtemp(prefix="ew-bad-"))
    server = EmbeddedRedis(data / "redis")
    server.start()
    p = Pipeline(_settings(server.url))
    try:
        p.ready()
        client = redis.Redis.from_url(server.url)
        pipe = client.pipeline(transaction=False)
        for raw in docs:
            pipe.xadd(names.RAW_STREAM, {DATA: raw})
        # malformed entries: no data field at all, or odd fields
        pipe.xadd(names.RAW_STREAM, {"foo": "bar"})
        pipe.xadd(names.ARTICLES_STREAM, {DATA: b"\xff\xfe"})
        pipe.xadd(names.EVENTS_STREAM, {DATA: b"[1, 2, 3]"})
        pipe.execute()
        _wait(lambda: drained(client), timeout=600)
        assert p.alive(), "no worker may die on bad input"
        raw_total = len(docs) + 1
        ingest_letters = sum(
            1 for _, f in client.xrange(names.DEAD_LETTER_STREAM) if f[b"stage"] == b"ingest"
        )
        articles = client.xlen(names.ARTICLES_STREAM) - 1  # less the bad entry put there above
        duplicates = _metric(p.settings.ingest_port, "eventwatch_duplicates_total")
        assert ingest_letters + articles + duplicates == raw_total
        stages = Counter(f[b"stage"] for _, f in client.xrange(names.DEAD_LETTER_STREAM))
        assert stages[b"extract"] >= 1 and stages[b"alert"] >= 1
    finally:
        p.stop()
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def test_a_vanished_consumer_group_stops_the_worker_loudly_and_a_restart_recovers(
    redis_url: str,
) -> None:
    """FastStream stops a reader on NOGROUP; the worker must exit non-zero and say why, and
    the restarted worker re-creates the group at 0 and reads what is in the stream."""
    settings = _settings(redis_url)
    env = _env(settings)
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "worker", "ingest"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait(lambda: _ready(settings.ingest_port), timeout=60)
        client = redis.Redis.from_url(redis_url)
        client.delete(names.RAW_STREAM)  # the group goes with the stream
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode not in (0, None)
        assert "re-creates the groups" in stderr and names.INGEST_GROUP in stderr
        # a producer adds to the (new) stream before the worker is back: it must not be skipped
        _publish(client, [("after-flush", "Pyongyang, March 3 (Wire) -- A delegation left.")])
        proc = subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "ingest"], env=env)
        _wait(lambda: client.xlen(names.ARTICLES_STREAM) == 1, timeout=60)
        assert proc.poll() is None
    finally:
        stop_workers([proc])


def _ready(port: int) -> bool:
    import httpx

    try:
        return httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _metric(port: int, name: str) -> int:
    import httpx

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return int(
        sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))
    )


def test_wrong_redis_password_gives_a_clear_error_and_nonzero_exit(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [redis_server_binary(prefer_system=True), "--port", str(port), "--bind", "127.0.0.1",
         "--requirepass", "right-secret", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait(lambda: _pingable(port), timeout=10)
        env = {**os.environ, "EVENTWATCH_REDIS_URL": f"redis://:wrong-secret@127.0.0.1:{port}/0",
               "EVENTWATCH_INGEST_PORT": str(free_port())}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "services.cli", "worker", "ingest"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode != 0
        assert "credentials" in result.stderr or "password" in result.stderr.lower()
        assert "wrong-secret" not in result.stderr, "secrets are never logged"
        result = subprocess.run(
            [sys.executable, "-m", "services.cli", "replay", str(PROJECT_ROOT / "seeds")],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2 and "credentials" in result.stderr
    finally:
        proc.terminate()
        proc.wait()


def _pingable(port: int) -> bool:
    try:
        redis.Redis(port=port).ping()
    except redis.AuthenticationError:
        return True
    except redis.ConnectionError:
        return False
    return True
